"""kg serve over real HTTP: started as a user starts it, on a free loopback port."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

from kg.endpoint import Query, negotiate
from kg.query import bundled_queries, open_store, query_text, run_query

from .conftest import DATA, ROOT

TIMEOUT, MAX_ROWS = 2, 200
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
LABELS = ("PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
          "SELECT ?x ?label WHERE { ?x rdfs:label ?label } ORDER BY ?x ?label")
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


@contextmanager
def running(graph, *options, log: Path, stop: int = signal.SIGINT, env: dict | None = None,
            ended: dict | None = None):
    """``python -m kg serve GRAPH --port 0 OPTIONS``; yields its base URL, stops it after
    with the signal ``stop`` (its exit code then in ``ended["code"]``)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    with open(log, "w") as output:
        process = subprocess.Popen([sys.executable, "-m", "kg", "serve", str(graph), "--port", "0", *map(str, options)],
                                   stdout=output, stderr=subprocess.STDOUT, env=env, cwd=ROOT)
    try:
        deadline = time.monotonic() + 120
        while not (found := re.search(r" at (http://\S+/) ", log.read_text())):
            assert process.poll() is None, f"kg serve ended: {log.read_text()}"
            assert time.monotonic() < deadline, f"kg serve did not start: {log.read_text()}"
            time.sleep(0.1)
        yield found[1]
    finally:
        process.send_signal(stop)
        try:
            code = process.wait(30)
            if ended is not None:
                ended["code"] = code
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def graph_file(sample_build):
    return Path(sample_build.outputs["turtle"])


@pytest.fixture(scope="module")
def server(graph_file, tmp_path_factory):
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    with running(graph_file, "--timeout", TIMEOUT, "--max-rows", MAX_ROWS, log=log) as url:
        with httpx.Client(base_url=url, timeout=60) as client:
            yield client


def select(client, query, accept="application/sparql-results+json", method="GET", path="/query"):
    if method == "GET":
        return client.get(path, params={"query": query}, headers={"Accept": accept})
    return client.post(path, data={"query": query}, headers={"Accept": accept})


def rows_of(response) -> list[list[str | None]]:
    data = response.json()
    names = data["head"]["vars"]
    return [[b[n]["value"] if n in b else None for n in names] for b in data["results"]["bindings"]]


def local(graph_file, query) -> list[list[str | None]]:
    table = run_query(open_store(graph_file), query)
    return [[None if v is None else str(v) for v in row] for row in table.rows]


# ---------------------------------------------------------------- the protocol


@pytest.mark.parametrize("path", ["/query", "/sparql"])
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_get_and_post_on_both_paths(server, graph_file, method, path):
    response = select(server, LABELS, method=method, path=path)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/sparql-results+json")
    assert rows_of(response) == local(graph_file, LABELS)


def test_a_query_as_the_post_body(server, graph_file):
    response = server.post("/query", content=COUNT, headers={"Content-Type": "application/sparql-query"})
    assert response.status_code == 200, response.text
    assert int(rows_of(response)[0][0]) == len(open_store(graph_file))


@pytest.mark.parametrize("accept", ["application/sparql-results+json", "application/sparql-results+xml",
                                    "text/tab-separated-values"])
def test_each_lossless_result_format_gives_the_same_rows(server, graph_file, accept):
    response = select(server, LABELS, accept)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].split(";")[0] == accept
    fmt = ox.QueryResultsFormat.from_media_type(accept)
    parsed = [[None if s[name] is None else s[name].value for name in ("x", "label")]
              for s in ox.parse_query_results(response.content, format=fmt)]
    assert parsed == local(graph_file, LABELS)


def test_csv_results(server, graph_file):
    response = select(server, LABELS, "text/csv")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    import csv
    import io

    lines = list(csv.reader(io.StringIO(response.text)))
    assert lines[0] == ["x", "label"]
    assert lines[1:] == local(graph_file, LABELS)


def test_ask(server):
    yes = select(server, "ASK { ?s ?p ?o }")
    no = select(server, "ASK { <http://example.org/nothing> ?p ?o }")
    assert yes.json()["boolean"] is True and no.json()["boolean"] is False


