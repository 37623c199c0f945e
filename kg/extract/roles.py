"""Offices people hold, as the article names them: "Syrian President Bashar Assad"."""

from __future__ import annotations

from collections.abc import Iterator

from spacy.tokens import Doc

from kg.extract.grammar import sentence_evidence, sentence_of
from kg.extract.references import DocEntities
from kg.facts import HoldsPosition

EXTRACTOR = "roles.v1"


def roles(doc: Doc, entities: DocEntities) -> Iterator[HoldsPosition]:
    """Yield one fact per distinct (person, title, country) the article states."""
    article = doc._.article
    seen = set()
    for person, positions in sorted(entities.positions.items()):
        for position in positions:
            key = (person, position.title.lower(), position.country)
            if key in seen:
                continue
            seen.add(key)
            yield HoldsPosition(
                person=person,
                title=position.title,
                jurisdiction=position.country,
                evidence=sentence_evidence(doc, sentence_of(position.span), article),
                extractor=EXTRACTOR,
            )
