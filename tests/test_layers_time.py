"""Layers that change with time: Tunisia–Libya's barrier and crossings by status (its preset), heatmap, precision."""

from __future__ import annotations

import itertools
import json
import math
import re
from datetime import date

import folium
import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from borderwatch import config
from borderwatch.importers.infrastructure import load_preset
from layers.assets import asset_urls
from layers.basemap import offline_map
from layers.heatmap import heat_weights, heatmap_layer
from layers.infrastructure import (
    BARRIER_LAYER_NAME,
    CROSSINGS_LAYER_NAME,
    barriers_layer,
    line_style,
    point_style,
    points_layer,
)
from layers.precision import encode_circles, precision_layer
from layers.style import BARRIER_COLOUR, BARRIER_LINES, POINT_STATUS_COLOURS

PLANNED_COLOUR = BARRIER_LINES["planned"].colour


def _render(*elements) -> str:
    fmap = folium.Map(tiles=None)
    for element in elements:
        element.add_to(fmap)
    return fmap.get_root().render()


def _geojson_children(group: folium.FeatureGroup) -> list[folium.GeoJson]:
    return [child for child in group._children.values() if isinstance(child, folium.GeoJson)]


# --- barrier and crossings of Tunisia–Libya, from its preset -------------------

def _preset():
    return load_preset(config.DEFAULT_BORDER)


def _only_style(layer: folium.FeatureGroup) -> dict:
    (geojson,) = _geojson_children(layer)
    (feature,) = geojson.data["features"]
    return geojson.style_function(feature)


@pytest.mark.parametrize(
    ("day", "colour", "dashed"),
    [(date(2015, 9, 1), BARRIER_COLOUR, True), (date(2016, 2, 6), BARRIER_COLOUR, False)],
)
def test_barrier_style_follows_its_status(day, colour, dashed):
    layer = barriers_layer(_preset(), day)
    assert layer.layer_name == BARRIER_LAYER_NAME
    style = _only_style(layer)
    assert style["color"] == colour
    assert bool(style.get("dashArray")) is dashed


def test_planned_is_grey_and_distinct_from_under_construction():
    planned = line_style({"properties": {"kind": "berm", "status": "planned"}})
    under_construction = line_style({"properties": {"kind": "berm", "status": "under construction"}})
    assert planned["color"] == PLANNED_COLOUR != under_construction["color"] == BARRIER_COLOUR
    assert planned["dashArray"] != under_construction["dashArray"]


def test_barrier_before_its_announcement_is_an_empty_layer():
    layer = barriers_layer(_preset(), date(2015, 6, 1))
    assert layer.layer_name == BARRIER_LAYER_NAME and layer.control
    assert _geojson_children(layer) == []
    assert "LineString" not in _render(layer)


def test_barrier_tooltip_gives_the_status_on_the_day_and_popup_keeps_the_lengths():
    html = _render(barriers_layer(_preset(), date(2015, 9, 1))).replace("\\u0026", "&")
    assert ("Trench and berm (barrier)\\u003c/b\\u003e \\u2014 under construction on 2015-09-01 "
            "(7 July 2015 \\u2013 6 February 2016)") in html
    assert "Reported length: 200 km" in html and "Planned length: 168 km" in html and "125 miles" in html
    assert "No public dataset gives the path" in html


def test_crossings_are_green_when_open_and_red_with_a_cross_when_closed():
    day = date(2024, 5, 1)  # Ras Ajdir closed 19 Mar – 1 Jul 2024, Dehiba–Wazin open
    layer = points_layer(_preset(), day)
    assert layer.layer_name == CROSSINGS_LAYER_NAME
    (geojson,) = _geojson_children(layer)
    features = {feature["id"]: feature for feature in geojson.data["features"]}
    assert set(features) == {"ras-ajdir", "dehiba-wazin"}  # the barrier is the other layer's
    closed = point_style(features["ras-ajdir"])
    opened = point_style(features["dehiba-wazin"])
    assert POINT_STATUS_COLOURS["closed"] in closed["html"] and "\u00d7" in closed["html"]
    assert POINT_STATUS_COLOURS["open"] in opened["html"] and "\u00d7" not in opened["html"]
    assert features["ras-ajdir"]["properties"]["tooltip_html"] == (
        "<b>Ras Ajdir border crossing</b> — closed on 2024-05-01 (19 March – 1 July 2024)")
    assert features["dehiba-wazin"]["properties"]["tooltip_html"].endswith("— open on 2024-05-01")


def test_crossing_tooltip_quotes_the_closure_of_march_2016():
    html = _render(points_layer(_preset(), date(2016, 3, 10)))
    assert "Ras Ajdir border crossing\\u003c/b\\u003e \\u2014 closed on 2016-03-10 (7\\u201322 March 2016)" in html


