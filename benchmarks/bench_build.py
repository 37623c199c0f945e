"""How close is a build to the speed of the spaCy parse alone?

Runs, on the same articles in one process: (1) the parse alone (``nlp.pipe``), (2) the
whole build (parse, extraction, resolution, RDF graph, SHACL validation, Turtle) and
prints both with their ratio, in ``--rounds`` rounds (each a parse then a build, so a
machine whose speed drifts within the hour slows both alike) and the median of the
rounds' ratios. The product goal is a build whose speed the parse limits: a ratio near 1.

    python benchmarks/bench_build.py [--articles 200] [--rounds 3] [--corpus ../shared/corpus/news-4215.jsonl]

Without the research corpus it falls back to the sample articles in data/.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus" / "news-4215.jsonl")
    args = parser.parse_args()

    from kg.articles import read_articles
    from kg.nlp import load_model
    from kg.pipeline import build

    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "articles.jsonl"
        if args.corpus.is_file():
            with open(args.corpus, encoding="utf-8") as handle, open(source, "w", encoding="utf-8") as out:
                for _, line in zip(range(args.articles), handle):
                    out.write(line)
            origin = f"{args.corpus} (first {args.articles})"
        else:
            records = [{"id": a.id, "text": a.text, "date": a.date and a.date.isoformat()}
                       for a in read_articles([ROOT / "data"])]
            source.write_text("".join(json.dumps(r) + "\n" for r in records))
            origin = "data/ (the research corpus is absent)"
        articles = list(read_articles([source]))
        words = sum(len(a.text.split()) for a in articles)

        nlp = load_model()
        rounds = []
        for number in range(1, args.rounds + 1):
            start = time.perf_counter()
            for _ in nlp.pipe((a.text for a in articles), batch_size=32):
                pass
            parse_seconds = time.perf_counter() - start

            start = time.perf_counter()
            result = build([source], Path(tmp) / f"out{number}", formats=("turtle",))
            build_seconds = time.perf_counter() - start
            rounds.append((parse_seconds, build_seconds))
            print(f"round {number}: parse {parse_seconds:6.2f} s, build {build_seconds:6.2f} s, "
                  f"ratio {build_seconds / parse_seconds:.2f}", flush=True)

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # the build's worker processes
    parse_seconds = statistics.median(p for p, _ in rounds)
    build_seconds = statistics.median(b for _, b in rounds)
    print(f"articles: {len(articles)} from {origin}, {words} words; {len(rounds)} rounds, medians:")
    print(f"parse only : {parse_seconds:8.2f} s  ({words / parse_seconds:,.0f} words/s)")
    print(f"full build : {build_seconds:8.2f} s  ({words / build_seconds:,.0f} words/s), {len(result.triples)} triples")
    print(f"build / parse ratio: {statistics.median(b / p for p, b in rounds):.2f} (median of the rounds' ratios;"
          f" 1.00 = limited by the parse alone)")
    print(f"peak memory: {peak:.0f} MiB (this process), {child:.0f} MiB (the build's worker processes)")

if __name__ == "__main__":
    main()
