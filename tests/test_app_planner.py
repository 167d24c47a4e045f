"""The surveillance planner page through Streamlit's AppTest."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parent.parent / "dashboard.py")
TIMEOUT = 90
PLAN_1 = "Plan-1_Barrier_8-sensors_10-km-range_evenly-spaced"


@pytest.fixture
def at(tmp_path, monkeypatch) -> AppTest:
    """The planner page on the bundled data, with the default settings."""
    monkeypatch.setenv("BORDERWATCH_DATA_DIR", str(tmp_path))
    app = AppTest.from_file(APP, default_timeout=TIMEOUT)
    app.run()
    app.switch_page("app_pages/planner.py").run()
    assert not app.exception, app.exception
    return app


def _add(at: AppTest) -> None:
    next(button for button in at.button if button.label == "Add to comparison").click().run()
    assert not at.exception, at.exception


def _metrics(at: AppTest) -> dict[str, str]:
    return {metric.label: metric.value for metric in at.metric}


def _download_files(at: AppTest) -> list[str]:
    """The file each download button saves, as its tooltip names it (AppTest does not expose file names)."""
    return [re.fullmatch(r"Saves (.+)", button.proto.help).group(1) for button in at.get("download_button")]


def _headline(at: AppTest) -> str:
    return next(m.value for m in at.markdown if m.value.startswith("**") and " · " in m.value)


def test_a_second_plan_kept_shows_beside_the_first(at):
    _add(at)
    assert at.multiselect(key="plan_compare").value == ["Plan 1"]
    at.radio(key="plan_method").set_value("greedy").run()
    _add(at)
    assert at.multiselect(key="plan_compare").value == ["Plan 1", "Plan 2"]
    beside = [m.value for m in at.markdown if re.match(r"\*\*Plan \d\*\*: .*Covers", m.value)]
    assert [text.split("**")[1] for text in beside] == ["Plan 1", "Plan 2"]
    # A third plan shows beside the one kept before it; removing it leaves that one.
    at.number_input(key="plan_count").set_value(9).run()
    _add(at)
    assert at.multiselect(key="plan_compare").value == ["Plan 2", "Plan 3"]
    next(button for button in at.button if button.key == "remove-1").click().run()
    assert at.multiselect(key="plan_compare").value == ["Plan 2"]
    assert list(at.table[0].value["Plan"]) == ["Plan 1", "Plan 2"]


def test_downloads_are_named_after_the_plan_on_screen_and_what_it_is(at):
    assert _download_files(at) == [f"{PLAN_1}.geojson", f"{PLAN_1}_sensors.csv"]
    _add(at)
    # The name field now offers the next plan's name, but the plan on screen is still Plan 1.
    assert at.text_input(key="plan_name").value == "Plan 2"
    assert _headline(at).startswith("**Plan 1**: Barrier, 8 sensors of 10 km range, evenly spaced · in the comparison")
    assert next(b for b in at.button if b.label == "Add to comparison").disabled
    assert _download_files(at) == [f"{PLAN_1}.geojson", f"{PLAN_1}_sensors.csv"] * 2
    # Once a setting changes, it is a new plan, under the name the field offers.
    at.radio(key="plan_line").set_value("border").run()
    at.slider(key="plan_stretch").set_value((20.0, 120.0)).run()
    at.number_input(key="plan_range").set_value(7.5).run()
    stem = "Plan-2_Border-km-20-120_8-sensors_7.5-km-range_evenly-spaced"
    assert _download_files(at)[:2] == [f"{stem}.geojson", f"{stem}_sensors.csv"]
    assert _headline(at).endswith("not in the comparison yet")


def test_the_number_of_sensors_is_limited_by_the_line_and_lowered_with_a_note(at):
    # The barrier (179.5 km) takes one sensor per km, both ends included: 181.
    assert at.number_input(key="plan_count").max == 181
    assert "1 to 181 on this 179.5 km line: one per km, both ends included; more would add nothing." in [
        caption.value for caption in at.caption]
    at.number_input(key="plan_count").set_value(181).run()
    assert not at.error and _metrics(at)["Line covered"] == "100.0%"
    # A 20 km stretch of the border takes 21: the 181 asked for become 21, the page says so and shows the plan.
    at.radio(key="plan_line").set_value("border").run()
    at.slider(key="plan_stretch").set_value((0.0, 20.0)).run()
    assert at.number_input(key="plan_count").value == 21 and at.number_input(key="plan_count").max == 21
    assert [info.value for info in at.info] == [
        "This line takes at most 21 sensors (one per km, ends included), so the 181 asked for became 21."]
    assert not at.error and _metrics(at)["Line covered"] == "100.0%"
    # The note goes once the person acts again; the plan stays.
    at.radio(key="plan_method").set_value("greedy").run()
    assert not any("at most 21 sensors" in info.value for info in at.info)
    assert at.number_input(key="plan_count").value == 21


def test_optimised_without_an_incident_in_range_says_so_and_covers_the_line_as_even_does(at):
    even = _metrics(at)
    at.radio(key="plan_method").set_value("greedy").run()
    optimised = _metrics(at)
    # With the defaults no incident lies within 10 km of the barrier (5 lie within 35 km).
    assert optimised["Incidents covered"] == even["Incidents covered"] == "0 of 5"
    assert float(optimised["Line covered"].rstrip("%")) >= float(even["Line covered"].rstrip("%"))
    assert at.info[0].value.startswith("The 5 incidents within 35 km of the line all lie more than 10 km from it")
    assert at.info[0].value.endswith(f"Evenly spaced, they would cover {even['Line covered']} of the line and 0 of 5 "
                                     "incidents.")
    at.number_input(key="plan_within").set_value(0.0).run()
    assert at.info[0].value.startswith("No incident of the sidebar's filters lies within 0 km of the line")


def test_optimised_covers_the_incidents_in_range_first_and_says_how_many(at):
    at.radio(key="plan_method").set_value("greedy").run()
    at.number_input(key="plan_range").set_value(25.0).run()
    at.number_input(key="plan_count").set_value(2).run()
    assert _metrics(at)["Incidents covered"] == "5 of 5"
    assert at.info[0].value.startswith("Sensors go first where they cover the most incidents: this plan covers all "
                                       "5 incidents within 25 km of the line.")


def test_tables_read_as_words_and_numbers_with_units(at):
    _add(at)
    at.radio(key="plan_method").set_value("greedy").run()
    _add(at)
    comparison = at.table[0].value
    assert list(comparison.columns) == ["Plan", "Line", "Placement", "Sensors", "Line covered", "Gaps",
                                        "Incidents covered"]
    assert comparison.iloc[0].tolist() == ["Plan 1", "Barrier", "Evenly spaced", "8 × 10 km", "90.3% of 179.5 km",
                                           "9, longest 2.4 km", "0 of 5"]
    assert comparison["Placement"].tolist() == ["Evenly spaced", "Optimised"]
    gaps, sensors = (frame.value for frame in at.dataframe)
    assert list(gaps.columns) == ["Gap", "From", "To", "Length"]
    assert list(sensors.columns) == ["Sensor", "Along the line", "Latitude", "Longitude", "Incidents in range"]


def test_saving_plans_never_overwrites_one_already_kept(at):
    _add(at)
    at.number_input(key="plan_count").set_value(9).run()
    _add(at)
    at.number_input(key="plan_count").set_value(10).run()
    at.text_input(key="plan_name").set_value("Plan 1").run()
    _add(at)
    assert list(at.table[0].value["Plan"]) == ["Plan 1", "Plan 2", "Plan 1 (2)"]


def test_planner_on_a_border_stretch_reports_its_length(at):
    at.radio(key="plan_line").set_value("border").run()
    at.slider(key="plan_stretch").set_value((0.0, 100.0)).run()
    # 100 km of line: the help text of the share names it.
    assert any("of 100.0 km" in (m.help or "") for m in at.metric)


def test_on_a_border_of_several_parts_a_stretch_of_any_part_can_be_covered(tmp_path, monkeypatch):
    # Spain–Morocco: Melilla's and Ceuta's borders, two separate lines.
    monkeypatch.setenv("BORDERWATCH_DATA_DIR", str(tmp_path))
    app = AppTest.from_file(APP, default_timeout=TIMEOUT)
    app.query_params["border"] = "ESP-MAR"
    app.run()
    app.switch_page("app_pages/planner.py").run()
    assert not app.exception, app.exception
    part = app.selectbox(key="plan_part")
    assert part.options[0].startswith("Part 1 (longest), ") and part.options[1].startswith("Part 2, ")
    second_km = float(re.search(r"Part 2, ([\d.]+) km", part.options[1]).group(1))
    part.set_value(1).run()
    assert not app.exception, app.exception
    assert app.slider(key="plan_stretch").max == pytest.approx(round(second_km, 1))
    # The whole second part is covered: the share's help names its length, the headline the part.
    assert any(f"of {second_km:.1f} km" in (metric.help or "") for metric in app.metric)
    assert "Morocco part 2 km 0–" in _headline(app)
