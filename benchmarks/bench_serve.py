"""How much faster does ``kg serve`` answer the bundled queries than rdflib, on 1,000,000 triples?

The graph: ``kg build`` of some corpus articles (every 14th of the research corpus, so
all its sections are in), replicated with renamed IRIs until it holds the triples asked
for. In copy *n* (n >= 1) every article, statement and event node gets the suffix
``-cn`` (and each article's ``dcterms:identifier`` too), and so does every second entity
(chosen by a hash of its IRI); the other entities are shared by all copies, so they
gather the facts of every copy and the joins stay like those of a real, larger graph.
The ontology's own terms and the external links (Wikidata, GeoNames) stay as they are.

Then, for each query in ``ontology/queries/`` with its defaults (no ``--bind``): the
query over HTTP to ``kg serve GRAPH`` (a subprocess on a free loopback port, SPARQL JSON
results, the row cap and the timeout raised so that nothing is cut), against the same
query in rdflib on a ``Graph`` parsed from the same file. Runs of the two sides are
interleaved; times are medians (serve after one warm-up). An rdflib query that runs
longer than ``--rdflib-cap`` seconds is stopped and reported as "> cap", with the
ratio as a lower bound. Row counts of the two sides are compared.

Where ``benchmarks/rdflib-queries/NAME.rq`` exists, rdflib runs that text instead: the
bundled query's earlier form, with the same answers, before it was rewritten for Oxigraph
(names looked up once a node, in subqueries). rdflib is far slower on the rewritten form
(roles: over 120 s against some 4 to 8 s), so timing it there would flatter kg serve.

    python benchmarks/bench_serve.py [--triples 1000000] [--articles 300] [--keep DIR]

Without the research corpus (../shared/corpus) it replicates the sample articles in data/.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from itertools import islice
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "news-4215.jsonl"
BASE = "https://w3id.org/kg/resource/"
ENTITY_KINDS = ("person/", "organization/", "place/", "position/")
RDFLIB_FORMS = ROOT / "benchmarks" / "rdflib-queries"  # NAME.rq: the form rdflib runs, if there
IDENTIFIER = "http://purl.org/dc/terms/identifier"


# ---------------------------------------------------------------- the graph


def seed_graph(articles: int, corpus: Path, folder: Path) -> tuple[Path, str]:
    """``kg build`` of ``articles`` articles (corpus, else data/): the graph file and where it came from."""
    from kg.articles import read_articles
    from kg.pipeline import build

    graph, note = folder / "seed" / "graph.ttl", folder / "seed" / "origin.txt"
    if graph.is_file() and note.is_file():  # kept by an earlier run (--keep)
        return graph, note.read_text(encoding="utf-8") + ", build kept from an earlier run"
    source = folder / "articles.jsonl"
    if corpus.is_file():
        with open(corpus, encoding="utf-8") as handle, open(source, "w", encoding="utf-8") as out:
            out.writelines(islice(handle, 0, 14 * articles, 14))
        origin = f"{corpus} (every 14th article, {articles} of them)"
    else:
        records = [{"id": a.id, "text": a.text, "date": a.date and a.date.isoformat()}
                   for a in read_articles([ROOT / "data"])]
        source.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
        origin = f"data/ ({len(records)} sample articles; the research corpus is absent)"
    # SHACL validation is skipped: it says nothing about query speed and takes minutes here
    build([source], folder / "seed", formats=("turtle",), validate_graph=False)
    note.write_text(origin, encoding="utf-8")
    return graph, origin


def _per_copy(iri: str) -> bool:
    """Whether an IRI of ours is renamed in each copy: every node but half the entities."""
    rest = iri[len(BASE):]
    if not rest.startswith(ENTITY_KINDS):
        return True  # articles, quotes, events, statement nodes
    return hashlib.blake2b(iri.encode(), digest_size=1).digest()[0] % 2 == 1


def replicate(seed: Path, triples: int, target: Path) -> tuple[int, int, int]:
    """Write copies of ``seed`` as N-Triples to ``target`` until it holds ``triples``.

    Returns (seed triples, copies, triples written)."""
    import pyoxigraph as ox

    base = list(ox.parse(path=str(seed), format=ox.RdfFormat.TURTLE))
    renamed: dict[str, bool] = {}

    def term(value, copy: int, identifier: bool = False):
        if isinstance(value, ox.NamedNode) and value.value.startswith(BASE):
            if renamed.setdefault(value.value, _per_copy(value.value)):
                return ox.NamedNode(f"{value.value}-c{copy}")
        elif identifier and isinstance(value, ox.Literal):
            return ox.Literal(f"{value.value}-c{copy}", datatype=value.datatype)
        return value

    store = ox.Store()
    store.extend(base)
    copies = 1
    while len(store) < triples:
        store.extend(ox.Quad(term(t.subject, copies), t.predicate,
                             term(t.object, copies, t.predicate.value == IDENTIFIER)) for t in base)
        copies += 1
    store.dump(str(target), format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
    return len(base), copies, len(store)


# ---------------------------------------------------------------- the two sides


def start_server(graph: Path, rows: int, timeout: float) -> tuple[subprocess.Popen, str, float]:
    """``kg serve`` on a free loopback port; returns it, its URL and seconds until it answered."""
    import httpx

    start = time.perf_counter()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [sys.executable, "-m", "kg", "serve", str(graph), "--port", "0", "--max-rows", str(rows),
         "--timeout", str(timeout), "--workers", "1"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
    line = process.stdout.readline()
    found = re.search(r"at (http://\S+/) ", line)
    if not found:
        process.kill()
        sys.exit(f"kg serve did not start: {line!r}")
    url = found.group(1)  # printed once uvicorn listens: the page answers at once
    if httpx.get(url, timeout=30).status_code != 200:
        process.kill()
        sys.exit(f"kg serve at {url} does not serve its query page")
    return process, url, time.perf_counter() - start


def ask_server(client, url: str, text: str) -> tuple[float, int]:
    """One query over HTTP: seconds until the whole body is in, and its rows."""
    start = time.perf_counter()
    response = client.post(f"{url}query", content=text.encode(),
                           headers={"Content-Type": "application/sparql-query",
                                    "Accept": "application/sparql-results+json"})
    seconds = time.perf_counter() - start  # the body is read: httpx does not stream unless asked
    if response.status_code != 200:
        sys.exit(f"kg serve answered {response.status_code}: {response.text[:300]}")
    return seconds, len(response.json()["results"]["bindings"])


class Capped(Exception):
    pass


def ask_rdflib(graph, text: str, cap: float) -> tuple[float | None, int | None]:
    """One fully materialised rdflib query; (None, None) when it outlived ``cap`` seconds."""

    def stop(signum, frame):
        raise Capped

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, cap)
    start = time.perf_counter()
    try:
        rows = list(graph.query(text))
    except Capped:
        return None, None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    return time.perf_counter() - start, len(rows)


def rss(pid: int, field: str = "VmRSS") -> int:
    """A process's resident memory (``VmRSS``) or its peak (``VmHWM``), in MiB; 0 if gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) // 1024
    except OSError:
        pass
    return 0


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(p) for p in (task / "children").read_text().split()]
        except OSError:
            pass
    return found


