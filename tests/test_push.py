"""kg push into running stores: a real Oxigraph server and a private Virtuoso on loopback,
and a small Graph Store server of the test's own for what those two cannot be made to do
(ask for Basic auth, fail one graph of several)."""

from __future__ import annotations

import base64
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from typer.testing import CliRunner

from kg.cli import EXIT_ERROR, EXIT_OK, app
from kg.errors import (
    InputError,
    KGError,
    PushError,
    PushRejected,
    PushUnauthorized,
    StoreUnreachable,
)
from kg.pipeline import build, remove
from kg.push import RECORD, credentials_for, graphs_of, push
from kg.query import bundled_queries, open_store, run_query

from .conftest import DATA
from .test_resolution import C

# The oxigraph binary of the test extras sits beside this Python, whether or not the venv is on PATH.
OXIGRAPH = shutil.which("oxigraph", path=os.pathsep.join([str(Path(sys.executable).parent),
                                                           os.environ.get("PATH", "")]))
VIRTUOSO = shutil.which("virtuoso-t")
GRAPH_COUNTS = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
DISTINCT_TRIPLES = "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } } }"
runner = CliRunner()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(url: str, process: subprocess.Popen, log: Path, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while True:
        assert process.poll() is None, f"the server ended: {log.read_text(errors='replace')[-2000:]}"
        try:
            if httpx.get(url, timeout=1).status_code < 500:
                return
        except httpx.TransportError:
            pass
        assert time.monotonic() < deadline, f"no answer from {url}: {log.read_text(errors='replace')[-2000:]}"
        time.sleep(0.05)


@contextmanager
def started(command: list[str], ready_url: str, log: Path, seconds: float):
    with open(log, "wb") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT)
    try:
        wait_for(ready_url, process, log, seconds)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class Oxigraph:
    """An Oxigraph server (PyPI ``oxigraph``) on a free loopback port, with an empty store."""

    def __init__(self, port: int):
        self.base = f"http://127.0.0.1:{port}"
        self.store_url = self.base + "/store"

    def select(self, query: str, **params) -> list[dict]:
        response = httpx.post(self.base + "/query", data={"query": query}, params=params,
                              headers={"Accept": "application/sparql-results+json"}, timeout=30)
        response.raise_for_status()
        return [{k: v["value"] for k, v in row.items()} for row in response.json()["results"]["bindings"]]

    def counts(self) -> dict[str, int]:
        return {row["g"]: int(row["n"]) for row in self.select(GRAPH_COUNTS)}

    def graph(self, iri: str) -> set[bytes]:
        response = httpx.get(self.store_url, params={"graph": iri}, headers={"Accept": "application/n-triples"})
        response.raise_for_status()
        return set(response.content.splitlines())

    def dump(self) -> bytes:
        response = httpx.get(self.store_url, headers={"Accept": "application/n-quads"}, timeout=30)
        response.raise_for_status()
        return b"".join(sorted(response.content.splitlines(keepends=True)))


@pytest.fixture
def oxigraph(tmp_path):
    if OXIGRAPH is None:
        pytest.fail("no oxigraph binary beside this Python or on PATH: pip install -e '.[test]' installs it")
    port = free_port()
    with started([OXIGRAPH, "serve", "--location", str(tmp_path / "oxigraph-server"), "--bind", f"127.0.0.1:{port}"],
                 f"http://127.0.0.1:{port}/query?query=ASK%7B%7D", tmp_path / "oxigraph.log", 30):
        yield Oxigraph(port)


@pytest.fixture(scope="module")
def build_folder(sample_build):
    return Path(sample_build.outputs["turtle"]).parent


@pytest.fixture(scope="module")
def stores(tmp_path_factory):
    """Two stores: one of the two sample articles, and the same after a build added a third
    article on other people (so the samples' graphs stay as they were)."""
    one = tmp_path_factory.mktemp("store-one") / "store"
    build([DATA], None, store=one, formats=())
    both = tmp_path_factory.mktemp("store-both") / "store"
    shutil.copytree(one, both, symlinks=True)
    records = tmp_path_factory.mktemp("third") / "third.jsonl"
    records.write_text(json.dumps(C) + "\n")
    build([records], None, store=both, formats=())
    return one, both


def copy_store(store: Path, to: Path) -> Path:
    shutil.copytree(store, to, symlinks=True)
    return to


def local_counts(source) -> dict[str, int]:
    return {g.iri: g.triples for g in graphs_of(source)}


