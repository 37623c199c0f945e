"""Fact extractors, registered by versioned name.

An extractor is a pure function ``(Doc, DocEntities) -> Iterator[Fact]``; it never
touches RDF. Adding one is a module with the function plus one line here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace

from spacy.tokens import Doc

from kg.extract.entities import DocEntities, EntityFinder, unclaimed_names
from kg.extract.events import meetings, visits
from kg.extract.places import locations
from kg.extract.quotes import quotes
from kg.extract.roles import roles
from kg.facts import ArticleFacts, Fact

Extractor = Callable[[Doc, DocEntities], Iterator[Fact]]

EXTRACTORS: dict[str, Extractor] = {
    "visits.v1": visits,
    "meetings.v1": meetings,
    "quotes.v1": quotes,
    "locations.v1": locations,
    "roles.v1": roles,
}


def extract(doc: Doc, finder: EntityFinder, names: Iterable[str] | None = None) -> ArticleFacts:
    """Run the named extractors (default: all) over one parsed article."""
    entities = finder(doc)
    facts: list[Fact] = []
    for name in names or EXTRACTORS:
        try:
            extractor = EXTRACTORS[name]
        except KeyError:
            raise KeyError(f"unknown extractor {name!r}; known: {', '.join(EXTRACTORS)}") from None
        facts.extend(extractor(doc, entities))
    article = doc._.article
    found = tuple(
        replace(e, titles=tuple(sorted(entities.titles[e.id]))) if e.id in entities.titles else e
        for e in entities.entities
    )
    return ArticleFacts(article.id if article is not None else "", found, tuple(facts),
                        unclaimed_names(doc, entities.token_entity))


__all__ = ["EXTRACTORS", "EntityFinder", "Extractor", "extract"]
