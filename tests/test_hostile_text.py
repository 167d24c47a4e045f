"""Hostile text (issue 11, items 6 and 8): formulas in the rejected-rows download,
bidirectional overrides in names, a megabyte of text in one field; and the
small wording fixes of issue 10 on the Import data page, the CLI and the details panel."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from borderwatch import config
from borderwatch.cli import main
from borderwatch.importers import read_incidents
from borderwatch.importers.report import rejection_csv_bytes
from tests.hostile import acled_rows, frame_of
from tests.test_importers import read_all
from ui.details import distinct_labels

APP = str(Path(__file__).resolve().parent.parent / "dashboard.py")
REPO = Path(__file__).resolve().parent.parent
FORMULAS = ["=cmd|' /C calc'!A0", '=HYPERLINK("http://example.org/x","click")', "+1+1", "@SUM(A1)", "-2+3"]


def _app(monkeypatch, data: Path) -> AppTest:
    monkeypatch.setenv("BORDERWATCH_DATA_DIR", str(data))
    return AppTest.from_file(APP, default_timeout=60).run()


def test_the_rejected_rows_download_neutralises_formulas(tmp_path):
    rows = [{"event_id_cnty": f"TUN{index}", "latitude": "95.2", "location": formula}
            for index, formula in enumerate(FORMULAS)]
    chunks = list(read_incidents(acled_rows(tmp_path, *rows), dataset="x"))
    rejections = [rejection for chunk in chunks for rejection in chunk.rejections]
    records = {row: record for chunk in chunks for row, record in chunk.rejected_records.items()}
    table = pd.read_csv(io.BytesIO(rejection_csv_bytes(rejections, records)), dtype=str, keep_default_na=False)
    assert table["location"].tolist() == ["'" + formula for formula in FORMULAS]
    assert table["latitude"].tolist() == ["95.2"] * len(FORMULAS)


def _downloads(monkeypatch) -> dict[str, bytes]:
    """File name -> bytes of every download button the app makes from now on."""
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

    made: dict[str, bytes] = {}
    original = MemoryMediaFileStorage.load_and_get_id

    def keep(self, path_or_data, mimetype, kind, filename=None):
        made[filename] = path_or_data
        return original(self, path_or_data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", keep)
    return made


def test_the_import_page_offers_the_neutralised_download(tmp_path, monkeypatch):
    downloads = _downloads(monkeypatch)
    at = _app(monkeypatch, tmp_path / "store")
    at.switch_page("app_pages/import_data.py").run()
    path = acled_rows(tmp_path, {"event_id_cnty": "TUN1"}, {"event_id_cnty": "TUN2", "latitude": "95.2",
                                                            "location": FORMULAS[0]})
    at.file_uploader[0].set_value((path.name, path.read_bytes(), "text/csv")).run()
    table = pd.read_csv(io.BytesIO(downloads["acled-rejected.csv"]), dtype=str, keep_default_na=False)
    assert table["location"].tolist() == ["'" + FORMULAS[0]]


def test_bidirectional_overrides_are_taken_out_of_names(tmp_path):
    # U+202E would show "Ben Gardane\u202eenadraG" reversed, hiding what the name says.
    path = acled_rows(tmp_path, {"event_id_cnty": "TUN1", "location": "Ben\u202e Gardane\u202c",
                                 "actor1": "\u2067Militants\u2069", "notes": "raid \u202dnotes"})
    incidents, rejections, _ = read_all(path)
    assert rejections == []
    row = incidents.iloc[0]
    assert (row["location"], row["actor1"], row["description"]) == ("Ben Gardane", "Militants", "raid notes")
    assert "\u202e" in json.loads(row["original"])["location"]  # the record as read keeps them


def test_the_details_panel_shows_a_megabyte_field_in_part_and_offers_the_rest(tmp_path, monkeypatch, capsys):
    note = "The raid. " + "x" * 1_000_000
    data = _one_point(tmp_path, capsys, notes=note)
    downloads = _downloads(monkeypatch)
    at = _app(monkeypatch, data)
    at.session_state["selected_incident"] = "GEOJSON-P1@geojson"
    at.run()
    assert not at.exception
    [description] = [m.value for m in at.markdown if m.value.startswith("**Description:**")]
    assert len(description) < config.DETAILS_MAX_CHARS + 200
    assert description.endswith("download the full record below\\)")
    assert "Download the full record (JSON)" in [b.proto.label for b in at.get("download_button")]
    assert json.loads(downloads["incident-GEOJSON-P1@geojson.json"])["description"] == note


def test_two_links_to_one_site_never_share_a_label():
    links = [("www.reuters.com/world/africa/raid", "https://www.reuters.com/world/africa/raid?a=1"),
             ("www.bbc.com/news", "https://www.bbc.com/news"),
             ("www.reuters.com/world/africa/raid", "https://www.reuters.com/world/africa/raid?a=2")]
    labels = [label for label, _ in distinct_labels(links)]
    assert labels == ["www.reuters.com/world/africa/raid (1)", "www.bbc.com/news",
                      "www.reuters.com/world/africa/raid (2)"]


def _one_point(tmp_path: Path, capsys, **properties: str) -> Path:
    """A store holding one GeoJSON point at Ben Gardane (id GEOJSON-P1@geojson) with these properties."""
    import geopandas as gpd
    from shapely.geometry import Point

    path = tmp_path / "points.geojson"
    gpd.GeoDataFrame(
        {"date": ["2016-03-07"], "type": ["Armed clash"], "place": ["Ben Gardane"], "event_id": ["P1"],
         **{name: [value] for name, value in properties.items()}},
        geometry=[Point(11.2167, 33.1389)], crs="EPSG:4326",
    ).to_file(path)
    data = tmp_path / "data"
    assert main(["--data-dir", str(data), "import", str(path)]) == 0
    capsys.readouterr()
    return data


def test_the_details_panel_numbers_links_that_would_share_a_label(tmp_path, monkeypatch, capsys):
    data = _one_point(tmp_path, capsys,
                      source="https://www.reuters.com/article/raid?id=1 ; https://www.reuters.com/article/raid?id=2")
    at = _app(monkeypatch, data)
    at.session_state["selected_incident"] = "GEOJSON-P1@geojson"
    at.run()
    links = [m.value.replace("\u200b", "") for m in at.markdown if m.value.startswith("- [")]
    assert [link.split("](")[0] for link in links] == ["- [www\\.reuters\\.com/article/raid \\(1\\)",
                                                       "- [www\\.reuters\\.com/article/raid \\(2\\)"]


def test_the_import_page_counts_one_incident_as_one(tmp_path, monkeypatch):
    at = _app(monkeypatch, tmp_path / "store")
    at.switch_page("app_pages/import_data.py").run()
    path = acled_rows(tmp_path, {"event_id_cnty": "TUN1"})
    at.file_uploader[0].set_value((path.name, path.read_bytes(), "text/csv")).run()
    assert "**The accepted row**" in [m.value for m in at.markdown]
    [store_button] = [b for b in at.button if b.label.startswith("Store ")]
    assert store_button.label == "Store 1 incident in dataset “acled”"
    store_button.click().run()
    assert at.success[0].value == "Stored in “acled”: 1 added, 0 updated, 0 unchanged; 0 rows rejected."
    next(box for box in at.selectbox if box.label == "Remove a dataset").set_value("acled").run()
    next(box for box in at.checkbox if box.label == "Yes, remove its incidents").check().run()
    next(button for button in at.button if button.label == "Remove").click().run()
    assert at.success[0].value == "Removed “acled” and its 1 incident."


def test_the_cli_counts_one_incident_as_one(tmp_path, capsys):
    data = tmp_path / "data"
    assert main(["--data-dir", str(data), "import", str(acled_rows(tmp_path, {"event_id_cnty": "TUN1"}))]) == 0
    capsys.readouterr()
    assert main(["--data-dir", str(data), "export", "--dataset", "acled", "-o", str(tmp_path / "one.csv")]) == 0
    assert capsys.readouterr().out.startswith(f"wrote 1 incident to {tmp_path / 'one.csv'}")
    assert main(["--data-dir", str(data), "remove", "acled"]) == 0
    assert capsys.readouterr().out == "removed dataset 'acled': 1 incident\n"
    strict = acled_rows(tmp_path, {"event_id_cnty": "TUN1"}, {"event_id_cnty": "TUN2", "latitude": "95.2"})
    assert main(["--data-dir", str(data), "import", str(strict), "--strict"]) == 2
    out, err = capsys.readouterr()
    assert "           row 3; e.g. latitude 95.2 is outside -90..90" in out
    assert err.endswith("strict import refused: 1 row rejected; nothing was stored\n")


def _upload_folders(temporary: Path) -> list[Path]:
    return sorted(temporary.glob("borderwatch-uploads-*"))


def test_a_server_removes_its_upload_folder_when_it_stops(tmp_path):
    script = ("from ui.imports import saved_upload; "
              "path, _ = saved_upload('events.csv', b'a,b\\n'); print(path, flush=True); "
              "import time; time.sleep(60)")
    # python -c puts the working directory first on the path: the checkout, where ui/ lives.
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    process = subprocess.Popen([sys.executable, "-c", script], cwd=REPO, stdout=subprocess.PIPE, text=True,
                               env=env, stderr=subprocess.DEVNULL)
    try:
        saved = Path(process.stdout.readline().strip())
        assert saved.is_file() and len(_upload_folders(tmp_path)) == 1
    finally:
        process.send_signal(signal.SIGINT)  # as Ctrl+C or a service manager stops the server
        process.wait(timeout=30)
    assert _upload_folders(tmp_path) == []


def test_the_upload_folder_of_a_killed_server_is_removed_by_the_next(tmp_path):
    from ui.imports import remove_stale_upload_folders

    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    stale = tmp_path / f"borderwatch-uploads-{gone.pid}-abcd"
    (stale / "0f" / "events.csv").parent.mkdir(parents=True)
    (stale / "0f" / "events.csv").write_text("a,b\n", encoding="utf-8")
    running = tmp_path / f"borderwatch-uploads-{os.getpid()}-efgh"
    running.mkdir()
    remove_stale_upload_folders(tmp_path)
    assert _upload_folders(tmp_path) == [running]


MIRRORS = ("frwiki.wiki", "wikipedia-on-ipfs", "wikimili", "piglix", "friendlywiki", "wikial.top", "teknopedia",
           "de-academic", "sagapedia", "wiki.x.io", "movatter", "pwojczyn")


@pytest.mark.parametrize("name", ["incidents.csv", "places.csv"])
def test_bundled_sources_cite_original_pages_not_mirrors(name):
    table = frame_of(config.DATA_DIR / name)
    cited = " ".join(table["sources" if "sources" in table else "source"])
    assert [mirror for mirror in MIRRORS if mirror in cited] == []
