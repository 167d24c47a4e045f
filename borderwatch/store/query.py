"""How an :class:`~borderwatch.filters.IncidentQuery` becomes the WHERE clause of a read.

A query says what to keep; which index should find it is a separate choice
(:data:`BY_DATE` and its siblings), made by the reader from what the summary
says and expressed through the dialect's index hints.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Final

from borderwatch.errors import InvalidQueryError
from borderwatch.filters import IncidentQuery
from borderwatch.store.bordermeasures import is_default
from borderwatch.store.dialect import Dialect
from borderwatch.store.interface import BBox
from borderwatch.store.schema import FIRST_DATE

#: Which index a read should use (see :func:`filter_clauses`): a narrow date range's,
BY_DATE: Final[str] = "dates"
#: a small map view's,
BY_POSITION: Final[str] = "position"
#: the planner's own choice,
BY_PLANNER: Final[str] = "planner"
#: the id's (a clicked point),
BY_ID: Final[str] = "id"
#: or the distance to the border's.
BY_DISTANCE: Final[str] = "distance"

# The columns hidden from the planner so that the chosen index is read.
_HIDDEN: Final[dict[str, frozenset[str]]] = {
    BY_DATE: frozenset({"latitude", "dataset", "event_type", "country"}),
    BY_POSITION: frozenset({"event_date", "dataset", "event_type", "country"}),
    BY_PLANNER: frozenset(),
    BY_ID: frozenset({"latitude", "dataset", "event_type", "country", "event_date"}),
    BY_DISTANCE: frozenset({"latitude", "dataset", "event_type", "country", "event_date"}),
}


@dataclass(frozen=True)
class MeasureSource:
    """Where a read finds the measures against its query's border (see :mod:`.bordermeasures`).

    The default border's are the incidents' own columns; any other border's
    are the rows of ``border_measures`` (as ``m``) joined on their primary key.
    """

    border: str
    incident_key: str

    @property
    def joined(self) -> bool:
        """Whether the measures come from ``border_measures``."""
        return not is_default(self.border)

    def column(self, name: str) -> str:
        """A measure column as the read names it."""
        return f"m.{name}" if self.joined else name

    def tables(self, dialect: Dialect, *, measures_first: bool = False) -> str:
        """The FROM list: ``incidents``, joined in the order SQLite must keep.

        ``measures_first`` when the distance index of ``border_measures``
        selects the rows (then each incident is found by its key).
        """
        if not self.joined:
            return "incidents"
        pair = ("border_measures m", "incidents") if measures_first else ("incidents", "border_measures m")
        return f" {dialect.ordered_join} ".join(pair)

    def join_clauses(self) -> tuple[list[str], list[Any]]:
        """The WHERE clauses that join the two tables on ``border_measures``' primary key."""
        if not self.joined:
            return [], []
        return ["m.border = ?", f"m.incident = incidents.{self.incident_key}"], [self.border]


def date_text(value: dt.date) -> str:
    """A date as stored: ISO ``yyyy-mm-dd``."""
    # Not strftime: it writes the year 1 as "1", which sorts after "2016".
    return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"


def days_before(day: dt.date, days: int) -> dt.date:
    """``day`` minus ``days``, or the first representable day."""
    try:
        return day - dt.timedelta(days=days)
    except OverflowError:
        return dt.date.min


def valid_bbox(bbox: BBox) -> BBox:
    """The box as floats, or :class:`~borderwatch.errors.InvalidQueryError` if it is no box in degrees."""
    west, south, east, north = (float(value) for value in bbox)
    if not (-90 <= south <= north <= 90 and -180 <= west <= 180 and -180 <= east <= 180):
        raise InvalidQueryError(f"bbox {bbox} is not (west, south, east, north) in degrees")
    return west, south, east, north


def checked(query: object) -> IncidentQuery:
    """``query`` if it is an :class:`IncidentQuery`; else a clear refusal (an old call passing a filter)."""
    if not isinstance(query, IncidentQuery):
        raise InvalidQueryError(
            f"the store reads take an IncidentQuery, not {type(query).__name__}: wrap a selection as"
            " IncidentQuery(selection, datasets=..., actors=..., hide_duplicates=..., max_border_km=...)"
        )
    return query


