"""Phase bases.v1: a base named bare in one article and with its generic word in another."""

from __future__ import annotations

from kg.resolution.state import State


def join_bases(state: State) -> None:
    """A base named bare in one article ("Hmeimim") and as "Hmeimim air base" in another."""
    by_key, uf = state.by_key, state.uf
    for (category, key), item in list(by_key.items()):
        if category == "Place" and not key.endswith(" base") and ("Place", key + " base") in by_key:
            uf.union(by_key[("Place", key + " base")], item, "name of a base")
