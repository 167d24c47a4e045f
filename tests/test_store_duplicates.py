"""Probable duplicates across datasets: flagged, never merged, kept up to date."""

from __future__ import annotations

import math
from collections.abc import Iterator

import pytest

from borderwatch.filters import IncidentQuery
from borderwatch.store import BUNDLED, EARTH_RADIUS_KM, IncidentStore, SQLiteStore
from borderwatch.store.postgis import PostGISStore
from tests.engines import Engine
from tests.factories import TESTER, incident_row
from tests.store_worker import chunk

# A desert point far from the bundled incidents.
LAT, LON = 30.0, 20.0


def north(km: float, latitude: float = LAT) -> float:
    """Latitude ``km`` north along the meridian (haversine distance exactly ``km``)."""
    return latitude + math.degrees(km / EARTH_RADIUS_KM)


def east(km: float, latitude: float) -> float:
    """Longitude offset that puts a point ``km`` away along the same latitude."""
    return math.degrees(2 * math.asin(math.sin(km / (2 * EARTH_RADIUS_KM)) / math.cos(math.radians(latitude))))


def row(id: str, latitude: float = LAT, longitude: float = LON, **values: object) -> dict[str, str]:
    return incident_row(id=id, latitude=repr(float(latitude)), longitude=repr(float(longitude)), **values)


def put(store: IncidentStore, dataset: str, *rows: dict[str, str], timestamps=None) -> None:
    store.import_chunks(
        [chunk(*rows, timestamps=timestamps)], dataset=dataset, format="acled",
        file_name=f"{dataset}.csv", file_hash=str(len(rows)) * 64,
        actor=TESTER,
    )


def flags(store: SQLiteStore | PostGISStore) -> dict[tuple[str, str], str]:
    cursor = store._read(
        "SELECT dataset, source_id, duplicate_of FROM incidents WHERE duplicate_of IS NOT NULL"
    )
    # The original as the importer named it, without its dataset (see qualified_id).
    return {(dataset, source_id): original.rsplit("@", 1)[0] for dataset, source_id, original in cursor}


def assert_flags(store: IncidentStore, expected: dict[tuple[str, str], str]) -> None:
    """The incremental flags are as expected, and a full recompute agrees with them."""
    assert flags(store) == expected
    assert store.flag_duplicates() == len(expected)
    assert flags(store) == expected


@pytest.fixture
def store(engine: Engine) -> Iterator[IncidentStore]:
    with engine.open() as opened:
        yield opened


def test_hand_checked_cases(store):
    put(store, "first", row("orig"), row("orig60", latitude=60.0), row("same-set", latitude=north(-1.0)))
    put(
        store,
        "second",
        row("km4.9", latitude=north(4.9)),
        row("km5.1", latitude=north(5.1)),
        row("next-day", latitude=north(1.0), event_date="2016-03-08"),
        row("day-before", latitude=north(-0.8), event_date="2016-03-06"),
        row("two-days", latitude=north(1.0), event_date="2016-03-09"),
        row("other-type", latitude=north(1.0), event_type="Riots", sub_event_type="Mob violence"),
        row("east4.9", latitude=60.0, longitude=LON + east(4.9, 60.0)),
        row("west5.1", latitude=60.0, longitude=LON - east(5.1, 60.0)),
    )
    # "same-set" is 1 km from "orig" but in the same dataset: never a duplicate of it.
    # "day-before" is 0.8 km from "orig", 0.2 km from "same-set": the nearer original wins.
    assert_flags(store, {
        ("second", "km4.9"): "orig",
        ("second", "next-day"): "orig",
        ("second", "day-before"): "same-set",
        ("second", "east4.9"): "orig60",
    })
    shown = store.query(IncidentQuery(datasets=("second",))).set_index("id")
    assert shown.loc["km4.9@second", "probable_duplicate"] and shown.loc["km4.9@second", "duplicate_of"] == "orig@first"
    assert not shown.loc["km5.1@second", "probable_duplicate"] and shown.loc["km5.1@second", "duplicate_of"] == ""
    hidden = store.query(IncidentQuery(datasets=("second",), hide_duplicates=True))
    assert sorted(hidden["id"]) == ["km5.1@second", "other-type@second", "two-days@second", "west5.1@second"]
    assert store.datasets().set_index("name").loc["second", "probable_duplicates"] == 4
    assert store.datasets().set_index("name").loc["first", "probable_duplicates"] == 0


def test_the_earlier_imported_dataset_holds_the_original(store):
    put(store, "later-named", row("x"))
    put(store, "earlier-named", row("y"))
    assert_flags(store, {("earlier-named", "y"): "x"})


def test_the_earliest_dataset_wins_and_flags_follow_removals(store):
    put(store, "a", row("a1"))
    put(store, "b", row("b1", latitude=north(0.1)))
    put(store, "c", row("c1", latitude=north(0.2)))
    assert_flags(store, {("b", "b1"): "a1", ("c", "c1"): "a1"})
    store.remove_dataset("a", actor=TESTER)
    assert_flags(store, {("c", "c1"): "b1"})
    store.remove_dataset("b", actor=TESTER)
    assert_flags(store, {})


def test_an_update_that_moves_a_row_clears_and_sets_flags(store):
    put(store, "a", row("a1"), timestamps=[1])
    put(store, "b", row("b1", latitude=north(1.0)), timestamps=[1])
    put(store, "c", row("c1", latitude=north(1.5)), timestamps=[1])
    assert_flags(store, {("b", "b1"): "a1", ("c", "c1"): "a1"})
    # a1 moves 50 km away: b1 becomes the original of c1.
    put(store, "a", row("a1", latitude=north(50.0)), timestamps=[2])
    assert_flags(store, {("c", "c1"): "b1"})
    # A new row in the earliest dataset makes rows of later ones duplicates again.
    put(store, "a", row("a1", latitude=north(50.0)), row("a2", latitude=north(1.2)), timestamps=[2, 2])
    assert_flags(store, {("b", "b1"): "a2", ("c", "c1"): "a2"})


def test_removing_and_reseeding_bundled_makes_it_the_latest_dataset(store):
    bundled = store.query(IncidentQuery(datasets=(BUNDLED,))).iloc[0]
    copy = row("copy", latitude=bundled["latitude"], longitude=bundled["longitude"],
               event_date=bundled["event_date"].date().isoformat(), event_type=bundled["event_type"],
               sub_event_type=bundled["sub_event_type"])
    put(store, "mine", copy)
    assert_flags(store, {("mine", "copy"): bundled["id"]})
    store.remove_dataset(BUNDLED, actor=TESTER)
    store.reseed_bundled(actor=TESTER)
    assert_flags(store, {(BUNDLED, bundled["id"]): "copy"})


def test_the_day_window_and_the_distance_are_the_configured_tunables(store, monkeypatch):
    from borderwatch import config

    monkeypatch.setattr(config, "DUPLICATE_DAY_WINDOW", 2)
    monkeypatch.setattr(config, "DUPLICATE_DISTANCE_KM", 10.0)
    put(store, "first", row("orig"))
    put(
        store,
        "second",
        row("two-days", latitude=north(1.0), event_date="2016-03-09"),
        row("three-days", latitude=north(1.0), event_date="2016-03-10"),
        row("km9.5", latitude=north(9.5)),
        row("km10.5", latitude=north(10.5)),
    )
    assert_flags(store, {("second", "two-days"): "orig", ("second", "km9.5"): "orig"})
