"""Which nodes a short name may stand for: the roots whose articles used it beside a longer
name, shared by the short-name and one-word-name phases."""

from __future__ import annotations

import heapq
from collections import Counter, defaultdict

from kg.resolution.keys import entity_key, name_key
from kg.resolution.unionfind import UnionFind


def short_name_owners(entities: dict, uf: UnionFind) -> dict[tuple[str, str], Counter]:
    """(category, key of a short name) -> the roots whose articles used it beside a longer
    name ("AMD" with "Advanced Micro Devices", "Laci" with "Laci Peterson"), with how many
    articles did."""
    alternates: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for item, entity in entities.items():
        if entity.canonical:
            continue
        key = entity_key(entity)
        for short in {name_key(entity, name) for name in entity.names} - {key, ""}:
            alternates[(entity.category, short)][uf.find(item)] += 1
    return alternates


def roots(owners: Counter, uf: UnionFind) -> Counter:
    """The owners' counts gathered on the roots they have joined since."""
    merged: Counter = Counter()
    for owner, count in owners.items():
        merged[uf.find(owner)] += count
    return merged


def dominant(owners: Counter, own: tuple[str, str], ratio: int = 4) -> tuple[str, str] | None:
    """The one owner of a short name, or the one most articles meant (3+ and ``ratio`` times any other)."""
    ranked = heapq.nsmallest(2, ((-count, owner) for owner, count in owners.items() if owner != own))
    if len(ranked) == 1 or (ranked and -ranked[0][0] >= 3 and -ranked[0][0] >= ratio * -ranked[1][0]):
        return ranked[0][1]
    return None
