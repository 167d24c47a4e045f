"""Property tests of the importers (no unhandled exception, no silent drop) and streaming."""

from __future__ import annotations

import csv
import tempfile
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from borderwatch.errors import FileRejectedError
from borderwatch.importers import detect_format, read_incidents
from borderwatch.schema import ACLED_EVENT_TYPES, DATE_PRECISIONS
from tests.test_importers import ACLED_COLUMNS, ACLED_ROW, GOOD_HEADER

PROPERTY_SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

#: Starts of files that lead the sniffer down each of its paths.
PREFIXES = (
    b"",
    b"PK\x03\x04",
    b"SQLite format 3\x00",
    b"PAR1",
    b'{"type": "FeatureCollection", "features": [',
    (GOOD_HEADER + "\n").encode(),
    b"eventid,iyear,imonth,iday\n",
    b"\xef\xbb\xbf" + (GOOD_HEADER + "\n").encode(),
)

# Text a CSV cell can hold once written as UTF-8 (no lone surrogates). Control
# characters other than line breaks and tabs make a file binary (its own test).
CELL_TEXT = st.text(st.characters(exclude_categories=("Cs", "Cc"), include_characters="\n\r\t"), max_size=30)


def _consume(path: Path) -> tuple[int, int, set[int]]:
    """Read a whole file: records read, rows accepted, rows rejected."""
    read, accepted, rejected = 0, 0, set()
    for chunk in read_incidents(path, dataset="prop", chunk_rows=3):
        read += chunk.rows_read
        accepted += len(chunk.incidents)
        rejected |= {rejection.row for rejection in chunk.rejections}
        _check_accepted(chunk.incidents)
    return read, accepted, rejected


def _check_accepted(incidents: pd.DataFrame) -> None:
    """What every accepted row guarantees, whatever the input."""
    assert incidents["latitude"].between(-90, 90).all()
    assert incidents["longitude"].between(-180, 180).all()
    assert (incidents["event_date"] <= pd.Timestamp(date.today())).all()
    assert incidents["date_precision"].isin(DATE_PRECISIONS).all()
    for event_type, sub_type in zip(incidents["event_type"], incidents["sub_event_type"], strict=True):
        assert sub_type in ACLED_EVENT_TYPES[event_type]
    assert (incidents[["deaths_low", "deaths_best", "deaths_high"]].fillna(0) >= 0).all().all()
    assert (incidents[["location", "sources", "iso3", "country"]] != "").all().all()


@PROPERTY_SETTINGS
@given(
    prefix=st.sampled_from(PREFIXES), body=st.binary(max_size=400), suffix=st.sampled_from([".csv", ".xlsx", ".zip"])
)
def test_arbitrary_bytes_raise_nothing_but_a_file_refusal(prefix, body, suffix):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"upload{suffix}"
        path.write_bytes(prefix + body)
        try:
            detect_format(path)
            read, accepted, rejected = _consume(path)
        except FileRejectedError as error:
            assert str(error).startswith(f"{path.name}: ")
        else:
            assert read == accepted + len(rejected)


@PROPERTY_SETTINGS
@given(
    rows=st.lists(
        st.fixed_dictionaries(
            {},
            optional={
                column: CELL_TEXT
                for column in ("event_id_cnty", "event_date", "time_precision", "event_type", "sub_event_type",
                               "country", "iso", "location", "latitude", "longitude", "geo_precision", "source",
                               "fatalities", "timestamp", "inter1", "notes")
            },
        ),
        min_size=1,
        max_size=6,
    )
)
@pytest.mark.slow
def test_arbitrary_csv_cells_are_accepted_or_rejected(rows):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "cells.csv"
        with path.open("w", encoding="utf-8", newline="") as stream:
            writer = csv.writer(stream)
            writer.writerow(ACLED_COLUMNS)
            for row in rows:
                writer.writerow([(ACLED_ROW | row).get(column, "") for column in ACLED_COLUMNS])
        try:
            read, accepted, rejected = _consume(path)
        except FileRejectedError as error:
            # Only a file whose every record is blank may be refused as a whole.
            assert str(error) == "cells.csv: holds no records, only a header"
        else:
            assert read == accepted + len(rejected)


def test_a_large_acled_export_is_streamed_in_chunks(tmp_path):
    path = tmp_path / "large.csv"
    rows = 200_000
    template = [ACLED_ROW[column] for column in ACLED_COLUMNS]
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(ACLED_COLUMNS)
        for number in range(rows):
            template[0] = f"TUN{number}"
            writer.writerow(template)
    sizes = []
    for chunk in read_incidents(path, dataset="large", chunk_rows=50_000):
        assert chunk.rejections == []
        sizes.append(len(chunk.incidents))
    assert sizes == [50_000] * 4
