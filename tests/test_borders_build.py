"""The border extraction of ``scripts/build_borders.py``.

Property tests build small TopoJSON topologies by hand: a grid of cells, each
cell a polygon of its own (so that cells of one country share seams, as
Natural Earth's multi-polygons do), the cells' edges as quantised arcs. The
countries' polygons are built independently, as unions of boxes, and each
extracted line is checked against them. When the npm package world-atlas is
installed under ``node_modules/`` (``npm install --no-save world-atlas@2``)
the real build runs too and must reproduce the bundled file.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shapely.geometry import LineString, MultiLineString, box

from borderwatch import config
from borderwatch.borders import find_border
from borderwatch.errors import ReferenceDataError
from borderwatch.geodesy import length_km
from scripts import build_borders

WORLD_ATLAS = Path(__file__).resolve().parents[1] / "node_modules" / "world-atlas"
PROPERTY_SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SEA = -1
# Lines and polygons come out on the 1e-6° grid; a point closer than this lies on a boundary.
ON_LINE_DEG = 2e-6


# --- hand-made topologies ---------------------------------------------------


class Grid:
    """A grid of cells labelled by country (or sea), as a TopoJSON topology and as boxes."""

    def __init__(self, labels: np.ndarray, origin: tuple[float, float], cell: tuple[float, float]) -> None:
        self.labels = labels
        self.origin = origin
        self.cell = cell
        self.height, self.width = labels.shape
        self.countries = sorted(int(label) for label in np.unique(labels) if label != SEA)

    def corner(self, column: int, row: int) -> tuple[float, float]:
        return (self.origin[0] + column * self.cell[0], self.origin[1] + row * self.cell[1])

    def polygon(self, country: int):
        cells = [
            box(*self.corner(column, row), *self.corner(column + 1, row + 1))
            for row, column in zip(*np.nonzero(self.labels == country), strict=True)
        ]
        return shapely.set_precision(shapely.union_all(cells), 1e-6)

    def topology(self) -> dict:
        """Every cell edge an arc of two quantised positions, every cell a ring of four arcs."""
        arcs, index = [], {}
        for row in range(self.height + 1):
            for column in range(self.width + 1):
                if column < self.width:
                    index[("h", column, row)] = len(arcs)
                    arcs.append([[column, row], [1, 0]])
                if row < self.height:
                    index[("v", column, row)] = len(arcs)
                    arcs.append([[column, row], [0, 1]])
        geometries = []
        for country in self.countries:
            rings = [
                [[
                    index[("h", column, row)],
                    index[("v", column + 1, row)],
                    ~index[("h", column, row + 1)],
                    ~index[("v", column, row)],
                ]]
                for row, column in zip(*np.nonzero(self.labels == country), strict=True)
            ]
            geometries.append({
                "type": "MultiPolygon",
                "arcs": rings,
                "id": f"{country:03d}",
                "properties": {"name": f"Country {country}"},
            })
        return {
            "type": "Topology",
            "transform": {"scale": list(self.cell), "translate": list(self.origin)},
            "objects": {"countries": {"type": "GeometryCollection", "geometries": geometries}},
            "arcs": arcs,
        }

    def neighbours(self) -> set[tuple[int, int]]:
        """Pairs of countries with cells side by side (a shared edge, not just a corner)."""
        pairs = set()
        for row, column in itertools.product(range(self.height), range(self.width)):
            here = self.labels[row, column]
            for other in (self.labels[row, column + 1] if column + 1 < self.width else SEA,
                          self.labels[row + 1, column] if row + 1 < self.height else SEA):
                if SEA not in (here, other) and here != other:
                    pairs.add((int(min(here, other)), int(max(here, other))))
        return pairs


@st.composite
def grids(draw) -> Grid:
    height = draw(st.integers(2, 6))
    width = draw(st.integers(2, 6))
    labels = np.array(draw(st.lists(st.integers(SEA, 3), min_size=height * width, max_size=height * width)))
    # Whole thousandths of a degree, so the decoded positions fall on the 1e-6 output grid.
    origin = (draw(st.integers(-170_000, 160_000)) / 1000, draw(st.integers(-70_000, 60_000)) / 1000)
    cell = (draw(st.integers(10, 2_000)) / 1000, draw(st.integers(10, 2_000)) / 1000)
    return Grid(labels.reshape(height, width), origin, cell)


def extracted(grid: Grid) -> dict[tuple[int, int], LineString | MultiLineString]:
    """Each pair's merged line, as the build makes it, keyed by the pair's country labels."""
    topology = grid.topology()
    geometries = topology["objects"]["countries"]["geometries"]
    arcs = build_borders.decode_arcs(topology)
    return {
        (grid.countries[pair.first], grid.countries[pair.second]):
            build_borders.merged_line(arcs[i] for i in pair.arcs)
        for pair in build_borders.shared_arcs(geometries)
    }


def shared_boundary(first, second) -> MultiLineString:
    return build_borders.shared_lines(first.boundary.intersection(second.boundary))


@PROPERTY_SETTINGS
@given(grids())
def test_a_border_is_found_for_exactly_the_countries_that_share_an_edge(grid):
    assert set(extracted(grid)) == grid.neighbours()


@PROPERTY_SETTINGS
@given(grids())
def test_each_line_lies_on_both_countries_boundaries(grid):
    for (a, b), line in extracted(grid).items():
        first, second = grid.polygon(a), grid.polygon(b)
        for polygon in (first, second):
            # Vertices and segment middles: a segment could leave the boundary between its ends.
            coords = shapely.get_coordinates(line)
            probes = shapely.points(coords)
            middles = shapely.line_interpolate_point(shapely.get_parts(line), 0.5, normalized=True)
            assert shapely.distance(polygon.boundary, probes).max() <= ON_LINE_DEG
            assert shapely.distance(polygon.boundary, middles).max() <= ON_LINE_DEG
        assert build_borders.on_boundary_problems(f"{a}-{b}", line, {"A": first, "B": second}) == []


@PROPERTY_SETTINGS
@given(grids())
def test_each_line_is_the_whole_shared_boundary_and_as_long(grid):
    for (a, b), line in extracted(grid).items():
        shared = shared_boundary(grid.polygon(a), grid.polygon(b))
        assert line.length == pytest.approx(shared.length, rel=1e-9)
        assert length_km(line) == pytest.approx(length_km(shared), rel=1e-9)
        # Nothing of the shared boundary is missing from the line.
        assert shared.difference(line.buffer(ON_LINE_DEG)).length == pytest.approx(0.0, abs=ON_LINE_DEG)
        # Separate stretches stay separate parts of one line, as many as the boundary has.
        assert len(shapely.get_parts(line)) == len(shapely.get_parts(shapely.line_merge(shared)))


@PROPERTY_SETTINGS
@given(grids())
def test_every_segment_of_an_oriented_border_has_the_first_country_on_its_left(grid):
    for (a, b), line in extracted(grid).items():
        first, second = grid.polygon(a), grid.polygon(b)
        oriented = build_borders.oriented_parts(line, first, second)
        parts = shapely.get_parts(oriented)
        assert [round(length_km(part), 6) for part in parts] == sorted(
            (round(length_km(part), 6) for part in parts), reverse=True
        )
        for part in parts:
            coords = np.asarray(part.coords)
            for start, end in itertools.pairwise(coords):
                probe = build_borders._side_probe(start, end)
                assert first.contains(probe) and not second.contains(probe)


# --- the pieces -------------------------------------------------------------


@given(st.lists(st.lists(st.integers(-1000, 1000), min_size=2, max_size=2), min_size=1, max_size=30),
       st.floats(1e-4, 1.0), st.floats(1e-4, 1.0), st.floats(-180, 180), st.floats(-90, 90))
def test_decoding_a_quantised_arc_sums_its_deltas_then_scales_and_translates(deltas, sx, sy, tx, ty):
    topology = {"transform": {"scale": [sx, sy], "translate": [tx, ty]}, "arcs": [deltas]}
    (decoded,) = build_borders.decode_arcs(topology)
    expected = np.cumsum(np.asarray(deltas, dtype=float), axis=0) * [sx, sy] + [tx, ty]
    np.testing.assert_allclose(decoded, expected)


def test_an_unquantised_topology_keeps_its_positions():
    (decoded,) = build_borders.decode_arcs({"arcs": [[[10.5, 30.25], [11.0, 31.0]]]})
    np.testing.assert_array_equal(decoded, [[10.5, 30.25], [11.0, 31.0]])


def test_an_arc_used_twice_by_one_country_is_not_on_its_boundary():
    # Arc 0 out and back (a zero-width spike), arc 1 once: only arc 1 bounds the country.
    assert build_borders.boundary_arcs({"type": "Polygon", "arcs": [[0, 1, ~0]]}) == {1}


def test_a_seam_between_two_polygons_of_one_country_is_no_border():
    geometries = [
        {"type": "MultiPolygon", "arcs": [[[0, 1]], [[~1, 2]]]},
        {"type": "Polygon", "arcs": [[~2, 3]]},
    ]
    (pair,) = build_borders.shared_arcs(geometries)
    assert (pair.first, pair.second, pair.arcs) == (0, 1, (2,))


def test_an_arc_bounding_three_countries_is_reported_as_a_broken_topology():
    geometries = [{"type": "Polygon", "arcs": [[0, i + 1]]} for i in range(3)]
    with pytest.raises(ReferenceDataError, match="arc 0 bounds 3 geometries"):
        build_borders.shared_arcs(geometries)


@st.composite
def paths_with_spikes(draw):
    """A walk on a small grid that never steps straight back, and the same walk with spikes inserted."""
    steps = [(1, 0), (-1, 0), (0, 1), (0, -1)]
    walk = [(0, 0)]
    previous = None
    for _ in range(draw(st.integers(1, 20))):
        choices = [s for s in steps if previous is None or s != (-previous[0], -previous[1])]
        step = draw(st.sampled_from(choices))
        walk.append((walk[-1][0] + step[0], walk[-1][1] + step[1]))
        previous = step
    spiked = []
    for vertex in walk:
        spiked.append(vertex)
        if draw(st.booleans()):
            tip = (vertex[0] + draw(st.sampled_from([-1, 1])), vertex[1] + 5)
            spiked.extend([tip, vertex])
    return np.asarray(walk, dtype=float), np.asarray(spiked, dtype=float)


@given(paths_with_spikes())
def test_removing_spikes_gives_back_the_walk(paths):
    walk, spiked = paths
    cleaned = build_borders.without_spikes(spiked)
    np.testing.assert_array_equal(cleaned, walk)
    assert not any(np.array_equal(cleaned[i - 1], cleaned[i + 1]) for i in range(1, len(cleaned) - 1))


def test_codes_come_from_the_iso_numeric_id_or_the_table_of_entities_without_one():
    geometries = [
        {"id": "788", "properties": {"name": "Tunisia"}},
        {"id": "434", "properties": {"name": "Libya"}},
        {"properties": {"name": "Kosovo"}},
        {"properties": {"name": "N. Cyprus"}},
        {"properties": {"name": "Coral Sea Is."}},
    ]
    countries = build_borders.country_codes(geometries)
    assert [(c.index, c.code, c.name) for c in countries] == [
        (0, "TUN", "Tunisia"), (1, "LBY", "Libya"), (2, "XKX", "Kosovo"), (3, "CYN", "N. Cyprus"),
    ]


def test_a_side_probe_lies_left_of_its_segment_and_about_a_metre_away():
    probe = build_borders._side_probe(np.array([10.0, 60.0]), np.array([10.0, 61.0]))
    # Walking north, left is west; at 60° N a degree of longitude is half as long.
    assert probe.x < 10.0 and probe.y == pytest.approx(60.5)
    assert 0.5 < length_km(LineString([(10.0, 60.5), (probe.x, probe.y)])) * 1000 < 2.0


def test_a_line_between_two_countries_that_it_does_not_touch_cannot_be_oriented():
    far = LineString([(50, 50), (51, 50)])
    with pytest.raises(ReferenceDataError, match="falls in either country"):
        build_borders.country_on_left(far, box(0, 0, 1, 1), box(1, 0, 2, 1))


# --- the real build ---------------------------------------------------------

needs_world_atlas = pytest.mark.skipif(
    not (WORLD_ATLAS / build_borders.TOPOJSON_NAME).is_file(),
    reason="world-atlas is not installed: npm install --no-save world-atlas@2",
)


@needs_world_atlas
def test_the_build_reproduces_the_bundled_file_byte_for_byte(tmp_path: Path):
    # The build itself checks every line against both countries' polygons (GDAL's reading).
    build_borders.build(WORLD_ATLAS, tmp_path)
    assert (tmp_path / build_borders.BORDERS_FILE).read_bytes() == config.BORDERS_PATH.read_bytes()


@needs_world_atlas
def test_the_topology_holds_no_pair_the_bundled_file_leaves_out_but_italy_vatican():
    topology = json.loads((WORLD_ATLAS / build_borders.TOPOJSON_NAME).read_text(encoding="utf-8"))
    geometries = topology["objects"]["countries"]["geometries"]
    names = {
        tuple(sorted((geometries[pair.first]["properties"]["name"], geometries[pair.second]["properties"]["name"])))
        for pair in build_borders.shared_arcs(geometries)
    }
    bundled = json.loads(config.BORDERS_PATH.read_text(encoding="utf-8"))["features"]
    kept = {tuple(sorted((f["properties"]["name_a"], f["properties"]["name_b"]))) for f in bundled}
    assert names - kept == {("Italy", "Vatican")}


# --- the bundled lines against the bundled detailed countries (offline) -----


@pytest.mark.parametrize("key", ["LBY-TUN", "DZA-TUN"])
def test_bundled_lines_of_the_detailed_region_lie_on_both_countries_boundaries(key):
    border = find_border(key)
    countries = gpd.read_file(config.COUNTRIES_PATH).set_index("iso3").geometry
    polygons = {code: countries[code] for code in (border.code_a, border.code_b)}
    assert build_borders.on_boundary_problems(key, border.geometry, polygons) == []
    # code_a's country lies left of the line: a point just left of the middle is in it.
    coords = np.asarray(border.geometry.coords)
    middle = len(coords) // 2
    probe = build_borders._side_probe(coords[middle - 1], coords[middle])
    assert polygons[border.code_a].contains(probe)
