"""``kg push``: send a built graph to a running triple store, one named graph at a time.

It speaks the SPARQL 1.1 Graph Store HTTP Protocol with indirect graph identification:
``PUT URL?graph=IRI`` with a graph's triples replaces that named graph in the store (so a
graph pushed twice leaves the store as it was after the first push), ``DELETE
URL?graph=IRI`` drops it. The graphs are those of :func:`kg.graph.named_graphs`: one per
article, named by the article's IRI, and ``<base>graph/entities`` for the entities.

From a store folder (``kg build --store``) only the graphs that changed since the last
push to the same URL are sent, and the graphs of articles removed since are deleted. The
record is ``STORE/push.json``: for each URL, a digest of each graph the store accepted.
It is updated with a graph only once the store has answered its PUT or DELETE with
success, so a push that stops part way (an error, Ctrl-C) is taken up by the next one.
It also names the Oxigraph folder a push that ended well read: a store not rebuilt since
is not read again (every rebuild writes a new folder). A store that lost what it was
sent (wiped, restored from a backup) needs ``full=True``: the record cannot know.

Credentials come from ``KG_PUSH_USER`` and ``KG_PUSH_PASSWORD``, else from the netrc file
(``NETRC``, by default ``~/.netrc``) entry of the URL's host; never from the command line.
A store that asks for them (401) is answered with the scheme it names, Basic or Digest.
"""

from __future__ import annotations

import fcntl
import hashlib
import html
import json
import netrc
import os
import re
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from contextlib import closing, contextmanager, nullcontext
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pyoxigraph as ox

from kg.errors import (
    GraphError,
    InputError,
    KGError,
    PushError,
    PushRejected,
    PushUnauthorized,
    StoreUnreachable,
)
from kg.graph import named_graphs
from kg.io import atomic_write, hold_graph, release_graph
from kg.vocab import PREFIXES

ENV_USER, ENV_PASSWORD = "KG_PUSH_USER", "KG_PUSH_PASSWORD"
RECORD = "push.json"
RECORD_FORMAT = 1
SAVE_EVERY = 100  # graphs between two writes of the record, so a killed push loses little
BODIES = {"ntriples": "application/n-triples", "turtle": "text/turtle; charset=utf-8"}
AUTH_SCHEMES = ("auto", "basic", "digest")
BUILD_FILES = ("graph.nq", "graph.trig", "graph.ttl", "graph.nt")  # in a build folder, the first one there
ENDPOINTS_HINT = ("give the store's Graph Store endpoint: Oxigraph http://HOST:7878/store, Virtuoso "
                  "http://HOST:8890/sparql-graph-crud-auth, Fuseki http://HOST:3030/DATASET/data, "
                  "GraphDB http://HOST:7200/repositories/REPO/rdf-graphs/service")
MESSAGE_CHARS = 400  # of a store's error page, in an error message


@dataclass(frozen=True)
class NamedGraph:
    """One graph to push: its IRI and its triples as sorted N-Triples lines."""

    iri: str
    ntriples: bytes

    @property
    def triples(self) -> int:
        return self.ntriples.count(b"\n")

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.ntriples).hexdigest()


@dataclass
class Pushed:
    """What a push did: the graphs the store took (``sent``), those it already had
    (``unchanged``), the graphs deleted, and the triples sent."""

    url: str
    sent: list[str] = field(default_factory=list)
    unchanged: int = 0
    deleted: list[str] = field(default_factory=list)
    triples: int = 0

    def summary(self) -> str:
        """
        >>> Pushed("http://x/store", sent=["a", "b", "c"], unchanged=997, deleted=["d"], triples=40).summary()
        '3 graphs sent (40 triples), 997 unchanged, 1 deleted'
        >>> Pushed("http://x/store", sent=["a"], triples=1).summary()
        '1 graph sent (1 triple), 0 unchanged, 0 deleted'
        """
        return (f"{_count(len(self.sent), 'graph')} sent ({_count(self.triples, 'triple')}), "
                f"{self.unchanged} unchanged, {len(self.deleted)} deleted")


