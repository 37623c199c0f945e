"""Answering SPARQL protocol queries over a built graph, safely: what ``kg serve`` runs.

Each query runs in a worker process, on an in-memory copy of the graph (or, with
``in_memory=False``, on the Oxigraph folder opened read-only). pyoxigraph cannot
cancel a running query, so a query that outlives the timeout is stopped by ending its
process, and a fresh worker takes its place. Before a query runs it is checked:
``SERVICE`` clauses are refused unless allowed (:func:`kg.query.refuse_service`), and
updates are refused (the store is opened read-only besides). A result with more rows
than the cap is refused with a clear error rather than cut silently.

A store folder (``kg build --store``) is served from its current Oxigraph folder. When
a build swaps in a new one, each worker moves to it with its next query, and the old
folder is released only when no worker reads it (:func:`kg.io.hold_graph`), so a store
being rebuilt is served without a pause. A graph file is loaded once into a temporary
Oxigraph folder, and again when it changes.
"""

from __future__ import annotations

import logging
import multiprocessing
import shutil
import signal
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import pyoxigraph as ox

from kg.errors import GraphError, QueryError, ServiceRefused
from kg.io import hold_graph, release_graph
from kg.query import build_graph, is_update, refuse_service
from kg.vocab import PREFIXES

log = logging.getLogger(__name__)

# media type -> (pyoxigraph format, the media type answered); the first is the default
SOLUTION_TYPES = {  # format: media types
    "application/sparql-results+json": (ox.QueryResultsFormat.JSON, "application/sparql-results+json"),
    "application/sparql-results+xml": (ox.QueryResultsFormat.XML, "application/sparql-results+xml"),
    "text/csv": (ox.QueryResultsFormat.CSV, "text/csv"),
    "text/tab-separated-values": (ox.QueryResultsFormat.TSV, "text/tab-separated-values"),
    "application/json": (ox.QueryResultsFormat.JSON, "application/sparql-results+json"),
    "application/xml": (ox.QueryResultsFormat.XML, "application/sparql-results+xml"),
}
GRAPH_TYPES = {
    "text/turtle": (ox.RdfFormat.TURTLE, "text/turtle"),
    "application/n-triples": (ox.RdfFormat.N_TRIPLES, "application/n-triples"),
    "application/ld+json": (ox.RdfFormat.JSON_LD, "application/ld+json"),
}
TEXT = "text/plain"


@dataclass(frozen=True)
class Query:
    """One protocol request: the query text, the media types the client takes for
    solutions and for graphs (None: none of ours), and the dataset it names."""

    text: str
    solutions_type: str | None
    graph_type: str | None
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Reply:
    status: int
    media_type: str
    body: bytes


def negotiate(accept: str | None, offered) -> str | None:
    """The offered media type that an ``Accept`` header ranks highest (ties: the order
    offered); the first offered when there is no header; None when it takes none.

    >>> negotiate("text/csv;q=0.5, application/sparql-results+json", SOLUTION_TYPES)
    'application/sparql-results+json'
    >>> negotiate("text/html,*/*;q=0.8", GRAPH_TYPES)
    'text/turtle'
    >>> negotiate("text/turtle", SOLUTION_TYPES) is None
    True
    """
    offered = list(offered)
    if not accept or not accept.strip():
        return offered[0]
    ranges = []
    for part in accept.lower().split(","):
        media, *params = (p.strip() for p in part.split(";"))
        weight = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        ranges.append((media, weight))
    best, best_weight = None, 0.0
    for media in offered:
        kinds = {media: 2, media.split("/")[0] + "/*": 1, "*/*": 0}  # the most specific range decides
        matching = [(kinds[r], w) for r, w in ranges if r in kinds]
        weight = max(matching)[1] if matching else 0.0
        if weight > best_weight:
            best, best_weight = media, weight
    return best


