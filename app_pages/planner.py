"""Surveillance planner: place sensors along the barrier or the border, see what they cover."""

from __future__ import annotations

import dataclasses

import streamlit as st

from borderwatch import config
from borderwatch.escape import escape_markdown
from borderwatch.planner import (
    assumptions_for,
    incidents_near,
    line_length_km,
    most_sensors,
    plan_csv,
    plan_file_stem,
    plan_geojson,
)
from layers.incidents import incidents_layer
from layers.planner import plan_layer
from ui.border import current_border
from ui.planning import (
    BARRIER,
    BORDER,
    COMPARE_KEY,
    COUNT_KEY,
    LINE_LABELS,
    METHOD_LABELS,
    NAME_KEY,
    PART_KEY,
    PLANS_KEY,
    PlanRequest,
    build_plan,
    clamp_count,
    comparison_table,
    describe,
    gaps_table,
    incidents_covered,
    kept_name,
    longest_barrier,
    next_plan_name,
    part_label,
    part_lengths_km,
    placement_note,
    plan_crs,
    plan_line,
    remove_plan,
    save_plan,
    sensors_table,
)
from ui.sidebar import current_query, is_default_border
from ui.staticmap import render_static_map

PLANNER_MAP_HEIGHT_PX = 520
KM_COLUMN = st.column_config.NumberColumn(format="%.1f km")
DEGREES_COLUMN = st.column_config.NumberColumn(format="%.4f°")


def _plan_map(plan, incidents, key: str, height: int = PLANNER_MAP_HEIGHT_PX) -> None:
    """A map of one plan: the sensors, their ranges, the gaps and the incidents judged."""
    west, south, east, north = plan.line.bounds
    groups = [plan_layer(plan)] + ([] if incidents.empty else [incidents_layer(incidents)])
    if bundled_case:
        render_static_map(groups, key, ((south + north) / 2, (west + east) / 2), 8, height)
    else:
        # A stretch of another border may be hundreds of kilometres long: the map is fitted to it.
        render_static_map(groups, key, None, 8, height, border.key, fit=plan.line.bounds)


def _downloads(plan, key: str) -> None:
    """The plan's GeoJSON and CSV, named after the plan and what it is, side by side."""
    stem = plan_file_stem(plan)
    geojson_column, csv_column = st.columns(2)
    geojson_column.download_button(
        "Plan as GeoJSON", plan_geojson(plan), file_name=f"{stem}.geojson", mime="application/geo+json",
        on_click="ignore", width="stretch", key=f"{key}-geojson", help=f"Saves {stem}.geojson",
    )
    csv_column.download_button(
        "Sensors as CSV", plan_csv(plan), file_name=f"{stem}_sensors.csv", mime="text/csv",
        on_click="ignore", width="stretch", key=f"{key}-csv", help=f"Saves {stem}_sensors.csv",
    )


query = current_query()
border = current_border()
bundled_case = is_default_border()
st.title("Surveillance planner")
has_barrier = longest_barrier(border.key) is not None
if bundled_case:
    st.markdown(
        "In February 2016 Tunisia announced electronic surveillance along its barrier, with US and German help. "
        "Place sensors (cameras, radars) along the barrier or a stretch of the border, and see how much of the line "
        "they cover and which past incidents fell within their range."
    )
else:
    st.markdown(
        f"Place sensors (cameras, radars) along {'its barrier or ' if has_barrier else ''}a stretch of the "
        f"{escape_markdown(border.name)} border, and see how much of the line they cover and which past incidents "
        "fell within their range."
        + ("" if has_barrier else " No barrier is recorded for this border: import one on the Import data page "
           "to plan along it.")
    )

lengths = part_lengths_km(border.key)
# A border without a barrier offers its stretches only; a part or stretch chosen on another border may not fit
# this one.
lines = [BARRIER, BORDER] if has_barrier else [BORDER]
if st.session_state.get("plan_line") not in lines:
    st.session_state.pop("plan_line", None)
