"""Mention finding in one article: the spans that name entities, and their types repaired.

The small English model mislabels rare names (an air base's name as NORP, a port as
ORG, an armed group as GPE). :class:`MentionFinder` repairs types with context rules
("X air base", "province of X", "a naval facility in X"), the offline gazetteers
(countries, GeoNames cities, known groups) and never with lists of particular
articles' names; it also finds names the model missed (alias tables, bases, teams,
honorifics, names the article writes again).

Two spaCy components find mentions by table and by pattern (:mod:`kg.extract.components`):
the alias matcher, and token patterns for military bases, persons after an honorific,
"Washington, D.C." and "the Colts" (``kg/lexicon/mention_patterns.jsonl``). The finders
left in Python here do not fit a token pattern: a team after its place ("Indianapolis
Colts") needs the longest place name a gazetteer knows before a plural the article never
writes in lower case, and the other rules (listed places, headline names, surnames,
repeated names) work on the mentions found so far, which exist only inside this pass.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

from spacy.tokens import Doc, Span, Token

from kg import gazetteer, lexicon
from kg.extract.components import MENTION_PATTERNS, AliasMatcher, MentionPatterns
from kg.extract.grammar import DATELINE_DASHES, doc_datelines, sentence_of, tokens
from kg.extract.name_search import Match, Overlap, longest_matches
from kg.extract.references import TITLE_WORDS
from kg.facts import PLACE_TYPES
from kg.names import HONORIFICS, strip_possessive
from kg.vocab import ontology

PLACE_WORDS = "places.tsv"
REGION_WORDS = lexicon.words(PLACE_WORDS, "region")
PLACE_NOUNS = lexicon.words(PLACE_WORDS, "place_noun")  # nouns after which "in X" / "at X" names a place
FACILITY_HEADS = lexicon.words(PLACE_WORDS, "facility")  # "Trump Tower", "the Oval Office", "Nashua Community College"
LOCATIVE_PREPS = lexicon.words(PLACE_WORDS, "locative")
# Words before a place name that make it the place, not the team named after it.
PLACE_PREPS = LOCATIVE_PREPS | lexicon.words(PLACE_WORDS, "place_preposition")
ORGANISATION_HEADS = lexicon.words("organisations.tsv", "head")
SENTENCE_END = frozenset('.!?"\'”’')  # marks that end a sentence, not a headline


@cache
def ner_types() -> dict[str, str]:
    """spaCy entity label -> the ontology class it populates, from the ontology's ``kg:nerLabel``."""
    return {label: str(cls).rsplit("#", 1)[-1].rsplit("/", 1)[-1] for label, cls in ontology().ner_labels.items()}


class MentionFinder:
    """Finds the typed entity mentions of parsed articles; built once per pipeline (the alias matchers are costly)."""

    def __init__(self, tokenizer, aliases: Iterable[gazetteer.Alias] | None = None):
        aliases = tuple(aliases) if aliases is not None else gazetteer.builtin_aliases()
        self._aliases = AliasMatcher(tokenizer, aliases)
        self._patterns = MentionPatterns(tokenizer.vocab, lexicon.patterns(MENTION_PATTERNS))

    def __call__(self, doc: Doc) -> tuple[list[tuple[Span, dict]], Headlines]:
        """The typed entity mentions of a parsed article in text order, and how its sentences are written."""
        mentions = self._alias_mentions(doc)
        taken = {i for span, _ in mentions for i in range(span.start, span.end)}
        headlines = Headlines()
        for span, info in [*self._pattern_mentions(doc), *_place_teams(doc, headlines)]:
            if not any(i in taken for i in range(span.start, span.end)):
                mentions.append((span, info))
                taken.update(range(span.start, span.end))
        for ent in doc.ents:
            span = _trim(ent)
            if span is None or any(i in taken for i in range(span.start, span.end)):
                continue
            info = _typed(span, ent.label_)
            if info is not None:
                mentions.append((span, info))
                taken.update(range(span.start, span.end))
        mentions = _dateline_place(doc, mentions, taken)
        mentions = _listed_places(doc, mentions, taken)
        mentions = _headline_names(mentions, taken, headlines)
        mentions = _consistent_surnames(doc, mentions, taken, headlines)
        mentions += _repeated_names(doc, mentions, taken, headlines)
        mentions.sort(key=lambda m: m[0].start)
        return mentions, headlines

    def _alias_mentions(self, doc: Doc) -> list[tuple[Span, dict]]:
        """The alias matches of ``doc.spans["kg_aliases"]`` (see :mod:`kg.extract.components`), typed."""
        found: list[tuple[Span, dict]] = []
        for match in self._aliases.spans(doc):
            alias = self._aliases.alias(match)
            info = {"type": alias.type, "canonical": alias.canonical,
                    "link": f"wikidata:{alias.wikidata}" if alias.wikidata else None}
            found.append((doc[match.start:match.end], info))  # unlabelled, as every other mention
        return found

    def _pattern_mentions(self, doc: Doc) -> list[tuple[Span, dict]]:
        """The mentions of ``doc.spans["kg_mentions"]`` (see :mod:`kg.extract.components`), typed:
        bases, persons after an honorific, "Washington, D.C.", "the Colts"; a base with its name."""
        found: list[tuple[Span, dict]] = []
        group = self._patterns.spans(doc)
        for match in group:
            info = {"type": self._patterns.type(match)}
            if (name := self._patterns.name(group, match)) is not None:
                info["name"] = name
            found.append((doc[match.start:match.end], info))
        return found


