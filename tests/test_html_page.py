"""The graph page: an explorer that is offline, deterministic, searchable, filterable, and inert to hostile text."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import RDF, RDFS, Graph, Literal, Namespace
from rdflib.namespace import DCTERMS, PROV, SKOS

from kg.export.html import write_html
from kg.export.page_data import QUOTE_NODES, page_data, pagerank
from kg.vocab import KG

R = Namespace("https://w3id.org/kg/resource/")
DAY, NEXT_DAY = date(2017, 12, 11), date(2017, 12, 12)
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
EXTERNAL = re.compile(r"""\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", re.IGNORECASE)
DATA_BLOCK = re.compile(r'<script id="kg-data" type="application/json">(.*?)</script>', re.DOTALL)
HOSTILE = ('""" > \\ </script><script>window.__pwned=1</script>'
           '<img src=x onerror="window.__pwned=1"> <a href="javascript:window.__pwned=1">x</a>')


def entity(g: Graph, name: str, cls, label: str, *alts: str):
    g.add((R[name], RDF.type, cls))
    g.add((R[name], RDFS.label, Literal(label)))
    for alt in alts:
        g.add((R[name], SKOS.altLabel, Literal(alt)))
    return R[name]


def article(g: Graph, ident: str, title: str | None = None, day: date = DAY):
    a = R[f"article/{ident}"]
    g.add((a, RDF.type, KG.Article))
    g.add((a, DCTERMS.identifier, Literal(ident)))
    if title:
        g.add((a, DCTERMS.title, Literal(title)))
    g.add((a, DCTERMS.date, Literal(day)))
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


def visit(g: Graph, name: str, agent, place, source, sentence: str):
    v = R[f"visit/{name}"]
    g.add((agent, KG.visited, place))
    g.add((v, RDF.type, KG.Visit))
    g.add((v, KG.agent, agent))
    g.add((v, KG.place, place))
    g.add((v, PROV.wasDerivedFrom, source))
    g.add((v, KG.sentence, Literal(sentence)))
    return v


def planned(g: Graph, name: str, cls, status: str, source, sentence: str, **roles) -> None:
    """A visit or meeting an article announced, called off or denied: an event node, no direct triple."""
    event = R[f"planned/{name}"]
    g.add((event, RDF.type, cls))
    g.add((event, KG.status, Literal(status)))
    g.add((event, PROV.wasDerivedFrom, source))
    g.add((event, KG.sentence, Literal(sentence)))
    for role, nodes in roles.items():
        for node in nodes:
            g.add((event, KG[role], node))


def sample_graph() -> Graph:
    """Putin visits Hmeimim (told by two articles, a day apart) and meets Assad (on the
    first day); 6 entities, 1 position, 1 quote (from both articles)."""
    g = Graph()
    src = article(g, "rt-001", "Putin visits Hmeimim air base")
    later = article(g, "tass-7", "Putin orders partial pullout", NEXT_DAY)
    putin = entity(g, "putin", KG.Person, "Vladimir Putin", "President Putin", "Vladimir Vladimirovich")
    assad = entity(g, "assad", KG.Person, "Bashar al-Assad", "Assad")
    base = entity(g, "hmeimim", KG.MilitaryBase, "Hmeimim air base", "Khmeimim")
    latakia = entity(g, "latakia", KG.Region, "Latakia")
    syria = entity(g, "syria", KG.Country, "Syria")
    entity(g, "mod", KG.Organization, "Russian Defence Ministry")
    president = R["position/president-of-russia"]
    g.add((president, RDF.type, KG.Position))
    g.add((president, RDFS.label, Literal("President of Russia")))
    g.add((putin, KG.holdsPosition, president))
    g.add((base, KG.locatedIn, latakia))
    g.add((latakia, KG.locatedIn, syria))
    first = visit(g, "1", putin, base, src, "Putin flew to the Hmeimim air base.")
    g.add((first, KG.date, Literal(DAY)))
    visit(g, "2", putin, base, later, "At Hmeimim, Putin ordered a partial pullout.")
    g.add((putin, KG.met, assad))
    meeting = R["meeting/1"]
    g.add((meeting, RDF.type, KG.Meeting))
    g.add((meeting, KG.participant, putin))
    g.add((meeting, KG.participant, assad))
    g.add((meeting, PROV.wasDerivedFrom, src))
    g.add((meeting, KG.sentence, Literal("There he met Bashar al-Assad.")))
    q = quote(g, "1", putin, "The task of fighting armed bandits here has been accomplished", src)
    g.add((q, PROV.wasDerivedFrom, later))
    for e in (putin, assad, base):
        g.add((src, KG.mentions, e))
    g.add((later, KG.mentions, putin))
    g.add((later, KG.mentions, base))
    return g


def hostile_graph() -> Graph:
    g = sample_graph()
    evil = entity(g, "evil", KG.Person, "Evil " + HOSTILE, "Mallory")
    quote(g, "evil", evil, HOSTILE, article(g, "x-1", HOSTILE))
    g.add((evil, KG.met, R.putin))
    planned(g, "evil", KG.PlannedVisit, HOSTILE, R["article/x-1"], HOSTILE, agent=[evil], place=[R.syria])
    return g


