"""Measurements of incidents against the border and the barrier.

Distances are computed in :data:`borderwatch.config.METRIC_CRS`, never in
degrees.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
from shapely.geometry.base import BaseGeometry

from borderwatch import config

_METRES_PER_KM = 1_000.0


def distance_km(
    points: gpd.GeoSeries, line: BaseGeometry, metric_crs: str = config.METRIC_CRS
) -> pd.Series:
    """Return the shortest distance from each point to ``line``, in km.

    Parameters
    ----------
    points : geopandas.GeoSeries
        Points with a CRS set.
    line : shapely geometry
        Geometry in EPSG:4326 (the border or the barrier).
    metric_crs : str
        Projected CRS in metres used for the measurement.

    Returns
    -------
    pandas.Series
        Floats, indexed like ``points``.
    """
    target = gpd.GeoSeries([line], crs=config.GEOGRAPHIC_CRS).to_crs(metric_crs).iloc[0]
    return points.to_crs(metric_crs).distance(target) / _METRES_PER_KM


def with_line_distances(
    incidents: gpd.GeoDataFrame,
    border: BaseGeometry,
    barrier: BaseGeometry,
    metric_crs: str = config.METRIC_CRS,
) -> gpd.GeoDataFrame:
    """Return a copy of ``incidents`` with distances to the border and barrier.

    Parameters
    ----------
    incidents : geopandas.GeoDataFrame
        Incident points.
    border, barrier : shapely geometry
        Lines in EPSG:4326.
    metric_crs : str
        Projected CRS in metres.

    Returns
    -------
    geopandas.GeoDataFrame
        The incidents plus ``distance_border_km`` and ``distance_barrier_km``.
    """
    measured = incidents.copy()
    measured["distance_border_km"] = distance_km(incidents.geometry, border, metric_crs)
    measured["distance_barrier_km"] = distance_km(incidents.geometry, barrier, metric_crs)
    return measured


def monthly_timeline(incidents: pd.DataFrame) -> pd.DataFrame:
    """Count incidents and deaths per calendar month and event type.

    Parameters
    ----------
    incidents : pandas.DataFrame
        With ``event_date``, ``event_type`` and ``deaths_best``.

    Returns
    -------
    pandas.DataFrame
        Columns ``month`` (first day of the month), ``event_type``,
        ``incidents`` and ``deaths``; months without incidents are absent.
    """
    if incidents.empty:
        return pd.DataFrame(
            {"month": pd.Series(dtype="datetime64[ns]"), "event_type": pd.Series(dtype=str),
             "incidents": pd.Series(dtype=int), "deaths": pd.Series(dtype=int)}
        )
    months = incidents["event_date"].dt.to_period("M").dt.to_timestamp()
    grouped = (
        pd.DataFrame(
            {"month": months, "event_type": incidents["event_type"],
             "deaths": incidents["deaths_best"].fillna(0).astype(int)}
        )
        .groupby(["month", "event_type"], as_index=False)
        .agg(incidents=("deaths", "size"), deaths=("deaths", "sum"))
    )
    return grouped
