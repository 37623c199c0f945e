"""Joining the entities of many articles into one node per real-world entity.

Resolution runs in phases, each a deterministic rule recorded with every join it makes
(:attr:`Resolution.merges`, what ``kg explain`` prints):

1. *Same key.* Names meet under a key that ignores what writers vary: case, accents,
   Arabic articles and transliteration (Hmeimim / Hmeymim / Khmeimim, Tartus / Tartous,
   Bashar al-Assad / Bashar Assad), honorifics, titles, possessives, company suffixes.
   Alias tables join acronyms and other names (IS / Daesh / Islamic State).
2. *Same name, other type or spacing* (:func:`_join_retyped`): "SeaMicro" / "Sea Micro";
   a name the model typed PERSON in one article and ORG in most others.
3. *Names written another way*: a person's nickname, middle name or one slipped letter
   (Fred LaRue / Frederick C. LaRue, Klitschko / Klistchko; :func:`_join_full_names`),
   misspelt places and organisations (:func:`_join_misspellings`), a place with or
   without its generic word ("the Mediterranean Sea"; :func:`_join_place_generics`).
4. *Short names* (:func:`_join_short_names`): a short form other articles used beside
   the full name ("Saints" with "New Orleans Saints"), initials, a team without its city.
5. *One-word person names* (:func:`_join_bare_names`), article by article: "Bush" joins
   the one person it can be, or the one whose articles share the most with its own.

Types must agree except where most articles overrule the model, and never for names a
gazetteer or alias table typed: a person named Jordan never joins the country.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from nicknames import NickNamer
from rapidfuzz.distance import DamerauLevenshtein
from unidecode import unidecode

from kg import gazetteer, lexicon
from kg.extract.joining import name_initials
from kg.extract.mentions import BASE_MODIFIERS
from kg.extract.references import BASE_HEADS
from kg.facts import ArticleFacts, Entity, HoldsPosition
from kg.names import ascii_fold, compact, name_tokens, person_key, place_key, slug

SPECIFICITY = {"MilitaryBase": 4, "Region": 3, "City": 2, "Country": 2, "Place": 0}
CATEGORY_PATH = {"Person": "person", "Organization": "organization", "Place": "place"}


@dataclass(frozen=True)
class Node:
    """One real-world entity of the graph."""

    key: str  # IRI path below the resource base: "person/vladimir-putin"
    type: str
    label: str
    alt_labels: tuple[str, ...]
    link: str | None = None


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


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict = {}
        self.rule: dict = {}

    def find(self, item):
        self.parent.setdefault(item, item)
        while self.parent[item] != item:
            self.parent[item] = self.parent[self.parent[item]]
            item = self.parent[item]
        return item

    def union(self, a, b, rule: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            ra, rb = sorted((ra, rb))
            self.parent[rb] = ra
            self.rule.setdefault(b, rule)


@lru_cache(maxsize=1 << 17)  # every phase asks for the keys of the same entities
def entity_key(entity: Entity) -> str:
    """The key under which spellings of one entity's name meet."""
    if entity.canonical:
        return place_key(entity.canonical)
    name = _longest_name(entity)
    if entity.type == "Person":
        return person_key(name)
    if entity.type == "MilitaryBase":
        core = [w for w in place_key(name).split() if w not in _BASE_KEYS]
        return " ".join(core) + " base"
    # a transliteration is a place's variant, not a group's: "Lyon" (the club) and "Lion" stay apart
    return place_key(name, transliterate=entity.category == "Place")


def _links_conflict(a: Entity, b: Entity) -> bool:
    """Two entities under one key whose gazetteer links name different things."""
    return a is not b and a.link is not None and b.link is not None and a.link != b.link


@lru_cache(maxsize=1 << 17)
def _longest_name(entity: Entity) -> str:
    """The name of most words an entity was written with (the first in sort order on a tie)."""
    return min(entity.names, key=lambda n: (-len(n.split()), n))


_BASE_KEYS = {place_key(w) for w in BASE_HEADS | BASE_MODIFIERS}


def _name_key(entity: Entity, name: str) -> str:
    return person_key(name) if entity.type == "Person" else place_key(name, transliterate=entity.category == "Place")


