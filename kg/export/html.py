"""An interactive, self-contained HTML page of a built graph (pyvis / vis-network).

The page works with no network at all: vis-network is inlined, the CDN links pyvis
still writes are removed, and a Content-Security-Policy allows only the page's own
scripts, so nothing can be fetched and no markup smuggled in by an article can run.
Every string from the graph is untrusted: it reaches the page only as JSON that
escapes ``<``, ``>``, ``&`` and ``'`` (Jinja's ``tojson``), labels are drawn on a
canvas, tooltips are set as text (vis-network 9 uses ``innerText`` for string
titles) and the legend and search code use ``textContent``.

The same graph gives byte-identical pages: nodes and edges are sorted, the browser
layout has a fixed seed, and large graphs are laid out here with a seeded layout.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import re
from collections import defaultdict
from html import escape
from itertools import combinations
from pathlib import Path

import networkx as nx
from pyvis.network import Network
from rdflib import RDF, RDFS, Graph, Literal
from rdflib.namespace import DCTERMS, PROV, SKOS
from rdflib.term import Node

from kg.io import atomic_write
from kg.vocab import KG, ontology

SEED = 42
LARGE = 300  # above this many nodes the layout is computed in Python, physics off
EXCERPT = 40  # characters of a quote shown on its node (the tooltip has all)
NAME = 60  # characters of a name shown on its node

# Fixed colours (Tableau 10), so a class looks the same in every page. A class not
# listed takes the colour of its nearest listed ancestor in the ontology.
COLOURS = {
    KG.Entity: "#bab0ac",
    KG.Person: "#e15759",
    KG.Organization: "#f28e2b",
    KG.Place: "#59a14f",
    KG.Country: "#4e79a7",
    KG.City: "#76b7b2",
    KG.Region: "#edc948",
    KG.MilitaryBase: "#9c755f",
    KG.Position: "#b07aa1",
    KG.Quote: "#ff9da7",
}
RELATIONS = (KG.visited, KG.met, KG.locatedIn, KG.holdsPosition, KG.said)

# Pyvis writes these CDN tags (bootstrap) even with cdn_resources="in_line".
_CDN_TAGS = re.compile(
    r'<link\b[^>]*\bhref\s*=\s*"https?://[^"]*"[^>]*>'
    r'|<script\b[^>]*\bsrc\s*=\s*"https?://[^"]*"[^>]*>\s*</script>'
)
_EXTERNAL = re.compile(r"""\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", re.IGNORECASE)
# pyvis's empty headings and a commented-out link to a local vis.js copy
_LEFTOVERS = re.compile(r"<center>\s*<h1>\s*</h1>\s*</center>|<!--\s*<link\b.*?-->", re.DOTALL)
_SCRIPT = re.compile(r"<script\b[^>]*>(.*?)</script>", re.DOTALL)
_SCRIPT_BODY = re.compile(r"(<script\b[^>]*>).*?(</script>)", re.DOTALL)

_CSS = """
html, body { margin: 0; height: 100%; font-family: system-ui, sans-serif; }
body { display: flex; flex-direction: column; }
#kg-header { display: flex; flex-wrap: wrap; align-items: center; gap: .4rem 1.5rem;
  padding: .5rem 1rem; border-bottom: 1px solid #ddd; background: #fafafa; }
#kg-header h1 { font-size: 1.1rem; margin: 0; }
#kg-search { font: inherit; padding: .2rem .4rem; width: 16rem; }
#kg-search-status { color: #a00; font-size: .85rem; margin-left: .4rem; }
#kg-legend { display: flex; flex-wrap: wrap; gap: .2rem 1rem; margin: 0; padding: 0;
  list-style: none; font-size: .85rem; }
.kg-swatch { display: inline-block; width: .8em; height: .8em; margin-right: .3em;
  border-radius: 50%; border: 1px solid #0003; vertical-align: -.05em; }
.kg-swatch.kg-box { border-radius: 2px; }
body > .card { flex: 1 1 auto; min-height: 0; display: flex; }
body #mynetwork { float: none; flex: 1 1 auto; width: auto; height: auto; border: 0; }
div.vis-tooltip { font-family: inherit; font-size: .85rem; white-space: pre-wrap;
  max-width: 30rem; overflow-wrap: anywhere; }
"""

