"""Reference resolution in one article: which of its entities a noun phrase refers to.

:class:`DocEntities` holds an article's entities and resolves a noun phrase to one of
them: a name to its entity, a title ("the Russian president") to the person holding that
office in the article, a pronoun to the salient person before it, "the base" to the
article's military base, "here" to the place of its dateline. The fact extractors ask it.

Resolving changes nothing: :meth:`DocEntities.reference` answers with a
:class:`Reference`, the entity and the title phrase it was resolved through, and an
extractor that keeps the title yields it as a :class:`~kg.facts.Title` record.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from kg import gazetteer, lexicon
from kg.extract.grammar import doc_datelines, sentence_of, tokens
from kg.facts import Entity, Title
from kg.names import ascii_fold, strip_possessive

BASE_HEADS = lexicon.words("places.tsv", "base_head")  # "the base": the article's military base
HERE_WORDS = lexicon.words("places.tsv", "here")  # "a rally here": the place of the dateline
TITLE_WORDS = lexicon.words("titles.tsv", "office")
TITLE_ABBREVIATIONS = {abbreviation: title for abbreviation, (title,) in lexicon.table("title_abbreviations.tsv").items()}
LEADER_TITLES = lexicon.words("titles.tsv", "head_of_state")  # title heads that can stand for a head of state or government
MALE, FEMALE = "male", "female"
GENDER_HONORIFICS = {w: g for g in (MALE, FEMALE) for w in lexicon.words("honorifics.tsv", g)}
PRONOUN_GENDER = {w: g for g in (MALE, FEMALE) for w in lexicon.words("pronouns.tsv", g)}
GROUP_SIZES = {word: int(size) for word, (size,) in lexicon.table("group_sizes.tsv").items()}
PERSON_NOUNS = lexicon.words("person_nouns.tsv", "person") | TITLE_WORDS
PEOPLE_WORDS = PERSON_NOUNS | lexicon.words("person_nouns.tsv", "role")  # nouns of people: "the spokesman", "his aides"
GROUP_WINDOW = 2  # sentences before the description's own in which its people are looked for


@dataclass(frozen=True)
class Position:
    """An office a person holds, as one article states it."""

    title: str
    country: str | None
    span: Span
    region: str | None = None  # a state before the office: "Ohio state Sen.", "Texas Gov."


@dataclass(frozen=True)
class Reference:
    """What a noun phrase refers to: ``entity``, and ``title``, the title phrase it was
    resolved through ("Russian president", without a leading article), if it was one."""

    entity: str
    title: str | None = None

    @property
    def titles(self) -> tuple[Title, ...]:
        """The title as a record for the entity's labels: none, or one."""
        return (Title(self.entity, self.title),) if self.title is not None else ()