@pytest.mark.parametrize("name", sorted(bundled_queries()))
def test_bundled_queries_answer_as_kg_query_does(server, graph_file, name):
    text = query_text(name)
    response = select(server, text)
    assert response.status_code == 200, response.text

    def unordered(rows):  # GROUP_CONCAT joins in the order the store keeps: on disk, in memory
        return [[c if c is None else " | ".join(sorted(c.split(" | "))) for c in row] for row in rows]

    assert unordered(rows_of(response)) == unordered(local(graph_file, text))


CONSTRUCT = ("PREFIX kg: <https://w3id.org/kg/ontology#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
             "CONSTRUCT { ?p kg:visited ?place . ?place rdfs:label ?name } "
             "WHERE { ?p kg:visited ?place . ?place rdfs:label ?name }")


@pytest.mark.parametrize(("accept", "fmt"), [("text/turtle", ox.RdfFormat.TURTLE),
                                              ("application/n-triples", ox.RdfFormat.N_TRIPLES),
                                              ("application/ld+json", ox.RdfFormat.JSON_LD)])
def test_construct_as_turtle_ntriples_and_jsonld(server, graph_file, accept, fmt):
    response = server.post("/query", data={"query": CONSTRUCT}, headers={"Accept": accept})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].split(";")[0] == accept
    got = {quad.triple for quad in ox.parse(response.content, format=fmt)}
    expected = set(run_query(open_store(graph_file), CONSTRUCT))
    assert got == expected and len(got) > 3
    if accept == "text/turtle":
        assert "@prefix kg: <https://w3id.org/kg/ontology#>" in response.text


def test_a_format_the_client_does_not_take_is_406(server):
    response = select(server, COUNT, "text/turtle")
    assert response.status_code == 406 and "application/sparql-results+json" in response.text
    assert select(server, COUNT, "text/turtle, */*;q=0.1").status_code == 200  # positive control


def test_negotiation_takes_the_highest_weight():
    offered = ["application/sparql-results+json", "text/csv"]
    assert negotiate("text/csv, application/sparql-results+json;q=0.5", offered) == "text/csv"
    assert negotiate("application/*;q=0.2, text/csv;q=0.1", offered) == "application/sparql-results+json"
    assert negotiate("text/csv;q=0", offered) is None
    assert negotiate(None, offered) == "application/sparql-results+json"


@pytest.mark.parametrize("query", ["", "SELECT WHERE {"])
def test_bad_queries_are_400_with_the_reason(server, query):
    response = select(server, query)
    assert response.status_code == 400
    assert "invalid SPARQL" in response.text or "exactly one query" in response.text


# ---------------------------------------------------------------- what it refuses


INSERT = "INSERT DATA { <http://example.org/a> <http://example.org/b> <http://example.org/c> }"


@pytest.mark.parametrize("how", ["update-form", "update-body", "update-as-query", "update-in-url"])
def test_updates_are_refused_and_change_nothing(server, how):
    before = rows_of(select(server, COUNT))
    if how == "update-form":
        response = server.post("/query", data={"update": INSERT})
    elif how == "update-body":
        response = server.post("/query", content=INSERT, headers={"Content-Type": "application/sparql-update"})
    elif how == "update-as-query":
        response = server.post("/query", data={"query": INSERT})
    else:
        response = server.get("/sparql", params={"update": INSERT})
    assert response.status_code == 403
    assert "read-only" in response.text
    after = select(server, COUNT)
    assert after.status_code == 200 and rows_of(after) == before  # the endpoint still answers, unchanged


def test_service_is_refused_without_reaching_the_network(server, listener):
    port, connections = listener
    query = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}"
    response = select(server, query)
    assert response.status_code == 403
    assert "SERVICE clause" in response.text and "--allow-service" in response.text
    time.sleep(0.3)
    assert connections == []


def test_allow_service_lets_service_through(graph_file, listener, tmp_path):
    """The positive control of the refusal: the same query does call out when allowed."""
    port, connections = listener
    query = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}"
    with running(graph_file, "--allow-service", "--workers", "1", log=tmp_path / "log") as url:
        response = httpx.get(url + "query", params={"query": query}, timeout=60)
    assert response.status_code != 403
    assert connections, "with --allow-service the endpoint should have called the SERVICE"


def test_a_long_query_is_stopped_at_the_timeout_and_the_endpoint_goes_on(server):
    started = time.monotonic()
    response = select(server, SLOW)
    assert response.status_code == 503
    assert f"longer than {TIMEOUT} s" in response.text and "--timeout" in response.text
    assert time.monotonic() - started < 60
    assert select(server, COUNT).status_code == 200


