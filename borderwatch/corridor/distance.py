"""How far incidents lie from the border: a histogram and summary statistics."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from borderwatch import config
from borderwatch.corridor._shared import (
    check_positive,
    floor_index,
    km_text,
    piece_count,
    require_columns,
)


def distance_histogram(distances_km: pd.Series, bin_km: float, max_km: float | None = None) -> pd.DataFrame:
    """Count distances in bins of equal width from 0.

    Parameters
    ----------
    distances_km : pandas.Series
        Distances in km; missing ones are left out.
    bin_km : float
        Width of the bins [0, b), [b, 2b), ...
    max_km : float, optional
        End of the last bin, which is narrower when ``max_km`` is not a
        multiple of ``bin_km``; distances at or beyond it are left out.
        Without it, the bins run to the one holding the largest distance.

    Returns
    -------
    pandas.DataFrame
        ``from_km``, ``to_km``, ``incidents``; one row per bin, empty bins
        included. No rows when there is no distance and no ``max_km``.

    Raises
    ------
    ValueError
        When a distance is negative, or ``bin_km`` or ``max_km`` is not a
        finite number > 0.
    """
    check_positive(bin_km, "bin_km")
    if max_km is not None:
        check_positive(max_km, "max_km")
    values = pd.to_numeric(pd.Series(distances_km), errors="coerce").dropna().to_numpy(float)
    if (values < 0).any():
        raise ValueError(f"distances must be >= 0; {int((values < 0).sum())} are negative")
    if max_km is None:
        bins = int(floor_index(values, bin_km).max()) + 1 if len(values) else 0
        end = bins * bin_km
    else:
        bins = piece_count(max_km, bin_km)
        end = max_km
        values = values[values < max_km]
    # A value a rounding error below max_km can land one past the last bin: it belongs in it.
    counts = np.bincount(np.minimum(floor_index(values, bin_km), max(bins - 1, 0)), minlength=bins)
    edges = np.arange(bins + 1, dtype=float) * bin_km
    return pd.DataFrame({
        "from_km": edges[:-1], "to_km": np.minimum(edges[1:], end), "incidents": counts.astype(np.int64),
    })


def distance_statistics(incidents: pd.DataFrame, include_centroids: bool = False) -> dict[str, float | int]:
    """Describe how far incidents lie from the border.

    Parameters
    ----------
    incidents : pandas.DataFrame
        Incidents with ``distance_border_km``, ``between_barrier_and_border``
        and ``geo_precision``.
    include_centroids : bool
        Count incidents placed at a district or province centroid
        (``geo_precision == config.CENTROID_GEO_PRECISION``) too; by default
        they are left out, as their distance says little.

    Returns
    -------
    dict
        ``count`` (incidents measured), ``median_km``, ``mean_km``,
        ``share_within_5_km``, ``share_within_10_km``, ``share_within_25_km``
        (share of the counted incidents at most that far from the border,
        0..1; see :data:`borderwatch.config.STATISTICS_WITHIN_KM`),
        ``share_between_barrier_and_border``, ``centroids_left_out`` (0 when
        ``include_centroids``) and ``without_distance`` (left out for lack of
        a distance). Measures are NaN when nothing is counted.

    Raises
    ------
    borderwatch.errors.DataValidationError
        When a column is missing.
    """
    require_columns(incidents, ("distance_border_km", "between_barrier_and_border", "geo_precision"))
    is_centroid = pd.to_numeric(incidents["geo_precision"], errors="coerce") == config.CENTROID_GEO_PRECISION
    centroid = is_centroid.fillna(False).astype(bool).to_numpy()
    left_out = np.zeros(len(incidents), dtype=bool) if include_centroids else centroid
    distances = pd.to_numeric(incidents["distance_border_km"], errors="coerce").to_numpy(float)
    missing = np.isnan(distances) & ~left_out
    counted = ~left_out & ~missing
    values = distances[counted]
    strip = incidents["between_barrier_and_border"].fillna(False).astype(bool).to_numpy()[counted]
    empty = len(values) == 0
    statistics: dict[str, float | int] = {
        "count": len(values),
        "median_km": math.nan if empty else float(np.median(values)),
        "mean_km": math.nan if empty else float(values.mean()),
    }
    for threshold in config.STATISTICS_WITHIN_KM:
        share = math.nan if empty else float((values <= threshold).mean())
        statistics[f"share_within_{km_text(threshold)}_km"] = share
    statistics["share_between_barrier_and_border"] = math.nan if empty else float(strip.mean())
    statistics["centroids_left_out"] = int(left_out.sum())
    statistics["without_distance"] = int(missing.sum())
    return statistics
