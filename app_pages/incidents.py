"""Incidents page: the filtered table, a monthly timeline and downloads."""

from __future__ import annotations

import sys
from functools import partial

import altair as alt
import streamlit as st

from borderwatch import config
from borderwatch.analysis import monthly_timeline
from borderwatch.escape import escape_markdown
from borderwatch.export import (
    ATTRIBUTION_SUFFIX,
    dataset_attributions,
    describe_filters,
    export_attribution,
    export_command,
    export_file_name,
    incidents_per_dataset,
    to_csv_bytes,
    to_geojson_bytes,
    to_geopackage_bytes,
)
from layers.style import event_type_colour
from ui import cache
from ui.selection import request_focus
from ui.sidebar import current_query

#: Rows the table lists (the newest); the charts and counts cover every match.
TABLE_ROW_LIMIT = 5_000
#: Largest set offered as a browser download; beyond it, the command line writes it.
DOWNLOAD_ROW_LIMIT = 50_000

TABLE_COLUMNS = {
    "event_date": "Date",
    "location": "Place",
    "event_type": "Type",
    "deaths_best": "Deaths",
    "distance_border_km": "Km to border",
    "distance_barrier_km": "Km to barrier",
    "country": "Country",
    "sub_event_type": "Sub-type",
    "deaths_low": "Deaths (low)",
    "deaths_high": "Deaths (high)",
    "wounded_best": "Wounded",
    "actor1": "Actor",
    "dataset": "Dataset",
    "id": "Id",
}

query = current_query()
summary = cache.summary(query)

st.title("Incidents")
st.markdown(f"**{summary.line()}**")
if summary.shown == 0:
    st.info("No incidents match the filters. Widen them in the sidebar.")
    st.stop()

shown = cache.incidents(query, limit=TABLE_ROW_LIMIT)
if summary.shown > len(shown):
    st.caption(f"The table lists the {len(shown):,} most recent; the charts count all {summary.shown:,}.")

table = st.dataframe(
    shown[list(TABLE_COLUMNS)].rename(columns=TABLE_COLUMNS),
    hide_index=True,
    width="stretch",
    column_config={
        "Date": st.column_config.DateColumn(format="YYYY-MM-DD"),
        "Km to border": st.column_config.NumberColumn(
            format="%.1f", help=f"Distance to the {cache.border_line(query.border)['name'].iloc[0]} line"),
        "Km to barrier": st.column_config.NumberColumn(
            format="%.1f", help="Distance to the border's nearest barrier; empty where it has none"),
    },
    key="incident_table",
    on_select="rerun",
    selection_mode="single-row",
)
chosen_rows = table.selection.rows
if chosen_rows:
    chosen = shown.iloc[chosen_rows[0]]
    words, button = st.columns([4, 1], vertical_alignment="center")
    words.markdown(f"Selected: **{escape_markdown(chosen['location'])}**, {chosen['event_date']:%Y-%m-%d}")
    if button.button("Show on the map", type="primary", width="stretch"):
        request_focus(float(chosen["latitude"]), float(chosen["longitude"]), str(chosen["id"]))
        st.switch_page("app_pages/map.py")
else:
    st.caption("Select a row to show that incident on the map.")

st.subheader("Per month, by type", anchor=False)
timeline = monthly_timeline(cache.aggregate(query, ("event_month", "event_type")))
shown_types = sorted(timeline["event_type"].unique())
colour = alt.Color(
    "event_type:N",
    title="Type",
    scale=alt.Scale(domain=shown_types, range=[event_type_colour(name) for name in shown_types]),
    legend=alt.Legend(labelLimit=260),
)
for measure, title in (("incidents", "Incidents"), ("deaths", "Deaths")):
    chart = (
        alt.Chart(timeline, title=f"{title} per month")
        .mark_bar()
        .encode(
            x=alt.X("yearmonth(month):T", title="Month"),
            # Counts are whole numbers: no 0.5 ticks.
            y=alt.Y(f"sum({measure}):Q", title=title, axis=alt.Axis(tickMinStep=1, format="d")),
            color=colour,
            tooltip=[
                alt.Tooltip("yearmonth(month):T", title="Month"),
                alt.Tooltip("event_type:N", title="Type"),
                alt.Tooltip(f"{measure}:Q", title=title),
            ],
        )
        .properties(height=220)
    )
    st.altair_chart(chart, width="stretch")

st.subheader("Download the filtered incidents", anchor=False)
offered = cache.filter_options()
# The border whose measures the rows carry, named in the files (none for the default: names stay as they were).
measured_against = None if query.border == config.DEFAULT_BORDER else cache.border_of(query.border)
if summary.shown > DOWNLOAD_ROW_LIMIT:
    st.info(
        f"{summary.shown:,} incidents are more than a browser download should carry "
        f"({DOWNLOAD_ROW_LIMIT:,}). This command writes the same set (CSV, GeoJSON or GeoPackage, "
        "from the extension) with its attribution:"
    )
    command = export_command(query, export_file_name(query, "gpkg", offered=offered, border=measured_against),
                             python=sys.executable, data_dir=str(cache.store_path().parent), border=measured_against)
    st.code(command, language="bash")
    st.stop()

everything = cache.all_incidents(query) if summary.shown > len(shown) else shown
attribution = export_attribution(
    dataset_attributions(incidents_per_dataset(everything), cache.store().datasets()),
    filters=describe_filters(query, border=measured_against),
)
csv_name = export_file_name(query, "csv", offered=offered, border=measured_against)
csv_column, geojson_column, gpkg_column = st.columns(3)
# Files are written when a button is clicked, not on every rerun.
csv_column.download_button(
    "Download CSV", partial(to_csv_bytes, everything), file_name=csv_name, mime="text/csv"
)
geojson_column.download_button(
    "Download GeoJSON",
    partial(to_geojson_bytes, everything, attribution=attribution),
    file_name=export_file_name(query, "geojson", offered=offered, border=measured_against),
    mime="application/geo+json",
)
gpkg_column.download_button(
    "Download GeoPackage",
    partial(to_geopackage_bytes, everything, attribution=attribution),
    file_name=export_file_name(query, "gpkg", offered=offered, border=measured_against),
    mime="application/geopackage+sqlite3",
)
if attribution:
    st.info(
        "Cite these sources when you use or share the incidents (ACLED's, UCDP's and START's terms ask it). "
        "The GeoJSON and GeoPackage downloads carry this text; keep it beside the CSV."
    )
    st.code(attribution, language=None)
    st.download_button(
        "Download the attribution (text)", attribution.encode("utf-8"),
        file_name=csv_name + ATTRIBUTION_SUFFIX, mime="text/plain",
    )
