"""Map page: the border, the barrier, places and the filtered attack sites."""

from __future__ import annotations

import folium
import streamlit as st
from streamlit_folium import st_folium

from borderwatch import config
from borderwatch.filters import summarize
from layers.basemap import base_map
from layers.incidents import incidents_layer
from ui import cache
from ui.details import render_details
from ui.selection import MAP_KEY, SELECTED_KEY, select_clicked_incident
from ui.sidebar import shown_incidents

shown = shown_incidents()
summary = summarize(shown, total=cache.incident_count())

st.title("Tunisia–Libya border")
st.markdown(f"**{summary.line()}**")
if shown.empty:
    st.info(
        "No incidents match the filters. Widen the date range, or choose more "
        "incident types or countries in the sidebar."
    )

online = st.toggle(
    "Online basemap (OpenStreetMap)",
    value=False,
    help="Off: the map is drawn from bundled country outlines and needs no internet.",
)
map_column, details_column = st.columns([2, 1], gap="medium")
with map_column:
    scripts, styles = cache.map_assets()
    fmap = base_map(
        cache.basemap_land(), cache.border(), cache.barrier(), cache.places(),
        scripts, styles, event_types=cache.filter_options()["event_types"], online_tiles=online,
    )
    st_folium(
        fmap,
        key=MAP_KEY,
        height=config.MAP_HEIGHT_PX,
        use_container_width=True,
        feature_group_to_add=incidents_layer(shown),
        layer_control=folium.LayerControl(collapsed=False, position="topright"),
        # The click counter changes on every click, so clicking the same
        # site twice still reaches select_clicked_incident.
        returned_objects=["last_active_drawing", "last_object_clicked_count"],
        on_change=select_clicked_incident,
    )

with details_column:
    labels = {
        row.id: f"{row.event_date:%Y-%m-%d} · {row.location}" for row in shown.itertuples()
    }
    if st.session_state.get(SELECTED_KEY) not in labels:
        st.session_state[SELECTED_KEY] = None
    selected = st.selectbox(
        "Incident details",
        options=list(labels),
        format_func=labels.__getitem__,
        key=SELECTED_KEY,
        placeholder="Click an attack site on the map, or choose one here",
    )
    if selected is None:
        st.caption("Click an attack site on the map to read its full record.")
    else:
        render_details(shown.loc[shown["id"] == selected].iloc[0].to_dict())