def answer(store: ox.Store, query: Query, *, max_rows: int, allow_service: bool) -> Reply:
    """Run one query on ``store`` and write its result in the negotiated format."""
    try:
        if not allow_service:
            refuse_service(query.text)
        result = store.query(
            query.text,
            default_graph=[ox.NamedNode(g) for g in query.default_graphs] or None,
            named_graphs=[ox.NamedNode(g) for g in query.named_graphs] or None,
        )
        if isinstance(result, ox.QueryBoolean):
            return _write(query.solutions_type, SOLUTION_TYPES, "ASK", lambda fmt: result.serialize(format=fmt))
        solutions = isinstance(result, ox.QuerySolutions)
        # Written once by pyoxigraph in a line-per-row format while the rows are counted
        # (the query is evaluated as it is written, so a result over the cap stops there).
        lines = _LineCap(max_rows + 1 if solutions else max_rows)  # TSV has a header line
        result.serialize(lines, format=ox.QueryResultsFormat.TSV if solutions else ox.RdfFormat.N_TRIPLES)
    except _OverCap:
        unit = "rows" if solutions else "triples"
        return Reply(400, TEXT, (f"the result has more than {max_rows} {unit}, the endpoint's cap: add a LIMIT "
                                 "(and OFFSET to page), or start kg serve with a larger --max-rows").encode())
    except ServiceRefused as error:
        return Reply(403, TEXT, f"{error} (kg serve --allow-service runs such queries)".encode())
    except QueryError as error:
        return Reply(400, TEXT, str(error).encode())
    except SyntaxError as error:
        if is_update(query.text):
            return Reply(403, TEXT, b"this endpoint is read-only: updates are refused")
        return Reply(400, TEXT, f"invalid SPARQL query: {error}".encode())
    except ValueError as error:  # an IRI in default-graph-uri or named-graph-uri that is none
        return Reply(400, TEXT, f"invalid request: {error}".encode())
    except (OSError, RuntimeError) as error:
        return Reply(500, TEXT, f"query failed: {error}".encode())
    written = lines.getvalue()
    if solutions:
        return _write(query.solutions_type, SOLUTION_TYPES, "SELECT", lambda fmt: _solutions(written, fmt))
    return _write(query.graph_type, GRAPH_TYPES, "CONSTRUCT and DESCRIBE", lambda fmt: _triples(written, fmt))


class _OverCap(Exception):
    pass


class _LineCap:
    """A binary writer for pyoxigraph's serializers that keeps what it is given and raises
    :class:`_OverCap` once it holds more than ``cap`` lines. In TSV results and in
    N-Triples a line is a row or a triple: both escape line breaks inside terms."""

    def __init__(self, cap: int):
        self._left = cap
        self._parts: list[bytes] = []

    def write(self, chunk) -> int:
        self._left -= chunk.count(b"\n")
        if self._left < 0:
            raise _OverCap
        self._parts.append(bytes(chunk))
        return len(chunk)

    def flush(self) -> None:
        pass

    def getvalue(self) -> bytes:
        return b"".join(self._parts)


def _solutions(tsv: bytes, fmt: ox.QueryResultsFormat) -> bytes:
    """SPARQL TSV results in ``fmt``. A TSV cell is the term in SPARQL syntax, so TSV
    is lossless, and the conversion runs inside pyoxigraph, with no Python per row."""
    if fmt == ox.QueryResultsFormat.TSV:
        return tsv
    return ox.parse_query_results(tsv, format=ox.QueryResultsFormat.TSV).serialize(format=fmt)


def _triples(ntriples: bytes, fmt: ox.RdfFormat) -> bytes:
    """N-Triples in ``fmt``, Turtle with kg's prefixes."""
    if fmt == ox.RdfFormat.N_TRIPLES:
        return ntriples
    return ox.serialize(ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES), format=fmt, prefixes=PREFIXES)


def _write(media: str | None, types: dict, kind: str, serialize) -> Reply:
    if media is None:
        listed = ", ".join(dict.fromkeys(answered for _, answered in types.values()))
        return Reply(406, TEXT, f"no result format the Accept header takes; {kind} results are {listed}".encode())
    fmt, answered = types[media]
    return Reply(200, answered, serialize(fmt))


# ---------------------------------------------------------------- the graph being served


