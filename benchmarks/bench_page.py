"""How usable is the graph page on a big graph? First draw, search-to-focus and page size.

Writes the page of a built graph, opens it in Debian's Chromium (headless, every request
that is not the file itself blocked) several times, and prints medians:

- first draw: from the start of navigation to the first frame of the overview, as the
  page records it (``performance.now()`` at vis-network's first ``afterDrawing``);
- search-to-focus: from the Enter key in the search box to the first frame of the found
  node's neighbourhood, with the node selected and its side panel filled;
- the page's size, and the time Python takes to write it.

    python benchmarks/bench_page.py [--graph OUT/graph.ttl] [--articles 1000] [--every 4] [--runs 5]
                                    [--search "Tony Blair"] [--screenshots DIR]

Without ``--graph`` it first builds ``--articles`` articles of the research corpus, every
``--every``-th from the start (a few minutes): by default the 1,000-article slice the slow
page tests build, BBC stories with PolNeAR and ECB+ articles, so some facts carry dates.
``--screenshots`` saves a picture of each view into DIR.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from itertools import islice
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
SEARCH_TO_FOCUS = """async (name) => {
  const input = document.getElementById("kg-search");
  input.value = name;
  input.dispatchEvent(new Event("input"));
  const drawn = new Promise((resolve) => network.once("afterDrawing", resolve));
  const start = performance.now();
  input.dispatchEvent(new KeyboardEvent("keydown", {key: "Enter", bubbles: true}));
  await drawn;
  return performance.now() - start;
}"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--graph", type=Path, help="a graph.ttl kg built (default: build the corpus slice)")
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--every", type=int, default=4, help="take every N-th corpus article")
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus" / "news-4215.jsonl")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--search", default="Tony Blair")
    parser.add_argument("--screenshots", type=Path, help="save a picture of each view here")
    args = parser.parse_args()

    from rdflib import Graph

    from kg.export.html import write_html

    with tempfile.TemporaryDirectory() as tmp:
        if args.graph is None:
            args.graph = build_slice(args.corpus, args.articles, args.every, Path(tmp))
        graph = Graph().parse(args.graph)
        page = Path(tmp) / "graph.html"
        start = time.perf_counter()
        write_html(graph, page)
        write_seconds = time.perf_counter() - start
        size = page.stat().st_size
        draws, searches, counts = measure(page, args.runs, args.search, args.screenshots)

    print(f"graph: {args.graph} ({len(graph)} triples, {counts[1]} nodes; overview {counts[0]} nodes)")
    print(f"page size      : {size / 1e6:.2f} MB  (target < 3 MB)")
    print(f"write (Python) : {write_seconds:.2f} s")
    print(f"first draw     : {statistics.median(draws):.0f} ms median of {len(draws)} "
          f"(min {min(draws):.0f}, max {max(draws):.0f}; target < 2000 ms)")
    print(f"search-to-focus: {statistics.median(searches):.0f} ms median of {len(searches)} "
          f"(min {min(searches):.0f}, max {max(searches):.0f}; target < 300 ms), searching {args.search!r}")


def build_slice(corpus: Path, articles: int, every: int, tmp: Path) -> Path:
    from kg.pipeline import build

    if not corpus.is_file():
        raise SystemExit(f"{corpus} is missing: give --graph, a graph.ttl kg built")
    source = tmp / "articles.jsonl"
    with open(corpus, encoding="utf-8") as handle, open(source, "w", encoding="utf-8") as out:
        out.writelines(line for _, line in zip(range(articles), islice(handle, 0, None, every)))
    return Path(build([source], tmp / "out", formats=("turtle",)).outputs["turtle"])


def measure(page: Path, runs: int, name: str, screenshots: Path | None):
    from playwright.sync_api import sync_playwright

    draws, searches = [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])

        def open_page():
            tab = browser.new_page(viewport={"width": 1280, "height": 800})
            tab.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort())
            tab.goto(page.as_uri())
            wait_for(tab, "!!window.kgReady")
            return tab

        if screenshots is not None:
            tab = open_page()
            views(tab, name, screenshots)
            tab.close()
        for _ in range(runs):
            tab = open_page()
            draws.append(tab.evaluate("window.kgTimings.firstDraw"))
            counts = tab.evaluate("[nodes.length, JSON.parse(document.getElementById('kg-data').textContent).nodes.length]")
            searches.append(tab.evaluate(SEARCH_TO_FOCUS, name))
            selected = tab.evaluate("network.getSelectedNodes()")
            if not selected or name not in tab.inner_text("#kg-panel"):
                raise SystemExit(f"searching {name!r} selected {selected}: not the node asked for")
            tab.close()
        browser.close()
    return draws, searches, counts


def views(tab, name: str, folder: Path) -> None:
    """A picture of each view: overview, suggestions, a focused node with its panel, a
    filter to people, one article's graph."""
    folder.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=folder / "page-overview.png")
    tab.fill("#kg-search", name.split()[-1])
    tab.wait_for_timeout(100)
    tab.screenshot(path=folder / "page-search.png")
    tab.fill("#kg-search", name)
    tab.press("#kg-search", "Enter")
    tab.wait_for_timeout(200)
    tab.screenshot(path=folder / "page-focus.png")
    tab.click("#kg-trail button:text-is('Overview')")
    for label in tab.locator("#kg-legend label").all():
        if not label.inner_text().startswith("Person") and label.locator("input").is_enabled():
            label.locator("input").uncheck()
    tab.wait_for_timeout(200)
    tab.screenshot(path=folder / "page-people.png")
    for label in tab.locator("#kg-legend label").all():
        if label.locator("input").is_enabled():
            label.locator("input").check()
    tab.click("#kg-panel .kg-article-link >> nth=0")
    tab.wait_for_timeout(200)
    tab.screenshot(path=folder / "page-article.png")


def wait_for(tab, expression: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not tab.evaluate(expression):
        if time.monotonic() > deadline:
            raise TimeoutError(expression)
        tab.wait_for_timeout(20)


if __name__ == "__main__":
    main()
