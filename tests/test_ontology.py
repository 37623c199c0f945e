"""The ontology, the shapes and the code agree; the package keeps its layers."""

from __future__ import annotations

import ast
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import OWL, RDF

from kg.query import bundled_queries
from kg.vocab import KG, ONTOLOGY_DIR, ontology, shapes

PACKAGE = Path(__file__).resolve().parent.parent / "kg"


def test_closed_namespace_matches_the_owl_file():
    g = ontology().graph
    declared = {
        s for t in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
        for s in g.subjects(RDF.type, t) if str(s).startswith(str(KG._NS))
    }
    in_code = {KG[name] for name in KG.__annotations__}
    assert declared == in_code


def test_misspelt_terms_fail_loudly():
    with pytest.raises(AttributeError):
        KG.visted  # noqa: B018


def test_public_contract_terms():
    o = ontology()
    assert o.domains[KG.visited] == KG.Person and o.ranges[KG.visited] == KG.Place
    assert o.is_a(KG.Person, o.domains[KG.said]) and o.ranges[KG.said] == KG.Quote
    assert (KG.met, RDF.type, OWL.SymmetricProperty) in o.graph
    for cls in (KG.Country, KG.City, KG.Region, KG.MilitaryBase):
        assert o.is_a(cls, KG.Place)
    assert o.is_a(KG.Visit, KG.Event) and o.is_a(KG.Meeting, KG.Event)


def test_shapes_only_name_ontology_terms():
    used = {t for t in shapes().all_nodes() if str(t).startswith(str(KG._NS))}
    in_code = {KG[name] for name in KG.__annotations__}
    assert used <= in_code


@pytest.mark.parametrize("name", sorted(bundled_queries()))
def test_bundled_queries_parse(name):
    ox.Store().query(bundled_queries()[name].read_text())  # raises SyntaxError if broken


def test_ontology_files_load_in_oxigraph():
    for path in ONTOLOGY_DIR.glob("*.ttl"):
        ox.Store().load(path=str(path), format=ox.RdfFormat.TURTLE)


# Stages in the order data flows. A module may import only from its own stage or earlier ones.
LAYERS = [
    {"errors", "io", "workers", "vocab", "names", "gazetteer", "lexicon"},
    {"articles"},
    {"nlp"},
    {"facts", "extract"},
    {"parallel", "cluster"},
    {"corpus_names"},
    {"resolution"},
    {"graph", "streamed"},
    {"validate", "export", "query"},
    {"assemble", "pipeline", "eval", "eval_entities", "store"},
    {"train"},
    {"endpoint", "serve", "push"},
    {"cli", "__init__", "__main__"},
]


def _stage(module: str) -> int:
    top = module.split(".")[1] if module.startswith("kg.") else module
    for number, layer in enumerate(LAYERS):
        if top in layer:
            return number
    raise AssertionError(f"module kg.{top} is in no layer; add it to LAYERS")


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_data_flows_one_way(path):
    relative = path.relative_to(PACKAGE).with_suffix("")
    own = _stage("kg." + relative.parts[0])
    for node in ast.walk(ast.parse(path.read_text())):
        names = []
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("kg"):
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names if a.name.startswith("kg.")]
        for name in names:
            if name == "kg":
                continue
            assert _stage(name) <= own, f"{relative} (stage {own}) imports {name} (stage {_stage(name)})"
