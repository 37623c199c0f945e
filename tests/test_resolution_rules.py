"""The cross-article resolution rules, each on hand-made entities (no model involved)."""

from __future__ import annotations

import pytest

from kg.facts import ArticleFacts, Entity
from kg.resolution import resolve_entities


def article(article_id, *entities):
    """An article whose entities are (type, names...) tuples."""
    made = tuple(Entity(id=f"e{number}", type=etype, names=tuple(names)) for number, (etype, *names) in enumerate(entities))
    _ENTITIES.update({(article_id, e.id): e for e in made})
    return ArticleFacts(article_id, made, ())


def resolve(*articles):
    return resolve_entities(articles)


def node_of(resolution, article_id, name):
    """The node of the entity of ``article_id`` whose names include ``name``."""
    (entity,) = [e for (aid, eid), e in _ENTITIES.items() if aid == article_id and name in e.names]
    return resolution.members[(article_id, entity.id)]


_ENTITIES: dict = {}


def test_nicknames_and_middle_names_join():
    r = resolve(article("a", ("Person", "Fred LaRue")), article("b", ("Person", "Frederick C. LaRue")),
                article("c", ("Person", "Frederick Cheney LaRue")))
    assert node_of(r, "a", "Fred LaRue") == node_of(r, "b", "Frederick C. LaRue") == node_of(r, "c", "Frederick Cheney LaRue")
    assert any("written another way" in m.rule for m in r.merges)


def test_a_name_that_fits_two_different_people_joins_neither():
    r = resolve(article("a", ("Person", "John Smith")), article("b", ("Person", "John Adam Smith")),
                article("c", ("Person", "John Brian Smith")))
    nodes = {node_of(r, "a", "John Smith"), node_of(r, "b", "John Adam Smith"), node_of(r, "c", "John Brian Smith")}
    assert len(nodes) == 3


def test_one_letter_misspellings_join():
    r = resolve(article("a", ("Person", "Wladimir Klitschko")), article("b", ("Person", "Wladimir Klistchko")),
                article("c", ("Place", "Gulf of Aden")), article("d", ("Place", "Gulf of Eden")))
    assert node_of(r, "a", "Wladimir Klitschko") == node_of(r, "b", "Wladimir Klistchko")
    assert node_of(r, "c", "Gulf of Aden") == node_of(r, "d", "Gulf of Eden")


def test_a_name_typed_otherwise_in_a_minority_of_articles_joins_the_majority():
    r = resolve(article("a", ("Organization", "Seacom")), article("b", ("Organization", "Seacom")),
                article("c", ("Person", "Seacom")))
    assert node_of(r, "a", "Seacom") == node_of(r, "c", "Seacom")
    assert r.nodes[node_of(r, "c", "Seacom")].type == "Organization"


def test_an_even_split_of_types_stays_apart():
    r = resolve(article("a", ("Organization", "Jordan")), article("b", ("Person", "Jordan")))
    assert node_of(r, "a", "Jordan") != node_of(r, "b", "Jordan")


def test_a_bare_surname_goes_to_the_person_whose_articles_it_shares():
    r = resolve(
        article("a", ("Person", "George W. Bush", "Bush"), ("Person", "Tony Blair"), ("City", "London")),
        article("b", ("Person", "Reggie Bush", "Bush"), ("Organization", "New Orleans Saints"), ("City", "New Orleans")),
        article("c", ("Person", "Bush"), ("Organization", "New Orleans Saints")),
        article("d", ("Person", "Bush"), ("Person", "Tony Blair")),
    )
    assert node_of(r, "c", "Bush") == node_of(r, "b", "Reggie Bush")
    assert node_of(r, "d", "Bush") == node_of(r, "a", "George W. Bush")
    assert node_of(r, "a", "George W. Bush") != node_of(r, "b", "Reggie Bush")


def test_a_bare_surname_with_no_clue_stays_apart():
    r = resolve(article("a", ("Person", "George W. Bush", "Bush")), article("b", ("Person", "Reggie Bush", "Bush")),
                article("c", ("Person", "Bush"), ("City", "Paris")))
    assert node_of(r, "c", "Bush") not in {node_of(r, "a", "George W. Bush"), node_of(r, "b", "Reggie Bush")}


def test_short_names_other_articles_used_join_their_entity():
    r = resolve(article("a", ("Organization", "New Orleans Saints", "Saints")),
                article("b", ("Organization", "Saints")),
                article("c", ("Organization", "Boston Red Sox")), article("d", ("Organization", "Red Sox")),
                article("e", ("Place", "Gaza Strip")), article("f", ("Place", "Gaza")))
    assert node_of(r, "a", "Saints") == node_of(r, "b", "Saints")
    assert node_of(r, "c", "Boston Red Sox") == node_of(r, "d", "Red Sox")
    assert node_of(r, "e", "Gaza Strip") == node_of(r, "f", "Gaza")


def test_a_city_and_its_province_stay_apart():
    r = resolve(article("a", ("City", "Latakia")), article("b", ("Region", "Latakia province")))
    assert node_of(r, "a", "Latakia") != node_of(r, "b", "Latakia province")


def test_the_label_is_the_name_most_articles_wrote_in_full():
    r = resolve(article("a", ("Person", "Network Wladimir Klitschko")), article("b", ("Person", "Wladimir Klitschko")),
                article("c", ("Person", "Wladimir Klitschko", "Klitschko")))
    assert r.nodes[node_of(r, "b", "Wladimir Klitschko")].label == "Wladimir Klitschko"


