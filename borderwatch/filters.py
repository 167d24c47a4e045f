"""What the user filters incidents by, and the summary line of what is shown.

The filtering and counting run in the store's SQL (:meth:`borderwatch.store.SQLiteStore.query`,
:meth:`~borderwatch.store.SQLiteStore.aggregate`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass



@dataclass(frozen=True)
class IncidentFilter:
    """What the user asked to see. ``None`` in a field means "no restriction".

    Attributes
    ----------
    start, end : datetime.date or None
        Inclusive date range; an incident is kept when its span
        (``event_date`` to ``end_date``) overlaps the range.
    event_types : tuple of str or None
        ACLED event types to keep; an empty tuple keeps nothing.
    countries : tuple of str or None
        Country names to keep; an empty tuple keeps nothing.
    """

    start: dt.date | None = None
    end: dt.date | None = None
    event_types: tuple[str, ...] | None = None
    countries: tuple[str, ...] | None = None


@dataclass(frozen=True)
class IncidentQuery:
    """Everything the sidebar filters by: the selection and the store-level options.

    Attributes
    ----------
    selection : IncidentFilter
    datasets : tuple of str or None
        Datasets to keep; ``None`` keeps all, an empty tuple none.
    actors : tuple of str or None
        Keep incidents with one of these as ``actor1`` or ``actor2``; ``None`` keeps all.
    hide_duplicates : bool
        Leave out probable duplicates of an earlier dataset's incidents.
    max_border_km : float or None
        Keep incidents at most this far from the border; ``None`` keeps all.
    """

    selection: IncidentFilter = IncidentFilter()
    datasets: tuple[str, ...] | None = None
    actors: tuple[str, ...] | None = None
    hide_duplicates: bool = False
    max_border_km: float | None = None

    def options(self) -> dict[str, object]:
        """The keyword arguments the store's queries take besides the selection."""
        return {"datasets": self.datasets, "actors": self.actors, "hide_duplicates": self.hide_duplicates,
                "max_border_km": self.max_border_km}


@dataclass(frozen=True)
class Summary:
    """Counts for the summary line.

    Attributes
    ----------
    shown : int
        Incidents that pass the filter.
    total : int
        Incidents before filtering.
    deaths : int
        Sum of ``deaths_best`` over the incidents shown (unknown counts as 0),
        as :meth:`borderwatch.store.SQLiteStore.aggregate` counts it.
    """

    shown: int
    total: int
    deaths: int

    def line(self) -> str:
        """Return e.g. ``"12 of 30 incidents, 187 deaths"``."""
        incidents = "incident" if self.total == 1 else "incidents"
        deaths = "death" if self.deaths == 1 else "deaths"
        return f"{self.shown:,} of {self.total:,} {incidents}, {self.deaths:,} {deaths}"
