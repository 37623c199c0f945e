"""The whole build: articles -> parse -> extract -> resolve -> graph -> validate -> export.

:func:`build` is what ``kg build`` runs. Bad files and records are reported in the
build report and skipped; the other articles are still built. Outputs are written
atomically, so a failed build never leaves a half-written graph.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import RDF, Graph

from kg.articles import Article, read_articles
from kg.errors import InputError, KGError
from kg.export import export
from kg.extract import EntityFinder, extract
from kg.facts import ArticleFacts
from kg.gazetteer import builtin_aliases, read_aliases
from kg.graph import Rejected, build_graph
from kg.io import atomic_write
from kg.nlp import load_model, parse
from kg.resolve import Resolution, resolve_entities
from kg.validate import Report, validate
from kg.vocab import DEFAULT_BASE, KG

log = logging.getLogger(__name__)


@dataclass
class Build:
    """What a build produced."""

    graph: Graph
    articles: list[Article]
    facts: list[ArticleFacts]
    resolution: Resolution
    skipped: list[dict] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    validation: Report | None = None
    outputs: dict[str, str] = field(default_factory=dict)

    def report(self) -> dict:
        """The build report as written to ``report.json``."""
        g = self.graph
        classes = Counter(
            str(cls).rsplit("#", 1)[-1] for cls in g.objects(None, RDF.type) if str(cls).startswith(str(KG._NS))
        )
        relations = Counter(
            str(p).rsplit("#", 1)[-1]
            for p in g.predicates()
            if p in (KG.visited, KG.met, KG.said, KG.locatedIn, KG.holdsPosition, KG.mentions)
        )
        return {
            "articles": {"read": len(self.articles), "skipped": self.skipped},
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
    n_process: int = 1,
    batch_size: int = 32,
    on_article: Callable[[Article], None] | None = None,
) -> Build:
    """Build the knowledge graph of the articles in ``inputs``; write outputs to ``out_dir``.

    Raises:
        KGError: no article could be read, or the model or alias file is missing.
    """
    skipped: list[dict] = []

    def skip(err: InputError) -> None:
        log.warning("%s", err)
        skipped.append({"source": str(err.path) + (f":{err.line}" if err.line else ""), "reason": err.message})

    articles = _unique(read_articles(inputs, on_error=skip), skipped)
    if not articles:
        raise KGError("no article could be read" + (f" ({len(skipped)} skipped)" if skipped else ""))
    table = list(builtin_aliases()) + (read_aliases(aliases) if aliases else [])
    nlp = load_model(model)
    finder = EntityFinder(nlp.tokenizer, table)
    facts: list[ArticleFacts] = []
    built: list[Article] = []
    for doc in parse(nlp, articles, batch_size=batch_size, n_process=n_process):
        article = doc._.article
        try:
            facts.append(extract(doc, finder))
            built.append(article)
        except Exception as err:  # one article's failure must not stop the build
            log.exception("extraction failed for %s", article.source)
            skipped.append({"source": article.source, "reason": f"extraction failed: {err!r}"})
        if on_article is not None:
            on_article(article)
    resolution = resolve_entities(facts)
    graph, rejected = build_graph(zip(built, facts), resolution, base=base)
    result = Build(graph, built, facts, resolution, skipped, rejected)
    if validate_graph:
        result.validation = validate(graph)
    if out_dir is not None:
        out = Path(out_dir)
        for name in formats:
            result.outputs[name] = str(export(graph, name, out))
        result.outputs["report"] = str(out / "report.json")
        with atomic_write(out / "report.json") as handle:
            json.dump(result.report(), handle, indent=2, ensure_ascii=False, default=str)
            handle.write("\n")
    return result


def _unique(articles: Iterable[Article], skipped: list[dict]) -> list[Article]:
    seen: dict[str, Article] = {}
    for article in articles:
        if article.id in seen:
            skipped.append({"source": article.source, "reason": f"duplicate of article {article.id} ({seen[article.id].source})"})
            continue
        seen[article.id] = article
    return list(seen.values())
