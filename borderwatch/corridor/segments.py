"""Segments of a border: the line cut into pieces along it, and incidents counted per piece and period."""

from __future__ import annotations

import datetime as dt
from typing import cast

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import LineString, MultiLineString
from shapely.geometry.base import BaseGeometry
from shapely.ops import substring

from borderwatch import config
from borderwatch.corridor._shared import (
    METRES_PER_KM,
    calendar_days,
    check_count,
    check_non_negative,
    check_positive,
    corridor_rows,
    death_counts,
    floor_index,
    km_text,
    period_frequency,
    period_name,
    piece_count,
    position_problems,
    require_columns,
)
from borderwatch.errors import DataValidationError, ReferenceDataError
from borderwatch.geodesy import GeodesicLine, geodesic_line


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
    check_positive(segment_km, "segment_km")
    line_m = gpd.GeoSeries([border], crs=config.GEOGRAPHIC_CRS).to_crs(metric_crs).iloc[0]
    length_km = line_m.length / METRES_PER_KM
    edges = np.arange(piece_count(length_km, segment_km) + 1, dtype=float) * segment_km
    # Each piece ends where the next starts; the last at the line's end.
    starts, ends = edges[:-1], np.minimum(edges[1:], length_km)
    ends[-1] = length_km
    pieces = [
        substring(line_m, start * METRES_PER_KM, end * METRES_PER_KM) for start, end in zip(starts, ends, strict=True)
    ]
    return gpd.GeoDataFrame(
        {
            "segment": np.arange(len(starts), dtype=np.int64),
            "start_km": starts,
            "end_km": ends,
            "label": [
                f"{km_text(start)}–{km_text(end)} km from the coast" for start, end in zip(starts, ends, strict=True)
            ],
        },
        geometry=gpd.GeoSeries(pieces, crs=metric_crs).to_crs(config.GEOGRAPHIC_CRS).values,
        crs=config.GEOGRAPHIC_CRS,
    )


def geodesic_segments(line: LineString | MultiLineString, segment_km: float = config.SEGMENT_KM) -> gpd.GeoDataFrame:
    """Cut any border into consecutive pieces of equal geodesic length along it.

    Positions follow :mod:`borderwatch.geodesy` (and so the stored
    ``border_position_km`` of :mod:`borderwatch.bordermeasures`): kilometres
    from the start of the first part, the parts of a MultiLineString laid end
    to end in their stored order. A piece that spans the end of one part and
    the start of the next is a MultiLineString of both stretches.

    Parameters
    ----------
    line : shapely.LineString or shapely.MultiLineString
        Border line in EPSG:4326 (longitude, latitude).
    segment_km : float
        Length of each piece (km, geodesic on WGS 84).

    Returns
    -------
    geopandas.GeoDataFrame
        As :func:`border_segments` returns, in EPSG:4326: ``segment`` (0 at
        the start), ``start_km`` (``segment * segment_km``), ``end_km`` (the
        last piece ends at the line's length), ``label`` ("0–10 km along the
        border") and the piece's geometry.

    Raises
    ------
    borderwatch.errors.ReferenceDataError
        When ``line`` is not a LineString or MultiLineString with some length.
    ValueError
        When ``segment_km`` is not a finite number > 0.
    """
    measured = _geodesic(line)
    check_positive(segment_km, "segment_km")
    length_km = measured.length_km
    edges = np.arange(piece_count(length_km, segment_km) + 1, dtype=float) * segment_km
    starts, ends = edges[:-1], np.minimum(edges[1:], length_km)
    ends[-1] = length_km
    pieces = [measured.stretch(start, end) for start, end in zip(starts, ends, strict=True)]
    return gpd.GeoDataFrame(
        {
            "segment": np.arange(len(starts), dtype=np.int64),
            "start_km": starts,
            "end_km": ends,
            "label": [f"{km_text(start)}–{km_text(end)} km along the border"
                      for start, end in zip(starts, ends, strict=True)],
        },
        geometry=gpd.GeoSeries(pieces, crs=config.GEOGRAPHIC_CRS).values,
        crs=config.GEOGRAPHIC_CRS,
    )


