"""A new fact type is a record, an extractor and ontology terms: no other module changes.

The record here, "a city is the capital of a country", is written as what the ontology
already has for it (the city lies in the country): it goes through extraction, the fact
store and graph writing by registration alone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import ClassVar

import pytest
from rdflib import RDF, RDFS

from kg.articles import Article
from kg.extract import OPTIONAL_EXTRACTORS, extract
from kg.facts import FACT_TYPES, Evidence, Relation, fact_type
from kg.graph import GraphBuilder
from kg.resolution import resolve_entities
from kg.store import FactStore
from kg.vocab import KG


@dataclass(frozen=True)
class CapitalOf:
    city: str
    country: str
    evidence: Evidence
    extractor: str
    since: dt.date  # what the store must read back as a date, not a string
    sources: tuple[Evidence, ...] = ()

    rdf: ClassVar[Relation] = Relation("location", "Location", "locatedIn", subject="city", object="country")


@dataclass(frozen=True)
class Misnamed(CapitalOf):
    rdf: ClassVar[Relation] = Relation("capital", "Capital", "capitalOf", subject="city", object="country")


def capitals(doc, entities):
    """The first city and the first country of a sentence with "capital of" in it."""
    for sentence in doc.sents:
        if "capital of" not in sentence.text:
            continue
        ids = [entities.entity_at(token) for token in sentence]
        found = {entities.type_of(eid): eid for eid in reversed(ids) if eid is not None}
        if {"City", "Country"} <= found.keys():
            evidence = Evidence(doc._.article.id, sentence.start_char, sentence.end_char, sentence.text)
            yield CapitalOf(found["City"], found["Country"], evidence, "capitals.test", dt.date(987, 7, 3), (evidence,))


@pytest.fixture
def capital_type(monkeypatch):
    assert fact_type(CapitalOf) is CapitalOf
    monkeypatch.setitem(OPTIONAL_EXTRACTORS, "capitals.test", capitals)
    yield CapitalOf
    FACT_TYPES.pop("CapitalOf")


@pytest.fixture
def capital_facts(nlp, finder, capital_type):
    text = "Paris is the capital of France, the president said on Monday."
    doc = nlp(text)
    doc._.article = article = Article(id="cap", text=text)
    return article, extract(doc, finder, ["capitals.test"])


def test_a_new_fact_type_is_extracted_stored_and_written_by_registration_alone(capital_facts, tmp_path):
    article, facts = capital_facts
    assert [type(f).__name__ for f in facts.facts] == ["CapitalOf"]
    store = FactStore(tmp_path / "store")
    store.save(article, facts)
    ((_, loaded),) = store.load()
    assert loaded == facts  # read back as the record it was
    assert loaded.facts[0].since == dt.date(987, 7, 3) and isinstance(loaded.facts[0].sources[0], Evidence)

    builder = GraphBuilder(resolve_entities([facts]))
    builder.add_entities()
    builder.add_article(article, facts)
    graph = builder.graph
    ((city, country),) = list(graph.subject_objects(KG.locatedIn))
    assert {str(graph.value(city, RDFS.label)), str(graph.value(country, RDFS.label))} == {"Paris", "France"}
    (node,) = graph.subjects(RDF.type, KG.Location)
    assert (graph.value(node, KG.subject), graph.value(node, KG.object)) == (city, country)
    assert not builder.rejected


def test_a_relation_naming_terms_the_ontology_lacks_fails_when_written(capital_facts):
    article, facts = capital_facts
    wrong = facts.facts[0]
    wrong = Misnamed(wrong.city, wrong.country, wrong.evidence, wrong.extractor, wrong.since)
    builder = GraphBuilder(resolve_entities([facts]))
    builder.add_entities()
    builder.add_fact(facts.facts[0])  # control: the declared terms exist
    with pytest.raises(AttributeError, match="capitalOf"):
        builder.add_fact(wrong)


def test_a_fact_type_is_registered_once_and_with_types_the_store_can_read(capital_type):
    assert fact_type(CapitalOf) is CapitalOf  # control: registering the same class again is harmless

    @dataclass(frozen=True)
    class CapitalOf2(CapitalOf):
        pass

    CapitalOf2.__name__ = "CapitalOf"
    with pytest.raises(TypeError, match="registered already"):
        fact_type(CapitalOf2)

    @dataclass(frozen=True)
    class Unreadable:
        evidence: NotDefinedAnywhere  # noqa: F821

    with pytest.raises(TypeError, match="cannot be resolved"):
        fact_type(Unreadable)
    assert "Unreadable" not in FACT_TYPES
