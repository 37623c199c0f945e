"""Joining the entities of many articles into one node per real-world entity.

Resolution runs in phases (:data:`~kg.resolution.phases.PHASES`, in the order they run),
each a deterministic rule recorded with every join it makes (:attr:`Resolution.merges`,
what ``kg explain`` prints):

1. *Same key* (``same-key.v1``, :mod:`~kg.resolution.same_key`). Names meet under a key
   that ignores what writers vary: case, accents, Arabic articles and transliteration
   (Hmeimim / Hmeymim / Khmeimim, Tartus / Tartous, Bashar al-Assad / Bashar Assad),
   honorifics, titles, possessives, company suffixes. Alias tables join acronyms and other
   names (IS / Daesh / Islamic State).
2. *Same name, other type or spacing* (``retyped.v1``, :mod:`~kg.resolution.retyped`):
   "SeaMicro" / "Sea Micro"; a name the model typed PERSON in one article and ORG in most others.
3. *Names written another way*: a person's nickname, middle name or one slipped letter
   (Fred LaRue / Frederick C. LaRue, Klitschko / Klistchko; ``person-variants.v1``), a
   full name typed ORG elsewhere or with a headline's word before it (``full-names.v1``),
   misspelt places and organisations (``misspellings.v1``), a place with or without its
   generic word ("the Mediterranean Sea"; ``place-generics.v1``).
4. *Short names* (``short-names.v1``): a short form other articles used beside the full
   name ("Saints" with "New Orleans Saints"), initials, a team without its city; a base
   named without its generic word (``bases.v1``).
5. *One-word person names* (``bare-names.v1``), article by article: "Bush" joins the one
   person it can be, or the one whose articles share the most with its own.

Types must agree except where most articles overrule the model, and never for names a
gazetteer or alias table typed: a person named Jordan never joins the country.

Then each group becomes a node (:mod:`~kg.resolution.nodes`), and positions their
nodes (:mod:`~kg.resolution.positions`). The in-article joining of one article's mentions
is :mod:`kg.extract.joining`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from kg.facts import ArticleFacts
from kg.resolution.nodes import Registry, build_nodes
from kg.resolution.phases import PHASES
from kg.resolution.positions import find_positions, position_label
from kg.resolution.records import Merge, Node, Resolution
from kg.resolution.state import Phase, State

__all__ = ["PHASES", "Merge", "Node", "Registry", "Resolution", "position_label", "resolve_entities"]


def resolve_entities(
    articles: Iterable[ArticleFacts], known: dict[tuple[str, str], str] | None = None,
    phases: Mapping[str, Phase] | None = None,
) -> Resolution:
    """Join the entities of all articles by the registered phases; see the package docstring.

    ``known`` maps (article id, entity id) to the node key an earlier build gave it
    (a persistent store's registry): a node keeps the IRI it was first given, so saved
    queries and links survive later additions; a key goes on naming the entity that holds
    most of what it named (:func:`~kg.resolution.nodes.kept_keys`). Keys of a
    :class:`Registry`'s ``retired`` set are given to no one. ``phases`` runs other phases
    than :data:`PHASES` (to see what one of them does).
    """
    known = known if known is not None else {}
    state = State.of(articles)
    for phase in (PHASES if phases is None else phases).values():
        phase(state)
    nodes, members, merges = build_nodes(state, known)
    countries: dict[str, str] = {}
    positions = find_positions(state.articles, nodes, members, countries)
    return Resolution(nodes, members, positions, merges, countries)
