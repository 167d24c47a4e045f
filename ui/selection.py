"""Which incident the details panel shows, and where the map goes when a person chooses something.

An incident is selected by a click on its site (the map reports it) or
chosen elsewhere: the incident list, the search box, the Incidents table, a
link. A choice made elsewhere also asks the map to go there: a focus
request that the map carries out once (``layers/web/focus.js``).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping

import streamlit as st

from layers.incidents import click_count, clicked_incident_id
from ui import cache
from ui.sidebar import current_query

MAP_KEY = "border-map"
#: The incident whose record shows (a plain value, not a widget's: the map,
#: the list, the search box, the table and links all set it).
SELECTED_KEY = "selected_incident"
#: The last focus request: where the map should go (and which site to show).
FOCUS_KEY = "map_focus_request"
#: The last click on a site that selected it: (incident id, the map's count of clicks).
_CLICK_KEY = "map_last_click"
#: Map centre and zoom the map opens at in this session (from a link, or the defaults).
OPENING_VIEW_KEY = "map_opening_view"
#: The view the map last reported, kept while other pages show (the map's own state is not).
LAST_VIEW_KEY = "map_last_view"
#: Set when a site is clicked: on a phone the record then opens over the map, until closed.
RECORD_DIALOG_KEY = "map_record_dialog"
#: Zoom the map goes to for an incident or a place chosen outside it (at
#: least: a map zoomed closer stays as close).
FOCUS_ZOOM = 10.0

#: The map's switchable layers: id (kept in links) -> label (shown).
MAP_LAYERS: dict[str, str] = {
    "sites": "Attack sites",
    "heatmap": "Heatmap",
    "precision": "Location precision",
    "border": "Border",
    "barrier": "Barriers",
    "crossings": "Crossings & posts",
    "places": "Places",
    "segments": "Border segments",
    "sequences": "Cross-border sequences",
}
#: Layers shown until the user (or a link) chooses otherwise.
DEFAULT_LAYERS: tuple[str, ...] = ("sites", "border", "barrier", "crossings", "places")


def select_clicked_incident() -> None:
    """``st_folium`` callback: show the attack site just clicked.

    The map reports its view and its last clicked site together, and this
    runs whenever either changes; only a new click (the map counts them)
    selects, so a choice made later in the list stands while the map moves.
    """
    state = st.session_state.get(MAP_KEY)
    incident_id = clicked_incident_id(state)
    click = (incident_id, click_count(state))
    if incident_id is None or click == st.session_state.get(_CLICK_KEY):
        return
    st.session_state[_CLICK_KEY] = click
    st.session_state[SELECTED_KEY] = incident_id
    st.session_state[RECORD_DIALOG_KEY] = True


def choose(incident_id: str) -> None:
    """Select an incident chosen outside the map (the list, the search box) and send the map to it."""
    record = cache.incident(incident_id, current_query())
    if record is not None:
        request_focus(float(record["latitude"]), float(record["longitude"]), incident_id)


def request_focus(latitude: float, longitude: float, incident_id: str | None = None, move: bool = True) -> None:
    """Ask the map to go to a point, and to show an incident's site there.

    Parameters
    ----------
    latitude, longitude : float
        Where to centre the map (at :data:`FOCUS_ZOOM` at least).
    incident_id : str, optional
        The incident to select, reveal (out of its cluster), highlight and open.
    move : bool
        False to leave the map where it is (a link that names its own view)
        and only show the site: highlighted, and fanned out if it shares its place.
    """
    if incident_id is not None:
        st.session_state[SELECTED_KEY] = incident_id
    st.session_state[FOCUS_KEY] = {
        # A new token for every request: the map carries out each one once.
        "token": uuid.uuid4().hex,
        "lat": round(float(latitude), 5),
        "lon": round(float(longitude), 5),
        "zoom": FOCUS_ZOOM,
        "incident": incident_id,
        "move": move,
    }


def focus_request() -> Mapping[str, object] | None:
    """The last focus request, if any (see :func:`request_focus`)."""
    return st.session_state.get(FOCUS_KEY)
