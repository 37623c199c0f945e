"""SHACL validation of a graph against ``ontology/shapes.ttl`` with pySHACL: whole, or part by part."""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from dataclasses import dataclass

from rdflib import BNode, Graph
from rdflib.namespace import SH

from kg.vocab import ontology, shapes


@dataclass(frozen=True)
class Violation:
    focus: str
    path: str | None
    message: str
    severity: str


@dataclass(frozen=True)
class Report:
    conforms: bool
    violations: list[Violation]
    text: str


def validate(graph: Graph) -> Report:
    """Validate a graph; the ontology is loaded alongside so sh:class follows subclasses."""
    conforms, found, text = _validate(graph)
    return Report(conforms, sorted(found.values(), key=_order), text)


def validate_parts(parts: Iterable[Graph]) -> Report:
    """Validate a graph given as parts, each validated alone; a result found in several
    parts counts once (the same focus node, path, value, shape and constraint).

    The report is that of :func:`validate` on the union of the parts when every part holds
    whatever its shapes look at beyond its own triples: :func:`kg.assemble.stream_graph`
    adds to each part the descriptions (type, names, links, jurisdiction) the graph builder
    gives the entities its triples name, so that a shape spanning articles, one label per
    entity, checks each entity in whole (articles' parts state nothing of that kind about an
    entity: what another part might add to an entity is not seen). Each part goes through pySHACL as it comes, so memory holds one part;
    a part is changed (the ontology's classes are added to it).
    """
    conforms, found, texts = True, {}, []
    for part in parts:
        part_conforms, results, text = _validate(part, inplace=True)
        conforms &= part_conforms
        new = [key for key in results if key not in found]
        found.update((key, results[key]) for key in new)
        if new:
            texts.append(text.split("\n", 3)[-1] if text.startswith("Validation Report") else text)
    header = f"Validation Report\nConforms: {conforms}\n"
    text = header + (f"Results ({len(found)}):\n" + "".join(texts) if found else "")
    return Report(conforms, sorted(found.values(), key=_order), text)


def _validate(graph: Graph, *, inplace: bool = False) -> tuple[bool, dict[tuple, Violation], str]:
    """pySHACL's verdict, its results keyed by what identifies one, and its text report.
    ``inplace``: the ontology's classes are added to ``graph`` itself, not to a copy of it
    (for a part made to be validated: copying it took a tenth of the validation)."""
    import pyshacl

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pyshacl's deprecation noise under rdflib 7
        conforms, results, text = pyshacl.validate(
            graph,
            shacl_graph=shapes(),
            ont_graph=ontology().graph,
            inference="none",
            advanced=True,
            allow_warnings=True,
            inplace=inplace,
        )
    found = {}
    for result in results.subjects(SH.resultSeverity, None):
        path = results.value(result, SH.resultPath)
        violation = Violation(
            focus=str(results.value(result, SH.focusNode)),
            path=str(path) if path is not None else None,
            message=str(results.value(result, SH.resultMessage) or ""),
            severity=str(results.value(result, SH.resultSeverity)).rsplit("#", 1)[-1],
        )
        key = (violation.focus, violation.path, violation.message, violation.severity,
               _n3(results.value(result, SH.value)), _n3(results.value(result, SH.sourceConstraintComponent)),
               _shape(results, results.value(result, SH.sourceShape)))
        found[key] = violation
    return bool(conforms), found, text


def _n3(term) -> str:
    return "" if term is None else term.n3()


def _shape(results: Graph, shape) -> str:
    """A name for the shape that gave a result, the same in every run: a property shape is
    a blank node, named by what the results graph copies of it (its path and constraints)."""
    if not isinstance(shape, BNode):
        return _n3(shape)
    return " ".join(sorted(f"{p.n3()}={o.n3() if not isinstance(o, BNode) else '_'}"
                           for p, o in results.predicate_objects(shape)))


def _order(violation: Violation) -> tuple[str, str, str]:
    return violation.focus, violation.path or "", violation.message
