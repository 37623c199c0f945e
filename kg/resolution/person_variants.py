"""Phase person-variants.v1: a person's full name written another way (a nickname, a middle
name, one slipped letter: Fred LaRue / Frederick C. LaRue, Klitschko / Klistchko)."""

from __future__ import annotations

from collections import defaultdict
from functools import cache
from collections.abc import Callable, Iterator

from kg.resolution.person_names import given_forms, same_person_name, surname_forms
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
    for group in _groups(keys, surname_forms):
        for block in _groups(group, given):
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


def _groups(keys: list[str], forms: Callable[[str], set[str]]) -> Iterator[list[str]]:
    """The keys that share each form, where two or more do: blocking a surname at a time,
    then a given name within it, holds far fewer blocks at once than (surname, given name)
    pairs over every name."""
    by_form: dict[str, list[str]] = defaultdict(list)
    for key in keys:
        for form in forms(key):
            by_form[form].append(key)
    return (group for group in by_form.values() if len(group) > 1)
