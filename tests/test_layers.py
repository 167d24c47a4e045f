"""Map layers: names users look for, styles, escaping, ids for clicks, no CDN."""

from __future__ import annotations

import datetime
import json

import folium
import geopandas as gpd
import pytest
from shapely.geometry import LineString, Point, box

from borderwatch import config
from borderwatch.importers.infrastructure import load_preset
from layers.assets import asset_urls
from layers.basemap import base_map, tiles_layer
from layers.border import border_layer, border_style
from layers.countries import LAND_PANE_Z_INDEX
from layers.incidents import (
    ID_PROPERTY,
    cells_layer,
    clicked_incident_id,
    encode_cells,
    encode_points,
    incidents_layer,
)
from layers.infrastructure import barriers_layer, line_style, points_layer
from layers.places import place_labels, places_layer
from layers.style import EVENT_TYPE_COLOURS, MAX_RADIUS_PX, MIN_RADIUS_PX, radius_for_deaths
from tests.factories import incident_frame, incident_row

HOSTILE = "${alert(1)}<img src=x onerror=alert(2)></script>\\`C:\\path\\2019"

_DAY = datetime.date(2016, 3, 1)


def _border():
    return gpd.GeoDataFrame(
        {"name": ["Tunisia–Libya border"], "length_km": [449.6], "source": ["Natural Earth"]},
        geometry=[LineString([(11.5, 33.18), (10.7, 32.0), (9.52, 30.23)])], crs="EPSG:4326",
    )


def _places():
    return gpd.GeoDataFrame(
        {"id": ["ben-guerdane", "ras-ajdir", "tunis"], "name": ["Ben Gardane", "Ras Ajdir", HOSTILE],
         "kind": ["town", "crossing", "town"], "country": ["Tunisia"] * 3,
         "latitude": [33.1389, 33.1481, 36.8], "longitude": [11.2167, 11.5663, 10.18],
         "source": ["wiki"] * 3, "note": [""] * 3},
        geometry=[Point(11.2167, 33.1389), Point(11.5663, 33.1481), Point(10.18, 36.8)], crs="EPSG:4326",
    )


def _countries():
    return gpd.GeoDataFrame({"iso3": ["TUN", "LBY"], "name": ["Tunisia", "Libya"]},
                            geometry=[box(7, 30, 11.5, 37), box(11.5, 20, 25, 33.2)], crs="EPSG:4326")


def _render(element) -> str:
    fmap = folium.Map(tiles=None)
    element.add_to(fmap)
    return fmap.get_root().render()


def test_layer_names_use_the_words_users_look_for():
    assert border_layer(_border()).layer_name == "Tunisia–Libya border"
    assert barriers_layer(load_preset(config.DEFAULT_BORDER), _DAY).layer_name == "Barriers"
    assert places_layer(_places(), "ben-guerdane").layer_name == "Places"
    assert points_layer(load_preset(config.DEFAULT_BORDER), _DAY).layer_name == "Crossings & posts"
    assert incidents_layer(incident_frame(incident_row(id="a"))).layer_name == "Attack sites"


def test_border_is_dashed_and_barrier_is_solid():
    assert border_style({})["dashArray"]
    assert "dashArray" not in line_style({"properties": {"kind": "berm", "status": "complete"}})


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        ({"last_active_drawing": {"type": "Feature", "properties": {ID_PROPERTY: "TN-1", "date": "x"}}}, "TN-1"),
        ({"last_active_drawing": {"type": "Feature", "properties": {"name": "border"}}}, None),
        ({"last_active_drawing": None}, None),
        ({}, None),
        (None, None),
        ({"last_active_drawing": {"properties": {ID_PROPERTY: 7}}}, None),
    ],
)
def test_clicked_incident_id_reads_the_feature_id_only(state, expected):
    assert clicked_incident_id(state) == expected


def test_barrier_popup_shows_measured_and_reported_lengths_and_says_approximate():
    html = _render(barriers_layer(load_preset(config.DEFAULT_BORDER), _DAY))
    assert "Measured length: 179.5 km" in html and "Reported length: 200 km" in html
    assert "125 miles" in html and "Planned length: 168 km" in html
    assert "No public dataset gives the path" in html


