"""The command line and land borders: ``borders``, and ``--border`` on ``export`` and ``synth``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from borderwatch.borderinfrastructure import border_infrastructure
from borderwatch.bordermeasures import measure_border, measure_signature, prepared_border
from borderwatch.borders import find_border, load_borders
from borderwatch.cli import main
from borderwatch.export import describe_filters, export_command, export_file_name
from borderwatch.filters import IncidentQuery
from borderwatch.infrastructure import barrier_lines
from borderwatch.store import DATA_DIR_ENV, DATABASE_FILE, open_store
from tests.test_bordermeasures import fence_beside

REPO_ROOT = Path(__file__).resolve().parent.parent


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Run the command line in-process: exit code, stdout, stderr."""
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_borders_lists_every_border_as_an_aligned_table(capsys):
    code, out, _ = run(capsys, "borders")
    lines = out.splitlines()
    assert code == 0
    assert lines[0].split() == ["border", "code_a", "name_a", "code_b", "name_b", "length_km", "parts"]
    assert len(lines) == 1 + len(load_borders())
    tunisia_libya = next(line for line in lines if line.startswith("LBY-TUN"))
    assert tunisia_libya.split() == ["LBY-TUN", "LBY", "Libya", "TUN", "Tunisia", "449.6", "1"]
    # Right-aligned lengths: every row's length column ends where the header's does.
    end = lines[0].index("length_km") + len("length_km")
    assert {line[:end].rstrip()[-1].isdigit() for line in lines[1:]} == {True}
    canada_us = next(line for line in lines if line.startswith("CAN-USA"))
    assert "7,930.2" in canada_us


def test_borders_json_is_one_object_per_border_with_codes_names_and_length(capsys):
    code, out, _ = run(capsys, "borders", "--json")
    listed = json.loads(out)
    assert code == 0
    assert len(listed) == len(load_borders())
    by_key = {row["border"]: row for row in listed}
    assert by_key["LBY-TUN"] == {"border": "LBY-TUN", "code_a": "LBY", "code_b": "TUN", "name_a": "Libya",
                                 "name_b": "Tunisia", "length_km": 449.6, "parts": 1}
    assert by_key["CAN-USA"]["parts"] > 1 and by_key["CAN-USA"]["length_km"] > 7_000


def test_borders_search_keeps_the_borders_of_the_matching_country(capsys):
    code, out, _ = run(capsys, "borders", "--search", "tunisia", "--json")
    assert code == 0
    assert [row["border"] for row in json.loads(out)] == ["DZA-TUN", "LBY-TUN"]
    code, out, _ = run(capsys, "borders", "--search", "Côte d'Ivoire")
    assert code == 0 and "CIV-GHA" in out
    code, out, _ = run(capsys, "borders", "--search", "qqqqzz")
    assert code == 0 and out.strip() == "no land border matches 'qqqqzz'"


