"""Border analytics: segments of the border, the corridor along it, and links across it.

Everything is measured along or near the Tunisia–Libya border line:

* :func:`border_segments` cuts the line into pieces of equal length from its
  coastal end; :func:`segment_of` says which piece a position falls in;
* :func:`segment_activity` and :func:`segment_summary` count corridor
  incidents (those within ``corridor_km`` of the border) per piece and period
  and rank the pieces;
* :func:`distance_histogram` and :func:`distance_statistics` describe how
  far incidents lie from the border;
* :func:`cross_border_sequences` links an incident on one side to later ones
  on the other side, close in time and space;
* :func:`corridor_surge` compares the latest period with the ones before it.

Incident frames carry the stored border measures ``distance_border_km``,
``distance_barrier_km``, ``border_side``, ``between_barrier_and_border`` and
``border_position_km``. Lengths and distances are in the metric CRS
:data:`borderwatch.config.METRIC_CRS`, never in degrees.
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import LineString
from shapely.ops import substring

from borderwatch import config
from borderwatch.errors import DataValidationError, ReferenceDataError

#: Calendar periods incidents can be counted in, and their pandas frequencies
#: (weeks run Monday to Sunday).
PERIOD_FREQUENCIES: Final[dict[str, str]] = {"week": "W-SUN", "month": "M", "quarter": "Q-DEC", "year": "Y-DEC"}

#: Thresholds (km from the border) of the shares :func:`distance_statistics` reports.
STATISTICS_WITHIN_KM: Final[tuple[float, ...]] = (5.0, 10.0, 25.0)

#: Two incidents count as within a sequence's radius up to this many metres
#: beyond it: points placed exactly on the radius survive the round trip
#: through degrees (errors of a micrometre), and a metre is nothing at 150 km.
SEQUENCE_TOLERANCE_M: Final[float] = 1.0

#: Lowest baseline mean (events per period) the surge signal divides by and
#: tests against: after quiet periods a few events are unusual, not infinitely so.
SURGE_BASELINE_FLOOR: Final[float] = 0.5

#: Fewest events in the current period that can make a surge: one or two
#: after a quiet spell are too few to call.
SURGE_MIN_COUNT: Final[int] = 3

#: Label of the single group :func:`corridor_surge` reports when not grouping.
WHOLE_CORRIDOR: Final[str] = "whole corridor"

_METRES_PER_KM = 1_000.0

# A division that should give a whole number can miss it by an ulp (0.3 / 0.1);
# pieces and bins are counted after rounding to this many decimals.
_COUNT_DECIMALS = 9

# Most candidate pairs one spatial query of the sequence sweep may return, so
# memory stays bounded however many incidents share a day.
_PAIR_BLOCK = 1_000_000

# Extra metres on the spatial index query, so that GEOS's rounding cannot drop
# a pair that the exact distance test below keeps.
_QUERY_SLACK_M = 1.0

_SEQUENCE_COLUMNS: Final[tuple[str, ...]] = (
    "first_id", "then_id", "first_date", "then_date", "first_side", "then_side",
    "first_location", "then_location", "lag_days", "distance_km",
    "first_lat", "first_lon", "then_lat", "then_lon", "first_deaths", "then_deaths",
)


# --- Checks and conversions -------------------------------------------------


def _require_columns(frame: pd.DataFrame, columns: Sequence[str], source: str = "incidents") -> None:
    problems = [f"column {column!r}: missing" for column in columns if column not in frame.columns]
    if problems:
        raise DataValidationError(source, problems)


def _is_number(value: object) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(value)


def _check_positive(value: float, name: str) -> None:
    if not (_is_number(value) and value > 0):
        raise ValueError(f"{name} must be a finite number > 0, got {value!r}")


def _check_non_negative(value: float, name: str) -> None:
    if not (_is_number(value) and value >= 0):
        raise ValueError(f"{name} must be a finite number >= 0, got {value!r}")


def _check_count(value: int, name: str, smallest: int) -> None:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < smallest:
        raise ValueError(f"{name} must be a whole number >= {smallest}, got {value!r}")


def _period_frequency(period: str) -> str:
    if period not in PERIOD_FREQUENCIES:
        raise ValueError(f"period must be one of {', '.join(map(repr, PERIOD_FREQUENCIES))}; got {period!r}")
    return PERIOD_FREQUENCIES[period]


def _period_name(dtype: object) -> str:
    for name, code in PERIOD_FREQUENCIES.items():
        if dtype == pd.PeriodDtype(code):
            return name
    return "period"


def _dates(values: pd.Series) -> pd.Series:
    # Dates may be datetime.date objects or timestamps; the day is what counts.
    return pd.to_datetime(values).dt.normalize()


def _days(values: pd.Series) -> np.ndarray:
    return _dates(values).to_numpy("datetime64[D]").astype(np.int64)


def _deaths(values: pd.Series) -> np.ndarray:
    # deaths_best is float with NaN, or nullable Int64 with NA: both become float NaN.
    return pd.to_numeric(values, errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def _piece_count(total: float, width: float) -> int:
    return max(1, math.ceil(round(total / width, _COUNT_DECIMALS)))


def _floor_index(values: np.ndarray, width: float) -> np.ndarray:
    """Index ``k`` with ``k * width <= value < (k + 1) * width``, exact at the edges."""
    index = np.floor(values / width).astype(np.int64)
    # value / width can round across a whole number; compare with the edges as
    # border_segments computes them (k * width) instead.
    index -= values < index * width
    index += values >= (index + 1) * width
    return index


def _km_text(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


# --- Segments ---------------------------------------------------------------


def incidents_of_points(points: pd.DataFrame) -> gpd.GeoDataFrame:
    """The store's points (:meth:`borderwatch.store.IncidentStore.points`) as the analyses here take them.

    Parameters
    ----------
    points : pandas.DataFrame
        With ``event_date`` as ISO text, ``latitude`` and ``longitude``; not changed.

    Returns
    -------
    geopandas.GeoDataFrame
        The same rows, ``event_date`` parsed, point geometry in EPSG:4326.
    """
    incidents = points.assign(event_date=pd.to_datetime(points["event_date"], format="%Y-%m-%d"))
    return gpd.GeoDataFrame(
        incidents, geometry=gpd.points_from_xy(incidents["longitude"], incidents["latitude"]),
        crs=config.GEOGRAPHIC_CRS,
    )


def border_segments(
    border: LineString, segment_km: float = config.SEGMENT_KM, metric_crs: str = config.METRIC_CRS
) -> gpd.GeoDataFrame:
    """Cut the border into consecutive pieces of equal length from its coastal end.

    Parameters
    ----------
    border : shapely.LineString
        Border line in EPSG:4326, starting at its coastal end.
    segment_km : float
        Length of each piece, measured along the line in ``metric_crs``.
    metric_crs : str
        Projected CRS in metres.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per piece, in EPSG:4326: ``segment`` (0 at the coast),
        ``start_km``, ``end_km`` (``start_km`` is ``segment * segment_km``; the
        last piece ends at the line's length and is shorter unless the length
        is a whole multiple), ``label`` ("0–10 km from the coast") and the
        piece as a LineString.

    Raises
    ------
    borderwatch.errors.ReferenceDataError
        When ``border`` is not a non-empty LineString.
    ValueError
        When ``segment_km`` is not a finite number > 0.
    """
    if not isinstance(border, LineString) or border.is_empty or border.length == 0:
        raise ReferenceDataError(f"border must be a non-empty LineString, got {str(border)[:80]}")
    _check_positive(segment_km, "segment_km")
    line_m = gpd.GeoSeries([border], crs=config.GEOGRAPHIC_CRS).to_crs(metric_crs).iloc[0]
    length_km = line_m.length / _METRES_PER_KM
    edges = np.arange(_piece_count(length_km, segment_km) + 1, dtype=float) * segment_km
    # Each piece ends where the next starts; the last at the line's end.
    starts, ends = edges[:-1], np.minimum(edges[1:], length_km)
    ends[-1] = length_km
    pieces = [
        substring(line_m, start * _METRES_PER_KM, end * _METRES_PER_KM) for start, end in zip(starts, ends)
    ]
    return gpd.GeoDataFrame(
        {
            "segment": np.arange(len(starts), dtype=np.int64),
            "start_km": starts,
            "end_km": ends,
            "label": [f"{_km_text(start)}–{_km_text(end)} km from the coast" for start, end in zip(starts, ends)],
        },
        geometry=gpd.GeoSeries(pieces, crs=metric_crs).to_crs(config.GEOGRAPHIC_CRS).values,
        crs=config.GEOGRAPHIC_CRS,
    )


def segment_of(
    position_km: pd.Series | np.ndarray, segment_km: float = config.SEGMENT_KM, length_km: float | None = None
) -> np.ndarray:
    """Return the segment each position along the border falls in.

    Parameters
    ----------
    position_km : pandas.Series or numpy.ndarray
        ``border_position_km`` values: km along the border from its coastal end.
    segment_km : float
        Length of the segments, as given to :func:`border_segments`.
    length_km : float, optional
        Length of the border. When given, positions at (or past) its end
        belong to the last segment, also when the length is a whole multiple
        of ``segment_km``; without it a position of exactly ``k * segment_km``
        is the start of segment ``k``.

    Returns
    -------
    numpy.ndarray
        int64 segment numbers, in the order of ``position_km``.

    Raises
    ------
    ValueError
        When a position is missing, infinite or negative, or ``segment_km``
        is not a finite number > 0.
    """
    _check_positive(segment_km, "segment_km")
    positions = np.asarray(position_km, dtype=float)
    bad = ~np.isfinite(positions) | (positions < 0)
    if bad.any():
        raise ValueError(
            f"border positions must be finite and >= 0; {int(bad.sum())} are not "
            f"(first at position {int(np.flatnonzero(bad)[0])})"
        )
    index = _floor_index(positions, segment_km)
    if length_km is not None:
        _check_positive(length_km, "length_km")
        index = np.minimum(index, _piece_count(length_km, segment_km) - 1)
    return index


def _position_problems(incidents: pd.DataFrame, rows: pd.Series) -> list[str]:
    positions = pd.to_numeric(incidents.loc[rows, "border_position_km"], errors="coerce")
    bad = positions[~(np.isfinite(positions.to_numpy(float)) & (positions.to_numpy(float) >= 0))]
    return [f"row {label!r}, column 'border_position_km': missing or negative" for label in bad.index]


def _corridor_rows(incidents: pd.DataFrame, corridor_km: float) -> pd.Series:
    distances = pd.to_numeric(incidents["distance_border_km"], errors="coerce")
    return (distances <= corridor_km).fillna(False).astype(bool)


def segment_activity(
    incidents: pd.DataFrame, segments: gpd.GeoDataFrame, period: str, corridor_km: float = config.CORRIDOR_KM,
    span: tuple[dt.date, dt.date] | None = None,
) -> pd.DataFrame:
    """Count corridor incidents and deaths per border segment and calendar period.

    Parameters
    ----------
    incidents : pandas.DataFrame
        Incidents with ``event_date``, ``deaths_best``, ``distance_border_km``
        and ``border_position_km``; not changed.
    segments : geopandas.GeoDataFrame
        As :func:`border_segments` returns them; an incident belongs to the
        segment whose ``start_km``..``end_km`` holds its border position
        (the line's end, and anything past it, to the last segment).
    period : str
        ``"week"`` (Monday to Sunday), ``"month"``, ``"quarter"`` or ``"year"``.
    corridor_km : float
        Incidents at most this far from the border are counted.
    span : tuple of datetime.date, optional
        The dates analysed (the user's date range): every period they touch
        is listed, quiet ones as 0, so trends are over the range asked for,
        not only the corridor's busy spell.

    Returns
    -------
    pandas.DataFrame
        ``segment``, ``period`` (a pandas Period; ``.dt.start_time`` gives its
        first day), ``incidents`` (int) and ``deaths`` (float: the sum of
        ``deaths_best``, unknown counted as 0). Every segment appears with
        every period from the earliest to the latest of ``span`` and the
        ``event_date`` values in ``incidents``, zero-filled; sorted by
        segment, then period. Empty when ``segments`` is, or when
        ``incidents`` is and no ``span`` is given.

    Raises
    ------
    ValueError
        When ``period`` is not one of the four names.
    borderwatch.errors.DataValidationError
        When a column is missing, or a corridor incident has no border position.
    """
    freq = _period_frequency(period)
    _check_non_negative(corridor_km, "corridor_km")
    _require_columns(incidents, ("event_date", "deaths_best", "distance_border_km", "border_position_km"))
    if segments.empty or (incidents.empty and span is None):
        return pd.DataFrame({
            "segment": pd.Series(dtype=np.int64), "period": pd.Series(dtype=pd.PeriodDtype(freq)),
            "incidents": pd.Series(dtype=np.int64), "deaths": pd.Series(dtype=float),
        })
    inside = _corridor_rows(incidents, corridor_km)
    problems = _position_problems(incidents, inside)
    if problems:
        raise DataValidationError("incidents", problems)

    periods = _dates(incidents["event_date"]).dt.to_period(freq)
    ordered = segments.sort_values("start_km")
    starts = ordered["start_km"].to_numpy(float)
    positions = incidents.loc[inside, "border_position_km"].to_numpy(float)
    slot = np.clip(np.searchsorted(starts, positions, side="right") - 1, 0, len(starts) - 1)
    counted = pd.DataFrame({
        "segment": ordered["segment"].to_numpy(np.int64)[slot],
        "period": periods[inside].to_numpy(),
        "deaths": np.nan_to_num(_deaths(incidents.loc[inside, "deaths_best"])),
    })
    totals = counted.groupby(["segment", "period"]).agg(incidents=("deaths", "size"), deaths=("deaths", "sum"))
    bounds = [pd.Period(day, freq=freq) for day in span or ()]
    if not periods.empty:
        bounds += [periods.min(), periods.max()]
    grid = pd.MultiIndex.from_product(
        [np.sort(ordered["segment"].to_numpy(np.int64)), pd.period_range(min(bounds), max(bounds), freq=freq)],
        names=["segment", "period"],
    )
    dense = totals.reindex(grid, fill_value=0).reset_index()
    return dense.astype({"segment": np.int64, "incidents": np.int64, "deaths": float})


def _least_squares_slopes(counts: np.ndarray) -> np.ndarray:
    periods = counts.shape[1]
    if periods < 2:
        return np.full(counts.shape[0], np.nan)
    x = np.arange(periods, dtype=float) - (periods - 1) / 2.0
    return (counts - counts.mean(axis=1, keepdims=True)) @ x / (x @ x)


def segment_summary(
    activity: pd.DataFrame, segments: gpd.GeoDataFrame, recent_periods: int = 3, top: int = 3
) -> pd.DataFrame:
    """Summarise each border segment's activity and rank the segments.

    Parameters
    ----------
    activity : pandas.DataFrame
        As :func:`segment_activity` returns it (periods missing from it count
        as 0 within the range from its first to its last period).
    segments : geopandas.GeoDataFrame
        As :func:`border_segments` returns them; every one gets a row.
    recent_periods : int
        How many of the last periods make up "recent".
    top : int
        How many segments to flag as hottest.

    Returns
    -------
    pandas.DataFrame
        One row per segment, sorted by ``segment``: ``segment``,
        ``start_km``, ``end_km``, ``label``, ``incidents`` and ``deaths``
        (totals), ``trend`` (least-squares slope of the segment's incidents
        per period against the period number, over every period of the
        range: incidents gained per period; NaN with fewer than 2 periods),
        ``trend_unit`` ("week", "month", ...), ``recent_mean`` (incidents
        per period over the last ``recent_periods`` periods), ``earlier_mean``
        (per period over the periods before those; NaN when there are none),
        ``change`` (``recent_mean - earlier_mean``), ``rank`` (1 = most
        incidents; ties go to more deaths, then the lower segment number;
        ranks are distinct) and ``hottest`` (rank <= ``top`` and at least
        one incident).

    Raises
    ------
    ValueError
        When ``recent_periods`` < 1 or ``top`` < 0.
    borderwatch.errors.DataValidationError
        When ``activity`` lacks a column.
    """
    _check_count(recent_periods, "recent_periods", 1)
    _check_count(top, "top", 0)
    _require_columns(activity, ("segment", "period", "incidents", "deaths"), "activity")
    numbers = np.sort(segments["segment"].to_numpy(np.int64))
    if activity.empty:
        range_ = pd.PeriodIndex([], freq=getattr(activity["period"].dtype, "freq", "M"))
    else:
        range_ = pd.period_range(activity["period"].min(), activity["period"].max())
    table = activity.pivot_table(index="segment", columns="period", values="incidents", aggfunc="sum",
                                 fill_value=0, observed=True)
    counts = table.reindex(index=numbers, columns=range_, fill_value=0).to_numpy(float)
    deaths = activity.groupby("segment")["deaths"].sum().reindex(numbers, fill_value=0.0).to_numpy(float)
    incidents = counts.sum(axis=1)

    recent = min(recent_periods, counts.shape[1])
    recent_mean = counts[:, counts.shape[1] - recent:].mean(axis=1) if recent else np.full(len(numbers), np.nan)
    earlier = counts[:, : counts.shape[1] - recent]
    earlier_mean = earlier.mean(axis=1) if earlier.shape[1] else np.full(len(numbers), np.nan)

    order = np.lexsort((numbers, -deaths, -incidents))
    rank = np.empty(len(numbers), dtype=np.int64)
    rank[order] = np.arange(1, len(numbers) + 1)
    described = segments.set_index("segment").loc[numbers]
    return pd.DataFrame({
        "segment": numbers,
        "start_km": described["start_km"].to_numpy(float),
        "end_km": described["end_km"].to_numpy(float),
        "label": described["label"].astype(str).to_numpy(),
        "incidents": incidents.astype(np.int64),
        "deaths": deaths,
        "trend": _least_squares_slopes(counts),
        "trend_unit": _period_name(activity["period"].dtype),
        "recent_mean": recent_mean,
        "earlier_mean": earlier_mean,
        "change": recent_mean - earlier_mean,
        "rank": rank,
        "hottest": (rank <= top) & (incidents > 0),
    })


# --- Distances to the border ------------------------------------------------


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
    _check_positive(bin_km, "bin_km")
    if max_km is not None:
        _check_positive(max_km, "max_km")
    values = pd.to_numeric(pd.Series(distances_km), errors="coerce").dropna().to_numpy(float)
    if (values < 0).any():
        raise ValueError(f"distances must be >= 0; {int((values < 0).sum())} are negative")
    if max_km is None:
        bins = int(_floor_index(values, bin_km).max()) + 1 if len(values) else 0
        end = bins * bin_km
    else:
        bins = _piece_count(max_km, bin_km)
        end = max_km
        values = values[values < max_km]
    # A value a rounding error below max_km can land one past the last bin: it belongs in it.
    counts = np.bincount(np.minimum(_floor_index(values, bin_km), max(bins - 1, 0)), minlength=bins)
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
        0..1; see :data:`STATISTICS_WITHIN_KM`),
        ``share_between_barrier_and_border``, ``centroids_left_out`` (0 when
        ``include_centroids``) and ``without_distance`` (left out for lack of
        a distance). Measures are NaN when nothing is counted.

    Raises
    ------
    borderwatch.errors.DataValidationError
        When a column is missing.
    """
    _require_columns(incidents, ("distance_border_km", "between_barrier_and_border", "geo_precision"))
    centroid = (pd.to_numeric(incidents["geo_precision"], errors="coerce") == config.CENTROID_GEO_PRECISION)
    centroid = centroid.fillna(False).astype(bool).to_numpy()
    left_out = np.zeros(len(incidents), dtype=bool) if include_centroids else centroid
    distances = pd.to_numeric(incidents["distance_border_km"], errors="coerce").to_numpy(float)
    missing = np.isnan(distances) & ~left_out
    counted = ~left_out & ~missing
    values = distances[counted]
    strip = incidents["between_barrier_and_border"].fillna(False).astype(bool).to_numpy()[counted]
    empty = len(values) == 0
    statistics: dict[str, float | int] = {
        "count": int(len(values)),
        "median_km": math.nan if empty else float(np.median(values)),
        "mean_km": math.nan if empty else float(values.mean()),
    }
    for threshold in STATISTICS_WITHIN_KM:
        share = math.nan if empty else float((values <= threshold).mean())
        statistics[f"share_within_{_km_text(threshold)}_km"] = share
    statistics["share_between_barrier_and_border"] = math.nan if empty else float(strip.mean())
    statistics["centroids_left_out"] = int(left_out.sum())
    statistics["without_distance"] = int(missing.sum())
    return statistics


# --- Cross-border sequences -------------------------------------------------


def _check_sequence_arguments(days: int, radius_km: float, sides: Sequence[str], max_pairs: int) -> None:
    _check_count(days, "days", 0)
    _check_non_negative(radius_km, "radius_km")
    _check_count(max_pairs, "max_pairs", 1)
    if len(set(sides)) < 2:
        raise ValueError(f"sides must name at least two different countries, got {tuple(sides)!r}")


def _empty_sequences() -> pd.DataFrame:
    pairs = pd.DataFrame({column: [] for column in _SEQUENCE_COLUMNS})
    pairs = pairs.astype({
        "first_id": str, "then_id": str, "first_date": "datetime64[ns]", "then_date": "datetime64[ns]",
        "first_side": str, "then_side": str, "first_location": str, "then_location": str,
        "lag_days": np.int64, "distance_km": float, "first_lat": float, "first_lon": float,
        "then_lat": float, "then_lon": float, "first_deaths": float, "then_deaths": float,
    })
    pairs.attrs["truncated"] = False
    return pairs


class _EarliestPairs:
    """The ``limit`` earliest pairs found so far, and how many were found.

    Rows are (then_day, lag, distance_m, first_rank, then_rank, first_row,
    then_row); "earliest" orders by the first five in turn.
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.found = 0
        self._parts: list[np.ndarray] = []
        self._held = 0
        # Latest of the kept rows when last trimmed to ``limit``: a pair sorting
        # after it can never be kept. Trimming only now and then keeps sorting cheap.
        self._bound: np.ndarray | None = None

    def add(self, rows: np.ndarray) -> None:
        """Count ``rows`` and keep those that may be among the earliest."""
        self.found += len(rows)
        if len(rows):
            self._parts.append(rows)
            self._held += len(rows)
        if self._held > 2 * self.limit:
            self._trim()

    def count_only(self, count: int) -> None:
        """Count pairs known to sort after every kept one."""
        self.found += count

    def _trim(self) -> None:
        rows = np.concatenate(self._parts) if self._parts else np.empty((0, 7))
        order = np.lexsort((rows[:, 4], rows[:, 3], rows[:, 2], rows[:, 1], rows[:, 0]))
        self._parts = [rows[order[: self.limit]]]
        self._held = len(self._parts[0])
        if self._held == self.limit:
            self._bound = self._parts[0][-1]

    def radius_for(self, then_day: int, lag: int, limit_m: float) -> float | None:
        """Largest distance (m) at which a pair of ``then_day`` and ``lag`` may still be kept.

        ``limit_m`` until ``limit`` pairs are kept; then the bound pair's
        distance when it has the same day and lag (ties then go to the ids),
        and None when it sorts before that day and lag.
        """
        if self._bound is None and self._held >= self.limit:
            self._trim()
        if self._bound is None:
            return limit_m
        bound_day, bound_lag, bound_distance = self._bound[:3]
        if (then_day, lag) < (bound_day, bound_lag):
            return limit_m
        if (then_day, lag) == (bound_day, bound_lag):
            return min(limit_m, float(bound_distance))
        return None

    def earliest(self) -> np.ndarray:
        """The kept pairs, earliest first."""
        self._trim()
        return self._parts[0]


@dataclass(frozen=True)
class _Sweep:
    """The incidents of a sequence search, as arrays in one row order."""

    points: np.ndarray
    x: np.ndarray
    y: np.ndarray
    day: np.ndarray
    id_rank: np.ndarray
    limit_m: float

    def close_pairs(self, thens: np.ndarray, firsts: np.ndarray, tree: shapely.STRtree, radius_m: float) -> np.ndarray:
        """Rows of pairs of ``thens`` and ``firsts`` (the rows ``tree`` holds) at most ``radius_m`` apart."""
        then_at, first_at = tree.query(self.points[thens], predicate="dwithin", distance=radius_m + _QUERY_SLACK_M)
        then_rows, first_rows = thens[then_at], firsts[first_at]
        distance = np.hypot(self.x[then_rows] - self.x[first_rows], self.y[then_rows] - self.y[first_rows])
        close = distance <= radius_m
        then_rows, first_rows = then_rows[close], first_rows[close]
        return np.column_stack([
            self.day[then_rows], self.day[then_rows] - self.day[first_rows], distance[close],
            self.id_rank[first_rows], self.id_rank[then_rows], first_rows, then_rows,
        ]).astype(float)


def _search_day(
    found: _EarliestPairs, sweep: _Sweep, thens: np.ndarray, rows: np.ndarray, row_days: np.ndarray,
    then_day: int, days: int,
) -> None:
    """Add the pairs whose later incident is one of ``thens``, all of ``then_day``.

    ``rows`` are the incidents that can come first, sorted by their days ``row_days``.
    """
    window = rows[np.searchsorted(row_days, then_day - days):np.searchsorted(row_days, then_day, "right")]
    if not len(thens) or not len(window):
        return
    tree = shapely.STRtree(sweep.points[window])
    by_lag: dict[int, tuple[np.ndarray, shapely.STRtree]] = {}
    # Chunks bound the candidate pairs one query can return.
    chunk = max(1, _PAIR_BLOCK // len(window))
    for begin in range(0, len(thens), chunk):
        part = thens[begin:begin + chunk]
        if found.radius_for(then_day, days, sweep.limit_m) == sweep.limit_m:
            found.add(sweep.close_pairs(part, window, tree, sweep.limit_m))
            continue
        # Kept pairs are full: go lag by lag, each within the distance a pair
        # still needs to be kept, so the rest of a crowded day costs little.
        for lag in range(days + 1):
            radius = found.radius_for(then_day, lag, sweep.limit_m)
            if radius is None and found.found > found.limit:
                break
            if lag not in by_lag:
                lo, hi = np.searchsorted(row_days, [then_day - lag, then_day - lag + 1])
                firsts = rows[lo:hi]
                by_lag[lag] = (firsts, shapely.STRtree(sweep.points[firsts]))
            firsts, lag_tree = by_lag[lag]
            if not len(firsts):
                continue
            if radius is None:
                # Only whether one more pair exists still matters.
                found.count_only(len(sweep.close_pairs(part, firsts, lag_tree, sweep.limit_m)))
            else:
                found.add(sweep.close_pairs(part, firsts, lag_tree, radius))


def cross_border_sequences(
    incidents: gpd.GeoDataFrame,
    days: int = config.SEQUENCE_DAYS,
    radius_km: float = config.SEQUENCE_RADIUS_KM,
    sides: Sequence[str] = ("Tunisia", "Libya"),
    max_pairs: int = 5000,
    metric_crs: str = config.METRIC_CRS,
) -> pd.DataFrame:
    """Find incidents followed, soon and nearby, by one on the other side of the border.

    A pair (first, then) qualifies when both ``border_side`` values are
    members of ``sides`` and differ, ``then`` happened 0 to ``days`` days
    after ``first`` (both dates inclusive), and the two points are at most
    ``radius_km`` apart (true distance between the points in ``metric_crs``,
    with a tolerance of :data:`SEQUENCE_TOLERANCE_M`). Dates have no time of
    day, so two incidents on the same day on different sides pair in both
    orders.

    The search sweeps the days in order and, for each day's incidents,
    queries a spatial index of the other sides' incidents of the preceding
    ``days`` days: its cost grows with the pairs close in time, never with
    the square of the table, and it stops after the first day by which more
    than ``max_pairs`` pairs exist.

    Parameters
    ----------
    incidents : geopandas.GeoDataFrame
        Points with a CRS, ``id`` (unique), ``event_date``, ``border_side``,
        ``location`` and ``deaths_best``; not changed.
    days : int
        Longest lag in days.
    radius_km : float
        Largest distance in km.
    sides : sequence of str
        Country names (``border_side`` values) that can pair with each other.
    max_pairs : int
        Most pairs returned.
    metric_crs : str
        Projected CRS in metres for the distances.

    Returns
    -------
    pandas.DataFrame
        One row per pair: ``first_id``, ``then_id``, ``first_date``,
        ``then_date``, ``first_side``, ``then_side``, ``first_location``,
        ``then_location``, ``lag_days``, ``distance_km``, ``first_lat``,
        ``first_lon``, ``then_lat``, ``then_lon`` (EPSG:4326),
        ``first_deaths``, ``then_deaths`` (``deaths_best``, NaN when
        unknown); sorted by ``then_date``, ``lag_days``, then distance and
        the two ids. ``pairs.attrs["truncated"]`` is True when more than
        ``max_pairs`` pairs exist: only the earliest ``max_pairs`` in that
        order are returned.

    Raises
    ------
    ValueError
        When ``days`` or ``max_pairs`` is not a whole number (>= 0, >= 1),
        ``radius_km`` is negative, or ``sides`` names fewer than two countries.
    borderwatch.errors.DataValidationError
        When a column is missing or ``incidents`` has no CRS.
    """
    _check_sequence_arguments(days, radius_km, sides, max_pairs)
    _require_columns(incidents, ("id", "event_date", "border_side", "location", "deaths_best"))
    if not isinstance(incidents, gpd.GeoDataFrame) or incidents.geometry.crs is None:
        raise DataValidationError("incidents", ["geometry: a GeoDataFrame with a CRS is needed"])
    side_names = list(dict.fromkeys(sides))
    chosen = incidents[incidents["border_side"].isin(side_names)]
    if chosen.empty:
        return _empty_sequences()

    ids = chosen["id"].astype(str).to_numpy()
    id_rank = np.empty(len(ids), dtype=np.int64)
    id_rank[np.argsort(ids, kind="stable")] = np.arange(len(ids))
    day = _days(chosen["event_date"])
    side = pd.Categorical(chosen["border_side"], categories=side_names).codes.astype(np.int64)
    metric = chosen.geometry.to_crs(metric_crs)
    x, y = metric.x.to_numpy(float), metric.y.to_numpy(float)
    sweep = _Sweep(shapely.points(x, y), x, y, day, id_rank, radius_km * _METRES_PER_KM + SEQUENCE_TOLERANCE_M)

    # For each side, the rows that can come first (any other side), by day.
    earlier = []
    for code in range(len(side_names)):
        rows = np.flatnonzero(side != code)
        rows = rows[np.argsort(day[rows], kind="stable")]
        earlier.append((rows, day[rows]))

    found = _EarliestPairs(max_pairs)
    by_day = np.argsort(day, kind="stable")
    day_starts = np.flatnonzero(np.r_[True, np.diff(day[by_day]) != 0])
    for start, stop in zip(day_starts, np.r_[day_starts[1:], len(by_day)]):
        today = by_day[start:stop]
        for code, (rows, row_days) in enumerate(earlier):
            _search_day(found, sweep, today[side[today] == code], rows, row_days, int(day[today[0]]), days)
        # Every later day's pairs sort after this day's: the earliest are known.
        if found.found > max_pairs:
            break

    return _sequence_frame(chosen, found.earliest(), found.found > max_pairs)


def _sequence_frame(chosen: gpd.GeoDataFrame, keys: np.ndarray, truncated: bool) -> pd.DataFrame:
    if not len(keys):
        return _empty_sequences()
    first, then = keys[:, 5].astype(np.int64), keys[:, 6].astype(np.int64)
    lonlat = chosen.geometry.to_crs(config.GEOGRAPHIC_CRS)
    lon, lat = lonlat.x.to_numpy(float), lonlat.y.to_numpy(float)
    dates = _dates(chosen["event_date"]).to_numpy("datetime64[ns]")
    ids = chosen["id"].astype(str).to_numpy()
    sides = chosen["border_side"].astype(str).to_numpy()
    locations = chosen["location"].astype(str).to_numpy()
    deaths = _deaths(chosen["deaths_best"])
    pairs = pd.DataFrame({
        "first_id": ids[first], "then_id": ids[then],
        "first_date": dates[first], "then_date": dates[then],
        "first_side": sides[first], "then_side": sides[then],
        "first_location": locations[first], "then_location": locations[then],
        "lag_days": keys[:, 1].astype(np.int64), "distance_km": keys[:, 2] / _METRES_PER_KM,
        "first_lat": lat[first], "first_lon": lon[first], "then_lat": lat[then], "then_lon": lon[then],
        "first_deaths": deaths[first], "then_deaths": deaths[then],
    })
    pairs.attrs["truncated"] = truncated
    return pairs


# --- Surge signal -----------------------------------------------------------


def poisson_upper_tail(count: int, mean: float) -> float:
    """Return P(X >= count) for X Poisson-distributed with the given mean.

    Parameters
    ----------
    count : int
        Observed count.
    mean : float
        Expected count (>= 0).

    Returns
    -------
    float
        1.0 for ``count <= 0``; 0.0 for a positive count and a zero mean.
        Terms are summed in log space, so large counts neither overflow nor
        lose the tail to rounding.
    """
    if count <= 0:
        return 1.0
    if mean <= 0:
        return 0.0

    def term(k: int) -> float:
        return math.exp(k * math.log(mean) - mean - math.lgamma(k + 1))

    if count > mean:
        # Terms fall from here on, by a factor mean / (k + 1): sum the tail itself.
        total, k = 0.0, count
        while True:
            value = term(k)
            total += value
            if value <= total * 1e-17:
                break
            k += 1
        return min(total, 1.0)
    # count <= mean: the tail is large, so 1 - lower sum loses nothing that matters.
    return max(0.0, 1.0 - math.fsum(term(k) for k in range(count)))


def baseline_start(until: dt.date, period: str, baseline_periods: int = config.SURGE_BASELINE_PERIODS) -> dt.date:
    """First day of the earliest baseline period :func:`corridor_surge` compares ``until``'s period with.

    The incidents handed to it must reach back to this day, or quiet
    baseline periods are counted as 0 and a surge is flagged wrongly.
    """
    first = pd.Period(until, freq=_period_frequency(period)) - baseline_periods
    return first.start_time.date()


def corridor_surge(
    incidents: pd.DataFrame,
    period: str,
    corridor_km: float = config.CORRIDOR_KM,
    baseline_periods: int = config.SURGE_BASELINE_PERIODS,
    min_ratio: float = config.SURGE_MIN_RATIO,
    max_p: float = config.SURGE_MAX_P,
    until: dt.date | None = None,
    group: str | None = None,
    segment_km: float = config.SEGMENT_KM,
) -> pd.DataFrame:
    """Compare the corridor's latest period with the periods before it.

    Counts incidents within ``corridor_km`` of the border in the current
    period (the calendar period holding ``until``, counted up to and
    including ``until``) and in each of the ``baseline_periods`` periods
    before it (quiet periods count as 0).

    Parameters
    ----------
    incidents : pandas.DataFrame
        Incidents with ``event_date`` and ``distance_border_km`` (and
        ``border_position_km`` to group by segment); not changed.
    period : str
        ``"week"``, ``"month"``, ``"quarter"`` or ``"year"``.
    corridor_km : float
        Incidents at most this far from the border are counted.
    baseline_periods : int
        How many periods before the current one make the baseline.
    min_ratio, max_p : float
        A surge needs ``ratio >= min_ratio`` and ``p_value <= max_p`` (and
        at least :data:`SURGE_MIN_COUNT` events).
    until : datetime.date, optional
        Day the current period is read up to; the latest ``event_date`` in
        ``incidents`` by default.
    group : str, optional
        None for the whole corridor, ``"segment"`` for one row per border
        segment (numbered from ``border_position_km`` with :func:`segment_of`),
        or the name of any other column of ``incidents`` (e.g. ``border_side``).
    segment_km : float
        Segment length when ``group == "segment"``.

    Returns
    -------
    pandas.DataFrame
        One row per group that has corridor incidents (the whole corridor
        always has a row), sorted by group: ``group`` (``"whole corridor"``,
        the segment number or the column's value), ``period`` (the current
        pandas Period), ``current``, ``baseline_mean``, ``ratio`` and
        ``p_value`` (both against ``max(baseline_mean,``
        :data:`SURGE_BASELINE_FLOOR` ``)``, so always finite: after quiet
        periods, 3 events give a ratio of 6), ``surge`` (bool). ``p_value``
        is P(X >= current) for a Poisson count with that mean. Empty when
        ``incidents`` is empty and no ``until`` is given.

    Raises
    ------
    ValueError
        When ``period`` is not one of the four names, a number is out of
        range, or ``group`` names no column.
    borderwatch.errors.DataValidationError
        When a column is missing, or a corridor incident has no border position.
    """
    freq = _period_frequency(period)
    _check_non_negative(corridor_km, "corridor_km")
    _check_count(baseline_periods, "baseline_periods", 1)
    _check_non_negative(min_ratio, "min_ratio")
    _check_non_negative(max_p, "max_p")
    _require_columns(incidents, ("event_date", "distance_border_km"))
    if group is not None and group != "segment" and group not in incidents.columns:
        raise ValueError(f"group must be None, 'segment' or a column of incidents, got {group!r}")
    columns = ["group", "period", "current", "baseline_mean", "ratio", "p_value", "surge"]
    if incidents.empty and until is None:
        return pd.DataFrame({column: [] for column in columns})

    dates = _dates(incidents["event_date"])
    last_day = pd.Timestamp(until).normalize() if until is not None else dates.max()
    current = last_day.to_period(freq)
    inside = _corridor_rows(incidents, corridor_km)
    keys = _surge_groups(incidents, inside, group, segment_km)
    groups = [WHOLE_CORRIDOR] if group is None else sorted(keys[inside].dropna().unique())

    offsets = (current.ordinal - pd.PeriodIndex(dates.dt.to_period(freq)).asi8).astype(np.int64)
    window = inside & (dates <= last_day).to_numpy() & (offsets >= 0) & (offsets <= baseline_periods)
    counts = pd.crosstab(keys[window], offsets[window.to_numpy()]).reindex(
        index=groups, columns=range(baseline_periods + 1), fill_value=0)
    now = counts[0].to_numpy(np.int64)
    baseline_mean = counts.drop(columns=0).to_numpy(float).mean(axis=1)
    floored = np.maximum(baseline_mean, SURGE_BASELINE_FLOOR)
    ratio = now / floored
    p_value = np.array([poisson_upper_tail(int(k), float(mu)) for k, mu in zip(now, floored)])
    return pd.DataFrame({
        "group": groups,
        "period": pd.Series([current] * len(groups), dtype=pd.PeriodDtype(freq)),
        "current": now,
        "baseline_mean": baseline_mean,
        "ratio": ratio,
        "p_value": p_value,
        "surge": (ratio >= min_ratio) & (p_value <= max_p) & (now >= SURGE_MIN_COUNT),
    })


def _surge_groups(incidents: pd.DataFrame, inside: pd.Series, group: str | None, segment_km: float) -> pd.Series:
    if group is None:
        return pd.Series(WHOLE_CORRIDOR, index=incidents.index, dtype=object)
    if group != "segment":
        return incidents[group]
    _require_columns(incidents, ("border_position_km",))
    problems = _position_problems(incidents, inside)
    if problems:
        raise DataValidationError("incidents", problems)
    keys = pd.Series(pd.NA, index=incidents.index, dtype="Int64")
    keys[inside] = segment_of(incidents.loc[inside, "border_position_km"], segment_km)
    return keys
