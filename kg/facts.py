"""The records extractors yield: entities of one article and the facts about them.

Everything here is a frozen dataclass with plain values, so facts can be pickled to
worker processes, compared in tests and hashed. Only :mod:`kg.graph` turns them into
RDF. Entity types are names of ontology classes (``"Person"``, ``"MilitaryBase"``);
:mod:`kg.graph` looks them up in the closed namespace, so a wrong name fails there.
Extractors yield :class:`Title` records beside their facts: the titles they resolved a
person through, which become labels of the entity, not facts of their own.

A fact type is registered with :func:`fact_type` (the fact store reads it back by name).
A relation between two of the article's entities declares its RDF as a :class:`Relation`,
so a new one is this record, its extractor (:mod:`kg.extract`) and its ontology terms:
:mod:`kg.graph` writes it without a line of its own.
"""

from __future__ import annotations

import datetime as dt
import typing
from dataclasses import dataclass
from typing import ClassVar

FACT_TYPES: dict[str, type] = {}  # name -> fact record class, for readers of stored facts


def fact_type(cls: type) -> type:
    """Register a fact record class under its name (a class decorator).

    Raises:
        TypeError: another class is registered under that name, or the record's field
            types cannot be resolved (the fact store reads stored values back by them).
    """
    known = FACT_TYPES.get(cls.__name__)
    if known is not None and known is not cls:
        raise TypeError(f"a fact type named {cls.__name__} is registered already ({known.__module__})")
    try:
        typing.get_type_hints(cls)
    except NameError as err:
        raise TypeError(f"fact type {cls.__name__}: a field's type cannot be resolved ({err})") from None
    FACT_TYPES[cls.__name__] = cls
    return cls


@dataclass(frozen=True, slots=True)
class Relation:
    """How a fact between two of the article's entities is written in RDF: the direct triple
    ``subject prop object`` (written only where the ontology admits it) and a fact node of
    the class ``cls``, IRI path ``node/<digest>``, with its evidence and ``kg:subject`` and
    ``kg:object``. ``subject`` and ``object`` name the record's fields holding the entities;
    ``prop`` and ``cls`` are names in the ontology (a name it lacks fails when written)."""

    node: str
    cls: str
    prop: str
    subject: str
    object: str


@dataclass(frozen=True, slots=True)
class Evidence:
    """Where a fact is stated: article, sentence and character offsets in the article text."""

    article_id: str
    start: int
    end: int
    sentence: str


@dataclass(frozen=True, slots=True)
class Entity:
    """One real-world entity as one article refers to it.

    ``id`` is local to the article (``"e3"``); :mod:`kg.resolution` joins entities
    across articles. ``names`` are the names as written, ``titles`` the
    descriptions it was called by ("the Russian president").
    """

    id: str
    type: str
    names: tuple[str, ...]
    titles: tuple[str, ...] = ()
    spans: tuple[tuple[int, int], ...] = ()
    canonical: str | None = None  # forced by an alias table
    link: str | None = None  # an external identifier: "wikidata:Q…", "iso3166:RU", "geonames:…"

    @property
    def category(self) -> str:
        """The top class: Person, Organization or Place."""
        return PLACE_TYPES.get(self.type, self.type)


PLACE_TYPES = {t: "Place" for t in ("Place", "Country", "City", "Region", "MilitaryBase")}


@fact_type
@dataclass(frozen=True, slots=True)
class Visit:
    """``agent`` was at ``place``; with a ``status`` ("planned", "cancelled", "denied")
    the visit was announced or called off and is not asserted as having happened."""

    agent: str
    place: str
    date: dt.date | None
    evidence: Evidence
    extractor: str
    status: str | None = None


@fact_type
@dataclass(frozen=True, slots=True)
class Meeting:
    """The ``participants`` met in person; ``status`` as for :class:`Visit`."""

    participants: tuple[str, ...]
    date: dt.date | None
    evidence: Evidence
    extractor: str
    status: str | None = None


@fact_type
@dataclass(frozen=True, slots=True)
class Quote:
    """The exact words inside quotation marks; ``evidence`` spans those words.

    ``speaker`` is the entity who says them (None when the article does not name one);
    ``speaker_text`` the words that introduce the speaker ("the Russian president").
    """

    speaker: str | None
    speaker_text: str | None
    text: str
    date: dt.date | None
    evidence: Evidence
    extractor: str


@fact_type
@dataclass(frozen=True, slots=True)
class Located:
    """``place`` lies in ``container``."""

    place: str
    container: str
    evidence: Evidence
    extractor: str

    rdf: ClassVar[Relation] = Relation("location", "Location", "locatedIn", subject="place", object="container")


@fact_type
@dataclass(frozen=True, slots=True)
class HoldsPosition:
    """``person`` holds the office ``title`` (of ``jurisdiction``, a place entity, when known)."""

    person: str
    title: str
    jurisdiction: str | None
    evidence: Evidence
    extractor: str


Fact = Visit | Meeting | Quote | Located | HoldsPosition


@dataclass(frozen=True, slots=True)
class Title:
    """A title phrase an extractor resolved to a person: ``text`` ("Russian president") names ``entity``.

    Not a fact: :func:`kg.extract.extract` gathers these into the entities' ``titles``,
    which become alternative labels of their nodes.
    """

    entity: str
    text: str


@dataclass(frozen=True, slots=True)
class ArticleFacts:
    """Everything extracted from one article.

    ``unclaimed`` are runs of capitalised words no entity claimed, as (start offset,
    text): names the model may have missed, which :mod:`kg.corpus_names` finds again
    where other articles tagged them.
    """

    article_id: str
    entities: tuple[Entity, ...]
    facts: tuple[Fact, ...]
    unclaimed: tuple[tuple[int, str], ...] = ()
