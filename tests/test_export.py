"""Exports that other tools load unchanged, byte-stable, and safe against hostile article text."""

from __future__ import annotations

import json
import shutil
import subprocess

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph, Literal
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

from kg.export import export
from kg.graph import ENTITY_GRAPH
from kg.pipeline import build
from kg.vocab import KG
from rdflib import RDF, RDFS, URIRef
from rdflib.namespace import PROV, SKOS

from .conftest import DATA

HOSTILE = 'He said """ > \\ </script><script>window.__pwned=1</script> <img src=x onerror="window.__pwned=1"> \'end\''


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hostile")
    record = {
        "id": "evil/1 <script>",
        "title": "</title><script>alert(1)</script>",
        "date": "2020-01-02",
        "text": f"Angela Merkel visited Paris on Monday. “{HOSTILE},” Angela Merkel said.",
    }
    (tmp / "evil.jsonl").write_text(json.dumps(record) + "\n")
    return build([tmp / "evil.jsonl"], tmp / "out",
                 formats=("turtle", "ntriples", "jsonld", "rdfxml", "trig", "nquads"))


def test_hostile_quote_survives_intact_in_turtle(hostile_build):
    path = hostile_build.outputs["turtle"]
    graph = Graph().parse(path)
    texts = {str(o) for o in graph.objects(None, KG.text)}
    assert HOSTILE + "," in texts
    store = ox.Store()
    store.load(path=path, format=ox.RdfFormat.TURTLE)
    found = {s["t"].value for s in store.query("SELECT ?t WHERE { ?q <https://w3id.org/kg/ontology#text> ?t }")}
    assert HOSTILE + "," in found


def test_hostile_article_id_gives_a_safe_iri(hostile_build):
    graph = Graph().parse(hostile_build.outputs["turtle"])
    for article in graph.subjects(None, KG.mentions):
        assert not set(str(article)) & set(' <>"{}|^`\\')


@pytest.mark.parametrize("fmt", ["turtle", "ntriples", "jsonld", "rdfxml", "trig", "nquads"])
def test_every_format_round_trips(hostile_build, fmt):
    rdflib_format = {"turtle": "turtle", "ntriples": "nt", "jsonld": "json-ld", "rdfxml": "xml",
                     "trig": "trig", "nquads": "nquads"}[fmt]
    if fmt in ("trig", "nquads"):
        parsed = Graph()
        for quad in Dataset().parse(hostile_build.outputs[fmt], format=rdflib_format).quads():
            parsed.add(quad[:3])
    else:
        parsed = Graph().parse(hostile_build.outputs[fmt], format=rdflib_format)
    assert len(parsed) == len(hostile_build.graph)
    assert Literal(HOSTILE + ",") in set(parsed.objects(None, KG.text))


@pytest.fixture(scope="module")
def sample_turtle(sample_build):
    return sample_build.outputs["turtle"]


