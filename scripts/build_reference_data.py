"""Build the bundled border, barrier and country files from Natural Earth.

Run by hand, from the repository root::

    python -m scripts.build_reference_data

It fetches the npm package ``world-atlas@2`` (Natural Earth 1:10m, packaged
as TopoJSON) into a temporary folder with ``npm pack``, reads
``countries-10m.json`` with GeoPandas (GDAL's TopoJSON driver) and writes
``data/countries.geojson``, ``data/border.geojson`` and
``data/barrier.geojson``. ``--package-dir`` reuses an unpacked copy of the
package instead (no network, no Node). The app never runs this script.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import tarfile
import tempfile
from pathlib import Path
from typing import Final, TypeVar

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry import LineString, MultiPolygon, Point, Polygon
from shapely.geometry.base import BaseGeometry

from borderwatch import config
from borderwatch.barrier import derive_barrier_alignment, length_km
from borderwatch.errors import ReferenceDataError

PACKAGE_SPEC: Final[str] = "world-atlas@2"
TOPOJSON_NAME: Final[str] = "countries-10m.json"
TOPOJSON_LAYER: Final[str] = "countries"

TUNISIA_ID: Final[str] = "788"
LIBYA_ID: Final[str] = "434"
ALGERIA_ID: Final[str] = "012"

#: ISO 3166-1 alpha-3 of the numeric ids (world-atlas keeps only the
#: numeric code) that can fall in the bounding box below.
ISO3_BY_ID: Final[dict[str, str]] = {
    TUNISIA_ID: "TUN",
    LIBYA_ID: "LBY",
    ALGERIA_ID: "DZA",
    "380": "ITA",
    "470": "MLT",
    "724": "ESP",
}

#: Land kept for the offline basemap (lon_min, lat_min, lon_max, lat_max):
#: a margin around the initial map view, so panning does not hit the clip edge at once.
BASEMAP_BBOX: Final[tuple[float, float, float, float]] = (4.0, 27.0, 18.0, 40.0)

#: Decimal places kept in the written coordinates: 1e-6 degree is about
#: 0.1 m, far finer than the source (its TopoJSON steps 0.0036° of longitude).
COORDINATE_DECIMALS: Final[int] = 6

Geometries = TypeVar("Geometries", BaseGeometry, np.ndarray)

SOURCE_LICENCE: Final[str] = "Natural Earth: public domain; world-atlas packaging: ISC licence"

BARRIER_SOURCES: Final[tuple[str, ...]] = (
    "Le Monde, 8 Jul 2015",
    "AP",
    "Reuters via africanews, 7 Feb 2016",
    "Al Jazeera, 7 Feb 2016",
    "BBC",
    "US Embassy via tunisia-tn.com, 25 Mar 2016",
    "Libya Herald, 16 Dec 2017",
    "Tunisian Ministry of Defence communiqué, 20 Feb 2016 (no barrier south of Dehiba)",
)


def fetch_package(workdir: Path) -> Path:
    """Download and unpack ``world-atlas@2`` with ``npm pack``; return the package folder."""
    packed = subprocess.run(
        ["npm", "pack", PACKAGE_SPEC, "--json", "--pack-destination", str(workdir)],
        check=True,
        capture_output=True,
        text=True,
    )
    tarball = workdir / json.loads(packed.stdout)[0]["filename"]
    with tarfile.open(tarball) as archive:
        # The "data" filter refuses absolute paths, links out of the folder and device files.
        archive.extractall(workdir, filter="data")
    return workdir / "package"


def package_version(package_dir: Path) -> str:
    """Version recorded in the package's ``package.json``."""
    return json.loads((package_dir / "package.json").read_text(encoding="utf-8"))["version"]


def snap_to_grid(geometry: Geometries) -> Geometries:
    """Snap a (valid) geometry, or array of them, to the grid of :data:`COORDINATE_DECIMALS`.

    GEOS keeps the result valid (slivers narrower than the grid collapse), so
    GDAL's own rounding on writing has nothing left to change.
    """
    return shapely.set_precision(geometry, 10.0**-COORDINATE_DECIMALS)


