"""The interactive graph page: offline, deterministic, searchable, and inert to hostile text."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from rdflib import RDF, RDFS, Graph, Literal, Namespace
from rdflib.namespace import DCTERMS, PROV, SKOS

from kg.export.html import write_html
from kg.vocab import KG

R = Namespace("https://w3id.org/kg/resource/")
DAY = date(2017, 12, 11)
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
EXTERNAL = re.compile(r"""\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", re.IGNORECASE)
HOSTILE = ('""" > \\ </script><script>window.__pwned=1</script>'
           '<img src=x onerror="window.__pwned=1"> <a href="javascript:window.__pwned=1">x</a>')


def entity(g: Graph, name: str, cls, label: str, *alts: str):
    g.add((R[name], RDF.type, cls))
    g.add((R[name], RDFS.label, Literal(label)))
    for alt in alts:
        g.add((R[name], SKOS.altLabel, Literal(alt)))
    return R[name]


def article(g: Graph, ident: str, title: str | None = None):
    a = R[f"article/{ident}"]
    g.add((a, RDF.type, KG.Article))
    g.add((a, DCTERMS.identifier, Literal(ident)))
    if title:
        g.add((a, DCTERMS.title, Literal(title)))
    g.add((a, DCTERMS.date, Literal(DAY)))
    return a


def quote(g: Graph, name: str, speaker, text: str, source):
    q = R[f"quote/{name}"]
    g.add((speaker, KG.said, q))
    g.add((q, RDF.type, KG.Quote))
    g.add((q, KG.text, Literal(text)))
    g.add((q, KG.speaker, speaker))
    g.add((q, PROV.wasDerivedFrom, source))
    g.add((q, KG.date, Literal(DAY)))
    g.add((q, KG.sentence, Literal(f"He said: “{text}”.")))
    g.add((q, KG.startChar, Literal(10)))
    g.add((q, KG.endChar, Literal(10 + len(text))))
    return q


def sample_graph() -> Graph:
    """Putin visits Hmeimim and meets Assad; 6 entities, 1 position, 1 quote."""
    g = Graph()
    src = article(g, "rt-001", "Putin visits Hmeimim air base")
    putin = entity(g, "putin", KG.Person, "Vladimir Putin",
                   "President Putin", "Vladimir Vladimirovich")
    assad = entity(g, "assad", KG.Person, "Bashar al-Assad", "Assad")
    base = entity(g, "hmeimim", KG.MilitaryBase, "Hmeimim air base", "Khmeimim")
    latakia = entity(g, "latakia", KG.Region, "Latakia")
    syria = entity(g, "syria", KG.Country, "Syria")
    entity(g, "mod", KG.Organization, "Russian Defence Ministry")
    president = R["position/president-of-russia"]
    g.add((president, RDF.type, KG.Position))
    g.add((president, RDFS.label, Literal("President of Russia")))
    g.add((putin, KG.holdsPosition, president))
    g.add((putin, KG.visited, base))
    g.add((putin, KG.met, assad))
    g.add((base, KG.locatedIn, latakia))
    g.add((latakia, KG.locatedIn, syria))
    visit, meeting = R["visit/1"], R["meeting/1"]
    g.add((visit, RDF.type, KG.Visit))
    g.add((visit, KG.agent, putin))
    g.add((visit, KG.place, base))
    g.add((visit, KG.date, Literal(DAY)))
    g.add((visit, PROV.wasDerivedFrom, src))
    g.add((meeting, RDF.type, KG.Meeting))
    g.add((meeting, KG.participant, putin))
    g.add((meeting, KG.participant, assad))
    g.add((meeting, PROV.wasDerivedFrom, src))
    q = quote(g, "1", putin, "The task of fighting armed bandits here has been accomplished", src)
    g.add((q, PROV.wasDerivedFrom, article(g, "tass-7", "Putin orders partial pullout")))
    for e in (putin, assad, base):
        g.add((src, KG.mentions, e))
    return g


def hostile_graph() -> Graph:
    g = sample_graph()
    evil = entity(g, "evil", KG.Person, "Evil " + HOSTILE, "Mallory")
    quote(g, "evil", evil, HOSTILE, article(g, "x-1", HOSTILE))
    return g


SAMPLE_NODES = 8  # 6 entities + 1 position + 1 quote
SAMPLE_LABELS = ["Vladimir Putin", "Bashar al-Assad", "Hmeimim air base", "Latakia", "Syria",
                 "Russian Defence Ministry", "President of Russia"]


