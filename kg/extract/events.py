"""Visits and meetings stated in an article.

A visit is a person's verb of presence with a place: "visited X", "arrived in X",
"made a stopover at X", "flew to X", "toured X", "X's trip to Y". A meeting joins two
or more people: "met (with) Y", "held talks with Y", "was met by Y", "hosted Y",
"welcomed Y", "Assad meeting Putin", "a meeting with Y". Both are kept only when
asserted (:func:`kg.extract.grammar.is_asserted`). Both also yield a
:class:`~kg.facts.Title` for each title phrase ("the Russian president") they resolved a
person through, whether or not it ends in a fact.
"""

from __future__ import annotations

from collections.abc import Iterator

from spacy.tokens import Doc, Token

from kg.extract.grammar import event_date, is_asserted, sentence_evidence, sentence_of, sentences, tokens
from kg.extract.references import DocEntities, resolve_person
from kg.facts import Meeting, Title, Visit
from kg.lexicon import rows

VISIT_EXTRACTOR = "visits.v1"
MEETING_EXTRACTOR = "meetings.v1"


def _rule_table(table: str) -> dict[str, tuple[str | None, ...]]:
    """lemma -> the prepositions that bring the place or partner (None: the direct object),
    from ``kg/lexicon/event_rules.tsv``."""
    return {lemma: tuple(None if p == "-" else p for p in prepositions.split(",") if p)
            for name, lemma, prepositions in rows("event_rules.tsv") if name == table}


VISIT_VERBS = _rule_table("visit_verb")  # "visited X", "arrived in X"
RETURN_VERBS = frozenset(_rule_table("return_verb"))  # "returned from X", "arrived back from X": X was visited
VISIT_NOUNS = _rule_table("visit_noun")  # "made a stopover at X", "Putin's first trip to Syria"
SUPPORT_VERBS = frozenset(_rule_table("support_verb"))
MEET_VERBS = _rule_table("meet_verb")
MEET_NOUNS = frozenset(_rule_table("meet_noun"))


def visits(doc: Doc, entities: DocEntities) -> Iterator[Visit | Title]:
    """Yield the visits of named persons to named places, and the titles their agents were resolved through."""
    article = doc._.article
    titles: list[Title] = []
    first_sentence = next(iter(sentences(doc)), None)
    for token in tokens(doc):
        lemma = token.lemma_.lower()
        if token.pos_ in ("VERB", "AUX") and lemma in VISIT_VERBS:
            verb, places = token, _objects(token, VISIT_VERBS[lemma])
            if lemma in RETURN_VERBS:
                places += _objects(token, ("from",))  # "returned from his holiday in Egypt"
        elif token.pos_ == "NOUN" and lemma in VISIT_NOUNS:
            verb = token.head if token.dep_ in ("dobj", "nsubj") else token
            owned = any(c.dep_ == "poss" for c in token.children)  # "Putin's first trip to Syria"
            if verb != token and verb.lemma_.lower() not in SUPPORT_VERBS and token.dep_ == "dobj" and not owned:
                continue
            if owned:
                verb = token
            places = _objects(token, VISIT_NOUNS[lemma])
            if verb != token:  # "made a stopover in Paris": the place hangs from the verb
                places += _objects(verb, VISIT_NOUNS[lemma])
        else:
            continue
        if not places or not is_asserted(verb):
            continue
        agents = _agents(token if verb == token else verb, token, entities, titles)
        found = []
        for place_token in places:
            if place_token.dep_ == "appos" and entities.resolve(place_token.head, want="Place"):
                continue  # "Derry, N.H.": the state locates the town, it is no second visit
            found += _places(place_token, entities)
        for agent in agents:
            for place in dict.fromkeys(found):
                yield Visit(
                    agent=agent,
                    place=place,
                    date=event_date(verb, article.date if article else None,
                                    lede=first_sentence is not None and sentence_of(verb) == first_sentence),
                    evidence=sentence_evidence(doc, sentence_of(verb), article),
                    extractor=VISIT_EXTRACTOR,
                )
    yield from dict.fromkeys(titles)


