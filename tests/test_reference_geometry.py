"""The bundled border, barrier and country files, and the barrier derivation.

The data tests read the files with GeoPandas directly, so they check what
``scripts/build_reference_data.py`` wrote, whatever the loaders do with it.
The unit tests work on hand-made shapes in UTM 32N (EPSG:32632), handed to
the functions in EPSG:4326 as real data would be.
"""

from __future__ import annotations

import math

import geopandas as gpd
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from pyproj import Transformer
from shapely.geometry import LineString, Point, Polygon
from shapely.geometry.base import BaseGeometry
from shapely.ops import substring

from borderwatch import config
from borderwatch.barrier import derive_barrier_alignment, length_km
from borderwatch.errors import BarrierGeometryError, ReferenceDataError

COAST_END = Point(11.5039, 33.1811)
TRIPOINT = Point(9.5203, 30.2295)

_TO_METRIC = Transformer.from_crs(config.GEOGRAPHIC_CRS, config.METRIC_CRS, always_xy=True)
_TO_GEOGRAPHIC = Transformer.from_crs(config.METRIC_CRS, config.GEOGRAPHIC_CRS, always_xy=True)


def to_metric(geometry: BaseGeometry) -> BaseGeometry:
    return shapely.transform(geometry, _TO_METRIC.transform, interleaved=False)


def to_geographic(geometry: BaseGeometry) -> BaseGeometry:
    return shapely.transform(geometry, _TO_GEOGRAPHIC.transform, interleaved=False)


# --- the bundled files ------------------------------------------------------


@pytest.fixture(scope="module")
def border() -> gpd.GeoDataFrame:
    return gpd.read_file(config.BORDER_PATH)


@pytest.fixture(scope="module")
def barrier() -> gpd.GeoDataFrame:
    return gpd.read_file(config.BARRIER_PATH)


@pytest.fixture(scope="module")
def countries() -> gpd.GeoDataFrame:
    return gpd.read_file(config.COUNTRIES_PATH)


@pytest.fixture(scope="module")
def border_m(border: gpd.GeoDataFrame) -> LineString:
    return border.to_crs(config.METRIC_CRS).geometry.iloc[0]


@pytest.fixture(scope="module")
def barrier_m(barrier: gpd.GeoDataFrame) -> LineString:
    return barrier.to_crs(config.METRIC_CRS).geometry.iloc[0]


def test_line_files_hold_one_linestring_in_wgs84(border: gpd.GeoDataFrame, barrier: gpd.GeoDataFrame) -> None:
    for frame in (border, barrier):
        assert len(frame) == 1
        assert frame.crs.equals(config.GEOGRAPHIC_CRS)
        assert isinstance(frame.geometry.iloc[0], LineString)
        assert frame.geometry.iloc[0].is_simple


def test_border_measures_about_450_km(border: gpd.GeoDataFrame, border_m: LineString) -> None:
    assert 445_000 <= border_m.length <= 455_000
    assert border["length_km"].iloc[0] == pytest.approx(border_m.length / 1000, abs=0.1)
    assert border["vertices"].iloc[0] == len(border_m.coords)


def test_border_runs_from_the_coast_to_the_algerian_tripoint(border_m: LineString) -> None:
    start, end = Point(border_m.coords[0]), Point(border_m.coords[-1])
    assert start.distance(to_metric(COAST_END)) < 1_000
    assert end.distance(to_metric(TRIPOINT)) < 1_000


def test_border_says_it_is_generalised(border: gpd.GeoDataFrame) -> None:
    properties = border.iloc[0]
    assert properties["name"] == "Tunisia–Libya border"
    assert "Ras Ajdir" in properties["note"]
    assert "survey-grade" in properties["note"]
    assert "public domain" in properties["licence"]


def test_barrier_measures_about_180_km(barrier: gpd.GeoDataFrame, barrier_m: LineString) -> None:
    assert 170_000 <= barrier_m.length <= 190_000
    assert barrier["measured_length_km"].iloc[0] == pytest.approx(barrier_m.length / 1000, abs=0.1)


def test_barrier_lies_wholly_inside_tunisia(barrier: gpd.GeoDataFrame, countries: gpd.GeoDataFrame) -> None:
    tunisia = countries.loc[countries["iso3"] == "TUN"].geometry.iloc[0]
    assert barrier.geometry.iloc[0].within(tunisia)


