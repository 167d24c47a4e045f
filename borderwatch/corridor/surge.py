"""Surge signal: the corridor's latest period against the periods before it."""

from __future__ import annotations

import datetime as dt
import math
from typing import Final

import numpy as np
import pandas as pd

from borderwatch import config
from borderwatch.corridor._shared import (
    calendar_days,
    check_count,
    check_non_negative,
    corridor_rows,
    period_frequency,
    position_problems,
    require_columns,
)
from borderwatch.corridor.segments import segment_of
from borderwatch.errors import DataValidationError

#: Label of the single group :func:`corridor_surge` reports when not grouping.
WHOLE_CORRIDOR: Final[str] = "whole corridor"


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
    first = pd.Period(until, freq=period_frequency(period)) - baseline_periods
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
        at least :data:`borderwatch.config.SURGE_MIN_COUNT` events).
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
        :data:`borderwatch.config.SURGE_BASELINE_FLOOR` ``)``, so always finite: after quiet
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
    freq = period_frequency(period)
    check_non_negative(corridor_km, "corridor_km")
    check_count(baseline_periods, "baseline_periods", 1)
    check_non_negative(min_ratio, "min_ratio")
    check_non_negative(max_p, "max_p")
    require_columns(incidents, ("event_date", "distance_border_km"))
    if group is not None and group != "segment" and group not in incidents.columns:
        raise ValueError(f"group must be None, 'segment' or a column of incidents, got {group!r}")
    columns = ["group", "period", "current", "baseline_mean", "ratio", "p_value", "surge"]
    if incidents.empty and until is None:
        return pd.DataFrame({column: [] for column in columns})

    dates = calendar_days(incidents["event_date"])
    last_day = pd.Timestamp(until).normalize() if until is not None else dates.max()
    current = last_day.to_period(freq)
    inside = corridor_rows(incidents, corridor_km)
    keys = _surge_groups(incidents, inside, group, segment_km)
    groups = [WHOLE_CORRIDOR] if group is None else sorted(keys[inside].dropna().unique())

    offsets = (current.ordinal - pd.PeriodIndex(dates.dt.to_period(freq)).asi8).astype(np.int64)
    window = inside & (dates <= last_day).to_numpy() & (offsets >= 0) & (offsets <= baseline_periods)
    counts = pd.crosstab(keys[window], offsets[window.to_numpy()]).reindex(
        index=groups, columns=range(baseline_periods + 1), fill_value=0)
    now = counts[0].to_numpy(np.int64)
    baseline_mean = counts.drop(columns=0).to_numpy(float).mean(axis=1)
    floored = np.maximum(baseline_mean, config.SURGE_BASELINE_FLOOR)
    ratio = now / floored
    p_value = np.array([poisson_upper_tail(int(k), float(mu)) for k, mu in zip(now, floored, strict=True)])
    return pd.DataFrame({
        "group": groups,
        "period": pd.Series([current] * len(groups), dtype=pd.PeriodDtype(freq)),
        "current": now,
        "baseline_mean": baseline_mean,
        "ratio": ratio,
        "p_value": p_value,
        "surge": (ratio >= min_ratio) & (p_value <= max_p) & (now >= config.SURGE_MIN_COUNT),
    })


def _surge_groups(incidents: pd.DataFrame, inside: pd.Series, group: str | None, segment_km: float) -> pd.Series:
    if group is None:
        return pd.Series(WHOLE_CORRIDOR, index=incidents.index, dtype=object)
    if group != "segment":
        return incidents[group]
    require_columns(incidents, ("border_position_km",))
    problems = position_problems(incidents, inside)
    if problems:
        raise DataValidationError("incidents", problems)
    keys = pd.Series(pd.NA, index=incidents.index, dtype="Int64")
    keys[inside] = segment_of(incidents.loc[inside, "border_position_km"], segment_km)
    return keys
