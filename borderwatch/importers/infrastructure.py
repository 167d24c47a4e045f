"""Infrastructure files (fences, walls, trenches, berms, crossings, posts, sensors): read and checked.

GeoJSON, GeoPackage, KML, zipped shapefile (and GeoParquet, which the
incident importer reads too) hold one feature per row; the columns and the
rules are in ``data/README.md`` ("Infrastructure files"). As for incidents,
nothing GDAL reads is taken on trust, and every problem of every row is
collected, by feature number (1-based, as the file orders them), column and
reason: :func:`read_infrastructure` returns them beside the features,
:func:`load_infrastructure` raises them all at once.

A feature may take several rows, one per status period (a crossing closed
twice): rows with the same ``id`` describe one feature, and must agree on
what it is. Text is kept as data (escaped where it is shown), except NUL and
the bidirectional controls, which are removed as from incidents.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Final, cast

import numpy as np
import shapely
from shapely.geometry import LineString, MultiLineString
from shapely.geometry.base import BaseGeometry

from borderwatch import config
from borderwatch.errors import InfrastructureDataError, quoted
from borderwatch.geodesy import geodesic_line
from borderwatch.importers import gis, sniff
from borderwatch.importers.base import Rejection
from borderwatch.importers.validate import BIDI_CONTROLS
from borderwatch.infrastructure import PRESET_LAYER, InfrastructureFeature, InfrastructurePeriod, kind_of, preset_path
from borderwatch.schema import (
    INFRASTRUCTURE_FIELDS,
    INFRASTRUCTURE_KINDS,
    INFRASTRUCTURE_LINE_KINDS,
    INFRASTRUCTURE_POINT_KINDS,
    INFRASTRUCTURE_STATUSES,
)

#: Kinds of file read, as :func:`infrastructure_file_kind` names them.
INFRASTRUCTURE_FILE_KINDS: Final[tuple[str, ...]] = ("geojson", "gpkg", "kml", "shapefile", "geoparquet")

#: Column that rejections about a feature's geometry name.
GEOMETRY: Final[str] = gis.GEOMETRY

_DATE_FIELDS: Final[tuple[str, ...]] = ("built_from", "built_to", "status_from", "status_to")
# Fields shown as one line (a label, a key): no control character belongs in them.
_ONE_LINE_FIELDS: Final[tuple[str, ...]] = ("id", "name", "kind", "status")
# Fields KML readers add to every placemark: styling, not data; and the
# placemark's own id, which writers make up, when feature_id gives the feature's.
_KML_STYLE_FIELDS: Final[frozenset[str]] = frozenset(
    {"timestamp", "begin", "end", "altitudemode", "tessellate", "extrude", "visibility", "draworder", "icon", "id"}
)
_REMOVED = re.compile(f"[\x00{BIDI_CONTROLS}]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_BEFORE_YEAR_ONE = re.compile(r"^-\d|(?<!\d)0000(?!\d)")
_SEPARATORS = re.compile(r"[\s_]+")
_COORDINATE_DIGITS: Final[int] = 7

_POINT, _LINE, _MULTIPOINT, _MULTILINE = (
    shapely.GeometryType.POINT, shapely.GeometryType.LINESTRING,
    shapely.GeometryType.MULTIPOINT, shapely.GeometryType.MULTILINESTRING,
)


@dataclass
class InfrastructureParse:
    """What a file held: the features whose rows passed every check, and the rejected rows.

    Attributes
    ----------
    features : list of InfrastructureFeature
        In the order of their first rows.
    rejections : list of Rejection
        Every refused row (``row`` is the feature number in the file), by row.
    rows_read : int
        Rows (features of the file) read; each is either part of a feature or rejected.
    note : str
        Something every row shares, e.g. that the file gave no CRS ("" if none).
    """

    features: list[InfrastructureFeature] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)
    rows_read: int = 0
    note: str = ""


@dataclass
class _Row:
    """One row that passed its own checks, before the rows of a feature are put together."""

    row: int
    id: str
    name: str
    kind: str
    geometry: BaseGeometry
    built_from: date | None
    built_to: date | None
    period: InfrastructurePeriod | None
    sources: str
    notes: str
    properties: dict[str, str]


def infrastructure_file_kind(path: Path) -> str:
    """Tell what kind of infrastructure file this is, from its content (not its extension).

    Parameters
    ----------
    path : Path

    Returns
    -------
    str
        One of :data:`INFRASTRUCTURE_FILE_KINDS`.

    Raises
    ------
    FileRejectedError
        Missing, empty, not a GIS file (CSV, a workbook, other XML), a KMZ,
        a ZIP archive without one complete shapefile.
    """
    sample = sniff.read_sample(path)
    head = sample[:4096].decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n").lower()
    if head.startswith("<"):
        if "<kml" in head:
            return "kml"
        raise gis.refuse(path, "is XML or HTML markup but not KML: infrastructure is read from GeoJSON, GeoPackage, "
                            "KML or a zipped shapefile")
    if sample.startswith(b"PK") and any(name.lower().endswith(".kml") for name in sniff.check_archive(path)):
        raise gis.refuse(path, "is a KMZ (zipped KML): unzip it and import the .kml file inside")
    kind = sniff.file_kind(path)
    if kind not in INFRASTRUCTURE_FILE_KINDS:
        raise gis.refuse(path, f"is {sniff.KIND_NAMES[kind]}, not a GIS file: infrastructure is read from GeoJSON, "
                            "GeoPackage, KML or a zipped shapefile")
    return kind


def _dataset_name(path: Path, kind: str) -> str:
    """The name GDAL opens the file by: the content's kind decides, not the extension."""
    if kind == "shapefile":
        return f"/vsizip/{{{path.resolve()}}}"
    if kind == "geojson":
        return f"GeoJSON:{path.resolve()}"
    return str(path.resolve())


