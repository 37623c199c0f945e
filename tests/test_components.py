"""kg's spaCy components in a pipeline of one's own, with the real model."""

from __future__ import annotations

import pytest

import spacy
from spacy.tokens import Doc, DocBin

from kg.extract.components import ALIAS_SPANS, MENTION_SPANS, AliasMatcher, MentionPatterns
from kg.gazetteer import Alias, builtin_aliases


@pytest.fixture(scope="module")
def own_nlp():
    from kg.nlp import load_model

    nlp = load_model()
    nlp.add_pipe("kg_alias_matcher")
    nlp.add_pipe("kg_mention_patterns")
    return nlp


def test_alias_matcher_in_a_pipeline(own_nlp):
    doc = own_nlp("The town is held by IS. The group is also called Daesh, and the Taliban denied it.")
    spans = doc.spans[ALIAS_SPANS]
    assert [s.text for s in spans] == ["IS", "Daesh", "Taliban"]  # "is", a verb, is no name; "the" dropped
    assert not own_nlp("WHAT IS THIS").spans[ALIAS_SPANS]  # "IS" written as a verb: tagged AUX, skipped
    matcher = own_nlp.get_pipe("kg_alias_matcher")
    assert [matcher.alias(s).canonical for s in spans] == ["Islamic State", "Islamic State", "Taliban"]
    assert matcher.alias(spans[0]).wikidata == "Q2429253"


def test_alias_matcher_from_a_users_file(own_nlp, tmp_path):
    path = tmp_path / "aliases.csv"
    path.write_text("surface,canonical,type,wikidata\nAcme Widgets,Acme Widgets Inc,Organization,\n",
                    encoding="utf-8")
    nlp = own_nlp.__class__(own_nlp.vocab)  # tokenizer only: no tagger, so no verb rule
    nlp.add_pipe("kg_alias_matcher", config={"aliases": str(path), "builtin": False})
    doc = nlp("Shares of acme widgets rose; IS fell.")
    assert [(s.text, nlp.get_pipe("kg_alias_matcher").alias(s).canonical) for s in doc.spans[ALIAS_SPANS]] == [
        ("acme widgets", "Acme Widgets Inc")]


def test_leftmost_match_wins_over_a_longer_later_one(nlp):
    # spacy.util.filter_spans would keep the longer "al-Nusra Front fighters"; kg keeps the earlier match.
    matcher = AliasMatcher(nlp.tokenizer, [*builtin_aliases(),
                                           Alias("al-Nusra Front fighters", "Nusra fighters", "Organization", None)])
    doc = matcher(nlp("Jabhat al-Nusra Front fighters attacked."))
    assert [s.text for s in doc.spans[ALIAS_SPANS]] == ["Jabhat al-Nusra"]


def test_finder_reads_the_pipelines_spans_only_from_its_own_table(own_nlp, finder):
    doc = own_nlp("Daesh fighters fled.")
    group = doc.spans[ALIAS_SPANS]
    assert finder._mentions._aliases.spans(doc) is group  # the pipeline's own, not found again
    other = AliasMatcher(own_nlp.tokenizer, [Alias("fighters", "Fighters", "Organization", None)])
    assert [s.text for s in other.spans(doc)] == ["fighters"]  # another table: found again


