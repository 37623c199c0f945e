"""kg's knowledge lives in kg/lexicon's data files, each list once, and not in Python literals."""

from __future__ import annotations

import ast
from collections import Counter
from importlib import resources
from pathlib import Path

import pytest
from spacy.glossary import GLOSSARY

from kg import lexicon

PACKAGE = Path(__file__).resolve().parent.parent / "kg"
FILES = sorted(p.name for p in resources.files(lexicon).iterdir() if p.name.endswith(".tsv"))
LONGEST_LIST = 5
# A literal on a line marked "# format:" names columns, node kinds or ontology classes: code, not knowledge.
FORMAT_MARK = "# format:"


def word_lists(source: str, longest: int = LONGEST_LIST) -> list[tuple[int, int]]:
    """(line, size) of each literal in ``source`` that holds more than ``longest`` strings: a
    list, tuple or set of string constants, a ``"a b c".split()``, or a dict of constants.
    ``__all__``, spaCy's own labels ("nsubj", "VERB") and lines marked ``# format:`` are code."""
    lines = source.splitlines()
    exempt = set()
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "__all__" for t in node.targets):
            exempt.add(id(node.value))
    found = []
    for node in ast.walk(tree):
        if not hasattr(node, "lineno") or id(node) in exempt or FORMAT_MARK in lines[node.lineno - 1]:
            continue
        strings: list[str] = []
        if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
            if all(isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.elts):
                strings = [e.value for e in node.elts]
        elif isinstance(node, ast.Dict):
            if all(isinstance(v, ast.Constant | ast.Tuple) for v in node.values) and all(
                isinstance(k, ast.Constant) and isinstance(k.value, str) for k in node.keys
            ):
                strings = [k.value for k in node.keys]
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "split"
              and isinstance(node.func.value, ast.Constant) and isinstance(node.func.value.value, str)):
            strings = node.func.value.value.split()
        if len(strings) > longest and not all(s in GLOSSARY for s in strings):
            found.append((node.lineno, len(strings)))
    return found


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_word_list_in_python(path):
    found = word_lists(path.read_text(encoding="utf-8"))
    assert not found, f"{path}: word lists belong in kg/lexicon: " + ", ".join(f"line {n} ({k} words)" for n, k in found)


def test_the_word_list_check_finds_word_lists():
    """Positive controls: the check sees each form a word list takes, and lets code through."""
    assert word_lists('VERBS = frozenset({"say", "tell", "add", "note", "insist", "argue"})\n') == [(1, 6)]
    assert word_lists('VERBS = "say tell add note insist argue".split()\n') == [(1, 6)]
    assert word_lists('GENDERS = {"mr": 1, "mrs": 2, "ms": 2, "sir": 1, "lord": 1, "dame": 2}\n') == [(1, 6)]
    assert word_lists('def f(t):\n    return t.lower_ in ("a", "b", "c", "d", "e", "f")\n') == [(2, 6)]
    assert word_lists('DEPS = ("nsubj", "dobj", "pobj", "prep", "conj", "xcomp")\n') == []  # spaCy's labels
    assert word_lists('__all__ = ["a", "b", "c", "d", "e", "f"]\n') == []
    assert word_lists('ROW = ("a", "b", "c", "d", "e", "f")  # format: CSV columns\n') == []
    assert word_lists('RECORD = {"a": f(), "b": 1, "c": 1, "d": 1, "e": 1, "f": 1}\n') == []  # a record built


@pytest.mark.parametrize("name", FILES)
def test_each_lexicon_file_loads_with_each_entry_once(name):
    rows = lexicon.rows(name)
    assert rows, f"{name} is empty"
    duplicates = [row for row, count in Counter(rows).items() if count > 1]
    assert not duplicates, f"{name}: listed twice: {duplicates}"
    if len(rows[0]) == 2 and name not in ("title_abbreviations.tsv", "weekdays.tsv"):
        assert lexicon.word_classes(name)  # class<TAB>word


