"""kg's mention finding as spaCy pipeline components, registered as factories.

``kg_alias_matcher`` finds the names of the alias table (kg's built-in aliases plus a
user's alias file) and writes them to ``doc.spans["kg_aliases"]``, one span per alias
match, its label the alias's key (:meth:`AliasMatcher.alias` gives the
:class:`~kg.gazetteer.Alias`). kg declares it as a ``spacy_factories`` entry point, so
with kg installed any pipeline can add it after its tagger::

    nlp.add_pipe("kg_alias_matcher", config={"aliases": "my_aliases.csv"})

:class:`~kg.extract.mentions.MentionFinder` owns an instance and reads its spans, running
it on a document whose pipeline did not (or ran it with another alias table).
"""

import hashlib
from collections.abc import Iterable
from typing import Optional

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span, SpanGroup

from kg import gazetteer
from kg.extract.name_search import Match, Overlap, choose

ALIAS_SPANS = "kg_aliases"


class AliasMatcher:
    """Writes the alias matches of a document to ``doc.spans[spans_key]``, non-overlapping, in text order.

    Acronyms match only as written ("IS" is a group, "is" a verb); longer names in any
    case. A match starting with "the" ("the Taliban") drops that word; a one-word match
    the tagger calls a verb or auxiliary is no name.
    """

    def __init__(self, tokenizer, aliases: Iterable[gazetteer.Alias], spans_key: str = ALIAS_SPANS):
        aliases = tuple(aliases)
        vocab = tokenizer.vocab
        self.spans_key = spans_key
        self._exact = PhraseMatcher(vocab, attr="ORTH")
        self._loose = PhraseMatcher(vocab, attr="LOWER")
        self._aliases: dict[str, gazetteer.Alias] = {}
        for number, alias in enumerate(aliases):
            key = f"kg_alias_{number}"
            self._aliases[key] = alias
            acronym = len(alias.surface) <= 5 or alias.surface.isupper()
            (self._exact if acronym else self._loose).add(key, [tokenizer(alias.surface)])
        # Which alias table wrote a span group: a span's label is a key of this table only.
        self.table = hashlib.sha1(repr(aliases).encode("utf-8")).hexdigest()

    def __call__(self, doc: Doc) -> Doc:
        doc.spans[self.spans_key] = SpanGroup(doc, name=self.spans_key, attrs={"aliases": self.table},
                                              spans=self._matches(doc))
        return doc

    def _matches(self, doc: Doc) -> list[Span]:
        # Overlapping matches: the leftmost-longest rule, not spacy.util.filter_spans, which is
        # longest-first (kg.extract.name_search.Overlap): in "Jabhat al-Nusra Front fighters",
        # given a user's alias "al-Nusra Front fighters", filter_spans keeps that one and this
        # rule "Jabhat al-Nusra". The two choose alike on all 4,215 articles of the shared
        # corpus; kg's outputs keep this rule. A leading "the" is dropped after the choice, so
        # an alias ending in "the" (none of kg's own does) keeps out a match of "the ..."
        # starting on that word.
        found = [Match(start, end, match_id) for match_id, start, end in self._exact(doc) + self._loose(doc)]
        chosen = choose(found, Overlap.LEFTMOST_LONGEST, accept=lambda match: not _a_verb(doc, match))
        return [Span(doc, _name_start(doc, match), match.end, label=match.value) for match in chosen]

    def spans(self, doc: Doc) -> SpanGroup:
        """The alias spans of a document: those its pipeline wrote with this alias table, else found now."""
        group = doc.spans.get(self.spans_key)
        if group is None or group.attrs.get("aliases") != self.table:
            group = self(doc).spans[self.spans_key]
        return group

    def alias(self, span: Span) -> gazetteer.Alias:
        """The alias an alias span matched."""
        return self._aliases[span.label_]


def _name_start(doc: Doc, match: Match) -> int:
    """Where the name of an alias match starts: after a leading "the" ("the Taliban")."""
    if doc[match.start].lower_ == "the" and match.end - match.start > 1:
        return match.start + 1
    return match.start


def _a_verb(doc: Doc, match: Match) -> bool:
    """Whether an alias match is one word the tagger calls a verb or auxiliary ("is", not "IS")."""
    start = _name_start(doc, match)
    return match.end - start == 1 and doc[start].pos_ in ("VERB", "AUX")


@Language.factory(
    "kg_alias_matcher",
    default_config={"aliases": None, "builtin": True, "spans_key": ALIAS_SPANS},
    assigns=["doc.spans"],
)
def make_alias_matcher(nlp: Language, name: str, aliases: Optional[str], builtin: bool, spans_key: str) -> AliasMatcher:
    """An :class:`AliasMatcher` of kg's built-in aliases (unless ``builtin`` is false) and
    those of the alias file ``aliases`` (CSV ``surface,canonical,type,wikidata``), if given."""
    table = [*(gazetteer.builtin_aliases() if builtin else ()), *(gazetteer.read_aliases(aliases) if aliases else ())]
    return AliasMatcher(nlp.tokenizer, table, spans_key)
