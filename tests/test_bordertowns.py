"""The towns the map names along any border (GeoNames, from the bundled table)."""

from __future__ import annotations

import pytest

from borderwatch import config
from borderwatch.bordermeasures import measure_border
from borderwatch.borders import find_border
from borderwatch.bordertowns import GEONAMES_SOURCE, border_places
from borderwatch.reference import PLACE_COLUMNS


@pytest.mark.parametrize("key", ["DZA-MAR", "POL-BLR", "MEX-USA"])
def test_a_borders_places_are_its_countries_towns_on_their_own_side_near_it(key):
    border = find_border(key)
    places = border_places(key)
    assert len(places) >= 10
    assert list(places.columns[: len(PLACE_COLUMNS)]) == list(PLACE_COLUMNS)
    assert set(places["country"]) == {border.name_a, border.name_b}
    measured = measure_border(places["latitude"], places["longitude"], key)
    assert (measured["border_side"].to_numpy() == places["country"].to_numpy()).all()
    assert (measured["distance_border_km"] <= config.BORDER_PLACES_KM).all()
    assert places["id"].is_unique and places["id"].str.fullmatch(r"geonames-\d+").all()
    assert (places["kind"] == "town").all() and (places["population"] >= 15_000).all()
    assert (places["source"] == GEONAMES_SOURCE).all()


def test_codes_in_either_order_give_the_same_places():
    assert border_places("mar-dza")["id"].tolist() == border_places("DZA-MAR")["id"].tolist()
