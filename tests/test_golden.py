"""Golden cases: one folder per scenario with ``article.txt`` and ``expected.ttl``.

The build's facts are projected to what a user asks of them (who visited, met and
said what; entity names and classes; event dates) and compared with the expected
graph by isomorphism. A failure prints both sides of the difference.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import RDF, RDFS, BNode, Graph
from rdflib.compare import graph_diff, to_isomorphic

from kg.pipeline import build
from kg.vocab import KG

CASES = sorted(p for p in (Path(__file__).parent / "golden").iterdir() if p.is_dir())
DIRECT = (KG.visited, KG.met, KG.locatedIn)


def project(graph: Graph) -> Graph:
    """The user-facing facts of a built graph, with event and quote nodes as blank nodes."""
    out = Graph()
    involved = set()
    for prop in DIRECT:
        for s, o in graph.subject_objects(prop):
            out.add((s, prop, o))
            involved.update((s, o))
    for kind, props in ((KG.Quote, (KG.speaker, KG.text)), (KG.Visit, (KG.agent, KG.place, KG.date)),
                        (KG.Meeting, (KG.participant, KG.date))):
        for node in graph.subjects(RDF.type, kind):
            blank = BNode()
            out.add((blank, RDF.type, kind))
            for prop in props:
                for value in graph.objects(node, prop):
                    out.add((blank, prop, value))
                    if prop != KG.text and prop != KG.date:
                        involved.add(value)
    for entity in involved:
        for cls in graph.objects(entity, RDF.type):
            out.add((entity, RDF.type, cls))
        out.add((entity, RDFS.label, graph.value(entity, RDFS.label)))
    return out


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_golden(case):
    built = build([case / "article.txt"], None)
    got = to_isomorphic(project(built.graph))
    expected = Graph().parse(case / "expected.ttl")
    want = to_isomorphic(expected)
    if got != want:
        _, only_got, only_want = graph_diff(got, want)
        pytest.fail(
            f"{case.name}: graphs differ\n--- only in the build:\n{_dump(only_got)}\n"
            f"--- only in expected.ttl:\n{_dump(only_want)}\n"
            f"--- the whole build projection:\n{_dump(got)}"
        )
    assert built.validation.conforms


def _dump(graph: Graph) -> str:
    for prefix, ns in (("kg", str(KG._NS)), ("person", "https://w3id.org/kg/resource/person/"),
                       ("place", "https://w3id.org/kg/resource/place/")):
        graph.bind(prefix, ns)
    return "\n".join(sorted(line for line in graph.serialize(format="nt").splitlines() if line.strip()))
