"""Distances in a metric CRS and the monthly timeline, against hand-checked numbers."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import LineString, Point

from borderwatch import config
from borderwatch.analysis import distance_km, monthly_timeline, with_line_distances
from tests.factories import incident_frame, incident_row


def _to_wgs84(geometry):
    return gpd.GeoSeries([geometry], crs=config.METRIC_CRS).to_crs("EPSG:4326").iloc[0]


def test_distance_to_a_straight_line_matches_the_offset_in_metres():
    # A north-south line at easting 600 km in UTM 32N, and points 5 km and 12.5 km east of it.
    line = _to_wgs84(LineString([(600_000, 3_650_000), (600_000, 3_700_000)]))
    points = gpd.GeoSeries(
        [_to_wgs84(Point(605_000, 3_675_000)), _to_wgs84(Point(612_500, 3_660_000))], crs="EPSG:4326"
    )
    assert distance_km(points, line).tolist() == pytest.approx([5.0, 12.5], abs=0.01)


def test_distance_past_the_end_of_a_line_is_to_its_end_point():
    line = _to_wgs84(LineString([(600_000, 3_650_000), (600_000, 3_700_000)]))
    # 3 km east and 4 km north of the northern end: 5 km (a 3-4-5 triangle).
    point = gpd.GeoSeries([_to_wgs84(Point(603_000, 3_704_000))], crs="EPSG:4326")
    assert distance_km(point, line).iloc[0] == pytest.approx(5.0, abs=0.01)


def test_degrees_are_not_mistaken_for_kilometres():
    # One degree of longitude at 33° N is about 93.4 km, not 1.
    line = LineString([(11.0, 32.5), (11.0, 33.5)])
    point = gpd.GeoSeries([Point(10.0, 33.0)], crs="EPSG:4326")
    assert distance_km(point, line).iloc[0] == pytest.approx(93.4, rel=0.01)


def test_with_line_distances_adds_columns_and_leaves_input_alone():
    incidents = incident_frame(incident_row(id="x", latitude=33.0, longitude=10.0))
    before = incidents.copy()
    measured = with_line_distances(incidents, LineString([(11.0, 32.5), (11.0, 33.5)]),
                                   LineString([(10.5, 32.5), (10.5, 33.5)]))
    assert measured["distance_border_km"].iloc[0] == pytest.approx(93.4, rel=0.01)
    assert measured["distance_barrier_km"].iloc[0] == pytest.approx(46.7, rel=0.01)
    assert incidents.equals(before)


def test_monthly_timeline_counts_incidents_and_deaths_per_type(tmp_path):
    from borderwatch.filters import IncidentFilter
    from borderwatch.store import BUNDLED, open_store
    from tests.store_worker import chunk

    store = open_store(tmp_path / "s.sqlite")
    store.remove_dataset(BUNDLED)
    store.import_chunks([chunk(
        incident_row(id="a", event_date="2016-03-02", deaths_best=5, deaths_low=5, deaths_high=5),
        incident_row(id="b", event_date="2016-03-07", deaths_best=55, deaths_low=50, deaths_high=60),
        incident_row(id="c", event_date="2016-03-20", event_type="Violence against civilians",
                     sub_event_type="Attack"),
        incident_row(id="d", event_date="2015-06-26", deaths_best=38, deaths_low=38, deaths_high=38),
    )], dataset="t", format="test", file_name="t", file_hash="t")
    counts = store.aggregate(IncidentFilter(), by=("event_month", "event_type"))
    store.close()
    timeline = monthly_timeline(counts).set_index(["month", "event_type"])
    march = pd.Timestamp("2016-03-01")
    assert timeline.loc[(march, "Battles")].tolist() == [2, 60]
    assert timeline.loc[(march, "Violence against civilians")].tolist() == [1, 0]
    assert timeline.loc[(pd.Timestamp("2015-06-01"), "Battles")].tolist() == [1, 38]
    assert len(timeline) == 3


def test_monthly_timeline_of_nothing_is_empty():
    counts = pd.DataFrame({"event_month": [], "event_type": [], "incidents": [], "deaths": []})
    assert monthly_timeline(counts).empty