def _read_batches(path: Path, kind: str, batch_rows: int) -> Iterator[gis.Batch]:
    return gis.read_batches(path, kind, batch_rows, source=_dataset_name(path, kind),
                            without_geometry="every feature needs a line or a point")


def _column_fields(columns: Sequence[str]) -> dict[str, str]:
    """Field -> the file's column it is read from (each column read for one field at most)."""
    by_lower: dict[str, str] = {}
    for column in columns:
        by_lower.setdefault(column.lower(), column)
    found: dict[str, str] = {}
    for field_name, candidates in INFRASTRUCTURE_FIELDS.items():
        for candidate in candidates:
            match = by_lower.get(candidate)
            if match is not None and match not in found.values():
                found[field_name] = match
                break
    return found


def _text(value: object) -> str:
    return _REMOVED.sub("", sniff.cell_text(value))


def _parse_day(text: str) -> date | str:
    """The date a cell holds, or why it holds none."""
    for date_format in gis.DATE_FORMATS:
        try:
            return datetime.strptime(text, date_format).date()
        except ValueError:
            continue
    if _BEFORE_YEAR_ONE.search(text):
        return f"{quoted(text)} is before year 1 (dates run from 0001-01-01)"
    return f"{quoted(text)} is not a date ({gis.DATE_FORMS})"


def _wgs84_geometries(
    path: Path, batch: gis.Batch, rows: np.ndarray
) -> tuple[np.ndarray, list[Rejection], str]:
    """Each feature's geometry in EPSG:4326, 2D (None where unusable), the rejections, and a note."""
    geometries = shapely.force_2d(shapely.from_wkb(batch.wkb, on_invalid="ignore"))
    empty = shapely.is_missing(geometries) | shapely.is_empty(geometries)
    problems = [Rejection(int(rows[index]), GEOMETRY, "holds no geometry: it is missing, empty or unreadable")
                for index in np.flatnonzero(empty)]
    usable = geometries.copy()
    usable[empty] = None
    coordinates, owners = shapely.get_coordinates(usable, return_index=True)
    x, y = coordinates[:, 0], coordinates[:, 1]
    not_numbers = ~(np.isfinite(x) & np.isfinite(y))
    # A batch without one usable vertex has nothing to move (and no magnitude to judge a CRS by).
    longitude, latitude, note = gis.to_wgs84(path, batch.crs, x, y) if len(x) else (x, y, "")
    outside = np.zeros(len(x), dtype=bool)
    if batch.crs is not None and len(x):
        outside = gis.outside_area_of_use(path, batch.crs, x, y, longitude, latitude)
    beyond = ~not_numbers & ~outside & ~((np.abs(longitude) <= 180.0) & (np.abs(latitude) <= 90.0))
    for mask, reason in (
        (not_numbers, lambda i: "has a coordinate that is not a number"),
        (outside, lambda i: (f"has a vertex (x {x[i]:.6g}, y {y[i]:.6g}) outside the area {batch.crs.name} "  # type: ignore[union-attr]
                             f"is meant for ({gis.area_text(batch.crs)}): wrong coordinates, or a wrong CRS")),  # type: ignore[arg-type]
        (beyond, lambda i: (f"has a vertex (x {x[i]:.6g}, y {y[i]:.6g}) that is not a longitude and latitude "
                            "within ±180 and ±90")),
    ):
        for owner in np.unique(owners[mask]):
            first = np.flatnonzero(mask & (owners == owner))[0]
            problems.append(Rejection(int(rows[owner]), GEOMETRY, reason(first)))
    bad = np.zeros(len(usable), dtype=bool)
    bad[np.unique(owners[not_numbers | outside | beyond])] = True
    moved = shapely.set_coordinates(usable.copy(), np.column_stack([longitude, latitude]))
    moved[bad] = None
    return moved, problems, note