if st.session_state.get(PART_KEY, 0) >= len(lengths):
    st.session_state.pop(PART_KEY)
settings, results = st.columns([1, 2], gap="large")
with settings:
    line_choice = st.radio("Line to cover", lines, format_func=LINE_LABELS.__getitem__, key="plan_line")
    part = 0
    if line_choice == BORDER and len(lengths) > 1:
        part = st.selectbox("Part of the border", range(len(lengths)), key=PART_KEY,
                            format_func=lambda index: part_label(index, lengths[index]),
                            help="This border runs in several separate stretches (enclaves, rivers, gaps).")
    stretch_limit = round(lengths[part], 1)
    if any(end > stretch_limit for end in st.session_state.get("plan_stretch", ())):
        st.session_state.pop("plan_stretch")
    stretch = (0.0, lengths[part])
    if line_choice == BORDER:
        along = "km from the coast" if bundled_case else (
            "km along the border" if border.parts == 1 else "km along this part")
        stretch = st.slider(f"Stretch of the border ({along})", 0.0, stretch_limit,
                            (0.0, min(181.0, stretch_limit)), step=1.0, key="plan_stretch")
    range_km = st.number_input("Sensor range (km)", min_value=0.5, max_value=100.0,
                               value=config.SENSOR_RANGE_KM, step=0.5, format="%.1f", key="plan_range")
    chosen_line = plan_line(line_choice, *stretch, border.key, part)
    line_km = line_length_km(chosen_line, plan_crs(chosen_line, border.key))
    limit = most_sensors(line_km)
    count_note = clamp_count(limit)
    st.session_state.setdefault(COUNT_KEY, min(config.SENSOR_COUNT, limit))
    count = st.number_input("Number of sensors", min_value=1, max_value=limit, step=1, key=COUNT_KEY)
    if count_note:
        st.info(count_note)
    else:
        st.caption(f"1 to {limit:,} on this {line_km:,.1f} km line: one per km, both ends included; more would "
                   "add nothing.")
    method = st.radio("Placement", list(METHOD_LABELS), format_func=METHOD_LABELS.__getitem__, key="plan_method",
                      help="Evenly spaced: equal shares of the line, a sensor in the middle of each. Optimised: "
                      "first the most past incidents, then the most line (see below).")
    within_km = st.number_input(
        "Judge by incidents within (km of the line)", min_value=0.0, max_value=500.0,
        value=config.CORRIDOR_KM, step=5.0, format="%.1f", key="plan_within",
        help="Incidents of the sidebar's filters this close to the line count as inside or outside coverage.",
    )
    include_centroids = st.toggle(
        "Include centroid-level locations", value=False, key="plan_centroids",
        help="Incidents placed at a district or province centroid (ACLED geo_precision 3): where they "
        "happened is too vague to say whether a sensor would have seen them.",
    )
    st.session_state.setdefault(NAME_KEY, next_plan_name())
    name = st.text_input("Plan name", max_chars=60, key=NAME_KEY,
                         help="The name the plan gets in the comparison and in its downloads.")

request = PlanRequest(
    line=line_choice, start_km=float(stretch[0]), end_km=float(stretch[1]), range_km=float(range_km),
    count=int(count), method=method, within_km=float(within_km), include_centroids=include_centroids,
    name=name.strip() or "Plan", border=border.key, part=part,
)
# Right after "Add to comparison" the name field offers the next name, but the plan on screen is the one kept.
kept = kept_name(request, query)
if kept is not None:
    request = dataclasses.replace(request, name=kept)
try:
    plan, judged = build_plan(request, query)
except ValueError as error:
    st.error(f"This plan cannot be built: {escape_markdown(str(error))}")
    st.stop()

