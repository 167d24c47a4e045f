"""The Border analytics page, the map's analyses and the planner on Algeria–Morocco, with invented incidents."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from borderwatch import config
from borderwatch.bordermeasures import with_border_measures
from borderwatch.borders import find_border
from borderwatch.cli import main
from borderwatch.synth import write_synthetic_acled

APP = str(Path(__file__).resolve().parent.parent / "dashboard.py")
BORDER = "DZA-MAR"


@pytest.fixture(scope="module")
def stored(tmp_path_factory) -> tuple[Path, pd.DataFrame]:
    """A store holding invented incidents around Algeria–Morocco, and those incidents as the oracle reads them."""
    folder = tmp_path_factory.mktemp("dza-mar")
    export = folder / "acled.csv"
    write_synthetic_acled(export, 3_000, seed=7, border=find_border(BORDER))
    assert main(["--data-dir", str(folder / "store"), "import", str(export)]) == 0
    return folder / "store", pd.read_csv(export)


@pytest.fixture(scope="module")
def oracle(stored) -> pd.DataFrame:
    # Measured directly against the border, not through the store.
    incidents = with_border_measures(stored[1], BORDER)
    return incidents[incidents["geo_precision"] != config.CENTROID_GEO_PRECISION]


def _analytics(stored, monkeypatch, view: str) -> AppTest:
    monkeypatch.setenv("BORDERWATCH_DATA_DIR", str(stored[0]))
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["border"] = BORDER
    at.run()
    at.switch_page("app_pages/analytics.py").run()
    at.segmented_control(key="analytics_view").set_value(view).run()
    assert not at.exception, at.exception
    return at


def _text(at: AppTest) -> str:
    return " ".join(block.value for block in [*at.markdown, *at.caption, *at.info])


@pytest.mark.parametrize("view", ["distance", "segments", "sequences", "surge"])
def test_every_analytics_view_opens_on_algeria_morocco_without_the_tunisia_libya_notice(stored, monkeypatch, view):
    at = _analytics(stored, monkeypatch, view)
    text = _text(at)
    assert "On the Algeria–Morocco border (1,550 km)." in text
    assert "built on the Tunisia–Libya border" not in text
    assert "Tunisia" not in text and "Libya" not in text and "coast" not in text


def test_the_distance_view_describes_the_incidents_near_algeria_morocco(stored, oracle, monkeypatch):
    at = _analytics(stored, monkeypatch, "distance")
    within = oracle[oracle["distance_border_km"] <= 200]
    assert f"describe **{len(within):,}** of them" in _text(at)
    metrics = {metric.label: metric.value for metric in at.metric}
    assert metrics["Median distance"] == f"{within['distance_border_km'].median():.1f} km"
    # Algeria–Morocco has no barrier: no share of incidents between one and the border.
    assert "Between barrier and border" not in metrics


def test_the_segments_view_counts_incidents_per_10_km_along_algeria_morocco(stored, oracle, monkeypatch):
    at = _analytics(stored, monkeypatch, "segments")
    near = oracle[oracle["distance_border_km"] <= config.CORRIDOR_KM]
    by_segment = near.groupby(near["border_position_km"] // config.SEGMENT_KM)
    incidents, deaths = by_segment.size(), by_segment["fatalities"].sum()
    busiest = incidents.sort_values(ascending=False).index[0]
    rows = at.dataframe[0].value
    assert len(rows) == len(incidents) > 10
    start = busiest * config.SEGMENT_KM
    first = rows.iloc[0]
    assert first["label"] == f"{start:g}–{start + config.SEGMENT_KM:g} km along the border"
    assert (first["rank"], first["incidents"], first["deaths"]) == (1, incidents[busiest], round(deaths[busiest]))
    assert "Kilometres are counted along the border from its end at 35.09° N, 2.22° W" in _text(at)


def test_the_sequences_view_pairs_incidents_in_algeria_and_morocco(stored, monkeypatch):
    at = _analytics(stored, monkeypatch, "sequences")
    assert "An incident in Algeria or Morocco, then within **21** days" in _text(at)
    pairs = at.dataframe[0].value
    assert len(pairs) > 0
    sides = {frozenset((first.split(":")[0], then.split(":")[0]))
             for first, then in zip(pairs["first_place"], pairs["then_place"], strict=True)}
    assert sides == {frozenset(("Algeria", "Morocco"))}
    assert pairs["distance_km"].le(config.SEQUENCE_RADIUS_KM + 0.01).all()


def test_the_surge_view_names_stretches_along_algeria_morocco(stored, monkeypatch):
    at = _analytics(stored, monkeypatch, "surge")
    stretches = at.dataframe[0].value["stretch"]
    assert len(stretches) > 0
    assert stretches.str.fullmatch(r"\d+(\.\d)?–\d+(\.\d)? km along the border").all()


def test_the_map_draws_segments_along_algeria_morocco_and_sequences_between_its_countries(stored, monkeypatch):
    import folium

    from borderwatch.filters import IncidentQuery
    from borderwatch.mapview import MapView
    from layers.segments import FEATURE_KIND
    from ui import cache
    from ui.maplayers import switchable_layers

    monkeypatch.setenv("BORDERWATCH_DATA_DIR", str(stored[0]))
    cache.measure_border(BORDER)
    query = IncidentQuery(border=BORDER)
    shown = cache.map_data_for(query, MapView(-15.0, 20.0, 10.0, 40.0, 5))
    groups = switchable_layers(("segments", "sequences"), query, query, shown, None, border_key=BORDER)
    fmap = folium.Map()
    for group in groups:
        group.add_to(fmap)
    html = fmap.get_root().render()
    assert len(groups) == 2
    # One drawn segment per 10 km of the border's 1,550 km.
    assert html.count(f'"kind": "{FEATURE_KIND}"') == len(cache.segments(config.SEGMENT_KM, BORDER)) == 156
    pairs = cache.sequences(query, config.SEQUENCE_DAYS, config.SEQUENCE_RADIUS_KM)
    assert len(pairs) > 0 and set(pairs["first_side"]) | set(pairs["then_side"]) == {"Algeria", "Morocco"}
    # The sequences' tooltips name the side of each end.
    assert "(Algeria)" in html and "(Morocco)" in html


def test_the_planner_covers_a_stretch_of_algeria_morocco_and_judges_it_by_its_incidents(stored, oracle, monkeypatch):
    monkeypatch.setenv("BORDERWATCH_DATA_DIR", str(stored[0]))
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["border"] = BORDER
    at.run()
    at.switch_page("app_pages/planner.py").run()
    assert not at.exception, at.exception
    # No barrier on this border: the line to cover is a stretch of it, in km along it.
    assert at.radio(key="plan_line").options == ["A stretch of the border"]
    assert at.slider(key="plan_stretch").label == "Stretch of the border (km along the border)"
    at.slider(key="plan_stretch").set_value((100.0, 300.0)).run()
    at.number_input(key="plan_within").set_value(20.0).run()
    assert not at.exception, at.exception
    metrics = {metric.label: metric for metric in at.metric}
    # 200 km of line, measured in a plane centred on it: within a few metres of the geodesic length.
    covered_km = re.search(r"of ([\d,.]+) km within range", metrics["Line covered"].help).group(1)
    assert float(covered_km.replace(",", "")) == pytest.approx(200.0, abs=0.2)
    # Judged by the incidents within 20 km of that stretch (the oracle: measured directly against the border).
    near = oracle[(oracle["distance_border_km"] <= 20.0) & oracle["border_position_km"].between(100.5, 299.5)]
    judged = int(metrics["Incidents covered"].value.split(" of ")[1].replace(",", ""))
    assert judged >= len(near) > 0
    headline = next(m.value for m in at.markdown if m.value.startswith("**") and " · " in m.value)
    assert "Algeria–Morocco km 100–300" in headline
    assumptions = " ".join(m.value for m in at.markdown if m.value.startswith("**Assumptions**"))
    assert "UTM" not in assumptions and "conformal plane centred on the middle of the line" in assumptions
