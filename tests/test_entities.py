"""Entity typing repairs and in-article joins, on small texts with the real model."""

from __future__ import annotations

import json

import pytest

from kg.pipeline import build


@pytest.fixture(scope="module")
def entities_of(nlp, finder):
    def run(text):
        return {max(e.names, key=len): (e.type, e.canonical) for e in finder(nlp(text)).entities}

    return run


@pytest.mark.parametrize(
    ("text", "name", "kind"),
    [
        ("Putin made a stopover at the Hmeimim air base in Syria.", "Hmeimim air base", "MilitaryBase"),
        ("The ships use a naval facility in Tartous.", "Tartous", "City"),
        ("Clinton visited the memorial in Washington, D.C. on Thursday.", "Washington, D.C.", "City"),
        ("Megyn Kelly was seen entering Trump Tower in New York City.", "Trump Tower", "Place"),
        ("The Colts beat the Chiefs on Sunday.", "Colts", "Organization"),
        ("Troops fought Daesh near Raqqa.", "Daesh", "Organization"),
        ("Mr Straw insisted there was nothing to fear.", "Straw", "Person"),
        ("He toured Latakia province on Monday.", "Latakia", "Region"),
    ],
)
def test_types_repaired_by_context(entities_of, text, name, kind):
    assert entities_of(text)[name][0] == kind


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        ("The Russians left the city.", "Russians"),
        ("Trump energised the Republican base in Ohio.", "Republican base"),
    ],
)
def test_no_entity_where_there_is_none(entities_of, text, absent):
    assert absent not in entities_of(text)


def test_party_nicknames_join_their_party(entities_of):
    found = entities_of("The Tories attacked the Lib Dems over tax.")
    assert found["Tories"] == ("Organization", "Conservative Party")
    assert found["Lib Dems"] == ("Organization", "Liberal Democrats")


def test_surname_typed_as_organization_is_the_person(entities_of):
    found = entities_of("Donald Trump spoke in Ohio. Later, Trump left for Indiana.")
    assert found["Donald Trump"][0] == "Person"
    assert "Trump" not in found  # joined to Donald Trump, not an organization of its own


def test_acronyms_and_company_suffixes_join_across_articles(tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in [
        {"id": "1", "text": "Hewlett-Packard Co. said on Monday it would buy EYP."},
        {"id": "2", "text": "HP bought EYP for an undisclosed sum, HP said."},
        {"id": "3", "text": "Advanced Micro Devices (AMD) bought SeaMicro."},
        {"id": "4", "text": "AMD shares rose after the deal."},
    ]))
    nodes = build([path], None, validate_graph=False).resolution.nodes.values()
    names = [{n.label, *n.alt_labels} for n in nodes if n.type == "Organization"]
    assert any({"HP", "Hewlett-Packard Co."} <= group for group in names), names
    assert any({"AMD", "Advanced Micro Devices"} <= group for group in names), names
