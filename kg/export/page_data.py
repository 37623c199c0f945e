"""What the graph page shows, gathered once from a built graph as compact JSON.

Every node, relation, fact, sentence and article is written once and referred to by
its index elsewhere, so the graph of a thousand articles fits in a page of two or
three megabytes. :func:`page_data` returns a dict of lists:

- ``base``: the IRI prefix node keys are relative to;
- ``classes``: ``[label, colour]`` of each class drawn (quotes last, when offered);
- ``relations``: ``[label, label from the object's side, directed]``, from ``page/relations.tsv``;
- ``articles``: ``[identifier, title, date, url]`` ("" when unknown), sorted by identifier;
- ``dates``: the facts' distinct dates, sorted (the steps of the date slider);
- ``sentences``: the evidence sentences;
- ``facts``: ``[articles, sentence, date]``, the date an index into ``dates`` or -1;
- ``nodes``: ``[key, label, class, size, x, y, alt labels, links, articles]``, the most
  important first (so an index is a rank); ``size`` 1–100, positions in pixels;
- ``edges``: ``[source, target, relation, facts]``, one per related pair and relation;
- ``quotes``: ``[speaker, text, fact]``, plus ``x, y`` when ``quoteNodes`` is true;
- ``plannedKinds``: the labels of the classes of visits and meetings that are no facts
  (announced, called off or denied: ``kg:PlannedVisit``, ``kg:PlannedMeeting``);
- ``planned``: ``[kind, node, other node, status, fact]`` of each, for both nodes' panels
  (a visit's person and place, a meeting's two people); never drawn as an edge;
- ``overview``: the nodes the page opens with; ``quoteNodes``: whether the page offers
  to draw quotes as nodes (graphs with at most :data:`QUOTE_NODES` quotes), and ``said``
  the index of the relation their edges are drawn with (-1 when not offered).

A node's date for a fact is the fact's own ``kg:date``, else its article's. Quotes
whose speaker the text did not name belong to no node and are left out.
"""

from __future__ import annotations

import os
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from itertools import chain, combinations

import networkx as nx
from rdflib import OWL, RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, SKOS
from rdflib.term import Node

from kg.export import PAGE_NODES
from kg.export.layout import layout
from kg.vocab import KG, SCHEMA, ontology

QUOTE_NODES = 300  # up to this many quotes, the page can also draw them as nodes

# Fixed colours (Tableau 10), so a class looks the same in every page. A class not
# listed takes the colour of its nearest listed ancestor in the ontology.
COLOURS = {
    KG.Person: "#e15759",
    KG.Organization: "#f28e2b",
    KG.Place: "#59a14f",
    KG.Country: "#4e79a7",
    KG.City: "#76b7b2",
    KG.Region: "#edc948",
    KG.MilitaryBase: "#9c755f",
    KG.Position: "#b07aa1",
    KG.Entity: "#bab0ac",
    KG.Quote: "#ff9da7",
}
OVERVIEW_CLASSES = (KG.Person, KG.Organization, KG.Place)  # positions and quotes are one click away
PLANNED = [KG.PlannedVisit, KG.PlannedMeeting]  # events that are no facts, listed in the panels only


@dataclass
class _Node:
    iri: str
    label: str
    cls: URIRef
    alts: list[str]
    links: list[str]
    articles: list[int] = field(default_factory=list)


@cache
def relations() -> tuple[tuple[URIRef, str, bool], ...]:
    """``(property, inverse label, directed)`` of each relation drawn, from ``page/relations.tsv``."""
    rows = []
    text = resources.files("kg.export").joinpath("page/relations.tsv").read_text(encoding="utf-8")
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        try:
            name, inverse, arrow = line.split("\t")
        except ValueError:
            raise ValueError(f"page/relations.tsv:{number}: expected 3 tab-separated columns, got {line!r}") from None
        if arrow not in ("yes", "no"):
            raise ValueError(f"page/relations.tsv:{number}: the arrow column is yes or no, not {arrow!r}")
        rows.append((getattr(KG, name), inverse, arrow == "yes"))  # a term the ontology lacks fails here
    return tuple(rows)


