"""Surveillance planner: placement, coverage and exports against hand-computed cases."""

from __future__ import annotations

import io
import json
import math

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from shapely.geometry import LineString, Point, shape

from borderwatch import config, reference
from borderwatch.errors import DataValidationError
from borderwatch.planner import (
    ASSUMPTIONS,
    COMPARE_COLUMNS,
    CSV_COLUMNS,
    candidate_positions,
    compare,
    evaluate,
    line_length_km,
    line_stretch,
    most_sensors,
    place_even,
    place_greedy,
    plan_csv,
    plan_file_stem,
    plan_geojson,
)

# A straight line along the UTM 32N northing 3,650 km (about 33° N), from
# easting 550 km to 650 km (about 9.5° E to 10.6° E): exactly 100 km in the
# metric CRS. Positions below are "km along it" and "km north of it".
X0, Y0 = 550_000.0, 3_650_000.0


def _to_wgs84(geometry):
    return gpd.GeoSeries([geometry], crs=config.METRIC_CRS).to_crs(config.GEOGRAPHIC_CRS).iloc[0]


def _metric_line(*vertices_km: tuple[float, float]) -> LineString:
    """A line through (km along, km north) vertices, in EPSG:4326."""
    return _to_wgs84(LineString([(X0 + x * 1000, Y0 + y * 1000) for x, y in vertices_km]))


LINE = _metric_line((0, 0), (100, 0))


def _incidents(*points_km: tuple[float, float]) -> gpd.GeoDataFrame:
    """Incidents at (km along, km north) of the line's start, ids i0, i1, ..."""
    metric = gpd.GeoSeries([Point(X0 + x * 1000, Y0 + y * 1000) for x, y in points_km], crs=config.METRIC_CRS)
    return gpd.GeoDataFrame({"id": [f"i{n}" for n in range(len(points_km))]},
                            geometry=metric.to_crs(config.GEOGRAPHIC_CRS).values, crs=config.GEOGRAPHIC_CRS)


NO_INCIDENTS = _incidents()


def _gaps(plan) -> list[float]:
    """Start and end of each gap, flat: [start 1, end 1, start 2, ...]."""
    return plan.gaps[["start_km", "end_km"]].to_numpy().ravel().tolist()


def _union_length(intervals: list[tuple[float, float]]) -> float:
    """Length of a union of intervals, the schoolbook way (sort, sweep)."""
    total, reach = 0.0, -math.inf
    for low, high in sorted(intervals):
        if high > reach:
            total += high - max(low, reach)
            reach = high
    return total


def test_the_test_line_is_100_km_long():
    assert evaluate(LINE, [50], 1, NO_INCIDENTS, "x", "even").line_km == pytest.approx(100, rel=1e-4)


def test_even_placement_of_five_sensors_covers_half_a_100_km_line():
    # Midpoints of five 20 km parts: 10, 30, ..., 90; each covers 10 km (±5 km), 50 km in all.
    positions = place_even(LINE, 5, 5.0)
    assert positions.tolist() == pytest.approx([10, 30, 50, 70, 90])
    plan = evaluate(LINE, positions, 5.0, NO_INCIDENTS, "even", "even")
    assert plan.covered_share == pytest.approx(0.5, rel=1e-3)
    assert plan.covered_km == pytest.approx(50, rel=1e-3)
    assert _gaps(plan) == pytest.approx([0, 5, 15, 25, 35, 45, 55, 65, 75, 85, 95, 100], abs=1e-6)
    assert plan.gaps["gap"].tolist() == [1, 2, 3, 4, 5, 6]
    assert plan.gaps["length_km"].tolist() == pytest.approx([5, 10, 10, 10, 10, 5])
    assert plan.longest_gap_km == pytest.approx(10)
    assert plan.sensors["sensor"].tolist() == [1, 2, 3, 4, 5]
    # The gap lines really run from km 15 to 25 of the line: 10 km long.
    gap_m = gpd.GeoSeries([plan.gaps.geometry.iloc[1]], crs=config.GEOGRAPHIC_CRS).to_crs(config.METRIC_CRS).iloc[0]
    assert gap_m.length == pytest.approx(10_000, rel=1e-4)
    assert gap_m.coords[0][0] == pytest.approx(X0 + 15_000, abs=1)