def test_a_result_over_the_row_cap_is_refused(server):
    too_many = select(server, "SELECT * WHERE { ?s ?p ?o }")
    assert too_many.status_code == 400
    assert f"more than {MAX_ROWS} rows" in too_many.text and "LIMIT" in too_many.text
    at_cap = select(server, f"SELECT * WHERE {{ ?s ?p ?o }} LIMIT {MAX_ROWS}")
    assert at_cap.status_code == 200 and len(rows_of(at_cap)) == MAX_ROWS
    graph = server.post("/query", data={"query": "CONSTRUCT WHERE { ?s ?p ?o }"}, headers={"Accept": "text/turtle"})
    assert graph.status_code == 400 and f"more than {MAX_ROWS} triples" in graph.text


def test_the_url_is_announced_once_the_server_takes_connections():
    """on_ready runs after uvicorn listens: a client told the URL connects at once."""
    import asyncio

    import uvicorn

    from kg.serve import ReadyServer, listening_socket

    async def app(scope, receive, send):  # the lifespan protocol only: no request comes
        if scope["type"] == "lifespan":
            while (message := await receive())["type"] != "lifespan.shutdown":
                await send({"type": "lifespan.startup.complete"})
            await send({"type": "lifespan.shutdown.complete"})

    sock = listening_socket("127.0.0.1", 0)
    port = sock.getsockname()[1]
    outcomes = []

    def connect() -> str:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=5):
                return "connected"
        except ConnectionRefusedError:
            return "refused"

    assert connect() == "refused"  # the control: bound, not yet listening, refuses
    config = uvicorn.Config(app, log_level="warning")
    server = ReadyServer(config, lambda: (outcomes.append(connect()), setattr(server, "should_exit", True)))
    asyncio.run(server.serve(sockets=[sock]))
    sock.close()
    assert outcomes == ["connected"]


