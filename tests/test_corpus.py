"""Real news beyond the samples: a slice of the research corpus builds into a conforming graph."""

from __future__ import annotations

import pytest

from kg.pipeline import build

from .conftest import SHARED

CORPUS = SHARED / "corpus" / "news-4215.jsonl"


@pytest.mark.slow
@pytest.mark.skipif(not CORPUS.is_file(), reason="../shared/corpus (research data) is not present")
def test_corpus_slice_builds_and_conforms(tmp_path):
    lines = CORPUS.read_text(encoding="utf-8").splitlines()
    # every 40th article: BBC, PolNeAR and ECB+ texts alike
    (tmp_path / "slice.jsonl").write_text("\n".join(lines[::40]) + "\n", encoding="utf-8")
    result = build([tmp_path / "slice.jsonl"], tmp_path / "out", formats=("turtle",))
    assert len(result.articles) == len(lines[::40])
    assert not result.skipped
    assert result.validation.conforms, [v.message for v in result.validation.violations][:5]
    facts = sum(len(f.facts) for f in result.facts)
    # a fact whose entity ended up of another type (a person joined to an organization) is
    # reported, not written; it must stay rare
    assert len(result.rejected) <= facts * 0.02, result.rejected
    quotes = sum(1 for f in result.facts for x in f.facts if type(x).__name__ == "Quote")
    assert quotes > len(result.articles)  # news quotes people: more than one quote per article on average


@pytest.mark.slow
@pytest.mark.skipif(not CORPUS.is_file(), reason="../shared/corpus (research data) is not present")
def test_the_first_300_corpus_articles_build_with_exit_0(tmp_path):
    """Real corpora once gave SHACL violations (one office written two ways) and exit 1."""
    from typer.testing import CliRunner

    from kg.cli import app

    lines = CORPUS.read_text(encoding="utf-8").splitlines()[:300]
    (tmp_path / "first.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["build", str(tmp_path / "first.jsonl"), "--out", str(tmp_path / "out"),
                                      "--no-html", "-q"])
    assert result.exit_code == 0, result.output
    assert "300 articles" in result.output


@pytest.mark.skipif(not CORPUS.is_file(), reason="../shared/corpus (research data) is not present")
def test_no_entity_is_named_by_punctuation_alone(tmp_path):
    """Two sports reports once gave an organization named "." (and a SHACL violation on a
    1,000-article build): every label must hold a letter or a digit."""
    import json

    from rdflib.namespace import RDFS

    wanted = {"bbc/sport/184", "bbc/sport/340"}
    records = [line for line in CORPUS.read_text(encoding="utf-8").splitlines() if json.loads(line)["id"] in wanted]
    (tmp_path / "two.jsonl").write_text("\n".join(records) + "\n", encoding="utf-8")
    result = build([tmp_path / "two.jsonl"], None)
    labels = [str(o) for o in result.graph.objects(None, RDFS.label)]
    assert len(labels) > 10  # the control: the two articles name many things
    assert all(any(ch.isalnum() for ch in label) for label in labels), [x for x in labels if not any(c.isalnum() for c in x)]
