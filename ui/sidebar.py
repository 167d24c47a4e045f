"""The sidebar filters, drawn by every page and shared between them.

Streamlit forgets a widget's value when the page that drew it is left, so
each value is also kept under a key of its own and handed to the same
widget on the next page.
"""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import streamlit as st

from borderwatch.filters import IncidentFilter, date_bounds

DATE_KEY = "filter_dates"
TYPES_KEY = "filter_types"
COUNTRIES_KEY = "filter_countries"


def _kept(key: str) -> str:
    return f"kept_{key}"


def _restore(key: str, default: object) -> None:
    """Give the widget ``key`` its kept value (or ``default`` the first time)."""
    if key not in st.session_state:
        st.session_state[key] = st.session_state.get(_kept(key), default)


def _keep(key: str) -> None:
    st.session_state[_kept(key)] = st.session_state[key]


def _clamp_dates(value: tuple, first: dt.date, last: dt.date) -> tuple:
    # A kept range may fall outside new data's bounds; the widget refuses that.
    return tuple(min(max(day, first), last) for day in value)


def render_filters(incidents: gpd.GeoDataFrame) -> IncidentFilter:
    """Draw the filter widgets in the sidebar and return what they select.

    Parameters
    ----------
    incidents : geopandas.GeoDataFrame
        All incidents, to offer their date range, types and countries.

    Returns
    -------
    IncidentFilter
        A one-day range while the user has picked only the first date.
    """
    first, last = date_bounds(incidents)
    types = sorted(incidents["event_type"].unique())
    countries = sorted(incidents["country"].unique())
    _restore(DATE_KEY, (first, last))
    st.session_state[DATE_KEY] = _clamp_dates(st.session_state[DATE_KEY], first, last)
    _restore(TYPES_KEY, types)
    _restore(COUNTRIES_KEY, countries)
    st.session_state[TYPES_KEY] = [t for t in st.session_state[TYPES_KEY] if t in types]
    st.session_state[COUNTRIES_KEY] = [c for c in st.session_state[COUNTRIES_KEY] if c in countries]

    st.sidebar.header("Filters")
    dates = st.sidebar.date_input(
        "Date range", min_value=first, max_value=last, key=DATE_KEY,
        help="Incidents whose dates overlap this range are shown.",
    )
    chosen_types = st.sidebar.multiselect("Incident types", types, key=TYPES_KEY)
    chosen_countries = st.sidebar.multiselect("Countries", countries, key=COUNTRIES_KEY)
    for key in (DATE_KEY, TYPES_KEY, COUNTRIES_KEY):
        _keep(key)

    start: dt.date | None = dates[0] if len(dates) >= 1 else None
    end: dt.date | None = dates[1] if len(dates) >= 2 else start
    return IncidentFilter(
        start=start, end=end, event_types=tuple(chosen_types), countries=tuple(chosen_countries)
    )
