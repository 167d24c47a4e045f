"""Border infrastructure as data: fences, walls, trenches, berms, crossings, posts and sensors.

A feature is read from a file by :mod:`borderwatch.importers.infrastructure`;
its vocabulary is in :mod:`borderwatch.schema` and the file format in
``data/README.md`` ("Infrastructure files"). This module holds what a reader
of the features needs: the feature itself, its status on a day, and where a
border's bundled preset lies.

Status on a day follows the rules of the bundled timeline
(:mod:`borderwatch.timeline`): a period given in the file wins; otherwise a
line is under construction from ``built_from`` to the day before
``built_to`` and complete from ``built_to`` (nothing before), and a point is
in its kind's first status (a crossing open, a post or sensor active) once
built.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Final

from shapely.geometry.base import BaseGeometry

from borderwatch import config
from borderwatch.schema import INFRASTRUCTURE_KIND_SYNONYMS, INFRASTRUCTURE_LINE_KINDS
from borderwatch.timeline import describe_period

#: Status of a line between ``built_from`` and ``built_to``, and from ``built_to`` on.
UNDER_CONSTRUCTION: Final[str] = "under construction"
COMPLETE: Final[str] = "complete"

#: Status of a built point that no period covers: crossings are open except in
#: the closures a file lists, as in ``data/timeline.csv``.
DEFAULT_POINT_STATUS: Final[dict[str, str]] = {"crossing": "open", "post": "active", "sensor": "active",
                                               "other": "active"}

#: Statuses of a point that a playback period shows even when they held on only one of its days.
NOTABLE_POINT_STATUSES: Final[frozenset[str]] = frozenset({"closed", "inactive"})

#: The layer name of a border's bundled preset features.
PRESET_LAYER: Final[str] = "preset"

_SEPARATORS = re.compile(r"[\s_]+")


@dataclass(frozen=True)
class InfrastructurePeriod:
    """A status a feature had from ``start`` until the day before ``end`` (None: still holds).

    Attributes
    ----------
    status : str
        One of the feature's kind's statuses (:data:`borderwatch.schema.INFRASTRUCTURE_STATUSES`).
    start : datetime.date
    end : datetime.date or None
        The first day the status no longer holds, as in ``data/timeline.csv``.
    sources : str
        The sources of the row that gave the period.
    notes : str
    row : int
        The feature number (1-based) of that row in its file.
    """

    status: str
    start: date
    end: date | None
    sources: str = ""
    notes: str = ""
    row: int = 0


@dataclass(frozen=True)
class InfrastructureFeature:
    """One piece of border infrastructure, as read from a file.

    Text is kept as the file holds it (minus NUL and bidirectional controls):
    it is escaped where it is shown.

    Attributes
    ----------
    id : str
        The file's id, or one made from the kind, name and geometry when the
        file gives none (the same file gives the same ids).
    name : str
        May be empty.
    kind : str
        One of :data:`borderwatch.schema.INFRASTRUCTURE_KINDS`.
    geometry : shapely geometry
        EPSG:4326, two-dimensional: a LineString or MultiLineString for the
        line kinds, a Point for the point kinds, either for ``other``.
    built_from, built_to : datetime.date or None
        When building started and ended.
    periods : tuple of InfrastructurePeriod
        Status periods, by start, none overlapping.
    sources, notes : str
        Of the feature's first row.
    properties : dict of str to str
        The file's other non-empty columns as text (provenance, lengths),
        by the name the file gives them.
    rows : tuple of int
        The feature numbers (1-based) of its rows in the file.
    layer : str
        Where the feature comes from: :data:`PRESET_LAYER` for a border's
        bundled preset, else the name of the stored import that holds it
        (empty while only read from a file).
    """

    id: str
    name: str
    kind: str
    geometry: BaseGeometry
    built_from: date | None = None
    built_to: date | None = None
    periods: tuple[InfrastructurePeriod, ...] = ()
    sources: str = ""
    notes: str = ""
    properties: dict[str, str] = field(default_factory=dict)
    rows: tuple[int, ...] = ()
    layer: str = ""


def kind_of(text: str) -> str | None:
    """The kind a file's word names, or None.

    Parameters
    ----------
    text : str
        E.g. ``"Border Crossing"``, ``"sand_berm"``.

    Returns
    -------
    str or None
        One of :data:`borderwatch.schema.INFRASTRUCTURE_KINDS` (``"crossing"``,
        ``"berm"``), or None for a word :data:`borderwatch.schema.INFRASTRUCTURE_KIND_SYNONYMS`
        does not list.
    """
    return INFRASTRUCTURE_KIND_SYNONYMS.get(_SEPARATORS.sub(" ", text).strip().lower())


def period_on(feature: InfrastructureFeature, day: date) -> InfrastructurePeriod | None:
    """The status period of a feature that covers a day, or None."""
    for period in feature.periods:
        if period.start <= day and (period.end is None or day < period.end):
            return period
    return None


def is_line(feature: InfrastructureFeature) -> bool:
    """Whether a feature is drawn as a line: a fence, wall, trench or berm, or an ``other`` that is not a point."""
    return feature.kind in INFRASTRUCTURE_LINE_KINDS or (
        feature.kind == "other" and feature.geometry.geom_type != "Point"
    )


def status_on(feature: InfrastructureFeature, day: date) -> str | None:
    """A feature's status on a day.

    Parameters
    ----------
    feature : InfrastructureFeature
    day : datetime.date

    Returns
    -------
    str or None
        The status of the period covering ``day``; else, for a line,
        ``"under construction"`` from ``built_from`` and ``"complete"`` from
        ``built_to`` (``"complete"`` always when the file dates neither), and
        for a point :data:`DEFAULT_POINT_STATUS` of its kind from
        ``built_from`` on; None before the feature existed.
    """
    period = period_on(feature, day)
    if period is not None:
        return period.status
    if is_line(feature):
        if feature.built_to is not None:
            if day >= feature.built_to:
                return COMPLETE
            return UNDER_CONSTRUCTION if feature.built_from is not None and day >= feature.built_from else None
        if feature.built_from is not None:
            return UNDER_CONSTRUCTION if day >= feature.built_from else None
        return COMPLETE
    if feature.built_from is not None and day < feature.built_from:
        return None
    return DEFAULT_POINT_STATUS[feature.kind]


def notable_day(feature: InfrastructureFeature, start: date, end: date) -> date:
    """The day of ``start``..``end`` that shows a feature at its most notable.

    A period (a week, a month of the playback) during which a point was
    closed or inactive shows it so, even if it had reopened by the period's
    last day: the first day of the period on which it was; otherwise, and
    for a line, ``end``.

    Parameters
    ----------
    feature : InfrastructureFeature
    start, end : datetime.date
        The period, both days included (``start`` after ``end`` counts as ``end`` alone).

    Returns
    -------
    datetime.date
        The day to read the feature's status on (see :func:`status_on`).
    """
    if is_line(feature):
        return end
    start = min(start, end)
    for period in feature.periods:  # by start: the first notable one wins
        overlaps = period.start <= end and (period.end is None or start < period.end)
        if overlaps and period.status in NOTABLE_POINT_STATUSES:
            return max(period.start, start)
    return end


def status_span(feature: InfrastructureFeature, day: date) -> tuple[date, date | None] | None:
    """When the status a feature has on a day began and ended, as far as the file dates it.

    Parameters
    ----------
    feature : InfrastructureFeature
    day : datetime.date

    Returns
    -------
    tuple of (datetime.date, datetime.date or None) or None
        The first day of the status and the first day it no longer holds
        (None: still holds): the period covering ``day``, else for a line
        its building (``built_from`` to ``built_to``) or completion (from
        ``built_to``); None when the file dates neither (a point's default
        status, an undated line).
    """
    period = period_on(feature, day)
    if period is not None:
        return period.start, period.end
    status = status_on(feature, day)
    if status == UNDER_CONSTRUCTION and feature.built_from is not None:
        return feature.built_from, feature.built_to
    if status == COMPLETE and is_line(feature) and feature.built_to is not None:
        return feature.built_to, None
    return None


def preset_path(border_key: str) -> Path:
    """The bundled infrastructure file of a border (it may not exist).

    Parameters
    ----------
    border_key : str
        Two ISO 3166 alpha-3 codes in either order, e.g. ``"TUN-LBY"``.

    Returns
    -------
    pathlib.Path
        ``config.INFRASTRUCTURE_DIR / "LBY-TUN.geojson"``: the codes in
        alphabetical order, upper case, as ``borders.geojson`` keys borders.
    """
    codes = sorted(code.strip().upper() for code in border_key.split("-"))
    return config.INFRASTRUCTURE_DIR / f"{'-'.join(codes)}.geojson"


def combined(
    preset: Sequence[InfrastructureFeature], stored: Sequence[InfrastructureFeature]
) -> list[InfrastructureFeature]:
    """A border's infrastructure: its preset, with stored features added and replacing preset ones of the same id.

    Parameters
    ----------
    preset : sequence of InfrastructureFeature
        The bundled preset's features (:func:`borderwatch.importers.infrastructure.load_preset`).
    stored : sequence of InfrastructureFeature
        The features imported for the border, in the store.

    Returns
    -------
    list of InfrastructureFeature
        The preset features no stored one replaces, in their order, then the stored ones.
    """
    replaced = {feature.id for feature in stored}
    return [feature for feature in preset if feature.id not in replaced] + list(stored)


def barrier_lines(features: Sequence[InfrastructureFeature]) -> list[BaseGeometry]:
    """The geometries of the barriers among features: fences, walls, trenches and berms (EPSG:4326)."""
    return [feature.geometry for feature in features if feature.kind in INFRASTRUCTURE_LINE_KINDS]


@dataclass(frozen=True)
class ShownFeature:
    """A feature as a map of one day (or one playback period) shows it.

    Attributes
    ----------
    feature : InfrastructureFeature
    status : str
        Its status on ``day``.
    day : datetime.date
        The day its status is read on: the day shown, or for a point the
        first day of the period shown on which it was closed or inactive.
    period : InfrastructurePeriod or None
        The file's period that gives the status, if any.
    """

    feature: InfrastructureFeature
    status: str
    day: date
    period: InfrastructurePeriod | None


def shown_features(
    features: Sequence[InfrastructureFeature], day: date, since: date | None = None
) -> list[ShownFeature]:
    """The features a map of ``since``..``day`` draws, each with its status; those not yet built are left out.

    Parameters
    ----------
    features : sequence of InfrastructureFeature
    day : datetime.date
        The day shown (the last day of the playback period).
    since : datetime.date, optional
        The period's first day: a point closed or inactive on any day of it
        is shown so (see :func:`borderwatch.infrastructure.notable_day`).

    Returns
    -------
    list of ShownFeature
        In the order of ``features``.
    """
    shown = []
    for feature in features:
        read_on = notable_day(feature, since or day, day)
        status = status_on(feature, read_on)
        if status is not None:
            shown.append(ShownFeature(feature, status, read_on, period_on(feature, read_on)))
    return shown


def status_text(item: ShownFeature) -> str:
    """E.g. "Closed on 2016-03-10 (7–22 March 2016)": the status, the day and the dates of the status (not escaped)."""
    span = status_span(item.feature, item.day)
    when = f" ({describe_period(*span)})" if span is not None else ""
    return f"{item.status.capitalize()} on {item.day.isoformat()}{when}"


def property_words(name: str, value: str) -> str:
    """A property of a file in words (not escaped): ``reported_length_km``, 200 -> "Reported length: 200 km"."""
    words = _SEPARATORS.sub(" ", name).strip()
    for unit in ("km", "miles", "m"):
        if words.endswith(f" {unit}"):
            words, value = words[: -len(unit) - 1], f"{value} {unit}"
            break
    return f"{words.capitalize()}: {value}"


def status_periods(feature: InfrastructureFeature) -> list[InfrastructurePeriod]:
    """Every dated status of a feature, by start: its file's periods and, for a line, its building and completion.

    Parameters
    ----------
    feature : InfrastructureFeature

    Returns
    -------
    list of InfrastructurePeriod
        The file's periods; for a line, also ``"under construction"`` from
        ``built_from`` to ``built_to`` and ``"complete"`` from ``built_to``
        (with the feature's sources and notes) where no period of the file
        covers their first day, as :func:`status_on` reads them.
    """
    periods = list(feature.periods)
    if is_line(feature):
        built = [(UNDER_CONSTRUCTION, feature.built_from, feature.built_to), (COMPLETE, feature.built_to, None)]
        row = feature.rows[0] if feature.rows else 0
        periods += [InfrastructurePeriod(status, start, end, feature.sources, feature.notes, row)
                    for status, start, end in built
                    if start is not None and period_on(feature, start) is None]
    return sorted(periods, key=_period_start)


def _period_start(period: InfrastructurePeriod) -> date:
    return period.start
