"""Surveillance planner: place sensors along the barrier or the border, see what they cover."""

from __future__ import annotations

import streamlit as st

from borderwatch import config
from borderwatch.escape import escape_markdown
from borderwatch.planner import ASSUMPTIONS, compare, plan_csv, plan_geojson
from layers.incidents import incidents_layer
from layers.planner import plan_layer
from ui import cache
from ui.planning import (
    BARRIER,
    BORDER,
    LINE_LABELS,
    METHOD_LABELS,
    NAME_KEY,
    PLANS_KEY,
    PlanRequest,
    build_plan,
    gaps_table,
    remove_plan,
    save_plan,
)
from ui.sidebar import current_query
from ui.staticmap import render_static_map

PLANNER_MAP_HEIGHT_PX = 520


def _plan_map(plan, incidents, key: str, height: int = PLANNER_MAP_HEIGHT_PX) -> None:
    """A map of one plan: the sensors, their ranges, the gaps and the incidents judged."""
    west, south, east, north = plan.line.bounds
    groups = [plan_layer(plan)] + ([] if incidents.empty else [incidents_layer(incidents)])
    render_static_map(groups, key, ((south + north) / 2, (west + east) / 2), 8, height)


query = current_query()
st.title("Surveillance planner")
st.markdown(
    "In February 2016 Tunisia announced electronic surveillance along its barrier, with US and German help. "
    "Place sensors (cameras, radars) along the barrier or a stretch of the border, and see how much of the line "
    "they cover and which past incidents fell within their range."
)

border_km = float(cache.segments(config.SEGMENT_KM)["end_km"].max())
settings, results = st.columns([1, 2], gap="large")
with settings:
    line_choice = st.radio("Line to cover", [BARRIER, BORDER], format_func=LINE_LABELS.__getitem__, key="plan_line")
    stretch = (0.0, border_km)
    if line_choice == BORDER:
        stretch = st.slider("Stretch of the border (km from the coast)", 0.0, round(border_km, 1),
                            (0.0, 181.0), step=1.0, key="plan_stretch")
    range_km = st.number_input("Sensor range (km)", min_value=0.5, max_value=100.0,
                               value=config.SENSOR_RANGE_KM, step=0.5, key="plan_range")
    count = st.number_input("Number of sensors", min_value=1, max_value=200, value=config.SENSOR_COUNT,
                            key="plan_count")
    method = st.radio("Placement", list(METHOD_LABELS), format_func=METHOD_LABELS.__getitem__, key="plan_method",
                      help="Evenly spaced: equal shares of the line, a sensor in the middle of each. Optimised: "
                      "greedy maximum coverage of past incidents (see below).")
    within_km = st.number_input(
        "Judge by incidents within (km of the line)", min_value=0.0, max_value=500.0,
        value=config.CORRIDOR_KM, step=5.0, key="plan_within",
        help="Incidents of the sidebar's filters this close to the line count as inside or outside coverage.",
    )
    include_centroids = st.toggle(
        "Include centroid-level locations", value=False, key="plan_centroids",
        help="Incidents placed at a district or province centroid (ACLED geo_precision 3): where they "
        "happened is too vague to say whether a sensor would have seen them.",
    )
    st.session_state.setdefault(NAME_KEY, "Plan 1")
    name = st.text_input("Plan name", max_chars=60, key=NAME_KEY)

request = PlanRequest(
    line=line_choice, start_km=float(stretch[0]), end_km=float(stretch[1]), range_km=float(range_km),
    count=int(count), method=method, within_km=float(within_km), include_centroids=include_centroids,
    name=name.strip() or "Plan",
)
try:
    plan, judged = build_plan(request, query)
except ValueError as error:
    st.error(f"This plan cannot be built: {escape_markdown(str(error))}")
    st.stop()

with results:
    share, gaps, inside = st.columns(3)
    share.metric("Line covered", f"{plan.covered_share:.1%}",
                 help=f"{plan.covered_km:,.1f} of {plan.line_km:,.1f} km within range of a sensor")
    gaps.metric("Gaps", f"{len(plan.gaps):,}", help="Stretches of the line no sensor reaches")
    gaps.caption(f"Longest: {plan.longest_gap_km:,.1f} km" if len(plan.gaps) else "None")
    judged_count = plan.incidents_covered + plan.incidents_outside
    inside.metric("Incidents covered", f"{plan.incidents_covered:,} of {judged_count:,}",
                  help=f"Incidents within {request.within_km:g} km of the line, under the sidebar's filters")
    inside.caption(f"{plan.incidents_outside:,} outside coverage")
    _plan_map(plan, judged, key="planner-map")
    save_column, geojson_column, csv_column = st.columns(3)
    save_column.button("Add to comparison", on_click=save_plan, args=(plan,), width="stretch",
                       help="Keep this plan to compare it with others below (for this browser session).")
    stem = "".join(character if character.isalnum() else "-" for character in plan.name).strip("-") or "plan"
    geojson_column.download_button("Plan as GeoJSON", plan_geojson(plan), file_name=f"{stem}.geojson",
                                   mime="application/geo+json", on_click="ignore", width="stretch")
    csv_column.download_button("Sensors as CSV", plan_csv(plan), file_name=f"{stem}-sensors.csv",
                               mime="text/csv", on_click="ignore", width="stretch")
    st.subheader("Gaps in coverage")
    if len(plan.gaps):
        st.dataframe(gaps_table(plan), hide_index=True, width="stretch")
    else:
        st.caption("No gaps: every point of the line is within range of a sensor.")
    with st.expander("Sensors"):
        st.dataframe(plan.sensors.drop(columns="geometry").round(2), hide_index=True, width="stretch")

st.header("Compare plans")
saved = st.session_state.get(PLANS_KEY, {})
if not saved:
    st.caption("Add plans to the comparison to see them side by side.")
else:
    st.dataframe(compare(list(saved.values())).round(3), hide_index=True, width="stretch")
    chosen = st.multiselect("Show side by side", list(saved), default=list(saved)[-2:], max_selections=2,
                            key="plan_compare")
    columns = st.columns(2)
    for column, plan_name in zip(columns, chosen, strict=False):
        with column:
            shown_plan = saved[plan_name]
            st.markdown(f"**{escape_markdown(plan_name)}**: {shown_plan.covered_share:.1%} of the line, "
                        f"{shown_plan.incidents_covered:,} incidents covered")
            _plan_map(shown_plan, judged.iloc[0:0], key=f"compare-map-{chosen.index(plan_name)}", height=380)
            st.button("Remove", key=f"remove-{chosen.index(plan_name)}", on_click=remove_plan, args=(plan_name,))

st.subheader("How the planner works")
st.markdown(
    "- **Evenly spaced**: the line is cut into as many equal parts as there are sensors, with a sensor in "
    "the middle of each.\n"
    "- **Optimised**: greedy maximum coverage. Candidate positions every "
    f"{config.PLANNER_CANDIDATE_STEP_KM:g} km along the line; each sensor in turn goes where it covers the "
    "most past incidents not yet covered (ties: the most new line, then the nearer the start). It maximises "
    "the **number of past incidents within range**, not deaths and not line length; greedy is guaranteed to "
    "reach at least 63% (1 − 1/e) of the best possible count. Once no position adds an incident, the remaining "
    "sensors go where they add the most uncovered line."
)
st.markdown("**Assumptions**\n" + "\n".join(f"- {escape_markdown(item)}" for item in ASSUMPTIONS))
