"""Clause-level judgements the fact extractors share: is an event asserted, and when was it.

A news sentence can mention a visit that did not happen ("did not meet"), may happen
("will visit", "plans to visit", "if the terrorists again raise their heads") or is
reported as future. :func:`is_asserted` keeps those out. :func:`event_date` resolves the
date expression that modifies the event's verb against the article date, with
dateparser for absolute and relative dates and a news-specific rule for weekdays
("on Monday" in an article dated Monday 2017-12-11 is that day).
"""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_right
from collections.abc import Iterator
from functools import cache

from spacy.tokens import Doc, Span, Token

from kg.facts import Evidence
from kg.lexicon import table, words

MODALS = words("modality.tsv", "modal")
FUTURE = words("modality.tsv", "future")
CONDITIONAL_MARKS = words("modality.tsv", "conditional")
# Verbs whose complement is an intention, not a fact: "plans to visit", "is due to meet".
INTENTION_HEADS = words("modality.tsv", "intention_head")

def _forms(bases: frozenset[str]) -> frozenset[str]:
    """Inflected forms of verbs, for tests that must not trust the lemmatizer ("hopes" -> "hop")."""
    forms = set()
    for base in bases:
        stem = base[:-1] if base.endswith("e") else base
        forms.update({base, base + "s", base + "es", base + "d", base + "ed", stem + "ing", stem + "ed"})
    return frozenset(forms)


INTENTION_FORMS = _forms(INTENTION_HEADS)
WEEKDAYS = tuple(sorted(table("weekdays.tsv"), key=lambda day: int(table("weekdays.tsv")[day][0])))  # Monday first
DATELINE_PARAGRAPHS = 4  # a headline and a standfirst may come before the paragraph the dateline opens
# A dateline: a place in capitals (three letters or more: "UN - Syria talks collapse" is a headline),
# then its state, a day or the agency, then a dash with a space before or after it, or an em or en
# dash: "MYRTLE BEACH, S.C. -", "WINSTON-SALEM, N.C. -", "HEMPSTEAD, N.Y., Sept. 26 (UPI) —",
# "BOSTON —Standing"; not "US-led", "EU-China summit", "US, UK and French air-strikes".
DATELINE_DASHES = "-—–"
DATELINE = re.compile(r"(?P<place>[A-Z][A-Z.'’]*(?:[ -][A-Z][A-Z.'’]*)*)(?:,[^\n—–]{1,40}?)?\s*"
                      r"(?:\([^)\n]{1,20}\)\s*)?(?:[—–]|\s-|-\s)")
SAME_DAY = re.compile(r"^(?:on\s+)?(?:today|this\s+(?:morning|afternoon|evening)|tonight|earlier today)$", re.I)


def doc_text(doc: Doc) -> str:
    """The text of a parsed article, joined once per Doc: spaCy's ``Doc.text`` joins every
    token's text on each call, and the extractors ask for it per mention."""
    text = doc.user_data.get("kg_text")
    if text is None:
        text = doc.user_data["kg_text"] = doc.text
    return text


def tokens(doc: Doc) -> list[Token]:
    """The tokens of a parsed article, made once per Doc: iterating a Doc or indexing it
    makes a new Token object each time, and the extractors walk the whole article often."""
    made = doc.user_data.get("kg_tokens")
    if made is None:
        made = doc.user_data["kg_tokens"] = list(doc)
    return made


def sentences(doc: Doc) -> list[Span]:
    """The sentences of a parsed article, computed once per Doc."""
    cached = doc.user_data.get("kg_sentences")
    if cached is None:
        spans = list(doc.sents)
        cached = doc.user_data["kg_sentences"] = (spans, [span.start for span in spans])
    return cached[0]


def sentence_of(token: Token | Span) -> Span:
    """The sentence a token (or a span's first token) is in; a fast ``Token.sent``."""
    doc, index = token.doc, token.i if isinstance(token, Token) else token.start
    spans = sentences(doc)
    starts = doc.user_data["kg_sentences"][1]
    return spans[bisect_right(starts, index) - 1]


def is_modal(token: Token, forms: frozenset | set = MODALS) -> bool:
    """Whether an auxiliary is one of ``forms`` ("will", "could"), not a name the parser
    took for one ("Will Smith met ...", "May performed with Rodgers": a modal never governs
    a past tense)."""
    if token.dep_ not in ("aux", "auxpass") or token.lower_ not in forms or token.ent_type_:
        return False
    if token.is_title and not token.is_sent_start:
        return False
    verb = token.head  # "may have visited", "could be seen" but not "May performed"
    return not (verb.tag_ == "VBD" or verb.tag_ == "VBN" and not any(
        c.dep_ in ("aux", "auxpass") and c.lemma_ in ("have", "be") for c in verb.children))