# Added after pyvis's script, which leaves `network` and `nodes` as globals.
_SCRIPT_JS = """
(function () {
  "use strict";
  // Tooltips travel as `tip`: pyvis switches to a popup that assigns node titles
  // with innerHTML when one contains "href". As a string `title`, vis-network
  // shows them with innerText.
  nodes.update(nodes.get({fields: ["id", "tip"]}).map(function (n) {
    return {id: n.id, title: n.tip};
  }));
  function ready() { window.kgReady = true; }
  if (PHYSICS) {
    // Freeze the layout once settled, so nodes stop drifting while one reads.
    network.once("stabilizationIterationsDone", function () {
      network.setOptions({physics: {enabled: false}});
      ready();
    });
  } else {
    ready();
  }
  var input = document.getElementById("kg-search");
  var status = document.getElementById("kg-search-status");
  var list = document.getElementById("kg-names");
  var names = [];  // [lower-cased name, node id], canonical names and alt labels
  nodes.get({fields: ["id", "names"], order: "id"}).forEach(function (n) {
    (n.names || []).forEach(function (name) {
      names.push([name.toLowerCase(), n.id]);
      var option = document.createElement("option");
      option.value = name;
      list.appendChild(option);
    });
  });
  function find(query) {
    var q = query.trim().toLowerCase(), tests = [
      function (name) { return name === q; },
      function (name) { return name.indexOf(q) === 0; },
      function (name) { return name.indexOf(q) >= 0; }];
    if (!q) { return null; }
    for (var t = 0; t < tests.length; t++) {
      for (var i = 0; i < names.length; i++) {
        if (tests[t](names[i][0])) { return names[i][1]; }
      }
    }
    return null;
  }
  function show(id) {
    network.selectNodes([id]);
    network.focus(id, {scale: 1.3, animation: {duration: 300}});
  }
  document.getElementById("kg-search-form").addEventListener("submit", function (e) {
    e.preventDefault();
    var id = find(input.value);
    status.textContent = id === null ? "no match" : "";
    if (id !== null) { show(id); }
  });
  input.addEventListener("input", function () {  // a name picked from the list
    var q = input.value.trim().toLowerCase();
    status.textContent = "";
    for (var i = 0; i < names.length; i++) {
      if (names[i][0] === q) { show(names[i][1]); return; }
    }
  });
})();
"""