def _shape_problem(geometry: BaseGeometry, kind: str | None) -> tuple[BaseGeometry | None, str]:
    """The geometry as the kind takes it (a one-point MultiPoint as its point), or why it cannot be."""
    type_id = int(shapely.get_type_id(geometry))
    if type_id == _MULTIPOINT and len(geometry.geoms) == 1:  # type: ignore[attr-defined]
        geometry, type_id = geometry.geoms[0], int(_POINT)  # type: ignore[attr-defined]
    name = geometry.geom_type
    if type_id in (_LINE, _MULTILINE):
        if any(part.length == 0 for part in shapely.get_parts(geometry)):
            return None, f"is a {name} with a part of zero length (all its vertices at one place)"
        if kind in INFRASTRUCTURE_POINT_KINDS:
            return None, f"is a {name}, but a {kind} is one point: give its position as a Point"
        return geometry, ""
    if type_id == _POINT:
        if kind in INFRASTRUCTURE_LINE_KINDS:
            return None, (f"is a Point, but a {kind} is a line: draw it as a LineString, "
                          f"or give the point a kind of point ({', '.join(INFRASTRUCTURE_POINT_KINDS)})")
        return geometry, ""
    if "Polygon" in name:
        if kind in INFRASTRUCTURE_POINT_KINDS:
            return None, f"is a {name}, but a {kind} is one point: give its position as a Point (e.g. its centroid)"
        return None, (f"is a {name}, an area: a {kind or 'barrier'} is read as a line (its outline would run "
                      "along both sides, twice its length): draw it as a LineString along its course")
    if type_id == _MULTIPOINT:
        return None, f"is a MultiPoint of {len(geometry.geoms)} points: give each point a row of its own"  # type: ignore[attr-defined]
    return None, f"is a {name}: give a LineString (or MultiLineString) for a line, a Point for a point"


def _cell_problems(cells: Mapping[str, str], label: Mapping[str, str]) -> list[tuple[str, str]]:
    """(column, reason) of text that is too long or holds control characters."""
    problems = []
    for field_name, text in cells.items():
        limit = config.INFRASTRUCTURE_TEXT_MAX_CHARS.get(field_name, config.INFRASTRUCTURE_TEXT_MAX_CHARS["notes"])
        column = label.get(field_name, field_name)
        if len(text) > limit:
            problems.append((column, f"is {len(text):,} characters long, more than the {limit:,} allowed: "
                                     f"{quoted(text)}"))
        elif field_name in _ONE_LINE_FIELDS and (control := _CONTROL.search(text)):
            problems.append((column, f"holds the control character U+{ord(control.group()):04X}: {quoted(text)}"))
    return problems


def _statuses_of(kind: str | None, shape: BaseGeometry | None) -> tuple[tuple[str, ...], str]:
    """The statuses a feature may take, and what it is called in a message: its kind's; for ``other``, a
    line's or a point's as its geometry is (the map draws and keys it so)."""
    if kind is None:
        return (), ""
    if kind != "other" or shape is None:
        return INFRASTRUCTURE_STATUSES[kind], kind
    if shape.geom_type == "Point":
        statuses = (status for point in INFRASTRUCTURE_POINT_KINDS for status in INFRASTRUCTURE_STATUSES[point])
        return tuple(dict.fromkeys(statuses)), "point of kind other"
    return INFRASTRUCTURE_STATUSES[INFRASTRUCTURE_LINE_KINDS[0]], "line of kind other"


