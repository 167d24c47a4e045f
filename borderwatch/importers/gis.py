"""Point files (GeoJSON, GeoPackage, GeoParquet, zipped shapefile) read with a column mapping.

Nothing GDAL reads is taken on trust: it turns a malformed GeoJSON geometry
into an empty one without a word, and keeps out-of-range, NaN or projected
coordinates labelled as WGS84. Every feature is checked after reading.
Files are streamed in batches (``pyogrio.open_arrow``, or pyarrow for
GeoParquet, which this GDAL build cannot read).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pyogrio
import pyogrio.errors
import shapely
from pyproj import CRS
from pyproj.exceptions import CRSError

from borderwatch import config, projection
from borderwatch.errors import FileRejectedError, quoted, shortened
from borderwatch.importers.base import Rejection
from borderwatch.importers.sniff import KIND_NAMES, cell_text
from borderwatch.importers.validate import (
    Mapped,
    blank_table,
    date_problems,
    iso_dates,
    parse_dates,
)
from borderwatch.importers.world import World, iso3_of
from borderwatch.schema import ACLED_EVENT_TYPES

#: Schema fields a column mapping may name, and the column names each is guessed from.
GIS_FIELDS: Final[dict[str, tuple[str, ...]]] = {
    "source_id": ("source_id", "event_id_cnty", "event_id", "eventid", "id", "uid", "fid"),
    "event_date": ("event_date", "date", "date_start", "day", "datetime", "incident_date"),
    "end_date": ("end_date", "date_end"),
    "date_precision": ("date_precision",),
    "event_type": ("event_type", "type", "category", "sub_event_type"),
    "sub_event_type": ("sub_event_type", "subtype", "sub_type"),
    "actor1": ("actor1", "actor", "perpetrator", "gname", "side_a"),
    "actor2": ("actor2", "target", "side_b"),
    "country": ("country", "country_txt", "country_name"),
    "iso3": ("iso3", "iso_a3", "country_code"),
    "admin1": ("admin1", "province", "governorate", "region", "provstate", "adm_1"),
    "location": ("location", "place", "city", "town", "name", "locality"),
    "geo_precision": ("geo_precision",),
    "precision_km": ("precision_km",),
    "deaths_low": ("deaths_low", "low"),
    "deaths_best": ("deaths_best", "fatalities", "deaths", "killed", "nkill", "best"),
    "deaths_high": ("deaths_high", "high"),
    "wounded_best": ("wounded_best", "wounded", "injured", "nwound"),
    "description": ("description", "notes", "summary", "desc", "comment", "comments"),
    "sources": ("sources", "source", "url", "link", "source_url"),
}

#: Fields a mapping must name before a GIS file is read.
GIS_REQUIRED_FIELDS: Final[tuple[str, ...]] = ("event_date", "event_type", "location")

#: Date forms read: ISO (with or without a time of day) and ACLED's.
DATE_FORMATS: Final[tuple[str, ...]] = (
    "%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%d-%m-%Y", "%d %B %Y", "%d %b %Y",
)
DATE_FORMS: Final[str] = "expected yyyy-mm-dd, dd-mm-yyyy or 07 March 2016"

#: Column that rejections about the feature's geometry name.
GEOMETRY: Final[str] = "geometry"

_SUB_TYPES: Final[dict[str, tuple[str, str]]] = {
    sub.lower(): (name, sub) for name, subs in ACLED_EVENT_TYPES.items() for sub in subs
}
_EVENT_TYPES: Final[frozenset[str]] = frozenset(name.lower() for name in ACLED_EVENT_TYPES)

_POINT: Final[int] = shapely.GeometryType.POINT
_MULTIPOINT: Final[int] = shapely.GeometryType.MULTIPOINT

# Errors the readers raise on a damaged or unexpected file.
READ_ERRORS: Final[tuple[type[Exception], ...]] = (
    pyogrio.errors.DataSourceError,
    pyogrio.errors.DataLayerError,
    pyogrio.errors.FieldError,
    pyogrio.errors.GeometryError,
    pyogrio.errors.CRSError,
    pa.ArrowException,
    CRSError,
    OSError,
    ValueError,
)


@dataclass
class Batch:
    """Features of one batch: attributes as read, geometries, and the file's CRS."""

    attributes: pd.DataFrame
    wkb: np.ndarray
    crs: CRS | None


