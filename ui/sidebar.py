"""The sidebar filters, drawn once by ``dashboard.py`` and read by every page."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import streamlit as st

from borderwatch import config
from borderwatch.filters import IncidentFilter, IncidentQuery

DATE_KEY = "filter_dates"
TYPES_KEY = "filter_types"
COUNTRIES_KEY = "filter_countries"
DATASETS_KEY = "filter_datasets"
ACTORS_KEY = "filter_actors"
HIDE_DUPLICATES_KEY = "filter_hide_duplicates"
DISTANCE_KEY = "filter_within_km"
#: The chosen border's key (``"LBY-TUN"``), a plain value: links and the picker (``ui.border``) set it.
BORDER_KEY = "border"
#: What the store offered the filters on this run (the permalink leaves default choices out).
OPTIONS_KEY = "filter_options"
_DATE_ENTER_SCRIPT = (Path(__file__).parent / "web" / "date_enter.js").read_text(encoding="utf-8")


def chosen_key() -> str:
    """Key of the border shown now."""
    return str(st.session_state.get(BORDER_KEY, config.DEFAULT_BORDER))


def is_default_border() -> bool:
    """Whether the bundled case, Tunisia–Libya, is shown (its barrier, crossings and stored measures)."""
    return chosen_key() == config.DEFAULT_BORDER


def _offered(key: str) -> str:
    return f"{key}_offered"


def _sync_choices(key: str, options: list[str], chosen_by_default: bool) -> None:
    """Keep the user's choice as the options change (after an import).

    Values that newly appear are chosen too when the filter chooses all by
    default (a new dataset shows up on the map), values that vanished are
    dropped, and what the user left out stays out.
    """
    offered_before = st.session_state.get(_offered(key))
    if key not in st.session_state:
        st.session_state[key] = list(options) if chosen_by_default else []
    else:
        kept = [value for value in st.session_state[key] if value in options]
        new = [value for value in options if offered_before is not None and value not in offered_before]
        st.session_state[key] = kept + (new if chosen_by_default else [])
    st.session_state[_offered(key)] = list(options)


def _sync_dates(first: dt.date, last: dt.date) -> None:
    """Follow the data's date range while the user has the whole range chosen."""
    offered_before = st.session_state.get(_offered(DATE_KEY))
    chosen = st.session_state.get(DATE_KEY)
    if not chosen or tuple(chosen) == offered_before:
        st.session_state[DATE_KEY] = (first, last)
    else:
        st.session_state[DATE_KEY] = tuple(min(max(day, first), last) for day in chosen)
    st.session_state[_offered(DATE_KEY)] = (first, last)


def render_filters(options: dict) -> None:
    """Draw the filter widgets; their values live in ``st.session_state``.

    Parameters
    ----------
    options : dict
        From :meth:`borderwatch.store.IncidentStore.filter_options`.
    """
    st.sidebar.header("Filters")
    st.session_state[OPTIONS_KEY] = options
    if options["date_bounds"] is None:
        st.sidebar.caption("The store holds no incidents: import some on the Import data page.")
        return
    first, last = options["date_bounds"]
    _sync_dates(first, last)
    # Typed dates apply on Enter (ui/web/date_enter.js); the script adds its listener once per page.
    with st.sidebar:
        st.html(f"<script>{_DATE_ENTER_SCRIPT}</script>", unsafe_allow_javascript=True)
    st.sidebar.date_input(
        "Date range", min_value=first, max_value=last, key=DATE_KEY,
        help="Incidents whose dates overlap this range are shown. Type a date and press Enter, "
        "or pick it in the calendar.",
    )
    for key, label, values in (
        (TYPES_KEY, "Incident types", options["event_types"]),
        (COUNTRIES_KEY, "Countries", options["countries"]),
        (DATASETS_KEY, "Datasets", options["datasets"]),
    ):
        _sync_choices(key, list(values), chosen_by_default=True)
        st.sidebar.multiselect(label, list(values), key=key)
    _sync_choices(ACTORS_KEY, list(options["actors"]), chosen_by_default=False)
    st.sidebar.multiselect(
        "Actors", list(options["actors"]), key=ACTORS_KEY, placeholder="Any actor",
        help="Keep incidents in which one of these actors took part (first or second actor).",
    )
    st.sidebar.number_input(
        "Within … km of the border", min_value=0.0, max_value=20_000.0, step=5.0, value=None,
        key=DISTANCE_KEY, placeholder="Any distance",
        help="Keep incidents at most this far from the border line shown (geodesic distance to its "
        "nearest point; Tunisia–Libya's in UTM 32N). Empty: any distance.",
    )
    st.sidebar.toggle(
        "Hide probable duplicates", key=HIDE_DUPLICATES_KEY,
        help="Leave out incidents that another, earlier dataset already holds "
        "(same event type, within 5 km and a day of each other).",
    )


def current_query() -> IncidentQuery:
    """What the sidebar selects now (every page reads it; ``dashboard.py`` draws the widgets).

    Returns
    -------
    IncidentQuery
        A one-day range while the user has picked only the first date; no
        actor restriction while no actor is chosen.
    """
    dates = st.session_state.get(DATE_KEY, ())
    start: dt.date | None = dates[0] if len(dates) >= 1 else None
    end: dt.date | None = dates[1] if len(dates) >= 2 else start

    def chosen(key: str) -> tuple[str, ...] | None:
        values = st.session_state.get(key)
        return None if values is None else tuple(values)

    return IncidentQuery(
        selection=IncidentFilter(
            start=start, end=end, event_types=chosen(TYPES_KEY), countries=chosen(COUNTRIES_KEY)
        ),
        datasets=chosen(DATASETS_KEY),
        actors=chosen(ACTORS_KEY) or None,
        hide_duplicates=bool(st.session_state.get(HIDE_DUPLICATES_KEY, False)),
        max_border_km=st.session_state.get(DISTANCE_KEY),
        border=chosen_key(),
    )
