"""kg's spaCy components in a pipeline of one's own, with the real model."""

from __future__ import annotations

import pytest

from kg.extract.components import ALIAS_SPANS, AliasMatcher
from kg.gazetteer import Alias, builtin_aliases


@pytest.fixture(scope="module")
def own_nlp():
    from kg.nlp import load_model

    nlp = load_model()
    nlp.add_pipe("kg_alias_matcher")
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
