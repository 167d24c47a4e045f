"""``borderwatch infrastructure``: import a border's infrastructure by layer, list it with the presets, remove it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from shapely.geometry import LineString, Point, Polygon

from borderwatch.infrastructure import preset_path
from borderwatch.store import DATA_DIR_ENV, DATABASE_FILE, file_sha256, open_store
from tests.test_cli_borders import run
from tests.test_import_infrastructure import NO_STATUS, frame
from tests.test_infrastructure_properties import HOSTILE

#: A fence near Ben Gardane (in Tunisia, about 10 km from the border with Libya).
NEAR = LineString([(11.40, 33.10), (11.45, 33.05)])
#: A post near Tindouf: on the Algeria–Morocco border, some 1,500 km from Tunisia–Libya.
FAR = Point(-8.15, 27.67)


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "data"
    monkeypatch.setenv(DATA_DIR_ENV, str(folder))
    return folder


def _stored(data: Path) -> list[tuple[str, str, str]]:
    with open_store(data / DATABASE_FILE) as store:
        return [(feature.layer, feature.id, feature.name) for feature in store.infrastructure("LBY-TUN")]


def _bad_rows(tmp_path: Path) -> Path:
    """Two good features (one named with markup and a formula), then a control character in a name,
    a polygon, a point where a fence needs a line, and a post on another border."""
    path = tmp_path / "mixed.geojson"
    frame(
        {"id": "good-fence", "kind": "fence", "name": HOSTILE[0], "notes": HOSTILE[2], "geometry": NEAR},
        {"id": "good-post", "kind": "post", "name": "=1+1", **NO_STATUS, "geometry": Point(11.3, 33.0)},
        {"id": "tab", "kind": "post", "name": "two\tcolumns", **NO_STATUS, "geometry": Point(11.3, 33.0)},
        {"id": "area", "kind": "wall", "geometry": Polygon([(11.3, 33.0), (11.4, 33.0), (11.4, 33.1)])},
        {"id": "dot", "kind": "fence", "geometry": Point(11.3, 33.0)},
        {"id": "far", "kind": "post", **NO_STATUS, "geometry": FAR},
    ).to_file(path, driver="GeoJSON")
    return path


def test_the_preset_imported_under_another_name_is_stored_listed_and_removed(capsys, data, tmp_path):
    source = shutil.copy(preset_path("LBY-TUN"), tmp_path / "survey.geojson")
    code, out, err = run(capsys, "infrastructure", "import", str(source), "--border", "tun-lby")
    assert (code, err) == (0, "")
    assert out.splitlines() == ["survey.geojson: infrastructure layer 'survey' of LBY-TUN",
                                "rows read 6: 3 features accepted — 0 rows rejected",
                                "added 3, updated 0, unchanged 0, removed 0"]
    assert [layer for layer, _, _ in _stored(data)] == ["survey"] * 3
    code, out, _ = run(capsys, "infrastructure", "import", str(source), "--border", "LBY-TUN", "--json")
    assert code == 0
    assert {key: value for key, value in json.loads(out).items() if key != "rejections"} == {
        "file": "survey.geojson", "border": "LBY-TUN", "layer": "survey", "features": 3, "added": 0, "updated": 0,
        "unchanged": 3, "removed": 0, "rows_read": 6, "accepted": 3, "rejected": 0}

    code, out, _ = run(capsys, "infrastructure", "list")
    lines = out.splitlines()
    assert code == 0 and lines[0].split()[:4] == ["border", "layer", "source", "file"]
    assert [line.split()[:3] for line in lines[1:]] == [["LBY-TUN", "preset", "bundled"],
                                                        ["LBY-TUN", "survey", "stored"]]
    code, out, _ = run(capsys, "infrastructure", "list", "--border", "TUN-LBY", "--json")
    listed = json.loads(out)
    assert [(row["layer"], row["source"], row["features"], row["lines"], row["points"]) for row in listed] == [
        ("preset", "bundled", 3, 1, 2), ("survey", "stored", 3, 1, 2)]
    assert listed[0]["imported_at"] is None and listed[0]["imported_by"] == "bundled"
    assert listed[1]["file_hash"] == file_sha256(source) and listed[1]["imported_at"].endswith("+00:00")

    code, out, _ = run(capsys, "infrastructure", "remove", "--border", "LBY-TUN", "--layer", "survey")
    assert (code, out) == (0, "removed layer 'survey' of LBY-TUN: 3 features\n")
    assert _stored(data) == []
    code, out, _ = run(capsys, "audit", "--json", "--limit", "2")
    assert [(entry["action"], entry["border"], entry["dataset"]) for entry in json.loads(out)] == [
        ("remove infrastructure", "LBY-TUN", "survey"), ("import infrastructure", "LBY-TUN", "survey")]


def test_rows_that_fail_are_listed_by_feature_and_column_and_the_rest_is_stored(capsys, data, tmp_path):
    path = _bad_rows(tmp_path)
    code, out, err = run(capsys, "infrastructure", "import", str(path), "--border", "LBY-TUN", "--layer", "mixed")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[1] == "rows read 6: 2 features accepted — 4 rows rejected"
    rejections = lines[lines.index("rejections:") + 1:]
    assert [line.split(":")[0] for line in rejections] == [
        "  feature 3, column name", "  feature 4, column geometry", "  feature 5, column geometry",
        "  feature 6, column geometry"]
    assert "control character" in rejections[0]
    assert "from the border" in rejections[3]
    # The text of the features stored is kept as the file wrote it (escaped where it is shown).
    assert _stored(data) == [("mixed", "good-fence", HOSTILE[0]), ("mixed", "good-post", "=1+1")]


def test_strict_refuses_a_file_with_rejected_rows_and_stores_nothing(capsys, data, tmp_path):
    code, out, err = run(capsys, "infrastructure", "import", str(_bad_rows(tmp_path)), "--border", "LBY-TUN",
                         "--strict", "--json")
    assert code == 2
    report = json.loads(out)
    assert (report["accepted"], report["rejected"], "layer" in report) == (2, 4, False)
    assert [(item["row"], item["column"]) for item in report["rejections"]] == [
        (3, "name"), (4, "geometry"), (5, "geometry"), (6, "geometry")]
    assert err == ("borderwatch: error: mixed.geojson: --strict: the file has rejected rows (4 rows rejected); "
                   "nothing was stored\n")
    assert _stored(data) == []


def test_a_file_of_another_border_is_refused_whole(capsys, data, tmp_path):
    source = shutil.copy(preset_path("LBY-TUN"), tmp_path / "tunisia-libya.geojson")
    code, out, err = run(capsys, "infrastructure", "import", str(source), "--border", "DZA-MAR")
    assert code == 2
    assert out.count("column geometry: lies ") == 6
    assert err.endswith("no feature passed the checks (6 rows rejected); nothing was stored\n")
    with open_store(data / DATABASE_FILE) as store:
        assert store.infrastructure_layers().empty


@pytest.mark.parametrize("argv", [
    ("import", "PATH", "--border", "TUN-LBA"),
    ("list", "--border", "TUN-LBA"),
    ("remove", "--border", "TUN-LBA", "--layer", "survey"),
])
def test_a_bad_border_gets_the_exports_one_line_refusal(capsys, data, tmp_path, argv):
    source = shutil.copy(preset_path("LBY-TUN"), tmp_path / "survey.geojson")
    code, _, err = run(capsys, "infrastructure", *(str(source) if arg == "PATH" else arg for arg in argv))
    _, _, export_err = run(capsys, "export", "--border", "TUN-LBA", "-o", str(tmp_path / "x.csv"))
    assert code == 2 and err == export_err
    assert "close codes: LVA (Latvia), LBY (Libya)" in err and err.count("\n") == 1


def test_removing_an_unknown_layer_or_the_preset_is_refused_by_name(capsys, data):
    code, _, err = run(capsys, "infrastructure", "remove", "--border", "LBY-TUN", "--layer", "preset")
    assert code == 2
    assert err == ("borderwatch: error: no infrastructure layer named 'preset' is stored for LBY-TUN; stored for it:"
                   " none (a bundled preset is not stored and cannot be removed)\n")


def test_a_layer_name_the_store_refuses_stores_nothing(capsys, data, tmp_path):
    source = shutil.copy(preset_path("LBY-TUN"), tmp_path / "survey.geojson")
    code, _, err = run(capsys, "infrastructure", "import", str(source), "--border", "LBY-TUN", "--layer", "preset")
    assert code == 2 and "reserved for a border's bundled features" in err
    assert _stored(data) == []