# Plurals that end the names of places and of people's groups, not of teams:
# "Palm Springs", "the Golan Heights", "Texas Democrats", "Boston Officials".
NON_TEAM_PLURALS = lexicon.words(PLACE_WORDS, "non_team_plural")
_TEAM_WORD = re.compile(r"^(?:[A-Z][a-z]+|[A-Z][a-z]*[A-Z][a-z]+|\d+[a-z]*)$")  # "Colts", "76ers", "McNeese"


def is_team_tail(words: list[str]) -> bool:
    """Whether the words after a place name make a team's name: a plural or "Sox".

    >>> [is_team_tail(w.split()) for w in ("Colts", "76ers", "Red Sox", "Tar Heels", "Springs", "Democrats", "Police")]
    [True, True, True, True, False, False, False]
    """
    if not 1 <= len(words) <= 2:
        return False
    last = words[-1].lower()
    return (last == "sox" or last.endswith("s") and len(last) > 3) and last not in NON_TEAM_PLURALS


def _team_word(text: str) -> bool:
    """A single word that can name a team: "Colts", "76ers"; not "Russians" (a nationality)."""
    return bool(_TEAM_WORD.match(text)) and is_team_tail([text]) and gazetteer.demonym(text[:-1]) is None


def _place_teams(doc: Doc, headlines: Headlines) -> Iterable[tuple[Span, dict]]:
    """ "Indianapolis Colts", "North Carolina Tar Heels": a place (a GeoNames city, a US state
    or a span the model typed GPE) followed by one or two capitalised words that end in a
    plural the article never writes in lower case and writes outside its headlines."""
    toks = tokens(doc)
    lower = {t.lower_ for t in toks if t.is_alpha and t.text.islower()}
    # Team words are rare: look for places only before them.
    tails = [t.i for t in toks if _team_word(t.text) and t.lower_ not in lower]
    if not tails:
        return
    body = {doc[i].text for i in tails if not headlines.is_headline_line(doc[i])}
    gpe_ends = {ent.end: ent.start for ent in doc.ents if ent.label_ == "GPE"}
    taken_until = 0
    for last in tails:
        if doc[last].text not in body or last + 1 < len(doc) and doc[last + 1].is_alpha and doc[last + 1].text[:1].isupper():
            continue
        for length in (2, 1):
            tail = doc[last - length + 1:last + 1]
            if (tail.start <= taken_until or not all(_TEAM_WORD.match(t.text) for t in tail)
                    or any(t.ent_type_ == "PERSON" for t in tail)):  # "Warren Jeffs"
                continue
            start = _place_before(doc, tail.start, gpe_ends)
            if start is not None:
                yield doc[start:tail.end], {"type": "Organization"}
                taken_until = tail.end
                break


