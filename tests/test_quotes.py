"""Quotation marks and speakers."""

from __future__ import annotations

import pytest

from kg.extract.quotes import quotation_spans


def spans(text):
    return [text[s.start:s.end] for s in quotation_spans(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('He said "yes," and left.', ["yes,"]),
        ("She said “no” twice.", ["no"]),
        ("The ‘partial pullout’ began.", ["partial pullout"]),
        ("Putin visits base to announce 'partial military pullout'", ["partial military pullout"]),
        ("It isn't the Smiths' car, it's Tom's.", []),  # apostrophes are no quotes
        ('He said: "I will not go."', ["I will not go."]),
        ("«Bonjour», dit-il.", ["Bonjour"]),
    ],
)
def test_quotation_spans(text, expected):
    assert spans(text) == expected


def test_an_unclosed_quote_runs_on_into_the_next_paragraph():
    text = "“The first part.\n\n“The second part,” he said."
    found = quotation_spans(text)
    assert [text[s.start:s.end] for s in found] == ["The first part.", "The second part,"]
    assert found[0].continues and not found[1].continues


@pytest.mark.parametrize(
    ("text", "quote", "speaker"),
    [
        ('"We will win," Angela Merkel said.', "We will win,", "Angela Merkel"),
        ('Angela Merkel said: "We will win."', "We will win.", "Angela Merkel"),
        ('"We will win," said Angela Merkel, "and soon."', "and soon.", "Angela Merkel"),
        ('Hugh Hill, a doctor, said "the ward is full".', "the ward is full", "Hugh Hill"),
        ('According to Angela Merkel, "the talks failed".', "the talks failed", "Angela Merkel"),
        ('Angela Merkel arrived late. She insisted that "nothing was agreed".', "nothing was agreed", "Angela Merkel"),
        ('Emmanuel Macron met reporters. "We are ready," he added.', "We are ready,", "Emmanuel Macron"),
        ('Angela Merkel warned that the deal was "dead on arrival".', "dead on arrival", "Angela Merkel"),
    ],
)
def test_speaker_by_name_pronoun_and_position(extract_text, text, quote, speaker):
    assert (quote, speaker) in extract_text(text).quotes


def test_speaker_by_title(extract_text):
    text = ("French President Emmanuel Macron spoke in Paris. German Chancellor Angela Merkel listened. "
            '"Europe must act," the French president said.')
    assert ("Europe must act,", "Emmanuel Macron") in extract_text(text).quotes


def test_a_cueless_quote_belongs_to_the_paragraphs_last_speaker(extract_text):
    text = 'Angela Merkel spoke first. "We are ready," she said. "The rest is up to them."'
    assert ("The rest is up to them.", "Angela Merkel") in extract_text(text).quotes


def test_multi_paragraph_quote_keeps_its_speaker(extract_text):
    text = ('Angela Merkel said: “We have done our part.\n\n'
            '“Now it is for others to act.”')
    quotes = extract_text(text).quotes
    assert ("We have done our part.", "Angela Merkel") in quotes
    assert ("Now it is for others to act.", "Angela Merkel") in quotes


def test_unnamed_speakers_are_not_guessed(extract_text):
    text = 'Angela Merkel left early. "It was a disaster," a senior official said.'
    result = extract_text(text)
    assert not result.quotes  # not given to Merkel
    assert result.unattributed == {("It was a disaster,", "a senior official")}


def test_an_organization_can_speak(extract_text):
    text = '"The rebate must stay," the Conservative Party said in a statement.'
    assert ("The rebate must stay,", "Conservative Party") in extract_text(text).quotes


@pytest.mark.parametrize("text, speaker", [
    ('"Taxes must fall," the Conservative Party\'s statement said.', "Conservative Party"),
    ('"Taxes must fall," Vladimir Putin\'s letter read.', "Vladimir Putin"),
    ('The Conservative Party report, which notes that "taxes must fall", was published on Monday.', "Conservative Party"),
])
def test_a_text_speaks_for_whoever_wrote_it(extract_text, text, speaker):
    assert extract_text(text).quotes == {("Taxes must fall," if "," in text[:20] else "taxes must fall", speaker)}
    # the control: a text of no one named is no one's
    anonymous = extract_text(text.replace("the Conservative Party\'s", "the").replace("Vladimir Putin\'s", "the")
                             .replace("The Conservative Party report", "The report"))
    assert not anonymous.quotes and anonymous.unattributed


