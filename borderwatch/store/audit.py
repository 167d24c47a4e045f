"""The audit trail: who imported, updated or removed what, or changed whose role, when, and which way.

What is imported, updated or removed is a dataset of incidents or a layer of
a border's infrastructure.

Every entry is written inside the transaction of the change it records, so an
import that is rolled back leaves no entry, and a committed change never lacks
one. The table is append-only: the store offers no way to change or delete an
entry, and triggers refuse ``UPDATE`` and ``DELETE`` (and, on PostgreSQL,
``TRUNCATE``) from any client; ``docs/deploy.md`` says how to back that with
the database's own grants.
"""

from __future__ import annotations

import datetime as dt
from typing import Final

import pandas as pd

from borderwatch.store.dialect import Connection
from borderwatch.store.interface import Actor

#: What an entry records: ``import`` (a new dataset), ``update`` (an import into
#: an existing one), ``remove``, ``grant`` and ``revoke`` (a role granted in the app),
#: and the same three of a border's infrastructure layer (its name in ``dataset``).
ACTIONS: Final[tuple[str, ...]] = ("import", "update", "remove", "grant", "revoke", "import infrastructure",
                                   "update infrastructure", "remove infrastructure")
#: How it ended: ``done``, or ``refused`` (the person's role does not allow it).
OUTCOMES: Final[tuple[str, ...]] = ("done", "refused")
#: Counts every entry carries (zero where they do not apply).
COUNTS: Final[tuple[str, ...]] = ("added", "updated", "unchanged", "rejected", "removed")
# What every entry says of a change to the data (the table's text columns before role changes were recorded).
_DATA_COLUMNS = ("recorded_at", "actor", "via", "action", "outcome", "dataset", "format", "file_name", "file_hash")
#: What an entry says of a role change: whose role (their e-mail) and which; empty for other entries.
ROLE_COLUMNS: Final[tuple[str, ...]] = ("email", "role")
#: The border an entry of infrastructure concerns (its key, ``LBY-TUN``); empty for other entries.
BORDER_COLUMN: Final[str] = "border"
#: The columns of :meth:`~borderwatch.store.interface.IncidentStore.audit_log`, in order.
COLUMNS: Final[tuple[str, ...]] = (*_DATA_COLUMNS, *ROLE_COLUMNS, BORDER_COLUMN, *COUNTS)
#: Who seeds a new store with the bundled incidents (the first time it is opened).
FIRST_RUN: Final[Actor] = Actor("borderwatch", "first run")

#: The table as SQLite schema 5 made it (PostGIS has its own, frozen in migration 2 of
#: :mod:`.pgschema`); :data:`ROLE_COLUMNS_DDL` adds the rest.
AUDIT_TABLE: Final[str] = (
    "CREATE TABLE IF NOT EXISTS audit_log (entry_id INTEGER PRIMARY KEY, "
    + ", ".join(f"{column} TEXT NOT NULL" for column in _DATA_COLUMNS)
    + ", " + ", ".join(f"{column} INTEGER NOT NULL" for column in COUNTS) + ")"
)
#: Adds :data:`ROLE_COLUMNS` (schema 6, PostGIS migration 3); older entries get empty text.
ROLE_COLUMNS_DDL: Final[tuple[str, ...]] = tuple(
    f"ALTER TABLE audit_log ADD COLUMN {column} TEXT NOT NULL DEFAULT ''" for column in ROLE_COLUMNS
)
#: Adds :data:`BORDER_COLUMN` (schema 8; PostGIS migration 5 has its own); older entries get empty text.
BORDER_COLUMN_DDL: Final[str] = f"ALTER TABLE audit_log ADD COLUMN {BORDER_COLUMN} TEXT NOT NULL DEFAULT ''"
#: SQLite's guards: any change or deletion of an entry aborts its statement.
SQLITE_AUDIT_SCHEMA: Final[tuple[str, ...]] = (
    AUDIT_TABLE,
    *(
        f"CREATE TRIGGER IF NOT EXISTS audit_log_no_{operation.lower()} BEFORE {operation} ON audit_log"
        " BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END"
        for operation in ("UPDATE", "DELETE")
    ),
)


def record(
    conn: Connection,
    actor: Actor,
    action: str,
    *,
    outcome: str = "done",
    dataset: str = "",
    format: str = "",
    file_name: str = "",
    file_hash: str = "",
    email: str = "",
    role: str = "",
    border: str = "",
    **counts: int,
) -> None:
    """Append one entry to the audit trail, inside the caller's write transaction.

    Parameters
    ----------
    conn : Connection
        The write transaction of the change recorded.
    actor : Actor
        Who made it, and which way.
    action : str
        One of :data:`ACTIONS`.
    outcome : str
        One of :data:`OUTCOMES`.
    dataset, format, file_name, file_hash : str
        What it concerned: the dataset, and the file imported (its SHA-256).
    email, role : str
        For a role change: whose role (their e-mail), and which role was granted or revoked.
    border : str
        For a change of infrastructure: the border's key.
    **counts : int
        Any of :data:`COUNTS`; the others are 0.
    """
    if action not in ACTIONS or outcome not in OUTCOMES or set(counts) - set(COUNTS):
        raise ValueError(f"not an audit entry: {action!r}, {outcome!r}, {sorted(counts)}")
    recorded_at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    values = (recorded_at, actor.name, actor.via, action, outcome, dataset, format, file_name, file_hash, email, role,
              border, *(int(counts.get(column, 0)) for column in COUNTS))
    conn.execute(
        f"INSERT INTO audit_log ({', '.join(COLUMNS)}) VALUES ({', '.join('?' for _ in COLUMNS)})", values
    )


def latest_sql(limit: int | None) -> tuple[str, tuple[int, ...]]:
    """The query of the newest ``limit`` entries (all when None), newest first, and its parameters."""
    sql = f"SELECT {', '.join(COLUMNS)} FROM audit_log ORDER BY entry_id DESC"
    return (sql, ()) if limit is None else (sql + " LIMIT ?", (limit,))


def as_frame(rows: list[tuple[object, ...]]) -> pd.DataFrame:
    """The rows of :func:`latest_sql` as a frame: ``recorded_at`` a UTC timestamp, counts integers."""
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    frame["recorded_at"] = pd.to_datetime(frame["recorded_at"], utc=True)
    return frame.astype({column: "int64" for column in COUNTS})
