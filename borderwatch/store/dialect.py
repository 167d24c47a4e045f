"""What is particular to one SQL engine, in one place.

The store's statements are otherwise plain SQL that SQLite and PostgreSQL
both run: positions are ``latitude`` / ``longitude`` ranges, dates ISO text,
the duplicate check's day window integer arithmetic on ``event_day``. What
differs (index hints, join-order hints, the write lock, meta upserts, date
arithmetic, connection settings, lists of parameter marks) is asked of a
:class:`Dialect`; :data:`SQLITE` is the one in use. Statements are written
with ``?`` marks (DB-API "qmark"); an engine whose driver takes another style
(psycopg: ``%s``) converts them where it executes them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Final, Protocol


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


@dataclass(frozen=True)
class SQLiteDialect:
    """SQLite's side of :class:`Dialect`."""

    # Take the writer lock at once rather than at the first write, so two imports queue instead of deadlocking.
    begin_write: str = "BEGIN IMMEDIATE"
    # CROSS JOIN makes SQLite keep the written join order.
    ordered_join: str = "CROSS JOIN"

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


#: The dialect of :class:`~borderwatch.store.sqlite.SQLiteStore`.
SQLITE: Final[SQLiteDialect] = SQLiteDialect()
