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

#: Status of a line between ``built_from`` and ``built_to``, and from ``built_to`` on.
UNDER_CONSTRUCTION: Final[str] = "under construction"
COMPLETE: Final[str] = "complete"

#: Status of a built point that no period covers: crossings are open except in
#: the closures a file lists, as in ``data/timeline.csv``.
DEFAULT_POINT_STATUS: Final[dict[str, str]] = {"crossing": "open", "post": "active", "sensor": "active",
                                               "other": "active"}

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
    if feature.kind in INFRASTRUCTURE_LINE_KINDS or (feature.kind == "other" and feature.geometry.geom_type != "Point"):
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