def refuse(path: Path, message: str) -> FileRejectedError:
    """A refusal of the file named by its name alone, the folder removed from GDAL's message."""
    # GDAL's messages name the file by its full path: where it lies on this
    # machine (a server's upload folder) is no business of the reader's.
    folder = str(path.resolve().parent)
    for prefix in {folder, str(path.parent)} - {"", "."}:
        message = message.replace(prefix.rstrip("/") + "/", "")
    return FileRejectedError(f"{path.name}: {message}")


def _parquet_geometry(path: Path, schema: pa.Schema) -> tuple[str, CRS | None]:
    """Geometry column and CRS of a GeoParquet file, from its ``geo`` metadata.

    Every problem of the metadata is listed in one refusal: it is written by
    the exporting tool, so the user needs to know all that is wrong with it.
    """
    metadata = (schema.metadata or {}).get(b"geo")
    if metadata is None:
        raise refuse(path, "is a Parquet file without GeoParquet metadata: it holds no geometry column")
    advice = "; export the file again with a GeoParquet writer (GeoPandas, GDAL, QGIS)"
    try:
        geo = json.loads(metadata)
    except ValueError as error:
        raise refuse(path, f"its GeoParquet metadata (\"geo\") is not JSON ({error}){advice}") from error
    if not isinstance(geo, dict):
        raise refuse(path, f"its GeoParquet metadata (\"geo\") is {type(geo).__name__}, not an object{advice}")
    problems = []
    column = geo.get("primary_column")
    columns = geo.get("columns")
    described: object = None
    if not isinstance(column, str) or not column:
        problems.append("names no primary_column")
    elif column not in schema.names:
        problems.append(f"names primary_column {quoted(column)}, which is not a column of the file")
    if not isinstance(columns, dict):
        problems.append("has no \"columns\" object")
    elif isinstance(column, str):
        described = columns.get(column)
        if not isinstance(described, dict):
            problems.append(f"does not describe the primary column {quoted(column)} under \"columns\"")
    crs: CRS | None = None
    if isinstance(described, dict):
        encoding = described.get("encoding", "WKB")
        if not isinstance(encoding, str):
            problems.append(f"gives the encoding {quoted(encoding)}, which is not text")
        elif encoding.upper() != "WKB":
            problems.append(f"stores geometries as {quoted(encoding)}; BorderWatch reads WKB GeoParquet")
        # The GeoParquet spec: no "crs" key means OGC:CRS84; an explicit null means unknown.
        projjson = described.get("crs", "absent")
        try:
            if projjson == "absent":
                crs = CRS.from_user_input("OGC:CRS84")
            elif projjson is not None:
                if not isinstance(projjson, dict):
                    raise CRSError(f"{type(projjson).__name__} is not PROJJSON")
                crs = CRS.from_json_dict(projjson)
        except CRSError as error:
            problems.append(f"gives a CRS that cannot be read ({shortened(error)})")
    if problems:
        raise refuse(path, "its GeoParquet metadata " + "; ".join(problems) + advice)
    assert isinstance(column, str)  # no problem means a named primary column
    return column, crs


def _check_parquet_sizes(path: Path, parquet: pq.ParquetFile) -> None:
    """Refuse a Parquet file whose row groups would unpack to too much, before reading one.

    A row group is read whole: its size bounds the memory a batch takes.
    """
    metadata = parquet.metadata
    packed_file = path.stat().st_size
    total = 0
    for index in range(metadata.num_row_groups):
        group = metadata.row_group(index)
        size = group.total_byte_size
        total += size
        if size > config.ARCHIVE_MAX_MEMBER_BYTES:
            raise refuse(path, f"its row group {index + 1} would unpack to {size / 1024**2:,.0f} MB: "
                                "write the file with smaller row groups, or export it as GeoJSON")
    if total > config.ARCHIVE_MAX_TOTAL_BYTES or (
        total > config.ARCHIVE_RATIO_FLOOR_BYTES and total > config.ARCHIVE_MAX_RATIO * max(packed_file, 1)
    ):
        raise refuse(path, f"its data would unpack from {packed_file:,} bytes to {total / 1024**2:,.0f} MB: "
                            "a data file never packs so tightly; this looks like a decompression bomb, "
                            "so nothing of it was read")


def _parquet_batches(path: Path, batch_rows: int) -> Iterator[Batch]:
    parquet = pq.ParquetFile(path)
    column, crs = _parquet_geometry(path, parquet.schema_arrow)
    _check_parquet_sizes(path, parquet)
    for batch in parquet.iter_batches(batch_size=batch_rows):
        frame = dates_as_text(batch).to_pandas()
        yield Batch(frame.drop(columns=[column]), frame[column].to_numpy(object), crs)


