"""What is particular to one SQL engine, in one place.

The store's statements are otherwise plain SQL that SQLite and PostgreSQL
both run: positions are ``latitude`` / ``longitude`` ranges, dates ISO text,
the duplicate check's day window integer arithmetic on ``event_day``. What
differs (index hints, join-order hints, the write lock, meta upserts, date
arithmetic, connection settings, lists of parameter marks, a map view's
box) is asked of a :class:`Dialect`: :data:`SQLITE` or :data:`POSTGRES`.
Statements are written with ``?`` marks (DB-API "qmark"); an engine whose
driver takes another style (psycopg: ``%s``) converts them where it executes
them. The modules that write take any :class:`Connection`: ``sqlite3``'s, or
the PostGIS store's adapter of a psycopg connection.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Final, Protocol


class Cursor(Protocol):
    """What the store's modules use of a cursor (DB-API)."""

    @property
    def rowcount(self) -> int:
        """Rows the last statement changed."""
        ...

    def fetchone(self) -> Any:
        """The next row, or None."""
        ...

    def fetchall(self) -> list[Any]:
        """Every remaining row."""
        ...

    def fetchmany(self, size: int = ..., /) -> list[Any]:
        """Up to ``size`` rows."""
        ...

    def __iter__(self) -> Iterator[Any]:
        ...


class Connection(Protocol):
    """What the store's modules use of a connection inside a write: ``?`` marks, DB-API style."""

    def execute(self, sql: str, parameters: Any = ..., /) -> Cursor:
        """Run one statement."""
        ...

    def executemany(self, sql: str, parameters: Iterable[Any], /) -> Any:
        """Run one statement once per row of parameters."""
        ...


class Dialect(Protocol):
    """The engine-specific parts of the store's SQL."""

    @property
    def begin_write(self) -> str:
        """The statement that opens a write transaction holding the writer lock."""
        ...

    @property
    def ordered_join(self) -> str:
        """A join the engine must not reorder (a plain join where the planner is trusted)."""
        ...

    @property
    def rebuilds_indexes_in_bulk(self) -> bool:
        """Whether a large import drops the secondary indexes and builds them again at its end."""
        ...

    @property
    def incident_key(self) -> str:
        """The integer column that names an incident row for good: the per-border measures refer to it."""
        ...

    def marks(self, count: int) -> str:
        """Return ``count`` parameter marks, comma-separated."""
        ...

    def unindexed(self, column: str) -> str:
        """Return ``column`` as an expression the planner will not choose an index for."""
        ...

    def set_meta(self) -> str:
        """Return the statement that sets ``meta`` (key, value), inserting or replacing."""
        ...

    def bump_revision(self) -> str:
        """Return the statement that counts the store's ``revision`` in ``meta`` up by one."""
        ...

    def days_between(self, later: str, earlier: str) -> str:
        """Return an expression for the days from date column ``earlier`` to ``later``."""
        ...

    def writer_settings(self, page_size: int, cache_kib: int) -> tuple[str, ...]:
        """Return the statements that set up the writing connection."""
        ...

    def reader_settings(self, cache_kib: int) -> tuple[str, ...]:
        """Return the statements that set up the reading connection."""
        ...

    def geometry_in(self) -> str:
        """Return the expression that stores one WKB parameter (EPSG:4326) as the engine keeps geometry."""
        ...

    def geometry_out(self, column: str) -> str:
        """Return the expression that reads geometry ``column`` back as WKB."""
        ...

    def box_clauses(self, boxes: list[tuple[float, float, float, float]]) -> tuple[list[str], list[Any]]:
        """Return extra WHERE clauses (and their parameters) that let a spatial index find a map view.

        ``boxes`` are ``(west, south, east, north)`` with ``west <= east`` (a
        view across the antimeridian is two); the latitude and longitude
        ranges are filtered exactly besides, so these may keep a little more.
        """
        ...


