"""The learned event model: candidates, the shipped model file, kg train, planned events."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from kg.errors import InputError
from kg.extract.event_model import CLASSES, EventModel, default_model
from kg.lexicon import word_classes

WEDNESDAY = dt.date(2019, 3, 6)


def test_the_shipped_model_loads_offline_and_scores():
    model = default_model()
    assert model.meta["articles"] >= 100 and len(model.weights) > 100
    probabilities = model.probabilities({"visit:agent": 1.0, "visit:lca_class=visit": 1.0})
    assert abs(sum(probabilities) - 1) < 1e-9
    assert probabilities[CLASSES.index("fact")] > model.probabilities({"bias:visit": 1.0})[CLASSES.index("fact")]


@pytest.mark.parametrize("content, message", [
    ("not json", "invalid JSON"),
    ('{"format": "something-else"}', "not an events model"),
])
def test_a_bad_model_file_is_named(tmp_path, content, message):
    path = tmp_path / "model.json"
    path.write_text(content)
    with pytest.raises(InputError, match=message) as caught:
        EventModel.load(path)
    assert str(path) in str(caught.value)
    with pytest.raises(InputError, match="no such events model"):
        EventModel.load(tmp_path / "missing.json")


def test_the_shipped_model_decides_a_visit_from_the_whole_article():
    pair = default_model().pair
    assert pair is not None and 0 < pair.thresholds["visit"] < 1
    weak = {"visit:bias": 1.0, "visit:logit1": -2.0, "visit:best=1": 1.0, "visit:sentences=1": 1.0}
    strong = {**weak, "visit:logit1": 2.0, "visit:best=1": 0.0, "visit:best=8": 1.0}
    ruled = {**weak, "visit:any_rule": 1.0}  # a grammar rule fired in one of its sentences
    in_lede = {**weak, "visit:a_lede": 1.0, "visit:b_lede": 1.0}
    for better in (strong, ruled, in_lede):
        assert pair.probability(better) > pair.probability(weak)
    assert pair.probability(strong) >= pair.thresholds["visit"] > pair.probability(weak)


def test_a_model_without_the_pair_stage_still_loads(tmp_path):
    shipped = default_model().to_json()
    del shipped["pair"]
    shipped["format"] = "kg-events-model/1"
    path = tmp_path / "v1.json"
    path.write_text(json.dumps(shipped))
    old = EventModel.load(path)
    assert old.pair is None and old.weights == default_model().weights
    shipped = default_model().to_json()
    shipped["pair"]["thresholds"]["visit"] = 2.0
    path.write_text(json.dumps(shipped))
    with pytest.raises(InputError, match="pair thresholds must be probabilities") as caught:
        EventModel.load(path)
    assert str(path) in str(caught.value)


def test_trigger_classes_are_data():
    classes = word_classes("event_triggers.tsv")
    assert "visit" in classes["visit"] and "meet" in classes["meet"] and "cancel" in classes["postpone"]


@pytest.mark.parametrize(("text", "person", "place"), [
    ("Angela Merkel was speaking in Lisbon on Tuesday.", "Angela Merkel", "Lisbon"),
    ("Angela Merkel told a rally in Denver that the economy was strong.", "Angela Merkel", "Denver"),
    ("German Chancellor Angela Merkel met the ambassador on Monday. The chancellor then flew to Paris.",
     "Angela Merkel", "Paris"),
    ("Mike Pompeo visited Kyiv on Tuesday.", "Mike Pompeo", "Kyiv"),
])
def test_presence_said_in_many_ways(extract_text, text, person, place):
    assert (person, place) in {(p, pl) for p, pl, _ in extract_text(text, WEDNESDAY).visits}


def test_every_level_of_place_is_a_visit(extract_text):
    found = extract_text("Angela Merkel visited the Blue Mosque in Istanbul during her trip to Turkey.").visits
    assert {pl for _, pl, _ in found} >= {"Blue Mosque", "Istanbul", "Turkey"}


def test_a_gazetteer_place_is_no_person_and_no_one_meets_it(extract_text):
    found = extract_text("Mike Pompeo visited Kyiv on Tuesday.", WEDNESDAY)
    assert found.types["Kyiv"] != "Person"
    assert not found.meetings
    assert ("Mike Pompeo", "Kyiv", dt.date(2019, 3, 5)) in found.visits  # positive control, dated by its clause


@pytest.mark.parametrize(("text", "status"), [
    ("Angela Merkel will visit Paris next week.", "planned"),
    ("Angela Merkel is due to visit Paris on Friday.", "planned"),
    ("Angela Merkel was invited to visit Paris.", "planned"),
    ("Angela Merkel cancelled her visit to Paris.", "cancelled"),
    ("Angela Merkel postponed her trip to Paris.", "cancelled"),
])
def test_planned_and_cancelled_visits_are_kept_apart(extract_text, text, status):
    found = extract_text(text, WEDNESDAY)
    assert not found.visits
    assert ("Visit", frozenset({"Angela Merkel", "Paris"}), status) in found.planned


@pytest.mark.parametrize("text", [
    "Angela Merkel is meeting Emmanuel Macron on Thursday.",
    "Angela Merkel spoke by phone with Emmanuel Macron.",
    "Angela Merkel did not go to Paris.",
])
def test_futures_calls_and_denials_are_no_facts(extract_text, text):
    found = extract_text(text, WEDNESDAY)
    assert not found.visits and not found.meetings


def test_a_planned_visit_is_queryable_and_never_visited(tmp_path):
    from kg.pipeline import build
    from kg.query import open_store, query_text, run_query

    article = tmp_path / "a.txt"
    article.write_text("Merkel plans\ndate 2019-03-06\nAngela Merkel will visit Paris next week. "
                       "Emmanuel Macron visited Berlin on Tuesday.\n")
    result = build([article], tmp_path / "out", formats=("turtle",))
    assert result.validation.conforms
    store = open_store(result.outputs["turtle"])
    planned = run_query(store, query_text("planned"))
    assert [tuple(row[:4]) for row in planned.rows] == [("visit", "planned", "Angela Merkel", "Paris")]
    visits = {tuple(row[:2]) for row in run_query(store, query_text("visits")).rows}
    assert visits == {("Emmanuel Macron", "Berlin")}  # the asserted one is there, the planned one is not
    label = "<http://www.w3.org/2000/01/rdf-schema#label>"
    ask = "PREFIX kg: <https://w3id.org/kg/ontology#> ASK { ?p kg:visited ?x . ?x %s '%s' }"
    assert run_query(store, ask % (label, "Berlin")) is True
    assert run_query(store, ask % (label, "Paris")) is False


def _gold(text: str, facts: list, planned: list, entities: list, article_id: str) -> dict:
    return {"id": article_id, "text": text, "date": "2019-03-06", "entities": entities,
            "facts": facts, "facts_planned": planned, "scope": "events"}


def test_kg_train_on_a_tiny_gold_file(tmp_path):
    from typer.testing import CliRunner

    from kg.cli import app

    cast = [("Angela Merkel", "Merkel", "Emmanuel Macron", "Paris"),
            ("Boris Johnson", "Johnson", "Justin Trudeau", "Ottawa"),
            ("Jacinda Ardern", "Ardern", "Scott Morrison", "Sydney")]
    records = []
    for n, (name, surname, other, place) in enumerate(cast):
        people = [{"name": name, "type": "Person", "aliases": [name, surname]},
                  {"name": other, "type": "Person", "aliases": [other]},
                  {"name": place, "type": "City", "aliases": [place]}]
        visit = {"rel": "visited", "subject": name, "object": place}
        records.append(_gold(f"{name} visited {place} on Monday. {other} criticised {surname}.",
                             [{**visit, "date": "2019-03-04", "evidence": f"{name} visited {place} on Monday"}],
                             [], people, f"a{n}"))
        records.append(_gold(f"{name} will visit {place} next week. {other} met {name}.",
                             [{"rel": "met", "subject": other, "object": name, "date": None,
                               "evidence": f"{other} met {name}"}],
                             [{**visit, "date": None, "evidence": f"{name} will visit {place} next week"}],
                             people, f"b{n}"))
    gold = tmp_path / "gold.jsonl"
    gold.write_text("".join(json.dumps(r) + "\n" for r in records))
    model_path = tmp_path / "model.json"
    result = CliRunner().invoke(app, ["train", str(gold), "--out", str(model_path), "--c", "10"])
    assert result.exit_code == 0, result.output
    assert "6 articles" in result.output
    trained = EventModel.load(model_path)
    assert trained.meta["positives"] == {"none": trained.meta["examples"] - 9, "fact": 6, "planned": 3}

    article = tmp_path / "new.txt"
    article.write_text("Angela Merkel visited Paris on Monday.\n")
    built = CliRunner().invoke(app, ["build", str(article), "--out", str(tmp_path / "out"), "--no-html",
                                     "--events-model", str(model_path)])
    assert built.exit_code == 0, built.output
    assert "1 visited" in built.output
    bad = CliRunner().invoke(app, ["build", str(article), "--out", str(tmp_path / "out2"),
                                   "--events-model", str(gold)])
    assert bad.exit_code == 2 and "not an events model" in bad.output


def test_offsets_only_annotations_are_filled_from_the_texts(tmp_path):
    from kg.train import with_text

    text = "Angela Merkel visited Paris on Monday."
    record = {"id": "a1", "entities": [{"name": [0, 13], "type": "Person", "aliases": [[0, 13]]},
                                       {"name": [22, 27], "type": "City", "aliases": [[22, 27]]}],
              "facts": [{"rel": "visited", "subject": 0, "object": 1, "date": None, "evidence": [0, 27]}]}
    filled = with_text(record, {"a1": {"id": "a1", "text": text}}, tmp_path / "gold.jsonl", 1)
    assert filled["facts"] == [{"rel": "visited", "subject": "Angela Merkel", "object": "Paris", "date": None,
                                "evidence": "Angela Merkel visited Paris"}]
    with pytest.raises(InputError, match="no --texts file holds it"):
        with_text(record, {}, tmp_path / "gold.jsonl", 1)
    record["entities"][0]["name"] = [30, 99]
    with pytest.raises(InputError, match="bad character span"):
        with_text(record, {"a1": {"id": "a1", "text": text}}, tmp_path / "gold.jsonl", 1)


def test_a_planned_visit_keeps_its_own_sentence(extract_text):
    found = extract_text("Putin spoke about Syria on Monday. Putin plans to visit Syria next month.")
    (planned,) = [f for f in found.of("Visit") if f.status is not None]
    assert planned.status == "planned" and planned.evidence.sentence.startswith("Putin plans to visit")
    assert not found.visits


def test_a_negated_visit_is_denied(extract_text):
    found = extract_text("Angela Merkel did not visit Paris.")
    assert not found.visits
    assert ("Visit", frozenset({"Angela Merkel", "Paris"}), "denied") in found.planned


@pytest.mark.parametrize("text, name", [("Austin said the team would win.", "Austin"),
                                        ("Coach Phoenix told the players to rest.", "Phoenix")])
def test_a_place_name_as_a_clause_subject_stays_a_person(extract_text, text, name):
    found = extract_text(text)
    assert found.types[name] == "Person"
    assert extract_text("Mike Pompeo flew to Austin on Tuesday.").types["Austin"] != "Person"  # positive control


@pytest.mark.parametrize(("text", "pair"), [
    ("The awards ceremony was held in Pasadena on Sunday. Mel Gibson said backstage at the event that he was "
     "delighted.", ("Mel Gibson", "Pasadena")),
    ("The summit opened in Lisbon on Monday. Angela Merkel told reporters at the summit that talks had gone well.",
     ("Angela Merkel", "Lisbon")),
])
def test_a_gathering_named_with_its_place_earlier_gives_its_participants_a_visit_candidate(nlp, finder, text, pair):
    from kg.articles import Article
    from kg.extract.candidates import candidates

    def through_gathering(text):
        doc = nlp(text)
        doc._.article = Article(id="t", text=text)
        entities = finder(doc)
        return {(entities.by_id[c.first].names[0], entities.by_id[c.second].names[0]) for c in candidates(doc, entities)
                if c.features.get("visit:via_gathering")}

    assert pair in through_gathering(text)
    # the control: the same gathering with no place said for it gives no such candidate
    assert not through_gathering(text.replace(" in Pasadena", "").replace(" in Lisbon", ""))


def test_the_people_of_a_group_are_candidates_each(nlp, finder):
    from kg.extract.candidates import candidates

    doc = nlp("Ted Cruz and Donald Trump spoke on Friday. Speaking at the convention in Myrtle Beach, the two "
              "candidates dialed down the rhetoric.")
    entities = finder(doc)
    name = {e.id: max(e.names, key=len) for e in entities.entities}
    grouped = {(c.kind, name[c.first], name[c.second]) for c in candidates(doc, entities)
               if c.features.get(f"{c.kind}:kind_a=group") or c.features.get(f"{c.kind}:kind_b=group")}
    assert {("visit", "Ted Cruz", "Myrtle Beach"), ("visit", "Donald Trump", "Myrtle Beach")} <= grouped
    assert any(kind == "meet" for kind, _, _ in grouped)  # the two of one group are paired


DATELINED = ("Cruz steps up his attacks.\n\nThe senator spoke for an hour.\n\nLA CROSSE, Wisc. - Sen. Ted Cruz "
             "attacked Donald Trump on Saturday. Cruz told supporters at a rally here that he would win.")


def test_the_dateline_names_a_place_whatever_the_model_made_of_its_capitals(nlp, finder):
    from kg.articles import Article

    def dateline_of(text):
        doc = nlp(text)
        doc._.article = Article(id="t", text=text)
        entities = finder(doc)
        return entities.by_id[entities.dateline].names if entities.dateline else None, \
            {n: e.type for e in entities.entities for n in e.names}

    place, types = dateline_of(DATELINED)
    assert place == ("LA CROSSE",) and types["LA CROSSE"] == "City"
    assert "LA" not in types  # not Los Angeles, the first word of the name
    place, types = dateline_of(DATELINED.replace("LA CROSSE, Wisc.", "WINSTON-SALEM, N.C."))
    assert place == ("WINSTON-SALEM",) and types["WINSTON-SALEM"] == "City"
    # the controls: no dateline, and capitals before a hyphen or a headline's dash that are none
    assert dateline_of(DATELINED.replace("LA CROSSE, Wisc. - ", ""))[0] is None
    assert dateline_of("US-led jets struck Raqqa.\n\nTed Cruz spoke at a rally here.")[0] is None
    assert dateline_of("UN - Syria talks collapse\n\nGENEVA - Ted Cruz spoke here.")[0] == ("GENEVA",)


def test_here_in_a_datelined_article_is_the_place_of_the_dateline(nlp, finder):
    from kg.articles import Article
    from kg.extract.candidates import candidates

    def here_visits(text):
        doc = nlp(text)
        doc._.article = Article(id="t", text=text)
        entities = finder(doc)
        name = {e.id: max(e.names, key=len) for e in entities.entities}
        return {(name[c.first], name[c.second]) for c in candidates(doc, entities)
                if c.kind == "visit" and c.features.get("visit:kind_b=here")}

    assert ("Ted Cruz", "LA CROSSE") in here_visits(DATELINED)
    # "here in Iowa" means Iowa, not the dateline's place; with no dateline, "here" is nowhere;
    # "Here is what he said" points at what follows
    assert not here_visits(DATELINED.replace("here", "here in Iowa"))
    assert not here_visits(DATELINED.replace("LA CROSSE, Wisc. - ", ""))
    assert not here_visits(DATELINED.replace("Cruz told supporters at a rally here that he would win.",
                                             "Here is what Cruz told supporters."))


def test_the_dateline_place_stays_a_place_beside_its_team(nlp, finder):
    from kg.articles import Article

    text = "CLEVELAND - The Cavaliers beat the Bulls 99-90 on Sunday. Cleveland scored first and Cleveland led the game."
    doc = nlp(text)
    doc._.article = Article(id="t", text=text)
    entities = finder(doc)
    types = {name: e.type for e in entities.entities for name in e.names}
    assert types["CLEVELAND"] == "City" and entities.by_id[entities.dateline].names == ("CLEVELAND",)
    assert types["Cleveland"] == "Organization"  # the control: the team that scored is still the team
