"""Loaders of the bundled reference data, each validated on the way in.

Every loader takes a path (defaulting to the bundled file named in
:mod:`borderwatch.config`) and returns a GeoDataFrame in EPSG:4326.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
from shapely.geometry import LineString

from borderwatch import config
from borderwatch.errors import DataValidationError, ReferenceDataError
from borderwatch.schema import (
    ACLED_EVENT_TYPES,
    COUNT_COLUMNS,
    DATE_PRECISIONS,
    GEO_PRECISION_LABELS,
    INCIDENT_COLUMNS,
    REQUIRED_COLUMNS,
    SOURCE_SEPARATOR,
)

PLACE_COLUMNS: tuple[str, ...] = (
    "id",
    "name",
    "kind",
    "country",
    "iso3",
    "latitude",
    "longitude",
    "source",
    "note",
    "geonames_id",
)
PLACE_KINDS: tuple[str, ...] = ("town", "crossing", "landmark")

# A CSV's first data row is line 2 of the file (line 1 holds the header).
_FIRST_DATA_LINE = 2


def _read_vector(path: Path) -> gpd.GeoDataFrame:
    if not path.is_file():
        raise ReferenceDataError(f"{path}: file not found")
    # Dates stay text: GDAL would otherwise turn "2016-02-06" into a timestamp.
    frame = gpd.read_file(path, DATE_AS_STRING="YES")
    if frame.empty:
        raise ReferenceDataError(f"{path}: holds no features")
    if frame.crs is None or not frame.crs.equals(config.GEOGRAPHIC_CRS):
        raise ReferenceDataError(f"{path}: expected CRS {config.GEOGRAPHIC_CRS}, found {frame.crs}")
    return frame


def _read_single_line(path: Path) -> gpd.GeoDataFrame:
    frame = _read_vector(path)
    if len(frame) != 1 or not isinstance(frame.geometry.iloc[0], LineString):
        raise ReferenceDataError(f"{path}: expected exactly one LineString feature")
    return frame


def load_border(path: Path = config.BORDER_PATH) -> gpd.GeoDataFrame:
    """Load the Tunisia–Libya border line.

    Parameters
    ----------
    path : Path
        GeoJSON with one LineString feature, coast to tripoint.

    Returns
    -------
    geopandas.GeoDataFrame
        One row, EPSG:4326, with the file's attributes.
    """
    return _read_single_line(path)


def load_barrier(path: Path = config.BARRIER_PATH) -> gpd.GeoDataFrame:
    """Load the approximate trench-and-berm alignment.

    Parameters
    ----------
    path : Path
        GeoJSON with one LineString feature and its reported lengths.

    Returns
    -------
    geopandas.GeoDataFrame
        One row, EPSG:4326.
    """
    return _read_single_line(path)


def load_countries(path: Path = config.COUNTRIES_PATH) -> gpd.GeoDataFrame:
    """Load the country polygons of the offline basemap.

    Parameters
    ----------
    path : Path
        GeoJSON of polygons with an ``iso3`` and a ``name`` property.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per country, EPSG:4326.
    """
    frame = _read_vector(path)
    missing = {"iso3", "name"} - set(frame.columns)
    if missing:
        raise ReferenceDataError(f"{path}: missing properties {sorted(missing)}")
    return frame


def load_world_countries(path: Path = config.WORLD_COUNTRIES_PATH) -> gpd.GeoDataFrame:
    """Load the coarse (1:110m) countries of the world.

    Parameters
    ----------
    path : Path
        GeoJSON of polygons with ``iso3`` and ``name``.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per country, EPSG:4326.
    """
    return load_countries(path)


def _points_from_table(table: pd.DataFrame) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        table,
        geometry=gpd.points_from_xy(table["longitude"], table["latitude"]),
        crs=config.GEOGRAPHIC_CRS,
    )


def _read_csv_text(path: Path) -> pd.DataFrame:
    if not path.is_file():
        raise ReferenceDataError(f"{path}: file not found")
    try:
        # Everything as text first, so a bad cell is reported, not silently coerced.
        table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except UnicodeDecodeError as error:
        raise DataValidationError(
            str(path), [f"byte {error.start} is not UTF-8: save the file as UTF-8 CSV"]
        ) from error
    except (pd.errors.EmptyDataError, pd.errors.ParserError) as error:
        raise DataValidationError(str(path), [f"not a readable CSV table: {error}"]) from error
    if table.empty:
        raise DataValidationError(str(path), ["holds a header but no rows"])
    return table


def load_places(path: Path = config.PLACES_PATH) -> gpd.GeoDataFrame:
    """Load the gazetteer of towns, crossings and landmarks.

    Parameters
    ----------
    path : Path
        CSV with the columns of :data:`PLACE_COLUMNS`.

    Returns
    -------
    geopandas.GeoDataFrame
        One point per place, EPSG:4326.

    Raises
    ------
    DataValidationError
        Listing every bad row and column at once.
    """
    raw = _read_csv_text(path)
    problems: list[str] = []
    missing = [column for column in PLACE_COLUMNS if column not in raw.columns]
    if missing:
        raise DataValidationError(str(path), [f"missing column(s): {', '.join(missing)}"])
    table = raw.loc[:, list(PLACE_COLUMNS)].copy()
    problems += _coordinate_problems(table)
    for row, kind in _cells(table["kind"]):
        if kind not in PLACE_KINDS:
            problems.append(f"row {row + _FIRST_DATA_LINE}, column kind: {kind!r} is not one of {PLACE_KINDS}")
    problems += _duplicate_id_problems(table)
    if problems:
        raise DataValidationError(str(path), problems)
    table["latitude"] = table["latitude"].astype(float)
    table["longitude"] = table["longitude"].astype(float)
    return _points_from_table(table)


def _cells(column: pd.Series) -> list[tuple[int, Any]]:
    """(row label, value) pairs of a column read with the default index."""
    return list(zip(column.index.tolist(), column.tolist(), strict=True))


def _coordinate_problems(table: pd.DataFrame) -> list[str]:
    problems = []
    for column, limit in (("latitude", 90.0), ("longitude", 180.0)):
        values = pd.to_numeric(table[column], errors="coerce")
        problems += [
            f"row {row + _FIRST_DATA_LINE}, column {column}: "
            f"{table.at[row, column]!r} is not a number within ±{limit:g}"
            for row in table.index[values.isna() | (values.abs() > limit)]
        ]
    return problems


def _duplicate_id_problems(table: pd.DataFrame) -> list[str]:
    duplicated = table["id"][table["id"].duplicated(keep=False)]
    return [
        f"row {row + _FIRST_DATA_LINE}, column id: {value!r} is not unique"
        for row, value in _cells(duplicated)
    ]


def _numbers_or_missing(cells: pd.Series) -> pd.Series:
    """Parse text cells as numbers: empty cells become NaN, and so do bad ones
    (which the caller tells apart from empty ones to report them)."""
    return pd.to_numeric(cells.where(cells.str.strip() != ""), errors="coerce")


def validate_incident_table(table: pd.DataFrame, source: str) -> pd.DataFrame:
    """Check a text table against the incident schema and type its columns.

    Parameters
    ----------
    table : pandas.DataFrame
        All cells as text (empty string for missing), columns as in
        :data:`borderwatch.schema.INCIDENT_COLUMNS`.
    source : str
        Name used in messages (usually the file path).

    Returns
    -------
    pandas.DataFrame
        A typed copy: dates as ``datetime64``, counts as nullable ``Int64``,
        coordinates as floats, ``geo_precision`` as int.

    Raises
    ------
    DataValidationError
        Listing every problem (row, column, reason) found in the table.
    """
    missing = [column for column in INCIDENT_COLUMNS if column not in table.columns]
    if missing:
        raise DataValidationError(source, [f"missing column(s): {', '.join(missing)}"])
    table = table.loc[:, list(INCIDENT_COLUMNS)].copy()
    problems: list[str] = []

    def report(row: int, column: str, reason: str) -> None:
        problems.append(f"row {row + _FIRST_DATA_LINE}, column {column}: {reason}")

    for column in REQUIRED_COLUMNS:
        for row in table.index[table[column].str.strip() == ""]:
            report(row, column, "is empty")
    problems += _coordinate_problems(table)
    problems += _duplicate_id_problems(table)

    dates = {}
    for column in ("event_date", "end_date"):
        parsed = pd.to_datetime(table[column], format="%Y-%m-%d", errors="coerce")
        for row in table.index[parsed.isna() & (table[column] != "")]:
            report(row, column, f"{table.at[row, column]!r} is not a date yyyy-mm-dd")
        dates[column] = parsed
    for row in table.index[dates["end_date"] < dates["event_date"]]:
        report(row, "end_date", "is before event_date")

    for row, precision in _cells(table["date_precision"]):
        if precision and precision not in DATE_PRECISIONS:
            report(row, "date_precision", f"{precision!r} is not one of {DATE_PRECISIONS}")
    for row, event_type, sub_type in zip(
        table.index.tolist(), table["event_type"].tolist(), table["sub_event_type"].tolist(), strict=True
    ):
        if event_type not in ACLED_EVENT_TYPES:
            report(row, "event_type", f"{event_type!r} is not an ACLED event type")
        elif sub_type not in ACLED_EVENT_TYPES[event_type]:
            report(row, "sub_event_type", f"{sub_type!r} is not a sub-event type of {event_type!r}")

    geo_precision = pd.to_numeric(table["geo_precision"], errors="coerce")
    for row in table.index[~geo_precision.isin(list(GEO_PRECISION_LABELS))]:
        report(row, "geo_precision", f"{table.at[row, 'geo_precision']!r} is not one of {sorted(GEO_PRECISION_LABELS)}")
    precision_km = _numbers_or_missing(table["precision_km"])
    for row in table.index[(precision_km < 0) | (precision_km.isna() & (table["precision_km"] != ""))]:
        report(row, "precision_km", f"{table.at[row, 'precision_km']!r} is not a distance >= 0")

    counts = {}
    for column in COUNT_COLUMNS:
        numbers = _numbers_or_missing(table[column])
        unparsed = numbers.isna() & (table[column].str.strip() != "")
        bad = unparsed | (numbers < 0) | (numbers > config.MAX_COUNT) | (numbers.notna() & (numbers % 1 != 0))
        for row in table.index[bad]:
            report(row, column, f"{table.at[row, column]!r} is not a whole number from 0 to {config.MAX_COUNT:,}")
        numbers = numbers.where(~bad)
        counts[column] = numbers
    for prefix in sorted({column.rsplit("_", 1)[0] for column in COUNT_COLUMNS}):
        low, best, high = (counts[f"{prefix}_{bound}"] for bound in ("low", "best", "high"))
        for row in table.index[((low > best) | (best > high) | (low > high)).fillna(False)]:
            report(row, f"{prefix}_low/best/high", "must satisfy low <= best <= high")

    for row, sources in _cells(table["sources"]):
        urls = [url for url in sources.split(SOURCE_SEPARATOR) if url.strip()]
        if sources and not any(url.strip().startswith(("http://", "https://")) for url in urls):
            report(row, "sources", "holds no http(s) URL")

    if problems:
        raise DataValidationError(source, problems)

    typed = table.copy()
    # One resolution whatever the column holds (an all-empty column would
    # otherwise come back in seconds), so tables from any source concatenate.
    typed["event_date"] = dates["event_date"].astype("datetime64[us]")
    typed["end_date"] = dates["end_date"].astype("datetime64[us]")
    typed["latitude"] = typed["latitude"].astype(float)
    typed["longitude"] = typed["longitude"].astype(float)
    typed["geo_precision"] = geo_precision.astype(int)
    typed["precision_km"] = precision_km.astype(float)
    for column in COUNT_COLUMNS:
        typed[column] = counts[column].astype("Int64")
    return typed


def load_incidents(path: Path = config.INCIDENTS_PATH) -> gpd.GeoDataFrame:
    """Load and validate an incident table in the project's schema.

    Parameters
    ----------
    path : Path
        UTF-8 CSV with the columns of :data:`borderwatch.schema.INCIDENT_COLUMNS`.

    Returns
    -------
    geopandas.GeoDataFrame
        One point per incident, EPSG:4326, columns typed as in
        :func:`validate_incident_table`, sorted by date then id.

    Raises
    ------
    DataValidationError
        Listing every problem (row, column, reason) in the file.
    """
    typed = validate_incident_table(_read_csv_text(path), str(path))
    typed = typed.sort_values(["event_date", "id"], kind="stable").reset_index(drop=True)
    return _points_from_table(typed)
