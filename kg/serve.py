"""``kg serve``: a read-only SPARQL 1.1 Protocol endpoint, on Starlette and uvicorn.

Routes: ``/query`` and ``/sparql`` take a query by GET (``?query=``) or by POST (a form
or an ``application/sparql-query`` body), with ``default-graph-uri`` and
``named-graph-uri``; the result format follows the ``Accept`` header. Updates are
refused. ``/`` is a query page that works offline: an editor with the bundled queries
and a table of the results, under a Content-Security-Policy that lets only its own
script run and talk to this server. The queries themselves run in
:mod:`kg.endpoint`'s worker processes.
"""

from __future__ import annotations

import base64
import hashlib
import html
import ipaddress
import json
import signal
import socket
import threading
from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qs

import uvicorn
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import Route

from kg.endpoint import GRAPH_TYPES, SOLUTION_TYPES, Query, ServedGraph, Workers, negotiate
from kg.errors import KGError
from kg.query import bundled_queries

MAX_BODY = 1 << 20  # a query of a megabyte is no query a person wrote
LOOPBACK_NAMES = ["127.0.0.1", "localhost"]
HEADERS = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"}


def is_loopback(host: str) -> bool:
    """
    >>> is_loopback("127.0.0.1"), is_loopback("localhost"), is_loopback("0.0.0.0")
    (True, True, False)
    """
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:  # a host name: it may resolve to anything
        return False


def create_app(workers: Workers, *, host: str = "127.0.0.1") -> Starlette:
    """The Starlette application of the endpoint, answering through ``workers``."""
    page, page_policy = query_page()

    async def sparql(request: Request) -> Response:
        params = {key: request.query_params.getlist(key) for key in request.query_params}
        text = None
        if request.method == "POST":
            media = request.headers.get("content-type", "").split(";")[0].strip().lower()
            body = await request.body()
            if len(body) > MAX_BODY:
                return _text(413, f"the request is larger than {MAX_BODY} bytes")
            if media == "application/sparql-update":
                return _refuse_update()
            if media == "application/x-www-form-urlencoded":
                for key, values in parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True).items():
                    params.setdefault(key, []).extend(values)
            elif media == "application/sparql-query":
                text = body.decode("utf-8", "replace")
            else:
                return _text(415, "POST a form (application/x-www-form-urlencoded) or a query "
                                  "(application/sparql-query)")
        if "update" in params:
            return _refuse_update()
        texts = params.get("query", []) + ([text] if text is not None else [])
        if len(texts) != 1 or not texts[0].strip():
            return _text(400, "give exactly one query, in the query parameter or as an application/sparql-query body")
        accept = request.headers.get("accept")
        query = Query(texts[0], negotiate(accept, SOLUTION_TYPES), negotiate(accept, GRAPH_TYPES),
                      tuple(params.get("default-graph-uri", [])), tuple(params.get("named-graph-uri", [])))
        reply = await run_in_threadpool(workers.answer, query)
        return Response(reply.body, status_code=reply.status, media_type=reply.media_type, headers=HEADERS)

    async def index(request: Request) -> Response:
        return HTMLResponse(page, headers={**HEADERS, "Content-Security-Policy": page_policy})

    routes = [Route("/", index), Route("/query", sparql, methods=["GET", "POST"]),
              Route("/sparql", sparql, methods=["GET", "POST"])]
    # A loopback server answers only to loopback names: a web page cannot reach it by
    # pointing a name of its own at 127.0.0.1 (DNS rebinding).
    middleware = [Middleware(TrustedHostMiddleware, allowed_hosts=LOOPBACK_NAMES)] if host in LOOPBACK_NAMES else []
    return Starlette(routes=routes, middleware=middleware)


def _text(status: int, message: str) -> Response:
    return PlainTextResponse(message, status_code=status, headers=HEADERS)


def _refuse_update() -> Response:
    return _text(403, "this endpoint is read-only: updates are refused")


def serve(
    graph: Path | str,
    *,
    host: str = "127.0.0.1",
    port: int = 7878,
    timeout: float = 30.0,
    max_rows: int = 10_000,
    workers: int = 2,
    allow_service: bool = False,
    in_memory: bool = True,
    on_ready: Callable[[str], None] = print,
    log_level: str = "info",
) -> None:
    """Serve ``graph`` (a graph file, an Oxigraph folder or a kg store) until interrupted.

    ``on_ready`` gets the endpoint's base URL once the server takes connections
    (``port=0`` picks a free one). ``in_memory`` copies the graph into each worker's
    memory, for faster queries; without it the workers read the Oxigraph folder. Raises
    :class:`~kg.errors.GraphError` for a graph it cannot read and
    :class:`~kg.errors.KGError` for an address it cannot bind.
    """
    sock = listening_socket(host, port)
    served = pool = None
    # uvicorn shuts down gracefully on SIGTERM, then raises it again with the handler it found:
    # with Python's default, the process would end there, before the temporary copy is removed.
    main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _exit_on_terminate) if main else None
    try:
        served = ServedGraph(graph)
        pool = Workers(served, count=workers, timeout=timeout, max_rows=max_rows, allow_service=allow_service,
                       in_memory=in_memory)
        bound = sock.getsockname()[1]
        config = uvicorn.Config(create_app(pool, host=host), host=host, port=bound, log_level=log_level,
                                server_header=False)
        name = f"[{host}]" if sock.family == socket.AF_INET6 else host
        ReadyServer(config, lambda: on_ready(f"http://{name}:{bound}/")).run(sockets=[sock])
    finally:
        if pool is not None:
            pool.close()
        if served is not None:
            served.close()
        sock.close()
        if main:  # a handler set outside Python reads as None: the default stands for it
            signal.signal(signal.SIGTERM, previous if previous is not None else signal.SIG_DFL)