def test_borders_runs_as_users_run_it():
    done = subprocess.run([sys.executable, "-m", "borderwatch", "borders", "--search", "afghanistan pakistan"],
                          cwd=REPO_ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[1].split()[:5] == ["AFG-PAK", "AFG", "Afghanistan", "PAK", "Pakistan"]


# --- export --border -------------------------------------------------------------


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The data directory of this test's store (it starts with the bundled incidents)."""
    folder = tmp_path / "data"
    monkeypatch.setenv(DATA_DIR_ENV, str(folder))
    return folder


def exported(path: Path) -> pd.DataFrame:
    return pd.DataFrame([feature["properties"] for feature in json.loads(path.read_text("utf-8"))["features"]])


def test_export_for_another_border_carries_that_borders_measures(capsys, data, tmp_path):
    output = tmp_path / "dza-tun.geojson"
    code, out, _ = run(capsys, "export", "--border", "tun-dza", "-o", str(output))
    assert code == 0 and "wrote" in out
    rows = exported(output)
    expected = measure_border(rows["latitude"], rows["longitude"], "DZA-TUN")
    np.testing.assert_allclose(rows["distance_border_km"], expected["distance_border_km"])
    np.testing.assert_allclose(rows["border_position_km"], expected["border_position_km"])
    assert rows["border_side"].tolist() == expected["border_side"].tolist()
    assert {"Tunisia", "Libya"} <= set(rows["border_side"])
    # Algeria–Tunisia has no barrier: no barrier measures.
    assert rows["distance_barrier_km"].isna().all() and not rows["between_barrier_and_border"].any()
    # Against Tunisia–Libya, as stored, the same incidents measure otherwise.
    run(capsys, "export", "-o", str(tmp_path / "default.geojson"))
    default = exported(tmp_path / "default.geojson")
    assert default["id"].tolist() == rows["id"].tolist()
    assert not np.allclose(default["distance_border_km"], rows["distance_border_km"])
    assert "measured against the Algeria–Tunisia border (DZA-TUN)" in json.loads(output.read_text("utf-8"))[
        "attribution"]


def test_export_within_km_of_another_border_keeps_the_incidents_that_near_it(capsys, data, tmp_path):
    everything, near = tmp_path / "all.csv", tmp_path / "near.csv"
    assert run(capsys, "export", "--border", "DZA-TUN", "-o", str(everything))[0] == 0
    assert run(capsys, "export", "--border", "DZA-TUN", "--within-km", "40", "-o", str(near))[0] == 0
    all_rows, near_rows = pd.read_csv(everything), pd.read_csv(near)
    assert sorted(near_rows["id"]) == sorted(all_rows.loc[all_rows["distance_border_km"] <= 40, "id"])
    assert 0 < len(near_rows) < len(all_rows)


def test_tunisia_libya_named_in_any_order_exports_the_same_bytes_as_no_border(capsys, data, tmp_path):
    files = [tmp_path / f"{name}.csv" for name in ("none", "tun-lby", "LBY-TUN")]
    assert run(capsys, "export", "--within-km", "30", "-o", str(files[0]))[0] == 0
    for border, path in zip(("tun-lby", "LBY-TUN"), files[1:], strict=True):
        assert run(capsys, "export", "--within-km", "30", "--border", border, "-o", str(path))[0] == 0
    assert files[0].read_bytes() == files[1].read_bytes() == files[2].read_bytes()
    assert files[0].with_name("none.csv.attribution.txt").read_text("utf-8") == files[1].with_name(
        "tun-lby.csv.attribution.txt").read_text("utf-8")


@pytest.mark.parametrize(
    ("border", "says"),
    [
        ("TUN-LBA", "close codes: LVA (Latvia), LBY (Libya)"),
        ("TUN-EGY", "Tunisia (TUN) and Egypt (EGY) share no land border"),
        ("TUNLBY", "give the two countries' ISO 3166-1 alpha-3 codes"),
    ],
)
def test_a_bad_border_is_refused_with_close_matches_and_nothing_written(capsys, data, tmp_path, border, says):
    output = tmp_path / "x.csv"
    code, _, err = run(capsys, "export", "--border", border, "-o", str(output))
    assert code == 2
    assert err.startswith("borderwatch: error: ") and says in err and err.count("\n") == 1
    assert not output.exists()


def test_the_export_command_and_file_name_name_another_border_only():
    query = IncidentQuery(max_border_km=20.0)
    assert "--border=DZA-MAR" in export_command(query, "x.csv", border=find_border("MAR-DZA"))
    assert "--border" not in export_command(query, "x.csv", border=find_border("TUN-LBY"))
    assert export_file_name(query, "csv", border=find_border("MAR-DZA")) == "borderwatch-within-20km-dza-mar.csv"
    assert export_file_name(query, "csv", border=find_border("TUN-LBY")) == export_file_name(query, "csv")
    assert describe_filters(query, border=find_border("LBY-TUN")) == describe_filters(query)


def test_export_measures_another_border_against_its_imported_barrier_once_and_keeps_the_measures(
        capsys, data, tmp_path):
    fence = fence_beside("DZA-TUN", 3.0, 0.0, 1.0)
    fences = tmp_path / "fence.geojson"
    gpd.GeoDataFrame([{"feature_id": "fence-1", "name": "Fence", "kind": "fence", "sources": "Test",
                       "geometry": fence}], crs="EPSG:4326").to_file(fences, driver="GeoJSON")
    assert run(capsys, "infrastructure", "import", str(fences), "--border", "DZA-TUN")[0] == 0
    output = tmp_path / "dza-tun.geojson"
    assert run(capsys, "export", "--border", "DZA-TUN", "-o", str(output))[0] == 0
    rows = exported(output)
    expected = measure_border(rows["latitude"], rows["longitude"], "DZA-TUN", barriers=[fence])
    np.testing.assert_allclose(rows["distance_barrier_km"], expected["distance_barrier_km"])
    assert rows["distance_barrier_km"].notna().all()
    assert rows["between_barrier_and_border"].tolist() == expected["between_barrier_and_border"].tolist()
    # The measures stay in the store: nothing is left to measure against the same line and barrier.
    with open_store(data / DATABASE_FILE) as store:
        stored = barrier_lines(border_infrastructure(store, "DZA-TUN"))
        prepared = prepared_border("DZA-TUN", stored)
        assert store.measure_border("DZA-TUN", prepared.measure, measure_signature("DZA-TUN", stored)) == 0