def push(
    source: Path | str, url: str, *, credentials: tuple[str, str] | None = None, auth: str = "auto",
    body: str = "ntriples", timeout: float = 60.0, full: bool = False,
    on_graph: Callable[[str, str, int, int], None] | None = None,
) -> Pushed:
    """Send the named graphs of ``source`` to the Graph Store endpoint ``url``.

    ``source``: a build folder (its ``graph.nq``, ``graph.trig`` or ``graph.ttl``), a
    graph file (``.ttl``, ``.nt``, ``.trig``, ``.nq``) or a store folder. From a store,
    only graphs changed since the last push to ``url`` are sent (``full``: every graph)
    and graphs pushed before whose article is gone are deleted; from a file or folder,
    every graph is sent and none deleted. ``credentials``: (user, password), see
    :func:`credentials_for`; ``auth``: ``auto`` (the scheme the store asks for),
    ``basic`` or ``digest``. ``body``: ``ntriples`` or ``turtle``. ``on_graph(action,
    iri, done, total)`` hears of each graph before it is sent ("put") or deleted ("delete").

    Raises:
        GraphError: ``source`` cannot be read.
        StoreUnreachable, PushUnauthorized, PushRejected: the store did not take a graph;
            the error's ``done`` says what it took before.
    """
    check_url(url)
    if body not in BODIES:
        raise KGError(f"body {body!r}: one of {', '.join(BODIES)}")
    path = Path(source)
    root = path if is_store(path) else None
    with _push_lock(root) if root is not None else nullcontext():
        before, pushed_from = _load_record(root, url) if root is not None else ({}, None)
        if root is not None and not full and pushed_from is not None and pushed_from == _graph_folder(root):
            return Pushed(url, unchanged=len(before))  # not rebuilt since a push that ended well: nothing to do
        if root is not None:
            graphs, source = _store_graphs(root)
        else:
            graphs, source = graphs_of(path), None
        send = [g for g in graphs if full or before.get(g.iri) != g.digest]
        gone = sorted(set(before) - {g.iri for g in graphs})
        done = Pushed(url, unchanged=len(graphs) - len(send))
        accepted = dict(before)
        total = len(send) + len(gone)
        finished = False
        try:
            with closing(_Session(url, credentials, auth, timeout)) as session:
                for number, graph in enumerate(send):
                    if on_graph is not None:
                        on_graph("put", graph.iri, number, total)
                    session.put(graph, body)
                    accepted[graph.iri] = graph.digest
                    done.sent.append(graph.iri)
                    done.triples += graph.triples
                    if root is not None and len(done.sent) % SAVE_EVERY == 0:
                        _save_record(root, url, accepted, None)
                for number, iri in enumerate(gone, start=len(send)):
                    if on_graph is not None:
                        on_graph("delete", iri, number, total)
                    session.delete(iri)
                    del accepted[iri]
                    done.deleted.append(iri)
            finished = True
        except PushError as error:
            error.done = done
            raise
        finally:
            if root is not None and (finished or accepted != before):
                _save_record(root, url, accepted, source if finished else None)
    return done


# ------------------------------------------------------------ the graphs of a source


def is_store(path: Path) -> bool:
    """Whether ``path`` is a kg store folder (``kg build --store``)."""
    return (path / "facts").is_dir()


def graphs_of(source: Path | str) -> list[NamedGraph]:
    """The named graphs of a build folder, a graph file or a store folder, by IRI.

    A triples file (Turtle, N-Triples) or a store's graph is split by
    :func:`kg.graph.named_graphs`; a TriG or N-Quads file keeps its own graphs.

    Raises:
        GraphError: no such source, a syntax error (with line and column), or a dataset
            with triples outside any named graph.
    """
    path = Path(source)
    if is_store(path):
        return _store_graphs(path)[0]
    if path.is_dir():
        for name in BUILD_FILES:
            if (path / name).is_file():
                return _file_graphs(path / name)
        raise GraphError(f"{path}: no {', '.join(BUILD_FILES)} here, and no store (facts/)")
    if not path.is_file():
        raise GraphError(f"{path}: no such graph file, build folder or store")
    return _file_graphs(path)