ENTITIES = sorted(str(R[n]) for n in ("putin", "assad", "hmeimim", "latakia", "syria", "mod"))
SAMPLE_LABELS = ["Vladimir Putin", "Bashar al-Assad", "Hmeimim air base", "Latakia", "Syria",
                 "Russian Defence Ministry", "President of Russia"]


def embedded(page: str) -> dict:
    """The graph data a page embeds."""
    blocks = DATA_BLOCK.findall(page)
    assert len(blocks) == 1
    return json.loads(blocks[0])


# ---------------------------------------------------------------- the page file


def test_page_is_self_contained_and_embeds_the_graph_once(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # pyvis must not write lib/ or temporary files here
    path = tmp_path / "out" / "graph.html"
    write_html(sample_graph(), path, title="Syria <visits>")
    page = path.read_text(encoding="utf-8")
    assert not EXTERNAL.search(page), EXTERNAL.search(page)
    assert "vis.Network" in page  # vis-network is inlined, not linked
    assert 'id="kg-legend"' in page
    assert "<title>Syria &lt;visits&gt;</title>" in page
    for label in SAMPLE_LABELS:
        assert page.count(json.dumps(label, ensure_ascii=False)) == 1, label  # once, in the data
    data = embedded(page)
    assert [c[0] for c in data["classes"]] == [
        "Person", "Organization", "Country", "Region", "Military base", "Position", "Quote"]
    assert "nodes = new vis.DataSet([]);" in page  # pyvis draws no node of its own
    assert '"physics": {"enabled": false}' in page
    assert sorted(tmp_path.rglob("*")) == [path.parent, path]


def test_one_edge_per_pair_with_its_facts_sentences_and_dates():
    data = page_data(sample_graph())
    keys = [n[0] for n in data["nodes"]]
    visited = data["relations"].index(["visited", "visited by", 1])
    met = data["relations"].index(["met", "met", 0])
    edge = next(e for e in data["edges"] if e[2] == visited)
    assert (keys[edge[0]], keys[edge[1]]) == ("putin", "hmeimim")
    facts = [data["facts"][f] for f in edge[3]]  # the two articles' visits, on one edge
    assert sorted(data["sentences"][f[1]] for f in facts) == [
        "At Hmeimim, Putin ordered a partial pullout.", "Putin flew to the Hmeimim air base."]
    assert sorted(data["dates"][f[2]] for f in facts) == ["2017-12-11", "2017-12-12"]  # own date, else the article's
    assert sorted(data["articles"][a][0] for f in facts for a in f[0]) == ["rt-001", "tass-7"]
    assert sum(1 for e in data["edges"] if e[2] == met) == 1
    assert data["articles"][0] == ["rt-001", "Putin visits Hmeimim air base", "2017-12-11", ""]


def test_quotes_belong_to_their_speaker_not_to_the_graph():
    data = page_data(sample_graph())
    keys = [n[0] for n in data["nodes"]]
    [(speaker, text, fact, x, y)] = data["quotes"]
    assert keys[speaker] == "putin" and text.startswith("The task of fighting")
    assert sorted(data["articles"][a][0] for a in data["facts"][fact][0]) == ["rt-001", "tass-7"]
    assert "quote/1" not in keys  # not a node: the page may draw it, small graphs only
    assert data["quoteNodes"] is True and isinstance(x, int) and isinstance(y, int)


def test_planned_visits_and_meetings_are_listed_for_both_sides_and_never_edges():
    g = sample_graph()
    cairo = entity(g, "cairo", KG.City, "Cairo")
    src = R["article/rt-001"]
    planned(g, "v", KG.PlannedVisit, "planned", src, "Putin will go on to Cairo.", agent=[R.putin], place=[cairo])
    planned(g, "m", KG.PlannedMeeting, "cancelled", src, "A second meeting with Assad was called off.",
            participant=[R.putin, R.assad])
    data = page_data(g)
    keys = [n[0] for n in data["nodes"]]
    assert data["plannedKinds"] == ["Planned visit", "Planned meeting"]
    listed = sorted((data["plannedKinds"][kind], keys[a], keys[b], status, data["sentences"][data["facts"][f][1]],
                     data["dates"][data["facts"][f][2]]) for kind, a, b, status, f in data["planned"])
    assert listed == [
        ("Planned meeting", "assad", "putin", "cancelled", "A second meeting with Assad was called off.", "2017-12-11"),
        ("Planned visit", "putin", "cairo", "planned", "Putin will go on to Cairo.", "2017-12-11")]  # the article's date
    pairs = {frozenset((keys[e[0]], keys[e[1]])): e for e in data["edges"]}
    assert frozenset(("putin", "cairo")) not in pairs  # no visit edge for a visit that did not happen
    met = pairs[frozenset(("putin", "assad"))]  # the meeting that happened is an edge, with its one fact only
    assert [data["sentences"][data["facts"][f][1]] for f in met[3]] == ["There he met Bashar al-Assad."]


def large_graph(people: int = 160) -> Graph:
    """2 * people + 40 nodes: people, each with a quote, visiting some of 40 cities."""
    g = Graph()
    src = article(g, "big")
    places = [entity(g, f"place{i}", KG.City, f"City {i}") for i in range(40)]
    for i in range(people):
        p = entity(g, f"p{i}", KG.Person, f"Person {i}", f"P{i}")
        g.add((p, KG.visited, places[i % 40]))
        g.add((p, KG.visited, places[(i * 7) % 40]))
        quote(g, f"q{i}", p, f"Words number {i}", src)
    return g


def test_overview_takes_the_most_important_and_every_node_has_a_position():
    g = large_graph()
    for i in range(30):  # City 0 is visited by 30 more people than any other
        g.add((entity(g, f"fan{i}", KG.Person, f"Fan {i}"), KG.visited, R.place0))
    data = page_data(g, overview=25)
    assert data["nodes"][0][1] == "City 0"  # most important first (PageRank)
    assert len(data["overview"]) == 25 and 0 in data["overview"]
    assert all(isinstance(n[4], int) and isinstance(n[5], int) for n in data["nodes"])
    assert len({(n[4], n[5]) for n in data["nodes"]}) == len(data["nodes"])  # no two on one spot
    assert data["quoteNodes"] is True  # 160 quotes
    assert page_data(g, overview=25) == data
    many = page_data(large_graph(QUOTE_NODES + 1))
    assert many["quoteNodes"] is False and many["said"] == -1 and len(many["quotes"][0]) == 3  # no positions


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 30).flatmap(lambda n: st.tuples(st.just(n), st.dictionaries(
    st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), st.integers(1, 5), max_size=60))))
