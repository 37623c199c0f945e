"""Names the model missed in one article, found again because other articles tagged them.

The small English model tags "Wladimir Klitschko" in nine reports of a fight and misses
him in the tenth; it tags "TMZ" as an organisation in two articles and nothing in a
third. Extraction keeps the runs of capitalised words no entity claimed
(:attr:`kg.facts.ArticleFacts.unclaimed`); :func:`add_corpus_names` looks them up in the
names the whole corpus tagged (:func:`corpus_lexicon`) and adds what it finds to the
article's entities, before resolution.

A name counts only when at least :data:`MIN_ARTICLES` articles tagged it and at least
two thirds of those agree on its category, so one article's mistake spreads nowhere.
The result depends on all articles, not their order: a build that adds articles one at a
time equals the build of all of them at once.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from kg import gazetteer
from kg.extract.name_search import Overlap, longest_matches
from kg.extract.references import TITLE_WORDS
from kg.facts import PLACE_TYPES, ArticleFacts, Entity
from kg.names import slug, strip_possessive

MIN_ARTICLES = 2
MAX_WORDS = 6
_WORD = re.compile(r"\S+")


@dataclass(frozen=True)
class KnownName:
    """A name as the corpus typed it."""

    type: str
    link: str | None

    @property
    def category(self) -> str:
        return PLACE_TYPES.get(self.type, self.type)


def corpus_lexicon(articles: Iterable[ArticleFacts]) -> dict[str, KnownName]:
    """The names that :data:`MIN_ARTICLES` or more articles tagged, with the type most of them
    gave it (and the external link, when all of them agree on one).

    Names an alias table forced, bases, names shorter than three letters, and single
    words that are titles or nationalities ("President", "American") are left out.
    """
    seen: dict[str, dict[str, list[Entity]]] = defaultdict(lambda: defaultdict(list))
    for facts in articles:
        for entity in facts.entities:
            if entity.canonical or entity.type == "MilitaryBase":
                continue
            for name in set(entity.names):
                seen[name][facts.article_id].append(entity)
    lexicon = {}
    for name, by_article in seen.items():
        if len(by_article) < MIN_ARTICLES or not _worth_finding(name):
            continue
        votes = Counter(category for entities in by_article.values() for category in {e.category for e in entities})
        category, count = min(votes.items(), key=lambda kv: (-kv[1], kv[0]))
        if count * 3 < sum(votes.values()) * 2:
            continue
        typed = [e for entities in by_article.values() for e in entities if e.category == category]
        kind = min(Counter(e.type for e in typed).items(), key=lambda kv: (-kv[1], kv[0]))[0]
        links = {e.link for e in typed}
        lexicon[name] = KnownName(kind, links.pop() if len(links) == 1 else None)
    return lexicon


def _worth_finding(name: str) -> bool:
    words = name.split()
    if len(name) < 3 or not name[:1].isupper():
        return False
    nationality = gazetteer.demonym(name) or gazetteer.demonym(name.removesuffix("s"))
    return not (len(words) == 1 and (name.lower() in TITLE_WORDS or nationality))


def add_corpus_names(articles: Sequence[ArticleFacts]) -> list[ArticleFacts]:
    """The articles with the names of :func:`corpus_lexicon` found in their unclaimed words.

    A name found joins the article's entity of that name, a surname joins the one person
    the article names in full with it, and any other name becomes a new entity, whose id
    (``c-organization-tmz``) says which name it is whatever other articles the build holds.
    """
    lexicon = corpus_lexicon(articles)
    return [_with_names(facts, lexicon) if facts.unclaimed else facts for facts in articles]


def _matches(unclaimed: Iterable[tuple[int, str]], lexicon: dict[str, KnownName]) -> list[tuple[int, int, str]]:
    """(start, end, name) of the longest lexicon names in the runs, left to right."""
    return [found for offset, text in unclaimed for found in _run_matches(offset, text, lexicon)]


def _run_matches(offset: int, text: str, lexicon: dict[str, KnownName]) -> list[tuple[int, int, str]]:
    """(start, end, name) of the lexicon names in one run of words starting at ``offset``:
    of :data:`MAX_WORDS` words at most, possessives dropped; of overlapping names the leftmost,
    longest one (:data:`~kg.extract.name_search.Overlap.LEFTMOST_LONGEST`)."""
    words = list(_WORD.finditer(text))

    def name(run: Sequence[re.Match]) -> str:
        return strip_possessive(text[run[0].start():run[-1].end()])

    found = []
    for match in longest_matches(words, lexicon, Overlap.LEFTMOST_LONGEST, key=name, max_words=MAX_WORDS):
        start = offset + words[match.start].start()
        found_name = name(words[match.start:match.end])
        found.append((start, start + len(found_name), found_name))
    return found


def _completed_names(facts: ArticleFacts, lexicon: dict[str, KnownName]) -> dict[str, Entity]:
    """The article's persons, with a surname the model tagged alone completed by the given
    name written before it, when other articles tagged that full name: "Esther Williams"
    where the model saw only "Williams"."""
    run_ends = {start + len(text): text for start, text in facts.unclaimed}
    entities = {}
    for entity in facts.entities:
        spans, names = list(entity.spans), list(entity.names)
        for index, ((start, end), name) in enumerate(zip(entity.spans, entity.names)):
            before = run_ends.get(start - 1)
            if entity.category != "Person" or " " in name or before is None:
                continue
            words = before.split()
            for given in (" ".join(words[-2:]), words[-1]):
                full = f"{given} {name}"
                if full in lexicon and lexicon[full].type == "Person":
                    spans[index], names[index] = (start - len(given) - 1, end), full
                    break
        entities[entity.id] = replace(entity, spans=tuple(spans), names=tuple(names))
    return entities


def _with_names(facts: ArticleFacts, lexicon: dict[str, KnownName]) -> ArticleFacts:
    entities = _completed_names(facts, lexicon)
    claimed = [span for entity in entities.values() for span in entity.spans]
    matches = [(start, end, name) for start, end, name in _matches(facts.unclaimed, lexicon)
               if all(end <= s or start >= e for s, e in claimed)]
    if not matches:
        return replace(facts, entities=tuple(entities.values()))
    by_name = {(name, e.category): e.id for e in entities.values() for name in e.names}
    found: dict[str, list[tuple[tuple[int, int], str]]] = defaultdict(list)  # entity id -> (span, name)
    created: list[str] = []
    # Full names first, so that a surname can join a person found in the same pass.
    for start, end, name in sorted(matches, key=lambda m: (-len(m[2].split()), m[0])):
        known = lexicon[name]
        category = known.category
        eid = by_name.get((name, category))
        if eid is None and category == "Person" and " " not in name:
            fits = {i for (n, c), i in by_name.items() if c == "Person" and len(n.split()) > 1 and n.split()[-1] == name}
            eid = fits.pop() if len(fits) == 1 else None
        if eid is None:
            # The id names the name, so a store's registry of IRIs never mistakes one found name for another.
            eid = f"c-{category.lower()}-{slug(name)}"
            if eid not in entities:  # "T-Mobile" and "T Mobile" are one entity
                created.append(eid)
                entities[eid] = Entity(eid, known.type, (), link=known.link)
            by_name[(name, category)] = eid
        found[eid].append(((start, end), name))
    for eid, mentions in found.items():
        entity = entities[eid]
        both = sorted([*zip(entity.spans, entity.names), *mentions])
        entities[eid] = replace(entity, spans=tuple(s for s, _ in both), names=tuple(n for _, n in both))
    return replace(facts, entities=tuple(entities[e.id] for e in facts.entities) + tuple(entities[i] for i in created))