def test_places_put_crossings_in_their_own_layer_and_label_the_featured_town():
    places_html = _render(places_layer(_places(), "ben-guerdane"))
    crossings_html = _render(points_layer(load_preset(config.DEFAULT_BORDER), _DAY))
    assert "Ben Gardane" in places_html and "Ras Ajdir" not in places_html
    assert "Ras Ajdir" in crossings_html and "Ben Gardane" not in crossings_html
    featured = next(iter(places_layer(_places(), "ben-guerdane")._children.values())).data["features"]
    assert [f["properties"]["featured"] for f in featured].count(True) == 1
    labels = place_labels(_places()[lambda frame: frame["kind"] != "crossing"], "ben-guerdane")
    assert labels["text"][0].startswith("Ben Gardane") and labels["kind"][0] == "featured"
    assert labels["min_zoom"][0] == 0 and set(labels["kind"][1:]) == {"place"}
    assert "BorderWatch.labels(" in places_html


def test_hostile_text_never_reaches_the_map_html_raw():
    incidents = incident_frame(incident_row(id="a", location=HOSTILE, description=HOSTILE))
    places = _places()
    html = _render(incidents_layer(incidents)) + _render(places_layer(places, "x"))
    assert "${alert" not in html
    assert "<img src=x" not in html
    assert "C:\\path" not in html


def test_template_code_in_data_is_not_run_on_the_server():
    # branca renders popup HTML as a Jinja template: data must not be template code.
    hostile = ["{{ 7*191 }}", "{% if true %}yes{% endif %}", "{{coord|33.1|11.5}}"]
    places = _places().assign(note=hostile, name=hostile, kind="town")
    html = _render(places_layer(places, "ben-guerdane"))
    assert "1337" not in html
    # The popups travel as JSON strings, where "&" is written \u0026.
    html = html.replace("\\u0026", "&")
    assert "&#123;&#123; 7*191 &#125;&#125;" in html
    assert "&#123;% if true %&#125;yes&#123;% endif %&#125;" in html


@pytest.mark.parametrize(
    ("deaths", "expected"), [(None, MIN_RADIUS_PX), (0, MIN_RADIUS_PX), (4, 9.4), (10_000, MAX_RADIUS_PX)]
)
def test_radius_grows_with_the_square_root_of_deaths(deaths, expected):
    assert radius_for_deaths(deaths) == pytest.approx(expected)


def test_layers_do_not_change_their_input():
    incidents = incident_frame(incident_row(id="a"))
    before = incidents.copy()
    incidents_layer(incidents)
    assert incidents.equals(before)
    places = _places()
    places_before = places.copy()
    places_layer(places, "ben-guerdane")
    assert places.equals(places_before)


def test_empty_incidents_give_an_empty_layer():
    incidents = incident_frame(incident_row(id="a")).iloc[0:0]
    assert encode_points(incidents)["id"] == []
    assert incidents_layer(incidents).layer_name == "Attack sites"
    assert "CompactIncidents" not in _render(incidents_layer(incidents))


def test_base_map_loads_only_local_assets_and_no_tiles():
    scripts, styles = asset_urls("/app/static")
    fmap = base_map(_countries(), scripts, styles, ["Battles"])
    html = fmap.get_root().render()
    assert "/app/static/vendor/leaflet/leaflet.js" in html
    assert "/app/static/vendor/jquery/jquery.min.js" in html
    assert "/app/static/vendor/leaflet_markercluster/leaflet.markercluster.js" in html
    for remote in ("cdn.jsdelivr", "cdnjs", "code.jquery", "netdna", "tile.openstreetmap"):
        assert remote not in html
    # folium's own class defaults are untouched for other users of folium.
    assert any("cdn" in url for _, url in folium.Map.default_js)


def test_online_tiles_are_a_layer_over_the_bundled_land_that_says_when_it_fails():
    html = _render(tiles_layer())
    assert "tile.openstreetmap.org" in html
    assert "BorderWatch.watchTiles" in html and "could not be loaded" in html
    # The land stays in the base map, in a pane under the tiles, whatever the tiles do.
    scripts, styles = asset_urls("/app/static")
    base = base_map(_countries(), scripts, styles, ["Battles"], countries_url="/app/static/data/land.geojson")
    base_html = base.get_root().render()
    assert "tile.openstreetmap.org" not in base_html
    assert 'BorderWatch.land(' in base_html and f'"zIndex":{LAND_PANE_Z_INDEX}' in base_html
    assert LAND_PANE_Z_INDEX < 200  # Leaflet's tile pane


