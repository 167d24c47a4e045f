"""The audit trail: who imported, updated or removed what, recorded with the change, on both engines."""

from __future__ import annotations

import getpass
import inspect
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from borderwatch.errors import StrictImportError
from borderwatch.importers.base import ParsedChunk, Rejection
from borderwatch.store import BUNDLED, SCHEMA_VERSION, Actor, IncidentStore, open_store
from borderwatch.store.audit import COLUMNS
from borderwatch.store.pgschema import LATEST
from tests.engines import Engine
from tests.factories import TESTER, incident_row
from tests.store_worker import chunk
from tests.test_cli import run, three_rows

ADMIN = Actor.app("ada@example.org")


def _import(store: IncidentStore, *chunks: ParsedChunk, dataset: str = "acled-test", actor: Actor = TESTER,
            **options: object) -> None:
    arguments = {"format": "acled", "file_name": "export.csv", "file_hash": "a" * 64, **options}
    store.import_chunks(list(chunks), dataset=dataset, actor=actor, **arguments)  # type: ignore[arg-type]


@pytest.fixture
def store(engine: Engine) -> Iterator[IncidentStore]:
    with engine.open() as opened:
        yield opened


def test_imports_updates_and_removals_are_recorded_newest_first(store):
    seeded = store.audit_log()
    assert list(seeded.columns) == list(COLUMNS)
    assert seeded[["actor", "via", "action", "dataset"]].values.tolist() == [
        ["borderwatch", "first run", "import", BUNDLED]]
    _import(store, chunk(incident_row(id="a"), incident_row(id="b"), timestamps=[1, 1],
                         rejections=[Rejection(row=5, column="latitude", reason="not a number")]))
    _import(store, chunk(incident_row(id="a", location="moved"), incident_row(id="b"), timestamps=[2, 1]),
            actor=ADMIN, file_name="newer.csv", file_hash="b" * 64)
    _import(store, chunk(incident_row(id="a", location="moved"), incident_row(id="b"), timestamps=[2, 1]),
            file_name="newer.csv", file_hash="b" * 64)  # the same file again: nothing changes, nothing recorded
    assert store.remove_dataset("acled-test", actor=ADMIN) == 2
    trail = store.audit_log()
    assert trail[["actor", "via", "action", "outcome", "dataset", "format", "file_name"]].values.tolist() == [
        ["ada@example.org", "app", "remove", "done", "acled-test", "acled", "newer.csv"],
        ["ada@example.org", "app", "update", "done", "acled-test", "acled", "newer.csv"],
        ["cli:tester", "cli", "import", "done", "acled-test", "acled", "export.csv"],
        ["borderwatch", "first run", "import", "done", BUNDLED, BUNDLED, "incidents.csv"],
    ]
    counts = ["added", "updated", "unchanged", "rejected", "removed"]
    assert trail[counts].values.tolist()[:3] == [[0, 0, 0, 0, 2], [0, 1, 1, 0, 0], [2, 0, 0, 1, 0]]
    assert trail["file_hash"].tolist()[:3] == ["b" * 64, "b" * 64, "a" * 64]
    assert str(trail["recorded_at"].dt.tz) == "UTC" and trail["recorded_at"].is_monotonic_decreasing
    assert store.audit_log(limit=1)["action"].tolist() == ["remove"]


def test_an_import_that_is_rolled_back_leaves_no_entry(engine, store):
    before = store.audit_log()

    def failing() -> Iterator[ParsedChunk]:
        yield chunk(incident_row(id="a"))
        raise RuntimeError("the file went away")

    with pytest.raises(RuntimeError):
        store.import_chunks(failing(), dataset="new", format="acled", file_name="x.csv", file_hash="c" * 64,
                            actor=TESTER)
    with pytest.raises(StrictImportError):
        _import(store, chunk(incident_row(id="a"), rejections=[Rejection(row=3, column="x", reason="bad")]),
                strict=True)
    assert store.audit_log().equals(before)


