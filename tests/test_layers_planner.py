"""Map layer of a surveillance plan: what is drawn, its labels, escaping, input unchanged."""

from __future__ import annotations

import folium
import geopandas as gpd
import pytest
from shapely.geometry import LineString, Point

from borderwatch import config
from borderwatch.escape import escape_html
from borderwatch.planner import evaluate, place_even
from layers.planner import (
    GAP_COLOUR,
    LAYER_PREFIX,
    gap_label,
    gap_style,
    plan_layer,
    sensor_label,
)

HOSTILE = "${alert(1)}<img src=x onerror=alert(2)></script>\\`C:\\path\\{{ 7*191 }}"

# A straight 100 km line along the UTM 32N northing 3,650 km (about 33° N, 9.5°–10.6° E).
X0, Y0 = 550_000.0, 3_650_000.0


def _wgs84(geometries: list) -> gpd.GeoSeries:
    return gpd.GeoSeries(geometries, crs=config.METRIC_CRS).to_crs(config.GEOGRAPHIC_CRS)


LINE = _wgs84([LineString([(X0, Y0), (X0 + 100_000, Y0)])]).iloc[0]


def _plan(name: str = "Even 5", range_km: float = 5.0):
    # Sensors at km 10, 30, ..., 90; with range 5 the gaps are 0-5, 15-25, ..., 95-100.
    # Two incidents 1 km from the sensor at km 30.
    incidents = gpd.GeoDataFrame(
        {"id": ["a", "b"]},
        geometry=_wgs84([Point(X0 + 31_000, Y0), Point(X0 + 29_000, Y0)]).values,
        crs=config.GEOGRAPHIC_CRS,
    )
    return evaluate(LINE, place_even(LINE, 5, range_km), range_km, incidents, name, "even")


def _render(element) -> str:
    fmap = folium.Map(tiles=None)
    element.add_to(fmap)
    return fmap.get_root().render()


def _children(group: folium.FeatureGroup, kind: type) -> list:
    return [child for child in group._children.values() if type(child) is kind]


def test_layer_draws_a_disc_and_a_marker_per_sensor_and_a_line_per_gap():
    group = plan_layer(_plan())
    assert group.layer_name == "Sensor plan: Even 5"
    discs = _children(group, folium.Circle)
    assert len(discs) == 5 and len(_children(group, folium.CircleMarker)) == 5
    assert len(_children(group, folium.PolyLine)) == 6
    # True radius in metres, and clicks pass through to the incidents beneath.
    assert {disc.options["radius"] for disc in discs} == {5_000.0}
    assert all(disc.options["interactive"] is False for disc in discs)
    assert [round(disc.location[1], 3) for disc in discs] == [
        round(p.x, 3) for p in _plan().sensors.geometry]


def test_gaps_are_thick_dashed_red_lines_with_their_span():
    style = gap_style()
    assert style["color"] == GAP_COLOUR and style["weight"] >= 5 and style["dash_array"]
    html = _render(plan_layer(_plan()))
    assert "Gap 3: km 35–45 (10 km)" in html
    assert "Gap 1: km 0–5 (5 km)" in html
    assert "Sensor 2: km 30 along the line, 2 incidents in range" in html
    assert "Sensor 1: km 10 along the line, 0 incidents in range" in html


@pytest.mark.parametrize(
    ("args", "expected"),
    [((3, 35.0, 45.0, 10.0), "Gap 3: km 35–45 (10 km)"), ((1, 0.0, 11.25, 11.25), "Gap 1: km 0–11.2 (11.2 km)")],
)
def test_gap_label_reads_as_km_along_the_line(args, expected):
    assert gap_label(*args) == expected


def test_sensor_label_says_incident_or_incidents():
    assert sensor_label(4, 70.0, 1) == "Sensor 4: km 70 along the line, 1 incident in range"


def test_full_coverage_draws_no_gap():
    group = plan_layer(_plan(range_km=10.0))
    assert not _children(group, folium.PolyLine)


def test_colour_applies_to_sensors_and_discs():
    group = plan_layer(_plan(), colour="#123456")
    assert {disc.options["fillColor"] for disc in _children(group, folium.Circle)} == {"#123456"}
    assert {m.options["fillColor"] for m in _children(group, folium.CircleMarker)} == {"#123456"}


def test_a_hostile_plan_name_is_escaped_everywhere():
    group = plan_layer(_plan(name=HOSTILE))
    assert group.layer_name == LAYER_PREFIX + escape_html(HOSTILE)
    html = _render(group)
    assert "${alert" not in html
    assert "<img src=x" not in html
    assert "C:\\path" not in html
    assert "1337" not in html  # branca renders tooltips as Jinja: the name must not run
    assert escape_html(HOSTILE) in html


def test_layer_leaves_the_plan_unchanged():
    plan = _plan()
    sensors, gaps = plan.sensors.copy(), plan.gaps.copy()
    _render(plan_layer(plan))
    assert plan.sensors.equals(sensors) and plan.gaps.equals(gaps)