class ServedGraph:
    """The Oxigraph folder to query now, for a graph file (or a build's output folder, its
    graph file), an Oxigraph folder or a kg store.

    A kg store is followed through its rebuilds (each new Oxigraph folder it swaps in). A
    graph file is loaded into a folder of its own, and loaded again into a new one when the
    file changes (a new inode, size or modification time, as an atomic replace gives); a
    file that no longer parses leaves the last good graph served, with a warning.
    """

    def __init__(self, source: Path | str):
        self.source = build_graph(Path(source)) or Path(source)  # a build's output folder: its graph file
        self._store_root: Path | None = None
        self._temporary: Path | None = None
        self._held: dict[Path, IO] = {}
        self._loads: list[Path] = []  # the folders of a graph file, oldest first
        self._seen: tuple | None = None  # what the file was like when last loaded (or tried)
        self._serial = 0
        if (self.source / "oxigraph").is_dir():  # a kg store: follow its swaps
            self._store_root = self.source
            self.folder, handle = hold_graph(self.source)
            self._held[self.folder] = handle
        elif self.source.is_dir():
            self.folder = self.source
            _check_store(self.folder)
        elif self.source.is_file():
            self._temporary = Path(tempfile.mkdtemp(prefix="kg-serve-"))
            self._seen = _signature(self.source)
            self.folder = self._temporary / "oxigraph-0"
            try:
                _load(self.source, self.folder)
            except BaseException:  # a bad graph, or Ctrl-C or SIGTERM while loading: no copy left behind
                shutil.rmtree(self._temporary, ignore_errors=True)
                raise
            self._loads.append(self.folder)
        else:
            raise GraphError(f"{self.source}: no such graph file or store folder")

    def current(self) -> Path:
        """The latest graph; holds it, and keeps holding the older ones until released."""
        if self._store_root is not None and (self._store_root / "oxigraph").resolve() != self.folder:
            self.folder, handle = hold_graph(self._store_root)
            self._held.setdefault(self.folder, handle)
        elif self._temporary is not None:
            self._reload_if_changed()
        return self.folder

    def _reload_if_changed(self) -> None:
        try:
            seen = _signature(self.source)
        except OSError:  # between the unlink and the rename of a replace, or removed: keep the last graph
            return
        if seen == self._seen:
            return
        self._seen = seen
        self._serial += 1  # a new name each time: a worker tells graphs apart by their folder
        fresh = self._temporary / f"oxigraph-{self._serial}"
        try:
            _load(self.source, fresh)
        except (GraphError, OSError) as err:
            shutil.rmtree(fresh, ignore_errors=True)
            log.warning("%s changed but cannot be read (%s); still serving the graph loaded before", self.source, err)
            return
        log.warning("%s changed: serving the graph loaded again from it", self.source)
        self._loads.append(fresh)
        self.folder = fresh

    def release_unused(self, in_use: set[Path]) -> None:
        for folder in [f for f in self._held if f != self.folder and f not in in_use]:
            release_graph(self._store_root, folder, self._held.pop(folder))
        for folder in [f for f in self._loads if f != self.folder and f not in in_use]:
            self._loads.remove(folder)  # no worker has it open any more
            shutil.rmtree(folder, ignore_errors=True)

    def close(self) -> None:
        for folder, handle in self._held.items():
            release_graph(self._store_root, folder, handle)
        self._held.clear()
        if self._temporary is not None:
            shutil.rmtree(self._temporary, ignore_errors=True)


def _signature(path: Path) -> tuple:
    """What changes when a file is written or replaced."""
    stat = path.stat()
    return stat.st_ino, stat.st_size, stat.st_mtime_ns


def _check_store(folder: Path) -> None:
    try:
        ox.Store.read_only(str(folder))
    except OSError as err:
        raise GraphError(f"{folder}: not an Oxigraph store ({err})") from None


def _load(path: Path, folder: Path) -> None:
    fmt = ox.RdfFormat.from_extension(path.suffix.lstrip(".")) or ox.RdfFormat.TURTLE
    store = ox.Store(str(folder))
    error = None
    try:
        store.bulk_load(path=str(path), format=fmt)
        store.flush()
    except SyntaxError as err:
        error = GraphError(f"{path}: {err}")
    del store  # releases the RocksDB lock, so the workers can open it (or the folder be deleted)
    if error is not None:
        raise error


# ---------------------------------------------------------------- worker processes


class Timeout(Exception):
    pass


