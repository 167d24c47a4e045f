"""The persistent incident store: every imported dataset, beside the bundled one.

Why SQLite
----------
The store is one SQLite database file in a per-user data directory
(:func:`data_dir`). SQLite is embedded (no server to install or keep
running), transactional (an import lands whole or not at all, even when the
process is killed), ships with Python's standard library (``sqlite3``), and
is one of the best-tested pieces of software there is. GDAL/OGR, QGIS,
DuckDB, pandas and the ``sqlite3`` shell all open the file directly; the
incidents are a plain table with ``latitude`` / ``longitude`` columns.

Portability
-----------
A PostGIS backend for teams is planned: the store sits behind the
:class:`IncidentStore` protocol, and the queries this module runs are plain
SQL that PostgreSQL runs unchanged (``?`` placeholders become ``%s``):
positions are ``latitude`` / ``longitude`` columns with a B-tree index and a
bounding box is two ranges; dates are ISO ``yyyy-mm-dd`` text, which sorts
like a date; the ±1-day window of the duplicate check is integer arithmetic
on ``event_day`` (days since 1970-01-01) instead of a dialect's date
functions. The SQLite-only parts are marked "SQLite-specific": the PRAGMAs
of the connection, ``BEGIN IMMEDIATE``, and ``CROSS JOIN`` as a join-order
hint in the duplicate search. The DDL is per backend (PostGIS would use
``DATE`` columns and a geometry column beside latitude/longitude).

Keys
----
An incident is keyed by ``PRIMARY KEY (dataset, source_id)``: the source's
own event id (ACLED ``event_id_cnty``, GTD ``eventid``, UCDP ``id``) is
stable across exports, which is what makes re-imports update in place, and
two datasets may hold the same source event (an ACLED export imported twice
under different names) without clashing.

The schema's ``id`` names one incident in the whole store (a unique index
holds it so): an imported row's id is the importer's id qualified by its
dataset, ``ACLED-TUN1@analyst-b`` (see :func:`qualified_id`); the bundled
incidents keep their own ids, which no importer gives. Links carry these
ids; :meth:`SQLiteStore.resolve_incident_id` also reads the unqualified
ids that links held before (``ACLED-TUN1``) while they name one incident.

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

Duplicates
----------
Rows of different datasets that are probably the same event (same ACLED
``event_type``, event dates at most one day apart, at most 5 km apart) are
flagged, not merged: the row of the dataset imported later gets
``duplicate_of`` = the ``id`` of the row in the earlier dataset. Dataset
order is the order datasets were first created (``import_order``); it does
not change when a dataset is re-imported. Removing the bundled dataset is
allowed; :meth:`SQLiteStore.reseed_bundled` brings it back (as the latest
dataset, so its rows may then be flagged against user data).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import os
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, Protocol

import geopandas as gpd
import numpy as np
import pandas as pd
import platformdirs

from borderwatch import __version__, config
from borderwatch.errors import (
    DatasetConflictError,
    DatasetNameError,
    StoreBusyError,
    StoreDamagedError,
    StoreUnavailableError,
    StrictImportError,
    UnknownDatasetError,
    quoted,
)
from borderwatch.borderzone import MEASURE_COLUMNS, bundled_zone, measure
from borderwatch.filters import IncidentFilter
from borderwatch.importers.base import ParsedChunk, Rejection
from borderwatch.importers.validate import BIDI_CONTROLS
from borderwatch.mapgrid import (
    SUMMARY_LEVELS,
    cell_range,
    cell_shift,
    first_whole_month,
    grid_xy,
    last_whole_month,
    month_index,
    month_start,
    summary_level,
)
from borderwatch.reference import load_incidents
from borderwatch.schema import COUNT_COLUMNS, INCIDENT_COLUMNS

#: Environment variable naming the data directory (the app and the CLI read it alike).
DATA_DIR_ENV: Final[str] = "BORDERWATCH_DATA_DIR"
#: Name of the database file inside the data directory.
DATABASE_FILE: Final[str] = "borderwatch.sqlite"
#: Dataset (and format) name of the bundled incidents; reserved for them.
BUNDLED: Final[str] = "bundled"
#: Version of the table layout below; older ones are upgraded in place, newer ones refused.
SCHEMA_VERSION: Final[str] = "4"
#: Joins an imported incident's id to its dataset (see :func:`qualified_id`).
ID_QUALIFIER: Final[str] = "@"
#: The earliest ISO date a stored incident can have; stores written before
#: version 4 may hold earlier ones ("-001-01-01"), which no page can show.
FIRST_DATE: Final[str] = "0001-01-01"
#: Two rows of different datasets closer than this (and otherwise alike) are probable duplicates.
DUPLICATE_DISTANCE_KM: Final[float] = 5.0
#: ... and at most this many days apart.
DUPLICATE_DAY_WINDOW: Final[int] = 1
#: Mean Earth radius (IUGG), for the haversine distance.
EARTH_RADIUS_KM: Final[float] = 6371.0088
#: How long a writer waits for another writer's lock before giving up. Imports
#: of a million rows take a minute or two, so the default is generous.
DEFAULT_BUSY_TIMEOUT_S: Final[float] = 600.0

#: An import that has added this many rows, and more than the store held
#: before, drops the secondary indexes of ``incidents`` and builds them again
#: at its end (in the same transaction): sorting a million keys once is far
#: quicker than a million random B-tree inserts per index.
BULK_IMPORT_ROWS: Final[int] = 50_000
#: Page size of a new store file, in bytes.
PAGE_SIZE: Final[int] = 16_384
#: Page cache of the reading connection (KiB), shared by every session of the app.
READ_CACHE_KIB: Final[int] = 65_536
#: Page cache of the writing connection (KiB, as SQLite's negative cache_size).
IMPORT_CACHE_KIB: Final[int] = 262_144

#: ``meta`` key of the digest of the reference files the stored measures were computed from.
_ZONE_SIGNATURE: Final[str] = "border_zone"
# Rows re-measured per batch when the reference files change.
_REMEASURE_BATCH = 100_000
# Row ids per "IN (...)" list: far below SQLite's (and PostgreSQL's) parameter limits.
_IN_BATCH = 500
# Candidate pairs fetched per round trip in the duplicate check.
_FETCH_BATCH = 10_000

_DATE_COLUMNS = ("event_date", "end_date")
# Distances are NULL where a point cannot be projected (far outside the metric CRS's area).
_MEASURE_FLOATS = ("distance_border_km", "distance_barrier_km", "border_position_km")
_FLOAT_COLUMNS = ("latitude", "longitude", "precision_km")
_TEXT_COLUMNS = tuple(
    column
    for column in INCIDENT_COLUMNS
    if column not in (*_DATE_COLUMNS, *_FLOAT_COLUMNS, "geo_precision", *COUNT_COLUMNS)
)
#: Columns the importer hands over besides the schema (``row`` is not stored).
_CHUNK_EXTRAS = ("source_id", "source_timestamp", "original")
#: Marks content digests of this kind; a store upgraded from schema 1 holds
#: older ones, which are compared by source record instead (see ``_upsert``).
_HASH_VERSION: Final[str] = "2"
#: Mapped fields hashed column-wise beside the source record (see :func:`_content_hashes`).
_MAPPING_DEPENDENT: Final[tuple[str, ...]] = (
    "event_date", "end_date", "event_type", "sub_event_type", "location", "latitude", "longitude",
    "deaths_best", "description",
)
#: Stored columns of one incident, in the order rows are built; the key comes first.
_ROW_COLUMNS: Final[tuple[str, ...]] = (
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
#: Columns :meth:`SQLiteStore.query` returns besides the schema.
QUERY_EXTRAS: Final[tuple[str, ...]] = ("source_id", "probable_duplicate", "duplicate_of", *MEASURE_COLUMNS)


#: What a finest-level summary cell is keyed by (besides level and dataset), and what it sums.
_CELL_KEYS: Final[tuple[str, ...]] = ("cell_x", "cell_y", "event_month", "event_type", "country", "duplicate")
_CELL_VALUES: Final[tuple[str, ...]] = ("incidents", "deaths", "sum_latitude", "sum_longitude")
_CELL_VALUES_FROM_DUPLICATE: Final[tuple[str, ...]] = ("duplicate", *_CELL_VALUES)


def _count_cells(rows: list[tuple[Any, ...]]) -> pd.DataFrame:
    """Finest-level summary cells of stored rows (``_ROW_COLUMNS`` tuples), none flagged yet."""
    positions = [_ROW_COLUMNS.index(name) for name in
                 ("grid_x", "grid_y", "event_month", "event_type", "country", "deaths_best", "latitude", "longitude")]
    frame = pd.DataFrame([[row[i] for i in positions] for row in rows],
                         columns=["cell_x", "cell_y", "event_month", "event_type", "country", "deaths",
                                  "sum_latitude", "sum_longitude"])
    shift = cell_shift(SUMMARY_LEVELS[-1])
    frame["cell_x"] = np.right_shift(frame["cell_x"].to_numpy(np.int64), shift)
    frame["cell_y"] = np.right_shift(frame["cell_y"].to_numpy(np.int64), shift)
    frame["deaths"] = frame["deaths"].fillna(0).astype("int64")
    frame["duplicate"] = 0
    frame["incidents"] = 1
    return frame.groupby(list(_CELL_KEYS), as_index=False, sort=False)[list(_CELL_VALUES)].sum()


def _column_ddl(column: str) -> str:
    if column in COUNT_COLUMNS or column in ("geo_precision", "event_day", "event_month", "grid_x", "grid_y",
                                             "between_barrier_and_border"):
        kind = "INTEGER"
    elif column in (*_FLOAT_COLUMNS, *_MEASURE_FLOATS):
        kind = "DOUBLE PRECISION"  # REAL in PostgreSQL is single precision
    elif column == "source_timestamp":
        kind = "BIGINT"
    else:
        kind = "TEXT"
    nullable = column in ("end_date", "precision_km", "source_timestamp", *COUNT_COLUMNS, *_MEASURE_FLOATS)
    return f"{column} {kind}" + ("" if nullable else " NOT NULL")


_COUNT_COLUMNS_DDL = ", ".join(
    f"{name} INTEGER NOT NULL"
    for name in ("rows_read", "accepted", "rejected", "added", "updated", "unchanged")
)
_SCHEMA: Final[tuple[str, ...]] = (
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
        {", ".join(_column_ddl(column) for column in _ROW_COLUMNS)},
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
#: Statements that create the indexes of ``incidents`` besides its primary key (see BULK_IMPORT_ROWS).
_SECONDARY_INDEX_DDL: Final[tuple[str, ...]] = tuple(
    statement for statement in _SCHEMA
    if statement.startswith(("CREATE INDEX IF NOT EXISTS incidents_", "CREATE UNIQUE INDEX IF NOT EXISTS incidents_"))
)
#: Their names.
_SECONDARY_INDEXES: Final[tuple[str, ...]] = tuple(
    statement.split("IF NOT EXISTS ")[1].split()[0] for statement in _SECONDARY_INDEX_DDL
)
# Scratch tables of one write transaction, private to the connection.
_TEMP_SCHEMA: Final[tuple[str, ...]] = (
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

# Candidate pairs for the duplicate check: rows of one dataset in the key set
# (a) against the rows of one other dataset (b): same type, event days at most
# one apart, inside a lat/lon box that holds every point within
# DUPLICATE_DISTANCE_KM; the exact distance is checked in numpy. The query
# walks the smaller side and seeks the other through incidents_duplicate_search:
# a million new rows against thirty bundled ones walk the thirty. A key listed
# twice may yield its pairs twice, which is harmless. SQLite-specific: CROSS
# JOIN makes SQLite keep the written join order; to PostgreSQL it is a plain
# join whose order its planner picks.
_PAIR_COLUMNS = "a.dataset, a.source_id, b.dataset, b.source_id, b.id, ?, a.latitude, a.longitude, b.latitude, b.longitude"
_PAIR_SQL_WALK_KEYS = f"""
SELECT {_PAIR_COLUMNS}
FROM {{keys}}
CROSS JOIN incidents b
WHERE {{key_rows}}
  AND b.dataset = ?
  AND b.event_type = a.event_type
  AND b.event_day IN (a.event_day - 1, a.event_day, a.event_day + 1)
  AND b.latitude BETWEEN a.latitude - ? AND a.latitude + ?
  AND b.longitude BETWEEN a.longitude - ? AND a.longitude + ?
