"""Where places lie: "the Hmeimim air base in Syria's coastal province of Latakia".

Patterns: "X in Y"; "Y's (coastal) province of X" and "Y's X" between places; "X, Y"
("Nashua, New Hampshire"). A container is never narrower than what it contains (a
country is not in a city).
"""

from __future__ import annotations

from collections.abc import Iterator

from spacy.tokens import Doc, Token

from kg.extract.grammar import sentence_evidence, sentence_of, tokens
from kg.extract.mentions import REGION_WORDS
from kg.extract.references import DocEntities
from kg.facts import Located

EXTRACTOR = "locations.v1"
RANK = {"MilitaryBase": 0, "City": 1, "Place": 1, "Region": 2, "Country": 3}


def locations(doc: Doc, entities: DocEntities) -> Iterator[Located]:
    """Yield (place, container) pairs the article states."""
    article = doc._.article
    seen: set[tuple[str, str]] = set()
    for token in tokens(doc):
        place = _place(token, entities)
        if place is None or entities.entity_at(token) is not None and token.head.i != token.i and (
            entities.entity_at(token.head) == place
        ):
            continue  # only the head token of a name speaks for it
        for container_token in _containers(token):
            container = _place(container_token, entities)
            if container is None or container == place or (place, container) in seen:
                continue
            if RANK[entities.type_of(container)] < RANK[entities.type_of(place)]:
                continue
            if RANK[entities.type_of(container)] == RANK[entities.type_of(place)] and "Place" not in (
                entities.type_of(place), entities.type_of(container)
            ):
                continue
            seen.add((place, container))
            yield Located(place, container, sentence_evidence(doc, sentence_of(token), article), EXTRACTOR)


def _place(token: Token, entities: DocEntities) -> str | None:
    eid = entities.resolve(token, want="Place") if token.pos_ in ("NOUN", "PROPN") else None
    return eid


def _containers(token: Token) -> Iterator[Token]:
    for child in token.children:
        if child.dep_ == "prep" and child.lower_ == "in":
            for pobj in child.children:
                if pobj.dep_ != "pobj":
                    continue
                yield from _region_name(pobj)
        elif child.dep_ == "poss":  # "Syria's Latakia"
            yield child
        elif child.dep_ in ("appos", "npadvmod") and child.i == token.i + 2 and token.nbor(1).text == ",":
            yield child  # "Nashua, New Hampshire"
    if token.lower_ in REGION_WORDS:
        return
    head = token.head
    # "The base, in Greece's Chania region, hosts ...": the phrase hangs from the verb.
    if token.dep_ in ("nsubj", "nsubjpass"):
        for child in head.children:
            if child.dep_ == "prep" and child.lower_ == "in" and token.i < child.i < head.i:
                yield from (t for c in child.children if c.dep_ == "pobj" for t in _region_name(c))
    # "Greece's Chania region": Chania lies in Greece.
    if token.dep_ == "compound" and head.lower_ in REGION_WORDS:
        yield from (c for c in head.children if c.dep_ == "poss")
    # "Syria's coastal province of Latakia": Latakia lies in Syria.
    if token.dep_ == "pobj" and head.lower_ == "of" and head.head.lower_ in REGION_WORDS:
        for owner in head.head.children:
            if owner.dep_ == "poss":
                yield owner


def _region_name(token: Token) -> Iterator[Token]:
    """ "province of Latakia" names Latakia; anything else names itself."""
    if token.lower_ in REGION_WORDS:
        for child in token.children:
            if child.dep_ == "prep" and child.lower_ == "of":
                yield from (c for c in child.children if c.dep_ == "pobj")
            elif child.dep_ == "compound":  # "the Latakia province"
                yield child
        return
    yield token