def _form(entity: Entity) -> str:
    """An entity's longest name with case, accents, punctuation and spaces ignored (and a
    person's titles): "SeaMicro" and "Sea Micro" have one form."""
    name = _longest_name(entity)
    return compact(" ".join(name_tokens(name)) if entity.type == "Person" else name)


def _join_full_names(entities: dict, by_key: dict, uf: _UnionFind) -> None:
    """Full names written another way, typed otherwise, or with a headline's word before them."""
    _join_person_variants(by_key, uf)
    # The same full name typed PERSON in one article and ORG in another is one entity.
    for item, entity in entities.items():
        if entity.category == "Organization" and not entity.canonical:
            full = person_key(_longest_name(entity))
            if " " in full and ("Person", full) in by_key:
                uf.union(by_key[("Person", full)], item, "same full name, typed as an organization elsewhere")
    # Full names that end with another full name after words that are no given name:
    # "Hire Maurice Cheeks" (a headline) and "Maurice Cheeks", not "John Paul Jones" and "Paul Jones".
    person_keys = {k for c, k in by_key if c == "Person" and " " in k}
    for key in sorted(person_keys):
        words = key.split()
        for cut in range(1, len(words) - 1):
            other = " ".join(words[cut:])
            if other in person_keys:
                if not any(_is_given_name(w) for w in words[:cut]):
                    uf.union(by_key[("Person", other)], by_key[("Person", key)], f"ends with the full name {other!r}")
                break


def _short_names(entities: dict, uf: _UnionFind) -> dict[tuple[str, str], Counter]:
    """(category, key of a short name) -> the roots whose articles used it beside a longer
    name ("AMD" with "Advanced Micro Devices", "Laci" with "Laci Peterson"), with how many
    articles did."""
    alternates: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for item, entity in entities.items():
        if entity.canonical:
            continue
        key = entity_key(entity)
        for short in {_name_key(entity, name) for name in entity.names} - {key, ""}:
            alternates[(entity.category, short)][uf.find(item)] += 1
    return alternates


def _join_short_names(entities: dict, alternates: dict, by_key: dict, surnames: dict, uf: _UnionFind) -> None:
    """Organisations and places written short in one article and in full in others: a short
    name other articles used beside the full one, initials, a team without its city, and a
    surname the model typed ORG ("Comeaux")."""
    def one_root(keys, category):
        roots = {uf.find(by_key[(category, k)]) for k in keys}
        return next(iter(roots)) if len(roots) == 1 else None

    # A short name another article used for one entity: "Saints" with "New Orleans Saints".
    for item, entity in entities.items():
        if entity.canonical:
            continue
        key = entity_key(entity)
        owners = _roots(alternates.get((entity.category, key), Counter()), uf)
        if not owners and entity.category != "Person" and not entity.link and " " not in key:
            owners = _roots(alternates.get(("Person", key), Counter()), uf)  # "Lohan" typed GPE
        if owner := _dominant(owners, uf.find(item)):
            uf.union(owner, item, "a short name other articles used for it")
    org_tails: dict[str, set[str]] = defaultdict(set)  # "saints", "red sox" -> {"new orleans saints"}, {"boston red sox"}
    initials: dict[str, set[str]] = defaultdict(set)  # "hp" -> {"hewlett packard"}
    for category, key in by_key:
        words = key.split()
        if category == "Organization" and len(words) > 1:
            org_tails[words[-1]].add(key)
            if len(words) > 2 and _is_place_name(" ".join(words[:-2])):  # "Boston" + "Red Sox"
                org_tails[" ".join(words[-2:])].add(key)
            for acronym in name_initials(words):
                initials[acronym].add(key)
    for item, entity in entities.items():
        key = entity_key(entity)
        if entity.category != "Organization":
            continue
        if key.count(" ") == 1 and (root := one_root(org_tails.get(key, ()), "Organization")):
            uf.union(root, item, "the name of a team or branch without its place")
        if " " in key or len(key) < 2:
            continue
        if any(n.isupper() for n in entity.names) and (root := one_root(initials.get(key, ()), "Organization")):
            uf.union(root, item, "acronym of a name spelled out elsewhere")
        elif len(key) >= 4 and (root := one_root(org_tails.get(key, ()), "Organization")):
            uf.union(root, item, "short form of a longer name")
        elif root := one_root(surnames.get(key, ()), "Person"):
            # "Comeaux" tagged as an organization where another article names the person in full
            uf.union(root, item, "surname of the one person named in full (typed ORG)")