"""
_PAIR_SQL_WALK_OTHER = f"""
SELECT {_PAIR_COLUMNS}
FROM incidents b
CROSS JOIN incidents a
WHERE b.dataset = ?
  AND a.dataset = ?
  AND a.event_type = b.event_type
  AND a.event_day IN (b.event_day - 1, b.event_day, b.event_day + 1)
  AND a.latitude BETWEEN b.latitude - ? AND b.latitude + ?
  AND a.longitude BETWEEN b.longitude - ? AND b.longitude + ?
  {{key_filter}}
"""
# How the two queries above name the a-rows: the rows of a key table, or
# every row of one dataset (a new dataset: all of it is new).
_KEY_TABLE_ROWS = "{keys} k CROSS JOIN incidents a", "k.dataset = ? AND a.dataset = k.dataset AND a.source_id = k.source_id"
_DATASET_ROWS = "incidents a", "a.dataset = ?"
_KEY_TABLE_FILTER = "AND EXISTS (SELECT 1 FROM {keys} k WHERE k.dataset = a.dataset AND k.source_id = a.source_id)"


def _qualifier(dataset: str) -> str:
    # "%" and "@" escaped as in a URL: after the last "@" of an id comes the whole dataset name.
    return dataset.replace("%", "%25").replace(ID_QUALIFIER, "%40")


def qualified_id(incident_id: str, dataset: str) -> str:
    """The id an incident is stored, drawn and linked under: unique in the store.

    Parameters
    ----------
    incident_id : str
        The id the importer gives (``f"{FORMAT}-{source_id}"``, e.g. ``ACLED-TUN1``).
    dataset : str
        The dataset it is stored in.

    Returns
    -------
    str
        ``"ACLED-TUN1@analyst-b"``: the id, ``@``, and the dataset name with
        ``%`` and ``@`` written ``%25`` and ``%40``, so that two datasets
        holding one ACLED event give two ids. Bundled incidents keep their id.
    """
    if dataset == BUNDLED:
        return incident_id
    return f"{incident_id}{ID_QUALIFIER}{_qualifier(dataset)}"


def check_dataset_name(name: str) -> str:
    """Return a dataset name stripped of outer spaces, or refuse it.

    Parameters
    ----------
    name : str

    Returns
    -------
    str

    Raises
    ------
    DatasetNameError
        Empty, longer than ``config.DATASET_NAME_MAX_CHARS``, or holding a
        line break, another control character or a bidirectional override
        (which would make it read as another name).
    """
    stripped = name.strip()
    if not stripped:
        raise DatasetNameError("a dataset needs a name")
    problems = []
    if len(stripped) > config.DATASET_NAME_MAX_CHARS:
        problems.append(f"is {len(stripped):,} characters long (at most {config.DATASET_NAME_MAX_CHARS})")
    if any(ord(char) < 32 or 0x7F <= ord(char) < 0xA0 for char in stripped):
        problems.append("holds a line break or another control character")
    if any(char in BIDI_CONTROLS for char in stripped):
        problems.append("holds a bidirectional-override character (it would show as another name)")
    if problems:
        raise DatasetNameError(f"the dataset name {quoted(stripped, 40)} " + " and ".join(problems)
                               + ": choose a short name on one line, such as acled-2024")
    return stripped


def data_dir() -> Path:
    """Return the directory that holds the store.

    Returns
    -------
    pathlib.Path
        ``$BORDERWATCH_DATA_DIR`` if set and not empty, else the per-user data
        directory of the platform (e.g. ``~/.local/share/borderwatch`` on Linux).
        Not created here.
    """
    configured = os.environ.get(DATA_DIR_ENV, "").strip()
    if configured:
        return Path(configured).expanduser()
    return Path(platformdirs.user_data_dir("borderwatch", appauthor=False))


@dataclass
class ImportReport:
    """What an import did.

    Attributes
    ----------
    format, dataset : str
        The file's format and the dataset it went into.
    rows_read : int
        Records read from the file (accepted + rejected).
    accepted, rejected : int
        Records that passed validation, and those refused.
    added, updated, unchanged : int
        What happened to the accepted records in the store; they add up to
        ``accepted``. All zero when nothing was stored (strict refusal).
    rejections : list of Rejection
        Every refused record with its row, column and reason.
    """

    format: str
    dataset: str
    rows_read: int = 0
    accepted: int = 0
    rejected: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    rejections: list[Rejection] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Return the report as the command line's ``--json`` prints it.

        Returns
        -------
        dict
            Keys ``format, dataset, accepted, rejected, added, updated,
            unchanged, rejections``; each rejection as ``{row, column, reason}``.
        """
        return {
            "format": self.format,
            "dataset": self.dataset,
            "accepted": self.accepted,
            "rejected": self.rejected,
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejections": [
                {"row": item.row, "column": item.column, "reason": item.reason}
                for item in self.rejections
            ],
        }


class IncidentStore(Protocol):
    """What every backend of the store offers (SQLite now, PostGIS planned)."""

    def import_chunks(
        self,
        chunks: Iterable[ParsedChunk],
        *,
        dataset: str,
        format: str,
        file_name: str,
        file_hash: str,
        strict: bool = False,
        progress: Callable[[int], None] | None = None,
        notes: str = "",
        mapping: Mapping[str, str] | None = None,
    ) -> ImportReport:
        """Store parsed chunks as one dataset, in one transaction."""
        ...

    def datasets(self) -> pd.DataFrame:
        """List the datasets with their provenance."""
        ...

    def import_log(self) -> pd.DataFrame:
        """List every import that changed the store."""
        ...

    def remove_dataset(self, name: str) -> int:
        """Remove a dataset and its incidents; return how many incidents went."""
        ...

    def reseed_bundled(self) -> ImportReport:
        """Store the bundled incidents again as dataset ``"bundled"``."""
        ...

    def query(
        self,
        selection: IncidentFilter,
        *,
        datasets: tuple[str, ...] | None = None,
        actors: tuple[str, ...] | None = None,
        hide_duplicates: bool = False,
        max_border_km: float | None = None,
        bbox: tuple[float, float, float, float] | None = None,
        ids: tuple[str, ...] | None = None,
        limit: int | None = None,
        newest_first: bool = False,
    ) -> gpd.GeoDataFrame:
        """Return the incidents that match, typed like :func:`load_incidents`."""
        ...

    def points(
        self,
        selection: IncidentFilter,
        *,
        datasets: tuple[str, ...] | None = None,
        actors: tuple[str, ...] | None = None,
        hide_duplicates: bool = False,
        max_border_km: float | None = None,
        bbox: tuple[float, float, float, float] | None = None,
        limit: int | None = None,
        newest_first: bool = False,
    ) -> pd.DataFrame:
        """Return what the map draws of each matching incident (:data:`POINT_COLUMNS`)."""
        ...

    def aggregate(
        self,
        selection: IncidentFilter,
        *,
        by: tuple[str, ...] = (),
        zoom: int | None = None,
        datasets: tuple[str, ...] | None = None,
        actors: tuple[str, ...] | None = None,
        hide_duplicates: bool = False,
        max_border_km: float | None = None,
        bbox: tuple[float, float, float, float] | None = None,
    ) -> pd.DataFrame:
        """Count the matching incidents and their deaths by map cell, month, type or country."""
        ...

    def incident_ids_for(self, link_id: str) -> tuple[str, ...]:
        """Return every stored id a link's incident id may name."""
        ...

    def resolve_incident_id(self, link_id: str) -> str | None:
        """Return the stored id of the incident a link names, or ``None`` if none or several."""
        ...

    def unreadable_dates(self) -> pd.DataFrame:
        """Count, by dataset, the incidents no page can show because of their date."""
        ...

    def check_integrity(self) -> None:
        """Raise :class:`StoreDamagedError` if the store is damaged."""
        ...

    def filter_options(self) -> dict[str, Any]:
        """Return what the sidebar offers: date bounds and distinct values."""
        ...

    def count(self) -> int:
        """Return how many incidents the store holds."""
        ...

    def revision(self) -> str:
        """Return a token that changes whenever the stored incidents change."""
        ...

    def flag_duplicates(self) -> int:
        """Recompute every probable-duplicate flag; return how many rows are flagged."""
        ...

    def close(self) -> None:
        """Release the connection."""
        ...


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file, read in blocks (a dataset's provenance)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _nullable(values: pd.Series) -> list[Any]:
    """Python values with ``None`` for missing (sqlite3 binds neither NaN-as-NULL nor pd.NA)."""
    return values.astype(object).where(values.notna(), None).tolist()


def _db_rows(incidents: pd.DataFrame, dataset: str, signature: str) -> list[tuple[Any, ...]]:
    """Turn a chunk's typed frame into tuples in :data:`_ROW_COLUMNS` order."""
    count = len(incidents)
    values: dict[str, list[Any]] = {
        column: incidents[column].fillna("").astype(str).tolist() for column in _TEXT_COLUMNS
    }
    values["dataset"] = [dataset] * count
    if dataset != BUNDLED:
        values["id"] = [qualified_id(incident_id, dataset) for incident_id in values["id"]]
    source_ids = incidents["source_id"].fillna("").astype(str)
    # A source without its own ids (a GIS file) is keyed by the schema id.
    values["source_id"] = source_ids.where(source_ids.str.strip() != "", incidents["id"]).tolist()
    event = pd.to_datetime(incidents["event_date"])
    end = pd.to_datetime(incidents["end_date"])
    event_text = event.dt.strftime("%Y-%m-%d")
    end_text = end.dt.strftime("%Y-%m-%d")
    values["event_date"] = event_text.tolist()
    values["end_date"] = _nullable(end_text.where(end.notna()))
    values["last_date"] = end_text.where(end.notna(), event_text).tolist()
    values["event_day"] = event.to_numpy(dtype="datetime64[D]").astype(np.int64).tolist()
    values["event_month"] = month_index(event.to_numpy(dtype="datetime64[D]")).tolist()
    grid_x, grid_y = grid_xy(incidents["latitude"].to_numpy(float), incidents["longitude"].to_numpy(float))
    values["grid_x"], values["grid_y"] = grid_x.tolist(), grid_y.tolist()
    for column in _FLOAT_COLUMNS:
        values[column] = _nullable(pd.to_numeric(incidents[column]).astype(float))
    values["geo_precision"] = incidents["geo_precision"].astype(int).tolist()
    for column in COUNT_COLUMNS:
        values[column] = _nullable(incidents[column].astype("Int64"))
    values["source_timestamp"] = _nullable(pd.to_numeric(incidents["source_timestamp"]).astype("Int64"))
    values["original"] = [
        value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True)
        for value in incidents["original"].tolist()
    ]
    values.update(_measure_values(incidents["latitude"].to_numpy(float), incidents["longitude"].to_numpy(float)))
    values["content_hash"] = _content_hashes(incidents, values["original"], signature)
    return list(zip(*(values[column] for column in _ROW_COLUMNS), strict=True))


