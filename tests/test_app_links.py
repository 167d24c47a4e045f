"""Links that cannot be read in part: the part keeps its default, a warning says which, nothing else changes."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from borderwatch import config

APP = str(Path(__file__).resolve().parent.parent / "dashboard.py")
RAID = "TN-2016-03-07-BENGUERDANE"


def _rows() -> list[dict[str, str]]:
    with open(config.INCIDENTS_PATH, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _open(**params: str | list[str]) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def _warning(at: AppTest) -> str:
    """The warnings as a person reads them (markdown escapes removed)."""
    return " ".join(warning.value for warning in at.warning).replace("\\", "")


def _summary(at: AppTest) -> str:
    return next(m.value.strip("*") for m in at.markdown if " incidents, " in m.value)


def test_an_unreadable_start_date_keeps_the_first_day_and_the_readable_end_applies():
    at = _open(**{"from": "2016-13-45", "to": "2016-03-27"})
    assert not at.exception
    first = min(dt.date.fromisoformat(row["event_date"]) for row in _rows())
    assert at.session_state["filter_dates"] == (first, dt.date(2016, 3, 27))
    kept = sum(1 for row in _rows() if dt.date.fromisoformat(row["event_date"]) <= dt.date(2016, 3, 27))
    assert _summary(at).startswith(f"{kept} of 30 incidents") and kept > 0
    assert "from='2016-13-45' is not a date" in _warning(at)


def test_the_warning_stays_through_reruns_until_the_person_changes_something():
    at = _open(**{"from": "2016-13-45", "to": "2016-03-27"})
    # The map reports its view, which reruns the page: the warning stays.
    at.run()
    at.run()
    assert "is not a date" in _warning(at)
    at.multiselect(key="filter_types").set_value(["Battles"]).run()
    assert "is not a date" not in _warning(at)


def test_the_warning_can_be_dismissed():
    at = _open(layer="bogus")
    at.button(key="permalink_dismiss").click().run()
    assert _warning(at) == ""


def test_an_unknown_layer_keeps_the_default_layers_and_is_named():
    at = _open(layer="bogus")
    assert "layer='bogus' is not a map layer" in _warning(at)
    assert set(at.session_state["map_layers"]) == set(config_default_layers())
    assert "layer" not in at.query_params


def test_unknown_values_among_known_ones_are_dropped_and_named():
    at = _open(layer=["sites", "bogus"], type=["Battles", "Bogus type"])
    assert at.session_state["map_layers"] == ["sites"]
    assert at.session_state["filter_types"] == ["Battles"]
    warning = _warning(at)
    assert "layer='bogus'" in warning and "type='Bogus type' is not an incident type in the data" in warning


@pytest.mark.parametrize(("key", "words"), [
    ("type", "an incident type in the data"), ("country", "a country in the data"),
    ("dataset", "a dataset in the store"),
])
def test_a_filter_value_that_names_nothing_keeps_the_default_instead_of_showing_no_incident(key, words):
    at = _open(**{key: "Atlantis"})
    assert f"{key}='Atlantis' is not {words}" in _warning(at)
    assert _summary(at).startswith("30 of 30 incidents")


def test_an_incident_the_store_does_not_hold_is_named():
    at = _open(incident="TN-1999-01-01-NOWHERE")
    assert "incident='TN-1999-01-01-NOWHERE' is not in the store" in _warning(at)
    assert at.session_state["selected_incident"] is None


def test_a_link_to_an_incident_opens_the_map_on_it():
    raid = next(row for row in _rows() if row["id"] == RAID)
    at = _open(**{"from": "2016-02-29", "to": "2016-03-27", "incident": RAID})
    assert not at.exception and _warning(at) == ""
    (latitude, longitude), zoom = at.session_state["map_opening_view"]
    assert (latitude, longitude) == (float(raid["latitude"]), float(raid["longitude"])) and zoom >= 10
    request = at.session_state["map_focus_request"]
    assert request["incident"] == RAID and request["move"] is True
    assert any(f"id {RAID}" in caption.value.replace("\\", "") for caption in at.caption)


def test_a_link_with_its_own_view_keeps_it_and_still_shows_the_incident():
    at = _open(incident=RAID, lat="33.1", lon="11.3", zoom="9")
    assert at.session_state["map_opening_view"] == ((33.1, 11.3), 9.0)
    request = at.session_state["map_focus_request"]
    assert request["incident"] == RAID and request["move"] is False


def config_default_layers() -> tuple[str, ...]:
    from ui.selection import DEFAULT_LAYERS

    return DEFAULT_LAYERS