@pytest.mark.parametrize("range_km", [10.0, 12.5, 60.0])
def test_range_of_half_the_spacing_or_more_covers_the_whole_line(range_km):
    # Five sensors 20 km apart: discs of radius 10 km touch, larger ones overlap.
    plan = evaluate(LINE, place_even(LINE, 5, range_km), range_km, NO_INCIDENTS, "full", "even")
    assert plan.covered_share == pytest.approx(1.0, abs=1e-9)
    assert plan.gaps.empty and plan.longest_gap_km == 0.0


def test_coverage_of_a_line_that_bends_back_counts_both_passes():
    # A hairpin: 10 km east, 2 km north, 10 km back west (22 km). A sensor at
    # km 1, i.e. (1, 0), range 3 km covers the first leg from x = 0 to 4 (4 km)
    # and the return leg (y = 2) where (x - 1)^2 + 2^2 <= 3^2, x from 0 to 1 + sqrt 5:
    # km 22 - (1 + sqrt 5) = 18.764 to km 22. Covered 4 + 3.236 = 7.236 km.
    hairpin = _metric_line((0, 0), (10, 0), (10, 2), (0, 2))
    plan = evaluate(hairpin, [1], 3, NO_INCIDENTS, "hairpin", "even")
    assert plan.line_km == pytest.approx(22, rel=1e-6)
    assert plan.covered_km == pytest.approx(5 + math.sqrt(5), rel=1e-6)
    assert _gaps(plan) == pytest.approx([4, 21 - math.sqrt(5)], abs=1e-6)


@settings(max_examples=40, deadline=None)
@given(
    vertices=st.lists(st.tuples(st.floats(-30, 30), st.floats(-30, 30)), min_size=2, max_size=6),
    positions=st.lists(st.floats(0, 1), min_size=1, max_size=6),
    range_km=st.floats(0.2, 25),
)
def test_exact_coverage_lies_between_inscribed_and_circumscribed_discs(vertices, positions, range_km):
    line = _metric_line(*vertices)
    line_m = gpd.GeoSeries([line], crs=config.GEOGRAPHIC_CRS).to_crs(config.METRIC_CRS).iloc[0]
    # A line that runs back over itself counts those km twice (they are line
    # length twice); shapely's intersection counts them once. Near-overlaps
    # pass is_simple after the trip through degrees, so also ask that a 1 m
    # band along the line is as large as its length says.
    assume(line_m.length >= 1 and line_m.is_simple and line_m.buffer(1.0).area >= 0.999 * 2 * line_m.length)
    length_km = line_m.length / 1000
    plan = evaluate(line, [p * length_km for p in positions], range_km, NO_INCIDENTS, "x", "even")
    # Shapely's buffer is a 256-gon inscribed in the disc; scaled by
    # 1 / cos(pi / 256) it is circumscribed. The true disc lies between them,
    # so the exact covered length must lie between the two intersections.
    centres = shapely.line_interpolate_point(line_m, np.asarray(positions) * line_m.length)
    inner, outer = (
        line_m.intersection(shapely.union_all(shapely.buffer(centres, radius, quad_segs=64))).length / 1000
        for radius in (range_km * 1000, range_km * 1000 / math.cos(math.pi / 256))
    )
    assert inner - 1e-6 <= plan.covered_km <= outer + 1e-6
    assert plan.covered_km + plan.gaps["length_km"].sum() == pytest.approx(plan.line_km, rel=1e-12)


@settings(max_examples=60, deadline=None)
@given(positions=st.lists(st.floats(0, 100), min_size=1, max_size=12), range_km=st.floats(0.1, 60))
def test_share_on_a_straight_line_is_the_union_of_intervals(positions, range_km):
    # On a straight line a sensor at p covers [p - R, p + R] cut to [0, 100].
    plan = evaluate(LINE, positions, range_km, NO_INCIDENTS, "x", "even")
    analytic = _union_length([(max(p - range_km, 0), min(p + range_km, 100)) for p in positions]) / 100
    assert plan.covered_share == pytest.approx(analytic, abs=1e-6)


