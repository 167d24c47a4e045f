"""What the user filters incidents by, and the summary line of what is shown.

The filtering and counting run in the store's SQL (:meth:`borderwatch.store.IncidentStore.query`,
:meth:`~borderwatch.store.IncidentStore.aggregate`), which take one :class:`IncidentQuery`.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass

from borderwatch import config
from borderwatch.errors import InvalidQueryError, quoted

# Two three-letter codes, any case, with a hyphen, dash, slash, comma or spaces between (as borders.py reads them).
_BORDER_CODES = re.compile(r"\s*([A-Za-z]{3})\s*[-–—_/,;:|.\s]\s*([A-Za-z]{3})\s*")


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
    """Everything the store's reads filter by: the selection and the store-level filters.

    Every read of :class:`~borderwatch.store.IncidentStore` takes one. Built
    with fields that cannot be asked (a date that is no date, a name list
    given as a bare string, a negative distance) it raises
    :class:`~borderwatch.errors.InvalidQueryError` naming every problem. A
    start after the end is a valid query that matches nothing.

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
    border : str
        The land border whose measures (``distance_border_km`` and the other
        :data:`~borderwatch.borderzone.MEASURE_COLUMNS`) the read filters by
        and returns: two ISO 3166-1 alpha-3 codes in any order and case
        (``"TUN-LBY"``, ``"lby tun"``), kept as the alphabetical key
        ``"LBY-TUN"``. Any border but :data:`~borderwatch.config.DEFAULT_BORDER`
        must have been measured (:meth:`~borderwatch.store.IncidentStore.measure_border`).
    """

    selection: IncidentFilter = IncidentFilter()
    datasets: tuple[str, ...] | None = None
    actors: tuple[str, ...] | None = None
    hide_duplicates: bool = False
    max_border_km: float | None = None
    border: str = config.DEFAULT_BORDER

    def __post_init__(self) -> None:
        problems = _problems(self)
        if problems:
            raise InvalidQueryError("the incident query " + "; ".join(problems))
        key = border_key(self.border)
        if key is not None:  # always, once _problems found nothing
            object.__setattr__(self, "border", key)


def border_key(text: object) -> str | None:
    """``"LBY-TUN"`` for ``"TUN-LBY"``, ``"tun lby"`` ...: the two codes upper-cased in alphabetical order.

    Parameters
    ----------
    text : object
        Two three-letter codes with a hyphen, dash, slash, comma or spaces between.

    Returns
    -------
    str or None
        The border's key, or ``None`` when ``text`` is not two such codes.
    """
    found = _BORDER_CODES.fullmatch(text) if isinstance(text, str) else None
    if found is None:
        return None
    return "-".join(sorted(code.upper() for code in found.groups()))


def _problems(query: IncidentQuery) -> list[str]:
    """Every reason ``query`` cannot be asked of a store; empty when it can."""
    problems: list[str] = []
    if not isinstance(query.selection, IncidentFilter):
        problems.append(f"needs an IncidentFilter as its selection, not {type(query.selection).__name__}")
        return problems
    for name in ("start", "end"):
        value = getattr(query.selection, name)
        if value is not None and not isinstance(value, dt.date):
            problems.append(f"has a {name} date that is not a date: {quoted(value)}")
    for name, values in (("event_types", query.selection.event_types), ("countries", query.selection.countries),
                         ("datasets", query.datasets), ("actors", query.actors)):
        # A bare string is a tuple of its letters to SQL: ("Riots") for ("Riots",) is a common slip.
        if values is not None and not (isinstance(values, tuple) and all(isinstance(v, str) for v in values)):
            problems.append(f"needs {name} as a tuple of names or None, not {quoted(values)}")
    if not isinstance(query.hide_duplicates, bool):
        problems.append(f"needs hide_duplicates as True or False, not {quoted(query.hide_duplicates)}")
    distance = query.max_border_km
    if distance is not None and (isinstance(distance, bool) or not isinstance(distance, int | float)
                                 or not math.isfinite(distance) or distance < 0):
        problems.append(f"needs max_border_km as a distance of 0 km or more, or None, not {quoted(distance)}")
    if border_key(query.border) is None:
        problems.append(f"needs border as two countries' three-letter codes such as TUN-LBY,"
                        f" not {quoted(query.border)}")
    return problems


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
        as :meth:`borderwatch.store.IncidentStore.aggregate` counts it.
    """

    shown: int
    total: int
    deaths: int

    def line(self) -> str:
        """Return e.g. ``"12 of 30 incidents, 187 deaths"``."""
        incidents = "incident" if self.total == 1 else "incidents"
        deaths = "death" if self.deaths == 1 else "deaths"
        return f"{self.shown:,} of {self.total:,} {incidents}, {self.deaths:,} {deaths}"
