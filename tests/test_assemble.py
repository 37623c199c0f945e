"""The streamed graph: the same triples as the graph built in one piece, and SHACL by parts
finding the same violations as pySHACL over the whole graph, on good and on broken graphs."""

from __future__ import annotations

import os
import signal
import sys

import pytest
from rdflib import OWL, RDF, RDFS, Literal
from rdflib.namespace import SKOS
from rdflib.compare import isomorphic

import kg.assemble
from kg.assemble import stream_graph
from kg.errors import WorkerError
from kg.graph import GraphBuilder, build_graph
from kg.validate import validate, validators
from kg.vocab import KG, SCHEMA, ontology
from kg.workers import can_fork

from .conftest import CORPUS


class BrokenBuilder(GraphBuilder):
    """Writes what the shapes forbid, within one article and across articles: a second
    label on the first entity each article mentions (one entity, many articles), a fact
    without its sentence, a visit to a person, and an article with two identifiers."""

    def add_article(self, article, facts):
        super().add_article(article, facts)
        g = self.graph
        mentioned = sorted(g.objects(self.article_iri(article.id), KG.mentions))
        if mentioned:
            g.add((mentioned[0], RDFS.label, Literal(f"also named in {article.id}")))
        persons = sorted(p for p in mentioned if self._types.get(p) == KG.Person)
        if len(persons) >= 2:
            g.add((persons[0], KG.visited, persons[1]))  # a person is no place
        for node in sorted(g.subjects(RDF.type, KG.Quote))[:1]:
            g.remove((node, KG.sentence, None))
        g.add((self.article_iri(article.id), KG.mentions, Literal("not an entity")))


def _die(*args, **kwargs):
    os._exit(9)  # a validating process killed (out of memory)


def _fail(*args, **kwargs):
    raise ValueError("no shapes")


forks = pytest.mark.skipif(not can_fork(), reason="validating processes are forked on Linux only")


def _pairs(build):
    return list(zip(build.articles, build.facts))


def test_the_streamed_graph_is_the_graph_built_in_one_piece(sample_build):
    whole, rejected = build_graph(_pairs(sample_build), sample_build.resolution)
    streamed, streamed_rejected, _ = stream_graph(_pairs(sample_build), sample_build.resolution,
                                                  entity_part=3, article_part=1)
    assert isomorphic(streamed.rdflib_graph(), whole)
    assert len(streamed) == len(whole) > 300
    assert streamed_rejected == rejected


def test_an_entitys_description_is_what_the_graph_says_of_it(sample_build):
    """Parts are validated with the descriptions the builder makes again from the resolution:
    they must be exactly what the graph holds of each entity and position, and nothing of
    an article or a fact."""
    builder = GraphBuilder(sample_build.resolution)
    graph = build_graph(_pairs(sample_build), sample_build.resolution)[0]
    own = {RDF.type, RDFS.label, SKOS.altLabel, OWL.sameAs, SCHEMA.identifier, KG.jurisdiction}
    described = [n for n in set(graph.subjects(RDF.type, None))
                 if ontology().is_a(graph.value(n, RDF.type), KG.Entity) or graph.value(n, RDF.type) == KG.Position]
    for node in described:
        assert set(builder.description(node)) == {t for t in graph.triples((node, None, None)) if t[1] in own}, node
    said = {p for n in described for _, p, _ in builder.description(n)}
    assert {KG.jurisdiction, SKOS.altLabel, OWL.sameAs} <= said  # every kind of statement was compared
    others = set(graph.subjects(RDF.type, KG.Article)) | set(graph.subjects(RDF.type, KG.Visit))
    assert others and not [t for n in others for t in builder.description(n)]


@pytest.mark.parametrize(("entity_part", "article_part"), [(3, 1), (7, 2), (10_000, 64)])
def test_validation_by_parts_finds_what_validating_the_whole_graph_finds(sample_build, entity_part, article_part):
    streamed, _, report = stream_graph(_pairs(sample_build), sample_build.resolution,
                                       entity_part=entity_part, article_part=article_part)
    whole = validate(streamed.rdflib_graph())
    assert whole.conforms and report.conforms
    assert report.violations == whole.violations == []


