"""How much faster is a build in two worker processes, or on a two-worker Dask cluster?

Builds the same articles as whole ``kg build`` processes (start-up and model loads
included): ``-j 1``, ``-j 2``, ``--cluster local:2`` (the build starts and stops its
LocalCluster) and ``--cluster tcp://…`` on a standing two-worker LocalCluster that this
script starts first, as a real cluster would stand (its workers keep their model from
one build to the next; one untimed build warms them). The ways run in interleaved
rounds, so that other load on the machine falls on each alike; the script prints each
median, the speed-ups against ``-j 1``, the CPU seconds of each build's own processes (a
standing cluster's workers excepted), and checks that all wrote the same bytes. As a
reference for ``-j 2``, it also times the bare spaCy parse of the same texts in one
process and in two (``nlp.pipe``'s ``n_process``): what the machine gives two processes
at the time. On a
machine that other work shares, the speed-ups fall short of what free cores give: the
load average before each run is printed with them.

    python benchmarks/bench_cluster.py [--articles 300] [--rounds 3] [--corpus ../shared/corpus/news-4215.jsonl]

Without the research corpus it falls back to the sample articles in data/.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WAYS = {"-j 1": ["-j", "1"], "-j 2": ["-j", "2"], "--cluster local:2": ["--cluster", "local:2"],
        "--cluster tcp://": ["--cluster"]}  # the standing cluster's address is added
# The machine's own ceiling at the time: the bare spaCy parse of the same texts in one process
# and in two (nlp.pipe's n_process), as whole processes too.
PARSE = ("import sys\nfrom kg.articles import read_articles\nfrom kg.nlp import load_model\n"
         "nlp = load_model()\ntexts = [a.text for a in read_articles([sys.argv[1]])]\n"
         "for _ in nlp.pipe(texts, batch_size=8, n_process=int(sys.argv[2])): pass\n")
BARE = {"spaCy alone, 1 process": "1", "spaCy alone, 2 processes": "2"}
OUTPUTS = ("graph.ttl", "entities.json")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus" / "news-4215.jsonl")
    args = parser.parse_args()

    from distributed import LocalCluster

    with tempfile.TemporaryDirectory() as tmp, LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address="127.0.0.1:0") as standing:
        tmp = Path(tmp)
        WAYS["--cluster tcp://"].append(standing.scheduler_address)
        if args.corpus.is_file():
            source = tmp / "articles.jsonl"
            with open(args.corpus, encoding="utf-8") as handle:
                source.write_text("".join(line for _, line in zip(range(args.articles), handle)), encoding="utf-8")
            origin = f"{args.corpus} (first {args.articles})"
        else:
            source, origin = ROOT / "data", "data/ (the research corpus is absent)"
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
        seconds: dict[str, list[float]] = {way: [] for way in [*WAYS, *BARE]}
        cpu: dict[str, list[float]] = {way: [] for way in seconds}  # the run's own processes (not a standing cluster's)
        loads = []
        warm = [sys.executable, "-m", "kg", "build", str(source), "--out", str(tmp / "warm"), "-q", "--no-html",
                *WAYS["--cluster tcp://"]]
        subprocess.run(warm, env=env, capture_output=True, check=True)
        for round_ in range(args.rounds):
            order = list(seconds) if round_ % 2 == 0 else list(reversed(seconds))
            for way in order:
                out = tmp / _folder(way)
                if way in BARE:
                    command = [sys.executable, "-c", PARSE, str(source), BARE[way]]
                else:
                    command = [sys.executable, "-m", "kg", "build", str(source), "--out", str(out), "-q",
                               "--no-html", *WAYS[way]]
                loads.append(os.getloadavg()[0])
                before = _children_cpu()
                start = time.perf_counter()
                done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
                seconds[way].append(time.perf_counter() - start)
                cpu[way].append(_children_cpu() - before)
                if done.returncode not in (0, 1):  # 1: SHACL violations, still a full build
                    sys.exit(f"{way} failed ({done.returncode}):\n{done.stderr}")
                print(f"round {round_ + 1} {way:24} {seconds[way][-1]:7.2f} s  ({cpu[way][-1]:6.1f} CPU s)", flush=True)
        folders = [tmp / _folder(way) for way in WAYS]
        same = all((folders[0] / name).read_bytes() == (f / name).read_bytes() for f in folders[1:] for name in OUTPUTS)

    base = statistics.median(seconds["-j 1"])
    print(f"articles: {origin}; {args.rounds} interleaved rounds on {os.cpu_count()} cores "
          f"(load average before each run: median {statistics.median(loads):.2f}, max {max(loads):.2f})")
    bare = statistics.median(seconds["spaCy alone, 1 process"])
    for way, times in seconds.items():
        median = statistics.median(times)
        if way in BARE:  # against the bare parse in one process
            print(f"{way:24} median {median:7.2f} s   speed-up against 1 process: {bare / median:.2f}x   "
                  f"CPU {statistics.median(cpu[way]):6.1f} s   (runs: {', '.join(f'{t:.1f}' for t in times)})")
            continue
        print(f"{way:24} median {median:7.2f} s   speed-up against -j 1: {base / median:.2f}x   "
              f"CPU {statistics.median(cpu[way]):6.1f} s   (runs: {', '.join(f'{t:.1f}' for t in times)})")
    print("outputs (graph.ttl, entities.json) byte-identical across all ways: " + ("yes" if same else "NO"))
    if not same:
        sys.exit(1)


def _children_cpu() -> float:
    """User and system seconds of the finished child processes (and theirs) so far."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _folder(way: str) -> str:
    return "".join(c for c in way if c.isalnum())


if __name__ == "__main__":
    main()