def write_html(graph: Graph, path: Path | str, *, title: str = "kg knowledge graph") -> None:
    """Write an interactive page of ``graph`` to ``path``, viewable offline.

    Args:
        graph: a graph built by kg (entities, positions, quotes, events, articles).
        path: the HTML file to write; written to a temporary file, then renamed.
        title: the page's title and heading (escaped like everything else).

    Example:
        >>> import tempfile
        >>> g = Graph().parse(format="turtle", data='''
        ...     @prefix kg: <https://w3id.org/kg/ontology#> .
        ...     @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        ...     <https://w3id.org/kg/resource/putin> a kg:Person ; rdfs:label "Vladimir Putin" .
        ...     ''')
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     write_html(g, Path(tmp) / "graph.html")
        ...     "Vladimir Putin" in (Path(tmp) / "graph.html").read_text()
        True
    """
    nodes = _nodes(graph)
    edges = sorted((e for e in _edges(graph) if e[0] in nodes and e[1] in nodes),
                   key=lambda e: (e[0], e[1], e[2]["label"]))
    large = len(nodes) > LARGE
    if large:  # physics in the browser is slow for big graphs: place nodes here
        for nid, (x, y) in _layout(sorted(nodes), edges).items():
            nodes[nid].update(x=x, y=y, physics=False)

    net = Network(height="100%", width="100%", directed=True, cdn_resources="in_line")
    for nid in sorted(nodes):
        net.add_node(nid, **nodes[nid])
    for source, target, options in edges:
        net.add_edge(source, target, **options)
    net.options = {  # a dict: pyvis dumps it as is, with no graph text in it
        "layout": {"randomSeed": SEED, "improvedLayout": not large},
        "physics": {
            "enabled": not large,
            "solver": "forceAtlas2Based",
            "forceAtlas2Based": {"springLength": 150, "avoidOverlap": 0.6},
            "stabilization": {"enabled": True, "iterations": 400, "fit": True},
        },
        "interaction": {"hover": True, "tooltipDelay": 150},
        "nodes": {"font": {"size": 14, "face": "system-ui, sans-serif"}},
        "edges": {
            "color": {"color": "#9aa0a6", "highlight": "#333333"},
            "font": {"size": 10, "align": "middle", "color": "#555555"},
            "smooth": {"type": "continuous"},
        },
    }
    page = _finish(net.generate_html(), title, _legend(nodes), physics=not large)
    with atomic_write(path) as handle:
        handle.write(page)


def _nodes(graph: Graph) -> dict[str, dict]:
    """pyvis node options by node id: entities, positions and quotes."""
    onto, nodes = ontology(), {}
    for node in set(graph.subjects(RDF.type, None)):
        types = sorted(t for t in graph.objects(node, RDF.type) if onto.is_a(t, KG.Entity))
        if not types:
            continue
        cls = max(types, key=lambda t: len(onto.superclasses.get(t, ())))  # most specific
        label = _text(graph, node, RDFS.label) or str(node)
        alts = sorted({str(a) for a in graph.objects(node, SKOS.altLabel)} - {label})
        tip = f"{_class_label(cls)}\n{label}" + (f"\nalso: {', '.join(alts)}" if alts else "")
        nodes[str(node)] = dict(label=_short(label, NAME), color=_colour(cls), size=16,
                                tip=tip, names=[label, *alts])
    for position in set(graph.objects(None, KG.holdsPosition)):
        label = _text(graph, position, RDFS.label) or str(position)
        nodes[str(position)] = dict(label=_short(label, NAME), color=COLOURS[KG.Position],
                                    size=7, font={"size": 11, "color": "#555555"},
                                    tip=f"Position\n{label}", names=[label])
    for quote in set(graph.subjects(RDF.type, KG.Quote)):
        text = _text(graph, quote, KG.text)
        speakers = set(graph.objects(quote, KG.speaker)) | set(graph.subjects(KG.said, quote))
        said_by = ", ".join(sorted(_text(graph, p, RDFS.label) or str(p) for p in speakers))
        said_by = said_by or _text(graph, quote, KG.speakerText)  # an unnamed speaker: "a senior official"
        lines = [f"“{text}”", f"— {said_by or 'unknown speaker'}", *_evidence(graph, quote)]
        nodes[str(quote)] = dict(label=f"“{_short(text, EXCERPT)}”", color=COLOURS[KG.Quote],
                                 shape="box", font={"size": 11}, widthConstraint={"maximum": 180},
                                 tip="\n".join(lines), names=[])
    return nodes


def _edges(graph: Graph) -> list[tuple[str, str, dict]]:
    """(source, target, pyvis edge options) for each direct relation, with evidence."""
    facts, edges = _facts(graph), {}
    for prop in RELATIONS:
        name = _text(ontology().graph, prop, RDFS.label) or prop.fragment
        for s, o in graph.subject_objects(prop):
            # kg:met is symmetric: one undirected edge per pair, whichever way it is written
            key = (prop, *sorted((s, o))) if prop == KG.met else (prop, s, o)
            cites = sorted({" — ".join(_evidence(graph, f)) for f in facts.get(key, ())} - {""})
            options = dict(label=name, title="\n".join(f"{name} — {c}" for c in cites) or name)
            if prop == KG.met:
                options["arrows"] = {"to": {"enabled": False}}
            edges[key] = (str(key[1]), str(key[2]), options)
    return list(edges.values())


