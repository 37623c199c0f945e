"""The registry of resolution phases is what resolve_entities runs, in its order."""

from __future__ import annotations

import re

from kg.facts import ArticleFacts, Entity
from kg.resolution import PHASES, resolve_entities


def test_the_registry_lists_the_phases_in_run_order_by_versioned_name():
    assert list(PHASES) == [
        "same-key.v1",
        "retyped.v1",
        "person-variants.v1",
        "full-names.v1",
        "misspellings.v1",
        "place-generics.v1",
        "short-names.v1",
        "bases.v1",
        "bare-names.v1",
    ]
    assert all(re.fullmatch(r"[a-z]+(-[a-z]+)*\.v[0-9]+", name) and callable(phase) for name, phase in PHASES.items())


def _articles():
    """One organisation the model typed as a place in one article of three."""
    def article(article_id, etype):
        return ArticleFacts(article_id, (Entity(id="e0", type=etype, names=("Blue Lagoon Holdings",)),), ())
    return [article("a", "Organization"), article("b", "Organization"), article("c", "Place")]


def _nodes(resolution):
    return {resolution.node_of(a, "e0") for a in "abc"}


def test_a_phase_left_out_of_the_registry_does_not_run():
    everything = resolve_entities(_articles())
    assert len(_nodes(everything)) == 1  # positive control: retyped.v1 joins the place to the organisation
    assert any(m.rule == "same name, typed Organization in most articles" for m in everything.merges)
    without_bases = resolve_entities(_articles(), phases={n: p for n, p in PHASES.items() if n != "bases.v1"})
    assert _nodes(without_bases) == _nodes(everything)  # leaving out a phase that has nothing to do changes nothing
    without_retyped = resolve_entities(_articles(), phases={n: p for n, p in PHASES.items() if n != "retyped.v1"})
    assert len(_nodes(without_retyped)) == 2
    assert not any("typed Organization" in m.rule for m in without_retyped.merges)