def test_lexicon_values_the_code_reads():
    assert "mr" in lexicon.words("honorifics.tsv", "male") and "mrs" in lexicon.words("honorifics.tsv", "female")
    assert "dr" not in lexicon.words("honorifics.tsv", "male")
    assert lexicon.table("title_abbreviations.tsv")["sen."] == ("Senator",)
    assert "prime minister" in lexicon.words("titles.tsv", "head_of_state")


def test_the_mention_patterns_load_with_their_word_lists():
    from spacy.matcher import Matcher
    from spacy.vocab import Vocab

    entries = lexicon.patterns("mention_patterns.jsonl")
    assert [e["label"] for e in entries] == ["base", "honorific", "district", "team"]
    base = entries[0]["pattern"]
    assert base[-1]["LOWER"]["IN"] == sorted(lexicon.words("places.tsv", "base_head"))  # the list, read from its file
    assert entries[1]["pattern"][0]["LOWER"]["IN"] == sorted(lexicon.word_classes("honorifics.tsv"))
    matcher = Matcher(Vocab(), validate=True)
    for number, entry in enumerate(entries):
        matcher.add(str(number), [entry["pattern"]])  # spaCy accepts each pattern


@pytest.mark.parametrize("line, message", [
    ('{"label": "x", "pattern": [{"LOWER": {"IN": {"lexicon": "places.tsv", "class": "nowhere"}}}]}', "names no words"),
    ('{"label": "x", "pattern": [{"LOWER": {"IN": {"lexicon": "places.tsv", "klass": "region"}}}]}', "only"),
    ('{"label": "x"}', "pattern"),
    ('{"label": "x", ', "not a JSON object"),
])
def test_a_malformed_pattern_line_is_named(tmp_path, monkeypatch, line, message):
    (tmp_path / "bad.jsonl").write_text(line + "\n", encoding="utf-8")
    (tmp_path / "places.tsv").write_text("region\tprovince\n", encoding="utf-8")
    monkeypatch.setattr(lexicon.resources, "files", lambda package: tmp_path)
    for loader in (lexicon.patterns, lexicon.word_classes):
        loader.cache_clear()
    try:
        with pytest.raises(ValueError, match=rf"bad\.jsonl:1: .*{message}"):
            lexicon.patterns("bad.jsonl")
    finally:
        for loader in (lexicon.patterns, lexicon.word_classes):
            loader.cache_clear()


def test_a_malformed_lexicon_line_is_named(tmp_path, monkeypatch):
    bad = tmp_path / "bad.tsv"
    bad.write_text("# a comment\nvisit\tvisit\nvisit-without-a-tab\n", encoding="utf-8")
    monkeypatch.setattr(lexicon.resources, "files", lambda package: tmp_path)
    lexicon.word_classes.cache_clear()
    try:
        with pytest.raises(ValueError, match=r"bad\.tsv:3"):
            lexicon.word_classes("bad.tsv")
    finally:
        lexicon.word_classes.cache_clear()


def test_the_ner_label_map_is_the_ontologys():
    from kg.extract.mentions import ner_types

    assert ner_types()["PERSON"] == "Person" and ner_types()["GPE"] == "Place" and ner_types()["ORG"] == "Organization"
    assert "NORP" not in ner_types()  # nationalities populate no class


def test_the_prefixes_file_names_the_namespaces_the_code_writes():
    from rdflib import OWL, RDF, RDFS
    from rdflib.namespace import DCTERMS, PROV, SKOS, XSD

    from kg.vocab import KG, PREFIXES, SCHEMA

    expected = {"kg": KG._NS, "rdf": RDF, "rdfs": RDFS, "owl": OWL, "xsd": XSD, "skos": SKOS, "prov": PROV,
                "dcterms": DCTERMS, "schema": SCHEMA}
    assert PREFIXES == {prefix: str(namespace) for prefix, namespace in expected.items()}


def test_the_format_and_node_kind_tables_load():
    from kg.export.rdf import FORMATS
    from kg.graph import NODE_KINDS

    assert FORMATS["turtle"] == ("turtle", ".ttl") and FORMATS["nquads"] == ("nquads", ".nq") and len(FORMATS) == 6
    assert NODE_KINDS[0] == "person" and "role" in NODE_KINDS and len(set(NODE_KINDS)) == len(NODE_KINDS) == 10
