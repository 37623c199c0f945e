"""Reading articles: ``.txt``, ``.json``/``.jsonl`` and ``.html`` files, or folders of them.

Every reader is registered by file extension in :data:`READERS`; adding a format is
one function plus one ``@reader`` line. Readers yield :class:`Article` records and
raise :class:`~kg.errors.InputError` naming the file and line of a bad record;
:func:`read_articles` reports such errors and goes on with the rest.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from kg.errors import InputError


@dataclass(frozen=True)
class Article:
    """One news article. Character offsets of facts refer to ``text``."""

    id: str
    text: str
    title: str | None = None
    date: dt.date | None = None
    url: str | None = None
    source: str = ""  # file (and line) it was read from
    warnings: tuple[str, ...] = ()  # what the reader repaired ("3 control characters removed")

    @staticmethod
    def content_id(text: str) -> str:
        """A stable id derived from the text, for articles that come without one."""
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


Reader = Callable[[Path], Iterator[Article]]
READERS: dict[str, Reader] = {}


def reader(*extensions: str) -> Callable[[Reader], Reader]:
    """Register a reader for file extensions (with the dot, lower case)."""

    def register(func: Reader) -> Reader:
        for ext in extensions:
            READERS[ext] = func
        return func

    return register


def read_articles(
    paths: Iterable[Path | str], on_error: Callable[[InputError], None] | None = None
) -> Iterator[Article]:
    """Yield the articles in files and folders (recursively, in sorted order).

    Bad files and records are passed to ``on_error`` (default: raise) and skipped;
    the rest is still read.

    >>> [a.title for a in read_articles(["data"])]  # doctest: +SKIP
    """
    for file in _files(paths, on_error):
        try:
            yield from _read_file(file)
        except InputError as err:
            if on_error is None:
                raise
            for each in getattr(err, "errors", [err]):
                on_error(each)


def _files(paths: Iterable[Path | str], on_error: Callable[[InputError], None] | None) -> Iterator[Path]:
    for path in map(Path, paths):
        if path.is_dir():
            yield from sorted(
                p for p in path.rglob("*") if p.is_file() and not p.name.startswith(".")
            )
        elif path.is_file():
            yield path
        else:
            err = InputError(path, "no such file or folder")
            if on_error is None:
                raise err
            on_error(err)


def _read_file(path: Path) -> Iterator[Article]:
    read = READERS.get(path.suffix.lower())
    if read is None:
        known = ", ".join(sorted(READERS))
        raise InputError(path, f"unknown extension {path.suffix or '(none)'!r}", hint=f"kg reads {known}")
    yield from read(path)


# C0 controls other than tab, line feed and carriage return, DEL and the C1 controls
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_BINARY_SHARE = 0.01  # a text with more control characters than this is no text


def _decode(path: Path, *, by_line: bool = False) -> str:
    """The file's text. ``by_line``: bytes that are not UTF-8 are kept as lone surrogates
    (``surrogateescape``) for the reader to skip the lines that hold them
    (:func:`undecodable`), rather than the whole file."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        if b"\x00" in data[:8192]:
            raise InputError(path, "binary file, not text", hint="give a UTF-8 text, JSON or HTML file") from None
        if not by_line:
            raise InputError(path, f"not UTF-8 text (byte {err.start})", hint=_REENCODE) from None
        text = data.decode("utf-8-sig", errors="surrogateescape")
    if len(_CONTROL.findall(text[:65536])) > max(16, _BINARY_SHARE * min(len(text), 65536)):
        raise InputError(path, "binary file, not text", hint="give a UTF-8 text, JSON or HTML file")
    if not text.strip():
        raise InputError(path, "empty file")
    return text


_REENCODE = "re-encode the file as UTF-8 (iconv -f latin1 -t utf-8, for one in Latin-1)"
_ESCAPED = re.compile("[\udc80-\udcff]")  # a byte that was not UTF-8, under surrogateescape


def undecodable(text: str) -> int | None:
    """The byte offset in ``text`` of its first byte that was not UTF-8, or None.

    >>> undecodable(b'{"text": "caf\\xe9"}'.decode("utf-8", "surrogateescape"))
    13
    """
    found = _ESCAPED.search(text)
    return None if found is None else len(text[:found.start()].encode("utf-8", "surrogateescape"))


_BREAKS = {"\x0b": "\n", "\x0c": "\n", "\x85": "\n"}  # vertical tab, form feed, NEL: a line break, not nothing


def strip_controls(text: str) -> tuple[str, tuple[str, ...]]:
    """The text without control characters (a stray NUL byte), and a warning saying so.
    Page and line breaks written as controls become line breaks, so words stay apart.

    >>> strip_controls("Putin\\x00 visited Syria.")
    ('Putin visited Syria.', ('1 control character removed',))
    >>> strip_controls("page one\\x0cpage two")[0]
    'page one\\npage two'
    """
    cleaned, count = _CONTROL.subn(lambda m: _BREAKS.get(m.group(), ""), text)
    if not count:
        return text, ()
    return cleaned, (f"{count} control character{'s' if count > 1 else ''} removed",)


