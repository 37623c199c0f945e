"""kg's knowledge as data: word classes and tables in plain files beside this module.

Each file is read once (cached) by the loader for its format. A user edits the files,
not the code; ``tests/test_lexicon.py`` checks each loads and has no duplicates.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from types import MappingProxyType


def _lines(name: str, *, strip: bool = True):
    text = resources.files(__package__).joinpath(name).read_text(encoding="utf-8")
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip() and not line.lstrip().startswith("#"):
            yield number, line.strip() if strip else line.rstrip("\r")


@cache
def word_classes(name: str) -> MappingProxyType:
    """``word -> frozenset of classes`` from a ``class<TAB>word`` file.

    >>> sorted(word_classes("event_triggers.tsv")["visit"])[:3]
    ['gathering', 'meet', 'visit']
    """
    classes: dict[str, set[str]] = {}
    for number, line in _lines(name):
        try:
            cls, word = line.split("\t")
        except ValueError:
            raise ValueError(f"{name}:{number}: expected 'class<TAB>word', got {line!r}") from None
        classes.setdefault(word.lower(), set()).add(cls)
    return MappingProxyType({w: frozenset(c) for w, c in classes.items()})


@cache
def rows(name: str) -> tuple[tuple[str, ...], ...]:
    """The rows of a tab-separated file, each with as many columns as the first row."""
    found: list[tuple[str, ...]] = []
    for number, line in _lines(name, strip=False):
        cells = tuple(line.split("\t"))
        if found and len(cells) != len(found[0]):
            raise ValueError(f"{name}:{number}: expected {len(found[0])} columns, got {len(cells)}")
        found.append(cells)
    return tuple(found)


@cache
def table(name: str) -> MappingProxyType:
    """``key -> tuple of values`` from a ``key<TAB>value<TAB>...`` file; an empty value is "".

    >>> table("title_abbreviations.tsv")["gen."]
    ('General',)
    """
    rows: dict[str, tuple[str, ...]] = {}
    for number, line in _lines(name):
        key, *values = line.split("\t")
        if not values:
            raise ValueError(f"{name}:{number}: expected 'key<TAB>value', got {line!r}")
        if key.lower() in rows:
            raise ValueError(f"{name}:{number}: {key!r} is listed twice")
        rows[key.lower()] = tuple(values)
    return MappingProxyType(rows)


def words(name: str, cls: str) -> frozenset[str]:
    """The words of one class in a ``class<TAB>word`` file.

    >>> sorted(words("modality.tsv", "future"))
    ["'ll", 'shall', 'will']
    """
    return frozenset(w for w, classes in word_classes(name).items() if cls in classes)


@cache
def patterns(name: str) -> tuple[dict, ...]:
    """The entries of a spaCy pattern JSONL file, one JSON object a line, each with a
    token ``"pattern"``; a word list in a pattern is written as a reference to the lexicon
    file that holds it, so each list stays in one file: ``{"lexicon": "places.tsv",
    "class": "base_head"}`` stands for the words of one class (sorted),
    ``{"lexicon": "honorifics.tsv"}`` for every word of a file.

    >>> entry = next(e for e in patterns("mention_patterns.jsonl") if e["label"] == "honorific")
    >>> entry["pattern"][0]["LOWER"]["IN"][:3]
    ['dame', 'dr', 'dr.']
    """
    found = []
    for number, line in _lines(name):
        try:
            entry = json.loads(line)
        except json.JSONDecodeError as error:
            raise ValueError(f"{name}:{number}: not a JSON object: {error}") from None
        if not isinstance(entry, dict) or not isinstance(entry.get("pattern"), list):
            raise ValueError(f"{name}:{number}: expected an object with a \"pattern\" list, got {line!r}")
        found.append(_with_word_lists(entry, f"{name}:{number}"))
    return tuple(found)


def _with_word_lists(value, where: str):
    """``value`` with each ``{"lexicon": file, "class": cls}`` replaced by the sorted words it names."""
    if isinstance(value, list):
        return [_with_word_lists(item, where) for item in value]
    if not isinstance(value, dict):
        return value
    if "lexicon" in value:
        if set(value) - {"lexicon", "class"}:
            raise ValueError(f"{where}: a word list reference has only \"lexicon\" and \"class\", got {value!r}")
        found = words(value["lexicon"], value["class"]) if "class" in value else word_classes(value["lexicon"])
        if not found:
            raise ValueError(f"{where}: {value!r} names no words")
        return sorted(found)
    return {key: _with_word_lists(item, where) for key, item in value.items()}