def test_a_crossing_closed_during_the_month_shown_is_drawn_closed_as_of_that_day():
    # March 2016 ends with both crossings open again: the month still shows the closure.
    layer = points_layer(_preset(), date(2016, 3, 31), since=date(2016, 3, 1))
    (geojson,) = _geojson_children(layer)
    tooltips = {feature["id"]: feature["properties"]["tooltip_html"] for feature in geojson.data["features"]}
    assert tooltips["ras-ajdir"].endswith("— closed on 2016-03-07 (7–22 March 2016)")
    assert tooltips["dehiba-wazin"].endswith("— closed on 2016-03-07 (7–22 March 2016)")
    # A crossing open on every day of the period is drawn open, no period quoted.
    layer = points_layer(_preset(), date(2016, 4, 30), since=date(2016, 4, 1))
    (geojson,) = _geojson_children(layer)
    assert geojson.data["features"][0]["properties"]["tooltip_html"].endswith("— open on 2016-04-30")


def test_time_layers_do_not_change_their_input():
    points = pd.DataFrame({"latitude": [33.1, np.nan], "longitude": [11.2, 11.0], "weight": [3, 1],
                           "precision_km": [5.0, 0.0], "geo_precision": [2, 1], "id": ["a", "b"]})
    before = points.copy()
    heatmap_layer(points)
    precision_layer(points)
    assert points.equals(before)


# --- heatmap -----------------------------------------------------------------

def _heat_data(layer: folium.FeatureGroup) -> list[list[float]]:
    (heat,) = layer._children.values()
    return heat.data


def test_heat_weights_keep_one_incident_at_one_and_compress_dense_cells():
    # log2(1 + n): 1 -> 1, 3 -> 2, 511 -> 9.
    assert heat_weights(pd.Series([1, 3, 511])).tolist() == pytest.approx([1.0, 2.0, 9.0])


@given(st.lists(st.integers(min_value=1, max_value=10**6), min_size=2, max_size=30))
def test_heat_weights_keep_the_order_of_the_counts(counts):
    weights = heat_weights(pd.Series(counts))
    for (count_a, weight_a), (count_b, weight_b) in itertools.pairwise(zip(counts, weights, strict=True)):
        assert (count_a < count_b) == (weight_a < weight_b)
    assert (weights >= 1.0).all() and (weights <= math.log2(1 + 10**6)).all()


def test_heatmap_skips_rows_it_cannot_draw():
    points = pd.DataFrame({"latitude": [33.1, np.nan, 32.0, 31.0], "longitude": [11.2, 11.0, 10.7, 10.0],
                           "weight": [1, 5, 0, 7]})
    layer = heatmap_layer(points)
    assert layer.layer_name == "Heatmap"
    assert _heat_data(layer) == [[33.1, 11.2, 1.0], [31.0, 10.0, 3.0]]  # log2(1 + 7) = 3
    assert not heatmap_layer(points.iloc[0:0])._children


def test_heatmap_page_loads_only_local_scripts():
    scripts, styles = asset_urls("/app/static")
    fmap = offline_map(scripts, styles)
    heatmap_layer(pd.DataFrame({"latitude": [33.1], "longitude": [11.2], "weight": [1]})).add_to(fmap)
    html = fmap.get_root().render()
    urls = [url.split("?")[0] for url in
            re.findall(r'<script[^>]*\bsrc="([^"]*)"', html) + re.findall(r'<link[^>]*\bhref="([^"]*)"', html)]
    assert "/app/static/vendor/leaflet_heat/leaflet_heat.min.js" in urls
    assert [url for url in urls if "http" in url or url.startswith("//")] == []
    assert "L.heatLayer(" in html
    # folium's class-wide default is left alone for other users of folium.
    assert any("cdn" in url for _, url in folium.plugins.HeatMap.default_js)


# --- precision ---------------------------------------------------------------

def test_precision_circles_are_metres_on_the_ground_merged_per_place_and_radius():
    points = pd.DataFrame({
        "id": ["a", "b", "c", "d", "e"],
        "latitude": [35.1676, 35.1676, 33.1389, 32.0, 32.5],
        "longitude": [8.8365, 8.8365, 11.2167, 10.7, 10.5],
        "precision_km": [25.0, 25.0, 5.0, np.nan, 0.0],
        "geo_precision": [3, 3, 2, 1, 1],
    })
    data = encode_circles(points)
    # Two incidents at Kasserine within 25 km share one circle of 25,000 m; NaN and 0 radii are skipped.
    assert data["radius_m"] == [25_000, 5_000]
    assert data["count"] == [2, 1]
    assert [data["words"][code] for code in data["code"]] == ["district", "near the place named"]
    json.dumps(data, allow_nan=False)
    html = _render(precision_layer(points))
    assert "BorderWatch.precision(" in html


def test_precision_layer_is_named_and_empty_without_radii():
    points = pd.DataFrame({"id": ["a"], "latitude": [33.0], "longitude": [11.0], "precision_km": [np.nan],
                           "geo_precision": [1]})
    layer = precision_layer(points)
    assert layer.layer_name == "Location precision"
    assert not layer._children