def _graph_folder(root: Path) -> str | None:
    """The name of the Oxigraph folder a store holds its graph in now; every rebuild
    writes a new one (:meth:`kg.store.FactStore.write_graph`), so the same name is the same graph."""
    link = root / "oxigraph"
    return link.resolve().name if link.is_dir() else None


def _store_graphs(root: Path) -> tuple[list[NamedGraph], str]:
    """The named graphs of a store, and the name of the folder they were read from."""
    folder, handle = hold_graph(root)  # a rebuild swapping the folder meanwhile leaves it to us
    try:
        store = ox.Store.read_only(str(folder))
        ntriples = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
        del store
    finally:
        release_graph(root, folder, handle)
    return _split(ntriples), folder.name


def _file_graphs(path: Path) -> list[NamedGraph]:
    fmt = ox.RdfFormat.from_extension(path.suffix.lstrip("."))
    if fmt is None:
        raise GraphError(f"{path}: not an RDF file kg reads (.ttl, .nt, .trig, .nq)")
    try:
        if fmt.supports_datasets:
            return _grouped(path, ox.parse(path=str(path), format=fmt))
        ntriples = ox.serialize(ox.parse(path=str(path), format=fmt), format=ox.RdfFormat.N_TRIPLES)
    except SyntaxError as err:
        raise GraphError(f"{path}: {err}") from None
    return _split(ntriples)


def _split(ntriples: bytes) -> list[NamedGraph]:
    from rdflib import Graph

    graph = Graph()
    graph.parse(data=ntriples, format="nt")
    nquads = named_graphs(graph).serialize(format="nquads", encoding="utf-8")
    return _grouped(None, ox.parse(nquads, format=ox.RdfFormat.N_QUADS))


def _grouped(path: Path | None, quads: Iterator[ox.Quad]) -> list[NamedGraph]:
    by_graph: dict[str, list[ox.Triple]] = defaultdict(list)
    outside = 0
    for quad in quads:
        if isinstance(quad.graph_name, ox.DefaultGraph):
            outside += 1
            continue
        by_graph[quad.graph_name.value].append(quad.triple)
    if outside:
        raise GraphError(f"{path}: {_count(outside, 'triple')} in the default graph, outside any named graph; "
                         "kg push sends named graphs only")
    graphs = []
    for iri in sorted(by_graph):
        lines = ox.serialize(by_graph[iri], format=ox.RdfFormat.N_TRIPLES).splitlines(keepends=True)
        graphs.append(NamedGraph(iri, b"".join(sorted(set(lines)))))
    return graphs


# ------------------------------------------------------------ the record of pushes


def _load_record(root: Path, url: str) -> tuple[dict[str, str], str | None]:
    """The digests of the graphs ``url`` took from this store, and the Oxigraph folder of
    the last push to it that ended well (None after one that stopped part way)."""
    path = root / RECORD
    if not path.exists():
        return {}, None
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
        if record.get("format") != RECORD_FORMAT:
            raise ValueError(f"format {record.get('format')}, this kg reads {RECORD_FORMAT}")
        target = record["targets"].get(url, {"graphs": {}, "from": None})
        return dict(target["graphs"]), target["from"]
    except (ValueError, KeyError, TypeError, AttributeError) as err:
        error = GraphError(f"{path}: unreadable push record ({err})")
        error.hint = ("delete it: the next push sends every graph again, but cannot delete the graphs of "
                      "articles removed before")
        raise error from None


def _save_record(root: Path, url: str, graphs: Mapping[str, str], pushed_from: str | None) -> None:
    path = root / RECORD
    targets = {}
    if path.exists():
        targets = json.loads(path.read_text(encoding="utf-8")).get("targets", {})
    targets[url] = {"from": pushed_from, "graphs": dict(sorted(graphs.items()))}
    with atomic_write(path) as handle:
        json.dump({"format": RECORD_FORMAT, "targets": targets}, handle, indent=1)
        handle.write("\n")