def _place_before(doc: Doc, end: int, gpe_ends: dict[int, int]) -> int | None:
    """Where the place name that ends right before token ``end`` starts (the longest one), if any."""
    for start in [end - n for n in (3, 2, 1) if end - n >= 0] + [gpe_ends.get(end, -1)]:
        if start < 0 or not doc[start].text[:1].isupper() or doc[start].lower_ == "the":
            continue
        before = doc[start - 1] if start > 0 else None
        if (before is not None and before.is_alpha and before.text[:1].isupper() and before.lower_ != "the"
                and not doc[start].is_sent_start):
            continue  # inside a longer name: "EYP Mission Critical Facilities"
        text = doc[start:end].text
        if gpe_ends.get(end) == start or gazetteer.city(text) or gazetteer.is_region(text):
            return start
    return None


def _consistent_surnames(doc: Doc, mentions: list[tuple[Span, dict]], taken: set[int],
                         headlines: Headlines) -> list[tuple[Span, dict]]:
    """A name the article gives a person in full is that person everywhere in it.

    The model tags "Trump" as ORG in one sentence and misses "Pence" in another although
    "Donald Trump" and "Mike Pence" are persons elsewhere in the text.
    """
    surnames = {
        span[-1].text for span, info in mentions
        if info["type"] == "Person" and len(span) > 1 and span[-1].text[:1].isupper()
    }
    if not surnames:
        return mentions
    given = {span[0].text for span, info in mentions if info["type"] == "Person" and len(span) > 1}
    result = []
    for span, info in mentions:
        if (len(span) == 1 and span[0].text in surnames | given and info["type"] in ("Organization", "Place")
                and not info.get("canonical") and not info.get("link")):
            info = {"type": "Person"}  # "Kathina" typed GPE beside "Kathina Thomas"
        result.append((span, info))
    for token in tokens(doc):
        if (token.i not in taken and token.text in surnames and _as_name(token, headlines)
                and (headlines.is_headline(token) or not (
                    token.i > 0 and doc[token.i - 1].pos_ == "PROPN"
                    or token.i + 1 < len(doc) and doc[token.i + 1].pos_ == "PROPN"))):
            result.append((doc[token.i:token.i + 1], {"type": "Person"}))
            taken.add(token.i)
    return result


def _headline_names(mentions: list[tuple[Span, dict]], taken: set[int], headlines: Headlines) -> list[tuple[Span, dict]]:
    """Cut the names of a title-case headline to the names the article's body uses.

    Headlines run names into the words around them ("Obama Reverses Bush", "76ers Hire
    Maurice Cheeks"); a headline span that contains names written in the body becomes
    those names, with the body's types.
    """
    body: dict[tuple[str, ...], dict] = {}
    body_types: dict[tuple[str, ...], list[str]] = {}
    for span, info in mentions:
        if not headlines.is_headline_line(span[0]):
            body.setdefault(_words(span), info)
            body_types.setdefault(_words(span), []).append(info["type"])
    shouting = _in_capitals(body)  # "DELL RESELLS SEAMICRO"
    result = []
    for span, info in mentions:
        known = shouting if span.text.isupper() else body
        in_headline = headlines.is_headline_line(span[0])
        types = body_types.get(_words(span), [])
        if in_headline and len(types) >= 2 and len(set(types)) == 1 and not info.get("canonical"):
            info = dict(body[_words(span)])  # the body's one type: "Colts" is no person in "Colts Top Jags"
        parts = [] if len(span) < 2 or _words(span) in body or not in_headline else _known_parts(span, known)
        if not parts:
            result.append((span, info))
            continue
        taken.difference_update(range(span.start, span.end))
        for part in parts:
            result.append((part, dict(known[_words(part, known is shouting)])))
            taken.update(range(part.start, part.end))
    return result


def _words(span: Span, upper: bool = False) -> tuple[str, ...]:
    return tuple(t.text.upper() if upper else t.text for t in span)


def _in_capitals(names: dict[tuple[str, ...], dict]) -> dict[tuple[str, ...], dict]:
    """The names as a line in capitals writes them, but not short ones or acronyms ("IS"
    there may be the verb)."""
    return {tuple(w.upper() for w in words): info for words, info in names.items()
            if len(words[-1]) > 2 and not " ".join(words).isupper()}


