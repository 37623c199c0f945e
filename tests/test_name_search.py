"""kg's one name search: longest matches of a table's names under a named overlap rule.

The three hypothesis properties run 1,000 examples each and are marked slow (``make test`` runs them)."""

from __future__ import annotations

import re

import pytest
import spacy
from hypothesis import given, settings
from hypothesis import strategies as st
from spacy.tokens import Doc
from spacy.util import filter_spans

from kg.extract.name_search import Match, Overlap, choose, longest_matches

LEFT, LONGEST = Overlap.LEFTMOST_LONGEST, Overlap.LONGEST_FIRST
VOCAB = spacy.blank("en").vocab


def names(words: str, *table: str, overlap: Overlap, **options) -> list[str]:
    """The names ``longest_matches`` finds in ``words``, a table of space-separated names."""
    split = words.split()
    found = longest_matches(split, {tuple(name.split()): name for name in table}, overlap, **options)
    assert [" ".join(split[m.start:m.end]) for m in found] == [m.value for m in found]
    return [m.value for m in found]


@pytest.mark.parametrize("words, table, leftmost_longest, longest_first", [
    # A chain of overlaps: the first name keeps the longer one out, or the longer one both others.
    ("Jabhat al-Nusra Front fighters", ["Jabhat al-Nusra", "al-Nusra Front fighters"],
     ["Jabhat al-Nusra"], ["al-Nusra Front fighters"]),
    ("A B C D E", ["A B", "B C D", "D E"], ["A B", "D E"], ["B C D"]),
    # Where no name overlaps a longer one that starts earlier, the two rules agree.
    ("The New York Times Square", ["New York", "New York Times", "Times Square"], ["New York Times"], ["New York Times"]),
    ("Mr Smith met Ms Jones", ["Smith", "Jones", "Mr Smith"], ["Mr Smith", "Jones"], ["Mr Smith", "Jones"]),
    ("nothing here", ["Smith"], [], []),
    ("Smith", [], [], []),
])
def test_the_two_overlap_rules(words, table, leftmost_longest, longest_first):
    assert names(words, *table, overlap=LEFT) == leftmost_longest
    assert names(words, *table, overlap=LONGEST) == longest_first


def test_a_refused_match_lets_a_shorter_one_at_its_place_in():
    refuse_long = {"accept": lambda m: m.end - m.start < 3}
    assert names("A B C D", "A B C", "A B", "B C D", overlap=LEFT, **refuse_long) == ["A B"]
    assert names("A B C D", "A B C", "A B", "B C D", overlap=LONGEST, **refuse_long) == ["A B"]
    # Refused, a match keeps nothing out: here the later "C D" is kept.
    assert names("A B C D", "A B C", "C D", overlap=LEFT, **refuse_long) == ["C D"]


def test_the_longest_run_tried_is_max_words():
    assert names("A B C", "A B C", "A B", "C", overlap=LEFT) == ["A B C"]
    assert names("A B C", "A B C", "A B", "C", overlap=LEFT, max_words=2) == ["A B", "C"]
    assert names("A B C", "A B C", overlap=LEFT, max_words=0) == []


def test_a_key_function_reads_any_words():
    """The corpus search's way: words as regular-expression matches, the key the text they span."""
    text = "Wladimir  Klitschko's Fight"
    words = list(re.finditer(r"\S+", text))

    def key(run):
        return text[run[0].start():run[-1].end()].removesuffix("'s")

    found = longest_matches(words, {"Wladimir  Klitschko": "Person"}, LEFT, key=key, max_words=3)
    assert [(m.start, m.end, m.value) for m in found] == [(0, 2, "Person")]


def test_matches_at_the_same_words_keep_their_order():
    """The alias matcher gives its exact matches before its case-blind ones; the first wins."""
    found = [Match(0, 2, "exact"), Match(0, 2, "loose"), Match(0, 1, "short")]
    assert [m.value for m in choose(found, LEFT)] == ["exact"]
    assert [m.value for m in choose(found, LONGEST)] == ["exact"]
    assert [m.value for m in choose(found[1::-1], LONGEST)] == ["loose"]


