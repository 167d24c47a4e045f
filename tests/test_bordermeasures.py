"""The stored measures for any land border (:mod:`borderwatch.bordermeasures`).

Against :class:`pyproj.Geod` by brute force (the reference of
``tests/test_geodesy.py``) on borders of four continents, one across a UTM
zone edge and one north of the Arctic Circle; against today's
Tunisia–Libya measures (:func:`borderwatch.borderzone.measure`, UTM 32N);
and, as properties, on points of the line itself.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import shapely
import shapely.ops
from hypothesis import given, settings
from hypothesis import strategies as st
from pyproj import Geod

from borderwatch import borderzone, config, reference
from borderwatch.bordermeasures import measure_border, measure_signature, prepared_border, with_border_measures
from borderwatch.borders import BorderLookupError, find_border
from borderwatch.synth import synthetic_acled
from tests.test_geodesy import TOLERANCE
from tests.test_geodesy import reference as brute_force

GEOD = Geod(ellps="WGS84")


def off_the_line(key: str, km: float, share: float = 0.5) -> tuple[np.ndarray, np.ndarray, float, float]:
    """Two points left and right of the border's longest part, about a ``share`` of the way along it.

    Hand-computed with pyproj.Geod alone: the middle of the longest segment
    among those from ``share - 0.1`` to ``share + 0.1`` of the way, then a
    geodesic at right angles to the segment there, ``km`` long or a fifth of
    the segment if that is shorter (so that no other stretch of a winding
    border comes nearer). Returns the points, the distance walked and the
    middle's position along the line (km).
    """
    part = shapely.get_parts(find_border(key).geometry)[0]
    coords = shapely.get_coordinates(part)
    azimuth, _, metres = GEOD.inv(coords[:-1, 0], coords[:-1, 1], coords[1:, 0], coords[1:, 1])
    along = np.concatenate([[0.0], np.cumsum(metres)])
    first, last = np.searchsorted(along, [(share - 0.1) * along[-1], (share + 0.1) * along[-1]])
    segment = first + int(np.argmax(metres[first:max(last, first + 1)]))
    walked_km = min(km, metres[segment] / 5000.0)
    foot_lon, foot_lat, back = GEOD.fwd(coords[segment, 0], coords[segment, 1], azimuth[segment], metres[segment] / 2)
    lon, lat, _ = GEOD.fwd([foot_lon] * 2, [foot_lat] * 2, [back + 90.0, back - 90.0], [walked_km * 1000.0] * 2)
    return np.asarray(lon), np.asarray(lat), walked_km, (along[segment] + metres[segment] / 2) / 1000.0


@pytest.mark.parametrize(
    ("key", "share", "continent"),
    [
        ("TUN-LBY", 0.5, "Africa"),
        ("MEX-USA", 0.3, "North America"),
        ("POL-BLR", 0.5, "Europe"),
        ("AFG-PAK", 0.5, "Asia"),
        ("RUS-NOR", 0.5, "Europe, 69° N"),
        ("ARG-CHL", 0.4, "South America"),
    ],
)
def test_distances_sides_and_positions_agree_with_pyproj_geod(key, share, continent):
    border = find_border(key)
    lon, lat, walked_km, position = off_the_line(key, 5.0, share)
    measures = measure_border(lat, lon, key)
    expected_km, expected_position = brute_force(border.geometry, lon, lat, step_m=20.0)
    np.testing.assert_allclose(measures["distance_border_km"], expected_km, rtol=TOLERANCE)
    np.testing.assert_allclose(measures["distance_border_km"], walked_km, rtol=TOLERANCE)
    np.testing.assert_allclose(measures["border_position_km"], expected_position, rtol=TOLERANCE)
    np.testing.assert_allclose(measures["border_position_km"], position, rtol=TOLERANCE)
    # Left of the line is code_a's country.
    assert measures["border_side"].tolist() == [border.name_a, border.name_b], continent
    # Only Tunisia–Libya has a (bundled) barrier.
    assert measures["distance_barrier_km"].isna().all() == (border.key != config.DEFAULT_BORDER)
    assert not measures["between_barrier_and_border"].any()


def test_a_border_across_a_utm_zone_edge_agrees_with_pyproj_geod_on_both_sides_of_the_edge():
    border = find_border("AFG-PAK")
    crossing = shapely.get_coordinates(border.geometry.intersection(shapely.LineString([(72.0, 20), (72.0, 40)])))
    assert len(crossing) >= 1  # the 72° E edge between UTM zones 42 and 43
    lon = np.concatenate([crossing[:, 0] - 0.1, crossing[:, 0] + 0.1, crossing[:, 0] - 0.3, crossing[:, 0] + 0.3])
    lat = np.concatenate([crossing[:, 1]] * 4)
    measures = measure_border(lat, lon, "PAK-AFG")
    expected_km, expected_position = brute_force(border.geometry, lon, lat, step_m=20.0)
    np.testing.assert_allclose(measures["distance_border_km"], expected_km, rtol=TOLERANCE)
    np.testing.assert_allclose(measures["border_position_km"], expected_position, atol=0.5)


def test_a_long_border_across_many_utm_zones_agrees_with_pyproj_geod():
    border = find_border("KAZ-RUS")
    rng = np.random.default_rng(4)
    coords = shapely.get_coordinates(border.geometry)
    vertices = coords[rng.integers(0, len(coords), 12)]
    lon, lat, _ = GEOD.fwd(vertices[:, 0], vertices[:, 1], rng.uniform(0, 360, 12), rng.uniform(2e3, 150e3, 12))
    measures = measure_border(lat, lon, "RUS-KAZ")
    expected_km, _ = brute_force(border.geometry, lon, lat)
    np.testing.assert_allclose(measures["distance_border_km"], expected_km, rtol=TOLERANCE)


@pytest.mark.parametrize(
    ("key", "towns", "countries"),
    [
        # GeoNames coordinates (lat, lon) of towns facing each other.
        ("USA-MEX", ((32.5027, -117.0037), (32.7157, -117.1611)), ["Mexico", "United States of America"]),
        ("POL-BLR", ((52.0976, 23.7341), (52.0750, 23.6167)), ["Belarus", "Poland"]),
        ("AFG-PAK", ((34.4265, 70.4515), (34.0151, 71.5249)), ["Afghanistan", "Pakistan"]),
    ],
)
def test_towns_either_side_of_a_border_get_their_country(key, towns, countries):
    latitude, longitude = zip(*towns, strict=True)
    assert measure_border(latitude, longitude, key)["border_side"].tolist() == countries


# --- Tunisia–Libya: as the store measures it today ---------------------------


def test_tunisia_libya_agrees_with_todays_measures_on_real_and_synthetic_incidents():
    incidents = pd.concat([
        reference.load_incidents(config.INCIDENTS_PATH)[["latitude", "longitude"]],
        *(chunk[["latitude", "longitude"]] for chunk in synthetic_acled(5_000, 7)),
    ], ignore_index=True)
    today = borderzone.measure(incidents["latitude"], incidents["longitude"])
    anywhere = measure_border(incidents["latitude"], incidents["longitude"], "TUN-LBY")
    assert list(anywhere.columns) == list(borderzone.MEASURE_COLUMNS)
    for column in ("distance_border_km", "distance_barrier_km"):
        difference = (anywhere[column] - today[column]).abs()
        assert (difference <= 0.005 * today[column] + 0.005).all(), column
    # Sides, except for points within metres of a boundary (straight in degrees here, in UTM there).
    clear = today["distance_border_km"] > 0.05
    assert (anywhere.loc[clear, "border_side"] == today.loc[clear, "border_side"]).all()
    near = today["distance_border_km"] < 30
    assert (anywhere.loc[near, "border_position_km"] - today.loc[near, "border_position_km"]).abs().max() < 0.5
    assert (anywhere["between_barrier_and_border"] == today["between_barrier_and_border"])[clear].mean() > 0.999


def test_tunisia_libya_sides_at_sea_and_inland_agree_with_todays_but_at_the_snap_margin():
    rng = np.random.default_rng(11)
    lon, lat = rng.uniform(8, 15, 20_000), rng.uniform(29, 35, 20_000)
    today = borderzone.measure(lat, lon)
    anywhere = measure_border(lat, lon, "LBY-TUN")
    assert set(today["border_side"]) == set(anywhere["border_side"]) == {"Tunisia", "Libya", "Algeria", ""}
    # Points at sea 25 km off a coast fall either way by metres of coastline simplification.
    assert (today["border_side"] != anywhere["border_side"]).mean() < 0.001


# --- properties ----------------------------------------------------------------

BORDERS = ("TUN-LBY", "CAN-USA", "NOR-RUS", "AFG-PAK", "ARG-CHL", "FRA-ESP", "ZAF-LSO")


@settings(max_examples=60, deadline=None)
@given(key=st.sampled_from(BORDERS), fraction=st.floats(0.0, 1.0), vertex=st.integers(0, 10**9))
def test_a_point_on_the_line_is_at_distance_zero_and_a_position_within_the_length(key, fraction, vertex):
    border = find_border(key)
    coords = shapely.get_coordinates(shapely.get_parts(border.geometry)[0])
    start, end = coords[vertex % (len(coords) - 1)], coords[vertex % (len(coords) - 1) + 1]
    azimuth, _, metres = GEOD.inv(start[0], start[1], end[0], end[1])
    lon, lat, _ = GEOD.fwd(start[0], start[1], azimuth, fraction * metres)
    measures = measure_border([lat], [lon], border)
    assert measures["distance_border_km"].iloc[0] < 0.001
    assert 0.0 <= measures["border_position_km"].iloc[0] <= border.length_km + 1e-6
    assert measures["border_side"].iloc[0] != ""


@settings(max_examples=40, deadline=None)
@given(key=st.sampled_from(BORDERS), km=st.floats(0.5, 20.0), share=st.floats(0.05, 0.95))
def test_a_point_square_off_the_line_is_that_far_away(key, km, share):
    border = find_border(key)
    lon, lat, walked_km, _ = off_the_line(key, km, share)
    measures = measure_border(lat, lon, border)
    distances = measures["distance_border_km"].to_numpy()
    np.testing.assert_allclose(distances, walked_km, rtol=TOLERANCE)
    assert ((distances >= 0) & (measures["border_position_km"] <= border.length_km + 1e-6)).all()


# --- the API ---------------------------------------------------------------------


def test_a_border_is_prepared_once_by_its_codes_in_either_order():
    assert prepared_border("TUN-LBY") is prepared_border("lby tun") is prepared_border(find_border("LBY-TUN"))


def test_an_unknown_border_is_refused_with_close_matches():
    with pytest.raises(BorderLookupError, match="TUN"):
        measure_border([33.0], [11.0], "TUN-LBA")


def test_points_that_cannot_be_measured_get_nan_and_no_side():
    measures = measure_border([np.nan, 33.0], [11.0, np.nan], "DZA-MAR")
    assert measures["distance_border_km"].isna().all() and measures["border_side"].tolist() == ["", ""]
    assert measure_border([], [], "DZA-MAR").empty


def test_with_border_measures_replaces_the_measures_and_keeps_the_rest():
    incidents = pd.DataFrame({"id": ["a", "b"], "latitude": [34.68, 34.0], "longitude": [-1.91, -2.5],
                              "distance_border_km": [999.0, 999.0], "border_side": ["Tunisia", "Libya"]},
                             index=[7, 3])
    measured = with_border_measures(incidents, "DZA-MAR")
    assert measured.index.tolist() == [7, 3] and measured["id"].tolist() == ["a", "b"]
    assert measured["border_side"].tolist() == ["Morocco", "Morocco"]  # Oujda, then Figuig's plateau
    assert (measured["distance_border_km"] < 100).all()
    assert incidents["distance_border_km"].tolist() == [999.0, 999.0]


def test_the_benchmark_prints_seconds_rates_and_ratios_for_each_border(capsys):
    from scripts import bench_bordermeasures

    figures = bench_bordermeasures.main(["--points", "2000", "--borders", "TUN-LBY", "KAZ-RUS"])
    printed = capsys.readouterr().out
    assert [f.border for f in figures] == ["TUN-LBY", "KAZ-RUS"]
    assert "TUN-LBY" in printed and "KAZ-RUS" in printed and "ratio" in printed
    assert all(f.measure_s > 0 and f.baseline_s > 0 and f.rate > 0 for f in figures)
    assert figures[0].frames == 1 < figures[1].frames


def fence_beside(key: str, offset_km: float, start: float = 0.3, end: float = 0.7) -> shapely.LineString:
    """A fence following a stretch of the border's longest part, ``offset_km`` to its left (pyproj.Geod)."""
    part = shapely.get_parts(find_border(key).geometry)[0]
    stretch = shapely.ops.substring(part, start, end, normalized=True)
    coords = shapely.get_coordinates(shapely.segmentize(stretch, 0.01))
    azimuth, _, _ = GEOD.inv(coords[:-1, 0], coords[:-1, 1], coords[1:, 0], coords[1:, 1])
    lon, lat, _ = GEOD.fwd(coords[:-1, 0], coords[:-1, 1], azimuth - 90.0, np.full(len(azimuth), offset_km * 1000.0))
    return shapely.LineString(np.column_stack([lon, lat]))