def geodesic_stretch(
    line: LineString | MultiLineString, start_km: float, end_km: float, part: int = 0
) -> LineString:
    """The stretch of one part of a border between two positions along that part (geodesic km).

    On a multi-part border one part is cut (by default the first, the longest,
    as :mod:`borderwatch.borders` stores them), so the stretch is one line;
    on the first part, positions are those of :func:`geodesic_segments`.

    Parameters
    ----------
    line : shapely.LineString or shapely.MultiLineString
        Border line in EPSG:4326 (longitude, latitude).
    start_km, end_km : float
        Positions along the part, from its start, ``0 <= start_km < end_km``;
        an ``end_km`` past the part's end is taken as its end.
    part : int
        Which part, in stored order (0: the first).

    Returns
    -------
    shapely.LineString
        The stretch in EPSG:4326, running the same way as the line.

    Raises
    ------
    borderwatch.errors.ReferenceDataError
        When ``line`` is not a LineString or MultiLineString with some length.
    ValueError
        When the positions are not finite, negative, or not in order, or the line has no such part.
    """
    if not isinstance(line, LineString | MultiLineString) or line.is_empty:
        raise ReferenceDataError(f"border must be a LineString or MultiLineString, got {str(line)[:80]}")
    parts = shapely.get_parts(line)
    if not 0 <= part < len(parts):
        raise ValueError(f"part must be one of the line's {len(parts)} parts (0 to {len(parts) - 1}); got {part}")
    chosen = _geodesic(parts[part])
    check_non_negative(start_km, "start_km")
    check_positive(end_km - start_km, "end_km - start_km")
    if start_km >= chosen.length_km:
        raise ValueError(f"start_km must lie on the line, before its end at {chosen.length_km:.1f} km; got {start_km}")
    # One part: the stretch is one line.
    return cast(LineString, chosen.stretch(start_km, end_km))


def _geodesic(line: BaseGeometry) -> GeodesicLine:
    """The line prepared for geodesic positions; refused when it is not a line with some length."""
    if not isinstance(line, LineString | MultiLineString):
        raise ReferenceDataError(f"border must be a LineString or MultiLineString, got {str(line)[:80]}")
    try:
        return geodesic_line(line)
    except ValueError as error:
        raise ReferenceDataError(f"border must have some length, got {str(line)[:80]}") from error


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
    check_positive(segment_km, "segment_km")
    positions = np.asarray(position_km, dtype=float)
    bad = ~np.isfinite(positions) | (positions < 0)
    if bad.any():
        raise ValueError(
            f"border positions must be finite and >= 0; {int(bad.sum())} are not "
            f"(first at position {int(np.flatnonzero(bad)[0])})"
        )
    index = floor_index(positions, segment_km)
    if length_km is not None:
        check_positive(length_km, "length_km")
        index = np.minimum(index, piece_count(length_km, segment_km) - 1)
    return index


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
    freq = period_frequency(period)
    check_non_negative(corridor_km, "corridor_km")
    require_columns(incidents, ("event_date", "deaths_best", "distance_border_km", "border_position_km"))
    if segments.empty or (incidents.empty and span is None):
        return pd.DataFrame({
            "segment": pd.Series(dtype=np.int64), "period": pd.Series(dtype=pd.PeriodDtype(freq)),
            "incidents": pd.Series(dtype=np.int64), "deaths": pd.Series(dtype=float),
        })
    inside = corridor_rows(incidents, corridor_km)
    problems = position_problems(incidents, inside)
    if problems:
        raise DataValidationError("incidents", problems)

    periods = calendar_days(incidents["event_date"]).dt.to_period(freq)
    ordered = segments.sort_values("start_km")
    starts = ordered["start_km"].to_numpy(float)
    positions = incidents.loc[inside, "border_position_km"].to_numpy(float)
    slot = np.clip(np.searchsorted(starts, positions, side="right") - 1, 0, len(starts) - 1)
    counted = pd.DataFrame({
        "segment": ordered["segment"].to_numpy(np.int64)[slot],
        "period": periods[inside].to_numpy(),
        "deaths": np.nan_to_num(death_counts(incidents.loc[inside, "deaths_best"])),
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
    check_count(recent_periods, "recent_periods", 1)
    check_count(top, "top", 0)
    require_columns(activity, ("segment", "period", "incidents", "deaths"), "activity")
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
        "trend_unit": period_name(activity["period"].dtype),
        "recent_mean": recent_mean,
        "earlier_mean": earlier_mean,
        "change": recent_mean - earlier_mean,
        "rank": rank,
        "hottest": (rank <= top) & (incidents > 0),
    })
