"""Map page: the border, the barrier, places and the filtered attack sites."""

from __future__ import annotations

import folium
import streamlit as st
from streamlit_folium import st_folium

from borderwatch import config
from borderwatch.mapview import POINT_LIMIT, view_around, view_from_state
from layers.basemap import base_map
from layers.incidents import cells_layer, incidents_layer
from ui import cache
from ui.details import render_details
from ui.selection import MAP_KEY, SELECTED_KEY, select_clicked_incident
from ui.sidebar import current_query

# Until the browser reports the map's real size and view: a typical width.
ASSUMED_MAP_WIDTH_PX = 900

query = current_query()
summary = cache.summary(query)

st.title("Tunisia–Libya border")
st.markdown(f"**{summary.line()}**")
if summary.shown == 0:
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
default_view = view_around(config.MAP_CENTER, config.MAP_ZOOM, ASSUMED_MAP_WIDTH_PX, config.MAP_HEIGHT_PX)
shown = cache.map_data_for(query, view_from_state(st.session_state.get(MAP_KEY), default_view))
with map_column:
    scripts, styles = cache.map_assets()
    fmap = base_map(
        cache.basemap_land(), cache.border(), cache.barrier(), cache.places(),
        scripts, styles, event_types=cache.filter_options()["event_types"], online_tiles=online,
        countries_url=cache.basemap_url(),
    )
    if shown.points is not None:
        layer = incidents_layer(shown.points)
    else:
        layer = cells_layer(shown.cells)
    st_folium(
        fmap,
        key=MAP_KEY,
        height=config.MAP_HEIGHT_PX,
        use_container_width=True,
        feature_group_to_add=layer,
        layer_control=folium.LayerControl(collapsed=False, position="topright"),
        # The click counter changes on every click, so clicking the same
        # site twice still reaches select_clicked_incident; the view tells
        # the store which area to count or list.
        returned_objects=["last_active_drawing", "last_object_clicked_count", "bounds", "zoom"],
        on_change=select_clicked_incident,
        # st_folium renders the map's elements itself; a whole-figure render
        # before that would only do the same work twice on every run.
        render=False,
    )
    if shown.points is not None and shown.in_view > len(shown.points):
        st.caption(
            f"The map shows the {len(shown.points):,} most recent of the {shown.in_view:,} incidents "
            "around this view. Narrow the date range to see the others."
        )
    if shown.points is None:
        st.caption(
            f"{shown.in_view:,} incidents around this view: more than {POINT_LIMIT:,}, so each "
            "numbered circle counts the incidents of its area. Zoom in, or click a circle, "
            "to see them one by one."
        )

with details_column:
    labels: dict[str, str] = {}
    if shown.points is not None:
        labels = {
            row.id: f"{row.event_date} · {row.location}" for row in shown.points.itertuples()
        }
    selected_id = st.session_state.get(SELECTED_KEY)
    record = cache.incident(selected_id, query) if selected_id else None
    if record is None:
        st.session_state[SELECTED_KEY] = None
    elif selected_id not in labels:
        # A site clicked earlier stays selected while the map moves on.
        labels[selected_id] = f"{record['event_date']:%Y-%m-%d} · {record['location']}"
    st.selectbox(
        "Incident details",
        options=list(labels),
        format_func=labels.__getitem__,
        key=SELECTED_KEY,
        placeholder="Click an attack site on the map, or choose one here",
    )
    if record is None:
        st.caption("Click an attack site on the map to read its full record.")
    else:
        render_details(record)
