"""Exports of incident tables: CSV safe to open in a spreadsheet, GeoJSON and GeoPackage.

An export that holds ACLED rows carries ACLED's attribution (see
:func:`acled_attribution` and ``docs/importing.md``, "Exporting"): GeoJSON as
a top-level ``"attribution"`` member, GeoPackage as the layer's description
and metadata; CSV has no place for it that every parser skips, so the
command line writes it beside the file and the dashboard shows it beside
the download.
"""

from __future__ import annotations

import datetime as dt
import json
import shlex
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Final

import geopandas as gpd
import pandas as pd
import pyogrio

from borderwatch import __version__, config
from borderwatch.filters import IncidentFilter
from borderwatch.schema import INCIDENT_COLUMNS

#: ACLED's citation, as its attribution policy asks for it (with a link to its website).
ACLED_CITATION: Final[str] = "Armed Conflict Location & Event Data Project (ACLED); www.acleddata.com"
#: Dataset format of ACLED imports, and the start of every ACLED row's ``id``.
ACLED_FORMAT: Final[str] = "acled"
ACLED_ID_PREFIX: Final[str] = "ACLED-"
#: Layer name of GeoPackage exports.
GEOPACKAGE_LAYER: Final[str] = "incidents"
#: Metadata key of the attribution in a GeoPackage export (GDAL layer and dataset metadata).
ATTRIBUTION_KEY: Final[str] = "ATTRIBUTION"

# OWASP's CSV-injection advice: a cell starting with one of these may be run
# as a formula by spreadsheet software.
_FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value: object) -> object:
    """Prefix a text cell that a spreadsheet would run as a formula.

    Parameters
    ----------
    value : object
        A cell.

    Returns
    -------
    object
        Text starting with ``= + - @``, tab or CR gets a leading ``'``; numbers,
        and text that is a plain number such as ``-3.5``, are returned as they are.
    """
    if not isinstance(value, str) or not value.startswith(_FORMULA_TRIGGERS):
        return value
    try:
        float(value)
    except ValueError:
        return "'" + value
    return value


def _export_table(incidents: pd.DataFrame) -> pd.DataFrame:
    columns = [column for column in INCIDENT_COLUMNS if column in incidents.columns]
    extra = [
        column for column in incidents.columns
        if column not in columns and column != incidents.geometry.name
    ] if isinstance(incidents, gpd.GeoDataFrame) else []
    table = pd.DataFrame(incidents[columns + extra]).copy()
    for column in ("event_date", "end_date"):
        if column in table:
            table[column] = table[column].dt.strftime("%Y-%m-%d")
    return table


def to_csv_bytes(incidents: pd.DataFrame) -> bytes:
    """Write incidents as UTF-8 CSV in the schema's column order.

    Parameters
    ----------
    incidents : pandas.DataFrame
        Incidents (a GeoDataFrame's geometry is left out; latitude and
        longitude carry the position).

    Returns
    -------
    bytes
        CSV with formula-like text cells neutralised.
    """
    table = _export_table(incidents)
    text_columns = table.select_dtypes(include=["object", "string"]).columns
    table[text_columns] = table[text_columns].map(neutralise_cell)
    return table.to_csv(index=False).encode("utf-8")


