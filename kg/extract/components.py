"""kg's mention finding as spaCy pipeline components, registered as factories.

Two components, each declared as a ``spacy_factories`` entry point, so with kg installed
any pipeline can add them after its tagger, parser and entity recognizer:
``kg_alias_matcher`` (the names of an alias table) and ``kg_mention_patterns`` (the
mentions kg's token patterns find).

``kg_alias_matcher`` finds the names of the alias table (kg's built-in aliases plus a
user's alias file) and writes them to ``doc.spans["kg_aliases"]``, one span per alias
match, its label the alias's key (:meth:`AliasMatcher.alias` gives the
:class:`~kg.gazetteer.Alias`). Any pipeline can add it after its tagger::

    nlp.add_pipe("kg_alias_matcher", config={"aliases": "my_aliases.csv"})

``kg_mention_patterns`` runs the token patterns of ``kg/lexicon/mention_patterns.jsonl``
(a ``Matcher``) and writes the mentions they find to ``doc.spans["kg_mentions"]``, each
labelled with its pattern's kind: "base" ("Hmeimim air base"), "honorific" ("Straw" in
"Mr Straw"), "district" ("Washington, D.C."), "team" ("Colts" in "the Colts"). Where a
pattern cannot say all a rule needs (a gazetteer lookup, "not inside a longer name"), a
small filter of this module refuses its matches (:data:`MENTION_FILTERS`).

:class:`~kg.extract.mentions.MentionFinder` owns an instance of each and reads their
spans, running a component on a document whose pipeline did not (or ran it with other
aliases or patterns).
"""

import hashlib
from collections.abc import Callable, Iterable
from typing import Optional

from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span, SpanGroup, Token

from kg import gazetteer, lexicon
from kg.extract.name_search import Match, Overlap, choose
from kg.extract.references import TITLE_WORDS

ALIAS_SPANS = "kg_aliases"
MENTION_SPANS = "kg_mentions"
MENTION_PATTERNS = "mention_patterns.jsonl"
NON_MILITARY_BASE = lexicon.words("places.tsv", "non_military_base")  # a voter or customer base, not a military one

# Whether a word starts with a capital letter, as Python's str.isupper says (the SHAPE
# attribute says "LONG" for a word of 100 characters or more).
Token.set_extension("kg_capitalised", getter=lambda token: token.text[:1].isupper(), force=True)
FILTERS_VERSION = 1  # of MENTION_FILTERS and what they call: a span group written by other filters is found again


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


class MentionPatterns:
    """Writes the mentions that token patterns find to ``doc.spans[spans_key]``, labelled with their kind.

    Each pattern is an entry of a spaCy pattern JSONL file (see :func:`kg.lexicon.patterns`)::

        {"label": "honorific", "type": "Person", "anchor": 0, "context": [0], "pattern": [...]}

    ``label`` is the kind of mention, ``type`` the ontology class it names; ``anchor`` is
    the pattern token that every match of one mention shares (the honorific, the word
    "base"): of the matches sharing that word the longest one a filter accepts is the
    mention (:func:`kg.extract.name_search.choose`, leftmost-longest). ``context`` lists
    the pattern tokens that find a mention but are no part of it ("Mr", "the"), ``name``
    those that are its name, where that is less than the whole mention ("Hmeimim" in
    "Hmeimim air base"; :meth:`name`). Spans are written in the order of the
    patterns in the file, then of their anchors in the text; they may overlap, and a reader
    taking them in that order keeps the earlier.
    """

    def __init__(self, vocab, patterns: Iterable[dict], spans_key: str = MENTION_SPANS):
        self.spans_key = spans_key
        self._entries = tuple(patterns)
        self._matcher = Matcher(vocab, validate=True)
        for number, entry in enumerate(self._entries):
            self._matcher.add(str(number), [entry["pattern"]])
        # Which patterns wrote a span group: a span's label means the kind of these patterns only.
        self.table = hashlib.sha1(repr((FILTERS_VERSION, self._entries)).encode("utf-8")).hexdigest()
        self._types = {entry["label"]: entry["type"] for entry in self._entries}

    def __call__(self, doc: Doc) -> Doc:
        found = self._mentions(doc)
        # The names travel in the group's attributes, which a Doc keeps when serialised.
        names = {_key(span): name for span, name in found if name is not None}
        doc.spans[self.spans_key] = SpanGroup(doc, name=self.spans_key, attrs={"patterns": self.table, "names": names},
                                              spans=[span for span, _ in found])
        return doc

    def _mentions(self, doc: Doc) -> list[tuple[Span, str | None]]:
        matcher = self._matcher
        by_anchor: dict[tuple[int, int], list[Match[Span]]] = {}
        for match_id, start, end, alignment in matcher(doc, with_alignments=True):
            number = int(doc.vocab.strings[match_id])
            entry = self._entries[number]
            words = range(start, end)
            context = set(entry.get("context", ()))
            named = set(entry.get("name", ()))
            kept = [i for i, part in zip(words, alignment) if part not in context]
            mention = Span(doc, kept[0], kept[-1] + 1, label=entry["label"])
            name_words = [i for i, part in zip(words, alignment) if part in named]
            name = doc[name_words[0]:name_words[-1] + 1] if name_words else None
            anchor = words[alignment.index(entry["anchor"])]
            by_anchor.setdefault((number, anchor), []).append(Match(start, end, (mention, name)))
        spans = []
        for (number, _), found in sorted(by_anchor.items()):
            check = MENTION_FILTERS.get(self._entries[number]["label"], _any_mention)
            for match in choose(found, Overlap.LEFTMOST_LONGEST, accept=lambda match: check(*match.value)):
                mention, name = match.value
                spans.append((mention, name.text if name is not None else None))
        return spans

    def spans(self, doc: Doc) -> SpanGroup:
        """The mention spans of a document: those its pipeline wrote with these patterns, else found now."""
        group = doc.spans.get(self.spans_key)
        if group is None or group.attrs.get("patterns") != self.table:
            group = self(doc).spans[self.spans_key]
        return group

    def type(self, span: Span) -> str:
        """The ontology class the mention of a span names ("MilitaryBase" for a "base")."""
        return self._types[span.label_]

    @staticmethod
    def name(group: SpanGroup, span: Span) -> str | None:
        """The name a mention of ``group`` gives, where its pattern marks one: "Hmeimim" in "Hmeimim air base"."""
        return group.attrs.get("names", {}).get(_key(span))