def meetings(doc: Doc, entities: DocEntities) -> Iterator[Meeting | Title]:
    """Yield meetings between named persons, and the titles they were resolved through.

    Each "with" phrase is its own meeting ("met with Cruz and Trump last week, and this
    week with Kasich": two meetings); the people inside one phrase met jointly.
    """
    article = doc._.article
    titles: list[Title] = []
    first_sentence = next(iter(sentences(doc)), None)
    for token in tokens(doc):
        lemma = token.lemma_.lower()
        groups: list[list[str]] = []  # each: the people one meeting joins
        if token.pos_ in ("VERB", "AUX") and lemma in MEET_VERBS:
            verb = token
            dobjs = [c for c in token.children if c.dep_ == "dobj"]
            if lemma == "hold" and not any(c.lemma_.lower() in MEET_NOUNS for c in dobjs):
                continue
            subjects = _agents(token, token, entities, titles)
            phrases = _object_phrases(token, MEET_VERBS[lemma] + (None,))
            if lemma == "hold":
                phrases += _object_phrases(dobjs[0], ("with", "between"))
            phrases += [c for c in token.children if c.dep_ == "agent"]  # "was met by Assad, Shoigu"
            others = [_people_in(p, entities, titles) for p in phrases]
            others = [o for o in others if o]
            if not others and lemma == "meet" and len(subjects) > 1:
                groups = [subjects]  # "Abe and Park met"
            groups += [subjects + o for o in others]
        elif token.pos_ == "NOUN" and lemma in MEET_NOUNS and token.dep_ in ("pobj", "dobj", "nsubj", "ROOT", "appos"):
            verb = token.head if token.dep_ == "dobj" else token
            if token.dep_ == "dobj" and verb.lemma_.lower() in ("hold",):
                continue  # handled with the verb
            others = [p for phrase in _object_phrases(token, ("with", "between"))
                      for p in _people_in(phrase, entities, titles)]
            owners = [resolve_person(c, entities, titles) for c in token.children if c.dep_ == "poss"]
            people = [p for p in owners + others if p]
            if len(people) < 2 and token.dep_ in ("dobj", "pobj") and not owners and others:
                people = _agents(verb, token, entities, titles) + people
            groups = [people]
        elif lemma == "meeting" and (pair := _adjacent_people(token, entities)):
            verb, groups = token, [pair]  # "footage of Assad meeting Putin", parsed as a noun compound
        else:
            continue
        if not is_asserted(verb):
            continue
        for people in groups:
            people = list(dict.fromkeys(people))
            if len(people) < 2:
                continue
            yield Meeting(
                participants=tuple(people),
                date=event_date(verb, article.date if article else None,
                                lede=first_sentence is not None and sentence_of(verb) == first_sentence),
                evidence=sentence_evidence(doc, sentence_of(verb), article),
                extractor=MEETING_EXTRACTOR,
            )
    yield from dict.fromkeys(titles)


def _object_phrases(token: Token, preps: tuple) -> list[Token]:
    """Heads of the phrases a verb or noun takes: its direct object, or each prepositional object."""
    found = []
    for child in token.children:
        if None in preps and child.dep_ in ("dobj", "attr"):
            found.append(child)
        elif child.dep_ == "prep" and child.lower_ in preps:
            found.extend(c for c in child.children if c.dep_ == "pobj")
    return found


def _people_in(token: Token, entities: DocEntities, titles: list[Title]) -> list[str]:
    """The persons a noun phrase lists: conjuncts, appositions and names run together by the parser
    ("his Israeli counterpart, Ariel Sharon, and the Palestinian leader, Mahmoud Abbas"), not owners
    ("Kasich's wife") or people in its clauses."""
    found, todo = [], [token]
    if token.dep_ == "agent":
        todo = [c for c in token.children if c.dep_ == "pobj"]
    while todo:
        current = todo.pop()
        eid = resolve_person(current, entities, titles)
        if eid is not None:
            found.append(eid)
        todo.extend(c for c in current.children if c.dep_ in ("conj", "appos", "nmod"))
    return sorted(set(found), key=found.index)