def _work(connection, max_rows: int, allow_service: bool, in_memory: bool) -> None:
    """A worker process: open the folder each message names, answer its query."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the server, which ends us
    opened, store = None, None
    connection.send("ready")
    while True:
        try:
            folder, query = connection.recv()
        except EOFError:  # the server has gone
            return
        if folder != opened:
            store = None  # let go of the old graph first
            store = _open_copy(folder) if in_memory else ox.Store.read_only(folder)
            opened = folder
        connection.send(None if query is None else answer(store, query, max_rows=max_rows,
                                                          allow_service=allow_service))


def _open_copy(folder: str) -> ox.Store:
    """The graph of an Oxigraph folder, copied into an in-memory store. Its queries run
    three to eight times faster than on the folder (RocksDB) here; the copy takes about
    0.4 GB a million triples (1,013,372 triples: 380 MB). The folder is closed once copied."""
    on_disk = ox.Store.read_only(folder)
    quads = on_disk.dump(format=ox.RdfFormat.N_QUADS)
    del on_disk
    store = ox.Store()
    store.bulk_load(quads, format=ox.RdfFormat.N_QUADS)
    return store


class _Worker:
    """One worker process. Starting it returns at once; :meth:`wait` waits until it has
    opened (or copied) ``folder``, so that several start side by side."""

    def __init__(self, folder: Path, max_rows: int, allow_service: bool, in_memory: bool):
        context = multiprocessing.get_context("spawn")  # no fork of a threaded server
        self.connection, child = context.Pipe()
        self.process = context.Process(target=_work, args=(child, max_rows, allow_service, in_memory), daemon=True,
                                       name="kg-serve-worker")
        self.process.start()
        child.close()
        self.folder = folder  # the graph to answer the next query on
        self.opened: Path | None = None  # the graph the process has open (or copied)
        self.connection.send((str(folder), None))

    def wait(self) -> _Worker:
        try:
            if not self.connection.poll(120) or self.connection.recv() != "ready":
                raise EOFError
            self.connection.recv()  # the graph is open
            self.opened = self.folder
        except (EOFError, OSError):
            self.stop()
            raise GraphError(f"a kg serve worker process did not start on {self.folder}") from None
        return self

    def ask(self, query: Query | None, timeout: float | None = None) -> Reply | None:
        """Answer ``query`` on :attr:`folder` (None: only open the folder)."""
        self.connection.send((str(self.folder), query))
        if not self.connection.poll(timeout):
            raise Timeout
        reply = self.connection.recv()
        self.opened = self.folder
        return reply

    def stop(self) -> None:
        self.process.kill()
        self.process.join()
        self.connection.close()


class Workers:
    """A pool of worker processes answering queries on a :class:`ServedGraph`.

    With ``in_memory`` (the default) each worker copies the graph into memory and needs
    the folder only while it copies; a worker moves to a newer graph when it is given its
    next query, before the query's time starts. Without it, each worker reads the folder
    (RocksDB), and idle workers move as soon as a newer graph is there.
    """

    def __init__(self, graph: ServedGraph, *, count: int = 2, timeout: float = 30.0, max_rows: int = 10_000,
                 allow_service: bool = False, in_memory: bool = True):
        self.graph = graph
        self.timeout = timeout
        self.in_memory = in_memory
        self._options = (max_rows, allow_service, in_memory)
        self._free = threading.Condition()
        starting = [_Worker(graph.current(), *self._options) for _ in range(count)]
        try:
            self._all = [worker.wait() for worker in starting]
        except GraphError:
            for worker in starting:
                worker.stop()
            raise
        self._idle = list(self._all)

    def answer(self, query: Query) -> Reply:
        """Answer one query on the latest graph (blocks while every worker is busy)."""
        with self._free:
            while not self._idle:
                self._free.wait()
            worker = self._idle.pop()
            worker.folder = self.graph.current()
            self._follow()
        try:
            if worker.opened != worker.folder:
                worker.ask(None)  # opened or copied outside the query's timeout
            return worker.ask(query, self.timeout)
        except Timeout:
            log.warning("query stopped after %s s", self.timeout)
            worker = self._replace(worker)
            return Reply(503, TEXT, (f"the query ran longer than {self.timeout:g} s, the endpoint's timeout, "
                                     "and was stopped: narrow it, or start kg serve with a larger --timeout").encode())
        except (EOFError, OSError):  # the worker died (out of memory?): answer, and start another
            worker = self._replace(worker)
            return Reply(500, TEXT, b"the query failed: its worker process ended")
        finally:
            with self._free:
                self._idle.append(worker)
                self._follow()
                self._free.notify()

    def _follow(self) -> None:
        """Move idle workers that read a folder to the latest graph; release the graphs no
        worker needs (an in-memory worker needs its folder only while busy: copying)."""
        folder = self.graph.current()
        if not self.in_memory:
            for worker in self._idle:
                if worker.folder != folder:
                    worker.folder = folder
                    worker.ask(None)
        needed = [w for w in self._all if not self.in_memory or w not in self._idle]
        self.graph.release_unused({w.folder for w in needed} | {w.opened for w in needed})

    def _replace(self, worker: _Worker) -> _Worker:
        worker.stop()
        fresh = _Worker(self.graph.current(), *self._options).wait()
        with self._free:
            self._all[self._all.index(worker)] = fresh
        return fresh

    def close(self) -> None:
        for worker in self._all:
            worker.stop()
