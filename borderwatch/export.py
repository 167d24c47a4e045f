"""Exports of incident tables: CSV safe to open in a spreadsheet, and GeoJSON."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from borderwatch import config
from borderwatch.schema import INCIDENT_COLUMNS

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


def to_geojson_bytes(incidents: gpd.GeoDataFrame) -> bytes:
    """Write incidents as a GeoJSON FeatureCollection in EPSG:4326.

    Parameters
    ----------
    incidents : geopandas.GeoDataFrame
        Incident points.

    Returns
    -------
    bytes
        UTF-8 GeoJSON; dates as ``yyyy-mm-dd``, unknown counts as null.
    """
    table = _export_table(incidents)
    frame = gpd.GeoDataFrame(table, geometry=incidents.geometry.values, crs=incidents.crs)
    return frame.to_crs(config.GEOGRAPHIC_CRS).to_json(na="null", drop_id=True).encode("utf-8")
