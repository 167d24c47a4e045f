"""Exports: CSV that a spreadsheet will not run, GeoJSON that round-trips."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest

from borderwatch.export import neutralise_cell, to_csv_bytes, to_geojson_bytes
from borderwatch.schema import INCIDENT_COLUMNS
from tests.factories import incident_frame, incident_row


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
        ("+1+2", "'+1+2"),
        ("-cmd", "'-cmd"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("-3.5", "-3.5"),
        ("+7", "+7"),
        ("Ben Gardane", "Ben Gardane"),
        (-4, -4),
        (None, None),
    ],
)
def test_neutralise_cell(cell, expected):
    assert neutralise_cell(cell) == expected


def test_csv_export_neutralises_formulas_and_keeps_numbers():
    incidents = incident_frame(
        incident_row(id="a", location="=cmd|' /C calc'!A0", deaths_low=3, deaths_best=4, deaths_high=5),
    )
    table = pd.read_csv(io.BytesIO(to_csv_bytes(incidents)), dtype=str, keep_default_na=False)
    assert list(table.columns[: len(INCIDENT_COLUMNS)]) == list(INCIDENT_COLUMNS)
    assert table.loc[0, "location"] == "'=cmd|' /C calc'!A0"
    assert table.loc[0, "deaths_best"] == "4"
    assert table.loc[0, "event_date"] == "2016-03-07"
    assert table.loc[0, "wounded_best"] == ""


def test_geojson_export_has_points_dates_and_nulls():
    incidents = incident_frame(incident_row(id="a", deaths_low=3, deaths_best=4, deaths_high=5))
    collection = json.loads(to_geojson_bytes(incidents))
    feature = collection["features"][0]
    assert feature["geometry"] == {"type": "Point", "coordinates": [11.2167, 33.1389]}
    assert feature["properties"]["event_date"] == "2016-03-07"
    assert feature["properties"]["deaths_best"] == 4
    assert feature["properties"]["wounded_best"] is None
