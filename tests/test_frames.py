"""Participation frames: people taking part in one gathering met each other and were at its place."""

from __future__ import annotations

import pytest

from kg.extract.frames import participations, shared


def _frames(nlp, text: str, names: list[str]) -> dict[str, list]:
    doc = nlp(text)
    found = {}
    for name in names:
        start = text.index(name)
        head = doc.char_span(start, start + len(name)).root
        found[name] = participations(name, head)
    return found


def test_a_list_joined_by_one_verb_takes_part_as_a_whole(nlp):
    frames = _frames(nlp, "Gordon Brown was joined at the launch by John Prescott and Ed Miliband.",
                     ["Gordon Brown", "John Prescott", "Ed Miliband"])
    for name in ("John Prescott", "Ed Miliband"):  # the second conjunct hangs on the first, not on the verb
        together = shared(frames["Gordon Brown"], frames[name])
        assert together, name
        assert {p.trigger.lemma_ for p, _ in together} <= {"join", "launch"}
    assert shared(frames["John Prescott"], frames["Ed Miliband"])


def test_a_relative_clause_of_meeting_holds_every_member_of_the_list(nlp):
    names = ["Barack Obama", "Hillary Clinton", "Joe Biden"]
    frames = _frames(nlp, "Barack Obama, Hillary Clinton and Joe Biden, who met in Chicago, agreed on a plan.", names)
    for name in names:
        assert any(p.trigger.lemma_ == "meet" for p in frames[name]), name


def test_people_in_one_clause_without_a_gathering_share_no_frame(nlp):
    frames = _frames(nlp, "Gordon Brown criticised John Prescott on Monday.", ["Gordon Brown", "John Prescott"])
    assert not shared(frames["Gordon Brown"], frames["John Prescott"])
    control = _frames(nlp, "Gordon Brown met John Prescott on Monday.", ["Gordon Brown", "John Prescott"])
    assert shared(control["Gordon Brown"], control["John Prescott"])


@pytest.mark.parametrize(
    ("text", "people"),
    [
        ("Gordon Brown was joined at the launch by John Prescott and Ed Miliband.",
         {"Gordon Brown", "John Prescott", "Ed Miliband"}),
        ("Jeremy Corbyn held a news conference with Tom Watson and John McDonnell in Manchester.",
         {"Jeremy Corbyn", "Tom Watson", "John McDonnell"}),
    ],
)
def test_participants_of_one_gathering_in_one_sentence_met(extract_text, text, people):
    met = extract_text(text).meetings
    assert {frozenset((a, b)) for a in people for b in people if a < b} <= met


@pytest.mark.parametrize(
    ("text", "pair", "visit"),
    [
        ("John Kasich took part in the debate in Houston on Thursday. Ted Cruz said at the debate that he "
         "would win Texas.", {"John Kasich", "Ted Cruz"}, ("Ted Cruz", "Houston")),
        ("Donald Trump attended the summit in Helsinki on Monday. Vladimir Putin said at the summit that "
         "relations had improved.", {"Donald Trump", "Vladimir Putin"}, ("Vladimir Putin", "Helsinki")),
        ("Angela Merkel spoke at the conference in Munich. Mike Pence also spoke at the conference.",
         {"Angela Merkel", "Mike Pence"}, None),
    ],
)
def test_taking_part_in_a_gathering_named_in_an_earlier_sentence(extract_text, text, pair, visit):
    found = extract_text(text)
    assert frozenset(pair) in found.meetings
    if visit:  # the later participant was at the place the earlier sentence gave the gathering
        assert visit in {(person, place) for person, place, _ in found.visits}


@pytest.mark.parametrize(
    "second",
    ["Mike Pence did not speak at the conference.", "Mike Pence never attended the conference."],
)
def test_staying_away_from_a_gathering_is_no_meeting(extract_text, second):
    first = "Angela Merkel spoke at the conference in Munich. "
    found = extract_text(first + second)
    assert frozenset({"Angela Merkel", "Mike Pence"}) not in found.meetings
    assert ("Angela Merkel", "Munich") in {(p, x) for p, x, _ in found.visits}  # the one who came did
    control = extract_text(first + "Mike Pence also spoke at the conference.")
    assert frozenset({"Angela Merkel", "Mike Pence"}) in control.meetings
