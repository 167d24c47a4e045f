"""The store in a PostgreSQL + PostGIS database, shared by a team.

The same tables as the embedded store (see :mod:`.pgschema` for what
differs), the same statements (through :data:`~borderwatch.store.dialect.POSTGRES`),
so both engines give the same answers; positions are also PostGIS geometry
with a GiST index, which map views use.

Connections
-----------
Reads go through a small pool of autocommit connections (``psycopg_pool``),
shared by the sessions of one app process. Every write opens a connection of
its own, runs in one transaction and holds a transaction-level advisory lock
(:data:`~borderwatch.store.pgschema.WRITE_LOCK_KEY`): imports from two
machines queue instead of interleaving, and a failed or interrupted import
leaves nothing behind. Rows are loaded with ``COPY``.

Errors
------
A server that cannot be reached, a refused login, a database without PostGIS
or without BorderWatch's tables (and a role that may not create them) all
become :class:`~borderwatch.errors.StoreUnavailableError` with one message
that says what to do; the password of the URL is never shown.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from typing import Any, Final

import numpy as np
import psycopg
from psycopg import errors as pg_errors
from psycopg.conninfo import conninfo_to_dict
from psycopg_pool import ConnectionPool, PoolTimeout

from borderwatch.borderzone import MEASURE_COLUMNS, bundled_zone
from borderwatch.errors import DatasetConflictError, PermissionDeniedError, StoreBusyError, StoreUnavailableError
from borderwatch.store import audit, imports
from borderwatch.store.dialect import POSTGRES, PostgresDialect
from borderwatch.store.pgschema import LATEST, MIGRATIONS, MIGRATIONS_TABLE, PG_TEMP_SCHEMA, WRITE_LOCK_KEY
from borderwatch.store.schema import ZONE_SIGNATURE, bump_revision, set_meta
from borderwatch.store.writes import IncidentWrites

#: How long a write waits for another machine's write before giving up (as on SQLite).
DEFAULT_BUSY_TIMEOUT_S: Final[float] = 600.0
#: How long connecting to the server may take.
CONNECT_TIMEOUT_S: Final[int] = 10
#: Most reading connections one process keeps open.
READ_POOL_SIZE: Final[int] = 4
#: The command that creates or upgrades the tables (for a role that may), named in messages.
UPGRADE_COMMAND: Final[str] = "python -m borderwatch --database-url URL upgrade-db"
# Rows copied at once after which the table's planner statistics are renewed (in the transaction).
_ANALYZE_AFTER_ROWS = 10_000
# Rows re-measured per batch when the reference files change.
_REMEASURE_BATCH = 50_000
# "INSERT INTO table (columns) VALUES (?, ?, ...)": a plain insert of many rows, loaded with COPY.
_PLAIN_INSERT = re.compile(r"\s*INSERT INTO (\w+) \(([\w, ]+)\) VALUES \(\?(?:, \?)*\)\s*")


@lru_cache(maxsize=512)
def psycopg_sql(sql: str) -> str:
    """A statement written with ``?`` marks in psycopg's style (``%s``; a literal ``%`` doubled)."""
    return sql.replace("%", "%%").replace("?", "%s")


def safe_url(url: str) -> str:
    """The URL as it may be shown: host, port, database and user, never the password."""
    try:
        parts = conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        return "the database URL (which cannot be read)"
    user = f"{parts['user']}@" if parts.get("user") else ""
    port = f":{parts['port']}" if parts.get("port") else ""
    return f"postgresql://{user}{parts.get('host', '')}{port}/{parts.get('dbname', '')}"


def _first_line(error: Exception) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def unavailable(url: str, error: Exception) -> StoreUnavailableError:
    """What to say when the database cannot be used: which, why, and what to do."""
    where = safe_url(url)
    detail = _first_line(error)
    # First: a role that may not create the extension is refused with a privilege error too.
    if isinstance(error, (pg_errors.UndefinedFile, pg_errors.FeatureNotSupported)) or "postgis" in detail.lower():
        return StoreUnavailableError(
            f"{where}: PostGIS is missing ({detail}); install it on the server (Debian 12:"
            " postgresql-15-postgis-3) and run `CREATE EXTENSION postgis` in the database as a superuser")
    if isinstance(error, pg_errors.InsufficientPrivilege):
        return StoreUnavailableError(
            f"{where}: the database has no (or older) BorderWatch tables and this role may not create them"
            f" ({detail}); run `{UPGRADE_COMMAND}` as the database's owner")
    if isinstance(error, (pg_errors.InvalidPassword, pg_errors.InvalidAuthorizationSpecification)) or (
            "authentication failed" in detail or "password" in detail):
        return StoreUnavailableError(f"{where}: the server refused the login ({detail}); check the user and password")
    return StoreUnavailableError(
        f"{where}: the database is unavailable ({detail}); check that the server runs and the URL is right")