def test_every_point_of_the_barrier_is_1_to_3_km_from_the_border(
    barrier_m: LineString, border_m: LineString
) -> None:
    points = shapely.points(shapely.get_coordinates(shapely.segmentize(barrier_m, 1_000)))
    distances = shapely.distance(points, border_m)
    assert len(points) >= 180
    assert distances.min() >= 1_000
    assert distances.max() <= 3_000


def test_barrier_runs_from_the_coast_towards_dehiba(barrier_m: LineString, border_m: LineString) -> None:
    dehiba = to_metric(Point(config.DEHIBA_LON_LAT))
    border_near_dehiba = border_m.interpolate(border_m.project(dehiba))
    assert Point(barrier_m.coords[0]).distance(Point(border_m.coords[0])) <= 3_000
    assert Point(barrier_m.coords[-1]).distance(border_near_dehiba) <= 3_000


def test_barrier_carries_reported_lengths_and_is_marked_approximate(barrier: gpd.GeoDataFrame) -> None:
    properties = barrier.iloc[0]
    assert properties["name"] == "Trench and berm (barrier)"
    assert properties["reported_length_km"] == 200
    assert properties["reported_length_miles"] == 125
    assert properties["planned_length_km"] == 168
    assert "196 km" in properties["other_reported_lengths"]
    assert "250 km" in properties["other_reported_lengths"]
    assert properties["offset_km"] == 2
    assert barrier["approximate"].dtype == bool
    assert properties["approximate"]
    assert properties["derivation"]
    assert len(properties["sources"].split(" ; ")) >= 3


def test_countries_hold_the_three_neighbours_with_valid_geometry(countries: gpd.GeoDataFrame) -> None:
    assert {"TUN", "LBY", "DZA"} <= set(countries["iso3"])
    assert countries["iso3"].is_unique
    assert {"iso3", "name", "ne_id"} <= set(countries.columns)
    assert countries.crs.equals(config.GEOGRAPHIC_CRS)
    assert countries.geometry.is_valid.all()
    assert not countries.geometry.is_empty.any()
    assert set(countries.geom_type) <= {"Polygon", "MultiPolygon"}
    ids = dict(zip(countries["iso3"], countries["ne_id"], strict=True))
    assert (ids["TUN"], ids["LBY"], ids["DZA"]) == ("788", "434", "012")


# --- derive_barrier_alignment on hand-made shapes ---------------------------

# A 100 km border running due south along x = 500 km (lon 9°, UTM 32N's
# central meridian) from y = 3,600 km, i.e. about 31.6°–32.5° N.
NORTH, SOUTH, X = 3_600_000.0, 3_500_000.0, 500_000.0
STRAIGHT_BORDER = LineString([(X, NORTH), (X, SOUTH)])
WEST_SQUARE = Polygon([(X - 100_000, NORTH), (X, NORTH), (X, SOUTH), (X - 100_000, SOUTH)])
EAST_SQUARE = Polygon([(X, NORTH), (X + 100_000, NORTH), (X + 100_000, SOUTH), (X, SOUTH)])


def derive_metric(
    border: LineString, country: Polygon, southern_end: Point, offset_m: float = 2_000.0
) -> LineString:
    """Run the derivation on metric shapes, through EPSG:4326 both ways."""
    result = derive_barrier_alignment(
        to_geographic(border), to_geographic(country), to_geographic(southern_end), offset_m
    )
    return to_metric(result)


@pytest.mark.parametrize(("country", "expected_x"), [(WEST_SQUARE, X - 2_000), (EAST_SQUARE, X + 2_000)])
def test_straight_border_is_offset_2_km_into_the_country(country: Polygon, expected_x: float) -> None:
    result = derive_metric(STRAIGHT_BORDER, country, Point(X, SOUTH))
    xs, ys = shapely.get_coordinates(result).T
    assert xs == pytest.approx(expected_x, abs=0.01)
    assert (ys[0], ys[-1]) == pytest.approx((NORTH, SOUTH), abs=0.01)
    assert result.length == pytest.approx(100_000, abs=0.01)


