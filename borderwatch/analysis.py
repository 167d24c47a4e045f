"""Measurements of incidents against the border and the barrier.

Distances are computed in :data:`borderwatch.config.METRIC_CRS`, never in
degrees.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
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


def monthly_timeline(counts: pd.DataFrame) -> pd.DataFrame:
    """Turn the store's counts per month and type into a chartable timeline.

    Parameters
    ----------
    counts : pandas.DataFrame
        ``event_month`` (months since January 1970), ``event_type``,
        ``incidents``, ``deaths``, as
        ``SQLiteStore.aggregate(..., by=("event_month", "event_type"))`` returns them.

    Returns
    -------
    pandas.DataFrame
        Columns ``month`` (first day of the month), ``event_type``,
        ``incidents`` and ``deaths``; months without incidents are absent.
    """
    months = counts["event_month"].to_numpy(dtype=np.int64).astype("datetime64[M]").astype("datetime64[ns]")
    return pd.DataFrame(
        {"month": months, "event_type": counts["event_type"].astype(str).to_numpy(),
         "incidents": counts["incidents"].astype(int).to_numpy(), "deaths": counts["deaths"].astype(int).to_numpy()}
    )
