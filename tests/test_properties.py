"""Property-based tests (hypothesis): readers, extraction, serialisers and name keys on
random input. 10,500 examples per run; marked slow (``make test`` runs them)."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import RDF, RDFS, Graph, Literal, URIRef

from kg.articles import read_articles
from kg.errors import InputError
from kg.names import ascii_fold, compact, slug

pytestmark = pytest.mark.slow
SETTINGS = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
CONTROL = {chr(c) for c in range(32) if chr(c) not in "\t\n\r"} | {chr(127)}


def _read(name: str, data: bytes):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        errors: list[InputError] = []
        articles = list(read_articles([path], on_error=errors.append))
    return articles, errors


@settings(max_examples=3000, **SETTINGS)
@given(st.binary(max_size=600) | st.text(max_size=400).map(lambda t: t.encode("utf-8", "surrogatepass")))
def test_the_text_reader_reads_or_names_the_file_never_crashes(data):
    articles, errors = _read("a.txt", data)
    assert len(articles) + len(errors) >= 1
    for article in articles:
        assert article.text.strip() and not (set(article.text) & CONTROL)
    for error in errors:
        assert str(error).startswith(tempfile.gettempdir()) or "a.txt" in str(error)


JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40),
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
                    max_leaves=12)
RECORD = st.fixed_dictionaries({}, optional={"id": JSON | st.text(max_size=10), "text": st.text(max_size=200) | JSON,
                                             "title": JSON, "date": JSON | st.just("2019-03-04"), "url": JSON})


@settings(max_examples=3500, **SETTINGS)
@given(st.lists(RECORD | JSON, min_size=1, max_size=4), st.booleans())
def test_the_json_lines_reader_reads_good_records_and_names_bad_ones(records, garble):
    lines = [json.dumps(r) for r in records]
    if garble:
        lines[0] = lines[0][:-1]
    articles, errors = _read("a.jsonl", "\n".join(lines).encode("utf-8", "surrogatepass"))
    assert len(articles) <= len(records)
    for article in articles:
        assert isinstance(article.id, str) and article.text.strip()
    for error in errors:
        assert "a.jsonl" in str(error)


@settings(max_examples=1500, **SETTINGS)
@given(st.text(max_size=120), st.text(max_size=60))
def test_any_text_survives_turtle_and_makes_a_valid_iri(text, name):
    from kg.export.rdf import write_turtle
    from kg.vocab import KG

    node = URIRef(f"https://w3id.org/kg/resource/person/{slug(name)}")
    graph = Graph()
    graph.add((node, RDF.type, KG.Person))
    graph.add((node, RDFS.label, Literal(text.encode("utf-8", "surrogatepass").decode("utf-8", "replace"))))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "g.ttl"
        write_turtle(graph, path)
        back = Graph().parse(path, format="turtle")
        assert len(back) == 2 and set(back.objects(node, RDFS.label)) == set(graph.objects(node, RDFS.label))
        store = ox.Store()
        store.load(path=str(path), format=ox.RdfFormat.TURTLE)
        assert len(store) == 2


@settings(max_examples=1000, **SETTINGS)
@given(st.text(max_size=60))
def test_slugs_are_iri_safe_and_idempotent(text):
    value = slug(text)
    assert value and all(c.isascii() and (c.isalnum() or c == "-") for c in value)
    assert slug(value) == value


@settings(max_examples=1000, **SETTINGS)
@given(st.text(max_size=60))
def test_name_keys_are_idempotent(text):
    assert ascii_fold(ascii_fold(text)) == ascii_fold(text)
    assert compact(compact(text)) == compact(text)


WORDS = st.sampled_from("Angela Merkel Putin visited met Paris Syria said \" “ ” , . \n the president he on Monday "
                        "in to with will not did ' ( ) - Mr talks summit trip".split(" "))


@settings(max_examples=1000, **SETTINGS)
@given(st.lists(WORDS | st.text(max_size=6), max_size=40))
def test_extraction_on_random_text_never_crashes_and_points_into_the_text(extract_text, words):
    text = " ".join(words).strip() or "x"
    found = extract_text(text)
    for fact in found.facts.facts:
        evidence = fact.evidence
        assert 0 <= evidence.start <= evidence.end <= len(text)
        assert text[evidence.start:evidence.end] == evidence.sentence or type(fact).__name__ == "Quote"