def page_data(graph: Graph, *, overview: int = PAGE_NODES) -> dict:
    """The page's data for ``graph``, with the ``overview`` most important people,
    organizations and places to open with.

    >>> g = Graph().parse(format="turtle", data='''
    ...     @prefix kg: <https://w3id.org/kg/ontology#> .
    ...     @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
    ...     <https://w3id.org/kg/resource/putin> a kg:Person ; rdfs:label "Vladimir Putin" ;
    ...         kg:visited <https://w3id.org/kg/resource/syria> .
    ...     <https://w3id.org/kg/resource/syria> a kg:Country ; rdfs:label "Syria" .
    ...     ''')
    >>> data = page_data(g)
    >>> data["base"], [(n[0], n[1]) for n in data["nodes"]], data["edges"]
    ('https://w3id.org/kg/resource/', [('putin', 'Vladimir Putin'), ('syria', 'Syria')], [[0, 1, 0, []]])
    """
    articles = sorted(set(graph.subjects(RDF.type, KG.Article)) | set(graph.objects(None, PROV.wasDerivedFrom)),
                      key=lambda a: (_text(graph, a, DCTERMS.identifier) or str(a), str(a)))
    article_index = {a: i for i, a in enumerate(articles)}
    nodes = _nodes(graph, article_index)
    rels = relations()
    drawn = [r for r in rels if r[0] != KG.said]

    # Facts, their sentences and dates, each once; edges keyed (relation, source, target).
    evidence = _evidence(graph)
    planned = _planned(graph, nodes)
    fact_nodes = sorted({f for fs in evidence.values() for f in fs}
                        | {q for q in graph.subjects(RDF.type, KG.Quote) if _speaker(graph, q) in nodes}
                        | {event for _, event, _, _, _ in planned})
    dates = sorted({d for f in fact_nodes if (d := _date(graph, f))})
    date_index = {d: i for i, d in enumerate(dates)}
    sentences: dict[str, int] = {}
    facts, fact_index = [], {}
    for f in fact_nodes:
        sentence = sentences.setdefault(_text(graph, f, KG.sentence), len(sentences))
        date = _date(graph, f)
        fact_index[f] = len(facts)
        facts.append([sorted(article_index[a] for a in graph.objects(f, PROV.wasDerivedFrom)), sentence,
                      date_index[date] if date else -1])
    edges = {}
    for r, (prop, _, _) in enumerate(drawn):
        for s, o in graph.subject_objects(prop):
            s, o = str(s), str(o)
            if s in nodes and o in nodes and s != o:
                key = (r, *sorted((s, o))) if prop == KG.met else (r, s, o)  # kg:met is symmetric
                edges[key] = sorted(fact_index[f] for f in evidence.get((prop, *key[1:]), ()))
    quotes = sorted((_speaker(graph, q), _text(graph, q, KG.text), fact_index[q])
                    for q in graph.subjects(RDF.type, KG.Quote) if q in fact_index)

    # Importance orders the nodes: an index is a rank, and the overview is a prefix of a class filter.
    weights = {key: len({a for f in fs for a in facts[f][0]}) or 1 for key, fs in edges.items()}
    rank = _importance(nodes, weights, quotes)
    order = sorted(nodes, key=lambda n: (-rank[n], n))
    index = {n: i for i, n in enumerate(order)}
    onto = ontology()
    g = nx.Graph()
    g.add_nodes_from(range(len(order)))
    g.add_edges_from(sorted((index[s], index[t]) for _, s, t in edges))
    top = _overview(g, [index[n] for n in order if any(onto.is_a(nodes[n].cls, c) for c in OVERVIEW_CLASSES)],
                    overview)

    show_quotes = len(quotes) <= QUOTE_NODES
    positions, quote_positions = layout(
        g, top, [nodes[n].articles for n in order],
        [index[s] for s, _, _ in quotes] if show_quotes else [])

    classes = [c for c in COLOURS if c != KG.Quote and any(nodes[n].cls == c for n in order)]
    classes += [c for c in sorted({nodes[n].cls for n in order} - set(classes))]  # unlisted ones after
    class_index = {c: i for i, c in enumerate(classes)}
    if show_quotes:
        classes.append(KG.Quote)
    top_rank = max(rank.values(), default=1.0) or 1.0
    base = _base(order)
    return {
        "base": base,
        "classes": [[_label(c), _colour(c)] for c in classes],
        "relations": [[_label(p), inverse, int(arrow)] for p, inverse, arrow in
                      drawn + ([r for r in rels if r[0] == KG.said] if show_quotes else [])],
        "articles": [[_text(graph, a, DCTERMS.identifier) or str(a), _text(graph, a, DCTERMS.title),
                      _text(graph, a, DCTERMS.date), _text(graph, a, SCHEMA.url)] for a in articles],
        "dates": dates,
        "sentences": list(sentences),
        "facts": facts,
        "nodes": [[n[len(base):], nodes[n].label, class_index[nodes[n].cls],
                   max(1, round(100 * (rank[n] / top_rank) ** 0.5)), *positions[index[n]],
                   nodes[n].alts, nodes[n].links, nodes[n].articles] for n in order],
        "edges": sorted([index[s], index[t], r, fs] for (r, s, t), fs in edges.items()),
        "quotes": [[index[s], text, f, *(quote_positions[i] if show_quotes else ())]
                   for i, (s, text, f) in enumerate(quotes)],
        "plannedKinds": [_label(c) for c in PLANNED],
        "planned": sorted([PLANNED.index(cls), index[a], index[b], status, fact_index[event]]
                          for cls, event, a, b, status in planned),
        "overview": top,
        "quoteNodes": show_quotes,
        "said": len(drawn) if show_quotes else -1,
    }