def _known_parts(span: Span, names: dict[tuple[str, ...], dict]) -> list[Span]:
    """The longest sub-spans of ``span`` that are in ``names``, longest first, then left to
    right, not overlapping, in text order (compared in capitals when ``span`` is written in
    capitals)."""
    words = list(_words(span, span.text.isupper()))
    parts = longest_matches(words, names, Overlap.LONGEST_FIRST, max_words=len(span) - 1)
    return [span.doc[span.start + part.start:span.start + part.end] for part in parts]


def _repeated_names(doc: Doc, mentions: list[tuple[Span, dict]], taken: set[int],
                    headlines: Headlines) -> list[tuple[Span, dict]]:
    """Where the article writes again a name it tagged elsewhere, that is the same entity.

    The model tags a rare name ("HP", "Colts", "SeaMicro") in one sentence and misses it in
    the next, and most names in a headline. One-word person names are handled by
    :func:`_consistent_surnames`; a repeat inside a longer capitalised name ("Saints" in
    "Latter Day Saints") is no repeat, except in a headline, where every word is capitalised.
    Of overlapping repeats the leftmost, longest one counts (:mod:`kg.extract.name_search`).

    No pipeline component: the names looked for are this article's mentions as found so far,
    types repaired, with their canonical names and links, and the words they claim; they
    exist only inside :class:`MentionFinder`'s pass, after the pipeline ran.
    """
    names: dict[tuple[str, ...], dict] = {}
    for span, info in mentions:
        words = _words(span)
        if (info["type"] != "Person" or len(words) > 1) and words[0][:1].isupper() and len("".join(words)) > 1:
            names.setdefault(words, info)
            if info["type"] == "Organization":  # "Chargers" for the "San Diego Chargers"
                for cut in range(1, len(words)):
                    rest = words[cut:]  # a name too ("76ers"), never "’s" of "Columbia’s"
                    if rest[0][:1].isalnum() and len("".join(rest)) > 1 and (
                            gazetteer.city(" ".join(words[:cut])) or gazetteer.is_region(" ".join(words[:cut]))):
                        names.setdefault(rest, info)
    # In a line in capitals ("COLTS CLINCH BERTH") names are matched in capitals too.
    shouting = _in_capitals({_words(span): info for span, info in mentions})
    if not names:
        return []
    texts = [t.text for t in tokens(doc)]

    def is_repeat(match: Match[dict]) -> bool:
        start, end = match.start, match.end
        if tuple(texts[start:end]) not in names and not headlines.is_upper(doc[start]):
            return False  # found only in capitals, outside a line in capitals
        if any(i in taken for i in range(start, end)):
            return False  # another mention's words
        return headlines.is_headline(doc[start]) or not _in_longer_name(doc, start, end)

    found = []
    # The words as the article writes them win over the same words matched in capitals.
    for match in longest_matches(texts, {**shouting, **names}, Overlap.LEFTMOST_LONGEST, accept=is_repeat):
        found.append((doc[match.start:match.end], dict(match.value)))
        taken.update(range(match.start, match.end))
    return found


def unclaimed_names(doc: Doc, token_entity: dict[int, str]) -> tuple[tuple[int, str], ...]:
    """Runs of capitalised words that no entity claimed, as (start offset, text).

    They are names the model may have missed ("TMZ reported", "Evansville 51-50"), kept so
    that names other articles tagged can be found again (:mod:`kg.corpus_names`). A
    capitalised first word of a sentence that is no proper noun ("Police said") starts no run.
    """
    runs: list[tuple[int, str]] = []
    start = None
    for token in [*tokens(doc), None]:
        capitalised = (token is not None and token.i not in token_entity and token.text[:1].isupper()
                       and (token.is_alpha or "-" in token.text or "'" in token.text)
                       and not (token.is_sent_start and token.pos_ != "PROPN" and start is None))
        joiner = (token is not None and start is not None and token.text == "-" and not token.whitespace_
                  and token.i not in token_entity)
        if capitalised or joiner:
            start = token.i if start is None else start
            continue
        if start is not None:
            end = token.i if token is not None else len(doc)
            while end > start and doc[end - 1].text == "-":
                end -= 1
            span = doc[start:end]
            runs.append((span.start_char, span.text))
            start = None
    return tuple(runs)


