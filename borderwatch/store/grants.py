"""Roles granted in the app: kept in the store, so every app process of a team reads the same ones.

A grant gives one e-mail address (lower-case, as sign-in compares them) the
role ``analyst`` or ``admin``; a person's role is the highest of the sign-in
settings and their grant (:func:`borderwatch.roles.role_of`). Granting and
revoking run in a write transaction that also appends the change to the
audit trail and counts the store's revision up, so the app processes that
cache grants under it read the change on their next rerun. Only an admin
may change grants: the store checks the acting role itself, and records a
refusal in the audit trail like a refused import or removal.
"""

from __future__ import annotations

import datetime as dt
from typing import Final

import pandas as pd

from borderwatch.errors import UnknownGrantError, quoted
from borderwatch.roles import Role
from borderwatch.store import audit
from borderwatch.store.dialect import Connection, Dialect
from borderwatch.store.interface import Actor
from borderwatch.store.schema import bump_revision

#: The columns of :meth:`~borderwatch.store.interface.IncidentStore.role_grants`, in order.
COLUMNS: Final[tuple[str, ...]] = ("email", "role", "granted_by", "granted_at")
#: The table, in DDL both engines run; the database itself refuses a role no one may be granted.
ROLE_GRANTS_TABLE: Final[str] = (
    "CREATE TABLE IF NOT EXISTS role_grants (email TEXT PRIMARY KEY,"
    " role TEXT NOT NULL CHECK (role IN ('analyst', 'admin')),"
    " granted_by TEXT NOT NULL, granted_at TEXT NOT NULL)"
)
#: What schema 6 (PostGIS migration 3) adds: the grants, and whose role an audit entry changed.
SCHEMA: Final[tuple[str, ...]] = (ROLE_GRANTS_TABLE, *audit.ROLE_COLUMNS_DDL)
#: The query of every grant, by e-mail.
LISTING_SQL: Final[str] = f"SELECT {', '.join(COLUMNS)} FROM role_grants ORDER BY email"


def grant(conn: Connection, dialect: Dialect, email: str, role: Role, actor: Actor) -> bool:
    """Grant ``role`` to ``email`` (replacing a grant of another role), inside the caller's write.

    Parameters
    ----------
    conn : Connection
        The write transaction.
    dialect : Dialect
    email : str
        Checked already (:func:`borderwatch.roles.check_email`).
    role : Role
        One of :data:`borderwatch.roles.GRANTABLE`.
    actor : Actor
        Who grants it, recorded in the audit trail.

    Returns
    -------
    bool
        False when ``email`` holds that role already: nothing changes, nothing is recorded.
    """
    held = conn.execute("SELECT role FROM role_grants WHERE email = ?", (email,)).fetchone()
    if held is not None and held[0] == role.label:
        return False
    granted_at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    conn.execute(
        "INSERT INTO role_grants (email, role, granted_by, granted_at) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (email) DO UPDATE SET role = excluded.role, granted_by = excluded.granted_by,"
        " granted_at = excluded.granted_at",
        (email, role.label, actor.name, granted_at),
    )
    audit.record(conn, actor, "grant", email=email, role=role.label)
    bump_revision(conn, dialect)
    return True


def revoke(conn: Connection, dialect: Dialect, email: str, actor: Actor) -> Role:
    """Revoke the grant of ``email``, inside the caller's write; return the role it gave.

    Raises
    ------
    UnknownGrantError
        ``email`` holds no grant (the message lists those who do); nothing is recorded.
    """
    held = conn.execute("SELECT role FROM role_grants WHERE email = ?", (email,)).fetchone()
    if held is None:
        granted = [row[0] for row in conn.execute(LISTING_SQL)]
        raise UnknownGrantError(
            f"{quoted(email)} holds no role granted in the app (a role from the sign-in settings is changed "
            f"there); granted: {', '.join(granted) or 'none'}")
    conn.execute("DELETE FROM role_grants WHERE email = ?", (email,))
    audit.record(conn, actor, "revoke", email=email, role=held[0])
    bump_revision(conn, dialect)
    return Role.parse(held[0])


def as_frame(rows: list[tuple[object, ...]]) -> pd.DataFrame:
    """The rows of :data:`LISTING_SQL` as a frame, ``granted_at`` a UTC timestamp."""
    frame = pd.DataFrame(rows, columns=list(COLUMNS), dtype=object)
    frame["granted_at"] = pd.to_datetime(frame["granted_at"], utc=True)
    return frame
