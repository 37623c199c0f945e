"""Exporters, registered by name and imported only when used."""

from __future__ import annotations

from importlib import import_module
from pathlib import Path

from rdflib import Graph

from kg.errors import KGError
from kg.export.rdf import FORMATS

PAGE_NODES = 200  # nodes the graph page opens with, at most (kg build --page-nodes)

# name -> (module, function, file name it writes in the output folder): each RDF format of
# kg.export.rdf (write_<name>, graph<extension>), and the page
EXPORTERS: dict[str, tuple[str, str, str]] = {
    **{name: ("kg.export.rdf", f"write_{name}", f"graph{extension}") for name, (_, extension) in FORMATS.items()},
    "html": ("kg.export.html", "write_html", "graph.html"),
}


def export(graph: Graph, name: str, out_dir: Path | str, **options) -> Path:
    """Write ``graph`` with the named exporter into ``out_dir``; returns the file written.
    ``options`` go to the exporter (``page_nodes`` for ``html``)."""
    try:
        module, function, filename = EXPORTERS[name]
    except KeyError:
        raise KGError(f"unknown export format {name!r}; known: {', '.join(EXPORTERS)}") from None
    path = Path(out_dir) / filename
    getattr(import_module(module), function)(graph, path, **options)
    return path
