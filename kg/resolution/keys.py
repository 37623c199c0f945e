"""The keys under which the names of one entity meet, and the name helpers the phases share."""

from __future__ import annotations

from functools import lru_cache

from kg import lexicon
from kg.extract.references import BASE_HEADS
from kg.facts import Entity
from kg.names import compact, name_tokens, person_key, place_key


@lru_cache(maxsize=1 << 17)  # every phase asks for the keys of the same entities
def entity_key(entity: Entity) -> str:
    """The key under which spellings of one entity's name meet."""
    if entity.canonical:
        return place_key(entity.canonical)
    name = longest_name(entity)
    if entity.type == "Person":
        return person_key(name)
    if entity.type == "MilitaryBase":
        core = [w for w in place_key(name).split() if w not in _BASE_KEYS]
        return " ".join(core) + " base"
    # a transliteration is a place's variant, not a group's: "Lyon" (the club) and "Lion" stay apart
    return place_key(name, transliterate=entity.category == "Place")


def links_conflict(a: Entity, b: Entity) -> bool:
    """Two entities under one key whose gazetteer links name different things."""
    return a is not b and a.link is not None and b.link is not None and a.link != b.link


@lru_cache(maxsize=1 << 17)
def longest_name(entity: Entity) -> str:
    """The name of most words an entity was written with (the first in sort order on a tie)."""
    return min(entity.names, key=lambda n: (-len(n.split()), n))


_BASE_KEYS = {place_key(w) for w in BASE_HEADS | lexicon.words("places.tsv", "base_modifier")}


def name_key(entity: Entity, name: str) -> str:
    """The key of one of an entity's names."""
    return person_key(name) if entity.type == "Person" else place_key(name, transliterate=entity.category == "Place")


def name_form(entity: Entity) -> str:
    """An entity's longest name with case, accents, punctuation and spaces ignored (and a
    person's titles): "SeaMicro" and "Sea Micro" have one form."""
    name = longest_name(entity)
    return compact(" ".join(name_tokens(name)) if entity.type == "Person" else name)
