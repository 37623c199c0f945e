"""Phase misspellings.v1: an organisation or place name one typo from one other ("Gulf of
Eden" / "Gulf of Aden")."""

from __future__ import annotations

from collections import defaultdict

from rapidfuzz.distance import DamerauLevenshtein

from kg.resolution.keys import entity_key
from kg.resolution.person_names import deletions
from kg.resolution.state import State


def join_misspellings(state: State) -> None:
    """ "Gulf of Eden" / "Gulf of Aden": an organisation or place name (a key of eight
    characters or more) one typo from exactly one other name of its type."""
    entities, uf = state.named, state.uf
    keys: dict[tuple[str, str], list] = defaultdict(list)
    for item, entity in entities.items():
        if entity.category != "Person" and not entity.canonical:
            keys[(entity.category, entity_key(entity))].append(item)
    variants = {key: {key[1]} | deletions(key[1], shortest=8) for key in keys}
    buckets: dict[tuple[str, str], set[str]] = defaultdict(set)
    for (category, key), spellings in variants.items():
        for variant in spellings:
            buckets[(category, variant)].add(key)
    for (category, key), items in sorted(keys.items()):
        near = {other for variant in variants[(category, key)] for other in buckets[(category, variant)]
                if other != key and DamerauLevenshtein.distance(key, other) <= 1}
        links = {entities[i].link for i in items} | {entities[i].link for o in near for i in keys[(category, o)]}
        if len(near) == 1 and len(links - {None}) <= 1:
            other = next(iter(near))
            uf.union(keys[(category, other)][0], items[0], f"one letter from {other!r}")
