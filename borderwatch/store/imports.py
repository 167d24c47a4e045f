"""Writing incidents: an importer's parsed chunks into the store, in one transaction.

A record whose ``(dataset, source_id)`` is stored already is updated when its
``source_timestamp`` is newer, or when its content differs and neither
timestamp is older; otherwise it is left as stored. Every function here runs
inside the store's write transaction, on its connection.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Final

import numpy as np
import pandas as pd

from borderwatch import __version__, config
from borderwatch.borderzone import measure
from borderwatch.errors import DatasetConflictError, StrictImportError
from borderwatch.importers.base import ParsedChunk
from borderwatch.mapgrid import SUMMARY_LEVELS, grid_xy, month_index
from borderwatch.reference import load_incidents
from borderwatch.schema import COUNT_COLUMNS, INCIDENT_COLUMNS
from borderwatch.store import audit, bordermeasures, duplicates, summaries
from borderwatch.store.dialect import Connection, Dialect
from borderwatch.store.interface import BUNDLED, Actor, ImportReport, file_sha256, qualified_id
from borderwatch.store.schema import (
    FLOAT_COLUMNS,
    MEASURE_FLOATS,
    ROW_COLUMNS,
    SECONDARY_INDEX_DDL,
    SECONDARY_INDEXES,
    TEXT_COLUMNS,
)

#: An import that has added this many rows, and more than the store held
#: before, drops the secondary indexes of ``incidents`` and builds them again
#: at its end (in the same transaction): sorting a million keys once is far
#: quicker than a million random B-tree inserts per index.
BULK_IMPORT_ROWS: Final[int] = 50_000
# Row ids per "IN (...)" list: far below SQLite's (and PostgreSQL's) parameter limits.
_IN_BATCH = 500
#: Columns the importer hands over besides the schema (``row`` is not stored).
_CHUNK_EXTRAS = ("source_id", "source_timestamp", "original")
#: Marks content digests of this kind; a store upgraded from schema 1 holds
#: older ones, which are compared by source record instead (see :func:`_upsert`).
_HASH_VERSION: Final[str] = "2"
#: Mapped fields hashed column-wise beside the source record (see :func:`_content_hashes`).
_MAPPING_DEPENDENT: Final[tuple[str, ...]] = (
    "event_date", "end_date", "event_type", "sub_event_type", "location", "latitude", "longitude",
    "deaths_best", "description",
)


def _nullable(values: pd.Series) -> list[Any]:
    """Python values with ``None`` for missing (sqlite3 binds neither NaN-as-NULL nor pd.NA)."""
    return values.astype(object).where(values.notna(), None).tolist()


def _db_rows(incidents: pd.DataFrame, dataset: str, signature: str) -> list[tuple[Any, ...]]:
    """Turn a chunk's typed frame into tuples in :data:`ROW_COLUMNS` order."""
    count = len(incidents)
    values: dict[str, list[Any]] = {
        column: incidents[column].fillna("").astype(str).tolist() for column in TEXT_COLUMNS
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
    for column in FLOAT_COLUMNS:
        values[column] = _nullable(pd.to_numeric(incidents[column]).astype(float))
    values["geo_precision"] = incidents["geo_precision"].astype(int).tolist()
    for column in COUNT_COLUMNS:
        values[column] = _nullable(incidents[column].astype("Int64"))
    values["source_timestamp"] = _nullable(pd.to_numeric(incidents["source_timestamp"]).astype("Int64"))
    values["original"] = [
        value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True)
        for value in incidents["original"].tolist()
    ]
    values.update(measure_values(incidents["latitude"].to_numpy(float), incidents["longitude"].to_numpy(float)))
    values["content_hash"] = _content_hashes(incidents, values["original"], signature)
    return list(zip(*(values[column] for column in ROW_COLUMNS), strict=True))


def measure_values(latitude: np.ndarray, longitude: np.ndarray) -> dict[str, list[Any]]:
    """The :data:`~borderwatch.borderzone.MEASURE_COLUMNS` of points, as stored values."""
    measured = measure(latitude, longitude)
    values: dict[str, list[Any]] = {
        column: _nullable(measured[column].where(np.isfinite(measured[column]))) for column in MEASURE_FLOATS
    }
    values["border_side"] = measured["border_side"].tolist()
    values["between_barrier_and_border"] = measured["between_barrier_and_border"].astype(int).tolist()
    return values


def mapping_signature(format: str, mapping: Mapping[str, str] | None) -> str:
    """What, besides a source record, decides its mapped row: the format, the
    user's column mapping and the version of the importers."""
    return json.dumps([format, sorted((mapping or {}).items()), __version__])


