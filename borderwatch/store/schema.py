"""The store's tables: their columns, the DDL, and the ``meta`` key-value table.

An incident is keyed by ``PRIMARY KEY (dataset, source_id)``: the source's
own event id (ACLED ``event_id_cnty``, GTD ``eventid``, UCDP ``id``) is
stable across exports, which is what makes re-imports update in place, and
two datasets may hold the same source event without clashing. The ``id``
column names one incident in the whole store (a unique index holds it so;
see :func:`~borderwatch.store.interface.qualified_id`).

The DDL is written for SQLite and PostgreSQL alike (``DOUBLE PRECISION``,
no SQLite-only types). The PostGIS store's first migration was made from it
and is frozen as literal PostgreSQL DDL (see :mod:`.pgschema`): a change
here reaches PostGIS only through a new migration there.
"""

from __future__ import annotations

from typing import Final

from borderwatch.borderzone import MEASURE_COLUMNS
from borderwatch.schema import COUNT_COLUMNS, INCIDENT_COLUMNS
from borderwatch.store.dialect import Connection, Dialect

#: Version of the table layout below; older ones are upgraded in place, newer ones refused.
SCHEMA_VERSION: Final[str] = "8"
#: The earliest ISO date a stored incident can have; stores written before
#: version 4 may hold earlier ones ("-001-01-01"), which no page can show.
FIRST_DATE: Final[str] = "0001-01-01"
#: ``meta`` key of the digest of the reference files the stored measures were computed from.
ZONE_SIGNATURE: Final[str] = "border_zone"
#: ``meta`` key of the longest span (days) of any stored incident, an upper bound.
LONGEST_SPAN: Final[str] = "longest_span_days"

DATE_COLUMNS = ("event_date", "end_date")
# Distances are NULL where a point cannot be projected (far outside the metric CRS's area).
MEASURE_FLOATS = ("distance_border_km", "distance_barrier_km", "border_position_km")
FLOAT_COLUMNS = ("latitude", "longitude", "precision_km")
TEXT_COLUMNS = tuple(
    column
    for column in INCIDENT_COLUMNS
    if column not in (*DATE_COLUMNS, *FLOAT_COLUMNS, "geo_precision", *COUNT_COLUMNS)
)
#: Stored columns of one incident, in the order rows are built; the key comes first.
ROW_COLUMNS: Final[tuple[str, ...]] = (
    "dataset",
    "source_id",
    *(column for column in INCIDENT_COLUMNS if column != "dataset"),
    "source_timestamp",
    "original",
    "last_date",  # end_date, or event_date for one-day events: indexed for date filters
    "event_day",  # event_date as days since 1970-01-01: portable ±1-day arithmetic
    "event_month",  # event_date as months since January 1970: the summary's time key
    "grid_x",  # Web Mercator pixel at mapgrid.GRID_ZOOM: map cells are shifts of it
    "grid_y",
    *MEASURE_COLUMNS,  # against the border and the barrier (borderwatch.borderzone)
    "content_hash",  # of all the above, to tell "unchanged" from "changed" cheaply
)


def column_ddl(column: str) -> str:
    if column in COUNT_COLUMNS or column in ("geo_precision", "event_day", "event_month", "grid_x", "grid_y",
                                             "between_barrier_and_border"):
        kind = "INTEGER"
    elif column in (*FLOAT_COLUMNS, *MEASURE_FLOATS):
        kind = "DOUBLE PRECISION"  # REAL in PostgreSQL is single precision
    elif column == "source_timestamp":
        kind = "BIGINT"
    else:
        kind = "TEXT"
    nullable = column in ("end_date", "precision_km", "source_timestamp", *COUNT_COLUMNS, *MEASURE_FLOATS)
    return f"{column} {kind}" + ("" if nullable else " NOT NULL")


