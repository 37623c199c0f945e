"""What resolution returns: the graph's nodes, which node each article's entity joined,
and why (:class:`Merge`, what ``kg explain`` prints)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Node:
    """One real-world entity of the graph."""

    key: str  # IRI path below the resource base: "person/vladimir-putin"
    type: str
    label: str
    alt_labels: tuple[str, ...]
    links: tuple[str, ...] = ()  # its ids in other datasets, the gazetteer's first, then those resolution derived from it

    @property
    def link(self) -> str | None:
        """The gazetteer's id for it: "wikidata:Q7747", "iso3166:SY", "geonames:170654"."""
        return self.links[0] if self.links else None


@dataclass(frozen=True)
class Merge:
    """Why a name joined a node: which article wrote it and by which rule."""

    node: str
    surface: str
    article_id: str
    rule: str


@dataclass
class Resolution:
    nodes: dict[str, Node]
    members: dict[tuple[str, str], str]  # (article id, entity id) -> node key
    positions: dict[tuple[str, str | None], str]  # (title, country label) -> position key
    merges: list[Merge] = field(default_factory=list)
    countries: dict[str, str] = field(default_factory=dict)  # country name -> node key

    def node_of(self, article_id: str, entity_id: str) -> str:
        return self.members[(article_id, entity_id)]