def dates_as_text(batch: pa.RecordBatch) -> pa.RecordBatch:
    """Date and time columns as ISO text, in Arrow.

    Python's dates stop at year 1: a date before it (GDAL reads "-0001-01-01"
    as one) would make the whole batch unreadable, where as text it is one
    rejected row. Midnight is left out, as a CSV export writes a day.
    """
    columns = []
    for column in batch.columns:
        if pa.types.is_date(column.type):
            column = column.cast(pa.string())
        elif pa.types.is_timestamp(column.type):
            text = pc.replace_substring_regex(column.cast(pa.string()), r"(\.\d*)?Z?$", "")
            column = pc.replace_substring_regex(text, r" 00:00:00$", "")
        columns.append(column)
    return pa.RecordBatch.from_arrays(columns, schema=None, names=batch.schema.names)


def _single_layer(path: Path, source: str) -> None:
    """Refuse a file with several layers: which one to import is the user's choice, not ours."""
    layers = pyogrio.list_layers(source)
    if len(layers) != 1:
        names = ", ".join(quoted(name) for name in layers[:5, 0])
        raise refuse(path, f"has {len(layers)} layers ({names}): save the layer to import as a file of its own")


def _ogr_batches(path: Path, batch_rows: int, kind: str, source: str, without_geometry: str) -> Iterator[Batch]:
    _single_layer(path, source)
    # GeoJSON dates as the file writes them: GDAL would read "-0001-01-01" as a date and shift it.
    options = {"DATE_AS_STRING": "YES"} if kind == "geojson" else {}
    with pyogrio.open_arrow(source, batch_size=batch_rows, use_pyarrow=True, **options) as (meta, reader):
        crs = CRS.from_user_input(meta["crs"]) if meta["crs"] else None
        fields = set(meta["fields"])
        for batch in reader:
            frame = dates_as_text(batch).to_pandas()
            geometry = next((name for name in frame.columns if name not in fields), None)
            if geometry is None:
                raise refuse(path, f"is a table without geometry: {without_geometry}")
            yield Batch(frame.drop(columns=[geometry]), frame[geometry].to_numpy(object), crs)


def read_batches(
    path: Path, kind: str, batch_rows: int, *, source: str | None = None,
    without_geometry: str = "BorderWatch reads points from a GIS file",
) -> Iterator[Batch]:
    """Stream a GIS file's features in batches.

    Parameters
    ----------
    path : Path
    kind : str
        One of ``geojson``, ``gpkg``, ``geoparquet``, ``shapefile`` (or ``kml``, read by GDAL too).
    batch_rows : int
    source : str, optional
        The name GDAL opens instead of the path (e.g. ``/vsizip/{…}`` for a
        zipped shapefile); messages name the file, never this.
    without_geometry : str
        What the refusal of a table without geometry adds: what the file was expected to hold.

    Yields
    ------
    Batch

    Raises
    ------
    FileRejectedError
        The file cannot be read, has several layers, or no geometry.
    """
    opened = str(path) if source is None else source
    try:
        if kind == "geoparquet":
            yield from _parquet_batches(path, batch_rows)
        else:
            yield from _ogr_batches(path, batch_rows, kind, opened, without_geometry)
    except FileRejectedError:
        raise
    except READ_ERRORS as error:
        message = str(error).replace(opened, path.name).replace(str(path.resolve()), path.name)
        raise refuse(path, f"cannot be read as {KIND_NAMES.get(kind, 'a KML file')} ({message})") from error


def column_names(path: Path, kind: str) -> list[str]:
    """The attribute columns of a GIS file, without reading its features."""
    try:
        if kind == "geoparquet":
            schema = pq.ParquetFile(path).schema_arrow
            geometry, _ = _parquet_geometry(path, schema)
            return [name for name in schema.names if name != geometry]
        _single_layer(path, str(path))
        return [str(name) for name in pyogrio.read_info(path)["fields"]]
    except FileRejectedError:
        raise
    except READ_ERRORS as error:
        raise refuse(path, f"cannot be read as {KIND_NAMES[kind]} ({error})") from error


def propose_mapping(columns: list[str]) -> dict[str, str]:
    """Propose a column for each schema field, by name.

    Parameters
    ----------
    columns : list of str
        The file's attribute columns.

    Returns
    -------
    dict of str to str
        Schema field -> column, for the fields a column was found for; no
        column is proposed for two fields.
    """
    by_lower = {column.lower(): column for column in columns}
    mapping: dict[str, str] = {}
    for field_name, candidates in GIS_FIELDS.items():
        for candidate in candidates:
            column = by_lower.get(candidate)
            if column is not None and column not in mapping.values():
                mapping[field_name] = column
                break
    return mapping


