"""SHACL validation of a graph against ``ontology/shapes.ttl`` with pySHACL."""

from __future__ import annotations

import warnings
from dataclasses import dataclass

from rdflib import Graph
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
        )
    violations = []
    for result in results.subjects(SH.resultSeverity, None):
        path = results.value(result, SH.resultPath)
        violations.append(Violation(
            focus=str(results.value(result, SH.focusNode)),
            path=str(path) if path is not None else None,
            message=str(results.value(result, SH.resultMessage) or ""),
            severity=str(results.value(result, SH.resultSeverity)).rsplit("#", 1)[-1],
        ))
    violations.sort(key=lambda v: (v.focus, v.path or "", v.message))
    return Report(bool(conforms), violations, text)
