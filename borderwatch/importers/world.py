"""Countries of the world: names and codes to ISO alpha-3, and points to countries.

Reads ``data/world_countries.geojson`` (Natural Earth 1:110m, built by
``scripts/build_world_countries.py``): coarse polygons, good enough to tell
which country a point lies in to within tens of kilometres, never for a
border question.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.ops import nearest_points

from borderwatch import config, projection
from borderwatch.errors import ReferenceDataError

WORLD_COUNTRIES_PATH: Final[Path] = config.DATA_DIR / "world_countries.geojson"

#: Names sources use that neither Natural Earth nor GeoNames spells so
#: (GTD's and UCDP's conventions), lower-case, without a bracketed aside.
NAME_ALIASES: Final[dict[str, str]] = {
    "dr congo": "COD",
    "democratic republic of congo": "COD",
    "congo, democratic republic of": "COD",
    "republic of congo": "COG",
    "bosnia-herzegovina": "BIH",
    "west bank and gaza strip": "PSE",
    "palestinian territories": "PSE",
    "united states": "USA",
    "czech republic": "CZE",
    "east timor": "TLS",
    "swaziland": "SWZ",
    "kingdom of eswatini": "SWZ",
    "burma": "MMR",
    "laos": "LAO",
    "syria": "SYR",
    "iran": "IRN",
    "russia": "RUS",
    "south korea": "KOR",
    "north korea": "PRK",
    "vietnam": "VNM",
    "macedonia": "MKD",
}

_ASIDE: Final[re.Pattern[str]] = re.compile(r"\s*\([^)]*\)")
_SPACES: Final[re.Pattern[str]] = re.compile(r"\s+")

def normalise_name(name: str) -> str:
    """Lower-case a country name, drop bracketed asides ("Russia (Soviet Union)") and extra spaces."""
    return _SPACES.sub(" ", _ASIDE.sub("", name)).strip().lower().replace("&", "and")


@dataclass(frozen=True)
class World:
    """Lookup tables of the world's countries.

    Attributes
    ----------
    polygons : pandas.Series
        Prepared (multi)polygon by ISO alpha-3; countries too small for the
        1:110m scale are absent.
    by_name : dict of str to str
        ISO alpha-3 by normalised name (see :func:`normalise_name`).
    by_numeric : dict of int to str
        ISO alpha-3 by ISO numeric code.
    codes : frozenset of str
        Every ISO alpha-3 code known.
    names : dict of str to str
        English short name by ISO alpha-3.
    tree : shapely.STRtree
        Index of ``polygons``, in the same order.
    """

    polygons: pd.Series
    by_name: dict[str, str]
    by_numeric: dict[int, str]
    codes: frozenset[str]
    names: dict[str, str]
    tree: shapely.STRtree


@lru_cache(maxsize=1)
def load_world(path: Path = WORLD_COUNTRIES_PATH) -> World:
    """Read the world countries file once per process.

    Parameters
    ----------
    path : Path
        GeoJSON with ``iso3``, ``iso_n3``, ``name`` and ``aliases`` properties.

    Returns
    -------
    World
    """
    if not path.is_file():
        raise ReferenceDataError(f"{path}: file not found (run scripts/build_world_countries.py)")
    frame = gpd.read_file(path)
    by_name = {normalise_name(name): code for name, code in zip(frame["name"], frame["iso3"], strict=True)}
    by_name.update(
        {
            normalise_name(alias): code
            for alias, code in zip(frame["aliases"].fillna(""), frame["iso3"], strict=True) if alias
        }
    )
    by_name.update(NAME_ALIASES)
    by_name.update({code.lower(): code for code in frame["iso3"]})
    numeric = frame.dropna(subset=["iso_n3"])
    shaped = frame[frame.geometry.notna() & ~frame.geometry.is_empty]
    polygons = pd.Series(shaped.geometry.values, index=shaped["iso3"].values)
    shapely.prepare(polygons.to_numpy())
    return World(
        polygons=polygons,
        by_name=by_name,
        by_numeric={int(value): code for value, code in zip(numeric["iso_n3"], numeric["iso3"], strict=True)},
        codes=frozenset(frame["iso3"]),
        names=dict(zip(frame["iso3"], frame["name"], strict=True)),
        tree=shapely.STRtree(polygons.to_numpy()),
    )


def iso3_of(world: World, *, iso3: pd.Series, numeric: pd.Series, names: pd.Series) -> pd.Series:
    """ISO alpha-3 of each row from what the source gives, best evidence first.

    Parameters
    ----------
    world : World
    iso3, numeric, names : pandas.Series
        Text cells (empty when not given): alpha-3 codes, ISO numeric codes,
        country names. All on the same index.

    Returns
    -------
    pandas.Series
        Alpha-3 code, or "" where none of the three is recognised.
    """
    upper = iso3.str.strip().str.upper()
    from_code = upper.where(upper.isin(world.codes), "")
    numbers = pd.to_numeric(numeric.where(numeric.str.strip() != ""), errors="coerce")
    from_numeric = numbers.map(world.by_numeric).fillna("").astype(str)
    # Exports repeat a few country names over many rows: look each up once.
    lookup = {name: world.by_name.get(normalise_name(name), "") for name in names.unique().tolist()}
    from_name = names.map(lookup).astype(str)
    result = from_code.where(from_code != "", from_numeric)
    return result.where(result != "", from_name)


def country_at(world: World, longitude: np.ndarray, latitude: np.ndarray) -> np.ndarray:
    """ISO alpha-3 of the country each point lies in or near (see :data:`borderwatch.config.POINT_TOLERANCE_DEGREES`).

    Parameters
    ----------
    world : World
    longitude, latitude : numpy.ndarray
        Valid WGS84 degrees.

    Returns
    -------
    numpy.ndarray of str
        Alpha-3 code, "" where no country is that near.
    """
    points = shapely.points(longitude, latitude)
    found = np.array([""] * len(longitude), dtype=object)
    if len(longitude) == 0:
        return found
    inputs, nearest = world.tree.query_nearest(points, max_distance=config.POINT_TOLERANCE_DEGREES, all_matches=False)
    found[inputs] = world.polygons.index.values[nearest]
    return found


#: Kilometres per degree of latitude; a degree of longitude is never longer.
_KM_PER_DEGREE: Final[float] = 111.32


def outside_named_country(
    world: World, longitude: np.ndarray, latitude: np.ndarray, iso3: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """How far each point lies outside the country its record names, and whether it is swapped.

    Parameters
    ----------
    world : World
    longitude, latitude : numpy.ndarray
        Valid WGS84 degrees.
    iso3 : numpy.ndarray of str
        Country each record names; countries without a polygon are not checked.

    Returns
    -------
    swapped : numpy.ndarray of bool
        True where the point is more than :data:`borderwatch.config.WRONG_COUNTRY_KM` outside
        the named country and (longitude, latitude) = (latitude, longitude)
        lies inside it.
    km_outside : numpy.ndarray of float
        Geodesic distance to the named country's polygon, in km: 0 inside,
        NaN where the country has no polygon. Below :data:`borderwatch.config.WRONG_COUNTRY_KM`
        it may be an upper bound rather than the distance itself.
    """
    polygons = world.polygons.reindex(iso3).to_numpy()
    has_polygon = pd.notna(polygons)
    outside = has_polygon.copy()
    outside[has_polygon] = ~shapely.contains_xy(polygons[has_polygon], longitude[has_polygon], latitude[has_polygon])
    km_outside = np.where(has_polygon, 0.0, np.nan)
    if outside.any():
        # A planar distance in degrees, times the length of a degree of
        # latitude, bounds the geodesic one: only farther points are measured.
        degrees = shapely.distance(polygons[outside], shapely.points(longitude[outside], latitude[outside]))
        km_outside[outside] = degrees * _KM_PER_DEGREE
        for index in np.flatnonzero(outside)[km_outside[outside] > config.WRONG_COUNTRY_KM]:
            km_outside[index] = _km_outside(polygons[index], longitude[index], latitude[index])
    swapped = outside & (km_outside > config.WRONG_COUNTRY_KM) & (np.abs(longitude) <= 90.0)
    swapped[swapped] = shapely.contains_xy(polygons[swapped], latitude[swapped], longitude[swapped])
    return swapped, km_outside


def _km_outside(polygon: shapely.Geometry, longitude: float, latitude: float) -> float:
    """Geodesic distance from a point to the nearest point of a polygon, in km."""
    # The nearest point in degrees is not exactly the geodesically nearest,
    # but the error is far below the 25 km tolerance this is compared with.
    nearest = nearest_points(polygon, shapely.Point(longitude, latitude))[0]
    return float(projection.geodesic_distance_m(longitude, latitude, nearest.x, nearest.y)) / 1000.0
