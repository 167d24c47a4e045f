"""The stored incidents' measures against any land border, kept per border beside the incidents.

The default border's measures (:data:`~borderwatch.config.DEFAULT_BORDER`)
are columns of ``incidents``, written with every import. Any other border's
live in ``border_measures``: one row per (border, incident), the incident
named by the engine's :attr:`~borderwatch.store.dialect.Dialect.incident_key`
(SQLite's ``rowid``; PostGIS's identity column ``row_id``). A read joins
them on that primary key; "within X km" per border is served by the index on
``(border, distance_border_km)``.

Which incidents a border lacks is known without reading them: ``meta``
keeps, per border, the highest incident key up to which every incident has
its measures (:data:`MEASURED_UPTO`) and the signature of the geometry they
were measured against (:data:`MEASURED_SIGNATURE`). An import appends
incidents above it; an import that updates an incident in place, or a
removal, forgets that incident's measures and lowers the mark below it
(:func:`forget_measures`). Every function here runs inside a write.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Final

import numpy as np
import pandas as pd

from borderwatch import config
from borderwatch.borderzone import MEASURE_COLUMNS
from borderwatch.errors import InvalidQueryError, quoted
from borderwatch.filters import border_key
from borderwatch.store.dialect import Connection, Dialect
from borderwatch.store.schema import MEASURE_FLOATS, bump_revision, column_ddl, set_meta

#: A vectorised measure: ``measure(latitude, longitude)`` -> a frame of :data:`MEASURE_COLUMNS`, one row per point.
Measure = Callable[[np.ndarray, np.ndarray], pd.DataFrame]
#: ``meta`` key prefix: every incident whose key is at most this value has its measures against the border.
MEASURED_UPTO: Final[str] = "border_measured_upto:"
#: ``meta`` key prefix: the signature of the border's geometry the stored measures were computed from.
MEASURED_SIGNATURE: Final[str] = "border_measured_signature:"

#: The table and its index, in SQL both engines read (the PostGIS migration adds collation).
MEASURES_DDL: Final[tuple[str, ...]] = (
    "CREATE TABLE IF NOT EXISTS border_measures (border TEXT NOT NULL, incident BIGINT NOT NULL, "
    + ", ".join(column_ddl(column) for column in MEASURE_COLUMNS)
    + ", PRIMARY KEY (border, incident))",
    # "Within X km of the border" for one border: a range of this index.
    "CREATE INDEX IF NOT EXISTS border_measures_distance ON border_measures (border, distance_border_km)",
)
#: SQLite's: the rows stored in their primary key's B-tree (no second copy of the key).
SQLITE_MEASURES_DDL: Final[tuple[str, ...]] = (MEASURES_DDL[0] + " WITHOUT ROWID", *MEASURES_DDL[1:])


def checked_border(border: str) -> str:
    """The border's key (``"LBY-TUN"``), or :class:`~borderwatch.errors.InvalidQueryError`."""
    key = border_key(border)
    if key is None:
        raise InvalidQueryError(f"{quoted(border)} is not a border: give two three-letter codes such as TUN-LBY")
    return key


def measured_borders(conn: Connection) -> list[str]:
    """The borders other than the default that the store keeps measures for."""
    rows = conn.execute("SELECT key FROM meta WHERE key LIKE ?", (MEASURED_UPTO + "%",)).fetchall()
    return sorted(row[0][len(MEASURED_UPTO):] for row in rows)


def _meta(conn: Connection, key: str) -> str | None:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return None if row is None else str(row[0])


