"""Probable duplicates: rows of different datasets that are likely the same event.

Rows of different datasets with the same ACLED ``event_type``, event dates at
most :data:`~borderwatch.config.DUPLICATE_DAY_WINDOW` days apart and positions
at most :data:`~borderwatch.config.DUPLICATE_DISTANCE_KM` apart are flagged,
not merged: the row of the dataset imported later gets ``duplicate_of`` = the
``id`` of the row in the earlier dataset. Dataset order is the order datasets
were first created (``import_order``); it does not change when a dataset is
re-imported.

Every function here runs inside the store's write transaction, on its
connection, and uses the temporary tables of :data:`~borderwatch.store.schema.TEMP_SCHEMA`.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any, Final

import numpy as np

from borderwatch import config
from borderwatch.store.dialect import Connection, Dialect

#: Mean Earth radius (IUGG), for the haversine distance.
EARTH_RADIUS_KM: Final[float] = 6371.0088
# Candidate pairs fetched per round trip.
_FETCH_BATCH = 10_000


def _day_window(day: str) -> str:
    """The event days within the window of ``day``, as an IN list: equality seeks keep the index on latitude."""
    window = int(config.DUPLICATE_DAY_WINDOW)
    return ", ".join(f"{day} {'-' if offset < 0 else '+'} {abs(offset)}" for offset in range(-window, window + 1))


# Candidate pairs: rows of one dataset in the key set (a) against the rows of
# one other dataset (b): same type, event days within the window, inside a
# lat/lon box that holds every point within the distance; the exact distance
# is checked in numpy. The query walks the smaller side and seeks the other
# through incidents_duplicate_search: a million new rows against thirty
# bundled ones walk the thirty. A key listed twice may yield its pairs twice,
# which is harmless. {join} is the dialect's join that keeps the written order.
_PAIR_COLUMNS = (
    "a.dataset, a.source_id, b.dataset, b.source_id, b.id, ?, a.latitude, a.longitude, b.latitude, b.longitude"
)
_PAIR_SQL_WALK_KEYS = f"""
SELECT {_PAIR_COLUMNS}
FROM {{keys}}
{{join}} incidents b
WHERE {{key_rows}}
  AND b.dataset = ?
  AND b.event_type = a.event_type
  AND b.event_day IN ({{a_days}})
  AND b.latitude BETWEEN a.latitude - ? AND a.latitude + ?
  AND b.longitude BETWEEN a.longitude - ? AND a.longitude + ?
"""
_PAIR_SQL_WALK_OTHER = f"""
SELECT {_PAIR_COLUMNS}
FROM incidents b
{{join}} incidents a
WHERE b.dataset = ?
  AND a.dataset = ?
  AND a.event_type = b.event_type
  AND a.event_day IN ({{b_days}})
  AND a.latitude BETWEEN b.latitude - ? AND b.latitude + ?
  AND a.longitude BETWEEN b.longitude - ? AND b.longitude + ?
  {{key_filter}}
