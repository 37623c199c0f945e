"""The kg ontology as Python sees it: a closed namespace and the OWL facts the code needs.

Terms are looked up through :class:`KG`, a closed ``DefinedNamespace``: a misspelt
term raises ``AttributeError`` where it is used instead of minting a wrong IRI.
Class hierarchy, domains, ranges and the spaCy labels of each class are read from
``ontology/kg.ttl`` (see :func:`ontology`), never repeated here.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from rdflib import OWL, RDF, RDFS, Graph, Namespace, URIRef
from rdflib.namespace import DefinedNamespace

from kg.lexicon import rows

ONTOLOGY_DIR = Path(__file__).resolve().parent.parent / "ontology"
if not ONTOLOGY_DIR.is_dir():  # installed from a wheel: the data files went to <prefix>/share
    ONTOLOGY_DIR = Path(sys.prefix) / "share" / "kg" / "ontology"

SCHEMA = Namespace("https://schema.org/")
DEFAULT_BASE = "https://w3id.org/kg/resource/"


class KG(DefinedNamespace):
    """The kg ontology namespace (``ontology/kg.ttl``)."""

    _NS = Namespace("https://w3id.org/kg/ontology#")
    _fail = True

    # classes
    Entity: URIRef
    Agent: URIRef
    Person: URIRef
    Organization: URIRef
    Place: URIRef
    Country: URIRef
    City: URIRef
    Region: URIRef
    MilitaryBase: URIRef
    Article: URIRef
    Position: URIRef
    Fact: URIRef
    Event: URIRef
    Visit: URIRef
    Meeting: URIRef
    PlannedVisit: URIRef
    PlannedMeeting: URIRef
    Quote: URIRef
    Location: URIRef
    Role: URIRef
    # properties
    nerLabel: URIRef
    visited: URIRef
    met: URIRef
    said: URIRef
    text: URIRef
    locatedIn: URIRef
    mentions: URIRef
    holdsPosition: URIRef
    jurisdiction: URIRef
    agent: URIRef
    place: URIRef
    participant: URIRef
    status: URIRef
    speaker: URIRef
    speakerText: URIRef
    subject: URIRef
    object: URIRef
    date: URIRef
    sentence: URIRef
    startChar: URIRef
    endChar: URIRef
    extractor: URIRef


PREFIXES = {prefix: namespace for prefix, namespace in rows("prefixes.tsv")}


@dataclass(frozen=True)
class Ontology:
    """What the code reads from the OWL file."""

    graph: Graph
    superclasses: dict[URIRef, frozenset[URIRef]]  # class -> itself and all its ancestors
    domains: dict[URIRef, URIRef]
    ranges: dict[URIRef, URIRef]
    ner_labels: dict[str, URIRef]  # spaCy label -> class

    def is_a(self, cls: URIRef, ancestor: URIRef) -> bool:
        """Whether ``cls`` is ``ancestor`` or one of its subclasses."""
        return ancestor in self.superclasses.get(cls, frozenset((cls,)))

    def allows(self, prop: URIRef, subject_cls: URIRef, object_cls: URIRef | None = None) -> bool:
        """Whether the ontology's domain and range of ``prop`` admit these classes."""
        domain, range_ = self.domains.get(prop), self.ranges.get(prop)
        if domain is not None and not self.is_a(subject_cls, domain):
            return False
        if object_cls is not None and range_ is not None and not self.is_a(object_cls, range_):
            return False
        return True


@cache
def ontology() -> Ontology:
    """Load ``ontology/kg.ttl`` once and index what the builder checks against."""
    g = Graph()
    g.parse(ONTOLOGY_DIR / "kg.ttl", format="turtle")
    parents: dict[URIRef, set[URIRef]] = {}
    for cls in g.subjects(RDF.type, OWL.Class):
        parents.setdefault(cls, set()).update(
            p for p in g.objects(cls, RDFS.subClassOf) if str(p).startswith(str(KG._NS))
        )

    def ancestors(cls: URIRef) -> frozenset[URIRef]:
        seen, todo = {cls}, [cls]
        while todo:
            for p in parents.get(todo.pop(), ()):
                if p not in seen:
                    seen.add(p)
                    todo.append(p)
        return frozenset(seen)

    return Ontology(
        graph=g,
        superclasses={cls: ancestors(cls) for cls in parents},
        domains={p: d for p, d in g.subject_objects(RDFS.domain)},
        ranges={p: r for p, r in g.subject_objects(RDFS.range)},
        ner_labels={str(label): cls for cls, label in g.subject_objects(KG.nerLabel)},
    )


def shapes() -> Graph:
    """The SHACL shapes graph (``ontology/shapes.ttl``)."""
    g = Graph()
    g.parse(ONTOLOGY_DIR / "shapes.ttl", format="turtle")
    return g
