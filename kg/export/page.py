"""The interactive graph page: ``graph.html``, built with pyvis, readable with no network.

pyvis's ``in_line`` mode embeds vis-network but still links Bootstrap from a CDN; those
tags are removed, so the page renders offline. Labels and tooltips come from articles and
are untrusted: node data reaches the page only as JSON escaped by Jinja's ``tojson``
(``<``, ``>``, ``&`` and ``'`` become ``\\u003c``…), vis-network shows string tooltips as
plain text (``innerText``), and the legend and search box written here use
``textContent`` only. Large graphs get positions computed with networkx and physics
off, so the browser does not spend minutes laying them out.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path

from rdflib import RDF, RDFS, Graph, URIRef
from rdflib.namespace import DCTERMS, PROV, SKOS

from kg.io import atomic_write
from kg.vocab import KG, ontology

COLOURS = {  # class -> colour; the most specific class of a node picks its colour
    KG.Person: "#e15759",
    KG.Organization: "#4e79a7",
    KG.Place: "#59a14f",
    KG.Country: "#2f7d6d",
    KG.City: "#8cd17d",
    KG.Region: "#b6992d",
    KG.MilitaryBase: "#f28e2b",
    KG.Position: "#9c755f",
    KG.Quote: "#d4a6c8",
}
ENTITY_CLASSES = (KG.Person, KG.Organization, KG.Place, KG.Country, KG.City, KG.Region, KG.MilitaryBase)
LAYOUT_THRESHOLD = 300  # nodes; above it positions come from networkx and physics is off
EXCERPT = 40


def write_html(graph: Graph, path: Path | str, *, title: str = "kg knowledge graph") -> Path:
    """Write the graph page of a built kg graph to ``path`` (atomically)."""
    nodes, edges = _elements(graph)
    page = _render(nodes, edges, title)
    with atomic_write(path) as handle:
        handle.write(page)
    return Path(path)


# ------------------------------------------------------------ graph -> elements


def _class_of(graph: Graph, node: URIRef) -> URIRef | None:
    onto = ontology()
    classes = [c for c in graph.objects(node, RDF.type) if c in COLOURS]
    # the most specific: the one with the most ancestors
    return max(classes, key=lambda c: (len(onto.superclasses.get(c, ())), str(c)), default=None)


def _label(graph: Graph, node: URIRef) -> str:
    return str(graph.value(node, RDFS.label) or node.rsplit("/", 1)[-1])


def _source(graph: Graph, fact: URIRef) -> str:
    article = graph.value(fact, PROV.wasDerivedFrom)
    if article is None:
        return ""
    title = graph.value(article, DCTERMS.title)
    ident = graph.value(article, DCTERMS.identifier)
    date = graph.value(article, DCTERMS.date)
    text = f"{title} ({ident})" if title else str(ident)
    return text + (f", {date}" if date else "")


def _elements(graph: Graph) -> tuple[list[dict], list[dict]]:
    nodes: dict[str, dict] = {}
    for cls in ENTITY_CLASSES:
        for entity in graph.subjects(RDF.type, cls):
            if str(entity) in nodes:
                continue
            most = _class_of(graph, entity)
            label = _label(graph, entity)
            alts = sorted(str(a) for a in graph.objects(entity, SKOS.altLabel))
            kind = most.rsplit("#", 1)[-1]
            tooltip = f"{kind}: {label}" + (f"\nalso: {', '.join(alts)}" if alts else "")
            nodes[str(entity)] = {"id": str(entity), "label": label, "title": tooltip, "kind": kind,
                                  "color": COLOURS[most], "names": [label, *alts], "shape": "dot", "size": 14}
    for position in graph.subjects(RDF.type, KG.Position):
        label = _label(graph, position)
        nodes[str(position)] = {"id": str(position), "label": label, "title": f"Position: {label}",
                                "kind": "Position", "color": COLOURS[KG.Position], "names": [label],
                                "shape": "box", "size": 10}
    for quote in graph.subjects(RDF.type, KG.Quote):
        text = str(graph.value(quote, KG.text) or "")
        speaker = graph.value(quote, KG.speaker)
        excerpt = text if len(text) <= EXCERPT else text[:EXCERPT].rstrip() + "…"
        date = graph.value(quote, KG.date)
        said_by = _label(graph, speaker) if speaker else str(graph.value(quote, KG.speakerText) or "unattributed")
        tooltip = f"“{text}”\n— {said_by}" + (
            f", {date}" if date else "") + f"\nsource: {_source(graph, quote)}"
        nodes[str(quote)] = {"id": str(quote), "label": f"“{excerpt}”", "title": tooltip, "kind": "Quote",
                             "color": COLOURS[KG.Quote], "names": [text], "shape": "dot", "size": 7}

    edges: dict[tuple[str, str, str], dict] = {}

    def add_edge(source, target, label, detail=None):
        if str(source) not in nodes or str(target) not in nodes:
            return
        key = (str(source), str(target), label)
        edge = edges.setdefault(key, {"from": str(source), "to": str(target), "label": label,
                                      "arrows": "" if label == "met" else "to", "details": set()})
        if detail:
            edge["details"].add(detail)

    events = defaultdict(set)  # (agent, place) or pair -> "date, source" strings
    for visit in graph.subjects(RDF.type, KG.Visit):
        date = graph.value(visit, KG.date)
        events[(graph.value(visit, KG.agent), graph.value(visit, KG.place), "visited")].add(
            f"{date or 'undated'} — {_source(graph, visit)}")
    for meeting in graph.subjects(RDF.type, KG.Meeting):
        date = graph.value(meeting, KG.date)
        people = sorted(graph.objects(meeting, KG.participant))
        for i, a in enumerate(people):
            for b in people[i + 1:]:
                events[(a, b, "met")].add(f"{date or 'undated'} — {_source(graph, meeting)}")
    for s, o in graph.subject_objects(KG.visited):
        for detail in events.get((s, o, "visited"), {None}):
            add_edge(s, o, "visited", detail)
    for s, o in graph.subject_objects(KG.met):
        if str(s) < str(o):
            for detail in events.get((s, o, "met"), {None}):
                add_edge(s, o, "met", detail)
    for s, o in graph.subject_objects(KG.locatedIn):
        add_edge(s, o, "located in")
    for s, o in graph.subject_objects(KG.holdsPosition):
        add_edge(s, o, "holds position")
    for s, o in graph.subject_objects(KG.said):
        add_edge(s, o, "said")

    edge_list = []
    for key in sorted(edges):
        edge = edges[key]
        details = sorted(edge.pop("details"))
        edge["title"] = edge["label"] + ("\n" + "\n".join(details) if details else "")
        edge_list.append(edge)
    return [nodes[k] for k in sorted(nodes)], edge_list


# ------------------------------------------------------------ elements -> page


def _render(nodes: list[dict], edges: list[dict], title: str) -> str:
    from pyvis.network import Network

    net = Network(height="100vh", width="100%", directed=True, cdn_resources="in_line", heading="")
    large = len(nodes) > LAYOUT_THRESHOLD
    positions = _layout(nodes, edges) if large else {}
    for node in nodes:
        extra = {}
        if large:
            x, y = positions[node["id"]]
            extra = {"x": x, "y": y, "physics": False}
        net.add_node(node["id"], **{k: v for k, v in node.items() if k != "id"}, **extra)
    for edge in edges:
        net.add_edge(edge["from"], edge["to"], **{k: v for k, v in edge.items() if k not in ("from", "to")})
    net.set_options(json.dumps({
        "physics": {"enabled": not large, "stabilization": {"iterations": 300},
                    "barnesHut": {"gravitationalConstant": -8000, "springLength": 140}},
        "edges": {"font": {"size": 10, "align": "middle"}, "color": {"inherit": False, "color": "#999999"},
                  "smooth": False},
        "nodes": {"font": {"size": 13}},
        "interaction": {"hover": True, "tooltipDelay": 120},
    }))
    page = net.generate_html(notebook=False)
    page = _strip_remote(page)
    legend = sorted({(n["kind"], n["color"]) for n in nodes})
    chrome = CHROME.replace("__LEGEND__", _script_json(legend)).replace("__TITLE__", _script_json(title))
    page = page.replace("<body>", "<body>\n" + chrome, 1)
    return page.replace("<head>", f"<head>\n<title>{_html_text(title)}</title>", 1)


def _layout(nodes: list[dict], edges: list[dict]) -> dict[str, tuple[float, float]]:
    import networkx as nx

    g = nx.Graph()
    g.add_nodes_from(n["id"] for n in nodes)
    g.add_edges_from((e["from"], e["to"]) for e in edges)
    scale = 60 * len(nodes) ** 0.5
    pos = nx.spring_layout(g, seed=7, iterations=50, scale=scale)
    return {k: (round(float(x), 1), round(float(y), 1)) for k, (x, y) in pos.items()}


_REMOTE = re.compile(r"<(?:link|script)\b[^>]*\b(?:href|src)\s*=\s*[\"']https?://[^>]*>(?:\s*</script>)?", re.I | re.S)


def _strip_remote(page: str) -> str:
    """Remove every tag that would load something from the network (pyvis's Bootstrap links)."""
    return _REMOTE.sub("", page)


def _script_json(value) -> str:
    """JSON safe inside a <script> element."""
    return (json.dumps(value, ensure_ascii=False)
            .replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _html_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


CHROME = """<div id="kg-panel" style="position:fixed;top:10px;left:10px;z-index:10;background:rgba(255,255,255,.93);
  border:1px solid #ccc;border-radius:6px;padding:8px 10px;font:13px system-ui,sans-serif;max-width:260px">
  <div id="kg-title" style="font-weight:600;margin-bottom:6px"></div>
  <input id="kg-search" type="search" placeholder="Search names…" aria-label="Search names"
         style="width:100%;box-sizing:border-box;margin-bottom:4px">
  <div id="kg-search-status" style="color:#666;min-height:1.2em"></div>
  <div id="kg-legend" aria-label="Legend"></div>
</div>
<script>
(function () {
  var LEGEND = __LEGEND__, TITLE = __TITLE__;
  document.getElementById("kg-title").textContent = TITLE;
  var legend = document.getElementById("kg-legend");
  LEGEND.forEach(function (item) {
    var row = document.createElement("div");
    row.className = "kg-legend-item";
    var swatch = document.createElement("span");
    swatch.style.cssText = "display:inline-block;width:11px;height:11px;border-radius:50%;margin-right:6px;background:" + item[1];
    var name = document.createElement("span");
    name.textContent = item[0];
    row.appendChild(swatch); row.appendChild(name); legend.appendChild(row);
  });
  var matches = [], current = -1;
  function search(query) {
    var q = query.trim().toLowerCase(), status = document.getElementById("kg-search-status");
    matches = [];
    if (!q || typeof nodes === "undefined") { status.textContent = ""; return; }
    nodes.forEach(function (n) {
      if ((n.names || [n.label]).some(function (s) { return String(s).toLowerCase().indexOf(q) !== -1; })) matches.push(n.id);
    });
    matches.sort();
    current = -1;
    status.textContent = matches.length ? matches.length + " found (Enter: next)" : "no match";
    next();
  }
  function next() {
    if (!matches.length || typeof network === "undefined") return;
    current = (current + 1) % matches.length;
    network.selectNodes([matches[current]]);
    network.focus(matches[current], {scale: 1.3, animation: {duration: 300}});
  }
  var box = document.getElementById("kg-search");
  box.addEventListener("input", function () { search(box.value); });
  box.addEventListener("keydown", function (e) { if (e.key === "Enter") next(); });
  window.kgSearch = search;
  window.addEventListener("load", function () {
    if (typeof network !== "undefined") {
      network.once("stabilizationIterationsDone", function () { network.setOptions({physics: false}); });
    }
  });
})();
</script>
"""
