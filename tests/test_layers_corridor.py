"""Map layers of the analytics maps (border segments, cross-border sequences, town names): names, features,
escaping, ids, arrow directions."""

from __future__ import annotations

import math

import folium
import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import LineString

from borderwatch import config
from borderwatch.corridor import border_segments, segment_summary
from layers.segments import (
    FEATURE_KIND,
    QUIET_COLOUR,
    SEGMENT_PALETTE,
    segment_colour,
    segment_features,
    segment_style,
    segment_tooltip,
    segments_layer,
)
from layers.sequences import ARROW_CLASS, arrow_placement, sequence_features, sequences_layer
from ui.staticmap import PLACE_NAME_CLASS, place_name_features, place_names_layer

# {{7*191}}: were it run as a template, 1337 would appear in the page.
HOSTILE = "<img src=x onerror=alert(1)>{{7*191}}${alert(2)}`"
HOSTILE_ESCAPED = "&lt;img src=x onerror=alert(1)&gt;&#123;&#123;7*191&#125;&#125;&#36;&#123;alert(2)&#125;&#96;"


def _segments() -> gpd.GeoDataFrame:
    # 25 km north from (600 km E, 3650 km N) in UTM 32N: segments of 10, 10 and 5 km.
    line = gpd.GeoSeries([LineString([(600_000, 3_650_000), (600_000, 3_675_000)])], crs=config.METRIC_CRS)
    return border_segments(line.to_crs(config.GEOGRAPHIC_CRS).iloc[0])


def _summary(segments: gpd.GeoDataFrame) -> pd.DataFrame:
    periods = pd.period_range("2016-01", periods=3, freq="M")
    activity = pd.DataFrame({
        "segment": [0, 0, 0, 1, 1, 1, 2, 2, 2],
        "period": list(periods) * 3,
        "incidents": [1, 2, 3, 0, 1, 0, 0, 0, 0],
        "deaths": [4.0, 0, 0, 1.0, 0, 0, 0, 0, 0],
    })
    return segment_summary(activity, segments, top=1)


def _pairs() -> pd.DataFrame:
    return pd.DataFrame({
        "first_id": ["LY-1", "TN-2"], "then_id": ["TN-1", "LY-2"],
        "first_date": pd.to_datetime(["2016-02-19", "2016-03-07"]),
        "then_date": pd.to_datetime(["2016-03-07", "2016-03-07"]),
        "first_side": ["Libya", "Tunisia"], "then_side": ["Tunisia", HOSTILE],
        "first_location": ["Sabratha", HOSTILE], "then_location": ["Ben Gardane", "Zuwara"],
        "lag_days": [17, 0], "distance_km": [124.98, 60.2],
        "first_lat": [32.7934, 33.1389], "first_lon": [12.4885, 11.2167],
        "then_lat": [33.1389, 32.9312], "then_lon": [11.2167, 12.082],
        "first_deaths": [43.0, 55.0], "then_deaths": [55.0, float("nan")],
    })


def _render(group: folium.FeatureGroup) -> str:
    fmap = folium.Map(tiles=None)
    group.add_to(fmap)
    return fmap.get_root().render()


def _geojsons(group: folium.FeatureGroup) -> list[folium.GeoJson]:
    return [child for child in group._children.values() if isinstance(child, folium.GeoJson)]


def test_layer_names_use_the_words_users_look_for():
    segments = _segments()
    assert segments_layer(segments, _summary(segments)).layer_name == "Border segments (incidents)"
    assert sequences_layer(_pairs()).layer_name == "Cross-border sequences"


@pytest.mark.parametrize(
    ("incidents", "most", "expected"),
    # Fifths of the busiest count: 1/10 is in the first, 6/10 in the third, 10/10 in the last.
    [(0, 10, QUIET_COLOUR), (1, 10, SEGMENT_PALETTE[0]), (2, 10, SEGMENT_PALETTE[0]), (6, 10, SEGMENT_PALETTE[2]),
     (10, 10, SEGMENT_PALETTE[-1]), (0, 0, QUIET_COLOUR)],
)
def test_segment_colour_steps_through_the_palette(incidents, most, expected):
    assert segment_colour(incidents, most) == expected


