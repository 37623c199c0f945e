"""The phases of resolution, registered by versioned name in the order they run.

A phase is a function of the :class:`~kg.resolution.state.State` that joins entities in its
union-find, recording its rule with each join. A phase whose joins change takes a new
version ("retyped.v2"), so that a name in this table always means one behaviour.
"""

from __future__ import annotations

from kg.resolution.bare_names import join_bare_names
from kg.resolution.bases import join_bases
from kg.resolution.full_names import join_full_names
from kg.resolution.misspellings import join_misspellings
from kg.resolution.person_variants import join_person_variants
from kg.resolution.place_generics import join_place_generics
from kg.resolution.retyped import join_retyped
from kg.resolution.same_key import join_same_keys
from kg.resolution.short_names import join_short_names
from kg.resolution.state import Phase

PHASES: dict[str, Phase] = {
    "same-key.v1": join_same_keys,
    "retyped.v1": join_retyped,
    "person-variants.v1": join_person_variants,
    "full-names.v1": join_full_names,
    "misspellings.v1": join_misspellings,
    "place-generics.v1": join_place_generics,
    "short-names.v1": join_short_names,
    "bases.v1": join_bases,
    "bare-names.v1": join_bare_names,
}
