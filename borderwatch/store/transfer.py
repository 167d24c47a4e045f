"""Copying an embedded store into an empty PostGIS database (``borderwatch migrate --to``).

Every table of the SQLite file is copied whole, column by column as both
engines name them: datasets with their provenance, the import log, the audit trail, the
roles granted in the app, the incidents with their measures and duplicate flags, the map summary, the
borders' imported infrastructure (its WKB made PostGIS geometry) and the
``meta`` values (revision, longest span, ...). The measures against other
borders (``border_measures``) are copied too, not measured again: the file
names an incident by its SQLite ``rowid``, the database by its own
``row_id``, so they are matched by ``(dataset, source_id)``, and each
border's mark of what is measured is set from what the database then holds.
A table the file holds that
the database lacks stops the copy rather than being left behind. The copy is
one transaction holding the store's advisory lock; it checks the row count
of every table before it commits, so the database ends either with
everything or with nothing.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any, Final

import psycopg

from borderwatch.borderzone import MEASURE_COLUMNS
from borderwatch.errors import DatasetConflictError, StoreUnavailableError
from borderwatch.store.bordermeasures import MEASURED_UPTO, measured_borders
from borderwatch.store.dialect import POSTGRES
from borderwatch.store.postgis import PostGISStore, PostgresConnection, safe_url, unavailable
from borderwatch.store.schema import bump_revision, column_ddl, set_meta

#: Tables that hold a store's content: the target must have none of their rows.
CONTENT_TABLES: Final[tuple[str, ...]] = (
    "datasets", "imports", "incidents", "incident_cells", "audit_log", "role_grants", "border_measures",
    "infrastructure_layers", "infrastructure_features")
# Rows read from the file per batch.
_BATCH = 20_000


def copy_to_postgis(path: Path, url: str) -> dict[str, int]:
    """Copy the SQLite store at ``path`` into the empty PostGIS database at ``url``.

    Parameters
    ----------
    path : pathlib.Path
        The store file (opened read-only; it is not changed).
    url : str
        ``postgresql://...``; its tables are created if missing.

    Returns
    -------
    dict of str to int
        Rows copied per table, each checked against the file's count.

    Raises
    ------
    DatasetConflictError
        The database holds incidents or datasets already (nothing is copied),
        or a table of the file has no counterpart there.
    StoreUnavailableError
        The database cannot be reached or its tables cannot be made.
    """
    if not path.is_file():
        raise StoreUnavailableError(f"{path}: no store file there; name it with --data-dir")
    target = PostGISStore(url)  # creates or upgrades the tables; seeds nothing
    target.close()
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = [row[0] for row in source.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%' ORDER BY name")]
        with target._write() as conn:
            return _copy(source, conn, tables, url)
    except psycopg.Error as error:
        raise unavailable(url, error) from error
    finally:
        source.close()


def _copy(source: sqlite3.Connection, conn: PostgresConnection, tables: list[str], url: str) -> dict[str, int]:
    """Copy ``tables`` inside the write transaction ``conn``, then check the counts."""
    held = [table for table in CONTENT_TABLES if conn.execute(f"SELECT 1 FROM {table} LIMIT 1").fetchone()]
    if held:
        raise DatasetConflictError(
            f"{safe_url(url)}: the database already holds a store ({', '.join(held)} not empty); "
            "migrate only into an empty database (create a new one, or drop its tables)")
    copied: dict[str, int] = {}
    # Parents before children: incidents refer to datasets, measures to incidents.
    for table in sorted(tables, key=lambda name: (name != "datasets", name == "border_measures", name)):
        if table == "border_measures":
            copied[table] = _copy_border_measures(source, conn, url)
            continue
        columns = _common_columns(source, conn, table, url)
        if table == "meta":
            conn.execute("DELETE FROM meta")  # the values of the store being copied replace the fresh ones
        names = ", ".join(columns)
        # The infrastructure's WKB becomes PostGIS geometry (a plain COPY would read it as text).
        values = ", ".join(POSTGRES.geometry_in() if (table, column) == ("infrastructure_features", "geometry")
                           else "?" for column in columns)
        insert = f"INSERT INTO {table} ({names}) VALUES ({values})"
        cursor = source.execute(f"SELECT {names} FROM {table}")
        while batch := cursor.fetchmany(_BATCH):
            conn.executemany(insert, batch)
        expected = source.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
        found = conn.execute(f"SELECT COUNT(*) FROM {table}").fetchall()[0][0]
        if found != expected:
            raise DatasetConflictError(
                f"{safe_url(url)}: {table} has {found} rows after the copy, the store {expected}; nothing was copied")
        copied[table] = int(found)
    # The logs' identities continue after the copied ids.
    for table, key in (("imports", "import_id"), ("audit_log", "entry_id")):
        conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', '{key}'),"
                     f" COALESCE((SELECT MAX({key}) FROM {table}), 0) + 1, false)")
    # Readers of the database (an app that had it open) must not keep results cached from before.
    bump_revision(conn, POSTGRES)
    return copied


def _copy_border_measures(source: sqlite3.Connection, conn: PostgresConnection, url: str) -> int:
    """Copy the per-border measures, each to the incident of the same ``(dataset, source_id)``; return how many."""
    measures = ", ".join(MEASURE_COLUMNS)
    conn.execute(
        "CREATE TEMP TABLE copied_measures (border TEXT NOT NULL, dataset TEXT NOT NULL, source_id TEXT NOT NULL, "
        + ", ".join(column_ddl(column) for column in MEASURE_COLUMNS) + ") ON COMMIT DROP")
    cursor = source.execute(
        f"SELECT m.border, i.dataset, i.source_id, {', '.join(f'm.{column}' for column in MEASURE_COLUMNS)}"
        " FROM border_measures m JOIN incidents i ON i.rowid = m.incident")
    insert = f"INSERT INTO copied_measures (border, dataset, source_id, {measures}) VALUES ({POSTGRES.marks(8)})"
    while batch := cursor.fetchmany(_BATCH):
        conn.executemany(insert, batch)
    conn.execute(
        f"INSERT INTO border_measures (border, incident, {measures})"
        f" SELECT c.border, i.row_id, {', '.join(f'c.{column}' for column in MEASURE_COLUMNS)}"
        " FROM copied_measures c JOIN incidents i ON i.dataset = c.dataset AND i.source_id = c.source_id")
    expected = source.execute("SELECT COUNT(*) FROM border_measures").fetchone()[0]
    found = conn.execute("SELECT COUNT(*) FROM border_measures").fetchall()[0][0]
    if found != expected:
        raise DatasetConflictError(
            f"{safe_url(url)}: border_measures has {found} rows after the copy, the store {expected};"
            " nothing was copied")
    for border in measured_borders(conn):
        # Measured up to just below the first incident without measures (all of them: the highest key).
        lacking = conn.execute(
            "SELECT MIN(row_id) FROM incidents i WHERE NOT EXISTS"
            " (SELECT 1 FROM border_measures m WHERE m.border = ? AND m.incident = i.row_id)",
            (border,)).fetchall()[0][0]
        top = conn.execute("SELECT COALESCE(MAX(row_id), 0) FROM incidents").fetchall()[0][0]
        set_meta(conn, POSTGRES, MEASURED_UPTO + border, top if lacking is None else lacking - 1)
    return int(found)


def _common_columns(source: sqlite3.Connection, conn: PostgresConnection, table: str, url: str) -> list[str]:
    """The file's columns of ``table``, each of which the database's table must have too."""
    theirs = [row[1] for row in source.execute(f"PRAGMA table_info({table})")]
    ours: set[Any] = {row[0] for row in conn.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema()"
        " AND table_name = ?", (table,))}
    missing = [column for column in theirs if column not in ours]
    if missing:
        raise DatasetConflictError(
            f"{safe_url(url)}: the database's {table} lacks {', '.join(missing)} (or the table): "
            "upgrade BorderWatch, or its tables, before migrating; nothing was copied")
    return theirs
