"""Choosing the border the dashboard shows: the sidebar's picker, and links that name a border."""

from __future__ import annotations

import json
from pathlib import Path

from streamlit.testing.v1 import AppTest

from borderwatch import config
from borderwatch.borders import border_table

APP = str(Path(__file__).resolve().parent.parent / "dashboard.py")


def _open(page: str | None = None, **params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    if page is not None:
        at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def _summary(at: AppTest) -> str:
    return next(m.value.strip("*") for m in at.markdown if " incidents, " in m.value)


def _warning(at: AppTest) -> str:
    return " ".join(warning.value for warning in at.warning).replace("\\", "")


def test_the_picker_lists_every_land_border_and_opens_on_tunisia_libya():
    at = _open()
    picker = at.selectbox(key="border_picker")
    assert picker.value == config.DEFAULT_BORDER
    assert len(picker.options) == len(border_table()) > 300
    assert any(option.startswith("Libya – Tunisia (LBY-TUN) · ") for option in picker.options)
    assert at.title[0].value == "Tunisia–Libya border"
    assert "border" not in at.query_params


def test_choosing_another_border_retitles_the_map_and_goes_into_the_link_and_back():
    at = _open()
    at.selectbox(key="border_picker").set_value("DZA-MAR").run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Algeria–Morocco border"
    assert at.query_params["border"] == "DZA-MAR"
    at.selectbox(key="border_picker").set_value("LBY-TUN").run()
    assert at.title[0].value == "Tunisia–Libya border"
    assert "border" not in at.query_params


def test_the_distance_filter_measures_to_the_border_shown():
    at = _open()
    at.number_input(key="filter_within_km").set_value(50.0).run()
    near_tunisia_libya = _summary(at)
    assert not near_tunisia_libya.startswith("0 of ")
    # The bundled incidents lie in Tunisia and Libya, hundreds of km from Algeria–Morocco.
    at.selectbox(key="border_picker").set_value("DZA-MAR").run()
    assert not at.exception, at.exception
    assert _summary(at).startswith("0 of 30 incidents")
    at.number_input(key="filter_within_km").set_value(1_500.0).run()
    assert _summary(at).startswith("30 of 30 incidents")
    at.selectbox(key="border_picker").set_value("LBY-TUN").run()
    at.number_input(key="filter_within_km").set_value(50.0).run()
    assert _summary(at) == near_tunisia_libya


def test_a_link_names_the_border_with_its_codes_in_either_order_and_any_case():
    at = _open(border="mar-dza")
    assert at.title[0].value == "Algeria–Morocco border"
    assert at.selectbox(key="border_picker").value == "DZA-MAR"
    assert _warning(at) == ""


def test_a_link_with_an_unknown_border_keeps_tunisia_libya_and_says_why():
    at = _open(border="TUN-XXZ")
    assert at.title[0].value == "Tunisia–Libya border"
    warning = _warning(at)
    assert "border='TUN-XXZ'" in warning and "XXZ is no country with a land border" in warning


def test_the_map_says_when_a_border_has_no_barriers_or_crossings_and_where_to_add_them():
    captions = " ".join(caption.value for caption in _open(border="DZA-MAR").caption).replace("\\", "")
    assert "No barriers or crossings are recorded for the Algeria–Morocco border" in captions
    assert "Import data page" in captions
    # Tunisia–Libya's come bundled.
    assert "No barriers or crossings" not in " ".join(caption.value for caption in _open().caption)


def test_the_analytics_page_and_the_planner_follow_another_border_without_a_notice():
    for page in ("app_pages/analytics.py", "app_pages/planner.py"):
        at = _open(page, border="DZA-MAR")
        # No notice that the page serves Tunisia–Libya only (what it says of the data is another matter).
        assert not [info.value for info in at.info if "Tunisia" in info.value or "only" in info.value], page
        text = " ".join(block.value for block in [*at.caption, *at.markdown])
        assert "Algeria–Morocco border" in text, page
        assert "Tunisia" not in text and "barrier (" not in text, page


def test_the_about_page_describes_the_border_shown():
    at = _open("app_pages/about.py", border="POL-BLR")
    text = " ".join(block.value for block in at.markdown)
    assert "Belarus (BLR) and Poland (POL)" in text
    assert "Natural Earth" in text


def test_incidents_stored_meanwhile_are_measured_against_the_border_shown(tmp_path, monkeypatch):
    from borderwatch.cli import main
    from tests.hostile import acled_rows

    monkeypatch.setenv("BORDERWATCH_DATA_DIR", str(tmp_path / "store"))
    at = _open(border="DZA-MAR")
    at.number_input(key="filter_within_km").set_value(100.0).run()
    assert _summary(at).startswith("0 of 30 incidents")
    # Another process (here the command line) stores an incident near Oujda, 10 km from the border.
    near_oujda = {"event_id_cnty": "MAR1", "country": "Morocco", "iso": "504", "latitude": "34.68",
                  "longitude": "-1.80", "location": "Oujda", "admin1": "Oriental"}
    assert main(["--data-dir", str(tmp_path / "store"), "import", str(acled_rows(tmp_path, near_oujda))]) == 0
    at.run()
    assert not at.exception, at.exception
    assert _summary(at).startswith("1 of 31 incidents")


def test_the_incidents_table_measures_to_the_border_shown_and_says_which():
    at = _open("app_pages/incidents.py", border="DZA-MAR")
    table = at.dataframe(key="incident_table")
    assert "Km to border" in table.value.columns
    # Hundreds of km from Algeria–Morocco, every bundled incident.
    assert (table.value["Km to border"] > 300).all()
    help_text = json.loads(table.proto.columns)["Km to border"]["help"]
    assert help_text == "Distance to the Algeria–Morocco border line"


def test_analytics_on_a_border_no_incident_nears_says_so_instead_of_an_empty_chart():
    at = _open("app_pages/analytics.py", border="DZA-MAR")
    assert any("No incident of the current filters lies within 200 km of this border" in info.value
               for info in at.info)
    assert len(at.get("arrow_vega_lite_chart")) == 0