@pytest.mark.parametrize(("entity_part", "article_part"), [(3, 1), (10_000, 64)])
def test_broken_graphs_give_the_same_violations_by_parts_as_whole(sample_build, monkeypatch, entity_part,
                                                                   article_part):
    monkeypatch.setattr(kg.assemble, "GraphBuilder", BrokenBuilder)
    streamed, _, report = stream_graph(_pairs(sample_build), sample_build.resolution,
                                       entity_part=entity_part, article_part=article_part)
    whole = validate(streamed.rdflib_graph())
    assert not whole.conforms and not report.conforms
    assert report.violations == whole.violations
    paths = {v.path.rsplit("#", 1)[-1] for v in whole.violations if v.path}
    assert {"label", "visited", "sentence", "mentions"} <= paths  # each break was found
    # the entity two articles named twice: one violation, though both its parts saw it
    labels = [v for v in whole.violations if v.path == str(RDFS.label)]
    assert len(labels) == len({v.focus for v in labels})


@forks
def test_parts_validated_in_worker_processes_give_the_same_report(sample_build, monkeypatch):
    """Two processes validate the parts while this one makes them: the same violations and
    the same text, in the same order, on a good graph and on a broken one."""
    def both():
        here = stream_graph(_pairs(sample_build), sample_build.resolution, entity_part=3, article_part=1)[2]
        with validators(2) as workers:
            assert workers is not None
            there = stream_graph(_pairs(sample_build), sample_build.resolution, entity_part=3, article_part=1,
                                 workers=workers)[2]
        return here, there

    good, good_there = both()
    monkeypatch.setattr(kg.assemble, "GraphBuilder", BrokenBuilder)
    broken, broken_there = both()
    assert good.conforms and not broken.conforms and len(broken.violations) > 4
    for here, there in ((good, good_there), (broken, broken_there)):
        assert (there.conforms, there.violations, there.text) == (here.conforms, here.violations, here.text)


@forks
def test_a_validating_process_that_dies_is_a_worker_error(sample_build, monkeypatch):
    monkeypatch.setattr(sys.modules["kg.validate"], "_validate", _die)  # kg.validate is also a function
    with pytest.raises(WorkerError, match="validating process died"), validators(2) as workers:
        stream_graph(_pairs(sample_build), sample_build.resolution, entity_part=3, article_part=1, workers=workers)
    monkeypatch.undo()  # the control: the same build with processes that live
    with validators(2) as workers:
        assert stream_graph(_pairs(sample_build), sample_build.resolution, entity_part=3, article_part=1,
                            workers=workers)[2].conforms


@forks
def test_a_validating_process_killed_while_it_waits_is_a_worker_error(sample_build):
    with pytest.raises(WorkerError, match="validating process died"), validators(2) as workers:
        victim = workers._processes[1]
        os.kill(victim.pid, signal.SIGKILL)  # as the kernel's out-of-memory killer does, during the parse
        victim.join()
        stream_graph(_pairs(sample_build), sample_build.resolution, entity_part=3, article_part=1, workers=workers)


@forks
def test_an_error_in_a_validating_process_is_raised_in_the_build_with_its_traceback(sample_build, monkeypatch):
    monkeypatch.setattr(sys.modules["kg.validate"], "_validate", _fail)
    with pytest.raises(ValueError, match="no shapes") as raised, validators(2) as workers:
        stream_graph(_pairs(sample_build), sample_build.resolution, entity_part=3, article_part=1, workers=workers)
    assert "in a validating process" in "".join(raised.value.__notes__)
    assert "_fail" in "".join(raised.value.__notes__)


@pytest.mark.slow
@pytest.mark.skipif(not CORPUS.is_file(), reason="../shared/corpus (research data) is not present")
def test_a_corpus_slice_gives_the_same_violations_by_parts_as_whole(tmp_path, monkeypatch):
    from kg.pipeline import build

    lines = CORPUS.read_text(encoding="utf-8").splitlines()[::100]  # 43 articles from all sources
    (tmp_path / "slice.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    built = build([tmp_path / "slice.jsonl"], None)
    assert built.validation.conforms
    assert validate(built.graph).violations == []
    monkeypatch.setattr(kg.assemble, "GraphBuilder", BrokenBuilder)
    with validators(2) as workers:
        streamed, _, report = stream_graph(_pairs(built), built.resolution, article_part=8, workers=workers)
    whole = validate(streamed.rdflib_graph())
    assert len(whole.violations) > len(lines)
    assert report.violations == whole.violations
