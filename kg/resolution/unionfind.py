"""The union-find the phases join entities in, keeping the rule of each join."""

from __future__ import annotations


class UnionFind:
    """Disjoint sets of (article id, entity id) items; a set's root is its least item.

    :attr:`rule` holds, for an item, the rule of the first join that moved its set.
    """

    def __init__(self) -> None:
        self.parent: dict = {}
        self.rule: dict = {}

    def find(self, item):
        self.parent.setdefault(item, item)
        while self.parent[item] != item:
            self.parent[item] = self.parent[self.parent[item]]
            item = self.parent[item]
        return item

    def union(self, a, b, rule: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            ra, rb = sorted((ra, rb))
            self.parent[rb] = ra
            self.rule.setdefault(b, rule)
