"""Exports that other tools load unchanged, byte-stable, and safe against hostile article text."""

from __future__ import annotations

import json
import shutil
import subprocess

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal

from kg.pipeline import build
from kg.vocab import KG

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
    return build([tmp / "evil.jsonl"], tmp / "out", formats=("turtle", "ntriples", "jsonld", "rdfxml"))


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


@pytest.mark.parametrize("fmt", ["turtle", "ntriples", "jsonld", "rdfxml"])
def test_every_format_round_trips(hostile_build, fmt):
    parsed = Graph().parse(hostile_build.outputs[fmt], format={"turtle": "turtle", "ntriples": "nt", "jsonld": "json-ld", "rdfxml": "xml"}[fmt])
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