@dataclass
class DocEntities:
    """The entities of one article and the means to resolve noun phrases to them.

    Resolving writes nothing (the memo of clause subjects is a cache): extractors may ask
    in any order, and which of them ran changes no answer.
    """

    doc: Doc
    entities: list[Entity]
    token_entity: dict[int, str]  # token index -> entity id
    positions: dict[str, list[Position]]  # person id -> offices stated in the article
    genders: dict[str, str]

    def __post_init__(self) -> None:
        self.by_id = {e.id: e for e in self.entities}
        self._subject_tokens = [t for t in tokens(self.doc) if t.dep_ in ("nsubj", "nsubjpass")]
        self._subject_memo: dict[int, str | None] = {}
        self.dateline = self._dateline()

    def _dateline(self) -> str | None:
        """The place the article was written from, as its dateline names it ("MYRTLE BEACH,
        S.C. - Sen. Ted Cruz ..."; :func:`kg.extract.grammar.doc_datelines`), or None."""
        places = {span: e.id for e in self.entities if e.category == "Place" for span in e.spans}
        return next((places[span] for span in doc_datelines(self.doc) if span in places), None)

    def _salient_subjects(self, token: Token) -> list[Token]:
        ordered: list[Token] = []
        by_sentence: dict[int, list[Token]] = {}
        for subject in self._subject_tokens:
            if subject.i < token.i and token.i - subject.i <= 400:
                by_sentence.setdefault(sentence_of(subject).start, []).append(subject)
        for start in sorted(by_sentence, reverse=True):
            subjects = by_sentence[start][::-1]
            ordered += [s for s in subjects if s.head.dep_ == "ROOT"] + [s for s in subjects if s.head.dep_ != "ROOT"]
        return ordered

    def _subject_entity(self, subject: Token) -> str | None:
        """The person a clause subject names: a name, a title ("the Pakistani president") or a pronoun."""
        if subject.i not in self._subject_memo:
            self._subject_memo[subject.i] = None  # guards against cycles
            eid = self.entity_at(subject)
            if eid is None and subject.lower_ in PRONOUN_GENDER:
                eid = self.resolve_pronoun(subject)
            elif eid is None and (title := title_phrase(subject)) is not None:
                eid = self.resolve_title(*title, token=subject)
            self._subject_memo[subject.i] = eid
        return self._subject_memo[subject.i]

    def _owner(self, subject: Token) -> str | None:
        """The person who owns a clause subject that is no person and names no one: "Sanders'
        largest event was ... when he drew"; not "Putin's spokesman said he", who is someone else."""
        if subject.lemma_.lower() in PEOPLE_WORDS or subject.pos_ != "NOUN":
            return None
        for child in subject.children:
            if child.dep_ == "poss" and (eid := self.entity_at(child)) and self.by_id[eid].type == "Person":
                return eid
        return None

    def type_of(self, eid: str) -> str:
        return self.by_id[eid].type

    def entity_at(self, token: Token) -> str | None:
        """The entity a token belongs to as part of a name."""
        return self.token_entity.get(token.i)

    def resolve(self, token: Token, want: str | None = None) -> str | None:
        """The entity that the noun phrase headed by ``token`` refers to, or None.

        ``want`` restricts the answer to a category ("Person", "Place", "Organization").
        Names resolve to their entity; pronouns to the salient person before them;
        titles ("the Russian president") to the person holding that office in the
        article; "the base" to the article's military base; "here" to the place of its
        dateline.
        """
        found = self.reference(token, want)
        return found.entity if found is not None else None

    def reference(self, token: Token, want: str | None = None) -> Reference | None:
        """As :meth:`resolve`, with the title phrase the entity was resolved through, if any."""
        eid = self.entity_at(token)
        found = Reference(eid) if eid is not None else self._resolve_description(token, want)
        if found is not None and want is not None and self.by_id[found.entity].category != want:
            return None
        return found

    def _resolve_description(self, token: Token, want: str | None) -> Reference | None:
        lower = token.lower_
        if lower in HERE_WORDS:
            return _reference(self.dateline) if want in (None, "Place") else None
        if token.pos_ == "PRON" or lower in PRONOUN_GENDER:
            if lower in PRONOUN_GENDER and want in (None, "Person"):
                return _reference(self.resolve_pronoun(token))
            return None
        if token.lemma_.lower() in BASE_HEADS and want in (None, "Place"):
            return _reference(self._nearest(token, lambda e: e.type == "MilitaryBase"))
        if want in (None, "Person"):
            title = title_phrase(token)
            if title is not None:
                eid = self.resolve_title(*title, token=token)
                # "the Russian president" can become one of the person's labels
                return Reference(eid, title_text(token)) if eid is not None else None
        # "Hugh Hill, a doctor" headed by the name is handled above; "a doctor, Hugh Hill":
        for child in token.children:
            if child.dep_ == "appos":
                eid = self.entity_at(child)
                if eid is not None:
                    return Reference(eid)
        return None

    def resolve_group(self, token: Token) -> tuple[str, ...]:
        """The people a plural description stands for: "the two candidates", "both men",
        "the trio of governors", "both" alone; the last as many people as it says named
        before it, in its sentence or the two before. () when it is no such description or
        fewer people are named there."""
        size = group_size(token)
        if size is None:
            return ()
        sentence = sentence_of(token)
        floor = sentence.start
        for _ in range(GROUP_WINDOW):
            if floor == 0:
                break
            floor = sentence_of(self.doc[floor - 1]).start
        members: list[str] = []
        for index in range(token.i - 1, floor - 1, -1):
            eid = self.token_entity.get(index)
            if eid is not None and eid not in members and self.by_id[eid].category == "Person":
                members.append(eid)
                if len(members) == size:
                    return tuple(members)
        return ()

    def resolve_pronoun(self, token: Token) -> str | None:
        """A personal pronoun's person: the subject of the clause it depends on, else the last subject before it."""
        gender = PRONOUN_GENDER.get(token.lower_)

        def fits(eid: str) -> bool:
            known = self.genders.get(eid)
            return gender is None or known is None or known == gender

        # "Putin said that he had ordered ...", "Putin was met ... when he arrived": the main clause's
        # subject; the owner of a subject that is no person only when no clause above has a person
        # ("Sanders' largest event was ... when he drew"; not "Obama said Putin's decision ... he would").
        head = token.head
        owner = None
        while head.head != head and head.dep_ in ("ccomp", "advcl", "xcomp", "conj", "relcl", "acl"):
            head = head.head
            for child in head.children:
                if child.dep_ in ("nsubj", "nsubjpass") and child.i < token.i:
                    eid = self.entity_at(child) or (
                        self.resolve_title(*t, token=child) if (t := title_phrase(child)) else None
                    )
                    if eid and self.by_id[eid].type == "Person" and fits(eid):
                        return eid
                    if owner is None and (found := self._owner(child)) and fits(found):
                        owner = found
        if owner is not None:
            return owner
        # Earlier subjects, nearest sentence first; in each, the main clause's subject before
        # embedded ones ("Josh Earnest said Obama has ...": he is Earnest). An owner counts in the
        # pronoun's own sentence only ("Clinton's campaign called it dangerous. He ..." is not Clinton).
        sentence = sentence_of(token).start
        for subject in self._salient_subjects(token):
            eid = self._subject_entity(subject) or (self._owner(subject) if subject.i >= sentence else None)
            if eid and self.by_id[eid].type == "Person" and fits(eid):
                return eid
        for index in range(token.i - 1, max(-1, token.i - 400), -1):
            eid = self.token_entity.get(index)
            if eid and self.by_id[eid].type == "Person" and fits(eid):
                return eid
        return None

    def resolve_title(self, title: str, country: str | None, region: str | None = None,
                      token: Token | None = None) -> str | None:
        """The person of this article who holds the office ("president", Russia); ``region``:
        the state the phrase names ("the Vermont senator"), which the holder's must not contradict."""
        def matches(position: Position) -> bool:
            if title == "counterpart":  # "his Israeli counterpart": whoever holds office for Israel
                return country is not None and position.country == country
            if position.title.lower() != title and not (
                title == "leader" and position.title.lower() in LEADER_TITLES
            ) and not position.title.lower().endswith(" " + title):
                return False
            if region is not None and position.region not in (None, region):
                return False  # "the Vermont senator" is not "Ohio state Sen. Nina Turner"
            return country is None or position.country in (None, country)

        candidates = [pid for pid, positions in sorted(self.positions.items()) if any(map(matches, positions))]
        if country is not None and len(candidates) > 1:
            exact = [pid for pid in candidates if any(p.country == country and matches(p) for p in self.positions[pid])]
            candidates = exact or candidates
        if len(candidates) == 1:
            return candidates[0]
        if candidates and token is not None:  # the nearest holder before the phrase
            return self._nearest(token, lambda e: e.id in candidates)
        return None

    def _nearest(self, token: Token, accept) -> str | None:
        best, best_distance = None, None
        for index, eid in self.token_entity.items():
            if accept(self.by_id[eid]):
                distance = token.i - index if index < token.i else (index - token.i) * 3  # prefer earlier
                if best_distance is None or distance < best_distance:
                    best, best_distance = eid, distance
        return best