def answers(columns: list[str], rows: list) -> set[tuple]:
    """Rows (lists, or dicts from SPARQL JSON) as a set of tuples of text. A GROUP_CONCAT's
    order is the engine's own (SPARQL leaves it open), so its parts are sorted."""
    def text(value) -> str:
        value = "" if value is None else str(value)
        return " | ".join(sorted(value.split(" | ")))

    return {tuple(text(row.get(c) if isinstance(row, dict) else value) for c, value in
                  zip(columns, row if not isinstance(row, dict) else columns)) for row in rows}


def assert_same_graphs(server: Oxigraph, source) -> None:
    """The server holds exactly the source's named graphs, triple for triple."""
    graphs = graphs_of(source)
    assert server.counts() == {g.iri: g.triples for g in graphs}
    for graph in graphs:
        assert server.graph(graph.iri) == set(graph.ntriples.splitlines()), graph.iri


# ------------------------------------------------------------ Oxigraph server


def test_a_build_folder_lands_one_graph_per_article(oxigraph, build_folder):
    done = push(build_folder, oxigraph.store_url)
    local = local_counts(build_folder)
    articles = [iri for iri in local if "/article/" in iri]
    assert len(articles) == 2 and any(iri.endswith("/graph/entities") for iri in local)
    assert oxigraph.counts() == local  # a SPARQL count per graph equals the local graph's
    assert_same_graphs(oxigraph, build_folder)
    assert sorted(done.sent) == sorted(local) and done.unchanged == 0 and done.deleted == []
    assert done.triples == sum(local.values())
    total = len(open_store(build_folder / "graph.ttl"))
    assert int(oxigraph.select(DISTINCT_TRIPLES)[0]["n"]) == total  # the union is graph.ttl


@pytest.mark.parametrize("name", sorted(bundled_queries()))
def test_bundled_queries_answer_as_kg_query(oxigraph, build_folder, name):
    push(build_folder, oxigraph.store_url)
    text = bundled_queries()[name].read_text(encoding="utf-8")
    local = run_query(open_store(build_folder / "graph.ttl"), text)
    rows = oxigraph.select(text, **{"union-default-graph": ""})
    # (planned: the samples hold no planned event, so both answers must be empty)
    # A direct triple two articles state is in both graphs: the union repeats its rows (README).
    assert answers(local.columns, rows) == answers(local.columns, local.rows)


@pytest.fixture(scope="module")
def datasets(tmp_path_factory):
    """The sample build with --also trig --also nquads."""
    out = tmp_path_factory.mktemp("also")
    build([DATA], out, formats=("turtle", "trig", "nquads"))
    return out


@pytest.mark.parametrize("source", ["graph.ttl", "graph.trig", "graph.nq", "folder"])
@pytest.mark.parametrize("body", ["ntriples", "turtle"])
def test_every_kind_of_file_gives_the_same_graphs(datasets, oxigraph, source, body):
    push(datasets if source == "folder" else datasets / source, oxigraph.store_url, body=body)
    assert_same_graphs(oxigraph, datasets / "graph.ttl")


def test_pushing_twice_leaves_the_store_as_once(oxigraph, build_folder, stores, tmp_path):
    push(build_folder, oxigraph.store_url)
    after_one = oxigraph.dump()
    again = push(build_folder, oxigraph.store_url)  # a folder has no record: every graph again
    assert len(again.sent) == 3
    assert oxigraph.dump() == after_one
    store = copy_store(stores[1], tmp_path / "store")
    first = push(store, oxigraph.store_url)
    dumped = oxigraph.dump()
    second = push(store, oxigraph.store_url)
    assert second.sent == [] and second.deleted == [] and second.unchanged == len(first.sent)
    assert oxigraph.dump() == dumped
    forced = push(store, oxigraph.store_url, full=True)
    assert sorted(forced.sent) == sorted(first.sent) and oxigraph.dump() == dumped


