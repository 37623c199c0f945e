"""Readers: formats, stable ids, and bad input named by file and line."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from kg.articles import Article, read_articles
from kg.errors import InputError

from .conftest import DATA


def test_sample_text_files(tmp_path):
    articles = {a.source.rsplit("/", 1)[-1]: a for a in read_articles([DATA])}
    first = articles["000_b1435b75c62fd08d.txt"]
    assert first.title.startswith("Putin visits Russian airbase in Syria")
    assert first.date is None
    second = articles["002_4b55b335be01ba20.txt"]
    assert second.date == dt.date(2017, 12, 11)
    assert second.text.startswith("The Russian president has visited")  # the marker is not text


def test_text_ids_are_stable_and_derived_from_content(tmp_path):
    (tmp_path / "a.txt").write_text("Headline\nBody of the article.\n")
    (tmp_path / "b.txt").write_text("Headline\nBody of the article.\n")
    ids = [a.id for a in read_articles([tmp_path])]
    assert ids[0] == ids[1] == Article.content_id("Headline\nBody of the article.")


def test_jsonl_records(tmp_path):
    path = tmp_path / "news.jsonl"
    path.write_text(
        json.dumps({"id": "x/1", "title": "T", "date": "2016-01-28", "text": "Some text.", "url": "https://e.org/1"})
        + "\n\n"
        + json.dumps({"text": "No id here."})
        + "\n"
    )
    first, second = read_articles([path])
    assert (first.id, first.title, first.date, first.url) == ("x/1", "T", dt.date(2016, 1, 28), "https://e.org/1")
    assert second.id == Article.content_id("No id here.")
    assert second.source.endswith("news.jsonl:3")


def test_json_array(tmp_path):
    path = tmp_path / "news.json"
    path.write_text(json.dumps([{"id": "a", "text": "One."}, {"id": "b", "text": "Two."}]))
    assert [a.id for a in read_articles([path])] == ["a", "b"]


BODY = ("<p>The minister visited the port on Tuesday and spoke to workers about the new harbour. She said the "
        "expansion would bring jobs to the region and that the government would pay to dredge the channel.</p>"
        "<p>Workers told her that the cranes were old and that repairs had been put off for years. The harbour "
        "master said he welcomed the visit and hoped that money would follow the words.</p>")
FOOTER = "<footer><p>\u00a9 2024 Daily Courier Media Ltd. All rights reserved.</p></footer>"


def page(head: str = "", main: str = "", footer: str = FOOTER) -> str:
    """A hand-made web page: navigation, the main part and a copyright footer."""
    return (f"<html><head><title>Daily Courier</title>{head}</head><body>"
            f"<nav><a href='/'>Home</a> | <a href='/news'>News</a></nav>{main}{footer}</body></html>")


ARTICLE = f"<article><h1>Minister visits port</h1>{BODY}</article>"
LOGIN = ("<main><h1>Sign in to your account</h1><form action='/login' method='post'>"
         "<label>Email <input name='email'></label><label>Password <input type='password' name='password'></label>"
         "<button>Sign in</button></form><p>Forgot your password? <a href='/reset'>Reset it here</a>. New to the "
         "Daily Courier? <a href='/register'>Create an account</a> to read all our stories.</p></main>")
INDEX = "<h1>World</h1><ul>" + "".join(
    f"<li><a href='/{n}'>{title}</a></li>" for n, title in enumerate(
        ["Minister visits port", "Talks on trade resume", "Floods close roads", "Election date set"])) + "</ul>"


def test_html_page(tmp_path):
    path = tmp_path / "page.html"
    path.write_text(page('<meta property="article:published_time" content="2020-03-04T10:00:00Z">', ARTICLE))
    (article,) = read_articles([path])
    assert "visited the port" in article.text
    assert "Home | News" not in article.text and "2024" not in article.text
    assert article.date == dt.date(2020, 3, 4)  # from the page's metadata


def test_a_control_byte_in_an_html_page_never_reaches_the_text(tmp_path):
    path = tmp_path / "page.html"
    path.write_text(page("", ARTICLE.replace("visited the port", "visited\x07 the port")))
    (article,) = read_articles([path])
    assert "visited the port" in article.text and "\x07" not in article.text


@pytest.mark.parametrize(("marked", "date"), [
    ('<time datetime="2019-06-07">7 June 2019</time>', dt.date(2019, 6, 7)),
    ('<script type="application/ld+json">{"@context": "https://schema.org", "@type": "NewsArticle", '
     '"datePublished": "2018-02-03T08:00:00Z"}</script>', dt.date(2018, 2, 3)),
    ("", None),  # only the copyright footer names a year: no date, not 2024-01-01
])
def test_an_html_date_comes_from_the_page_metadata_never_the_copyright_footer(tmp_path, marked, date):
    path = tmp_path / "page.html"
    path.write_text(page(main=ARTICLE.replace("</h1>", "</h1>" + marked)))
    (article,) = read_articles([path])
    assert "visited the port" in article.text
    assert article.date == date


@pytest.mark.parametrize("main", [LOGIN, INDEX, ""], ids=["login", "index", "empty"])
def test_an_html_page_without_a_main_text_is_refused_with_its_reason(tmp_path, main):
    path = tmp_path / "page.html"
    path.write_text(page(main=main))
    errors = []
    assert list(read_articles([path], on_error=errors.append)) == []
    (error,) = errors
    assert error.path == path
    assert error.message.startswith("no article text found (login page, index or empty page?)")
    assert str(path) in str(error)


def test_the_html_word_floor_is_the_named_constant(tmp_path):
    from kg.articles import MIN_HTML_WORDS

    words = ("Officials said the talks would go on for another day in the capital. " * 20).split()
    for count, kept in ((MIN_HTML_WORDS, True), (MIN_HTML_WORDS - 1, False)):
        path = tmp_path / f"{count}.html"
        path.write_text(page(main=f"<article><p>{' '.join(words[:count])}</p></article>", footer=""))
        errors = []
        articles = list(read_articles([path], on_error=errors.append))
        assert (len(articles), len(errors)) == ((1, 0) if kept else (0, 1)), (count, errors)
        if not kept:
            assert f"has {count} words, an article at least {MIN_HTML_WORDS}" in errors[0].message


@pytest.mark.parametrize(
    ("name", "content", "message", "line"),
    [
        ("empty.txt", b"", "empty file", None),
        ("blank.txt", b"  \n\n ", "empty file", None),
        ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00", "binary file", None),
        ("latin1.txt", "Caf\xe9 news".encode("latin-1"), "not UTF-8", None),
        ("bad.jsonl", b'{"text": "fine"}\n{"text": broken\n', "invalid JSON", 2),
        ("notext.jsonl", b'{"id": "1", "text": "ok"}\n{"id": "2", "title": "no body"}\n', "no text", 2),
        ("list.jsonl", b'["not", "an", "object"]\n', "not a JSON object", 1),
        ("article.pdf", b"%PDF-1.4", "unknown extension", None),
    ],
)
def test_bad_input_names_the_file_and_line(tmp_path, name, content, message, line):
    path = tmp_path / name
    path.write_bytes(content)
    errors = []
    list(read_articles([path], on_error=errors.append))
    assert errors, "no error reported"
    err = errors[0]
    assert err.path == path
    assert message in err.message
    assert err.line == line
    assert str(path) in str(err)


@pytest.mark.parametrize(
    ("given", "day", "warned"),
    [
        ("2024-03-05", "2024-03-05", None),
        ("2024-03-05T23:30:00-05:00", "2024-03-05", None),  # the day as written, not moved to UTC
        ("March 5, 2024", "2024-03-05", None),
        ("Tue, 05 Mar 2024 23:30:00 -0500", "2024-03-05", None),
        ("5th of March 2024", "2024-03-05", None),
        ("2024/03/05", "2024-03-05", None),
        ("13/05/2024", "2024-05-13", None),
        ("03/05/2024", "2024-03-05", "read month first"),
        ("3/5/2024 10:00 AM", "2024-03-05", "read month first"),
        ("yesterday", None, "not a day kg can read"),  # relative: never today's date
        ("March 2024", None, "not a day kg can read"),
        ("2024-02-31", None, "no day of the calendar"),
    ],
)
def test_a_date_in_another_form_is_read_and_one_that_names_no_day_leaves_the_article_undated(
        tmp_path, given, day, warned):
    path = tmp_path / "dated.jsonl"
    path.write_text(json.dumps({"id": "a", "text": "Some news.", "date": given}) + "\n"
                    + json.dumps({"id": "b", "text": "More news.", "date": "2020-01-02"}) + "\n")
    errors = []
    first, second = read_articles([path], on_error=errors.append)
    assert errors == []  # the article is built, with or without its date
    assert (first.date.isoformat() if first.date else None) == day
    assert [w for w in first.warnings if warned and warned in w and given in w] or (not warned and not first.warnings)
    assert second.date.isoformat() == "2020-01-02" and second.warnings == ()  # control


def test_an_unreadable_date_marker_in_a_text_file_leaves_it_undated(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("date 2024-13-40\nMerkel visited Paris.\n")
    (article,) = read_articles([path])
    assert article.date is None and "no day of the calendar" in article.warnings[0]
    path.write_text("date 2024-12-04\nMerkel visited Paris.\n")
    (article,) = read_articles([path])
    assert article.date.isoformat() == "2024-12-04" and article.warnings == ()


def test_good_records_survive_bad_ones(tmp_path):
    path = tmp_path / "mixed.jsonl"
    path.write_text('{"id": "1", "text": "first"}\nnot json\n{"id": "3", "text": "third"}\n{"id": "4"}\n')
    errors = []
    ids = [a.id for a in read_articles([path], on_error=errors.append)]
    assert ids == ["1", "3"]
    assert [e.line for e in errors] == [2, 4]


@pytest.mark.parametrize("suffix", [".jsonl", ".json"])
def test_a_record_that_is_not_utf8_is_skipped_alone(tmp_path, suffix):
    path = tmp_path / f"mixed{suffix}"
    path.write_bytes(b'{"id": "1", "text": "first"}\n{"id": "2", "text": "caf\xe9"}\n{"id": "3", "text": "third \xc3\xa9"}\n')
    errors = []
    articles = list(read_articles([path], on_error=errors.append))
    assert [(a.id, a.text) for a in articles] == [("1", "first"), ("3", "third \u00e9")]  # UTF-8 lines kept whole
    assert [(e.line, e.message) for e in errors] == [(2, "not UTF-8 text (byte 24 of the line)")]
    assert "re-encode" in errors[0].hint


def test_a_json_array_that_is_not_utf8_is_refused_whole(tmp_path):
    path = tmp_path / "array.json"
    path.write_bytes(b'[{"id": "1", "text": "first"}, {"id": "2", "text": "caf\xe9"}]')
    errors = []
    assert list(read_articles([path], on_error=errors.append)) == []
    assert [(e.line, e.message) for e in errors] == [(None, "not UTF-8 text (byte 55)")]
    control = tmp_path / "control.json"
    control.write_bytes(b'[{"id": "1", "text": "first"}, {"id": "2", "text": "caf\xc3\xa9"}]')
    assert [a.id for a in read_articles([control])] == ["1", "2"]


def test_a_file_with_no_utf8_line_is_one_error_not_one_a_line(tmp_path):
    path = tmp_path / "latin1.jsonl"
    path.write_bytes("".join(f'{{"id": "{i}", "text": "caf\xe9 {i}"}}\n' for i in range(5)).encode("latin-1"))
    errors = []
    assert list(read_articles([path], on_error=errors.append)) == []
    assert [(e.line, e.message) for e in errors] == [(None, "not UTF-8 text (byte 24)")]
    pretty = tmp_path / "pretty.json"  # a single object over lines, its first one not UTF-8: refused whole too
    pretty.write_bytes(b'{"text": "caf\xe9",\n "id": "x"}\n')
    errors = []
    assert list(read_articles([pretty], on_error=errors.append)) == []
    assert [(e.line, e.message) for e in errors] == [(None, "not UTF-8 text (byte 13)")]


def test_a_line_separator_inside_a_json_string_stays_in_its_record(tmp_path):
    path = tmp_path / "seps.jsonl"
    path.write_text('{"id": "1", "text": "one\u2028two\u0085three"}\r\n{"id": "2", "text": "four"}\n', encoding="utf-8")
    errors = []
    articles = list(read_articles([path], on_error=errors.append))
    assert errors == [] and [a.id for a in articles] == ["1", "2"]
    assert "two" in articles[0].text and "three" in articles[0].text


def test_without_handler_errors_raise(tmp_path):
    path = tmp_path / "x.unknown"
    path.write_text("text")
    with pytest.raises(InputError, match="unknown extension"):
        list(read_articles([path]))


def test_missing_path_is_reported(tmp_path):
    errors = []
    assert list(read_articles([tmp_path / "nope"], on_error=errors.append)) == []
    assert "no such file" in errors[0].message


def test_an_article_over_the_model_limit_is_parsed_in_parts_with_its_own_offsets(nlp):
    from kg.articles import Article
    from kg.nlp import parse

    paragraph = "Angela Merkel visited Paris on Monday. She met Emmanuel Macron there. "
    text = (paragraph * 3).strip() + "\n\n" + paragraph * 8  # the second paragraph alone is over the limit
    article = Article("long", text)
    limit, nlp.max_length = nlp.max_length, 400
    try:
        (doc,) = list(parse(nlp, [article]))
    finally:
        nlp.max_length = limit
    assert doc.text == text and doc._.article is article
    people = [(e.start_char, e.text) for e in doc.ents if e.label_ == "PERSON"]
    assert len([p for p in people if p[1] == "Angela Merkel"]) == 11
    assert all(text[start:start + len(name)] == name for start, name in people)