def test_border_is_cut_at_the_point_nearest_the_southern_end() -> None:
    # 10 km east of the line at mid-height: its nearest border point is (X, 3,550 km).
    result = derive_metric(STRAIGHT_BORDER, WEST_SQUARE, Point(X + 10_000, 3_550_000))
    assert Point(result.coords[0]).distance(Point(X - 2_000, NORTH)) < 0.01
    assert Point(result.coords[-1]).distance(Point(X - 2_000, 3_550_000)) < 0.01
    assert result.length == pytest.approx(50_000, abs=0.01)


# South 50 km, then east 50 km: a left turn, so the inner corner is to the north-east.
BENT_BORDER = LineString([(X, 3_600_000), (X, 3_550_000), (X + 50_000, 3_550_000)])
INNER_COUNTRY = Polygon([(X, 3_650_000), (X, 3_550_000), (X + 100_000, 3_550_000), (X + 100_000, 3_650_000)])
OUTER_COUNTRY = Polygon(
    [
        (X - 100_000, 3_450_000),
        (X + 100_000, 3_450_000),
        (X + 100_000, 3_550_000),
        (X, 3_550_000),
        (X, 3_650_000),
        (X - 100_000, 3_650_000),
    ]
)


def test_offset_inside_a_bend_is_shorter_by_twice_the_offset() -> None:
    # Two 48 km legs: x = X + 2 km down to y = 3,552 km, then east along it.
    result = derive_metric(BENT_BORDER, INNER_COUNTRY, Point(X + 50_000, 3_550_000))
    assert result.length == pytest.approx(100_000 - 2 * 2_000, abs=0.01)
    assert Point(result.coords[0]).distance(Point(X + 2_000, 3_600_000)) < 0.01
    assert Point(result.coords[-1]).distance(Point(X + 50_000, 3_552_000)) < 0.01


def test_offset_outside_a_bend_rounds_the_corner() -> None:
    # Two 50 km legs joined by a quarter circle of radius 2 km (drawn with chords).
    result = derive_metric(BENT_BORDER, OUTER_COUNTRY, Point(X + 50_000, 3_550_000))
    assert result.length == pytest.approx(100_000 + math.pi / 2 * 2_000, rel=1e-3)
    assert result.within(OUTER_COUNTRY)


def test_length_km_measures_in_the_metric_crs() -> None:
    assert length_km(to_geographic(STRAIGHT_BORDER)) == pytest.approx(100.0, abs=1e-5)
    assert length_km(LineString()) == 0.0


@pytest.mark.parametrize(
    ("border", "country", "southern_end", "offset_m", "message"),
    [
        (LineString(), WEST_SQUARE, Point(X, SOUTH), 2_000, "border"),
        (STRAIGHT_BORDER, Polygon(), Point(X, SOUTH), 2_000, "tunisia"),
        (STRAIGHT_BORDER, WEST_SQUARE, Point(), 2_000, "southern_end"),
        (STRAIGHT_BORDER, WEST_SQUARE, Point(X, SOUTH), 0, "offset_m"),
        (STRAIGHT_BORDER, WEST_SQUARE, Point(X, SOUTH), math.nan, "offset_m"),
        (STRAIGHT_BORDER, WEST_SQUARE, Point(X, NORTH + 5_000), 2_000, "start"),
        # Far from the border: neither offset lies in it.
        (STRAIGHT_BORDER, WEST_SQUARE.buffer(-10_000), Point(X, SOUTH), 2_000, "which side"),
        # The border runs through the middle of it: both offsets lie in it.
        (STRAIGHT_BORDER, WEST_SQUARE.union(EAST_SQUARE).buffer(1), Point(X, SOUTH), 2_000, "which side"),
    ],
)
def test_unusable_inputs_raise_a_clear_value_error(
    border: LineString, country: Polygon, southern_end: Point, offset_m: float, message: str
) -> None:
    with pytest.raises(BarrierGeometryError, match=message) as caught:
        derive_metric(border, country, southern_end, offset_m)
    assert isinstance(caught.value, ReferenceDataError)
    assert isinstance(caught.value, ValueError)


def test_border_curling_back_within_twice_the_offset_is_refused() -> None:
    # South, then west, north and back east to within 1 km of the first leg,
    # the country on its right: the 2 km offset inside the curl is cut off
    # from the rest, so no single line can follow the border.
    hook = LineString(
        [(X, 3_700_000), (X, 3_640_000), (X - 30_000, 3_640_000), (X - 30_000, 3_670_000), (X - 1_000, 3_670_000)]
    )
    country = hook.buffer(-6_000, single_sided=True)
    with pytest.raises(BarrierGeometryError, match="disconnected"):
        derive_metric(hook, country, Point(hook.coords[-1]))


