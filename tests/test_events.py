"""Visits and meetings from varied phrasing; what is not asserted stays out; dates."""

from __future__ import annotations

import datetime as dt

import pytest

from kg.extract.grammar import resolve_date

MONDAY = dt.date(2017, 12, 11)


@pytest.mark.parametrize(
    ("text", "person", "place"),
    [
        ("Angela Merkel visited Paris.", "Angela Merkel", "Paris"),
        ("Angela Merkel arrived in Paris late at night.", "Angela Merkel", "Paris"),
        ("Angela Merkel flew to Paris for the summit.", "Angela Merkel", "Paris"),
        ("Angela Merkel toured Paris with the mayor.", "Angela Merkel", "Paris"),
        ("Angela Merkel made a stopover in Paris.", "Angela Merkel", "Paris"),
        ("It was Angela Merkel's first trip to Egypt.", "Angela Merkel", "Egypt"),
    ],
)
def test_visit_phrasings(extract_text, text, person, place):
    assert (person, place) in {(p, pl) for p, pl, _ in extract_text(text).visits}


@pytest.mark.parametrize(
    "text",
    [
        "Angela Merkel did not visit Paris.",
        "Angela Merkel never visited Paris.",
        "Angela Merkel will visit Paris next week.",
        "Angela Merkel plans to visit Paris.",
        "Angela Merkel could visit Paris.",
        "If Angela Merkel visits Paris, the talks will resume.",
        "Angela Merkel is to visit Paris in May.",
    ],
)
def test_negated_planned_and_conditional_visits_are_not_asserted(extract_text, text):
    assert not extract_text(text).visits


@pytest.mark.parametrize(
    ("text", "there", "not_there"),
    [
        # the place goes to the person likelier there, not to everyone the sentence names
        ("Speaking at a rally in Tampa, Donald Trump mocked Jeb Bush.", {"Donald Trump"}, {"Jeb Bush"}),
        ("During a speech in Phoenix, Mike Pence praised John McCain.", {"Mike Pence"}, {"John McCain"}),
        # the controls: people named together share it, whatever the parser makes of the list
        ("Donald Trump and Mike Pence visited Ohio on Monday.", {"Donald Trump", "Mike Pence"}, set()),
        ("Donald Trump, Mike Pence and Chris Christie toured a factory in Ohio.",
         {"Donald Trump", "Mike Pence", "Chris Christie"}, set()),
        # and so do the people met there, though the one who met them is likelier there
        ("Ashley Cole met Jose Mourinho and Peter Kenyon in a London hotel.",
         {"Ashley Cole", "Jose Mourinho", "Peter Kenyon"}, set()),
    ],
)
def test_who_of_a_sentence_was_at_its_place(extract_text, text, there, not_there):
    visited = {person for person, _, _ in extract_text(text).visits}
    assert there <= visited and not (not_there & visited)


def test_a_visit_is_not_dated_from_a_sentence_whose_place_is_another_persons(extract_text):
    text = ("Speaking at a rally in Tampa on Monday, Donald Trump mocked Jeb Bush. "
            "Jeb Bush was in Tampa on Wednesday.")
    visits = extract_text(text, dt.date(2017, 12, 15)).visits
    assert ("Donald Trump", "Tampa", MONDAY) in visits  # the control: Monday is Trump's day there
    assert ("Jeb Bush", "Tampa", dt.date(2017, 12, 13)) in visits


@pytest.mark.parametrize(
    ("text", "people"),
    [
        ("Angela Merkel met Emmanuel Macron in Berlin.", {"Angela Merkel", "Emmanuel Macron"}),
        ("Angela Merkel met with Emmanuel Macron.", {"Angela Merkel", "Emmanuel Macron"}),
        ("Angela Merkel held talks with Emmanuel Macron.", {"Angela Merkel", "Emmanuel Macron"}),
        ("Angela Merkel was met by Emmanuel Macron at the airport.", {"Angela Merkel", "Emmanuel Macron"}),
        ("Angela Merkel hosted Emmanuel Macron at her office.", {"Angela Merkel", "Emmanuel Macron"}),
        # a negated clause about something else, with a pronoun for one of them, does not deny it
        ("Standing beside Emmanuel Macron in Paris, Angela Merkel turned to a subject she has not discussed "
         "before.", {"Angela Merkel", "Emmanuel Macron"}),
        pytest.param("State TV screened footage of Angela Merkel meeting Emmanuel Macron.",
                     {"Angela Merkel", "Emmanuel Macron"}, marks=pytest.mark.xfail(
                         reason="the parser makes 'Merkel meeting' a compound noun; the event model scores it 0.16")),
    ],
)
def test_meeting_phrasings(extract_text, text, people):
    assert frozenset(people) in extract_text(text).meetings


@pytest.mark.parametrize(
    "text",
    [
        "Angela Merkel did not meet Emmanuel Macron.",
        "Angela Merkel will meet Emmanuel Macron on Friday.",
        "Angela Merkel hopes to meet Emmanuel Macron.",
    ],
)
def test_unasserted_meetings(extract_text, text):
    assert not extract_text(text).meetings


@pytest.mark.parametrize(
    ("text", "met"),
    [
        ("Bill Conti met Oscar winners at the ceremony.", False),  # Oscar only says whose winners
        ("Mike Pence met Donald Trump aides on Thursday.", False),
        ("Mike Pence met Donald Trump's family on Thursday.", False),
        ("Mike Pence met Donald Trump on Thursday.", True),  # the controls: the person met
        ("Mike Pence met Donald Trump and his aides on Thursday.", True),
    ],
)
def test_a_person_who_only_says_whose_people_they_are_is_not_met(extract_text, text, met):
    meetings = extract_text(text).meetings
    assert (frozenset({"Mike Pence", "Donald Trump"}) in meetings or any("Oscar" in p for p in meetings)) is met


