"""The map and its PNG draw from one style table (layers/style.py): for the same view, they agree."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import Collection
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from shapely.geometry import LineString

from borderwatch import config, reference
from borderwatch.importers.infrastructure import load_preset
from borderwatch.infrastructure import ShownFeature, shown_features
from layers.border import border_layer
from layers.export.marks import PT_PER_PX, point_mark
from layers.export.png import MapLayers, map_figure
from layers.incidents import incidents_layer
from layers.infrastructure import barriers_layer, line_style, point_style, points_layer
from layers.places import places_layer
from layers.precision import precision_layer
from layers.script import ScriptCall
from layers.sequences import sequences_layer
from layers.style import (
    BARRIER_LINES,
    BORDER_LINE,
    PLACE_DOT,
    POINT_STATUS_COLOURS,
    PRECISION_CIRCLE,
    PRECISION_FILL_OPACITY,
    SEQUENCE_END,
    SEQUENCE_LINE,
    SITE_FILL_OPACITY,
    SITE_RIM,
    SITE_RIM_PX,
    LineStyle,
)

VIEW = (10.0, 31.7, 12.7, 33.8)
DAY = dt.date(2024, 5, 1)
# Ras Ajdir closed, Dehiba–Wazin open, as the preset has them in May 2024.
STATUSES = {"ras-ajdir": "closed", "dehiba-wazin": "open"}


@pytest.fixture(scope="module")
def places() -> gpd.GeoDataFrame:
    return reference.load_places()


@pytest.fixture(scope="module")
def pairs() -> pd.DataFrame:
    return pd.DataFrame({
        "first_date": ["2016-02-19"], "first_location": ["Sabratha"], "first_side": ["Libya"],
        "first_lon": [12.4885], "first_lat": [32.7934],
        "then_date": ["2016-03-07"], "then_location": ["Ben Gardane"], "then_side": ["Tunisia"],
        "then_lon": [11.2167], "then_lat": [33.1389], "lag_days": [17], "distance_km": [125.0],
    })


def _sequence_lines(pairs: pd.DataFrame) -> gpd.GeoDataFrame:
    lines = [LineString([(row.first_lon, row.first_lat), (row.then_lon, row.then_lat)]) for row in pairs.itertuples()]
    return gpd.GeoDataFrame(geometry=lines, crs=config.GEOGRAPHIC_CRS)


def _shown(barrier_status: str) -> list[ShownFeature]:
    """The preset on DAY, its barrier given ``barrier_status``."""
    return [dataclasses.replace(item, status=barrier_status) if item.feature.id == "barrier" else item
            for item in shown_features(load_preset(config.DEFAULT_BORDER), DAY)]


def _figure(places: gpd.GeoDataFrame, pairs: pd.DataFrame, barrier_status: str) -> Figure:
    points = reference.load_incidents()
    return map_figure(VIEW, MapLayers(
        border=reference.load_border(), infrastructure=_shown(barrier_status),
        places=pd.DataFrame(places[places["kind"] != "crossing"].drop(columns="geometry")),
        points=pd.DataFrame(points.drop(columns="geometry")), sequences=_sequence_lines(pairs),
    ), width_px=800, height_px=600, dpi=96)


def _drawn(figure: Figure, gid: str) -> list[Collection]:
    found = [artist for artist in figure.axes[0].collections if artist.get_gid() == gid]
    assert found, f"the PNG draws no {gid}"
    return found


def _map_styles(group: folium.FeatureGroup) -> list[dict]:
    """What each GeoJSON layer of a map group styles its first feature with."""
    return [child.style_function(child.data["features"][0]) for child in group._children.values()
            if isinstance(child, folium.GeoJson) and hasattr(child, "style_function") and child.data["features"]]


def _script_options(group: folium.FeatureGroup) -> dict:
    call = next(child for child in group._children.values() if isinstance(child, ScriptCall))
    return json.loads(call.options_json)


def _assert_line_agrees(collection: Collection, style: LineStyle) -> None:
    """The PNG's line has the map's colour, opacity, width and dash lengths (px → pt)."""
    assert np.allclose(collection.get_edgecolor()[0], to_rgba(style.colour, style.opacity))
    assert collection.get_linewidth()[0] == pytest.approx(style.weight_px * PT_PER_PX)
    _, dashes = collection.get_dashes()[0]
    if style.dash is None:
        assert dashes is None
    else:
        expected = [float(length) * PT_PER_PX for length in style.dash.split()]
        assert list(dashes) == pytest.approx(expected)


@pytest.mark.parametrize("status", list(BARRIER_LINES))
def test_lines_are_drawn_alike_on_the_map_and_in_the_png(places, pairs, status):
    figure = _figure(places, pairs, status)
    border = _map_styles(border_layer(reference.load_border()))
    barrier = [line_style({"properties": {"kind": "berm", "status": status}})]
    sequences = _map_styles(sequences_layer(pairs))
    assert border == [BORDER_LINE.leaflet()]
    assert barrier == [BARRIER_LINES[status].leaflet()]
    assert sequences[0] == SEQUENCE_LINE.leaflet()
    assert sequences[0]["dashArray"] and sequences[0]["weight"] == 2 and sequences[0]["opacity"] == 0.6
    _assert_line_agrees(_drawn(figure, "border")[0], BORDER_LINE)
    _assert_line_agrees(_drawn(figure, "barrier")[0], BARRIER_LINES[status])
    _assert_line_agrees(_drawn(figure, "sequences")[0], SEQUENCE_LINE)


def test_dots_are_drawn_alike_on_the_map_and_in_the_png(places, pairs):
    figure = _figure(places, pairs, "complete")
    # The later end of a sequence.
    end = _map_styles(sequences_layer(pairs))[1]
    dot = _drawn(figure, "sequence-ends")[0]
    assert end["fillColor"] == SEQUENCE_END.fill and end["radius"] == SEQUENCE_END.radius_px
    assert np.allclose(dot.get_facecolor()[0], to_rgba(SEQUENCE_END.fill, SEQUENCE_END.fill_opacity))
    assert np.sqrt(dot.get_sizes()[0]) == pytest.approx(2 * SEQUENCE_END.radius_px * PT_PER_PX)
    arrow = _drawn(figure, "sequence-arrows")[0]
    assert np.allclose(arrow.get_facecolor()[0], to_rgba(SEQUENCE_LINE.colour))
    # Towns and landmarks.
    towns = next(child for child in places_layer(places, config.FEATURED_PLACE_ID)._children.values()
                 if isinstance(child, folium.GeoJson))
    town = towns.style_function(next(feature for feature in towns.data["features"]
                                     if not feature["properties"]["featured"]))
    assert {key: town[key] for key in ("radius", "color", "weight", "fillColor")} == {
        "radius": PLACE_DOT.radius_px, "color": PLACE_DOT.rim, "weight": PLACE_DOT.rim_px, "fillColor": PLACE_DOT.fill}
    drawn_places = _drawn(figure, "places")[0]
    assert np.allclose(drawn_places.get_facecolor()[0], to_rgba(PLACE_DOT.fill, PLACE_DOT.fill_opacity))
    assert drawn_places.get_linewidth()[0] == pytest.approx(PLACE_DOT.rim_px * PT_PER_PX)


def test_the_preset_barrier_is_drawn_on_the_map_in_the_style_of_its_status_that_day():
    assert _map_styles(barriers_layer(load_preset(config.DEFAULT_BORDER), DAY)) == [BARRIER_LINES["complete"].leaflet()]
    under_construction = barriers_layer(load_preset(config.DEFAULT_BORDER), dt.date(2015, 9, 1))
    assert _map_styles(under_construction) == [BARRIER_LINES["under construction"].leaflet()]


def test_crossings_show_their_status_on_the_map_and_in_the_png(places, pairs):
    figure = _figure(places, pairs, "complete")
    on_map = points_layer(load_preset(config.DEFAULT_BORDER), DAY)
    features = {feature["id"]: feature for feature in _geojson_data(on_map)["features"]}
    png_colours = {tuple(np.round(collection.get_facecolor()[0], 6)) for collection in _drawn(figure, "crossings")}
    for crossing, status in STATUSES.items():
        icon = point_style(features[crossing])
        assert POINT_STATUS_COLOURS[status] in icon["html"]
        assert tuple(np.round(to_rgba(point_mark("crossing", status)[0].fill), 6)) in png_colours
    # A closed crossing carries its × in both.
    assert "\u00d7" in point_style(features["ras-ajdir"])["html"]
    assert any(text.get_text() == "\u00d7" for text in figure.axes[0].texts)


def _geojson_data(group: folium.FeatureGroup) -> dict:
    return next(child.data for child in group._children.values() if isinstance(child, folium.GeoJson))


def test_attack_sites_and_precision_take_their_style_from_the_table(places, pairs):
    points = reference.load_incidents()
    options = _script_options(incidents_layer(pd.DataFrame(points.drop(columns="geometry"))))
    assert (options["rim"], options["rimPx"], options["fillOpacity"]) == (SITE_RIM, SITE_RIM_PX, SITE_FILL_OPACITY)
    sites = _drawn(_figure(places, pairs, "complete"), "sites")[0]
    assert np.allclose(sites.get_edgecolor()[0], to_rgba(SITE_RIM))
    assert sites.get_linewidth()[0] == pytest.approx(SITE_RIM_PX * PT_PER_PX)
    assert sites.get_facecolor()[0][3] == pytest.approx(SITE_FILL_OPACITY)
    with_radius = pd.DataFrame({"latitude": [33.0], "longitude": [11.0], "precision_km": [25.0], "geo_precision": [3]})
    precision = _script_options(precision_layer(with_radius))
    assert precision == {**PRECISION_CIRCLE.leaflet(), "fillOpacity": PRECISION_FILL_OPACITY,
                         "cssClass": precision["cssClass"]}