def group_size(token: Token) -> int | None:
    """How many people a plural description headed by ``token`` stands for ("the two
    candidates": 2, "the trio of governors": 3, "both" as a subject or object: 2), or None."""
    lower = token.lower_
    if lower == "both" and token.dep_ in ("nsubj", "nsubjpass", "dobj", "pobj"):
        return GROUP_SIZES[lower]
    if token.pos_ != "NOUN":
        return None
    definite = any(c.dep_ in ("det", "predet", "poss") and c.lower_ in ("the", "these", "those", "both")
                   for c in token.children)
    if not definite:
        return None
    if token.tag_ == "NN" and lower in GROUP_SIZES:  # "the trio of governors", "the couple"
        return GROUP_SIZES[lower]
    if token.tag_ != "NNS" or token.lemma_.lower() not in PERSON_NOUNS:
        return None
    for child in token.children:
        if child.dep_ in ("nummod", "det", "predet") and child.lower_ in GROUP_SIZES:
            return GROUP_SIZES[child.lower_]
    return None


def resolve_person(token: Token, entities: DocEntities, titles: list[Title]) -> str | None:
    """The person the phrase headed by ``token`` refers to; the title it was resolved
    through, if any, is appended to ``titles`` (the caller's own list, to yield)."""
    found = entities.reference(token, want="Person")
    if found is None:
        return None
    titles.extend(found.titles)
    return found.entity