def measure_chunk(
    conn: Connection, dialect: Dialect, border: str, measure: Measure, signature: str, chunk_rows: int,
) -> int:
    """Measure up to ``chunk_rows`` incidents that lack measures against ``border``, inside one write.

    The first chunk after the border's geometry changed (its stored
    signature differs from ``signature``) forgets every measure of the
    border first.

    Parameters
    ----------
    conn : Connection
    dialect : Dialect
    border : str
        A border's key, not the default one.
    measure : callable
        ``measure(latitude, longitude)`` -> :data:`MEASURE_COLUMNS`, one row per point.
    signature : str
        What the border's geometry was built from.
    chunk_rows : int

    Returns
    -------
    int
        How many incidents were measured: fewer than ``chunk_rows`` when
        every incident has its measures now.
    """
    key = dialect.incident_key
    if _meta(conn, MEASURED_SIGNATURE + border) != signature:
        conn.execute("DELETE FROM border_measures WHERE border = ?", (border,))
        set_meta(conn, dialect, MEASURED_SIGNATURE + border, signature)
        set_meta(conn, dialect, MEASURED_UPTO + border, 0)
        bump_revision(conn, dialect)
    upto = int(_meta(conn, MEASURED_UPTO + border) or 0)
    rows = conn.execute(
        f"SELECT {key}, latitude, longitude FROM incidents WHERE {key} > ? AND NOT EXISTS"
        f" (SELECT 1 FROM border_measures m WHERE m.border = ? AND m.incident = incidents.{key})"
        f" ORDER BY {key} LIMIT ?",
        (upto, border, chunk_rows),
    ).fetchall()
    if len(rows) < chunk_rows:
        # The last chunk: every incident up to the highest key is measured once these are.
        top = conn.execute(f"SELECT MAX({key}) FROM incidents").fetchone()[0]
        upto = max(upto, int(top or 0))
    else:
        upto = int(rows[-1][0])
    if rows:
        keys, latitude, longitude = (np.array(column) for column in zip(*rows, strict=True))
        conn.executemany(
            f"INSERT INTO border_measures (border, incident, {', '.join(MEASURE_COLUMNS)})"
            f" VALUES ({dialect.marks(2 + len(MEASURE_COLUMNS))})",
            _stored_rows(border, keys, measure(latitude.astype(float), longitude.astype(float))),
        )
        # No new revision: a read never sees part of a border's measures (it refuses one not
        # measured to the end), so no cached answer is outdated, and every cache stays warm.
    set_meta(conn, dialect, MEASURED_UPTO + border, upto)
    return len(rows)


def _stored_rows(border: str, keys: np.ndarray, measured: pd.DataFrame) -> list[tuple[Any, ...]]:
    """The measure function's frame as rows of ``border_measures``, or a clear refusal of a wrong frame."""
    missing = [column for column in MEASURE_COLUMNS if column not in measured.columns]
    if missing or len(measured) != len(keys):
        raise ValueError(
            f"the measure function for {border} must return one row per point ({len(keys):,}) with the columns"
            f" {', '.join(MEASURE_COLUMNS)}; it returned {len(measured):,} rows"
            + (f" lacking {', '.join(missing)}" if missing else ""))
    values: list[list[Any]] = [[border] * len(keys), keys.astype(np.int64).tolist()]
    for column in MEASURE_COLUMNS:
        series = measured[column].reset_index(drop=True)
        if column in MEASURE_FLOATS:
            numbers = pd.to_numeric(series, errors="coerce").astype(float)
            values.append(numbers.astype(object).where(np.isfinite(numbers), None).tolist())
        elif column == "border_side":
            values.append(series.fillna("").astype(str).tolist())
        else:
            values.append(series.fillna(False).astype(bool).astype(int).tolist())
    return list(zip(*values, strict=True))


def forget_measures(conn: Connection, dialect: Dialect, rows_where: str, params: Sequence[Any],
                    *, removed: bool) -> None:
    """Forget every border's measures of the incidents ``rows_where`` selects, before they change or go.

    Parameters
    ----------
    conn : Connection
    dialect : Dialect
    rows_where : str
        A condition on ``incidents`` (``"dataset = ?"``).
    params : sequence
        Its parameters.
    removed : bool
        The incidents are about to be removed: once they are gone, the
        caller calls :func:`cap_measured_marks`. Else they are about to be
        updated in place: they keep their keys, and the mark of what is
        measured falls below the lowest of them.
    """
    borders = measured_borders(conn)
    if not borders:
        return
    key = dialect.incident_key
    selected = f"SELECT {key} FROM incidents WHERE {rows_where}"
    for border in borders:
        conn.execute(f"DELETE FROM border_measures WHERE border = ? AND incident IN ({selected})",
                     (border, *params))
    if removed:
        return
    lowest = conn.execute(f"SELECT MIN({key}) - 1 FROM incidents WHERE {rows_where}", tuple(params)).fetchone()[0]
    if lowest is None:
        return  # nothing selected
    for border in borders:
        if lowest < int(_meta(conn, MEASURED_UPTO + border) or 0):
            set_meta(conn, dialect, MEASURED_UPTO + border, int(lowest))


def cap_measured_marks(conn: Connection, dialect: Dialect) -> None:
    """After a removal: no border's mark above the highest key left (SQLite may give the next row a removed key)."""
    top = int(conn.execute(f"SELECT COALESCE(MAX({dialect.incident_key}), 0) FROM incidents").fetchone()[0])
    for border in measured_borders(conn):
        if top < int(_meta(conn, MEASURED_UPTO + border) or 0):
            set_meta(conn, dialect, MEASURED_UPTO + border, top)


def is_default(border: str) -> bool:
    """Whether ``border`` (a key) is the one whose measures are the incidents' own columns."""
    return border == config.DEFAULT_BORDER
