"""SHACL validation of a graph against ``ontology/shapes.ttl`` with pySHACL: whole, or part by
part, here or in worker processes beside the one that makes the parts."""

from __future__ import annotations

import multiprocessing
import os
import time
import traceback
import warnings
from collections import deque
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass

from rdflib import BNode, Graph
from rdflib.namespace import SH

from kg.vocab import ontology, shapes
from kg.errors import WorkerError
from kg.workers import can_fork, forking, start_worker


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


def validate_parts(parts: Iterable[Graph], workers: Validators | None = None) -> Report:
    """Validate a graph given as parts, each validated alone; a result found in several
    parts counts once (the same focus node, path, value, shape and constraint).

    The report is that of :func:`validate` on the union of the parts when every part holds
    whatever its shapes look at beyond its own triples: :func:`kg.assemble.stream_graph`
    adds to each part the descriptions (type, names, links, jurisdiction) the graph builder
    gives the entities its triples name, so that a shape spanning articles, one label per
    entity, checks each entity in whole (articles' parts state nothing of that kind about an
    entity: what another part might add to an entity is not seen). Each part goes through
    pySHACL as it comes, so memory holds one part (one more per worker); a part validated
    here is changed (the ontology's classes are added to it).

    ``workers`` (from :func:`validators`): the parts are validated in those processes while
    ``parts`` makes the next ones; the same report, the results in the parts' order.

    Raises:
        WorkerError: a worker died.
    """
    conforms, found, texts = True, {}, []
    verdicts = workers.verdicts(parts) if workers is not None else (_validate(part, inplace=True) for part in parts)
    for part_conforms, results, text in verdicts:
        conforms &= part_conforms
        new = [key for key in results if key not in found]
        found.update((key, results[key]) for key in new)
        if new:
            texts.append(text.split("\n", 3)[-1] if text.startswith("Validation Report") else text)
    header = f"Validation Report\nConforms: {conforms}\n"
    text = header + (f"Results ({len(found)}):\n" + "".join(texts) if found else "")
    return Report(conforms, sorted(found.values(), key=_order), text)


class Validators:
    """Worker processes that validate graph parts for :func:`validate_parts`, each fed one
    part at a time through a pipe of its own (no thread in this process: the build forks
    other workers after these). Made by :func:`validators`."""

    DIED = "a validating process died (killed, or out of memory?)"
    HINT = "build fewer articles at a time: kg build --store adds them to the same graph"

    def __init__(self, processes: int):
        context = multiprocessing.get_context("fork")
        self._ends: list = []
        self._processes: list = []
        try:
            with forking():
                for _ in range(processes):
                    mine, theirs = context.Pipe()
                    # the worker closes the ends that are this process's (its own and its
                    # elders'), so that this process going away is the end of its pipe
                    process = context.Process(target=_serve, args=(theirs, [*self._ends, mine], os.getpid()),
                                              name="kg-validator", daemon=True)
                    process.start()
                    theirs.close()  # the worker's end is its own: its death is the end of this pipe
                    self._ends.append(mine)
                    self._processes.append(process)
        except BaseException:
            self.close(at_once=True)
            raise

    def verdicts(self, parts: Iterable[Graph]) -> Iterator[tuple]:
        """:func:`_validate`'s verdict on each part, in the parts' order; a part goes to the
        next worker in turn as soon as that worker has given its verdict on its last one,
        so the next parts are made while the workers validate.

        Raises:
            WorkerError: a worker died.
        """
        waiting: deque[int] = deque()  # the workers holding a part, in the parts' order
        for number, part in enumerate(parts):
            worker = number % len(self._ends)
            if len(waiting) == len(self._ends):
                yield self._verdict(waiting.popleft())  # this worker's: the oldest part
            self._send(worker, part)
            waiting.append(worker)
        while waiting:
            yield self._verdict(waiting.popleft())

    def _send(self, worker: int, part: Graph) -> None:
        try:
            self._ends[worker].send(part)
        except OSError:  # a worker that died while it waited
            raise self._died() from None

    def _verdict(self, worker: int) -> tuple:
        try:
            outcome, value = self._ends[worker].recv()
        except (EOFError, OSError):
            raise self._died() from None
        if outcome == "error":
            raise value
        return value

    def _died(self) -> WorkerError:
        error = WorkerError(self.DIED)
        error.hint = self.HINT
        return error

    def close(self, *, at_once: bool = False) -> None:
        """End the workers: tell them to stop and wait a little for them; ``at_once`` (the
        build is leaving on an error, or Ctrl-C), terminate them. Closing twice is closing."""
        if not at_once:
            for end in self._ends:
                with suppress(OSError):
                    end.send(None)
        deadline = time.monotonic() + (0 if at_once else 5)
        for end, process in zip(self._ends, self._processes):
            end.close()
            process.join(timeout=max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                process.terminate()
                process.join()
        self._ends, self._processes = [], []


@contextmanager
def validators(processes: int) -> Iterator[Validators | None]:
    """``processes`` worker processes for :func:`validate_parts`, ended on the way out (or
    earlier, by :meth:`Validators.close`); None (validate in this process) for one process,
    or where workers are not forked.

    Each is a copy of this process as it is now: call this early, while this process is
    small (a build does so before it loads a model or parses). They wait, without work,
    until parts come.
    """
    if processes < 2 or not can_fork():
        yield None
        return
    workers = Validators(processes)
    try:
        yield workers
    except BaseException:
        workers.close(at_once=True)
        raise
    workers.close()


def _serve(end, parents: list, parent: int) -> None:
    """A validating worker: a part in, its verdict out, until told to stop (None) or the
    build is gone. An error is sent back to be raised in the build, with this process's
    traceback."""
    for other in parents:
        other.close()
    start_worker(parent)
    while True:
        try:
            part = end.recv()
        except EOFError:
            return
        if part is None:
            return
        try:
            end.send(("verdict", _validate(part, inplace=True)))
        except Exception as error:  # noqa: BLE001 - raised again in the build
            error.add_note(f"in a validating process:\n{traceback.format_exc()}")
            try:
                end.send(("error", error))
            except Exception:  # noqa: BLE001 - an error that does not pickle: its text does
                end.send(("error", RuntimeError(f"{error!r}\nin a validating process:\n{traceback.format_exc()}")))


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