def _join_bases(by_key: dict, uf: _UnionFind) -> None:
    """A base named bare in one article ("Hmeimim") and as "Hmeimim air base" in another."""
    for (category, key), item in list(by_key.items()):
        if category == "Place" and not key.endswith(" base") and ("Place", key + " base") in by_key:
            uf.union(by_key[("Place", key + " base")], item, "name of a base")


def _join_bare_names(articles: list[ArticleFacts], bare: list, alternates: dict, by_key: dict,
                     surnames: dict, uf: _UnionFind) -> None:
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
    if not bare:
        return
    bare_items = {item for item, _ in bare}
    context = _Context(articles, bare_items, uf)
    otherwise: dict[str, Counter] = defaultdict(Counter)  # "seacom" -> roots of organisations and places so named
    for item, entity in context.named(articles):
        if entity.category != "Person" and not entity.canonical and not entity.link:
            otherwise[_form(entity)][uf.find(item)] += 1
    decisions = []
    owners_of: dict[str, Counter] = {}  # the graph does not change while names are decided
    dominant_of: dict[str, tuple[str, str] | None] = {}  # key -> what _dominant says of its owners
    for item, key in bare:
        if key not in owners_of:
            owners_of[key] = _roots(alternates.get(("Person", key), Counter()), uf)
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
                    dominant_of[key] = _dominant(owners, item)
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

    def __init__(self, articles: list[ArticleFacts], bare: set, uf: _UnionFind) -> None:
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


def _is_place_name(text: str) -> bool:
    return bool(gazetteer.city(text) or gazetteer.country(text) or gazetteer.is_region(text))


def _roots(owners: Counter, uf: _UnionFind) -> Counter:
    merged: Counter = Counter()
    for owner, count in owners.items():
        merged[uf.find(owner)] += count
    return merged


def _dominant(owners: Counter, own: tuple[str, str], ratio: int = 4) -> tuple[str, str] | None:
    """The one owner of a short name, or the one most articles meant (3+ and ``ratio`` times any other)."""
    ranked = heapq.nsmallest(2, ((-count, owner) for owner, count in owners.items() if owner != own))
    if len(ranked) == 1 or (ranked and -ranked[0][0] >= 3 and -ranked[0][0] >= ratio * -ranked[1][0]):
        return ranked[0][1]
    return None


NICKNAMES = NickNamer()


def _is_given_name(word: str) -> bool:
    return bool(NICKNAMES.nicknames_of(word) or NICKNAMES.canonicals_of(word))


def same_given_name(a: str, b: str) -> bool:
    """ "fred" / "frederick", "katie" / "kathryn": one given name or a nickname of it.

    >>> same_given_name("fred", "frederick"), same_given_name("jim", "james"), same_given_name("jim", "john")
    (True, True, False)
    """
    return a == b or a in NICKNAMES.nicknames_of(b) or b in NICKNAMES.nicknames_of(a)


def same_person_name(a: list[str], b: list[str]) -> bool:
    """Whether two full names (person keys split in words) can name one person.

    Given names agree up to nicknames, and surnames up to one slipped letter (or given
    names so, where the surnames agree: Jermayne / Jerymayne, not Francis / Frances);
    middle names agree where both write one.

    >>> same_person_name("fred larue".split(), "frederick cheney larue".split())
    True
    >>> same_person_name("wladimir klitschko".split(), "wladimir klistchko".split())
    True
    >>> same_person_name("jerymayne timmons".split(), "jermayne timmons".split())
    True
    >>> same_person_name("john kerry".split(), "john perry".split())
    False
    >>> same_person_name("christian peterson".split(), "christina peterson".split())
    False
    >>> same_person_name("sandra howard".split(), "michael howard".split())
    False
    """
    if len(a) < 2 or len(b) < 2:
        return False
    if a[-1] != b[-1] and not (same_given_name(a[0], b[0]) and _surname_slip(a[-1], b[-1])):
        return False
    if not same_given_name(a[0], b[0]) and not (a[-1] == b[-1] and _given_name_slip(a[0], b[0])):
        return False
    return a[1:-1] == b[1:-1] or not a[1:-1] or not b[1:-1]


