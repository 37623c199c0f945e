"""Does a build's memory grow with the corpus? Peak RSS and time of builds of growing size.

Each size is built by a fresh process (``python benchmarks/bench_memory.py --child``,
which runs :func:`kg.pipeline.build` as ``kg build`` does, with the default outputs
graph.ttl, graph.html, entities.json and report.json); its peak resident memory is the one
``/usr/bin/time -v`` reports, read here from ``os.wait4`` (the largest of the build process
and the worker processes it waited for). The child also prints the resident memory at the
start of each phase of the build, which says where memory goes.

    python benchmarks/bench_memory.py [--articles 1000 --articles 4215] [-j 2]
        [--corpus ../shared/corpus/news-4215.jsonl]

The issue's target: the whole corpus built with a peak no more than 1.2x that of 1,000 articles.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _rss_mib() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def child(source: Path, out: Path, processes: int) -> None:
    """Build ``source`` into ``out``, printing one JSON line per phase with the RSS then."""
    from kg.pipeline import build

    start = time.perf_counter()
    seen: set[str] = set()

    def progress(phase: str, done: int, total: int | None) -> None:
        if phase not in seen:
            seen.add(phase)
            print(json.dumps({"phase": phase, "seconds": round(time.perf_counter() - start, 1),
                              "rss_mib": round(_rss_mib())}), flush=True)

    result = build([source], out, n_process=processes, on_progress=progress)
    report = result.report()
    print(json.dumps({"phase": "done", "seconds": round(time.perf_counter() - start, 1),
                      "rss_mib": round(_rss_mib()), "triples": report["triples"],
                      "conforms": report["shacl"]["conforms"] if report["shacl"] else None,
                      "violations": len(report["shacl"]["violations"]) if report["shacl"] else None}),
          flush=True)


def run(corpus: Path, articles: int, processes: int, tmp: Path) -> dict:
    source = tmp / f"articles-{articles}.jsonl"
    with open(corpus, encoding="utf-8") as handle, open(source, "w", encoding="utf-8") as copy:
        for _, line in zip(range(articles), handle):
            copy.write(line)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, __file__, "--child", str(source), str(tmp / f"out-{articles}"),
                             "-j", str(processes)], stdout=subprocess.PIPE, text=True, env=env)
    peaks = {"main": 0.0, "worker": 0.0}
    sampler = threading.Thread(target=_sample, args=(proc.pid, peaks), daemon=True)
    sampler.start()
    lines = proc.stdout.read().splitlines()
    _, status, usage = os.wait4(proc.pid, 0)
    sampler.join()
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"the build of {articles} articles failed (exit {os.waitstatus_to_exitcode(status)})")
    phases = [json.loads(line) for line in lines if line.startswith("{")]
    return {"articles": articles, "seconds": seconds, "peak_mib": usage.ru_maxrss / 1024, "phases": phases,
            "sampled": peaks}


def _sample(pid: int, peaks: dict[str, float], every: float = 0.5) -> None:
    """The largest RSS seen, every ``every`` seconds, of the build process ("main") and of
    any one of its worker processes ("worker"): which of them makes the peak."""
    import psutil  # here, not at the top: the measured build runs this file too (--child)

    try:
        main = psutil.Process(pid)
        while main.status() != psutil.STATUS_ZOMBIE:
            peaks["main"] = max(peaks["main"], main.memory_info().rss / 2**20)
            for worker in main.children(recursive=True):
                try:
                    peaks["worker"] = max(peaks["worker"], worker.memory_info().rss / 2**20)
                except psutil.NoSuchProcess:
                    pass
            time.sleep(every)
    except psutil.NoSuchProcess:
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, action="append", help="repeatable (default: 1000 and 4215)")
    parser.add_argument("-j", "--processes", type=int, default=1)
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus" / "news-4215.jsonl")
    parser.add_argument("--child", nargs=2, type=Path, metavar=("SOURCE", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child, args.processes)
        return
    if not args.corpus.is_file():
        raise SystemExit(f"{args.corpus}: no such corpus (the research corpus lives in ../shared)")
    sizes = args.articles or [1000, 4215]
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for articles in sizes:
            result = run(args.corpus, articles, args.processes, Path(tmp))
            results.append(result)
            done = result["phases"][-1] if result["phases"] else {}
            print(f"{articles:5d} articles, -j {args.processes}: {result['seconds']:7.1f} s, "
                  f"peak RSS {result['peak_mib']:6.0f} MiB, {done.get('triples')} triples, "
                  f"SHACL conforms: {done.get('conforms')} ({done.get('violations')} violations)")
            print(f"      sampled peaks: build process {result['sampled']['main']:.0f} MiB, "
                  f"largest worker {result['sampled']['worker']:.0f} MiB")
            print("      RSS at each phase: " + ", ".join(
                f"{p['phase']} {p['rss_mib']} MiB @ {p['seconds']} s" for p in result["phases"]), flush=True)
    if len(results) > 1:
        small, large = results[0], results[-1]
        print(f"peak RSS {large['articles']} / {small['articles']} articles: "
              f"{large['peak_mib'] / small['peak_mib']:.2f}   (target <= 1.20)")


if __name__ == "__main__":
    main()
