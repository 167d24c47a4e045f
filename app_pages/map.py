"""Map page: the border, its barriers and crossings, places and the filtered attack sites, over time."""

from __future__ import annotations

import dataclasses

import streamlit as st
from streamlit_folium import st_folium

from borderwatch import config
from borderwatch.escape import escape_markdown
from borderwatch.mapview import POINT_LIMIT, points_in, view_around, view_from_state
from layers.basemap import base_map, tiles_layer
from layers.focus import focus_layer
from layers.stable import freeze_names
from ui import cache
from ui.details import render_details
from ui.maplayers import render_layer_choice, switchable_layers
from ui.mappage import (
    ASSUMED_MAP_WIDTH_PX,
    fit_map_to_window,
    is_narrow,
    record_dialog,
    render_incident_list,
    render_search,
)
from ui.mapshare import render_share
from ui.permalink import reopen_at_last_view
from ui.playback import render_time_controls
from ui.selection import (
    MAP_KEY,
    OPENING_VIEW_KEY,
    RECORD_DIALOG_KEY,
    focus_request,
    select_clicked_incident,
)
from ui.sidebar import chosen_key, current_query

query = current_query()
summary = cache.summary(query)
border_key = chosen_key()
border_name = str(cache.border_line(border_key)["name"].iloc[0])

fit_map_to_window()
title_column, search_column = st.columns([3, 2], vertical_alignment="bottom")
with title_column:
    st.title(border_name, anchor=False)
    st.markdown(f"**{summary.line()}**")
with search_column:
    render_search(cache.search_choices(query))
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
        help="Adds OpenStreetMap tiles, which need the internet. Off: the map is drawn from bundled "
        "country outlines, which also show wherever the tiles cannot be loaded.",
    )

map_column, side_column = st.columns([2, 1], gap="medium")
with side_column:
    shown_time = render_time_controls(query.selection.start, query.selection.end)
period_query = dataclasses.replace(
    query, selection=dataclasses.replace(query.selection, start=shown_time.start, end=shown_time.end)
)
if shown_time.frame is not None:
    period_summary = cache.summary(period_query)
    side_column.caption(
        f"{escape_markdown(shown_time.frame.label)}: {period_summary.shown:,} incidents, "
        f"{period_summary.deaths:,} deaths ({shown_time.frame.start:%d %b} to {shown_time.frame.end:%d %b %Y}), "
        f"of the {summary.shown:,} in the date range: the map shows this period. "
        f"Barriers are drawn as they stood on {shown_time.as_of:%d %B %Y}; a crossing or post closed on any "
        "day of the period is drawn closed."
    )

reopen_at_last_view()
opening_view = st.session_state.get(OPENING_VIEW_KEY)
opening_center, opening_zoom = opening_view or (None, None)
default_view = view_around(opening_center or config.MAP_CENTER,
                           opening_zoom if opening_zoom is not None else config.MAP_ZOOM,
                           ASSUMED_MAP_WIDTH_PX, config.MAP_HEIGHT_PX)
view = view_from_state(st.session_state.get(MAP_KEY), default_view)
shown = cache.map_data_for(period_query, view)

with side_column:
    # Before the map: a choice in the list sends the map to the incident chosen.
    record = render_incident_list(shown.points, query)

groups = switchable_layers(visible, query, period_query, shown, shown_time.as_of, shown_time.since, border_key)
if online:
    groups.insert(0, tiles_layer())
if (request := focus_request()) is not None:
    groups.append(focus_layer(request))
# The same drawing renders the same script, so st_folium sends a layer again
# only when what it draws changes (an open popup or fan survives a rerun).
freeze_names(groups)
with map_column:
    scripts, styles = cache.map_assets()
    fmap = base_map(
        cache.basemap_land(), scripts, styles, event_types=cache.filter_options()["event_types"],
        countries_url=cache.basemap_url(), location=opening_center or config.MAP_CENTER,
        zoom_start=opening_zoom if opening_zoom is not None else config.MAP_ZOOM,
        home=cache.home_bounds(border_key), fit_home=opening_view is None, border_name=border_name,
    )
    st_folium(
        fmap,
        key=MAP_KEY,
        height=config.MAP_HEIGHT_PX,
        use_container_width=True,
        feature_group_to_add=groups,
        # A click on a site changes the feature reported (its id and a click
        # count); a click on a cluster reports nothing, so it does not rerun
        # the page. The view tells the store which area to count or list.
        returned_objects=["last_active_drawing", "bounds", "zoom"],
        on_change=select_clicked_incident,
        # st_folium renders the map's elements itself; a whole-figure render
        # before that would only do the same work twice on every run.
        render=False,
    )
    if "sites" in visible and shown.points is not None and shown.in_view > len(shown.points):
        drawn_in_view = points_in(shown.points, view)
        left_out = cache.left_out_in(period_query, view, drawn_in_view)
        if left_out:
            st.caption(
                f"The map draws the {drawn_in_view:,} most recent of the {drawn_in_view + left_out:,} incidents "
                "in this view: it cannot zoom closer to separate them. Narrow the date range or the filters "
                "to see the others."
            )
    if "sites" in visible and shown.points is None:
        st.caption(
            f"{shown.in_view:,} incidents around this view: more than {POINT_LIMIT:,}, so each "
            "numbered circle counts the incidents of its area. Zoom in, or click a circle, "
            "to see them one by one."
        )
    if {"barrier", "crossings"} & set(visible) and not cache.border_infrastructure(border_key):
        st.caption(
            f"No barriers or crossings are recorded for the {escape_markdown(border_name)}: import a file "
            "on the Import data page."
        )
    render_share(visible, query, period_query, shown, shown_time, view)

with side_column:
    if record is None:
        st.caption("Click an attack site on the map to read its full record.")
    else:
        render_details(record)
        if st.session_state.get(RECORD_DIALOG_KEY):
            if is_narrow(st.session_state.get(MAP_KEY)):
                # On a phone the panel lies below the map: show the record where the person is looking.
                record_dialog(record)
            else:
                st.session_state.pop(RECORD_DIALOG_KEY)
