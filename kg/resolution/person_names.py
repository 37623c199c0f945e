"""When two person names can be one person's: nicknames, middle names, one slipped letter."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator

from nicknames import NickNamer
from rapidfuzz.distance import DamerauLevenshtein

NICKNAMES = NickNamer()


def is_given_name(word: str) -> bool:
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


def surname_forms(name: str) -> set[str]:
    """The surname of a full name and its one-letter deletions: two names
    :func:`same_person_name` accepts always share one (two surnames one typo apart share a deletion)."""
    surname = name.split()[-1]
    return {surname} | deletions(surname, shortest=4)


def given_forms(name: str) -> set[str]:
    """The given name, the names it is a nickname of, and its deletions where a slip is
    allowed: two names :func:`same_person_name` accepts always share one. Names that share
    a surname form and a given form are the only ones worth comparing (near-linear, not
    every pair of a surname)."""
    given = name.split()[0]
    return {given} | NICKNAMES.canonicals_of(given) | deletions(given, shortest=6)


def blocks(keys: Iterable[str], forms: Callable[[str], set[str]]) -> Iterator[list[str]]:
    """The keys that share each form, where two or more do: the only keys worth comparing."""
    by_form: dict[str, list[str]] = defaultdict(list)
    for key in keys:
        for form in forms(key):
            by_form[form].append(key)
    return (group for group in by_form.values() if len(group) > 1)


def deletions(word: str, shortest: int) -> set[str]:
    """The word with one letter dropped, each way: two words one typo apart share one."""
    return {word[:i] + word[i + 1:] for i in range(len(word))} if len(word) >= shortest else set()

