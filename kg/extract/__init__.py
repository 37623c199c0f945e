"""Fact extractors, registered by versioned name.

An extractor is a pure function ``(Doc, DocEntities) -> Iterator[Fact | Title]``: it
never touches RDF, and :class:`~kg.extract.references.DocEntities` only answers
questions (resolving a phrase writes nothing), so extractors may run in any order or
alone. Adding one is a module with the function plus one line here.

Titles travel as data: an extractor that resolves a person through a title phrase
("the Russian president") yields a :class:`~kg.facts.Title` record beside its facts
(quotes for their speakers, events for the people their candidates and grammar rules
name), and :func:`extract` gathers those into the entities' ``titles``, their
alternative labels. So the labels depend on which extractors ran, and on nothing else.

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
from kg.facts import ArticleFacts, Fact, Title

Extractor = Callable[[Doc, DocEntities], Iterator[Fact | Title]]

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
    titles: dict[str, set[str]] = {}  # entity id -> the title phrases it was resolved through
    known = {**EXTRACTORS, **OPTIONAL_EXTRACTORS}
    for name in names or EXTRACTORS:
        try:
            extractor = known[name]
        except KeyError:
            raise KeyError(f"unknown extractor {name!r}; known: {', '.join(known)}") from None
        if extractor is events and event_model is not None:
            extractor = partial(events, model=event_model)
        for found in extractor(doc, entities):
            if isinstance(found, Title):
                titles.setdefault(found.entity, set()).add(found.text)
            else:
                facts.append(found)
    article = doc._.article
    labelled = tuple(
        replace(e, titles=tuple(sorted(titles[e.id]))) if e.id in titles else e
        for e in entities.entities
    )
    return ArticleFacts(article.id if article is not None else "", labelled, tuple(facts),
                        unclaimed_names(doc, entities.token_entity))


__all__ = ["EXTRACTORS", "OPTIONAL_EXTRACTORS", "EntityFinder", "EventModel", "Extractor", "extract"]