def _export_frame(incidents: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    table = _export_table(incidents)
    frame = gpd.GeoDataFrame(table, geometry=incidents.geometry.values, crs=incidents.crs)
    return frame.to_crs(config.GEOGRAPHIC_CRS)


def to_geojson_bytes(incidents: gpd.GeoDataFrame, *, attribution: str | None = None) -> bytes:
    """Write incidents as a GeoJSON FeatureCollection in EPSG:4326.

    Parameters
    ----------
    incidents : geopandas.GeoDataFrame
        Incident points.
    attribution : str, optional
        Text kept as the collection's top-level ``"attribution"`` member (a
        foreign member, RFC 7946 section 6.1: readers that do not know it ignore it).

    Returns
    -------
    bytes
        UTF-8 GeoJSON; dates as ``yyyy-mm-dd``, unknown counts as null.
    """
    text = _export_frame(incidents).to_json(na="null", drop_id=True)
    if attribution is not None:
        # Spliced in rather than parsed and dumped again: an export may hold
        # a million features, and to_json always writes one object.
        text = '{"attribution": ' + json.dumps(attribution, ensure_ascii=False) + ", " + text[1:]
    return text.encode("utf-8")


def write_geopackage(incidents: gpd.GeoDataFrame, path: Path, *, attribution: str | None = None) -> None:
    """Write incidents as a GeoPackage of points, layer :data:`GEOPACKAGE_LAYER`, EPSG:4326.

    Parameters
    ----------
    incidents : geopandas.GeoDataFrame
        Incident points.
    path : pathlib.Path
        File to write; replaced if it exists.
    attribution : str, optional
        Kept as the layer's description (``gpkg_contents.description``, shown
        by QGIS) and as :data:`ATTRIBUTION_KEY` in the layer's and the file's
        GDAL metadata (``gpkg_metadata``).

    Notes
    -----
    Dates are text ``yyyy-mm-dd`` (empty end dates are null), as in the
    CSV and GeoJSON exports: GDAL would write pandas datetimes as
    date-times, which reads back with a time of day nobody recorded.
    """
    path = Path(path)
    path.unlink(missing_ok=True)  # the GPKG driver would add a layer to an existing file
    metadata = {ATTRIBUTION_KEY: attribution} if attribution is not None else None
    pyogrio.write_dataframe(
        _export_frame(incidents),
        path,
        layer=GEOPACKAGE_LAYER,
        driver="GPKG",
        geometry_type="Point",  # also for an empty export, where it cannot be inferred
        layer_options={"DESCRIPTION": attribution} if attribution is not None else None,
        layer_metadata=metadata,
        dataset_metadata=metadata,
    )


def to_geopackage_bytes(incidents: gpd.GeoDataFrame, *, attribution: str | None = None) -> bytes:
    """Return the GeoPackage :func:`write_geopackage` writes, as bytes (for a download button).

    Parameters
    ----------
    incidents : geopandas.GeoDataFrame
        Incident points.
    attribution : str, optional
        See :func:`write_geopackage`.

    Returns
    -------
    bytes
    """
    # SQLite (hence GDAL's GPKG driver) writes to a file, never to a stream.
    with tempfile.TemporaryDirectory(prefix="borderwatch-export-") as folder:
        path = Path(folder) / "incidents.gpkg"
        write_geopackage(incidents, path, attribution=attribution)
        return path.read_bytes()


def acled_rows(incidents: pd.DataFrame, formats: Mapping[str, str] | None = None) -> pd.Series:
    """Tell which incidents come from ACLED.

    Parameters
    ----------
    incidents : pandas.DataFrame
        With ``id`` and ``dataset``.
    formats : mapping of str to str, optional
        Dataset name -> format, e.g. from the store's ``datasets()``.

    Returns
    -------
    pandas.Series of bool
        True where the row's dataset has format ``acled``, or its ``id``
        starts with ``ACLED-`` (what the ACLED importer gives every row), so
        that ACLED rows are found even without the dataset list.
    """
    by_id = incidents["id"].astype(str).str.startswith(ACLED_ID_PREFIX)
    if not formats:
        return by_id
    by_format = incidents["dataset"].map(dict(formats)).eq(ACLED_FORMAT)
    return by_id | by_format.fillna(False).astype(bool)


def describe_filters(
    selection: IncidentFilter,
    *,
    datasets: tuple[str, ...] | None = None,
    actors: tuple[str, ...] | None = None,
    hide_duplicates: bool = False,
    max_border_km: float | None = None,
) -> str:
    """Say in one line which filters made an export.

    Parameters
    ----------
    selection : IncidentFilter
        Dates, event types, countries.
    datasets, actors : tuple of str, optional
        As :meth:`borderwatch.store.SQLiteStore.query` takes them; ``None`` is "any".
    hide_duplicates : bool
        Whether probable duplicates were left out.
    max_border_km : float, optional
        The "within this many km of the border" limit.

    Returns
    -------
    str
        E.g. ``"dates 2016-01-01 to any; event types: Battles; countries: any;
        datasets: any; actors: any; probable duplicates kept"``, plus
        ``"; within 30 km of the border"`` with a distance limit.
    """

    def listing(values: tuple[str, ...] | None) -> str:
        if values is None:
            return "any"
        return ", ".join(values) if values else "none"

    start = selection.start.isoformat() if selection.start else "any"
    end = selection.end.isoformat() if selection.end else "any"
    return (
        f"dates {start} to {end}; event types: {listing(selection.event_types)}; "
        f"countries: {listing(selection.countries)}; datasets: {listing(datasets)}; "
        f"actors: {listing(actors)}; probable duplicates {'left out' if hide_duplicates else 'kept'}"
        + (f"; within {max_border_km:g} km of the border" if max_border_km is not None else "")
    )


def export_command(
    selection: IncidentFilter,
    output: str,
    *,
    datasets: tuple[str, ...] | None = None,
    actors: tuple[str, ...] | None = None,
    hide_duplicates: bool = False,
    max_border_km: float | None = None,
    python: str = "python",
    data_dir: str | None = None,
) -> str:
    """The command line that exports the same incidents (for sets too big for the browser).

    Parameters
    ----------
    selection : IncidentFilter
    output : str
        File to write.
    datasets, actors, hide_duplicates, max_border_km
        The other filters, as :meth:`borderwatch.store.SQLiteStore.query` takes them.
    python : str
        The interpreter that has BorderWatch installed.
    data_dir : str, optional
        The store's folder (``--data-dir``); without it the command line's default.

    Returns
    -------
    str
        ``python -m borderwatch export ...`` with every value shell-quoted.
    """
    # --option=value: a value that starts with "-" stays a value.
    words = [python, "-m", "borderwatch"]
    if data_dir is not None:
        words.append(f"--data-dir={data_dir}")
    words.append("export")
    if selection.start:
        words.append(f"--from={selection.start.isoformat()}")
    if selection.end:
        words.append(f"--to={selection.end.isoformat()}")
    for option, values in (("--type", selection.event_types), ("--country", selection.countries),
                           ("--dataset", datasets), ("--actor", actors)):
        words += [f"{option}={value}" for value in values or ()]
    if hide_duplicates:
        words.append("--hide-duplicates")
    if max_border_km is not None:
        words.append(f"--within-km={max_border_km:g}")
    words.append(f"--output={output}")
    return " ".join(shlex.quote(word) for word in words)


def acled_attribution(
    incidents: pd.DataFrame,
    *,
    filters: str,
    datasets: pd.DataFrame | None = None,
    exported: dt.date | None = None,
) -> str | None:
    """Return the attribution an export with ACLED rows must carry, or None without them.

    ACLED's terms ask that its data, used directly or modified, be
    acknowledged with the full citation and a link to its website, that
    the access date be given, and that changes to the data be stated.

    Parameters
    ----------
    incidents : pandas.DataFrame
        The rows exported (with ``id`` and ``dataset``).
    filters : str
        The filters that chose them, e.g. from :func:`describe_filters`.
    datasets : pandas.DataFrame, optional
        The store's ``datasets()`` (``name``, ``format``, ``file_name``,
        ``imported_at``): tells ACLED datasets apart and gives each one's
        access date, taken as the day its file was imported. Without it,
        ACLED rows are found by their ``id`` and the access date is given as
        "on or before" the export day.
    exported : datetime.date, optional
        Day of the export; today (UTC) by default.

    Returns
    -------
    str or None
        Lines of text: the citation with access date(s), the ACLED datasets
        and row count, the changes made, the filters, the export day.
    """
    exported = exported or dt.datetime.now(dt.UTC).date()
    formats = dict(zip(datasets["name"], datasets["format"], strict=True)) if datasets is not None else None
    mask = acled_rows(incidents, formats)
    if not mask.any():
        return None
    names = sorted(set(incidents.loc[mask, "dataset"].astype(str)))
    known = datasets[datasets["name"].isin(names)] if datasets is not None else None
    if known is not None and len(known):
        days = sorted({pd.Timestamp(value).date().isoformat() for value in known["imported_at"]})
        accessed = "accessed " + ", ".join(days)
        listing = "; ".join(
            f"{row.name} (file {row.file_name}, imported {pd.Timestamp(row.imported_at).date().isoformat()})"
            for row in known.itertuples(index=False)
        )
    else:
        accessed = f"accessed on or before {exported.isoformat()}"
        listing = ", ".join(names)
    return "\n".join([
        f"Source: {ACLED_CITATION}; {accessed}.",
        f"ACLED data in this export: {int(mask.sum()):,} of {len(incidents):,} incidents, "
        f"from dataset(s) {listing}.",
        "Changes: ACLED events mapped onto BorderWatch's incident schema (docs/schema.md) and filtered.",
        f"Filters: {filters}.",
        f"Exported {exported.isoformat()} with BorderWatch {__version__}.",
    ])