def _surname_slip(a: str, b: str) -> bool:
    """One typo between two spellings of a surname: any one in seven letters or more, only two
    swapped letters in a shorter one (Kerry and Perry are two people), never the first letter."""
    if a[0] != b[0] or DamerauLevenshtein.distance(a, b) > 1:
        return False
    return min(len(a), len(b)) >= 7 or (len(a) == len(b) >= 4 and sorted(a) == sorted(b))


def _given_name_slip(a: str, b: str) -> bool:
    """One typo in a given name of six letters or more, not in its ending, which often tells
    a man's name from a woman's (Christian / Christina, Francis / Frances)."""
    return (min(len(a), len(b)) >= 6 and a[0] == b[0] and a[-2:] == b[-2:]
            and DamerauLevenshtein.distance(a, b) <= 1)


def _name_blocks(words: list[str]) -> set[tuple[str, str]]:
    """(surname, given name) forms that two names :func:`same_person_name` accepts always share,
    so that only names in one block are compared (near-linear, not every pair of a surname):
    the surname and its one-letter deletions (two words one typo apart share one), with the
    given name, the names it is a nickname of, and its own deletions where a slip is allowed."""
    given, surname = words[0], words[-1]
    givens = {given} | NICKNAMES.canonicals_of(given) | _deletions(given, shortest=6)
    surnames = {surname} | _deletions(surname, shortest=4)
    return {(s, g) for s in surnames for g in givens}


def _deletions(word: str, shortest: int) -> set[str]:
    """The word with one letter dropped, each way: two words one typo apart share one."""
    return {word[:i] + word[i + 1:] for i in range(len(word))} if len(word) >= shortest else set()


def _join_misspellings(entities: dict, uf: _UnionFind) -> None:
    """ "Gulf of Eden" / "Gulf of Aden": an organisation or place name (a key of eight
    characters or more) one typo from exactly one other name of its type."""
    keys: dict[tuple[str, str], list] = defaultdict(list)
    for item, entity in entities.items():
        if entity.category != "Person" and not entity.canonical:
            keys[(entity.category, entity_key(entity))].append(item)
    variants = {key: {key[1]} | _deletions(key[1], shortest=8) for key in keys}
    buckets: dict[tuple[str, str], set[str]] = defaultdict(set)
    for (category, key), spellings in variants.items():
        for variant in spellings:
            buckets[(category, variant)].add(key)
    for (category, key), items in sorted(keys.items()):
        near = {other for variant in variants[(category, key)] for other in buckets[(category, variant)]
                if other != key and DamerauLevenshtein.distance(key, other) <= 1}
        links = {entities[i].link for i in items} | {entities[i].link for o in near for i in keys[(category, o)]}
        if len(near) == 1 and len(links - {None}) <= 1:
            other = next(iter(near))
            uf.union(keys[(category, other)][0], items[0], f"one letter from {other!r}")


PLACE_GENERICS = lexicon.words("places.tsv", "place_generic")  # "the Red Sea" / "the Red"
REGION_GENERICS = lexicon.words("places.tsv", "region_generic")  # "Idlib province" / "Idlib"


def _join_place_generics(entities: dict, by_key: dict, uf: _UnionFind) -> None:
    """ "the Mediterranean" / "the Mediterranean Sea", "Aceh" / "Aceh Province", "Betty Ford"
    / "the Betty Ford Center"."""
    # Names a gazetteer knows as a country or city name that place and nothing longer
    # (Jordan and the Jordan River, the city of Latakia and Latakia province).
    known = {entity_key(e) for e in entities.values()
             if e.category == "Place" and (e.canonical or e.link or e.type in ("Country", "City"))}
    for item, entity in entities.items():
        words = entity_key(entity).split()
        if entity.category != "Place" or len(words) < 2 or entity.canonical:
            continue
        short = " ".join(words[:-1])
        if ("Place", short) in by_key and words[-1] in PLACE_GENERICS | REGION_GENERICS and short not in known:
            uf.union(by_key[("Place", short)], item, f"the same place without {words[-1]!r}")


