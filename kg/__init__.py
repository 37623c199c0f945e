"""kg: knowledge graphs of who visited where, who met whom and who said what, from news.

>>> from kg import build
>>> result = build(["data"], "out")  # doctest: +SKIP
>>> result.validation.conforms  # doctest: +SKIP
True
"""

from kg.articles import Article, read_articles
from kg.errors import GraphError, InputError, KGError, ModelError, QueryError
from kg.pipeline import Build, build
from kg.query import open_store, query_text, run_query
from kg.validate import validate

__version__ = "0.1.0"

__all__ = [
    "Article", "Build", "GraphError", "InputError", "KGError", "ModelError", "QueryError",
    "build", "open_store", "query_text", "read_articles", "run_query", "validate",
]
