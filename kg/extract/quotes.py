"""Direct quotations and who said them.

:func:`quotation_spans` finds the text inside quotation marks: curly, straight and
single marks, and quotes that run over paragraphs (an opening mark with no closing
one continues into the next paragraph). :func:`quotes` attributes each to a speaker
through the reporting verb next to it ("…," Putin said; he added that "…"; "…," the
Russian president noted; according to X), resolving titles and pronouns to the
person; a quote with no cue of its own belongs to the paragraph's last speaker. A
speaker named by a title comes with a :class:`~kg.facts.Title` record of it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from kg import lexicon
from kg.extract.grammar import INTENTION_FORMS, doc_text, event_date, is_modal, sentence_of
from kg.extract.references import PEOPLE_WORDS, DocEntities, Reference
from kg.facts import Evidence, Quote, Title

EXTRACTOR = "quotes.v1"
REPORTING_VERBS = lexicon.words("reporting_verbs.tsv", "reporting")
DOCUMENT_NOUNS = lexicon.words("reporting_verbs.tsv", "document")  # "the newspaper's editorial": the newspaper speaks
DOCUMENT_VERBS = lexicon.words("reporting_verbs.tsv", "document_reporting")  # "the statement read"
THING_PRONOUNS = lexicon.words("pronouns.tsv", "thing")  # "…," it added: the newspaper, the party that spoke last
THING_WINDOW = 3  # paragraphs back in which "it" looks for the last speaker that is no person
OPENERS = {mark: close for mark, (close, _) in lexicon.table("quote_marks.tsv").items()}  # opening -> closing mark
DOUBLE = {mark for mark, (_, kind) in lexicon.table("quote_marks.tsv").items() if kind == "double"}


@dataclass(frozen=True)
class QuoteSpan:
    """Characters ``start:end`` of the text are quoted words; ``continues`` marks a paragraph run-on."""

    start: int
    end: int
    continues: bool = False


def quotation_spans(text: str) -> list[QuoteSpan]:
    """The quoted stretches of a text, as character offsets of the words inside the marks.

    >>> text = 'He said "yes," and left.'
    >>> [text[s.start:s.end] for s in quotation_spans(text)]
    ['yes,']
    >>> text = '“First paragraph.\\n\\n“Second,” she said.'
    >>> [(text[s.start:s.end], s.continues) for s in quotation_spans(text)]
    [('First paragraph.', True), ('Second,', False)]
    """
    spans: list[QuoteSpan] = []
    paragraphs = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text)]
    for number, (start, end) in enumerate(paragraphs):
        next_start = paragraphs[number + 1][0] if number + 1 < len(paragraphs) else None
        spans.extend(_paragraph_quotes(text, start, end, next_start))
    return spans


def _paragraph_quotes(text: str, start: int, end: int, next_start: int | None) -> Iterator[QuoteSpan]:
    i = start
    while i < end:
        char = text[i]
        if char in DOUBLE and _opens(text, i, start):
            close = _closing(text, i + 1, end, double=True, closer=OPENERS[char])
            if close is not None and char == '"' and text[close - 1].isspace() and text[close + 1:close + 2].isalnum():
                # '"Sandra has ... herself. "That pattern ...': a new quote opens; the first ran unclosed
                yield QuoteSpan(i + 1, _rstrip(text, i + 1, close))
                i = close
                continue
            if close is None:  # no closing mark: the quote runs to the end of the paragraph
                runs_on = next_start is not None and text[next_start] in DOUBLE
                if end - i > 3:
                    yield QuoteSpan(i + 1, _rstrip(text, i + 1, end), continues=runs_on)
                return
            if close > i + 1 and text[i + 1:close].strip():
                yield QuoteSpan(i + 1, close)
            i = close + 1
            continue
        if char in ("‘", "'") and _opens(text, i, start) and not _apostrophe(text, i):
            close = _closing(text, i + 1, min(end, i + 400), double=False)
            if close is not None and close - i > 2:
                yield QuoteSpan(i + 1, close)
                i = close + 1
                continue
        i += 1


def _opens(text: str, i: int, paragraph_start: int) -> bool:
    before = text[i - 1] if i > paragraph_start else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return (before.isspace() or before in "([{—–-:,;/") and not after.isspace()


def _apostrophe(text: str, i: int) -> bool:
    return i > 0 and text[i - 1].isalnum()


def _closing(text: str, i: int, end: int, *, double: bool, closer: str = "") -> int | None:
    if double:
        # A curly quote closes with its own mark, so straight marks inside it stay text;
        # only a text that never closes it falls back to any double mark.
        tries = (('"', "”"),) if closer == '"' else ((closer,), ("”", '"', "“", closer))
        for marks in tries:
            found = next((j for j in range(i, end) if text[j] in marks), None)
            if found is not None:
                return found
        return None
    while i < end:
        if text[i] in ("’", "'"):
            after = text[i + 1] if i + 1 < len(text) else " "
            if not (after.isalnum() and text[i - 1].isalnum()) and (
                after.isspace() or after in ".,;:!?)—–-" or i + 1 >= end
            ):
                return i
        i += 1
    return None


def _rstrip(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1].isspace():
        end -= 1
    return end


def quotes(doc: Doc, entities: DocEntities) -> Iterator[Quote | Title]:
    """Yield the quotes of an article with their speakers, and the titles speakers were named by.

    A quote whose speaker the article names only vaguely ("a senior official said") is
    yielded with ``speaker=None`` and the words used; quotation marks with no speaker at
    all (scare quotes, titles) are not quotes.
    """
    article = doc._.article
    article_id = article.id if article is not None else ""
    article_date = article.date if article is not None else None
    last_speaker: dict[int, tuple[Reference | None, str | None]] = {}  # paragraph -> last (speaker, words)
    chain: tuple[Reference | None, str | None] | None = None
    last_body: tuple[int, tuple[Reference | None, str | None]] | None = None  # paragraph, last speaker no person
    spans = quotation_spans(doc_text(doc))
    paragraph_of = _paragraph_index(doc_text(doc))
    quoted = [(s.start, s.end) for s in spans]
    for span in spans:
        tokens = doc.char_span(span.start, span.end, alignment_mode="expand")
        if tokens is None or len(tokens) == 0:
            continue
        paragraph = paragraph_of(span.start)
        cue = _cue(doc, tokens, quoted)
        who: tuple[Reference | None, str | None] | None = None
        if cue is not None:
            if not _reported_speech(cue):
                chain = None
                continue
            who = _speaker(cue, entities)
        if who is None and cue is None:
            # A quote standing alone: the one before it goes on, or the paragraph's speaker speaks.
            who = chain or last_speaker.get(paragraph) or (
                last_speaker.get(paragraph - 1) if _whole_paragraph(doc_text(doc), span) else None
            )
        if who is not None and who[0] is None and (who[1] or "").lower() in THING_PRONOUNS and last_body is not None \
                and paragraph - last_body[0] <= THING_WINDOW:
            who = last_body[1]  # "…," the newspaper admitted. "…," it added.
        chain = who if span.continues else None
        if who is None:
            continue
        last_speaker[paragraph] = who
        if _is_body(who, entities):
            last_body = (paragraph, who)
        speaker = who[0]
        yield Quote(
            speaker=speaker.entity if speaker is not None else None,
            speaker_text=who[1],
            text=doc_text(doc)[span.start:span.end],
            date=event_date(cue, article_date) if cue is not None else None,
            evidence=Evidence(article_id, span.start, span.end, _sentence_text(doc, tokens)),
            extractor=EXTRACTOR,
        )
        if speaker is not None:
            yield from speaker.titles


def _is_body(who: tuple[Reference | None, str | None], entities: DocEntities) -> bool:
    """Whether a speaker is an organisation, a country ("Russia said") or one thing described
    with "the" ("the newspaper", "the former monopoly"): not a person ("a senior source", "the
    spokesman"), not many ("the prosecutors"), not a pronoun. What "it" may refer back to."""
    reference, words = who
    if reference is not None:
        return entities.by_id[reference.entity].category in ("Organization", "Place")  # "Russia said"
    if words and any(words in e.names for e in entities.entities if e.category == "Place"):
        return True  # a country is never a quote's resolved speaker, but may be "it" after
    described = (words or "").lower().split()
    plural = described[-1:] != [] and described[-1].endswith("s") and not described[-1].endswith("ss")
    return described[:1] == ["the"] and len(described) > 1 and not plural and not PEOPLE_WORDS.intersection(described)


def _reported_speech(cue: Token) -> bool:
    """Whether the cue reports speech that happened: not "will say", "did not say", "is to tell"."""
    children = list(cue.children)
    if any(c.dep_ == "neg" or is_modal(c) for c in children):
        return False
    infinitive = any(c.dep_ == "aux" and c.lower_ == "to" for c in children)
    head = cue.head
    # "is to tell", "expected to say"; but a headline's "to announce 'pullout'" reports.
    return not (infinitive and head != cue and (head.lemma_ == "be" or head.lower_ in INTENTION_FORMS))


def _paragraph_index(text: str):
    breaks = [m.start() for m in re.finditer(r"\n+", text)]

    def index(offset: int) -> int:
        return sum(1 for b in breaks if b < offset)

    return index


def _whole_paragraph(text: str, span: QuoteSpan) -> bool:
    line_start = text.rfind("\n", 0, span.start) + 1
    return not text[line_start:span.start - 1].strip()


def _sentence_text(doc: Doc, tokens: Span) -> str:
    start = sentence_of(tokens[0]).start_char
    end = sentence_of(tokens[-1]).end_char
    return doc_text(doc)[start:end].strip()


def _cue(doc: Doc, quote: Span, quoted: list[tuple[int, int]]) -> Token | None:
    """The reporting verb that introduces the quote: outside any quote, in the quote's sentence."""
    sentences = {sentence_of(quote[0]).start, sentence_of(quote[-1]).start}
    window_start = min(sentence_of(doc[s]).start for s in sentences)
    window_end = max(sentence_of(doc[s]).end for s in sentences)
    # '"...," Putin said.' is often split after the quote; take a short next sentence in.
    if window_end < len(doc) and sentence_of(doc[window_end]).end - window_end <= 12:
        following = sentence_of(doc[window_end])
        if not any(t.text in ('"', "“", "”") for t in following[:1]):
            window_end = following.end
    # 'Putin said:' ends the sentence before a quote that stands on its own.
    if window_start > 0:
        previous = sentence_of(doc[window_start - 1])
        if previous.text.rstrip().endswith(":"):
            window_start = previous.start

    def outside(token: Token) -> bool:
        return not any(s <= token.idx < e for s, e in quoted)

    best, best_distance = None, None
    for token in doc[window_start:window_end]:
        if not outside(token):
            continue
        distance = quote.start - token.i if token.i < quote.start else token.i - quote.end
        if token.pos_ in ("VERB", "AUX") and (token.lemma_.lower() in REPORTING_VERBS or (
                token.lemma_.lower() in DOCUMENT_VERBS and _document_subject(token))):
            pass
        elif token.lower_ == "according" and token.i + 1 < len(doc) and doc[token.i + 1].lower_ == "to":
            pass
        else:
            continue
        if best_distance is None or distance < best_distance:
            best, best_distance = token, distance
    return best


def _speaker(cue: Token, entities: DocEntities) -> tuple[Reference | None, str | None] | None:
    """(reference, words) of who says: the cue's subject, or the subject of the clause it hangs from.

    None when the cue has no subject at all.
    """
    if cue.lower_ == "according":
        to = cue.doc[cue.i + 1]
        for child in to.children:
            if child.dep_ == "pobj":
                return _agent(child, entities), _phrase(child)
        return None
    verb, own = cue, True
    for _ in range(5):
        subjects = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
        if verb.dep_ == "relcl" and not subjects:  # "Putin, who said"
            subjects = [verb.head]
        for subject in subjects:
            if subject.dep_ == "nsubjpass":
                agents = [a for c in verb.children if c.dep_ == "agent" for a in c.children if a.dep_ == "pobj"]
                if agents:
                    subject = agents[0]
            if subject.lower_ in ("who", "that", "which"):
                subject = verb.head if verb.dep_ == "relcl" else subject
            subject = _author(subject, entities)
            speaker = _agent(subject, entities)
            if speaker is not None or (own and subject.pos_ in ("NOUN", "PROPN", "PRON")):
                return speaker, _phrase(subject)  # "a source said": a speaker, though unnamed
        if verb.head == verb:
            return None
        # "…, saying that …", "by saying", "adding that": the speaker is a clause further up.
        verb, own = verb.head, False
    return None


def _document_subject(verb: Token) -> bool:
    """Whether a verb's subject is a text ("the statement read")."""
    return any(c.dep_ in ("nsubj", "nsubjpass") and c.lemma_.lower() in DOCUMENT_NOUNS for c in verb.children)


def _author(subject: Token, entities: DocEntities) -> Token:
    """Who a text that speaks was written by: a person or organisation that owns it or names
    it ("Trump's statement", "the Associated Press report"), or a thing described with "the"
    ("the newspaper's editorial"); else the subject itself ("the Benghazi report", "Monday's
    statement", "its statement" with no one before it)."""
    if subject.lemma_.lower() not in DOCUMENT_NOUNS:
        return subject
    for child in subject.children:
        if child.dep_ not in ("poss", "compound"):
            continue
        if _agent(child, entities) is not None:
            return child
        if child.dep_ == "poss" and child.pos_ == "NOUN" and not child.ent_type_ and any(
                d.dep_ == "det" and d.lower_ == "the" for d in child.children):
            return child
    return subject


def _agent(token: Token, entities: DocEntities) -> Reference | None:
    """A person, else an organization (a newspaper, a party), that the phrase refers to."""
    found = entities.reference(token, want="Person")
    return found if found is not None else entities.reference(token, want="Organization")


def _phrase(token: Token) -> str:
    """The noun phrase headed by ``token``, without a trailing relative clause or apposition."""
    words = [t for t in token.subtree if t.i <= token.i or t.dep_ in ("compound", "flat")]
    keep = [t for t in token.subtree if t.i >= words[0].i and (t.i <= token.i or t.dep_ in ("compound", "prep", "pobj"))]
    text = token.doc[words[0].i:max(t.i for t in keep) + 1].text if keep else token.text
    return text.strip(" ,") if len(text) <= 80 else token.text
