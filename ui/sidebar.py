"""The sidebar filters, drawn once by ``app.py`` and read by every page."""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import streamlit as st

from borderwatch.filters import IncidentFilter, date_bounds

DATE_KEY = "filter_dates"
TYPES_KEY = "filter_types"
COUNTRIES_KEY = "filter_countries"


def render_filters(incidents: gpd.GeoDataFrame) -> None:
    """Draw the filter widgets; their values live in ``st.session_state``.

    Parameters
    ----------
    incidents : geopandas.GeoDataFrame
        All incidents, to offer their date range, types and countries.
    """
    first, last = date_bounds(incidents)
    types = sorted(incidents["event_type"].unique())
    countries = sorted(incidents["country"].unique())
    st.sidebar.header("Filters")
    st.sidebar.date_input(
        "Date range", value=(first, last), min_value=first, max_value=last, key=DATE_KEY,
        help="Incidents whose dates overlap this range are shown.",
    )
    st.sidebar.multiselect("Incident types", types, default=types, key=TYPES_KEY)
    st.sidebar.multiselect("Countries", countries, default=countries, key=COUNTRIES_KEY)


def current_filter() -> IncidentFilter:
    """Return the filter the sidebar describes right now.

    Returns
    -------
    IncidentFilter
        A one-day range while the user has picked only the first date.
    """
    dates = st.session_state.get(DATE_KEY, ())
    start: dt.date | None = dates[0] if len(dates) >= 1 else None
    end: dt.date | None = dates[1] if len(dates) >= 2 else start
    types = st.session_state.get(TYPES_KEY)
    countries = st.session_state.get(COUNTRIES_KEY)
    return IncidentFilter(
        start=start,
        end=end,
        event_types=None if types is None else tuple(types),
        countries=None if countries is None else tuple(countries),
    )
