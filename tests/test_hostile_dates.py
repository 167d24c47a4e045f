"""Hostile dates (issue 11, items 1 and 8): a date before the year 1 or unreadable is one
rejected row, and no stored date makes a page, an export or the map lose anything else."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from borderwatch.cli import main
from borderwatch.filters import IncidentFilter, IncidentQuery
from borderwatch.mapview import fetch_area, map_data, view_around
from borderwatch.store import DATABASE_FILE, open_store
from tests.hostile import acled_rows, frame_of, geojson_dates, store_a_date_before_year_one
from tests.test_importers import read_all

APP = str(Path(__file__).resolve().parent.parent / "dashboard.py")
PAGES = ("map", "incidents", "analytics", "planner", "import_data", "about")
BUNDLED = 30


def test_an_acled_date_before_the_year_1_rejects_its_row_only(tmp_path):
    path = acled_rows(tmp_path, {"event_id_cnty": "TUN1", "event_date": "-0001-01-01"}, {"event_id_cnty": "TUN2"})
    incidents, rejections, read = read_all(path)
    assert read == 2 and incidents["source_id"].tolist() == ["TUN2"]
    assert [(r.row, r.column) for r in rejections] == [(2, "event_date")]
    assert rejections[0].reason.startswith("'-0001-01-01' is not a date")


@pytest.mark.parametrize("bad", ["-0001-01-01", "n/a"])
def test_a_geojson_date_before_the_year_1_or_unreadable_rejects_its_feature_only(tmp_path, bad):
    path = geojson_dates(tmp_path / "dates.geojson", "2016-03-07", bad, "2016-03-08")
    incidents, rejections, read = read_all(path, column_mapping={"event_date": "date", "event_type": "type",
                                                                 "location": "place", "source_id": "id"})
    assert read == 3 and incidents["source_id"].tolist() == ["E1", "E3"]
    assert [(r.row, r.column) for r in rejections] == [(2, "date")]
    assert repr(bad) in rejections[0].reason


def test_the_cli_refuses_to_store_a_date_before_the_year_1_and_exports_the_rest(tmp_path, capsys):
    data = tmp_path / "data"
    path = acled_rows(tmp_path, {"event_id_cnty": "TUN1", "event_date": "-0001-01-01"}, {"event_id_cnty": "TUN2"})
    assert main(["--data-dir", str(data), "import", str(path)]) == 0
    assert main(["--data-dir", str(data), "export", "-o", str(tmp_path / "all.csv")]) == 0
    capsys.readouterr()
    exported = frame_of(tmp_path / "all.csv")
    assert len(exported) == BUNDLED + 1 and "-001-01-01" not in exported["event_date"].tolist()


@pytest.fixture
def store_with_an_old_bad_date(tmp_path, capsys) -> Path:
    """A store as BorderWatch left it before the fix: one ACLED row dated "-001-01-01"."""
    data = tmp_path / "data"
    main(["--data-dir", str(data), "import", str(acled_rows(tmp_path, {"event_id_cnty": "TUN1"},
                                                            {"event_id_cnty": "TUN2"}))])
    capsys.readouterr()
    store_a_date_before_year_one(data / DATABASE_FILE, "acled")
    with open_store(data / DATABASE_FILE) as store:
        store.flag_duplicates()  # recounts the map's summary from the incidents, as the import had
    return data


def test_a_stored_date_before_the_year_1_does_not_take_down_exports(store_with_an_old_bad_date, tmp_path, capsys):
    data = store_with_an_old_bad_date
    with open_store(data / DATABASE_FILE) as store:
        first, _ = store.filter_options()["date_bounds"]
        assert first == dt.date(2015, 1, 27)  # the bundled table's first day, not "-001-01-01"
        assert store.unreadable_dates().to_dict("records") == [{"dataset": "acled", "incidents": 2}]
    assert main(["--data-dir", str(data), "export", "-o", str(tmp_path / "all.geojson")]) == 0
    assert main(["--data-dir", str(data), "datasets"]) == 0
    err = capsys.readouterr().err
    assert "dataset 'acled' holds 2 incidents dated before the year 1" in err


def test_every_page_opens_with_a_stored_date_before_the_year_1(store_with_an_old_bad_date, monkeypatch):
    monkeypatch.setenv("BORDERWATCH_DATA_DIR", str(store_with_an_old_bad_date))
    at = AppTest.from_file(APP, default_timeout=60).run()
    for page in PAGES:
        at.switch_page(f"app_pages/{page}.py").run()
        assert not at.exception, (page, at.exception)
    # The Import data page says what it cannot show, and still offers the removal.
    at.switch_page("app_pages/import_data.py").run()
    assert any("holds 2 incidents dated before the year 1" in warning.value for warning in at.warning)
    next(box for box in at.selectbox if box.label == "Remove a dataset").set_value("acled").run()
    next(box for box in at.checkbox if box.label == "Yes, remove its incidents").check().run()
    next(button for button in at.button if button.label == "Remove").click().run()
    assert not at.exception
    assert "Removed “acled” and its 2 incidents." in at.success[0].value
    assert not at.warning


def test_an_incident_of_the_year_1_is_drawn_on_the_map(tmp_path, capsys):
    data = tmp_path / "data"
    path = acled_rows(tmp_path, {"event_id_cnty": "TUN1", "event_date": "0001-01-01"})
    assert main(["--data-dir", str(data), "import", str(path)]) == 0
    with open_store(data / DATABASE_FILE) as store:
        first, last = store.filter_options()["date_bounds"]
        assert first == dt.date(1, 1, 1)
        query = IncidentQuery(IncidentFilter(start=first, end=last), None, None, False, None)
        shown = map_data(store, query, fetch_area(view_around((33.6, 11.4), 6.5, 1000, 700)))
        assert shown.in_view == len(shown.points) == BUNDLED + 1
        assert "ACLED-TUN1@acled" in shown.points["id"].tolist()
        assert len(store.query(IncidentQuery(IncidentFilter(start=first, end=first)))) == 1