def test_a_store_sends_only_what_changed_and_deletes_what_went(oxigraph, stores, tmp_path):
    store = copy_store(stores[0], tmp_path / "store")
    first = push(store, oxigraph.store_url)
    assert len(first.sent) == 3  # two articles' graphs and the entities
    before = {g.iri: g.digest for g in graphs_of(store)}
    records = tmp_path / "third.jsonl"
    records.write_text(json.dumps(C) + "\n")
    build([records], None, store=store, formats=())  # a third article, as kg build --store adds it
    after = {g.iri: g.digest for g in graphs_of(store)}
    changed = {iri for iri, digest in after.items() if before.get(iri) != digest}
    added = set(after) - set(before)
    assert len(added) == 1 and len(changed) < len(after)  # else "only what changed" is not tested
    second = push(store, oxigraph.store_url)
    assert set(second.sent) == changed and second.unchanged == len(after) - len(changed) >= 2
    assert_same_graphs(oxigraph, store)
    remove(store, [C["id"]])
    third = push(store, oxigraph.store_url)
    assert third.deleted == sorted(added)
    assert third.sent == [iri for iri in sorted(before) if iri.endswith("/graph/entities")]
    assert_same_graphs(oxigraph, store)
    assert set(oxigraph.counts()) == set(before)
    record = json.loads((store / RECORD).read_text())
    assert set(record["targets"][oxigraph.store_url]["graphs"]) == set(before)
    assert record["targets"][oxigraph.store_url]["from"] == (store / "oxigraph").resolve().name
    assert push(store, oxigraph.store_url).summary() == "0 graphs sent (0 triples), 3 unchanged, 0 deleted"


def test_a_store_not_rebuilt_since_is_not_read_again(oxigraph, stores, tmp_path, monkeypatch):
    import kg.push

    store = copy_store(stores[1], tmp_path / "store")
    push(store, oxigraph.store_url)

    def unread(root):
        raise AssertionError("the store's graph was read")

    monkeypatch.setattr(kg.push, "_store_graphs", unread)
    assert push(store, oxigraph.store_url).summary() == "0 graphs sent (0 triples), 4 unchanged, 0 deleted"
    with pytest.raises(AssertionError, match="was read"):  # positive control: --full reads it
        push(store, oxigraph.store_url, full=True)
    remove(store, [C["id"]])  # a rebuild
    with pytest.raises(AssertionError, match="was read"):
        push(store, oxigraph.store_url)


def test_kg_push_on_the_command_line(oxigraph, stores, tmp_path):
    store = copy_store(stores[1], tmp_path / "store")
    result = runner.invoke(app, ["push", str(store), oxigraph.store_url, "--quiet"])
    assert result.exit_code == EXIT_OK, result.output
    local = local_counts(store)
    assert f"4 graphs sent ({sum(local.values())} triples), 0 unchanged, 0 deleted" in result.output
    again = runner.invoke(app, ["push", str(store), oxigraph.store_url])
    assert "0 graphs sent (0 triples), 4 unchanged, 0 deleted" in again.output
    assert "Example: kg push" in runner.invoke(app, ["push", "--help"]).output


# ------------------------------------------------------------ errors


def test_an_unreachable_store_is_named_with_the_graph(build_folder, oxigraph):
    url = f"http://127.0.0.1:{free_port()}/store"  # nothing listens there
    with pytest.raises(StoreUnreachable, match=r"cannot reach http://127\.0\.0\.1:\d+/store .* graph <https://"):
        push(build_folder, url)
    assert push(build_folder, oxigraph.store_url).sent  # positive control: a store that listens
    result = runner.invoke(app, ["push", str(build_folder), url])
    assert result.exit_code == EXIT_ERROR and "cannot reach" in result.output and "hint:" in result.output


def test_a_url_that_is_no_graph_store_is_rejected_with_the_servers_words(build_folder, oxigraph):
    with pytest.raises(PushRejected, match="404 Not Found: PUT /elsewhere is not supported") as caught:
        push(build_folder, oxigraph.base + "/elsewhere")
    assert caught.value.status == 404 and "/store" in caught.value.hint
    assert caught.value.graph.startswith("https://w3id.org/kg/resource/")


def test_credentials_never_in_the_url(build_folder):
    with pytest.raises(PushError, match="credentials in the URL") as caught:
        push(build_folder, "http://dba:secret@127.0.0.1:1/store")
    assert "secret" not in str(caught.value) and "KG_PUSH_USER" in caught.value.hint
    with pytest.raises(PushError, match="credentials in the URL") as caught:
        push(build_folder, "ftp://dba:secret@127.0.0.1/store")
    assert "secret" not in str(caught.value)
    with pytest.raises(PushError, match="not an http:// or https:// URL"):
        push(build_folder, "ftp://127.0.0.1/store")