def is_asserted(verb: Token) -> bool:
    """Whether the clause of ``verb`` states that the event happened.

    False for negation ("did not meet", "never visited"), modals and the future
    ("will visit", "could meet"), infinitives of intention ("plans to visit", "is to
    tour") and conditions ("if he visits").
    """
    token = verb
    for _ in range(8):  # the verb and the clauses it hangs from
        children = list(token.children)
        if any(c.dep_ == "neg" for c in children):
            return False
        if any(is_modal(c) for c in children):
            return False
        if any(c.dep_ == "mark" and c.lower_ in CONDITIONAL_MARKS for c in children):
            return False
        if token.tag_ in ("VBZ", "VBP") and token.dep_ == "advcl" and any(
            c.dep_ == "mark" and c.lower_ in ("after", "before", "when", "once", "as soon as") for c in children
        ):
            return False  # "after the president meets with Sanders": a scheduled event
        if token.tag_ == "VBG" and any(c.dep_ == "aux" and c.tag_ in ("VBZ", "VBP") for c in children) and any(
            c.dep_ in ("npadvmod", "prep") and _names_coming_day(c) for c in children
        ):
            return False  # "is meeting Macron on Thursday", "are visiting Paris tomorrow": a plan
        infinitive = any(c.dep_ == "aux" and c.lower_ == "to" for c in children)
        if infinitive and (token.dep_ in ("xcomp", "ccomp", "advcl", "acl", "relcl") or token.head.lemma_ == "be"):
            head = token.head
            if head.lower_ in INTENTION_FORMS or head.lemma_ in INTENTION_HEADS or head.lemma_ == "be" or head.pos_ == "NOUN":
                return False
            if any(is_modal(c) for c in head.children):
                return False
        if token.dep_ == "advcl" and infinitive:
            return False  # "flew to Cairo to meet Mubarak": the purpose, not the outcome
        if token.dep_ == "pcomp" and token.head.lower_ == "before" and token.head.head.tag_ != "VBD":
            # "was speaking ... a few hours before visiting Manchester": later than a scene still
            # going on, so not yet reported as done (unlike "Before visiting Israel, he made ...")
            return False
        if token.head == token or token.dep_ not in ("conj", "xcomp", "advcl", "acl", "relcl", "pcomp"):
            break
        if token.dep_ in ("acl", "relcl") and token.head.pos_ in ("NOUN", "PROPN"):
            break  # "footage of Assad meeting Putin": the noun's clause stands on its own
        token = token.head
    return True


COMING = re.compile(r"^(?:on\s+)?(?:next\s+\w+|tomorrow|%s|later\s+this\s+\w+)$" % "|".join(WEEKDAYS), re.I)


def _names_coming_day(token: Token) -> bool:
    """Whether a modifier names a day to come or a weekday ("on Thursday", "tomorrow", "next week")."""
    return bool(COMING.match(" ".join(t.text for t in token.subtree)))


def date_expressions(verb: Token) -> list[Span]:
    """DATE and TIME entities that modify ``verb`` itself, not a noun in its clause."""
    return [ent for ent in sentence_of(verb).ents if ent.label_ in ("DATE", "TIME") and _date_head(ent, verb) == verb]


def _date_head(ent: Span, verb: Token | None = None) -> Token:
    """The word a date expression modifies, through prepositions and adverbial phrases."""
    head, hops = ent.root, 0
    while head != verb and hops < 3 and head.head != head:
        if head.dep_ in ("pobj", "prep", "npadvmod", "advmod", "nummod", "compound"):
            head, hops = head.head, hops + 1
        else:
            break
    return head


