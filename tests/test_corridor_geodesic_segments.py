"""Cutting any land border into segments along the positions the store keeps for it."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import MultiLineString, Point

from borderwatch import projection
from borderwatch.borders import find_border
from borderwatch.corridor import geodesic_segments, geodesic_stretch, segment_of
from borderwatch.errors import ReferenceDataError
from borderwatch.geodesy import geodesic_line

SINGLE_PART = find_border("DZA-MAR")
# Four parts, each a few kilometres to tens of kilometres long.
MULTI_PART = find_border("CYP-ESB")


def _geodesic_km(geometry) -> float:
    return projection.geod().geometry_length(geometry) / 1_000.0


def _check_cover(border, segment_km: float) -> None:
    pieces = geodesic_segments(border.geometry, segment_km)
    length = geodesic_line(border.geometry).length_km
    starts, ends = pieces["start_km"].to_numpy(), pieces["end_km"].to_numpy()
    # [0, length] without gap or overlap.
    assert starts[0] == 0.0 and ends[-1] == pytest.approx(length, abs=1e-9)
    np.testing.assert_array_equal(starts[1:], ends[:-1])
    np.testing.assert_allclose(starts, np.arange(len(pieces)) * segment_km)
    # Each piece is segment_km long along the ground (the last one at most that), as its label says.
    np.testing.assert_allclose(ends[:-1] - starts[:-1], segment_km, rtol=1e-9)
    assert 0 < ends[-1] - starts[-1] <= segment_km + 1e-9
    drawn = np.array([_geodesic_km(piece) for piece in pieces.geometry])
    np.testing.assert_allclose(drawn, ends - starts, rtol=1e-6, atol=1e-6)
    assert pieces["label"].iloc[0].startswith("0–") and pieces["label"].iloc[0].endswith(" km along the border")


@settings(max_examples=15, deadline=None)
@given(segment_km=st.floats(1.0, 300.0))
def test_a_single_part_border_is_covered_by_pieces_of_the_length_asked(segment_km):
    _check_cover(SINGLE_PART, segment_km)


@settings(max_examples=15, deadline=None)
@given(segment_km=st.floats(0.5, 60.0))
def test_a_multi_part_border_is_covered_by_pieces_of_the_length_asked(segment_km):
    _check_cover(MULTI_PART, segment_km)


@pytest.mark.parametrize("border", [SINGLE_PART, MULTI_PART], ids=["DZA-MAR", "CYP-ESB"])
def test_a_point_at_a_stored_position_lies_on_the_segment_that_position_falls_in(border):
    # Positions as the store measures them (borderwatch.geodesy), spread along the whole border.
    line = geodesic_line(border.geometry)
    positions = np.linspace(0.0, line.length_km, 97)
    lon, lat = line.locate(positions)
    pieces = geodesic_segments(border.geometry, 5.0)
    numbers = segment_of(positions, 5.0, line.length_km)
    for number, point in zip(numbers, shapely.points(lon, lat), strict=True):
        # Within a metre: a piece is drawn straight in degrees between vertices, the store measures geodesics.
        assert pieces.geometry.iloc[number].distance(point) < 1e-5, number


def test_a_piece_across_the_end_of_one_part_holds_both_stretches():
    first_part = geodesic_line(MULTI_PART.geometry).part_lengths_km[0]
    pieces = geodesic_segments(MULTI_PART.geometry, 5.0)
    across = pieces[(pieces["start_km"] < first_part) & (pieces["end_km"] > first_part)]
    assert len(across) == 1
    assert isinstance(across.geometry.iloc[0], MultiLineString) and len(across.geometry.iloc[0].geoms) == 2


def test_a_border_without_length_or_a_bad_segment_length_is_refused():
    with pytest.raises(ReferenceDataError, match="LineString or MultiLineString"):
        geodesic_segments(Point(1, 2), 10.0)
    with pytest.raises(ReferenceDataError, match="some length"):
        geodesic_segments(MultiLineString([[(1, 2), (1, 2)]]), 10.0)
    with pytest.raises(ValueError, match="segment_km"):
        geodesic_segments(SINGLE_PART.geometry, 0.0)


@pytest.mark.parametrize(("start_km", "end_km", "expected_km"), [(100.0, 281.0, 181.0), (1_500.0, 9_999.0, None)])
def test_a_stretch_of_a_border_is_as_long_as_asked_or_ends_with_it(start_km, end_km, expected_km):
    stretch = geodesic_stretch(SINGLE_PART.geometry, start_km, end_km)
    length = geodesic_line(SINGLE_PART.geometry).length_km
    assert _geodesic_km(stretch) == pytest.approx(expected_km or length - start_km, abs=1e-6)
    # It starts where the stored positions put start_km.
    lon, lat = geodesic_line(SINGLE_PART.geometry).locate(start_km)
    assert stretch.coords[0] == pytest.approx((lon[0], lat[0]))


def test_a_stretch_of_a_multi_part_border_lies_on_its_first_part_and_bad_positions_are_refused():
    first = shapely.get_parts(MULTI_PART.geometry)[0]
    stretch = geodesic_stretch(MULTI_PART.geometry, 0.0, 1_000.0)
    assert _geodesic_km(stretch) == pytest.approx(geodesic_line(MULTI_PART.geometry).part_lengths_km[0])
    assert stretch.hausdorff_distance(first) < 1e-9
    with pytest.raises(ValueError, match="end_km - start_km"):
        geodesic_stretch(SINGLE_PART.geometry, 20.0, 10.0)
    with pytest.raises(ValueError, match="before its end"):
        geodesic_stretch(SINGLE_PART.geometry, 5_000.0, 5_001.0)


def test_a_stretch_of_another_part_is_cut_along_that_part_and_an_unknown_part_is_refused():
    parts = shapely.get_parts(MULTI_PART.geometry)
    lengths = geodesic_line(MULTI_PART.geometry).part_lengths_km
    for index in range(1, len(parts)):
        whole = geodesic_stretch(MULTI_PART.geometry, 0.0, 10_000.0, part=index)
        assert _geodesic_km(whole) == pytest.approx(lengths[index], abs=1e-6)
        assert whole.hausdorff_distance(parts[index]) < 1e-9
        half = geodesic_stretch(MULTI_PART.geometry, 0.0, lengths[index] / 2, part=index)
        assert _geodesic_km(half) == pytest.approx(lengths[index] / 2, abs=1e-6)
    with pytest.raises(ValueError, match="part must be one of the line's 4 parts"):
        geodesic_stretch(MULTI_PART.geometry, 0.0, 1.0, part=len(parts))
