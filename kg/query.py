"""SPARQL 1.1 over a built graph, through pyoxigraph.

A graph is a Turtle (or N-Triples, RDF/XML…) file or a pyoxigraph store folder. Queries
are SPARQL text, a ``.rq`` file or the name of a bundled query in ``ontology/queries/``.
Values from users are bound with SPARQL substitution (:func:`run_query`'s ``bindings``),
never pasted into the query text, so they cannot change what the query does. A query
with a ``SERVICE`` clause, which would make the engine fetch from another endpoint over
the network, is refused unless the caller allows it (:func:`refuse_service`).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import pyoxigraph as ox

from kg.errors import GraphError, QueryError, ServiceRefused
from kg.io import hold_graph, release_graph
from kg.vocab import ONTOLOGY_DIR

QUERY_DIR = ONTOLOGY_DIR / "queries"


@dataclass(frozen=True)
class Table:
    """A SELECT result: column names and rows of plain values (None where unbound)."""

    columns: list[str]
    rows: list[list[str | int | None]]

    def to_csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(self.columns)
        writer.writerows([["" if v is None else v for v in row] for row in self.rows])
        return out.getvalue()

    def to_json(self) -> str:
        return json.dumps([dict(zip(self.columns, row)) for row in self.rows], ensure_ascii=False, indent=2)


def bundled_queries() -> dict[str, Path]:
    """Name -> file of the queries shipped in ``ontology/queries``."""
    return {path.stem: path for path in sorted(QUERY_DIR.glob("*.rq"))}


def query_text(query: str) -> str:
    """SPARQL text from a bundled query name, a ``.rq`` file path or the text itself."""
    bundled = bundled_queries()
    if query in bundled:
        return bundled[query].read_text(encoding="utf-8")
    if query.endswith((".rq", ".sparql")):
        path = Path(query)
        if not path.is_file():
            raise QueryError(f"{query}: no such query file")
        try:
            return path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise QueryError(f"{query}: not UTF-8 text") from None
    if not any(word in query.upper() for word in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")):
        if is_update(query):
            raise _refused_update()
        names = ", ".join(bundled)
        raise QueryError(f"{query!r} is neither SPARQL nor a bundled query (bundled: {names})")
    return query


def is_update(text: str) -> bool:
    """True if ``text`` parses as a SPARQL update (parsed only, never run)."""
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import parseUpdate

    try:
        tree = parseUpdate(text)
    except (ParseException, ValueError, TypeError):
        return False
    return "request" in tree  # not an empty update (nothing but a prologue or comments)


def _refused_update() -> QueryError:
    return QueryError("kg query only reads: SPARQL updates (INSERT, DELETE, LOAD, CLEAR...) are refused")


def open_store(graph: Path | str) -> ox.Store:
    """A store over a graph file (loaded in memory), a build's output folder (its graph file),
    or a store folder (opened read-only).

    A kg store folder's current Oxigraph folder is held (:func:`kg.io.hold_graph`) until the
    process ends, since pyoxigraph tells nothing of when the store goes: a rebuild swapping
    in a new graph meanwhile leaves this one in place. :func:`reading` lets go sooner.
    """
    path = Path(graph)
    if (path / "oxigraph").is_dir():  # a kg store folder (kg build --store)
        folder, handle = hold_graph(path)
        if _HELD.setdefault(folder, handle) is not handle:  # held already: one lock is enough
            handle.close()
        return _open_folder(folder)
    return _open(path)


_HELD: dict[Path, IO] = {}  # the store folders open_store opened, held for the life of the process


@contextmanager
def reading(graph: Path | str) -> Iterator[ox.Store]:
    """:func:`open_store` for the length of a block: a kg store folder's graph is held
    while the block runs, then let go (and deleted, if a rebuild replaced it meanwhile and
    no other reader holds it). Do not use the store after the block."""
    path = Path(graph)
    if not (path / "oxigraph").is_dir():
        yield _open(path)
        return
    folder, handle = hold_graph(path)
    try:
        yield _open_folder(folder)
    finally:
        release_graph(path, folder, handle)


BUILD_GRAPHS = ("graph.ttl", "graph.nt")  # what kg build --out writes (--also adds N-Triples)


def build_graph(folder: Path) -> Path | None:
    """The graph file of a build's output folder (``kg build --out``), or None for any other
    path (a file, an Oxigraph folder, a folder with no graph)."""
    if not folder.is_dir() or (folder / "CURRENT").exists():
        return None
    return next((folder / name for name in BUILD_GRAPHS if (folder / name).is_file()), None)


def _open(path: Path) -> ox.Store:
    path = build_graph(path) or path  # a build's output folder: its graph file
    if path.is_dir():
        return _open_folder(path)
    if not path.is_file():
        raise GraphError(f"{path}: no such graph file or store folder")
    fmt = ox.RdfFormat.from_extension(path.suffix.lstrip(".")) or ox.RdfFormat.TURTLE
    store = ox.Store()
    try:
        store.bulk_load(path=str(path), format=fmt)
    except SyntaxError as err:
        raise GraphError(f"{path}: {err}") from None
    return store


def _open_folder(folder: Path) -> ox.Store:
    if not (folder / "CURRENT").exists():
        raise GraphError(f"{folder}: not a graph: no {' or '.join(BUILD_GRAPHS)} (a build's output), "
                         "no Oxigraph store, no kg store")
    try:
        return ox.Store.read_only(str(folder))
    except OSError as err:
        raise GraphError(f"{folder}: not a kg store ({err})") from None


def service_clauses(query: str) -> list[str]:
    """The ``SERVICE`` clauses of a SPARQL query, as written, wherever they are nested.

    The query is parsed (rdflib's SPARQL parser), so a ``SERVICE`` inside a string, an IRI,
    a comment or a prefixed name (``ex:service``) is no clause.

    >>> service_clauses('SELECT * WHERE { ?s <http://ex/SERVICE> "service" }')
    []
    >>> service_clauses('SELECT * WHERE { FILTER EXISTS { SERVICE <http://ex/sparql> { ?s ?p ?o } } }')
    ['SERVICE <http://ex/sparql> { ?s ?p ?o }']

    Raises:
        QueryError: the query mentions "service" and rdflib's parser cannot read it, so
            it cannot be checked.
    """
    if "service" not in query.lower() and "\\u" not in query.lower():  # no keyword, not even escaped
        return []
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        tree = parseQuery(query)
    except ParseException as err:
        error = QueryError(f"invalid SPARQL, or SPARQL kg cannot check for SERVICE clauses: {err}")
        error.hint = "--allow-service runs a query you trust without the check"
        raise error from None
    found: list[str] = []

    def walk(node) -> None:
        if getattr(node, "name", None) == "ServiceGraphPattern":
            found.append(" ".join(str(node.get("service_string", "SERVICE")).split()))
        if isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, (list, tuple)) or type(node).__name__ == "ParseResults":
            for value in node:
                walk(value)

    walk(tree)
    return found


def refuse_service(query: str) -> None:
    """Raise :class:`~kg.errors.ServiceRefused` if the query has a ``SERVICE`` clause.

    >>> refuse_service("SELECT * WHERE { SERVICE <http://ex/sparql> { ?s ?p ?o } }")
    Traceback (most recent call last):
    ...
    kg.errors.ServiceRefused: the query has a SERVICE clause, which would fetch from another endpoint over the network: SERVICE <http://ex/sparql> { ?s ?p ?o }
    """
    clauses = service_clauses(query)
    if clauses:
        error = ServiceRefused("the query has a SERVICE clause, which would fetch from another endpoint over the "
                           f"network: {clauses[0]}")
        error.hint = "--allow-service runs it, if you trust the query and the endpoints it names"
        raise error


def run_query(store: ox.Store, query: str, bindings: dict[str, str | ox.Literal | ox.NamedNode] | None = None,
              *, allow_service: bool = False):
    """Run SPARQL text; SELECT gives a :class:`Table`, ASK a bool, CONSTRUCT/DESCRIBE triples.

    ``bindings`` maps variable names to values substituted for them (never spliced into the
    text): a string as a string literal, a pyoxigraph term as itself (:func:`bound_term` reads
    one from ``--bind``). A query with a ``SERVICE`` clause raises :class:`QueryError` unless
    ``allow_service``.
    """
    if not allow_service:
        refuse_service(query)
    substitutions = {ox.Variable(name): ox.Literal(value) if isinstance(value, str) else value
                     for name, value in (bindings or {}).items()}
    try:
        result = store.query(query, substitutions=substitutions or None)
    except SyntaxError as err:
        if is_update(query):  # "INSERT { ... } WHERE { { SELECT ... } }": no query, an update
            raise _refused_update() from None
        raise QueryError(f"invalid SPARQL: {err}") from None
    except (RuntimeError, OSError) as err:  # e.g. a --bind name the query does not use
        raise QueryError(f"query failed: {err}") from None
    if isinstance(result, ox.QuerySolutions):
        columns = [v.value for v in result.variables]
        rows = [[_plain(solution[c]) for c in columns] for solution in result]
        return Table(columns, rows)
    if isinstance(result, ox.QueryBoolean):
        return bool(result)
    return list(result)


INTEGER = "http://www.w3.org/2001/XMLSchema#integer"
DATE = "http://www.w3.org/2001/XMLSchema#date"


def bound_term(value: str) -> ox.Literal | ox.NamedNode:
    """The term ``--bind NAME=VALUE`` binds: ``<IRI>`` an IRI, ``71`` an ``xsd:integer``,
    ``2017-12-11`` an ``xsd:date`` (as kg writes offsets and days), ``"..."`` the string
    between the quotes (``"71"``), anything else the string as given.

    >>> [bound_term(v) for v in ("71", "2017-12-11", '"71"', "Putin", "<https://w3id.org/kg/x>")]
    [<Literal value=71 datatype=<NamedNode value=http://www.w3.org/2001/XMLSchema#integer>>, \
<Literal value=2017-12-11 datatype=<NamedNode value=http://www.w3.org/2001/XMLSchema#date>>, \
<Literal value=71 datatype=<NamedNode value=http://www.w3.org/2001/XMLSchema#string>>, \
<Literal value=Putin datatype=<NamedNode value=http://www.w3.org/2001/XMLSchema#string>>, \
<NamedNode value=https://w3id.org/kg/x>]
    """
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return ox.Literal(value[1:-1])
    if len(value) >= 2 and value[0] == "<" and value[-1] == ">":
        try:
            return ox.NamedNode(value[1:-1])
        except ValueError:
            return ox.Literal(value)
    if re.fullmatch(r"[+-]?\d+", value):
        return ox.Literal(str(int(value)), datatype=ox.NamedNode(INTEGER))
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            return ox.Literal(value)
        return ox.Literal(value, datatype=ox.NamedNode(DATE))
    return ox.Literal(value)


def _plain(term) -> str | int | None:
    """A term's value: integers (character offsets, counts) as ``int``, everything else as text."""
    if term is None:
        return None
    if isinstance(term, ox.Literal) and term.datatype.value == INTEGER:
        try:
            return int(term.value)
        except ValueError:
            return term.value
    return term.value