def read_world(topojson: Path) -> gpd.GeoDataFrame:
    """Read the TopoJSON countries layer as valid geometries on the output grid, in EPSG:4326."""
    world = gpd.read_file(topojson, layer=TOPOJSON_LAYER)
    # TopoJSON carries no CRS; world-atlas's countries are plain lon/lat.
    world = world.set_crs(config.GEOGRAPHIC_CRS)
    world = world[~(world.geometry.is_empty | world.geometry.isna())]
    # make_valid mends the few invalid source polygons (e.g. Italy's ring
    # touches itself). Snapping before anything else keeps the border's
    # vertices identical to the written polygons' shared vertices.
    world = world.set_geometry(snap_to_grid(shapely.make_valid(world.geometry.values)))
    return world.reset_index(drop=True)


def polygonal_part(geometry: BaseGeometry) -> Polygon | MultiPolygon:
    """Keep only the areas of a geometry (make_valid and clipping can leave lines and points)."""
    polygons = [part for part in shapely.get_parts(geometry) if isinstance(part, (Polygon, MultiPolygon))]
    return shapely.union_all(polygons)


def one_country(world: gpd.GeoDataFrame, country_id: str) -> Polygon | MultiPolygon:
    """The (valid) polygon of one numeric id."""
    rows = world[world["id"] == country_id]
    if len(rows) != 1:
        raise ReferenceDataError(
            f"{TOPOJSON_NAME}: expected one feature with id {country_id}, found {len(rows)}"
        )
    return polygonal_part(rows.geometry.iloc[0])


