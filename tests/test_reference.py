"""Loaders of the bundled data: every problem reported at once, with row and column."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from borderwatch import config
from borderwatch.errors import DataValidationError, ReferenceDataError
from borderwatch.reference import load_barrier, load_incidents, load_places
from borderwatch.schema import INCIDENT_COLUMNS
from tests.factories import incident_row


def _write(path: Path, rows: list[dict[str, str]]) -> Path:
    pd.DataFrame(rows, columns=list(INCIDENT_COLUMNS)).to_csv(path, index=False)
    return path


def test_bundled_incidents_load_typed(tmp_path):
    incidents = load_incidents()
    assert len(incidents) == 30
    assert str(incidents["deaths_best"].dtype) == "Int64"
    assert incidents.crs == "EPSG:4326"
    assert incidents["event_date"].is_monotonic_increasing


def test_every_problem_is_reported_with_its_row_and_column(tmp_path):
    path = _write(tmp_path / "bad.csv", [
        incident_row(id="a", latitude="95", event_date="2016-13-01"),
        incident_row(id="a", deaths_low="5", deaths_best="3", deaths_high="4", event_type="Picnic"),
        incident_row(id="c", wounded_best="-2", sources="not a link", geo_precision="7", deaths_best="1e30"),
    ])
    with pytest.raises(DataValidationError) as caught:
        load_incidents(path)
    problems = caught.value.problems
    expected = [
        "row 2, column latitude: '95' is not a number within ±90",
        "row 2, column event_date: '2016-13-01' is not a date yyyy-mm-dd",
        "row 2, column id: 'a' is not unique",
        "row 3, column id: 'a' is not unique",
        "row 3, column event_type: 'Picnic' is not an ACLED event type",
        "row 3, column deaths_low/best/high: must satisfy low <= best <= high",
        "row 4, column wounded_best: '-2' is not a whole number from 0 to 10,000,000",
        "row 4, column deaths_best: '1e30' is not a whole number from 0 to 10,000,000",
        "row 4, column sources: holds no http(s) URL",
        "row 4, column geo_precision: '7' is not one of [1, 2, 3]",
    ]
    for message in expected:
        assert message in problems
    assert len(problems) == len(expected)
    assert str(path) in str(caught.value)


def test_missing_columns_are_all_named(tmp_path):
    path = tmp_path / "short.csv"
    path.write_text("id,event_date\nx,2016-01-01\n", encoding="utf-8")
    with pytest.raises(DataValidationError, match="missing column\\(s\\): end_date, date_precision"):
        load_incidents(path)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "not a readable CSV table"),
        (",".join(INCIDENT_COLUMNS).encode() + b"\n", "holds a header but no rows"),
        ("id,location\n1,Gab\xe8s\n".encode("cp1252"), "is not UTF-8"),
    ],
)
def test_unreadable_files_get_one_clear_message(tmp_path, content, message):
    path = tmp_path / "incidents.csv"
    path.write_bytes(content)
    with pytest.raises(DataValidationError, match=message):
        load_incidents(path)


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(ReferenceDataError, match=r"nope\.csv: file not found"):
        load_incidents(tmp_path / "nope.csv")


def test_a_line_file_in_another_crs_is_refused(tmp_path):
    data = json.loads(config.BARRIER_PATH.read_text(encoding="utf-8"))
    data["crs"] = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::32632"}}
    path = tmp_path / "barrier.geojson"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ReferenceDataError, match="expected CRS EPSG:4326"):
        load_barrier(path)


def test_barrier_dates_stay_text():
    barrier = load_barrier()
    assert barrier["announced"].iloc[0] == "2015-07-07"
    assert barrier["completion_announced"].iloc[0] == "2016-02-06"


def test_place_kinds_are_checked(tmp_path):
    places = pd.read_csv(config.PLACES_PATH, dtype=str, keep_default_na=False)
    places.loc[0, "kind"] = "castle"
    path = tmp_path / "places.csv"
    places.to_csv(path, index=False)
    with pytest.raises(DataValidationError, match="row 2, column kind: 'castle' is not one of"):
        load_places(path)