@settings(max_examples=40, deadline=None)
@given(count=st.integers(1, 30), range_km=st.floats(0.1, 80))
def test_even_share_is_two_range_times_count_over_length(count, range_km):
    # Midpoints L / count apart, the outer ones L / (2 count) from the ends:
    # the discs neither overlap nor pass the ends until they cover everything.
    plan = evaluate(LINE, place_even(LINE, count, range_km), range_km, NO_INCIDENTS, "x", "even")
    assert plan.covered_share == pytest.approx(min(1.0, 2 * range_km * count / 100), abs=1e-6)


CLUSTERS = ((20, 2.9),) * 5 + ((70, 2.9),) * 3 + ((44.5, 0),)


def test_greedy_covers_the_two_biggest_clusters_first():
    # Five incidents at km 20, three at km 70 (both 2.9 km off the line), one on it at km 44.5.
    # Range 5: a sensor at p reaches a cluster 2.9 km off when (p - c)^2 + 2.9^2 <= 5^2,
    # i.e. |p - c| <= 4.07. Every such candidate adds 10 km of line: the smaller position wins.
    incidents = _incidents(*CLUSTERS)
    positions = place_greedy(LINE, 2, 5.0, incidents, step_km=1.0)
    assert positions.tolist() == [16.0, 66.0]
    plan = evaluate(LINE, positions, 5.0, incidents, "greedy", "greedy")
    assert (plan.incidents_covered, plan.incidents_outside) == (8, 1)
    assert plan.covered_ids == tuple(f"i{n}" for n in range(8))
    assert plan.sensors["incidents_in_range"].tolist() == [5, 3]
    # A third sensor takes the lone incident (|p - 44.5| <= 5, smallest 40).
    assert place_greedy(LINE, 3, 5.0, incidents).tolist() == [16.0, 66.0, 40.0]


def test_greedy_counts_incidents_before_line_length():
    # Three incidents 2.5 km before the line's start: candidates 0..2 reach them
    # (|p + 2.5| <= 5) and add p + 5 km of line, the most (7) at 2. Two incidents
    # at km 50.5 would add 10 km, but three beat two.
    incidents = _incidents(*[(-2.5, 0)] * 3, *[(50.5, 0)] * 2)
    assert place_greedy(LINE, 1, 5.0, incidents).tolist() == [2.0]


def test_greedy_breaks_count_ties_by_line_length_then_position():
    # Two incidents 2.5 km before the start (best candidate adds 7 km of
    # line) and two at km 50.5 (candidates 46..55 add 10 km): equal counts, so
    # the longer line wins although its position is larger.
    incidents = _incidents((-2.5, 0), (-2.5, 0), (50.5, 0), (50.5, 0))
    assert place_greedy(LINE, 1, 5.0, incidents).tolist() == [46.0]
    # Two equal clusters, equal line added: the smaller position (16, not 66).
    assert place_greedy(LINE, 1, 5.0, _incidents((20, 2.9), (70, 2.9))).tolist() == [16.0]


def test_sensors_left_after_the_incidents_spread_over_the_gaps():
    # One incident 9.9 km off the line at km 25: only candidates with
    # (p - 25)^2 + 9.9^2 <= 10^2, |p - 25| <= 1.41, reach it: 24 (smallest, all add 20 km).
    # Covered [14, 34]; gaps [0, 14] and [34, 100] (66 km). Five more sensors, each
    # where it adds the most line: three into the 66 km gap (20 km each), then
    # one into [0, 14] (14 km, more than the 6 km a fourth adds to the long
    # gap), then that fourth. Each gap's sensors at the midpoints of equal parts.
    incidents = _incidents((25, 9.9))
    positions = place_greedy(LINE, 6, 10.0, incidents)
    assert positions.tolist() == pytest.approx([24, 7, 34 + 66 / 8, 34 + 3 * 66 / 8, 34 + 5 * 66 / 8, 34 + 7 * 66 / 8])
    assert evaluate(LINE, positions, 10.0, incidents, "g", "greedy").covered_share == pytest.approx(1.0, abs=1e-9)
    # With four, the best the three left can add is 3 x 20 km.
    four = evaluate(LINE, place_greedy(LINE, 4, 10.0, incidents), 10.0, incidents, "g", "greedy")
    assert (four.incidents_covered, four.covered_km) == (1, pytest.approx(80, rel=1e-6))


