"""Phase place-generics.v1: a place with or without its generic word ("the Mediterranean
Sea", "Aceh Province")."""

from __future__ import annotations

from kg import lexicon
from kg.resolution.keys import entity_key
from kg.resolution.state import State

PLACE_GENERICS = lexicon.words("places.tsv", "place_generic")  # "the Red Sea" / "the Red"
REGION_GENERICS = lexicon.words("places.tsv", "region_generic")  # "Idlib province" / "Idlib"


def join_place_generics(state: State) -> None:
    """ "the Mediterranean" / "the Mediterranean Sea", "Aceh" / "Aceh Province", "Betty Ford"
    / "the Betty Ford Center"."""
    entities, by_key, uf = state.named, state.by_key, state.uf
    # Names a gazetteer knows as a country or city name that place and nothing longer
    # (Jordan and the Jordan River, the city of Latakia and Latakia province).
    known = {entity_key(e) for e in entities.values()
             if e.category == "Place" and (e.canonical or e.link or e.type in ("Country", "City"))}
    for item, entity in entities.items():
        words = entity_key(entity).split()
        if entity.category != "Place" or len(words) < 2 or entity.canonical:
            continue
        short = " ".join(words[:-1])
        if ("Place", short) in by_key and words[-1] in PLACE_GENERICS | REGION_GENERICS and short not in known:
            uf.union(by_key[("Place", short)], item, f"the same place without {words[-1]!r}")
