"""The planner page's state: the plan asked for, building it, and the plans kept for comparison."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import geopandas as gpd
import pandas as pd
import shapely
import streamlit as st
from shapely.geometry import LineString

from borderwatch import config, corridor, geodesy
from borderwatch.filters import IncidentQuery
from borderwatch.infrastructure import barrier_lines
from borderwatch.planner import (
    METHOD_NAMES,
    Plan,
    evaluate,
    incidents_near,
    line_stretch,
    place_even,
    place_greedy,
)
from ui import cache

BARRIER = "barrier"
BORDER = "border"
LINE_LABELS = {BARRIER: "Its barrier (the longest line recorded)", BORDER: "A stretch of the border"}
METHOD_LABELS = {"even": "Evenly spaced", "greedy": "Optimised for past incidents"}
#: Plans kept for comparison in this session, by name.
PLANS_KEY = "saved_plans"
#: The plan-name field.
NAME_KEY = "plan_name"
#: The choice of a multi-part border's part.
PART_KEY = "plan_part"
#: The number-of-sensors field.
COUNT_KEY = "plan_count"
#: The plans shown side by side.
COMPARE_KEY = "plan_compare"
#: The plan last added to the comparison (a :class:`KeptPlan`).
LAST_KEPT_KEY = "plan_last_kept"


@dataclass(frozen=True)
class PlanRequest:
    """What the user asked for on the planner page."""

    line: str
    start_km: float
    end_km: float
    range_km: float
    count: int
    method: str
    within_km: float
    include_centroids: bool
    name: str
    #: The land border whose barrier or stretch is covered.
    border: str = config.DEFAULT_BORDER
    #: The part of a multi-part border the stretch lies on (0: the first, its longest).
    part: int = 0

    def settings(self) -> PlanRequest:
        """The request without its name: what decides where the sensors go and what they cover."""
        return dataclasses.replace(self, name="")


@dataclass(frozen=True)
class KeptPlan:
    """The plan last added to the comparison: its settings and name, and the name offered next."""

    settings: PlanRequest
    query: IncidentQuery
    name: str
    next_name: str


def line_name(request: PlanRequest) -> str:
    """What the line of a request is, e.g. ``"Barrier"`` or ``"Border km 0–181"``."""
    if request.line == BARRIER:
        return "Barrier"
    if request.border != config.DEFAULT_BORDER:
        part = f" part {request.part + 1}" if request.part else ""
        return f"{cache.border_of(request.border).name}{part} km {request.start_km:g}–{request.end_km:g}"
    return f"Border km {request.start_km:g}–{request.end_km:g}"


def part_lengths_km(border_key: str) -> tuple[float, ...]:
    """The length of each part of a border, in stored order (the longest first): all of Tunisia–Libya's
    one line as its segments measure it, else geodesic."""
    if border_key == config.DEFAULT_BORDER:
        return (float(cache.segments(config.SEGMENT_KM)["end_km"].max()),)
    lengths = geodesy.geodesic_line(cache.border_of(border_key).geometry).part_lengths_km
    return tuple(float(length) for length in lengths)


def part_label(index: int, length_km: float) -> str:
    """How the planner names a part of a border: ``"Part 1 (longest), 1,550 km"``."""
    return f"Part {index + 1}{' (longest)' if index == 0 else ''}, {length_km:,.1f} km"


def longest_barrier(border_key: str) -> LineString | None:
    """The longest line of a border's barriers (a part of a multi-part one counts alone), EPSG:4326; None without."""
    parts = [part for line in barrier_lines(cache.border_infrastructure(border_key))
             for part in getattr(line, "geoms", (line,))]
    return max(parts, key=geodesy.length_km, default=None)


def plan_line(
    choice: str, start_km: float, end_km: float, border_key: str = config.DEFAULT_BORDER, part: int = 0
) -> LineString:
    """The line sensors go on, in EPSG:4326: the border's longest barrier, or the border from ``start_km`` to
    ``end_km`` (on another border than Tunisia–Libya, geodesic km along its ``part``).

    Raises
    ------
    ValueError
        If the barrier is asked for on a border that has none.
    """
    if choice == BARRIER:
        barrier = longest_barrier(border_key)
        if barrier is None:
            raise ValueError(f"no barrier is recorded for the border {border_key}")
        return barrier
    if border_key != config.DEFAULT_BORDER:
        return corridor.geodesic_stretch(cache.border_of(border_key).geometry, start_km, end_km, part)
    return line_stretch(cache.border().geometry.iloc[0], start_km, end_km)


