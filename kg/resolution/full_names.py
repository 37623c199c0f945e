"""Phase full-names.v1: a full name typed otherwise, or with a headline's word before it.

Runs after :mod:`kg.resolution.person_variants`, which joins full names written another way.
"""

from __future__ import annotations

from kg.names import person_key
from kg.resolution.keys import longest_name
from kg.resolution.person_names import is_given_name
from kg.resolution.state import State


def join_full_names(state: State) -> None:
    """Full names typed otherwise, or with a headline's word before them."""
    by_key, uf = state.by_key, state.uf
    # The same full name typed PERSON in one article and ORG in another is one entity.
    for item, entity in state.named.items():
        if entity.category == "Organization" and not entity.canonical:
            full = person_key(longest_name(entity))
            if " " in full and ("Person", full) in by_key:
                uf.union(by_key[("Person", full)], item, "same full name, typed as an organization elsewhere")
    # Full names that end with another full name after words that are no given name:
    # "Hire Maurice Cheeks" (a headline) and "Maurice Cheeks", not "John Paul Jones" and "Paul Jones".
    person_keys = {k for c, k in by_key if c == "Person" and " " in k}
    for key in sorted(person_keys):
        words = key.split()
        for cut in range(1, len(words) - 1):
            other = " ".join(words[cut:])
            if other in person_keys:
                if not any(is_given_name(w) for w in words[:cut]):
                    uf.union(by_key[("Person", other)], by_key[("Person", key)], f"ends with the full name {other!r}")
                break
