"""Roles granted in the app: kept in the store, checked against the acting role, audited, on both engines."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from borderwatch.errors import EmailAddressError, PermissionDeniedError, UnknownGrantError
from borderwatch.roles import Role
from borderwatch.store import SCHEMA_VERSION, Actor, IncidentStore, open_store
from borderwatch.store.pgschema import LATEST
from tests.engines import Engine
from tests.factories import TESTER, incident_row
from tests.store_worker import chunk
from tests.test_cli import run

ADMIN = Actor.app("ada@unit.example")
VIEWER = Actor.app("vera@unit.example")


@pytest.fixture
def store(engine: Engine) -> Iterator[IncidentStore]:
    with engine.open() as opened:
        yield opened


def _grant(store: IncidentStore, email: str, role: Role = Role.ANALYST, *, actor: Actor = ADMIN,
           acting_role: Role = Role.ADMIN) -> bool:
    return store.grant_role(email, role, actor=actor, acting_role=acting_role)


def test_an_admin_grants_changes_and_revokes_a_role_and_each_change_is_audited(store):
    revision = store.revision()
    assert store.role_grants().empty
    assert _grant(store, "  Ann@Unit.Example ") is True
    assert store.revision() != revision  # app processes caching grants under it read them again
    assert _grant(store, "ann@unit.example") is False  # held already: nothing changes, nothing is recorded
    assert _grant(store, "bob@unit.example", Role.ADMIN, actor=TESTER) is True
    assert _grant(store, "ann@unit.example", Role.ADMIN) is True  # replaces her analyst grant
    grants = store.role_grants()
    assert grants[["email", "role", "granted_by"]].values.tolist() == [
        ["ann@unit.example", "admin", "ada@unit.example"], ["bob@unit.example", "admin", "cli:tester"]]
    assert str(grants["granted_at"].dt.tz) == "UTC"
    assert store.revoke_role("BOB@unit.example", actor=ADMIN, acting_role=Role.ADMIN) is Role.ADMIN
    assert store.role_grants()["email"].tolist() == ["ann@unit.example"]
    trail = store.audit_log(limit=4)
    assert trail[["actor", "via", "action", "outcome", "email", "role", "dataset"]].values.tolist() == [
        ["ada@unit.example", "app", "revoke", "done", "bob@unit.example", "admin", ""],
        ["ada@unit.example", "app", "grant", "done", "ann@unit.example", "admin", ""],
        ["cli:tester", "cli", "grant", "done", "bob@unit.example", "admin", ""],
        ["ada@unit.example", "app", "grant", "done", "ann@unit.example", "analyst", ""],
    ]
    # Entries of imports say nothing of roles.
    assert store.audit_log().iloc[-1][["action", "email", "role"]].tolist() == ["import", "", ""]


@pytest.mark.parametrize("acting_role", [Role.ANALYST, Role.VIEWER])
def test_only_an_admin_may_change_roles_and_a_refusal_is_recorded(store, acting_role):
    _grant(store, "ann@unit.example")
    revision = store.revision()
    with pytest.raises(PermissionDeniedError, match="only an admin may grant roles"):
        _grant(store, "vera@unit.example", Role.ADMIN, actor=VIEWER, acting_role=acting_role)
    with pytest.raises(PermissionDeniedError, match="only an admin may grant roles"):
        store.revoke_role("ann@unit.example", actor=VIEWER, acting_role=acting_role)
    assert store.role_grants()[["email", "role"]].values.tolist() == [["ann@unit.example", "analyst"]]
    assert store.revision() == revision
    trail = store.audit_log(limit=2)
    assert trail[["actor", "action", "outcome", "email", "role"]].values.tolist() == [
        ["vera@unit.example", "revoke", "refused", "ann@unit.example", ""],
        ["vera@unit.example", "grant", "refused", "vera@unit.example", "admin"],
    ]


def test_bad_addresses_the_viewer_role_and_unknown_grants_are_refused_and_change_nothing(store):
    before = store.audit_log()
    with pytest.raises(EmailAddressError, match="must hold exactly one @") as refused:
        _grant(store, "ann")
    assert "'ann' is not an e-mail address" in str(refused.value)
    with pytest.raises(EmailAddressError, match=r"holds a space.* and needs a domain"):
        _grant(store, "ann smith@unit")
    with pytest.raises(ValueError, match="everyone who signs in is a viewer already"):
        _grant(store, "ann@unit.example", Role.VIEWER)
    _grant(store, "bob@unit.example")
    with pytest.raises(UnknownGrantError, match=r"'ann@unit\.example' holds no role granted.*bob@unit\.example"):
        store.revoke_role("ann@unit.example", actor=ADMIN, acting_role=Role.ADMIN)
    assert len(store.audit_log()) == len(before) + 1  # bob's grant only


def _raw_connection(engine: Engine) -> sqlite3.Connection | psycopg.Connection:
    if engine.name == "sqlite":
        return sqlite3.connect(engine.location(), isolation_level=None)
    return psycopg.connect(engine.location(), autocommit=True)


def test_the_database_refuses_a_grant_of_a_role_that_cannot_be_granted(engine, store):
    connection = _raw_connection(engine)
    try:
        with pytest.raises((sqlite3.IntegrityError, psycopg.errors.CheckViolation)):
            connection.execute("INSERT INTO role_grants VALUES ('x@unit.example', 'owner', 'me', '2026-01-01')")
    finally:
        connection.close()
    assert store.role_grants().empty


def test_a_store_of_schema_version_5_gains_grants_in_place(tmp_path):
    path = tmp_path / "v5.sqlite"
    with open_store(path) as opened:
        opened.import_chunks([chunk(incident_row(id="a"))], dataset="acled-test", format="acled",
                             file_name="export.csv", file_hash="a" * 64, actor=TESTER)
        trail = opened.audit_log()
    with sqlite3.connect(path) as conn:
        conn.execute("DROP TABLE role_grants")
        for column in ("email", "role"):
            conn.execute(f"ALTER TABLE audit_log DROP COLUMN {column}")
        conn.execute("UPDATE meta SET value = '5' WHERE key = 'schema_version'")
    with open_store(path) as upgraded:
        assert upgraded.count() == 31
        assert upgraded.audit_log().equals(trail)  # older entries name no role change
        _grant(upgraded, "ann@unit.example")
        assert upgraded.role_grants()["email"].tolist() == ["ann@unit.example"]
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() == (SCHEMA_VERSION,)


@pytest.mark.postgres
def test_a_database_at_migration_2_gains_grants_with_migration_3(postgis_url):
    open_store(database_url=postgis_url).close()
    with psycopg.connect(postgis_url, autocommit=True) as conn:
        conn.execute("DROP TABLE role_grants")
        conn.execute("ALTER TABLE audit_log DROP COLUMN email, DROP COLUMN role")
        # And what later migrations made: the database is as migration 2 left it.
        conn.execute("DROP TABLE border_measures")
        conn.execute("ALTER TABLE incidents DROP COLUMN row_id")
        conn.execute("DROP TABLE infrastructure_layers, infrastructure_features")
        conn.execute("ALTER TABLE audit_log DROP COLUMN border")
        conn.execute("DELETE FROM schema_migrations WHERE version >= 3")
    with open_store(database_url=postgis_url) as upgraded:
        assert upgraded.audit_log()[["action", "email", "role"]].values.tolist() == [["import", "", ""]]
        _grant(upgraded, "ann@unit.example", Role.ADMIN)
        assert upgraded.role_grants()[["email", "role"]].values.tolist() == [["ann@unit.example", "admin"]]
    with psycopg.connect(postgis_url) as conn:
        assert conn.execute("SELECT MAX(version) FROM schema_migrations").fetchone() == (LATEST,)


@pytest.mark.postgres
def test_migrate_copies_the_grants(tmp_path, postgis_url):
    from borderwatch.store.transfer import copy_to_postgis

    path = tmp_path / "store.sqlite"
    with open_store(path) as embedded:
        _grant(embedded, "ann@unit.example")
        expected = embedded.role_grants()
    copied = copy_to_postgis(path, postgis_url)
    assert copied["role_grants"] == 1
    with open_store(database_url=postgis_url) as shared:
        assert shared.role_grants().equals(expected)
        assert shared.audit_log(limit=1)[["action", "email"]].values.tolist() == [["grant", "ann@unit.example"]]


# -- the command line ----------------------------------------------------------------


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "data"
    monkeypatch.setenv("BORDERWATCH_DATA_DIR", str(folder))
    return folder


def test_the_command_line_grants_lists_and_revokes_roles_and_the_trail_shows_it(capsys, data):
    assert run(capsys, "roles", "grant", "Ann@Unit.Example", "analyst")[1] == "granted analyst to ann@unit.example\n"
    assert "holds analyst already" in run(capsys, "roles", "grant", "ann@unit.example", "analyst")[1]
    code, out, _ = run(capsys, "roles", "list", "--json")
    assert code == 0
    [listed] = json.loads(out)
    assert (listed["email"], listed["role"], listed["granted_by"][:4]) == ("ann@unit.example", "analyst", "cli:")
    assert listed["granted_at"].endswith("+00:00")
    assert "ann@unit.example  analyst" in run(capsys, "roles", "list")[1]
    assert run(capsys, "roles", "revoke", "ann@unit.example")[0] == 0
    assert run(capsys, "roles", "list")[1].startswith("no role is granted in the app")
    code, out, _ = run(capsys, "audit", "--json", "--limit", "2")
    assert [(entry["action"], entry["email"], entry["role"], entry["via"]) for entry in json.loads(out)] == [
        ("revoke", "ann@unit.example", "analyst", "cli"), ("grant", "ann@unit.example", "analyst", "cli")]


@pytest.mark.parametrize(("argv", "message"), [
    (("roles", "grant", "ann@unit.example", "viewer"), "everyone who signs in is a viewer already"),
    (("roles", "grant", "ann@unit.example", "owner"), "'owner' is not a role"),
    (("roles", "grant", "ann", "admin"), "'ann' is not an e-mail address: it must hold exactly one @"),
    (("roles", "revoke", "ann@unit.example"), "holds no role granted in the app"),
])
def test_the_command_line_refuses_bad_role_changes_with_one_line(capsys, data, argv, message):
    code, _, err = run(capsys, *argv)
    assert code == 2 and message in err and "Traceback" not in err
    assert run(capsys, "roles", "list", "--json")[1] == "[]\n"


@pytest.mark.postgres
def test_against_postgis_the_database_role_decides_who_may_grant(postgis_url, capsys):
    open_store(database_url=postgis_url).close()
    with psycopg.connect(postgis_url, autocommit=True) as conn:
        conn.execute("CREATE ROLE grant_reader LOGIN")
        conn.execute("GRANT USAGE ON SCHEMA public TO grant_reader")
        conn.execute("GRANT SELECT ON ALL TABLES IN SCHEMA public TO grant_reader")
    reader = postgis_url.replace("postgres@", "grant_reader@")
    try:
        assert run(capsys, "--database-url", reader, "roles", "list")[0] == 0
        code, _, err = run(capsys, "--database-url", reader, "roles", "grant", "ann@unit.example", "admin")
        assert code == 2 and "the database role may not change the store" in err
        assert run(capsys, "--database-url", postgis_url, "roles", "grant", "ann@unit.example", "admin")[0] == 0
        with open_store(database_url=postgis_url) as shared:
            assert shared.role_grants()["email"].tolist() == ["ann@unit.example"]
    finally:
        with psycopg.connect(postgis_url, autocommit=True) as conn:
            conn.execute("DROP OWNED BY grant_reader")
            conn.execute("DROP ROLE grant_reader")
