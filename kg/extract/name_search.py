"""kg's one search for names from a table: the longest matches, chosen by a named overlap rule.

Four parts of kg look for the names of a table in running words and must choose among
matches that overlap:

- the alias matcher (:class:`kg.extract.components.AliasMatcher`), a spaCy component:
  its ``PhraseMatcher`` finds every alias, :func:`choose` picks;
- the names an article writes again after tagging them once, and the parts of a headline
  span that the article's body names (:mod:`kg.extract.mentions`);
- the names other articles tagged, in the runs of capitalised words an article left
  unclaimed (:mod:`kg.corpus_names`, after extraction, on stored text with no ``Doc``).

:func:`longest_matches` looks the word sequences up in a table and :func:`choose` picks
among the matches by an :class:`Overlap` rule; the words may be token texts, words in
capitals or regular-expression matches, since a ``key`` function makes the table's key.

Only the alias search is a pipeline component. Its table is fixed when the pipeline is
built, so a ``PhraseMatcher`` holds it and any pipeline can run it. The other tables
exist only in the middle of kg's own work: the names of one article after the type
repairs of :class:`~kg.extract.mentions.MentionFinder` (with their canonical names and
links, and the words those mentions already claim), or the names the whole corpus
tagged, known only once every article has been extracted. A component run by the
pipeline would run before they exist.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from enum import Enum
from typing import Generic, NamedTuple, TypeVar

V = TypeVar("V")
W = TypeVar("W")


class Overlap(Enum):
    """Which of two overlapping matches a search keeps.

    ``LEFTMOST_LONGEST``: reading left to right, the match that starts first and, of those
    starting there, the longest; then the first match that starts after it ends (the rule
    of POSIX regular expressions). ``LONGEST_FIRST``: the longest match anywhere, then the
    longest that overlaps nothing kept, and so on, the earlier first among equally long
    ones (the rule of ``spacy.util.filter_spans``). In "Jabhat al-Nusra Front fighters"
    with the names "Jabhat al-Nusra" and "al-Nusra Front fighters" the first keeps
    "Jabhat al-Nusra", the second "al-Nusra Front fighters".
    """

    LEFTMOST_LONGEST = "leftmost-longest"
    LONGEST_FIRST = "longest-first"


class Match(NamedTuple, Generic[V]):
    """Words ``start:end`` of a search's words and the table's value for them."""

    start: int
    end: int
    value: V


def choose(matches: Iterable[Match[V]], overlap: Overlap, *,
           accept: Callable[[Match[V]], bool] | None = None) -> list[Match[V]]:
    """The matches kept by the rule ``overlap``, none overlapping another, in text order.

    ``accept`` may refuse a match (a verb, words another name claims); a refused match
    keeps no other out, so a shorter one at its place may be kept instead. It is asked
    only about matches that overlap none kept so far, in the rule's order. Matches at the
    same words keep the order they came in.

    >>> found = [Match(0, 2, "Jabhat al-Nusra"), Match(1, 4, "al-Nusra Front fighters"), Match(2, 3, "Front")]
    >>> [m.value for m in choose(found, Overlap.LEFTMOST_LONGEST)]
    ['Jabhat al-Nusra', 'Front']
    >>> [m.value for m in choose(found, Overlap.LONGEST_FIRST)]
    ['al-Nusra Front fighters']
    >>> [m.value for m in choose(found, Overlap.LONGEST_FIRST, accept=lambda m: m.end - m.start < 3)]
    ['Jabhat al-Nusra', 'Front']
    """
    if overlap is Overlap.LEFTMOST_LONGEST:
        ranked = sorted(matches, key=lambda m: (m.start, m.start - m.end))
    else:
        ranked = sorted(matches, key=lambda m: (m.start - m.end, m.start))
    kept: list[Match[V]] = []
    covered: set[int] = set()
    for match in ranked:
        words = range(match.start, match.end)
        if covered.isdisjoint(words) and (accept is None or accept(match)):
            kept.append(match)
            covered.update(words)
    return sorted(kept, key=lambda m: m.start)


def longest_matches(words: Sequence[W], table: Mapping[Hashable, V], overlap: Overlap, *,
                    key: Callable[[Sequence[W]], Hashable] = tuple, max_words: int | None = None,
                    accept: Callable[[Match[V]], bool] | None = None) -> list[Match[V]]:
    """The runs of ``words`` whose key is in ``table``, chosen by the rule ``overlap`` (see :func:`choose`).

    Args:
        words: the words searched, anything ``key`` reads: token texts, words in capitals,
            regular-expression matches over a text.
        table: the names looked for, by key.
        overlap: which of two overlapping matches is kept.
        key: the table key of a run of words (``words[start:end]``); by default the tuple of
            the words.
        max_words: the longest run tried; by default the length of the longest key, which
            then must be a sequence of words.
        accept: refuses a match, as in :func:`choose`.

    Returns the matches in text order, each with the table's value for its words.

    >>> table = {("New", "York"): "city", ("New", "York", "Times"): "paper", ("Times", "Square"): "square"}
    >>> words = "The New York Times Square".split()
    >>> [(m.start, m.end, m.value) for m in longest_matches(words, table, Overlap.LEFTMOST_LONGEST)]
    [(1, 4, 'paper')]
    >>> [(m.start, m.end, m.value) for m in longest_matches(words, table, Overlap.LONGEST_FIRST)]
    [(1, 4, 'paper')]
    >>> [(m.start, m.end, m.value) for m in longest_matches(words, table, Overlap.LONGEST_FIRST, max_words=2)]
    [(1, 3, 'city'), (3, 5, 'square')]
    """
    if max_words is None:
        max_words = max((len(k) for k in table), default=0)
    found = []
    for start in range(len(words)):
        for end in range(start + 1, min(len(words), start + max_words) + 1):
            found_key = key(words[start:end])
            if found_key in table:
                found.append(Match(start, end, table[found_key]))
    return choose(found, overlap, accept=accept)
