"""The Import data page through AppTest: check, store, see, remove."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.test_importers import acled_file

APP = str(Path(__file__).resolve().parent.parent / "dashboard.py")
TIMEOUT = 60
BUNDLED = 30


@pytest.fixture
def app(tmp_path, monkeypatch) -> AppTest:
    monkeypatch.setenv("BORDERWATCH_DATA_DIR", str(tmp_path / "store"))
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    at.switch_page("app_pages/import_data.py").run()
    assert not at.exception
    return at


def _upload(at: AppTest, path: Path, mime: str = "text/csv") -> AppTest:
    # The uploader is renewed after each import, so find it by position.
    at.file_uploader[0].set_value((path.name, path.read_bytes(), mime))
    return at.run()


def _datasets(at: AppTest):
    """The table of datasets (an admin's page also shows the audit trail below it)."""
    return next(frame.value for frame in at.dataframe if "Incidents now" in frame.value.columns)


def _acled_export(tmp_path: Path) -> Path:
    return acled_file(
        tmp_path,
        {"event_id_cnty": "TUN101", "location": "Ben Gardane", "fatalities": "3"},
        {"event_id_cnty": "TUN102", "event_date": "2016-03-08", "location": "Zarzis",
         "latitude": "33.5036", "longitude": "11.1122", "fatalities": "0"},
        {"event_id_cnty": "TUN103", "latitude": "95.2"},
    )


def _summary(at: AppTest) -> str:
    return next(m.value for m in at.markdown if " incidents, " in m.value).strip("*")


def test_checking_an_acled_export_reports_accepted_and_rejected_rows(app, tmp_path):
    _upload(app, _acled_export(tmp_path))
    assert not app.exception
    assert app.selectbox[0].value == "acled"
    assert app.subheader[0].value == "Accepted 2 — rejected 1"
    reasons = app.dataframe[0].value
    assert reasons.loc[0, "Rows"] == 1 and reasons.loc[0, "First rows"] == "4"
    assert "latitude" in reasons.loc[0, "Column"]
    labels = [button.proto.label for button in app.get("download_button")]
    assert "Download the rejected rows (with their reasons)" in labels


def test_storing_adds_the_incidents_to_every_page(app, tmp_path):
    _upload(app, _acled_export(tmp_path))
    app.button[0].click().run()
    assert not app.exception
    assert "2 added, 0 updated, 0 unchanged; 1 row rejected" in app.success[0].value
    assert app.file_uploader[0].value is None  # the stored file has left the page
    datasets = _datasets(app)
    assert set(datasets["Dataset"]) == {"bundled", "acled"}
    app.switch_page("app_pages/map.py").run()
    assert _summary(app).startswith(f"{BUNDLED + 2} of {BUNDLED + 2} incidents")
    app.multiselect(key="filter_datasets").set_value(["acled"]).run()
    assert _summary(app) == f"2 of {BUNDLED + 2} incidents, 3 deaths"


def test_storing_the_same_file_again_changes_nothing(app, tmp_path):
    export = _acled_export(tmp_path)
    _upload(app, export)
    app.button[0].click().run()
    _upload(app, export)
    app.button[0].click().run()
    assert "0 added, 0 updated, 2 unchanged" in app.success[0].value


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("page.csv", b"<!DOCTYPE html><html><body>Export</body></html>", "HTML"),
        ("empty.csv", b"", "empty"),
        ("semicolons.csv", b"event_id_cnty;event_date;event_type\nTUN1;2016-03-07;Battles\n", "semicolon"),
    ],
)
def test_a_file_that_is_not_an_export_gets_one_clear_message(app, tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    _upload(app, path)
    assert not app.exception
    assert len(app.error) == 1
    shown = app.error[0].value.replace("\\", "")  # Markdown escapes, as the browser drops them
    assert shown.startswith(f"Cannot import: {name}:")
    assert message.lower() in shown.lower()
    assert not app.button or "Store" not in app.button[0].label


def test_removing_a_dataset_takes_its_incidents_away(app, tmp_path):
    _upload(app, _acled_export(tmp_path))
    app.button[0].click().run()
    remove_box = next(box for box in app.selectbox if box.label == "Remove a dataset")
    remove_box.set_value("acled").run()
    next(box for box in app.checkbox if box.label == "Yes, remove its incidents").check().run()
    next(button for button in app.button if button.label == "Remove").click().run()
    assert not app.exception
    assert set(_datasets(app)["Dataset"]) == {"bundled"}


def test_removal_is_confirmed_on_the_page(app, tmp_path):
    _upload(app, _acled_export(tmp_path))
    app.button[0].click().run()
    next(box for box in app.selectbox if box.label == "Remove a dataset").set_value("acled").run()
    next(box for box in app.checkbox if box.label == "Yes, remove its incidents").check().run()
    next(button for button in app.button if button.label == "Remove").click().run()
    assert "Removed “acled” and its 2 incidents." in [message.value for message in app.success]


def test_file_text_in_messages_cannot_become_links_or_images(app, tmp_path):
    path = tmp_path / "trap.csv"
    path.write_text("![x](http://evil.example/t.png),[click](http://evil.example),**bold**\n1,2,3\n", encoding="utf-8")
    _upload(app, path)
    message = app.error[0].value
    assert "\\!\\[x\\]\\(" in message and "\\*\\*bold" in message


def test_exports_of_acled_rows_carry_the_attribution(app, tmp_path):
    _upload(app, _acled_export(tmp_path))
    app.button[0].click().run()
    app.switch_page("app_pages/incidents.py").run()
    assert not app.exception
    attribution = app.code[0].value
    assert attribution.splitlines()[1].startswith(
        "- Armed Conflict Location & Event Data Project (ACLED); https://acleddata.com; accessed "
    )
    assert "Filters:" in attribution
    labels = [button.proto.label for button in app.get("download_button")]
    assert "Download the attribution (text)" in labels