def test_a_refusal_is_recorded_and_reseeding_names_who_asked(store):
    store.record_refusal("remove", actor=Actor.app("anonymous"), dataset=BUNDLED)
    store.remove_dataset(BUNDLED, actor=ADMIN)
    store.reseed_bundled(actor=ADMIN)
    trail = store.audit_log(limit=3)
    assert trail[["actor", "action", "outcome", "dataset"]].values.tolist() == [
        ["ada@example.org", "import", "done", BUNDLED],
        ["ada@example.org", "remove", "done", BUNDLED],
        ["anonymous", "remove", "refused", BUNDLED],
    ]
    with pytest.raises(ValueError, match="not an audit entry"):
        store.record_refusal("grant_role", actor=ADMIN)


def _raw_connection(engine: Engine) -> sqlite3.Connection | psycopg.Connection:
    if engine.name == "sqlite":
        return sqlite3.connect(engine.location())
    return psycopg.connect(engine.location(), autocommit=True)


def test_entries_cannot_be_changed_or_deleted(engine, store):
    errors = (sqlite3.DatabaseError, psycopg.Error)
    statements = ["UPDATE audit_log SET actor = 'someone else'", "DELETE FROM audit_log"]
    if engine.name == "postgis":
        statements.append("TRUNCATE audit_log")
    connection = _raw_connection(engine)
    try:
        for statement in statements:
            with pytest.raises(errors, match="append-only"):
                connection.execute(statement)
    finally:
        connection.close()
    assert len(store.audit_log()) == 1
    # Callers have a way to add entries and read them, none to change them.
    assert {name for name in dir(IncidentStore) if "audit" in name or "record" in name} == {
        "audit_log", "record_refusal"}
    for name in ("import_chunks", "remove_dataset", "reseed_bundled", "record_refusal", "grant_role", "revoke_role"):
        parameter = inspect.signature(getattr(IncidentStore, name)).parameters["actor"]
        assert parameter.kind is inspect.Parameter.KEYWORD_ONLY and parameter.default is inspect.Parameter.empty


def test_a_store_of_schema_version_4_gains_the_audit_trail_in_place(tmp_path):
    path = tmp_path / "v4.sqlite"
    with open_store(path) as opened:
        _import(opened, chunk(incident_row(id="a")))
        before = opened.count()
    with sqlite3.connect(path) as conn:
        for trigger in ("audit_log_no_update", "audit_log_no_delete"):
            conn.execute(f"DROP TRIGGER {trigger}")
        conn.execute("DROP TABLE audit_log")
        conn.execute("UPDATE meta SET value = '4' WHERE key = 'schema_version'")
    with open_store(path) as upgraded:
        assert upgraded.count() == before
        assert upgraded.audit_log().empty  # what happened before the upgrade was not recorded
        upgraded.remove_dataset("acled-test", actor=TESTER)
        assert upgraded.audit_log()["action"].tolist() == ["remove"]
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() == (SCHEMA_VERSION,)
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            conn.execute("DELETE FROM audit_log")


@pytest.mark.postgres
def test_migrate_copies_the_trail_and_new_entries_follow_it(tmp_path, postgis_url):
    from borderwatch.store.transfer import copy_to_postgis

    path = tmp_path / "store.sqlite"
    with open_store(path) as embedded:
        _import(embedded, chunk(incident_row(id="a")))
        expected = embedded.audit_log()
    copy_to_postgis(path, postgis_url)
    with open_store(database_url=postgis_url) as shared:
        assert shared.audit_log().equals(expected)
        shared.remove_dataset("acled-test", actor=ADMIN)
        assert shared.audit_log()["action"].tolist() == ["remove", "import", "import"]


# -- the command line ----------------------------------------------------------------


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "data"
    monkeypatch.setenv("BORDERWATCH_DATA_DIR", str(folder))
    return folder


