"""The graph page in a real headless browser: offline, searchable, and inert against hostile text."""

from __future__ import annotations

import json
import re
import shutil

import pytest
import rdflib
from rdflib import RDF, RDFS, Graph, Literal, Namespace
from rdflib.namespace import DCTERMS, PROV, SKOS

from kg.export.page import write_html
from kg.vocab import KG

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
R = Namespace("https://w3id.org/kg/resource/")
EVIL = '</script><script>window.__pwned=1</script><img src=x onerror="window.__pwned=1"> """ > \\ &amp;'


def sample_graph(label_suffix: str = "") -> Graph:
    g = Graph()
    putin, base, syria = R["person/vladimir-putin"], R["place/hmeimim-air-base"], R["place/syria"]
    g.add((putin, RDF.type, KG.Person))
    g.add((putin, RDFS.label, Literal("Vladimir Putin" + label_suffix)))
    g.add((putin, SKOS.altLabel, Literal("the Russian president")))
    g.add((base, RDF.type, KG.MilitaryBase))
    g.add((base, RDFS.label, Literal("Hmeimim air base")))
    g.add((base, SKOS.altLabel, Literal("Khmeimim")))
    g.add((syria, RDF.type, KG.Country))
    g.add((syria, RDFS.label, Literal("Syria")))
    g.add((putin, KG.visited, base))
    g.add((base, KG.locatedIn, syria))
    article, quote, visit = R["article/a1"], R["quote/q1"], R["visit/v1"]
    g.add((article, RDF.type, KG.Article))
    g.add((article, DCTERMS.identifier, Literal("a1")))
    g.add((article, DCTERMS.title, Literal("Putin in Syria " + EVIL)))
    g.add((quote, RDF.type, KG.Quote))
    g.add((quote, KG.text, Literal(EVIL)))
    g.add((quote, KG.speaker, putin))
    g.add((quote, PROV.wasDerivedFrom, article))
    g.add((putin, KG.said, quote))
    g.add((visit, RDF.type, KG.Visit))
    g.add((visit, KG.agent, putin))
    g.add((visit, KG.place, base))
    g.add((visit, KG.date, Literal("2017-12-11", datatype=rdflib.XSD.date)))
    g.add((visit, PROV.wasDerivedFrom, article))
    return g


def test_page_has_no_remote_resources(tmp_path):
    page = write_html(sample_graph(), tmp_path / "g.html").read_text()
    assert not re.search(r"""(?:src|href)\s*=\s*["']https?://""", page)
    assert "vis.Network" in page


def test_page_is_byte_stable(tmp_path):
    first = write_html(sample_graph(), tmp_path / "a.html").read_bytes()
    second = write_html(sample_graph(), tmp_path / "b.html").read_bytes()
    assert first == second


def test_hostile_text_cannot_close_the_script(tmp_path):
    page = write_html(sample_graph(EVIL), tmp_path / "g.html").read_text()
    assert "<script>window.__pwned" not in page
    assert "<img src=x" not in page


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    if not shutil.which("chromium") and not shutil.os.path.exists(CHROMIUM):
        pytest.skip("Debian's chromium is not installed (make system-deps)")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )
        yield browser
        browser.close()


def open_page(browser, path):
    page = browser.new_page()
    requests, dialogs = [], []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))

    def route(r):
        if r.request.url.startswith("file:"):
            r.continue_()
        else:
            requests.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.goto(path.as_uri())
    page.wait_for_function("typeof network !== 'undefined' && nodes.length > 0", timeout=20000)
    page.wait_for_function("document.querySelector('#mynetwork canvas') !== null", timeout=20000)
    return page, requests, dialogs


def test_page_renders_offline_with_legend_and_search(browser, tmp_path):
    path = write_html(sample_graph(), tmp_path / "g.html")
    page, requests, _ = open_page(browser, path)
    assert requests == []
    assert page.evaluate("nodes.length") == 4  # 3 entities and 1 quote
    legend = page.inner_text("#kg-legend")
    for kind in ("Person", "MilitaryBase", "Country", "Quote"):
        assert kind in legend
    page.fill("#kg-search", "khmeimim")  # an alternative name finds the base
    assert page.evaluate("network.getSelectedNodes()") == [str(R["place/hmeimim-air-base"])]
    assert "1 found" in page.inner_text("#kg-search-status")
    edge_titles = page.evaluate("edges.get().map(e => e.title)")
    assert any("2017-12-11" in t for t in edge_titles)


def test_hostile_text_runs_nothing_and_survives_as_text(browser, tmp_path):
    path = write_html(sample_graph(EVIL), tmp_path / "g.html")
    page, requests, dialogs = open_page(browser, path)
    # hover every node so that vis-network renders each tooltip
    for position in page.evaluate("Object.values(network.getPositions())"):
        xy = page.evaluate(f"network.canvasToDOM({json.dumps(position)})")
        box = page.locator("#mynetwork").bounding_box()
        page.mouse.move(box["x"] + xy["x"], box["y"] + xy["y"])
        page.wait_for_timeout(250)
    page.fill("#kg-search", "script")
    assert page.evaluate("window.__pwned") is None
    assert dialogs == [] and requests == []
    assert page.evaluate("document.querySelectorAll('img').length") == 0
    quote = page.evaluate(f"nodes.get({json.dumps(str(R['quote/q1']))}).title")
    assert EVIL in quote
    person = page.evaluate(f"nodes.get({json.dumps(str(R['person/vladimir-putin']))}).label")
    assert person == "Vladimir Putin" + EVIL


def test_sample_build_page(browser, sample_build, tmp_path):
    from kg.export import export

    path = export(sample_build.graph, "html", tmp_path)
    page, requests, _ = open_page(browser, path)
    assert requests == []
    labels = page.evaluate("nodes.get().map(n => n.label)")
    assert "Vladimir Putin" in labels and "Hmeimim air base" in labels
    page.screenshot(path=str(tmp_path / "sample.png"))