def test_page_is_self_contained_and_has_legend_and_labels(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # pyvis must not write lib/ or temporary files here
    path = tmp_path / "out" / "graph.html"
    write_html(sample_graph(), path, title="Syria <visits>")
    page = path.read_text(encoding="utf-8")
    assert not EXTERNAL.search(page), EXTERNAL.search(page)
    assert "vis.Network" in page  # vis-network is inlined, not linked
    assert 'id="kg-legend"' in page
    legend = ("Person", "Military base", "Region", "Country", "Organization", "Position", "Quote")
    for name in legend:
        assert f"{name} (" in page
    for label in SAMPLE_LABELS:
        assert label in page
    assert "<title>Syria &lt;visits&gt;</title>" in page
    tip = "visited — 2017-12-11 — source: Putin visits Hmeimim air base (rt-001)"
    assert json.dumps(tip) in page  # edge tooltip, as JSON (the dash as \u2014)
    assert sorted(tmp_path.rglob("*")) == [path.parent, path]


def test_same_graph_gives_identical_bytes(tmp_path):
    write_html(sample_graph(), tmp_path / "a.html")
    write_html(sample_graph(), tmp_path / "b.html")
    assert (tmp_path / "a.html").read_bytes() == (tmp_path / "b.html").read_bytes()


def test_same_graph_gives_identical_bytes_across_processes(tmp_path):
    """String hashing, hence set and dict order in rdflib, changes with PYTHONHASHSEED."""
    g = sample_graph()
    g.add((R.assad, KG.met, R.putin))  # the other way round too: still one edge
    g.serialize(tmp_path / "g.ttl", format="turtle")
    script = ("import sys; from rdflib import Graph; from kg.export.html import write_html; "
              "write_html(Graph().parse(sys.argv[1]), sys.argv[2])")
    for seed in ("1", "2", "3"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        out = tmp_path / f"{seed}.html"
        subprocess.run([sys.executable, "-c", script, tmp_path / "g.ttl", out],
                       check=True, env=env, cwd=Path(__file__).parent.parent)
    pages = {(tmp_path / f"{seed}.html").read_bytes() for seed in ("1", "2", "3")}
    assert len(pages) == 1
    assert pages.pop().count(b'"label": "met"') == 1


def test_hostile_text_is_json_escaped_in_the_page(tmp_path):
    write_html(hostile_graph(), tmp_path / "graph.html")
    page = (tmp_path / "graph.html").read_text(encoding="utf-8")
    assert "window.__pwned" in page  # the text is there, but only in escaped form
    assert "<script>window.__pwned" not in page
    assert "<img src=x" not in page
    assert "\\u003c/script\\u003e" in page
    assert not re.search(r"innerHTML\s*=\s*nodeData", page)  # pyvis's HTML popup is not used


def large_graph(people: int = 160) -> Graph:
    """About 2 * people + 40 nodes: people, each with a quote, visiting some of 40 places."""
    g = Graph()
    src = article(g, "big")
    places = [entity(g, f"place{i}", KG.City, f"City {i}") for i in range(40)]
    for i in range(people):
        p = entity(g, f"p{i}", KG.Person, f"Person {i}", f"P{i}")
        g.add((p, KG.visited, places[i % 40]))
        g.add((p, KG.visited, places[(i * 7) % 40]))
        quote(g, f"q{i}", p, f"Words number {i}", src)
    return g


def test_large_graph_is_laid_out_in_python_without_physics(tmp_path):
    g = large_graph()
    write_html(g, tmp_path / "a.html")
    write_html(g, tmp_path / "b.html")
    page = (tmp_path / "a.html").read_text(encoding="utf-8")
    assert page == (tmp_path / "b.html").read_text(encoding="utf-8")
    assert '"physics": {"enabled": false' in page
    assert re.search(r'"x": -?\d+', page) and re.search(r'"y": -?\d+', page)


# ---------------------------------------------------------------- in a real browser


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium to run the browser tests")
    sync_playwright = pytest.importorskip("playwright.sync_api").sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def open_page(browser):
    """Open a written page offline; yields (page, events) once the graph is drawn."""
    pages = []

    def open_(path: Path, *, bypass_csp: bool = False):
        page = browser.new_page(viewport={"width": 1200, "height": 800}, bypass_csp=bypass_csp)
        pages.append(page)
        events = {"dialogs": [], "errors": [], "remote": []}
        page.on("dialog", lambda d: (events["dialogs"].append(d.message), d.dismiss()))
        page.on("pageerror", lambda e: events["errors"].append(str(e)))
        page.on("console", lambda m: m.type == "error" and events["errors"].append(m.text))

        def route(r):
            if r.request.url.startswith("file:"):
                r.continue_()
            else:
                events["remote"].append(r.request.url)
                r.abort()

        page.route("**/*", route)
        page.goto(path.as_uri())
        wait_for(page, "!!(window.kgReady && document.querySelector('#mynetwork canvas'))")
        return page, events

    yield open_
    for page in pages:
        page.close()


def wait_for(page, expression: str, timeout: float = 30) -> None:
    """Poll ``expression`` until true. Not page.wait_for_function: it evaluates its
    predicate with eval, which the page's Content-Security-Policy (rightly) blocks."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise TimeoutError(f"still false after {timeout} s: {expression}")
        page.wait_for_timeout(50)


def hover(page, node_id: str) -> str:
    """Move the mouse onto a node; returns the text of the tooltip then shown."""
    # first to an empty corner of the canvas, so an earlier tooltip is not read again
    box = page.locator("#mynetwork").bounding_box()
    page.mouse.move(box["x"] + box["width"] - 3, box["y"] + box["height"] - 3)
    wait_for(page, "document.querySelector('div.vis-tooltip')?.style.visibility !== 'visible'", 5)
    x, y = page.evaluate(
        """id => { const p = network.canvasToDOM(network.getPositions([id])[id]);
                   const r = document.getElementById('mynetwork').getBoundingClientRect();
                   return [p.x + r.left, p.y + r.top]; }""",
        node_id,
    )
    page.mouse.move(x, y)
    wait_for(page, "document.querySelector('div.vis-tooltip')?.style.visibility === 'visible'", 5)
    return page.evaluate("document.querySelector('div.vis-tooltip').innerText")


def test_page_draws_offline_and_search_finds_alt_labels(tmp_path, open_page):
    path = tmp_path / "graph.html"
    write_html(sample_graph(), path)
    page, events = open_page(path)
    assert page.evaluate("nodes.length") == SAMPLE_NODES
    assert page.evaluate("edges.length") == 6  # visited, met, 2 locatedIn, holdsPosition, said
    assert page.evaluate("network.physics.options.enabled") is False  # frozen after stabilising
    assert page.locator("#kg-legend").is_visible()

    page.fill("#kg-search", "vladimir vladimirovich")  # an alt label, any case
    page.press("#kg-search", "Enter")
    assert page.evaluate("network.getSelectedNodes()") == [str(R.putin)]
    page.fill("#kg-search", "khmeim")  # part of an alt label
    page.press("#kg-search", "Enter")
    assert page.evaluate("network.getSelectedNodes()") == [str(R.hmeimim)]
    page.fill("#kg-search", "nobody at all")
    page.press("#kg-search", "Enter")
    assert page.text_content("#kg-search-status") == "no match"

    expected = "Person\nVladimir Putin\nalso: President Putin, Vladimir Vladimirovich"
    assert hover(page, str(R.putin)) == expected
    assert hover(page, str(R["quote/1"])).endswith(
        "— Vladimir Putin\n2017-12-11\nsource: Putin visits Hmeimim air base (rt-001)\n"
        "source: Putin orders partial pullout (tass-7)")
    assert events == {"dialogs": [], "errors": [], "remote": []}


# Without its Content-Security-Policy too: escaping alone must keep the text inert.
@pytest.mark.parametrize("bypass_csp", [False, True], ids=["with-csp", "without-csp"])
def test_hostile_text_stays_text_in_the_browser(tmp_path, open_page, bypass_csp):
    path = tmp_path / "graph.html"
    write_html(hostile_graph(), path)
    page, events = open_page(path, bypass_csp=bypass_csp)
    evil, evil_quote = str(R.evil), str(R["quote/evil"])
    assert page.evaluate("nodes.length") == SAMPLE_NODES + 2

    page.evaluate("ids => network.selectNodes(ids)", [evil, evil_quote])
    tooltip = hover(page, evil_quote)
    assert HOSTILE in tooltip
    tooltip = hover(page, evil)
    assert tooltip.startswith("Person\nEvil " + HOSTILE)
    page.fill("#kg-search", "mallory")
    page.press("#kg-search", "Enter")
    assert page.evaluate("network.getSelectedNodes()") == [evil]

    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.evaluate("document.querySelectorAll('body img, body a').length") == 0
    data = page.evaluate("ids => nodes.get(ids)", [evil, evil_quote])
    assert data[0]["label"] == "Evil " + HOSTILE[:55].rsplit(" ", 1)[0] + "…"  # long: cut
    assert data[0]["names"][0] == "Evil " + HOSTILE
    assert f"“{HOSTILE}”" in data[1]["title"]  # the quote's full text, intact
    assert f"source: {HOSTILE} (x-1)" in data[1]["title"]
    datalist = page.evaluate("[...document.querySelectorAll('#kg-names option')].map(o => o.value)")
    assert "Evil " + HOSTILE in datalist
    assert events == {"dialogs": [], "errors": [], "remote": []}


def test_large_graph_draws_without_physics(tmp_path, open_page):
    path = tmp_path / "graph.html"
    g = large_graph()
    write_html(g, path)
    page, events = open_page(path)
    assert page.evaluate("nodes.length") == 40 + 2 * 160
    assert page.evaluate("network.physics.options.enabled") is False
    assert events == {"dialogs": [], "errors": [], "remote": []}