"""
# How the two queries above name the a-rows: the rows of a key table, or
# every row of one dataset (a new dataset: all of it is new).
_KEY_TABLE_ROWS = "{keys} k {join} incidents a", "k.dataset = ? AND a.dataset = k.dataset AND a.source_id = k.source_id"
_DATASET_ROWS = "incidents a", "a.dataset = ?"
_KEY_TABLE_FILTER = "AND EXISTS (SELECT 1 FROM {keys} k WHERE k.dataset = a.dataset AND k.source_id = a.source_id)"


def haversine_km(lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray, lon2: np.ndarray) -> np.ndarray:
    phi1, phi2 = np.radians(lat1), np.radians(lat2)
    half_dphi = (phi2 - phi1) / 2
    half_dlambda = np.radians(lon2 - lon1) / 2
    h = np.sin(half_dphi) ** 2 + np.cos(phi1) * np.cos(phi2) * np.sin(half_dlambda) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))


def _search_box(max_abs_latitude: float) -> tuple[float, float]:
    """Half-widths (degrees of latitude, longitude) of a box holding every point
    within :data:`~borderwatch.config.DUPLICATE_DISTANCE_KM` of any point at ``|latitude| <= max_abs_latitude``.

    From the haversine formula: |Δφ| <= d/R, and for both points at
    |φ| <= φmax, sin(|Δλ|/2) <= sin(d/2R) / cos φmax. A 1e-6 margin absorbs rounding.
    """
    angle = config.DUPLICATE_DISTANCE_KM / EARTH_RADIUS_KM
    dlat = math.degrees(angle) * (1 + 1e-6)
    ratio = math.sin(angle / 2) / max(math.cos(math.radians(min(max_abs_latitude, 90.0))), 1e-12)
    dlon = 360.0 if ratio >= 1 else math.degrees(2 * math.asin(ratio)) * (1 + 1e-6)
    return dlat, dlon


def _close_pairs(
    conn: Connection, dialect: Dialect, keys: str | None, order: str, dataset: str | None = None
) -> Iterator[list[tuple[Any, ...]]]:
    """Batches of (a key, b key, b id, b's dataset order, distance) within the distance.

    ``keys`` names the table of a-rows, or is None for every row of
    ``dataset``; ``order`` is ``"<"`` to pair them with rows of datasets
    created before theirs, ``">"`` for those after.
    """
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
        key_from, key_rows = (part.format(keys=keys, join=dialect.ordered_join) for part in _KEY_TABLE_ROWS)
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
                sql = _PAIR_SQL_WALK_OTHER.format(key_filter=key_filter, join=dialect.ordered_join,
                                                  b_days=_day_window("b.event_day"))
                params = (other_order, other, key_dataset, dlat, dlat, dlon, dlon)
            else:
                sql = _PAIR_SQL_WALK_KEYS.format(keys=key_from, key_rows=key_rows, join=dialect.ordered_join,
                                                 a_days=_day_window("a.event_day"))
                params = (other_order, key_dataset, other, dlat, dlat, dlon, dlon)
            cursor = conn.execute(sql, params)
            while batch := cursor.fetchmany(_FETCH_BATCH):
                positions = np.array([row[6:] for row in batch], dtype=float)
                distances = haversine_km(positions[:, 0], positions[:, 1], positions[:, 2], positions[:, 3])
                close = np.flatnonzero(distances <= config.DUPLICATE_DISTANCE_KM)
                if close.size:
                    yield [(*batch[i][:6], float(distances[i])) for i in close]


def reflag_touched(conn: Connection, dialect: Dialect) -> None:
    """Recompute the flags that rows in ``touched`` (just added, changed or removed) can affect.

    Affected are: the touched rows (all stored: an import touches what it stores); rows flagged as
    duplicates of a touched row (it may have moved or gone); rows of later
    datasets within reach of a touched row (they may now be duplicates).
    """
    conn.execute("DELETE FROM affected")
    # An import touches only rows it stores: every touched row is there.
    conn.execute("INSERT INTO affected (dataset, source_id) SELECT dataset, source_id FROM touched")
    conn.execute(
        "INSERT INTO affected (dataset, source_id) SELECT i.dataset, i.source_id"
        " FROM touched t JOIN incidents i"
        " ON i.duplicate_of_dataset = t.dataset AND i.duplicate_of_source_id = t.source_id"
    )
    for batch in _close_pairs(conn, dialect, "touched", ">"):
        conn.executemany("INSERT INTO affected (dataset, source_id) VALUES (?, ?)", [row[2:4] for row in batch])
    reflag_affected(conn, dialect)


def reflag_affected(conn: Connection, dialect: Dialect) -> None:
    """Set the flag of every row in ``affected`` from its pairs with earlier datasets."""
    # Row-value IN (SQL:1999, PostgreSQL too) lets both engines walk the primary key;
    # rows not flagged need no write.
    conn.execute(
        "UPDATE incidents SET duplicate_of = NULL, duplicate_of_dataset = NULL, duplicate_of_source_id = NULL"
        # Walk the flagged rows (the partial index lists exactly those),
        # not the affected ones: after a big import those are millions.
        # The hints keep the planner off the primary key.
        " WHERE duplicate_of_dataset IS NOT NULL"
        f" AND ({dialect.unindexed('dataset')}, {dialect.unindexed('source_id')})"
        " IN (SELECT dataset, source_id FROM affected)"
    )
    _flag_from_pairs(conn, _close_pairs(conn, dialect, "affected", "<"))


def flag_new_dataset(conn: Connection, dialect: Dialect, dataset: str) -> None:
    """Flag the rows of a dataset created in this transaction.

    Its rows can only be duplicates of earlier datasets' rows, and no
    earlier row can be a duplicate of one of them: so no key tables, and
    no other dataset's flags, are involved.
    """
    _flag_from_pairs(conn, _close_pairs(conn, dialect, None, "<", dataset))


def _flag_from_pairs(conn: Connection, batches: Iterator[list[tuple[Any, ...]]]) -> None:
    """Flag each row that has close pairs with the earliest, nearest of them (via ``pairs`` and ``best``)."""
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