def _join_person_variants(by_key: dict[tuple[str, str], tuple[str, str]], uf: _UnionFind) -> None:
    """ "Fred LaRue", "Frederick C. LaRue" and "Frederick Cheney LaRue" are one person.

    Two full names join when they can name one person (:func:`same_person_name`) and
    neither can also name someone the other cannot: "John Smith" stays apart from both
    "John A. Smith" and "John B. Smith".
    """
    keys = sorted(k for c, k in by_key if c == "Person" and " " in k)
    blocks: dict[tuple[str, str], set[str]] = defaultdict(set)  # names that may be one person's
    for key in keys:
        for block in _name_blocks(key.split()):
            blocks[block].add(key)
    fits: dict[str, set[str]] = defaultdict(set)
    for group in blocks.values():
        for a in group:
            for b in group:
                if a < b and b not in fits[a] and same_person_name(a.split(), b.split()):
                    fits[a].add(b)
                    fits[b].add(a)

    def consistent(key: str) -> bool:
        return all(y in fits[x] for x in fits[key] for y in fits[key] if x != y)

    for a in sorted(fits):
        for b in sorted(fits[a]):
            if a < b and consistent(a) and consistent(b):
                uf.union(by_key[("Person", a)], by_key[("Person", b)], f"the same person's name written another way ({b!r})")


def _join_retyped(entities: dict[tuple[str, str], Entity], uf: _UnionFind) -> None:
    """One name typed differently in different articles: the minority joins the majority.

    The model types a rare name ("Seacom", "Creighton") PERSON in one article and ORG or
    GPE in others. When at least two thirds of the articles (and two or more) agree on a
    type, the others are taken for the model's mistakes. Names a gazetteer or alias
    table typed or linked (countries such as Jordan, GeoNames cities such as Houston) take
    no part, so a person named Jordan stays apart from the country. One-word person names
    are left to :func:`_join_bare_names`.
    """
    by_form: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for item, entity in entities.items():
        if not entity.canonical and not entity.link and entity.type != "MilitaryBase":
            by_form[_form(entity)][entity.category].append(item)
    for form, categories in by_form.items():
        if not form:
            continue
        for items in categories.values():  # "SeaMicro" / "Sea Micro", "Ka'loni" / "Ka Loni"
            for item in items[1:]:
                uf.union(items[0], item, "same name, spaced or punctuated otherwise")
        counts = {c: len(items) for c, items in categories.items()}
        winner = max(sorted(counts), key=counts.get)
        if len(categories) < 2 or counts[winner] < 2 or counts[winner] * 3 < sum(counts.values()) * 2:
            continue
        first = categories[winner][0]
        for category, items in categories.items():
            for item in items:
                if category != winner:
                    uf.union(first, item, f"same name, typed {winner} in most articles")


