"""Position nodes ("President of Russia") and the Country nodes their jurisdictions need."""

from __future__ import annotations

from kg import gazetteer
from kg.facts import ArticleFacts, HoldsPosition
from kg.names import slug
from kg.resolution.nodes import linked
from kg.resolution.records import Node


def find_positions(
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
            link = f"iso3166:{found.alpha2}" if found else None
            nodes[key] = Node(key, "Country", country, (), linked(link))
            countries[country] = key
        positions[(fact.title, country)] = f"position/{slug(position_label(fact.title, country))}"
    return positions


def position_label(title: str, country: str | None) -> str:
    return f"{title} of {country}" if country else title