def _content_hashes(incidents: pd.DataFrame, originals: list[str], signature: str) -> list[str]:
    """A digest of each row's content, to tell changed rows from unchanged ones.

    The source record (``original``) and the import's signature (see
    :func:`mapping_signature`) determine the mapped row: they are hashed
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



def bundled_chunk() -> ParsedChunk:
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



def import_bundled(conn: Connection, dialect: Dialect, actor: Actor) -> ImportReport:
    """Store the bundled incidents as dataset ``"bundled"`` (inside a write), recording ``actor``."""
    return import_in_transaction(
        conn,
        dialect,
        [bundled_chunk()],
        BUNDLED,
        BUNDLED,
        config.INCIDENTS_PATH.name,
        file_sha256(config.INCIDENTS_PATH),
        False,
        None,
        "Incidents bundled with BorderWatch (see data/README.md).",
        mapping_signature(BUNDLED, None),
        actor,
    )


def import_in_transaction(
    conn: Connection,
    dialect: Dialect,
    chunks: Iterable[ParsedChunk],
    dataset: str,
    format: str,
    file_name: str,
    file_hash: str,
    strict: bool,
    progress: Callable[[int], None] | None,
    notes: str,
    signature: str,
    actor: Actor,
) -> ImportReport:
    """Store ``chunks`` as ``dataset`` (see :meth:`IncidentStore.import_chunks`), inside a write.

    An import that changes the store (as the import log counts one) is
    recorded in the audit trail as ``actor``'s, in the same transaction.
    """
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
    stored_before = conn.execute(
        "SELECT COALESCE(SUM(incidents), 0) FROM incident_cells WHERE level = ?", (SUMMARY_LEVELS[0],)
    ).fetchone()[0]
    bulk = False
    # A new dataset's summary is counted as its rows are stored (see
    # summaries.refresh_cells), and its rows are flagged whole (duplicates.flag_new_dataset).
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
            _upsert(conn, dialect, chunk.incidents, dataset, report, counted, signature)
        if (dialect.rebuilds_indexes_in_bulk and not bulk and report.added >= BULK_IMPORT_ROWS
                and report.added > stored_before):
            for name in SECONDARY_INDEXES:
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
        for statement in SECONDARY_INDEX_DDL:
            conn.execute(statement)
    if counted is not None:
        duplicates.flag_new_dataset(conn, dialect, dataset)
    else:
        duplicates.reflag_touched(conn, dialect)
    if counted is not None and report.added and not report.updated:
        cells = pd.concat(counted, ignore_index=True).groupby(list(summaries.CELL_KEYS), as_index=False, sort=False)[
            list(summaries.CELL_VALUES)].sum()
        summaries.refresh_cells(conn, dialect, set(), counted={dataset: summaries.count_flagged(conn, dataset, cells)})
    elif counted is not None and report.updated:
        # A file that repeats an id updated its own rows: count them from the store.
        summaries.refresh_cells(conn, dialect, {dataset})
    elif report.added or report.updated:
        summaries.refresh_cells(conn, dialect, {dataset, *summaries.affected_datasets(conn)})
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
        audit.record(conn, actor, "import" if previous is None else "update", dataset=dataset, format=format,
                     file_name=file_name, file_hash=file_hash, added=report.added, updated=report.updated,
                     unchanged=report.unchanged, rejected=report.rejected)
    return report

def _upsert(
    conn: Connection,
    dialect: Dialect,
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
    insert = (
        f"INSERT INTO incidents ({', '.join(ROW_COLUMNS)})"
        f" VALUES ({dialect.marks(len(ROW_COLUMNS))})"
    )
    update = (
        "UPDATE incidents SET "
        + ", ".join(f"{column} = ?" for column in ROW_COLUMNS[2:])
        + ", duplicate_of = NULL, duplicate_of_dataset = NULL, duplicate_of_source_id = NULL"
        " WHERE dataset = ? AND source_id = ?"
    )
    timestamp_at = ROW_COLUMNS.index("source_timestamp")
    spans = (pd.to_datetime(incidents["end_date"]) - pd.to_datetime(incidents["event_date"])).dt.days
    if spans.notna().any():
        summaries.note_longest_span(conn, dialect, int(spans.max()))
    for layer in _layers(_db_rows(incidents, dataset, signature)):
        stored = _stored(conn, dataset, [row[1] for row in layer], "source_timestamp, content_hash")
        legacy = [source_id for source_id, (_, digest) in stored.items() if not digest.startswith(_HASH_VERSION)]
        stored_originals = {key: value[0] for key, value in _stored(conn, dataset, legacy, "original").items()}
        original_at = ROW_COLUMNS.index("original")
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
            counted.append(summaries.count_cells(added))
        for start in range(0, len(updated), _IN_BATCH):
            # An updated incident may have moved: its measures against other borders are taken again.
            batch = [row[1] for row in updated[start : start + _IN_BATCH]]
            bordermeasures.forget_measures(
                conn, dialect, f"dataset = ? AND source_id IN ({dialect.marks(len(batch))})", (dataset, *batch),
                removed=False)
        conn.executemany(update, [(*row[2:], *row[:2]) for row in updated])
        if counted is None:  # a new dataset is flagged whole, without a list of its rows
            conn.executemany(
                "INSERT INTO touched (dataset, source_id) VALUES (?, ?)",
                [row[:2] for row in (*added, *updated)],
            )
        report.added += len(added)
        report.updated += len(updated)

def _stored(conn: Connection, dataset: str, source_ids: list[str], columns: str) -> dict[str, tuple[Any, ...]]:
    """``source_id`` -> the given columns of the stored rows of ``dataset`` among ``source_ids``."""
    found: dict[str, tuple[Any, ...]] = {}
    for start in range(0, len(source_ids), _IN_BATCH):
        batch = source_ids[start : start + _IN_BATCH]
        cursor = conn.execute(
            f"SELECT source_id, {columns} FROM incidents"
            f" WHERE dataset = ? AND source_id IN ({', '.join('?' for _ in batch)})",
            (dataset, *batch),
        )
        found.update((row[0], row[1:]) for row in cursor)
    return found