def test_metric_coordinates_passed_as_degrees_are_refused() -> None:
    with pytest.raises(BarrierGeometryError, match="lon/lat"):
        derive_barrier_alignment(STRAIGHT_BORDER, WEST_SQUARE, Point(X, SOUTH))


# --- properties on random borders -------------------------------------------


@st.composite
def bordered_countries(draw: st.DrawFn) -> tuple[LineString, Polygon, Point, float, LineString]:
    """A north-to-south polyline border, the country on one side, an end point on it and an offset.

    Returns the border, the country, the southern end, the offset and the
    stretch of border the barrier should follow.
    """
    steps = draw(st.lists(st.floats(10_000, 40_000), min_size=1, max_size=6))
    ys = [3_700_000.0]
    for step in steps:
        ys.append(ys[-1] - step)
    xs = draw(st.lists(st.floats(-15_000, 15_000), min_size=len(ys), max_size=len(ys)))
    border = LineString([(X + dx, y) for dx, y in zip(xs, ys, strict=True)])
    # The country extends 20 km past both ends of the border so the offset's
    # ends lie inside it, as at a real coast or tripoint.
    far_x = X + draw(st.sampled_from([-100_000.0, 100_000.0]))
    first, last = border.coords[0], border.coords[-1]
    country = Polygon(
        [(first[0], first[1] + 20_000), *border.coords, (last[0], last[1] - 20_000),
         (far_x, last[1] - 20_000), (far_x, first[1] + 20_000)]
    )
    cut = draw(st.floats(0.2, 1.0)) * border.length
    offset_m = draw(st.floats(500, 3_000))
    return border, country, border.interpolate(cut), offset_m, substring(border, 0, cut)


def chord_tolerance(offset_m: float) -> float:
    """How far inside offset_m a vertex of the offset may lie.

    GEOS draws round joins and caps with 8 chords a quarter circle; where the
    curve is trimmed against one, the end vertex can sit on a chord, up to
    its sagitta r(1 - cos(pi/16)) (about 2 % of r) closer than r.
    """
    return offset_m * (1 - math.cos(math.pi / 16)) + 0.5


@settings(max_examples=60, deadline=None)
@given(bordered_countries())
def test_every_vertex_is_offset_m_from_the_border_on_the_country_side(
    case: tuple[LineString, Polygon, Point, float, LineString],
) -> None:
    border, country, southern_end, offset_m, stretch = case
    result = derive_metric(border, country, southern_end, offset_m)
    assert result.is_simple
    vertices = shapely.points(shapely.get_coordinates(result))
    tolerance = chord_tolerance(offset_m)
    assert shapely.distance(vertices, stretch) == pytest.approx(offset_m, abs=tolerance)
    assert shapely.contains(country, vertices).all()
    # It runs the same way as the border: from the coastal end south.
    assert Point(result.coords[0]).distance(Point(border.coords[0])) == pytest.approx(offset_m, abs=tolerance)


@settings(max_examples=40, deadline=None)
@given(
    bearing=st.floats(-60, 60),
    length=st.floats(20_000, 150_000),
    offset_m=st.floats(500, 3_000),
    west=st.booleans(),
)
def test_straight_border_offset_keeps_its_length(
    bearing: float, length: float, offset_m: float, west: bool
) -> None:
    # Bearing in degrees off due south; a parallel offset of a straight line is as long as it.
    dx, dy = length * math.sin(math.radians(bearing)), -length * math.cos(math.radians(bearing))
    border = LineString([(X, NORTH), (X + dx, NORTH + dy)])
    side = -1 if west else 1
    country = Polygon(
        [(X, NORTH + 50_000), (X, NORTH), (X + dx, NORTH + dy), (X + dx, NORTH + dy - 50_000),
         (X + side * 300_000, NORTH + dy - 50_000), (X + side * 300_000, NORTH + 50_000)]
    )
    result = derive_metric(border, country, Point(border.coords[-1]), offset_m)
    assert result.length == pytest.approx(length, abs=0.5)
    vertices = shapely.points(shapely.get_coordinates(result))
    assert shapely.distance(vertices, border) == pytest.approx(offset_m, abs=0.5)
    assert shapely.contains(country, vertices).all()
