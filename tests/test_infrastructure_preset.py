"""The bundled Tunisia–Libya preset says what the app draws today: same barrier line, crossings and dates."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import shapely

from borderwatch import reference, timeline
from borderwatch.importers.infrastructure import load_infrastructure
from borderwatch.infrastructure import preset_path, status_on
from scripts import build_infrastructure
from scripts.paths import REPO_ROOT

# The checkout's files: the installed package's data folder may belong to another checkout.
DATA = REPO_ROOT / "data"
PRESET = DATA / "infrastructure" / "LBY-TUN.geojson"


@pytest.fixture(scope="module")
def preset():
    border = reference.load_border(DATA / "border.geojson").geometry.iloc[0]
    return {feature.id: feature for feature in load_infrastructure(PRESET, border=border)}


def test_preset_is_named_by_the_border_key_in_either_order():
    assert preset_path("TUN-LBY") == preset_path("lby-tun")
    assert preset_path("TUN-LBY").parts[-2:] == ("infrastructure", "LBY-TUN.geojson")


def test_preset_holds_the_barrier_and_both_crossings_near_the_border(preset):
    assert {(feature_id, feature.kind) for feature_id, feature in preset.items()} == {
        ("barrier", "berm"), ("ras-ajdir", "crossing"), ("dehiba-wazin", "crossing"),
    }


def test_preset_barrier_is_the_line_the_app_draws(preset):
    barrier = reference.load_barrier(DATA / "barrier.geojson")
    drawn = barrier.geometry.iloc[0]
    assert shapely.get_coordinates(preset["barrier"].geometry).tolist() == shapely.get_coordinates(drawn).tolist()
    assert preset["barrier"].name == barrier["name"].iloc[0]
    assert preset["barrier"].sources == barrier["sources"].iloc[0]
    assert preset["barrier"].properties["measured_length_km"] == "179.5"
    assert "derivation" in preset["barrier"].properties


def test_preset_crossings_stand_where_the_app_puts_them(preset):
    places = reference.load_places(DATA / "places.csv")
    crossings = places[places["kind"] == "crossing"]
    assert set(crossings["id"]) == {"ras-ajdir", "dehiba-wazin"}
    for place in crossings.to_dict("records"):
        point = preset[place["id"]].geometry
        assert (point.x, point.y) == (place["longitude"], place["latitude"])
        assert preset[place["id"]].name == place["name"]


def test_preset_barrier_dates_are_the_timelines(preset):
    assert (preset["barrier"].built_from, preset["barrier"].built_to) == (date(2015, 7, 7), date(2016, 2, 6))


def timeline_status(table, feature_id: str, day: date) -> str | None:
    """A feature's status on a day as ``data/timeline.csv`` gives it, read directly: the row covering the day;
    else a crossing is open and the barrier has none (not yet announced)."""
    rows = table[table["feature_id"] == feature_id]
    for row in rows.to_dict("records"):
        if row["start"] <= day and (row["end"] is None or day < row["end"]):
            return row["status"]
    return "open" if not rows.empty and rows["feature_kind"].iloc[0] == "crossing" else None


@pytest.mark.parametrize("feature_id", ["barrier", "ras-ajdir", "dehiba-wazin"])
def test_preset_gives_the_timelines_status_on_every_day(preset, feature_id):
    table = timeline.load_timeline(DATA / "timeline.csv")
    # Both statuses hold between the days either side's dates name: those days, and each day before them, cover all.
    feature = preset[feature_id]
    changes = {day for day in [*table["start"], *table["end"], feature.built_from, feature.built_to] if day}
    changes |= {day for period in feature.periods for day in (period.start, period.end) if day}
    days = sorted({date(2000, 1, 1), date(2030, 1, 1)} | changes | {day - timedelta(days=1) for day in changes})
    differences = [
        (day, status_on(feature, day), timeline_status(table, feature_id, day))
        for day in days if status_on(feature, day) != timeline_status(table, feature_id, day)
    ]
    assert len(days) > 10
    assert differences == []


def test_preset_crossing_closures_carry_their_sources(preset):
    closures = preset["ras-ajdir"].periods
    assert [(period.status, period.start, period.end) for period in closures] == [
        ("closed", date(2016, 3, 7), date(2016, 3, 22)), ("closed", date(2024, 3, 19), date(2024, 7, 1)),
    ]
    assert closures[0].sources == "Crisis Group CrisisWatch, Tunisia, March 2016"


def test_bundled_preset_is_what_the_build_script_writes(tmp_path):
    rebuilt = tmp_path / "LBY-TUN.geojson"
    build_infrastructure.build(rebuilt, DATA)
    assert rebuilt.read_bytes() == PRESET.read_bytes()