@pytest.mark.parametrize(
    ("text", "asserted"),
    [
        ("May performed with Rodgers at a concert in London.", True),  # a name, not "may"
        ("Will Smith visited Paris.", True),
        ("Rodgers may perform at a concert in London.", False),  # the controls: modals
        ("Rodgers may have performed at a concert in London.", False),
        ("Rodgers could be seen at a concert in London.", False),
    ],
)
def test_a_name_the_parser_takes_for_a_modal_leaves_the_clause_asserted(nlp, text, asserted):
    from kg.extract.grammar import is_asserted

    root = next(t for t in nlp(text) if t.dep_ == "ROOT")
    assert is_asserted(root) is asserted


def test_visit_date_resolved_against_the_article_date(extract_text):
    visits = extract_text("Angela Merkel visited Paris on Monday.", date=MONDAY).visits
    assert visits == {("Angela Merkel", "Paris", MONDAY)}


def test_no_date_is_invented_for_an_undated_article(extract_text):
    visits = extract_text("Angela Merkel visited Paris on Monday.").visits
    assert visits == {("Angela Merkel", "Paris", None)}


def test_a_date_on_another_clause_is_not_the_visit_date(extract_text):
    text = "Angela Merkel arrived in Paris, where the treaty was signed in 2015."
    assert extract_text(text, date=MONDAY).visits == {("Angela Merkel", "Paris", None)}


def test_a_meeting_at_a_gathering_named_earlier_takes_the_gathering_day(extract_text):
    found = extract_text("Angela Merkel took part in the debate in Houston on Thursday. Emmanuel Macron said at the "
                         "debate that he would win.", date=MONDAY)
    meeting = next(f for f in found.of("Meeting") if f.status is None)
    assert {found.name(p) for p in meeting.participants} == {"Angela Merkel", "Emmanuel Macron"}
    assert meeting.date == dt.date(2017, 12, 7)  # the Thursday before the article's Monday


@pytest.mark.parametrize(
    ("expression", "article_date", "expected"),
    [
        ("on Monday", MONDAY, MONDAY),
        ("Sunday", MONDAY, dt.date(2017, 12, 10)),
        ("Wednesday", dt.date(2016, 1, 28), dt.date(2016, 1, 27)),
        ("yesterday", MONDAY, dt.date(2017, 12, 10)),
        ("this morning", MONDAY, MONDAY),
        ("30 September 2015", None, dt.date(2015, 9, 30)),
        ("on 9 January", MONDAY, dt.date(2017, 1, 9)),
        ("on 9 January", None, None),
        ("last week", MONDAY, None),
        ("2015", MONDAY, None),
        ("Monday", None, None),
    ],
)
def test_resolve_date(expression, article_date, expected):
    assert resolve_date(expression, article_date) == expected


def test_future_weekday_looks_forward():
    assert resolve_date("Friday", MONDAY, future=True) == dt.date(2017, 12, 15)


def test_a_day_without_its_year_is_the_nearest_one_in_a_clause_not_past():
    assert resolve_date("May 4", dt.date(2016, 3, 30), nearest=True) == dt.date(2016, 5, 4)  # the coming May
    assert resolve_date("Dec. 28", dt.date(2016, 1, 3), nearest=True) == dt.date(2015, 12, 28)  # the last December
    assert resolve_date("May 4", dt.date(2016, 3, 30)) == dt.date(2015, 5, 4)  # a past clause: the last May


def test_an_event_dated_after_the_article_is_planned(extract_text):
    found = extract_text("Angela Merkel visits Paris on December 19.", date=MONDAY)
    assert not found.visits  # the article is of 11 December: the visit is still to come
    assert ("Visit", frozenset({"Angela Merkel", "Paris"}), "planned") in found.planned
    control = extract_text("Angela Merkel visits Paris on December 4.", date=MONDAY)
    assert control.visits == {("Angela Merkel", "Paris", dt.date(2017, 12, 4))}


def test_a_coming_day_elsewhere_in_the_sentence_is_not_the_visit_date(extract_text):
    text = "Angela Merkel went to the court in Paris and signed papers ordering her to appear again December 19."
    visits = extract_text(text, date=MONDAY).visits
    assert ("Angela Merkel", "Paris", None) in visits


def test_present_progressive_with_a_day_is_an_arrangement(extract_text):
    found = extract_text("Angela Merkel is visiting Paris on Thursday.", date=MONDAY)
    assert not found.visits
    control = extract_text("Angela Merkel visited Paris on Thursday.", date=MONDAY)
    assert ("Angela Merkel", "Paris", dt.date(2017, 12, 7)) in control.visits


def test_a_day_named_a_few_sentences_earlier_dates_a_later_event(extract_text):
    story = ("The summit opened on Thursday. Delegates argued over the budget for hours.\n\n{}"
             "The talks ran late into the night. Angela Merkel visited Paris after the talks.")
    visits = extract_text(story.format(""), date=MONDAY).visits
    assert visits == {("Angela Merkel", "Paris", dt.date(2017, 12, 7))}  # the Thursday three sentences before
    control = extract_text(story.format("Nothing was agreed. "), date=MONDAY).visits  # four: too far back
    assert control == {("Angela Merkel", "Paris", None)}
