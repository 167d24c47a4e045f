"""Any border's infrastructure drawn from its features: barriers and crossings, posts and sensors by date."""

from __future__ import annotations

import json
import re
from datetime import date

import folium
import geopandas as gpd
import pytest
from shapely.geometry import LineString, Point

from borderwatch.importers.infrastructure import load_infrastructure, load_preset
from borderwatch.infrastructure import notable_day, status_periods
from layers.infrastructure import BARRIER_LAYER_NAME, CROSSINGS_LAYER_NAME, barriers_layer, points_layer
from layers.legend import legend_html
from layers.places import PLACES_LAYER_NAME
from layers.script import ScriptCall
from layers.style import BARRIER_KIND_COLOURS, BARRIER_LINES

HOSTILE = "${alert(1)}<img src=x onerror=alert(2)></script>\\`{{ 7*191 }}"
# Algeria–Morocco, near Oujda: a border with no bundled preset.
WALL = LineString([(-1.80, 34.70), (-1.75, 34.60), (-1.72, 34.50)])
POST = Point(-1.76, 34.62)
SENSOR = Point(-1.74, 34.55)


def _features(tmp_path, **changes):
    """A wall built in 2014–2015, a post closed in May 2016, a sensor installed in 2017 (a file, as imported)."""
    rows = [
        {"id": "w1", "name": "Border wall", "kind": "wall", "built_from": "2014-01-10", "built_to": "2015-06-01",
         "status": "", "status_from": "", "status_to": "", "sources": "https://example.org/wall",
         "notes": "Height 3 m", "length_km": "12", "geometry": WALL},
        {"id": "p1", "name": "Post 7", "kind": "post", "built_from": "2010-01-01", "built_to": "",
         "status": "inactive", "status_from": "2016-05-03", "status_to": "2016-05-09", "sources": "Local press",
         "notes": "", "length_km": "", "geometry": POST},
        {"id": "s1", "name": "Camera", "kind": "sensor", "built_from": "2017-02-01", "built_to": "",
         "status": "", "status_from": "", "status_to": "", "sources": "Ministry", "notes": "", "length_km": "",
         "geometry": SENSOR},
    ]
    rows = [row | changes.get(row["id"], {}) for row in rows]
    path = tmp_path / "dza-mar.geojson"
    frame = gpd.GeoDataFrame([{k: v for k, v in row.items() if k != "geometry"} for row in rows],
                             geometry=[row["geometry"] for row in rows], crs="EPSG:4326")
    frame.to_file(path, driver="GeoJSON")
    return load_infrastructure(path)


def _drawn(group: folium.FeatureGroup) -> dict[str, dict]:
    """Feature id -> the GeoJSON feature the group draws."""
    collections = [child.data for child in group._children.values() if isinstance(child, folium.GeoJson)]
    return {feature["id"]: feature for data in collections for feature in data["features"]}


def _marks(group: folium.FeatureGroup) -> list[str]:
    (call,) = [child for child in group._children.values() if isinstance(child, ScriptCall)]
    return json.loads(call.data_json)


def _render(*groups: folium.FeatureGroup) -> str:
    fmap = folium.Map(tiles=None)
    for group in groups:
        group.add_to(fmap)
    return fmap.get_root().render()


def test_a_wall_is_not_drawn_before_it_is_begun_then_dashed_then_solid(tmp_path):
    features = _features(tmp_path)
    assert _drawn(barriers_layer(features, date(2013, 12, 31))) == {}
    building = _drawn(barriers_layer(features, date(2014, 6, 1)))["w1"]
    built = _drawn(barriers_layer(features, date(2015, 6, 1)))["w1"]
    assert (building["properties"]["status"], built["properties"]["status"]) == ("under construction", "complete")
    layer = barriers_layer(features, date(2015, 6, 1))
    (geojson,) = [child for child in layer._children.values() if isinstance(child, folium.GeoJson)]
    style = geojson.style_function(built)
    assert style["color"] == BARRIER_KIND_COLOURS["wall"] and "dashArray" not in style
    assert geojson.style_function(building)["dashArray"] == BARRIER_LINES["under construction"].dash
    assert layer.layer_name == BARRIER_LAYER_NAME
    assert set(_drawn(layer)) == {"w1"}  # the points are the other layer's


