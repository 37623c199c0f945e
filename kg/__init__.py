"""kg: knowledge graphs of who visited where, who met whom and who said what, from news.

>>> from kg import build
>>> result = build(["data"], "out")  # doctest: +SKIP
>>> result.validation.conforms  # doctest: +SKIP
True
"""

from importlib import metadata as _metadata

from kg.articles import Article, read_articles
from kg.errors import (
    ClusterError,
    GraphError,
    InputError,
    KGError,
    ModelError,
    QueryError,
    WorkerError,
)
from kg.pipeline import Build, build, explain_all
from kg.query import open_store, query_text, run_query
from kg.validate import validate

try:
    __version__ = _metadata.version("kg-news")
except _metadata.PackageNotFoundError:  # a source tree that was never installed
    __version__ = "0+unknown"

__all__ = [
    "Article", "Build", "ClusterError", "GraphError", "InputError", "KGError", "ModelError", "QueryError",
    "WorkerError",
    "build", "explain_all", "open_store", "query_text", "read_articles", "run_query", "validate",
]
