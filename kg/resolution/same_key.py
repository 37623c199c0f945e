"""Phase same-key.v1: names that meet under one key (:func:`~kg.resolution.keys.entity_key`).

The key ignores what writers vary: case, accents, Arabic articles and transliteration
(Hmeimim / Hmeymim / Khmeimim, Bashar al-Assad / Bashar Assad), honorifics, titles,
possessives, company suffixes; alias tables join acronyms and other names (IS / Daesh /
Islamic State). The phase also fills the indexes later phases read: :attr:`State.by_key`
and :attr:`State.surnames`.
"""

from __future__ import annotations

from kg.names import ascii_fold
from kg.resolution.keys import entity_key, links_conflict
from kg.resolution.state import State


def join_same_keys(state: State) -> None:
    """Join each entity (but persons named by one word) to the first of its category under its key."""
    entities, by_key, uf = state.entities, state.by_key, state.uf
    by_link: dict[tuple[str, str, str | None], tuple[str, str]] = {}
    for item, entity in state.named.items():
        key = entity_key(entity)
        category = entity.category
        first = by_key.setdefault((category, key), item)
        if links_conflict(entities[first], entity):
            # one key, two places the gazetteer tells apart ("Kenya" / "Kenia"): the other
            # place meets the entities with its own link under this key
            first = by_link.setdefault((category, key, entity.link), item)
        if entity.canonical:
            rule = "alias table"
        elif {ascii_fold(n) for n in entity.names} & {ascii_fold(n) for n in entities[first].names}:
            rule = "same name"
        else:
            rule = f"spelling variant (key {key!r})"
        uf.union(first, item, rule)
        if category == "Place" and entity.type != "MilitaryBase":
            base = by_key.get(("Place", key + " base"))
            if base:
                uf.union(base, item, "name of a base")
        if category == "Person":
            state.surnames[key.split()[-1]].add(key)
