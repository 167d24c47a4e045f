"""The command line: import, datasets, remove, export; exit codes, messages, round trips.

Every file is written by the tests; every store lives in a temporary data
directory (``BORDERWATCH_DATA_DIR`` or ``--data-dir``).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from borderwatch import cli
from borderwatch.cli import Progress, main
from borderwatch.export import ATTRIBUTION_KEY, GEOPACKAGE_LAYER
from borderwatch.filters import IncidentFilter, IncidentQuery
from borderwatch.importers.report import mask_reason
from borderwatch.store import DATA_DIR_ENV, DATABASE_FILE, open_store
from tests.test_importers import HTML_PAGE, acled_file

REPO_ROOT = Path(__file__).resolve().parent.parent
COMMANDS = ("import", "datasets", "remove", "roles", "export", "borders")
REPORT_KEYS = ["format", "dataset", "accepted", "rejected", "added", "updated", "unchanged", "rejections"]
ERROR_PREFIX = "borderwatch: error: "


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The data directory of this test's store, set as the environment does it."""
    folder = tmp_path / "data"
    monkeypatch.setenv(DATA_DIR_ENV, str(folder))
    return folder


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Run the command line in-process: exit code, stdout, stderr."""
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def run_process(*argv: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    """Run ``python -m borderwatch`` as users do (stderr is a pipe, not a terminal)."""
    env = {**os.environ, DATA_DIR_ENV: str(data_dir)}
    return subprocess.run([sys.executable, "-m", "borderwatch", *argv], cwd=REPO_ROOT, env=env,
                          capture_output=True, text=True, timeout=120, check=False)


def snapshot(data_dir: Path) -> tuple[object, ...]:
    """Everything an import or removal could change: datasets, import log, incidents."""
    with open_store(data_dir / DATABASE_FILE) as store:
        return (
            store.datasets().to_json(date_format="iso"),
            store.import_log().to_json(date_format="iso"),
            store.query(IncidentQuery()).drop(columns="geometry").to_json(date_format="iso"),
        )


def three_rows(tmp_path: Path, **options) -> Path:
    """An ACLED export of two good rows and one with a latitude out of range."""
    return acled_file(
        tmp_path,
        {"event_id_cnty": "TUN1"},
        {"event_id_cnty": "TUN2", "latitude": "95.2"},
        {"event_id_cnty": "TUN3", "event_date": "2017-05-01", "event_type": "Riots",
         "sub_event_type": "Mob violence", "location": "=cmd|' /C calc'!A0", "fatalities": "2",
         "latitude": "34.7406", "longitude": "10.7603", "admin1": "Sfax"},
        **options,
    )


# --- help -------------------------------------------------------------------


@pytest.mark.parametrize("command", (None, *COMMANDS))
def test_every_command_has_help(capsys, data, command):
    code, out, _ = run(capsys, *([command] if command else []), "--help")
    assert code == 0
    assert out.startswith("usage: borderwatch ")
    assert "example" in out


def test_module_runs_as_a_program(tmp_path):
    result = run_process("--help", data_dir=tmp_path)
    assert result.returncode == 0
    assert "import" in result.stdout and "export" in result.stdout
    assert result.stdout.startswith("usage: borderwatch ")


@pytest.mark.parametrize("started_as", ["/usr/local/bin/borderwatch", "borderwatch/__main__.py", "-c"])
@pytest.mark.parametrize("command", (None, "import"))
def test_help_names_the_program_borderwatch_however_it_was_started(capsys, monkeypatch, started_as, command):
    monkeypatch.setattr(sys, "argv", [started_as])
    code, out, _ = run(capsys, *([command] if command else []), "--help")
    assert code == 0
    assert out.startswith(f"usage: borderwatch {command or ''}".rstrip())
    assert "python -m" not in out and "__main__" not in out


def test_usage_error_exits_2(capsys, data):
    code, _, err = run(capsys, "export", "--from", "March", "-o", "x.csv")
    assert code == 2
    assert "'March' is not a date yyyy-mm-dd" in err


# --- import -----------------------------------------------------------------


def test_import_prints_the_report(capsys, data, tmp_path):
    code, out, err = run(capsys, "import", str(three_rows(tmp_path)))
    assert code == 0
    assert err == ""
    lines = out.splitlines()
    assert lines[:3] == [
        "acled.csv: acled into dataset 'acled'",
        "accepted 2 — rejected 1",
        "added 2, updated 0, unchanged 0",
    ]
    assert "        1  latitude: latitude … is outside -90..90" in lines
    assert "           row 3; e.g. latitude 95.2 is outside -90..90" in lines


def test_import_json_is_the_report_and_nothing_else(capsys, data, tmp_path):
    code, out, _ = run(capsys, "import", str(three_rows(tmp_path)), "--json", "--dataset", "tunisia")
    assert code == 0
    report = json.loads(out)
    assert list(report) == REPORT_KEYS
    assert report == {
        "format": "acled", "dataset": "tunisia", "accepted": 2, "rejected": 1,
        "added": 2, "updated": 0, "unchanged": 0,
        "rejections": [{"row": 3, "column": "latitude", "reason": "latitude 95.2 is outside -90..90"}],
    }


def test_reimport_changes_nothing_and_a_newer_export_updates(capsys, data, tmp_path):
    path = three_rows(tmp_path)
    assert run(capsys, "import", str(path), "--json")[0] == 0
    before = snapshot(data)
    code, out, _ = run(capsys, "import", str(path), "--json")
    assert (code, json.loads(out)["unchanged"], json.loads(out)["added"]) == (0, 2, 0)
    assert snapshot(data) == before
    newer = acled_file(tmp_path, {"event_id_cnty": "TUN1", "fatalities": "56", "timestamp": "1700000000"},
                       {"event_id_cnty": "TUN4", "event_date": "2016-03-08"}, name="newer.csv")
    code, out, _ = run(capsys, "import", str(newer), "--json")
    report = json.loads(out)
    assert (code, report["dataset"], report["added"], report["updated"], report["unchanged"]) == (0, "acled", 1, 1, 0)
    with open_store(data / DATABASE_FILE) as store:
        stored = store.query(IncidentQuery(datasets=("acled",))).set_index("id")
    assert stored.loc["ACLED-TUN1@acled", "deaths_best"] == 56
    assert sorted(stored.index) == ["ACLED-TUN1@acled", "ACLED-TUN3@acled", "ACLED-TUN4@acled"]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("page.csv", HTML_PAGE.encode(), "page.csv: is a web page (HTML), not a CSV file"),
        ("empty.csv", b"", "empty.csv: the file is empty"),
        ("unknown.csv", b"name,when\nx,y\n", "unknown.csv: this looks like no format BorderWatch reads"),
        ("nowhere.csv", None, "nowhere.csv: file not found"),
    ],
)
def test_refused_file_exits_2_with_one_line_and_stores_nothing(capsys, data, tmp_path, name, content, message):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    before = snapshot(data)
    code, out, err = run(capsys, "import", str(path), "--json")
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith(ERROR_PREFIX)
    assert message in err
    assert snapshot(data) == before


def test_import_into_a_dataset_of_another_format_is_refused(capsys, data, tmp_path):
    before = snapshot(data)
    code, _, err = run(capsys, "import", str(three_rows(tmp_path)), "--dataset", "bundled")
    assert code == 2
    assert err == ERROR_PREFIX + "the dataset name 'bundled' is reserved for the bundled incidents\n"
    assert snapshot(data) == before


def test_strict_import_with_a_rejected_row_stores_nothing(capsys, data, tmp_path):
    before = snapshot(data)
    code, out, err = run(capsys, "import", str(three_rows(tmp_path)), "--strict", "--json")
    assert code == 2
    assert err == ERROR_PREFIX + "strict import refused: 1 row rejected; nothing was stored\n"
    report = json.loads(out)
    assert (report["rejected"], report["added"], len(report["rejections"])) == (1, 0, 1)
    assert snapshot(data) == before


def test_strict_import_of_a_clean_file_is_stored(capsys, data, tmp_path):
    code, out, _ = run(capsys, "import", str(acled_file(tmp_path, {})), "--strict", "--json")
    assert (code, json.loads(out)["added"]) == (0, 1)


def test_unknown_mapping_field_is_one_message(capsys, data, tmp_path):
    code, _, err = run(capsys, "import", str(three_rows(tmp_path)), "--mapping", "event_id_cnty=Event ID")
    assert code == 2
    assert err == ERROR_PREFIX + (
        "acled.csv: the column mapping names 'Event ID', which is not a column of the file\n"
    )


def test_data_dir_option_overrides_the_environment(capsys, data, tmp_path):
    other = tmp_path / "other"
    code, _, _ = run(capsys, "import", str(acled_file(tmp_path, {})), "--data-dir", str(other))
    assert code == 0
    assert (other / DATABASE_FILE).exists()
    assert not (data / DATABASE_FILE).exists()
    code, out, _ = run(capsys, "--data-dir", str(other), "datasets", "--json")
    assert [entry["name"] for entry in json.loads(out)] == ["bundled", "acled"]


# --- progress ---------------------------------------------------------------


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_draws_only_on_a_terminal(monkeypatch):
    monkeypatch.setattr(cli, "PROGRESS_DELAY_S", 0.0)
    piped, terminal = io.StringIO(), Terminal()
    for stream in (piped, terminal):
        progress = Progress(stream, "big.csv")
        progress(50_000)
        progress.finish()
    assert piped.getvalue() == ""
    drawn = terminal.getvalue()
    assert drawn.startswith("\rbig.csv: 50,000 rows read, ")
    assert drawn.endswith("\r")  # erased before the report


def test_progress_stays_quiet_for_a_quick_import():
    terminal = Terminal()
    Progress(terminal, "small.csv")(10)
    assert terminal.getvalue() == ""


def test_subprocess_import_prints_json_and_no_progress(tmp_path):
    result = run_process("import", str(three_rows(tmp_path)), "--json", data_dir=tmp_path / "data")
    assert result.returncode == 0
    assert result.stderr == ""
    assert json.loads(result.stdout)["accepted"] == 2


def test_subprocess_refusal_has_no_traceback(tmp_path):
    page = tmp_path / "page.csv"
    page.write_text(HTML_PAGE, encoding="utf-8")
    result = run_process("import", str(page), data_dir=tmp_path / "data")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith(ERROR_PREFIX + "page.csv: is a web page")
    assert "Traceback" not in result.stderr and result.stderr.count("\n") == 1


# --- reasons grouped --------------------------------------------------------


@pytest.mark.parametrize(
    ("column", "reason", "pattern"),
    [
        ("latitude", "latitude 95.2 is outside -90..90", "latitude: latitude … is outside -90..90"),
        ("fatalities", "-3 is negative", "fatalities: … is negative"),
        ("event_date", "'2016/13/45' is not a date (expected yyyy-mm-dd)",
         "event_date: '…' is not a date (expected yyyy-mm-dd)"),
        ("event_date", "2999-01-01 is in the future", "event_date: … is in the future"),
        ("latitude/longitude", "11.2, 33.1 lies outside Tunisia", "latitude/longitude: …, … lies outside Tunisia"),
        ("event_id_cnty", "'TUN1' repeats the id of row 2", "event_id_cnty: '…' repeats the id of row …"),
        ("(whole row)", "has 3 cells, the header has 35", "(whole row): has … cells, the header has …"),
        ("location", "is empty", "location: is empty"),
    ],
)
def test_reason_pattern_masks_values(column, reason, pattern):
    assert f"{column}: {mask_reason(reason)}" == pattern


# --- datasets and remove ------------------------------------------------------


def test_datasets_lists_provenance(capsys, data, tmp_path):
    path = three_rows(tmp_path)
    run(capsys, "import", str(path))
    code, out, _ = run(capsys, "datasets", "--json")
    assert code == 0
    entries = {entry["name"]: entry for entry in json.loads(out)}
    acled = entries["acled"]
    assert acled["file_hash"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert {key: acled[key] for key in ("format", "file_name", "rows_read", "accepted", "rejected", "incidents")} == {
        "format": "acled", "file_name": "acled.csv", "rows_read": 3, "accepted": 2, "rejected": 1, "incidents": 2,
    }
    assert set(acled) >= {"imported_at", "probable_duplicates", "added", "updated", "unchanged"}
    code, out, _ = run(capsys, "datasets")
    header, *rows = out.splitlines()
    assert header.split()[:4] == ["name", "format", "file", "sha256"]
    assert rows[1].split()[:4] == ["acled", "acled", "acled.csv", acled["file_hash"][:12]]


def test_remove(capsys, data, tmp_path):
    run(capsys, "import", str(three_rows(tmp_path)))
    code, out, _ = run(capsys, "remove", "acled")
    assert (code, out) == (0, "removed dataset 'acled': 2 incidents\n")
    before = snapshot(data)
    code, out, err = run(capsys, "remove", "acled")
    assert code == 2
    assert err == ERROR_PREFIX + "no dataset named 'acled'; the store holds: bundled\n"
    assert snapshot(data) == before


# --- export -------------------------------------------------------------------


def read_back(path: Path, format: str) -> pd.DataFrame:
    if format == "csv":
        return pd.read_csv(path, dtype=str, keep_default_na=False)
    return gpd.read_file(path, layer=GEOPACKAGE_LAYER) if format == "gpkg" else gpd.read_file(path)


@pytest.mark.parametrize("format", ["csv", "geojson", "gpkg"])
def test_export_round_trip_with_filters_and_attribution(capsys, data, tmp_path, format):
    run(capsys, "import", str(three_rows(tmp_path)))
    output = tmp_path / f"battles.{format}"
    code, out, err = run(capsys, "export", "--format", format, "-o", str(output), "--type", "Battles",
                         "--from", "2016-01-01", "--to", "2016-12-31", "--country", "Tunisia", "--dataset", "acled")
    assert (code, err) == (0, "")
    assert out.startswith(f"wrote 1 incident to {output} ({format})\n")
    table = read_back(output, format)
    assert table["id"].tolist() == ["ACLED-TUN1@acled"]
    row = table.iloc[0]
    # GDAL reads the GeoJSON date text as a date, the CSV keeps it as text.
    assert pd.Timestamp(row["event_date"]) == pd.Timestamp("2016-03-07")
    assert (row["location"], str(row["deaths_best"]), float(row["latitude"])) == ("Ben Gardane", "55", 33.1389)
    if format == "csv":
        attribution = Path(f"{output}.attribution.txt").read_text(encoding="utf-8")
    elif format == "geojson":
        attribution = json.loads(output.read_text(encoding="utf-8"))["attribution"]
        assert table.geometry.iloc[0].coords[0] == (11.2167, 33.1389)
    else:
        info = pyogrio.read_info(output, layer=GEOPACKAGE_LAYER)
        attribution = info["layer_metadata"][ATTRIBUTION_KEY]
        assert info["layer_metadata"]["DESCRIPTION"] == attribution
        assert (info["crs"], info["geometry_type"]) == ("EPSG:4326", "Point")
    assert attribution.splitlines()[1].startswith(
        "- Armed Conflict Location & Event Data Project (ACLED); https://acleddata.com; accessed "
    )
    assert "Filters: dates 2016-01-01 to 2016-12-31; event types: Battles; countries: Tunisia; datasets: acled; " \
           "actors: any; probable duplicates kept." in attribution


def test_an_export_of_the_bundled_rows_credits_the_bundled_table(capsys, data, tmp_path):
    run(capsys, "import", str(three_rows(tmp_path)))
    code, _, _ = run(capsys, "export", "-o", str(tmp_path / "bundled.csv"), "--dataset", "bundled")
    assert code == 0
    sidecar = (tmp_path / "bundled.csv.attribution.txt").read_text(encoding="utf-8")
    assert sidecar.splitlines()[1] == ("- BorderWatch table compiled from public reporting (news agencies, "
                                       "ministries, encyclopedias). 30 incidents (dataset bundled).")
    assert "ACLED" not in sidecar
    geojson = tmp_path / "bundled.geojson"
    assert run(capsys, "export", "-o", str(geojson), "--dataset", "bundled", "--hide-duplicates")[0] == 0
    collection = json.loads(geojson.read_text(encoding="utf-8"))
    assert "ACLED" not in collection["attribution"]
    assert len(collection["features"]) == 30


def test_an_empty_export_has_no_attribution_and_removes_a_stale_one(capsys, data, tmp_path):
    stale = tmp_path / "none.csv.attribution.txt"
    stale.write_text("from an earlier export", encoding="utf-8")
    code, out, _ = run(capsys, "export", "-o", str(tmp_path / "none.csv"), "--from", "2030-01-01")
    assert code == 0
    assert "attribution" not in out
    assert not stale.exists()


def test_without_output_the_file_is_named_after_the_dates_and_filters(capsys, data, tmp_path, monkeypatch):
    run(capsys, "import", str(three_rows(tmp_path)))
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(capsys, "export", "--from", "2016-02-29", "--to", "2016-03-27", "--type", "Battles")
    name = "borderwatch-2016-02-29_2016-03-27-battles.csv"
    assert (code, out.splitlines()[0]) == (0, f"wrote 8 incidents to {name} (csv)")
    assert (tmp_path / name).is_file() and (tmp_path / f"{name}.attribution.txt").is_file()
    assert run(capsys, "export", "--format", "gpkg", "--dataset", "acled")[0] == 0
    assert (tmp_path / "borderwatch-acled.gpkg").is_file()


def test_export_neutralises_formulas_and_keeps_numbers(capsys, data, tmp_path):
    run(capsys, "import", str(three_rows(tmp_path)))
    output = tmp_path / "riots.csv"
    assert run(capsys, "export", "-o", str(output), "--type", "Riots")[0] == 0
    table = pd.read_csv(output, dtype=str, keep_default_na=False)
    assert table.loc[0, "location"] == "'=cmd|' /C calc'!A0"
    assert (table.loc[0, "latitude"], table.loc[0, "longitude"], table.loc[0, "deaths_best"]) == (
        "34.7406", "10.7603", "2"
    )


def test_export_actor_and_duplicate_filters(capsys, data, tmp_path):
    run(capsys, "import", str(three_rows(tmp_path)))
    output = tmp_path / "actor.csv"
    code, _, _ = run(capsys, "export", "-o", str(output), "--actor", "Islamic State (Tunisia)", "--hide-duplicates")
    assert code == 0
    # TUN1 is the Ben Gardane raid, which the bundled data holds too: a probable duplicate.
    assert pd.read_csv(output, dtype=str)["id"].tolist() == ["ACLED-TUN3@acled"]


def test_export_refusals(capsys, data, tmp_path):
    code, _, err = run(capsys, "export", "-o", str(tmp_path / "x.csv"), "--dataset", "nope")
    assert (code, err) == (2, ERROR_PREFIX + "no dataset named 'nope'; the store holds: bundled\n")
    code, _, err = run(capsys, "export", "-o", str(tmp_path / "x.txt"))
    assert code == 2 and "give --format" in err
    code, _, err = run(capsys, "export", "-o", str(tmp_path / "x.csv"), "--from", "2017-01-01", "--to", "2016-01-01")
    assert (code, err) == (2, ERROR_PREFIX + "--from 2017-01-01 is after --to 2016-01-01\n")
    code, _, err = run(capsys, "export", "-o", str(tmp_path / "missing" / "x.csv"))
    assert code == 2 and err.startswith(ERROR_PREFIX + "FileNotFoundError") and err.count("\n") == 1
    assert not list(tmp_path.glob("x.*"))


def test_export_warns_of_a_type_nothing_has(capsys, data, tmp_path):
    code, out, err = run(capsys, "export", "-o", str(tmp_path / "x.csv"), "--type", "Battle")
    assert code == 0
    assert err == "warning: no stored incident has event type 'Battle'\n"
    assert out.startswith("wrote 0 incidents")


def test_a_broken_store_is_one_message(capsys, tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / DATABASE_FILE).write_bytes(b"this is not a database" * 100)
    code, _, err = run(capsys, "--data-dir", str(folder), "datasets")
    assert code == 2
    assert err.startswith(ERROR_PREFIX + f"{folder / DATABASE_FILE}: the store file is damaged")
    assert err.count("\n") == 1


# --- property: import -> export -> import keeps every field -------------------

# Cells as analysts type them, formula-like starts included; trimmed, as the importer trims.
_TEXT = st.text(alphabet="abcXYZ éü0123456789-=+@,;'\"()/", min_size=1, max_size=12).map(str.strip).filter(bool)
_ROW = st.fixed_dictionaries({
    "event_date": st.dates(min_value=pd.Timestamp("1997-01-01").date(), max_value=pd.Timestamp("2024-12-31").date())
    .map(lambda day: day.isoformat()),
    "location": _TEXT,
    "actor1": _TEXT,
    "notes": _TEXT,
    "fatalities": st.integers(min_value=0, max_value=5000).map(str),
    # Inland Tunisia, so that no point falls in the sea or another country.
    "latitude": st.decimals(min_value="33.2", max_value="35.4", places=4).map(str),
    "longitude": st.decimals(min_value="8.7", max_value="9.8", places=4).map(str),
})
#: Fields a GIS file round trip carries (the importer's proposal maps each by name).
ROUND_TRIP_FIELDS = [
    "event_date", "date_precision", "event_type", "sub_event_type", "actor1", "actor2", "country", "iso3",
    "admin1", "location", "latitude", "longitude", "geo_precision", "deaths_low", "deaths_best", "deaths_high",
    "description", "sources",
]


@pytest.mark.slow
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(_ROW, min_size=1, max_size=4))
def test_valid_rows_survive_import_export_import(capsys, rows):
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        source = acled_file(folder, *({"event_id_cnty": f"TUN{n}"} | row for n, row in enumerate(rows)))
        store_dir = str(folder / "data")
        code, out, err = run(capsys, "--data-dir", store_dir, "import", str(source), "--strict", "--json")
        assert code == 0, err
        assert json.loads(out)["accepted"] == len(rows)
        with open_store(folder / "data" / DATABASE_FILE) as store:
            first = store.query(IncidentQuery(datasets=("acled",))).sort_values("source_id", ignore_index=True)

        csv_path, geojson_path = folder / "out.csv", folder / "out.geojson"
        for path in (csv_path, geojson_path):
            assert run(capsys, "--data-dir", store_dir, "export", "--dataset", "acled", "-o", str(path))[0] == 0
        # CSV: every cell as stored, except that formula-like text gained a leading quote.
        table = pd.read_csv(csv_path, dtype=str, keep_default_na=False).sort_values("source_id", ignore_index=True)
        for column in ("location", "actor1", "description"):
            expected = first[column].map(lambda text: "'" + text if text[0] in "=+-@" and not _is_number(text)
                                         else text)
            assert table[column].tolist() == expected.tolist()
        assert table["latitude"].astype(float).tolist() == first["latitude"].tolist()
        assert table["deaths_best"].astype(int).tolist() == first["deaths_best"].astype(int).tolist()

        # GeoJSON back in as a GIS file: the same incidents, field by field.
        code, out, err = run(capsys, "--data-dir", store_dir, "import", str(geojson_path), "--strict", "--json")
        assert code == 0, err
        with open_store(folder / "data" / DATABASE_FILE) as store:
            second = store.query(IncidentQuery(datasets=("geojson",))).sort_values("source_id", ignore_index=True)
        assert second["source_id"].tolist() == first["source_id"].tolist()
        pd.testing.assert_frame_equal(second[ROUND_TRIP_FIELDS], first[ROUND_TRIP_FIELDS])


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def test_a_file_whose_every_row_is_rejected_is_refused(capsys, data, tmp_path):
    path = acled_file(tmp_path, {"event_id_cnty": "TUN1", "latitude": "95"},
                      {"event_id_cnty": "TUN2", "latitude": "96"})
    before = snapshot(data)
    code, out, err = run(capsys, "import", str(path))
    assert code == 2
    assert err == ERROR_PREFIX + "no row was accepted: 2 rows rejected; nothing was stored\n"
    assert "accepted 0 — rejected 2" in out
    assert snapshot(data) == before


def test_a_record_without_timestamp_does_not_overwrite_a_newer_one(capsys, data, tmp_path):
    run(capsys, "import", str(acled_file(tmp_path, {"event_id_cnty": "TUN1", "fatalities": "5"})))
    stale = acled_file(tmp_path, {"event_id_cnty": "TUN1", "fatalities": "1", "timestamp": ""}, name="stale.csv")
    code, out, _ = run(capsys, "import", str(stale), "--json")
    assert (code, json.loads(out)["updated"], json.loads(out)["unchanged"]) == (0, 0, 1)
    with open_store(data / DATABASE_FILE) as store:
        stored = store.query(IncidentQuery(datasets=("acled",))).set_index("id")
    assert stored.loc["ACLED-TUN1@acled", "deaths_best"] == 5


def test_synth_writes_a_file_the_importer_takes_whole(capsys, tmp_path):
    output = tmp_path / "synthetic.csv"
    code, out, _ = run(capsys, "synth", "--rows", "1,500", "--seed", "7", "-o", str(output))
    assert code == 0
    assert "1,500 synthetic ACLED rows" in out and "not real events" in out
    code, out, _ = run(capsys, "--data-dir", str(tmp_path / "store"), "import", str(output), "--json")
    report = json.loads(out)
    assert code == 0 and report["accepted"] == 1500 and report["rejected"] == 0


@pytest.mark.parametrize("rows", ["0", "-5", "many"])
def test_synth_refuses_a_row_count_that_is_not_a_positive_number(capsys, tmp_path, rows):
    code, _, err = run(capsys, "synth", "--rows", rows, "-o", str(tmp_path / "x.csv"))
    assert code == 2
    assert rows in err
    assert not (tmp_path / "x.csv").exists()


def test_the_export_command_the_incidents_page_shows_exports_the_same_set(capsys, tmp_path):
    import shlex

    from borderwatch.export import export_command

    store_dir = tmp_path / "store"
    with open_store(store_dir / DATABASE_FILE) as store:
        selection = IncidentFilter(start=pd.Timestamp("2016-01-01").date(), event_types=("Battles",))
        expected = len(store.query(IncidentQuery(selection, datasets=("bundled",))))
    output = tmp_path / "--odd name.csv"
    command = export_command(IncidentQuery(selection, datasets=("bundled",)), str(output), data_dir=str(store_dir))
    words = shlex.split(command)
    assert words[:3] == ["python", "-m", "borderwatch"] and words[3].startswith("--data-dir=")
    code, _, _ = run(capsys, *words[3:])
    assert code == 0
    assert len(pd.read_csv(output)) == expected > 0


def test_export_within_km_of_the_border_keeps_only_the_border_districts(capsys, data, tmp_path):
    from borderwatch import config, reference
    from tests.factories import measured_incidents

    measured = measured_incidents(reference.load_incidents(config.INCIDENTS_PATH))
    expected = sorted(measured.loc[measured["distance_border_km"] <= 30.0, "id"])
    output = tmp_path / "near.geojson"
    assert run(capsys, "export", "-o", str(output), "--within-km", "30")[0] == 0
    features = json.loads(output.read_text(encoding="utf-8"))["features"]
    assert sorted(feature["properties"]["id"] for feature in features) == expected
    assert all(feature["properties"]["distance_border_km"] <= 30.0 for feature in features)
    code, _, err = run(capsys, "export", "-o", str(output), "--within-km", "-3")
    assert code == 2 and "'-3' must be a distance of 0 km or more" in err
