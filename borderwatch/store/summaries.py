"""The map summary: incident counts, deaths and position sums per map cell.

``incident_cells`` holds them per cell, month and the filterable keys, at
each of :data:`~borderwatch.mapgrid.SUMMARY_LEVELS`: a map of a million
incidents reads thousands of these rows instead of a million incidents.
Writes keep it up to date in the same transaction as the incidents; reads
(:meth:`~borderwatch.store.reads.IncidentReads.aggregate`) take whole months
from it and only the partial months at a range's ends from the incidents.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from typing import Any, Final

import numpy as np
import pandas as pd

from borderwatch.filters import IncidentFilter, IncidentQuery
from borderwatch.mapgrid import (
    SUMMARY_LEVELS,
    cell_range,
    cell_shift,
    first_whole_month,
    last_whole_month,
    month_index,
    month_start,
)
from borderwatch.store.dialect import Connection, Dialect
from borderwatch.store.interface import BBox
from borderwatch.store.query import days_before, one_of, valid_bbox
from borderwatch.store.schema import LONGEST_SPAN, ROW_COLUMNS, bump_revision, meta_int, set_meta

#: What a finest-level summary cell is keyed by (besides level and dataset), and what it sums.
CELL_KEYS: Final[tuple[str, ...]] = ("cell_x", "cell_y", "event_month", "event_type", "country", "duplicate")
CELL_VALUES: Final[tuple[str, ...]] = ("incidents", "deaths", "sum_latitude", "sum_longitude")
CELL_VALUES_FROM_DUPLICATE: Final[tuple[str, ...]] = ("duplicate", *CELL_VALUES)
#: Month index of December 9999, the last month a date can have.
_LAST_MONTH: Final[int] = (9999 - 1970) * 12 + 11
# Beyond any month index a date can have: "no limit" on a month range.
_NO_MONTH_LIMIT: Final[int] = 10**7
#: Month index of January of the year 1, the first month a stored date can have (see FIRST_DATE).
_FIRST_MONTH: Final[int] = (1 - 1970) * 12


def count_cells(rows: list[tuple[Any, ...]]) -> pd.DataFrame:
    """Finest-level summary cells of stored rows (``ROW_COLUMNS`` tuples), none flagged yet."""
    positions = [ROW_COLUMNS.index(name) for name in
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
    return frame.groupby(list(CELL_KEYS), as_index=False, sort=False)[list(CELL_VALUES)].sum()


def affected_datasets(conn: Connection) -> set[str]:
    """The datasets of the rows in the ``affected`` scratch table."""
    return {row[0] for row in conn.execute("SELECT DISTINCT dataset FROM affected")}


def refresh_cells(
    conn: Connection, dialect: Dialect, datasets: Iterable[str],
    counted: dict[str, pd.DataFrame] | None = None,
) -> None:
    """Rebuild ``incident_cells`` for these datasets and mark the store as changed.

    The finest level is counted from the incidents, or taken from
    ``counted`` (dataset -> finest cells an import counted as it stored
    the rows, which saves sorting a million rows); each coarser level is
    rolled up from the level below it.
    """
    finest = SUMMARY_LEVELS[-1]
    shift = cell_shift(finest)
    counted = counted or {}
    for name in sorted(set(datasets) | set(counted)):
        conn.execute("DELETE FROM incident_cells WHERE dataset = ?", (name,))
        if name in counted:
            cells = counted[name]
            conn.executemany(
                "INSERT INTO incident_cells (level, cell_x, cell_y, event_month, event_type, country,"
                " dataset, duplicate, incidents, deaths, sum_latitude, sum_longitude)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                zip([finest] * len(cells), *(cells[column].tolist() for column in CELL_KEYS[:-1]),
                    [name] * len(cells), *(cells[column].tolist() for column in CELL_VALUES_FROM_DUPLICATE),
                    strict=True),
            )
        else:
            conn.execute(
                "INSERT INTO incident_cells (level, cell_x, cell_y, event_month, event_type, country,"
                " dataset, duplicate, incidents, deaths, sum_latitude, sum_longitude)"
                f" SELECT ?, grid_x >> {shift}, grid_y >> {shift}, event_month, event_type, country,"
                " dataset, CASE WHEN duplicate_of IS NULL THEN 0 ELSE 1 END, COUNT(*), SUM(COALESCE(deaths_best, 0)),"
                " SUM(latitude), SUM(longitude) FROM incidents WHERE dataset = ?"
                f" GROUP BY grid_x >> {shift}, grid_y >> {shift}, event_month, event_type, country, dataset,"
                " CASE WHEN duplicate_of IS NULL THEN 0 ELSE 1 END",
                (finest, name),
            )
        keys = "event_month, event_type, country, dataset, duplicate"
        for finer, level in zip(SUMMARY_LEVELS[:0:-1], SUMMARY_LEVELS[-2::-1], strict=True):
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
    bump_revision(conn, dialect)


def count_flagged(conn: Connection, dataset: str, cells: pd.DataFrame) -> pd.DataFrame:
    """Move the rows of ``dataset`` flagged in this transaction (``best``) to duplicate cells.

    ``cells`` were counted as rows were stored, before the duplicate check.
    """
    shift = cell_shift(SUMMARY_LEVELS[-1])
    flagged = pd.DataFrame(
        conn.execute(
            f"SELECT grid_x >> {shift}, grid_y >> {shift}, event_month, event_type, country, 1,"
            " COUNT(*), SUM(COALESCE(deaths_best, 0)), SUM(latitude), SUM(longitude) FROM incidents"
            " WHERE (dataset, source_id) IN (SELECT dataset, source_id FROM best WHERE dataset = ?)"
            f" GROUP BY grid_x >> {shift}, grid_y >> {shift}, event_month, event_type, country",
            (dataset,),
        ).fetchall(),
        columns=[*CELL_KEYS, *CELL_VALUES],
    )
    if flagged.empty:
        return cells
    unflag = flagged.assign(duplicate=0)
    unflag[list(CELL_VALUES)] = -unflag[list(CELL_VALUES)]
    moved = pd.concat([cells, unflag, flagged], ignore_index=True)
    moved = moved.groupby(list(CELL_KEYS), as_index=False, sort=False)[list(CELL_VALUES)].sum()
    return moved[moved["incidents"] > 0]


def note_longest_span(conn: Connection, dialect: Dialect, days: int) -> None:
    """Keep ``longest_span_days`` an upper bound of every stored incident's span."""
    if days > meta_int(conn, LONGEST_SPAN):
        set_meta(conn, dialect, LONGEST_SPAN, days)


