"""Shared fixtures: the real spaCy model, an extraction helper and the sample build."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.articles import Article

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def nlp():
    from kg.nlp import load_model

    return load_model()


@pytest.fixture(scope="session")
def finder(nlp):
    from kg.extract import EntityFinder

    return EntityFinder(nlp.tokenizer)


class Extracted:
    """Facts of one text, with entity ids replaced by the names they were written as."""

    def __init__(self, facts):
        self.facts = facts
        self.names = {e.id: max(e.names, key=len) for e in facts.entities}
        self.types = {max(e.names, key=len): e.type for e in facts.entities}

    def name(self, eid):
        return self.names[eid]

    def of(self, kind):
        return [f for f in self.facts.facts if type(f).__name__ == kind]

    @property
    def quotes(self):
        return {(f.text, self.name(f.speaker)) for f in self.of("Quote") if f.speaker is not None}

    @property
    def unattributed(self):
        return {(f.text, f.speaker_text) for f in self.of("Quote") if f.speaker is None}

    @property
    def visits(self):
        """Visits asserted as having happened."""
        return {(self.name(f.agent), self.name(f.place), f.date) for f in self.of("Visit") if f.status is None}

    @property
    def meetings(self):
        """Meetings asserted as having happened."""
        return {frozenset(self.name(p) for p in f.participants) for f in self.of("Meeting") if f.status is None}

    @property
    def planned(self):
        """(kind, names, status) of the visits and meetings kept as planned, cancelled or denied."""
        return {(type(f).__name__, frozenset(self.name(e) for e in (
            (f.agent, f.place) if type(f).__name__ == "Visit" else f.participants)), f.status)
            for f in self.of("Visit") + self.of("Meeting") if f.status is not None}


@pytest.fixture(scope="session")
def extract_text(nlp, finder):
    """extract_text(text, date=None) -> Extracted: run every extractor on one text."""
    from kg.extract import extract

    def run(text: str, date=None) -> Extracted:
        doc = nlp(text)
        doc._.article = Article(id="test", text=text, date=date)
        return Extracted(extract(doc, finder))

    return run


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory):
    """The demo build of the two sample articles, with its output folder."""
    from kg.pipeline import build

    out = tmp_path_factory.mktemp("sample")
    return build([DATA], out, formats=("turtle",))


CORPUS = SHARED / "corpus" / "news-4215.jsonl"
CORPUS_EVERY, CORPUS_ARTICLES = 4, 1000  # benchmarks/bench_page.py builds the same slice by default


@pytest.fixture(scope="session")
def corpus_1000(tmp_path_factory):
    """The build of 1,000 corpus articles, every fourth one from the start (557 BBC stories
    of 2004-2005 with no dates, 252 dated PolNeAR articles of the 2016 US election, 191 ECB+
    ones, some dated), with its graph page; built once a session (about five minutes)."""
    if not CORPUS.is_file():
        pytest.skip("../shared/corpus (research data) is not present")
    from kg.pipeline import build

    tmp = tmp_path_factory.mktemp("corpus1000")
    lines = CORPUS.read_text(encoding="utf-8").splitlines()[::CORPUS_EVERY][:CORPUS_ARTICLES]
    (tmp / "slice.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return build([tmp / "slice.jsonl"], tmp / "out", formats=("turtle", "html"))


@pytest.fixture(scope="session")
def sample_store(sample_build):
    from kg.query import open_store

    return open_store(sample_build.outputs["turtle"])


@pytest.fixture
def listener():
    """A loopback socket that counts the connections made to it (and closes each at once)."""
    import socket
    import threading

    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.2)
    connections = []
    stop = threading.Event()

    def accept():
        while not stop.is_set():
            try:
                connection, _ = server.accept()
            except OSError:  # the timeout: look at stop again
                continue
            connections.append(connection.getpeername())
            connection.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1], connections
    stop.set()
    thread.join()
    server.close()
