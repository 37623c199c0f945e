"""What the phases share: the entities of all articles, the union-find they join in, and
the indexes earlier phases leave for later ones. A phase is a function of the state."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from kg.facts import ArticleFacts, Entity
from kg.resolution.keys import entity_key
from kg.resolution.owners import short_name_owners
from kg.resolution.unionfind import UnionFind

Item = tuple[str, str]  # (article id, entity id)


@dataclass
class State:
    articles: list[ArticleFacts]  # sorted by article id: the same joins whatever the input order
    uf: UnionFind
    entities: dict[Item, Entity]  # every entity of every article
    bare: list[tuple[Item, str]]  # persons named by one word, with their key: "Bush", "Laci"
    named: dict[Item, Entity]  # the entities but those persons named by one word
    by_key: dict[tuple[str, str], Item] = field(default_factory=dict)  # (category, key) -> first item (same-key.v1)
    surnames: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # surname -> full person keys
    alternates: dict[tuple[str, str], Counter] | None = None  # :func:`short_name_owners`, once asked

    @classmethod
    def of(cls, articles: Iterable[ArticleFacts]) -> State:
        articles = sorted(articles, key=lambda facts: facts.article_id)
        uf = UnionFind()
        entities: dict[Item, Entity] = {}
        bare: list[tuple[Item, str]] = []
        for facts in articles:
            for entity in facts.entities:
                item = (facts.article_id, entity.id)
                entities[item] = entity
                uf.find(item)
                key = entity_key(entity)
                if is_bare(entity, key):
                    bare.append((item, key))  # which person it is depends on the article: decided last
        bare_items = {item for item, _ in bare}
        named = {item: entity for item, entity in entities.items() if item not in bare_items}
        return cls(articles, uf, entities, bare, named)

    def short_name_owners(self) -> dict[tuple[str, str], Counter]:
        """The owners of each short name (:func:`short_name_owners`), as when first asked."""
        if self.alternates is None:
            self.alternates = short_name_owners(self.entities, self.uf)
        return self.alternates


def is_bare(entity: Entity, key: str) -> bool:
    """A person named by one word: which person it is depends on the article."""
    return entity.category == "Person" and " " not in key and not entity.canonical


Phase = Callable[[State], None]