def test_segment_tooltip_reads_as_a_sentence():
    record = {"start_km": 120.0, "end_km": 130.0, "incidents": 14, "deaths": 37.0, "trend": 0.8,
              "trend_unit": "month", "rank": 1}
    assert segment_tooltip(record) == "km 120–130: 14 incidents, 37 deaths, trend +0.8/month (rank 1)"
    single = {**record, "incidents": 1, "deaths": 1.0, "trend": -0.25, "end_km": 129.6}
    assert segment_tooltip(single) == "km 120–129.6: 1 incident, 1 death, trend -0.2/month (rank 1)"
    assert segment_tooltip({**record, "trend": float("nan")}).endswith("37 deaths (rank 1)")


def test_segments_layer_draws_one_feature_per_segment_with_its_number():
    segments = _segments()
    summary = _summary(segments)
    features = segment_features(segments, summary)["features"]
    assert [f["properties"]["segment"] for f in features] == [0, 1, 2]
    assert all(f["properties"]["kind"] == FEATURE_KIND for f in features)
    # Segment 0: 6 incidents (the most, darkest); segment 1: 1 of 6 (first step); segment 2: none.
    assert [f["properties"]["colour"] for f in features] == [SEGMENT_PALETTE[-1], SEGMENT_PALETTE[0], QUIET_COLOUR]
    assert [f["properties"]["hottest"] for f in features] == [True, False, False]
    assert features[0]["properties"]["tooltip_html"] == "km 0–10: 6 incidents, 4 deaths, trend +1.0/month (rank 1)"
    # Hottest thickest, quiet thinnest.
    weights = [segment_style(feature)["weight"] for feature in features]
    assert weights[0] > weights[1] > weights[2]

    group = segments_layer(segments, summary)
    casing, lines = _geojsons(group)
    assert len(lines.data["features"]) == 3
    assert len(casing.data["features"]) == 1  # only the hottest gets the dark outline, under it
    html = _render(group)
    assert "bindSegmentTooltip" in html
    assert "6 incidents, 4 deaths, trend +1.0/month (rank 1)" in html


def test_segments_without_hot_ones_have_no_outline_layer():
    segments = _segments()
    summary = _summary(segments).assign(hottest=False)
    assert len(_geojsons(segments_layer(segments, summary))) == 1


def test_segment_missing_from_the_summary_is_drawn_quiet():
    segments = _segments()
    summary = _summary(segments)
    features = segment_features(segments, summary[summary["segment"] != 1])["features"]
    assert features[1]["properties"]["colour"] == QUIET_COLOUR
    assert features[1]["properties"]["tooltip_html"] == "km 10–20: 0 incidents, 0 deaths"


def test_sequences_layer_draws_one_line_one_end_dot_and_one_arrowhead_per_pair():
    pairs = _pairs()
    lines, ends, arrows = sequence_features(pairs)
    assert len(lines["features"]) == len(ends["features"]) == len(arrows["features"]) == 2
    # First to then, in lon/lat; the dot sits at the later end.
    assert lines["features"][0]["geometry"]["coordinates"] == [[12.4885, 32.7934], [11.2167, 33.1389]]
    assert ends["features"][0]["geometry"]["coordinates"] == [11.2167, 33.1389]
    assert lines["features"][0]["properties"]["tooltip_html"] == (
        "19 Feb 2016, Sabratha (Libya) → 7 Mar 2016, Ben Gardane (Tunisia): 17 days later, 125 km apart")
    # Sabratha to Ben Gardane runs west and a little north: the arrowhead points left, slightly up.
    assert -180 < arrows["features"][0]["properties"]["angle"] < -150
    group = sequences_layer(pairs)
    line_layer, end_layer, arrow_layer = _geojsons(group)
    assert len(line_layer.data["features"]) == 2 and len(end_layer.data["features"]) == 2
    assert len(arrow_layer.data["features"]) == 2
    html = _render(group)
    assert "bindSequenceTooltip" in html
    assert "the same day" in html
    assert "sequenceArrow" in html and ARROW_CLASS in html