@contextmanager
def _push_lock(root: Path) -> Iterator[None]:
    """One push from a store at a time, so two never write the record over each other."""
    with open(root / ".push.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


# ------------------------------------------------------------ credentials


def credentials_for(url: str, environ: Mapping[str, str] | None = None) -> tuple[str, str] | None:
    """(user, password) for ``url``: from ``KG_PUSH_USER`` and ``KG_PUSH_PASSWORD``, else
    from the netrc entry of the URL's host (the file ``NETRC`` names, else ``~/.netrc``);
    None if neither has any.

    >>> credentials_for("http://127.0.0.1:8890/x", {"KG_PUSH_USER": "dba", "KG_PUSH_PASSWORD": "dba"})
    ('dba', 'dba')

    Raises:
        KGError: only one of the two variables is set.
        InputError: the netrc file cannot be read (with its line), or is readable by others.
    """
    environ = os.environ if environ is None else environ
    user, password = environ.get(ENV_USER), environ.get(ENV_PASSWORD)
    if user is not None or password is not None:
        if user is None or password is None:
            missing = ENV_PASSWORD if password is None else ENV_USER
            raise KGError(f"{ENV_USER if user is not None else ENV_PASSWORD} is set but {missing} is not; "
                          "set both, or neither to use a netrc file")
        return user, password
    file = environ.get("NETRC")
    path = Path(file) if file else Path.home() / ".netrc"
    if not path.is_file():
        return None
    try:
        # With no file named, the netrc module also refuses a ~/.netrc others can read.
        entry = netrc.netrc(file or None).authenticators(urlsplit(url).hostname or "")
    except netrc.NetrcParseError as err:
        raise InputError(err.filename or path, err.msg, line=err.lineno) from None
    except OSError as err:
        raise InputError(path, err.strerror or str(err)) from None
    if entry is None:
        return None
    login, _, secret = entry
    return login, secret or ""


def check_url(url: str) -> None:
    """Refuse a URL that is no http(s) URL, or that carries credentials.

    >>> check_url("http://127.0.0.1:7878/store")
    >>> check_url("http://dba:dba@127.0.0.1:8890/sparql-graph-crud-auth")
    Traceback (most recent call last):
    ...
    kg.errors.PushError: http://127.0.0.1:8890/sparql-graph-crud-auth: credentials in the URL
    """
    parts = urlsplit(url)
    if parts.username is not None or parts.password is not None:  # first, so no message repeats them
        bare = parts._replace(netloc=parts.netloc.rpartition("@")[2]).geturl()
        raise PushError(f"{bare}: credentials in the URL", url=bare,
                        hint=f"never on the command line: set {ENV_USER} and {ENV_PASSWORD}, or use a netrc file")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise PushError(f"{url}: not an http:// or https:// URL", url=url, hint=ENDPOINTS_HINT)


class _Challenged(httpx.Auth):
    """Send a request as it is; if the store answers 401, answer with the scheme its
    ``WWW-Authenticate`` names (Digest or Basic), and keep that scheme for later requests."""

    requires_request_body = True

    def __init__(self, user: str, password: str):
        self.schemes = {"basic": httpx.BasicAuth(user, password), "digest": httpx.DigestAuth(user, password)}
        self.chosen: httpx.Auth | None = None

    def auth_flow(self, request: httpx.Request):
        first = self.chosen is None
        if first:
            response = yield request
            offered = [h.split(" ", 1)[0].lower() for h in response.headers.get_list("www-authenticate")]
            name = next((s for s in ("digest", "basic") if s in offered), None)
            if response.status_code != 401 or name is None:
                return
            self.chosen = self.schemes[name]
        flow = self.chosen.auth_flow(request)
        request = next(flow)
        if first and self.chosen is self.schemes["digest"]:
            request = flow.send(response)  # the unauthenticated try it starts with was answered above
        while True:
            response = yield request
            try:
                request = flow.send(response)
            except StopIteration:
                return


class _Session:
    """The HTTP client of one push, and what its error messages need to know."""

    def __init__(self, url: str, credentials: tuple[str, str] | None, auth: str, timeout: float):
        if auth not in AUTH_SCHEMES:
            raise KGError(f"auth {auth!r}: one of {', '.join(AUTH_SCHEMES)}")
        self.url, self.credentials, self.timeout = url, credentials, timeout
        scheme = None
        if credentials is not None:
            scheme = {"auto": _Challenged, "basic": httpx.BasicAuth, "digest": httpx.DigestAuth}[auth](*credentials)
        try:
            version = metadata.version("kg-news")
        except metadata.PackageNotFoundError:
            version = "0+unknown"
        self.client = httpx.Client(auth=scheme, timeout=timeout, follow_redirects=False,
                                   headers={"User-Agent": f"kg-push/{version}"})

    def close(self) -> None:
        self.client.close()

    def put(self, graph: NamedGraph, body: str) -> None:
        content = graph.ntriples
        if body == "turtle":
            prefixes = {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}
            content = ox.serialize(ox.parse(graph.ntriples, format=ox.RdfFormat.N_TRIPLES),
                                   format=ox.RdfFormat.TURTLE, prefixes=prefixes)
        response = self._send("PUT", graph.iri, content=content, headers={"Content-Type": BODIES[body]})
        self._check(response, "PUT", graph.iri)

    def delete(self, iri: str) -> None:
        response = self._send("DELETE", iri)
        if response.status_code != 404:  # a graph already gone is what a DELETE wants
            self._check(response, "DELETE", iri)

    def _send(self, method: str, iri: str, **options) -> httpx.Response:
        target = httpx.URL(self.url).copy_merge_params({"graph": iri})
        try:
            return self.client.request(method, target, **options)
        except httpx.TimeoutException:
            raise StoreUnreachable(f"{self.url}: no answer within {self.timeout:g} s to the {method} of graph <{iri}>",
                                   url=self.url, graph=iri, hint="a large graph may need a longer --timeout") from None
        except httpx.TransportError as err:
            reason = str(err) or type(err).__name__
            raise StoreUnreachable(f"cannot reach {self.url} ({reason}) to {method} graph <{iri}>", url=self.url,
                                   graph=iri, hint="is the store running at that address? " + ENDPOINTS_HINT) from None

    def _check(self, response: httpx.Response, method: str, iri: str) -> None:
        status, url = response.status_code, self.url
        if 200 <= status < 300:
            return
        said = _message(response)
        answer = f"{status} {response.reason_phrase}".strip() + (f": {said}" if said else "")
        where = {"url": url, "graph": iri, "status": status}
        if status == 401 and self.credentials is None:
            scheme = response.headers.get("www-authenticate", "").split(" ", 1)[0] or "some"
            raise PushUnauthorized(
                f"{url} asks for credentials ({scheme} auth) to {method} graph <{iri}>", **where,
                hint=f"set {ENV_USER} and {ENV_PASSWORD}, or a 'machine {urlsplit(url).hostname}' entry in ~/.netrc")
        if status in (401, 403):
            user = self.credentials[0] if self.credentials else None
            if status == 401:
                message = f"{url} refused the credentials of {user!r} for the {method} of graph <{iri}> ({answer})"
            else:
                message = f"{url} forbids the {method} of graph <{iri}>{f' to {user!r}' if user else ''} ({answer})"
            raise PushUnauthorized(message, **where, hint=(
                f"check {ENV_USER} and {ENV_PASSWORD} (or the netrc entry) and that the user may write graphs; "
                "--auth basic or --auth digest sets the scheme"))
        if 300 <= status < 400:
            raise PushRejected(f"{url} redirects the {method} of graph <{iri}> to {response.headers.get('location')}",
                               **where, hint="push to the URL it redirects to")
        raise PushRejected(f"{url} rejected the {method} of graph <{iri}> ({answer})", **where,
                           hint=ENDPOINTS_HINT if status in (404, 405) else "")


def _message(response: httpx.Response) -> str:
    """The store's own words: its answer's text, with an HTML page's markup taken out.

    >>> _message(httpx.Response(500, html="<html><head><title>t</title></head><body><h1>Error</h1> "
    ...                         "<xmp>graph &lt;g&gt; rejected</xmp></body></html>"))
    'Error graph <g> rejected'
    """
    text = response.text
    if "html" in response.headers.get("content-type", ""):
        text = re.sub(r"(?is)<(head|script|style)\b.*?</\1\s*>", " ", text)
        text = html.unescape(re.sub(r"<[^>]*>", " ", text))
    text = " ".join(text.split())
    return text if len(text) <= MESSAGE_CHARS else text[:MESSAGE_CHARS] + "…"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")
