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
        # Overlapping matches: the earliest, and of those starting there the longest, then
        # the next that starts after it. Not spacy.util.filter_spans, which keeps the
        # longest anywhere: in "Jabhat al-Nusra Front fighters", given a user's alias "al-Nusra
        # Front fighters", it keeps that one, and this rule "Jabhat al-Nusra". The two choose
        # alike on all 4,215 articles of the shared corpus; kg's outputs keep this rule.
        chosen: list[Span] = []
        for match_id, start, end in sorted(self._exact(doc) + self._loose(doc), key=lambda m: (m[1], m[1] - m[2])):
            if doc[start].lower_ == "the" and end - start > 1:
                start += 1
            if chosen and chosen[-1].end > start:
                continue
            if end - start == 1 and doc[start].pos_ in ("VERB", "AUX"):
                continue
            chosen.append(Span(doc, start, end, label=match_id))
        return chosen

    def spans(self, doc: Doc) -> SpanGroup:
        """The alias spans of a document: those its pipeline wrote with this alias table, else found now."""
        group = doc.spans.get(self.spans_key)
        if group is None or group.attrs.get("aliases") != self.table:
            group = self(doc).spans[self.spans_key]
        return group

    def alias(self, span: Span) -> gazetteer.Alias:
        """The alias an alias span matched."""
        return self._aliases[span.label_]


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