class PostgresConnection:
    """A psycopg connection inside a write, as the store's modules use one.

    Statements keep their ``?`` marks (converted here); a plain insert of
    many rows is loaded with ``COPY``.
    """

    def __init__(self, connection: psycopg.Connection[Any]) -> None:
        self._connection = connection

    def execute(self, sql: str, parameters: Any = (), /) -> psycopg.Cursor[Any]:
        """Run one statement."""
        return self._connection.execute(psycopg_sql(sql), tuple(parameters))

    def executemany(self, sql: str, parameters: Iterable[Any], /) -> None:
        """Run one statement per row; a plain insert streams the rows through ``COPY``."""
        plain = _PLAIN_INSERT.fullmatch(sql)
        with self._connection.cursor() as cursor:
            if plain is None:
                rows = [tuple(row) for row in parameters]
                if rows:
                    cursor.executemany(psycopg_sql(sql), rows)
                return
            table, columns = plain.groups()
            copied = 0
            with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in parameters:
                    copy.write_row(row)
                    copied += 1
            if copied >= _ANALYZE_AFTER_ROWS:
                # The planner's statistics still describe the table before this import: without
                # fresh ones, the next chunk's look-ups by key would scan the whole table.
                cursor.execute(f"ANALYZE {table}")


class PostGISStore(IncidentWrites):
    """The store in a PostgreSQL + PostGIS database. Use :func:`~borderwatch.store.open_store` to get one.

    Parameters
    ----------
    url : str
        ``postgresql://user:password@host:port/database``.
    busy_timeout_s : float
        How long a write waits for another process's write to finish.

    Raises
    ------
    StoreUnavailableError
        The server cannot be reached, refuses the login, lacks PostGIS, or
        the tables are missing and this role may not create them.
    """

    dialect: PostgresDialect = POSTGRES

    def __init__(self, url: str, *, busy_timeout_s: float = DEFAULT_BUSY_TIMEOUT_S) -> None:
        self.url = url
        self.busy_timeout_s = busy_timeout_s
        self._lock = threading.RLock()
        self._pool: ConnectionPool[Any] | None = None
        self.upgrade_schema()
        self._pool = ConnectionPool(
            url, min_size=1, max_size=READ_POOL_SIZE, open=False, name="borderwatch-read",
            # Unprepared: psycopg prepares a query run five times, and the server's generic plan
            # cannot see the values (a map box holding every incident looked selective, so the GiST
            # index read every row: 4x SQLite's date-range time at 1M; docs/postgis.md).
            kwargs={"autocommit": True, "connect_timeout": CONNECT_TIMEOUT_S, "prepare_threshold": None},
            # A connection the server dropped (a restart) is replaced, not handed out.
            check=ConnectionPool.check_connection,
        )
        try:
            self._pool.open(wait=True, timeout=CONNECT_TIMEOUT_S)
        except PoolTimeout as error:
            self._pool.close()
            raise unavailable(url, error) from error

    # -- plumbing ---------------------------------------------------------

    def _connect(self) -> psycopg.Connection[Any]:
        try:
            return psycopg.connect(self.url, connect_timeout=CONNECT_TIMEOUT_S)
        except psycopg.Error as error:
            raise unavailable(self.url, error) from error

    def close(self) -> None:
        """Close the reading connections."""
        if self._pool is not None:
            self._pool.close()

    def __enter__(self) -> PostGISStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _read(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Run one query on a pooled connection and return its rows."""
        if self._pool is None:
            raise StoreUnavailableError(f"{safe_url(self.url)}: the store is still being opened")
        try:
            with self._pool.connection(timeout=CONNECT_TIMEOUT_S) as connection:
                return connection.execute(psycopg_sql(sql), tuple(params)).fetchall()
        except (PoolTimeout, psycopg.OperationalError) as error:
            raise unavailable(self.url, error) from error

    @contextmanager
    def _write(self) -> Iterator[PostgresConnection]:
        """One write transaction holding the store's advisory lock: committed on success, else rolled back."""
        with self._lock, self._connect() as connection:
            # A plan prepared while the import's table was small would scan it later on: plan every statement.
            connection.prepare_threshold = None
            try:
                timeout_ms = max(int(self.busy_timeout_s * 1000), 1)
                connection.execute(f"SET LOCAL lock_timeout = {timeout_ms}")
                connection.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK_KEY,))
                connection.execute("SET LOCAL lock_timeout = 0")
                for statement in PG_TEMP_SCHEMA:
                    connection.execute(statement)
            except pg_errors.LockNotAvailable as error:
                raise StoreBusyError(
                    f"{safe_url(self.url)}: another import is still writing to the store; try again later"
                ) from error
            except psycopg.OperationalError as error:
                raise unavailable(self.url, error) from error
            try:
                yield PostgresConnection(connection)
                connection.commit()
            except pg_errors.InsufficientPrivilege as error:
                # Against PostGIS the database's own roles decide who may write (the CLI has no sign-in).
                raise PermissionDeniedError(
                    f"{safe_url(self.url)}: the database role may not change the store ({_first_line(error)}); "
                    "nothing was changed. Ask the database's owner to grant it INSERT, UPDATE and DELETE "
                    "on BorderWatch's tables, or use a role that has them"
                ) from error
            except psycopg.OperationalError as error:
                raise unavailable(self.url, error) from error

    def check_integrity(self) -> None:
        """Check that the database answers (PostgreSQL checks its own pages as it reads them).

        Raises
        ------
        StoreUnavailableError
            The server cannot be reached.
        """
        self._read("SELECT 1")

    # -- schema -------------------------------------------------------------

    def schema_version(self) -> int:
        """The number of the last migration applied (0 for a database without BorderWatch's tables)."""
        with self._connect() as connection:
            return _applied(connection)

    def upgrade_schema(self) -> None:
        """Create or upgrade the tables (see :mod:`.pgschema`), then re-measure if the reference files changed.

        A read first: a database that is up to date needs no lock and no
        privilege beyond reading and writing the tables.

        Raises
        ------
        StoreUnavailableError
            The tables are missing or older and this role may not create
            them (the message names :data:`UPGRADE_COMMAND`); PostGIS is missing.
        DatasetConflictError
            The database was written by a newer BorderWatch.
        """
        try:
            with self._connect() as connection:
                if _applied(connection) < LATEST:
                    connection.rollback()
                    connection.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK_KEY,))
                    connection.execute("CREATE EXTENSION IF NOT EXISTS postgis")
                    connection.execute(MIGRATIONS_TABLE)
                    done = _applied(connection)
                    for number, description, statements in MIGRATIONS:
                        if number > done:
                            for statement in statements:
                                connection.execute(statement)
                            connection.execute(
                                "INSERT INTO schema_migrations (version, description) VALUES (%s, %s)",
                                (number, description))
                    connection.commit()
        except psycopg.Error as error:
            raise unavailable(self.url, error) from error
        signature = self._meta(ZONE_SIGNATURE)
        if signature != bundled_zone().signature:
            with self._write() as conn:
                _remeasure(conn, self.dialect)

    def _meta(self, key: str) -> str | None:
        with self._connect() as connection:
            row = connection.execute("SELECT value FROM meta WHERE key = %s", (key,)).fetchone()
        return None if row is None else str(row[0])

    def seed_once(self) -> None:
        """Store the bundled incidents the first time the store is opened, never again."""
        seeded = "SELECT 1 FROM meta WHERE key = 'bundled_seeded'"
        if self._read(seeded):
            return
        with self._write() as conn:
            if conn.execute(seeded).fetchone() is None:  # another process may have seeded meanwhile
                imports.import_bundled(conn, self.dialect, audit.FIRST_RUN)
                conn.execute("INSERT INTO meta (key, value) VALUES ('bundled_seeded', '1')")