def _measure_values(latitude: np.ndarray, longitude: np.ndarray) -> dict[str, list[Any]]:
    """The :data:`~borderwatch.borderzone.MEASURE_COLUMNS` of points, as stored values."""
    measured = measure(latitude, longitude)
    values: dict[str, list[Any]] = {
        column: _nullable(measured[column].where(np.isfinite(measured[column]))) for column in _MEASURE_FLOATS
    }
    values["border_side"] = measured["border_side"].tolist()
    values["between_barrier_and_border"] = measured["between_barrier_and_border"].astype(int).tolist()
    return values


def _mapping_signature(format: str, mapping: Mapping[str, str] | None) -> str:
    """What, besides a source record, decides its mapped row: the format, the
    user's column mapping and the version of the importers."""
    return json.dumps([format, sorted((mapping or {}).items()), __version__])


def _content_hashes(incidents: pd.DataFrame, originals: list[str], signature: str) -> list[str]:
    """A digest of each row's content, to tell changed rows from unchanged ones.

    The source record (``original``) and the import's signature (see
    :func:`_mapping_signature`) determine the mapped row: they are hashed
    whole (BLAKE2b, 64 bits); the mapped fields that depend on the data
    beyond the record are hashed column-wise by pandas (64 bits). Hashing
    every mapped column row by row cost more than storing the rows. Only
    ever compared with the digest stored for the same key; the leading
    :data:`_HASH_VERSION` tells these digests from older ones.
    """
    mapped = pd.util.hash_pandas_object(
        incidents.loc[:, list(_MAPPING_DEPENDENT)], index=False, hash_key="borderwatch-rw01"
    ).to_numpy()
    digest = hashlib.blake2b
    prefix = (signature + "\x1f").encode("utf-8")
    return [
        f"{_HASH_VERSION}{digest(prefix + original.encode('utf-8'), digest_size=8).hexdigest()}{fields:016x}"
        for original, fields in zip(originals, mapped.tolist(), strict=True)
    ]


def _layers(rows: list[tuple[Any, ...]]) -> list[list[tuple[Any, ...]]]:
    """Split rows so no source_id repeats within a layer; later repeats come in later layers.

    A file may list one event twice (the second occurrence then upserts over
    the first, as it would in a later file).
    """
    layers: list[list[tuple[Any, ...]]] = []
    seen: dict[str, int] = {}
    for row in rows:
        depth = seen.get(row[1], 0)
        seen[row[1]] = depth + 1
        if depth == len(layers):
            layers.append([])
        layers[depth].append(row)
    return layers


def _haversine_km(lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray, lon2: np.ndarray) -> np.ndarray:
    phi1, phi2 = np.radians(lat1), np.radians(lat2)
    half_dphi = (phi2 - phi1) / 2
    half_dlambda = np.radians(lon2 - lon1) / 2
    h = np.sin(half_dphi) ** 2 + np.cos(phi1) * np.cos(phi2) * np.sin(half_dlambda) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))


def _search_box(max_abs_latitude: float) -> tuple[float, float]:
    """Half-widths (degrees of latitude, longitude) of a box holding every point
    within :data:`DUPLICATE_DISTANCE_KM` of any point at ``|latitude| <= max_abs_latitude``.

    From the haversine formula: |Δφ| <= d/R, and for both points at
    |φ| <= φmax, sin(|Δλ|/2) <= sin(d/2R) / cos φmax. A 1e-6 margin absorbs rounding.
    """
    angle = DUPLICATE_DISTANCE_KM / EARTH_RADIUS_KM
    dlat = math.degrees(angle) * (1 + 1e-6)
    ratio = math.sin(angle / 2) / max(math.cos(math.radians(min(max_abs_latitude, 90.0))), 1e-12)
    dlon = 360.0 if ratio >= 1 else math.degrees(2 * math.asin(ratio)) * (1 + 1e-6)
    return dlat, dlon


def _bundled_chunk() -> ParsedChunk:
    """The bundled incidents as an importer would hand them over."""
    # The path is read now, not bound at import: it is configurable.
    incidents = pd.DataFrame(load_incidents(config.INCIDENTS_PATH).drop(columns="geometry"))
    raw = pd.read_csv(config.INCIDENTS_PATH, dtype=str, keep_default_na=False, encoding="utf-8")
    originals = {
        record["id"]: json.dumps(record, ensure_ascii=False, sort_keys=True)
        for record in raw.to_dict(orient="records")
    }
    incidents["source_id"] = incidents["id"]
    incidents["source_timestamp"] = pd.array([pd.NA] * len(incidents), dtype="Int64")
    incidents["original"] = incidents["id"].map(originals)
    incidents["row"] = range(2, len(incidents) + 2)
    return ParsedChunk(incidents=incidents, rows_read=len(incidents))


def _date_text(value: dt.date) -> str:
    # Not strftime: it writes the year 1 as "1", which sorts after "2016".
    return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"


