"""Layers that change with time: barrier and crossings by status, heatmap, precision circles."""

from __future__ import annotations

import itertools
import json
import math
import re
from datetime import date

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from shapely.geometry import LineString, Point

from borderwatch.timeline import load_timeline, status_on
from layers.assets import asset_urls
from layers.barrier import LAYER_NAME as BARRIER_NAME
from layers.basemap import offline_map
from layers.heatmap import heat_weights, heatmap_layer
from layers.infrastructure import (
    CLOSED_CROSSING_COLOUR,
    OPEN_CROSSING_COLOUR,
    PLANNED_COLOUR,
    barrier_status_layer,
    crossing_status_style,
    crossings_status_layer,
    planned_style,
    under_construction_style,
)
from layers.places import CROSSINGS_LAYER_NAME
from layers.precision import encode_circles, precision_layer
from layers.style import BARRIER_COLOUR

HOSTILE = "${alert(1)}<img src=x onerror=alert(2)></script>\\`{{ 7*191 }}"


def _barrier():
    return gpd.GeoDataFrame(
        {"measured_length_km": [179.5], "reported_length_km": [200], "reported_length_miles": [125],
         "planned_length_km": [168], "other_reported_lengths": ["196 km; 250 km"],
         "announced": ["2015-07-07"], "completion_announced": ["2016-02-06"], "offset_km": [2]},
        geometry=[LineString([(11.48, 33.17), (10.68, 32.0)])], crs="EPSG:4326",
    )


def _places(ras_ajdir_name: str = "Ras Ajdir border crossing"):
    return gpd.GeoDataFrame(
        {"id": ["ras-ajdir", "dehiba-wazin", "ben-guerdane"],
         "name": [ras_ajdir_name, "Dehiba–Wazin crossing (approx.)", "Ben Gardane"],
         "kind": ["crossing", "crossing", "town"], "country": ["Tunisia"] * 3,
         "latitude": [33.1481, 31.9801, 33.1389], "longitude": [11.5663, 10.7289, 11.2167]},
        geometry=[Point(11.5663, 33.1481), Point(10.7289, 31.9801), Point(11.2167, 33.1389)], crs="EPSG:4326",
    )


def _render(*elements) -> str:
    fmap = folium.Map(tiles=None)
    for element in elements:
        element.add_to(fmap)
    return fmap.get_root().render()


def _geojson_children(group: folium.FeatureGroup) -> list[folium.GeoJson]:
    return [child for child in group._children.values() if isinstance(child, folium.GeoJson)]


# --- barrier -----------------------------------------------------------------

@pytest.mark.parametrize(
    ("status", "colour", "dashed"),
    [
        ("complete", BARRIER_COLOUR, False),
        ("under construction", BARRIER_COLOUR, True),
        ("planned", PLANNED_COLOUR, True),
    ],
)
def test_barrier_style_follows_its_status(status, colour, dashed):
    layer = barrier_status_layer(_barrier(), status, date(2016, 1, 1))
    assert layer.layer_name == BARRIER_NAME
    (geojson,) = _geojson_children(layer)
    style = geojson.style_function({})
    assert style["color"] == colour
    assert bool(style.get("dashArray")) is dashed


def test_planned_is_grey_and_distinct_from_under_construction():
    assert planned_style({})["color"] != under_construction_style({})["color"] == BARRIER_COLOUR
    assert planned_style({})["dashArray"] != under_construction_style({})["dashArray"]


def test_barrier_before_its_announcement_is_an_empty_layer():
    layer = barrier_status_layer(_barrier(), None, date(2015, 6, 1))
    assert layer.layer_name == BARRIER_NAME and layer.control
    assert not layer._children
    assert "LineString" not in _render(layer)


def test_barrier_tooltip_gives_the_status_on_the_day_and_popup_keeps_the_lengths():
    html = _render(barrier_status_layer(_barrier(), "under construction", date(2015, 9, 1)))
    assert "Under construction on 2015-09-01 (announced 7 Jul 2015; completion announced 6 Feb 2016)" in html
    assert "about 200 km" in html and "168 km" in html and "Approximate" in html


