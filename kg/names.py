"""Name normalisation: the keys under which spellings of one name meet, and safe slugs.

>>> place_key("Khmeimim") == place_key("Hmeymim") == place_key("Hmeimim")
True
>>> place_key("Tartous") == place_key("Tartus")
True
>>> place_key("Mt. Cook") == place_key("Mount Cook")
True
>>> person_key("Bashar al-Assad") == person_key("Bashar Assad")
True
>>> slug("Hmeimim air base")
'hmeimim-air-base'
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache

from unidecode import unidecode

from kg import lexicon

HONORIFICS = frozenset(lexicon.word_classes("honorifics.tsv"))
# Titles written before a name ("General Musharraf", "Gov. Mike Pence"); not part of the name.
TITLE_PREFIXES = lexicon.words("titles.tsv", "before_name")
# Arabic and other articles and particles that writers keep or drop: al-Assad / Assad.
_PARTICLES = re.compile(r"\b(?:al|el|ad|as|ash|an|ar|at|az)[-\s]+(?=\w)", re.IGNORECASE)
# Spellings that transliterations of one sound take (Hmeimim/Hmeymim/Khmeimim, Tartus/Tartous).
_TRANSLIT = (
    (re.compile(r"^kh"), "h"),
    (re.compile(r"kh"), "h"),
    (re.compile(r"ou"), "u"),
    (re.compile(r"oo"), "u"),
    (re.compile(r"ey|ei|ay|ai|y"), "i"),
    (re.compile(r"q"), "k"),
    (re.compile(r"ph"), "f"),
    (re.compile(r"(.)\1+"), r"\1"),  # doubled letters: Gaddafi / Gadafi
)


@lru_cache(maxsize=1 << 17)  # resolution asks for the keys of one name many times
def ascii_fold(text: str) -> str:
    """Lower case, accents and scripts transliterated to ASCII, spaces folded.

    >>> ascii_fold("  Zürich  Airport"), ascii_fold("Tartus")
    ('zurich airport', 'tartus')
    """
    if text.isascii():  # what unidecode returns unchanged; most names, and the GeoNames index
        return " ".join(text.lower().split())
    return " ".join(unidecode(text).lower().split())


def compact(text: str) -> str:
    """A name with case, accents, punctuation and spaces ignored: "Sea Micro" -> "seamicro"."""
    return "".join(re.findall(r"[a-z0-9]+", ascii_fold(text)))


def strip_possessive(text: str) -> str:
    """``Assad's`` -> ``Assad``; ``Russians'`` -> ``Russians``."""
    return re.sub(r"(?:['’]s|(?<=s)['’])$", "", text.strip())


def name_tokens(text: str) -> list[str]:
    """The words of a name without honorifics, titles, nicknames, possessive or punctuation.

    >>> name_tokens("Vincent 'The Chin' Gigante's")
    ['Vincent', 'Gigante']
    """
    text = re.sub(r"[\"“”]\s*[^\"“”]+\s*[\"“”]|\s['‘][A-Z][^'’]*['’](?=\s)", " ", strip_possessive(text))
    words = re.findall(r"[\w][\w.'’-]*", text)
    while len(words) > 1 and (words[0].lower() in HONORIFICS or words[0].lower() in TITLE_PREFIXES):
        words = words[1:]
    return words


def _joined_apostrophes(text: str) -> str:
    """ "o'brien" -> "obrien", "ka'loni" -> "kaloni": an apostrophe inside a name does not split it."""
    return re.sub(r"(?<=[a-z])'(?=[a-z])", "", text)


GENERATIONAL = lexicon.words("name_words.tsv", "generational")


@lru_cache(maxsize=1 << 17)
def person_key(text: str) -> str:
    """Key of a person's name: folded; honorifics, titles, Arabic articles, middle initials and
    generational suffixes removed.

    >>> person_key("Dr. Regina M. Benjamin") == person_key("Regina Benjamin")
    True
    >>> person_key("Arcade Joseph Comeaux, Jr.")
    'arcade joseph comeaux'
    >>> person_key("Mr O'Brien")
    'obrien'
    """
    folded = _joined_apostrophes(ascii_fold(" ".join(name_tokens(text))))
    folded = _PARTICLES.sub("", folded)
    words = [w for w in re.findall(r"[a-z0-9]+", folded) if w not in GENERATIONAL]
    if len(words) > 2:
        words = [words[0], *(w for w in words[1:-1] if len(w) > 1), words[-1]]
    return " ".join(words)


COMPANY_SUFFIXES = re.compile(  # the legal forms of organisations.tsv, any number of them at the end
    r"(?:,?\s+(?:" + "|".join(sorted(map(re.escape, lexicon.words("organisations.tsv", "legal_suffix")), key=len,
                                    reverse=True)) + r")\.?)+$"
)


@lru_cache(maxsize=1 << 17)
def place_key(text: str, *, transliterate: bool = True) -> str:
    """Key of a place, group or company name, robust to legal suffixes ("Hewlett-Packard Co." /
    "Hewlett-Packard Corp") and, with ``transliterate``, to transliteration variants
    ("Hmeimim" / "Khmeimim", which also makes "Lyon" and "Lion" one key)."""
    folded = _PARTICLES.sub("", _joined_apostrophes(ascii_fold(strip_possessive(text))))
    folded = re.sub(r"^the\s+", "", folded)
    folded = COMPANY_SUFFIXES.sub("", folded) or folded
    folded = folded.replace("centre", "center")
    folded = re.sub(r"^(mt|ft)\.?\s", lambda m: {"mt": "mount ", "ft": "fort "}[m.group(1)], folded)  # Mt Cook / Mount Cook
    words = []
    for word in re.findall(r"[a-z0-9]+", folded):
        for pattern, replacement in _TRANSLIT if transliterate else ():
            word = pattern.sub(replacement, word)
        words.append(word)
    return " ".join(words)


def slug(text: str, max_length: int = 80) -> str:
    """A lower-case ASCII slug safe in an IRI and as a Turtle local name."""
    words = re.findall(r"[a-z0-9]+", ascii_fold(text))
    value = "-".join(words)[:max_length].strip("-")
    if not value:  # a name in a script unidecode cannot read, or only punctuation
        value = "x" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]
    return value
