"""The planner page's state: the plan asked for, building it, and the plans kept for comparison."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import geopandas as gpd
import pandas as pd
import streamlit as st

from borderwatch import config
from borderwatch.filters import IncidentQuery
from borderwatch.planner import Plan, evaluate, incidents_near, line_stretch, place_even, place_greedy
from ui import cache

BARRIER = "barrier"
BORDER = "border"
LINE_LABELS = {BARRIER: "Barrier (trench and berm, approximate)", BORDER: "A stretch of the border"}
METHOD_LABELS = {"even": "Evenly spaced", "greedy": "Optimised for past incidents"}
#: Plans kept for comparison in this session, by name.
PLANS_KEY = "saved_plans"
#: The plan-name field.
NAME_KEY = "plan_name"


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


def build_plan(request: PlanRequest, query: IncidentQuery) -> tuple[Plan, gpd.GeoDataFrame]:
    """Place and evaluate the sensors; return the plan and the incidents it was judged by.

    Raises
    ------
    ValueError
        From the planner, naming every bad input.
    """
    if request.line == BARRIER:
        line = cache.barrier().geometry.iloc[0]
    else:
        line = line_stretch(cache.border().geometry.iloc[0], request.start_km, request.end_km)
    # The barrier lies about 2 km inside the border, so incidents near either line lie within this of the border.
    candidates = cache.measured(query, request.within_km + config.BARRIER_OFFSET_M / 1000 + 1,
                                request.include_centroids)
    judged = incidents_near(line, candidates, request.within_km)
    if request.method == "greedy":
        positions = place_greedy(line, request.count, request.range_km, judged)
    else:
        positions = place_even(line, request.count, request.range_km)
    return evaluate(line, positions, request.range_km, judged, request.name, request.method), judged


def gaps_table(plan: Plan) -> pd.DataFrame:
    """The plan's gaps as the page lists them."""
    return pd.DataFrame({
        "Gap": plan.gaps["gap"], "From km": plan.gaps["start_km"].round(1), "To km": plan.gaps["end_km"].round(1),
        "Length km": plan.gaps["length_km"].round(1),
    })


def save_plan(plan: Plan) -> None:
    """Keep a plan for comparison, under a name no kept plan has, and offer the next default name."""
    saved = st.session_state.setdefault(PLANS_KEY, {})
    name, copy = plan.name, 1
    while name in saved:
        copy += 1
        name = f"{plan.name} ({copy})"
    saved[name] = dataclasses.replace(plan, name=name)
    st.session_state[NAME_KEY] = f"Plan {len(saved) + 1}"


def remove_plan(name: str) -> None:
    """Drop a kept plan."""
    st.session_state.get(PLANS_KEY, {}).pop(name, None)