def _reference(eid: str | None) -> Reference | None:
    return Reference(eid) if eid is not None else None


def title_text(token: Token) -> str:
    """The words of the title phrase headed by ``token`` without a leading article:
    "Russian president" for "the Russian president" (an owner is left out: "his counterpart")."""
    start = min([t.i for t in token.children if t.i < token.i and t.dep_ != "poss"] + [token.i])
    phrase = token.doc[start:token.i + 1].text
    return re.sub(r"^(?:the|a|an)\s+", "", phrase, flags=re.I)


def title_phrase(token: Token) -> tuple[str, str | None, str | None] | None:
    """("president", "Russia", None) for "the Russian president", ("senator", None, "vermont")
    for "the Vermont senator"; None if the phrase is no title."""
    if token.pos_ not in ("NOUN", "PROPN") or token.lower_ not in TITLE_WORDS:
        return None
    words = [token.lower_]
    country = region = None
    for child in sorted(token.children, key=lambda t: -t.i):
        if child.i > token.i:
            continue
        if child.dep_ in ("compound", "amod") and child.lower_ in TITLE_WORDS:
            words.insert(0, child.lower_)
        elif child.dep_ in ("amod", "compound", "poss", "nmod") and (c := _country_of(child)):
            country = c
        elif child.dep_ in ("amod", "compound", "poss", "nmod") and (r := _region_of(child)):
            region = r
    if not any(t.dep_ == "det" or t.dep_ == "poss" or _country_of(t) for t in token.children if t.i < token.i):
        return None  # a bare "president" is no reference to a person
    return " ".join(words), country, region


def _region_of(token: Token) -> str | None:
    """The state a name ending at ``token`` names, folded ("Vermont", "Ohio's", "West
    Virginia", "New York": the longest run of capitalised words before it that is one), or None."""
    start = token.i
    while start > 0 and start > token.i - 3 and token.doc[start - 1].text[:1].isupper() \
            and token.doc[start - 1].is_alpha and not token.doc[start].is_sent_start:
        start -= 1
    for first in range(start, token.i + 1):  # the longest name first
        name = strip_possessive(token.doc[first:token.i + 1].text)
        if gazetteer.is_region(name):
            return ascii_fold(name).lower()
    return None


def _country_of(token: Token) -> str | None:
    found = gazetteer.demonym(token.text) or gazetteer.country(strip_possessive(token.text))
    return found.name if found else None


def position_before(span: Span) -> Position | None:
    """The office named right before a person's name: "Syrian President Bashar Assad"."""
    doc = span.doc
    words: list[str] = []
    index = span.start - 1
    while index >= 0 and (
        doc[index].lower_ in TITLE_WORDS or doc[index].lower_ in TITLE_ABBREVIATIONS or doc[index].text == "-"
    ) and doc[index].text[:1] not in "\n":
        words.insert(0, doc[index])
        index -= 1
    while words and words[0].text == "-":
        words.pop(0)
    if not words:
        return None
    country = None
    if index >= 0:
        found = gazetteer.demonym(doc[index].text) or gazetteer.country(strip_possessive(doc[index].text))
        country = found.name if found else None
    title = _title_text(words)
    if title.lower() in ("first", "state", "home", "head"):
        return None
    return Position(title=title, country=country, span=doc[index + 1:span.start],
                    region=_region_of(doc[index]) if index >= 0 else None)


def _title_text(tokens: list[Token]) -> str:
    parts = []
    for token in tokens:
        word = TITLE_ABBREVIATIONS.get(token.lower_, token.text)
        if parts and (token.text == "-" or parts[-1].endswith("-")):
            parts[-1] += word
        else:
            parts.append(word)
    # One spelling per office whatever the article's capitals and hyphens: "Finance Minister",
    # "Vice President" for "vice-president", "Director" for "Director-".
    words = " ".join(parts).replace("-", " ").split()
    return " ".join(w if w.lower() in ("of", "and", "the") else w[:1].upper() + w[1:].lower() for w in words)