def test_a_point_is_drawn_from_when_it_was_built_in_its_status_that_day(tmp_path):
    features = _features(tmp_path)
    early = _drawn(points_layer(features, date(2016, 1, 1)))
    assert set(early) == {"p1"}  # the camera came in 2017
    assert early["p1"]["properties"]["status"] == "active"
    later = _drawn(points_layer(features, date(2017, 3, 1)))
    assert {key: feature["properties"]["status"] for key, feature in later.items()} == {"p1": "active",
                                                                                      "s1": "active"}
    assert points_layer(features, date(2016, 1, 1)).layer_name == CROSSINGS_LAYER_NAME


def test_a_closure_inside_the_playback_period_is_drawn_and_dated(tmp_path):
    features = _features(tmp_path)
    # The post was inactive 3–8 May 2016: a May frame shows it so, quoting the day it went inactive.
    month = _drawn(points_layer(features, date(2016, 5, 31), since=date(2016, 5, 1)))["p1"]
    assert month["properties"]["status"] == "inactive"
    assert month["properties"]["tooltip_html"] == "<b>Post 7</b> — inactive on 2016-05-03 (3–9 May 2016)"
    # Alone, the last day of May finds it active again.
    last_day = _drawn(points_layer(features, date(2016, 5, 31)))["p1"]
    assert last_day["properties"]["tooltip_html"] == "<b>Post 7</b> — active on 2016-05-31"
    (post,) = [feature for feature in features if feature.id == "p1"]
    assert notable_day(post, date(2016, 5, 5), date(2016, 5, 20)) == date(2016, 5, 5)
    assert notable_day(post, date(2016, 5, 9), date(2016, 5, 20)) == date(2016, 5, 20)


def test_a_border_with_no_features_draws_empty_layers_the_legend_lists_nothing_of(tmp_path):
    for layer in (barriers_layer((), date(2020, 1, 1)), points_layer((), date(2020, 1, 1))):
        assert _drawn(layer) == {} and _marks(layer) == []
        assert "L.geoJson" not in _render(layer)


def test_the_legend_rows_name_the_kinds_and_statuses_each_layer_draws(tmp_path):
    features = _features(tmp_path)
    assert _marks(barriers_layer(features, date(2014, 6, 1))) == ["wall:under construction"]
    assert _marks(points_layer(features, date(2017, 3, 1))) == ["post:active", "sensor:active"]
    legend = legend_html([])
    rows = re.findall(r'data-layer="(barrier|crossings)" data-mark="([^"]+)"', legend)
    assert ("barrier", "wall:under construction") in rows and ("crossings", "sensor:active") in rows
    assert ("crossings", "crossing:closed") in rows and ("barrier", "berm:planned") in rows


def test_popups_give_status_dates_sources_notes_and_the_files_properties(tmp_path):
    popup = _drawn(barriers_layer(_features(tmp_path), date(2014, 6, 1)))["w1"]["properties"]["popup_html"]
    assert "<b>Border wall</b> (wall)" in popup
    assert "Under construction on 2014-06-01 (10 January 2014 – 1 June 2015)" in popup
    assert "Built from 2014-01-10 to 2015-06-01" in popup
    assert "Height 3 m" in popup and "Length: 12 km" in popup and "https://example.org/wall" in popup
    closed = _drawn(points_layer(_features(tmp_path), date(2016, 5, 4)))["p1"]["properties"]["popup_html"]
    assert "Inactive on 2016-05-04 (3–9 May 2016)" in closed and "Status source: Local press" in closed


def test_features_carry_their_ids_for_the_browser(tmp_path):
    drawn = _drawn(points_layer(_features(tmp_path), date(2017, 3, 1)))
    assert {key: feature["properties"]["feature_id"] for key, feature in drawn.items()} == {"p1": "p1", "s1": "s1"}
    assert "BorderWatch.bindInfrastructure" in _render(points_layer(_features(tmp_path), date(2017, 3, 1)))