@pytest.mark.parametrize(
    ("end", "angle"),
    # Clockwise from east on screen, as CSS rotates: north is up (-90), south down (90).
    [((11.0, 30.0), 0.0), ((10.0, 31.0), -90.0), ((9.0, 30.0), 180.0), ((10.0, 29.0), 90.0)],
)
def test_an_arrowhead_points_from_the_first_incident_to_the_later_one(end, angle):
    (lon, lat), turned = arrow_placement((10.0, 30.0), end)
    # Compared on the circle: 180 and -180 are the same direction.
    assert math.cos(math.radians(turned - angle)) == pytest.approx(1.0)
    # Halfway along the line as the map draws it (Web Mercator): in longitude exactly, in latitude nearly.
    assert lon == pytest.approx((10.0 + end[0]) / 2)
    assert lat == pytest.approx((30.0 + end[1]) / 2, abs=0.01)


def test_a_pair_at_one_spot_gets_no_arrowhead():
    pairs = _pairs().iloc[:1].assign(then_lat=32.7934, then_lon=12.4885)
    _, _, arrows = sequence_features(pairs)
    assert arrows["features"] == []


def test_the_key_towns_are_named_on_the_side_away_from_the_border():
    places = gpd.GeoDataFrame({
        "id": ["ben-guerdane", "wazin", "nalut", "ras-ajdir"],
        "name": ["Ben Gardane (Ben Guerdane)", "Wazin", HOSTILE, "Ras Ajdir border crossing"],
        "latitude": [33.1389, 31.942, 31.8685, 33.1481], "longitude": [11.2167, 10.6653, 10.9812, 11.5663],
    })
    features = place_name_features(places)["features"]
    named = {feature["properties"]["name_html"]: feature["properties"]["side"] for feature in features}
    # Ben Gardane, in Tunisia west of the border, is named to its left; Nalut, in Libya, to its right.
    assert named == {"Ben Gardane": "left", HOSTILE_ESCAPED: "right"}
    html = _render(place_names_layer(places))
    assert "bindPlaceName" in html and PLACE_NAME_CLASS in html
    assert "<img src=x" not in html


def test_hostile_text_is_escaped_in_both_layers():
    pairs = _pairs()
    lines, _, _ = sequence_features(pairs)
    tooltip = lines["features"][1]["properties"]["tooltip_html"]
    assert HOSTILE not in tooltip and "<img" not in tooltip
    assert f"7 Mar 2016, {HOSTILE_ESCAPED} (Tunisia)" in tooltip
    segments = _segments()
    summary = _summary(segments).assign(trend_unit=HOSTILE)
    html = _render(sequences_layer(pairs)) + _render(segments_layer(segments, summary))
    assert "1337" not in html
    for raw in ("<img src=x", "{{7*191}}", "${alert(2)}"):
        assert raw not in html
    # Folium writes the GeoJSON as JSON in a script, where "&" is \u0026. Escaped text shows
    # twice in the second pair's tooltip (place and side), once in each of the 3 segments' (trend unit).
    assert html.replace("\\u0026", "&").count(HOSTILE_ESCAPED) == 5


def test_layers_do_not_change_their_input():
    segments = _segments()
    summary = _summary(segments)
    pairs = _pairs()
    copies = segments.copy(), summary.copy(), pairs.copy()
    _render(segments_layer(segments, summary))
    _render(sequences_layer(pairs))
    assert segments.equals(copies[0]) and summary.equals(copies[1]) and pairs.equals(copies[2])


def test_no_pairs_give_an_empty_layer():
    group = sequences_layer(_pairs().iloc[0:0])
    assert group.layer_name == "Cross-border sequences" and not _geojsons(group)