def event_date(verb: Token, article_date: dt.date | None, *, lede: bool = False) -> dt.date | None:
    """The day the event of ``verb`` happened, or None when the text does not fix one.

    The date expression that modifies the verb wins. Failing that, a past event takes
    the day named elsewhere in its sentence, or in the nearest of the sentences before it
    (at most :data:`EARLIER_SENTENCES`): a story's time carries on until it names another day ("On Sunday, at a rally in Derry, Clinton ..."; "...
    opened a mission Wednesday. ... the president traveled to New York"). ``lede``: the verb is in the
    article's first sentence, where a present-perfect ("The Russian president has
    visited ...") reports the news of the article's day.
    """
    future = _future(verb) or present_progressive(verb)  # "is meeting X on Thursday" is an arrangement
    expressions = date_expressions(verb)
    own = [e for e in expressions if not PART_OF_DAY.match(e.text)]
    if expressions and not own and not future:
        # "in the afternoon": of the last day the article named
        for ent in reversed([e for e in verb.doc.ents if e.end <= verb.i and e.label_ == "DATE"]):
            day = resolve_date(ent.text, article_date)
            if day is not None:
                return day
    for ent in own:
        day = resolve_date(ent.text, article_date, future=future, nearest=not _past(verb))
        if day is not None:
            return day
    if not future and not own:  # "last week" is the verb's own date, only not a day
        for sentence in _context_sentences(verb):
            for ent in sentence.ents:
                if ent.label_ in ("DATE", "TIME"):
                    day = resolve_date(ent.text, article_date, nearest=not _past(clause_verb(ent.root)))
                    # a day after the article's is another, coming event's: "... and signed papers
                    # ordering him to appear in court May 4"
                    if day is not None and (article_date is None or day <= article_date):
                        return day
    if lede and article_date is not None and _perfect(verb):
        return article_date
    return None


EARLIER_SENTENCES = 3  # how far back a day named earlier dates an event (5-fold CV: README)


def _context_sentences(verb: Token) -> list[Span]:
    """The verb's sentence, then up to :data:`EARLIER_SENTENCES` before it, nearest first.

    Paragraph breaks do not stop the look-back: a news paragraph is a sentence or two, and
    the story's day carries over them (cutting at them lost a third of the right dates in
    5-fold cross-validation). A blank line the parser made a sentence of its own counts for none.
    """
    sentence = sentence_of(verb)
    found = [sentence]
    earlier = 0
    while sentence.start > 0 and earlier < EARLIER_SENTENCES:
        sentence = sentence_of(verb.doc[sentence.start - 1])
        if sentence.text.strip():
            found.append(sentence)
            earlier += 1
    return found


PART_OF_DAY = re.compile(r"^(?:in |during |that |this )?(?:the )?(?:morning|afternoon|evening|night)$", re.I)


def _future(verb: Token) -> bool:
    """Whether the clause is in the future tense ("will meet", "is going to visit")."""
    token = verb
    for _ in range(3):
        if any(is_modal(c, FUTURE) for c in token.children):
            return True
        if token.dep_ == "xcomp" and token.head.lower_ == "going":
            return True
        if token.dep_ not in ("xcomp", "conj", "advcl") or token.head == token:
            return False
        token = token.head
    return False


def _past(verb: Token) -> bool:
    """Whether a clause is in a past tense: "met", "was met", "had met", "has met"."""
    return verb.tag_ == "VBD" or (verb.tag_ == "VBN" and any(
        c.dep_ in ("aux", "auxpass") and (c.tag_ == "VBD" or c.lemma_ == "have") for c in verb.children))


def clause_verb(token: Token) -> Token:
    """The verb of the clause a token is in: itself when it is one, else the nearest verb
    above it (the token itself when none is near)."""
    current = token
    for _ in range(6):
        if current.pos_ in ("VERB", "AUX"):
            return current
        if current.head == current:
            break
        current = current.head
    return token


def present_progressive(verb: Token) -> bool:
    """ "is meeting", "are visiting": a present form of "be" with the verb's participle."""
    return verb.tag_ == "VBG" and any(c.lemma_ == "be" and c.tag_ in ("VBZ", "VBP") for c in verb.children)


def _perfect(verb: Token) -> bool:
    return verb.tag_ == "VBN" and any(c.dep_ == "aux" and c.lemma_ == "have" for c in verb.children)