def test_an_imported_fence_gives_another_border_its_barrier_distance_and_strip():
    fence = fence_beside("DZA-MAR", 3.0)
    middle = fence.interpolate(0.5, normalized=True)
    # Halfway between fence and border, and 5 km beyond the fence (away from the border).
    foot = shapely.get_parts(find_border("DZA-MAR").geometry)[0].interpolate(
        shapely.get_parts(find_border("DZA-MAR").geometry)[0].project(middle))
    azimuth, _, metres = GEOD.inv(foot.x, foot.y, middle.x, middle.y)
    lon, lat, _ = GEOD.fwd([foot.x] * 2, [foot.y] * 2, [azimuth] * 2, [metres / 2, metres + 5000.0])
    without = measure_border(lat, lon, "DZA-MAR", barriers=())
    measured = measure_border(lat, lon, "DZA-MAR", barriers=[fence])
    assert without["distance_barrier_km"].isna().all() and not without["between_barrier_and_border"].any()
    expected_km, _ = brute_force(fence, lon, lat)
    assert measured["distance_barrier_km"].to_numpy() == pytest.approx(expected_km, rel=TOLERANCE, abs=0.05)
    assert measured["distance_barrier_km"].iloc[1] > 3.0
    assert measured["between_barrier_and_border"].tolist() == [True, False]
    # The other measures do not depend on the barrier.
    for column in ("distance_border_km", "border_position_km", "border_side"):
        assert measured[column].tolist() == without[column].tolist()


