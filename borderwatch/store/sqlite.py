"""The store in one SQLite file: every imported dataset, beside the bundled one.

Why SQLite
----------
The store is one SQLite database file in a per-user data directory
(:func:`~borderwatch.store.factory.data_dir`). SQLite is embedded (no server
to install or keep running), transactional (an import lands whole or not at
all, even when the process is killed), ships with Python's standard library
(``sqlite3``), and is one of the best-tested pieces of software there is.
GDAL/OGR, QGIS, DuckDB, pandas and the ``sqlite3`` shell all open the file
directly; the incidents are a plain table with ``latitude`` / ``longitude`` columns.

This class composes the parts of the store, each in its module: the tables
(:mod:`.schema`, :mod:`.migrations`), writing (:mod:`.imports`), probable
duplicates (:mod:`.duplicates`), the map summary (:mod:`.summaries`) and
reading (:mod:`.reads`, :mod:`.query`). What is particular to SQLite in their
SQL is asked of :data:`~borderwatch.store.dialect.SQLITE`.

Integrity
---------
Every write first runs SQLite's ``PRAGMA quick_check`` in its transaction;
a damaged file is never written to (:class:`~borderwatch.errors.StoreDamagedError`
says what to do), and the check runs when a store is opened too, so a
damaged store is reported before anything is read from it.

Atomicity and concurrency
-------------------------
Every write (an import, a removal, a re-seed) is one transaction opened with
``BEGIN IMMEDIATE``, which takes the single writer lock up front; a second
writer in another process waits up to the busy timeout, then gets
:class:`~borderwatch.errors.StoreBusyError`. In WAL mode readers (the
dashboard) never wait for a writer and see the store as of the last commit.
An exception anywhere in an import rolls back; a killed process leaves an
uncommitted tail in the WAL that SQLite discards on the next open.

Removing the bundled dataset is allowed; :meth:`SQLiteStore.reseed_bundled`
brings it back (as the latest dataset, so its rows may then be flagged
against user data).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Final

from borderwatch.borderzone import bundled_zone
from borderwatch.errors import (
    DatasetConflictError,
    StoreBusyError,
    StoreDamagedError,
    StoreUnavailableError,
)
from borderwatch.store import audit, bordermeasures, grants, imports, infrastructure, migrations
from borderwatch.store.dialect import SQLITE, SQLiteDialect
from borderwatch.store.paths import DATA_DIR_ENV, damage_message
from borderwatch.store.schema import SCHEMA, SCHEMA_VERSION, TEMP_SCHEMA, ZONE_SIGNATURE, set_meta
from borderwatch.store.writes import IncidentWrites

#: How long a writer waits for another writer's lock before giving up. Imports
#: of a million rows take a minute or two, so the default is generous.
DEFAULT_BUSY_TIMEOUT_S: Final[float] = 600.0

#: Page size of a new store file, in bytes.
PAGE_SIZE: Final[int] = 16_384
#: Page cache of the reading connection (KiB), shared by every session of the app.
READ_CACHE_KIB: Final[int] = 65_536
#: Page cache of the writing connection (KiB, as SQLite's negative cache_size).
IMPORT_CACHE_KIB: Final[int] = 262_144


class SQLiteStore(IncidentWrites):
    """The store in one SQLite file. Use :func:`open_store` to get one.

    One connection, shared by the threads of one process (Streamlit runs
    sessions in threads) behind a lock; other processes open their own.

    Parameters
    ----------
    path : pathlib.Path
        The database file; created with its schema if missing.
    busy_timeout_s : float
        How long a write waits for another process's write to finish.
    """

    dialect: SQLiteDialect = SQLITE

    def __init__(self, path: Path, *, busy_timeout_s: float = DEFAULT_BUSY_TIMEOUT_S) -> None:
        self.path = Path(path)
        self._lock = threading.RLock()
        # isolation_level=None: no implicit transactions; every write opens its
        # own with BEGIN IMMEDIATE below.
        with self._explaining():
            self._conn = sqlite3.connect(
                self.path, timeout=busy_timeout_s, isolation_level=None, check_same_thread=False
            )
        # Reads go through a second connection with a lock of their own, so a
        # long import (which holds the writer connection) never blocks the
        # dashboard's queries: in WAL mode they read the last committed state.
        self._read_lock = threading.Lock()
        self._reader: sqlite3.Connection | None = None
        try:
            for statement in self.dialect.writer_settings(PAGE_SIZE, IMPORT_CACHE_KIB):
                self._conn.execute(statement)
            self._ensure_schema()
            for statement in TEMP_SCHEMA:
                self._conn.execute(statement)
            self._reader = sqlite3.connect(
                self.path, timeout=busy_timeout_s, isolation_level=None, check_same_thread=False
            )
            for statement in self.dialect.reader_settings(READ_CACHE_KIB):
                self._reader.execute(statement)
        except sqlite3.Error as error:
            self._conn.close()
            explained = self._explained(error)
            if explained is error:
                raise
            raise explained from error
        except BaseException:
            self._conn.close()
            raise

    # -- plumbing ---------------------------------------------------------

    def close(self) -> None:
        """Close the connections (an open import would be rolled back)."""
        with self._lock:
            self._conn.close()
        with self._read_lock:
            if self._reader is not None:
                self._reader.close()

    def _read(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Run one query on the reading connection and return its rows."""
        with self._read_lock, self._explaining():
            return self._reading().execute(sql, params).fetchall()

    def _reading(self) -> sqlite3.Connection:
        """The reading connection (absent only while the store is being opened)."""
        if self._reader is None:
            raise StoreUnavailableError(f"{self.path}: the store is still being opened")
        return self._reader

    def _explained(self, error: sqlite3.Error) -> Exception:
        """The error SQLite gave, as a :class:`BorderWatchError` that says what to do, where one does."""
        name = getattr(error, "sqlite_errorname", "")
        folder = self.path.parent
        if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")):
            return StoreDamagedError(damage_message(self.path, str(error)))
        if name.startswith(("SQLITE_READONLY", "SQLITE_CANTOPEN", "SQLITE_PERM", "SQLITE_AUTH")):
            return StoreUnavailableError(
                f"{folder}: BorderWatch cannot open or write its store there ({error}): make the folder "
                f"and {self.path.name} writable, or set {DATA_DIR_ENV} (or --data-dir) to a folder you can write to"
            )
        if name.startswith("SQLITE_FULL"):
            return StoreUnavailableError(f"{folder}: the disk is full ({error}); nothing was stored: free some space")
        return error

    @contextmanager
    def _explaining(self) -> Iterator[None]:
        """Turn SQLite's damaged-file and cannot-write errors into :class:`BorderWatchError`."""
        try:
            yield
        except sqlite3.Error as error:
            explained = self._explained(error)
            if explained is error:
                raise
            raise explained from error

    def check_integrity(self) -> None:
        """Run SQLite's ``PRAGMA quick_check`` on the store file.

        It reads every page (about 2 s for a million incidents, warm; 7 s
        cold) but checks no index against its table, which is what makes it
        quick.

        Raises
        ------
        StoreDamagedError
            The file is damaged; the message says what to do.
        """
        with self._read_lock, self._explaining():
            self._reading().execute("PRAGMA shrink_memory")
            found = self._reading().execute("PRAGMA quick_check(5)").fetchall()
        if found != [("ok",)]:
            raise StoreDamagedError(damage_message(self.path, "; ".join(str(row[0]) for row in found)))

    def __enter__(self) -> SQLiteStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: committed on success, rolled back on any exception.

        Nothing is written to a damaged file: the transaction starts with
        SQLite's quick check (see :meth:`check_integrity`).
        """
        with self._lock, self._explaining():
            try:
                self._conn.execute(self.dialect.begin_write)
            except sqlite3.OperationalError as error:
                if "locked" in str(error) or "busy" in str(error):
                    raise StoreBusyError(
                        f"{self.path}: another import is still writing to the store; try again later"
                    ) from error
                raise
            try:
                # Pages cached since an earlier write would hide damage done to the file since.
                self._conn.execute("PRAGMA shrink_memory")
                found = self._conn.execute("PRAGMA quick_check(5)").fetchall()
                if found != [("ok",)]:
                    raise StoreDamagedError(damage_message(self.path, "; ".join(str(row[0]) for row in found)))
                yield self._conn
                self._conn.execute("COMMIT")
            except BaseException:
                # Also when COMMIT itself fails (a full disk): the next write must start afresh.
                if self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
                raise

    def _ensure_schema(self) -> None:
        # A plain read first: an existing store needs no writer lock to open,
        # so the dashboard opens while an import is running elsewhere.
        try:
            row = self._conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        except sqlite3.OperationalError:  # no meta table: a new file
            row = None
        if row is None:
            with self._write() as conn:
                for statement in (*SCHEMA, *audit.SQLITE_AUDIT_SCHEMA, *bordermeasures.SQLITE_MEASURES_DDL,
                                  *infrastructure.SQLITE_SCHEMA):
                    conn.execute(statement)
                # Two processes may race to create the file; the second finds the row.
                if conn.execute("SELECT 1 FROM meta WHERE key = 'schema_version'").fetchone() is None:
                    # Only here: a column cannot be added twice, as the one who lost the race would.
                    for statement in (*grants.SCHEMA, audit.BORDER_COLUMN_DDL):
                        conn.execute(statement)
                    conn.execute("INSERT INTO meta (key, value) VALUES ('schema_version', ?)", (SCHEMA_VERSION,))
                    set_meta(conn, self.dialect, ZONE_SIGNATURE, bundled_zone().signature)
        elif row[0] in ("1", "2", "3", "4", "5", "6", "7"):
            with self._write() as conn:
                migrations.upgrade(conn, self.dialect)
        elif row[0] != SCHEMA_VERSION:
            raise DatasetConflictError(
                f"{self.path}: store written with schema version {row[0]}, this BorderWatch reads {SCHEMA_VERSION}"
            )
        signature = self._conn.execute("SELECT value FROM meta WHERE key = ?", (ZONE_SIGNATURE,)).fetchone()
        if signature is None or signature[0] != bundled_zone().signature:
            with self._write() as conn:
                migrations.remeasure(conn, self.dialect)

    def seed_once(self) -> None:
        """Store the bundled incidents the first time the store is opened, never again."""
        seeded = "SELECT 1 FROM meta WHERE key = 'bundled_seeded'"
        if self._conn.execute(seeded).fetchone() is not None:
            return
        with self._write() as conn:
            if conn.execute(seeded).fetchone() is None:  # another process may have seeded meanwhile
                imports.import_bundled(conn, self.dialect, audit.FIRST_RUN)
                conn.execute("INSERT INTO meta (key, value) VALUES ('bundled_seeded', '1')")