def test_it_is_the_last_speaker_that_is_no_person(extract_text):
    text = ('"The flood was a disaster," the newspaper said. Angela Merkel met the mayor.\n\n'
            '"The state needs help," it added.')
    assert ("The state needs help,", "the newspaper") in extract_text(text).unattributed
    # a person who speaks in between is not "it"
    between = extract_text(text.replace("Angela Merkel met the mayor.", '"We will help," Angela Merkel said.'))
    assert ("The state needs help,", "the newspaper") in between.unattributed
    assert ("The state needs help,", "Angela Merkel") not in between.quotes
    # the control: no organisation or thing spoke before, so "it" is nobody the article named
    person = extract_text(text.replace("the newspaper said", "Angela Merkel said"))
    assert ("The state needs help,", "it") in person.unattributed
    assert not any(q == "The state needs help," for q, _ in person.quotes)


def test_read_reports_a_text_not_a_reader(extract_text):
    assert ("Taxes must fall,", "Vladimir Putin") in extract_text(
        '"Taxes must fall," Vladimir Putin\'s letter read.').quotes
    reader = extract_text('Barack Obama read "The Night Before Christmas" to children on Monday.')
    assert not reader.quotes and not reader.unattributed


def test_scare_quotes_are_not_quotes(extract_text):
    text = 'The so-called "peace plan" was published on Monday.'
    result = extract_text(text)
    assert not result.quotes and not result.unattributed


def test_an_outlet_is_not_the_speaker_when_a_person_is_named(extract_text):
    text = '"We will stay," Vladimir Putin told the state broadcaster RT.'
    assert extract_text(text).quotes == {("We will stay,", "Vladimir Putin")}


@pytest.mark.parametrize(
    "text",
    [
        'Charles Kennedy will say on Saturday that "the war was wrong".',
        'Charles Kennedy is to tell voters that "the war was wrong".',
        'Charles Kennedy did not say that "the war was wrong".',
    ],
)
def test_future_and_negated_speech_is_not_a_quote(extract_text, text):
    result = extract_text(text)
    assert not result.quotes and not result.unattributed


def test_a_speaker_whose_name_is_a_modal_still_speaks(extract_text):
    # the parser makes "Will" an auxiliary of "said"; a modal never governs a past tense, so the
    # quote was said (the small model tags "Will Carling" as no person: the speaker stays text)
    said = extract_text('"The deal is done," Will Carling said on Tuesday.')
    assert {text for text, _ in said.quotes | said.unattributed} == {"The deal is done,"}
    will = extract_text('Will Carling will say on Saturday that "the deal is done".')
    assert not will.quotes and not will.unattributed


@pytest.mark.parametrize(
    "verb", ["said", "told reporters", "added", "noted", "insisted", "argued", "warned", "sighed", "claimed", "stressed"]
)
def test_reporting_verbs(extract_text, verb):
    text = f'"The deal is done," Angela Merkel {verb}.'
    assert ("The deal is done,", "Angela Merkel") in extract_text(text).quotes


def test_title_with_a_country_adjective(extract_text):
    text = ("Israeli Prime Minister Ariel Sharon met Palestinian President Mahmoud Abbas. "
            '"We are ready for peace," the Palestinian leader said.')
    assert ("We are ready for peace,", "Mahmoud Abbas") in extract_text(text).quotes


def test_main_clause_subject_is_the_pronouns_speaker(extract_text):
    text = ('White House spokesman Josh Earnest said Barack Obama would campaign hard.\n\n'
            '"He is an influential advocate," he added.')
    assert ("He is an influential advocate,", "Josh Earnest") in extract_text(text).quotes


def test_counterpart_by_country(extract_text):
    text = ("British Prime Minister Tony Blair met Israeli Prime Minister Ariel Sharon in Jerusalem. "
            '"Peace is possible," his Israeli counterpart said.')
    assert ("Peace is possible,", "Ariel Sharon") in extract_text(text).quotes