def test_without_incidents_in_range_optimised_is_evenly_spaced():
    assert place_greedy(LINE, 3, 10.0, NO_INCIDENTS).tolist() == pytest.approx(place_even(LINE, 3, 10.0).tolist())
    # An incident 12 km off the line is out of every sensor's reach: it changes nothing.
    assert place_greedy(LINE, 3, 10.0, _incidents((50, 12))).tolist() == pytest.approx([100 / 6, 50, 500 / 6])


def test_with_no_incident_in_range_optimised_covers_at_least_as_much_of_the_barrier_as_even():
    # The bundled barrier with its defaults: no incident lies within 10 km of it.
    # Placing sensors one at a time for the most new line covered 85.6 % of it,
    # evenly spaced sensors 90.3 %.
    barrier = reference.load_barrier().geometry.iloc[0]
    for count in (1, 3, 8, 13, 30):
        for range_km in (2.0, config.SENSOR_RANGE_KM, 25.0):
            even, greedy = (
                evaluate(barrier, positions, range_km, NO_INCIDENTS, "x", method)
                for positions, method in ((place_even(barrier, count, range_km), "even"),
                                          (place_greedy(barrier, count, range_km, NO_INCIDENTS), "greedy"))
            )
            assert greedy.covered_km >= even.covered_km - 1e-6, (count, range_km)


@settings(max_examples=40, deadline=None)
@given(
    vertices=st.lists(st.tuples(st.floats(-30, 30), st.floats(-30, 30)), min_size=2, max_size=6),
    count=st.integers(1, 12),
    range_km=st.floats(0.5, 15),
)
def test_optimised_never_covers_less_line_than_even_when_it_finds_no_incident(vertices, count, range_km):
    line = _metric_line(*vertices)
    length_km = gpd.GeoSeries([line], crs=config.GEOGRAPHIC_CRS).to_crs(config.METRIC_CRS).iloc[0].length / 1000
    assume(length_km >= 1 and count <= most_sensors(length_km))
    even = evaluate(line, place_even(line, count, range_km), range_km, NO_INCIDENTS, "e", "even")
    greedy = evaluate(line, place_greedy(line, count, range_km, NO_INCIDENTS), range_km, NO_INCIDENTS, "g", "greedy")
    assert greedy.covered_km >= even.covered_km - 1e-6


def test_most_sensors_is_one_per_candidate_position():
    assert most_sensors(100.0) == 101
    assert most_sensors(179.486) == 181
    assert most_sensors(0.4) == 2
    assert most_sensors(10_000.0) == config.PLANNER_MAX_SENSORS


def test_candidates_include_both_ends():
    assert candidate_positions(100.0, 1.0).tolist() == [float(n) for n in range(101)]
    assert candidate_positions(10.5, 2.0).tolist() == [0, 2, 4, 6, 8, 10, 10.5]
    with pytest.raises(DataValidationError, match="step_km must be"):
        candidate_positions(10.0, 0.0)


def _best_single_count(incidents: gpd.GeoDataFrame, range_km: float, step_km: float) -> int:
    # Brute force over the candidates, on the same projected coordinates the planner uses.
    points = incidents.geometry.to_crs(config.METRIC_CRS)
    line_m = gpd.GeoSeries([LINE], crs=config.GEOGRAPHIC_CRS).to_crs(config.METRIC_CRS).iloc[0]
    (x0, y0), (x1, y1) = line_m.coords
    along = candidate_positions(line_m.length / 1000, step_km) * 1000 / line_m.length
    cx, cy = x0 + along * (x1 - x0), y0 + along * (y1 - y0)
    distances = np.hypot(points.x.to_numpy()[None, :] - cx[:, None], points.y.to_numpy()[None, :] - cy[:, None])
    return int((distances <= range_km * 1000).sum(axis=1).max())