def _check_row(
    row: int, cells: dict[str, str], other: dict[str, str], geometry: BaseGeometry | None, label: Mapping[str, str]
) -> tuple[_Row | None, list[Rejection]]:
    """Check one row on its own."""
    problems = _cell_problems(cells | other, label)

    def report(field_name: str, reason: str) -> None:
        problems.append((label.get(field_name, field_name), reason))

    kind = kind_of(cells["kind"])
    if not cells["kind"]:
        report("kind", f"is empty: give one of {', '.join(INFRASTRUCTURE_KINDS)}")
    elif kind is None:
        report("kind", f"{quoted(cells['kind'])} is not a kind BorderWatch knows: use one of "
                       f"{', '.join(INFRASTRUCTURE_KINDS)} (or a synonym listed in data/README.md)")
    shape = None
    if geometry is not None:
        shape, reason = _shape_problem(geometry, kind)
        if shape is None:
            problems.append((GEOMETRY, reason))
    days: dict[str, date | None] = {}
    for field_name in _DATE_FIELDS:
        parsed = _parse_day(cells[field_name]) if cells[field_name] else None
        if isinstance(parsed, str):
            report(field_name, parsed)
            parsed = None
        days[field_name] = parsed
    built_from, built_to = days["built_from"], days["built_to"]
    if built_from and built_to and built_to < built_from:
        report("built_to", f"{built_to} is before built_from {built_from}")
    status = _SEPARATORS.sub(" ", cells["status"]).strip().lower()
    period = None
    start, end = days["status_from"], days["status_to"]
    if status:
        allowed, what = _statuses_of(kind, shape)
        if kind and status not in allowed:
            report("status", f"{quoted(cells['status'])} is not a status of a {what} ({', '.join(allowed)})")
        if not cells["status_from"]:
            report("status_from", "is empty: a status needs the first day it holds")
        if start and end and end <= start:
            report("status_to", f"{end} is not after status_from {start} "
                                "(status_to is the first day the status no longer holds)")
        if start:
            period = InfrastructurePeriod(status, start, end, cells["sources"], cells["notes"], row)
    elif cells["status_from"] or cells["status_to"]:
        report("status", "is empty, but the row gives status dates: name the status they are of")
    if not cells["sources"]:
        report("sources", "is empty: every feature and status period needs its source")
    rejections = [Rejection(row, column, reason) for column, reason in problems]
    if rejections or shape is None or kind is None:
        return None, rejections
    return _Row(row, cells["id"], cells["name"], kind, shape, built_from, built_to, period,
                cells["sources"], cells["notes"], other), []


def _batch_rows(path: Path, batch: gis.Batch, first_row: int, kml: bool) -> tuple[list[_Row], list[Rejection], str]:
    columns = [str(column) for column in batch.attributes.columns]
    fields = _column_fields(columns)
    label = {field_name: column for field_name, column in fields.items()}
    rows = np.arange(first_row, first_row + len(batch.attributes))
    geometries, rejections, note = _wgs84_geometries(path, batch, rows)
    others = [column for column in columns if column not in fields.values()
              and not (kml and column.lower() in _KML_STYLE_FIELDS)]
    records = batch.attributes.to_dict("records")
    accepted = []
    for position, record in enumerate(records):
        cells = {field_name: _text(record[label[field_name]]) if field_name in label else ""
                 for field_name in INFRASTRUCTURE_FIELDS}
        other = {column: text for column in others if (text := _text(record[column]))}
        parsed, problems = _check_row(int(rows[position]), cells, other, geometries[position], label)
        rejections += problems
        if parsed is not None:
            accepted.append(parsed)
    return accepted, rejections, note


def _generated_id(row: _Row) -> str:
    """An id made from what the feature is, so the same file gives the same ids whatever the row order."""
    shape = shapely.to_wkt(row.geometry, rounding_precision=_COORDINATE_DIGITS)
    digest = hashlib.sha256(f"{row.kind}\x1f{row.name}\x1f{shape}".encode()).hexdigest()
    return f"{row.kind}-{digest[:12]}"


def _disagreement(first: _Row, row: _Row) -> tuple[str, str] | None:
    """(field, what differs) between a feature's first row and a later one, or None."""
    if row.kind != first.kind:
        return "kind", f"is {row.kind}, but row {first.row} makes this id a {first.kind}"
    if row.name and row.name != first.name:
        return "name", f"{quoted(row.name)} differs from {quoted(first.name)} in row {first.row}"
    for field_name in ("built_from", "built_to"):
        value = getattr(row, field_name)
        if value is not None and value != getattr(first, field_name):
            return field_name, f"{value} differs from {getattr(first, field_name) or 'empty'} in row {first.row}"
    if not shapely.equals_exact(row.geometry, first.geometry, tolerance=10.0**-_COORDINATE_DIGITS):
        return GEOMETRY, f"differs from the geometry of row {first.row}"
    return None