# ---------------------------------------------------------------- the run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, default=1_000_000, help="size of the graph")
    parser.add_argument("--articles", type=int, default=300, help="articles built before replicating")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--runs", type=int, default=5, help="timed serve runs per query")
    parser.add_argument("--rdflib-runs", type=int, default=3, help="timed rdflib runs per query (1 if slow)")
    parser.add_argument("--rdflib-cap", type=float, default=120.0, help="seconds an rdflib query may run")
    parser.add_argument("--keep", type=Path, help="folder to keep the graph in and reuse on the next run")
    args = parser.parse_args()

    import httpx
    import rdflib

    from kg.query import bundled_queries

    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        graph_file = folder / f"graph-{args.triples}.nt"
        about = folder / f"graph-{args.triples}.json"
        if graph_file.is_file() and about.is_file():
            made = json.loads(about.read_text())
            made["reused"] = str(graph_file)
        else:
            start = time.perf_counter()
            seed, origin = seed_graph(args.articles, args.corpus, folder)
            built = time.perf_counter() - start
            seed_triples, copies, triples = replicate(seed, args.triples, graph_file)
            made = {"origin": origin, "seed_triples": seed_triples, "copies": copies, "triples": triples,
                    "build_s": round(built, 1), "replicate_s": round(time.perf_counter() - start - built, 1)}
            about.write_text(json.dumps(made))
        print(f"graph: {made['triples']:,} triples = {made['copies']} copies of a kg build of {made['origin']} "
              f"({made['seed_triples']:,} triples; build {made['build_s']} s, replication {made['replicate_s']} s); "
              "per copy, articles, statements, events and half the entities renamed, the other half shared"
              + (f" [reused {made['reused']}]" if "reused" in made else ""))
        print(f"file: {graph_file} ({graph_file.stat().st_size / 2**20:.0f} MiB N-Triples)")

        server, url, serve_load = start_server(graph_file, rows=10 * made["triples"], timeout=3600)
        client = httpx.Client(timeout=None)  # one connection kept open, as a notebook or a tool would
        try:
            before = rss(os.getpid())
            start = time.perf_counter()
            graph = rdflib.Graph()
            graph.parse(str(graph_file), format="nt")
            rdflib_load = time.perf_counter() - start
            rdflib_memory = rss(os.getpid()) - before
            print(f"load: kg serve {serve_load:.1f} s (start, bulk load, worker ready); "
                  f"rdflib parse {rdflib_load:.1f} s ({len(graph):,} triples)")

            print(f"\n{'query':10} {'rows':>8} {'serve ms':>10} {'rdflib ms':>12} {'ratio':>8}  goal >= 50x")
            results = []
            for name, path in bundled_queries().items():
                text = path.read_text(encoding="utf-8")
                rdflib_form = RDFLIB_FORMS / path.name
                rdflib_text = rdflib_form.read_text(encoding="utf-8") if rdflib_form.is_file() else text
                _, serve_rows = ask_server(client, url, text)  # warm-up
                serve_times, rdflib_times, rdflib_rows = [], [], None
                for run in range(args.runs):  # interleaved: serve, rdflib, serve, rdflib…
                    serve_times.append(ask_server(client, url, text)[0])
                    slow = bool(rdflib_times) and rdflib_times[0] > 10  # one slow run is enough
                    if run < args.rdflib_runs and not slow and rdflib_rows != -1:
                        seconds, rows = ask_rdflib(graph, rdflib_text, args.rdflib_cap)
                        if seconds is None:
                            rdflib_rows = -1  # capped: no more runs
                        else:
                            rdflib_times.append(seconds)
                            rdflib_rows = rows
                serve_ms = statistics.median(serve_times) * 1000
                if rdflib_rows == -1:
                    rdflib_cell, ratio_cell = f"> {args.rdflib_cap * 1000:,.0f}", f"> {args.rdflib_cap * 1000 / serve_ms:,.0f}x"
                    ratio, rows_cell = args.rdflib_cap * 1000 / serve_ms, f"{serve_rows:,}"
                else:
                    rdflib_ms = statistics.median(rdflib_times) * 1000
                    ratio = rdflib_ms / serve_ms
                    rdflib_cell, ratio_cell = f"{rdflib_ms:,.0f}", f"{ratio:,.0f}x"
                    rows_cell = f"{serve_rows:,}" if rdflib_rows == serve_rows else f"{serve_rows:,}≠{rdflib_rows:,}"
                met = "met" if ratio >= 50 else ("not met" if rdflib_rows != -1 else "unknown")
                form = ", rdflib on its earlier form" if rdflib_text is not text else ""
                print(f"{name:10} {rows_cell:>8} {serve_ms:>10,.0f} {rdflib_cell:>12} {ratio_cell:>8}  {met}"
                      f"   (runs: {len(serve_times)} serve, {len(rdflib_times)} rdflib{form})", flush=True)
                results.append((name, serve_rows, rdflib_rows))
            serve_peak = rss(server.pid, "VmHWM") + sum(rss(c, "VmHWM") for c in children(server.pid))
            print(f"\nmemory: kg serve peak {serve_peak:,} MiB (server and worker processes); "
                  f"rdflib graph {rdflib_memory:,} MiB resident after the parse")
            mismatched = [r for r in results if r[2] not in (-1, r[1])]
            for name, served, rdflib_rows in mismatched:
                print(f"row count mismatch: {name}: kg serve {served}, rdflib {rdflib_rows}")
        finally:
            client.close()
            server.terminate()
            server.wait(30)


if __name__ == "__main__":
    main()