def resolve_entities(
    articles: Iterable[ArticleFacts], known: dict[tuple[str, str], str] | None = None
) -> Resolution:
    """Join the entities of all articles; see the module docstring for the rules.

    ``known`` maps (article id, entity id) to the node key an earlier build gave it
    (a persistent store's registry): a node keeps the IRI it was first given, so saved
    queries and links survive later additions; a key goes on naming the entity that holds
    most of what it named (:func:`_kept_keys`). Keys of a :class:`Registry`'s ``retired``
    set are given to no one.
    """
    known = known if known is not None else {}
    articles = sorted(articles, key=lambda facts: facts.article_id)  # the same joins whatever the input order
    uf = _UnionFind()
    entities: dict[tuple[str, str], Entity] = {}
    by_key: dict[tuple[str, str], tuple[str, str]] = {}
    surnames: dict[str, set[str]] = defaultdict(set)
    bare: list[tuple[tuple[str, str], str]] = []  # persons named by one word: "Bush", "Laci"
    by_link: dict[tuple[str, str, str | None], tuple[str, str]] = {}
    for facts in articles:
        for entity in facts.entities:
            item = (facts.article_id, entity.id)
            entities[item] = entity
            uf.find(item)
            key = entity_key(entity)
            category = entity.category
            if category == "Person" and " " not in key and not entity.canonical:
                bare.append((item, key))  # which person it is depends on the article: decided last
                continue
            first = by_key.setdefault((category, key), item)
            if _links_conflict(entities[first], entity):
                # one key, two places the gazetteer tells apart ("Kenya" / "Kenia"): the other
                # place meets the entities with its own link under this key
                first = by_link.setdefault((category, key, entity.link), item)
            if entity.canonical:
                rule = "alias table"
            elif {ascii_fold(n) for n in entity.names} & {ascii_fold(n) for n in entities[first].names}:
                rule = "same name"
            else:
                rule = f"spelling variant (key {key!r})"
            uf.union(first, item, rule)
            if category == "Place" and entity.type != "MilitaryBase":
                base = by_key.get(("Place", key + " base"))
                if base:
                    uf.union(base, item, "name of a base")
            if category == "Person":
                surnames[key.split()[-1]].add(key)
    bare_items = {item for item, _ in bare}
    named = {item: entity for item, entity in entities.items() if item not in bare_items}
    _join_retyped(named, uf)
    _join_full_names(named, by_key, uf)
    _join_misspellings(named, uf)
    _join_place_generics(named, by_key, uf)
    alternates = _short_names(entities, uf)
    _join_short_names(named, alternates, by_key, surnames, uf)
    _join_bases(by_key, uf)
    _join_bare_names(articles, bare, alternates, by_key, surnames, uf)

    groups: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
    for item in entities:
        groups[uf.find(item)].append(item)

    nodes: dict[str, Node] = {}
    members: dict[tuple[str, str], str] = {}
    merges: list[Merge] = []
    pending = sorted((_node_parts([entities[i] for i in items]), sorted(items)) for items in groups.values())
    kept = _kept_keys([(parts[0], items) for parts, items in pending], known)
    reserved = set(known.values()) | (known.retired if isinstance(known, Registry) else set())
    taken: set[str] = set(kept.values())
    for index, ((category, etype, label, alt_labels, link), items) in enumerate(pending):
        key = kept.get(index)
        if key is None:
            base_key = f"{CATEGORY_PATH[category]}/{slug(label)}"
            key, number = base_key, 1
            while key in taken or key in reserved:
                number += 1
                key = f"{base_key}-{number}"
        taken.add(key)
        nodes[key] = Node(key, etype, label, alt_labels, link)
        for item in items:
            members[item] = key
            names = entities[item].names
            for surface in sorted(set(names)):
                rule = uf.rule.get(item, "first mention")
                if surface != names[0] and ascii_fold(surface) != ascii_fold(names[0]):
                    rule = f"{rule}; in the article joined to {names[0]!r}"
                merges.append(Merge(key, surface, item[0], rule))

    countries: dict[str, str] = {}
    positions = _positions(articles, nodes, members, countries)
    return Resolution(nodes, members, positions, merges, countries)


def _kept_keys(groups: list[tuple[str, list[tuple[str, str]]]], known: dict[tuple[str, str], str]) -> dict[int, str]:
    """Which of the ``groups`` (category, items) keep a key an earlier build gave: index -> key.

    A key stays with the entity that holds most of the mentions it named before, so that
    it goes on naming that entity whatever later articles join or split: when a new article
    joins two nodes, the IRI of the one with more mentions stays ("Reggie Bush", not a stray
    "Bush"); when more evidence splits a node that sparse evidence had joined ("Gazprom and
    Rosneft" taken for a longer name of "Rosneft"), the key goes with the larger part, never
    to the smaller part because of where its label sorts. A key whose entity now has
    another key is retired. A key names one category (``person/``), and only an entity of
    that category keeps it.
    """
    votes: dict[str, Counter] = defaultdict(Counter)  # key -> group index -> mentions it named
    for index, (category, items) in enumerate(groups):
        prefix = CATEGORY_PATH[category] + "/"
        for item in items:
            key = known.get(item)
            if key is not None and key.startswith(prefix):
                votes[key][index] += 1
    won: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for key, counts in votes.items():
        index = min(counts, key=lambda i: (-counts[i], i))
        won[index].append((-counts[index], key))
    return {index: min(keys)[1] for index, keys in won.items()}


