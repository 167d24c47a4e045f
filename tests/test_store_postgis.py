"""What is particular to the PostGIS store: selection, its schema, clear errors, migrate, concurrency."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import pandas as pd
import psycopg
import pytest

from borderwatch import config
from borderwatch.cli import main
from borderwatch.errors import StoreBusyError, StoreUnavailableError
from borderwatch.filters import IncidentFilter, IncidentQuery
from borderwatch.store import BUNDLED, DATABASE_FILE, SQLiteStore, open_store
from borderwatch.store.pgschema import LATEST
from borderwatch.store.postgis import PostGISStore, safe_url
from borderwatch.store.schema import ROW_COLUMNS
from tests.factories import TESTER, incident_row
from tests.pgcluster import PgCluster, _free_port
from tests.store_worker import chunk
from tests.test_importers import acled_file

pytestmark = pytest.mark.postgres


def _import(store, dataset: str, *rows: dict, format: str = "acled") -> None:
    store.import_chunks([chunk(*rows)], dataset=dataset, format=format, file_name=f"{dataset}.csv",
                        file_hash=dataset[:1] * 64, actor=TESTER)


def test_the_environment_selects_postgis_and_an_explicit_file_keeps_sqlite(postgis_url, tmp_path, monkeypatch):
    monkeypatch.setenv(config.DATABASE_URL_ENV, postgis_url)
    with open_store() as store:
        assert isinstance(store, PostGISStore)
        assert store.count() == 30
    with open_store(tmp_path / "store.sqlite") as store:
        assert isinstance(store, SQLiteStore)
    monkeypatch.delenv(config.DATABASE_URL_ENV)
    with open_store() as store:
        assert isinstance(store, SQLiteStore)


def test_the_schema_is_versioned_with_positions_as_geometry(postgis_url):
    with open_store(database_url=postgis_url) as store:
        assert store.schema_version() == LATEST
    with psycopg.connect(postgis_url) as conn:
        columns = {row[0]: row[1] for row in conn.execute(
            "SELECT column_name, udt_name FROM information_schema.columns WHERE table_name = 'incidents'")}
        indexes = {row[0]: row[1] for row in conn.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'incidents'")}
        recorded = conn.execute("SELECT version FROM schema_migrations ORDER BY version").fetchall()
        srid = conn.execute("SELECT DISTINCT ST_SRID(geom) FROM incidents").fetchall()
    # Every field and measure the embedded store keeps, plus the position as geometry.
    assert set(ROW_COLUMNS) <= set(columns) and columns["geom"] == "geometry"
    assert "USING gist (geom)" in indexes["incidents_geom"]
    for name in ("incidents_event_date", "incidents_border_distance", "incidents_lat_lon"):
        assert name in indexes
    assert recorded == [(number,) for number in range(1, LATEST + 1)]
    assert srid == [(4326,)]


def test_a_server_that_is_not_there_is_one_clear_message():
    url = f"postgresql://someone:secret@127.0.0.1:{_free_port()}/nowhere"
    with pytest.raises(StoreUnavailableError, match="database is unavailable") as raised:
        open_store(database_url=url)
    assert "secret" not in str(raised.value) and "127.0.0.1" in str(raised.value)


def test_a_missing_database_and_a_role_without_rights_say_what_to_do(pg_cluster: PgCluster):
    with pytest.raises(StoreUnavailableError, match="does not exist"):
        open_store(database_url=pg_cluster.url("no_such_database"))
    url = pg_cluster.create_database()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE ROLE visitor LOGIN")
        conn.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC")
    visitor = url.replace("postgres@", "visitor@")
    bare = pg_cluster.url("without_postgis")
    with psycopg.connect(pg_cluster.url("postgres"), autocommit=True) as conn:
        conn.execute("CREATE DATABASE without_postgis TEMPLATE template0")
    try:
        with pytest.raises(StoreUnavailableError, match="upgrade-db"):
            open_store(database_url=visitor)
        assert main(["--database-url", url, "upgrade-db"]) == 0
        with pytest.raises(StoreUnavailableError, match=r"PostGIS is missing.*CREATE EXTENSION postgis"):
            open_store(database_url=bare.replace("postgres@", "visitor@"))
    finally:
        pg_cluster.drop_database(bare)
        pg_cluster.drop_database(url)
        with psycopg.connect(pg_cluster.url("postgres"), autocommit=True) as conn:
            conn.execute("DROP ROLE visitor")


def test_the_cli_reads_the_database_of_database_url(postgis_url, capsys):
    assert main(["datasets", "--database-url", postgis_url, "--json"]) == 0
    assert '"name": "bundled"' in capsys.readouterr().out
    assert main(["--database-url", postgis_url, "remove", BUNDLED]) == 0
    with open_store(database_url=postgis_url) as store:
        assert store.count() == 0


def test_a_second_writer_waits_for_the_first_and_gives_up_clearly(postgis_url):
    with open_store(database_url=postgis_url) as first, PostGISStore(postgis_url, busy_timeout_s=0.2) as second:
        holding, release = threading.Event(), threading.Event()

        def rows():
            holding.set()
            release.wait(10)
            yield chunk(incident_row(id="slow"))

        writer = threading.Thread(target=first.import_chunks, args=(rows(),), kwargs={
            "dataset": "slow", "format": "acled", "file_name": "s.csv", "file_hash": "s" * 64,
            "actor": TESTER})
        writer.start()
        try:
            assert holding.wait(10)
            with pytest.raises(StoreBusyError, match="another import"):
                _import(second, "other", incident_row(id="x"))
        finally:
            release.set()
            writer.join(20)
        assert list(first.datasets()["name"]) == [BUNDLED, "slow"]


def test_migrate_copies_everything_into_an_empty_database_and_refuses_a_full_one(
        tmp_path: Path, postgis_url, capsys):
    with open_store(tmp_path / DATABASE_FILE) as source:
        _import(source, "first", incident_row(id="a"), incident_row(id="b", latitude=33.5))
        # The same event in a later dataset: a probable duplicate, flagged.
        _import(source, "second", incident_row(id="a2"), format="ucdp")
        source.remove_dataset("first", actor=TESTER)
        _import(source, "first", incident_row(id="a"))
        expected = {
            "datasets": source.datasets(), "log": source.import_log(),
            "incidents": source.query(IncidentQuery()), "cells": source.aggregate(IncidentQuery(), by=("cell",),
                                                                                  zoom=9),
        }
    assert main(["--data-dir", str(tmp_path), "migrate", "--to", postgis_url]) == 0
    assert "rows checked" in capsys.readouterr().out
    with open_store(database_url=postgis_url) as copied:
        assert copied.query(IncidentQuery()).equals(expected["incidents"])
        assert copied.query(IncidentQuery())["probable_duplicate"].any()
        assert copied.datasets().equals(expected["datasets"])
        assert copied.import_log().equals(expected["log"])
        # Mean positions are float sums, which each engine adds up in its own order.
        pd.testing.assert_frame_equal(copied.aggregate(IncidentQuery(), by=("cell",), zoom=9), expected["cells"],
                                      check_exact=False, rtol=1e-12)
        _import(copied, "third", incident_row(id="c"))  # the import log goes on after the copied ids
        assert len(copied.import_log()) == len(expected["log"]) + 1
    assert main(["--data-dir", str(tmp_path), "migrate", "--to", postgis_url]) == 2
    assert "already holds a store" in capsys.readouterr().err


def test_urls_are_shown_without_their_password():
    assert safe_url("postgresql://bw:hunter2@db.example:5433/borderwatch") == \
        "postgresql://bw@db.example:5433/borderwatch"


def test_the_app_reads_the_database_of_the_environment(postgis_url, tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("BORDERWATCH_DATA_DIR", str(tmp_path))
    monkeypatch.setenv(config.DATABASE_URL_ENV, postgis_url)
    with open_store(database_url=postgis_url) as store:
        _import(store, "team", incident_row(id="shared"))
    app = AppTest.from_file(str(Path(__file__).resolve().parent.parent / "dashboard.py"), default_timeout=60).run()
    assert not app.exception, app.exception
    assert any(m.value.strip("*").startswith("31 of 31 incidents") for m in app.markdown)
    assert not (tmp_path / "borderwatch.sqlite").exists()


def test_the_app_says_the_database_is_unavailable(tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("BORDERWATCH_DATA_DIR", str(tmp_path))
    monkeypatch.setenv(config.DATABASE_URL_ENV, f"postgresql://bw:secret@127.0.0.1:{_free_port()}/gone")
    app = AppTest.from_file(str(Path(__file__).resolve().parent.parent / "dashboard.py"), default_timeout=60).run()
    assert not app.exception, app.exception
    shown = " ".join(element.value for element in app.code)
    assert "database is unavailable" in shown and "secret" not in shown


def test_against_postgis_the_database_role_decides_who_may_write(postgis_url, tmp_path, capsys):
    """The CLI has no sign-in: a role that may only read is refused by the database, in one clear line."""
    open_store(database_url=postgis_url).close()  # the owner makes the tables and seeds them
    with psycopg.connect(postgis_url, autocommit=True) as conn:
        conn.execute("CREATE ROLE reader LOGIN")
        conn.execute("GRANT USAGE ON SCHEMA public TO reader")
        conn.execute("GRANT SELECT ON ALL TABLES IN SCHEMA public TO reader")
    reader = postgis_url.replace("postgres@", "reader@")
    try:
        capsys.readouterr()
        assert main(["--database-url", reader, "datasets"]) == 0
        assert "bundled" in capsys.readouterr().out
        export = acled_file(tmp_path)
        assert main(["--database-url", reader, "import", str(export), "--dataset", "acled-reader"]) == 2
        err = capsys.readouterr().err
        assert "the database role may not change the store" in err and "permission denied" in err
        assert "Traceback" not in err and "password" not in err
        with open_store(database_url=postgis_url) as store:
            assert store.datasets()["name"].tolist() == [BUNDLED]
            assert store.audit_log().query("dataset == 'acled-reader'").empty
    finally:
        with psycopg.connect(postgis_url, autocommit=True) as conn:
            conn.execute("DROP OWNED BY reader")
            conn.execute("DROP ROLE reader")


def test_repeated_reads_are_planned_with_their_own_values(postgis_url):
    """No read becomes a prepared statement, whose generic plan cannot see the values.

    A generic plan took a map box that holds every incident for a selective one and read
    the whole GiST index: the map's date range took 4x SQLite's time at 1M (docs/postgis.md).
    """
    everywhere = (-180.0, -85.0, 180.0, 85.0)
    with open_store(database_url=postgis_url) as store:
        for day in range(1, 11):
            query = IncidentQuery(IncidentFilter(start=dt.date(2016, 1, day), end=dt.date(2016, 12, 31)))
            store.aggregate(query, by=("cell",), zoom=6, bbox=everywhere)
        assert store._read("SELECT COUNT(*) FROM pg_prepared_statements") == [(0,)]