def _as_name(token: Token, headlines: Headlines) -> bool:
    """Whether a word that is a surname of the article stands as a name here: a proper noun,
    a capitalised word inside a sentence or headline, or a sentence's first word followed by
    a verb, punctuation or a possessive ("Jeffs is charged", "Sanders' largest event", not
    "Young fans" or "Rice prices")."""
    if token.pos_ == "PROPN" or headlines.is_headline(token):
        return True
    if not token.is_sent_start:
        return token.text[:1].isupper()
    after = token.nbor(1) if token.i + 1 < len(token.doc) else None
    if after is not None and after.tag_ == "POS":  # "Sanders' event"; not "Banks' profits" beside "the banks"
        return token.lower_ not in _lower_case_words(token.doc)
    return after is None or after.pos_ in ("VERB", "AUX", "PUNCT")


def _lower_case_words(doc: Doc) -> frozenset[str]:
    """The words an article writes in lower case, found once per document."""
    found = doc.user_data.get("kg_lower_words")
    if found is None:
        found = doc.user_data["kg_lower_words"] = frozenset(t.text for t in tokens(doc) if t.text.islower())
    return found


class Headlines:
    """How a token's sentence is written, worked out once per sentence of an article."""

    def __init__(self) -> None:
        self._known: dict[int, tuple[bool, bool, bool]] = {}

    def _of(self, token: Token) -> tuple[bool, bool, bool]:
        sentence = sentence_of(token)
        if sentence.start not in self._known:
            words = [t.text for t in sentence if t.is_alpha]
            title_case = _title_case(sentence)
            last = next((t for t in reversed(sentence) if t.text.strip()), sentence[-1])
            self._known[sentence.start] = (
                title_case,
                title_case and last.text not in SENTENCE_END,
                bool(words) and all(w.isupper() for w in words),
            )
        return self._known[sentence.start]

    def is_headline(self, token: Token) -> bool:
        """Whether the sentence is in title case, as headlines are."""
        return self._of(token)[0]

    def is_headline_line(self, token: Token) -> bool:
        """A line in title case with no closing punctuation: "Obama Reverses Bush Rules"."""
        return self._of(token)[1]

    def is_upper(self, token: Token) -> bool:
        """Whether the sentence is written in capitals."""
        return self._of(token)[2]


def _in_longer_name(doc: Doc, start: int, end: int) -> bool:
    """Whether the words start:end sit between capitalised words, as part of a longer name."""
    before = doc[start - 1] if start > 0 and not doc[start].is_sent_start else None
    after = doc[end] if end < len(doc) else None
    return any(t is not None and t.is_alpha and t.text[:1].isupper() for t in (before, after))


def _trim(ent: Span) -> Span | None:
    """Drop a leading "the" and a trailing possessive from an entity span."""
    start, end = ent.start, ent.end
    doc = ent.doc
    while start < end and doc[start].lower_ in ("the", "a", "an"):
        start += 1
    while end > start and (doc[end - 1].tag_ == "POS" or doc[end - 1].text in ("'s", "’s", "'", "’")):
        end -= 1
    while start < end and doc[start].lower_ in HONORIFICS and ent.label_ != "PERSON":
        start += 1
    while end - start > 1 and doc[end - 1].is_alpha and doc[end - 1].text[:1].islower():
        end -= 1  # "Ross doesn" ('t): a lower-case word ends no name
    if end - start > 2 and _title_case(sentence_of(ent)):
        # A headline in title case runs names into the words after them:
        # "Lindsay Lohan Checks Into Rehab", "AMD Acquires SeaMicro".
        for index in range(start + 1, end):
            token = doc[index]
            if (token.is_stop and token.lower_ not in NAME_CONNECTORS) or token.lower_ in HEADLINE_VERBS:
                end = index
                break
    return doc[start:end] if end > start else None


NAME_CONNECTORS = lexicon.words("name_words.tsv", "connector")
HEADLINE_VERBS = lexicon.words("name_words.tsv", "headline_verb")


