"""The whole build: articles -> parse -> extract -> resolve -> graph -> validate -> export.

:func:`build` is what ``kg build`` runs. Bad files and records are reported in the
build report and skipped; the other articles are still built. Outputs are written
atomically, so a failed build never leaves a half-written graph.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import ExitStack, closing, contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import pyoxigraph as ox
from rdflib import RDF, Graph

from kg.articles import Article, read_articles
from kg.corpus_names import add_corpus_names
from kg.errors import InputError, KGError, NothingToBuild, OutputError
from kg.export import PAGE_NODES, export
from kg.extract import EventModel
from kg.facts import ArticleFacts
from kg.gazetteer import builtin_aliases, read_aliases
from kg.gazetteer import load as load_gazetteer  # the tables resolution reads
from kg.assemble import stream_graph
from kg.graph import ARTICLE_PART, Rejected
from kg.io import atomic_write, output_set
from kg.parallel import Processes, Setup, partitions
from kg.resolution import Resolution, resolve_entities
from kg.store import FactStore
from kg.streamed import StreamedGraph
from kg.validate import Report, Validators, validators
from kg.vocab import DEFAULT_BASE, KG

log = logging.getLogger(__name__)
PARTITION = 32  # articles parsed as one spaCy batch, on one worker, and checkpointed together (32 parse 12% faster than 8 on one core)


@dataclass
class Build:
    """What a build produced.

    ``triples`` is the graph as the build wrote it: a :class:`kg.streamed.StreamedGraph`
    (a pyoxigraph store on disk, read with rdflib's methods), so that a corpus is never
    held in memory; ``graph`` gives it as an rdflib ``Graph``, read on first use.
    """

    triples: Graph | StreamedGraph
    articles: list[Article]
    facts: list[ArticleFacts]
    resolution: Resolution
    skipped: list[dict] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    validation: Report | None = None
    outputs: dict[str, str] = field(default_factory=dict)
    resumed: int = 0  # articles whose facts an interrupted build had checkpointed
    _graph: Graph | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def graph(self) -> Graph:
        """The graph as an rdflib ``Graph`` (of a streamed build: read from its store on
        first use, and kept; its memory grows with the graph, unlike :attr:`triples`)."""
        if isinstance(self.triples, Graph):
            return self.triples
        if self._graph is None:
            self._graph = self.triples.rdflib_graph()
        return self._graph

    def report(self) -> dict:
        """The build report as written to ``report.json``."""
        g = self.triples
        classes = Counter(
            str(cls).rsplit("#", 1)[-1] for cls in g.objects(None, RDF.type) if str(cls).startswith(str(KG._NS))
        )
        relations = Counter({
            prop.rsplit("#", 1)[-1]: count
            for prop in (KG.visited, KG.met, KG.said, KG.locatedIn, KG.holdsPosition, KG.mentions)
            if (count := sum(1 for _ in g.triples((None, prop, None))))
        })
        warnings = [{"source": a.source, "warning": w} for a in self.articles for w in a.warnings]
        return {
            "articles": {"read": len(self.articles), "resumed": self.resumed, "skipped": self.skipped,
                         "warnings": warnings},
            "classes": dict(sorted(classes.items())),
            "relations": dict(sorted(relations.items())),
            "triples": len(g),
            "rejected": [r.__dict__ for r in self.rejected],
            "shacl": None if self.validation is None else {
                "conforms": self.validation.conforms,
                "violations": [v.__dict__ for v in self.validation.violations],
            },
            "outputs": self.outputs,
        }


def build(
    inputs: Iterable[Path | str],
    out_dir: Path | str | None = None,
    *,
    model: str | None = None,
    aliases: Path | str | None = None,
    base: str = DEFAULT_BASE,
    formats: Sequence[str] = ("turtle", "html"),
    validate_graph: bool = True,
    store: Path | str | None = None,
    n_process: int = 1,
    cluster: str | None = None,
    batch_size: int = PARTITION,
    on_article: Callable[[Article], None] | None = None,
    events_model: Path | str | None = None,
    on_progress: Callable[[str, int, int | None], None] | None = None,
    page_nodes: int = PAGE_NODES,
) -> Build:
    """Build the knowledge graph of the articles in ``inputs``; write outputs to ``out_dir``.

    With ``store``, the graph is the persistent one in that folder (:mod:`kg.store`):
    only articles it does not hold yet are parsed, and the store is updated. Their facts
    are checkpointed batch by batch as they are parsed, so after an interrupted build
    (Ctrl-C, a crash, a kill) the next one parses only the articles left, and says so.
    ``events_model``: a model file from ``kg train`` to decide visits and meetings with
    (default: the one kg ships). ``on_progress(phase, done, total)`` hears of each phase
    ("reading", "parsing", "resolving", "writing") and of each article parsed;
    ``on_article`` of each article parsed. ``page_nodes``: how many nodes the graph page
    opens with, at most.

    Articles are parsed and extracted in partitions of ``batch_size`` articles, or fewer
    when their texts are long (:mod:`kg.parallel`):
    here with ``n_process=1``, in that many worker processes otherwise, or on the Dask
    cluster at ``cluster`` (``"tcp://host:8786"``, or ``"local:N"`` for N local workers;
    :mod:`kg.cluster`). Entities are resolved here; the outputs are the same bytes however
    the articles were parsed.

    Raises:
        KGError: no article could be read (and no store holds any), or the model or
            alias file is missing; ``WorkerError`` (``ClusterError``) when a worker process
            died or the cluster cannot be reached.
    """
    check_outputs(out_dir, base)
    inputs = list(inputs)
    check_inputs(inputs)
    facts_store = FactStore(store) if store is not None else None
    with facts_store.lock() if facts_store is not None else nullcontext():
        return _build(inputs, out_dir, facts_store, model=model, aliases=aliases, base=base,
                      formats=formats, validate_graph=validate_graph, n_process=n_process,
                      cluster=cluster, batch_size=batch_size, on_article=on_article, events_model=events_model,
                      progress=on_progress or (lambda phase, done, total: None), page_nodes=page_nodes)


def check_inputs(inputs: Iterable[Path | str]) -> None:
    """Refuse, before anything is read, an input that is not there: a mistyped name would
    otherwise leave its articles out of a build that ends well. (A file that is there but
    cannot be read is skipped and reported; the rest is built.)

    Raises:
        InputError: naming the first such input, and how many more there are.
    """
    missing = [path for path in map(Path, inputs) if not path.exists()]
    if missing:
        more = f" ({len(missing) - 1} more input{'s' if len(missing) > 2 else ''} not there either)" if len(missing) > 1 else ""
        raise InputError(missing[0], f"no such file or folder{more}", hint="nothing was built; check the name")


def check_outputs(out_dir: Path | str | None, base: str) -> None:
    """Refuse, before anything is parsed, an output folder that cannot be one (a file is in the
    way) or cannot be written, and a base IRI the graph's names cannot start with.

    Raises:
        OutputError: saying which, and how to fix it.
    """
    try:
        ox.NamedNode(base + "x")
    except ValueError as err:
        raise OutputError(f"the base IRI {base!r} is not an IRI ({err})") from None
    if not base.endswith(("/", "#")):
        error = OutputError(f"the base IRI {base!r} does not end with / or #: names would run on from it "
                            f"({base}person/...)")
        error.hint = f"give --base {base}/"
        raise error
    if out_dir is None:
        return
    out = Path(out_dir)
    try:
        # the nearest path that is there (a link too, even one to nothing): "." or "/" at last
        ancestor = next((p for p in (out, *out.parents) if os.path.lexists(p)), None)
        if ancestor is None:
            raise OutputError(f"the output folder {out} cannot be made: none of the folders above it exists")
        if not ancestor.is_dir():  # a file, or a link to nothing or to a file
            what = "a link to nothing" if ancestor.is_symlink() and not ancestor.exists() else "a file"
            where = f"is {what}" if ancestor == out else f"cannot be made: {ancestor} is {what}"
            raise OutputError(f"the output folder {out} {where}")
        if not os.access(ancestor, os.W_OK | os.X_OK):
            raise OutputError(f"the output folder {out} cannot be written ({ancestor} is not writable)")
    except OSError as err:  # a folder above it that cannot be entered, a loop of links
        raise OutputError(f"the output folder {out} cannot be used: {err.strerror or err}") from None


def _build(inputs, out_dir, facts_store, *, model, aliases, base, formats, validate_graph,
           n_process, cluster, batch_size, on_article, events_model, progress, page_nodes) -> Build:
    skipped: list[dict] = []
    progress("reading", 0, None)

    def skip(err: InputError) -> None:
        log.warning("%s", err)
        skipped.append({"source": str(err.path) + (f":{err.line}" if err.line else ""), "reason": err.message,
                        **({"hint": err.hint} if err.hint else {})})

    inputs = list(inputs)
    articles = _unique(read_articles(inputs, on_error=skip), skipped)
    read = len(articles)
    if facts_store is not None:
        stored = [a for a in articles if a.id in facts_store]  # adding twice changes nothing
        articles = [a for a in articles if a.id not in facts_store]
        for article in stored:
            skipped.append({"source": article.source, "reason": f"article {article.id} is already in the store"})
    if not read and (facts_store is None or inputs):
        raise NothingToBuild("no article could be read" + (f" ({len(skipped)} skipped)" if skipped else ""), skipped)
    if aliases is not None and not Path(aliases).is_file():
        raise InputError(aliases, "no such alias file")
    table = list(builtin_aliases()) + (read_aliases(aliases) if aliases else [])
    decider = EventModel.load(events_model) if events_model is not None else None
    # forked now, while this process is small (no model, no facts); they wait for the graph's parts
    size = len(articles) + (facts_store.count() if facts_store is not None else 0)
    with validators(_validating(n_process, size) if validate_graph else 1) as checkers:
        attempted = len(articles)
        new, resumed, key, checkpoint = [], 0, None, None
        if articles:
            new, resumed, key, checkpoint = _parse(
                articles, facts_store, Setup(model, tuple(table), decider), skipped, n_process=n_process,
                cluster=cluster, batch_size=batch_size, on_article=on_article, progress=progress)
        pairs = new
        if attempted and not new and facts_store is None:  # read, but none could be built: write nothing
            raise NothingToBuild(f"no article could be built ({len(skipped)} skipped)", skipped)
        if facts_store is not None:
            pairs = sorted(facts_store.load() + new, key=lambda pair: pair[0].id)
            if not pairs:
                raise KGError(f"the store {facts_store.root} holds no article and none could be read")
        progress("resolving", 0, None)
        result = _assemble(pairs, skipped, base=base, validate_graph=validate_graph,
                           known=facts_store.registry() if facts_store is not None else None, workers=checkers)
    progress("writing", 0, None)
    result.resumed = resumed
    if facts_store is not None:
        for article, facts in new:
            facts_store.save(article, facts)
        _update_store(facts_store, result, key["model"] if key is not None else None)
        if checkpoint is not None:
            checkpoint.discard(article for article, _ in new)  # the store holds them now
    if out_dir is not None:
        _write_outputs(result, Path(out_dir), formats, page_nodes)
    return result


def _parse(articles, facts_store, setup, skipped, *, n_process, cluster, batch_size, on_article, progress):
    """Parse and extract ``articles`` here, in worker processes or on a cluster, checkpointed
    into ``facts_store`` as they come: the new (article, facts) pairs, how many of them an
    interrupted build had parsed, the extraction key (with a store) and the checkpoint."""
    new: list[tuple[Article, ArticleFacts]] = []
    key = checkpoint = None
    with ExitStack() as stack:
        if cluster is not None:
            from kg.cluster import (
                open_cluster,  # Dask is an optional extra: kg[dask]
            )

            workers = stack.enter_context(open_cluster(cluster))
        else:
            workers = Processes(n_process)
        if facts_store is not None:
            key = workers.extraction_key(setup)
            checkpoint = stack.enter_context(facts_store.checkpoint(key, every=batch_size))
            new, articles = checkpoint.split(articles)  # parsed by an interrupted build
        resumed = len(new)
        progress("parsing", 0, len(articles))
        waits = cluster is not None or n_process > 1  # this process only waits for the parse
        # closed on the way out, whatever stops the loop: the generator ends its workers
        outcomes = stack.enter_context(closing(workers.extract(setup, partitions(articles, batch_size))))
        for done, outcome in enumerate(outcomes, 1):
            if done == 1 and waits:
                # Load what resolution reads meanwhile; only now, as a thread alive at a fork
                # would leave its locks (imports, pycountry's) held in the forked workers.
                stack.enter_context(_in_background(load_gazetteer, "kg-gazetteer-load"))
            article = outcome.article
            if outcome.error is not None:
                log.error("extraction failed for %s\n%s", article.source, outcome.error)
            if outcome.facts is None:
                skipped.append({"source": article.source, "reason": outcome.reason})
            else:
                new.append((article, outcome.facts))
                if checkpoint is not None:
                    checkpoint.add(article, outcome.facts)
            if on_article is not None and outcome.parsed:
                on_article(article)
            progress("parsing", done, len(articles))
    return new, resumed, key, checkpoint


def remove(
    store: Path | str, article_ids: Iterable[str], out_dir: Path | str | None = None, *,
    base: str = DEFAULT_BASE, formats: Sequence[str] = ("turtle", "html"), validate_graph: bool = True,
    page_nodes: int = PAGE_NODES,
) -> tuple[Build, list[str]]:
    """Remove articles and everything only they stated from a store; returns the new build
    and the ids that were not in the store. With ``out_dir``, the outputs are written there
    as :func:`build` writes them, the graph page opening with ``page_nodes`` nodes at most."""
    check_outputs(out_dir, base)
    facts_store = FactStore(store)
    with facts_store.lock(), validators(_validating(1, facts_store.count()) if validate_graph else 1) as checkers:
        missing = [i for i in article_ids if not facts_store.remove(i)]
        pairs = facts_store.load()
        result = _assemble(pairs, [], base=base, validate_graph=validate_graph, known=facts_store.registry(),
                           workers=checkers)
        _update_store(facts_store, result, None)
    if out_dir is not None:
        _write_outputs(result, Path(out_dir), formats, page_nodes)
    return result, missing


@contextmanager
def _in_background(work: Callable[[], None], name: str) -> Iterator[None]:
    """Run ``work`` in a thread for the duration of the block; its errors are left for the
    code after to meet again (``work`` only loads what that code would load anyway). Never
    around a fork: the pool's workers are forked at its first partition, before any outcome."""
    thread = threading.Thread(target=_quietly, args=(work,), name=name, daemon=True)
    thread.start()
    try:
        yield
    finally:
        thread.join()


def _quietly(work: Callable[[], None]) -> None:
    try:
        work()
    except Exception:  # noqa: BLE001 - met again, and reported, where the tables are read
        log.debug("background load failed", exc_info=True)


def _assemble(pairs, skipped, *, base, validate_graph, known, workers: Validators | None = None) -> Build:
    articles = [a for a, _ in pairs]
    facts = add_corpus_names([f for _, f in pairs])
    pairs = list(zip(articles, facts))
    resolution = resolve_entities(facts, known=known)
    graph, rejected, validation = stream_graph(pairs, resolution, base=base, validate=validate_graph,
                                               workers=workers)
    if workers is not None:
        workers.close()  # their memory is given back before the outputs are written
    return Build(graph, articles, facts, resolution, skipped, rejected, validation)


def _validating(processes: int, articles: int) -> int:
    """How many processes validate the graph's parts: as many as parse (two at least: the
    parse is over by then and its cores are free), no more than the machine has cores; this
    process alone for a graph of one part of articles."""
    if articles <= ARTICLE_PART:
        return 1
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(1, min(max(2, processes), cores))


def _update_store(facts_store: FactStore, result: Build, model: str | None) -> None:
    facts_store.save_registry(result.resolution.members)
    if model is not None:
        facts_store.write_meta(model)
    facts_store.write_graph(result.triples.serialize(format="nt", encoding="utf-8"))
    result.outputs["store"] = str(facts_store.root)


def _write_outputs(result: Build, out: Path, formats: Sequence[str], page_nodes: int = PAGE_NODES) -> None:
    """Write the graph, page, entities and report as one set (:func:`kg.io.output_set`)."""
    with output_set(out) as staging:
        for name in formats:
            options = {"page_nodes": page_nodes} if name == "html" else {}
            result.outputs[name] = str(out / export(result.triples, name, staging, **options).name)
        result.outputs["entities"] = str(out / "entities.json")
        with atomic_write(staging / "entities.json") as handle:
            write_entities(result.resolution, handle)
            handle.write("\n")
        result.outputs["report"] = str(out / "report.json")
        with atomic_write(staging / "report.json") as handle:
            json.dump(result.report(), handle, indent=2, ensure_ascii=False, default=str)
            handle.write("\n")


def explain_all(resolution: Resolution) -> dict:
    """For every node: its name, type, other names, and which article wrote which name by which rule."""
    return dict(_explained(resolution))


def write_entities(resolution: Resolution, handle: IO[str]) -> None:
    """Write :func:`explain_all` as ``json.dump(..., indent=1, ensure_ascii=False)`` writes it,
    a node at a time: only the mentions are grouped first, not every node's dict made at once."""
    handle.write("{")
    first = True
    for key, value in _explained(resolution):
        text = json.dumps(value, indent=1, ensure_ascii=False).replace("\n", "\n ")  # one level deeper
        handle.write(("\n " if first else ",\n ") + json.dumps(key, ensure_ascii=False) + ": " + text)
        first = False
    handle.write("}" if first else "\n}")


def _explained(resolution: Resolution) -> Iterator[tuple[str, dict]]:
    by_node: dict[str, list[tuple[str, str, str]]] = {}
    for merge in resolution.merges:
        by_node.setdefault(merge.node, []).append((merge.article_id, merge.surface, merge.rule))
    for key, node in sorted(resolution.nodes.items()):
        mentions = sorted(by_node.get(key, []), key=lambda m: (m[0], m[1]))
        yield key, {"label": node.label, "type": node.type, "alt_labels": list(node.alt_labels), "link": node.link,
                    "mentions": [{"surface": surface, "article": article, "rule": rule}
                                 for article, surface, rule in mentions]}


def _unique(articles: Iterable[Article], skipped: list[dict]) -> list[Article]:
    seen: dict[str, Article] = {}
    for article in articles:
        if article.id in seen:
            first = seen[article.id]
            if first.text == article.text:
                reason = f"duplicate of article {article.id} ({first.source})"
            else:  # not the same article: never drop it silently as a copy
                reason = (f"id {article.id!r} is already used by {first.source} for a different text; "
                          "this record was not built: give it an id of its own")
            skipped.append({"source": article.source, "reason": reason})
            continue
        seen[article.id] = article
    return list(seen.values())
