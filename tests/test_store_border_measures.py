"""Measures against any border: measured once in bulk, then read like the default border's, on both engines."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import pandas as pd
import psycopg
import pytest

from borderwatch import config
from borderwatch.borderzone import measure
from borderwatch.errors import BorderNotMeasuredError, InvalidQueryError
from borderwatch.filters import IncidentFilter, IncidentQuery
from borderwatch.store import DATABASE_FILE, open_store
from borderwatch.store.pgschema import LATEST
from tests.factories import TESTER, incident_row
from tests.store_worker import chunk

#: The second border of these tests (any border but the default).
OTHER = "DZA-TUN"
#: The bundled incidents every new store holds.
BUNDLED_COUNT = 30


def by_latitude(latitude: np.ndarray, longitude: np.ndarray) -> pd.DataFrame:
    """A stand-in border along the parallel 25° N, south of every bundled incident: 111 km per degree."""
    distance = np.abs(latitude - 25.0) * 111.0
    return pd.DataFrame({
        "distance_border_km": distance,
        "distance_barrier_km": distance + 1.0,
        "border_side": np.where(latitude >= 25.0, "Tunisia", "Algeria"),
        "between_barrier_and_border": latitude < 25.5,
        "border_position_km": longitude * 10.0,
    })


def _import(store, dataset: str, *rows: dict) -> None:
    store.import_chunks([chunk(*rows)], dataset=dataset, format="acled", file_name=f"{dataset}.csv",
                        file_hash=dataset[:1] * 64, actor=TESTER)


def _stored_measures(store, border: str) -> int:
    # The table itself: what a removal must leave behind is nothing a read could show.
    return store._read("SELECT COUNT(*) FROM border_measures WHERE border = ?", (border,))[0][0]


def test_a_query_names_its_border_by_the_two_codes_in_any_order_and_case():
    assert IncidentQuery().border == config.DEFAULT_BORDER == "LBY-TUN"
    assert IncidentQuery(border="tun-lby").border == "LBY-TUN"
    assert IncidentQuery(border="TUN DZA").border == "DZA-TUN"
    with pytest.raises(InvalidQueryError, match=r"max_border_km.*border as two countries' three-letter codes"):
        IncidentQuery(max_border_km=-1.0, border="Tunisia")


def test_a_border_never_measured_is_refused_by_every_read_with_what_to_do(engine):
    store = engine.open()
    for read in (store.query, store.points, store.aggregate):
        with pytest.raises(BorderNotMeasuredError, match=f"{OTHER}.*measure_border"):
            read(IncidentQuery(border="tun-dza"))
    store.close()


def test_reads_filter_by_and_return_the_measures_of_the_border_asked_for(engine):
    store = engine.open()
    _import(store, "near", incident_row(id="south", latitude=25.1, longitude=9.5),
            incident_row(id="north", latitude=26.0, longitude=9.6))
    assert store.measure_border(OTHER, by_latitude, "parallel-25") == BUNDLED_COUNT + 2
    within = store.query(IncidentQuery(max_border_km=50.0, border=OTHER))
    assert list(within["id"]) == ["south@near"]
    record = within.iloc[0]
    assert record["distance_border_km"] == pytest.approx(11.1)
    assert record["distance_barrier_km"] == pytest.approx(12.1)
    assert (record["border_side"], record["between_barrier_and_border"]) == ("Tunisia", True)
    assert record["border_position_km"] == pytest.approx(95.0)
    points = store.points(IncidentQuery(max_border_km=120.0, border=OTHER))
    assert list(points["id"]) == ["north@near", "south@near"]
    assert points["distance_border_km"].tolist() == pytest.approx([111.0, 11.1])
    counted = store.aggregate(IncidentQuery(max_border_km=120.0, border=OTHER), by=("country",))
    assert counted["incidents"].tolist() == [2]
    # The default border's measures are the stored ones, untouched.
    default = store.query(IncidentQuery(IncidentFilter(), datasets=("near",)))
    assert (default["distance_border_km"] > 100).all()
    store.close()


def test_a_border_measured_like_the_stored_one_reads_alike(engine):
    store = engine.open()
    _import(store, "more", *(incident_row(id=f"m{index}", latitude=32.0 + index / 10, longitude=10.5 + index / 7)
                             for index in range(12)))
    store.measure_border(OTHER, measure, "bundled zone")
    for query in (IncidentQuery(max_border_km=40.0), IncidentQuery(IncidentFilter(countries=("Tunisia",))),
                  IncidentQuery(max_border_km=500.0, datasets=("more",))):
        other = IncidentQuery(query.selection, datasets=query.datasets, max_border_km=query.max_border_km,
                              border=OTHER)
        pd.testing.assert_frame_equal(store.query(query), store.query(other))
        pd.testing.assert_frame_equal(store.points(query), store.points(other))
        for by in ((), ("cell",), ("event_month", "country")):
            pd.testing.assert_frame_equal(store.aggregate(query, by=by, zoom=9), store.aggregate(other, by=by, zoom=9))
    store.close()


def test_measuring_again_measures_only_what_was_imported_or_moved_since(engine):
    store = engine.open()
    assert store.measure_border(OTHER, by_latitude, "parallel-25") == BUNDLED_COUNT
    revision = store.revision()
    assert store.measure_border(OTHER, by_latitude, "parallel-25") == 0
    assert store.revision() == revision  # nothing measured: cached reads stay valid
    _import(store, "late", incident_row(id="a", latitude=25.2), incident_row(id="b", latitude=35.0))
    with pytest.raises(BorderNotMeasuredError, match="not all measured"):
        store.points(IncidentQuery(border=OTHER))
    assert store.measure_border(OTHER, by_latitude, "parallel-25") == 2
    assert len(store.points(IncidentQuery(border=OTHER))) == BUNDLED_COUNT + 2
    # A newer record of "b" moves it: only it is measured again.
    store.import_chunks([chunk(incident_row(id="a", latitude=25.2), incident_row(id="b", latitude=25.3),
                               timestamps=[1, 2])], dataset="late", format="acled", file_name="late.csv",
                        file_hash="c" * 64, actor=TESTER)
    assert store.measure_border(OTHER, by_latitude, "parallel-25") == 1
    moved = store.query(IncidentQuery(max_border_km=50.0, border=OTHER))
    assert sorted(moved["id"]) == ["a@late", "b@late"]
    assert moved["distance_border_km"].tolist() == pytest.approx([22.2, 33.3])
    store.close()


def test_removing_a_dataset_removes_its_measures_and_its_ids_are_measured_anew(engine):
    store = engine.open()
    _import(store, "gone", incident_row(id="x", latitude=25.1), incident_row(id="y", latitude=25.2))
    store.measure_border(OTHER, by_latitude, "parallel-25")
    assert _stored_measures(store, OTHER) == BUNDLED_COUNT + 2
    store.remove_dataset("gone", actor=TESTER)
    assert _stored_measures(store, OTHER) == BUNDLED_COUNT
    assert store.measure_border(OTHER, by_latitude, "parallel-25") == 0
    assert store.query(IncidentQuery(max_border_km=50.0, border=OTHER)).empty
    # The same records come back elsewhere (on SQLite, under the removed rows' keys).
    _import(store, "gone", incident_row(id="x", latitude=26.0), incident_row(id="y", latitude=26.0))
    assert store.measure_border(OTHER, by_latitude, "parallel-25") == 2
    assert store.query(IncidentQuery(max_border_km=120.0, border=OTHER))["distance_border_km"].tolist() == \
        pytest.approx([111.0, 111.0])
    store.close()


def test_a_changed_border_geometry_measures_every_incident_again(engine):
    store = engine.open()
    store.measure_border(OTHER, by_latitude, "parallel-25")

    def by_latitude_doubled(latitude: np.ndarray, longitude: np.ndarray) -> pd.DataFrame:
        doubled = by_latitude(latitude, longitude)
        doubled["distance_border_km"] *= 2
        return doubled

    assert store.measure_border(OTHER, by_latitude_doubled, "parallel-25, redrawn") == BUNDLED_COUNT
    once = store.points(IncidentQuery(border=OTHER))["distance_border_km"]
    twice = store.points(IncidentQuery(border="TUN-DZA"))["distance_border_km"]
    pd.testing.assert_series_equal(once, twice)
    bundled = store.points(IncidentQuery())
    assert once.tolist() == pytest.approx((np.abs(bundled["latitude"] - 25.0) * 222.0).tolist())
    store.close()


def test_the_default_border_needs_no_measuring_and_a_wrong_measure_is_refused(engine):
    store = engine.open()
    assert store.measure_border("TUN-LBY", by_latitude, "anything") == 0

    def short(latitude: np.ndarray, longitude: np.ndarray) -> pd.DataFrame:
        return by_latitude(latitude, longitude).drop(columns=["border_side"])

    with pytest.raises(ValueError, match=r"one row per point.*lacking border_side"):
        store.measure_border(OTHER, short, "short")
    with pytest.raises(InvalidQueryError, match="not a border"):
        store.measure_border("Algeria", by_latitude, "x")
    with pytest.raises(BorderNotMeasuredError):
        store.query(IncidentQuery(border=OTHER))
    store.close()


@pytest.mark.postgres
def test_migrate_carries_the_measures_of_every_border_to_postgis(tmp_path: Path, postgis_url):
    from borderwatch.store.transfer import copy_to_postgis

    with open_store(tmp_path / DATABASE_FILE) as source:
        _import(source, "first", incident_row(id="a", latitude=25.1), incident_row(id="b", latitude=26.0))
        source.measure_border(OTHER, by_latitude, "parallel-25")
        source.remove_dataset("first", actor=TESTER)  # keys with gaps in the file
        _import(source, "first", incident_row(id="a", latitude=25.1))
        source.measure_border(OTHER, by_latitude, "parallel-25")
        expected = source.query(IncidentQuery(max_border_km=200.0, border=OTHER))
    copy_to_postgis(tmp_path / DATABASE_FILE, postgis_url)
    with open_store(database_url=postgis_url) as copied:
        assert copied.measure_border(OTHER, by_latitude, "parallel-25") == 0
        pd.testing.assert_frame_equal(copied.query(IncidentQuery(max_border_km=200.0, border=OTHER)), expected)
        _import(copied, "second", incident_row(id="c", latitude=25.4))
        assert copied.measure_border(OTHER, by_latitude, "parallel-25") == 1
        assert len(copied.points(IncidentQuery(border=OTHER))) == BUNDLED_COUNT + 2


def test_a_store_of_schema_version_6_gains_the_table_in_place(tmp_path: Path):
    path = tmp_path / DATABASE_FILE
    with open_store(path) as store:
        _import(store, "kept", incident_row(id="a", latitude=25.1))
    with sqlite3.connect(path) as conn:
        conn.execute("DROP TABLE border_measures")
        conn.execute("UPDATE meta SET value = '6' WHERE key = 'schema_version'")
    with open_store(path) as store:
        assert store.measure_border(OTHER, by_latitude, "parallel-25") == BUNDLED_COUNT + 1
        assert list(store.points(IncidentQuery(max_border_km=50.0, border=OTHER))["id"]) == ["a@kept"]


@pytest.mark.postgres
def test_a_database_at_migration_3_gains_row_ids_for_its_incidents_by_migration_4(postgis_url):
    with open_store(database_url=postgis_url) as store:
        _import(store, "kept", incident_row(id="a", latitude=25.1))
    with psycopg.connect(postgis_url, autocommit=True) as owner:
        owner.execute("DROP TABLE border_measures")
        owner.execute("ALTER TABLE incidents DROP COLUMN row_id")
        # And what later migrations made: the database is as migration 3 left it.
        owner.execute("DROP TABLE infrastructure_layers, infrastructure_features")
        owner.execute("ALTER TABLE audit_log DROP COLUMN border")
        owner.execute("DELETE FROM schema_migrations WHERE version >= 4")
    with open_store(database_url=postgis_url) as store:
        assert store.schema_version() == LATEST  # type: ignore[attr-defined]
        assert store.measure_border(OTHER, by_latitude, "parallel-25") == BUNDLED_COUNT + 1
        _import(store, "more", incident_row(id="b", latitude=25.2))  # new rows get the next ids
        assert store.measure_border(OTHER, by_latitude, "parallel-25") == 1
        assert list(store.points(IncidentQuery(max_border_km=50.0, border=OTHER))["id"]) == ["a@kept", "b@more"]
