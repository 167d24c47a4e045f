"""Small files that unpack to a lot, and huge values in messages (issue 11, items 5 and 8).

The bombs here are small (tens of MB unpacked) but pack as tightly as the
attack's (300 MB in 310 KB; 432 MB in 2 MB): the same rules refuse them
before any member is read.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from borderwatch import config
from borderwatch.cli import main
from borderwatch.errors import FileRejectedError
from borderwatch.importers import detect_format, read_incidents
from tests.hostile import huge_cell_workbook, parquet_bomb, shapefile_bomb, shared_strings_workbook
from tests.test_importers import ACLED_COLUMNS, ACLED_ROW, read_all, write_csv

APP = str(Path(__file__).resolve().parent.parent / "dashboard.py")
MAPPING = {"event_date": "date", "event_type": "type", "location": "place"}


def _refusal(path: Path, **options) -> str:
    with pytest.raises(FileRejectedError) as refused:
        list(read_incidents(path, dataset="x", **options))
    return str(refused.value)


def test_a_workbook_whose_first_cell_unpacks_to_megabytes_is_refused_unread(tmp_path):
    path = huge_cell_workbook(tmp_path / "huge-cell.xlsx", 40 * 1024**2)
    assert path.stat().st_size < 100_000
    message = _refusal(path)
    assert message.startswith("huge-cell.xlsx: its member 'xl/worksheets/sheet1.xml' would unpack from ")
    assert "this looks like a ZIP bomb, so nothing of it was read" in message
    assert len(message) < 400


def test_a_workbook_whose_shared_strings_unpack_to_megabytes_is_refused_unread(tmp_path):
    path = shared_strings_workbook(tmp_path / "strings.xlsx", 40 * 1024**2)
    message = _refusal(path)
    assert message.startswith("strings.xlsx: its member 'xl/sharedStrings.xml' would unpack from ")


def test_shared_strings_beyond_what_memory_may_hold_are_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(config, "XLSX_MAX_SHARED_STRINGS_BYTES", 1024**2)
    monkeypatch.setattr(config, "ARCHIVE_MAX_RATIO", 10_000.0)
    path = shared_strings_workbook(tmp_path / "strings.xlsx", 2 * 1024**2)
    assert _refusal(path).startswith("strings.xlsx: its shared text would unpack to 2 MB, more than the 1 MB")


def test_a_zipped_shapefile_whose_table_unpacks_to_megabytes_is_refused_unread(tmp_path):
    path = shapefile_bomb(tmp_path / "events.zip", 40 * 1024**2)
    message = _refusal(path, column_mapping=MAPPING)
    assert message.startswith("events.zip: its member 'events.dbf' would unpack from ")


def test_a_parquet_file_that_unpacks_to_megabytes_is_refused_unread(tmp_path):
    path = parquet_bomb(tmp_path / "events.parquet", 40 * 1024**2)
    message = _refusal(path, column_mapping=MAPPING)
    assert message.startswith("events.parquet: its data would unpack from ")


def test_a_workbook_bomb_is_one_short_message_from_the_cli_and_on_the_page(tmp_path, capsys, monkeypatch):
    path = huge_cell_workbook(tmp_path / "huge-cell.xlsx", 40 * 1024**2)
    assert main(["--data-dir", str(tmp_path / "data"), "import", str(path)]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and len(err) < 500
    monkeypatch.setenv("BORDERWATCH_DATA_DIR", str(tmp_path / "store"))
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("app_pages/import_data.py").run()
    at.file_uploader[0].set_value((path.name, path.read_bytes(), "application/octet-stream")).run()
    assert not at.exception
    assert len(at.error) == 1 and "ZIP bomb" in at.error[0].value and len(at.error[0].value) < 500


def test_a_refusal_quotes_at_most_a_few_characters_of_a_huge_header_name(tmp_path):
    path = write_csv(tmp_path / "odd.csv", ["x" * 100_000, "b"], [{}])
    message = _refusal(path)
    assert message.startswith("odd.csv: this looks like no format BorderWatch reads")
    assert f"{'x' * config.MESSAGE_QUOTE_CHARS}… (99,920 more characters)" in message
    assert len(message) < 600


def test_a_rejection_quotes_at_most_a_few_characters_of_a_huge_cell(tmp_path):
    path = write_csv(tmp_path / "acled.csv", ACLED_COLUMNS, [ACLED_ROW | {"event_type": "B" * 100_000}])
    _, rejections, _ = read_all(path)
    assert [r.column for r in rejections] == ["event_type"]
    assert rejections[0].reason == f"'{'B' * 80}… (99,920 more characters)' is not an ACLED event type"


def test_a_cell_beyond_the_csv_field_limit_names_its_own_line(tmp_path):
    path = write_csv(tmp_path / "acled.csv", ACLED_COLUMNS, [ACLED_ROW, ACLED_ROW | {"notes": "n" * 200_000}])
    assert _refusal(path) == "acled.csv: line 3 cannot be read as CSV (field larger than field limit (131072))"


def test_a_csv_header_over_64_kb_is_read_whole(tmp_path):
    # A column named by 70,000 characters, then ACLED's: they lie past the first 64 KB of the file.
    columns = ["n" * 70_000, *ACLED_COLUMNS]
    path = write_csv(tmp_path / "wide.csv", columns, [ACLED_ROW])
    assert detect_format(path) == "acled"
    incidents, rejections, _ = read_all(path)
    assert rejections == [] and len(incidents) == 1


def test_a_csv_header_longer_than_any_export_is_refused_as_such(tmp_path):
    path = tmp_path / "long.csv"
    path.write_text(",".join(f"c{index}" for index in range(300_000)) + "\n1\n", encoding="utf-8")
    message = _refusal(path)
    assert message == ("long.csv: its header line is longer than 1,024 KB, so it cannot be the header of an "
                       "export BorderWatch reads: check that the file is a CSV export with one line of column names")