def basemap_countries(world: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Countries with land in :data:`BASEMAP_BBOX`, clipped to it."""
    in_view = world.cx[BASEMAP_BBOX[0] : BASEMAP_BBOX[2], BASEMAP_BBOX[1] : BASEMAP_BBOX[3]].copy()
    unknown = sorted(set(in_view["id"]) - set(ISO3_BY_ID))
    if unknown:
        raise ReferenceDataError(f"ids {unknown} fall in the basemap box: add their ISO3 codes to ISO3_BY_ID")
    clipped = [polygonal_part(part) for part in in_view.geometry.clip_by_rect(*BASEMAP_BBOX)]
    countries = gpd.GeoDataFrame(
        {
            "iso3": in_view["id"].map(ISO3_BY_ID),
            "name": in_view["name"],
            "ne_id": in_view["id"],
        },
        geometry=clipped,
        crs=config.GEOGRAPHIC_CRS,
    )
    countries = countries[~countries.geometry.is_empty]
    return countries.sort_values("iso3").reset_index(drop=True)


def shared_border(tunisia: BaseGeometry, libya: BaseGeometry, algeria: BaseGeometry) -> LineString:
    """The Tunisia–Libya arc, oriented from the coast to the Algerian tripoint."""
    shared = shapely.line_merge(tunisia.boundary.intersection(libya.boundary))
    if not isinstance(shared, LineString):
        raise ReferenceDataError(
            f"the Tunisia and Libya boundaries share a {shared.geom_type}, not one LineString"
        )
    # The tripoint is the end Algeria touches; the other end is on the coast.
    start, end = Point(shared.coords[0]), Point(shared.coords[-1])
    if start.distance(algeria) < end.distance(algeria):
        shared = shared.reverse()
    return shared


def line_frame(line: LineString, properties: dict[str, object]) -> gpd.GeoDataFrame:
    """One-feature GeoDataFrame of a line and its properties."""
    columns = {key: [value] for key, value in properties.items()}
    return gpd.GeoDataFrame(columns, geometry=[line], crs=config.GEOGRAPHIC_CRS)


def border_frame(border: LineString, version: str) -> gpd.GeoDataFrame:
    """The border feature with its provenance."""
    return line_frame(
        border,
        {
            "name": "Tunisia–Libya border",
            "source": (
                f"Natural Earth 1:10m admin-0 countries via world-atlas {version} ({TOPOJSON_NAME}): "
                f"arc shared by ids {TUNISIA_ID} (Tunisia) and {LIBYA_ID} (Libya)"
            ),
            "licence": SOURCE_LICENCE,
            "length_km": round(length_km(border), 1),
            "vertices": len(border.coords),
            "note": (
                "Generalised small-scale line, not survey-grade: its coastal end lies about 6.8 km "
                "WNW of the Ras Ajdir crossing, which therefore plots on the Libyan side."
            ),
        },
    )


def barrier_frame(barrier: LineString, version: str) -> gpd.GeoDataFrame:
    """The barrier feature with its measured and reported lengths."""
    dehiba_lon, dehiba_lat = config.DEHIBA_LON_LAT
    return line_frame(
        barrier,
        {
            "name": "Trench and berm (barrier)",
            "measured_length_km": round(length_km(barrier), 1),
            "reported_length_km": 200,
            "reported_length_miles": 125,
            "planned_length_km": 168,
            "other_reported_lengths": "196 km (Libya Herald, 16 Dec 2017); 250 km (US Embassy, 25 Mar 2016)",
            "announced": "2015-07-07",
            "completion_announced": "2016-02-06",
            "offset_km": config.BARRIER_OFFSET_M / 1000.0,
            "approximate": True,
            "derivation": (
                "No public dataset gives the path: this is the Natural Earth 1:10m border "
                f"(world-atlas {version}) from its coastal end to the point nearest Dehiba "
                f"({dehiba_lat} N, {dehiba_lon} E), "
                f"offset {config.BARRIER_OFFSET_M / 1000.0:g} km into Tunisia in {config.METRIC_CRS}."
            ),
            "sources": " ; ".join(BARRIER_SOURCES),
        },
    )


def write_geojson(frame: gpd.GeoDataFrame, path: Path) -> None:
    """Write (or overwrite) RFC 7946 GeoJSON with the coordinate precision of the build."""
    frame.to_file(
        path,
        driver="GeoJSON",
        engine="pyogrio",
        RFC7946="YES",
        COORDINATE_PRECISION=COORDINATE_DECIMALS,
    )


def lat_lon(point: tuple[float, ...]) -> str:
    """A (lon, lat) pair as text, latitude first as people read it."""
    return f"{point[1]:.4f} N, {point[0]:.4f} E"


def build(package_dir: Path, out_dir: Path) -> None:
    """Write the three files from an unpacked world-atlas package and print what was measured."""
    version = package_version(package_dir)
    world = read_world(package_dir / TOPOJSON_NAME)
    tunisia = one_country(world, TUNISIA_ID)
    border = shared_border(tunisia, one_country(world, LIBYA_ID), one_country(world, ALGERIA_ID))
    barrier = snap_to_grid(derive_barrier_alignment(border, tunisia, Point(config.DEHIBA_LON_LAT)))

    countries = basemap_countries(world)
    out_dir.mkdir(parents=True, exist_ok=True)
    write_geojson(countries, out_dir / "countries.geojson")
    write_geojson(border_frame(border, version), out_dir / "border.geojson")
    write_geojson(barrier_frame(barrier, version), out_dir / "barrier.geojson")

    print(f"world-atlas {version}, {TOPOJSON_NAME}")
    print(f"countries: {', '.join(countries['iso3'])} -> {out_dir / 'countries.geojson'}")
    print(f"border: {length_km(border):.1f} km, {len(border.coords)} vertices, "
          f"from {lat_lon(border.coords[0])} to {lat_lon(border.coords[-1])}")
    print(f"barrier: {length_km(barrier):.1f} km, {len(barrier.coords)} vertices, "
          f"from {lat_lon(barrier.coords[0])} to {lat_lon(barrier.coords[-1])}")


def main() -> None:
    """Parse the command line and run the build."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--package-dir",
        type=Path,
        help="unpacked world-atlas package to read instead of fetching it with npm",
    )
    parser.add_argument(
        "--out-dir", type=Path, default=config.DATA_DIR, help="folder to write (default: data/)"
    )
    args = parser.parse_args()
    if args.package_dir is not None:
        build(args.package_dir, args.out_dir)
        return
    with tempfile.TemporaryDirectory(prefix="world-atlas-") as workdir:
        build(fetch_package(Path(workdir)), args.out_dir)


if __name__ == "__main__":
    main()