@dataclass(frozen=True)
class SQLiteDialect:
    """SQLite's side of :class:`Dialect`."""

    # Take the writer lock at once rather than at the first write, so two imports queue instead of deadlocking.
    begin_write: str = "BEGIN IMMEDIATE"
    # CROSS JOIN makes SQLite keep the written join order.
    ordered_join: str = "CROSS JOIN"
    # Readers in WAL mode never wait for the writer, so they do not notice.
    rebuilds_indexes_in_bulk: bool = True
    # The table's own row id: an update keeps it; only a removed last row's may be given again.
    incident_key: str = "rowid"

    def marks(self, count: int) -> str:
        """``?, ?, ...`` (``count`` of them)."""
        return ", ".join("?" for _ in range(count))

    def unindexed(self, column: str) -> str:
        """A unary ``+`` hides a column from SQLite's planner (it keeps no range histograms)."""
        return f"+{column}"

    def set_meta(self) -> str:
        """An upsert on the key."""
        return "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value"

    def bump_revision(self) -> str:
        """SQLite converts the text value to a number and back."""
        return (
            "INSERT INTO meta (key, value) VALUES ('revision', '1')"
            " ON CONFLICT (key) DO UPDATE SET value = CAST(value AS INTEGER) + 1"
        )

    def days_between(self, later: str, earlier: str) -> str:
        """Through ``julianday``, SQLite's date arithmetic."""
        return f"julianday({later}) - julianday({earlier})"

    def writer_settings(self, page_size: int, cache_kib: int) -> tuple[str, ...]:
        """WAL lets readers run during an import; FULL makes a reported commit
        survive power loss; foreign keys are off by default; a large page cache
        keeps index pages hot while an import inserts into them; sorts (index
        builds, summary counts) may use helper threads. The page size applies
        to a new file only."""
        return (
            f"PRAGMA page_size = {page_size}",
            "PRAGMA journal_mode = WAL",
            "PRAGMA synchronous = FULL",
            "PRAGMA foreign_keys = ON",
            f"PRAGMA cache_size = -{cache_kib}",
            f"PRAGMA threads = {min(os.cpu_count() or 1, 4)}",
        )

    def reader_settings(self, cache_kib: int) -> tuple[str, ...]:
        """Map views and edge days read scattered rows: keep their pages."""
        return (f"PRAGMA cache_size = -{cache_kib}",)

    def geometry_in(self) -> str:
        """The WKB itself, kept as a BLOB (GDAL and shapely read it)."""
        return "?"

    def geometry_out(self, column: str) -> str:
        """The BLOB as stored."""
        return column

    def box_clauses(self, boxes: list[tuple[float, float, float, float]]) -> tuple[list[str], list[Any]]:
        """None: the index on (latitude, longitude) serves the exact ranges."""
        return [], []


#: The dialect of :class:`~borderwatch.store.sqlite.SQLiteStore`.
SQLITE: Final[SQLiteDialect] = SQLiteDialect()


@dataclass(frozen=True)
class PostgresDialect:
    """PostgreSQL's side of :class:`Dialect` (the PostGIS store)."""

    # The writer lock is a transaction-level advisory lock the store takes after BEGIN.
    begin_write: str = "BEGIN"
    # PostgreSQL's planner keeps statistics and may reorder: a cross join filtered by WHERE is a plain join.
    ordered_join: str = "CROSS JOIN"
    # Dropping an index locks the table against every reader until the import commits.
    rebuilds_indexes_in_bulk: bool = False
    # An identity column (PostgreSQL rows have no stable id of their own); never given twice.
    incident_key: str = "row_id"

    def marks(self, count: int) -> str:
        """``?, ?, ...``: the store converts them to psycopg's ``%s`` when it runs a statement."""
        return ", ".join("?" for _ in range(count))

    def unindexed(self, column: str) -> str:
        """The column itself: PostgreSQL's planner has histograms and needs no hiding."""
        return column

    def set_meta(self) -> str:
        """An upsert on the key."""
        return "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value"

    def bump_revision(self) -> str:
        """PostgreSQL converts text to a number and back only when asked."""
        return (
            "INSERT INTO meta (key, value) VALUES ('revision', '1')"
            " ON CONFLICT (key) DO UPDATE SET value = CAST(CAST(meta.value AS BIGINT) + 1 AS TEXT)"
        )

    def days_between(self, later: str, earlier: str) -> str:
        """Subtracting dates gives days."""
        return f"(CAST({later} AS DATE) - CAST({earlier} AS DATE))"

    def writer_settings(self, page_size: int, cache_kib: int) -> tuple[str, ...]:
        """None: the server's configuration applies."""
        return ()

    def reader_settings(self, cache_kib: int) -> tuple[str, ...]:
        """None: the server's configuration applies."""
        return ()

    def geometry_in(self) -> str:
        """A PostGIS geometry made from the WKB (its coordinates kept exactly)."""
        return "ST_GeomFromWKB(?, 4326)"

    def geometry_out(self, column: str) -> str:
        """WKB written by PostGIS: the doubles as stored."""
        return f"ST_AsBinary({column})"

    def box_clauses(self, boxes: list[tuple[float, float, float, float]]) -> tuple[list[str], list[Any]]:
        """The view as envelopes the GiST index on ``geom`` finds (its boxes are rounded outwards)."""
        clause = " OR ".join("geom && ST_MakeEnvelope(?, ?, ?, ?, 4326)" for _ in boxes)
        return [f"({clause})"], [value for box in boxes for value in box]


#: The dialect of :class:`~borderwatch.store.postgis.PostGISStore`.
POSTGRES: Final[PostgresDialect] = PostgresDialect()
