"""Phase misspellings.v1: an organisation or place name one typo from one other ("Gulf of
Eden" / "Gulf of Aden")."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from rapidfuzz.distance import DamerauLevenshtein

from kg.resolution.keys import entity_key
from kg.resolution.person_names import blocks, deletions
from kg.resolution.state import State


def join_misspellings(state: State) -> None:
    """ "Gulf of Eden" / "Gulf of Aden": an organisation or place name (a key of eight
    characters or more) one typo from exactly one other name of its type."""
    entities, uf = state.named, state.uf
    keys: dict[tuple[str, str], list] = defaultdict(list)
    for item, entity in entities.items():
        if entity.category != "Person" and not entity.canonical:
            keys[(entity.category, entity_key(entity))].append(item)
    near = _one_typo_apart(keys)
    for (category, key), items in sorted(keys.items()):
        near_keys = near.get((category, key), set())
        links = {entities[i].link for i in items} | {entities[i].link for o in near_keys for i in keys[(category, o)]}
        if len(near_keys) == 1 and len(links - {None}) <= 1:
            other = next(iter(near_keys))
            uf.union(keys[(category, other)][0], items[0], f"one letter from {other!r}")


def _one_typo_apart(keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], set[str]]:
    """(category, key) -> the other keys of that category one edit from it. Candidates share a
    spelling with one letter dropped (or none), compared a category at a time."""
    near: dict[tuple[str, str], set[str]] = defaultdict(set)
    by_category: dict[str, list[str]] = defaultdict(list)
    for category, key in keys:
        by_category[category].append(key)
    for category, names in sorted(by_category.items()):
        for group in blocks(names, lambda key: {key} | deletions(key, shortest=8)):
            for a in group:
                for b in group:
                    if a < b and DamerauLevenshtein.distance(a, b) <= 1:
                        near[(category, a)].add(b)
                        near[(category, b)].add(a)
    return near
