"""Filtering incidents by date, type and country, and summing up the result."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import geopandas as gpd
import pandas as pd


@dataclass(frozen=True)
class IncidentFilter:
    """What the user asked to see. ``None`` in a field means "no restriction".

    Attributes
    ----------
    start, end : datetime.date or None
        Inclusive date range; an incident is kept when its span
        (``event_date`` to ``end_date``) overlaps the range.
    event_types : tuple of str or None
        ACLED event types to keep; an empty tuple keeps nothing.
    countries : tuple of str or None
        Country names to keep; an empty tuple keeps nothing.
    """

    start: dt.date | None = None
    end: dt.date | None = None
    event_types: tuple[str, ...] | None = None
    countries: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Summary:
    """Counts for the summary line.

    Attributes
    ----------
    shown : int
        Incidents that pass the filter.
    total : int
        Incidents before filtering.
    deaths : int
        Sum of ``deaths_best`` over the incidents shown (unknown counts as 0).
    """

    shown: int
    total: int
    deaths: int

    def line(self) -> str:
        """Return e.g. ``"12 of 30 incidents, 187 deaths"``."""
        incidents = "incident" if self.total == 1 else "incidents"
        deaths = "death" if self.deaths == 1 else "deaths"
        return f"{self.shown:,} of {self.total:,} {incidents}, {self.deaths:,} {deaths}"


def filter_incidents(incidents: gpd.GeoDataFrame, selection: IncidentFilter) -> gpd.GeoDataFrame:
    """Return the incidents that match ``selection``.

    Parameters
    ----------
    incidents : geopandas.GeoDataFrame
        Incidents with ``event_date``, ``end_date``, ``event_type`` and ``country``.
    selection : IncidentFilter
        The filter.

    Returns
    -------
    geopandas.GeoDataFrame
        A new frame (the input is not changed), original order kept.
    """
    keep = pd.Series(True, index=incidents.index)
    last_day = incidents["end_date"].fillna(incidents["event_date"])
    if selection.start is not None:
        keep &= last_day >= pd.Timestamp(selection.start)
    if selection.end is not None:
        keep &= incidents["event_date"] <= pd.Timestamp(selection.end)
    if selection.event_types is not None:
        keep &= incidents["event_type"].isin(selection.event_types)
    if selection.countries is not None:
        keep &= incidents["country"].isin(selection.countries)
    return incidents.loc[keep].copy()


def summarize(shown: pd.DataFrame, total: int) -> Summary:
    """Count the incidents shown and their deaths.

    Parameters
    ----------
    shown : pandas.DataFrame
        The filtered incidents (with ``deaths_best``).
    total : int
        How many incidents there are before filtering.

    Returns
    -------
    Summary
    """
    deaths = int(shown["deaths_best"].fillna(0).sum()) if len(shown) else 0
    return Summary(shown=len(shown), total=total, deaths=deaths)


def date_bounds(incidents: pd.DataFrame) -> tuple[dt.date, dt.date]:
    """Return the first and last day any incident covers.

    Parameters
    ----------
    incidents : pandas.DataFrame
        Non-empty, with ``event_date`` and ``end_date``.

    Returns
    -------
    tuple of datetime.date
    """
    last_day = incidents["end_date"].fillna(incidents["event_date"])
    return incidents["event_date"].min().date(), last_day.max().date()
