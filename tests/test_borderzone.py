"""Measures against the border and the barrier, on hand-built geometry and the bundled data."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import LineString, Point, box

from borderwatch import borderzone, config, reference
from borderwatch.errors import BarrierGeometryError
from tests.factories import measured_incidents

# A straight north-south border at easting 600 km (UTM 32N), 50 km long from
# its northern ("coastal") end; a barrier 2 km west of it along its first 30 km.
# West of the border is "Westland", east "Eastland".
_E, _N = 600_000.0, 3_700_000.0


def _wgs84(geometry):
    return gpd.GeoSeries([geometry], crs=config.METRIC_CRS).to_crs(config.GEOGRAPHIC_CRS).iloc[0]


def _latlon(x: float, y: float) -> tuple[float, float]:
    point = _wgs84(Point(x, y))
    return point.y, point.x


@pytest.fixture(scope="module")
def zone() -> borderzone.BorderZone:
    border = _wgs84(LineString([(_E, _N), (_E, _N - 50_000)]))
    barrier = _wgs84(LineString([(_E - 2_000, _N), (_E - 2_000, _N - 30_000)]))
    countries = gpd.GeoDataFrame(
        {"name": ["Westland", "Eastland"]},
        geometry=[box(_E - 100_000, _N - 100_000, _E, _N), box(_E, _N - 100_000, _E + 100_000, _N)],
        crs=config.METRIC_CRS,
    ).to_crs(config.GEOGRAPHIC_CRS)
    world = gpd.GeoDataFrame({"name": ["Farland"]}, geometry=[box(0.0, 0.0, 1.0, 1.0)], crs=config.GEOGRAPHIC_CRS)
    return borderzone.build_zone(border, barrier, countries, world)


def _measure(zone, *points: tuple[float, float]):
    latlon = [_latlon(x, y) for x, y in points]
    return borderzone.measure([lat for lat, _ in latlon], [lon for _, lon in latlon], zone)


def test_distances_sides_strip_and_position_match_hand_computed_values(zone):
    found = _measure(
        zone,
        (_E - 1_000, _N - 10_000),  # 1 km west, 10 km down: inside the strip
        (_E - 5_000, _N - 20_000),  # 5 km west: beyond the barrier (3 km from it)
        (_E + 12_500, _N - 25_000),  # 12.5 km east, on the other side
        (_E - 1_000, _N - 40_000),  # 1 km west but south of the barrier's end
        (_E + 3_000, _N - 54_000),  # past the southern end: 3-4-5 triangle, 5 km
    )
    assert found["distance_border_km"].tolist() == pytest.approx([1.0, 5.0, 12.5, 1.0, 5.0], abs=0.01)
    # Barrier at easting -2 km, from 0 to 30 km down; the 4th point is 10 km
    # below its end and 1 km east of it: sqrt(10² + 1²) = 10.05 km; the 5th is
    # 5 km east and 24 km below it: sqrt(5² + 24²) = 24.52 km.
    assert found["distance_barrier_km"].tolist() == pytest.approx([1.0, 3.0, 14.5, 10.05, 24.52], abs=0.02)
    assert found["border_side"].tolist() == ["Westland", "Westland", "Eastland", "Westland", "Eastland"]
    assert found["between_barrier_and_border"].tolist() == [True, False, False, False, False]
    assert found["border_position_km"].tolist() == pytest.approx([10.0, 20.0, 25.0, 40.0, 50.0], abs=0.01)


def test_degrees_are_not_mistaken_for_kilometres():
    # One degree of longitude at 33° N is about 93.4 km, not 1.
    border = LineString([(11.0, 32.5), (11.0, 33.5)])
    barrier = LineString([(10.98, 33.5), (10.98, 32.7)])
    countries = gpd.GeoDataFrame({"name": ["W"]}, geometry=[box(9.0, 32.0, 11.0, 34.0)], crs=config.GEOGRAPHIC_CRS)
    zone = borderzone.build_zone(border, barrier, countries, countries)
    found = borderzone.measure([33.0], [10.0], zone)
    assert found["distance_border_km"].iloc[0] == pytest.approx(93.4, rel=0.01)


def test_points_outside_the_region_take_the_world_country_or_the_nearest_coast(zone):
    # Farland is the box 0–1° E, 0–1° N; a point far at sea belongs to nobody;
    # a point 10 km north of Westland's coast (its northern edge) is snapped to it.
    lat, lon = _latlon(_E - 50_000, _N + 10_000)
    found = borderzone.measure([0.5, -40.0, lat], [0.5, -30.0, lon], zone)
    assert found["border_side"].tolist() == ["Farland", "", "Westland"]


def test_a_barrier_that_encloses_nothing_is_refused():
    line = LineString([(600_000, 3_700_000), (600_000, 3_650_000)])
    with pytest.raises(BarrierGeometryError, match="enclose no area"):
        borderzone.strip_between(line, line)


@settings(max_examples=60, deadline=None)
@given(
    offset_km=st.floats(min_value=-60, max_value=60, allow_nan=False),
    along_km=st.floats(min_value=0, max_value=50, allow_nan=False),
)
def test_beside_a_straight_border_distance_is_the_offset_and_position_the_way_along(zone, offset_km, along_km):
    found = _measure(zone, (_E + offset_km * 1000, _N - along_km * 1000))
    assert found["distance_border_km"].iloc[0] == pytest.approx(abs(offset_km), abs=0.01)
    assert found["border_position_km"].iloc[0] == pytest.approx(along_km, abs=0.01)
    if abs(offset_km) > 0.01:
        assert found["border_side"].iloc[0] == ("Eastland" if offset_km > 0 else "Westland")
    inside = -2 + 0.01 < offset_km < -0.01 and 0.01 < along_km < 30 - 0.01
    outside = offset_km > 0.01 or offset_km < -2 - 0.01 or along_km > 30 + 0.01
    if inside or outside:
        assert bool(found["between_barrier_and_border"].iloc[0]) is inside


def test_bundled_incidents_are_measured_where_the_facts_put_them():
    incidents = measured_incidents(reference.load_incidents(config.INCIDENTS_PATH))
    by_location = incidents.set_index("id")
    raid = incidents[incidents["location"].str.startswith("Ben Guerdane (army barracks")].iloc[0]
    # The facts: Ben Guerdane lies about 26 km from the Natural Earth line.
    assert raid["distance_border_km"] == pytest.approx(26.4, abs=0.5)
    assert raid["border_side"] == "Tunisia"
    assert raid["distance_barrier_km"] == pytest.approx(raid["distance_border_km"] - 2.0, abs=0.2)
    sabratha = incidents[incidents["location"] == "Sabratha, Libya"].iloc[0]
    assert sabratha["border_side"] == "Libya"
    assert 80 < sabratha["distance_border_km"] < 100
    assert set(incidents["border_side"]) == {"Tunisia", "Libya"}
    assert not by_location.index.duplicated().any()


def test_the_bundled_strip_is_two_km_wide_along_the_barrier():
    zone = borderzone.bundled_zone()
    # Area / length: a strip 2 km wide along 180 km holds about 360 km².
    assert zone.strip.area / 1e6 / (zone.barrier.length / 1000) == pytest.approx(2.0, rel=0.05)
    assert zone.border.length / 1000 == pytest.approx(449.6, abs=0.5)


def test_measure_leaves_its_input_alone_and_keeps_the_order():
    incidents = reference.load_incidents(config.INCIDENTS_PATH)
    before = incidents.copy()
    measured = measured_incidents(incidents)
    assert incidents.equals(before)
    assert list(measured["id"]) == list(incidents["id"])
    assert set(borderzone.MEASURE_COLUMNS) <= set(measured.columns)
    assert np.isfinite(measured["distance_border_km"]).all()