def check_mapping(path: Path, mapping: Mapping[str, str], columns: list[str]) -> None:
    """Refuse a mapping that names unknown fields or columns, or lacks a required field."""
    unknown = sorted(set(mapping) - set(GIS_FIELDS))
    if unknown:
        raise ValueError(f"column_mapping names fields {unknown} that are not among {sorted(GIS_FIELDS)}")
    absent = [column for column in mapping.values() if column not in columns]
    if absent:
        raise refuse(path, f"the column mapping names {', '.join(map(repr, absent))}, not a column of the file")
    missing = [field_name for field_name in GIS_REQUIRED_FIELDS if field_name not in mapping]
    if missing:
        raise refuse(
            path,
            f"needs a column mapping: no column is mapped to {', '.join(missing)} "
            f"(its columns: {', '.join(columns) or 'none'})",
        )


def _points(path: Path, batch: Batch, rows: pd.Series) -> tuple[np.ndarray, np.ndarray, list[Rejection], str]:
    """Longitude and latitude in EPSG:4326 of each feature (NaN where unusable), the
    rejections of bad geometries, and a note for every row ("" if none)."""
    geometries = shapely.from_wkb(batch.wkb, on_invalid="ignore")
    types = shapely.get_type_id(geometries)
    sizes = shapely.get_num_geometries(geometries)
    empty = shapely.is_empty(geometries) | shapely.is_missing(geometries)
    # A shapefile of points is often written as one-point MultiPoints.
    single = (types == _MULTIPOINT) & (sizes == 1) & ~empty
    geometries = np.where(single, shapely.get_geometry(geometries, 0), geometries)
    point = ((types == _POINT) | single) & ~empty
    problems = []
    for index in np.flatnonzero(~point):
        if empty[index]:
            reason = "holds no point: the geometry is missing, empty or unreadable"
        elif types[index] == _MULTIPOINT:
            reason = f"is a MultiPoint of {sizes[index]} points, not one point"
        else:
            reason = f"is a {geometries[index].geom_type}, not a point"
        problems.append(Rejection(int(rows[index]), GEOMETRY, reason))
    # GEOS refuses the coordinates of an empty point: ask only for the usable ones.
    usable = geometries.copy()
    usable[~point] = None
    x, y = shapely.get_x(usable), shapely.get_y(usable)
    longitude, latitude, note = to_wgs84(path, batch.crs, x, y)
    outside = np.zeros(len(x), dtype=bool)
    if batch.crs is not None:
        outside = outside_area_of_use(path, batch.crs, x, y, longitude, latitude)
        problems.extend(
            Rejection(
                int(rows[index]), GEOMETRY,
                f"x {x[index]:.6g}, y {y[index]:.6g} lies outside the area {batch.crs.name} is meant for "
                f"({area_text(batch.crs)}): wrong coordinates, or a .prj that names the wrong CRS",
            )
            for index in np.flatnonzero(outside)
        )
    longitude, latitude = np.where(outside, np.nan, longitude), np.where(outside, np.nan, latitude)
    return longitude, latitude, problems, note


def area_text(crs: CRS) -> str:
    """The bounds of a CRS's area of use, in words, for messages ("unknown" if it has none)."""
    area = crs.area_of_use
    # The bounds only: the area's name lists every country it touches.
    return (f"longitude {area.west:g} to {area.east:g}, latitude {area.south:g} to {area.north:g}"
            if area is not None else "unknown")


