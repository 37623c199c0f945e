"""Cross-article entity resolution at scale: people who share a surname, the case that makes
pairwise name comparison quadratic (issue 11).

    .venv/bin/python benchmarks/bench_resolve.py [N ...]    # default: 500 1000 2000

Each article names one person "<given> Smith" in full (N distinct people, the first given
names from the nicknames table, so that nicknames are in play), and one in five also says
just "Smith". Prints seconds per size and the ratio of times
between sizes (near-linear resolution: about 2 for double the people; quadratic: about 4).
"""

from __future__ import annotations

import random
import string
import sys
import time

from kg.facts import ArticleFacts, Entity
from kg.resolution import resolve_entities
from kg.resolution.person_names import NICKNAMES


def given_names(count: int, seed: int = 0) -> list[str]:
    """``count`` given names: the nickname table's canonical names, then made-up ones."""
    names = sorted({c for n in ("bill", "bob", "jim", "kate", "liz", "tom", "fred", "sue", "meg", "dick")
                    for c in NICKNAMES.canonicals_of(n)})
    rng = random.Random(seed)
    while len(names) < count:
        names.append("".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(4, 8))))
    return names[:count]


def corpus(people: int, seed: int = 0) -> list[ArticleFacts]:
    rng = random.Random(seed)
    names = given_names(people, seed)
    articles = []
    for n in range(people):
        entities = [Entity("e0", "Person", (f"{names[n].title()} Smith",))]
        if rng.random() < 0.2:
            entities.append(Entity("e1", "Person", ("Smith",)))  # "Smith said": whichever Smith the article names
        articles.append(ArticleFacts(f"a{n:05d}", tuple(entities), ()))
    return articles


def main(sizes: list[int]) -> int:
    previous = None
    for size in sizes:
        articles = corpus(size)
        start = time.perf_counter()
        resolution = resolve_entities(articles)
        seconds = time.perf_counter() - start
        nodes = len({resolution.node_of(a.article_id, "e0") for a in articles})
        ratio = f"  x{seconds / previous:.1f} the time of half as many" if previous else ""
        print(f"{size:6d} people named Smith: {seconds:6.2f} s, {nodes} nodes{ratio}")
        previous = seconds
    return 0


if __name__ == "__main__":
    sys.exit(main([int(a) for a in sys.argv[1:]] or [500, 1000, 2000]))
