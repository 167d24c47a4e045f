"""Cross-border sequences: an incident on one side, then soon and nearby one on the other side."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from borderwatch import config
from borderwatch.corridor._shared import (
    METRES_PER_KM,
    calendar_days,
    check_count,
    check_non_negative,
    day_numbers,
    death_counts,
    require_columns,
)
from borderwatch.errors import DataValidationError

# Extra metres on the spatial index query, so that GEOS's rounding cannot drop
# a pair that the exact distance test below keeps.
_QUERY_SLACK_M = 1.0

_SEQUENCE_COLUMNS: Final[tuple[str, ...]] = (
    "first_id", "then_id", "first_date", "then_date", "first_side", "then_side",
    "first_location", "then_location", "lag_days", "distance_km",
    "first_lat", "first_lon", "then_lat", "then_lon", "first_deaths", "then_deaths",
)


def _check_sequence_arguments(days: int, radius_km: float, sides: Sequence[str], max_pairs: int) -> None:
    check_count(days, "days", 0)
    check_non_negative(radius_km, "radius_km")
    check_count(max_pairs, "max_pairs", 1)
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
    chunk = max(1, config.SEQUENCE_PAIR_BLOCK // len(window))
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
            elif radius < sweep.limit_m and found.found <= found.limit:
                # Pairs farther than the kept bound cannot be kept, but are counted
                # while the count still decides whether the list is truncated.
                pairs = sweep.close_pairs(part, firsts, lag_tree, sweep.limit_m)
                keep = pairs[:, 2] <= radius
                found.add(pairs[keep])
                found.count_only(int(np.count_nonzero(~keep)))
            else:
                found.add(sweep.close_pairs(part, firsts, lag_tree, radius))


def cross_border_sequences(
    incidents: gpd.GeoDataFrame,
    days: int = config.SEQUENCE_DAYS,
    radius_km: float = config.SEQUENCE_RADIUS_KM,
    sides: Sequence[str] = ("Tunisia", "Libya"),
    max_pairs: int = config.SEQUENCE_MAX_PAIRS,
    metric_crs: str = config.METRIC_CRS,
) -> pd.DataFrame:
    """Find incidents followed, soon and nearby, by one on the other side of the border.

    A pair (first, then) qualifies when both ``border_side`` values are
    members of ``sides`` and differ, ``then`` happened 0 to ``days`` days
    after ``first`` (both dates inclusive), and the two points are at most
    ``radius_km`` apart (true distance between the points in ``metric_crs``,
    with a tolerance of :data:`borderwatch.config.SEQUENCE_TOLERANCE_M`). Dates have no time of
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
    require_columns(incidents, ("id", "event_date", "border_side", "location", "deaths_best"))
    if not isinstance(incidents, gpd.GeoDataFrame) or incidents.geometry.crs is None:
        raise DataValidationError("incidents", ["geometry: a GeoDataFrame with a CRS is needed"])
    side_names = list(dict.fromkeys(sides))
    chosen = incidents[incidents["border_side"].isin(side_names)]
    if chosen.empty:
        return _empty_sequences()

    ids = chosen["id"].astype(str).to_numpy()
    id_rank = np.empty(len(ids), dtype=np.int64)
    id_rank[np.argsort(ids, kind="stable")] = np.arange(len(ids))
    day = day_numbers(chosen["event_date"])
    side = pd.Categorical(chosen["border_side"], categories=side_names).codes.astype(np.int64)
    metric = chosen.geometry.to_crs(metric_crs)
    x, y = metric.x.to_numpy(float), metric.y.to_numpy(float)
    sweep = _Sweep(shapely.points(x, y), x, y, day, id_rank, radius_km * METRES_PER_KM + config.SEQUENCE_TOLERANCE_M)

    # For each side, the rows that can come first (any other side), by day.
    earlier = []
    for code in range(len(side_names)):
        rows = np.flatnonzero(side != code)
        rows = rows[np.argsort(day[rows], kind="stable")]
        earlier.append((rows, day[rows]))

    found = _EarliestPairs(max_pairs)
    by_day = np.argsort(day, kind="stable")
    day_starts = np.flatnonzero(np.r_[True, np.diff(day[by_day]) != 0])
    for start, stop in zip(day_starts, np.r_[day_starts[1:], len(by_day)], strict=True):
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
    dates = calendar_days(chosen["event_date"]).to_numpy("datetime64[ns]")
    ids = chosen["id"].astype(str).to_numpy()
    sides = chosen["border_side"].astype(str).to_numpy()
    locations = chosen["location"].astype(str).to_numpy()
    deaths = death_counts(chosen["deaths_best"])
    pairs = pd.DataFrame({
        "first_id": ids[first], "then_id": ids[then],
        "first_date": dates[first], "then_date": dates[then],
        "first_side": sides[first], "then_side": sides[then],
        "first_location": locations[first], "then_location": locations[then],
        "lag_days": keys[:, 1].astype(np.int64), "distance_km": keys[:, 2] / METRES_PER_KM,
        "first_lat": lat[first], "first_lon": lon[first], "then_lat": lat[then], "then_lon": lon[then],
        "first_deaths": deaths[first], "then_deaths": deaths[then],
    })
    pairs.attrs["truncated"] = truncated
    return pairs