def test_page_rank_is_networkx_pagerank_to_the_last_bit(graph):
    """The page ranks nodes without a networkx graph (its memory, on a corpus); the numbers
    must still be networkx's own, so node order and sizes do not move."""
    size, weighted = graph
    edges = {}
    for (u, v), w in weighted.items():  # an undirected graph: one weight per pair, loops included
        edges[min(u, v), max(u, v)] = w
    g = nx.Graph()
    g.add_nodes_from(range(size))
    g.add_weighted_edges_from((u, v, w) for (u, v), w in edges.items())
    rows, cols = np.array([u for u, _ in edges], dtype=np.int64), np.array([v for _, v in edges], dtype=np.int64)
    ours = pagerank(size, rows, cols, np.array(list(edges.values()), dtype=float))
    assert dict(enumerate(map(float, ours))) == nx.pagerank(g, weight="weight")


def test_overview_prefers_nodes_in_a_relation_and_brings_a_neighbour():
    g = Graph()
    src = article(g, "a")
    for i in range(5):  # much mentioned, but in no relation
        g.add((src, KG.mentions, entity(g, f"loner{i}", KG.Organization, f"Loner {i}")))
    putin = entity(g, "putin", KG.Person, "Vladimir Putin")
    president = R["position/president"]
    g.add((president, RDF.type, KG.Position))
    g.add((putin, KG.holdsPosition, president))
    data = page_data(g, overview=3)
    # Putin first, as the one in a relation, with his office, so the overview shows how he connects
    assert sorted(data["nodes"][i][0] for i in data["overview"]) == ["loner0", "position/president", "putin"]


def test_same_graph_gives_identical_bytes(tmp_path):
    write_html(sample_graph(), tmp_path / "a.html")
    write_html(sample_graph(), tmp_path / "b.html")
    assert (tmp_path / "a.html").read_bytes() == (tmp_path / "b.html").read_bytes()


@pytest.mark.slow  # a whole process or two: make test runs it
def test_same_graph_gives_identical_bytes_across_processes(tmp_path):
    """String hashing, hence set and dict order in rdflib, changes with PYTHONHASHSEED."""
    g = large_graph(60)
    g += sample_graph()
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
    data = embedded(pages.pop().decode())
    met = [r[0] for r in data["relations"]].index("met")
    assert sum(1 for e in data["edges"] if e[2] == met) == 1


def test_hostile_text_is_json_escaped_in_the_page(tmp_path):
    write_html(hostile_graph(), tmp_path / "graph.html")
    page = (tmp_path / "graph.html").read_text(encoding="utf-8")
    assert "window.__pwned" in page  # the text is there, but only in escaped form
    assert "<script>window.__pwned" not in page
    assert "<img src=x" not in page
    assert "\\u003c/script\\u003e" in page
    assert not re.search(r"innerHTML", page.split('id="kg-data"')[1])  # the explorer never parses HTML
    assert HOSTILE in {text for _, text, _, _, _ in embedded(page)["quotes"]}  # and the data holds it intact


def test_page_nodes_default_agrees_between_cli_and_exporter():
    from kg.cli import PAGE_NODES as CLI_DEFAULT
    from kg.export import PAGE_NODES

    assert CLI_DEFAULT == PAGE_NODES