def plan_crs(line: LineString, border_key: str) -> str:
    """The metric CRS a plan is measured in: UTM 32N on Tunisia–Libya, else a plane centred on the line."""
    return config.METRIC_CRS if border_key == config.DEFAULT_BORDER else geodesy.centred_plane(line)


def build_plan(request: PlanRequest, query: IncidentQuery) -> tuple[Plan, gpd.GeoDataFrame]:
    """Place and evaluate the sensors; return the plan and the incidents it was judged by.

    Raises
    ------
    ValueError
        From the planner, naming every bad input.
    """
    line = plan_line(request.line, request.start_km, request.end_km, request.border, request.part)
    metric_crs = plan_crs(line, request.border)
    # Incidents near the line lie at most this far from the border: the line's own reach from it (a barrier may
    # run up to tens of km inside), and a km to spare.
    coords = shapely.get_coordinates(line)
    reach_km = float(geodesy.distance_km(cache.border_of(request.border).geometry, coords[:, 0], coords[:, 1]).max())
    candidates = cache.measured(query, request.within_km + reach_km + 1, request.include_centroids)
    judged = incidents_near(line, candidates, request.within_km, metric_crs)
    if request.method == "greedy":
        positions = place_greedy(line, request.count, request.range_km, judged, metric_crs=metric_crs)
    else:
        positions = place_even(line, request.count, request.range_km, metric_crs)
    plan = evaluate(line, positions, request.range_km, judged, request.name, request.method,
                    metric_crs=metric_crs, line_name=line_name(request))
    return plan, judged


def _km(value: float) -> str:
    return f"{value:,g} km"


def _incidents(count: int) -> str:
    return f"{count:,} incident" + ("" if count == 1 else "s")


def clamp_count(limit: int) -> str | None:
    """Lower a number of sensors the line cannot take to ``limit``; say so, or return None.

    Call before the number field is drawn: a shorter line (another stretch
    of the border) takes fewer sensors than the field may hold.
    """
    asked = st.session_state.get(COUNT_KEY)
    if asked is None or asked <= limit:
        return None
    st.session_state[COUNT_KEY] = limit
    return (f"This line takes at most {limit:,} sensors (one per km, ends included), so the {asked:,} asked for "
            f"became {limit:,}.")


def placement_note(plan: Plan, judged: int, reachable: int, within_km: float, even: Plan) -> str:
    """Why an optimised plan sits where it does, beside what evenly spaced sensors would do.

    Parameters
    ----------
    plan : borderwatch.planner.Plan
        An optimised plan.
    judged : int
        Incidents within ``within_km`` of the line: those the plan is judged by.
    reachable : int
        Those of them within the sensors' range of the line.
    within_km : float
        Distance from the line of the incidents judged.
    even : borderwatch.planner.Plan
        The same sensors evenly spaced on the same line.
    """
    if judged == 0:
        why = (f"No incident of the sidebar's filters lies within {_km(within_km)} of the line: with none to "
               "optimise for, the sensors cover as much of the line as they can.")
    elif reachable == 0:
        lie = "lies" if judged == 1 else "all lie"
        why = (f"The {_incidents(judged)} within {_km(within_km)} of the line {lie} more than {_km(plan.range_km)} "
               "from it (the sensors' range), so no sensor can cover one: the sensors cover as much of the line as "
               "they can.")
    else:
        everything = plan.incidents_covered == reachable
        covered = (f"{'the' if reachable == 1 else 'all'} {_incidents(reachable)}" if everything
                   else f"{plan.incidents_covered:,} of the {_incidents(reachable)}")
        beyond = judged - reachable
        lie = "lies" if beyond == 1 else "lie"
        out_of_reach = f"; {beyond:,} more within {_km(within_km)} {lie} beyond any sensor's reach" if beyond else ""
        why = (f"Sensors go first where they cover the most incidents: this plan covers {covered} within "
               f"{_km(plan.range_km)} of the line{out_of_reach}. The other sensors cover as much of the rest of the "
               "line as they can.")
    return (f"{why} Evenly spaced, they would cover {even.covered_share:.1%} of the line and "
            f"{incidents_covered(even)} incidents.")