def resolve_date(text: str, article_date: dt.date | None, *, future: bool = False,
                 nearest: bool = False) -> dt.date | None:
    """A day-precise date for a date expression, resolved against the article date.

    A weekday is the last one (``future``: the next one); a day without its year is in the
    last twelve months, or (``nearest``, for a clause not in the past tense, or ``future``)
    the one nearest the article's day.

    >>> resolve_date("on Monday", dt.date(2017, 12, 11))
    datetime.date(2017, 12, 11)
    >>> resolve_date("Wednesday", dt.date(2016, 1, 28))
    datetime.date(2016, 1, 27)
    >>> resolve_date("30 September 2015", None)
    datetime.date(2015, 9, 30)
    >>> resolve_date("on 9 January", None) is None  # no year and no article date
    True
    >>> resolve_date("last week", dt.date(2017, 12, 11)) is None  # not a day
    True
    >>> resolve_date("May 4", dt.date(2016, 3, 30)), resolve_date("May 4", dt.date(2016, 3, 30), nearest=True)
    (datetime.date(2015, 5, 4), datetime.date(2016, 5, 4))
    >>> resolve_date("Dec. 28", dt.date(2016, 1, 3), nearest=True)
    datetime.date(2015, 12, 28)
    """
    cleaned = re.sub(r"^(?:on|last|this past|earlier on)\s+(?=(?:mon|tues|wednes|thurs|fri|satur|sun)day\b)", "",
                     text.strip(), flags=re.I)
    cleaned = re.sub(r"\s+(?:morning|afternoon|evening|night)$", "", cleaned, flags=re.I)
    lowered = cleaned.lower()
    if lowered in WEEKDAYS:
        if article_date is None:
            return None
        delta = (article_date.weekday() - WEEKDAYS.index(lowered)) % 7
        if future:
            return article_date + dt.timedelta(days=(WEEKDAYS.index(lowered) - article_date.weekday()) % 7)
        return article_date - dt.timedelta(days=delta)
    if SAME_DAY.match(text.strip()):
        return article_date
    if article_date is None and not re.search(r"\b\d{4}\b", text):
        return None  # relative to an unknown day
    data = _parser(article_date).get_date_data(re.sub(r"^on\s+", "", text.strip(), flags=re.I))
    if data.date_obj is None or data.period != "day":
        return None
    if not re.search(r"\d", text) and lowered not in ("yesterday", "today", "the day before yesterday"):
        return None  # "the morning", "recently": no day is named
    day = data.date_obj.date()
    if (nearest or future) and article_date is not None and not re.search(r"\b\d{4}\b", text):
        # a day without its year is the one nearest the article's: "May 4" in a March story is
        # the coming May, "Dec. 28" in a January story the last December
        ahead = _with_year(day, day.year + 1)
        if ahead is not None and (ahead - article_date).days < (article_date - day).days:
            day = ahead
    return day


def _with_year(day: dt.date, year: int) -> dt.date | None:
    try:
        return day.replace(year=year)
    except ValueError:  # 29 February
        return None


@cache
def _parser(article_date: dt.date | None):
    from dateparser.date import DateDataParser

    settings = {"PREFER_DATES_FROM": "past", "REQUIRE_PARTS": ["day"], "RETURN_AS_TIMEZONE_AWARE": False}
    if article_date is not None:
        settings["RELATIVE_BASE"] = dt.datetime.combine(article_date, dt.time())
    return DateDataParser(languages=["en"], settings=settings)


def sentence_evidence(doc: Doc, sentence: Span, article) -> Evidence:
    """Evidence pointing at a whole sentence, offsets trimmed of surrounding whitespace."""
    text = sentence.text
    start = sentence.start_char + (len(text) - len(text.lstrip()))
    end = sentence.end_char - (len(text) - len(text.rstrip()))
    return Evidence(article.id if article is not None else "", start, end, doc_text(doc)[start:end])


def datelines(text: str) -> Iterator[tuple[int, int]]:
    """Where the place of an article's dateline may be written, as character offsets: a name
    in capitals opening one of the first paragraphs, before a dash (the headline and a
    standfirst may come first), in text order. Whether it is a place is for the caller to say.

    >>> text = "Cruz glad to finish.\\n\\nMYRTLE BEACH, S.C. - Sen. Ted Cruz spoke."
    >>> [text[a:b] for a, b in datelines(text)]
    ['MYRTLE BEACH']
    >>> [text[a:b] for text in ("WINSTON-SALEM, N.C. - Cruz spoke.", "BOSTON —Standing there")
    ...  for a, b in datelines(text)]
    ['WINSTON-SALEM', 'BOSTON']
    >>> [list(datelines(t)) for t in ("The US - and Iran - met.", "US-led jets struck.", "UN - talks end")]
    [[], [], []]
    """
    at = paragraphs = 0
    while at < len(text) and paragraphs < DATELINE_PARAGRAPHS:
        end = text.find("\n", at)
        end = len(text) if end < 0 else end
        start = end - len(text[at:end].lstrip())
        if start < end:
            paragraphs += 1
            match = DATELINE.match(text, start, end)
            if match and sum(c.isalpha() for c in match["place"]) >= 3:
                yield match.span("place")
        at = end + 1


def doc_datelines(doc: Doc) -> tuple[tuple[int, int], ...]:
    """:func:`datelines` of a parsed article, found once per Doc (mentions, joining and
    references each ask)."""
    found = doc.user_data.get("kg_datelines")
    if found is None:
        found = doc.user_data["kg_datelines"] = tuple(datelines(doc_text(doc)))
    return found