def test_the_nearest_of_several_barriers_counts_and_a_fence_on_the_line_encloses_nothing():
    near, far = fence_beside("AFG-PAK", 2.0), fence_beside("AFG-PAK", 8.0, 0.2, 0.8)
    on_the_line = shapely.ops.substring(shapely.get_parts(find_border("AFG-PAK").geometry)[0], 0.1, 0.2,
                                        normalized=True)
    point = far.interpolate(0.5, normalized=True)
    measured = measure_border([point.y], [point.x], "AFG-PAK", barriers=[near, far, on_the_line])
    alone = measure_border([point.y], [point.x], "AFG-PAK", barriers=[near])
    assert measured["distance_barrier_km"].iloc[0] == pytest.approx(0.0, abs=0.05)
    assert alone["distance_barrier_km"].iloc[0] > 4.0
    assert prepared_border("AFG-PAK", [on_the_line]).strip is None


def test_the_measure_signature_changes_with_the_barriers_and_tunisia_libya_keeps_its_preset_barrier():
    fence = fence_beside("DZA-MAR", 3.0)
    assert measure_signature("DZA-MAR") == measure_signature("MAR-DZA", barriers=())
    assert measure_signature("DZA-MAR", barriers=[fence]) != measure_signature("DZA-MAR")
    lon, lat = [11.2], [33.0]
    assert measure_border(lat, lon, "TUN-LBY")["distance_barrier_km"].iloc[0] == pytest.approx(
        borderzone.measure(np.array(lat), np.array(lon))["distance_barrier_km"].iloc[0],
        rel=0.005)


