"""Every page through Streamlit's AppTest: filters, counts, details."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from borderwatch import config

APP = str(Path(__file__).resolve().parent.parent / "dashboard.py")
TIMEOUT = 60


def _bundled_rows() -> list[dict[str, str]]:
    # Read with the csv module, not the app's loader, so the test has its own oracle.
    with open(config.INCIDENTS_PATH, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _summary(at: AppTest) -> str:
    lines = [m.value for m in at.markdown if " incidents, " in m.value or " incident, " in m.value]
    assert lines, "no summary line on the page"
    return lines[0].strip("*")


@pytest.fixture
def app(tmp_path, monkeypatch) -> AppTest:
    # A store of its own: seeded with the bundled incidents only.
    monkeypatch.setenv("BORDERWATCH_DATA_DIR", str(tmp_path))
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert not at.exception, at.exception
    return at


def test_map_page_opens_with_every_incident(app):
    rows = _bundled_rows()
    deaths = sum(int(r["deaths_best"] or 0) for r in rows)
    assert _summary(app) == f"{len(rows)} of {len(rows)} incidents, {deaths} deaths"
    assert app.title[0].value == "Tunisia–Libya border"


def test_choosing_one_incident_type_changes_the_count(app):
    rows = _bundled_rows()
    by_type = Counter(r["event_type"] for r in rows)
    chosen = "Battles"
    deaths = sum(int(r["deaths_best"] or 0) for r in rows if r["event_type"] == chosen)
    app.multiselect(key="filter_types").set_value([chosen]).run()
    assert _summary(app) == f"{by_type[chosen]} of {len(rows)} incidents, {deaths} deaths"


def test_date_range_filters_the_count(app):
    import datetime as dt

    rows = _bundled_rows()
    start, end = dt.date(2016, 3, 1), dt.date(2016, 3, 31)
    expected = [
        r for r in rows
        if dt.date.fromisoformat(r["event_date"]) <= end
        and dt.date.fromisoformat(r["end_date"] or r["event_date"]) >= start
    ]
    app.date_input(key="filter_dates").set_value((start, end)).run()
    assert _summary(app).startswith(f"{len(expected)} of {len(rows)} incidents")


def test_empty_selection_shows_a_message_not_an_error(app):
    app.multiselect(key="filter_types").set_value([]).run()
    assert not app.exception
    assert _summary(app).startswith("0 of ")
    assert any("No incidents match" in info.value for info in app.info)


def test_an_incident_chosen_in_the_list_fills_the_details_panel_and_sends_the_map_to_it(app):
    raid = next(r for r in _bundled_rows() if r["event_date"] == "2016-03-07" and r["iso3"] == "TUN")
    next(box for box in app.selectbox if box.label == "Incident details").set_value(raid["id"]).run()
    assert not app.exception
    request = app.session_state["map_focus_request"]
    assert request["incident"] == raid["id"]
    assert (request["lat"], request["lon"]) == (float(raid["latitude"]), float(raid["longitude"]))
    text = " ".join(m.value for m in app.markdown)
    assert "km to the Tunisia–Libya border" in text and "km to the barrier" in text
    assert "**Description:**" in text
    assert app.subheader[0].value.replace("\\", "") == raid["location"]
    casualties = app.dataframe[0].value
    assert list(casualties["Who"]) == ["Total", "Militants", "Security forces", "Civilians", "Wounded"]


def test_filters_are_shared_by_the_incidents_page(app):
    rows = _bundled_rows()
    app.multiselect(key="filter_countries").set_value(["Libya"]).run()
    app.switch_page("app_pages/incidents.py").run()
    assert not app.exception
    libya = [r for r in rows if r["country"] == "Libya"]
    assert _summary(app).startswith(f"{len(libya)} of {len(rows)} incidents")
    table = app.dataframe[0].value
    assert len(table) == len(libya)
    assert set(table["Country"]) == {"Libya"}


def test_incidents_page_offers_the_downloads_and_the_bundled_tables_credit(app):
    app.switch_page("app_pages/incidents.py").run()
    assert not app.exception
    labels = [button.proto.label for button in app.get("download_button")]
    assert labels == ["Download CSV", "Download GeoJSON", "Download GeoPackage", "Download the attribution (text)"]
    assert "- BorderWatch table compiled from public reporting" in app.code[0].value


def test_about_page_states_sources_and_limits(app):
    app.switch_page("app_pages/about.py").run()
    assert not app.exception
    text = " ".join(m.value for m in app.markdown)
    for phrase in ("Natural Earth", "not survey-grade", "Ras Ajdir", "approximate", "place-level", "GeoNames"):
        assert phrase in text
    # The dated statuses the time slider draws, with their sources.
    timeline = app.dataframe[0].value
    closures = timeline[(timeline["status"] == "closed") & (timeline["start"] == "2016-03-07")]
    assert set(closures["feature_id"]) == {"ras-ajdir", "dehiba-wazin"}
    assert (closures["end"] == "2016-03-22").all() and closures["source"].str.contains("CrisisWatch").all()


def test_a_broken_incident_file_gets_a_clear_message(tmp_path, monkeypatch):
    broken = tmp_path / "incidents.csv"
    rows = _bundled_rows()
    rows[2]["latitude"] = "north"
    with open(broken, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    monkeypatch.setattr(config, "INCIDENTS_PATH", broken)
    monkeypatch.setenv("BORDERWATCH_DATA_DIR", str(tmp_path / "store"))
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert not at.exception
    assert "could not load its data" in at.error[0].value
    assert at.code[0].value.startswith(str(broken))
    assert "row 4, column latitude: 'north' is not a number within ±90" in at.code[0].value
