"""An interactive, self-contained HTML page of a built graph: an explorer (pyvis / vis-network).

The page opens on an overview of the most important people, organizations and places
(PageRank, :mod:`kg.export.page_data`), sized by importance, their labels shown as one
zooms in. Search with suggestions, a click or the side panel focus on a node and its
neighbours; a node can be expanded and collapsed, and a trail leads back. Filters keep
some classes, relations, a date range or one article. Quotes belong to their speaker's
panel, with their sentence and article; small graphs can also draw them as nodes. Visits
and meetings an article announced, called off or denied are listed, with their status, in
the panels of those involved, and never drawn as an edge.

The whole graph is embedded once, as compact JSON in a data block, with positions
computed here (:mod:`kg.export.layout`), so the browser runs no physics; it draws only
the part in view.

The page works with no network at all: vis-network is inlined, the CDN links pyvis
still writes are removed, and a Content-Security-Policy allows only the page's own
scripts, so nothing can be fetched and no markup smuggled in by an article can run.
Every string from the graph is untrusted: it reaches the page only inside the JSON
data block, with ``<``, ``>`` and ``&`` escaped, and the page's script shows it with
``textContent``, on the canvas, or as a string tooltip (``innerText`` in vis-network 9).

The same graph gives byte-identical pages: everything is sorted and the layout seeded.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Iterator
from html import escape
from importlib import resources
from pathlib import Path
from string import Template

from pyvis.network import Network
from rdflib import Graph

from kg.export import PAGE_NODES
from kg.export.page_data import page_data
from kg.io import atomic_write

SEED = 42

# vis-network options: no physics (positions come from the data), node size by importance
# and labels drawn only once large enough on screen, so zooming in reveals them (the
# explorer sets their sizes, larger in the overview than close up).
OPTIONS = {
    "layout": {"randomSeed": SEED, "improvedLayout": False},
    "physics": {"enabled": False},
    "interaction": {"hover": True, "tooltipDelay": 150, "hideEdgesOnDrag": True, "multiselect": False},
    "nodes": {
        "shape": "dot",
        "font": {"size": 14, "face": "system-ui, sans-serif", "strokeWidth": 3, "strokeColor": "#ffffff"},
        "scaling": {"min": 6, "max": 30,
                    "label": {"enabled": True, "drawThreshold": 7}},
    },
    "edges": {
        "color": {"color": "#9aa0a6", "highlight": "#333333", "hover": "#555555"},
        "font": {"size": 10, "align": "middle", "color": "#555555"},
        "scaling": {"label": {"drawThreshold": 7}},
        "smooth": False,
        "arrows": {"to": {"scaleFactor": 0.5}},
    },
}

# Pyvis writes these CDN tags (bootstrap) even with cdn_resources="in_line".
_CDN_TAGS = re.compile(
    r'<link\b[^>]*\bhref\s*=\s*"https?://[^"]*"[^>]*>'
    r'|<script\b[^>]*\bsrc\s*=\s*"https?://[^"]*"[^>]*>\s*</script>'
)
_EXTERNAL = re.compile(r"""\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", re.IGNORECASE)
# pyvis's empty headings and a commented-out link to a local vis.js copy
_LEFTOVERS = re.compile(r"<center>\s*<h1>\s*</h1>\s*</center>|<!--\s*<link\b.*?-->", re.DOTALL)
_SCRIPT = re.compile(r"<script\b(?![^>]*application/json)[^>]*>(.*?)</script>", re.DOTALL)  # not the data block
_SCRIPT_BODY = re.compile(r"(<script\b[^>]*>).*?(</script>)", re.DOTALL)
_JSON_ESCAPES = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})
_DATA = "\x00kg-data\x00"  # where the data block's JSON goes: its last occurrence (a title comes before it)