def test_a_fence_along_another_part_encloses_only_its_own_stretch_and_a_loop_encloses_nothing():
    # Armenia–Azerbaijan runs in several parts (enclaves); a fence 2 km off its second part.
    second = shapely.get_parts(find_border("ARM-AZE").geometry)[1]
    stretch = shapely.get_coordinates(shapely.segmentize(second, 0.01))
    azimuth, _, _ = GEOD.inv(stretch[:-1, 0], stretch[:-1, 1], stretch[1:, 0], stretch[1:, 1])
    lon, lat, _ = GEOD.fwd(stretch[:-1, 0], stretch[:-1, 1], azimuth - 90.0, np.full(len(azimuth), 2_000.0))
    fence = shapely.LineString(np.column_stack([lon, lat]))
    middle = fence.interpolate(0.5, normalized=True)
    # A point 20 km beyond the fence, away from the border, is not between them.
    foot = second.interpolate(second.project(middle))
    away, _, _ = GEOD.inv(foot.x, foot.y, middle.x, middle.y)
    far_lon, far_lat, _ = GEOD.fwd(foot.x, foot.y, away, 22_000.0)
    measured = measure_border([foot.y * 0.5 + middle.y * 0.5, far_lat], [foot.x * 0.5 + middle.x * 0.5, far_lon],
                              "ARM-AZE", barriers=[fence])
    assert measured["between_barrier_and_border"].tolist() == [True, False]
    # A fence round a compound 10 km from the line follows no stretch of it.
    compound = shapely.Point(far_lon, far_lat).buffer(0.02).exterior
    assert prepared_border("ARM-AZE", [compound]).strip is None
