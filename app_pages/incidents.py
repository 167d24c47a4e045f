"""Incidents page: the filtered table, a monthly timeline and downloads."""

from __future__ import annotations

import altair as alt
import streamlit as st

from borderwatch.analysis import monthly_timeline
from borderwatch.export import to_csv_bytes, to_geojson_bytes
from borderwatch.filters import summarize
from layers.style import EVENT_TYPE_COLOURS
from ui import cache
from ui.sidebar import shown_incidents

TABLE_COLUMNS = {
    "event_date": "Date",
    "location": "Place",
    "country": "Country",
    "event_type": "Type",
    "sub_event_type": "Sub-type",
    "deaths_best": "Deaths",
    "deaths_low": "Deaths (low)",
    "deaths_high": "Deaths (high)",
    "wounded_best": "Wounded",
    "actor1": "Actor",
    "distance_border_km": "Km to TN–LY border",
    "distance_barrier_km": "Km to barrier",
    "id": "Id",
}

shown = shown_incidents()
summary = summarize(shown, total=cache.incident_count())

st.title("Incidents")
st.markdown(f"**{summary.line()}**")
if shown.empty:
    st.info("No incidents match the filters. Widen them in the sidebar.")
    st.stop()

st.dataframe(
    shown[list(TABLE_COLUMNS)].rename(columns=TABLE_COLUMNS),
    hide_index=True,
    width="stretch",
    column_config={
        "Date": st.column_config.DateColumn(format="YYYY-MM-DD"),
        "Km to TN–LY border": st.column_config.NumberColumn(format="%.1f"),
        "Km to barrier": st.column_config.NumberColumn(format="%.1f"),
    },
)

st.subheader("Per month, by type", anchor=False)
timeline = monthly_timeline(shown)
colour = alt.Color(
    "event_type:N",
    title="Type",
    scale=alt.Scale(domain=list(EVENT_TYPE_COLOURS), range=list(EVENT_TYPE_COLOURS.values())),
)
for measure, title in (("incidents", "Incidents"), ("deaths", "Deaths")):
    chart = (
        alt.Chart(timeline, title=f"{title} per month")
        .mark_bar()
        .encode(
            x=alt.X("yearmonth(month):T", title="Month"),
            y=alt.Y(f"sum({measure}):Q", title=title),
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
left, right = st.columns(2)
left.download_button(
    "Download CSV", to_csv_bytes(shown), file_name="borderwatch-incidents.csv", mime="text/csv"
)
right.download_button(
    "Download GeoJSON",
    to_geojson_bytes(shown),
    file_name="borderwatch-incidents.geojson",
    mime="application/geo+json",
)
