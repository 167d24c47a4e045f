"""Bringing an older store up to :data:`~borderwatch.store.schema.SCHEMA_VERSION`, in place.

Also re-measuring every incident when the bundled border or barrier files
change. Every function here runs inside the store's write transaction.
"""

from __future__ import annotations

import sqlite3

import numpy as np

from borderwatch.borderzone import MEASURE_COLUMNS, bundled_zone
from borderwatch.mapgrid import grid_xy, month_index
from borderwatch.store import audit, bordermeasures, grants, infrastructure, summaries
from borderwatch.store.dialect import Dialect
from borderwatch.store.imports import measure_values
from borderwatch.store.interface import BUNDLED, ID_QUALIFIER
from borderwatch.store.schema import (
    MEASURE_FLOATS,
    SCHEMA,
    SCHEMA_VERSION,
    ZONE_SIGNATURE,
    bump_revision,
    column_ddl,
    set_meta,
)

# Rows re-measured per batch when the reference files change.
_REMEASURE_BATCH = 100_000


def upgrade(conn: sqlite3.Connection, dialect: Dialect) -> None:
    """Bring a store of schema version 1 to 7 to :data:`SCHEMA_VERSION` (inside one write)."""
    version = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0]
    if version == SCHEMA_VERSION:
        return  # another process upgraded it meanwhile
    if version == "1":  # 1 -> 2: the map grid and the summary
        for column in ("event_month", "grid_x", "grid_y"):
            conn.execute(f"ALTER TABLE incidents ADD COLUMN {column} INTEGER NOT NULL DEFAULT 0")
        for index in ("incidents_last_date", "incidents_event_type", "incidents_country"):
            conn.execute(f"DROP INDEX IF EXISTS {index}")
        rows = conn.execute("SELECT rowid, event_day, latitude, longitude FROM incidents").fetchall()
        if rows:
            rowid, day, latitude, longitude = (np.array(column) for column in zip(*rows, strict=True))
            grid_x, grid_y = grid_xy(latitude.astype(float), longitude.astype(float))
            months = month_index(day.astype("datetime64[D]"))
            conn.executemany(
                "UPDATE incidents SET event_month = ?, grid_x = ?, grid_y = ? WHERE rowid = ?",
                zip(months.tolist(), grid_x.tolist(), grid_y.tolist(), rowid.tolist(), strict=True),
            )
    if version in ("1", "2"):  # 2 -> 3: the measures against the border and the barrier
        for column in MEASURE_COLUMNS:
            default = "" if column in MEASURE_FLOATS else " DEFAULT ''" if column == "border_side" else " DEFAULT 0"
            conn.execute(f"ALTER TABLE incidents ADD COLUMN {column_ddl(column)}{default}")
    if version in ("1", "2", "3"):
        _qualify_ids(conn)  # 3 -> 4
    # 4 -> 5: the audit trail (empty: what happened before was not recorded).
    for statement in (*SCHEMA, *audit.SQLITE_AUDIT_SCHEMA):
        conn.execute(statement)
    # 5 -> 6: roles granted in the app, and whose role an audit entry changed (columns an
    # audit trail already has are left: the step may meet a table of any earlier version).
    conn.execute(grants.ROLE_GRANTS_TABLE)
    present = {row[1] for row in conn.execute("PRAGMA table_info(audit_log)")}
    for column, statement in zip(audit.ROLE_COLUMNS, audit.ROLE_COLUMNS_DDL, strict=True):
        if column not in present:
            conn.execute(statement)
    add_border_measures(conn)  # 6 -> 7
    add_infrastructure(conn)  # 7 -> 8
    if version == "1":
        summaries.refresh_cells(conn, dialect, [row[0] for row in conn.execute("SELECT name FROM datasets")])
        summaries.recount_longest_span(conn, dialect)
    if version in ("1", "2"):
        remeasure(conn, dialect)
    conn.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (SCHEMA_VERSION,))
    bump_revision(conn, dialect)


def add_border_measures(conn: sqlite3.Connection) -> None:
    """Schema 7: the table of per-border measures (empty: every border but the default is measured on request)."""
    for statement in bordermeasures.SQLITE_MEASURES_DDL:
        conn.execute(statement)


def add_infrastructure(conn: sqlite3.Connection) -> None:
    """Schema 8: the tables of imported infrastructure (empty), and the border an audit entry concerns."""
    for statement in infrastructure.SQLITE_SCHEMA:
        conn.execute(statement)
    if audit.BORDER_COLUMN not in {row[1] for row in conn.execute("PRAGMA table_info(audit_log)")}:
        conn.execute(audit.BORDER_COLUMN_DDL)


def _qualify_ids(conn: sqlite3.Connection) -> None:
    """Give every imported incident its dataset-qualified id (schema 4), inside a write.

    Before version 4 an id was the importer's alone, so one ACLED event
    in two datasets had one id. An id that is qualified already is left.
    """
    conn.execute("DROP INDEX IF EXISTS incidents_id")  # not unique before version 4
    qualifier = f"'{ID_QUALIFIER}' || replace(replace(dataset, '%', '%25'), '{ID_QUALIFIER}', '%40')"
    conn.execute(
        f"UPDATE incidents SET id = id || {qualifier}"
        f" WHERE dataset <> ? AND substr(id, -length({qualifier})) IS NOT {qualifier}",
        (BUNDLED,),
    )
    conn.execute(
        "UPDATE incidents SET duplicate_of = (SELECT o.id FROM incidents o"
        " WHERE o.dataset = incidents.duplicate_of_dataset AND o.source_id = incidents.duplicate_of_source_id)"
        " WHERE duplicate_of_dataset IS NOT NULL"
    )


def remeasure(conn: sqlite3.Connection, dialect: Dialect) -> None:
    """Measure every stored incident against the bundled border and barrier (inside a write).

    Runs when the store is upgraded, and when the reference files change.
    """
    last = 0
    while True:
        rows = conn.execute(
            "SELECT rowid, latitude, longitude FROM incidents WHERE rowid > ? ORDER BY rowid LIMIT ?",
            (last, _REMEASURE_BATCH),
        ).fetchall()
        if not rows:
            break
        rowid, latitude, longitude = (np.array(column) for column in zip(*rows, strict=True))
        values = measure_values(latitude.astype(float), longitude.astype(float))
        conn.executemany(
            f"UPDATE incidents SET {', '.join(f'{column} = ?' for column in MEASURE_COLUMNS)} WHERE rowid = ?",
            zip(*(values[column] for column in MEASURE_COLUMNS), rowid.tolist(), strict=True),
        )
        last = int(rowid[-1])
    set_meta(conn, dialect, ZONE_SIGNATURE, bundled_zone().signature)
    bump_revision(conn, dialect)
