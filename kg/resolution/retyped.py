"""Phase retyped.v1: one name typed differently, or spaced otherwise, in different articles.

In-article counterpart: :func:`kg.extract.joining._join_retyped` (one article's mentions
of one name are one entity, however the model typed each).
"""

from __future__ import annotations

from collections import defaultdict

from kg.resolution.keys import name_form
from kg.resolution.state import State


def join_retyped(state: State) -> None:
    """One name typed differently in different articles: the minority joins the majority.

    The model types a rare name ("Seacom", "Creighton") PERSON in one article and ORG or
    GPE in others. When at least two thirds of the articles (and two or more) agree on a
    type, the others are taken for the model's mistakes. Names a gazetteer or alias
    table typed or linked (countries such as Jordan, GeoNames cities such as Houston) take
    no part, so a person named Jordan stays apart from the country. One-word person names
    are left to :func:`kg.resolution.bare_names.join_bare_names`.
    """
    uf = state.uf
    by_form: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for item, entity in state.named.items():
        if not entity.canonical and not entity.link and entity.type != "MilitaryBase":
            by_form[name_form(entity)][entity.category].append(item)
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