def write_html(graph: Graph, path: Path | str, *, title: str = "kg knowledge graph",
               page_nodes: int = PAGE_NODES) -> None:
    """Write an interactive page of ``graph`` to ``path``, viewable offline.

    Args:
        graph: a graph built by kg (entities, positions, quotes, events, articles).
        path: the HTML file to write; written to a temporary file, then renamed.
        title: the page's title and heading (escaped like everything else).
        page_nodes: how many nodes the overview the page opens with shows at most.

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
    chunks = _page(page_data(graph, overview=page_nodes), title)
    with atomic_write(path) as handle:
        handle.writelines(chunks)


def render_page(data: dict, title: str) -> str:
    """The page for ``data`` (from :func:`kg.export.page_data.page_data`): pyvis's page with
    vis-network inlined and no node of its own, the data block, and the explorer."""
    return "".join(_page(data, title))


def _page(data: dict, title: str) -> Iterator[str]:
    """The page in pieces: the data block a list item at a time, so that the page of a
    large graph is not held whole as one string, nor its JSON."""
    net = Network(height="100%", width="100%", directed=True, cdn_resources="in_line")
    net.options = OPTIONS  # a dict: pyvis dumps it as is, with no graph text in it
    before, _, after = _finish(net.generate_html(), title).rpartition(_DATA)
    yield before
    for chunk in _json_chunks(data):
        # Inside a data block only "</script" could end it early: "<" (and ">", "&") are escaped.
        yield chunk.translate(_JSON_ESCAPES)
    yield after


def _json_chunks(data: dict) -> Iterator[str]:
    """``json.dumps(data)`` (compact, non-ASCII kept) in pieces: a key, or an item of a list value.

    >>> "".join(_json_chunks({"a": [1, {"b": "é"}], "c": True})) == json.dumps(
    ...     {"a": [1, {"b": "é"}], "c": True}, ensure_ascii=False, separators=(",", ":"))
    True
    """
    for number, (key, value) in enumerate(data.items()):
        yield ("{" if number == 0 else ",") + _dumps(key) + ":"
        if isinstance(value, list):
            for position, item in enumerate(value):
                yield ("[" if position == 0 else ",") + _dumps(item)
            yield "]" if value else "[]"
        else:
            yield _dumps(value)
    yield "}" if data else "{}"


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _asset(name: str) -> str:
    return resources.files("kg.export").joinpath("page", name).read_text(encoding="utf-8")


def _finish(html: str, title: str) -> str:
    """Make pyvis's page self-contained and add the explorer, its data block (:data:`_DATA`,
    for the data to be written in) and the CSP."""
    html = _LEFTOVERS.sub("", _CDN_TAGS.sub("", html))
    markup = Template(_asset("body.html")).substitute(title=escape(title))
    scripts = (f'<script id="kg-data" type="application/json">{_DATA}</script>\n'
               f"<script>{_asset('explorer.js')}</script>\n")
    head, sep, body = html.partition("<body>")
    body, end, tail = body.rpartition("</body>")
    html = f"{head}{sep}\n{markup}{body}{scripts}{end}{tail}"
    # Only these exact scripts may run: no injected script, event handler or fetch.
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'"
        for s in sorted(set(_SCRIPT.findall(html)))
    )
    csp = (f"default-src 'none'; script-src {hashes}; style-src 'unsafe-inline'; "
           "img-src data:; font-src data:")
    meta = (f'<meta charset="utf-8">\n<meta http-equiv="Content-Security-Policy" content="{csp}">'
            f'\n<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"\n<title>{escape(title)}</title>")
    html = "<!DOCTYPE html>\n" + html.replace('<meta charset="utf-8">', meta, 1)
    html = html.replace("</head>", f"<style>{_asset('explorer.css')}</style>\n</head>", 1)
    markup = _SCRIPT_BODY.sub(r"\1\2", html)  # the graph's data may quote "href=https://…" as text
    if remote := _EXTERNAL.search(markup):  # fail closed if a pyvis update brings new CDN tags
        raise RuntimeError(f"graph page still refers to a remote resource: {remote[0]}")
    return html