def _title_case(sentence: Span) -> bool:
    """Whether most words of a sentence are capitalised, as in many headlines."""
    words = [t for t in sentence if t.is_alpha and len(t) > 3]
    return len(words) >= 3 and sum(t.text[0].isupper() for t in words) / len(words) >= 0.7


def _typed(span: Span, label: str) -> dict | None:
    """Repair the NER label of a span with context; None if it is no entity kg models."""
    text = strip_possessive(span.text)
    if label == "NORP":
        if gazetteer.demonym(span.text) or span.text.endswith("s"):
            return None  # "Russian", "Alawites": nationalities and groups of people
        label = "GPE" if _in_place_context(span) else None
        if label is None:
            return None
    if label in ("ORG", "PERSON") and (len(span) == 1 and _in_place_context(span) or _gazetteer_place(span, label)):
        label = "GPE"
    if (label == "PERSON" and len(span) == 1 and span.start > 0 and span.doc[span.start - 1].lower_ == "the"
            and _team_word(span.text)):
        return {"type": "Organization"}  # "the Colts", "the Jags": a team, not a person
    if label == "PERSON" and _plural_acronym(span[-1].text):
        return None  # "Labour MPs", "CEOs": a group of people, no one's name
    if label == "PERSON" and len(span) > 1 and span[-1].text[:1].isupper() and span[-1].lower_ in ORGANISATION_HEADS:
        return {"type": "Organization"}  # "Comedy Central", "Eon Labs": no one's name ends so
    if label == "PERSON" and len(span) == 1 and not _could_be_named_person(span[0]):
        if span.start > 0 and span.doc[span.start - 1].lower_ == "the" and (
                _place_slot(span.root) or _in_place_context(span)):
            return {"type": "Place"}  # "toured the Louvre"
        return None
    if label == "PERSON" and _admitted_to(span):
        return {"type": "Place"}  # "checked into Betty Ford": the clinic named after her
    if label == "ORG" and span.root.lower_ in TITLE_WORDS:  # "Defense" in "Defense Minister X"
        return None
    if label in ("PERSON", "ORG", "FAC") and len(span) > 1 and span[-1].lower_ in FACILITY_HEADS:
        return {"type": "Place"}  # "Trump Tower", "the Oval Office": a building, whatever the model says
    base_type = ner_types().get(label)
    if base_type is None:
        return None
    if base_type != "Place":
        if label == "PERSON" and gazetteer.country(text) and _in_place_context(span):
            base_type = "Place"
        else:
            return {"type": base_type}
    found_country = gazetteer.country(text)
    if found_country:
        return {"type": "Country", "canonical": found_country.name, "link": f"iso3166:{found_country.alpha2}"}
    if _region_context(span) or gazetteer.is_region(text):
        return {"type": "Region"}
    if label == "GPE":
        hit = gazetteer.city(text)
        if hit:
            return {"type": "City", "link": f"geonames:{hit[1]}"}
        return {"type": "Place"}
    return {"type": "Place"}


def _could_be_named_person(token: Token) -> bool:
    """Whether one word the model tagged PERSON can be someone's name by what the same model
    and article say of it: the tagger saw a proper noun ("Freezing", "Nationally", "Dubbed"
    at a sentence's start are not), no "the" stands before it ("the Louvre", "the
    Telegraph": a person's name takes no article), and, at a sentence's start, the article
    does not write it in lower case elsewhere ("Coal has now vanished" beside "coal mines").

    The tagger and the recogniser of a small model disagree most on capitalised words
    where a sentence or a headline starts; kg takes the word for a name only where both
    can.
    """
    if token.tag_ not in ("NNP", "NNPS") and token.pos_ != "PROPN":
        return False
    if token.i > 0 and token.doc[token.i - 1].lower_ == "the":
        return False
    if not token.is_sent_start:
        return True
    # a sentence's first word: a common noun the article also writes in lower case, unless
    # it writes it capitalised inside a sentence too ("May said ..." beside "Theresa May")
    lower = token.text.lower()
    written = [t for t in token.doc if t.lower_ == lower]
    return not any(t.text == lower for t in written) or any(
        t.text == token.text and not t.is_sent_start for t in written)