def _assemble(rows: list[_Row], label: Mapping[str, str]) -> tuple[list[InfrastructureFeature], list[Rejection]]:
    """Put the rows of each id together; reject rows that disagree with their feature's first row."""
    groups: dict[str, list[_Row]] = {}
    for row in rows:
        groups.setdefault(row.id or _generated_id(row), []).append(row)
    features, rejections = [], []
    advice = "rows of one id describe one feature (a further row only adds a status period)"
    for feature_id, members in groups.items():
        first, kept = members[0], [members[0]]
        for row in members[1:]:
            differs = _disagreement(first, row)
            if differs is None:
                kept.append(row)
            else:
                rejections.append(Rejection(row.row, label.get(differs[0], differs[0]),
                                            f"id {quoted(feature_id)}: {differs[1]}; {advice}"))
        periods: list[InfrastructurePeriod] = []
        for row in sorted((row for row in kept if row.period), key=lambda row: row.period.start):  # type: ignore[union-attr]
            period = row.period
            assert period is not None
            last = periods[-1] if periods else None
            if last is not None and (last.end is None or last.end > period.start):
                until = "with no end" if last.end is None else f"until {last.end}"
                rejections.append(Rejection(row.row, label.get("status_from", "status_from"),
                                            f"{period.start} overlaps the period of row {last.row} "
                                            f"({last.status} from {last.start} {until}) of id {quoted(feature_id)}"))
                kept.remove(row)
            else:
                periods.append(period)
        features.append(InfrastructureFeature(
            id=feature_id, name=first.name, kind=first.kind, geometry=first.geometry,
            built_from=first.built_from, built_to=first.built_to,
            periods=tuple(periods), sources=first.sources, notes=first.notes, properties=first.properties,
            rows=tuple(sorted(row.row for row in kept)),
        ))
    return features, rejections


def parse_infrastructure(
    path: Path, batches: Iterator[gis.Batch] | Sequence[gis.Batch], *, kml: bool = False
) -> InfrastructureParse:
    """Check rows already read (attributes, WKB geometries and the file's CRS) and build the features.

    Parameters
    ----------
    path : Path
        The file the rows come from (its name is used in messages).
    batches : iterable of borderwatch.importers.gis.Batch
        The file's rows in order, in one batch or several.
    kml : bool
        The rows come from KML: the fields a KML reader adds for styling are not kept.

    Returns
    -------
    InfrastructureParse

    Raises
    ------
    FileRejectedError
        The file has no ``kind`` column, holds no feature, or its CRS is wrong for most of its vertices.
    """
    rows: list[_Row] = []
    rejections: list[Rejection] = []
    label: dict[str, str] = {}
    note, read = "", 0
    for batch in batches:
        columns = [str(column) for column in batch.attributes.columns]
        label = _column_fields(columns)
        if "kind" not in label:
            names = ", ".join(INFRASTRUCTURE_FIELDS["kind"])
            raise gis.refuse(path, f"has no column of the kind of each feature ({names}); "
                                f"its columns: {', '.join(map(quoted, columns[:20])) or 'none'}")
        accepted, problems, batch_note = _batch_rows(path, batch, read + 1, kml)
        rows += accepted
        rejections += problems
        note = note or batch_note
        read += len(batch.attributes)
    if read == 0:
        raise gis.refuse(path, "holds no features")
    features, group_rejections = _assemble(rows, label)
    rejections = sorted(rejections + group_rejections, key=lambda item: (item.row, item.column))
    return InfrastructureParse(features, rejections, read, note)


def read_infrastructure(path: Path, *, batch_rows: int = config.INFRASTRUCTURE_BATCH_ROWS) -> InfrastructureParse:
    """Read an infrastructure file: the features whose rows pass every check, and the rejected rows.

    Parameters
    ----------
    path : Path
        GeoJSON, GeoPackage, KML, zipped shapefile or GeoParquet, told apart
        by content (:func:`infrastructure_file_kind`).
    batch_rows : int
        Rows read at a time.

    Returns
    -------
    InfrastructureParse

    Raises
    ------
    FileRejectedError
        A whole file refused: missing, empty, damaged, not a GIS file,
        several layers, no ``kind`` column, no feature, a CRS wrong for most
        of its vertices (the likely cause named).
    """
    path = Path(path)
    kind = infrastructure_file_kind(path)
    return parse_infrastructure(path, _read_batches(path, kind, batch_rows), kml=kind == "kml")


