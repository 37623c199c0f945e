"""SHACL validation of a graph against ``ontology/shapes.ttl`` with pySHACL."""

from __future__ import annotations

import multiprocessing
import warnings
from collections.abc import Callable
from dataclasses import dataclass

from rdflib import Graph
from rdflib.namespace import SH

from kg.io import fresh_stdio
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


def validate_aside(graph: Graph) -> Callable[[], Report]:
    """Start validating ``graph`` in a forked process, so that the caller can write the
    graph meanwhile; returns the function that waits for the report. Where processes are
    not forked, or the child dies, the graph is validated here instead: the same report.
    """
    if "fork" not in multiprocessing.get_all_start_methods():
        report = validate(graph)
        return lambda: report
    context = multiprocessing.get_context("fork")  # the child has the graph: nothing is sent to it
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_validate_into, args=(graph, send), daemon=True)
    child.start()
    send.close()

    def report() -> Report:
        try:
            found = receive.recv()
        except EOFError:  # the child died: validate here
            found = None
        finally:
            receive.close()
            child.join()
        return found if isinstance(found, Report) else validate(graph)

    return report


def _validate_into(graph: Graph, send) -> None:
    fresh_stdio()
    try:
        send.send(validate(graph))
    except Exception:  # noqa: BLE001 - the parent validates again and raises the error itself
        send.send(None)
    finally:
        send.close()
