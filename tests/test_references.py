"""Reference resolution changes nothing: titles travel as records the extractors yield."""

from __future__ import annotations

import pytest

from kg.articles import Article
from kg.extract import EXTRACTORS, OPTIONAL_EXTRACTORS, extract
from kg.extract.references import Reference
from kg.facts import Title

TEXT = ('Russian President Vladimir Putin visited Syria. The Russian president met Bashar Assad at the Hmeimim '
        'air base in Latakia. "We have done our job," the Russian leader told the troops.')
ALL = {**EXTRACTORS, **OPTIONAL_EXTRACTORS}


@pytest.fixture(scope="module")
def parsed(nlp):
    doc = nlp(TEXT)
    doc._.article = Article(id="test", text=TEXT)
    return doc


def state(entities) -> tuple:
    """Everything a DocEntities holds but its cache of clause subjects."""
    return (sorted(k for k in vars(entities) if k != "_subject_memo"), list(entities.entities),
            dict(entities.token_entity), {k: list(v) for k, v in entities.positions.items()},
            dict(entities.genders), dict(entities.by_id))


def test_resolving_writes_nothing(parsed, finder):
    entities = finder(parsed)
    before = state(entities)
    asked = [(t, want) for want in (None, "Person", "Place") for t in parsed]
    first = {(t.i, want): (entities.reference(t, want), entities.resolve(t, want)) for t, want in asked}
    second = {(t.i, want): (entities.reference(t, want), entities.resolve(t, want)) for t, want in reversed(asked)}
    assert first == second
    assert state(entities) == before
    assert not hasattr(entities, "titles")
    president = next(t for t in parsed if t.lower_ == "president" and t.i > 5)  # "The Russian president met"
    assert entities.reference(president, "Person") == Reference(entities.resolve(president, "Person"),
                                                                 "Russian president")


def test_extractors_in_any_order_or_alone_give_the_same(parsed, finder):
    entities = finder(parsed)
    before = state(entities)
    names = list(ALL)
    forward = {name: list(ALL[name](parsed, entities)) for name in names}
    backward = {name: list(ALL[name](parsed, entities)) for name in reversed(names)}
    alone = {name: list(ALL[name](parsed, finder(parsed))) for name in names}
    assert forward == backward == alone
    assert state(entities) == before
    assert any(isinstance(r, Title) for records in forward.values() for r in records)

    everything = extract(parsed, finder)
    reordered = extract(parsed, finder, list(reversed(EXTRACTORS)))
    assert everything.entities == reordered.entities
    assert set(everything.facts) == set(reordered.facts)
    assert not any(isinstance(f, Title) for f in everything.facts)
    # a subset: the same facts from each extractor, and only its own titles
    for name in EXTRACTORS:
        own = extract(parsed, finder, [name])
        assert set(own.facts) <= set(everything.facts)
        titles = {(t.entity, t.text) for t in forward[name] if isinstance(t, Title)}
        assert {(e.id, t) for e in own.entities for t in e.titles} == titles


def test_a_title_becomes_a_label(parsed, finder):
    labels = {e.names[0]: e.titles for e in extract(parsed, finder).entities}
    assert labels["Vladimir Putin"] == ("Russian leader", "Russian president")
    # quotes name him "the Russian leader"; the events, "the Russian president"
    assert {e.names[0]: e.titles for e in extract(parsed, finder, ["quotes.v1"]).entities}["Vladimir Putin"] == (
        "Russian leader",)
    assert {e.names[0]: e.titles for e in extract(parsed, finder, ["events.v2"]).entities}["Vladimir Putin"] == (
        "Russian president",)
    assert not any(e.titles for e in extract(parsed, finder, ["roles.v1", "locations.v1"]).entities)


@pytest.mark.parametrize(("text", "holder"), [
    # the only senator with an office written is Ohio's: "the Vermont senator" is not her
    ("Bernie Sanders spoke on Sunday. Former Ohio state Sen. Nina Turner was there. "
     "The Vermont senator said he would stay in the race.", None),
    # controls: the state agrees, and a holder whose state is not written
    ("Former Ohio state Sen. Nina Turner spoke on Sunday. The Ohio senator said she would vote.", "Nina Turner"),
    ("Sen. Ted Cruz spoke on Sunday. The Texas senator said he would win.", "Ted Cruz"),
    # a state of two words is one state, not the one its last word names
    ("West Virginia Sen. Joe Manchin spoke on Sunday. The Virginia senator said he would vote.", None),
    ("West Virginia Sen. Joe Manchin spoke on Sunday. The West Virginia senator said he would vote.", "Joe Manchin"),
])
def test_a_title_with_a_state_resolves_to_no_holder_of_another_state(nlp, finder, text, holder):
    doc = nlp(text)
    entities = finder(doc)
    senator = next(t for t in doc if t.lower_ == "senator")
    found = entities.reference(senator, want="Person")
    assert (entities.by_id[found.entity].names[0] if found else None) == holder


@pytest.mark.parametrize("text, pronoun_is", [
    # the owner of a clause's subject that is no person: "Sanders' largest event ... when he", though
    # another person was the subject of the sentence before
    ("Bernie Sanders campaigned in Ohio. Hillary Clinton spoke too.\n\nSanders' largest event was two weeks ago, "
     "when he drew 7,000 people to a park in Louisville.", "Bernie Sanders"),
    # the controls: the owner's person is someone else, who is no entity ("Putin's spokesman ... he");
    # a person subject above the owner's clause, or in the sentence before, comes first
    ("Barack Obama flew to Paris. Vladimir Putin's spokesman said on Monday that he had not spoken to anyone.",
     "Barack Obama"),
    ("President Barack Obama said Monday that Vladimir Putin's decision to annex Crimea was illegal and that he "
     "would impose sanctions.", "Barack Obama"),
    ("Donald Trump spoke in Ohio. Hillary Clinton's campaign called the speech dangerous. He later defended the "
     "remarks.", "Donald Trump"),
])
def test_a_pronoun_can_refer_to_the_owner_of_the_clause_subject(nlp, finder, text, pronoun_is):
    doc = nlp(text)
    doc._.article = Article(id="t", text=text)
    entities = finder(doc)
    pronoun = next(t for t in doc if t.lower_ in ("he", "she"))
    assert entities.by_id[entities.resolve(pronoun, want="Person")].names[0] == pronoun_is


def test_a_surname_before_a_possessive_opens_a_sentence_as_the_person(nlp, finder):
    def names(text):
        doc = nlp(text)
        doc._.article = Article(id="t", text=text)
        return [e.names for e in finder(doc).entities if e.type == "Person"]

    assert ("Bernie Sanders", "Sanders") in names("Bernie Sanders spoke.\n\nSanders' largest event was in May.")
    # the control: a word the article also writes in lower case is that word ("the banks")
    assert names("Andrew Banks runs the fund.\n\nBanks' profits fell as the banks cut rates.") == [("Andrew Banks",)]
