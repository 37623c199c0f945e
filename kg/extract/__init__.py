"""Fact extractors, registered by versioned name.

An extractor is a pure function ``(Doc, DocEntities) -> Iterator[Fact]``; it never
touches RDF. Adding one is a module with the function plus one line here.

``events.v2`` decides visits and meetings with the learned event model
(:mod:`kg.extract.event_model`); the grammar rules of ``visits.v1`` and ``meetings.v1``
are one of its features and stay registered for comparison.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from functools import partial

from spacy.tokens import Doc

from kg.extract.entities import EntityFinder
from kg.extract.event_model import EventModel, events
from kg.extract.events import meetings, visits
from kg.extract.mentions import unclaimed_names
from kg.extract.places import locations
from kg.extract.quotes import quotes
from kg.extract.references import DocEntities
from kg.extract.roles import roles
from kg.facts import ArticleFacts, Fact

Extractor = Callable[[Doc, DocEntities], Iterator[Fact]]

EXTRACTORS: dict[str, Extractor] = {
    "events.v2": events,
    "quotes.v1": quotes,
    "locations.v1": locations,
    "roles.v1": roles,
}
# Registered, not run by default: the grammar rules alone, which events.v2 reads as a feature.
OPTIONAL_EXTRACTORS: dict[str, Extractor] = {"visits.v1": visits, "meetings.v1": meetings}


def extract(doc: Doc, finder: EntityFinder, names: Iterable[str] | None = None, *,
            event_model: EventModel | None = None) -> ArticleFacts:
    """Run the named extractors (default: :data:`EXTRACTORS`) over one parsed article.

    ``event_model``: the model ``events.v2`` decides with (default: the one kg ships).
    """
    entities = finder(doc)
    facts: list[Fact] = []
    known = {**EXTRACTORS, **OPTIONAL_EXTRACTORS}
    for name in names or EXTRACTORS:
        try:
            extractor = known[name]
        except KeyError:
            raise KeyError(f"unknown extractor {name!r}; known: {', '.join(known)}") from None
        if extractor is events and event_model is not None:
            extractor = partial(events, model=event_model)
        facts.extend(extractor(doc, entities))
    article = doc._.article
    found = tuple(
        replace(e, titles=tuple(sorted(entities.titles[e.id]))) if e.id in entities.titles else e
        for e in entities.entities
    )
    return ArticleFacts(article.id if article is not None else "", found, tuple(facts),
                        unclaimed_names(doc, entities.token_entity))


__all__ = ["EXTRACTORS", "OPTIONAL_EXTRACTORS", "EntityFinder", "EventModel", "Extractor", "extract"]