class GraphStore(BaseHTTPRequestHandler):
    """A Graph Store endpoint that wants Basic auth and can be told to fail graphs."""

    def _answer(self, status: int, body: bytes = b"", headers: dict | None = None) -> None:
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _graph(self) -> str | None:
        wanted = "Basic " + base64.b64encode(b"kg:s3cret").decode()
        length = int(self.headers.get("Content-Length", 0))
        body = self.rfile.read(length)
        if self.headers.get("Authorization") != wanted:
            self._answer(401, headers={"WWW-Authenticate": 'Basic realm="graphs"'})
            return None
        graph = parse_qs(urlsplit(self.path).query)["graph"][0]
        if graph in self.server.failing:
            page = f"<html><head><title>x</title></head><body><h1>Error</h1><p>disk full for &lt;{graph}&gt;</p></body>"
            self._answer(500, page.encode(), {"Content-Type": "text/html"})
            return None
        self.server.bodies[graph] = body
        return graph

    def do_PUT(self):
        if self._graph() is not None:
            self._answer(204)

    def do_DELETE(self):
        graph = self._graph()
        if graph is not None:
            self._answer(204 if self.server.bodies.pop(graph, None) is not None else 404)

    def log_message(self, *args):
        pass


@pytest.fixture
def basic_store():
    server = ThreadingHTTPServer(("127.0.0.1", 0), GraphStore)
    server.bodies, server.failing = {}, set()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server, f"http://127.0.0.1:{server.server_address[1]}/graphs"
    server.shutdown()
    server.server_close()


def test_a_store_that_asks_for_credentials(build_folder, basic_store, monkeypatch):
    server, url = basic_store
    with pytest.raises(PushUnauthorized, match=r"asks for credentials \(Basic auth\) to PUT graph <https://") as caught:
        push(build_folder, url)
    assert "KG_PUSH_USER" in caught.value.hint
    with pytest.raises(PushUnauthorized, match="refused the credentials of 'kg'"):
        push(build_folder, url, credentials=("kg", "wrong"))
    with pytest.raises(PushUnauthorized):
        push(build_folder, url, credentials=("kg", "wrong"), auth="basic")
    assert server.bodies == {}
    done = push(build_folder, url, credentials=("kg", "s3cret"))  # positive control, the scheme it asked for
    assert sorted(server.bodies) == sorted(done.sent) == sorted(local_counts(build_folder))
    server.bodies.clear()
    monkeypatch.setenv("KG_PUSH_USER", "kg")
    monkeypatch.setenv("KG_PUSH_PASSWORD", "wrong")
    result = runner.invoke(app, ["push", str(build_folder), url])
    assert result.exit_code == EXIT_ERROR and "refused the credentials of 'kg'" in result.output
    monkeypatch.setenv("KG_PUSH_PASSWORD", "s3cret")
    result = runner.invoke(app, ["push", str(build_folder), url])
    assert result.exit_code == EXIT_OK, result.output
    assert len(server.bodies) == 3


def test_the_record_keeps_only_the_graphs_the_store_took(stores, basic_store, tmp_path):
    server, url = basic_store
    store = copy_store(stores[1], tmp_path / "store")
    graphs = [g.iri for g in graphs_of(store)]
    server.failing = {graphs[1]}
    with pytest.raises(PushRejected, match=r"rejected the PUT of graph <.*> \(500 Internal Server Error: Error disk "
                                           r"full for <https://") as caught:
        push(store, url, credentials=("kg", "s3cret"))
    assert caught.value.graph == graphs[1] and caught.value.done.sent == graphs[:1]
    record = json.loads((store / RECORD).read_text())["targets"][url]
    assert list(record["graphs"]) == graphs[:1] and record["from"] is None  # not a push that ended well
    server.failing = set()
    resumed = push(store, url, credentials=("kg", "s3cret"))
    assert resumed.sent == graphs[1:] and resumed.unchanged == 1


def test_credentials_from_the_environment_or_netrc(tmp_path):
    url = "http://store.example:8890/sparql-graph-crud-auth"
    assert credentials_for(url, {"KG_PUSH_USER": "u", "KG_PUSH_PASSWORD": "p"}) == ("u", "p")
    with pytest.raises(KGError, match="KG_PUSH_USER is set but KG_PUSH_PASSWORD is not"):
        credentials_for(url, {"KG_PUSH_USER": "u"})
    netrc = tmp_path / "netrc"
    netrc.write_text("machine other.example login x password y\nmachine store.example login dba password dba\n")
    netrc.chmod(0o600)
    assert credentials_for(url, {"NETRC": str(netrc)}) == ("dba", "dba")
    assert credentials_for("http://third.example/x", {"NETRC": str(netrc)}) is None
    assert credentials_for(url, {"NETRC": str(tmp_path / "none")}) is None
    assert credentials_for(url, {"NETRC": str(netrc), "KG_PUSH_USER": "u", "KG_PUSH_PASSWORD": "p"}) == ("u", "p")
    netrc.write_text("machine store.example login dba password dba\nmachine\n")
    with pytest.raises(InputError, match=r"netrc:\d+: missing 'machine' name"):
        credentials_for(url, {"NETRC": str(netrc)})


