"""RDF file exporters: Turtle, N-Triples, RDF/XML, JSON-LD, TriG, N-Quads.

Turtle is written by rdflib, whose serializer sorts subjects and predicates, so the
same graph gives byte-identical files. Every file is written to a temporary file
and renamed into place.
"""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph

from kg.io import atomic_write

FORMATS = {
    "turtle": ("turtle", ".ttl"),
    "ntriples": ("nt", ".nt"),
    "rdfxml": ("xml", ".rdf"),
    "jsonld": ("json-ld", ".jsonld"),
}


def write_rdf(graph: Graph, path: Path | str, fmt: str = "turtle") -> Path:
    """Serialise ``graph`` to ``path`` in one of :data:`FORMATS`."""
    rdflib_format, _ = FORMATS[fmt]
    data = graph.serialize(format=rdflib_format, encoding="utf-8")
    if fmt == "ntriples":  # rdflib writes N-Triples in hash order
        data = b"".join(sorted(data.splitlines(keepends=True)))
    with atomic_write(path, "wb") as handle:
        handle.write(data)
    return Path(path)


def write_turtle(graph: Graph, path: Path | str) -> Path:
    return write_rdf(graph, path, "turtle")


def write_ntriples(graph: Graph, path: Path | str) -> Path:
    return write_rdf(graph, path, "ntriples")


def write_jsonld(graph: Graph, path: Path | str) -> Path:
    return write_rdf(graph, path, "jsonld")


def write_rdfxml(graph: Graph, path: Path | str) -> Path:
    return write_rdf(graph, path, "rdfxml")
