"""Node building: one node per group the phases joined, with its type, label, other names
and gazetteer link, and a key (IRI path) that stays with the entity from build to build
(:class:`Registry`, :func:`kept_keys`)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable

from unidecode import unidecode

from kg import gazetteer
from kg.extract.references import BASE_HEADS
from kg.facts import Entity
from kg.names import ascii_fold, slug
from kg.resolution.records import Merge, Node
from kg.resolution.state import Item, State

SPECIFICITY = {"MilitaryBase": 4, "Region": 3, "City": 2, "Country": 2, "Place": 0}
CATEGORY_PATH = {"Person": "person", "Organization": "organization", "Place": "place"}


def build_nodes(state: State, known: dict[Item, str]) -> tuple[dict[str, Node], dict[Item, str], list[Merge]]:
    """The nodes of the groups the phases joined, which node each item is in, and the rule
    each name joined by (:class:`Merge`)."""
    entities, uf = state.entities, state.uf
    groups: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
    for item in entities:
        groups[uf.find(item)].append(item)

    nodes: dict[str, Node] = {}
    members: dict[tuple[str, str], str] = {}
    merges: list[Merge] = []
    pending = sorted((node_parts([entities[i] for i in items]), sorted(items)) for items in groups.values())
    kept = kept_keys([(parts[0], items) for parts, items in pending], known)
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
        nodes[key] = Node(key, etype, label, alt_labels, linked(link))
        for item in items:
            members[item] = key
            names = entities[item].names
            for surface in sorted(set(names)):
                rule = uf.rule.get(item, "first mention")
                if surface != names[0] and ascii_fold(surface) != ascii_fold(names[0]):
                    rule = f"{rule}; in the article joined to {names[0]!r}"
                merges.append(Merge(key, surface, item[0], rule))
    return nodes, members, merges


def kept_keys(groups: list[tuple[str, list[tuple[str, str]]]], known: dict[tuple[str, str], str]) -> dict[int, str]:
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


def node_parts(group: list[Entity]) -> tuple:
    """The category, type, label, other names and link of the node of a group of entities."""
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


def linked(link: str | None) -> tuple[str, ...]:
    """Every id an entity with the gazetteer id ``link`` has: a country's ISO 3166 code
    also names its GeoNames feature.

    >>> linked("iso3166:SY")
    ('iso3166:SY', 'geonames:163843')
    >>> linked("wikidata:Q7747"), linked(None)
    (('wikidata:Q7747',), ())
    """
    if link is None:
        return ()
    scheme, _, value = link.partition(":")
    if scheme == "iso3166" and (geonameid := gazetteer.country_geonameid(value)):
        return link, f"geonames:{geonameid}"
    return (link,)


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