def test_accept_is_asked_only_about_matches_that_could_be_kept():
    asked = []
    choose([Match(0, 3, "a"), Match(1, 2, "b"), Match(3, 4, "c")], LEFT, accept=lambda m: asked.append(m.value) or True)
    assert asked == ["a", "c"]


spans = st.lists(st.tuples(st.integers(0, 11), st.integers(1, 5)).map(lambda t: (t[0], min(12, t[0] + t[1]))), max_size=12)


@pytest.mark.slow
@settings(max_examples=1000, deadline=None)
@given(spans)
def test_longest_first_is_spacys_filter_spans(found):
    doc = Doc(VOCAB, words=["w"] * 12)
    expected = [(s.start, s.end) for s in filter_spans([doc[start:end] for start, end in found])]
    assert [(m.start, m.end) for m in choose([Match(s, e, None) for s, e in found], LONGEST)] == expected


def _scan(found: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Leftmost-longest written as a scan: at each word the longest match starting there, then past it."""
    kept, position = [], 0
    for start in range(12):
        here = [end for s, end in found if s == start]
        if start >= position and here:
            kept.append((start, max(here)))
            position = max(here)
    return kept


@pytest.mark.slow
@settings(max_examples=1000, deadline=None)
@given(spans)
def test_leftmost_longest_is_a_left_to_right_scan(found):
    assert [(m.start, m.end) for m in choose([Match(s, e, None) for s, e in found], LEFT)] == _scan(found)


@pytest.mark.slow
@settings(max_examples=1000, deadline=None)
@given(spans, st.sampled_from(Overlap))
def test_kept_matches_never_overlap_and_cover_every_match_they_keep_out(found, overlap):
    kept = choose([Match(s, e, None) for s, e in found], overlap)
    assert all(a.end <= b.start for a, b in zip(kept, kept[1:]))
    covered = {i for m in kept for i in range(m.start, m.end)}
    assert all(covered & set(range(s, e)) for s, e in found)


def test_the_parts_of_a_headline_span_are_chosen_longest_first():
    from kg.extract.mentions import _known_parts

    doc = Doc(VOCAB, words="Jabhat al-Nusra Front Fighters Attack".split())
    body = {("Jabhat", "al-Nusra"): {"type": "Organization"}, ("al-Nusra", "Front", "Fighters"): {"type": "Organization"},
            ("Attack",): {"type": "Organization"}}
    assert [p.text for p in _known_parts(doc[0:5], body)] == ["al-Nusra Front Fighters", "Attack"]
    assert [p.text for p in _known_parts(doc[0:2], body)] == []  # the whole span is no part of itself


def test_a_possessive_left_after_a_place_is_never_searched_as_a_name(nlp):
    """An organisation written "Rubio’s" (Rubio is also a GeoNames city) once gave the
    name "’s", found at every "he’s" of the article: an entity with an empty name."""
    from kg.extract.mentions import Headlines, _repeated_names

    doc = nlp("The Rubio’s team met. He’s sure it’s over. The Denver Broncos beat the Philadelphia 76ers,"
              " and the Broncos cheered while the 76ers left.")
    at = {t.text: t.i for t in doc}
    mentions = [(doc[at["Rubio"]:at["Rubio"] + 2], {"type": "Organization"}),
                (doc[at["Denver"]:at["Denver"] + 2], {"type": "Organization"}),
                (doc[at["Philadelphia"]:at["Philadelphia"] + 2], {"type": "Organization"})]
    assert [t.text for t in mentions[0][0]] == ["Rubio", "’s"]
    taken = {i for span, _ in mentions for i in range(span.start, span.end)}
    found = [span.text for span, _ in _repeated_names(doc, mentions, taken, Headlines())]
    assert "’s" not in found
    assert found == ["Broncos", "76ers"]  # controls: what follows a city in a team's name is searched