def test_the_factory_is_found_by_entry_point_without_importing_kg():
    """An installed kg declares kg_alias_matcher under spaCy's ``spacy_factories`` entry point."""
    import subprocess
    import sys

    script = ("import spacy, sys; nlp = spacy.blank('en'); nlp.add_pipe('kg_alias_matcher'); "
              "doc = nlp('Fighters of Daesh fled.'); print([s.text for s in doc.spans['kg_aliases']]); "
              "print('kg.extract.components' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout.split("\n")
    assert out[0] == "['Daesh']"
    assert out[1] == "True"  # spaCy imported the module through the entry point, not the script


def test_mention_patterns_in_a_pipeline(own_nlp):
    doc = own_nlp("Mr Straw flew to the Hmeimim air base in Syria. She moved to Washington, D.C. last year.")
    # In the patterns' order (bases, honorifics, districts, teams), each kind in text order.
    group = doc.spans[MENTION_SPANS]
    assert [(s.text, s.label_, MentionPatterns.name(group, s)) for s in group] == [
        ("Hmeimim air base", "base", "Hmeimim"), ("Straw", "honorific", None),
        ("Washington, D.C.", "district", None)]
    (copy,) = DocBin(docs=[doc], store_user_data=False).get_docs(own_nlp.vocab)
    group = copy.spans[MENTION_SPANS]  # the names travel with the serialised Doc
    assert [MentionPatterns.name(group, s) for s in group] == ["Hmeimim", None, None]
    assert [own_nlp.get_pipe("kg_mention_patterns").type(s) for s in doc.spans[MENTION_SPANS]] == [
        "MilitaryBase", "Person", "City"]


@pytest.fixture(scope="module")
def patterns_only():
    """A pipeline of the mention patterns alone, for documents annotated by hand."""
    nlp = spacy.blank("en")
    nlp.add_pipe("kg_mention_patterns")
    return nlp


def annotated(nlp, text: str) -> Doc:
    """A Doc from ``word/POS`` or ``word/POS/entity-tag`` items ("Washington/PROPN/B-GPE"); a
    sentence starts at the first word only; no space before "," or "."."""
    items = [item.split("/") for item in text.split()]
    words = [item[0] for item in items]
    spaces = [i + 1 < len(words) and words[i + 1] not in (",", ".") for i in range(len(words))]
    return Doc(nlp.vocab, words=words, spaces=spaces, pos=[item[1] for item in items],
               ents=[item[2] if len(item) > 2 else "O" for item in items],
               sent_starts=[i == 0 for i in range(len(words))])


@pytest.mark.parametrize("text, expected", [
    # base: name-like words, base modifiers, a base word
    ("Jets/NOUN left/VERB the/DET Hmeimim/PROPN air/NOUN base/NOUN", [("Hmeimim air base", "base", "Hmeimim")]),
    ("near/ADP Latakia/PROPN Hmeimim/PROPN Air/PROPN Base/PROPN",  # the name is the whole run of names
     [("Latakia Hmeimim Air Base", "base", "Latakia Hmeimim")]),
    ("He/PRON courted/VERB the/DET Republican/ADJ base/NOUN", []),  # a voter base
    ("Jets/NOUN left/VERB the/DET Hmeimim/PROPN bases/NOUN", []),  # several bases, no one's name
    ("Jets/NOUN left/VERB the/DET air/NOUN base/NOUN", []),  # no name
    # honorific: the one to three capitalised words after it
    ("Later/ADV Mr/PROPN Straw/PROPN said/VERB so/ADV", [("Straw", "honorific", None)]),
    ("Later/ADV Mr/PROPN Jack/PROPN Straw/PROPN Smith/PROPN Jones/PROPN", [("Jack Straw Smith", "honorific", None)]),
    ("Later/ADV mr/PROPN Straw/PROPN said/VERB so/ADV", []),  # an honorific is capitalised
    ("Later/ADV Mr/PROPN said/VERB so/ADV", []),
    # district: a place, a comma, D.C.
    ("in/ADP Washington/PROPN/B-GPE ,/PUNCT D.C./PROPN", [("Washington, D.C.", "district", None)]),
    ("in/ADP Washington/PROPN ,/PUNCT D.C./PROPN", []),  # no place before it
    ("in/ADP Seattle/PROPN/B-GPE ,/PUNCT WA/PROPN", []),
    # team: "the" and a capitalised plural no entity claims, with no name after it
    ("Fans/NOUN cheered/VERB the/DET Colts/PROPN", [("Colts", "team", None)]),
    ("Fans/NOUN cheered/VERB the/DET Colts/PROPN Stadium/PROPN", []),  # a longer name
    ("Fans/NOUN cheered/VERB the/DET Russians/PROPN", []),  # a nationality
    ("Fans/NOUN cheered/VERB the/DET Colts/PROPN/B-ORG", []),  # the model saw an entity
])
def test_each_mention_pattern(patterns_only, text, expected):
    doc = patterns_only(annotated(patterns_only, text))
    group = doc.spans[MENTION_SPANS]
    assert [(s.text, s.label_, MentionPatterns.name(group, s)) for s in group] == expected


def test_a_base_name_is_at_most_six_words(patterns_only):
    # The base pattern reads at most six name words before "air base", so a run of 3,000
    # capitalised words (a page of headlines) is matched in linear time (unbounded, the
    # Matcher took minutes on it) and is no base's name.
    run = " ".join(["Name/PROPN"] * 3000)
    doc = patterns_only(annotated(patterns_only, run + " Hmeimim/PROPN air/NOUN base/NOUN"))
    assert list(doc.spans[MENTION_SPANS]) == []
    six = " ".join(["Name/PROPN"] * 5)  # control: a name of six words is one
    doc = patterns_only(annotated(patterns_only, "near/ADP " + six + " Hmeimim/PROPN air/NOUN base/NOUN"))
    group = doc.spans[MENTION_SPANS]
    assert [MentionPatterns.name(group, s) for s in group] == ["Name Name Name Name Name Hmeimim"]


def test_finder_reads_the_pipelines_mention_spans(own_nlp, finder):
    doc = own_nlp("Mr Straw spoke.")
    group = doc.spans[MENTION_SPANS]
    assert finder._mentions._patterns.spans(doc) is group  # the pipeline's own, not found again
    doc.spans[MENTION_SPANS] = [doc[0:1]]  # written by something else: found again
    assert [s.text for s in finder._mentions._patterns.spans(doc)] == ["Straw"]


def test_each_declared_factory_is_registered():
    """pyproject.toml's ``spacy_factories`` entry points name kg's factories under their own names
    (the installed metadata may lag behind a checkout; this reads the declaration)."""
    import importlib
    import tomllib
    from pathlib import Path

    project = tomllib.loads((Path(__file__).resolve().parent.parent / "pyproject.toml").read_text(encoding="utf-8"))
    declared = project["project"]["entry-points"]["spacy_factories"]
    assert {"kg_alias_matcher", "kg_mention_patterns"} <= set(declared)
    for name, target in declared.items():
        module, function = target.split(":")
        assert getattr(importlib.import_module(module), function) is spacy.registry.factories.get(name)