def parse_date(value: object) -> tuple[dt.date | None, tuple[str, ...]]:
    """The day an article's ``date`` field names, and a warning (as the reader's warnings are
    kept) when it names none kg can read.

    An ISO date or a timestamp starting with one (``2017-12-11T09:30:00-05:00``) gives its day as
    written; so do dates with a day, month and year in other forms, read by dateparser in English
    ("March 5, 2024", "Tue, 05 Mar 2024 10:00:00 GMT", "2024/03/05"; all-numeric day/month
    orders are read month first, as dateparser does, and said so when both could be a month).
    A relative or partial date ("yesterday", "March 2024") or no date at all gives None with a
    warning: the article is built undated rather than skipped.
    """
    if value in (None, ""):
        return None, ()
    text = str(value).strip()
    iso = re.match(r"(\d{4}-\d{2}-\d{2})(?![\d-])", text)
    if iso:
        try:
            return dt.date.fromisoformat(iso.group(1)), ()
        except ValueError:
            return None, (f"date {text!r} is no day of the calendar; built undated",)
    parsed = _date_parser().get_date_data(text).date_obj
    if parsed is None:
        return None, (f"date {text!r} is not a day kg can read (YYYY-MM-DD, or a day, month and year); built undated",)
    ambiguous = re.match(r"(\d{1,2})[/.-](\d{1,2})[/.-]\d{2,4}\b", text)  # a time may follow
    if ambiguous and int(ambiguous.group(1)) <= 12 and int(ambiguous.group(2)) <= 12:
        return parsed.date(), (f"date {text!r} read month first, as {parsed.date().isoformat()}",)
    return parsed.date(), ()


@cache
def _date_parser():
    from dateparser.date import DateDataParser  # only when a date is not ISO

    # absolute dates with a day, month and year only: "yesterday" must not become today
    return DateDataParser(languages=["en"], settings={"STRICT_PARSING": True,
                                                      "PARSERS": ["absolute-time", "custom-formats"]})


_DATE_MARKER = re.compile(r"\A\s*date[:\s]+(\d{4}-\d{2}-\d{2})\b[ \t]*\n?", re.IGNORECASE)
_HEADLINE_MAX = 200


@reader(".txt", ".text")
def read_text(path: Path) -> Iterator[Article]:
    """A plain-text article: optional headline line, optional ``date YYYY-MM-DD`` marker, body.

    The marker is removed from ``text``; a headline stays in it (headlines state facts too)
    and is also kept as the title.
    """
    raw = _decode(path)
    date, dated = None, ()
    marker = _DATE_MARKER.match(raw)
    if marker:
        date, dated = parse_date(marker.group(1))
        raw = raw[marker.end():]
    first, _, rest = raw.lstrip().partition("\n")
    title = None
    if rest.strip() and len(first) <= _HEADLINE_MAX and not first.rstrip().endswith((".", '"', "”")):
        title = first.strip()
        rest_marker = _DATE_MARKER.match(rest)
        if rest_marker and marker is None:  # headline, then the date marker
            date, dated = parse_date(rest_marker.group(1))
            raw = raw[: raw.index(rest)] + rest[rest_marker.end():]
    text, warnings = strip_controls(raw.strip())
    text = text.strip()
    if not text:
        raise InputError(path, "empty file (nothing but control characters)" if warnings else "empty file")
    if title:
        title = strip_controls(title)[0]
    yield Article(id=Article.content_id(text), text=text, title=title, date=date, source=str(path),
                  warnings=warnings + dated)


@reader(".jsonl", ".json", ".ndjson")
def read_json_lines(path: Path) -> Iterator[Article]:
    """One JSON object per line with ``text`` and optional ``id``, ``title``, ``date``, ``url``.

    A ``.json`` file may also hold a single object or an array of them.
    """
    text = _decode(path, by_line=True)
    stripped = text.lstrip()
    if path.suffix.lower() == ".json" and stripped.startswith("["):
        if (at := undecodable(text)) is not None:  # one array: refused whole
            raise InputError(path, f"not UTF-8 text (byte {at})", hint=_REENCODE)
        try:
            records = json.loads(text)
        except json.JSONDecodeError as err:
            raise InputError(path, f"invalid JSON: {err.msg}", line=err.lineno) from None
        bad: list[InputError] = []
        for index, record in enumerate(records, 1):
            try:
                yield record_article(record, path, None, f"{path}#{index}")
            except InputError as err:
                bad.append(InputError(path, f"record {index}: {err.message}", hint=err.hint))
        if bad:
            raise BadRecords(bad)
        return
    bad: list[InputError] = []
    lines = [line.removesuffix("\r") for line in text.split("\n")]  # not splitlines: U+2028 may be inside a string
    records = {number: line for number, line in enumerate(lines, 1) if line.strip()}
    broken = {number: at for number, line in records.items() if (at := undecodable(line)) is not None}
    if broken and len(broken) == len(records):  # no line is UTF-8: one error for the file
        raise InputError(path, f"not UTF-8 text (byte {undecodable(text)})", hint=_REENCODE)
    for number, line in records.items():
        try:
            record = json.loads(line)
        except json.JSONDecodeError as err:
            if number == 1 and path.suffix.lower() == ".json":  # a pretty-printed single object
                if broken:
                    raise InputError(path, f"not UTF-8 text (byte {undecodable(text)})", hint=_REENCODE) from None
                yield _single_object(text, path)
                return
            record = err
        if number in broken:  # that record only: the others are UTF-8
            bad.append(InputError(path, f"not UTF-8 text (byte {broken[number]} of the line)", line=number,
                                  hint=_REENCODE))
            continue
        if isinstance(record, json.JSONDecodeError):
            bad.append(InputError(path, f"invalid JSON: {record.msg} (column {record.colno})", line=number))
            continue
        try:
            yield record_article(record, path, number, f"{path}:{number}")
        except InputError as err:
            bad.append(err)
    if bad:
        raise BadRecords(bad)


