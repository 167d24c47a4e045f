"""The border analytics, playback and permalink pages through Streamlit's AppTest."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from borderwatch import borderzone, config, reference

APP = str(Path(__file__).resolve().parent.parent / "app.py")
TIMEOUT = 90


@pytest.fixture(scope="module")
def measured():
    # The oracle: the bundled table measured directly, not through the store.
    return borderzone.with_measures(reference.load_incidents(config.INCIDENTS_PATH))


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
def test_every_analytics_view_opens(data_dir, view):
    at = _run("app_pages/analytics.py")
    at.segmented_control(key="analytics_view").set_value(view).run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Border analytics"


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
    listing = at.dataframe[0].value
    pairs = set(zip(listing["First"], listing["Then"], strict=True))
    assert any(first.startswith("2016-02-19") and "Sabratha" in first and then.startswith("2016-03-07")
               and "Ben Guerdane" in then for first, then in pairs), pairs


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
