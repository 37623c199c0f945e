"""Building the RDF graph: the one module that writes triples.

Each fact is written twice, as Wikidata's RDF does: a direct triple for simple SPARQL
(``<…/person/vladimir-putin> kg:visited <…/place/hmeimim-air-base>``) and a node per
visit, meeting, quote, location or role statement that carries the date and the
evidence (article, sentence, character offsets, extractor). Before a direct triple
is written, its subject and object classes are checked against the domain and range
the ontology declares; a fact that does not fit is reported, not written.

All IRIs are minted from canonical names or hashes of the evidence, never from raw
article text, so the same input gives the same graph. :func:`named_graphs` splits a
built graph by source, for TriG and N-Quads.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from urllib.parse import quote

from rdflib import OWL, RDF, RDFS, XSD, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, PROV, SKOS
from rdflib.term import Node

from kg.articles import Article
from kg.facts import ArticleFacts, Evidence, HoldsPosition, Meeting, Quote, Relation, Visit
from kg.lexicon import rows
from kg.resolution import Resolution, position_label
from kg.vocab import DEFAULT_BASE, KG, PREFIXES, SCHEMA, ontology

NODE_KINDS = tuple(kind for kind, in rows("page_node_kinds.tsv"))
ENTITY_PART = 2000  # entities and positions written (and validated) as one graph when streaming
ARTICLE_PART = 64  # articles written (and validated) as one graph when streaming
ENTITY_GRAPH = "graph/entities"  # the named graph of entity descriptions, under the base
LINK_IRIS = {
    "wikidata": "http://www.wikidata.org/entity/{}",
    "geonames": "https://sws.geonames.org/{}/",
}


@dataclass(frozen=True)
class Rejected:
    """A fact the ontology does not admit, and why."""

    article_id: str
    fact: str
    reason: str


class GraphBuilder:
    """Writes resolved facts into an rdflib graph under the ontology."""

    def __init__(self, resolution: Resolution, base: str = DEFAULT_BASE):
        self.resolution = resolution
        self.ns = Namespace(base)
        self.rejected: list[Rejected] = []
        self._onto = ontology()
        self.namespaces = {**PREFIXES, **{kind: str(self.ns[kind + "/"]) for kind in NODE_KINDS}}
        self.graph = self._new_graph()
        self._types: dict[URIRef, URIRef] = {}  # entities and positions: their class
        self._positions: dict[URIRef, tuple[str, str | None]] = {}  # position -> (title, country)
        for (title, country), key in sorted(resolution.positions.items(), key=lambda i: (i[1], i[0][0])):
            # two spellings of one office ("Vice President", "Vice-President"): one label, the first
            self._positions.setdefault(self.ns[key], (title, country))

    def _new_graph(self) -> Graph:
        graph = Graph()
        for prefix, namespace in self.namespaces.items():  # place:hmeimim-air-base reads better than a full IRI
            graph.bind(prefix, namespace)
        return graph

    # ------------------------------------------------------------- nodes

    def add_entities(self) -> None:
        for _ in self.entity_parts(None):
            pass

    def entity_parts(self, size: int | None = ENTITY_PART) -> Iterator[Graph]:
        """Write the entities and positions into :attr:`graph`, ``size`` nodes a graph (all
        in one with None), yielding each graph once written; the next starts a new one, so
        that no graph holds them all."""
        iris = [self.ns[key] for key in sorted(self.resolution.nodes)] + list(self._positions)
        for number, iri in enumerate(iris, 1):
            for triple in self.description(iri):
                self.graph.add(triple)
                if triple[1] == RDF.type:
                    self._types[iri] = triple[2]
            if size is not None and number % size == 0 and number < len(iris):
                yield self.graph
                self.graph = self._new_graph()
        yield self.graph

    def description(self, iri: URIRef) -> Iterator[tuple[URIRef, URIRef, Node]]:
        """What the graph says of an entity or position itself (its type, labels, links and
        jurisdiction), however many articles name it; nothing for any other node. Made from
        the resolution each time, so that a streaming build validates an article with the
        descriptions of the entities it names without holding or reading them back."""
        if iri in self._positions:  # position/… keys: never an entity's (person/…, place/…)
            title, country = self._positions[iri]
            yield iri, RDF.type, KG.Position
            yield iri, RDFS.label, Literal(position_label(title, country))
            place = self._country(country) if country else None
            if place is not None:
                yield iri, KG.jurisdiction, place
            return
        node = self.resolution.nodes.get(iri[len(self.ns):]) if iri.startswith(self.ns) else None
        if node is None:
            return
        yield iri, RDF.type, getattr(KG, node.type)  # a type the ontology lacks fails here
        yield iri, RDFS.label, Literal(node.label)
        for alt in node.alt_labels:
            yield iri, SKOS.altLabel, Literal(alt)
        for link in node.links:
            scheme, _, value = link.partition(":")
            if scheme in LINK_IRIS:
                yield iri, OWL.sameAs, URIRef(LINK_IRIS[scheme].format(quote(value, safe="")))
            else:
                yield iri, SCHEMA.identifier, Literal(link)

    def article_iri(self, article_id: str) -> URIRef:
        # Every character but letters, digits, "-" and "_" is percent-encoded: no "/" or ".."
        # can climb out of article/, and no local name ends with "." (which Jena rejects).
        return self.ns["article/" + quote(article_id, safe="").replace(".", "%2E").replace("~", "%7E")]

    def add_article(self, article: Article, facts: ArticleFacts) -> None:
        g = self.graph
        iri = self.article_iri(article.id)
        g.add((iri, RDF.type, KG.Article))
        g.add((iri, DCTERMS.identifier, Literal(article.id)))
        if article.title:
            g.add((iri, DCTERMS.title, Literal(article.title)))
        if article.date:
            g.add((iri, DCTERMS.date, Literal(article.date.isoformat(), datatype=XSD.date)))
        if article.url:
            g.add((iri, SCHEMA.url, Literal(article.url, datatype=XSD.anyURI)))
        for entity in facts.entities:
            g.add((iri, KG.mentions, self._entity(article.id, entity.id)))
        for fact in facts.facts:
            self.add_fact(fact)

    # ------------------------------------------------------------- facts

    def add_fact(self, fact) -> None:
        article = fact.evidence.article_id
        relation = getattr(type(fact), "rdf", None)
        if isinstance(relation, Relation):
            self._add_relation(fact, relation)
        elif isinstance(fact, Visit):
            agent, place = self._entity(article, fact.agent), self._entity(article, fact.place)
            if not self._allowed(agent, KG.visited, place, fact):
                return
            if fact.status is None:  # planned, cancelled or denied visits are no kg:visited
                self.graph.add((agent, KG.visited, place))
                node = self._fact_node("visit", KG.Visit, fact, agent, place)
            else:
                node = self._planned_node("planned-visit", KG.PlannedVisit, fact, agent, place)
            self.graph.add((node, KG.agent, agent))
            self.graph.add((node, KG.place, place))
        elif isinstance(fact, Meeting):
            people = list(dict.fromkeys(self._entity(article, p) for p in fact.participants))
            pairs = [(a, b) for a in people for b in people if a != b]
            if len(people) < 2 or not all(self._allowed(a, KG.met, b, fact) for a, b in pairs):
                return
            if fact.status is None:
                for a, b in pairs:
                    self.graph.add((a, KG.met, b))
                node = self._fact_node("meeting", KG.Meeting, fact, *sorted(people))
            else:
                node = self._planned_node("planned-meeting", KG.PlannedMeeting, fact, *sorted(people))
            for person in people:
                self.graph.add((node, KG.participant, person))
        elif isinstance(fact, Quote):
            speaker = self._entity(article, fact.speaker) if fact.speaker is not None else None
            if speaker is not None and not self._allowed(speaker, KG.said, None, fact):
                speaker = None
            if speaker is None and not fact.speaker_text:
                return  # neither who nor the words naming who: no quote to keep
            node = self._fact_node("quote", KG.Quote, fact)
            self.graph.add((node, KG.text, Literal(fact.text)))
            if fact.speaker_text:
                self.graph.add((node, KG.speakerText, Literal(fact.speaker_text)))
            if speaker is not None:
                self.graph.add((speaker, KG.said, node))
                self.graph.add((node, KG.speaker, speaker))
        elif isinstance(fact, HoldsPosition):
            person = self._entity(article, fact.person)
            key = self.resolution.positions.get((fact.title, fact.jurisdiction))
            if key is None:  # a bare title where the full office is known
                return
            position = self.ns[key]
            if self._direct(person, KG.holdsPosition, position, fact):
                node = self._fact_node("role", KG.Role, fact, person, position)
                self.graph.add((node, KG.subject, person))
                self.graph.add((node, KG.object, position))
        else:  # a new fact type declares its Relation, or is taught to the builder
            raise TypeError(f"no RDF mapping for fact type {type(fact).__name__}")

    def _add_relation(self, fact, relation: Relation) -> None:
        article = fact.evidence.article_id
        subject = self._entity(article, getattr(fact, relation.subject))
        obj = self._entity(article, getattr(fact, relation.object))
        if self._direct(subject, getattr(KG, relation.prop), obj, fact):
            node = self._fact_node(relation.node, getattr(KG, relation.cls), fact, subject, obj)
            self.graph.add((node, KG.subject, subject))
            self.graph.add((node, KG.object, obj))

    def _direct(self, subject: URIRef, prop: URIRef, obj: URIRef, fact) -> bool:
        """Write a direct triple if the ontology admits it; report it otherwise."""
        if not self._allowed(subject, prop, obj, fact):
            return False
        self.graph.add((subject, prop, obj))
        return True

    def _allowed(self, subject: URIRef, prop: URIRef, obj: URIRef | None, fact) -> bool:
        s_cls = self._types.get(subject, KG.Entity)
        o_cls = self._types.get(obj)
        if not self._onto.allows(prop, s_cls, o_cls):
            self.rejected.append(Rejected(
                fact.evidence.article_id, type(fact).__name__,
                f"{prop.n3(self.graph.namespace_manager)} does not admit "
                f"{s_cls.n3(self.graph.namespace_manager)} -> "
                f"{o_cls.n3(self.graph.namespace_manager) if o_cls else '?'}",
            ))
            return False
        return True

    def _fact_node(self, kind: str, cls: URIRef, fact, *parts: URIRef) -> URIRef:
        evidence: Evidence = fact.evidence
        digest = hashlib.sha256(
            "\x1f".join([evidence.article_id, str(evidence.start), str(evidence.end), *map(str, parts)]).encode()
        ).hexdigest()[:16]
        node = self.ns[f"{kind}/{digest}"]
        g = self.graph
        g.add((node, RDF.type, cls))
        g.add((node, PROV.wasDerivedFrom, self.article_iri(evidence.article_id)))
        g.add((node, KG.sentence, Literal(evidence.sentence)))
        g.add((node, KG.startChar, Literal(evidence.start, datatype=XSD.integer)))
        g.add((node, KG.endChar, Literal(evidence.end, datatype=XSD.integer)))
        g.add((node, KG.extractor, Literal(fact.extractor)))
        date = getattr(fact, "date", None)
        if date is not None:
            g.add((node, KG.date, Literal(date.isoformat(), datatype=XSD.date)))
        return node

    def _planned_node(self, kind: str, cls: URIRef, fact, *parts: URIRef) -> URIRef:
        node = self._fact_node(kind, cls, fact, *parts)
        self.graph.add((node, KG.status, Literal(fact.status)))
        return node

    def _entity(self, article_id: str, entity_id: str) -> URIRef:
        return self.ns[self.resolution.node_of(article_id, entity_id)]

    def _country(self, name: str) -> URIRef | None:
        key = self.resolution.countries.get(name)
        return self.ns[key] if key is not None else None


def build_graph(
    articles: Iterable[tuple[Article, ArticleFacts]], resolution: Resolution, *, base: str = DEFAULT_BASE
) -> tuple[Graph, list[Rejected]]:
    """The RDF graph of resolved facts, and the facts the ontology rejected."""
    builder = GraphBuilder(resolution, base)
    builder.add_entities()
    for article, facts in articles:
        builder.add_article(article, facts)
    return builder.graph, builder.rejected


def named_graphs(graph: Graph) -> Dataset:
    """``graph`` split into named graphs by where each triple comes from.

    Each article's facts go into the named graph of the article's IRI: the article node,
    its statement nodes (visits, meetings, quotes, locations, roles, with their evidence)
    and the direct triples they state (``kg:visited``, ``kg:met``, ``kg:said``,
    ``kg:locatedIn``, ``kg:holdsPosition``). A direct triple several articles state is in
    each of their graphs. Everything else, the entities (types, labels, other names,
    links) and positions, goes into ``<base>graph/entities``. The union of the named
    graphs is ``graph``.
    """
    articles = sorted(graph.subjects(RDF.type, KG.Article))
    by_article: dict[URIRef, list] = {article: list(graph.triples((article, None, None))) for article in articles}
    for node, article in graph.subject_objects(PROV.wasDerivedFrom):
        stated = [t for cls in graph.objects(node, RDF.type) for t in _stated(graph, node, cls) if t in graph]
        by_article.setdefault(article, []).extend([*graph.triples((node, None, None)), *stated])
    dataset = Dataset()
    for prefix, namespace in graph.namespaces():
        dataset.bind(prefix, namespace)
    placed = set()
    for article in sorted(by_article):
        named = dataset.graph(article)
        for triple in by_article[article]:
            named.add(triple)
            placed.add(triple)
    base = str(articles[0]).rsplit("article/", 1)[0] if articles else DEFAULT_BASE
    entities = dataset.graph(URIRef(base + ENTITY_GRAPH))
    for triple in graph:
        if triple not in placed:
            entities.add(triple)
    return dataset


def _stated(graph: Graph, node: URIRef, cls: URIRef):
    """The direct triples a statement node of class ``cls`` stands for (see :meth:`GraphBuilder.add_fact`)."""
    if cls == KG.Visit:
        for agent in graph.objects(node, KG.agent):
            for place in graph.objects(node, KG.place):
                yield agent, KG.visited, place
    elif cls == KG.Meeting:
        people = sorted(graph.objects(node, KG.participant))
        yield from ((a, KG.met, b) for a in people for b in people if a != b)
    elif cls == KG.Quote:
        for speaker in graph.objects(node, KG.speaker):
            yield speaker, KG.said, node
    elif cls in (KG.Location, KG.Role):
        prop = KG.locatedIn if cls == KG.Location else KG.holdsPosition
        for subject in graph.objects(node, KG.subject):
            for obj in graph.objects(node, KG.object):
                yield subject, prop, obj
