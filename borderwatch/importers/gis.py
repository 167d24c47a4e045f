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
import pyarrow.parquet as pq
import pyogrio
import pyogrio.errors
import shapely
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError

from borderwatch import config
from borderwatch.errors import FileRejectedError
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

#: A file whose coordinates mostly exceed degree ranges by this much is in metres, whatever its label says.
PROJECTED_MAGNITUDE: Final[float] = 1000.0

#: Column that rejections about the feature's geometry name.
GEOMETRY: Final[str] = "geometry"

_SUB_TYPES: Final[dict[str, tuple[str, str]]] = {
    sub.lower(): (name, sub) for name, subs in ACLED_EVENT_TYPES.items() for sub in subs
}
_EVENT_TYPES: Final[frozenset[str]] = frozenset(name.lower() for name in ACLED_EVENT_TYPES)

_POINT: Final[int] = shapely.GeometryType.POINT
_MULTIPOINT: Final[int] = shapely.GeometryType.MULTIPOINT

# Errors the readers raise on a damaged or unexpected file.
_READ_ERRORS: Final[tuple[type[Exception], ...]] = (
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


def _refuse(path: Path, message: str) -> FileRejectedError:
    return FileRejectedError(f"{path.name}: {message}")


def _parquet_geometry(path: Path, schema: pa.Schema) -> tuple[str, CRS | None]:
    """Geometry column and CRS of a GeoParquet file, from its ``geo`` metadata."""
    metadata = (schema.metadata or {}).get(b"geo")
    if metadata is None:
        raise _refuse(path, "is a Parquet file without GeoParquet metadata: it holds no geometry column")
    geo = json.loads(metadata)
    column = geo["primary_column"]
    described = geo["columns"][column]
    if described.get("encoding", "WKB").upper() != "WKB":
        raise _refuse(path, f"stores geometries as {described['encoding']!r}; BorderWatch reads WKB GeoParquet")
    # The GeoParquet spec: no "crs" key means OGC:CRS84; an explicit null means unknown.
    if "crs" not in described:
        return column, CRS.from_user_input("OGC:CRS84")
    projjson = described["crs"]
    return column, None if projjson is None else CRS.from_json_dict(projjson)


def _parquet_batches(path: Path, batch_rows: int) -> Iterator[Batch]:
    parquet = pq.ParquetFile(path)
    column, crs = _parquet_geometry(path, parquet.schema_arrow)
    for batch in parquet.iter_batches(batch_size=batch_rows):
        frame = batch.to_pandas()
        yield Batch(frame.drop(columns=[column]), frame[column].to_numpy(object), crs)


def _single_layer(path: Path) -> None:
    """Refuse a file with several layers: which one to import is the user's choice, not ours."""
    layers = pyogrio.list_layers(path)
    if len(layers) != 1:
        names = ", ".join(str(name) for name in layers[:, 0])
        raise _refuse(path, f"has {len(layers)} layers ({names}): save the layer to import as a file of its own")


def _ogr_batches(path: Path, batch_rows: int) -> Iterator[Batch]:
    _single_layer(path)
    with pyogrio.open_arrow(path, batch_size=batch_rows, use_pyarrow=True) as (meta, reader):
        crs = CRS.from_user_input(meta["crs"]) if meta["crs"] else None
        fields = set(meta["fields"])
        for batch in reader:
            frame = batch.to_pandas()
            geometry = next(name for name in frame.columns if name not in fields)
            yield Batch(frame.drop(columns=[geometry]), frame[geometry].to_numpy(object), crs)


def read_batches(path: Path, kind: str, batch_rows: int) -> Iterator[Batch]:
    """Stream a GIS file's features in batches.

    Parameters
    ----------
    path : Path
    kind : str
        One of ``geojson``, ``gpkg``, ``geoparquet``, ``shapefile``.
    batch_rows : int

    Yields
    ------
    Batch

    Raises
    ------
    FileRejectedError
        The file cannot be read, has several layers, or no geometry.
    """
    reader = _parquet_batches if kind == "geoparquet" else _ogr_batches
    try:
        yield from reader(path, batch_rows)
    except FileRejectedError:
        raise
    except _READ_ERRORS as error:
        raise _refuse(path, f"cannot be read as {KIND_NAMES[kind]} ({error})") from error


def column_names(path: Path, kind: str) -> list[str]:
    """The attribute columns of a GIS file, without reading its features."""
    try:
        if kind == "geoparquet":
            schema = pq.ParquetFile(path).schema_arrow
            geometry, _ = _parquet_geometry(path, schema)
            return [name for name in schema.names if name != geometry]
        _single_layer(path)
        return [str(name) for name in pyogrio.read_info(path)["fields"]]
    except FileRejectedError:
        raise
    except _READ_ERRORS as error:
        raise _refuse(path, f"cannot be read as {KIND_NAMES[kind]} ({error})") from error


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
        raise _refuse(path, f"the column mapping names {', '.join(map(repr, absent))}, not a column of the file")
    missing = [field_name for field_name in GIS_REQUIRED_FIELDS if field_name not in mapping]
    if missing:
        raise _refuse(
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
    usable = np.where(point, geometries, None)
    x, y = shapely.get_x(usable), shapely.get_y(usable)
    longitude, latitude, note = _to_wgs84(path, batch.crs, x, y)
    return longitude, latitude, problems, note


def _to_wgs84(path: Path, crs: CRS | None, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, str]:
    """Reproject to EPSG:4326; refuse metres passed off as degrees, or no CRS with non-degree values."""
    finite = np.isfinite(x) & np.isfinite(y)
    outside = finite & ((np.abs(x) > 180.0) | (np.abs(y) > 90.0))
    example = ""
    if outside.any():
        first = np.flatnonzero(outside)[0]
        example = f" (e.g. x {x[first]:.1f}, y {y[first]:.1f})"
    if crs is None:
        if outside.any():
            raise _refuse(
                path,
                f"has no coordinate reference system (a shapefile's .prj is missing) and its coordinates{example} "
                "are not longitude/latitude degrees: add the .prj (zip it with the .shp) or export in EPSG:4326",
            )
        return x, y, "the file gives no CRS: its coordinates were read as WGS84 longitude/latitude"
    if crs.is_geographic:
        metres = outside.sum() > 0.5 * max(finite.sum(), 1) and np.nanmax(np.abs(np.where(finite, x, 0))) > PROJECTED_MAGNITUDE
        if metres:
            raise _refuse(
                path,
                f"its coordinates{example} are projected metres, not degrees, although the file says "
                f"{crs.name}: export it again with its true CRS",
            )
        if crs.equals(config.GEOGRAPHIC_CRS, ignore_axis_order=True) or crs.equals("OGC:CRS84"):
            return x, y, ""
    transformer = Transformer.from_crs(crs, config.GEOGRAPHIC_CRS, always_xy=True)
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
                  f"{event_type[index]!r} names no sub-event type: map a sub_event_type column, "
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
            Rejection(int(rows[index]), mapping["end_date"], f"{end_text[index]!r} is not a date ({DATE_FORMS})")
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
    table["iso3"] = iso3_of(world, iso3=column("iso3"), numeric=pd.Series("", index=table.index, dtype=str), names=table["country"])
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