def _key(span: Span) -> str:
    return f"{span.label_}:{span.start}:{span.end}"


def _any_mention(mention: Span, name: Span | None) -> bool:
    """The filter of a kind whose pattern says all: every match is a mention."""
    return True


def _a_military_base(mention: Span, name: Span) -> bool:
    """Whether "X air base" names a military base: X is all the name-like words before the
    base words (in "near Latakia Hmeimim air base" the name is "Latakia Hmeimim", never
    "Hmeimim" alone), and none of them makes it a voter or customer base ("the Republican
    base"). Whether a word is name-like takes a gazetteer lookup (no nationality) and, for
    an adjective or noun, its place in the sentence: more than a token pattern can say."""
    doc = mention.doc
    return (all(_name_like(token) for token in name) and not (name.start > 0 and _name_like(doc[name.start - 1]))
            and not any(token.lower_ in NON_MILITARY_BASE for token in name))


def _a_team(mention: Span, name: Span | None) -> bool:
    """Whether "the Colts" names a team: no capitalised word follows ("the Colts Stadium";
    a pattern cannot ask for a word that is absent at the end of a text), and the word is
    no nationality ("the Russians", a gazetteer lookup)."""
    doc = mention.doc
    after = doc[mention.end] if mention.end < len(doc) else None
    text = mention.text
    return ((after is None or not after.text[:1].isupper())
            and gazetteer.demonym(text[:-1]) is None and gazetteer.demonym(text[:-2]) is None)


def _name_like(token: Token) -> bool:
    """A word that can be part of a name: capitalised, a proper noun (or, inside a sentence, an
    adjective or noun that is no title word), no nationality."""
    return (
        token.is_alpha and token.text[:1].isupper() and token.pos_ in ("PROPN", "ADJ", "NOUN")
        and gazetteer.demonym(token.text) is None and token.lower_ not in TITLE_WORDS
        and not token.is_sent_start
    ) or (token.is_alpha and token.pos_ == "PROPN" and token.text[:1].isupper() and gazetteer.demonym(token.text) is None)


# The checks a kind of mention needs that its pattern cannot express; they refuse a match.
MENTION_FILTERS: dict[str, Callable[[Span, Span | None], bool]] = {"base": _a_military_base, "team": _a_team}


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


@Language.factory(
    "kg_mention_patterns",
    default_config={"spans_key": MENTION_SPANS},
    assigns=["doc.spans"],
    requires=["token.pos", "token.ent_type", "token.ent_iob", "token.is_sent_start"],
)
def make_mention_patterns(nlp: Language, name: str, spans_key: str) -> MentionPatterns:
    """A :class:`MentionPatterns` of kg's patterns (``kg/lexicon/mention_patterns.jsonl``)."""
    return MentionPatterns(nlp.vocab, lexicon.patterns(MENTION_PATTERNS), spans_key)