def _overview(graph: nx.Graph, candidates: list[int], size: int) -> list[int]:
    """At most ``size`` nodes to open with: the most important ``candidates`` in a relation
    first, then those only mentioned; each with its most important neighbour (of any
    class: an office, a place) when none is in yet, so the overview shows how they connect."""
    chosen: set[int] = set()
    for n in sorted(candidates, key=lambda n: (not graph.degree(n), n)):
        if len(chosen) >= size:
            break
        if n in chosen:
            continue
        chosen.add(n)
        if graph.degree(n) and not chosen.intersection(graph[n]) and len(chosen) < size:
            chosen.add(min(graph[n]))
    return sorted(chosen)


def _nodes(graph: Graph, article_index: dict[Node, int]) -> dict[str, _Node]:
    """Entities (by their most specific class) and positions, by IRI."""
    onto, nodes = ontology(), {}
    for node in set(graph.subjects(RDF.type, None)):
        types = sorted(t for t in graph.objects(node, RDF.type) if onto.is_a(t, KG.Entity))
        if not types or not isinstance(node, URIRef):
            continue
        label = _text(graph, node, RDFS.label) or str(node)
        links = sorted(str(o) for o in graph.objects(node, OWL.sameAs) if isinstance(o, URIRef))
        links += sorted(str(o) for o in graph.objects(node, SCHEMA.identifier) if isinstance(o, Literal))
        nodes[str(node)] = _Node(
            str(node), label, max(types, key=lambda t: (len(onto.superclasses.get(t, ())), t)),  # most specific
            sorted({str(a) for a in graph.objects(node, SKOS.altLabel)} - {label}), links)
    for position in set(graph.objects(None, KG.holdsPosition)):
        if isinstance(position, URIRef) and str(position) not in nodes:
            nodes[str(position)] = _Node(str(position), _text(graph, position, RDFS.label) or str(position),
                                         KG.Position, [], [])
    for article, entity in graph.subject_objects(KG.mentions):
        if str(entity) in nodes and article in article_index:
            nodes[str(entity)].articles.append(article_index[article])
    for node in nodes.values():
        node.articles = sorted(set(node.articles))
    return nodes


def _evidence(graph: Graph) -> dict[tuple, list[Node]]:
    """The event and statement nodes behind each direct triple, keyed (property, s, o) as strings."""
    facts = defaultdict(list)
    for visit in graph.subjects(RDF.type, KG.Visit):
        for agent in graph.objects(visit, KG.agent):
            for place in graph.objects(visit, KG.place):
                facts[KG.visited, str(agent), str(place)].append(visit)
    for meeting in graph.subjects(RDF.type, KG.Meeting):
        for pair in combinations(sorted({str(p) for p in graph.objects(meeting, KG.participant)}), 2):
            facts[(KG.met, *pair)].append(meeting)
    for cls, prop in ((KG.Location, KG.locatedIn), (KG.Role, KG.holdsPosition)):
        for fact in graph.subjects(RDF.type, cls):
            for s in graph.objects(fact, KG.subject):
                for o in graph.objects(fact, KG.object):
                    facts[prop, str(s), str(o)].append(fact)
    return facts


def _importance(nodes: dict[str, _Node], weights: dict[tuple, int], quotes: list[tuple]) -> dict[str, float]:
    """PageRank of each node over the graph the page draws from: the relations (weighted by
    how many articles state each), the articles that mention a node and the quotes a
    speaker said. A much-quoted or much-mentioned person with no visit still counts,
    while a place only ever named beside a big one does not borrow its weight.

    The graph is made as the sparse matrix PageRank iterates on, not as a networkx graph,
    which keeps dicts per vertex and per edge: on the 4,215-article corpus (44,000 vertices,
    95,000 edges) that took the build up by 62 MiB, the matrix by 18.
    """
    import numpy as np

    keys = sorted(nodes)  # a fixed order: the sums, hence the ranks, are the same every run
    if not keys:
        return {}
    index = {key: i for i, key in enumerate(keys)}
    related: dict[tuple[int, int], int] = {}  # an undirected edge once, with its last relation's weight
    for (_, s, t), w in sorted(weights.items()):
        related[min(index[s], index[t]), max(index[s], index[t])] = w
    articles: dict[int, int] = {}  # article -> its vertex, numbered after the nodes as first met
    for key in keys:
        for a in nodes[key].articles:
            articles.setdefault(a, len(keys) + len(articles))
    first_quote = len(keys) + len(articles)
    count = len(related) + sum(len(node.articles) for node in nodes.values()) + len(quotes)
    rows = np.fromiter(chain((u for u, _ in related), (i for i, key in enumerate(keys) for _ in nodes[key].articles),
                             (index[speaker] for speaker, _, _ in quotes)), dtype=np.int64, count=count)
    cols = np.fromiter(chain((v for _, v in related), (articles[a] for key in keys for a in nodes[key].articles),
                             range(first_quote, first_quote + len(quotes))), dtype=np.int64, count=count)
    values = np.ones(count)
    values[:len(related)] = list(related.values())
    rank = pagerank(first_quote + len(quotes), rows, cols, values)
    return {key: round(float(rank[i]), 12) for i, key in enumerate(keys)}  # no last-bit noise in the order