def describe(plan: Plan) -> str:
    """A plan in a line of text, e.g. ``"Barrier, 8 sensors of 10 km range, evenly spaced"``."""
    sensors = len(plan.sensors)
    return (f"{plan.line_name}, {sensors:,} sensor{'' if sensors == 1 else 's'} of {_km(plan.range_km)} range, "
            f"{METHOD_NAMES[plan.method]}")


def incidents_covered(plan: Plan) -> str:
    """E.g. ``"3 of 5"``."""
    return f"{plan.incidents_covered:,} of {plan.incidents_covered + plan.incidents_outside:,}"


def comparison_table(plans: list[Plan]) -> pd.DataFrame:
    """The kept plans as the page compares them: one row each, numbers written out."""
    return pd.DataFrame({
        "Plan": [plan.name for plan in plans],
        "Line": [plan.line_name for plan in plans],
        "Placement": [METHOD_NAMES[plan.method].capitalize() for plan in plans],
        "Sensors": [f"{len(plan.sensors):,} × {_km(plan.range_km)}" for plan in plans],
        "Line covered": [f"{plan.covered_share:.1%} of {plan.line_km:,.1f} km" for plan in plans],
        "Gaps": [f"{len(plan.gaps):,}, longest {plan.longest_gap_km:,.1f} km" if len(plan.gaps) else "None"
                 for plan in plans],
        "Incidents covered": [incidents_covered(plan) for plan in plans],
    })


def gaps_table(plan: Plan) -> pd.DataFrame:
    """The plan's gaps as the page lists them (km along the line)."""
    return pd.DataFrame({
        "Gap": plan.gaps["gap"], "From": plan.gaps["start_km"], "To": plan.gaps["end_km"],
        "Length": plan.gaps["length_km"],
    })


def sensors_table(plan: Plan) -> pd.DataFrame:
    """The plan's sensors as the page lists them."""
    sensors = plan.sensors
    return pd.DataFrame({
        "Sensor": sensors["sensor"], "Along the line": sensors["position_km"],
        "Latitude": sensors.geometry.y, "Longitude": sensors.geometry.x,
        "Incidents in range": sensors["incidents_in_range"],
    })


def kept_name(request: PlanRequest, query: IncidentQuery) -> str | None:
    """The name the plan on screen was just added to the comparison under, if it was.

    It was when nothing changed since: the same settings and filters, and
    the name field still offers the name it offered after adding.
    """
    kept = st.session_state.get(LAST_KEPT_KEY)
    if kept is None or kept.name not in st.session_state.get(PLANS_KEY, {}):
        return None
    same = kept.settings == request.settings() and kept.query == query and request.name == kept.next_name
    return kept.name if same else None


def next_plan_name() -> str:
    """``"Plan N"`` for the first N from the number of kept plans plus one that no kept plan has."""
    saved = st.session_state.get(PLANS_KEY, {})
    number = len(saved) + 1
    while f"Plan {number}" in saved:
        number += 1
    return f"Plan {number}"


def save_plan(plan: Plan, request: PlanRequest, query: IncidentQuery) -> None:
    """Keep a plan for comparison under a name no kept plan has; show it beside the one kept before it."""
    saved = st.session_state.setdefault(PLANS_KEY, {})
    name, copy = plan.name, 1
    while name in saved:
        copy += 1
        name = f"{plan.name} ({copy})"
    saved[name] = dataclasses.replace(plan, name=name)
    next_name = next_plan_name()
    st.session_state[NAME_KEY] = next_name
    st.session_state[LAST_KEPT_KEY] = KeptPlan(request.settings(), query, name, next_name)
    # The side-by-side choice is a widget keyed by name alone: its earlier value would outlive the new plan.
    st.session_state[COMPARE_KEY] = list(saved)[-2:]


def remove_plan(name: str) -> None:
    """Drop a kept plan, also from the plans shown side by side."""
    st.session_state.get(PLANS_KEY, {}).pop(name, None)
    st.session_state[COMPARE_KEY] = [shown for shown in st.session_state.get(COMPARE_KEY, []) if shown != name]