class SQLiteStore:
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
            # SQLite-specific: WAL lets readers run during an import; FULL makes
            # a reported commit survive power loss; foreign keys are off by default.
            # 16 KiB pages for a new file (an existing one keeps its own):
            # incident rows are kilobytes wide, and bulk imports wrote and
            # committed a fifth faster than with the 4 KiB default.
            self._conn.execute(f"PRAGMA page_size = {PAGE_SIZE}")
            self._conn.execute("PRAGMA journal_mode = WAL")
            self._conn.execute("PRAGMA synchronous = FULL")
            self._conn.execute("PRAGMA foreign_keys = ON")
            # A large page cache (default 2 MiB) keeps the index pages hot
            # while an import inserts into them; pages are allocated only as
            # used, and the size bounds the memory.
            self._conn.execute(f"PRAGMA cache_size = -{IMPORT_CACHE_KIB}")
            # Sorts (index builds after a bulk import, summary counts) may use
            # helper threads: by then the importer's reading process is done.
            self._conn.execute(f"PRAGMA threads = {min(os.cpu_count() or 1, 4)}")
            self._ensure_schema()
            for statement in _TEMP_SCHEMA:
                self._conn.execute(statement)
            self._reader = sqlite3.connect(
                self.path, timeout=busy_timeout_s, isolation_level=None, check_same_thread=False
            )
            # Map views and edge days read scattered rows: keep their pages.
            self._reader.execute(f"PRAGMA cache_size = -{READ_CACHE_KIB}")
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
            return self._reader.execute(sql, params).fetchall()

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
            self._reader.execute("PRAGMA shrink_memory")
            found = self._reader.execute("PRAGMA quick_check(5)").fetchall()
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
                # SQLite-specific: take the writer lock now rather than at the
                # first write, so two imports queue instead of deadlocking.
                self._conn.execute("BEGIN IMMEDIATE")
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
                for statement in _SCHEMA:
                    conn.execute(statement)
                # Two processes may race to create the file; the second finds the row.
                if conn.execute("SELECT 1 FROM meta WHERE key = 'schema_version'").fetchone() is None:
                    conn.execute("INSERT INTO meta (key, value) VALUES ('schema_version', ?)", (SCHEMA_VERSION,))
                    _set_meta(conn, _ZONE_SIGNATURE, bundled_zone().signature)
        elif row[0] in ("1", "2", "3"):
            self._upgrade()
        elif row[0] != SCHEMA_VERSION:
            raise DatasetConflictError(
                f"{self.path}: store written with schema version {row[0]}, this BorderWatch reads {SCHEMA_VERSION}"
            )
        signature = self._conn.execute("SELECT value FROM meta WHERE key = ?", (_ZONE_SIGNATURE,)).fetchone()
        if signature is None or signature[0] != bundled_zone().signature:
            with self._write():
                self._remeasure()

    def _upgrade(self) -> None:
        """Bring a store of schema version 1, 2 or 3 to :data:`SCHEMA_VERSION`, in one transaction."""
        with self._write() as conn:
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
                    default = "" if column in _MEASURE_FLOATS else " DEFAULT ''" if column == "border_side" else " DEFAULT 0"
                    conn.execute(f"ALTER TABLE incidents ADD COLUMN {_column_ddl(column)}{default}")
            self._qualify_ids()  # 3 -> 4
            for statement in _SCHEMA:
                conn.execute(statement)
            if version == "1":
                self._refresh_cells(row[0] for row in conn.execute("SELECT name FROM datasets"))
                self._recount_longest_span()
            if version in ("1", "2"):
                self._remeasure()
            conn.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (SCHEMA_VERSION,))
            conn.execute(
                "INSERT INTO meta (key, value) VALUES ('revision', '1')"
                " ON CONFLICT (key) DO UPDATE SET value = CAST(value AS INTEGER) + 1"
            )

    def _qualify_ids(self) -> None:
        """Give every imported incident its dataset-qualified id (schema 4), inside a write.

        Before version 4 an id was the importer's alone, so one ACLED event
        in two datasets had one id. An id that is qualified already is left.
        """
        conn = self._conn
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

    def _remeasure(self) -> None:
        """Measure every stored incident against the bundled border and barrier (inside a write).

        Runs when the store is upgraded, and when the reference files change.
        """
        conn = self._conn
        last = 0
        while True:
            rows = conn.execute(
                "SELECT rowid, latitude, longitude FROM incidents WHERE rowid > ? ORDER BY rowid LIMIT ?",
                (last, _REMEASURE_BATCH),
            ).fetchall()
            if not rows:
                break
            rowid, latitude, longitude = (np.array(column) for column in zip(*rows, strict=True))
            values = _measure_values(latitude.astype(float), longitude.astype(float))
            conn.executemany(
                f"UPDATE incidents SET {', '.join(f'{column} = ?' for column in MEASURE_COLUMNS)} WHERE rowid = ?",
                zip(*(values[column] for column in MEASURE_COLUMNS), rowid.tolist(), strict=True),
            )
            last = int(rowid[-1])
        _set_meta(conn, _ZONE_SIGNATURE, bundled_zone().signature)
        conn.execute(
            "INSERT INTO meta (key, value) VALUES ('revision', '1')"
            " ON CONFLICT (key) DO UPDATE SET value = CAST(value AS INTEGER) + 1"
        )

    def _seed_once(self) -> None:
        """Store the bundled incidents the first time the store is opened, never again."""
        seeded = "SELECT 1 FROM meta WHERE key = 'bundled_seeded'"
        if self._conn.execute(seeded).fetchone() is not None:
            return
        with self._write() as conn:
            if conn.execute(seeded).fetchone() is None:  # another process may have seeded meanwhile
                self._import_in_transaction(*self._bundled_import_arguments())
                conn.execute("INSERT INTO meta (key, value) VALUES ('bundled_seeded', '1')")

    @staticmethod
    def _bundled_import_arguments() -> tuple[Any, ...]:
        return (
            [_bundled_chunk()],
            BUNDLED,
            BUNDLED,
            config.INCIDENTS_PATH.name,
            file_sha256(config.INCIDENTS_PATH),
            False,
            None,
            "Incidents bundled with BorderWatch (see data/README.md).",
            _mapping_signature(BUNDLED, None),
        )

    # -- imports ------------------------------------------------------------

    def import_chunks(
        self,
        chunks: Iterable[ParsedChunk],
        *,
        dataset: str,
        format: str,
        file_name: str,
        file_hash: str,
        strict: bool = False,
        progress: Callable[[int], None] | None = None,
        notes: str = "",
        mapping: Mapping[str, str] | None = None,
    ) -> ImportReport:
        """Store parsed chunks as dataset ``dataset``, in one transaction.

        Chunks are consumed one at a time (memory stays bounded by a chunk).
        A record whose ``(dataset, source_id)`` is stored already is updated
        when its ``source_timestamp`` is newer, or when its content differs
        and neither timestamp is older; otherwise it is left as stored.
        Re-importing the same file therefore changes nothing (and does not
        touch the provenance either).

        Parameters
        ----------
        chunks : iterable of ParsedChunk
            From an importer; each frame typed as
            :func:`borderwatch.reference.validate_incident_table` returns it,
            plus ``source_id``, ``source_timestamp`` and ``original``.
        dataset : str
            Name to store under; created if new. Its ``dataset`` column overrides the chunks'.
        format : str
            The file's format; must match the dataset's if the dataset exists.
        file_name, file_hash : str
            Provenance: the file's name and SHA-256.
        strict : bool
            Refuse the whole file if any record was rejected.
        progress : callable, optional
            Called after each chunk with the number of records read so far.
        notes : str
            Free text kept with the dataset.
        mapping : mapping of str to str, optional
            The column mapping the chunks were read with: re-importing a
            record with another mapping updates it even if the record is unchanged.

        Returns
        -------
        ImportReport

        Raises
        ------
        StrictImportError
            With ``strict`` and at least one rejection; carries the full report; nothing is stored.
        DatasetConflictError
            The dataset holds another format, or the name ``"bundled"`` is used for other data.
        DatasetNameError
            The name is empty, too long or holds control characters (see :func:`check_dataset_name`).
        StoreDamagedError
            The store file is damaged: nothing is written to it.
        StoreBusyError
            Another process kept the store locked past the busy timeout.
        """
        name = check_dataset_name(dataset)
        if name == BUNDLED and format != BUNDLED:
            raise DatasetConflictError(f"the dataset name {BUNDLED!r} is reserved for the bundled incidents")
        with self._write():
            return self._import_in_transaction(
                chunks, name, format, file_name, file_hash, strict, progress, notes, _mapping_signature(format, mapping))

    def _import_in_transaction(
        self,
        chunks: Iterable[ParsedChunk],
        dataset: str,
        format: str,
        file_name: str,
        file_hash: str,
        strict: bool,
        progress: Callable[[int], None] | None,
        notes: str,
        signature: str,
    ) -> ImportReport:
        conn = self._conn
        previous = conn.execute("SELECT format, file_hash FROM datasets WHERE name = ?", (dataset,)).fetchone()
        if previous is not None and previous[0] != format:
            raise DatasetConflictError(
                f"dataset {dataset!r} holds {previous[0]} data; import {format} data under another name"
            )
        imported_at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        if previous is None:
            # Provisional counts; the real ones are written once the import is done.
            conn.execute(
                "INSERT INTO datasets (name, format, import_order, file_name, file_hash, imported_at,"
                " rows_read, accepted, rejected, added, updated, unchanged, notes)"
                " VALUES (?, ?, (SELECT COALESCE(MAX(import_order), 0) + 1 FROM datasets), ?, ?, ?,"
                " 0, 0, 0, 0, 0, 0, ?)",
                (dataset, format, file_name, file_hash, imported_at, notes),
            )
        conn.execute("DELETE FROM touched")
        report = ImportReport(format=format, dataset=dataset)
        stored_before = self.count()
        bulk = False
        # A new dataset's summary is counted as its rows are stored (see
        # _refresh_cells), and its rows are flagged whole (_flag_new_dataset).
        counted: list[pd.DataFrame] | None = [] if previous is None else None
        for chunk in chunks:
            # A refused row may carry several rejections: count rows, not reasons.
            rejected_rows = len({rejection.row for rejection in chunk.rejections})
            report.rows_read += chunk.rows_read or len(chunk.incidents) + rejected_rows
            report.accepted += len(chunk.incidents)
            report.rejected += rejected_rows
            report.rejections.extend(chunk.rejections)
            # A strict import keeps reading (the user gets every rejection) but
            # stops writing at the first one: it will be rolled back anyway.
            if not (strict and report.rejected):
                self._upsert(chunk.incidents, dataset, report, counted, signature)
            if not bulk and report.added >= BULK_IMPORT_ROWS and report.added > stored_before:
                for name in _SECONDARY_INDEXES:
                    conn.execute(f"DROP INDEX {name}")
                bulk = True
            if progress is not None:
                progress(report.rows_read)
        if strict and report.rejected:
            report.added = report.updated = report.unchanged = 0
            raise StrictImportError(report)
        if report.rows_read and not report.accepted:
            # Every row refused: storing an empty dataset would only mislead.
            raise StrictImportError(report, "no row was accepted")
        if bulk:
            for statement in _SECONDARY_INDEX_DDL:
                conn.execute(statement)
        if counted is not None:
            self._flag_new_dataset(dataset)
        else:
            self._reflag_touched()
        if counted is not None and report.added and not report.updated:
            cells = pd.concat(counted, ignore_index=True).groupby(list(_CELL_KEYS), as_index=False, sort=False)[
                list(_CELL_VALUES)].sum()
            self._refresh_cells(set(), counted={dataset: self._count_flagged(dataset, cells)})
        elif counted is not None and report.updated:
            # A file that repeats an id updated its own rows: count them from the store.
            self._refresh_cells({dataset})
        elif report.added or report.updated:
            self._refresh_cells({dataset, *self._affected_datasets()})
        if previous is None or report.added or report.updated or previous[1] != file_hash:
            counts = (
                report.rows_read, report.accepted, report.rejected,
                report.added, report.updated, report.unchanged,
            )
            conn.execute(
                "UPDATE datasets SET file_name = ?, file_hash = ?, imported_at = ?, rows_read = ?,"
                " accepted = ?, rejected = ?, added = ?, updated = ?, unchanged = ? WHERE name = ?",
                (file_name, file_hash, imported_at, *counts, dataset),
            )
            conn.execute(
                "INSERT INTO imports (dataset, format, file_name, file_hash, imported_at,"
                " rows_read, accepted, rejected, added, updated, unchanged)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (dataset, format, file_name, file_hash, imported_at, *counts),
            )
        return report

    def _upsert(
        self,
        incidents: pd.DataFrame,
        dataset: str,
        report: ImportReport,
        counted: list[pd.DataFrame] | None,
        signature: str,
    ) -> None:
        missing = [c for c in (*INCIDENT_COLUMNS, *_CHUNK_EXTRAS) if c not in incidents.columns]
        if missing:
            raise ValueError(f"parsed chunk lacks column(s): {', '.join(missing)}")
        if incidents.empty:
            return
        conn = self._conn
        insert = (
            f"INSERT INTO incidents ({', '.join(_ROW_COLUMNS)})"
            f" VALUES ({', '.join('?' for _ in _ROW_COLUMNS)})"
        )
        update = (
            "UPDATE incidents SET "
            + ", ".join(f"{column} = ?" for column in _ROW_COLUMNS[2:])
            + ", duplicate_of = NULL, duplicate_of_dataset = NULL, duplicate_of_source_id = NULL"
            " WHERE dataset = ? AND source_id = ?"
        )
        timestamp_at = _ROW_COLUMNS.index("source_timestamp")
        spans = (pd.to_datetime(incidents["end_date"]) - pd.to_datetime(incidents["event_date"])).dt.days
        if spans.notna().any():
            self._note_longest_span(int(spans.max()))
        for layer in _layers(_db_rows(incidents, dataset, signature)):
            stored = self._stored(dataset, [row[1] for row in layer], "source_timestamp, content_hash")
            legacy = [source_id for source_id, (_, digest) in stored.items() if not digest.startswith(_HASH_VERSION)]
            stored_originals = {key: value[0] for key, value in self._stored(dataset, legacy, "original").items()}
            original_at = _ROW_COLUMNS.index("original")
            added: list[tuple[Any, ...]] = []
            updated: list[tuple[Any, ...]] = []
            for row in layer:
                old = stored.get(row[1])
                if old is None:
                    added.append(row)
                    continue
                old_timestamp, old_hash = old
                new_timestamp = row[timestamp_at]
                # A record without a timestamp cannot show it is newer than a
                # stored one that has one: keep what is stored.
                older = old_timestamp is not None and (new_timestamp is None or new_timestamp < old_timestamp)
                # A digest from before schema 2 cannot be compared: the source record can.
                same = row[-1] == old_hash or stored_originals.get(row[1]) == row[original_at]
                if same or older:
                    report.unchanged += 1
                else:
                    updated.append(row)
            conn.executemany(insert, added)
            if counted is not None and added:
                counted.append(_count_cells(added))
            conn.executemany(update, [(*row[2:], *row[:2]) for row in updated])
            if counted is None:  # a new dataset is flagged whole, without a list of its rows
                conn.executemany(
                    "INSERT INTO touched (dataset, source_id) VALUES (?, ?)",
                    [row[:2] for row in (*added, *updated)],
                )
            report.added += len(added)
            report.updated += len(updated)

    def _stored(self, dataset: str, source_ids: list[str], columns: str) -> dict[str, tuple[Any, ...]]:
        """``source_id`` -> the given columns of the stored rows of ``dataset`` among ``source_ids``."""
        found: dict[str, tuple[Any, ...]] = {}
        for start in range(0, len(source_ids), _IN_BATCH):
            batch = source_ids[start : start + _IN_BATCH]
            cursor = self._conn.execute(
                f"SELECT source_id, {columns} FROM incidents"
                f" WHERE dataset = ? AND source_id IN ({', '.join('?' for _ in batch)})",
                (dataset, *batch),
            )
            found.update((row[0], row[1:]) for row in cursor)
        return found

    # -- duplicates ---------------------------------------------------------

    def _close_pairs(self, keys: str | None, order: str, dataset: str | None = None) -> Iterator[list[tuple[Any, ...]]]:
        """Batches of (a key, b key, b id, b's dataset order, distance) within the distance.

        ``keys`` names the table of a-rows, or is None for every row of
        ``dataset``; ``order`` is ``"<"`` to pair them with rows of datasets
        created before theirs, ``">"`` for those after.
        """
        conn = self._conn
        # Both ends come from the position index; a scan for MAX(ABS(...)) would read every row.
        highest, lowest = conn.execute("SELECT MAX(latitude), MIN(latitude) FROM incidents").fetchone()
        dlat, dlon = _search_box(max(abs(highest or 0.0), abs(lowest or 0.0)))
        if keys is None:
            key_sets = conn.execute(
                "SELECT name, import_order, (SELECT COUNT(*) FROM incidents WHERE dataset = name)"
                " FROM datasets WHERE name = ?",
                (dataset,),
            ).fetchall()
            (key_from, key_rows), key_filter = _DATASET_ROWS, ""
        else:
            key_sets = conn.execute(
                f"SELECT k.dataset, d.import_order, COUNT(*) FROM {keys} k JOIN datasets d ON d.name = k.dataset"
                " GROUP BY k.dataset, d.import_order"
            ).fetchall()
            key_from, key_rows = (part.format(keys=keys) for part in _KEY_TABLE_ROWS)
            key_filter = _KEY_TABLE_FILTER.format(keys=keys)
        others = conn.execute("SELECT name, import_order FROM datasets ORDER BY import_order").fetchall()
        for key_dataset, key_order, key_count in key_sets:
            for other, other_order in others:
                if not (other_order < key_order if order == "<" else other_order > key_order):
                    continue
                other_count = conn.execute(
                    "SELECT COUNT(*) FROM incidents WHERE dataset = ?", (other,)
                ).fetchone()[0]
                if other_count < key_count:
                    sql = _PAIR_SQL_WALK_OTHER.format(key_filter=key_filter)
                    params = (other_order, other, key_dataset, dlat, dlat, dlon, dlon)
                else:
                    sql = _PAIR_SQL_WALK_KEYS.format(keys=key_from, key_rows=key_rows)
                    params = (other_order, key_dataset, other, dlat, dlat, dlon, dlon)
                cursor = conn.execute(sql, params)
                while batch := cursor.fetchmany(_FETCH_BATCH):
                    positions = np.array([row[6:] for row in batch], dtype=float)
                    distances = _haversine_km(positions[:, 0], positions[:, 1], positions[:, 2], positions[:, 3])
                    close = np.flatnonzero(distances <= DUPLICATE_DISTANCE_KM)
                    if close.size:
                        yield [(*batch[i][:6], float(distances[i])) for i in close]

    def _reflag_touched(self) -> None:
        """Recompute the flags that rows in ``touched`` (just added, changed or removed) can affect.

        Affected are: the touched rows (all stored: an import touches what it stores); rows flagged as
        duplicates of a touched row (it may have moved or gone); rows of later
        datasets within reach of a touched row (they may now be duplicates).
        """
        conn = self._conn
        conn.execute("DELETE FROM affected")
        # An import touches only rows it stores: every touched row is there.
        conn.execute("INSERT INTO affected (dataset, source_id) SELECT dataset, source_id FROM touched")
        conn.execute(
            "INSERT INTO affected (dataset, source_id) SELECT i.dataset, i.source_id"
            " FROM touched t JOIN incidents i"
            " ON i.duplicate_of_dataset = t.dataset AND i.duplicate_of_source_id = t.source_id"
        )
        for batch in self._close_pairs("touched", ">"):
            conn.executemany("INSERT INTO affected (dataset, source_id) VALUES (?, ?)", [row[2:4] for row in batch])
        self._reflag_affected()

    def _reflag_affected(self) -> None:
        """Set the flag of every row in ``affected`` from its pairs with earlier datasets."""
        conn = self._conn
        # Row-value IN (SQL:1999, PostgreSQL too) lets both engines walk the primary key;
        # rows not flagged need no write.
        conn.execute(
            "UPDATE incidents SET duplicate_of = NULL, duplicate_of_dataset = NULL, duplicate_of_source_id = NULL"
            # Walk the flagged rows (the partial index lists exactly those),
            # not the affected ones: after a big import those are millions.
            # SQLite-specific: unary + keeps the planner off the primary key.
            " WHERE duplicate_of_dataset IS NOT NULL"
            " AND (+dataset, +source_id) IN (SELECT dataset, source_id FROM affected)"
        )
        self._flag_from_pairs(self._close_pairs("affected", "<"))

    def _flag_new_dataset(self, dataset: str) -> None:
        """Flag the rows of a dataset created in this transaction.

        Its rows can only be duplicates of earlier datasets' rows, and no
        earlier row can be a duplicate of one of them: so no key tables, and
        no other dataset's flags, are involved.
        """
        self._flag_from_pairs(self._close_pairs(None, "<", dataset))

    def _flag_from_pairs(self, batches: Iterator[list[tuple[Any, ...]]]) -> None:
        """Flag each row that has close pairs with the earliest, nearest of them (via ``pairs`` and ``best``)."""
        conn = self._conn
        conn.execute("DELETE FROM pairs")
        conn.execute("DELETE FROM best")
        for batch in batches:
            conn.executemany(
                "INSERT INTO pairs (dataset, source_id, dup_dataset, dup_source_id, dup_id, dup_order, distance_km)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                batch,
            )
        # The original is the row of the earliest dataset, the nearest if it has several.
        conn.execute(
            "INSERT INTO best (dataset, source_id, dup_dataset, dup_source_id, dup_id)"
            " SELECT dataset, source_id, dup_dataset, dup_source_id, dup_id FROM ("
            "  SELECT p.*, ROW_NUMBER() OVER (PARTITION BY dataset, source_id"
            "   ORDER BY dup_order, distance_km, dup_source_id) AS rank FROM pairs p) ranked"
            " WHERE rank = 1"
        )
        match = "b.dataset = incidents.dataset AND b.source_id = incidents.source_id"
        conn.execute(
            "UPDATE incidents SET"
            f" duplicate_of = (SELECT b.dup_id FROM best b WHERE {match}),"
            f" duplicate_of_dataset = (SELECT b.dup_dataset FROM best b WHERE {match}),"
            f" duplicate_of_source_id = (SELECT b.dup_source_id FROM best b WHERE {match})"
            " WHERE (dataset, source_id) IN (SELECT dataset, source_id FROM best)"
        )

    def flag_duplicates(self) -> int:
        """Recompute every probable-duplicate flag in the store from scratch.

        Imports and removals keep the flags up to date incrementally; this is
        for checking that, or after the rules change.

        Returns
        -------
        int
            Rows flagged as probable duplicates.
        """
        with self._write() as conn:
            conn.execute("DELETE FROM affected")
            conn.execute("INSERT INTO affected (dataset, source_id) SELECT dataset, source_id FROM incidents")
            self._reflag_affected()
            self._refresh_cells(self._affected_datasets())
            return conn.execute("SELECT COUNT(*) FROM incidents WHERE duplicate_of IS NOT NULL").fetchone()[0]

    # -- map summary --------------------------------------------------------

    def _affected_datasets(self) -> set[str]:
        return {row[0] for row in self._conn.execute("SELECT DISTINCT dataset FROM affected")}

    def _refresh_cells(self, datasets: Iterable[str], counted: dict[str, pd.DataFrame] | None = None) -> None:
        """Rebuild ``incident_cells`` for these datasets and mark the store as changed.

        The finest level is counted from the incidents, or taken from
        ``counted`` (dataset -> finest cells an import counted as it stored
        the rows, which saves sorting a million rows); each coarser level is
        rolled up from the level below it.
        """
        conn = self._conn
        finest = SUMMARY_LEVELS[-1]
        shift = cell_shift(finest)
        counted = counted or {}
        for name in sorted(set(datasets) | set(counted)):
            conn.execute("DELETE FROM incident_cells WHERE dataset = ?", (name,))
            if name in counted:
                conn.executemany(
                    "INSERT INTO incident_cells (level, cell_x, cell_y, event_month, event_type, country,"
                    " dataset, duplicate, incidents, deaths, sum_latitude, sum_longitude)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    zip([finest] * len(counted[name]), *(counted[name][column].tolist() for column in _CELL_KEYS[:-1]),
                        [name] * len(counted[name]), *(counted[name][column].tolist() for column in _CELL_VALUES_FROM_DUPLICATE),
                        strict=True),
                )
            else:
                conn.execute(
                    "INSERT INTO incident_cells (level, cell_x, cell_y, event_month, event_type, country,"
                    " dataset, duplicate, incidents, deaths, sum_latitude, sum_longitude)"
                    f" SELECT ?, grid_x >> {shift}, grid_y >> {shift}, event_month, event_type, country,"
                    " dataset, duplicate_of IS NOT NULL, COUNT(*), SUM(COALESCE(deaths_best, 0)),"
                    " SUM(latitude), SUM(longitude) FROM incidents WHERE dataset = ?"
                    f" GROUP BY grid_x >> {shift}, grid_y >> {shift}, event_month, event_type, country,"
                    " duplicate_of IS NOT NULL",
                    (finest, name),
                )
            keys = "event_month, event_type, country, dataset, duplicate"
            for finer, level in zip(SUMMARY_LEVELS[:0:-1], SUMMARY_LEVELS[-2::-1]):
                up = finer - level
                conn.execute(
                    "INSERT INTO incident_cells (level, cell_x, cell_y, event_month, event_type, country,"
                    " dataset, duplicate, incidents, deaths, sum_latitude, sum_longitude)"
                    f" SELECT ?, cell_x >> {up}, cell_y >> {up}, {keys},"
                    " SUM(incidents), SUM(deaths), SUM(sum_latitude), SUM(sum_longitude)"
                    " FROM incident_cells WHERE dataset = ? AND level = ?"
                    f" GROUP BY cell_x >> {up}, cell_y >> {up}, {keys}",
                    (level, name, finer),
                )
        conn.execute(
            "INSERT INTO meta (key, value) VALUES ('revision', '1')"
            " ON CONFLICT (key) DO UPDATE SET value = CAST(value AS INTEGER) + 1"
        )

    def _count_flagged(self, dataset: str, cells: pd.DataFrame) -> pd.DataFrame:
        """Move the rows of ``dataset`` flagged in this transaction (``best``) to duplicate cells.

        ``cells`` were counted as rows were stored, before the duplicate check.
        """
        shift = cell_shift(SUMMARY_LEVELS[-1])
        flagged = pd.DataFrame(
            self._conn.execute(
                f"SELECT grid_x >> {shift}, grid_y >> {shift}, event_month, event_type, country, 1,"
                " COUNT(*), SUM(COALESCE(deaths_best, 0)), SUM(latitude), SUM(longitude) FROM incidents"
                " WHERE (dataset, source_id) IN (SELECT dataset, source_id FROM best WHERE dataset = ?)"
                f" GROUP BY grid_x >> {shift}, grid_y >> {shift}, event_month, event_type, country",
                (dataset,),
            ).fetchall(),
            columns=[*_CELL_KEYS, *_CELL_VALUES],
        )
        if flagged.empty:
            return cells
        unflag = flagged.assign(duplicate=0)
        unflag[list(_CELL_VALUES)] = -unflag[list(_CELL_VALUES)]
        moved = pd.concat([cells, unflag, flagged], ignore_index=True)
        moved = moved.groupby(list(_CELL_KEYS), as_index=False, sort=False)[list(_CELL_VALUES)].sum()
        return moved[moved["incidents"] > 0]

    def _note_longest_span(self, days: int) -> None:
        """Keep ``longest_span_days`` an upper bound of every stored incident's span."""
        if days > _meta_int(self._conn, _LONGEST_SPAN):
            _set_meta(self._conn, _LONGEST_SPAN, days)

    def _recount_longest_span(self) -> None:
        """Set ``longest_span_days`` from the incidents stored (after a removal it may shrink)."""
        # SQLite-specific: julianday.
        longest = self._conn.execute(
            "SELECT MAX(julianday(end_date) - julianday(event_date)) FROM incidents WHERE end_date IS NOT NULL"
        ).fetchone()[0]
        _set_meta(self._conn, _LONGEST_SPAN, math.ceil(longest or 0))

    # -- datasets -----------------------------------------------------------

    def datasets(self) -> pd.DataFrame:
        """List the datasets, first created first.

        Returns
        -------
        pandas.DataFrame
            One row per dataset: ``name, format, file_name, file_hash,
            imported_at`` (UTC timestamp of the last import that changed it),
            the counts of that import (``rows_read, accepted, rejected, added,
            updated, unchanged``), ``notes``, and what is stored now:
            ``incidents`` and ``probable_duplicates``.
        """
        columns = [
            "name", "format", "file_name", "file_hash", "imported_at", "rows_read", "accepted",
            "rejected", "added", "updated", "unchanged", "notes",
        ]
        sql = (
            f"SELECT {', '.join('d.' + column for column in columns)},"
            # From the coarsest summary level: a few rows per dataset, not a scan of its incidents.
            " (SELECT COALESCE(SUM(c.incidents), 0) FROM incident_cells c WHERE c.dataset = d.name AND c.level = ?),"
            " (SELECT COALESCE(SUM(c.incidents), 0) FROM incident_cells c"
            "  WHERE c.dataset = d.name AND c.level = ? AND c.duplicate = 1)"
            " FROM datasets d ORDER BY d.import_order"
        )
        rows = self._read(sql, (SUMMARY_LEVELS[0], SUMMARY_LEVELS[0]))
        frame = pd.DataFrame(rows, columns=[*columns, "incidents", "probable_duplicates"])
        frame["imported_at"] = pd.to_datetime(frame["imported_at"], utc=True)
        return frame.astype({column: "int64" for column in frame.columns[5:] if column != "notes"})

    def import_log(self) -> pd.DataFrame:
        """List every import that changed the store, oldest first (kept after a dataset is removed).

        Returns
        -------
        pandas.DataFrame
            ``dataset, format, file_name, file_hash, imported_at, rows_read,
            accepted, rejected, added, updated, unchanged``.
        """
        columns = [
            "dataset", "format", "file_name", "file_hash", "imported_at", "rows_read", "accepted",
            "rejected", "added", "updated", "unchanged",
        ]
        rows = self._read(f"SELECT {', '.join(columns)} FROM imports ORDER BY import_id")
        frame = pd.DataFrame(rows, columns=columns)
        frame["imported_at"] = pd.to_datetime(frame["imported_at"], utc=True)
        return frame.astype({column: "int64" for column in columns[5:]})

    def remove_dataset(self, name: str) -> int:
        """Remove a dataset and all its incidents, in one transaction.

        The bundled dataset may be removed too; :meth:`reseed_bundled` brings
        it back. Rows of other datasets flagged as its duplicates are re-checked.

        Parameters
        ----------
        name : str
            The dataset's name.

        Returns
        -------
        int
            Incidents removed.

        Raises
        ------
        UnknownDatasetError
            No dataset of that name; the message lists those there are.
        """
        with self._write() as conn:
            if conn.execute("SELECT 1 FROM datasets WHERE name = ?", (name,)).fetchone() is None:
                known = [row[0] for row in conn.execute("SELECT name FROM datasets ORDER BY import_order")]
                raise UnknownDatasetError(
                    f"no dataset named {quoted(name)}; the store holds: {', '.join(known) or 'none'}"
                )
            conn.execute("DELETE FROM touched")
            conn.execute("DELETE FROM affected")
            conn.execute(
                "INSERT INTO affected (dataset, source_id) SELECT dataset, source_id FROM incidents"
                " WHERE duplicate_of_dataset = ?",
                (name,),
            )
            removed = conn.execute("DELETE FROM incidents WHERE dataset = ?", (name,)).rowcount
            conn.execute("DELETE FROM datasets WHERE name = ?", (name,))
            self._reflag_affected()
            self._refresh_cells({name, *self._affected_datasets()})
            self._recount_longest_span()
            return removed

    def reseed_bundled(self) -> ImportReport:
        """Store the bundled incidents again as dataset ``"bundled"``.

        Safe to call any time: where they are stored already, nothing changes.

        Returns
        -------
        ImportReport
        """
        with self._write():
            return self._import_in_transaction(*self._bundled_import_arguments())

    # -- reading ------------------------------------------------------------

    def count(self) -> int:
        """Return how many incidents the store holds, all datasets together."""
        # From the coarsest summary level: a few rows, where COUNT(*) reads an index.
        return self._read(
            "SELECT COALESCE(SUM(incidents), 0) FROM incident_cells WHERE level = ?", (SUMMARY_LEVELS[0],)
        )[0][0]

    def revision(self) -> str:
        """Return a token that changes whenever the stored incidents change.

        Readers cache query results under it (the dashboard, across sessions).
        Every write that changes incidents or their flags counts it up in the
        same transaction; a write that changes nothing leaves the store
        byte-identical.

        Returns
        -------
        str
        """
        # One row read: cheap on every rerun of every session, at any size.
        rows = self._read("SELECT value FROM meta WHERE key = 'revision'")
        return rows[0][0] if rows else "0"

    def incident_ids_for(self, link_id: str) -> tuple[str, ...]:
        """Every stored incident a link's ``incident=`` value may name.

        Parameters
        ----------
        link_id : str
            An id as a link carries it: qualified (``ACLED-TUN1@analyst-b``,
            or a bundled incident's own id), or unqualified as links held it
            before ids were qualified (``ACLED-TUN1``).

        Returns
        -------
        tuple of str
            The stored id itself when one is exactly ``link_id``; else the
            ids of every dataset's incident with that unqualified id (none,
            one, or several when it is ambiguous), sorted.
        """
        exact = self._read("SELECT id FROM incidents WHERE id = ?", (link_id,))
        if exact:
            return (exact[0][0],)
        # Every id that starts with link_id + "@" lies in this range of the unique index.
        rows = self._read(
            "SELECT id, dataset FROM incidents WHERE id >= ? AND id < ? ORDER BY id",
            (link_id + ID_QUALIFIER, link_id + chr(ord(ID_QUALIFIER) + 1)),
        )
        return tuple(stored for stored, dataset in rows if stored == qualified_id(link_id, dataset))

    def resolve_incident_id(self, link_id: str) -> str | None:
        """The stored id of the incident a link names, or ``None``.

        Parameters
        ----------
        link_id : str
            An exact stored id, or an unqualified one (see :meth:`incident_ids_for`).

        Returns
        -------
        str or None
            The id to select: ``link_id`` itself when stored; the qualified
            id when ``link_id`` is unqualified and names exactly one incident;
            ``None`` when it names none, or several (ask
            :meth:`incident_ids_for` which, to say so).
        """
        found = self.incident_ids_for(link_id)
        return found[0] if len(found) == 1 else None

    def unreadable_dates(self) -> pd.DataFrame:
        """Incidents no page can show because their date is before the year 1, by dataset.

        Only stores written before version 4 can hold them (the importers
        refuse such dates now); they are left out of every query.

        Returns
        -------
        pandas.DataFrame
            ``dataset, incidents``: one row per dataset that holds any.
        """
        # Counted here, not with GROUP BY, which would lure SQLite off the date index onto a scan.
        rows = self._read("SELECT dataset FROM incidents WHERE event_date < ?", (FIRST_DATE,))
        counts = pd.Series([row[0] for row in rows], dtype=object).value_counts().sort_index()
        return pd.DataFrame({"dataset": counts.index.astype(str), "incidents": counts.to_numpy(dtype="int64")})

    def filter_options(self) -> dict[str, Any]:
        """Return what the sidebar can offer.

        Returns
        -------
        dict
            ``date_bounds``: (first day, last day) any incident covers, or
            ``None`` when the store is empty; ``event_types``, ``countries``,
            ``actors`` (``actor1`` and ``actor2`` together): sorted tuples of
            the distinct non-empty values; ``datasets``: names in creation order.
        """
        with self._read_lock, self._explaining():
            conn = self._reader
            # A store written before version 4 may hold a date before the year 1 ("-001-01-01"):
            # no page can show it, so it bounds nothing (see unreadable_dates).
            first, latest_start = conn.execute(
                "SELECT MIN(event_date), MAX(event_date) FROM incidents WHERE event_date >= ?", (FIRST_DATE,)
            ).fetchone()
            last = None
            if latest_start is not None:
                # Only incidents that start within the longest span of the
                # latest start can end last: read those through the date index.
                since = _days_before(dt.date.fromisoformat(latest_start), _meta_int(conn, _LONGEST_SPAN))
                last = conn.execute(
                    "SELECT MAX(last_date) FROM incidents WHERE event_date >= ?", (_date_text(since),)
                ).fetchone()[0]

            def distinct(sql: str) -> tuple[str, ...]:
                return tuple(row[0] for row in conn.execute(sql))

            return {
                "date_bounds": None if first is None else (dt.date.fromisoformat(first), dt.date.fromisoformat(last)),
                "event_types": distinct(
                    f"SELECT DISTINCT event_type FROM incident_cells WHERE level = {SUMMARY_LEVELS[0]}"
                    " ORDER BY event_type"
                ),
                "countries": distinct(
                    f"SELECT DISTINCT country FROM incident_cells WHERE level = {SUMMARY_LEVELS[0]}"
                    " ORDER BY country"
                ),
                "datasets": distinct("SELECT name FROM datasets ORDER BY import_order"),
                "actors": distinct(
                    "SELECT actor1 FROM incidents WHERE actor1 <> ''"
                    " UNION SELECT actor2 FROM incidents WHERE actor2 <> '' ORDER BY 1"
                ),
            }

    def query(
        self,
        selection: IncidentFilter,
        *,
        datasets: tuple[str, ...] | None = None,
        actors: tuple[str, ...] | None = None,
        hide_duplicates: bool = False,
        max_border_km: float | None = None,
        bbox: tuple[float, float, float, float] | None = None,
        ids: tuple[str, ...] | None = None,
        limit: int | None = None,
        newest_first: bool = False,
    ) -> gpd.GeoDataFrame:
        """Return the incidents that match, filtered in SQL.

        Parameters
        ----------
        selection : IncidentFilter
            Dates (an incident's span overlaps the range), event types, countries.
        datasets : tuple of str, optional
            Datasets to keep; an empty tuple keeps nothing.
        actors : tuple of str, optional
            Keep incidents whose ``actor1`` or ``actor2`` is one of these; empty keeps nothing.
        hide_duplicates : bool
            Leave out rows flagged as probable duplicates of an earlier dataset's.
        max_border_km : float, optional
            Keep incidents at most this far from the border (``distance_border_km``).
        bbox : tuple of float, optional
            ``(west, south, east, north)`` in degrees, as ``total_bounds`` gives
            it, edges included; ``west > east`` means a box across the antimeridian.
        ids : tuple of str, optional
            Keep only incidents with these ``id`` values (a clicked point's details).
        limit : int, optional
            Return at most this many rows.
        newest_first : bool
            Sort by date, newest first (with ``limit``: the latest incidents).

        Returns
        -------
        geopandas.GeoDataFrame
            Columns and dtypes as :func:`borderwatch.reference.load_incidents`
            returns them, plus ``source_id``, ``probable_duplicate`` (bool),
            ``duplicate_of`` (the original's id, or "") and the measures against
            the border (:data:`~borderwatch.borderzone.MEASURE_COLUMNS`); sorted by date, id,
            dataset, source_id; EPSG:4326.
        """
        index = _BY_PLANNER
        if ids is not None:
            index = _BY_ID
        elif not actors and self._distance_index(max_border_km):
            index = _BY_DISTANCE
        elif (limit is not None and not actors and max_border_km is None
              and self._latest_are_common(selection, limit, datasets, hide_duplicates)):
            # The latest few walk the date index backwards, and stop soon.
            index = _BY_DATE
        where, params = _filter_clauses(selection, datasets, actors, hide_duplicates, bbox,
                                        longest_span_days=self._longest_span_days(), index=index,
                                        max_border_km=max_border_km)
        if ids is not None:
            where.append(_one_of("id", ids, params))
        columns = [*INCIDENT_COLUMNS, "source_id", "duplicate_of", *MEASURE_COLUMNS]
        direction = " DESC" if newest_first else ""
        sql = (
            f"SELECT {', '.join(columns)} FROM incidents"
            + (f" WHERE {' AND '.join(where)}" if where else "")
            + f" ORDER BY event_date{direction}, id{direction}, dataset{direction}, source_id{direction}"
            + (f" LIMIT {int(limit)}" if limit is not None else "")
        )
        rows = self._read(sql, params)
        return _typed_frame(pd.DataFrame(rows, columns=columns))

    def points(
        self,
        selection: IncidentFilter,
        *,
        datasets: tuple[str, ...] | None = None,
        actors: tuple[str, ...] | None = None,
        hide_duplicates: bool = False,
        max_border_km: float | None = None,
        bbox: tuple[float, float, float, float] | None = None,
        limit: int | None = None,
        newest_first: bool = False,
    ) -> pd.DataFrame:
        """Return what the map draws of each matching incident, and nothing more.

        Parameters are as for :meth:`query`; with ``limit`` and
        ``newest_first``, the most recent are kept.

        Returns
        -------
        pandas.DataFrame
            ``id, latitude, longitude, event_type, event_date`` (ISO text),
            ``location, deaths_best`` (``Int64``), ``geo_precision``, ``precision_km``,
            ``country`` and the measures against the border; sorted by date then id.
        """
        index = self._distance_index(max_border_km) or self._narrower_index(selection, bbox)
        where, params = _filter_clauses(selection, datasets, actors, hide_duplicates, bbox,
                                        longest_span_days=self._longest_span_days(), index=index,
                                        max_border_km=max_border_km)
        columns = list(POINT_COLUMNS)
        # Sorting by a plain event_date would lure SQLite into walking the date index.
        order = "event_date" if index == _BY_DATE else "+event_date"
        sql = (
            f"SELECT {', '.join(columns)} FROM incidents"
            + (f" WHERE {' AND '.join(where)}" if where else "")
            + (f" ORDER BY {order} DESC, id DESC" if newest_first else "")
            + (f" LIMIT {int(limit)}" if limit is not None else "")
        )
        frame = pd.DataFrame(self._read(sql, params), columns=columns)
        frame = frame.astype({"id": str, "latitude": float, "longitude": float, "event_type": str,
                              "event_date": str, "location": str, "deaths_best": "Int64",
                              "geo_precision": int, "precision_km": float, "country": str,
                              "distance_border_km": float, "distance_barrier_km": float, "border_side": str,
                              "between_barrier_and_border": bool, "border_position_km": float})
        return frame.sort_values(["event_date", "id"], ignore_index=True)

    def aggregate(
        self,
        selection: IncidentFilter,
        *,
        by: tuple[str, ...] = (),
        zoom: int | None = None,
        datasets: tuple[str, ...] | None = None,
        actors: tuple[str, ...] | None = None,
        hide_duplicates: bool = False,
        max_border_km: float | None = None,
        bbox: tuple[float, float, float, float] | None = None,
    ) -> pd.DataFrame:
        """Count the matching incidents and their deaths, grouped.

        Whole months of the date range are read from the pre-aggregated
        ``incident_cells``; only the partial months at its ends (and any
        filter on actors) read incidents, through the date index.

        Parameters
        ----------
        selection : IncidentFilter
        by : tuple of str
            Any of ``"cell"`` (map cells at ``zoom``, see :mod:`borderwatch.mapgrid`),
            ``"event_month"`` (months since January 1970), ``"event_type"``,
            ``"country"``; empty for one total row.
        zoom : int, optional
            Map zoom of the cells; required with ``"cell"``.
        datasets, actors, hide_duplicates, max_border_km, bbox
            As for :meth:`query`; a distance limit is counted from the incidents, not the summary. With ``bbox``, summary cells are kept when
            they touch the box, so counts near its edges may include a little
            beyond it.

        Returns
        -------
        pandas.DataFrame
            The ``by`` columns (``cell_x, cell_y`` for ``"cell"``), then
            ``incidents``, ``deaths`` (sum of ``deaths_best``, unknown as 0),
            ``latitude``, ``longitude`` (mean position); groups without
            incidents are absent. Without ``by``: one row, zeros when nothing matches.
        """
        unknown = set(by) - {"cell", "event_month", "event_type", "country"}
        if unknown:
            raise ValueError(f"cannot group by {', '.join(sorted(unknown))}")
        if "cell" in by and zoom is None:
            raise ValueError("grouping by cell needs a zoom")
        keys = [key for group in by for key in (("cell_x", "cell_y") if group == "cell" else (group,))]
        level = summary_level(zoom) if zoom is not None else SUMMARY_LEVELS[0]
        parts: list[pd.DataFrame] = []
        summarised = actors is None and max_border_km is None and level is not None
        if summarised:
            months, edges = self._month_split(selection)
            if months is not None:
                parts.append(self._summary_part(selection, by, zoom, level, months, datasets, hide_duplicates, bbox))
        else:
            edges = [(None, None)]  # the selection's own dates bound the read
        for first, last in edges:
            parts.append(self._incident_part(
                selection, by, zoom, (first, last), datasets, actors, hide_duplicates, bbox, summarised, max_border_km))
        columns = [*keys, "incidents", "deaths", "sum_latitude", "sum_longitude"]
        found = pd.concat([part for part in parts if not part.empty] or [pd.DataFrame(columns=columns)])
        integers = [key for key in keys if key in ("cell_x", "cell_y", "event_month")]
        found = found.astype({column: "int64" for column in (*integers, "incidents", "deaths")})
        if keys:
            found = found.groupby(keys, as_index=False, sort=True).sum()
        else:
            found = found.sum().to_frame().T.astype({"incidents": "int64", "deaths": "int64"})
        total = found["incidents"].where(found["incidents"] > 0)
        found["latitude"] = found.pop("sum_latitude") / total
        found["longitude"] = found.pop("sum_longitude") / total
        return found.reset_index(drop=True)

    def _month_split(
        self, selection: IncidentFilter
    ) -> tuple[tuple[int, int] | None, list[tuple[dt.date | None, dt.date | None]]]:
        """Split the date range into whole months (read from the summary) and
        the ranges of event dates at its ends (read from the incidents).

        The lower end range always exists when there is a start: incidents
        that begin before the range but last into it are found there.
        """
        # The extreme dates mean "no limit" (and have no day beyond them).
        start = None if selection.start == dt.date.min else selection.start
        end = None if selection.end == dt.date.max else selection.end
        first = _FIRST_MONTH if start is None else first_whole_month(start)
        last = _NO_MONTH_LIMIT if end is None else last_whole_month(end)
        # An incident may start up to the longest span before the range and last into it.
        earliest = None if start is None else _days_before(start, self._longest_span_days())
        if first > last or first > _LAST_MONTH:
            return None, [(earliest, end)]
        edges: list[tuple[dt.date | None, dt.date | None]] = []
        if start is not None:
            edges.append((earliest, month_start(first) - dt.timedelta(days=1)))
        if end is not None and last < month_index(np.datetime64(end, "D")):
            # The month of ``end`` is partial: its first day is past the last whole month.
            edges.append((end.replace(day=1), end))
        return (first, last), edges

    def _latest_are_common(
        self, selection: IncidentFilter, limit: int, datasets: tuple[str, ...] | None, hide_duplicates: bool
    ) -> bool:
        """Whether walking incidents newest first finds ``limit`` matches within a few hundred thousand rows."""
        matching = self.aggregate(selection, datasets=datasets, hide_duplicates=hide_duplicates)["incidents"].iloc[0]
        return matching > 0 and limit * self.count() / matching <= _DATE_WALK_ROWS

    def _narrower_index(self, selection: IncidentFilter, bbox: tuple[float, float, float, float] | None) -> str:
        """The index that reads fewer rows: the date range's or the box's (see :func:`_filter_clauses`).

        SQLite's planner cannot tell; the summary can, in a few milliseconds.
        """
        if bbox is None or bbox[0] > bbox[2]:
            return _BY_DATE if selection.start is not None or selection.end is not None else _BY_PLANNER
        if selection.start is None or selection.end is None:
            return _BY_POSITION
        first, last = self._read("SELECT MIN(event_date), MAX(event_date) FROM incidents")[0]
        if first is None or (_date_text(selection.start) <= first and _date_text(selection.end) >= last):
            return _BY_POSITION  # the range holds every incident: no need to count
        in_dates = self.aggregate(IncidentFilter(start=selection.start, end=selection.end))["incidents"].iloc[0]
        # Summary cells about a sixteenth of the box wide: a close count, quickly.
        width = max(bbox[2] - bbox[0], 1e-6)
        zoom = min(max(int(math.log2(360.0 / width)) + 4, 0), SUMMARY_LEVELS[-1])
        in_box = self.aggregate(IncidentFilter(), zoom=zoom, bbox=bbox)["incidents"].iloc[0]
        return _BY_DATE if in_dates < in_box else _BY_POSITION

    def _distance_index(self, max_border_km: float | None) -> str | None:
        """The distance index when "within X km of the border" keeps under half the incidents, else None.

        SQLite's planner would rather walk the position index of a map view
        that holds the whole region; counting the range on the index is quick.
        """
        if max_border_km is None:
            return None
        within = self._read("SELECT COUNT(*) FROM incidents WHERE distance_border_km <= ?", (float(max_border_km),))
        return _BY_DISTANCE if 2 * within[0][0] < self.count() else None

    def _longest_span_days(self) -> int:
        with self._read_lock:
            return _meta_int(self._reader, _LONGEST_SPAN)

    def _summary_part(
        self,
        selection: IncidentFilter,
        by: tuple[str, ...],
        zoom: int | None,
        level: int,
        months: tuple[int, int],
        datasets: tuple[str, ...] | None,
        hide_duplicates: bool,
        bbox: tuple[float, float, float, float] | None,
    ) -> pd.DataFrame:
        params: list[Any] = [level, *months]
        where = ["level = ?", "event_month BETWEEN ? AND ?"]
        for column, values in (("event_type", selection.event_types), ("country", selection.countries),
                               ("dataset", datasets)):
            if values is not None:
                where.append(_one_of(column, values, params))
        if hide_duplicates:
            where.append("duplicate = 0")
        if bbox is not None:
            west, south, east, north = _valid_bbox(bbox)
            # A box across the antimeridian is two boxes.
            boxes = [(west, south, east, north)] if west <= east else [(west, south, 180.0, north),
                                                                       (-180.0, south, east, north)]
            ranges = [cell_range(box, level) for box in boxes]
            where.append("(" + " OR ".join("(cell_x BETWEEN ? AND ? AND cell_y BETWEEN ? AND ?)" for _ in ranges) + ")")
            for cell_ranges in ranges:
                params += list(cell_ranges)
        up = level - zoom if zoom is not None else 0
        groups = [expression for group in by for expression in (
            (f"cell_x >> {up}", f"cell_y >> {up}") if group == "cell" else (group,))]
        select = [*groups, "SUM(incidents)", "SUM(deaths)", "SUM(sum_latitude)", "SUM(sum_longitude)"]
        sql = (f"SELECT {', '.join(select)} FROM incident_cells WHERE {' AND '.join(where)}"
               + (f" GROUP BY {', '.join(groups)}" if groups else ""))
        return self._frame(sql, params, by)

    def _incident_part(
        self,
        selection: IncidentFilter,
        by: tuple[str, ...],
        zoom: int | None,
        event_dates: tuple[dt.date | None, dt.date | None],
        datasets: tuple[str, ...] | None,
        actors: tuple[str, ...] | None,
        hide_duplicates: bool,
        bbox: tuple[float, float, float, float] | None,
        edge_of_summary: bool,
        max_border_km: float | None = None,
    ) -> pd.DataFrame:
        first, last = event_dates
        # The days left between summary months are few: read them through the
        # date index, not through a map view's position index.
        if edge_of_summary and first is not None and last is not None:
            index = _BY_DATE
        elif actors:
            index = _BY_PLANNER  # the actor indexes select best
        elif max_border_km is not None:
            index = self._distance_index(max_border_km) or _BY_PLANNER
        else:
            index = self._narrower_index(selection, bbox)
        where, params = _filter_clauses(selection, datasets, actors, hide_duplicates, bbox,
                                        longest_span_days=self._longest_span_days(), index=index,
                                        event_dates=(first, last), max_border_km=max_border_km)
        shift = cell_shift(zoom) if zoom is not None else 0
        groups = [expression for group in by for expression in (
            (f"grid_x >> {shift}", f"grid_y >> {shift}") if group == "cell" else (group,))]
        select = [*groups, "COUNT(*)", "SUM(COALESCE(deaths_best, 0))", "SUM(latitude)", "SUM(longitude)"]
        sql = (f"SELECT {', '.join(select)} FROM incidents"
               + (f" WHERE {' AND '.join(where)}" if where else "")
               + (f" GROUP BY {', '.join(groups)}" if groups else ""))
        return self._frame(sql, params, by)

    def _frame(self, sql: str, params: Sequence[Any], by: tuple[str, ...]) -> pd.DataFrame:
        keys = [key for group in by for key in (("cell_x", "cell_y") if group == "cell" else (group,))]
        rows = [row for row in self._read(sql, params) if row[len(keys)]]
        return pd.DataFrame(rows, columns=[*keys, "incidents", "deaths", "sum_latitude", "sum_longitude"])