def test_kg_build_page_nodes_caps_the_overview(tmp_path):
    from typer.testing import CliRunner

    from kg.cli import app

    from .conftest import DATA

    result = CliRunner().invoke(app, ["build", str(DATA), "--out", str(tmp_path), "--page-nodes", "3", "-q"])
    assert result.exit_code == 0, result.output
    data = embedded((tmp_path / "graph.html").read_text(encoding="utf-8"))
    assert len(data["overview"]) == 3 and len(data["nodes"]) > 3


def test_every_command_that_writes_the_page_takes_page_nodes(tmp_path):
    """kg build --store S --out O exports a store; kg remove S ID --out O writes what is left."""
    from typer.testing import CliRunner

    from kg.cli import app

    from .conftest import DATA

    store = tmp_path / "store"

    def run(*args: str) -> None:
        result = CliRunner().invoke(app, [*args, "-q"] if args[0] == "build" else list(args))
        assert result.exit_code == 0, result.output

    def overview(out: str) -> tuple[int, int]:
        data = embedded((tmp_path / out / "graph.html").read_text(encoding="utf-8"))
        return len(data["overview"]), len(data["nodes"])

    run("build", str(DATA), "--store", str(store), "--no-html")
    run("build", "--store", str(store), "--out", str(tmp_path / "default"))
    run("build", "--store", str(store), "--out", str(tmp_path / "three"), "--page-nodes", "3")
    run("remove", str(store), "7cb87406dcfc08d4", "--out", str(tmp_path / "two"), "--page-nodes", "2")
    everything, nodes = overview("default")
    assert everything > 3  # positive control: without the option the overview is larger
    assert overview("three") == (3, nodes)
    two, left = overview("two")
    assert two == 2 and 2 < left < nodes  # the page of what the remaining article states
    assert CliRunner().invoke(app, ["remove", str(store), "x", "--page-nodes", "0"]).exit_code == 2


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
    """Open a written page with the network blocked; yields (page, events) once the graph is drawn."""
    pages = []

    def open_(path: Path, *, bypass_csp: bool = False):
        page = browser.new_page(viewport={"width": 1280, "height": 800}, bypass_csp=bypass_csp)
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


def search(page, text: str) -> None:
    page.fill("#kg-search", text)
    page.press("#kg-search", "Enter")


def shown(page) -> list[str]:
    return page.evaluate("nodes.getIds().sort()")


def edge_labels(page) -> list[str]:
    return page.evaluate("edges.get().map(e => e.label).sort()")


def panel(page) -> str:
    return page.inner_text("#kg-panel")


def untick(page, fieldset: str, label: str) -> None:
    page.locator(f"{fieldset} label", has_text=label).locator("input").uncheck()


def test_overview_draws_offline_without_physics(tmp_path, open_page):
    path = tmp_path / "graph.html"
    write_html(sample_graph(), path)
    page, events = open_page(path)
    assert shown(page) == ENTITIES  # people, organizations and places; the office one click away
    assert edge_labels(page) == ["located in", "located in", "met", "visited ×2"]  # one edge per pair
    assert page.evaluate("edges.get('kg-edge-' + 0) !== null")
    assert page.evaluate("network.physics.options.enabled") is False
    assert page.locator("#kg-legend").is_visible()
    assert page.inner_text("#kg-trail") == "Overview"
    expected = "Person\nVladimir Putin\nalso: President Putin, Vladimir Vladimirovich\nin 2 articles"
    assert hover(page, str(R.putin)) == expected
    assert events == {"dialogs": [], "errors": [], "remote": []}


def test_search_suggests_selects_and_shows_the_neighbourhood(tmp_path, open_page):
    path = tmp_path / "graph.html"
    write_html(sample_graph(), path)
    page, events = open_page(path)
    page.fill("#kg-search", "vlad")
    suggestions = page.locator("#kg-suggestions li")
    assert suggestions.count() == 1 and suggestions.first.inner_text().startswith("Vladimir Putin")
    search(page, "vladimir vladimirovich")  # an alt label, any case
    assert page.evaluate("network.getSelectedNodes()") == [str(R.putin)]
    # his neighbourhood: whom he met, where he went, his office; not the rest
    assert shown(page) == sorted([str(R.putin), str(R.assad), str(R.hmeimim), str(R["position/president-of-russia"])])
    assert page.inner_text("#kg-trail").split() == ["←", "Back", "Overview", "›", "Vladimir", "Putin"]
    search(page, "khmeim")  # part of an alt label
    assert page.evaluate("network.getSelectedNodes()") == [str(R.hmeimim)]
    search(page, "nobody at all")
    assert page.text_content("#kg-search-status") == "no match"
    page.click("#kg-trail .kg-back")
    assert page.evaluate("network.getSelectedNodes()") == [str(R.putin)]
    page.click("#kg-trail button:text-is('Overview')")
    assert shown(page) == ENTITIES
    assert events == {"dialogs": [], "errors": [], "remote": []}