def _exit_on_terminate(signum: int, frame) -> None:
    raise SystemExit(128 + signum)  # as a process killed by the signal reports it, after the cleanup


def listening_socket(host: str, port: int) -> socket.socket:
    """A TCP socket bound to ``host`` and ``port``, for uvicorn to listen on.

    It is made as an ``IPPROTO_TCP`` socket, not protocol 0: asyncio turns Nagle's
    algorithm off (``TCP_NODELAY``) only on sockets that say TCP, and with it on, each
    answer on a kept-open connection waited some 40 ms for a delayed ACK.

    Raises:
        KGError: the address cannot be bound (in use, not this machine's).
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host.strip("[]"), port))
    except OSError as err:
        sock.close()
        raise KGError(f"cannot listen on {host}:{port}: {err.strerror}") from None
    return sock


class ReadyServer(uvicorn.Server):
    """A uvicorn server that says when it takes connections: after its startup, not before."""

    def __init__(self, config: uvicorn.Config, on_ready: Callable[[], None]):
        super().__init__(config)
        self._on_ready = on_ready

    async def startup(self, sockets=None) -> None:
        await super().startup(sockets=sockets)
        if self.started and not self.should_exit:
            self._on_ready()


# ---------------------------------------------------------------- the query page


def query_page() -> tuple[str, str]:
    """The page at ``/`` and its Content-Security-Policy. The bundled queries go in as
    JSON data; results are put into the table as text, never as markup."""
    queries = {name: path.read_text(encoding="utf-8") for name, path in bundled_queries().items()}
    data = json.dumps(queries, ensure_ascii=False).replace("<", "\\u003c")  # no "</script>" in the data
    script, style = _PAGE_JS, _PAGE_CSS
    policy = ("default-src 'none'; "
              f"script-src {_sha256(script)}; style-src {_sha256(style)}; connect-src 'self'; "
              "img-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
    options = "".join(f'<option value="{html.escape(n)}">{html.escape(n)}</option>' for n in queries)
    page = _PAGE_HTML.format(options=options, data=data, script=script, style=style)
    return page, policy


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


_PAGE_HTML = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>kg: SPARQL</title>
<style>{style}</style>
</head>
<body>
<h1>kg SPARQL endpoint</h1>
<p>Queries go to <code>/query</code> (SPARQL 1.1 Protocol, read-only).</p>
<form id="kg-form">
<label>Bundled query <select id="kg-pick"><option value="">(write your own)</option>{options}</select></label>
<textarea id="kg-query" rows="14" spellcheck="false" aria-label="SPARQL query"></textarea>
<button id="kg-run" type="submit">Run</button> <span id="kg-status" role="status"></span>
</form>
<table id="kg-results"><thead></thead><tbody></tbody></table>
<pre id="kg-text"></pre>
<script type="application/json" id="kg-queries">{data}</script>
<script>{script}</script>
</body>
</html>
"""

_PAGE_CSS = """
body { font: 15px/1.4 system-ui, sans-serif; margin: 1.5em; color: #222; }
textarea { display: block; width: 100%; box-sizing: border-box; font: 13px/1.4 monospace; margin: .5em 0; }
table { border-collapse: collapse; margin-top: 1em; }
th, td { border: 1px solid #ccc; padding: .2em .5em; text-align: left; vertical-align: top; }
th { background: #f3f3f3; }
#kg-status { color: #555; }
#kg-status.error { color: #b00; }
pre { white-space: pre-wrap; }
"""

_PAGE_JS = """
"use strict";
const queries = JSON.parse(document.getElementById("kg-queries").textContent);
const pick = document.getElementById("kg-pick");
const editor = document.getElementById("kg-query");
const status = document.getElementById("kg-status");
const head = document.querySelector("#kg-results thead");
const body = document.querySelector("#kg-results tbody");
const plain = document.getElementById("kg-text");
window.kgRows = -1;

function cell(tag, text) {
  const element = document.createElement(tag);
  element.textContent = text;  // results are text, never markup
  return element;
}

function show(message, failed) {
  status.textContent = message;
  status.className = failed ? "error" : "";
}

pick.addEventListener("change", () => { if (pick.value) editor.value = queries[pick.value]; });
if (pick.options.length > 1) { pick.selectedIndex = 1; editor.value = queries[pick.value]; }

document.getElementById("kg-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  head.replaceChildren(); body.replaceChildren(); plain.textContent = "";
  show("running…", false);
  try {
    const response = await fetch("query", {
      method: "POST",
      headers: {"Content-Type": "application/sparql-query",
                "Accept": "application/sparql-results+json, text/turtle;q=0.9"},
      body: editor.value,
    });
    const type = response.headers.get("Content-Type") || "";
    if (!response.ok) {
      show(`error ${response.status}: ${await response.text()}`, true);
      return;
    }
    if (!type.startsWith("application/sparql-results+json")) {
      plain.textContent = await response.text();
      show("graph result (Turtle)", false);
      window.kgRows = 0;
      return;
    }
    const data = await response.json();
    if ("boolean" in data) {
      show(`answer: ${data.boolean}`, false);
      window.kgRows = 0;
      return;
    }
    const columns = data.head.vars;
    const row = document.createElement("tr");
    for (const name of columns) row.append(cell("th", name));
    head.append(row);
    for (const binding of data.results.bindings) {
      const line = document.createElement("tr");
      for (const name of columns) line.append(cell("td", binding[name] ? binding[name].value : ""));
      body.append(line);
    }
    const count = data.results.bindings.length;
    show(`${count} row${count === 1 ? "" : "s"}`, false);
    window.kgRows = count;
  } catch (error) {
    show(`error: ${error}`, true);
  }
});
"""
