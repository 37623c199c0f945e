"""Assembling, validating and storing the graph part by part: what a streaming build does.

:func:`stream_graph` writes the entities (a few thousand a part) and then the articles (a
few dozen a part) with :class:`kg.graph.GraphBuilder`, each part as a small rdflib graph,
adds it to a :class:`kg.streamed.StreamedGraph` (a pyoxigraph store on disk) and
validates it with pySHACL. No rdflib graph of the whole corpus is ever made.

Most shapes look at one article's nodes only: an article, its facts and their evidence
(``ontology/shapes.ttl``). The ones that span articles are about entities: one label per
entity and position (``kgsh:EntityShape``, ``kgsh:PositionShape``), a person is never a
place, and the class of the entities a fact names (``sh:class`` on ``kg:visited``,
``kg:agent``, ``kg:mentions``...), whose types another part wrote. So a part is validated
together with the whole description (type, labels, links, jurisdiction) of every entity
it names, as the builder makes it from the resolution (:meth:`kg.graph.GraphBuilder.description`;
an article's part states nothing of that kind about an entity); a result found in several
parts counts once (:func:`kg.validate.validate_parts`). The violations are those pySHACL
finds on the whole graph (tested on the sample articles, on corpus slices and on graphs
made to break each shape).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from rdflib import RDF, Graph, URIRef

from kg.articles import Article
from kg.facts import ArticleFacts
from kg.graph import ARTICLE_PART, ENTITY_PART, GraphBuilder, Rejected
from kg.resolution import Resolution
from kg.streamed import StreamedGraph
from kg.validate import Report, Validators, validate_parts
from kg.vocab import DEFAULT_BASE, KG


def stream_graph(
    pairs: Iterable[tuple[Article, ArticleFacts]], resolution: Resolution, *, base: str = DEFAULT_BASE,
    validate: bool = True, directory: Path | str | None = None,
    entity_part: int = ENTITY_PART, article_part: int = ARTICLE_PART, workers: Validators | None = None,
) -> tuple[StreamedGraph, list[Rejected], Report | None]:
    """The graph of resolved facts in a new store (in a temporary folder under ``directory``),
    the facts the ontology rejected, and the SHACL report (None without ``validate``).

    ``pairs`` are consumed once, ``article_part`` articles at a time: a generator keeps
    memory to one part. The same facts give the same graph, however they are split.
    ``workers`` (:func:`kg.validate.validators`): processes that validate the parts while
    this one makes the next (None: this one validates them); the same report either way.
    """
    builder = GraphBuilder(resolution, base)
    graph = StreamedGraph.temporary(builder.namespaces, directory)
    parts = _parts(builder, graph, pairs, entity_part, article_part)
    try:
        if validate:
            report = validate_parts((_described(part, builder) for part in parts), workers)
        else:
            report = None
            for _ in parts:
                pass
    except BaseException:
        parts.close()  # lets go of the store before it goes
        graph.discard()
        raise
    return graph, builder.rejected, report


def _parts(builder: GraphBuilder, graph: StreamedGraph, pairs: Iterable[tuple[Article, ArticleFacts]],
           entity_part: int, article_part: int) -> Iterator[Graph]:
    """Each part once it is in the store: the entities and positions first, so that the
    builder knows their classes (which facts the ontology admits) before the articles come."""
    for part in builder.entity_parts(entity_part):
        graph.add_graph(part)
        yield part
    chunk: list[tuple[Article, ArticleFacts]] = []
    for pair in pairs:
        chunk.append(pair)
        if len(chunk) >= article_part:
            yield _articles(builder, graph, chunk)
            chunk = []
    if chunk:
        yield _articles(builder, graph, chunk)


def _articles(builder: GraphBuilder, graph: StreamedGraph, chunk: Sequence[tuple[Article, ArticleFacts]]) -> Graph:
    builder.graph = part = builder._new_graph()
    for article, facts in chunk:
        builder.add_article(article, facts)
    graph.add_graph(part)
    return part


def _described(part: Graph, builder: GraphBuilder) -> Graph:
    """``part`` with the description of each entity or position it names but does not type
    (then of the places a position's jurisdiction names), as :meth:`GraphBuilder.description`
    makes it (not read back from the store: those reads grew the build's memory with the graph)."""
    typed = set(part.subjects(RDF.type, None))
    todo = sorted({t for s, _, o in part for t in (s, o) if isinstance(t, URIRef) and t not in typed})
    seen = set(todo)
    while todo:
        node = todo.pop()
        for subject, predicate, value in builder.description(node):
            part.add((subject, predicate, value))
            if predicate == KG.jurisdiction and value not in seen and value not in typed:
                seen.add(value)
                todo.append(value)
    return part