def test_unknown_barrier_status_is_refused():
    with pytest.raises(ValueError, match="'open'"):
        barrier_status_layer(_barrier(), "open", date(2016, 1, 1))


# --- crossings ---------------------------------------------------------------

def _crossing_statuses(timeline, day):
    """Each crossing's status on a day, as the map's layer builder is handed them."""
    crossings = timeline.loc[timeline["feature_kind"] == "crossing", "feature_id"].unique()
    return {crossing: status_on(timeline, crossing, day) for crossing in crossings}


def test_crossings_are_green_when_open_and_red_with_a_cross_when_closed():
    timeline = load_timeline()
    day = date(2024, 5, 1)  # Ras Ajdir closed 19 Mar – 1 Jul 2024, Dehiba–Wazin open
    layer = crossings_status_layer(_places(), _crossing_statuses(timeline, day), day, timeline)
    assert layer.layer_name == CROSSINGS_LAYER_NAME
    (geojson,) = _geojson_children(layer)
    features = {feature["id"]: feature for feature in geojson.data["features"]}
    assert set(features) == {"ras-ajdir", "dehiba-wazin"}  # the town is not a crossing
    closed = crossing_status_style(features["ras-ajdir"])
    opened = crossing_status_style(features["dehiba-wazin"])
    assert CLOSED_CROSSING_COLOUR in closed["html"] and "\u00d7" in closed["html"]
    assert OPEN_CROSSING_COLOUR in opened["html"] and "\u00d7" not in opened["html"]
    assert features["ras-ajdir"]["properties"]["tooltip_html"] == (
        "<b>Ras Ajdir border crossing</b> — closed on 2024-05-01 (19 March – 1 July 2024)")
    assert features["dehiba-wazin"]["properties"]["tooltip_html"].endswith("— open on 2024-05-01")


def test_crossing_tooltip_quotes_the_closure_of_march_2016():
    timeline = load_timeline()
    day = date(2016, 3, 10)
    html = _render(crossings_status_layer(_places(), _crossing_statuses(timeline, day), day, timeline))
    assert "Ras Ajdir border crossing\\u003c/b\\u003e \\u2014 closed on 2016-03-10 (7\\u201322 March 2016)" in html


def test_a_crossing_missing_from_the_statuses_is_open_and_no_period_is_invented():
    layer = crossings_status_layer(_places(), {"ras-ajdir": "closed"}, date(2016, 3, 10))
    (geojson,) = _geojson_children(layer)
    tooltips = {feature["id"]: feature["properties"]["tooltip_html"] for feature in geojson.data["features"]}
    assert tooltips["ras-ajdir"].endswith("— closed on 2016-03-10")
    assert tooltips["dehiba-wazin"].endswith("— open on 2016-03-10")
    # A period of the timeline is quoted only for the status it gives.
    layer = crossings_status_layer(_places(), {"ras-ajdir": "open"}, date(2016, 3, 10), load_timeline())
    (geojson,) = _geojson_children(layer)
    assert geojson.data["features"][0]["properties"]["tooltip_html"].endswith("— open on 2016-03-10")


def test_hostile_crossing_names_are_escaped():
    html = _render(crossings_status_layer(_places(HOSTILE), {"ras-ajdir": "closed"}, date(2016, 3, 10)))
    assert "${alert" not in html and "<img src=x" not in html and "1337" not in html
    assert "&lt;img src=x" in html.replace("\\u0026", "&")


def test_time_layers_do_not_change_their_input():
    barrier, places = _barrier(), _places()
    points = pd.DataFrame({"latitude": [33.1, np.nan], "longitude": [11.2, 11.0], "weight": [3, 1],
                           "precision_km": [5.0, 0.0], "geo_precision": [2, 1], "id": ["a", "b"]})
    before = (barrier.copy(), places.copy(), points.copy())
    barrier_status_layer(barrier, "complete", date(2016, 3, 1))
    crossings_status_layer(places, {"ras-ajdir": "closed"}, date(2016, 3, 10), load_timeline())
    heatmap_layer(points)
    precision_layer(points)
    assert barrier.equals(before[0]) and places.equals(before[1]) and points.equals(before[2])


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
