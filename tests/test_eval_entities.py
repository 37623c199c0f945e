"""B-cubed scoring of entity resolution: the formula by hand, then both gold sets on a small slice."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.eval_entities import bcubed, is_name, score_ecbplus, score_facts_entities

SHARED = Path(__file__).resolve().parents[2] / "shared"
ECBPLUS = SHARED / "eval" / "ecbplus-crossdoc-clusters.jsonl"
CORPUS = SHARED / "corpus" / "news-4215.jsonl"
FACTS_DEV = SHARED / "eval" / "facts-dev.jsonl"

GOLD = {1: "a", 2: "a", 3: "a", 4: "b", 5: "b"}


@pytest.mark.parametrize(
    "system, expected",
    [
        pytest.param(dict(GOLD), (1.0, 1.0, 1.0), id="perfect"),
        pytest.param({1: "x", 2: "y", 3: "z", 4: "u", 5: "v"}, (1.0, 0.4, 0.5714), id="all-split"),
        pytest.param({1: "x", 2: "x", 3: "x", 4: "x", 5: "x"}, (0.52, 1.0, 0.6842), id="all-merged"),
        pytest.param({}, (1.0, 0.4, 0.5714), id="nothing-found-is-all-singletons"),
        # precision (1 + 1 + 1/3 + 2/3 + 2/3) / 5, recall (2/3 + 2/3 + 1/3 + 1 + 1) / 5
        pytest.param({1: "x", 2: "x", 3: "y", 4: "y", 5: "y"}, (0.7333, 0.7333, 0.7333), id="one-wrong"),
    ],
)
def test_bcubed_by_hand(system, expected):
    assert tuple(round(v, 4) for v in bcubed(GOLD, system)) == expected


def test_bcubed_ignores_system_mentions_outside_the_gold():
    assert bcubed({1: "a", 2: "a"}, {1: "x", 2: "x", 99: "x"}) == (1.0, 1.0, 1.0)


def test_bcubed_of_no_gold_is_zero():
    assert bcubed({}, {1: "x"}) == (0.0, 0.0, 0.0)


@pytest.mark.parametrize(
    "text, expected",
    [("Tara Reid", True), ("at the Betty Ford Center", True), ("AMD's", True), ("U.S. Geological Survey", True),
     ("her", False), ("He", False), ("His body", False), ("I'm", False), ("actress", False),
     ("the prime minister", False), ("The Pakistani president", False)],
)
def test_is_name(text, expected):
    assert is_name(text) is expected


def test_a_sentence_initial_common_noun_is_no_name():
    assert not is_name("Police", common={"Police"})
    assert is_name("Police Scotland", common={"Police"})


def _check(result: dict) -> None:
    for key in ("precision", "recall", "f1"):
        assert 0.0 <= result[key] <= 1.0, (key, result[key])
    assert 0 < result["detected"] <= result["mentions"] <= result["gold_mentions"]
    assert 0 < result["gold_clusters"] <= result["mentions"]
    assert result["system_clusters"] <= result["mentions"]
    assert sum(k["mentions"] for k in result["by_kind"].values()) == result["mentions"]


@pytest.mark.slow
@pytest.mark.skipif(not (ECBPLUS.exists() and CORPUS.exists()), reason=f"ECB+ gold or news corpus not in {SHARED}")
def test_ecbplus_slice_scores_end_to_end():
    result = score_ecbplus(ECBPLUS, CORPUS, limit=10, top=3)  # about 40 documents
    _check(result)
    assert result["articles"] <= 60
    assert 50 <= result["mentions"] <= 500
    assert len(result["worst_splits"]) <= 3
    assert result["precision"] >= 0.95  # a wrong merge costs more than a missed one


@pytest.mark.slow
@pytest.mark.skipif(not FACTS_DEV.exists(), reason=f"facts-dev gold not in {SHARED / 'eval'}")
def test_facts_dev_slice_scores_end_to_end():
    result = score_facts_entities(FACTS_DEV, limit=5, top=3)
    _check(result)
    assert result["articles"] == 5
    assert 20 <= result["mentions"] <= 500


@pytest.mark.slow
@pytest.mark.skipif(not FACTS_DEV.exists(), reason=f"facts-dev gold not in {SHARED / 'eval'}")
def test_facts_dev_entities_meet_the_target():
    result = score_facts_entities(FACTS_DEV, top=3)  # 20 articles
    assert result["precision"] >= 0.95 and result["f1"] >= 0.90, result


@pytest.mark.slow
@pytest.mark.skipif(not (ECBPLUS.exists() and CORPUS.exists()), reason=f"ECB+ gold or corpus not in {SHARED}")
def test_ecbplus_entities_meet_the_target():
    result = score_ecbplus(ECBPLUS, CORPUS, top=3)  # 976 articles, about a minute
    assert result["precision"] >= 0.95 and result["f1"] >= 0.90, {k: result[k] for k in ("precision", "recall", "f1")}
