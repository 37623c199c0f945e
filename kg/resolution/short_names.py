"""Phase short-names.v1: organisations and places written short in one article and in full
in others ("Saints" with "New Orleans Saints"), initials, a team without its city.

In-article counterpart: :func:`kg.extract.joining._join_short_forms` ("Saints" after "New
Orleans Saints" in one article).
"""

from __future__ import annotations

from collections import Counter, defaultdict

from kg import gazetteer
from kg.extract.joining import name_initials
from kg.resolution.keys import entity_key
from kg.resolution.owners import dominant, roots
from kg.resolution.state import State


def join_short_names(state: State) -> None:
    """Organisations and places written short in one article and in full in others: a short
    name other articles used beside the full one, initials, a team without its city, and a
    surname the model typed ORG ("Comeaux")."""
    entities, by_key, surnames, uf = state.named, state.by_key, state.surnames, state.uf
    alternates = state.short_name_owners()

    def one_root(keys, category):
        found = {uf.find(by_key[(category, k)]) for k in keys}
        return next(iter(found)) if len(found) == 1 else None

    # A short name another article used for one entity: "Saints" with "New Orleans Saints".
    for item, entity in entities.items():
        if entity.canonical:
            continue
        key = entity_key(entity)
        owners = roots(alternates.get((entity.category, key), Counter()), uf)
        if not owners and entity.category != "Person" and not entity.link and " " not in key:
            owners = roots(alternates.get(("Person", key), Counter()), uf)  # "Lohan" typed GPE
        if owner := dominant(owners, uf.find(item)):
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


def _is_place_name(text: str) -> bool:
    return bool(gazetteer.city(text) or gazetteer.country(text) or gazetteer.is_region(text))