def _places(token: Token, entities: DocEntities) -> list[str]:
    """Places a visited phrase names: "Paris"; "the memorial in Washington" (both);
    "constituencies in Somerset"; "a Brussels summit"; "his holiday in Egypt"."""
    found = []
    place = entities.resolve(token, want="Place")
    if place is None and entities.entity_at(token) is None:
        for child in token.children:  # "a Brussels summit"
            if child.dep_ in ("compound", "amod", "nmod") and (p := entities.resolve(child, want="Place")):
                found.append(p)
    elif place is not None:
        found.append(place)
    for child in token.children:
        if child.dep_ == "prep" and child.lower_ in ("in", "at", "of") and (place is not None or not found):
            for pobj in child.children:
                if pobj.dep_ == "pobj":  # conjuncts, not appositions: "Derry, N.H." is one place
                    found += [p for t in (pobj, *pobj.conjuncts) if (p := entities.resolve(t, want="Place"))]
    return found


def _adjacent_people(token: Token, entities: DocEntities) -> list[str] | None:
    """ "A meeting B" / "A meeting with B" read off the surface: the parser often makes it a compound."""
    doc = token.doc
    if token.i == 0 or token.i + 1 >= len(doc):
        return None
    left = entities.entity_at(doc[token.i - 1])
    after = token.i + 2 if doc[token.i + 1].lower_ == "with" else token.i + 1
    right = entities.entity_at(doc[after]) if after < len(doc) else None
    if left and right and left != right and entities.type_of(left) == entities.type_of(right) == "Person":
        return [left, right]
    return None


def _agents(verb: Token, trigger: Token, entities: DocEntities, titles: list[Title]) -> list[str]:
    """Persons doing the verb: its subject, a possessor ("Putin's trip"), or the noun an -ing clause modifies.

    Titles the persons were resolved through go to ``titles``."""
    candidates: list[Token] = []
    for child in trigger.children:
        if child.dep_ == "poss":
            candidates.append(child)
    if not candidates and trigger.pos_ == "NOUN" and trigger.dep_ == "pobj":
        verb = trigger.head.head  # "has said during a visit to Britain": the clause's subject
    if not candidates:
        head = verb
        for _ in range(3):
            subjects = [c for c in head.children if c.dep_ in ("nsubj", "nsubjpass")]
            if subjects:
                candidates = [t for s in subjects for t in [s, *s.conjuncts]]
                break
            if head.dep_ in ("acl", "relcl") and head.head.pos_ in ("NOUN", "PROPN"):
                candidates = [head.head]  # "footage of Assad meeting Putin", "Putin, who visited"
                break
            if head.dep_ in ("xcomp", "advcl", "conj", "pcomp") and head.head != head:
                head = head.head
                if head.dep_ == "prep" and head.pos_ == "ADP":  # "before ending a trip": through the preposition
                    head = head.head
                continue
            break
    found = [resolve_person(t, entities, titles) for t in candidates]
    return [f for f in dict.fromkeys(found) if f]


def _objects(token: Token, preps: tuple) -> list[Token]:
    """Heads of the noun phrases a verb or noun takes as object, or through given
    prepositions, with their conjuncts and appositions."""
    heads = _object_phrases(token, preps)
    if "by" in preps and any(c.dep_ == "prt" and c.lower_ in ("by", "in") for c in token.children):
        heads += [c for c in token.children if c.dep_ == "dobj"]  # "dropped by the office"
    return [t for head in heads for t in _with_conjuncts(head)]


def _with_conjuncts(token: Token) -> list[Token]:
    result = [token, *token.conjuncts]
    result += [c for t in list(result) for c in t.children if c.dep_ == "appos"]
    return result