@settings(max_examples=30, deadline=None)
@given(
    points=st.lists(st.tuples(st.floats(-10, 110), st.floats(-15, 15)), max_size=40),
    count=st.integers(1, 5),
    range_km=st.floats(0.5, 20),
)
def test_greedy_beats_the_best_single_sensor_and_grows_with_count(points, count, range_km):
    incidents = _incidents(*points)
    covered = [
        evaluate(LINE, place_greedy(LINE, k, range_km, incidents, step_km=2.0), range_km, incidents, "g",
                 "greedy").incidents_covered
        for k in (1, count, count + 1)
    ]
    assert covered[0] == _best_single_count(incidents, range_km, 2.0)
    assert covered[0] <= covered[1] <= covered[2]


def test_stretch_is_cut_by_positions_along_the_line():
    # An L: 50 km east then 50 km north. Km 40 to 60 runs 10 km east to the corner, then 10 km north.
    corner = _metric_line((0, 0), (50, 0), (50, 50))
    stretch = line_stretch(corner, 40, 60)
    stretch_m = gpd.GeoSeries([stretch], crs=config.GEOGRAPHIC_CRS).to_crs(config.METRIC_CRS).iloc[0]
    assert stretch_m.length == pytest.approx(20_000, rel=1e-4)
    assert [tuple(round(v) for v in xy) for xy in stretch_m.coords] == [
        (X0 + 40_000, Y0), (X0 + 50_000, Y0), (X0 + 50_000, Y0 + 10_000)]
    # A plan on the stretch measures from the stretch's start.
    plan = evaluate(stretch, place_even(stretch, 2, 5.0), 5.0, NO_INCIDENTS, "s", "even")
    assert plan.sensors["position_km"].tolist() == pytest.approx([5, 15], rel=1e-4)
    assert plan.covered_share == pytest.approx(1.0, abs=1e-6)


def test_stretch_to_the_rounded_end_is_the_whole_line():
    assert line_stretch(LINE, 0, 100.0).equals_exact(LINE, 1e-9)


def test_stretch_outside_the_line_names_each_bad_value_and_the_length():
    with pytest.raises(DataValidationError) as caught:
        line_stretch(LINE, -1, 120)
    message = str(caught.value)
    assert "start_km -1" in message and "end_km 120" in message and "100.000 km" in message
    with pytest.raises(ValueError, match="start_km 30 must be less than end_km 20"):
        line_stretch(LINE, 30, 20)
    with pytest.raises(ValueError, match="start_km must be a finite number"):
        line_stretch(LINE, float("nan"), 20)


def test_compare_tabulates_each_plan():
    incidents = _incidents(*CLUSTERS)
    even = evaluate(LINE, place_even(LINE, 5, 5.0), 5.0, incidents, "Even 5", "even")
    greedy = evaluate(LINE, place_greedy(LINE, 2, 5.0, incidents), 5.0, incidents, "Greedy 2", "greedy")
    table = compare([even, greedy])
    assert tuple(table.columns) == COMPARE_COLUMNS
    assert table["name"].tolist() == ["Even 5", "Greedy 2"]
    assert table["line"].tolist() == ["Line", "Line"]
    assert table["sensors"].tolist() == [5, 2]
    # Even: sensors at 10, 30, ..., 90 reach the cluster at (70, 2.9) from 70 (2.9 km);
    # (20, 2.9) is sqrt(10^2 + 2.9^2) > 5 from 10 and 30; (44.5, 0) is 5.5 from 50.
    # Greedy: 8 of 9 (see above).
    assert table["incidents_covered"].tolist() == [3, 8]
    assert table["incidents_outside"].tolist() == [6, 1]
    assert table["incidents_covered_share"].tolist() == pytest.approx([3 / 9, 8 / 9])
    assert table["covered_share"].tolist() == pytest.approx([0.5, 0.2], rel=1e-3)
    # Greedy 2: [11, 21] and [61, 71] covered; gaps 0-11, 21-61, 71-100.
    assert table["gaps"].tolist() == [6, 3]
    assert table["longest_gap_km"].tolist() == pytest.approx([10, 40], rel=1e-4)
    assert math.isnan(compare([evaluate(LINE, [5], 1, NO_INCIDENTS, "n", "even")])["incidents_covered_share"][0])
    assert compare([]).empty