def outside_area_of_use(
    path: Path, crs: CRS, x: np.ndarray, y: np.ndarray, longitude: np.ndarray, latitude: np.ndarray
) -> np.ndarray:
    """Points that lie outside the area of use of the file's CRS (with a margin).

    Refuses the file when most points do: then the CRS itself is wrong, and
    the message names the likely cause. Returns the few to reject otherwise.
    """
    area = crs.area_of_use
    # Points beyond the range of degrees are rejected as such by the shared checks.
    finite = np.isfinite(longitude) & np.isfinite(latitude) & (np.abs(longitude) <= 180.0) & (np.abs(latitude) <= 90.0)
    if area is None or not finite.any():
        return np.zeros(len(x), dtype=bool)
    margin = config.CRS_AREA_MARGIN_DEGREES
    west, east = area.west - margin, area.east + margin
    if west <= east:
        inside_lon = (longitude >= west) & (longitude <= east)
    else:  # an area across the antimeridian
        inside_lon = (longitude >= west) | (longitude <= east)
    inside = inside_lon & (latitude >= area.south - margin) & (latitude <= area.north + margin)
    outside = finite & ~inside
    if outside.sum() * 2 <= finite.sum():
        return outside
    first = np.flatnonzero(outside)[0]
    example = (f"x {x[first]:.6g}, y {y[first]:.6g} becomes latitude {latitude[first]:.4f}, "
               f"longitude {longitude[first]:.4f}")
    looks_like_degrees = (np.abs(x[finite]) <= 180.0).all() and (np.abs(y[finite]) <= 90.0).all()
    if crs.is_projected and looks_like_degrees:
        cause = (f"the coordinates are longitude/latitude degrees, but the file says they are {crs.name} "
                 "(metres): its .prj (or CRS) is wrong; replace it with one for EPSG:4326 (WGS 84) and import again")
    else:
        cause = (f"the file's CRS ({crs.name}) is probably not the one its coordinates were written in: "
                 "export it again with its true CRS")
    raise refuse(
        path,
        f"{outside.sum():,} of {finite.sum():,} points lie outside the area {crs.name} is meant for "
        f"({area_text(crs)}; e.g. {example}): {cause}",
    )


def to_wgs84(path: Path, crs: CRS | None, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, str]:
    """Reproject to EPSG:4326; refuse metres passed off as degrees, or no CRS with non-degree values."""
    finite = np.isfinite(x) & np.isfinite(y)
    outside = finite & ((np.abs(x) > 180.0) | (np.abs(y) > 90.0))
    example = ""
    if outside.any():
        first = np.flatnonzero(outside)[0]
        example = f" (e.g. x {x[first]:.1f}, y {y[first]:.1f})"
    if crs is None:
        if outside.any():
            raise refuse(
                path,
                f"has no coordinate reference system (a shapefile's .prj is missing) and its coordinates{example} "
                "are not longitude/latitude degrees: add the .prj (zip it with the .shp) or export in EPSG:4326",
            )
        return x, y, "the file gives no CRS: its coordinates were read as WGS84 longitude/latitude"
    if crs.is_geographic:
        largest = np.nanmax(np.abs(np.where(finite, x, 0)))
        metres = outside.sum() > 0.5 * max(finite.sum(), 1) and largest > config.GIS_PROJECTED_MAGNITUDE
        if metres:
            raise refuse(
                path,
                f"its coordinates{example} are projected metres, not degrees, although the file says "
                f"{crs.name}: export it again with its true CRS",
            )
        if crs.equals(config.GEOGRAPHIC_CRS, ignore_axis_order=True) or crs.equals("OGC:CRS84"):
            return x, y, ""
    transformer = projection.transformer(crs, config.GEOGRAPHIC_CRS)
    longitude, latitude = transformer.transform(x, y, errcheck=False)
    return np.asarray(longitude, dtype=float), np.asarray(latitude, dtype=float), ""


def _coordinate_text(values: np.ndarray) -> pd.Series:
    # repr keeps every digit; NaN (no usable point) is left empty and reported on the geometry.
    return pd.Series(["" if np.isnan(value) else repr(float(value)) for value in values], dtype=str)


def _event_types(event_type: pd.Series, rows: pd.Series, label: str) -> tuple[pd.Series, pd.Series, list[Rejection]]:
    """Event and sub-event type when no sub-event column is mapped: a sub-event type names both."""
    pairs = event_type.str.lower().map(_SUB_TYPES)
    is_sub = pairs.notna()
    types = event_type.where(~is_sub, pairs.map(lambda pair: pair[0] if isinstance(pair, tuple) else ""))
    subs = pd.Series("", index=event_type.index, dtype=str).where(
        ~is_sub, pairs.map(lambda pair: pair[1] if isinstance(pair, tuple) else "")
    )
    only_type = ~is_sub & event_type.str.lower().isin(_EVENT_TYPES)
    problems = [
        Rejection(int(rows[index]), label,
                  f"{quoted(event_type[index])} names no sub-event type: map a sub_event_type column, "
                  "or use ACLED sub-event types such as 'Armed clash'")
        for index in event_type.index[only_type]
    ]
    # Other values go on as they are, for the shared check to report.
    return types.astype(str), subs.astype(str), problems


