"""The planner page's state and texts (ui/planning.py), without a running page."""

from __future__ import annotations

import dataclasses

import geopandas as gpd
import pytest
import streamlit as st
from shapely.geometry import LineString, Point

from borderwatch import config
from borderwatch.filters import IncidentQuery
from borderwatch.planner import evaluate, place_even
from ui.planning import (
    BARRIER,
    BORDER,
    COMPARE_KEY,
    NAME_KEY,
    PLANS_KEY,
    PlanRequest,
    clamp_count,
    comparison_table,
    describe,
    kept_name,
    line_name,
    next_plan_name,
    placement_note,
    remove_plan,
    save_plan,
)

# A straight 100 km line along the UTM 32N northing 3,650 km (about 33° N).
X0, Y0 = 550_000.0, 3_650_000.0
LINE = gpd.GeoSeries([LineString([(X0, Y0), (X0 + 100_000, Y0)])], crs=config.METRIC_CRS).to_crs(
    config.GEOGRAPHIC_CRS).iloc[0]
INCIDENTS = gpd.GeoDataFrame(
    {"id": ["a", "b"]},
    geometry=gpd.GeoSeries([Point(X0 + 50_000, Y0 + 1_000), Point(X0 + 50_000, Y0 + 30_000)],
                           crs=config.METRIC_CRS).to_crs(config.GEOGRAPHIC_CRS).values,
    crs=config.GEOGRAPHIC_CRS,
)
REQUEST = PlanRequest(line=BARRIER, start_km=0.0, end_km=179.5, range_km=5.0, count=5, method="even",
                      within_km=35.0, include_centroids=False, name="Plan 1")
QUERY = IncidentQuery()


def _plan(name: str = "Plan 1", method: str = "even", count: int = 5, range_km: float = 5.0):
    # Sensors at 10, 30, ..., 90 km (for five): the one at 50 km is 1 km from incident "a".
    return evaluate(LINE, place_even(LINE, count, range_km), range_km, INCIDENTS, name, method, line_name="Barrier")


@pytest.fixture(autouse=True)
def fresh_session():
    st.session_state.clear()
    yield
    st.session_state.clear()


def test_each_plan_kept_shows_beside_the_one_kept_before_it():
    save_plan(_plan("Plan 1"), REQUEST, QUERY)
    assert st.session_state[COMPARE_KEY] == ["Plan 1"]
    save_plan(_plan("Plan 2", "greedy"), dataclasses.replace(REQUEST, method="greedy"), QUERY)
    assert st.session_state[COMPARE_KEY] == ["Plan 1", "Plan 2"]
    save_plan(_plan("Plan 3", count=6), dataclasses.replace(REQUEST, count=6), QUERY)
    assert st.session_state[COMPARE_KEY] == ["Plan 2", "Plan 3"]
    assert st.session_state[NAME_KEY] == "Plan 4"
    remove_plan("Plan 3")
    assert st.session_state[COMPARE_KEY] == ["Plan 2"]
    assert list(st.session_state[PLANS_KEY]) == ["Plan 1", "Plan 2"]


def test_the_plan_on_screen_is_the_one_kept_until_something_changes():
    save_plan(_plan("Plan 1"), REQUEST, QUERY)
    on_screen = dataclasses.replace(REQUEST, name=st.session_state[NAME_KEY])  # the field now says "Plan 2"
    assert kept_name(on_screen, QUERY) == "Plan 1"
    assert kept_name(dataclasses.replace(on_screen, count=6), QUERY) is None
    assert kept_name(dataclasses.replace(on_screen, name="Renamed"), QUERY) is None
    assert kept_name(on_screen, IncidentQuery(hide_duplicates=True)) is None
    remove_plan("Plan 1")
    assert kept_name(on_screen, QUERY) is None


def test_the_next_name_is_one_no_kept_plan_has():
    assert next_plan_name() == "Plan 1"
    save_plan(_plan("Plan 2"), REQUEST, QUERY)
    assert next_plan_name() == "Plan 3"


def test_a_count_the_line_cannot_take_is_lowered_with_a_note():
    st.session_state["plan_count"] = 40
    assert clamp_count(21) == (
        "This line takes at most 21 sensors (one per km, ends included), so the 40 asked for became 21.")
    assert st.session_state["plan_count"] == 21
    assert clamp_count(21) is None


def test_the_note_says_when_no_incident_is_near_the_line():
    plan, even = _plan(method="greedy"), _plan()
    assert placement_note(plan, 0, 0, 35.0, even) == (
        "No incident of the sidebar's filters lies within 35 km of the line: with none to optimise for, the sensors "
        "cover as much of the line as they can. Evenly spaced, they would cover 50.0% of the line and 1 of 2 "
        "incidents.")
    assert placement_note(plan, 1, 0, 12.5, even).startswith(
        "The 1 incident within 12.5 km of the line lies more than 5 km from it (the sensors' range), so no "
        "sensor can cover one")


def test_the_note_says_how_many_incidents_in_range_the_plan_covers():
    plan, even = _plan(method="greedy"), _plan()
    assert placement_note(plan, 2, 1, 35.0, even).startswith(
        "Sensors go first where they cover the most incidents: this plan covers the 1 incident within 5 km of the "
        "line; 1 more within 35 km lies beyond any sensor's reach. The other sensors")
    fewer = _plan(method="greedy", count=1, range_km=0.5)
    assert "covers 0 of the 2 incidents within 0.5 km" in placement_note(fewer, 2, 2, 35.0, even)


def test_plans_are_described_and_compared_in_words_with_units():
    plan = _plan("Plan 1")
    assert describe(plan) == "Barrier, 5 sensors of 5 km range, evenly spaced"
    assert describe(_plan(method="greedy", count=1)) == "Barrier, 1 sensor of 5 km range, optimised"
    # Ten sensors at 5, 15, ..., 95 km: "a" is sqrt(5² + 1²) km from the nearest, out of range.
    table = comparison_table([plan, _plan("Plan 2", "greedy", count=10)])
    assert table.to_dict("records") == [
        {"Plan": "Plan 1", "Line": "Barrier", "Placement": "Evenly spaced", "Sensors": "5 × 5 km",
         "Line covered": "50.0% of 100.0 km", "Gaps": "6, longest 10.0 km", "Incidents covered": "1 of 2"},
        {"Plan": "Plan 2", "Line": "Barrier", "Placement": "Optimised", "Sensors": "10 × 5 km",
         "Line covered": "100.0% of 100.0 km", "Gaps": "None", "Incidents covered": "0 of 2"},
    ]


def test_line_names_say_which_stretch():
    assert line_name(REQUEST) == "Barrier"
    assert line_name(dataclasses.replace(REQUEST, line=BORDER, start_km=20.0, end_km=120.0)) == "Border km 20–120"
