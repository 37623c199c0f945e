"""An interrupted ``--store`` build keeps what it parsed: the next one parses only the rest,
and ends with the store a one-shot build makes."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from kg.articles import Article
from kg.cli import EXIT_OK, app
from kg.facts import ArticleFacts
from kg.pipeline import build
from kg.query import open_store
from kg.store import FactStore

from .conftest import DATA, ROOT
from .test_resolution import A, B, C

ARTICLES = 5  # the two samples and A, B, C
BATCH = 2


class Interrupt(Exception):
    """What a test raises from the progress callback to stop a build part way."""


@pytest.fixture()
def inputs(tmp_path):
    folder = tmp_path / "in"
    shutil.copytree(DATA, folder)
    (folder / "records.jsonl").write_text("".join(json.dumps(r) + "\n" for r in (A, B, C)))
    return folder


def interrupt_after(count: int, error: BaseException):
    def progress(phase: str, done: int, total: int | None) -> None:
        if phase == "parsing" and done == count:
            raise error
    return progress


def parsed_by(inputs, store, **options) -> tuple[object, list[str]]:
    """Build into a store; the result and the ids of the articles this build parsed."""
    parsed: list[str] = []
    result = build([inputs], None, store=store, on_article=lambda article: parsed.append(article.id), **options)
    return result, parsed


def stored_facts(path) -> dict:
    record = json.loads(path.read_text(encoding="utf-8"))
    record["article"].pop("source")  # the folder it was read from differs between the tests
    return record


def state(store) -> dict:
    """What a store holds: its graph's triples, each article's facts, the IRI registry, its files."""
    dump = open_store(store).dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
    return {
        "graph": set(dump.decode("utf-8").splitlines()),
        "facts": {p.name: stored_facts(p) for p in (store / "facts").iterdir()},
        "registry": (store / "registry.json").read_bytes(),
        # the versioned Oxigraph folders and their reader locks (kg.io.hold_graph) have new names each build
        "files": sorted(p.name for p in store.iterdir() if not p.name.startswith(("oxigraph-", ".oxigraph-"))),
    }


@pytest.fixture(scope="module")
def one_shot(tmp_path_factory):
    folder = tmp_path_factory.mktemp("one-shot")
    shutil.copytree(DATA, folder / "in")
    (folder / "in" / "records.jsonl").write_text("".join(json.dumps(r) + "\n" for r in (A, B, C)))
    result, parsed = parsed_by(folder / "in", folder / "store")
    assert len(parsed) == ARTICLES and result.resumed == 0
    return state(folder / "store")


@pytest.mark.parametrize("error", [KeyboardInterrupt(), Interrupt("stop")], ids=["ctrl-c", "error"])
def test_an_interrupted_build_resumes_with_only_the_articles_left(tmp_path, inputs, one_shot, error):
    store = tmp_path / "store"
    with pytest.raises(type(error)):
        build([inputs], None, store=store, batch_size=BATCH, on_progress=interrupt_after(3, error))
    assert list((store / "facts").iterdir()) == [] and not (store / "oxigraph").exists()  # the store as it was
    assert (store / "parsed.sqlite").exists()

    result, parsed = parsed_by(inputs, store)
    assert result.resumed == 3 and len(parsed) == ARTICLES - 3  # the stop came after the third article
    assert result.report()["articles"]["resumed"] == 3
    assert state(store) == one_shot  # and no checkpoint file is left
    again, parsed_again = parsed_by(inputs, store)  # positive control: a finished build leaves nothing to resume
    assert parsed_again == [] and again.resumed == 0


@pytest.mark.slow  # a whole process or two: make test runs it
def test_a_killed_build_keeps_every_committed_batch_and_the_rerun_says_so(tmp_path, inputs, one_shot):
    store = tmp_path / "store"
    script = (
        "import os, signal, sys\n"
        "from kg.pipeline import build\n"
        "def progress(phase, done, total):\n"
        "    if phase == 'parsing' and done == 3:\n"
        "        os.kill(os.getpid(), signal.SIGKILL)  # no cleanup, no finally: only what was committed\n"
        f"build([sys.argv[1]], None, store=sys.argv[2], batch_size={BATCH}, on_progress=progress)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    killed = subprocess.run([sys.executable, "-c", script, str(inputs), str(store)], env=env, cwd=ROOT,
                            capture_output=True, text=True, check=False, timeout=120)
    assert killed.returncode == -9, killed.stderr
    assert list((store / "facts").iterdir()) == []

    rerun = CliRunner().invoke(app, ["build", str(inputs), "--store", str(store)])
    assert rerun.exit_code == EXIT_OK, rerun.output
    output = " ".join(rerun.output.split())
    # the third article was parsed but not committed: the batch of two before it was
    assert f"{store}: 2 of {ARTICLES} articles were already parsed by an interrupted build; parsing the 3 left" in output
    assert "parsing 3 articles" in output
    assert state(store) == one_shot


def test_a_checkpoint_of_another_model_or_kg_version_is_not_reused(tmp_path):
    store = FactStore(tmp_path / "store")
    article = Article("a", "Angela Merkel visited Paris on Monday.")
    facts = ArticleFacts("a", (), (), ())
    key = {"model": "en_core_web_sm 3.8.0", "kg": "code digest one"}
    with store.checkpoint(key) as checkpoint:
        checkpoint.add(article, facts)
    with store.checkpoint(key) as checkpoint:  # positive control: the same key and article are reused
        assert checkpoint.split([article]) == ([(article, facts)], [])
    changed = Article("a", "Angela Merkel visited Lyon on Monday.")
    for other_key, other_article in (({**key, "model": "en_core_web_sm 3.7.1"}, article),
                                     ({**key, "kg": "code digest two"}, article),
                                     (key, changed)):
        with store.checkpoint(other_key) as checkpoint:
            assert checkpoint.split([other_article]) == ([], [other_article])


def test_a_build_with_another_event_model_parses_again_and_drops_the_stale_checkpoint(tmp_path, inputs):
    from importlib import resources

    from kg.extract.event_model import DEFAULT_MODEL

    store = tmp_path / "store"
    with pytest.raises(Interrupt):
        build([inputs], None, store=store, batch_size=BATCH, on_progress=interrupt_after(2, Interrupt()))
    retrained = tmp_path / "events-model.json"  # the same weights, written by another kg train run
    model = json.loads(resources.files("kg.resources").joinpath(DEFAULT_MODEL).read_text(encoding="utf-8"))
    retrained.write_text(json.dumps({**model, "meta": {**model.get("meta", {}), "trained": "elsewhere"}}))
    result, parsed = parsed_by(inputs, store, events_model=retrained)
    assert result.resumed == 0 and len(parsed) == ARTICLES
    assert not (store / "parsed.sqlite").exists()  # rows of the other key went with the finished build


def test_a_damaged_checkpoint_costs_a_parse_never_the_build(tmp_path, inputs, one_shot, caplog):
    store = tmp_path / "store"
    store.mkdir()
    (store / "parsed.sqlite").write_bytes(b"not a database, " * 64)
    result, parsed = parsed_by(inputs, store)
    assert len(parsed) == ARTICLES and result.resumed == 0
    assert "unreadable checkpoint" in caplog.text and "parsing every article again" in caplog.text
    assert state(store) == one_shot