def _applied(connection: psycopg.Connection[Any]) -> int:
    """The last migration recorded in ``schema_migrations``, 0 if there is none (or no such table)."""
    exists = connection.execute("SELECT to_regclass('schema_migrations')").fetchone()
    if exists is None or exists[0] is None:
        return 0
    row = connection.execute("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").fetchone()
    version = int(row[0]) if row else 0
    if version > LATEST:
        raise DatasetConflictError(
            f"the database was written by a newer BorderWatch (schema {version}; this one knows {LATEST})")
    return version


def _remeasure(conn: PostgresConnection, dialect: PostgresDialect) -> None:
    """Measure every stored incident against the bundled border and barrier (inside a write)."""
    last: tuple[str, str] = ("", "")
    assignments = ", ".join(f"{column} = ?" for column in MEASURE_COLUMNS)
    while True:
        rows = conn.execute(
            "SELECT dataset, source_id, latitude, longitude FROM incidents"
            " WHERE (dataset, source_id) > (?, ?) ORDER BY dataset, source_id LIMIT ?",
            (*last, _REMEASURE_BATCH),
        ).fetchall()
        if not rows:
            break
        latitude = np.array([row[2] for row in rows], dtype=float)
        longitude = np.array([row[3] for row in rows], dtype=float)
        values = imports.measure_values(latitude, longitude)
        conn.executemany(
            f"UPDATE incidents SET {assignments} WHERE dataset = ? AND source_id = ?",
            zip(*(values[column] for column in MEASURE_COLUMNS), [row[0] for row in rows],
                [row[1] for row in rows], strict=True),
        )
        last = (rows[-1][0], rows[-1][1])
    set_meta(conn, dialect, ZONE_SIGNATURE, bundled_zone().signature)
    bump_revision(conn, dialect)
