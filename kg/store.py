"""A persistent graph that grows article by article: ``kg build --store DIR``.

The folder holds what a rebuild needs without parsing again, and the graph itself:

- ``facts/<hash>.json``: each article's metadata and extracted facts (one file each);
- ``registry.json``: the node key (IRI path) each (article, entity) was given, so an
  entity keeps its IRI when later articles arrive, and the keys retired since (their
  entity was joined to another node, or took another category), never given again;
- ``oxigraph/``: a pyoxigraph (RocksDB) store with the current graph, for ``kg query DIR``
  and for other tools (``oxigraph serve-read-only --location DIR/oxigraph``);
- ``meta.json``: the model and kg version that extracted the facts;
- ``parsed.sqlite``, while a build runs or after one was interrupted: the facts of the
  articles it has parsed so far (:class:`Checkpoint`), so that the next build parses only
  the rest. A build that finishes moves them into ``facts/`` and deletes the file.

Adding articles parses only the new ones; entities are then resolved again over all
stored facts, so an incremental build equals the one-shot build of the same articles
(:func:`canonical_graph`), up to the names of nodes: an entity keeps its first IRI where
a later article changes its preferred name, and a key stays with the entity that holds
most of the mentions it named (:func:`kg.resolution.resolve_entities`). Adding an article
twice changes nothing. Every file is replaced
atomically, and the Oxigraph folder is built beside the old one and swapped in; an old
folder that a reader still has open (:func:`kg.io.hold_graph`) stays until it is released.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import fcntl
import hashlib
import json
import logging
import os
import shutil
import sqlite3
import types
import typing
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from functools import cache
from importlib import metadata
from pathlib import Path

from kg.articles import Article
from kg.errors import GraphError
from kg.facts import FACT_TYPES, ArticleFacts, Entity, Evidence
from kg.io import atomic_write, hold_graph, release_graph, remove_unheld
from kg.resolution import Registry
from kg.vocab import DEFAULT_BASE

log = logging.getLogger(__name__)
FORMAT_VERSION = 2  # 2: visits and meetings from the event model (events.v2), with a status


class FactStore:
    """The folder of a persistent kg graph."""

    def __init__(self, root: Path | str):
        self.root = Path(root)
        if self.root.exists() and not self.root.is_dir():
            raise GraphError(f"{self.root}: not a folder")
        self.facts_dir = self.root / "facts"
        self.facts_dir.mkdir(parents=True, exist_ok=True)
        meta = self.root / "meta.json"
        if meta.exists():
            try:
                version = json.loads(meta.read_text()).get("format")
            except (ValueError, AttributeError):
                raise GraphError(f"{meta}: unreadable store metadata") from None
            if version != FORMAT_VERSION:
                error = GraphError(f"{self.root}: store format {version}, this kg reads {FORMAT_VERSION}")
                error.hint = "build the store again from its articles into a new folder"
                raise error

    # ------------------------------------------------------------ facts

    def _path(self, article_id: str) -> Path:
        return self.facts_dir / (hashlib.sha256(article_id.encode("utf-8")).hexdigest()[:24] + ".json")

    def __contains__(self, article_id: str) -> bool:
        return self._path(article_id).exists()

    def count(self) -> int:
        """How many articles the store holds."""
        return sum(1 for _ in self.facts_dir.glob("*.json"))

    def load(self) -> list[tuple[Article, ArticleFacts]]:
        """Every stored article with its facts, in article-id order."""
        loaded = []
        for path in sorted(self.facts_dir.glob("*.json")):
            try:
                record = json.loads(path.read_text(encoding="utf-8"))
                loaded.append((_article(record["article"]), _facts(record["facts"])))
            except (ValueError, KeyError, TypeError) as err:
                raise GraphError(f"{path}: unreadable stored facts ({err})") from None
        return sorted(loaded, key=lambda pair: pair[0].id)

    def save(self, article: Article, facts: ArticleFacts) -> None:
        record = {"article": _plain(article), "facts": _plain(facts)}
        with atomic_write(self._path(article.id)) as handle:
            json.dump(record, handle, ensure_ascii=False, sort_keys=True)

    def remove(self, article_id: str) -> bool:
        """Forget an article; False if it was not stored."""
        path = self._path(article_id)
        if not path.exists():
            return False
        path.unlink()
        return True

    def checkpoint(self, key: dict, *, every: int = 32) -> Checkpoint:
        """The checkpoint of builds that extract facts under ``key`` (see :class:`Checkpoint`)."""
        return Checkpoint(self.root / "parsed.sqlite", {**key, "format": FORMAT_VERSION}, every=every)

    # ------------------------------------------------------------ registry and graph

    def registry(self) -> Registry:
        """The IRI registry: the node key each (article, entity) was given, and the keys
        retired since (their entity took another key); both kept so that no key ever names
        another entity. Reads the older form too, a bare list of rows."""
        path = self.root / "registry.json"
        if not path.exists():
            return Registry()
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
            rows, retired = (record, []) if isinstance(record, list) else (record["members"], record["retired"])
            return Registry({(row[0], row[1]): row[2] for row in rows}, (str(key) for key in retired))
        except (ValueError, IndexError, TypeError, KeyError):
            raise GraphError(f"{path}: unreadable IRI registry") from None

    def save_registry(self, members: dict[tuple[str, str], str]) -> None:
        old = self.registry()
        merged = {**old, **members}  # a removed article's entries keep its IRIs reserved
        retired = sorted((old.retired | set(old.values())) - set(merged.values()))
        rows = sorted([a, e, key] for (a, e), key in merged.items())
        with atomic_write(self.root / "registry.json") as handle:
            json.dump({"members": rows, "retired": retired}, handle, ensure_ascii=False)

    def write_meta(self, model: str) -> None:
        try:
            version = metadata.version("kg-news")
        except metadata.PackageNotFoundError:  # running from a source tree
            version = "unknown"
        with atomic_write(self.root / "meta.json") as handle:
            json.dump({"format": FORMAT_VERSION, "kg": version, "model": model}, handle)

    @contextmanager
    def lock(self, on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
        """Hold the store for one writer; a second build waits instead of losing facts,
        and says so (``on_wait`` gets the message; default: a warning in the log)."""
        with open(self.root / ".lock", "w") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                message = f"{self.root} is held by another kg build; waiting for it to finish"
                (on_wait or log.warning)(message)
                fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def write_graph(self, ntriples: bytes) -> None:
        """Replace the Oxigraph store with a graph given as N-Triples, atomically.

        The new database goes into a fresh ``oxigraph-<id>/`` folder; the ``oxigraph`` link
        is then switched to it with one rename, so a reader sees the old or the new graph,
        never none. Older folders are deleted afterwards, except those a reader still has
        open (:func:`kg.io.hold_graph`): they go when it releases them, or at the next swap.
        """
        import pyoxigraph as ox

        fresh = self.root / f"oxigraph-{uuid.uuid4().hex[:12]}"
        store = ox.Store(str(fresh))
        store.bulk_load(ntriples, format=ox.RdfFormat.N_TRIPLES)
        store.flush()
        del store  # releases the RocksDB lock
        link, temporary = self.root / "oxigraph", self.root / ".oxigraph.link"
        temporary.unlink(missing_ok=True)
        temporary.symlink_to(fresh.name)
        if link.is_dir() and not link.is_symlink():  # a store written by an older kg
            shutil.rmtree(link)
        os.replace(temporary, link)
        for old in self.root.glob("oxigraph-*"):
            if old != fresh and old.is_dir() and not remove_unheld(old):
                log.info("%s is still open in a reader (kg serve); it goes when the reader lets go", old)


def canonical_graph(root: Path | str, base: str = DEFAULT_BASE):
    """The graph of the store in ``root`` with every node kg named itself (entities, positions,
    statements: every IRI under ``base`` but the articles') as a blank node, canonicalized.

    Two stores of the same articles say the same thing when their canonical graphs are
    equal, whatever IRIs their nodes were given: an incremental build keeps the IRIs of
    its first articles where a one-shot build of all of them names some nodes otherwise.
    """
    import pyoxigraph as ox

    folder, handle = hold_graph(root)
    try:
        store = ox.Store.read_only(str(folder))
        articles = base + "article/"

        def term(value):
            if isinstance(value, ox.NamedNode) and value.value.startswith(base) and not value.value.startswith(articles):
                return ox.BlankNode(hashlib.sha256(value.value.encode("utf-8")).hexdigest())
            return value

        dataset = ox.Dataset(ox.Quad(term(q.subject), q.predicate, term(q.object)) for q in store)
        del store
    finally:
        release_graph(root, folder, handle)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    return dataset


class Checkpoint:
    """The facts of articles a build has parsed but not yet committed to the store.

    Rows live in one SQLite file, keyed by the digest of ``key`` (what facts depend on
    besides the article: the model, kg's code, the extractors, the alias table, the event
    model) and by the digest of the article itself (id, text, title, date, url). A row
    written under another model or kg version, or for an article that changed since, is
    never reused. Rows are committed every ``every`` articles and when the block ends,
    however it ends (an error, Ctrl-C); a killed build loses at most one batch.

    Use it as a context manager around the parse::

        with store.checkpoint(key) as checkpoint:
            done, left = checkpoint.split(articles)
            for article in left: checkpoint.add(article, extract(article))
        checkpoint.discard(articles)  # once the store holds them
    """

    def __init__(self, path: Path, key: dict, *, every: int = 32):
        self.path = path
        self.key = _digest(key)
        self.every = max(1, every)
        self._db: sqlite3.Connection | None = None
        self._pending = 0

    def __enter__(self) -> Checkpoint:
        try:
            self._db = self._open()
        except sqlite3.DatabaseError as err:  # a damaged checkpoint costs a parse, never the build
            log.warning("%s: unreadable checkpoint (%s); parsing every article again", self.path, err)
            self.path.unlink(missing_ok=True)
            self._db = self._open()
        return self

    def __exit__(self, *exc) -> None:
        db, self._db = self._db, None
        try:
            db.commit()
        finally:
            db.close()

    def _open(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path)
        try:
            db.execute("CREATE TABLE IF NOT EXISTS parsed (key TEXT, article TEXT, facts TEXT, "
                       "PRIMARY KEY (key, article))")
            db.commit()
        except sqlite3.DatabaseError:
            db.close()
            raise
        return db

    def split(self, articles: Iterable[Article]) -> tuple[list[tuple[Article, ArticleFacts]], list[Article]]:
        """The articles parsed before, with their facts, and the ones left to parse.
        Says how many were parsed before (a warning in the log), if any."""
        done, left = [], []
        for article in articles:
            row = self._db.execute("SELECT facts FROM parsed WHERE key = ? AND article = ?",
                                   (self.key, _article_digest(article))).fetchone()
            facts = _stored_facts(row[0]) if row is not None else None
            if facts is None:
                left.append(article)
            else:
                done.append((article, facts))
        if done:
            log.warning("%s: %d of %d articles were already parsed by an interrupted build; parsing the %d left",
                        self.path.parent, len(done), len(done) + len(left), len(left))
        return done, left

    def add(self, article: Article, facts: ArticleFacts) -> None:
        """Keep one article's facts; committed with the batch."""
        self._db.execute("INSERT OR REPLACE INTO parsed VALUES (?, ?, ?)", (
            self.key, _article_digest(article), json.dumps(_plain(facts), ensure_ascii=False, sort_keys=True)))
        self._pending += 1
        if self._pending >= self.every:
            self._db.commit()
            self._pending = 0

    def discard(self, articles: Iterable[Article]) -> None:
        """Forget articles the store now holds, and every row written under another key;
        delete the file when nothing is left."""
        if not self.path.exists():
            return
        with self:
            self._db.execute("DELETE FROM parsed WHERE key != ?", (self.key,))
            self._db.executemany("DELETE FROM parsed WHERE key = ? AND article = ?",
                                 [(self.key, _article_digest(a)) for a in articles])
            left = self._db.execute("SELECT COUNT(*) FROM parsed").fetchone()[0]
        if not left:
            self.path.unlink(missing_ok=True)


def _digest(value) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode("utf-8")).hexdigest()


