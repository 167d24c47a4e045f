"""The border analytics, playback and permalink pages through Streamlit's AppTest."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from borderwatch import config, reference
from tests.factories import measured_incidents
from ui.analytics_tables import MAX_TABLE_WIDTH_PX

APP = str(Path(__file__).resolve().parent.parent / "dashboard.py")
TIMEOUT = 90


@pytest.fixture(scope="module")
def measured():
    # The oracle: the bundled table measured directly, not through the store.
    return measured_incidents(reference.load_incidents(config.INCIDENTS_PATH))


@pytest.fixture
def data_dir(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("BORDERWATCH_DATA_DIR", str(tmp_path))
    return tmp_path


def _run(page: str | None = None, **params: str | list[str]) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    if page is not None:
        at.switch_page(page).run()
        assert not at.exception, at.exception
    return at


def _param(at: AppTest, key: str) -> list[str]:
    """A query parameter as the list of its values (AppTest gives single values as text)."""
    value = at.query_params.get(key, [])
    return [value] if isinstance(value, str) else list(value)


def _columns(table) -> dict[str, dict]:
    """The shown columns of an ``st.dataframe`` and their ``column_config``, in the order shown."""
    config_of = json.loads(table.proto.columns)
    return {name: config_of.get(name, {}) for name in table.proto.column_order}


def _assert_reads_as_plain_words(table) -> None:
    """Every shown column has a header in words (no internal name), a width, and the table fits a laptop."""
    columns = _columns(table)
    assert set(columns) <= set(table.value.columns)
    for name, column in columns.items():
        assert column.get("label") and "_" not in column["label"] and column["label"] != name, (name, column)
        assert column.get("help"), name
    assert sum(column["width"] for column in columns.values()) <= MAX_TABLE_WIDTH_PX


def _summary(at: AppTest) -> str:
    return next(m.value for m in at.markdown if " incidents, " in m.value or " incident, " in m.value).strip("*")


def test_within_km_of_the_border_filters_every_page(data_dir, measured):
    at = _run()
    at.number_input(key="filter_within_km").set_value(30.0).run()
    near = measured[measured["distance_border_km"] <= 30.0]
    deaths = int(near["deaths_best"].fillna(0).sum())
    assert _summary(at) == f"{len(near)} of {len(measured)} incidents, {deaths} deaths"
    # The link now holds the distance.
    assert _param(at, "within_km") == ["30"]


def test_a_link_sets_the_filters_and_the_page_writes_them_back(data_dir, measured):
    at = _run(type="Battles", within_km="30", **{"from": "2016-03-01", "to": "2016-03-31"})
    chosen = measured[
        (measured["event_type"] == "Battles") & (measured["distance_border_km"] <= 30)
        & (measured["event_date"].dt.date.between(dt.date(2016, 3, 1), dt.date(2016, 3, 31)))
    ]
    assert _summary(at).startswith(f"{len(chosen)} of {len(measured)} incidents")
    assert at.multiselect(key="filter_types").value == ["Battles"]
    assert _param(at, "type") == ["Battles"]
    assert _param(at, "from") == ["2016-03-01"]


def test_a_broken_link_says_what_it_could_not_read(data_dir):
    at = _run(within_km="far", step="fortnight")
    # Markdown source: the underscore is escaped so it shows as typed.
    warnings = " ".join(w.value for w in at.warning)
    assert "within\\_km='far' is not a number" in warnings and "step='fortnight' is not one of" in warnings
    assert not at.exception


def test_month_by_month_playback_steps_through_the_range(data_dir):
    at = _run(**{"from": "2016-02-01", "to": "2016-04-30"})
    at.segmented_control(key="playback_step").set_value("month").run()
    captions = " ".join(c.value for c in at.caption)
    assert "February 2016" in captions and "29 February 2016" in captions
    next_button = next(b for b in at.button if b.label == "▶")
    next_button.click().run()
    captions = " ".join(c.value for c in at.caption)
    # March 2016: the raid on Ben Guerdane (7 March) and the firefight before it.
    assert "March 2016" in captions and "31 March 2016" in captions
    assert _param(at, "step") == ["month"] and _param(at, "period") == ["2016-03-01"]


def test_layers_are_switched_from_the_page_and_kept_in_the_link(data_dir):
    at = _run()
    at.pills(key="map_layers").set_value(["sites", "heatmap", "border"]).run()
    assert not at.exception
    assert _param(at, "layer") == ["sites", "heatmap", "border"]


def test_a_link_with_a_period_opens_that_period(data_dir):
    at = _run(step="week", period="2016-03-07", **{"from": "2016-01-01", "to": "2016-06-30"})
    assert at.select_slider(key="playback_frame").value == dt.date(2016, 3, 7)
    assert any(c.value.startswith("2016\\-W10:") for c in at.caption)  # markdown source


@pytest.mark.parametrize("view", ["distance", "segments", "sequences", "surge"])
def test_every_analytics_view_opens_and_its_tables_read_as_plain_words(data_dir, view):
    at = _run("app_pages/analytics.py")
    at.segmented_control(key="analytics_view").set_value(view).run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Border analytics"
    assert len(at.dataframe) == 1
    _assert_reads_as_plain_words(at.dataframe[0])
    # The default question is left out of the link, the others are kept.
    assert _param(at, "question") == ([] if view == "distance" else [view])


def test_the_chosen_question_is_kept_in_the_link_and_opens_again_from_it(data_dir):
    at = _run("app_pages/analytics.py")
    at.segmented_control(key="analytics_view").set_value("sequences").run()
    assert _param(at, "question") == ["sequences"]
    # A visit to the map keeps it in the link, and coming back shows it again.
    at.switch_page("app_pages/map.py").run()
    assert _param(at, "question") == ["sequences"]
    at.switch_page("app_pages/analytics.py").run()
    assert at.segmented_control(key="analytics_view").value == "sequences"

    opened = _run("app_pages/analytics.py", question="sequences")
    assert opened.segmented_control(key="analytics_view").value == "sequences"
    assert "Within days" in [widget.label for widget in opened.number_input]
    assert _param(opened, "question") == ["sequences"]
    assert not opened.warning


def test_an_unknown_question_keeps_the_default_and_warns_until_a_question_is_picked(data_dir):
    at = _run("app_pages/analytics.py", question="hotspots")
    assert at.segmented_control(key="analytics_view").value == "distance"
    assert any(metric.label == "Median distance" for metric in at.metric)
    assert "question='hotspots'" in " ".join(warning.value for warning in at.warning)
    assert _param(at, "question") == []
    # Other changes leave the warning up; picking a question answers it.
    at.toggle(key="analytics_centroids").set_value(True).run()
    assert "question='hotspots'" in " ".join(warning.value for warning in at.warning)
    at.segmented_control(key="analytics_view").set_value("surge").run()
    assert not at.warning
    assert _param(at, "question") == ["surge"]


def test_the_segment_table_gives_counts_as_whole_numbers_under_plain_headers(data_dir, measured):
    at = _run("app_pages/analytics.py", question="segments")
    near = measured[(measured["distance_border_km"] <= config.CORRIDOR_KM)
                    & (measured["geo_precision"] != config.CENTROID_GEO_PRECISION)]
    by_segment = near.groupby(near["border_position_km"] // config.SEGMENT_KM)
    incidents, deaths = by_segment.size(), by_segment["deaths_best"].sum()
    busiest = incidents.sort_values(ascending=False).index[0]
    table = at.dataframe[0]
    columns = _columns(table)
    assert [column["label"] for column in columns.values()] == [
        "Rank", "Stretch of border", "Incidents", "Deaths", "Trend per month", "Recent per month",
        "Earlier per month"]
    # Counts are whole numbers, shown with thousands separators; means with one decimal.
    assert columns["incidents"]["type_config"]["format"] == columns["deaths"]["type_config"]["format"] == "%,d"
    assert columns["recent_mean"]["type_config"]["format"] == "%,.1f"
    rows = table.value
    assert str(rows["deaths"].dtype) == "int64"
    # Only the segments with incidents, busiest first.
    assert len(rows) == len(incidents)
    first = rows.iloc[0]
    start = busiest * config.SEGMENT_KM
    assert first["label"] == f"{start:g}–{start + config.SEGMENT_KM:g} km from the coast"
    assert (first["rank"], first["incidents"], first["deaths"]) == (1, incidents[busiest], round(deaths[busiest]))
    hottest = " ".join(m.value for m in at.markdown if m.value.startswith("**Hottest segments:**"))
    assert f"({incidents[busiest]} incidents, {round(deaths[busiest])} deaths)" in hottest
    assert not re.search(r"\d\.0 deaths", hottest)


def test_distance_statistics_leave_out_centroids_unless_asked(data_dir, measured):
    at = _run("app_pages/analytics.py")
    within = measured[measured["distance_border_km"] <= 200]
    exact = within[within["geo_precision"] != config.CENTROID_GEO_PRECISION]
    text = " ".join(m.value for m in at.markdown)
    assert f"describe **{len(exact)}** of them" in text
    at.toggle(key="analytics_centroids").set_value(True).run()
    text = " ".join(m.value for m in at.markdown)
    assert f"describe **{len(within)}** of them" in text


def test_the_sequences_view_lists_sabratha_then_ben_guerdane(data_dir):
    at = _run("app_pages/analytics.py")
    at.segmented_control(key="analytics_view").set_value("sequences").run()
    table = at.dataframe[0]
    assert [column["label"] for column in _columns(table).values()] == [
        "First", "Where", "Then", "Where", "Days later", "Apart (km)"]
    assert _columns(table)["first_date"]["type_config"]["format"] == "D MMM YYYY"
    listing = table.value
    raid = listing[(listing["first_date"] == "2016-02-19") & listing["first_place"].str.contains("Sabratha")
                   & (listing["then_date"] == "2016-03-07") & listing["then_place"].str.contains("Ben Guerdane")]
    assert len(raid) == 1, listing
    assert raid.iloc[0]["first_place"].startswith("Libya: ") and raid.iloc[0]["then_place"].startswith("Tunisia: ")
    assert raid.iloc[0]["lag_days"] == 17


def test_the_surge_view_flags_march_2016_in_the_corridor(data_dir, measured):
    at = _run("app_pages/analytics.py")
    at.segmented_control(key="analytics_view").set_value("surge").run()
    at.date_input(key="surge_until").set_value(dt.date(2016, 3, 31)).run()
    corridor = measured[(measured["distance_border_km"] <= config.CORRIDOR_KM)
                        & (measured["geo_precision"] != config.CENTROID_GEO_PRECISION)]
    march = corridor[corridor["event_date"].dt.strftime("%Y-%m") == "2016-03"]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["This month"] == str(len(march))
    assert metrics["Signal"] == ("Surge" if len(march) >= 3 else "No surge")
    assert len(march) >= 3  # the raid on Ben Guerdane and the fighting around it
    columns = _columns(at.dataframe[0])
    assert columns["chance_pct"]["label"] == "Chance (%)" and columns["current"]["label"] == "This month"
    # The chance is shown in per cent, not as a p-value.
    assert at.dataframe[0].value["chance_pct"].between(0, 100).all()


def test_map_choices_survive_a_visit_to_another_page_and_stay_in_the_link(data_dir):
    at = _run(**{"from": "2016-01-01", "to": "2016-06-30"})
    at.pills(key="map_layers").set_value(["sites", "heatmap"]).run()
    at.segmented_control(key="playback_step").set_value("month").run()
    next(b for b in at.button if b.label == "▶").click().run()
    at.switch_page("app_pages/analytics.py").run()
    assert not at.exception, at.exception
    assert _param(at, "layer") == ["sites", "heatmap"]
    assert _param(at, "step") == ["month"] and _param(at, "period") == ["2016-02-01"]
    at.switch_page("app_pages/map.py").run()
    assert at.pills(key="map_layers").value == ["sites", "heatmap"]
    assert at.select_slider(key="playback_frame").value == dt.date(2016, 2, 1)


def test_a_slow_page_run_during_playback_draws_its_period_instead_of_skipping_it(data_dir):
    at = _run(**{"from": "2016-01-01", "to": "2016-04-30"})
    at.segmented_control(key="playback_step").set_value("month").run()
    next(b for b in at.button if b.label == "Play").click().run()
    assert at.select_slider(key="playback_frame").value == dt.date(2016, 1, 1)
    # The page took long to run (a loaded server): the timer's interval has passed since the last step.
    at.session_state["playback_last_step"] -= 60
    at.run()
    # The run of the page shows January; only the timer moves on to February.
    assert not at.exception, at.exception
    assert at.select_slider(key="playback_frame").value == dt.date(2016, 1, 1)
    assert "January 2016" in " ".join(c.value for c in at.caption)