def _vertex_km(geometries: np.ndarray, border: BaseGeometry) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each vertex's geodesic distance from the border (km), its coordinates, and the index of its geometry."""
    coordinates, owners = shapely.get_coordinates(geometries, return_index=True)
    line = cast(LineString | MultiLineString, border)
    return geodesic_line(line).distance_km(coordinates[:, 0], coordinates[:, 1]), coordinates, owners


def beyond_border(
    features: Sequence[InfrastructureFeature], border: BaseGeometry,
    max_km: float = config.INFRASTRUCTURE_MAX_BORDER_KM,
) -> list[Rejection]:
    """Rejections of the features that reach farther from a border than ``max_km``, one per row.

    Parameters
    ----------
    features : sequence of InfrastructureFeature
    border : shapely LineString or MultiLineString
        The border, EPSG:4326 (as ``borders.geojson`` holds it).
    max_km : float
        Farthest a feature's vertex may lie from the border (geodesic km).

    Returns
    -------
    list of Rejection
        For each row of each feature that goes beyond, on its geometry, with
        the distance and the vertex that is farthest.
    """
    if not features:
        return []
    km, coordinates, owners = _vertex_km(np.array([feature.geometry for feature in features], dtype=object), border)
    rejections = []
    for index in np.unique(owners[km > max_km]):
        vertices = np.flatnonzero(owners == index)
        farthest = vertices[np.argmax(km[vertices])]
        longitude, latitude = coordinates[farthest]
        reason = (f"lies {km[farthest]:,.1f} km from the border at its farthest (longitude {longitude:.4f}, "
                  f"latitude {latitude:.4f}), more than the {max_km:g} km allowed: a file of another border, "
                  "swapped coordinates, or a wrong CRS")
        rejections += [Rejection(row, GEOMETRY, reason) for row in features[index].rows]
    return rejections


def near_border(
    parsed: InfrastructureParse, border: BaseGeometry, max_km: float = config.INFRASTRUCTURE_MAX_BORDER_KM
) -> InfrastructureParse:
    """The same parse with the features beyond ``max_km`` of the border moved to the rejections.

    Parameters
    ----------
    parsed : InfrastructureParse
    border : shapely LineString or MultiLineString
        EPSG:4326.
    max_km : float

    Returns
    -------
    InfrastructureParse
    """
    far = beyond_border(parsed.features, border, max_km)
    far_rows = {item.row for item in far}
    kept = [feature for feature in parsed.features if not far_rows.intersection(feature.rows)]
    rejections = sorted(parsed.rejections + far, key=lambda item: (item.row, item.column))
    return replace(parsed, features=kept, rejections=rejections)


def load_infrastructure(
    path: Path, border: BaseGeometry | None = None, max_km: float = config.INFRASTRUCTURE_MAX_BORDER_KM
) -> list[InfrastructureFeature]:
    """Read an infrastructure file whole, or refuse it listing every problem.

    Parameters
    ----------
    path : Path
    border : shapely LineString or MultiLineString, optional
        EPSG:4326; when given, every feature must lie within ``max_km`` of it.
    max_km : float

    Returns
    -------
    list of InfrastructureFeature

    Raises
    ------
    FileRejectedError
        The whole file is refused (see :func:`read_infrastructure`).
    InfrastructureDataError
        Listing every rejected row: "feature N, column C: reason".
    """
    path = Path(path)
    parsed = read_infrastructure(path)
    if border is not None:
        parsed = near_border(parsed, border, max_km)
    if parsed.rejections:
        raise InfrastructureDataError(path.name, parsed.rejections)
    return parsed.features



@lru_cache(maxsize=16)
def load_preset(border_key: str) -> tuple[InfrastructureFeature, ...]:
    """The features of a border's bundled preset (:func:`borderwatch.infrastructure.preset_path`); none without one.

    Parameters
    ----------
    border_key : str
        Two ISO 3166 alpha-3 codes in either order, e.g. ``"TUN-LBY"``.

    Returns
    -------
    tuple of InfrastructureFeature
        In file order, each with ``layer`` :data:`borderwatch.infrastructure.PRESET_LAYER`.

    Raises
    ------
    InfrastructureDataError
        The bundled file is damaged (a test keeps every preset valid).
    """
    path = preset_path(border_key)
    if not path.is_file():
        return ()
    return tuple(replace(feature, layer=PRESET_LAYER) for feature in load_infrastructure(path))