def test_a_dataset_with_a_default_graph_is_refused(tmp_path):
    path = tmp_path / "mixed.nq"
    path.write_text('<http://x/s> <http://x/p> "in a graph" <http://x/g> .\n<http://x/s> <http://x/p> "outside" .\n')
    with pytest.raises(KGError, match="1 triple in the default graph"):
        graphs_of(path)
    path.write_text('<http://x/s> <http://x/p> "in a graph" <http://x/g> .\n')
    assert [g.iri for g in graphs_of(path)] == ["http://x/g"]


# ------------------------------------------------------------ Virtuoso

VIRTUOSO_INI = """[Database]
DatabaseFile = {db}/virtuoso.db
ErrorLogFile = {db}/virtuoso.log
LockFile = {db}/virtuoso.lck
TransactionFile = {db}/virtuoso.trx
xa_persistent_file = {db}/virtuoso.pxa
[TempDatabase]
DatabaseFile = {db}/virtuoso-temp.db
TransactionFile = {db}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
DirsAllowed = {db}
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerThreads = 4
[SPARQL]
ResultSetMaxRows = 100000
"""


@pytest.fixture(scope="module")
def virtuoso():
    if VIRTUOSO is None:
        pytest.skip("no virtuoso-t: apt-get install virtuoso-opensource (make test's system-deps installs it)")
    with tempfile.TemporaryDirectory(prefix="kg-virtuoso-") as folder:
        db = Path(folder)
        http_port = free_port()
        (db / "virtuoso.ini").write_text(VIRTUOSO_INI.format(db=db, sql_port=free_port(), http_port=http_port))
        base = f"http://127.0.0.1:{http_port}"
        with started([VIRTUOSO, "+foreground", "+configfile", str(db / "virtuoso.ini")], base + "/sparql",
                     db / "out.log", 120):
            yield base


def virtuoso_select(base: str, query: str, graphs: list[str]) -> list[dict]:
    response = httpx.post(base + "/sparql", data={"query": query, "default-graph-uri": graphs},
                          headers={"Accept": "application/sparql-results+json"}, timeout=60)
    response.raise_for_status()
    return [{k: v["value"] for k, v in row.items()} for row in response.json()["results"]["bindings"]]


@pytest.mark.slow
def test_virtuoso_with_digest_auth(virtuoso, stores, tmp_path, monkeypatch):
    url = virtuoso + "/sparql-graph-crud-auth"
    store = copy_store(stores[1], tmp_path / "store")
    with pytest.raises(PushUnauthorized, match="asks for credentials .Digest auth."):
        push(store, url)
    with pytest.raises(PushUnauthorized, match="refused the credentials of 'dba'"):
        push(store, url, credentials=("dba", "wrong"))
    monkeypatch.setenv("KG_PUSH_USER", "dba")
    monkeypatch.setenv("KG_PUSH_PASSWORD", "dba")
    result = runner.invoke(app, ["push", str(store), url, "--quiet"])
    assert result.exit_code == EXIT_OK, result.output
    local = local_counts(store)
    query = ("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
             "FILTER(STRSTARTS(STR(?g), 'https://w3id.org/kg/')) } GROUP BY ?g")
    assert {r["g"]: int(r["n"]) for r in virtuoso_select(virtuoso, query, [])} == local
    total = len(open_store(store))
    assert int(virtuoso_select(virtuoso, DISTINCT_TRIPLES.replace("GRAPH ?g ", ""), list(local))[0]["n"]) == total
    for name, path in bundled_queries().items():
        text = path.read_text(encoding="utf-8")
        mine = run_query(open_store(store), text)
        theirs = virtuoso_select(virtuoso, text, list(local))
        assert answers(mine.columns, theirs) == answers(mine.columns, mine.rows), name
    again = runner.invoke(app, ["push", str(store), url, "--full"])  # every graph once more: the same store
    assert again.exit_code == EXIT_OK and f"{len(local)} graphs sent" in again.output
    assert {r["g"]: int(r["n"]) for r in virtuoso_select(virtuoso, query, [])} == local
    remove(store, [C["id"]])
    gone = push(store, url, credentials=("dba", "dba"))
    assert len(gone.deleted) == 1 and gone.deleted[0] not in local_counts(store)
    assert {r["g"]: int(r["n"]) for r in virtuoso_select(virtuoso, query, [])} == local_counts(store)