def map_batch(path: Path, batch: Batch, first_feature: int, mapping: Mapping[str, str], world: World) -> Mapped:
    """Map one batch of features onto the schema.

    Parameters
    ----------
    path : Path
        The file (its name is the fallback source and id prefix).
    batch : Batch
    first_feature : int
        1-based number of the batch's first feature in the file.
    mapping : mapping of str to str
        Schema field -> attribute column, checked by :func:`check_mapping`.
    world : World

    Returns
    -------
    Mapped
    """
    count = len(batch.attributes)
    rows = pd.Series(np.arange(first_feature, first_feature + count), dtype="int64")
    table = blank_table(rows)
    text = pd.DataFrame(
        {column: [cell_text(value) for value in batch.attributes[column]] for column in batch.attributes.columns},
        index=table.index,
        dtype=str,
    )

    def column(field_name: str) -> pd.Series:
        name = mapping.get(field_name)
        return text[name] if name is not None else pd.Series("", index=table.index, dtype=str)

    problems: list[Rejection] = []
    longitude, latitude, geometry_problems, crs_note = _points(path, batch, rows)
    problems += geometry_problems
    table["longitude"], table["latitude"] = _coordinate_text(longitude), _coordinate_text(latitude)

    source_id = column("source_id")
    table["source_id"] = source_id if "source_id" in mapping else f"{path.name}#" + rows.astype(str)
    date_text = column("event_date")
    dates = parse_dates(date_text, DATE_FORMATS)
    table["event_date"] = iso_dates(dates)
    problems += date_problems(date_text, dates, rows, mapping["event_date"], DATE_FORMS)
    if "end_date" in mapping:
        end_text = column("end_date")
        ends = parse_dates(end_text, DATE_FORMATS)
        table["end_date"] = iso_dates(ends)
        problems += [
            Rejection(int(rows[index]), mapping["end_date"], f"{quoted(end_text[index])} is not a date ({DATE_FORMS})")
            for index in end_text.index[ends.isna() & (end_text != "")]
        ]
    table["date_precision"] = column("date_precision").where(lambda text: text != "", "day").str.lower()

    raw_type = column("event_type")
    if "sub_event_type" in mapping:
        table["event_type"], table["sub_event_type"] = raw_type, column("sub_event_type")
    else:
        table["event_type"], table["sub_event_type"], type_problems = _event_types(
            raw_type, rows, mapping["event_type"]
        )
        problems += type_problems
    table["type_original"] = raw_type
    for field_name in ("actor1", "actor2", "country", "admin1", "location", "description", "precision_km"):
        table[field_name] = column(field_name)
    no_numeric = pd.Series("", index=table.index, dtype=str)
    table["iso3"] = iso3_of(world, iso3=column("iso3"), numeric=no_numeric, names=table["country"])
    table["actors"] = table["actor1"].where(table["actor2"] == "", table["actor1"] + " vs " + table["actor2"])
    # A point file says nothing of precision unless mapped: the point is taken as the place itself.
    table["geo_precision"] = column("geo_precision").str.removesuffix(".0").where(lambda text: text != "", "1")
    best = column("deaths_best").str.removesuffix(".0")
    table["deaths_best"] = best
    table["deaths_low"] = column("deaths_low").str.removesuffix(".0") if "deaths_low" in mapping else best
    table["deaths_high"] = column("deaths_high").str.removesuffix(".0") if "deaths_high" in mapping else best
    wounded = column("wounded_best").str.removesuffix(".0")
    for bound in ("low", "best", "high"):
        table[f"wounded_{bound}"] = wounded
    table["sources"] = column("sources").where(lambda text: text != "", path.name)
    if crs_note:
        table["notes"] = crs_note

    wkt = shapely.to_wkt(shapely.from_wkb(batch.wkb, on_invalid="ignore"))
    records = text.assign(**{GEOMETRY: ["" if shape is None else shape for shape in wkt]})
    table["original"] = [json.dumps(record, ensure_ascii=False) for record in records.to_dict("records")]

    labels = {field_name: name for field_name, name in mapping.items()}
    labels.update({"latitude": GEOMETRY, "longitude": GEOMETRY})
    labels.setdefault("sub_event_type", mapping["event_type"])
    for bound in ("low", "high"):
        labels.setdefault(f"deaths_{bound}", mapping.get("deaths_best", f"deaths_{bound}"))
        labels[f"wounded_{bound}"] = mapping.get("wounded_best", f"wounded_{bound}")
    return Mapped(table=table, problems=problems, labels=labels)
