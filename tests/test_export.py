"""Exports: CSV that a spreadsheet will not run, GeoJSON that round-trips."""

from __future__ import annotations

import datetime as dt
import io
import json

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest

from borderwatch.export import (
    ACLED_CITATION,
    ATTRIBUTION_KEY,
    GEOPACKAGE_LAYER,
    acled_attribution,
    acled_rows,
    describe_filters,
    export_command,
    neutralise_cell,
    to_csv_bytes,
    to_geojson_bytes,
    to_geopackage_bytes,
    write_geopackage,
)
from borderwatch.filters import IncidentFilter
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


# --- GeoPackage and ACLED attribution ------------------------------------------


def test_geopackage_export_round_trips_with_attribution(tmp_path):
    incidents = incident_frame(
        incident_row(id="a", deaths_low=3, deaths_best=4, deaths_high=5, location="=x"),
        incident_row(id="b", end_date="2016-03-09"),
    )
    path = tmp_path / "out.gpkg"
    write_geopackage(incidents, path, attribution="Source: test")
    back = gpd.read_file(path, layer=GEOPACKAGE_LAYER)
    assert back["id"].tolist() == ["a", "b"]
    assert back["event_date"].tolist() == ["2016-03-07", "2016-03-07"]
    assert back["end_date"].isna().tolist() == [True, False]
    assert back.loc[0, "deaths_best"] == 4 and pd.isna(back.loc[1, "deaths_best"])
    assert back.loc[0, "location"] == "=x"  # only CSV is for spreadsheets
    assert back.crs.to_epsg() == 4326
    assert (back.geometry.x[0], back.geometry.y[0]) == (11.2167, 33.1389)
    info = pyogrio.read_info(path, layer=GEOPACKAGE_LAYER)
    assert info["layer_metadata"] == {ATTRIBUTION_KEY: "Source: test", "DESCRIPTION": "Source: test"}
    assert info["dataset_metadata"] == {ATTRIBUTION_KEY: "Source: test"}


def test_geopackage_bytes_without_attribution_and_empty(tmp_path):
    empty = incident_frame(incident_row(id="a")).iloc[:0]
    path = tmp_path / "empty.gpkg"
    path.write_bytes(to_geopackage_bytes(empty))
    info = pyogrio.read_info(path, layer=GEOPACKAGE_LAYER)
    assert (info["features"], info["geometry_type"], info["layer_metadata"]) == (0, "Point", None)


def test_geojson_attribution_is_a_foreign_member():
    incidents = incident_frame(incident_row(id="a"))
    collection = json.loads(to_geojson_bytes(incidents, attribution="Source: ACLED — é"))
    assert collection["attribution"] == "Source: ACLED — é"
    assert collection["type"] == "FeatureCollection" and len(collection["features"]) == 1
    assert "attribution" not in json.loads(to_geojson_bytes(incidents))


def test_acled_rows_by_dataset_format_or_id():
    incidents = incident_frame(
        incident_row(id="ACLED-TUN1", dataset="acled-2024"),
        incident_row(id="TUN2", dataset="my-acled"),
        incident_row(id="GTD-1", dataset="gtd"),
    )
    assert acled_rows(incidents).tolist() == [True, False, False]
    assert acled_rows(incidents, {"my-acled": "acled", "gtd": "gtd"}).tolist() == [True, True, False]


def test_describe_filters():
    selection = IncidentFilter(start=dt.date(2016, 1, 1), event_types=("Battles", "Riots"), countries=())
    assert describe_filters(selection, actors=("IS",), hide_duplicates=True) == (
        "dates 2016-01-01 to any; event types: Battles, Riots; countries: none; datasets: any; "
        "actors: IS; probable duplicates left out"
    )


def test_acled_attribution_gives_citation_access_dates_and_filters():
    incidents = incident_frame(
        incident_row(id="ACLED-TUN1", dataset="acled"), incident_row(id="b", dataset="bundled"),
    )
    datasets = pd.DataFrame({
        "name": ["bundled", "acled"], "format": ["bundled", "acled"], "file_name": ["incidents.csv", "export.csv"],
        "imported_at": pd.to_datetime(["2024-01-01T10:00:00Z", "2024-05-02T23:30:00Z"], utc=True),
    })
    text = acled_attribution(incidents, filters="dates any to any", datasets=datasets,
                             exported=dt.date(2024, 6, 1))
    assert text.splitlines() == [
        f"Source: {ACLED_CITATION}; accessed 2024-05-02.",
        "ACLED data in this export: 1 of 2 incidents, from dataset(s) acled (file export.csv, imported 2024-05-02).",
        "Changes: ACLED events mapped onto BorderWatch's incident schema (docs/schema.md) and filtered.",
        "Filters: dates any to any.",
        "Exported 2024-06-01 with BorderWatch 0.1.0.",
    ]
    without_list = acled_attribution(incidents, filters="x", exported=dt.date(2024, 6, 1))
    assert without_list.splitlines()[0] == f"Source: {ACLED_CITATION}; accessed on or before 2024-06-01."
    assert acled_attribution(incidents.iloc[1:], filters="x", datasets=datasets) is None


def test_a_distance_limit_is_described_and_carried_into_the_export_command():
    selection = IncidentFilter(start=dt.date(2016, 3, 1))
    assert describe_filters(selection, max_border_km=30.0).endswith("; within 30 km of the border")
    assert "--within-km=12.5" in export_command(selection, "out.csv", max_border_km=12.5).split()