#: Month index of December 9999, the last month a date can have.
_LAST_MONTH: Final[int] = (9999 - 1970) * 12 + 11
# Beyond any month index a date can have: "no limit" on a month range.
_NO_MONTH_LIMIT: Final[int] = 10**7
#: Month index of January of the year 1, the first month a stored date can have (see FIRST_DATE).
_FIRST_MONTH: Final[int] = (1 - 1970) * 12

#: What :meth:`SQLiteStore.points` returns of each incident: enough to draw,
#: label and identify it; the full record is fetched by id when clicked.
POINT_COLUMNS: Final[tuple[str, ...]] = (
    "id", "latitude", "longitude", "event_type", "event_date", "location", "deaths_best",
    "geo_precision", "precision_km", "country", *MEASURE_COLUMNS,
)


def _one_of(expression: str, values: tuple[str, ...], params: list[Any]) -> str:
    """``expression IN (...)`` with its values appended to ``params``; an empty tuple matches nothing."""
    if not values:
        return "1 = 0"
    params.extend(values)
    return f"{expression} IN ({', '.join('?' for _ in values)})"


#: ``meta`` key of the longest span (days) of any stored incident, an upper bound.
_LONGEST_SPAN: Final[str] = "longest_span_days"


def _meta_int(conn: sqlite3.Connection, key: str) -> int:
    """An integer kept in ``meta``, 0 when absent."""
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return int(row[0]) if row else 0


