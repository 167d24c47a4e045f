"""Small incident tables built in code, in the project schema."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from borderwatch.borderzone import MEASURE_COLUMNS, measure
from borderwatch.reference import validate_incident_table
from borderwatch.schema import INCIDENT_COLUMNS
from borderwatch.store import Actor

#: Who the tests' writes are recorded as in the audit trail.
TESTER = Actor.command_line("tester")

_DEFAULTS = {
    "event_date": "2016-03-07",
    "end_date": "",
    "date_precision": "day",
    "event_type": "Battles",
    "sub_event_type": "Armed clash",
    "type_original": "clash",
    "actor1": "Militants",
    "actor2": "Security forces",
    "actors": "Militants vs security forces",
    "country": "Tunisia",
    "iso3": "TUN",
    "admin1": "Medenine",
    "location": "Ben Gardane",
    "latitude": "33.1389",
    "longitude": "11.2167",
    "geo_precision": "1",
    "precision_km": "2",
    "location_basis": "town centre",
    "description": "A test incident.",
    "sources": "https://example.org/report",
    "notes": "",
    "dataset": "test",
}


def incident_row(**values: object) -> dict[str, str]:
    """One incident as text cells; unspecified columns get plausible values."""
    row = {column: "" for column in INCIDENT_COLUMNS}
    row.update(_DEFAULTS)
    row.update({key: "" if value is None else str(value) for key, value in values.items()})
    return row


def incident_frame(*rows: dict[str, str]) -> gpd.GeoDataFrame:
    """Validate rows as the loader would and return a GeoDataFrame."""
    typed = validate_incident_table(pd.DataFrame(list(rows), columns=list(INCIDENT_COLUMNS)), "test")
    return gpd.GeoDataFrame(
        typed, geometry=gpd.points_from_xy(typed["longitude"], typed["latitude"]), crs="EPSG:4326"
    )


def measured_incidents(incidents: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """A copy of ``incidents`` with the measures against the bundled border and barrier added.

    The oracle of tests that check what the store measured: the same
    measures, computed directly rather than read back from a store.
    """
    measured = incidents.copy()
    found = measure(incidents["latitude"], incidents["longitude"])
    for column in MEASURE_COLUMNS:
        measured[column] = found[column].to_numpy()
    return measured
