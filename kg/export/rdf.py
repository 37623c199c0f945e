"""RDF file exporters: Turtle, N-Triples, RDF/XML, JSON-LD, TriG, N-Quads.

Turtle and N-Triples are written by pyoxigraph, streamed from the store of a built graph
(:class:`kg.streamed.StreamedGraph`) or from an rdflib graph, with the triples sorted by
subject, predicate and object, so the same graph gives byte-identical files. RDF/XML and
JSON-LD are written by rdflib (from the whole graph in memory: for small graphs); TriG and
N-Quads hold one named graph per article (:func:`kg.graph.named_graphs`), sorted too.
Every file is written to a temporary file and renamed into place.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from kg.graph import NODE_KINDS, named_graphs
from kg.io import atomic_write
from kg.lexicon import rows
from kg.streamed import StreamedGraph
from kg.vocab import PREFIXES

FORMATS = {name: (rdflib_format, suffix) for name, rdflib_format, suffix in rows("rdf_formats.tsv")}
STREAMED_FORMATS = ("turtle", "ntriples")  # written by pyoxigraph, streamed (kg.streamed)
NAMED_GRAPH_FORMATS = ("trig", "nquads")  # one named graph per article (kg.graph.named_graphs)


def write_rdf(graph: Graph | StreamedGraph, path: Path | str, fmt: str = "turtle") -> Path:
    """Serialise ``graph`` to ``path`` in one of :data:`FORMATS`."""
    rdflib_format, _ = FORMATS[fmt]
    if fmt in STREAMED_FORMATS:
        if isinstance(graph, Graph):  # the same order and writer as a build's store: the same bytes
            graph = StreamedGraph.copy_of(graph, _prefixes(graph))
        with atomic_write(path, "wb") as handle:
            graph.write(handle, rdflib_format)
        return Path(path)
    if fmt in NAMED_GRAPH_FORMATS:
        data = _dataset(graph, fmt)
    else:
        if isinstance(graph, StreamedGraph):
            graph = graph.rdflib_graph()
        data = graph.serialize(format=rdflib_format, encoding="utf-8")
    with atomic_write(path, "wb") as handle:
        handle.write(data)
    return Path(path)


def _dataset(graph: Graph, fmt: str) -> bytes:
    """TriG or N-Quads of :func:`kg.graph.named_graphs`, in a stable order. rdflib writes the
    graphs of a TriG file in hash order, so pyoxigraph writes it, from quads sorted by graph."""
    nquads = named_graphs(graph).serialize(format="nquads", encoding="utf-8")
    if fmt == "nquads":
        return b"".join(sorted(nquads.splitlines(keepends=True)))
    quads = sorted(ox.parse(nquads, format=ox.RdfFormat.N_QUADS),
                   key=lambda q: (q.graph_name.value, str(q.subject), str(q.predicate), str(q.object)))
    return ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=_prefixes(graph))


def _prefixes(graph: Graph | StreamedGraph) -> dict[str, str]:
    """The prefixes ``graph`` binds that kg uses: the vocabularies and the kinds of node."""
    ours = set(PREFIXES) | set(NODE_KINDS)
    return {prefix: str(namespace) for prefix, namespace in sorted(graph.namespaces()) if prefix in ours}


def write_turtle(graph: Graph, path: Path | str) -> Path:
    return write_rdf(graph, path, "turtle")


def write_ntriples(graph: Graph, path: Path | str) -> Path:
    return write_rdf(graph, path, "ntriples")


def write_jsonld(graph: Graph, path: Path | str) -> Path:
    return write_rdf(graph, path, "jsonld")


def write_rdfxml(graph: Graph, path: Path | str) -> Path:
    return write_rdf(graph, path, "rdfxml")


def write_trig(graph: Graph, path: Path | str) -> Path:
    return write_rdf(graph, path, "trig")


def write_nquads(graph: Graph, path: Path | str) -> Path:
    return write_rdf(graph, path, "nquads")