def test_a_later_article_that_joins_two_nodes_keeps_the_larger_ones_iri():
    a = article("a", ("Person", "George W. Bush", "Bush"), ("Person", "Tony Blair"))
    b = article("b", ("Person", "Reggie Bush", "Bush"), ("Organization", "New Orleans Saints"))
    b2 = article("b2", ("Person", "Reggie Bush"), ("Organization", "San Diego Chargers"))
    c = article("c", ("Person", "Bush"), ("City", "Paris"))
    first = resolve(a, b, b2, c)
    reggie = node_of(first, "b", "Reggie Bush")
    assert node_of(first, "c", "Bush") != reggie  # no clue yet which Bush
    d = article("d", ("Person", "Reggie Bush"), ("City", "Paris"))
    second = resolve_entities([a, b, b2, c, d], known=first.members)
    assert node_of(second, "c", "Bush") == node_of(second, "b", "Reggie Bush") == reggie


def test_the_order_of_the_articles_does_not_matter():
    arts = [article("m1", ("Person", "George W. Bush", "Bush"), ("Person", "Tony Blair")),
            article("m2", ("Person", "Reggie Bush", "Bush"), ("Organization", "New Orleans Saints")),
            article("a1", ("Person", "Bush"), ("Person", "Tony Blair")),
            article("z1", ("Person", "Bush"), ("Person", "Tony Blair"), ("City", "London"))]
    forward, backward = resolve_entities(arts), resolve_entities(arts[::-1])
    assert forward.members == backward.members
    assert node_of(forward, "z1", "Bush") == node_of(forward, "m1", "George W. Bush")


def test_names_a_gazetteer_typed_keep_their_type():
    houston = ("City", "Houston")
    r = resolve_entities([
        ArticleFacts("h1", (Entity("e0", "City", ("Houston",), link="geonames:4699066"),), ()),
        ArticleFacts("h2", (Entity("e0", "City", ("Houston",), link="geonames:4699066"),), ()),
        ArticleFacts("h3", (Entity("e0", "Person", ("Houston",)),), ())])
    assert r.members[("h3", "e0")] != r.members[("h1", "e0")] == r.members[("h2", "e0")], houston
    r = resolve(article("j1", ("Country", "Jordan")), article("j2", ("Place", "Jordan River")))
    assert node_of(r, "j1", "Jordan") != node_of(r, "j2", "Jordan River")


@pytest.mark.parametrize(("one", "other"), [
    ("John Kerry", "John Perry"), ("Christian Peterson", "Christina Peterson"), ("Francis Smith", "Frances Smith"),
    ("John Paul Jones", "Paul Jones"),
])
def test_different_people_with_close_names_stay_apart(one, other):
    r = resolve(article("a", ("Person", one)), article("b", ("Person", other)))
    assert node_of(r, "a", one) != node_of(r, "b", other)


def test_an_organisation_keeps_its_first_word():
    # "General" is a title before a person's name, not before a company's.
    r = resolve(article("a", ("Organization", "General Motors")), article("b", ("Organization", "Motors")),
                article("c", ("Organization", "Tesla Motors")))
    assert len({node_of(r, "a", "General Motors"), node_of(r, "b", "Motors"), node_of(r, "c", "Tesla Motors")}) == 3


def test_transliterations_join_places_not_organisations():
    r = resolve(article("t1", ("MilitaryBase", "Hmeimim air base")), article("t2", ("MilitaryBase", "Khmeimim air base")),
                article("t3", ("City", "Tartus")), article("t4", ("City", "Tartous")),
                article("t5", ("Organization", "Lyon")), article("t6", ("Organization", "Lion")),
                article("t7", ("Organization", "Lyon")))
    assert node_of(r, "t1", "Hmeimim air base") == node_of(r, "t2", "Khmeimim air base")  # positive controls
    assert node_of(r, "t3", "Tartus") == node_of(r, "t4", "Tartous")
    assert node_of(r, "t5", "Lyon") == node_of(r, "t7", "Lyon")
    assert node_of(r, "t5", "Lyon") != node_of(r, "t6", "Lion")


def test_a_transliteration_never_joins_places_the_gazetteer_tells_apart():
    def city(article_id, name, link):
        return ArticleFacts(article_id, (Entity("e0", "City", (name,), link=link),), ())

    r = resolve_entities([city("k1", "Kenya", "geonames:1"), city("k2", "Kenia", "geonames:2"),
                          city("k3", "Kenia", "geonames:2"), city("k4", "Kenia", None), city("k5", "Kenya", "geonames:1")])
    node = {aid: r.members[(aid, "e0")] for aid in ("k1", "k2", "k3", "k4", "k5")}
    assert node["k1"] != node["k2"]
    assert node["k2"] == node["k3"] and node["k1"] == node["k5"]  # each place still meets its own spellings
    r = resolve_entities([city("s1", "Kenya", "geonames:1"), city("s2", "Kenia", "geonames:1")])
    assert r.members[("s1", "e0")] == r.members[("s2", "e0")]  # one link: one place, however spelt


def test_resolution_gives_a_country_every_id_it_has_and_the_graph_writes_them():
    from rdflib import OWL

    from kg.graph import GraphBuilder

    r = resolve_entities([
        ArticleFacts("c1", (Entity("e0", "Country", ("Syria",), link="iso3166:SY"),), ()),
        ArticleFacts("c2", (Entity("e0", "City", ("Houston",), link="geonames:4699066"),), ())])
    syria, houston = r.nodes[r.members[("c1", "e0")]], r.nodes[r.members[("c2", "e0")]]
    assert syria.links == ("iso3166:SY", "geonames:163843")  # the GeoNames id, found in resolution
    assert houston.links == ("geonames:4699066",)  # control: nothing to derive from a city's id
    builder = GraphBuilder(r)
    builder.add_entities()
    same = {str(o) for _, o in builder.graph.subject_objects(OWL.sameAs)}
    assert same == {"https://sws.geonames.org/163843/", "https://sws.geonames.org/4699066/"}