HOSTILE = '=HYPERLINK("http://x")<b>"quoted"</b>'


def test_geojson_holds_sensors_discs_and_gaps_with_the_assumptions():
    incidents = _incidents((47, 0))  # 3 km from the sensor at 50 only
    plan = evaluate(LINE, place_even(LINE, 5, 5.0), 5.0, incidents, HOSTILE, "even", line_name="Border km 0–100")
    collection = json.loads(plan_geojson(plan))
    assert collection["type"] == "FeatureCollection"
    assert collection["name"] == HOSTILE and collection["method"] == "even"
    assert collection["line"] == "Border km 0–100"
    assert collection["assumptions"] == list(ASSUMPTIONS)
    kinds = [feature["properties"]["kind"] for feature in collection["features"]]
    assert (kinds.count("sensor"), kinds.count("coverage"), kinds.count("gap")) == (5, 5, 6)
    sensors = [f for f in collection["features"] if f["properties"]["kind"] == "sensor"]
    assert [f["properties"]["position_km"] for f in sensors] == pytest.approx([10, 30, 50, 70, 90])
    assert [f["properties"]["incidents_in_range"] for f in sensors] == [0, 0, 1, 0, 0]
    assert all(f["properties"]["range_km"] == 5.0 and f["geometry"]["type"] == "Point" for f in sensors)
    disc = next(f for f in collection["features"] if f["properties"]["kind"] == "coverage")
    disc_m = gpd.GeoSeries([shape(disc["geometry"])], crs=config.GEOGRAPHIC_CRS).to_crs(config.METRIC_CRS).iloc[0]
    # A regular 256-gon inscribed in a circle of radius R has area 128 R^2 sin(2 pi / 256),
    # 0.01 % short of pi R^2.
    assert disc_m.area == pytest.approx(128 * 5_000**2 * math.sin(2 * math.pi / 256), rel=1e-6)
    gap = next(f for f in collection["features"] if f["properties"]["kind"] == "gap")
    assert gap["geometry"]["type"] == "LineString"
    assert (gap["properties"]["gap"], gap["properties"]["start_km"]) == (1, 0.0)


def test_csv_has_one_row_per_sensor_and_no_formulas():
    incidents = _incidents((46, 0), (47, 1))  # both within 5 km of km 50 only
    plan = evaluate(LINE, [50, 10], 5.0, incidents, HOSTILE, "even", line_name="@Barrier")
    table = pd.read_csv(io.StringIO(plan_csv(plan)))
    assert table["line"].tolist() == ["'@Barrier"] * 2
    assert tuple(table.columns) == CSV_COLUMNS
    assert table["sensor"].tolist() == [1, 2]
    assert table["position_km"].tolist() == pytest.approx([10, 50])
    assert table["incidents_in_range"].tolist() == [0, 2]
    assert table["plan"].tolist() == ["'" + HOSTILE] * 2
    assert table["latitude"].tolist() == pytest.approx(plan.sensors.geometry.y.tolist(), abs=1e-6)
    assert table["longitude"].tolist() == pytest.approx(plan.sensors.geometry.x.tolist(), abs=1e-6)


