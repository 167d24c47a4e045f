"""Reading incidents: the store's queries, counts and the sidebar's choices.

Every read takes one :class:`~borderwatch.filters.IncidentQuery`; which index
should answer it is chosen here from what the summary says (SQLite's planner
cannot tell), and expressed through the engine's :class:`~borderwatch.store.dialect.Dialect`.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from typing import Any, Final

import geopandas as gpd
import pandas as pd

from borderwatch import config
from borderwatch.borderzone import MEASURE_COLUMNS
from borderwatch.errors import BorderNotMeasuredError
from borderwatch.filters import IncidentFilter, IncidentQuery
from borderwatch.infrastructure import InfrastructureFeature
from borderwatch.mapgrid import SUMMARY_LEVELS, cell_shift, summary_level
from borderwatch.schema import COUNT_COLUMNS, INCIDENT_COLUMNS
from borderwatch.store import audit, grants, infrastructure
from borderwatch.store.bordermeasures import MEASURED_SIGNATURE, MEASURED_UPTO
from borderwatch.store.dialect import Dialect
from borderwatch.store.interface import ID_QUALIFIER, POINT_COLUMNS, BBox, qualified_id
from borderwatch.store.query import (
    BY_DATE,
    BY_DISTANCE,
    BY_ID,
    BY_PLANNER,
    BY_POSITION,
    MeasureSource,
    checked,
    date_text,
    days_before,
    filter_clauses,
    one_of,
)
from borderwatch.store.schema import DATE_COLUMNS, FIRST_DATE, FLOAT_COLUMNS, LONGEST_SPAN
from borderwatch.store.summaries import month_split, summary_sql

#: Most rows a newest-first walk of the date index may expect to read.
_DATE_WALK_ROWS: Final[int] = 200_000


class IncidentReads:
    """The reads of :class:`~borderwatch.store.interface.IncidentStore`, for any engine.

    An engine's store inherits them and supplies :meth:`_read` (one query,
    its rows) and :attr:`dialect`.
    """

    dialect: Dialect

    def _read(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Run one query on the reading connection and return its rows."""
        raise NotImplementedError

    def count(self) -> int:
        """Return how many incidents the store holds, all datasets together."""
        # From the coarsest summary level: a few rows, where COUNT(*) reads an index.
        return self._read(
            "SELECT COALESCE(SUM(incidents), 0) FROM incident_cells WHERE level = ?", (SUMMARY_LEVELS[0],)
        )[0][0]

    def revision(self) -> str:
        """Return a token that changes whenever the stored incidents (or the roles or infrastructure) change.

        Readers cache query results under it (the dashboard, across sessions).
        Every write that changes incidents or their flags, a role granted, or
        a border's stored infrastructure counts it up in the
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
        # A store written before version 4 may hold a date before the year 1 ("-001-01-01"):
        # no page can show it, so it bounds nothing (see unreadable_dates).
        first, latest_start = self._read(
            "SELECT MIN(event_date), MAX(event_date) FROM incidents WHERE event_date >= ?", (FIRST_DATE,)
        )[0]
        bounds = None
        if first is not None:
            # Only incidents that start within the longest span of the
            # latest start can end last: read those through the date index.
            since = days_before(dt.date.fromisoformat(latest_start), self._longest_span_days())
            last = self._read("SELECT MAX(last_date) FROM incidents WHERE event_date >= ?", (date_text(since),))[0][0]
            bounds = (dt.date.fromisoformat(first), dt.date.fromisoformat(last))

        def distinct(sql: str) -> tuple[str, ...]:
            return tuple(row[0] for row in self._read(sql))

        return {
            "date_bounds": bounds,
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

    def audit_log(self, limit: int | None = None) -> pd.DataFrame:
        """List the audit trail, newest first (kept after a dataset is removed).

        Parameters
        ----------
        limit : int, optional
            The newest this many entries; all when None.

        Returns
        -------
        pandas.DataFrame
            ``recorded_at`` (UTC timestamp), ``actor``, ``via`` (``app``,
            ``cli`` or ``first run``), ``action`` (``import``, ``update``,
            ``remove``), ``outcome`` (``done`` or ``refused``), ``dataset``,
            ``format``, ``file_name``, ``file_hash`` (SHA-256), and the counts
            ``added, updated, unchanged, rejected, removed``.
        """
        sql, params = audit.latest_sql(limit)
        return audit.as_frame(self._read(sql, params))

    def infrastructure(self, border: str) -> list[InfrastructureFeature]:
        """Every stored infrastructure feature of a border: by layer name, then in the order of its file.

        Parameters
        ----------
        border : str
            Two countries' codes in either order (``"TUN-LBY"``).

        Returns
        -------
        list of InfrastructureFeature
            Each with ``layer`` its layer's name; none when nothing is stored
            for the border (its bundled preset is not stored: see
            :func:`borderwatch.infrastructure.border_infrastructure`).

        Raises
        ------
        BorderLookupError
            ``border`` names no land border.
        """
        key = infrastructure.border_key(border)
        return infrastructure.as_features(self._read(infrastructure.features_sql(self.dialect), (key,)))

    def infrastructure_layers(self, border: str | None = None) -> pd.DataFrame:
        """List the stored infrastructure layers, of one border or of all, by border and layer name.

        Returns
        -------
        pandas.DataFrame
            ``border`` (its key), ``layer``, ``features``, ``lines``,
            ``points``, ``file_name``, ``file_hash`` (SHA-256),
            ``imported_at`` (UTC) and ``imported_by`` (as the audit trail names them).

        Raises
        ------
        BorderLookupError
            ``border`` names no land border.
        """
        sql, params = infrastructure.layers_sql(None if border is None else infrastructure.border_key(border))
        return infrastructure.as_layers_frame(self._read(sql, params))

    def role_grants(self) -> pd.DataFrame:
        """List the roles granted in the app, by e-mail.

        Returns
        -------
        pandas.DataFrame
            ``email`` (lower-case), ``role`` (``analyst`` or ``admin``),
            ``granted_by`` (as the audit trail names them) and ``granted_at`` (UTC).
        """
        return grants.as_frame(self._read(grants.LISTING_SQL))

    def query(
        self,
        query: IncidentQuery,
        *,
        bbox: BBox | None = None,
        ids: tuple[str, ...] | None = None,
        limit: int | None = None,
        newest_first: bool = False,
    ) -> gpd.GeoDataFrame:
        """Return the incidents that match, filtered in SQL.

        Parameters
        ----------
        query : IncidentQuery
            Dates (an incident's span overlaps the range), event types,
            countries, datasets, actors (``actor1`` or ``actor2``), probable
            duplicates, distance to the border.
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

        Raises
        ------
        InvalidQueryError
            ``query`` is no :class:`IncidentQuery`, or ``bbox`` no box in degrees.
        """
        query = checked(query)
        measures = self._measures(query)
        index = BY_PLANNER
        if ids is not None:
            index = BY_ID
        elif not query.actors and self._distance_index(query, measures):
            index = BY_DISTANCE
        elif (limit is not None and not query.actors and query.max_border_km is None
              and self._latest_are_common(query, limit)):
            # The latest few walk the date index backwards, and stop soon.
            index = BY_DATE
        where, params = filter_clauses(query, bbox, dialect=self.dialect, measures=measures,
                                       longest_span_days=self._longest_span_days(), index=index)
        if ids is not None:
            where.append(one_of(self.dialect, "id", ids, params))
        columns = [*INCIDENT_COLUMNS, "source_id", "duplicate_of", *MEASURE_COLUMNS]
        selected = [measures.column(column) if column in MEASURE_COLUMNS else column for column in columns]
        direction = " DESC" if newest_first else ""
        sql = (
            f"SELECT {', '.join(selected)} FROM {measures.tables(self.dialect, measures_first=index == BY_DISTANCE)}"
            + (f" WHERE {' AND '.join(where)}" if where else "")
            + f" ORDER BY event_date{direction}, id{direction}, dataset{direction}, source_id{direction}"
            + (f" LIMIT {int(limit)}" if limit is not None else "")
        )
        rows = self._read(sql, params)
        return _typed_frame(pd.DataFrame(rows, columns=columns))

    def points(
        self,
        query: IncidentQuery,
        *,
        bbox: BBox | None = None,
        limit: int | None = None,
        newest_first: bool = False,
    ) -> pd.DataFrame:
        """Return what the map draws of each matching incident, and nothing more.

        Parameters are as for :meth:`query`; with ``limit`` and
        ``newest_first``, the most recent are kept.

        Returns
        -------
        pandas.DataFrame
            :data:`~borderwatch.store.interface.POINT_COLUMNS`: ``id, latitude,
            longitude, event_type, event_date`` (ISO text), ``location,
            deaths_best`` (``Int64``), ``geo_precision``, ``precision_km``,
            ``country`` and the measures against the border; sorted by date then id.
        """
        query = checked(query)
        measures = self._measures(query)
        index = self._distance_index(query, measures) or self._narrower_index(query.selection, bbox)
        where, params = filter_clauses(query, bbox, dialect=self.dialect, measures=measures,
                                       longest_span_days=self._longest_span_days(), index=index)
        columns = list(POINT_COLUMNS)
        selected = [measures.column(column) if column in MEASURE_COLUMNS else column for column in columns]
        # Sorting by a plain event_date would lure SQLite into walking the date index.
        order = "event_date" if index == BY_DATE else self.dialect.unindexed("event_date")
        sql = (
            f"SELECT {', '.join(selected)} FROM {measures.tables(self.dialect, measures_first=index == BY_DISTANCE)}"
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
        query: IncidentQuery,
        *,
        by: tuple[str, ...] = (),
        zoom: int | None = None,
        bbox: BBox | None = None,
    ) -> pd.DataFrame:
        """Count the matching incidents and their deaths, grouped.

        Whole months of the date range are read from the pre-aggregated
        ``incident_cells``; only the partial months at its ends (and any
        filter on actors or the distance to the border) read incidents,
        through the date index.

        Parameters
        ----------
        query : IncidentQuery
        by : tuple of str
            Any of ``"cell"`` (map cells at ``zoom``, see :mod:`borderwatch.mapgrid`),
            ``"event_month"`` (months since January 1970), ``"event_type"``,
            ``"country"``; empty for one total row.
        zoom : int, optional
            Map zoom of the cells; required with ``"cell"``.
        bbox : tuple of float, optional
            As for :meth:`query`. Summary cells are kept when they touch the
            box, so counts near its edges may include a little beyond it.

        Returns
        -------
        pandas.DataFrame
            The ``by`` columns (``cell_x, cell_y`` for ``"cell"``), then
            ``incidents``, ``deaths`` (sum of ``deaths_best``, unknown as 0),
            ``latitude``, ``longitude`` (mean position); groups without
            incidents are absent. Without ``by``: one row, zeros when nothing matches.
        """
        query = checked(query)
        measures = self._measures(query)
        unknown = set(by) - {"cell", "event_month", "event_type", "country"}
        if unknown:
            raise ValueError(f"cannot group by {', '.join(sorted(unknown))}")
        if "cell" in by and zoom is None:
            raise ValueError("grouping by cell needs a zoom")
        keys = [key for group in by for key in (("cell_x", "cell_y") if group == "cell" else (group,))]
        level = summary_level(zoom) if zoom is not None else SUMMARY_LEVELS[0]
        parts: list[pd.DataFrame] = []
        summarised = query.actors is None and query.max_border_km is None and level is not None
        edges: list[tuple[dt.date | None, dt.date | None]]
        if summarised and level is not None:
            months, edges = month_split(query.selection, self._longest_span_days())
            if months is not None:
                parts.append(self._frame(*summary_sql(self.dialect, query, by, zoom, level, months, bbox), by))
        else:
            edges = [(None, None)]  # the selection's own dates bound the read
        for first, last in edges:
            parts.append(self._incident_part(query, measures, by, zoom, (first, last), bbox, summarised))
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

    def _latest_are_common(self, query: IncidentQuery, limit: int) -> bool:
        """Whether walking incidents newest first finds ``limit`` matches within a few hundred thousand rows."""
        among = IncidentQuery(query.selection, datasets=query.datasets, hide_duplicates=query.hide_duplicates)
        matching = self.aggregate(among)["incidents"].iloc[0]
        return bool(matching > 0 and limit * self.count() / matching <= _DATE_WALK_ROWS)

    def _narrower_index(self, selection: IncidentFilter, bbox: BBox | None) -> str:
        """The index that reads fewer rows: the date range's or the box's (see :func:`filter_clauses`).

        SQLite's planner cannot tell; the summary can, in a few milliseconds.
        """
        if bbox is None or bbox[0] > bbox[2]:
            return BY_DATE if selection.start is not None or selection.end is not None else BY_PLANNER
        if selection.start is None or selection.end is None:
            return BY_POSITION
        first, last = self._read("SELECT MIN(event_date), MAX(event_date) FROM incidents")[0]
        if first is None or (date_text(selection.start) <= first and date_text(selection.end) >= last):
            return BY_POSITION  # the range holds every incident: no need to count
        in_dates = self.aggregate(IncidentQuery(IncidentFilter(start=selection.start, end=selection.end)))
        # Summary cells about a sixteenth of the box wide: a close count, quickly.
        width = max(bbox[2] - bbox[0], 1e-6)
        zoom = min(max(int(math.log2(360.0 / width)) + 4, 0), SUMMARY_LEVELS[-1])
        in_box = self.aggregate(IncidentQuery(), zoom=zoom, bbox=bbox)
        return BY_DATE if in_dates["incidents"].iloc[0] < in_box["incidents"].iloc[0] else BY_POSITION

    def _distance_index(self, query: IncidentQuery, measures: MeasureSource) -> str | None:
        """The distance index when "within X km of the border" keeps under half the incidents, else None.

        SQLite's planner would rather walk the position index of a map view
        that holds the whole region; counting the range on the index is quick.
        """
        if query.max_border_km is None:
            return None
        if measures.joined:
            within = self._read("SELECT COUNT(*) FROM border_measures WHERE border = ? AND distance_border_km <= ?",
                                (measures.border, float(query.max_border_km)))
        else:
            within = self._read("SELECT COUNT(*) FROM incidents WHERE distance_border_km <= ?",
                                (float(query.max_border_km),))
        return BY_DISTANCE if 2 * within[0][0] < self.count() else None

    def _measures(self, query: IncidentQuery) -> MeasureSource:
        """Where the measures against ``query.border`` are; refused when some incident has none.

        Raises
        ------
        BorderNotMeasuredError
            The border was never measured, or incidents were stored (or
            changed) since: ``measure_border`` measures what is missing.
        """
        measures = MeasureSource(query.border, self.dialect.incident_key)
        if measures.joined:
            upto, _, top = self._measured_state(query.border)
            if upto is None:
                raise BorderNotMeasuredError(query.border, "not measured")
            if upto < top:
                raise BorderNotMeasuredError(query.border, "not all measured (incidents were stored or changed since)")
        return measures

    def _measured_state(self, border: str) -> tuple[int | None, str | None, int]:
        """The border's mark of what is measured (``None``: never), its signature, and the highest incident key."""
        # Three single-row look-ups, no scan (see bordermeasures).
        upto, signature, top = self._read(
            f"SELECT (SELECT value FROM meta WHERE key = ?), (SELECT value FROM meta WHERE key = ?),"
            f" (SELECT MAX({self.dialect.incident_key}) FROM incidents)",
            (MEASURED_UPTO + border, MEASURED_SIGNATURE + border))[0]
        return None if upto is None else int(upto), signature, int(top or 0)

    def _longest_span_days(self) -> int:
        rows = self._read("SELECT value FROM meta WHERE key = ?", (LONGEST_SPAN,))
        return int(rows[0][0]) if rows else 0

    def _incident_part(
        self,
        query: IncidentQuery,
        measures: MeasureSource,
        by: tuple[str, ...],
        zoom: int | None,
        event_dates: tuple[dt.date | None, dt.date | None],
        bbox: BBox | None,
        edge_of_summary: bool,
    ) -> pd.DataFrame:
        first, last = event_dates
        # The days left between summary months are few: read them through the
        # date index, not through a map view's position index.
        if edge_of_summary and first is not None and last is not None:
            index = BY_DATE
        elif query.actors:
            index = BY_PLANNER  # the actor indexes select best
        elif query.max_border_km is not None:
            index = self._distance_index(query, measures) or BY_PLANNER
        else:
            index = self._narrower_index(query.selection, bbox)
        if query.max_border_km is None:
            # Nothing here reads a measure: no join.
            measures = MeasureSource(config.DEFAULT_BORDER, self.dialect.incident_key)
        where, params = filter_clauses(query, bbox, dialect=self.dialect, longest_span_days=self._longest_span_days(),
                                       measures=measures, index=index, event_dates=(first, last))
        shift = cell_shift(zoom) if zoom is not None else 0
        groups = [expression for group in by for expression in (
            (f"grid_x >> {shift}", f"grid_y >> {shift}") if group == "cell" else (group,))]
        select = [*groups, "COUNT(*)", "SUM(COALESCE(deaths_best, 0))", "SUM(latitude)", "SUM(longitude)"]
        sql = (f"SELECT {', '.join(select)} FROM {measures.tables(self.dialect, measures_first=index == BY_DISTANCE)}"
               + (f" WHERE {' AND '.join(where)}" if where else "")
               + (f" GROUP BY {', '.join(groups)}" if groups else ""))
        return self._frame(sql, params, by)

    def _frame(self, sql: str, params: Sequence[Any], by: tuple[str, ...]) -> pd.DataFrame:
        keys = [key for group in by for key in (("cell_x", "cell_y") if group == "cell" else (group,))]
        rows = [row for row in self._read(sql, params) if row[len(keys)]]
        return pd.DataFrame(rows, columns=[*keys, "incidents", "deaths", "sum_latitude", "sum_longitude"])


def _typed_frame(raw: pd.DataFrame) -> gpd.GeoDataFrame:
    """Type query results exactly as :func:`borderwatch.reference.load_incidents` does."""
    frame = pd.DataFrame(index=raw.index)
    for column in INCIDENT_COLUMNS:
        values = raw[column]
        if column in DATE_COLUMNS:
            # The unit pandas gives parsed date text, also when no value is there to parse.
            frame[column] = pd.to_datetime(values, format="%Y-%m-%d").astype("datetime64[us]")
        elif column in FLOAT_COLUMNS:
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