def one_of(dialect: Dialect, expression: str, values: tuple[str, ...], params: list[Any]) -> str:
    """``expression IN (...)`` with its values appended to ``params``; an empty tuple matches nothing."""
    if not values:
        return "1 = 0"
    params.extend(values)
    return f"{expression} IN ({dialect.marks(len(values))})"


def filter_clauses(
    query: IncidentQuery,
    bbox: BBox | None,
    *,
    dialect: Dialect,
    longest_span_days: int,
    measures: MeasureSource,
    index: str = BY_PLANNER,
    event_dates: tuple[dt.date | None, dt.date | None] = (None, None),
) -> tuple[list[str], list[Any]]:
    """WHERE clauses (joined by AND) and their parameters for the incidents table.

    ``measures`` says where the measures against ``query.border`` are: with
    ``border_measures`` joined, the clauses begin with the join's.

    ``index`` says which index should select the rows: ``"dates"`` (a
    narrow date range), ``"position"`` (a small map view) or ``"planner"``
    (the engine's choice). SQLite's planner keeps no histograms of ranges in
    common builds, and prefers an index on equalities (dataset and type
    lists) that can select nearly every row; the dialect's
    :meth:`~borderwatch.store.dialect.Dialect.unindexed` hides a column from it.
    ``longest_span_days`` bounds how long before the range an overlapping
    incident can start, so the date index can be read from there.
    ``event_dates`` narrows the event dates read further (one pair of
    bounds: SQLite reads an index by one range per column, and filters the rest).
    """
    hide = _HIDDEN[index]
    selection = query.selection

    def column(name: str) -> str:
        return dialect.unindexed(name) if name in hide else name

    where, params = measures.join_clauses()
    earliest = None if selection.start is None else days_before(selection.start, longest_span_days)
    lowest = max((day for day in (earliest, event_dates[0]) if day is not None), default=None)
    highest = min((day for day in (selection.end, event_dates[1]) if day is not None), default=None)
    if selection.start is not None:
        where.append("last_date >= ?")
        params.append(date_text(selection.start))
    if lowest is not None:
        where.append(f"{column('event_date')} >= ?")
        params.append(date_text(lowest))
    else:
        # Dates before the year 1, which stores before version 4 may hold, are shown nowhere.
        # Hidden: a range that holds every row must not lure the planner onto the date index.
        where.append(f"{dialect.unindexed('event_date')} >= ?")
        params.append(FIRST_DATE)
    if highest is not None:
        where.append(f"{column('event_date')} <= ?")
        params.append(date_text(highest))
    for name, values in (("event_type", selection.event_types), ("country", selection.countries),
                         ("dataset", query.datasets)):
        if values is not None:
            where.append(one_of(dialect, column(name), values, params))
    if query.actors is not None:
        if query.actors:
            marks = dialect.marks(len(query.actors))
            where.append(f"(actor1 IN ({marks}) OR actor2 IN ({marks}))")
            params.extend((*query.actors, *query.actors))
        else:
            where.append("1 = 0")
    if query.hide_duplicates:
        where.append("duplicate_of IS NULL")
    if query.max_border_km is not None:
        where.append(f"{measures.column('distance_border_km')} <= ?")
        params.append(float(query.max_border_km))
    if bbox is not None:
        west, south, east, north = valid_bbox(bbox)
        where.append(f"{column('latitude')} BETWEEN ? AND ?")
        params += [south, north]
        if west <= east:
            where.append("longitude BETWEEN ? AND ?")
        else:
            where.append("(longitude >= ? OR longitude <= ?)")
        params += [west, east]
        boxes = [(west, south, east, north)] if west <= east else [(west, south, 180.0, north),
                                                                   (-180.0, south, east, north)]
        spatial, spatial_params = dialect.box_clauses(boxes)
        where += spatial
        params += spatial_params
    return where, params