def test_search_ranks_the_more_important_namesake_first(tmp_path, open_page):
    g = sample_graph()
    dan = entity(g, "dan-brown", KG.Person, "Dan Brown", "Brown")
    gordon = entity(g, "gordon-brown", KG.Person, "Gordon Brown", "Brown")
    for i in range(3):  # Gordon Brown met three people, Dan Brown no one
        g.add((gordon, KG.met, entity(g, f"minister{i}", KG.Person, f"Minister {i}")))
    g.add((article(g, "b"), KG.mentions, dan))
    path = tmp_path / "graph.html"
    write_html(g, path)
    page, _ = open_page(path)
    page.fill("#kg-search", "brown")
    names = page.evaluate("[...document.querySelectorAll('#kg-suggestions li small')].map(s => s.textContent)")
    assert names == ["Gordon Brown", "Person", "Dan Brown", "Person"]  # both written "Brown"
    page.press("#kg-search", "Enter")
    assert page.evaluate("network.getSelectedNodes()") == [str(gordon)]


def test_the_panel_shows_names_relations_facts_and_quotes_with_their_articles(tmp_path, open_page):
    path = tmp_path / "graph.html"
    write_html(sample_graph(), path)
    page, events = open_page(path)
    search(page, "Vladimir Putin")
    text = panel(page)
    for expected in ("Vladimir Putin", "Person", "Also written: President Putin, Vladimir Vladimirovich",
                     str(R.putin), "Holds position (1)", "President of Russia",
                     "Visited (1)", "Hmeimim air base", "2 articles", "2017-12-11, 2017-12-12",
                     "Putin flew to the Hmeimim air base.", "At Hmeimim, Putin ordered a partial pullout.",
                     "Met (1)", "Bashar al-Assad", "There he met Bashar al-Assad.",
                     "Quotes (1)", "“The task of fighting armed bandits here has been accomplished”",
                     "Putin visits Hmeimim air base · 2017-12-11 · rt-001",
                     "Putin orders partial pullout · 2017-12-11 · tass-7"):
        assert expected in text, expected
    page.click("#kg-panel .kg-node-link:text-is('Hmeimim air base')")  # on to a neighbour
    assert page.evaluate("network.getSelectedNodes()") == [str(R.hmeimim)]
    assert "Visited by (1)" in panel(page) and "Located in (1)" in panel(page)
    assert events == {"dialogs": [], "errors": [], "remote": []}


def test_expand_and_collapse_a_node(tmp_path, open_page):
    path = tmp_path / "graph.html"
    write_html(sample_graph(), path)
    page, _ = open_page(path)
    position = str(R["position/president-of-russia"])
    page.evaluate("id => network.emit('click', {nodes: [id], edges: []})", str(R.putin))
    page.click("#kg-panel button:text-is('Expand')")
    assert position in shown(page) and len(shown(page)) == len(ENTITIES) + 1
    page.click("#kg-panel button:text-is('Collapse')")
    assert shown(page) == ENTITIES


def test_filters_by_class_relation_and_article(tmp_path, open_page):
    path = tmp_path / "graph.html"
    write_html(sample_graph(), path)
    page, events = open_page(path)
    for place in ("Country", "Region", "Military base", "Organization"):
        untick(page, "#kg-legend", place)
    assert shown(page) == sorted([str(R.putin), str(R.assad)])  # people only: no place left
    assert edge_labels(page) == ["met"]
    untick(page, "#kg-relations", "met")
    assert edge_labels(page) == []
    page.locator("#kg-relations label", has_text="met").locator("input").check()
    page.fill("#kg-article", "pullout")
    page.press("#kg-article", "Enter")  # only what tass-7 states: the visit and the quote
    assert shown(page) == [str(R.putin)]  # (Hmeimim is a place: still filtered out)
    page.locator("#kg-legend label", has_text="Military base").locator("input").check()
    assert shown(page) == sorted([str(R.putin), str(R.hmeimim)])
    assert edge_labels(page) == ["visited"]
    assert page.inner_text("#kg-trail") == "Overview of one article"
    page.click("#kg-article-clear")
    assert edge_labels(page) == ["met", "visited ×2"]
    assert events == {"dialogs": [], "errors": [], "remote": []}


def test_the_date_slider_hides_facts_outside_the_range(tmp_path, open_page):
    path = tmp_path / "graph.html"
    write_html(sample_graph(), path)
    page, events = open_page(path)
    assert page.inner_text("#kg-date-range") == "2017-12-11 – 2017-12-12"
    page.focus("#kg-date-from")
    page.keyboard.press("ArrowRight")  # from the second day on
    assert page.inner_text("#kg-date-range") == "2017-12-12 – 2017-12-12"
    assert edge_labels(page) == ["located in", "located in", "visited"]  # the meeting was on the 11th
    assert str(R.assad) not in shown(page)
    search(page, "Vladimir Putin")
    text = panel(page)
    assert "At Hmeimim, Putin ordered a partial pullout." in text
    assert "Putin flew to the Hmeimim air base." not in text
    assert "Met (" not in text and "Quotes (" not in text
    assert "Met: 1 more outside the filters" in text and "Quotes: 1 more outside the filters" in text
    page.click("#kg-undated")  # the locatedIn triples have no fact, hence no date
    page.click("#kg-trail button:text-is('Overview')")
    assert edge_labels(page) == ["visited"]
    page.focus("#kg-date-from")
    page.keyboard.press("ArrowLeft")
    page.click("#kg-undated")
    assert edge_labels(page) == ["located in", "located in", "met", "visited ×2"]
    assert events == {"dialogs": [], "errors": [], "remote": []}


