"""Visits and meetings measured as the README reports them: 5-fold cross-validation by
article over events-train + facts-dev (train on four folds, score the fifth), beside the
in-sample figure of the model trained on everything, and the grammar rules alone.

    .venv/bin/python benchmarks/eval_events.py     # needs ../shared (about 2 minutes)
"""

from __future__ import annotations

import sys
from pathlib import Path

from kg.eval import score_facts
from kg.train import as_prediction, cross_validate, fit, parse_gold, predict

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
POOL = Path(__file__).resolve().parent.parent / "annotations" / "events-pool.jsonl"


def rules(parsed):
    """The grammar rules of visits.v1 and meetings.v1 alone, on the same parses."""
    from kg.extract.events import meetings, visits

    return as_prediction(parsed, [[*visits(a.doc, a.entities), *meetings(a.doc, a.entities)] for a in parsed])


def row(name: str, scores: dict) -> str:
    cells = [f"{scores[r]['precision']:.2f} / {scores[r]['recall']:.2f} / **{scores[r]['f1']:.2f}**"
             for r in ("visited", "met")]
    date = scores["date_accuracy"]
    return (f"| {name} | {cells[0]} | {cells[1]} | {date['accuracy'] or 0:.2f} ({date['right']}/{date['dated_matched']})"
            f" | {len(scores['planned_asserted'])} |")


def main() -> int:
    if not (SHARED / "eval").is_dir():
        print("../shared/eval is not present: nothing to measure", file=sys.stderr)
        return 2
    gold = parse_gold([SHARED / "eval" / "events-train.jsonl", SHARED / "eval" / "facts-dev.jsonl"])
    pool = parse_gold([POOL], texts=SHARED / "corpus" / "news-4215.jsonl")
    records = [a.record for a in gold]
    print(f"{len(gold)} gold articles, {len(pool)} pool articles\n")
    print("| measured on events-train + facts-dev | visited P / R / F1 | met P / R / F1 | date accuracy | planned asserted |")
    print("|---|---|---|---|---|")
    print(row("grammar rules alone (visits.v1, meetings.v1)", score_facts(records, rules(gold))))
    print(row("model, 5-fold cross-validated", cross_validate(gold, 5)))
    print(row("model, 5-fold, pool annotations added to training", cross_validate(gold, 5, extra=pool)))
    everything = fit([*gold, *pool])
    print(row("model trained on all of it, in-sample", score_facts(records, predict(everything, gold))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
