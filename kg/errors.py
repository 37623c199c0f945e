"""Errors the library raises. The CLI turns each into one line with a hint."""

from __future__ import annotations

from pathlib import Path


class KGError(Exception):
    """Base class of every error kg raises on purpose."""

    hint: str = ""


class InputError(KGError):
    """An article file or record that cannot be read; names the file and line."""

    def __init__(self, path: Path | str, message: str, *, line: int | None = None, hint: str = ""):
        self.path = Path(path)
        self.line = line
        self.message = message
        self.hint = hint
        where = f"{self.path}:{line}" if line is not None else str(self.path)
        super().__init__(f"{where}: {message}")


class NothingToBuild(KGError):
    """No article could be read or parsed; ``reasons`` says why for each input, as
    ``{"source": ..., "reason": ...}`` records."""

    def __init__(self, message: str, reasons: list[dict]):
        self.reasons = list(reasons)
        super().__init__(message)


class ModelError(KGError):
    """No usable spaCy model."""


class OutputError(KGError):
    """An output folder that cannot be written, or a base IRI the graph's names cannot start with;
    found before any article is parsed."""


class GraphError(KGError):
    """A graph file or store that cannot be read or written."""


class QueryError(KGError):
    """A SPARQL query that cannot be parsed or run."""


class ServiceRefused(QueryError):
    """A query with a ``SERVICE`` clause, which would reach the network, run without leave."""


class PushError(KGError):
    """A push to a running store that stopped: names the store's URL and, where one was being
    sent, the graph. ``done`` holds what the store had taken before (a :class:`kg.push.Pushed`)."""

    def __init__(self, message: str, *, url: str, graph: str | None = None, status: int | None = None,
                 hint: str = ""):
        self.url = url
        self.graph = graph
        self.status = status
        self.hint = hint
        self.done = None
        super().__init__(message)


class StoreUnreachable(PushError):
    """No answer from the store's URL: nothing listening, a name that does not resolve, a timeout."""


class PushUnauthorized(PushError):
    """The store asked for credentials (401) or refused the ones given (401, 403)."""


class PushRejected(PushError):
    """The store answered a graph with another error (4xx, 5xx); the message is the store's own."""


class WorkerError(KGError):
    """A process or Dask worker that parses articles stopped working, or cannot be reached."""


class ClusterError(WorkerError):
    """A Dask cluster that cannot be reached or used: no scheduler at the address, no workers,
    or workers that run another kg."""

    def __init__(self, message: str, *, hint: str = ""):
        self.hint = hint
        super().__init__(message)