def pagerank(size: int, rows, cols, weights, alpha: float = 0.85, tol: float = 1e-6, max_iter: int = 100):
    """PageRank of the undirected graph of ``size`` vertices whose edges are
    ``(rows[k], cols[k])`` weighing ``weights[k]`` (each edge once, numpy arrays), as
    ``networkx.pagerank`` computes it (its SciPy power iteration: the same matrix, the same
    steps, hence the same numbers) without a networkx graph in memory.

    >>> import numpy as np
    >>> [round(float(r), 4) for r in pagerank(3, np.array([0, 1]), np.array([1, 2]), np.ones(2))]
    [0.2568, 0.4865, 0.2568]
    """
    import numpy as np
    from scipy import sparse

    other = rows != cols  # a loop is one entry of the matrix, as networkx makes it
    matrix = sparse.coo_array((np.concatenate([weights, weights[other]]),
                               (np.concatenate([rows, cols[other]]), np.concatenate([cols, rows[other]]))),
                              shape=(size, size)).tocsr()
    out = matrix.sum(axis=1)
    out[out != 0] = 1.0 / out[out != 0]
    matrix = sparse.dia_array((out.T, 0), shape=matrix.shape).tocsr() @ matrix
    x = p = np.repeat(1.0 / size, size)
    dangling = np.where(out == 0)[0]
    for _ in range(max_iter):
        last = x
        x = alpha * (x @ matrix + sum(x[dangling]) * p) + (1 - alpha) * p
        if np.absolute(x - last).sum() < size * tol:
            return x
    raise ArithmeticError(f"PageRank did not converge in {max_iter} iterations")


def _planned(graph: Graph, nodes: dict[str, _Node]) -> list[tuple[URIRef, Node, str, str, str]]:
    """``(class, event, node, other node, status)`` of each planned, cancelled or denied
    visit (person, place) and meeting (each pair of its people) between nodes of the page."""
    found = []
    for event in graph.subjects(RDF.type, KG.PlannedVisit):
        status = _text(graph, event, KG.status)
        found += [(KG.PlannedVisit, event, str(a), str(p), status) for a in graph.objects(event, KG.agent)
                  for p in graph.objects(event, KG.place) if str(a) in nodes and str(p) in nodes]
    for event in graph.subjects(RDF.type, KG.PlannedMeeting):
        status = _text(graph, event, KG.status)
        people = sorted({str(p) for p in graph.objects(event, KG.participant)} & nodes.keys())
        found += [(KG.PlannedMeeting, event, a, b, status) for a, b in combinations(people, 2)]
    return found


def _speaker(graph: Graph, quote: Node) -> str | None:
    speakers = sorted({str(p) for p in graph.objects(quote, KG.speaker)} | {str(p) for p in graph.subjects(KG.said, quote)})
    return speakers[0] if speakers else None


def _date(graph: Graph, fact: Node) -> str:
    """The fact's own date, else the (first) date of its articles, else ""."""
    return _text(graph, fact, KG.date) or next(
        (d for a in sorted(graph.objects(fact, PROV.wasDerivedFrom)) if (d := _text(graph, a, DCTERMS.date))), "")


def _base(iris: list[str]) -> str:
    """The longest prefix of all ``iris`` that ends with "/" (or "#")."""
    prefix = os.path.commonprefix(iris) if iris else ""
    return prefix[:max(prefix.rfind("/"), prefix.rfind("#")) + 1]


def _text(graph: Graph, node: Node, prop: Node) -> str:
    """One literal value of ``prop`` (the smallest, so the choice is stable), or ""."""
    values = sorted(str(v) for v in graph.objects(node, prop) if isinstance(v, Literal))
    return values[0] if values else ""


def _label(term: URIRef) -> str:
    return _text(ontology().graph, term, RDFS.label) or term.fragment


def _colour(cls: URIRef) -> str:
    """The colour of ``cls`` or of its most specific ancestor that has one."""
    supers = ontology().superclasses
    listed = [c for c in COLOURS if ontology().is_a(cls, c)]
    return COLOURS[max(listed, key=lambda c: len(supers.get(c, ())), default=KG.Entity)]
