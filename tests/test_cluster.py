"""Parsing on Dask workers and in worker processes gives the bytes of the local build."""

from __future__ import annotations

import json
import socket

import pytest
from typer.testing import CliRunner

from kg.cli import EXIT_ERROR, app
from kg.errors import ClusterError, ModelError
from kg.pipeline import build

from .conftest import DATA, SHARED

distributed = pytest.importorskip("distributed", reason="kg[dask] is not installed")

CORPUS = SHARED / "corpus" / "news-4215.jsonl"
OUTPUTS = ("graph.ttl", "entities.json")


@pytest.fixture(scope="module")
def scheduler():
    """A two-worker LocalCluster for the module, closed at its end (else pytest hangs)."""
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  host="127.0.0.1", dashboard_address="127.0.0.1:0") as cluster:
        yield cluster.scheduler_address


@pytest.fixture(scope="module")
def local_sample(tmp_path_factory):
    out = tmp_path_factory.mktemp("local")
    build([DATA], out, formats=("turtle",))
    return out


def same_outputs(one, other) -> None:
    for name in OUTPUTS:
        assert (one / name).read_bytes() == (other / name).read_bytes(), name
    reports = [json.loads((folder / "report.json").read_text()) for folder in (one, other)]
    for report in reports:
        report.pop("outputs")  # the paths of the two folders
    assert reports[0] == reports[1]


def worker_loads(address: str) -> dict[str, int]:
    def loads():
        from kg import parallel

        return parallel.loads

    with distributed.Client(address, set_as_default=False) as client:
        return client.run(loads)


@pytest.mark.slow  # a whole process or two: make test runs it
def test_the_sample_articles_built_on_a_cluster_are_the_local_bytes(scheduler, local_sample, tmp_path):
    # one article a partition: both workers get work; each loads the model once, for both builds
    for run in ("first", "second"):
        result = build([DATA], tmp_path / run, formats=("turtle",), cluster=scheduler, batch_size=1)
        assert len(result.articles) == 2
        same_outputs(local_sample, tmp_path / run)
    assert sorted(worker_loads(scheduler).values()) in ([0, 1], [1, 1])


def test_a_store_built_on_a_cluster_holds_the_facts_of_a_local_one(scheduler, tmp_path):
    build([DATA], None, store=tmp_path / "local")
    build([DATA], None, store=tmp_path / "cluster", cluster=scheduler)
    for name in ("registry.json", "meta.json"):
        assert (tmp_path / "local" / name).read_bytes() == (tmp_path / "cluster" / name).read_bytes()
    facts = [sorted((p.name, p.read_bytes()) for p in (tmp_path / store / "facts").iterdir())
             for store in ("local", "cluster")]
    assert facts[0] == facts[1] and len(facts[0]) == 2


def test_two_worker_processes_give_the_local_bytes(local_sample, tmp_path):
    build([DATA], tmp_path, formats=("turtle",), n_process=2, batch_size=1)
    same_outputs(local_sample, tmp_path)


def test_a_model_missing_on_the_workers_names_the_worker(scheduler, tmp_path):
    with pytest.raises(ModelError, match=r"on Dask worker tcp://.*no_such_model is not installed"):
        build([DATA], tmp_path, formats=("turtle",), cluster=scheduler, model="no_such_model")


def test_workers_running_other_kg_code_are_refused(scheduler, tmp_path, monkeypatch):
    from kg import parallel

    monkeypatch.setattr(parallel, "source_digest", lambda: "another kg")  # on the client only
    with pytest.raises(ClusterError, match="2 of 2 Dask workers run other kg code"):
        build([DATA], tmp_path, formats=("turtle",), cluster=scheduler)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_an_unreachable_scheduler_is_one_clear_line(tmp_path, monkeypatch):
    from kg import cluster

    monkeypatch.setattr(cluster, "CONNECT_TIMEOUT", 1.0)
    address = f"tcp://127.0.0.1:{free_port()}"
    result = CliRunner().invoke(app, ["build", str(DATA), "--out", str(tmp_path), "--cluster", address])
    assert result.exit_code == EXIT_ERROR
    assert f"error: cannot reach a Dask scheduler at {address}" in result.output
    assert "hint: start one with `dask scheduler`" in result.output
    assert not (tmp_path / "graph.ttl").exists()


@pytest.mark.parametrize("address", ["local:0", "local:two", "local"])
def test_a_local_cluster_needs_a_number_of_workers(address, tmp_path):
    with pytest.raises(ClusterError, match="expected local:N"):
        build([DATA], tmp_path, cluster=address)


def test_cluster_and_processes_are_not_given_together(tmp_path):
    result = CliRunner().invoke(app, ["build", str(DATA), "--out", str(tmp_path), "--cluster", "local:2", "-j", "2"])
    assert result.exit_code == EXIT_ERROR and "give --cluster or -j, not both" in result.output


@pytest.mark.slow
@pytest.mark.skipif(not CORPUS.is_file(), reason="the research corpus ../shared/corpus is absent")
def test_forty_corpus_articles_on_a_local_cluster_are_the_local_bytes(tmp_path):
    articles = tmp_path / "articles.jsonl"
    with open(CORPUS, encoding="utf-8") as handle:
        articles.write_text("".join(line for _, line in zip(range(40), handle)), encoding="utf-8")
    build([articles], tmp_path / "local", formats=("turtle",))
    result = build([articles], tmp_path / "cluster", formats=("turtle",), cluster="local:2")
    assert len(result.articles) == 40
    same_outputs(tmp_path / "local", tmp_path / "cluster")
    build([articles], tmp_path / "processes", formats=("turtle",), n_process=2)
    same_outputs(tmp_path / "local", tmp_path / "processes")