def _facts(graph: Graph) -> dict[tuple, list[Node]]:
    """Event and statement nodes behind each direct triple, keyed (property, s, o)."""
    facts = defaultdict(list)
    for visit in graph.subjects(RDF.type, KG.Visit):
        for agent in graph.objects(visit, KG.agent):
            for place in graph.objects(visit, KG.place):
                facts[KG.visited, agent, place].append(visit)
    for meeting in graph.subjects(RDF.type, KG.Meeting):
        for pair in combinations(sorted(set(graph.objects(meeting, KG.participant))), 2):
            facts[(KG.met, *pair)].append(meeting)
    for cls, prop in ((KG.Location, KG.locatedIn), (KG.Role, KG.holdsPosition)):
        for fact in graph.subjects(RDF.type, cls):
            for s in graph.objects(fact, KG.subject):
                for o in graph.objects(fact, KG.object):
                    facts[prop, s, o].append(fact)
    return facts


def _evidence(graph: Graph, fact: Node) -> list[str]:
    """Date and source articles of a fact, as short lines ("2017-12-11", "source: …").

    The date is the fact's own, else its (first) article's. Values are sorted, never
    taken with ``graph.value``, whose pick among several changes from run to run."""
    articles = sorted(graph.objects(fact, PROV.wasDerivedFrom))
    date = _text(graph, fact, KG.date) or next(
        (d for a in articles if (d := _text(graph, a, DCTERMS.date))), "")
    lines = [date] if date else []
    for article in articles:
        title = _text(graph, article, DCTERMS.title)
        ident = _text(graph, article, DCTERMS.identifier) or str(article)
        lines.append(f"source: {title} ({ident})" if title else f"source: {ident}")
    return lines


def _layout(ids: list[str], edges: list[tuple[str, str, dict]]) -> dict[str, tuple[int, int]]:
    """Seeded positions in pixels. Leaves (quotes, most positions) are left out of
    the force layout, which is quadratic, and put on a small ring around their node."""
    g = nx.Graph()
    g.add_nodes_from(ids)
    g.add_edges_from((s, t) for s, t, _ in edges)
    hubs = {n: next(iter(g[n])) for n in ids if g.degree(n) == 1}
    leaves = {n: hub for n, hub in hubs.items() if g.degree(hub) > 1}
    core = g.subgraph(n for n in ids if n not in leaves)
    # Each connected part is laid out on its own (the force layout is quadratic, and news
    # graphs fall apart into many small parts), then the parts are packed in rows, largest
    # first. spring_layout needs scipy above 500 nodes, ForceAtlas2 only numpy.
    pos: dict[str, tuple[float, float]] = {}
    parts = sorted(nx.connected_components(core), key=lambda c: (-len(c), min(c)))
    row_width = 40 * math.sqrt(len(g)) * 4
    x = y = row_height = 0.0
    for part in parts:
        radius = 40 * math.sqrt(len(part))
        if len(part) == 1:
            local = {next(iter(part)): (0.0, 0.0)}
        else:
            raw = nx.forceatlas2_layout(core.subgraph(part), seed=SEED, max_iter=100, strong_gravity=True)
            local = nx.rescale_layout_dict(raw, scale=radius)
        if x > 0 and x + 2 * radius > row_width:
            x, y, row_height = 0.0, y + row_height + 80, 0.0
        for node, (px, py) in local.items():
            pos[node] = (x + radius + px, y + radius + py)
        x += 2 * radius + 80
        row_height = max(row_height, 2 * radius)
    ring = defaultdict(list)
    for leaf, hub in sorted(leaves.items()):
        ring[hub].append(leaf)
    for hub, around in ring.items():
        for i, leaf in enumerate(around):
            angle = 2 * math.pi * i / len(around)
            pos[leaf] = (pos[hub][0] + 60 * math.cos(angle), pos[hub][1] + 60 * math.sin(angle))
    return {n: (round(float(x)), round(float(y))) for n, (x, y) in pos.items()}


