"""Map page: the border, the barrier, places and the filtered attack sites, over time."""

from __future__ import annotations

import dataclasses

import streamlit as st
from streamlit_folium import st_folium

from borderwatch import config
from borderwatch.escape import escape_markdown
from borderwatch.mapview import POINT_LIMIT, view_around, view_from_state
from layers.basemap import base_map
from ui import cache
from ui.details import render_details
from ui.maplayers import render_layer_choice, switchable_layers
from ui.mapshare import render_share
from ui.permalink import OPENING_VIEW_KEY, reopen_at_last_view, show_problems
from ui.playback import render_time_controls
from ui.selection import MAP_KEY, SELECTED_KEY, select_clicked_incident
from ui.sidebar import current_query

# Until the browser reports the map's real size and view: a typical width.
ASSUMED_MAP_WIDTH_PX = 900

query = current_query()
summary = cache.summary(query)

st.title("Tunisia–Libya border")
show_problems()
st.markdown(f"**{summary.line()}**")
if summary.shown == 0:
    st.info(
        "No incidents match the filters. Widen the date range, or choose more "
        "incident types or countries in the sidebar."
    )

with st.sidebar:
    st.header("Map layers")
    visible = render_layer_choice()
    online = st.toggle(
        "Online basemap (OpenStreetMap)",
        value=False,
        help="Off: the map is drawn from bundled country outlines and needs no internet.",
    )
shown_time = render_time_controls(query.selection.start, query.selection.end)
period_query = dataclasses.replace(
    query, selection=dataclasses.replace(query.selection, start=shown_time.start, end=shown_time.end)
)
if shown_time.frame is not None:
    period_summary = cache.summary(period_query)
    st.caption(
        f"{escape_markdown(shown_time.frame.label)}: {period_summary.shown:,} incidents, "
        f"{period_summary.deaths:,} deaths ({shown_time.frame.start:%d %b} to {shown_time.frame.end:%d %b %Y}), "
        f"of the {summary.shown:,} in the date range: the map shows this period. "
        f"The barrier is drawn as it stood on {shown_time.as_of:%d %B %Y}; a crossing closed on any day "
        "of the period is drawn closed."
    )

map_column, details_column = st.columns([2, 1], gap="medium")
reopen_at_last_view()
opening_center, opening_zoom = st.session_state.get(OPENING_VIEW_KEY, (None, None))
opening_center = opening_center or config.MAP_CENTER
opening_zoom = opening_zoom if opening_zoom is not None else config.MAP_ZOOM
default_view = view_around(opening_center, opening_zoom, ASSUMED_MAP_WIDTH_PX, config.MAP_HEIGHT_PX)
view = view_from_state(st.session_state.get(MAP_KEY), default_view)
shown = cache.map_data_for(period_query, view)
layers = switchable_layers(visible, query, period_query, shown, shown_time.as_of, shown_time.since)
with map_column:
    scripts, styles = cache.map_assets()
    fmap = base_map(
        cache.basemap_land(), scripts, styles, event_types=cache.filter_options()["event_types"],
        online_tiles=online, countries_url=cache.basemap_url(), location=opening_center, zoom_start=opening_zoom,
    )
    st_folium(
        fmap,
        key=MAP_KEY,
        height=config.MAP_HEIGHT_PX,
        use_container_width=True,
        feature_group_to_add=layers,
        # The click counter changes on every click, so clicking the same
        # site twice still reaches select_clicked_incident; the view tells
        # the store which area to count or list.
        returned_objects=["last_active_drawing", "last_object_clicked_count", "bounds", "zoom"],
        on_change=select_clicked_incident,
        # st_folium renders the map's elements itself; a whole-figure render
        # before that would only do the same work twice on every run.
        render=False,
    )
    if "sites" in visible and shown.points is not None and shown.in_view > len(shown.points):
        st.caption(
            f"The map shows the {len(shown.points):,} most recent of the {shown.in_view:,} incidents "
            "around this view. Narrow the date range to see the others."
        )
    if "sites" in visible and shown.points is None:
        st.caption(
            f"{shown.in_view:,} incidents around this view: more than {POINT_LIMIT:,}, so each "
            "numbered circle counts the incidents of its area. Zoom in, or click a circle, "
            "to see them one by one."
        )
    render_share(visible, query, period_query, shown, shown_time, view)

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
        placeholder="Click a site on the map, or choose here",
    )
    if record is None:
        st.caption("Click an attack site on the map to read its full record.")
    else:
        render_details(record)
