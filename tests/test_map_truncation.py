"""The map says it leaves incidents out only when some in view are really left out, and says what helps."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from borderwatch.filters import IncidentFilter, IncidentQuery
from borderwatch.mapview import MAX_ZOOM, MapView, fetch_area, left_out_in_view, map_data, points_in
from borderwatch.store import open_store
from tests.factories import TESTER, incident_row
from tests.store_worker import chunk

APP = str(Path(__file__).resolve().parent.parent / "dashboard.py")
#: Ben Guerdane: the town where many incidents share one place.
TOWN = (33.1389, 11.2167)


def _crowd(count: int, start: int = 0, place: tuple[float, float] = TOWN) -> list[dict[str, str]]:
    return [incident_row(id=f"crowd-{start + number}", latitude=place[0], longitude=place[1],
                         event_date=f"2016-{1 + number % 12:02d}-{1 + number % 28:02d}") for number in range(count)]


@pytest.fixture(scope="module")
def crowded_store(tmp_path_factory):
    store = open_store(tmp_path_factory.mktemp("crowded") / "store.sqlite")
    # 2,100 incidents on one town, and 50 a degree away: more than the map draws one by one.
    store.import_chunks([chunk(*_crowd(2_100), *_crowd(50, 5_000, (34.14, 11.22)))], dataset="crowd",
                        format="test", file_name="crowd", file_hash="crowd", actor=TESTER)
    yield store
    store.close()


def _view_around(latitude: float, longitude: float, half: float, zoom: int) -> MapView:
    return MapView(longitude - half, latitude - half, longitude + half, latitude + half, zoom)


def test_at_the_last_zoom_a_view_with_more_than_the_limit_says_how_many_it_leaves_out(crowded_store):
    query = IncidentQuery(IncidentFilter(), datasets=("crowd",))
    view = _view_around(*TOWN, 0.01, MAX_ZOOM)
    shown = map_data(crowded_store, query, fetch_area(view), point_limit=2_000)
    assert shown.points is not None and len(shown.points) == 2_000
    drawn = points_in(shown.points, view)
    assert left_out_in_view(crowded_store, query, view, drawn) == 2_100 - drawn


def test_incidents_outside_the_view_are_not_counted_as_left_out(crowded_store):
    # A view of the lone group: everything in it is drawn, whatever lies around.
    query = IncidentQuery(IncidentFilter(), datasets=("crowd",))
    view = _view_around(34.14, 11.22, 0.01, MAX_ZOOM)
    shown = map_data(crowded_store, query, fetch_area(view), point_limit=2_000)
    assert left_out_in_view(crowded_store, query, view, points_in(shown.points, view)) == 0


def test_the_bundled_map_at_zoom_9_claims_nothing_is_left_out(tmp_path, monkeypatch):
    # The tester's case: /?lat=33.1&lon=11.3&zoom=9 said "9 most recent of the 14 around this view".
    monkeypatch.setenv("BORDERWATCH_DATA_DIR", str(tmp_path))
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in (("lat", "33.1"), ("lon", "11.3"), ("zoom", "9")):
        at.query_params[key] = value
    at.run()
    at.session_state["border-map"] = {
        "bounds": {"_southWest": {"lat": 32.6, "lng": 10.7}, "_northEast": {"lat": 33.6, "lng": 11.9}}, "zoom": 9}
    at.run()
    assert not at.exception
    assert not [caption.value for caption in at.caption if "most recent" in caption.value]