def _plural_acronym(word: str) -> bool:
    """ "MPs", "CEOs", "GPs": the plural of an acronym names a group.

    >>> _plural_acronym("MPs"), _plural_acronym("Mays"), _plural_acronym("US")
    (True, False, False)
    """
    return len(word) >= 3 and word.endswith("s") and word[:-1].isupper()


BIG_CITY = 100_000  # a city this large is a place even where the model saw a person or a group


def _gazetteer_place(span: Span, label: str) -> bool:
    """A name the model tagged PERSON or ORG that a gazetteer knows as a country, a US
    state or a large city: a country or a name of several words anywhere ("Sri Lanka",
    "Buenos Aires"), a one-word city or state where a place stands ("visits Manchester,
    Liverpool", "told workers in Los Angeles"); never when the article also writes it inside
    a person's name ("Michael Jordan") or after an honorific."""
    text = strip_possessive(span.text)
    if not (gazetteer.country(text) or gazetteer.is_region(text) or gazetteer.city_population(text) >= BIG_CITY):
        return False
    doc = span.doc
    if span.start > 0 and doc[span.start - 1].lower_ in HONORIFICS | TITLE_WORDS:
        return False
    words = set(text.split())
    if any(e.label_ == "PERSON" and len(e) > len(span) and words <= {t.text for t in e}
           and not (e.start <= span.start and span.end <= e.end) for e in doc.ents):
        return False  # elsewhere, not the span's own entity ("Sri Lanka's" trimmed to "Sri Lanka")
    if label == "PERSON" and (gazetteer.country(text) or len(words) > 1):
        return True  # "Austria", "Sri Lanka", "Buenos Aires": no one's name (a team's, maybe: ORG)
    return _place_slot(span.root)


def _place_slot(token: Token) -> bool:
    """Whether a token stands where a place does: after a place preposition ("in Lisbon"), as
    what a verb of travel or visiting takes ("visits Manchester, Liverpool"), or listed with
    such a word; never as a clause's subject ("Austin said")."""

    while token.dep_ in ("conj", "appos") and token.head != token:
        token = token.head
    if token.dep_ == "pobj":
        return token.head.lower_ in PLACE_PREPS - {"of"}
    if token.dep_ == "dobj":
        travel = {"visit", "travel", "arrive", "return", "depart"}
        return bool(travel & lexicon.word_classes("event_triggers.tsv").get(token.head.lemma_.lower(), frozenset()))
    return False


# Verbs and nouns after which "at/into/from X" names a clinic or institution one is admitted to.
STAY_WORDS = lexicon.words(PLACE_WORDS, "stay")


def _admitted_to(span: Span) -> bool:
    """ "checked into Betty Ford", "a stint at Betty Ford": a person's name used for a place."""
    token = span.root
    prep = token.head
    return (token.dep_ == "pobj" and prep.lower_ in ("at", "into", "from")
            and prep.head.lemma_.lower() in STAY_WORDS)


def _gazetteer_knows(name: str) -> bool:
    """Whether a gazetteer knows the name as a city, a country or a region."""
    return bool(gazetteer.city(name) or gazetteer.country(name) or gazetteer.is_region(name))


def _dateline_place(doc: Doc, mentions: list[tuple[Span, dict]], taken: set[int]) -> list[tuple[Span, dict]]:
    """The place of the dateline ("MYRTLE BEACH, S.C. -", "LA CROSSE, Wisc. -") is a place
    when a gazetteer knows it, whatever the model made of a name in capitals: nothing, an
    organisation, a person, or a shorter place ("LA" of "LA CROSSE")."""
    known = (doc.char_span(*found) for found in doc_datelines(doc))
    span = next((s for s in known if s is not None and _gazetteer_knows(s.text)), None)
    if span is None:
        return mentions
    inside = [(s, i) for s, i in mentions if s.start < span.end and s.end > span.start]
    for s, _ in inside:
        past_the_dash = s.start >= span.start and any(t.text in DATELINE_DASHES for t in s.doc[span.end:s.end])
        if (s.start < span.start or s.end > span.end) and not past_the_dash:
            return mentions  # a longer name runs through it (one running on past the dash is no name)
    if any((s.start, s.end) == (span.start, span.end) and i["type"] in PLACE_TYPES for s, i in inside):
        return mentions
    typed = _typed(span, "GPE")
    if typed is None:
        return mentions
    for s, _ in inside:
        taken.difference_update(range(s.start, s.end))
    taken.update(range(span.start, span.end))
    return [m for m in mentions if m not in inside] + [(span, typed)]


