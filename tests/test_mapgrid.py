"""The map grid: cells nest from zoom to zoom, contain their points, and months split cleanly."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from borderwatch.mapgrid import (
    cell_bounds,
    cell_range,
    cell_shift,
    first_whole_month,
    grid_xy,
    last_whole_month,
    month_index,
    month_start,
    summary_level,
)
from borderwatch.mapview import MapView, fetch_area, view_around, view_from_state

_LAT = st.floats(min_value=-85.0, max_value=85.0)
_LON = st.floats(min_value=-180.0, max_value=179.999)


def test_a_cell_is_64_screen_pixels():
    # At zoom 0 the world is 256 px wide: four cells across.
    assert cell_shift(0) == 22 and cell_shift(14) == 8
    assert cell_bounds(np.array([0]), np.array([0]), 0)[0][1:4:2].tolist() == [-180.0, -90.0]
    with pytest.raises(ValueError):
        cell_shift(-1)


@given(_LAT, _LON, st.integers(min_value=0, max_value=16))
def test_a_point_lies_in_its_cell(latitude, longitude, zoom):
    x, y = grid_xy(np.array([latitude]), np.array([longitude]))
    shift = cell_shift(zoom)
    south, west, north, east = cell_bounds(x >> shift, y >> shift, zoom)[0]
    assert west - 1e-9 <= longitude <= east + 1e-9
    assert south - 1e-9 <= latitude <= north + 1e-9


@given(_LAT, _LON, st.integers(min_value=1, max_value=16))
def test_cells_nest_from_one_zoom_to_the_next(latitude, longitude, zoom):
    x, y = grid_xy(np.array([latitude]), np.array([longitude]))
    assert (x >> cell_shift(zoom)) >> 1 == x >> cell_shift(zoom - 1)
    assert (y >> cell_shift(zoom)) >> 1 == y >> cell_shift(zoom - 1)


def test_summary_levels_cover_every_zoom_up_to_the_finest():
    assert summary_level(0) == 4 and summary_level(5) == 6 and summary_level(12) == 12
    assert summary_level(13) is None


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_whole_months_start_and_end_on_month_boundaries(day):
    first = first_whole_month(day)
    assert month_start(first) >= day
    assert month_start(first) - day < dt.timedelta(days=31)
    last = last_whole_month(day)
    assert month_start(last + 1) - dt.timedelta(days=1) <= day
    assert month_index(np.array([np.datetime64(day, "D")]))[0] in (first, first - 1)


def test_the_boxes_cells_cover_it():
    x_min, x_max, y_min, y_max = cell_range((10.0, 32.0, 12.0, 34.0), 8)
    assert x_min <= x_max and y_min <= y_max
    south, west, _, _ = cell_bounds(np.array([x_min]), np.array([y_max]), 8)[0]
    _, _, north, east = cell_bounds(np.array([x_max]), np.array([y_min]), 8)[0]
    assert west <= 10.0 and east >= 12.0 and south <= 32.0 and north >= 34.0


def test_the_default_view_shows_the_border_region():
    view = view_around((33.6, 11.4), 6.5, 900, 700)
    assert view.zoom == 6
    assert view.west < 9.5 and view.east > 12.5 and view.south < 30.2 and view.north > 36.8


@pytest.mark.parametrize("state", [
    None, {}, {"bounds": None, "zoom": 7}, {"bounds": {"_southWest": {"lat": "x", "lng": 1}}, "zoom": 7},
    {"bounds": {"_southWest": {"lat": 35, "lng": 8}, "_northEast": {"lat": 30, "lng": 14}}, "zoom": 7},
    {"bounds": {"_southWest": {"lat": float("nan"), "lng": 8}, "_northEast": {"lat": 30, "lng": 14}}, "zoom": 7},
])
def test_a_malformed_view_from_the_browser_falls_back_to_the_default(state):
    default = MapView(1.0, 2.0, 3.0, 4.0, 5)
    assert view_from_state(state, default) == default


def test_the_reported_view_is_read_and_wrapped():
    state = {"bounds": {"_southWest": {"lat": 30, "lng": 368}, "_northEast": {"lat": 36, "lng": 374}}, "zoom": 7.5}
    assert view_from_state(state, MapView(0, 0, 1, 1, 1)) == MapView(8.0, 30.0, 14.0, 36.0, 7)


@given(_LAT, _LON, st.floats(min_value=0.01, max_value=5), st.integers(min_value=2, max_value=14))
def test_the_fetched_area_holds_the_view(latitude, longitude, size, zoom):
    south, north = max(latitude - size, -85.0), min(latitude + size, 85.0)
    west, east = max(longitude - size, -180.0), min(longitude + size, 180.0)
    view = MapView(west, south, east, north, zoom)
    area = fetch_area(view)
    assert area.west <= west and area.east >= east and area.south <= south and area.north >= north


def test_a_small_pan_fetches_the_same_area():
    view = MapView(10.0, 32.0, 12.0, 34.0, 8)
    moved = MapView(10.01, 32.01, 12.01, 34.01, 8)
    assert fetch_area(view) == fetch_area(moved)