@pytest.mark.parametrize(("proto", "nodelay"), [(socket.IPPROTO_TCP, True), (0, False)])
def test_answers_are_not_held_back_by_nagle(proto, nodelay):
    """asyncio sets TCP_NODELAY on connections only when the listening socket says TCP
    (without it, each answer on a kept-open connection waited ~40 ms); kg serve's does."""
    import asyncio

    from kg.serve import listening_socket

    sock = listening_socket("127.0.0.1", 0) if proto else socket.socket(socket.AF_INET, socket.SOCK_STREAM, proto)
    if not proto:
        sock.bind(("127.0.0.1", 0))
    seen = []

    async def main():
        def accepted(reader, writer):
            seen.append(writer.get_extra_info("socket").getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            writer.close()

        server = await asyncio.start_server(accepted, sock=sock)
        reader, writer = await asyncio.open_connection(*sock.getsockname()[:2])
        await reader.read()
        writer.close()
        server.close()

    asyncio.run(main())
    assert [bool(flag) for flag in seen] == [nodelay]


def test_other_host_names_are_refused_on_loopback(server):
    """A web page that points a name of its own at 127.0.0.1 (DNS rebinding) gets nothing."""
    assert server.get("/query", params={"query": COUNT}, headers={"Host": "evil.example"}).status_code == 400
    assert server.get("/query", params={"query": COUNT}, headers={"Host": "localhost"}).status_code == 200


def test_binding_elsewhere_warns(graph_file):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    # 192.0.2.1 is a documentation address no machine has: the bind fails after the warning
    result = subprocess.run([sys.executable, "-m", "kg", "serve", str(graph_file), "--host", "192.0.2.1"],
                            capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)
    assert "warning: listening on 192.0.2.1" in result.stderr
    assert result.returncode == 2 and "cannot listen on 192.0.2.1" in result.stderr
    assert "warning" not in json.dumps(result.stdout)


# ---------------------------------------------------------------- the query page


EXTERNAL = re.compile(r"""\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", re.IGNORECASE)


def test_the_query_page_is_self_contained_with_a_strict_policy(server):
    response = server.get("/")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    policy = response.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "connect-src 'self'" in policy and "unsafe" not in policy
    assert not EXTERNAL.search(response.text)
    for name in bundled_queries():
        assert f'<option value="{name}">' in response.text


@pytest.fixture(scope="module")
def browser():
    chromium = Path("/usr/bin/chromium")
    if not chromium.exists():
        pytest.skip(f"{chromium} is missing: install Debian's chromium to run the browser tests")
    sync_playwright = pytest.importorskip("playwright.sync_api").sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(chromium), args=["--no-sandbox", "--disable-gpu"])
        yield b
        b.close()


def test_the_query_page_runs_queries_offline_and_shows_text_as_text(server, browser, graph_file):
    base = str(server.base_url)
    page = browser.new_page()
    events = {"errors": [], "remote": [], "dialogs": []}
    page.on("pageerror", lambda e: events["errors"].append(str(e)))
    page.on("console", lambda m: m.type == "error" and events["errors"].append(m.text))
    page.on("dialog", lambda d: (events["dialogs"].append(d.message), d.dismiss()))

    def route(r):
        if r.request.url.startswith(base):
            r.continue_()
        else:
            events["remote"].append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.goto(base)
    first = sorted(bundled_queries())[0]
    assert page.input_value("#kg-query") == query_text(first)
    page.click("#kg-run")
    page.wait_for_selector("#kg-results tbody tr")
    expected = local(graph_file, query_text(first))
    assert page.locator("#kg-results tbody tr").count() == len(expected)
    hostile = '<img src=x onerror="window.__pwned=1"></td><script>window.__pwned=1</script>'
    page.fill("#kg-query", "SELECT ?x WHERE { BIND(%s AS ?x) }" % json.dumps(hostile))
    page.click("#kg-run")
    deadline = time.monotonic() + 10
    while page.locator("#kg-results tbody td").first.text_content() != hostile:
        assert time.monotonic() < deadline, page.content()
        page.wait_for_timeout(50)
    assert page.evaluate("window.__pwned") is None
    assert page.locator("#kg-results img").count() == 0
    assert events == {"errors": [], "remote": [], "dialogs": []}
    page.close()


# ---------------------------------------------------------------- a store being rebuilt


@pytest.mark.slow  # a whole process or two: make test runs it
def test_a_store_is_served_through_its_rebuild(tmp_path):
    from kg.pipeline import build, remove

    store = tmp_path / "store"
    result = build([DATA], None, store=store, formats=())
    first = (store / "oxigraph").resolve()
    article = sorted(a.id for a in result.articles)[0]
    with running(store, log=tmp_path / "log") as url, httpx.Client(base_url=url, timeout=60) as client:
        before = int(rows_of(select(client, COUNT))[0][0])
        statuses, stop = [], threading.Event()

        def ask_all_along():
            while not stop.is_set():
                statuses.append(select(client, COUNT).status_code)

        asker = threading.Thread(target=ask_all_along)
        asker.start()
        try:
            remove(store, [article])  # swaps in a new Oxigraph folder while queries run
            time.sleep(0.5)
        finally:
            stop.set()
            asker.join()
        after = int(rows_of(select(client, COUNT))[0][0])
        assert set(statuses) == {200} and len(statuses) > 3
        assert after < before  # the server moved to the new graph
        assert after == len(open_store(store))
        assert not first.exists()  # and let go of the old one, which was then deleted


# ---------------------------------------------------------------- a graph file replaced


def test_a_graph_file_is_served_again_when_replaced(graph_file, tmp_path, caplog):
    import logging

    from kg.endpoint import ServedGraph, Workers

    served_file = tmp_path / "graph.ttl"
    shutil.copy(graph_file, served_file)
    graph = ServedGraph(served_file)
    workers = Workers(graph, count=1, timeout=30)
    query = Query(COUNT, "application/sparql-results+json", None)

    def count() -> int:
        reply = workers.answer(query)
        assert reply.status == 200, reply.body
        return int(json.loads(reply.body)["results"]["bindings"][0]["n"]["value"])

    def replace(text: str) -> None:
        fresh = tmp_path / "graph.ttl.new"
        fresh.write_text(text, encoding="utf-8")
        os.replace(fresh, served_file)  # what kg build does

    try:
        first = graph.folder
        assert count() == len(open_store(graph_file))
        assert count() == len(open_store(graph_file)) and graph.folder == first  # unchanged: not loaded again
        replace('<http://example.org/a> <http://example.org/b> "one" .\n')
        assert count() == 1
        assert not first.exists()  # the worker moved on, so the old folder went
        with caplog.at_level(logging.WARNING, logger="kg.endpoint"):
            replace("<http://example.org/a> <http://example.org/b> .\n")  # no object: a syntax error
            assert count() == 1  # the last good graph, still served
        assert "cannot be read" in caplog.text
        replace('<http://example.org/a> <http://example.org/b> "one", "two" .\n')
        assert count() == 2
    finally:
        workers.close()
        graph.close()
    assert not graph.folder.exists()


# ---------------------------------------------------------------- answers written by pyoxigraph


def test_the_row_cap_counts_rows_not_line_breaks_inside_values():
    """Rows are counted as TSV lines (triples as N-Triples lines): a value with line breaks
    is still one row, and a result of exactly the cap is answered in every format."""
    from kg.endpoint import answer

    store = ox.Store()
    store.extend(ox.Quad(ox.NamedNode(f"http://example.org/{i}"), ox.NamedNode("http://example.org/says"),
                         ox.Literal(f"line one\nline two\r\n\tof {i}")) for i in range(5))
    rows, graph = "SELECT * WHERE { ?s ?p ?o }", "CONSTRUCT WHERE { ?s ?p ?o }"
    for media in ("application/sparql-results+json", "application/sparql-results+xml", "text/csv",
                  "text/tab-separated-values"):
        at_cap = answer(store, Query(rows, media, None), max_rows=5, allow_service=False)
        assert at_cap.status == 200 and at_cap.media_type == media, at_cap.body
        if media == "text/csv":  # lossy: pyoxigraph does not read it back
            import csv
            import io

            header, *lines = csv.reader(io.StringIO(at_cap.body.decode(), newline=""))
            values = [line[header.index("o")] for line in lines]
        else:
            parsed = ox.parse_query_results(at_cap.body, format=ox.QueryResultsFormat.from_media_type(media))
            values = [s["o"].value for s in parsed]
        assert sorted(values) == sorted(f"line one\nline two\r\n\tof {i}" for i in range(5))
    over = answer(store, Query(rows, "application/sparql-results+json", None), max_rows=4, allow_service=False)
    assert over.status == 400 and b"more than 4 rows" in over.body
    for media, fmt in (("text/turtle", ox.RdfFormat.TURTLE), ("application/n-triples", ox.RdfFormat.N_TRIPLES)):
        triples = answer(store, Query(graph, None, media), max_rows=5, allow_service=False)
        assert triples.status == 200 and {q.triple for q in ox.parse(triples.body, format=fmt)} == set(store.query(graph))
    over = answer(store, Query(graph, None, "text/turtle"), max_rows=4, allow_service=False)
    assert over.status == 400 and b"more than 4 triples" in over.body


@pytest.mark.parametrize("in_memory", [True, False])
def test_workers_answer_alike_in_memory_and_on_disk(graph_file, in_memory):
    from kg.endpoint import ServedGraph, Workers

    graph = ServedGraph(graph_file)
    workers = Workers(graph, count=1, timeout=30, in_memory=in_memory)
    try:
        reply = workers.answer(Query(LABELS, "application/sparql-results+json", None))
        assert reply.status == 200, reply.body
        got = [[b[n]["value"] for n in ("x", "label")] for b in json.loads(reply.body)["results"]["bindings"]]
        assert got == local(graph_file, LABELS) and got
    finally:
        workers.close()
        graph.close()


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_stopped_by_a_signal_the_endpoint_removes_its_copy_of_the_graph(graph_file, tmp_path, stop):
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    ended = {}
    with running(graph_file, log=tmp_path / "serve.log", stop=stop, env={"TMPDIR": str(temporary)},
                 ended=ended) as url:
        assert httpx.get(url + "query", params={"query": COUNT}, timeout=60).status_code == 200
        assert list(temporary.glob("kg-serve-*"))  # the copy it serves from, while it runs
    assert list(temporary.iterdir()) == [], (tmp_path / "serve.log").read_text()
    assert ended["code"] == 128 + stop  # 143 and 130, as a shell reports a process the signal ended


def test_a_build_folder_is_served_through_its_graph_file(graph_file, tmp_path):
    with running(graph_file.parent, log=tmp_path / "serve.log") as url:  # out/, as kg query takes it
        answer = httpx.get(url + "query", params={"query": COUNT}, headers={"Accept": "text/csv"}, timeout=60)
    assert answer.status_code == 200
    assert int(answer.text.split()[1]) == len(open_store(graph_file)) > 0