with results:
    status = "in the comparison" if kept is not None else "not in the comparison yet"
    st.markdown(f"**{escape_markdown(plan.name)}**: {escape_markdown(describe(plan))} · {status}")
    share, gaps, inside = st.columns(3)
    share.metric("Line covered", f"{plan.covered_share:.1%}",
                 help=f"{plan.covered_km:,.1f} of {plan.line_km:,.1f} km within range of a sensor")
    gaps.metric("Gaps", f"{len(plan.gaps):,}", help="Stretches of the line no sensor reaches")
    gaps.caption(f"Longest: {plan.longest_gap_km:,.1f} km" if len(plan.gaps) else "None")
    inside.metric("Incidents covered", incidents_covered(plan),
                  help=f"Incidents within {request.within_km:,g} km of the line, under the sidebar's filters")
    inside.caption(f"{plan.incidents_outside:,} outside coverage")
    if plan.method == "greedy":
        even, _ = build_plan(dataclasses.replace(request, method="even"), query)
        reachable = incidents_near(plan.line, judged, plan.range_km, plan.metric_crs)
        st.info(placement_note(plan, len(judged), len(reachable), request.within_km, even))
    _plan_map(plan, judged, key="planner-map")
    st.button("Add to comparison", on_click=save_plan, args=(plan, request, query), disabled=kept is not None,
              help=f"Already in the comparison as {plan.name}." if kept is not None
              else f"Keep this plan as {plan.name} to compare it with others below (for this browser session).")
    _downloads(plan, key="plan")
    st.subheader("Gaps in coverage")
    if len(plan.gaps):
        st.dataframe(gaps_table(plan), hide_index=True, width="stretch",
                     column_config={"From": KM_COLUMN, "To": KM_COLUMN, "Length": KM_COLUMN})
    else:
        st.caption("No gaps: every point of the line is within range of a sensor.")
    with st.expander("Sensors"):
        st.dataframe(sensors_table(plan), hide_index=True, width="stretch",
                     column_config={"Along the line": KM_COLUMN, "Latitude": DEGREES_COLUMN,
                                    "Longitude": DEGREES_COLUMN})

st.header("Compare plans")
saved = st.session_state.get(PLANS_KEY, {})
if not saved:
    st.caption("Add plans to the comparison to see them side by side.")
else:
    st.table(comparison_table(list(saved.values())), hide_index=True)
    st.session_state.setdefault(COMPARE_KEY, list(saved)[-2:])
    chosen = st.multiselect("Show side by side", list(saved), max_selections=2, key=COMPARE_KEY)
    for position, (column, plan_name) in enumerate(zip(st.columns(2), chosen, strict=False)):
        with column:
            shown_plan = saved[plan_name]
            st.markdown(f"**{escape_markdown(plan_name)}**: {escape_markdown(describe(shown_plan))}. "
                        f"Covers {shown_plan.covered_share:.1%} of the line and "
                        f"{incidents_covered(shown_plan)} incidents.")
            _plan_map(shown_plan, judged.iloc[0:0], key=f"compare-map-{position}", height=380)
            _downloads(shown_plan, key=f"compare-{position}")
            st.button("Remove from the comparison", key=f"remove-{position}", on_click=remove_plan,
                      args=(plan_name,))

st.subheader("How the planner works")
st.markdown(
    "- **Evenly spaced**: the line is cut into as many equal parts as there are sensors, with a sensor in "
    "the middle of each.\n"
    "- **Optimised**: first the incidents, by greedy maximum coverage. Candidate positions every "
    f"{config.PLANNER_CANDIDATE_STEP_KM:g} km along the line; each sensor in turn goes where it covers the "
    "most past incidents not yet covered (ties: the most new line, then the nearer the start). It maximises "
    "the **number of past incidents within range**, not deaths; greedy is guaranteed to reach at least 63% "
    "(1 − 1/e) of the best possible count. Once no position adds an incident, the remaining sensors go where "
    "they cover the most of the line still uncovered: spread over the gaps, or one at a time where each adds "
    "the most, whichever covers more. With no incident in range, that is at least as much of the line as "
    "evenly spaced sensors cover."
)
st.markdown("**Assumptions**\n" + "\n".join(f"- {escape_markdown(item)}"
                                             for item in assumptions_for(plan.metric_crs)))