def _article_digest(article: Article) -> str:
    """What of an article its facts depend on: not where it was read from."""
    return _digest([article.id, article.text, article.title, article.date, article.url])


def _stored_facts(text: str) -> ArticleFacts | None:
    try:
        return _facts(json.loads(text))
    except (ValueError, KeyError, TypeError):  # a damaged row: parse the article again
        return None


# ------------------------------------------------------------ JSON codec


def _plain(value):
    if dataclasses.is_dataclass(value):
        fields = {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
        if type(value).__name__ in FACT_TYPES:
            fields["type"] = type(value).__name__
        return fields
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


@cache
def _field_types(cls: type) -> dict[str, object]:
    return typing.get_type_hints(cls)


def _field(value, kind):
    """A stored (JSON) value back as the type its record field declares: an evidence, a
    date, a tuple of them, or either of those or None.

    >>> _field(["2020-01-02", None], tuple[dt.date | None, ...])
    (datetime.date(2020, 1, 2), None)
    """
    if value is None:
        return None
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if origin in (typing.Union, types.UnionType):  # "X | None": the value is an X
        kinds = [k for k in args if k is not type(None)]
        return _field(value, kinds[0]) if len(kinds) == 1 else value
    if kind is Evidence:
        return Evidence(**value)
    if kind is dt.date:
        return _date(value)
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_field(v, args[0]) for v in value)
        return tuple(_field(v, k) for v, k in zip(value, args)) if args else tuple(value)
    if isinstance(value, list):
        return tuple(value)
    return value


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _article(record: dict) -> Article:
    return Article(**{**record, "date": _date(record.get("date")), "warnings": tuple(record.get("warnings", ()))})


def _facts(record: dict) -> ArticleFacts:
    entities = tuple(
        Entity(**{**e, "names": tuple(e["names"]), "titles": tuple(e.get("titles", ())),
                  "spans": tuple(tuple(s) for s in e["spans"])})
        for e in record["entities"]
    )
    facts = []
    for fact in record["facts"]:
        fact = dict(fact)
        cls = FACT_TYPES[fact.pop("type")]
        facts.append(cls(**{name: _field(value, _field_types(cls)[name]) for name, value in fact.items()}))
    unclaimed = tuple((start, text) for start, text in record.get("unclaimed", ()))
    return ArticleFacts(record["article_id"], entities, tuple(facts), unclaimed)