@pytest.mark.parametrize("field", ["name", "notes", "sources", "length_km"])
def test_hostile_text_in_a_file_reaches_the_map_escaped(tmp_path, field):
    hostile = {"w1": {field: HOSTILE}, "p1": {field: HOSTILE} if field != "length_km" else {}}
    features = _features(tmp_path, **hostile)
    html = _render(barriers_layer(features, date(2016, 1, 1)), points_layer(features, date(2016, 1, 1)))
    assert "${alert" not in html and "<img src=x" not in html and "1337" not in html
    assert "&lt;img src=x" in html.replace("\\u0026", "&")


def test_a_lines_dated_statuses_are_its_building_and_completion(tmp_path):
    wall, post, _ = _features(tmp_path)
    assert [(period.status, period.start, period.end) for period in status_periods(wall)] == [
        ("under construction", date(2014, 1, 10), date(2015, 6, 1)), ("complete", date(2015, 6, 1), None)]
    assert [(period.status, period.start) for period in status_periods(post)] == [("inactive", date(2016, 5, 3))]


def test_the_preset_shows_a_crossing_closed_in_a_period_if_it_was_closed_on_any_of_its_days():
    crossings = {feature.id: feature for feature in load_preset("LBY-TUN") if feature.kind == "crossing"}

    def days(start: date, end: date) -> dict[str, date]:
        return {crossing_id: notable_day(feature, start, end) for crossing_id, feature in crossings.items()}

    # March 2016: both were closed from the 7th (reopened on the 22nd), whatever the 31st says.
    assert days(date(2016, 3, 1), date(2016, 3, 31)) == {"ras-ajdir": date(2016, 3, 7),
                                                         "dehiba-wazin": date(2016, 3, 7)}
    # The week of 21 March: still closed on the 21st, the period's first day.
    assert days(date(2016, 3, 21), date(2016, 3, 27))["ras-ajdir"] == date(2016, 3, 21)
    # April 2016: open all month, shown as on its last day.
    assert days(date(2016, 4, 1), date(2016, 4, 30)) == {"ras-ajdir": date(2016, 4, 30),
                                                         "dehiba-wazin": date(2016, 4, 30)}
    # A one-day period on the reopening day: open.
    assert days(date(2016, 3, 22), date(2016, 3, 22))["dehiba-wazin"] == date(2016, 3, 22)


def test_the_map_page_draws_another_borders_features_and_tags_them_for_the_legend(tmp_path, monkeypatch):
    from borderwatch.filters import IncidentQuery
    from borderwatch.mapview import MapData
    from ui import cache
    from ui.maplayers import switchable_layers

    features = tuple(_features(tmp_path))
    # What the border's file would give once imported.
    monkeypatch.setattr(cache, "border_infrastructure", lambda key: features if key == "DZA-MAR" else ())
    query = IncidentQuery(border="DZA-MAR")
    shown = MapData(points=None, cells=None, zoom=6, in_view=0)
    groups = switchable_layers(("barrier", "crossings", "places"), query, query, shown, date(2016, 5, 31),
                               date(2016, 5, 1), border_key="DZA-MAR")
    assert [group.layer_name for group in groups] == [BARRIER_LAYER_NAME, PLACES_LAYER_NAME, CROSSINGS_LAYER_NAME]
    barrier, places, points = groups
    # The places are that border's towns (GeoNames), not Tunisia–Libya's.
    named = _render(places)
    assert "Oujda" in named and "Tlemcen" in named and "Ben Gardane" not in named
    assert set(_drawn(barrier)) == {"w1"} and _drawn(points)["p1"]["properties"]["status"] == "inactive"
    html = _render(barrier, points)
    assert 'BorderWatch.tag(' in html and '"barrier"' in html and '"crossings"' in html
    # A border with nothing recorded draws empty layers.
    groups = switchable_layers(("barrier", "crossings"), query, query, shown, date(2016, 5, 31),
                               border_key="POL-BLR")
    assert [_drawn(group) for group in groups] == [{}, {}]