def _listed_places(doc: Doc, mentions: list[tuple[Span, dict]], taken: set[int]) -> list[tuple[Span, dict]]:
    """Names listed with places are places: "visits Manchester, Liverpool, Leicester,
    Shrewsbury, Dorset and Torbay", where the model tags some as persons or groups and
    misses others. A coordination counts as a list of places when at least two of its
    members, and more than half, are places already; then a member the model saw as a
    person, or did not tag, becomes a place, and one it saw as an organisation does when
    the gazetteer knows it as a place."""
    at: dict[int, int] = {}  # token index -> index of the mention covering it
    for n, (span, _) in enumerate(mentions):
        for i in range(span.start, span.end):
            at[i] = n
    mentions = list(mentions)
    seen: set[int] = set()
    for span, info in list(mentions):
        if info["type"] not in PLACE_TYPES:
            continue
        head = span.root
        while head.dep_ == "conj" and head.head != head:
            head = head.head
        if head.i in seen:
            continue
        seen.add(head.i)
        members = [head, *head.conjuncts]
        if len(members) < 3:
            continue
        kinds = [mentions[at[t.i]][1]["type"] if t.i in at else None for t in members]
        places = sum(k in PLACE_TYPES for k in kinds)
        if places < 2 or places * 2 <= len(members):
            continue
        for token, kind in zip(members, kinds):
            if kind in PLACE_TYPES or token.pos_ != "PROPN":
                continue
            if kind is None:
                start = token.i
                while start > 0 and doc[start - 1].dep_ == "compound" and doc[start - 1].head.i in range(start, token.i + 1) \
                        and doc[start - 1].pos_ == "PROPN" and start - 1 not in taken:
                    start -= 1
                if any(i in taken for i in range(start, token.i + 1)):
                    continue
                new = doc[start:token.i + 1]
                typed = _typed(new, "GPE")
                if typed is not None:
                    mentions.append((new, typed))
                    taken.update(range(start, token.i + 1))
                continue
            n = at[token.i]
            old_span, old = mentions[n]
            name = strip_possessive(old_span.text)
            known = _gazetteer_knows(name)
            if old["type"] == "Person" or known:
                typed = _typed(old_span, "GPE")
                if typed is not None:
                    mentions[n] = (old_span, typed)
    return mentions


def _region_context(span: Span) -> bool:
    doc = span.doc
    after = doc[span.end] if span.end < len(doc) else None
    if after is not None and after.lower_ in REGION_WORDS:
        return True
    return span.start >= 2 and doc[span.start - 1].lower_ == "of" and doc[span.start - 2].lower_ in REGION_WORDS


def _place_noun(token: Token) -> bool:
    # "bases" lemmatizes to "basis": test the word as written too
    return token.lower_ in PLACE_NOUNS or token.lemma_.lower() in PLACE_NOUNS


def _in_place_context(span: Span) -> bool:
    """ "a naval facility in Tartous", "the bases, in Tartus and Khmeimim, would ..."."""
    token = span.root
    conjunct = False
    while token.dep_ == "conj" and token.head != token:
        token, conjunct = token.head, True
    prep = token.head
    if token.dep_ != "pobj" or prep.lower_ not in LOCATIVE_PREPS:
        return False
    governor = prep.head
    if _place_noun(governor):
        return True
    if governor.pos_ in ("VERB", "AUX") and any(
        child.dep_ in ("nsubj", "nsubjpass") and _place_noun(child) for child in governor.children
    ):
        return True
    # "in Tartus and Khmeimim": a coordination with a known city.
    siblings = [token, *token.conjuncts]
    return conjunct or any(gazetteer.city(t.text) or gazetteer.country(t.text) for t in siblings if t != span.root)