_COUNT_COLUMNS_DDL = ", ".join(
    f"{name} INTEGER NOT NULL"
    for name in ("rows_read", "accepted", "rejected", "added", "updated", "unchanged")
)
SCHEMA: Final[tuple[str, ...]] = (
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    f"""CREATE TABLE IF NOT EXISTS datasets (
        name TEXT PRIMARY KEY,
        format TEXT NOT NULL,
        import_order INTEGER NOT NULL UNIQUE,
        file_name TEXT NOT NULL,
        file_hash TEXT NOT NULL,
        imported_at TEXT NOT NULL,
        {_COUNT_COLUMNS_DDL},
        notes TEXT NOT NULL)""",
    f"""CREATE TABLE IF NOT EXISTS imports (
        import_id INTEGER PRIMARY KEY,
        dataset TEXT NOT NULL,
        format TEXT NOT NULL,
        file_name TEXT NOT NULL,
        file_hash TEXT NOT NULL,
        imported_at TEXT NOT NULL,
        {_COUNT_COLUMNS_DDL})""",
    f"""CREATE TABLE IF NOT EXISTS incidents (
        {", ".join(column_ddl(column) for column in ROW_COLUMNS)},
        duplicate_of TEXT,
        duplicate_of_dataset TEXT,
        duplicate_of_source_id TEXT,
        PRIMARY KEY (dataset, source_id),
        FOREIGN KEY (dataset) REFERENCES datasets (name))""",
    # Few indexes on purpose: each one costs every imported row a B-tree
    # insert. Wide date ranges, types and countries are answered from
    # incident_cells; these serve what is narrow (edge months, a map view,
    # chosen actors, one incident).
    "CREATE INDEX IF NOT EXISTS incidents_event_date ON incidents (event_date)",
    # Unique: a link or a click names one incident (see qualified_id).
    "CREATE UNIQUE INDEX IF NOT EXISTS incidents_id ON incidents (id)",
    # The duplicate check seeks one other dataset at a time, so rows of the
    # dataset itself (often many on the same days and places) are never read.
    "CREATE INDEX IF NOT EXISTS incidents_duplicate_search"
    " ON incidents (dataset, event_type, event_day, latitude)",
    "CREATE INDEX IF NOT EXISTS incidents_lat_lon ON incidents (latitude, longitude)",
    "CREATE INDEX IF NOT EXISTS incidents_actor1 ON incidents (actor1)",
    "CREATE INDEX IF NOT EXISTS incidents_actor2 ON incidents (actor2)",
    # "Within X km of the border": the border districts are a small part of most datasets.
    "CREATE INDEX IF NOT EXISTS incidents_border_distance ON incidents (distance_border_km)",
    # Partial: only flagged rows are ever looked up by their original.
    "CREATE INDEX IF NOT EXISTS incidents_duplicate_of"
    " ON incidents (duplicate_of_dataset, duplicate_of_source_id) WHERE duplicate_of_dataset IS NOT NULL",
    # Incident counts, deaths and position sums per map cell, month and the
    # filterable keys, at each of mapgrid.SUMMARY_LEVELS: a map of a million
    # incidents reads thousands of these rows instead of a million incidents.
    """CREATE TABLE IF NOT EXISTS incident_cells (
        level INTEGER NOT NULL, cell_x INTEGER NOT NULL, cell_y INTEGER NOT NULL,
        event_month INTEGER NOT NULL, event_type TEXT NOT NULL, country TEXT NOT NULL,
        dataset TEXT NOT NULL, duplicate INTEGER NOT NULL,
        incidents INTEGER NOT NULL, deaths INTEGER NOT NULL,
        sum_latitude DOUBLE PRECISION NOT NULL, sum_longitude DOUBLE PRECISION NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS incident_cells_view ON incident_cells (level, cell_x, cell_y)",
    "CREATE INDEX IF NOT EXISTS incident_cells_dataset ON incident_cells (dataset, level)",
)
#: Statements that create the indexes of ``incidents`` besides its primary key (see ``imports.BULK_IMPORT_ROWS``).
SECONDARY_INDEX_DDL: Final[tuple[str, ...]] = tuple(
    statement for statement in SCHEMA
    if statement.startswith(("CREATE INDEX IF NOT EXISTS incidents_", "CREATE UNIQUE INDEX IF NOT EXISTS incidents_"))
)
#: Their names.
SECONDARY_INDEXES: Final[tuple[str, ...]] = tuple(
    statement.split("IF NOT EXISTS ")[1].split()[0] for statement in SECONDARY_INDEX_DDL
)
# Scratch tables of one write transaction, private to the connection.
TEMP_SCHEMA: Final[tuple[str, ...]] = (
    "CREATE TEMP TABLE IF NOT EXISTS touched (dataset TEXT NOT NULL, source_id TEXT NOT NULL)",
    "CREATE TEMP TABLE IF NOT EXISTS affected (dataset TEXT NOT NULL, source_id TEXT NOT NULL)",
    """CREATE TEMP TABLE IF NOT EXISTS pairs (
        dataset TEXT NOT NULL, source_id TEXT NOT NULL,
        dup_dataset TEXT NOT NULL, dup_source_id TEXT NOT NULL, dup_id TEXT NOT NULL,
        dup_order INTEGER NOT NULL, distance_km DOUBLE PRECISION NOT NULL)""",
    """CREATE TEMP TABLE IF NOT EXISTS best (
        dataset TEXT NOT NULL, source_id TEXT NOT NULL,
        dup_dataset TEXT NOT NULL, dup_source_id TEXT NOT NULL, dup_id TEXT NOT NULL,
        PRIMARY KEY (dataset, source_id))""",
    "CREATE INDEX IF NOT EXISTS touched_key ON touched (dataset, source_id)",
    "CREATE INDEX IF NOT EXISTS affected_key ON affected (dataset, source_id)",
)


def meta_int(conn: Connection, key: str) -> int:
    """An integer kept in ``meta``, 0 when absent."""
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return int(row[0]) if row else 0


def set_meta(conn: Connection, dialect: Dialect, key: str, value: object) -> None:
    """Set a ``meta`` value, inserting its key if new."""
    conn.execute(dialect.set_meta(), (key, str(value)))


def bump_revision(conn: Connection, dialect: Dialect) -> None:
    """Mark the stored incidents as changed (see :meth:`IncidentStore.revision`)."""
    conn.execute(dialect.bump_revision())