def test_base_map_opens_at_the_view_asked_for():
    scripts, styles = asset_urls("/app/static")
    fmap = base_map(_countries(), scripts, styles, ["Battles"], location=(33.14, 11.22), zoom_start=9)
    html = fmap.get_root().render()
    assert "[33.14, 11.22]" in html and '"zoom": 9' in html


def test_points_are_sent_as_columns_of_numbers_with_raw_ids():
    incidents = incident_frame(
        incident_row(id="TN-1", location="Ben Gardane", event_date="2016-03-07", deaths_best=4,
                     deaths_low=3, deaths_high=5),
        incident_row(id="TN-2", location="Ben Gardane", event_date="2016-03-02", deaths_best=None,
                     deaths_low=None, deaths_high=None, event_type="Violence against civilians",
                     sub_event_type="Attack"),
    )
    data = encode_points(incidents)
    assert data["id"] == ["TN-1", "TN-2"]
    assert data["lat"] == [33.1389, 33.1389] and data["lon"] == [11.2167, 11.2167]
    assert data["places"] == ["Ben Gardane"] and data["place"] == [0, 0]
    assert [data["types"][code] for code in data["type"]] == ["Battles", "Violence against civilians"]
    assert [data["colours"][code] for code in data["type"]] == [
        EVENT_TYPE_COLOURS["Battles"], EVENT_TYPE_COLOURS["Violence against civilians"]]
    assert data["day"] == [16867, 16862]  # days since 1970-01-01: 2016-03-07, 2016-03-02
    assert data["deaths"] == [4, None]
    assert data["radius"][0] > data["radius"][1] == MIN_RADIUS_PX
    json.dumps(data, allow_nan=False)


def test_largest_incidents_are_drawn_first_so_small_ones_stay_clickable():
    incidents = incident_frame(
        incident_row(id="small", deaths_best=1, deaths_low=1, deaths_high=1),
        incident_row(id="big", deaths_best=50, deaths_low=50, deaths_high=50),
    )
    assert encode_points(incidents)["id"] == ["big", "small"]


def test_a_point_costs_tens_of_bytes_not_a_kilobyte():
    rows = [incident_row(id=f"TUN{n}", location=f"Town {n % 50}", deaths_best=n % 7, deaths_low=n % 7,
                         deaths_high=n % 7, latitude=33 + n / 1e4, longitude=11 + n / 1e4) for n in range(2000)]
    incidents = incident_frame(*rows)
    empty = len(_render(incidents_layer(incidents.iloc[0:0])))
    per_point = (len(_render(incidents_layer(incidents))) - empty) / len(incidents)
    assert per_point < 80


def test_cells_carry_counts_and_sizes_and_a_click_zooms_in():
    import pandas as pd

    cells = pd.DataFrame({"cell_x": [134, 135], "cell_y": [103, 103], "incidents": [1234, 1],
                          "deaths": [56, 0], "latitude": [33.1, 33.2], "longitude": [11.2, 11.9]})
    data = encode_cells(cells)
    assert data["count"] == [1234, 1] and data["deaths"] == [56, 0]
    assert data["lat"] == [33.1, 33.2] and data["lon"] == [11.2, 11.9]
    assert data["size"][0] > data["size"][1]
    html = _render(cells_layer(cells))
    assert "BorderWatch.cells(" in html and '"cssClass":"bw-cell"' in html




def test_land_beyond_the_detailed_box_comes_from_the_coarse_world():
    from borderwatch.reference import load_countries, load_world_countries
    from layers.countries import land_with_surroundings

    detailed = load_countries()
    land = land_with_surroundings(detailed, load_world_countries())
    assert list(land["iso3"][: len(detailed)]) == list(detailed["iso3"])
    coarse = land.iloc[len(detailed):]
    assert {"EGY", "NER", "TCD"} <= set(coarse["iso3"])  # land east and south of the box
    detail_box = box(*detailed.total_bounds)
    assert not coarse.geometry.intersects(detail_box.buffer(-1e-6)).any()
