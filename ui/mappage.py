"""Parts of the map page: its size in the window, the search box, the incident list, the record on a phone."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import streamlit as st

from borderwatch.filters import IncidentQuery
from borderwatch.mapview import width_px
from ui import cache
from ui.details import render_details
from ui.selection import RECORD_DIALOG_KEY, SELECTED_KEY, choose, request_focus
from ui.sidebar import chosen_key

#: Until the browser reports the map's real size and view: a typical width.
ASSUMED_MAP_WIDTH_PX = 900
#: A map narrower than this is on a phone-sized screen, where the details
#: panel falls below the map: a clicked record opens over the map instead.
#: (Beside the panel, on a laptop, the map is about 590 px wide.)
NARROW_MAP_PX = 480
#: What the page holds above the map (Streamlit's header and padding, the
#: title row) and a margin below it, in pixels: the map takes the rest of the window.
ABOVE_MAP_PX = 172
#: Smallest and largest map heights, in pixels.
MAP_MIN_PX = 380
MAP_MAX_PX = 1100

_SEARCH_VERSION_KEY = "map_search_version"


def fit_map_to_window() -> None:
    """Make the map as tall as the window allows, so all of it is on screen at once.

    The map's frame follows the window's height (CSS, so it also follows a
    resize); inside the frame, the map fills it (``layers/web/borderwatch.css``).
    """
    st.html(
        "<style>"
        'iframe[title="streamlit_folium.st_folium"] {'
        f" height: clamp({MAP_MIN_PX}px, calc(100vh - {ABOVE_MAP_PX}px), {MAP_MAX_PX}px) !important; }}"
        # The default top padding leaves room for a title the page does not have.
        '[data-testid="stMainBlockContainer"] { padding-top: 3.5rem; }'
        # The map is the page: its title takes one line, not three.
        '[data-testid="stMain"] h1 { font-size: 1.6rem; padding: 0 0 0.25rem 0; }'
        "</style>"
    )


def is_narrow(map_state: Mapping[str, object] | None) -> bool:
    """Whether the map, as it last reported its view, is narrower than :data:`NARROW_MAP_PX`."""
    try:
        bounds = map_state["bounds"]  # type: ignore[index]
        west, east = float(bounds["_southWest"]["lng"]), float(bounds["_northEast"]["lng"])
        zoom = float(map_state["zoom"])  # type: ignore[index]
    except (KeyError, TypeError, ValueError):
        return False
    return 0 < width_px(west, east, zoom) < NARROW_MAP_PX


def incident_labels(points: pd.DataFrame | None) -> dict[str, str]:
    """Incident id -> "date · place" of the sites on the map, newest first (the choices of the details list)."""
    if points is None or points.empty:
        return {}
    ordered = points.sort_values("event_date", ascending=False, kind="stable")
    return {row.id: f"{row.event_date} · {row.location}" for row in ordered.itertuples()}


def render_incident_list(points: pd.DataFrame | None, query: IncidentQuery) -> Mapping[str, object] | None:
    """The list of the incidents on the map; choosing one selects it and sends the map to it.

    The list shows the selection however it was made (a click on the map, a
    link); it has no key of its own, so each selection draws it anew with
    that choice, and a value the browser reports late for an older list is
    never taken for a new choice.

    Returns
    -------
    mapping or None
        The selected incident's full record; None when nothing is selected
        or the filters now leave it out.
    """
    labels = incident_labels(points)
    selected_id = st.session_state.get(SELECTED_KEY)
    record = cache.incident(selected_id, query) if selected_id else None
    if record is None:
        st.session_state[SELECTED_KEY] = selected_id = None
    elif selected_id not in labels:
        # A site clicked earlier stays selected while the map moves on.
        labels[selected_id] = f"{record['event_date']:%Y-%m-%d} · {record['location']}"
    options = list(labels)
    chosen = st.selectbox(
        "Incident details", options, index=options.index(selected_id) if selected_id else None,
        format_func=labels.__getitem__, placeholder="Click a site on the map, or choose here",
    )
    if chosen is not None and chosen != selected_id:
        choose(chosen)
        record = cache.incident(chosen, query)
    return record


def _close_record() -> None:
    st.session_state.pop(RECORD_DIALOG_KEY, None)


@st.dialog("Incident record", width="large", on_dismiss=_close_record)
def record_dialog(record: Mapping[str, object]) -> None:
    """The full record over the map (on a phone, where the panel lies below it)."""
    render_details(record)


def render_search(choices: Mapping[str, str]) -> None:
    """A box to find a place or an incident by name or date; choosing one flies the map there.

    Parameters
    ----------
    choices : Mapping of str to str
        What to offer, by key (``place:<id>`` or ``incident:<id>``), with its label
        (:func:`ui.cache.search_choices`).
    """
    # After a choice the box starts empty again: a new widget, so a late
    # report of the old choice from the browser is not taken for a new one.
    version = st.session_state.get(_SEARCH_VERSION_KEY, 0)
    choice = st.selectbox(
        "Search places and incidents", options=list(choices), format_func=choices.__getitem__, index=None,
        key=f"map_search_{version}", placeholder="Search places and incidents…", label_visibility="collapsed",
    )
    if not choice:
        return
    st.session_state[_SEARCH_VERSION_KEY] = version + 1
    kind, _, identifier = choice.partition(":")
    if kind == "incident":
        choose(identifier)
        return
    places = cache.border_places(chosen_key())
    found = places[places["id"] == identifier]
    if not found.empty:
        request_focus(float(found.iloc[0]["latitude"]), float(found.iloc[0]["longitude"]))