def _legend(nodes: dict[str, dict]) -> str:
    """The legend as HTML: one entry per colour, with how many nodes have it."""
    counts = defaultdict(int)
    for options in nodes.values():
        counts[options["color"]] += 1  # one colour per class
    items = []
    for cls, colour in COLOURS.items():
        if not counts[colour]:
            continue
        box = " kg-box" if cls == KG.Quote else ""
        items.append(f'<li><span class="kg-swatch{box}" style="background:{colour}"></span>'
                     f"{escape(_class_label(cls))} ({counts[colour]})</li>")
    return '<ul id="kg-legend" aria-label="Legend">' + "".join(items) + "</ul>"


def _finish(html: str, title: str, legend: str, *, physics: bool) -> str:
    """Make pyvis's page self-contained and add the title, legend, search and CSP."""
    html = _LEFTOVERS.sub("", _CDN_TAGS.sub("", html))
    header = (
        f'<div id="kg-header"><h1>{escape(title)}</h1>'
        '<form id="kg-search-form" role="search"><input id="kg-search" type="search" '
        'list="kg-names" placeholder="Find a name…" aria-label="Find a name">'
        '<datalist id="kg-names"></datalist><span id="kg-search-status"></span></form>'
        f"{legend}</div>"
    )
    script = _SCRIPT_JS.replace("PHYSICS", json.dumps(physics))
    head, sep, body = html.partition("<body>")
    body, end, tail = body.rpartition("</body>")
    html = f"{head}{sep}\n{header}{body}<script>{script}</script>\n{end}{tail}"
    # Only these exact scripts may run: no injected script, event handler or fetch.
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'"
        for s in sorted(set(_SCRIPT.findall(html)))
    )
    csp = (f"default-src 'none'; script-src {hashes}; style-src 'unsafe-inline'; "
           "img-src data:; font-src data:")
    meta = (f'<meta charset="utf-8">\n<meta http-equiv="Content-Security-Policy" content="{csp}">'
            f"\n<title>{escape(title)}</title>")
    html = "<!DOCTYPE html>\n" + html.replace('<meta charset="utf-8">', meta, 1)
    html = html.replace("</head>", f"<style>{_CSS}</style>\n</head>", 1)
    markup = _SCRIPT_BODY.sub(r"\1\2", html)  # the graph's data may quote "href=https://…" as text
    if remote := _EXTERNAL.search(markup):  # fail closed if a pyvis update brings new CDN tags
        raise RuntimeError(f"graph page still refers to a remote resource: {remote[0]}")
    return html


def _text(graph: Graph, node: Node, prop: Node) -> str:
    """One literal value of ``prop`` (the smallest, so the choice is stable), or ""."""
    values = sorted(str(v) for v in graph.objects(node, prop) if isinstance(v, Literal))
    return values[0] if values else ""


def _short(text: str, limit: int) -> str:
    """``text`` cut at a word boundary to about ``limit`` characters, for a node label."""
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0] or text[:limit]
    return cut.rstrip(",;:. ") + "…"


def _class_label(cls: Node) -> str:
    return _text(ontology().graph, cls, RDFS.label) or cls.fragment


def _colour(cls: Node) -> str:
    """The colour of ``cls`` or of its most specific ancestor that has one."""
    supers = ontology().superclasses
    listed = [c for c in COLOURS if ontology().is_a(cls, c)]
    return COLOURS[max(listed, key=lambda c: len(supers.get(c, ())), default=KG.Entity)]
