"""Which incident the details panel shows: chosen in the list or clicked on the map."""

from __future__ import annotations

import streamlit as st

from layers.incidents import clicked_incident_id

MAP_KEY = "border-map"
SELECTED_KEY = "selected_incident"


def select_clicked_incident() -> None:
    """``st_folium`` callback: show the attack site just clicked.

    Runs only when the map reports a new click, so a choice made later in
    the list stands until the next click, and clicking the same site again
    after leaving the page selects it again.
    """
    incident_id = clicked_incident_id(st.session_state.get(MAP_KEY))
    if incident_id is not None:
        st.session_state[SELECTED_KEY] = incident_id

#: The map's switchable layers: id (kept in links) -> label (shown).
MAP_LAYERS: dict[str, str] = {
    "sites": "Attack sites",
    "heatmap": "Heatmap",
    "precision": "Location precision",
    "border": "Border",
    "barrier": "Trench and berm",
    "crossings": "Crossings",
    "places": "Places",
    "segments": "Border segments",
    "sequences": "Cross-border sequences",
}
#: Layers shown until the user (or a link) chooses otherwise.
DEFAULT_LAYERS: tuple[str, ...] = ("sites", "border", "barrier", "crossings", "places")