def test_the_command_line_records_its_user_and_lists_the_trail(capsys, data, tmp_path):
    path = three_rows(tmp_path)
    run(capsys, "import", str(path))
    run(capsys, "remove", "acled")
    code, out, _ = run(capsys, "audit", "--json", "--limit", "2")
    assert code == 0
    entries = json.loads(out)
    user = f"cli:{getpass.getuser()}"
    assert [(entry["actor"], entry["via"], entry["action"]) for entry in entries] == [
        (user, "cli", "remove"), (user, "cli", "import")]
    assert entries[1]["file_name"] == path.name and len(entries[1]["file_hash"]) == 64
    assert entries[1]["added"] == 2 and entries[0]["removed"] == 2
    assert entries[0]["recorded_at"].endswith("+00:00")
    code, out, _ = run(capsys, "audit")
    lines = out.splitlines()
    assert code == 0 and len(lines) == 4  # a header, two entries, the seeding
    assert lines[0].split()[:4] == ["recorded", "(UTC)", "actor", "via"]
    assert lines[1].split()[2:5] == [user, "cli", "remove"]


@pytest.mark.postgres
def test_grants_alone_keep_the_trail_append_only_for_the_apps_role(postgis_url):
    # docs/deploy.md's recipe: the owner creates the tables, the app's role may append and read the trail only.
    open_store(database_url=postgis_url).close()
    with psycopg.connect(postgis_url, autocommit=True) as owner:
        owner.execute("CREATE ROLE trail_app LOGIN")
        owner.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO trail_app")
        owner.execute("REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM trail_app")
        owner.execute("DROP TRIGGER audit_log_no_change ON audit_log")  # the grants hold without it
    app_url = postgis_url.replace("postgres@", "trail_app@")
    try:
        with open_store(database_url=app_url) as store:
            _import(store, chunk(incident_row(id="a")))
            store.remove_dataset("acled-test", actor=ADMIN)
            assert store.audit_log()["action"].tolist() == ["remove", "import", "import"]
        with psycopg.connect(app_url, autocommit=True) as app:
            for statement in ("UPDATE audit_log SET actor = 'x'", "DELETE FROM audit_log"):
                with pytest.raises(psycopg.errors.InsufficientPrivilege):
                    app.execute(statement)
    finally:
        with psycopg.connect(postgis_url, autocommit=True) as owner:
            owner.execute("DROP OWNED BY trail_app")
            owner.execute("DROP ROLE trail_app")


def test_the_text_table_keeps_one_entry_on_one_line(tmp_path):
    from borderwatch.listings import format_audit

    with open_store(tmp_path / "store.sqlite") as store:
        store.record_refusal("import", actor=Actor.app("eve@example.org\nforged row"), dataset="x\ny")
        table = format_audit(store.audit_log())
    assert len(table.splitlines()) == 3
    assert "eve@example.org forged row" in table.splitlines()[1]


@pytest.mark.postgres
def test_a_database_at_migration_1_gains_the_trail_by_migration_2_and_on(postgis_url):
    with open_store(database_url=postgis_url) as store:
        _import(store, chunk(incident_row(id="a")))
    with psycopg.connect(postgis_url, autocommit=True) as owner:
        owner.execute("DROP TABLE audit_log, role_grants")
        owner.execute("DROP FUNCTION audit_log_append_only()")
        # And what later migrations made: the database is as migration 1 left it.
        owner.execute("DROP TABLE border_measures")
        owner.execute("ALTER TABLE incidents DROP COLUMN row_id")
        owner.execute("DROP TABLE infrastructure_layers, infrastructure_features")
        owner.execute("DELETE FROM schema_migrations WHERE version >= 2")
    with open_store(database_url=postgis_url) as store:
        assert store.schema_version() == LATEST  # type: ignore[attr-defined]
        assert store.audit_log().empty and store.count() == 31
        store.remove_dataset("acled-test", actor=TESTER)
        assert store.audit_log()["action"].tolist() == ["remove"]
    with psycopg.connect(postgis_url, autocommit=True) as owner, pytest.raises(psycopg.Error, match="append-only"):
        owner.execute("DELETE FROM audit_log")