def test_quotes_can_be_drawn_as_nodes_in_a_small_graph(tmp_path, open_page):
    path = tmp_path / "graph.html"
    write_html(sample_graph(), path)
    page, events = open_page(path)
    assert page.locator("#kg-quote-toggle").is_visible()
    quote_class = page.locator("#kg-legend label", has_text="Quote").locator("input")
    said = page.locator("#kg-relations label", has_text="said").locator("input")
    assert quote_class.is_disabled() and said.is_disabled()  # they filter nothing until quotes are drawn
    page.check("#kg-quotes")
    assert quote_class.is_enabled() and said.is_enabled()
    assert shown(page) == sorted(ENTITIES + ["kg-quote-0"])
    quote_class.uncheck()
    assert shown(page) == ENTITIES
    quote_class.check()
    assert hover(page, "kg-quote-0").endswith(
        "— Vladimir Putin\n2017-12-11\nsource: Putin visits Hmeimim air base (rt-001)\n"
        "source: Putin orders partial pullout (tass-7)")
    page.click("#kg-quotes")
    assert shown(page) == ENTITIES
    assert events == {"dialogs": [], "errors": [], "remote": []}


def label_pixels(page) -> list[float]:
    """The font size on screen of each drawn node label, largest first."""
    return page.evaluate("""nodes.getIds().map(id => network.body.nodes[id].labelModule.fontOptions.size
                            * network.getScale()).sort((a, b) => b - a)""")


def test_labels_stay_readable_zoomed_in_and_grow_zoomed_out(tmp_path, open_page):
    """A small graph fits at full scale, where the overview's largest label (44 px for the
    most important node) buried its neighbours: on screen no label passes 22 px."""
    path = tmp_path / "graph.html"
    write_html(large_graph(8), path)
    page, events = open_page(path)
    scale = page.evaluate("network.getScale()")
    assert scale >= 1
    sizes = label_pixels(page)
    assert sizes[0] <= 22 + scale / 2 and sizes[0] > sizes[-1]  # capped (in whole canvas pixels); importance shows
    box = page.locator("#mynetwork").bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    for _ in range(12):  # zoom out with the wheel, as a reader does
        page.mouse.wheel(0, 400)
        page.wait_for_timeout(30)
    assert page.evaluate("network.getScale()") < 0.3
    page.wait_for_timeout(100)
    canvas = page.evaluate("network.body.nodes[nodes.getIds()[0]].labelModule.fontOptions.size")
    assert canvas == 44  # positive control: from afar the important labels are large again
    assert events == {"dialogs": [], "errors": [], "remote": []}