@pytest.mark.parametrize(
    ("name", "line_name", "range_km", "method", "expected"),
    [
        ("Plan 1", "Barrier", 10.0, "even", "Plan-1_Barrier_5-sensors_10-km-range_evenly-spaced"),
        ("Plan 2", "Border km 0–100", 7.5, "greedy", "Plan-2_Border-km-0-100_5-sensors_7.5-km-range_optimised"),
        (HOSTILE, "Barrier", 0.5, "even", "HYPERLINK-http-x-b-quoted-b_Barrier_5-sensors_0.5-km-range_evenly-spaced"),
        ("../..", "Barrier", 10.0, "even", "plan_Barrier_5-sensors_10-km-range_evenly-spaced"),
    ],
)
def test_file_names_say_which_plan_and_what_it_is(name, line_name, range_km, method, expected):
    plan = evaluate(LINE, place_even(LINE, 5, range_km), range_km, NO_INCIDENTS, name, method, line_name=line_name)
    assert plan_file_stem(plan) == expected


def test_line_length_is_measured_in_the_metric_crs():
    assert line_length_km(LINE) == pytest.approx(100, rel=1e-6)
    with pytest.raises(DataValidationError, match="non-empty LineString"):
        line_length_km(Point(10, 33))


def test_planning_leaves_the_incidents_alone():
    incidents = _incidents((45, 0), (20, 3))
    before = incidents.copy()
    place_greedy(LINE, 2, 5.0, incidents)
    evaluate(LINE, [45], 5.0, incidents, "x", "greedy")
    assert incidents.equals(before)


def test_bad_inputs_are_all_reported_at_once():
    with pytest.raises(DataValidationError) as caught:
        place_even(LINE, 0, -1.0)
    assert "count must be" in str(caught.value) and "got 0" in str(caught.value)
    assert "range_km must be" in str(caught.value) and "-1.0" in str(caught.value)
    assert len(caught.value.problems) == 2

    with pytest.raises(DataValidationError) as caught:
        evaluate(LINE, [10, -3, 140], float("nan"), NO_INCIDENTS.drop(columns="id"), " ", "random")
    problems = caught.value.problems
    assert any("positions_km[1] = -3.0" in p for p in problems)
    assert any("positions_km[2] = 140.0" in p and "100.000 km" in p for p in problems)
    assert any("range_km" in p and "nan" in p for p in problems)
    assert any("'id'" in p for p in problems)
    assert any("name" in p for p in problems)
    assert any("method must be one of even, greedy, got 'random'" in p for p in problems)
    assert len(problems) == 6


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        (lambda: place_even(Point(10, 33), 3, 5.0), "line must be a non-empty LineString"),
        (lambda: place_even(_to_wgs84(LineString([(X0, Y0), (X0, Y0)])), 3, 5.0), "line length must be > 0"),
        (lambda: place_even(LineString([(X0, Y0), (X0 + 1000, Y0)]), 3, 5.0), "lon/lat degrees"),
        (lambda: place_even(LINE, config.PLANNER_MAX_SENSORS + 1, 5.0), f"from 1 to {config.PLANNER_MAX_SENSORS}"),
        (lambda: place_even(LINE, 2.5, 5.0), "whole number"),
        (lambda: place_greedy(LINE, 102, 5.0, NO_INCIDENTS), "exceeds the 101 candidate positions"),
        (lambda: place_greedy(LINE, 2, 5.0, NO_INCIDENTS, step_km=0.01), f"at most {config.PLANNER_MAX_CANDIDATES:,}"),
        (lambda: place_greedy(LINE, 2, 5.0, NO_INCIDENTS, step_km=0), "step_km must be"),
        (lambda: place_greedy(LINE, 2, 5.0, gpd.GeoDataFrame(geometry=[Point(10, 33)])), "no CRS"),
        (lambda: evaluate(LINE, ["a"], 5.0, NO_INCIDENTS, "x", "even"), "sequence of numbers"),
        (lambda: evaluate(LINE, [], 5.0, NO_INCIDENTS, "x", "even"), "got 0"),
    ],
)
def test_each_bad_input_is_named(call, expected):
    with pytest.raises(DataValidationError, match=None) as caught:
        call()
    assert expected in str(caught.value)
