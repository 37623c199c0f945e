"""Phase bare-names.v1: a person one article names by one word ("Bush"), decided article by
article, last.

In-article counterpart: :func:`kg.extract.joining._person_cluster` ("Putin" after "Vladimir
Putin" in one article).
"""

from __future__ import annotations

import heapq
import math
from collections import Counter, defaultdict

from kg.facts import ArticleFacts
from kg.resolution.keys import name_form
from kg.resolution.owners import dominant, roots
from kg.resolution.state import State
from kg.resolution.unionfind import UnionFind


def join_bare_names(state: State) -> None:
    """A person one article names by one word ("Bush") joins the person it most likely is.

    The candidates are the persons named in full whose surname it is, and those other
    articles called by it ("Laci" for Laci Peterson). One candidate is taken. Of several,
    the one whose articles share the most other entities with this article (weighted by
    rarity: the Saints tell more than the United States) is taken when it scores at least
    twice the next; else the one most articles called by that name, when they are three or
    more and four times any other. Without a person to join, a word that at least two
    articles use as the name of one organisation or place (and twice as many as leave it
    undecided) is that entity ("Seacom"). A name still undecided joins the same name in
    the other articles where it is undecided.

    Every name is decided against the graph as it stands before any of them joins, so the
    order of the articles does not matter.
    """
    articles, bare, by_key, surnames, uf = state.articles, state.bare, state.by_key, state.surnames, state.uf
    if not bare:
        return
    alternates = state.short_name_owners()
    bare_items = {item for item, _ in bare}
    context = _Context(articles, bare_items, uf)
    otherwise: dict[str, Counter] = defaultdict(Counter)  # "seacom" -> roots of organisations and places so named
    for item, entity in context.named(articles):
        if entity.category != "Person" and not entity.canonical and not entity.link:
            otherwise[name_form(entity)][uf.find(item)] += 1
    decisions = []
    owners_of: dict[str, Counter] = {}  # the graph does not change while names are decided
    dominant_of: dict[str, tuple[str, str] | None] = {}  # key -> what dominant() says of its owners
    for item, key in bare:
        if key not in owners_of:
            owners_of[key] = roots(alternates.get(("Person", key), Counter()), uf)
            for full in surnames.get(key, ()):
                owners_of[key][uf.find(by_key[("Person", full)])] += 0
        owners = owners_of[key]
        owner, rule = None, ""
        if len(owners) == 1:
            owner, rule = next(iter(owners)), "the one person named in full with this name"
        elif owners:
            # Only the owners sharing something with the article can score above 0, and a
            # decision needs the best score above 0 and the second (0 if none) at most half.
            scores = heapq.nsmallest(2, ((-score, o) for o, score in context.shared(item[0], key, owners).items()))
            scores = [(-score, o) for score, o in scores] + [(0.0, None)] * 2
            if scores[0][0] > 0 and scores[0][0] >= 2 * scores[1][0]:
                owner, rule = scores[0][1], "the person of this name whose articles share most with this one"
            else:
                if key not in dominant_of or item in owners:
                    dominant_of[key] = dominant(owners, item)
                if owner := dominant_of[key]:
                    rule = "the person most articles called by this name"
        decisions.append((item, key, owner, rule, bool(owners)))
    undecided = Counter(key for _, key, owner, _, _ in decisions if owner is None)
    first_of: dict[str, tuple[str, str]] = {}
    for item, key, owner, rule, had_owners in decisions:
        if owner is None and not had_owners and (others := otherwise.get(key)):
            (root, count), *rest = others.most_common()
            if count >= 2 and not rest and count >= 2 * undecided[key]:
                owner, rule = root, "same name, an organisation or place in most articles"
        if owner is not None:
            uf.union(owner, item, rule)
        else:
            uf.union(first_of.setdefault(key, item), item, "same name")


class _Context:
    """Which entities each article names, to tell which of several people a one-word name means."""

    def __init__(self, articles: list[ArticleFacts], bare: set, uf: UnionFind) -> None:
        self._bare = bare
        self.in_article: dict[str, set] = defaultdict(set)  # article -> roots of its named entities
        for item, _ in self.named(articles):
            self.in_article[item[0]].add(uf.find(item))
        spread = Counter(root for roots in self.in_article.values() for root in roots)
        total = max(len(self.in_article), 1)
        self.weight = {root: math.log(1 + total / n) for root, n in spread.items()}
        self.articles_of: dict = defaultdict(set)
        for article, roots in self.in_article.items():
            for root in roots:
                self.articles_of[root].add(article)
        self._neighbours: dict = {}
        self._near: dict[str, dict] = {}  # one-word name -> root -> its owners whose articles name it

    def named(self, articles: list[ArticleFacts]):
        for facts in articles:
            for entity in facts.entities:
                if (facts.article_id, entity.id) not in self._bare:
                    yield (facts.article_id, entity.id), entity

    def shared(self, article: str, name: str, owners: Counter) -> dict:
        """The owners of the one-word ``name`` that share entities with ``article``'s
        articles, with the rarity-weighted count of entities shared: for each owner, what
        ``article`` names of the entities its articles name (itself excepted). Owners
        sharing nothing are left out, so that a name many people bear ("Smith") costs what
        the article names, not what every owner's articles name."""
        if name not in self._near:
            near: dict = defaultdict(list)  # root -> the owners whose articles name it
            for owner in owners:
                for root in self._around(owner):
                    near[root].append(owner)
            self._near[name] = near
        near = self._near[name]
        hits: dict = defaultdict(list)
        for root in self.in_article[article]:
            for owner in near.get(root, ()):
                hits[owner].append(self.weight[root])
        return {owner: math.fsum(weights) for owner, weights in hits.items()}

    def _around(self, candidate) -> set:
        """The roots named by ``candidate``'s articles, ``candidate`` excepted."""
        if candidate not in self._neighbours:
            around = set().union(*(self.in_article[a] for a in self.articles_of[candidate]))
            self._neighbours[candidate] = around - {candidate}
        return self._neighbours[candidate]