@pytest.mark.skipif(shutil.which("rapper") is None, reason="raptor2-utils (rapper) is not installed")
@pytest.mark.parametrize("which", ["sample", "hostile"])
def test_rapper_parses_the_turtle(which, sample_turtle, hostile_build):
    path = sample_turtle if which == "sample" else hostile_build.outputs["turtle"]
    result = subprocess.run(["rapper", "-i", "turtle", "-c", path], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    count = int(result.stderr.split("returned")[1].split()[0])
    assert count == len(Graph().parse(path))


def test_pyoxigraph_loads_the_same_triples(sample_turtle):
    store = ox.Store()
    store.load(path=sample_turtle, format=ox.RdfFormat.TURTLE)
    assert len(store) == len(Graph().parse(sample_turtle))


def test_same_input_gives_byte_identical_turtle(tmp_path, sample_turtle):
    again = build([DATA], tmp_path, formats=("turtle",))
    with open(sample_turtle, "rb") as first, open(again.outputs["turtle"], "rb") as second:
        assert first.read() == second.read()


def test_no_blank_nodes(sample_turtle):
    """Every node has an IRI, so graphs merge and diff across runs and stores."""
    assert "_:" not in open(sample_turtle, encoding="utf-8").read()


# ---------------------------------------------------------------- one named graph per article


@pytest.fixture(scope="module")
def named(sample_build, tmp_path_factory):
    out = tmp_path_factory.mktemp("named")
    return {fmt: export(sample_build.graph, fmt, out) for fmt in ("trig", "nquads")}


def _graphs(path, fmt) -> dict[str, Graph]:
    """The named graphs of a TriG or N-Quads file, read by pyoxigraph."""
    graphs: dict[str, Graph] = {}
    for quad in ox.parse(path=str(path), format=fmt):
        assert not isinstance(quad.graph_name, ox.DefaultGraph), f"a triple outside the named graphs: {quad}"
        graphs.setdefault(quad.graph_name.value, Graph()).parse(
            data=f"{quad.subject} {quad.predicate} {quad.object} .", format="nt")
    return graphs


@pytest.mark.parametrize(("name", "fmt"), [("trig", ox.RdfFormat.TRIG), ("nquads", ox.RdfFormat.N_QUADS)])
def test_one_named_graph_per_article_and_one_of_entities(sample_build, named, name, fmt):
    graphs = _graphs(named[name], fmt)
    articles = {str(a) for a in sample_build.graph.subjects(RDF.type, KG.Article)}
    entities = "https://w3id.org/kg/resource/" + ENTITY_GRAPH
    assert set(graphs) == articles | {entities} and len(articles) == 2
    for article in articles:
        facts = graphs[article]
        derived = set(facts.objects(None, PROV.wasDerivedFrom))
        assert derived == {URIRef(article)}  # only this article's statements
        visits = set(facts.subjects(RDF.type, KG.Visit))
        assert visits, "each sample article states a visit"
        for visit in visits:  # the direct triple beside its statement node
            agent, place = facts.value(visit, KG.agent), facts.value(visit, KG.place)
            assert (agent, KG.visited, place) in facts
        assert not set(facts.predicates(None, None)) & {RDFS.label, SKOS.altLabel}
    described = graphs[entities]
    assert set(described.predicates()) >= {RDF.type, RDFS.label}
    assert not set(described.predicates()) & {KG.visited, KG.met, KG.said, KG.locatedIn, KG.holdsPosition,
                                              KG.mentions, PROV.wasDerivedFrom}


@pytest.mark.parametrize(("name", "fmt"), [("trig", ox.RdfFormat.TRIG), ("nquads", ox.RdfFormat.N_QUADS)])
def test_the_union_of_the_named_graphs_is_the_graph(sample_turtle, named, name, fmt):
    union = Graph()
    for graph in _graphs(named[name], fmt).values():
        union += graph
    turtle = Graph().parse(sample_turtle)
    if not isomorphic(union, turtle):
        _, missing, extra = graph_diff(to_isomorphic(turtle), to_isomorphic(union))
        raise AssertionError(f"missing: {sorted(missing)[:5]}, extra: {sorted(extra)[:5]}")
    assert len(union) == len(turtle) > 300


@pytest.mark.skipif(shutil.which("rapper") is None, reason="raptor2-utils (rapper) is not installed")
@pytest.mark.parametrize(("name", "syntax", "fmt"), [("trig", "trig", ox.RdfFormat.TRIG),
                                                      ("nquads", "nquads", ox.RdfFormat.N_QUADS)])
def test_rapper_parses_trig_and_nquads(named, name, syntax, fmt):
    result = subprocess.run(["rapper", "-i", syntax, "-c", named[name]], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    count = int(result.stderr.split("returned")[1].split()[0])
    assert count == len(list(ox.parse(path=str(named[name]), format=fmt)))


def test_same_graph_gives_byte_identical_trig_and_nquads(sample_build, named, tmp_path):
    for fmt, path in named.items():
        again = export(sample_build.graph, fmt, tmp_path)
        assert again.read_bytes() == path.read_bytes(), fmt


@pytest.mark.slow  # a whole process or two: make test runs it
def test_trig_and_nquads_are_byte_identical_across_processes(sample_turtle, tmp_path):
    import os
    import sys

    from .conftest import ROOT

    code = ("import sys; from rdflib import Graph; from kg.export import export; "
            "[export(Graph().parse(sys.argv[1]), f, sys.argv[2]) for f in ('trig', 'nquads')]")
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(ROOT)}
        subprocess.run([sys.executable, "-c", code, str(sample_turtle), str(tmp_path / seed)], env=env, check=True)
    for name in ("graph.trig", "graph.nq"):
        assert (tmp_path / "1" / name).read_bytes() == (tmp_path / "2" / name).read_bytes(), name