def recount_longest_span(conn: Connection, dialect: Dialect) -> None:
    """Set ``longest_span_days`` from the incidents stored (after a removal it may shrink)."""
    longest = conn.execute(
        f"SELECT MAX({dialect.days_between('end_date', 'event_date')}) FROM incidents WHERE end_date IS NOT NULL"
    ).fetchone()[0]
    set_meta(conn, dialect, LONGEST_SPAN, math.ceil(longest or 0))


def month_split(
    selection: IncidentFilter, longest_span_days: int
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
    earliest = None if start is None else days_before(start, longest_span_days)
    if first > last or first > _LAST_MONTH:
        return None, [(earliest, end)]
    edges: list[tuple[dt.date | None, dt.date | None]] = []
    if start is not None:
        edges.append((earliest, month_start(first) - dt.timedelta(days=1)))
    if end is not None and last < month_index(np.array([end], dtype="datetime64[D]"))[0]:
        # The month of ``end`` is partial: its first day is past the last whole month.
        edges.append((end.replace(day=1), end))
    return (first, last), edges


def summary_sql(
    dialect: Dialect,
    query: IncidentQuery,
    by: tuple[str, ...],
    zoom: int | None,
    level: int,
    months: tuple[int, int],
    bbox: BBox | None,
) -> tuple[str, list[Any]]:
    """The read of ``incident_cells`` at ``level`` for whole ``months``, grouped ``by`` (cells at ``zoom``).

    Only for queries without actors or a distance limit: the summary is not keyed by those.
    """
    selection = query.selection
    params: list[Any] = [level, *months]
    where = ["level = ?", "event_month BETWEEN ? AND ?"]
    for column, values in (("event_type", selection.event_types), ("country", selection.countries),
                           ("dataset", query.datasets)):
        if values is not None:
            where.append(one_of(dialect, column, values, params))
    if query.hide_duplicates:
        where.append("duplicate = 0")
    if bbox is not None:
        west, south, east, north = valid_bbox(bbox)
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
    return sql, params
