"""Phase person-variants.v1: a person's full name written another way (a nickname, a middle
name, one slipped letter: Fred LaRue / Frederick C. LaRue, Klitschko / Klistchko)."""

from __future__ import annotations

from collections import defaultdict
from functools import cache

from kg.resolution.person_names import blocks, given_forms, same_person_name, surname_forms
from kg.resolution.state import State


def join_person_variants(state: State) -> None:
    """ "Fred LaRue", "Frederick C. LaRue" and "Frederick Cheney LaRue" are one person.

    Two full names join when they can name one person (:func:`same_person_name`) and
    neither can also name someone the other cannot: "John Smith" stays apart from both
    "John A. Smith" and "John B. Smith".
    """
    by_key, uf = state.by_key, state.uf
    keys = sorted(k for c, k in by_key if c == "Person" and " " in k)
    given = cache(given_forms)  # a name is in as many surname groups as its surname has forms
    fits: dict[str, set[str]] = defaultdict(set)
    for group in blocks(keys, surname_forms):  # a surname at a time, then a given name within it:
        for block in blocks(group, given):  # far fewer blocks held at once than all (surname, given) pairs
            for a in block:
                for b in block:
                    if a < b and b not in fits[a] and same_person_name(a.split(), b.split()):
                        fits[a].add(b)
                        fits[b].add(a)

    def consistent(key: str) -> bool:
        return all(y in fits[x] for x in fits[key] for y in fits[key] if x != y)

    for a in sorted(fits):
        for b in sorted(fits[a]):
            if a < b and consistent(a) and consistent(b):
                uf.union(by_key[("Person", a)], by_key[("Person", b)], f"the same person's name written another way ({b!r})")