class BadRecords(InputError):
    """Several bad records in one file; the good ones were read."""

    def __init__(self, errors: list[InputError]):
        self.errors = errors
        first = errors[0]
        super().__init__(first.path, first.message, line=first.line, hint=first.hint)


def _single_object(text: str, path: Path) -> Article:
    try:
        record = json.loads(text)
    except json.JSONDecodeError as err:
        raise InputError(path, f"invalid JSON: {err.msg}", line=err.lineno) from None
    return record_article(record, path, None, str(path))


def record_article(record: object, path: Path, line: int | None, source: str) -> Article:
    """The article of one JSON record (``id``, ``text``, ``title``, ``date``, ``url``), checked and
    cleaned as every reader does; raises :class:`InputError` naming ``path`` and ``line``."""
    if not isinstance(record, dict):
        raise InputError(path, "record is not a JSON object", line=line)
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        raise InputError(path, "record has no text", line=line, hint='each record needs a non-empty "text" field')
    given = record.get("id")
    title = record.get("title")
    url = record.get("url")
    if not isinstance(given, (str, int, type(None))) or isinstance(given, bool):
        raise InputError(path, f"record id must be a string, not {type(given).__name__}", line=line)
    for name, value in (("title", title), ("url", url), ("date", record.get("date"))):
        if value is not None and not isinstance(value, str):
            raise InputError(path, f"record {name} must be a string, not {type(value).__name__}", line=line)
    for name, value in (("text", text), ("title", title), ("id", given)):
        if isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                raise InputError(path, f"record {name} holds an unpaired surrogate (invalid Unicode)", line=line) from None
    text, warnings = strip_controls(text)
    if not text.strip():
        raise InputError(path, "record has no text", line=line, hint='each record needs a non-empty "text" field')
    date, dated = parse_date(record.get("date"))
    return Article(
        id=str(given) if given not in (None, "") else Article.content_id(text),
        text=text,
        warnings=warnings + dated,
        title=strip_controls(str(title))[0] if title else None,
        date=date,
        url=str(url) if url else None,
        source=source,
    )


# A page whose main text has fewer words than this is no article: login pages, cookie walls,
# index pages and empty templates extract to a heading and a line or two. (Trafilatura's own
# floor for a main text is 250 characters, about 40 words.) A shorter brief can be given as
# .txt or .jsonl, which have no boilerplate to mistake for a text.
MIN_HTML_WORDS = 40
NO_ARTICLE_TEXT = "no article text found (login page, index or empty page?)"


@cache
def _trafilatura_config():
    from trafilatura.settings import use_config

    config = use_config()
    # Dates only from the page's metadata (<meta>, <time>, JSON-LD, a byline), never from a
    # search of the whole text, which takes the year of a "(c) 2024" footer for the date.
    config.set("DEFAULT", "EXTENSIVE_DATE_SEARCH", "off")
    return config


@reader(".html", ".htm")
def read_html(path: Path) -> Iterator[Article]:
    """An article web page: main text, title and date found by trafilatura and htmldate.

    Raises:
        InputError: the page has no main text of at least :data:`MIN_HTML_WORDS` words.
    """
    import trafilatura  # heavy import, only when HTML is read

    page = _decode(path)
    document = trafilatura.bare_extraction(page, with_metadata=True, favor_precision=True,
                                           config=_trafilatura_config())
    text = (getattr(document, "text", None) or "").strip() if document is not None else ""
    text, warnings = strip_controls(text)
    if not text:
        raise InputError(path, NO_ARTICLE_TEXT)
    words = len(text.split())
    if words < MIN_HTML_WORDS:
        raise InputError(path, f"{NO_ARTICLE_TEXT}: its main text has {words} word{'s' if words != 1 else ''}, an article at least "
                               f"{MIN_HTML_WORDS}", hint="give a short article's text as .txt or .jsonl")
    date, dated = parse_date(getattr(document, "date", None))
    yield Article(
        id=Article.content_id(text),
        text=text,
        title=getattr(document, "title", None) or None,
        date=date,
        url=getattr(document, "url", None) or None,
        source=str(path),
        warnings=warnings + dated,
    )