def _set_meta(conn: sqlite3.Connection, key: str, value: object) -> None:
    conn.execute(
        "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, str(value)),
    )


def _days_before(day: dt.date, days: int) -> dt.date:
    """``day`` minus ``days``, or the first representable day."""
    try:
        return day - dt.timedelta(days=days)
    except OverflowError:
        return dt.date.min


def _valid_bbox(bbox: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    west, south, east, north = (float(value) for value in bbox)
    if not (-90 <= south <= north <= 90 and -180 <= west <= 180 and -180 <= east <= 180):
        raise ValueError(f"bbox {bbox} is not (west, south, east, north) in degrees")
    return west, south, east, north


#: Which index a query should read (see :func:`_filter_clauses`).
_BY_DATE: Final[str] = "dates"
_BY_POSITION: Final[str] = "position"
_BY_PLANNER: Final[str] = "planner"
_BY_ID: Final[str] = "id"
_BY_DISTANCE: Final[str] = "distance"
#: Most rows a newest-first walk of the date index may expect to read.
_DATE_WALK_ROWS: Final[int] = 200_000


def _filter_clauses(
    selection: IncidentFilter,
    datasets: tuple[str, ...] | None,
    actors: tuple[str, ...] | None,
    hide_duplicates: bool,
    bbox: tuple[float, float, float, float] | None,
    *,
    longest_span_days: int,
    index: str = _BY_PLANNER,
    event_dates: tuple[dt.date | None, dt.date | None] = (None, None),
    max_border_km: float | None = None,
) -> tuple[list[str], list[Any]]:
    """WHERE clauses (joined by AND) and their parameters for the incidents table.

    ``index`` says which index should select the rows: ``"dates"`` (a
    narrow date range), ``"position"`` (a small map view) or ``"planner"``
    (SQLite's choice). SQLite's planner keeps no histograms of ranges in
    common builds, and prefers an index on equalities (dataset and type
    lists) that can select nearly every row; a unary ``+`` hides a column
    from it (SQLite-specific; other engines read ``+x`` as ``x``).
    ``longest_span_days`` bounds how long before the range an overlapping
    incident can start, so the date index can be read from there.
    ``event_dates`` narrows the event dates read further (one pair of
    bounds: SQLite reads an index by one range per column, and filters the rest).
    """
    hide = {
        _BY_DATE: {"latitude", "dataset", "event_type", "country"},
        _BY_POSITION: {"event_date", "dataset", "event_type", "country"},
        _BY_PLANNER: set(),
        _BY_ID: {"latitude", "dataset", "event_type", "country", "event_date"},
        _BY_DISTANCE: {"latitude", "dataset", "event_type", "country", "event_date"},
    }[index]

    def column(name: str) -> str:
        return f"+{name}" if name in hide else name

    where: list[str] = []
    params: list[Any] = []
    earliest = None if selection.start is None else _days_before(selection.start, longest_span_days)
    lowest = max((day for day in (earliest, event_dates[0]) if day is not None), default=None)
    highest = min((day for day in (selection.end, event_dates[1]) if day is not None), default=None)
    if selection.start is not None:
        where.append("last_date >= ?")
        params.append(_date_text(selection.start))
    if lowest is not None:
        where.append(f"{column('event_date')} >= ?")
        params.append(_date_text(lowest))
    else:
        # Dates before the year 1, which stores before version 4 may hold, are shown nowhere.
        # Unary +: a range that holds every row must not lure the planner onto the date index.
        where.append("+event_date >= ?")
        params.append(FIRST_DATE)
    if highest is not None:
        where.append(f"{column('event_date')} <= ?")
        params.append(_date_text(highest))
    for name, values in (("event_type", selection.event_types), ("country", selection.countries),
                         ("dataset", datasets)):
        if values is not None:
            where.append(_one_of(column(name), values, params))
    if actors is not None:
        if actors:
            marks = ", ".join("?" for _ in actors)
            where.append(f"(actor1 IN ({marks}) OR actor2 IN ({marks}))")
            params.extend((*actors, *actors))
        else:
            where.append("1 = 0")
    if hide_duplicates:
        where.append("duplicate_of IS NULL")
    if max_border_km is not None:
        where.append("distance_border_km <= ?")
        params.append(float(max_border_km))
    if bbox is not None:
        west, south, east, north = _valid_bbox(bbox)
        where.append(f"{column('latitude')} BETWEEN ? AND ?")
        params += [south, north]
        if west <= east:
            where.append("longitude BETWEEN ? AND ?")
        else:
            where.append("(longitude >= ? OR longitude <= ?)")
        params += [west, east]
    return where, params


def _typed_frame(raw: pd.DataFrame) -> gpd.GeoDataFrame:
    """Type query results exactly as :func:`borderwatch.reference.load_incidents` does."""
    frame = pd.DataFrame(index=raw.index)
    for column in INCIDENT_COLUMNS:
        values = raw[column]
        if column in _DATE_COLUMNS:
            # The unit pandas gives parsed date text, also when no value is there to parse.
            frame[column] = pd.to_datetime(values, format="%Y-%m-%d").astype("datetime64[us]")
        elif column in _FLOAT_COLUMNS:
            frame[column] = values.astype(float)
        elif column == "geo_precision":
            frame[column] = values.astype(int)
        elif column in COUNT_COLUMNS:
            frame[column] = values.astype("Int64")
        else:
            frame[column] = values.astype(str)
    frame["source_id"] = raw["source_id"].astype(str)
    frame["probable_duplicate"] = raw["duplicate_of"].notna().astype(bool)
    frame["duplicate_of"] = raw["duplicate_of"].fillna("").astype(str)
    for column in MEASURE_COLUMNS:
        frame[column] = raw[column].astype(
            str if column == "border_side" else bool if column == "between_barrier_and_border" else float)
    return gpd.GeoDataFrame(
        frame,
        geometry=gpd.points_from_xy(frame["longitude"], frame["latitude"]),
        crs=config.GEOGRAPHIC_CRS,
    )


def damage_message(path: Path, detail: str) -> str:
    """What to say of a damaged store file: where it is, and what to do.

    Parameters
    ----------
    path : pathlib.Path
        The store file.
    detail : str
        What SQLite found.

    Returns
    -------
    str
    """
    return (
        f"{path}: the store file is damaged ({detail}); BorderWatch writes nothing to it. Restore it from a "
        "backup; or save what can still be read with "
        f"`python -m borderwatch --data-dir {path.parent} export -o incidents.gpkg`, then move {path.name} "
        "away: BorderWatch then starts a new store, with the bundled incidents, where it was."
    )


def open_store(
    path: Path | None = None, *, busy_timeout_s: float = DEFAULT_BUSY_TIMEOUT_S, allow_damaged: bool = False
) -> SQLiteStore:
    """Open the store, creating and seeding it on first use.

    Parameters
    ----------
    path : pathlib.Path, optional
        The database file; by default :data:`DATABASE_FILE` in :func:`data_dir`.
        Its folder is created if missing.
    busy_timeout_s : float
        How long a write waits for another process's write.
    allow_damaged : bool
        Open a store that fails its integrity check anyway, to read what can
        be read (an export); it is still never written to.

    Returns
    -------
    SQLiteStore
        With the schema in place and, the first time only, the bundled
        incidents stored as dataset ``"bundled"``. Removing that dataset later
        does not bring it back on the next open (see :meth:`SQLiteStore.reseed_bundled`).

    Raises
    ------
    StoreDamagedError
        The file fails SQLite's quick check (see :meth:`SQLiteStore.check_integrity`).
    StoreUnavailableError
        The folder is missing and cannot be made, or the store cannot be
        opened or written there; the message names the folder.
    """
    path = Path(path) if path is not None else data_dir() / DATABASE_FILE
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise StoreUnavailableError(
            f"{path.parent}: the folder of the store is missing and cannot be made ({error.strerror or error}): "
            f"create it, or set {DATA_DIR_ENV} (or --data-dir) to a folder you can write to"
        ) from error
    effective = os.access in os.supports_effective_ids
    if path.exists() and not os.access(path.parent, os.W_OK | os.X_OK, effective_ids=effective):
        # SQLite would open the file and fail on the first write, with a message about the database.
        raise StoreUnavailableError(
            f"{path.parent}: the folder of the store is read-only: BorderWatch needs to write there "
            f"(beside {path.name}); make it writable, or set {DATA_DIR_ENV} (or --data-dir) to a folder "
            "you can write to"
        )
    store = SQLiteStore(path, busy_timeout_s=busy_timeout_s)
    try:
        if not allow_damaged:
            store.check_integrity()
        store._seed_once()
    except BaseException:
        store.close()
        raise
    return store
