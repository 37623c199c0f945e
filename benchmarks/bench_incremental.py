"""Adding a few articles to a grown store against building it again (issue 11).

    .venv/bin/python benchmarks/bench_incremental.py [--articles 1000] [--add 10] [--rounds 3]

Reads the first ``articles + add`` articles of ``../shared/corpus/news-4215.jsonl``. Each
build runs as its own ``python -m kg build ... --store`` process, as a user runs it (start-up
and model load included):

1. *one-shot*: all ``articles + add`` into a new store, parsing every article (once);
2. the store of the first ``articles`` made from the facts that build extracted (not timed);
3. in interleaved rounds, *rebuild*: the ``articles + add`` store built again from its
   stored facts, no parse (``kg build --store DIR`` without inputs), and *add*: a copy of
   the store of step 2 given the ``add`` new articles (parsed).

Prints the one-shot time, the medians of the rounds, the ratios, where the time of one
build goes (the same steps timed one by one in this process), and whether the grown
store holds the one-shot graph (:func:`kg.store.canonical_graph`: equal but for the names
of nodes) and how many of its nodes are named otherwise.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "news-4215.jsonl"


def kg_build(*args: str | Path) -> float:
    """Seconds of one ``kg build`` process."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "kg", "build", *map(str, args), "-q"], check=True, env=env,
                   stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def store_of(source: Path, ids: list[str], target: Path) -> None:
    """A store folder holding the stored facts of ``ids`` from ``source``, graph not built yet."""
    (target / "facts").mkdir(parents=True)
    shutil.copy(source / "meta.json", target / "meta.json")
    for article_id in ids:
        name = hashlib.sha256(article_id.encode("utf-8")).hexdigest()[:24] + ".json"
        shutil.copy(source / "facts" / name, target / "facts" / name)


def phases(root: Path) -> dict[str, float]:
    """Where the time of assembling a store's graph goes, step by step, in this process."""
    import pyoxigraph as ox

    from kg import gazetteer
    from kg.corpus_names import add_corpus_names
    from kg.graph import build_graph
    from kg.resolution import resolve_entities
    from kg.store import FactStore
    from kg.validate import validate

    gazetteer.city("London")  # the GeoNames index, loaded once per process by extraction anyway
    times, started = {}, time.perf_counter()

    def lap(name: str) -> None:
        nonlocal started
        now = time.perf_counter()
        times[name], started = now - started, now

    store = FactStore(root)
    pairs = store.load()
    known = store.registry()
    lap("reading stored facts")
    facts = add_corpus_names([f for _, f in pairs])
    lap("corpus names")
    resolution = resolve_entities(facts, known=known)
    lap("resolution")
    graph, _ = build_graph(list(zip([a for a, _ in pairs], facts)), resolution)
    lap("graph (rdflib)")
    validate(graph)
    lap("SHACL validation")
    ntriples = graph.serialize(format="nt", encoding="utf-8")
    with tempfile.TemporaryDirectory() as folder:
        oxigraph = ox.Store(folder)
        oxigraph.bulk_load(ntriples, format=ox.RdfFormat.N_TRIPLES)
        oxigraph.flush()
        del oxigraph
    lap("N-Triples + Oxigraph load")
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--add", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    args = parser.parse_args()
    if not args.corpus.is_file():
        print(f"{args.corpus}: no corpus (../shared is research data beside the repository)", file=sys.stderr)
        return 2
    sys.path.insert(0, str(ROOT))
    from kg.store import FactStore, canonical_graph

    lines = args.corpus.read_text(encoding="utf-8").splitlines()[: args.articles + args.add]
    ids = [json.loads(line)["id"] for line in lines]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        (work / "all.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
        (work / "new.jsonl").write_text("\n".join(lines[args.articles:]) + "\n", encoding="utf-8")
        one_shot = kg_build(work / "all.jsonl", "--store", work / "one-shot")
        print(f"one-shot build of {len(lines)} articles, parsing all: {one_shot:7.1f} s")
        store_of(work / "one-shot", ids[: args.articles], work / "base")
        kg_build("--store", work / "base")
        rebuilds, adds = [], []
        for round_ in range(args.rounds):
            shutil.rmtree(work / "rebuilt", ignore_errors=True)
            store_of(work / "one-shot", ids, work / "rebuilt")
            rebuilds.append(kg_build("--store", work / "rebuilt"))
            shutil.rmtree(work / "grown", ignore_errors=True)
            shutil.copytree(work / "base", work / "grown", symlinks=True)
            adds.append(kg_build(work / "new.jsonl", "--store", work / "grown"))
            print(f"round {round_ + 1}: rebuild from stored facts {rebuilds[-1]:6.1f} s, "
                  f"add {args.add} {adds[-1]:6.1f} s")
        rebuild, add = statistics.median(rebuilds), statistics.median(adds)
        print(f"rebuild of {len(lines)} from stored facts (no parse), median: {rebuild:6.1f} s")
        print(f"add {args.add} to a {args.articles}-article store (parsing them), median: {add:6.1f} s")
        print(f"one-shot with parsing / add: {one_shot / add:5.2f}x;  rebuild without parsing / add: {rebuild / add:5.2f}x")
        alike = canonical_graph(work / "grown") == canonical_graph(work / "one-shot")
        grown, alone = FactStore(work / "grown").registry(), FactStore(work / "one-shot").registry()
        renamed = {grown[i] for i in alone if grown.get(i) != alone[i]}
        print(f"grown store holds the one-shot graph (up to node names): {alike}; "
              f"{len(renamed)} of {len(set(alone.values()))} entities keep an IRI of the first build")
        print(f"where an add's {len(lines)}-article assembly goes (in-process):")
        for name, seconds in phases(work / "grown").items():
            print(f"  {name:28s} {seconds:6.2f} s")
    return 0 if alike else 1


if __name__ == "__main__":
    sys.exit(main())
