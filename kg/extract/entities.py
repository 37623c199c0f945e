"""The entities of one article: find their mentions, repair their types, join their names.

:class:`EntityFinder` composes the three jobs: :mod:`kg.extract.mentions` finds the
mentions and repairs the types the small English model gives rare names;
:mod:`kg.extract.joining` joins the mentions of one entity within the article
("Vladimir Putin" ... "Putin"; "Hmeimim air base" ... "Khmeimim base"); the result is a
:class:`~kg.extract.references.DocEntities`, which the fact extractors ask to resolve a
noun phrase (a name, a title such as "the Russian president", or a pronoun) to an entity.
"""

from __future__ import annotations

from collections.abc import Iterable

from spacy.tokens import Doc

from kg import gazetteer
from kg.extract.joining import cluster_mentions
from kg.extract.mentions import MentionFinder
from kg.extract.references import DocEntities


class EntityFinder:
    """Finds the entities of parsed articles; built once per pipeline (the alias matchers are costly)."""

    def __init__(self, tokenizer, aliases: Iterable[gazetteer.Alias] | None = None):
        self._mentions = MentionFinder(tokenizer, aliases)

    def __call__(self, doc: Doc) -> DocEntities:
        """Find, type and join the entity mentions of a parsed article."""
        mentions, headlines = self._mentions(doc)
        return cluster_mentions(doc, mentions, headlines)