@pytest.fixture(scope="module")
def planned_page(tmp_path_factory):
    """The page of two tiny articles built with the real model: a planned and a cancelled
    visit of Angela Merkel's, and a visit of Emmanuel Macron's that happened."""
    from kg.pipeline import build

    tmp = tmp_path_factory.mktemp("planned")
    records = [
        {"id": "plan-1", "title": "Merkel to visit Paris", "date": "2019-03-06",
         "text": "Angela Merkel is due to visit Paris next week. Emmanuel Macron visited Berlin on Tuesday."},
        {"id": "plan-2", "title": "Merkel calls off Rome trip", "date": "2019-03-07",
         "text": "Angela Merkel cancelled her visit to Rome."},
    ]
    (tmp / "a.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return Path(build([tmp / "a.jsonl"], tmp / "out", formats=("html",)).outputs["html"])


def test_planned_and_cancelled_visits_are_in_the_panel_not_on_the_graph(planned_page, open_page):
    page, events = open_page(planned_page)
    merkel = "https://w3id.org/kg/resource/person/angela-merkel"
    ids = page.evaluate("Object.fromEntries(nodes.get().map(n => [n.label, n.id]))")
    assert {"Angela Merkel", "Paris", "Rome", "Emmanuel Macron", "Berlin"} <= ids.keys()
    assert edge_labels(page) == ["visited"]  # Macron's, and no edge of Merkel's
    assert page.evaluate("id => edges.get().filter(e => e.from === id || e.to === id).length", merkel) == 0
    search(page, "Merkel")
    assert shown(page) == [merkel]  # a planned visit brings no neighbour into the focus either
    text = panel(page)
    assert "Planned visit (2)" in text and "Visited (" not in text
    assert "Angela Merkel is due to visit Paris next week." in text and "Merkel to visit Paris · 2019-03-06 · plan-1" in text
    assert "Angela Merkel cancelled her visit to Rome." in text
    marks = page.evaluate("""[...document.querySelectorAll('#kg-panel .kg-planned')].map(li =>
        [li.querySelector('.kg-node-link').textContent, li.querySelector('.kg-status').textContent])""")
    assert sorted(marks) == [["Paris", "planned"], ["Rome", "cancelled"]]
    page.focus("#kg-date-to")
    page.keyboard.press("ArrowLeft")  # up to the 6th: the cancellation of the 7th goes
    assert page.evaluate("[...document.querySelectorAll('#kg-panel .kg-planned .kg-node-link')]"
                         ".map(b => b.textContent)") == ["Paris"]
    assert "Planned visit: 1 more outside the filters" in panel(page)
    page.click("#kg-panel .kg-node-link:text-is('Paris')")  # the place lists it too
    assert page.evaluate("network.getSelectedNodes()") == [ids["Paris"]]
    assert "Planned visit (1)" in panel(page) and "Angela Merkel" in panel(page)
    search(page, "Macron")  # positive control: a visit that happened is a relation and an edge
    assert "Visited (1)" in panel(page) and "Planned visit" not in panel(page)
    assert shown(page) == sorted([ids["Emmanuel Macron"], ids["Berlin"]])
    assert events == {"dialogs": [], "errors": [], "remote": []}


# Without its Content-Security-Policy too: escaping alone must keep the text inert.
@pytest.mark.parametrize("bypass_csp", [False, True], ids=["with-csp", "without-csp"])
def test_hostile_text_stays_text_in_the_browser(tmp_path, open_page, bypass_csp):
    path = tmp_path / "graph.html"
    write_html(hostile_graph(), path)
    page, events = open_page(path, bypass_csp=bypass_csp)
    evil = str(R.evil)
    assert evil in shown(page)
    page.check("#kg-quotes")
    said = [q[1] for q in page_data(hostile_graph())["quotes"]].index(HOSTILE)
    assert HOSTILE in hover(page, f"kg-quote-{said}")
    assert hover(page, evil).startswith("Person\nEvil " + HOSTILE)
    search(page, "mallory")
    assert page.evaluate("network.getSelectedNodes()") == [evil]
    text = panel(page)
    assert f"“{HOSTILE}”" in text and f"{HOSTILE} · 2017-12-11 · x-1" in text
    assert page.evaluate("[...document.querySelectorAll('#kg-panel .kg-planned')].map(li => "
                         "[li.querySelector('.kg-status').textContent, li.querySelector('blockquote').textContent])"
                         ) == [[HOSTILE, HOSTILE]]  # a planned visit's status and sentence, as text
    page.fill("#kg-search", "evil")
    assert "Evil " + HOSTILE in page.inner_text("#kg-suggestions")
    page.fill("#kg-article", "window")
    assert HOSTILE in page.inner_text("#kg-article-suggestions")

    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.evaluate("document.querySelectorAll('body img, body a').length") == 0
    label = page.evaluate("id => nodes.get(id).label", evil)
    assert label == "Evil " + HOSTILE[:55].rsplit(" ", 1)[0] + "…"  # long: cut
    assert events == {"dialogs": [], "errors": [], "remote": []}


def test_large_graph_draws_without_physics(tmp_path, open_page):
    path = tmp_path / "graph.html"
    write_html(large_graph(), path)
    page, events = open_page(path)
    assert len(shown(page)) == 200  # the overview's cap
    assert page.evaluate("network.physics.options.enabled") is False
    assert events == {"dialogs": [], "errors": [], "remote": []}


# ---------------------------------------------------------------- a thousand corpus articles


@pytest.fixture(scope="module")
def corpus_page(corpus_1000):
    return Path(corpus_1000.outputs["html"])


@pytest.mark.slow
def test_a_thousand_corpus_articles_can_be_explored(corpus_page, open_page):
    assert corpus_page.stat().st_size < 3_000_000
    page, events = open_page(corpus_page)
    assert len(shown(page)) == 200
    blair = "https://w3id.org/kg/resource/person/tony-blair"
    assert blair in shown(page)
    page.fill("#kg-search", "tony bl")
    assert page.locator("#kg-suggestions li").first.inner_text().startswith("Tony Blair")
    page.press("#kg-search", "Enter")
    assert page.evaluate("network.getSelectedNodes()") == [blair]
    text = panel(page)
    quotes = int(re.search(r"Quotes \((\d+)\)", text)[1])
    assert quotes >= 10 and text.count("bbc/") >= quotes  # each quote with its article's id
    assert page.locator("#kg-panel .kg-quote").count() == quotes
    page.click("#kg-trail button:text-is('Overview')")
    places = page.evaluate("nodes.get().filter(n => n.color !== '#e15759').length")
    assert places > 0
    for label in page.locator("#kg-legend label").all():
        if not label.inner_text().startswith("Person "):
            label.locator("input").uncheck()
    colours = page.evaluate("[...new Set(nodes.get().map(n => n.color))]")
    assert colours == ["#e15759"]  # Person only
    assert events == {"dialogs": [], "errors": [], "remote": []}


def overview_in_range(data: dict, first: int, last: int, undated: bool) -> tuple[list[str], list[str]]:
    """The node and edge ids the overview should draw with the date slider from
    ``data["dates"][first]`` to ``[last]``: worked out here from the page's data, as the
    explorer's rules say (a fact shows when its date is in the range, or it has none and
    undated facts show; a node when one of its edges or quotes has a fact that shows)."""
    def fact_shown(f):
        day = data["facts"][f][2]
        return undated if day < 0 else first <= day <= last

    def edge_shown(edge):
        return any(map(fact_shown, edge[3])) if edge[3] else undated

    filtered = not undated or first > 0 or last < len(data["dates"]) - 1
    touched = {n for e in data["edges"] if edge_shown(e) for n in e[:2]}
    touched |= {q[0] for q in data["quotes"] if fact_shown(q[2])}
    drawn = {n for n in data["overview"] if not filtered or n in touched}
    node_ids = sorted(data["base"] + data["nodes"][n][0] for n in drawn)
    edge_ids = sorted(f"kg-edge-{i}" for i, e in enumerate(data["edges"])
                      if e[0] in drawn and e[1] in drawn and edge_shown(e))
    return node_ids, edge_ids


def drawn_edges(page) -> list[str]:
    return page.evaluate("edges.getIds().sort()")


def panel_dates(page) -> set[str]:
    """The dates the panel gives its relations' facts."""
    spans = page.evaluate("[...document.querySelectorAll('#kg-panel li > .kg-count')].map(s => s.textContent)")
    return {d for span in spans for d in re.findall(r"\d{4}-\d{2}-\d{2}", span)}


def set_slider(page, slider: str, value: int) -> None:
    """Move a range input as a drag does: its value, then an input event."""
    page.evaluate("([id, v]) => { const s = document.getElementById(id); s.value = String(v);"
                  " s.dispatchEvent(new Event('input', {bubbles: true})); }", [slider, value])


@pytest.mark.slow
def test_the_date_slider_keeps_what_falls_in_the_range_on_a_thousand_articles(corpus_page, open_page):
    """The slice mixes undated BBC stories with dated PolNeAR and ECB+ articles: from the
    spring of 2016 only, the overview keeps the nodes and edges with facts of those months."""
    page, events = open_page(corpus_page)
    data = embedded(corpus_page.read_text(encoding="utf-8"))
    dates = data["dates"]
    first = next(i for i, d in enumerate(dates) if d >= "2016-03-01")
    last = max(i for i, d in enumerate(dates) if d <= "2016-05-31")
    assert 0 < first < last < len(dates) - 1  # a range inside the slider's, not all of it
    assert page.inner_text("#kg-date-range") == f"{dates[0]} – {dates[-1]}"
    everything = overview_in_range(data, 0, len(dates) - 1, True)
    assert (shown(page), drawn_edges(page)) == everything  # positive control: the rule agrees unfiltered

    page.click("#kg-undated")  # BBC's facts have no date: leave them out
    set_slider(page, "kg-date-from", first)
    set_slider(page, "kg-date-to", last)
    assert page.inner_text("#kg-date-range") == f"{dates[first]} – {dates[last]}"
    nodes_in, edges_in = overview_in_range(data, first, last, False)
    assert (shown(page), drawn_edges(page)) == (nodes_in, edges_in)
    assert nodes_in and edges_in  # something is left ...
    assert set(nodes_in) < set(everything[0]) and set(edges_in) < set(everything[1])  # ... and some went
    titles = page.evaluate("edges.get().map(e => e.title)")
    days = {d for t in titles for d in re.findall(r"\d{4}-\d{2}-\d{2}", t)}
    assert days and all(dates[first] <= d <= dates[last] for d in days)  # the tooltips give only those dates

    search(page, "Donald Trump")
    inside = panel_dates(page)
    assert inside and all(dates[first] <= d <= dates[last] for d in inside)
    assert "more outside the filters" in panel(page)
    page.click("#kg-undated")
    set_slider(page, "kg-date-from", 0)
    set_slider(page, "kg-date-to", len(dates) - 1)
    outside = panel_dates(page)  # positive control: unfiltered, his panel has dates out of that range
    assert any(not dates[first] <= d <= dates[last] for d in outside) and inside < outside
    assert events == {"dialogs": [], "errors": [], "remote": []}


# ---------------------------------------------------------------- the README's pictures of it


def test_the_readme_pictures_of_the_page_exist_and_stay_small():
    root = Path(__file__).resolve().parent.parent
    pictures = re.findall(r"!\[[^\]]*\]\((docs/images/[^)]+)\)", (root / "README.md").read_text(encoding="utf-8"))
    assert len(pictures) >= 2  # the sample graph's page and the 1,000 articles'
    for picture in pictures:
        path = root / picture
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", picture
        assert path.stat().st_size < 300_000, picture