class Registry(dict):
    """The node key each (article id, entity id) was given by earlier builds, and the keys
    no entity holds any more (:attr:`retired`): those are never given to another entity."""

    def __init__(self, members: dict[tuple[str, str], str] | None = None, retired: Iterable[str] = ()):
        super().__init__(members or {})
        self.retired = set(retired) - set(self.values())


def _node_parts(group: list[Entity]) -> tuple:
    categories = Counter(e.category for e in group)
    category = max(categories, key=lambda c: (categories[c], c))
    group = [e for e in group if e.category == category] + [e for e in group if e.category != category]
    types = Counter(e.type for e in group)
    etype = max(types, key=lambda t: (SPECIFICITY.get(t, 1), types[t], t))
    forced = sorted({e.canonical for e in group if e.canonical})
    links = sorted({e.link for e in group if e.link})
    names = Counter(n for e in group for n in e.names)
    if forced:
        label = forced[0]
    else:
        # The name most articles wrote in full: "Wladimir Klitschko" over a headline's
        # "Network Wladimir Klitschko", "Hewlett-Packard" over "HP", "Vladimir Putin" over "Putin".
        articles = Counter(n for e in group for n in set(e.names))
        preferred = _geonames_name(links)
        label = max(names, key=lambda n: (
            category != "Place" or etype != "MilitaryBase" or _is_base_name(n),
            _written_in_full(n, category),
            unidecode(n).lower() == preferred,
            articles[n],
            len(n.split()),
            len(n),
            names[n],
            [-ord(c) for c in n],
        ))
    titles = {t for e in group for t in e.titles}
    alt_labels = tuple(sorted({n for n in names if n != label} | titles))
    link = next((l for l in links if l.startswith(("wikidata:", "iso3166:"))), links[0] if links else None)
    return category, etype, label, alt_labels, link


def _written_in_full(name: str, category: str) -> bool:
    """A person's name with a given name and a surname; an organisation's not as an acronym."""
    if category == "Person":
        return len(name.split()) > 1
    return category != "Organization" or not (name.isupper() and " " not in name)


def _is_base_name(name: str) -> bool:
    return any(w in BASE_HEADS for w in name.lower().split())


def _geonames_name(links: list[str]) -> str | None:
    for link in links:
        if link.startswith("geonames:"):
            name = gazetteer.geonames_name(link.split(":", 1)[1])
            if name:
                return unidecode(name).lower()
    return None


def _positions(
    articles: list[ArticleFacts], nodes: dict[str, Node], members: dict[tuple[str, str], str],
    countries: dict[str, str],
) -> dict[tuple[str, str | None], str]:
    """Position nodes, and Country nodes for jurisdictions that no article named as a place.

    A bare title ("President") is dropped for a person whom some article gives the full
    office ("President of Russia").
    """
    countries.update({n.label: n.key for n in nodes.values() if n.type == "Country"})
    held = [(members[(f.article_id, fact.person)], fact) for f in articles for fact in f.facts
            if isinstance(fact, HoldsPosition)]
    specific = {(person, fact.title) for person, fact in held if fact.jurisdiction}
    positions: dict[tuple[str, str | None], str] = {}
    for person, fact in held:
        country = fact.jurisdiction
        if country is None and (person, fact.title) in specific:
            continue
        if country and country not in countries:
            found = gazetteer.country(country)
            key, number = f"place/{slug(country)}", 1
            while key in nodes:  # never overwrite another place of that name (Georgia the US state)
                number += 1
                key = f"place/{slug(country)}-{number}"
            nodes[key] = Node(key, "Country", country, (), f"iso3166:{found.alpha2}" if found else None)
            countries[country] = key
        positions[(fact.title, country)] = f"position/{slug(position_label(fact.title, country))}"
    return positions


def position_label(title: str, country: str | None) -> str:
    return f"{title} of {country}" if country else title
