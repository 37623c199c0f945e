"""What the issue asks of the two sample articles, read back from the graph with SPARQL."""

from __future__ import annotations

import pytest

from kg.query import run_query

PREFIXES = """
PREFIX kg: <https://w3id.org/kg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""


def select(store, body, **bindings):
    return run_query(store, PREFIXES + body, bindings).rows


def test_putin_visited_the_base_on_2017_12_11(sample_store):
    rows = select(sample_store, """
        SELECT ?date WHERE {
            ?p rdfs:label "Vladimir Putin" ; kg:visited ?base .
            ?base a kg:MilitaryBase .
            ?visit a kg:Visit ; kg:agent ?p ; kg:place ?base ; kg:date ?date .
        }""")
    assert ["2017-12-11"] in rows


def test_the_base_is_one_node_with_all_three_spellings(sample_store):
    rows = select(sample_store, """
        SELECT ?base ?name WHERE {
            ?base a kg:MilitaryBase ; rdfs:label|skos:altLabel ?name .
        }""")
    bases = {base for base, _ in rows}
    assert len(bases) == 1
    others = select(sample_store, """
        SELECT DISTINCT ?e WHERE { ?e rdfs:label|skos:altLabel ?n .
            FILTER (REGEX(?n, "^K?hme[iy]mim", "i")) }""")
    assert len(others) == 1, others  # no stray node carries a spelling of the base
    names = " ".join(name for _, name in rows)
    for spelling in ("Hmeimim", "Hmeymim", "Khmeimim"):
        assert spelling in names


def test_the_base_lies_in_latakia_in_syria(sample_store):
    rows = select(sample_store, """
        SELECT ?region WHERE {
            ?base a kg:MilitaryBase ; kg:locatedIn ?r .
            ?r rdfs:label ?region ; kg:locatedIn ?syria .
            ?syria rdfs:label "Syria" ; a kg:Country .
        }""")
    assert ["Latakia"] in rows


def test_putin_met_assad(sample_store):
    rows = select(sample_store, """
        SELECT ?other WHERE { ?p rdfs:label "Vladimir Putin" ; kg:met ?o . ?o rdfs:label ?other }""")
    assert ["Bashar Assad"] in rows or ["Bashar al-Assad"] in rows
    # kg:met is symmetric and written both ways
    back = select(sample_store, """
        SELECT ?o WHERE { ?a rdfs:label ?assad ; kg:met ?p . ?p rdfs:label "Vladimir Putin" .
                          FILTER(CONTAINS(?assad, "Assad")) }""")
    assert back


def speakers(store):
    return select(store, """
        SELECT ?speaker ?text WHERE { ?p kg:said ?q ; rdfs:label ?speaker . ?q kg:text ?text }""")


def test_at_least_eight_quotes_all_by_putin_or_assad(sample_store):
    rows = speakers(sample_store)
    assert len(rows) >= 8
    assert {speaker for speaker, _ in rows} <= {"Vladimir Putin", "Bashar Assad", "Bashar al-Assad"}


@pytest.mark.parametrize(
    ("start_of_quote", "speaker"),
    [
        ("if the terrorists again raise their heads", "Vladimir Putin"),  # "He added ... that"
        ("Indeed, the threat of terrorism", "Vladimir Putin"),  # "the Russian president noted"
        ("The achievements that have taken place", "Assad"),  # "Assad said"
        ("The task of fighting armed bandits", "Vladimir Putin"),
        ("I congratulate you", "Vladimir Putin"),
        ("I instruct the Defense Minister", "Vladimir Putin"),
    ],
)
def test_quote_is_attributed_to_the_right_person(sample_store, start_of_quote, speaker):
    found = [s for s, text in speakers(sample_store) if text.startswith(start_of_quote)]
    assert found, f"no quote starting {start_of_quote!r}"
    assert all(speaker in s for s in found), found


def test_shoigu_and_rudskoi_are_persons(sample_store):
    rows = select(sample_store, "SELECT ?name WHERE { ?p a kg:Person ; rdfs:label ?name }")
    names = {name for (name,) in rows}
    assert any("Shoigu" in n for n in names)
    assert any("Rudskoi" in n for n in names)


def test_tartus_and_tartous_are_one_place(sample_store):
    rows = select(sample_store, """
        SELECT DISTINCT ?entity ?cls WHERE {
            ?entity a ?cls ; rdfs:label|skos:altLabel ?name .
            FILTER (?name IN ("Tartus", "Tartous"))
        }""")
    assert len({entity for entity, _ in rows}) == 1, rows
    assert rows[0][1].endswith(("#City", "#Place"))


def test_is_and_daesh_are_one_group(sample_store):
    rows = select(sample_store, """
        SELECT DISTINCT ?g ?cls WHERE { ?g a ?cls ; rdfs:label|skos:altLabel ?n .
                                        FILTER (?n IN ("IS", "Daesh", "Islamic State")) }""")
    assert len(rows) == 1, rows
    assert rows[0][1].endswith("#Organization")


def test_roles(sample_store):
    rows = select(sample_store, """
        SELECT ?person ?position WHERE { ?p kg:holdsPosition ?pos ; rdfs:label ?person . ?pos rdfs:label ?position }""")
    assert ["Vladimir Putin", "President of Russia"] in rows
    assert any(person == "Sergei Shoigu" and "Minister" in position for person, position in rows)


def test_every_fact_traces_back_to_its_text(sample_build):
    """The sentence and offsets on each fact node point into the article's text."""
    texts = {a.id: a.text for a in sample_build.articles}
    store_rows = select_all_evidence(sample_build)
    assert store_rows
    for article_id, start, end, sentence, quote_text in store_rows:
        text = texts[article_id]
        if quote_text is not None:
            assert text[start:end] == quote_text
        else:
            assert text[start:end] == sentence


def select_all_evidence(build):
    from kg.query import open_store

    store = open_store(build.outputs["turtle"])
    rows = select(store, """
        PREFIX dcterms: <http://purl.org/dc/terms/>
        SELECT ?id ?start ?end ?sentence ?text WHERE {
            ?f prov:wasDerivedFrom ?a ; kg:startChar ?start ; kg:endChar ?end ; kg:sentence ?sentence .
            ?a dcterms:identifier ?id .
            OPTIONAL { ?f kg:text ?text }
        }""")
    return [(i, int(s), int(e), sent, t) for i, s, e, sent, t in rows]


def test_the_sample_graph_conforms_to_the_shapes(sample_build):
    assert sample_build.validation.conforms, sample_build.validation.text
    assert not sample_build.rejected


def test_titles_that_referred_to_putin_are_alternative_labels(sample_store):
    rows = select(sample_store, """
        SELECT ?alt WHERE { ?p rdfs:label "Vladimir Putin" ; skos:altLabel ?alt }""")
    alts = {alt for (alt,) in rows}
    assert "Putin" in alts
    assert "Russian president" in alts


@pytest.mark.parametrize("name", ["visits", "meetings", "quotes"])
def test_a_bound_date_keeps_the_facts_of_that_day_and_gives_no_other_one_its_date(sample_store, name):
    from kg.query import query_text

    every = run_query(sample_store, query_text(name))
    column = every.columns.index("date")
    days = sorted({row[column] for row in every.rows if row[column]})
    assert every.rows and (days or name != "visits")  # the samples date visits only (the base, 2017-12-11)
    for day in days:
        bound = run_query(sample_store, query_text(name), {"date": day}).rows
        assert sorted(map(tuple, bound)) == sorted(tuple(row) for row in every.rows if row[column] == day)
    assert run_query(sample_store, query_text(name), {"date": "1999-01-01"}).rows == []  # none made up
