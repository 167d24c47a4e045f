"""Border analytics: segments, corridor counts, distances, cross-border sequences, surges.

Expected numbers are worked out by hand in the comments; geometry is built
in UTM 32N (the metric CRS) and converted to degrees, so distances are known.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import random
from unittest import mock

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from shapely.geometry import LineString, Point

from borderwatch import config
from borderwatch.config import SEQUENCE_TOLERANCE_M, SURGE_BASELINE_FLOOR
from borderwatch.corridor import (
    baseline_start,
    border_segments,
    corridor_surge,
    cross_border_sequences,
    distance_histogram,
    distance_statistics,
    poisson_upper_tail,
    segment_activity,
    segment_of,
    segment_summary,
)
from borderwatch.errors import DataValidationError, ReferenceDataError
from borderwatch.reference import load_border, load_countries, load_incidents

ORIGIN = (600_000.0, 3_650_000.0)  # easting, northing in UTM 32N: inland southern Tunisia


def _degrees(geometry):
    return gpd.GeoSeries([geometry], crs=config.METRIC_CRS).to_crs(config.GEOGRAPHIC_CRS).iloc[0]


def _line_km(length_km: float) -> LineString:
    """A straight line running north from ORIGIN, ``length_km`` long in the metric CRS."""
    return _degrees(LineString([ORIGIN, (ORIGIN[0], ORIGIN[1] + length_km * 1000)]))


def _metric_length_km(geometry) -> float:
    return gpd.GeoSeries([geometry], crs=config.GEOGRAPHIC_CRS).to_crs(config.METRIC_CRS).iloc[0].length / 1000


@pytest.fixture(scope="module")
def bundled_border() -> LineString:
    return load_border().geometry.iloc[0]


# --- border_segments / segment_of -------------------------------------------


def test_segments_of_a_25_km_line_are_10_10_and_5_km():
    segments = border_segments(_line_km(25.0), segment_km=10.0)
    assert segments.crs == config.GEOGRAPHIC_CRS
    assert segments["segment"].tolist() == [0, 1, 2]
    assert segments["start_km"].tolist() == [0.0, 10.0, 20.0]
    assert segments["end_km"].tolist() == pytest.approx([10.0, 20.0, 25.0], abs=1e-6)
    assert segments["label"].tolist() == [
        "0–10 km from the coast", "10–20 km from the coast", "20–25 km from the coast"]
    lengths = [_metric_length_km(piece) for piece in segments.geometry]
    assert lengths == pytest.approx([10.0, 10.0, 5.0], abs=1e-6)
    # Pieces follow each other from the line's first vertex.
    pieces = list(segments.geometry)
    assert Point(pieces[0].coords[0]).distance(Point(_line_km(25.0).coords[0])) < 1e-9
    for before, after in itertools.pairwise(pieces):
        assert Point(before.coords[-1]).distance(Point(after.coords[0])) < 1e-9


def test_a_whole_multiple_gives_no_empty_last_segment():
    segments = border_segments(_line_km(30.0), segment_km=10.0)
    assert len(segments) == 3
    assert segments["end_km"].iloc[-1] == pytest.approx(30.0, abs=1e-6)


def test_bundled_border_gives_45_segments_from_the_coast(bundled_border):
    segments = border_segments(bundled_border)
    # 449.6 km / 10 km: 44 whole pieces and one of 9.6 km.
    assert len(segments) == 45
    assert segments["end_km"].iloc[-1] == pytest.approx(449.6, abs=0.1)
    assert segments["label"].iloc[-1] == "440–449.6 km from the coast"
    assert sum(_metric_length_km(piece) for piece in segments.geometry) == pytest.approx(
        _metric_length_km(bundled_border), rel=1e-9)
    # The coastal end (33.18 N, 11.50 E) starts segment 0; the tripoint ends the last.
    assert segments.geometry.iloc[0].coords[0] == pytest.approx(bundled_border.coords[0], abs=1e-9)
    assert segments.geometry.iloc[-1].coords[-1] == pytest.approx(bundled_border.coords[-1], abs=1e-9)


@settings(max_examples=40, deadline=None)
@given(segment_km=st.floats(min_value=3.0, max_value=200.0))
def test_segments_tile_the_border_and_segment_of_finds_them(bundled_border, segment_km):
    segments = border_segments(bundled_border, segment_km=segment_km)
    length = _metric_length_km(bundled_border)
    assert len(segments) == math.ceil(length / segment_km)
    assert segments["start_km"].iloc[1:].tolist() == segments["end_km"].iloc[:-1].tolist()
    middles = (segments["start_km"] + segments["end_km"]) / 2
    assert segment_of(middles, segment_km).tolist() == segments["segment"].tolist()
    assert segment_of(segments["start_km"], segment_km).tolist() == segments["segment"].tolist()
    assert segment_of([length], segment_km, length_km=length).tolist() == [len(segments) - 1]


def test_segment_of_by_hand():
    # 9.999 is still in 0-10; 10 starts segment 1; 449.6 is in 440-450.
    assert segment_of(pd.Series([0.0, 9.999, 10.0, 25.0, 449.6]), 10.0).tolist() == [0, 0, 1, 2, 44]
    # The end of a 30 km line belongs to the last segment (2), not to a 4th.
    assert segment_of(np.array([30.0]), 10.0).tolist() == [3]
    assert segment_of(np.array([30.0, 31.0]), 10.0, length_km=30.0).tolist() == [2, 2]


@settings(max_examples=200, deadline=None)
@given(width=st.floats(min_value=0.01, max_value=100.0), k=st.integers(min_value=0, max_value=5000))
def test_segment_of_agrees_with_segment_starts_at_every_edge(width, k):
    # border_segments puts the start of segment k at float(k) * width exactly.
    start = float(k) * width
    assert segment_of(np.array([start]), width).tolist() == [k]
    if k:
        assert segment_of(np.array([np.nextafter(start, 0.0)]), width).tolist() == [k - 1]


@pytest.mark.parametrize("bad", [[math.nan], [-0.5], [math.inf]])
def test_segment_of_refuses_missing_or_negative_positions(bad):
    with pytest.raises(ValueError, match="finite and >= 0"):
        segment_of(np.array(bad), 10.0)


def test_border_segments_refuses_bad_input():
    with pytest.raises(ReferenceDataError):
        border_segments(Point(10, 32))
    with pytest.raises(ValueError, match="segment_km"):
        border_segments(_line_km(25.0), segment_km=0)


# --- segment_activity / segment_summary -------------------------------------


def _corridor_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "id": ["a", "b", "c", "d", "e"],
        "event_date": pd.to_datetime(["2016-01-05", "2016-01-20", "2016-03-02", "2016-03-03", "2016-02-10"]),
        "deaths_best": [2.0, math.nan, 5.0, 7.0, 1.0],
        "distance_border_km": [1.0, 24.9, 25.0, 25.01, 0.0],
        "border_position_km": [3.0, 12.0, 12.0, 22.0, 25.0],
    })


def test_segment_activity_counts_corridor_incidents_per_segment_and_month():
    segments = border_segments(_line_km(25.0))
    incidents = _corridor_frame()
    before = incidents.copy()
    activity = segment_activity(incidents, segments, "month", corridor_km=25.0)
    assert incidents.equals(before)
    assert str(activity["period"].dtype) == "period[M]"
    table = activity.set_index(["segment", "period"])
    # a: segment 0, January, 2 deaths. b: segment 1, January, unknown deaths (0).
    # c: exactly 25 km from the border: in; segment 1, March. d: 25.01 km: out.
    # e: at the line's end (25 km): the last segment (2), February.
    assert len(activity) == 9  # 3 segments x January..March
    expected = {
        (0, "2016-01"): (1, 2.0), (1, "2016-01"): (1, 0.0), (1, "2016-03"): (1, 5.0), (2, "2016-02"): (1, 1.0),
    }
    for (segment, month), row in table.iterrows():
        assert (row["incidents"], row["deaths"]) == expected.get((segment, str(month)), (0, 0.0))


def test_segment_activity_quarters_weeks_and_date_objects():
    segments = border_segments(_line_km(25.0))
    incidents = _corridor_frame().assign(event_date=lambda f: [d.date() for d in f["event_date"]])
    quarters = segment_activity(incidents, segments, "quarter", corridor_km=25.0)
    assert quarters["incidents"].tolist() == [1, 2, 1]  # everything is in 2016Q1
    weeks = segment_activity(incidents, segments, "week", corridor_km=25.0)
    first = weeks["period"].iloc[0]
    # 5 Jan 2016 is a Tuesday: its week runs Monday 4 to Sunday 10 January.
    assert (first.start_time.date(), first.end_time.date()) == (dt.date(2016, 1, 4), dt.date(2016, 1, 10))
    # 4 Jan to 6 Mar 2016: 9 weeks for each of the 3 segments.
    assert len(weeks) == 27 and weeks["incidents"].sum() == 4


def test_segment_activity_reads_nullable_death_counts():
    segments = border_segments(_line_km(25.0))
    incidents = _corridor_frame().assign(deaths_best=pd.array([2, None, 5, 7, 1], dtype="Int64"))
    assert segment_activity(incidents, segments, "year", corridor_km=25.0)["deaths"].tolist() == [2.0, 5.0, 1.0]


def test_segment_activity_validates_its_input():
    segments = border_segments(_line_km(25.0))
    with pytest.raises(ValueError, match="'week', 'month', 'quarter', 'year'"):
        segment_activity(_corridor_frame(), segments, "day", corridor_km=25.0)
    with pytest.raises(DataValidationError, match="border_position_km"):
        segment_activity(_corridor_frame().drop(columns="border_position_km"), segments, "month", corridor_km=25.0)
    # Row 1 is in the corridor but has no position; row 3 is outside it, so its gap does not matter.
    bad = _corridor_frame()
    bad.loc[[1, 3], "border_position_km"] = math.nan
    with pytest.raises(DataValidationError) as error:
        segment_activity(bad, segments, "month", corridor_km=25.0)
    assert error.value.problems == ["row 1, column 'border_position_km': missing or negative"]


def test_segment_activity_of_nothing_is_empty():
    segments = border_segments(_line_km(25.0))
    assert segment_activity(_corridor_frame().iloc[0:0], segments, "month", corridor_km=25.0).empty


def _activity(counts: dict[int, list[int]], deaths: dict[int, float], start: str = "2016-01") -> pd.DataFrame:
    periods = pd.period_range(start, periods=len(next(iter(counts.values()))), freq="M")
    rows = [
        {"segment": segment, "period": period, "incidents": count, "deaths": deaths[segment] if i == 0 else 0.0}
        for segment, series in counts.items() for i, (period, count) in enumerate(zip(periods, series, strict=True))
    ]
    return pd.DataFrame(rows)


def test_segment_summary_by_hand():
    segments = border_segments(_line_km(25.0))
    activity = _activity({0: [0, 1, 2, 3], 1: [3, 0, 0, 3], 2: [0, 0, 0, 0]}, {0: 1.0, 1: 0.0, 2: 0.0})
    summary = segment_summary(activity, segments, recent_periods=3, top=3).set_index("segment")
    # Segment 0 grows by exactly 1 a month; segment 1's U shape has no slope.
    assert summary["trend"].tolist() == pytest.approx([1.0, 0.0, 0.0])
    assert set(summary["trend_unit"]) == {"month"}
    # Recent = last 3 months: (1+2+3)/3 = 2 and (0+0+3)/3 = 1; earlier = January alone.
    assert summary["recent_mean"].tolist() == pytest.approx([2.0, 1.0, 0.0])
    assert summary["earlier_mean"].tolist() == pytest.approx([0.0, 3.0, 0.0])
    assert summary["change"].tolist() == pytest.approx([2.0, -2.0, 0.0])
    # 6 incidents each: segment 0 has more deaths, so it ranks first.
    assert summary["incidents"].tolist() == [6, 6, 0]
    assert summary["rank"].tolist() == [1, 2, 3]
    # Segment 2 ranks within the top 3 but has no incident: not hot.
    assert summary["hottest"].tolist() == [True, True, False]
    assert summary.loc[2, "label"] == "20–25 km from the coast"


def test_segment_summary_breaks_full_ties_by_segment_number_and_counts_every_segment():
    segments = border_segments(_line_km(25.0))
    activity = _activity({2: [1, 1], 1: [2, 0]}, {2: 3.0, 1: 3.0})  # segment 0 absent from activity
    summary = segment_summary(activity, segments, top=1).set_index("segment")
    assert summary["incidents"].tolist() == [0, 2, 2]
    assert summary["rank"].tolist() == [3, 1, 2]
    assert summary["hottest"].tolist() == [False, True, False]


def test_segment_summary_fills_missing_periods_with_zero():
    segments = border_segments(_line_km(25.0))
    dense = _activity({0: [4, 0, 0, 2], 1: [0, 0, 1, 0], 2: [0, 0, 0, 0]}, {0: 1.0, 1: 0.0, 2: 0.0})
    sparse = dense[dense["incidents"] > 0]
    pd.testing.assert_frame_equal(segment_summary(sparse, segments), segment_summary(dense, segments))


def test_segment_summary_of_one_period_has_no_trend():
    segments = border_segments(_line_km(25.0))
    summary = segment_summary(_activity({0: [2], 1: [0], 2: [1]}, {0: 0, 1: 0, 2: 0}), segments)
    assert summary["trend"].isna().all() and summary["earlier_mean"].isna().all()
    assert summary["recent_mean"].tolist() == [2.0, 0.0, 1.0]


@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=50), min_size=2, max_size=30))
def test_trend_is_the_least_squares_slope(counts):
    segments = border_segments(_line_km(10.0))
    summary = segment_summary(_activity({0: counts}, {0: 0.0}), segments)
    expected = np.polyfit(np.arange(len(counts)), counts, 1)[0]
    assert summary["trend"].iloc[0] == pytest.approx(expected, abs=1e-9)


# --- distances --------------------------------------------------------------


def test_distance_histogram_by_hand():
    distances = pd.Series([0.0, 4.9, 5.0, 12.0, 25.0, math.nan])
    histogram = distance_histogram(distances, 5.0)
    # [0,5): 0 and 4.9; [5,10): 5; [10,15): 12; [25,30): 25; the NaN is left out.
    assert histogram["from_km"].tolist() == [0.0, 5.0, 10.0, 15.0, 20.0, 25.0]
    assert histogram["to_km"].tolist() == [5.0, 10.0, 15.0, 20.0, 25.0, 30.0]
    assert histogram["incidents"].tolist() == [2, 1, 1, 0, 0, 1]
    capped = distance_histogram(distances, 5.0, max_km=12.0)
    # The last bin ends at 12 (narrower); 12 itself and 25 are beyond it.
    assert capped["to_km"].tolist() == [5.0, 10.0, 12.0]
    assert capped["incidents"].tolist() == [2, 1, 0]


def test_distance_histogram_edge_cases():
    assert distance_histogram(pd.Series([], dtype=float), 5.0).empty
    assert distance_histogram(pd.Series([], dtype=float), 5.0, max_km=10.0)["incidents"].tolist() == [0, 0]
    with pytest.raises(ValueError, match="negative"):
        distance_histogram(pd.Series([1.0, -0.1]), 5.0)
    with pytest.raises(ValueError, match="bin_km"):
        distance_histogram(pd.Series([1.0]), 0.0)


@settings(max_examples=100, deadline=None)
@given(
    values=st.lists(st.floats(min_value=0, max_value=500, allow_nan=False), max_size=60),
    bin_km=st.floats(min_value=0.5, max_value=50),
)
def test_distance_histogram_puts_every_value_in_its_bin(values, bin_km):
    histogram = distance_histogram(pd.Series(values, dtype=float), bin_km)
    assert histogram["incidents"].sum() == len(values)
    for value in values:
        holding = histogram[(histogram["from_km"] <= value) & (value < histogram["to_km"])]
        assert len(holding) == 1 and holding["incidents"].iloc[0] >= 1


def _distance_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "distance_border_km": [1.0, 4.0, 6.0, 30.0, 8.0, math.nan, 5.0],
        "between_barrier_and_border": [True, False, False, False, True, False, None],
        "geo_precision": [1, 1, 2, 1, 3, 1, 2],
    })


def test_distance_statistics_leave_centroids_out_by_default():
    stats = distance_statistics(_distance_frame())
    # Counted: 1, 4, 6, 30, 5 (8 is a centroid, NaN has no distance).
    assert stats["count"] == 5
    assert stats["median_km"] == 5.0
    assert stats["mean_km"] == pytest.approx(46 / 5)
    assert stats["share_within_5_km"] == pytest.approx(3 / 5)  # 1, 4 and exactly 5
    assert stats["share_within_10_km"] == pytest.approx(4 / 5)
    assert stats["share_within_25_km"] == pytest.approx(4 / 5)
    assert stats["share_between_barrier_and_border"] == pytest.approx(1 / 5)  # None counts as not inside
    assert stats["centroids_left_out"] == 1 and stats["without_distance"] == 1


def test_distance_statistics_can_include_centroids():
    stats = distance_statistics(_distance_frame(), include_centroids=True)
    # Counted: 1, 4, 6, 30, 8, 5 -> sorted 1 4 5 6 8 30, median (5+6)/2.
    assert stats["count"] == 6
    assert stats["median_km"] == 5.5
    assert stats["share_within_10_km"] == pytest.approx(5 / 6)
    assert stats["share_between_barrier_and_border"] == pytest.approx(2 / 6)
    assert stats["centroids_left_out"] == 0


def test_distance_statistics_of_nothing():
    stats = distance_statistics(_distance_frame().iloc[0:0])
    assert stats["count"] == 0 and math.isnan(stats["median_km"]) and math.isnan(stats["share_within_5_km"])


# --- cross_border_sequences -------------------------------------------------

D0 = dt.date(2016, 2, 1)

# id: (side, day after D0, east km, north km from ORIGIN)
SEQUENCE_POINTS = {
    "A": ("Libya", 0, 0.0, 0.0),
    "B": ("Tunisia", 21, 150.0, 0.0),  # exactly 21 days and exactly 150 km after A
    "C": ("Tunisia", 22, 10.0, 0.0),  # 22 days after A: too late for it
    "E": ("Tunisia", 5, 150.002, 0.0),  # 2 m beyond 150 km of A
    "F": ("Libya", 5, 0.0, 1.0),  # same side as A
    "G": ("Algeria", 1, 0.0, 0.0),  # never pairs
    "H": ("Tunisia", -3, 0.0, 0.0),  # before A: H then A, never A then H
    "I": ("Tunisia", 0, 1.0, 0.0),  # same day as A
}


def _sequence_frame(points: dict, ids_first: bool = True) -> gpd.GeoDataFrame:
    ids = list(points)
    metric = gpd.GeoSeries(
        [Point(ORIGIN[0] + east * 1000, ORIGIN[1] + north * 1000) for _, _, east, north in points.values()],
        crs=config.METRIC_CRS,
    )
    return gpd.GeoDataFrame({
        "id": ids,
        "event_date": [D0 + dt.timedelta(days=day) for _, day, _, _ in points.values()],
        "border_side": [side for side, _, _, _ in points.values()],
        "location": [f"place {i}" for i in ids],
        "deaths_best": [float(n) for n in range(len(ids))],
    }, geometry=metric.to_crs(config.GEOGRAPHIC_CRS).values, crs=config.GEOGRAPHIC_CRS)


def test_sequences_on_constructed_points():
    incidents = _sequence_frame(SEQUENCE_POINTS)
    before = incidents.copy()
    pairs = cross_border_sequences(incidents, days=21, radius_km=150.0)
    assert incidents.equals(before)
    # By hand (first -> then: lag, km), sorted by then date, lag, distance, ids:
    #   day 0:  A -> I (0, 1), I -> A (0, 1) [same day: both orders; ids break the tie], H -> A (3, 0)
    #   day 5:  I -> F (5, 1.41), H -> F (8, 1)
    #   day 21: A -> B (21, 150: both limits exactly)
    #   day 22: F -> C (17, sqrt(101) = 10.05)
    # Not: A -> C (22 days), A -> E and E -> F (over 150 km), F -> B (150.003 km),
    # A -> F (same side), anything with G (Algeria), A -> H (H came first).
    assert list(zip(pairs["first_id"], pairs["then_id"], strict=True)) == [
        ("A", "I"), ("I", "A"), ("H", "A"), ("I", "F"), ("H", "F"), ("A", "B"), ("F", "C")]
    assert pairs["lag_days"].tolist() == [0, 0, 3, 5, 8, 21, 17]
    assert pairs["distance_km"].tolist() == pytest.approx([1, 1, 0, math.sqrt(2), 1, 150, math.sqrt(101)], abs=1e-6)
    assert pairs.attrs["truncated"] is False
    a_to_b = pairs.iloc[5]
    assert (a_to_b["first_side"], a_to_b["then_side"]) == ("Libya", "Tunisia")
    assert (a_to_b["first_location"], a_to_b["then_location"]) == ("place A", "place B")
    assert a_to_b["first_date"] == pd.Timestamp(D0) and a_to_b["then_date"] == pd.Timestamp(D0 + dt.timedelta(21))
    assert (a_to_b["first_deaths"], a_to_b["then_deaths"]) == (0.0, 1.0)
    b = incidents.geometry.iloc[1]
    assert (a_to_b["then_lat"], a_to_b["then_lon"]) == pytest.approx((b.y, b.x))


def test_sequence_limits_are_inclusive_and_sharp():
    incidents = _sequence_frame(SEQUENCE_POINTS)
    one_day_less = cross_border_sequences(incidents, days=20, radius_km=150.0)
    assert ("A", "B") not in set(zip(one_day_less["first_id"], one_day_less["then_id"], strict=True))
    # E is 2 m beyond 150 km of A: within 150.001 (the tolerance of 1 m) it is out, within 150.002 in.
    assert SEQUENCE_TOLERANCE_M == 1.0
    wider = cross_border_sequences(incidents, days=21, radius_km=150.002)
    assert ("A", "E") in set(zip(wider["first_id"], wider["then_id"], strict=True))


def test_sequences_stop_at_max_pairs_keeping_the_earliest():
    incidents = _sequence_frame(SEQUENCE_POINTS)
    pairs = cross_border_sequences(incidents, days=21, radius_km=150.0, max_pairs=3)
    assert list(zip(pairs["first_id"], pairs["then_id"], strict=True)) == [("A", "I"), ("I", "A"), ("H", "A")]
    assert pairs.attrs["truncated"] is True
    exact = cross_border_sequences(incidents, days=21, radius_km=150.0, max_pairs=7)
    assert len(exact) == 7 and exact.attrs["truncated"] is False


def test_sequences_other_sides_and_nothing_to_pair():
    incidents = _sequence_frame(SEQUENCE_POINTS)
    with_algeria = cross_border_sequences(incidents, days=21, radius_km=150.0, sides=("Algeria", "Libya"))
    # G (Algeria, day 1, at A's place) follows A (Libya, day 0) and precedes F (day 5, 1 km away).
    assert list(zip(with_algeria["first_id"], with_algeria["then_id"], strict=True)) == [("A", "G"), ("G", "F")]
    empty = cross_border_sequences(incidents[incidents["border_side"] == "Tunisia"])
    assert empty.empty and empty.attrs["truncated"] is False
    assert list(empty.columns) == list(cross_border_sequences(incidents).columns)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [({"days": -1}, "days"), ({"radius_km": -1.0}, "radius_km"), ({"max_pairs": 0}, "max_pairs"),
     ({"sides": ("Libya", "Libya")}, "sides")],
)
def test_sequence_arguments_are_checked(arguments, message):
    with pytest.raises(ValueError, match=message):
        cross_border_sequences(_sequence_frame(SEQUENCE_POINTS), **arguments)


def test_sequences_need_a_geodataframe_with_the_columns():
    with pytest.raises(DataValidationError, match="border_side"):
        cross_border_sequences(_sequence_frame(SEQUENCE_POINTS).drop(columns="border_side"))
    with pytest.raises(DataValidationError, match="CRS"):
        cross_border_sequences(pd.DataFrame(_sequence_frame(SEQUENCE_POINTS)))


def test_bundled_data_links_the_sabratha_strike_to_the_ben_guerdane_raid():
    incidents = load_incidents()
    countries = load_countries()
    inside = gpd.sjoin(incidents[["geometry"]], countries[["name", "geometry"]], predicate="within", how="left")
    incidents["border_side"] = inside["name"].groupby(level=0).first()
    pairs = cross_border_sequences(incidents)
    link = pairs[(pairs["first_id"] == "LY-2016-02-19-SABRATHA-STRIKE")
                 & (pairs["then_id"] == "TN-2016-03-07-BENGUERDANE")]
    assert len(link) == 1
    # 19 Feb to 7 Mar 2016: 10 days of February (a leap year) + 7 = 17 days; about 125 km apart.
    assert link["lag_days"].iloc[0] == 17
    assert link["distance_km"].iloc[0] == pytest.approx(125, abs=2)
    assert (link["first_side"].iloc[0], link["then_side"].iloc[0]) == ("Libya", "Tunisia")
    assert pairs["lag_days"].between(0, config.SEQUENCE_DAYS).all()
    assert (pairs["distance_km"] <= config.SEQUENCE_RADIUS_KM).all()
    assert (pairs["first_side"] != pairs["then_side"]).all()


def _brute_force(incidents: gpd.GeoDataFrame, days: int, radius_km: float, sides, max_pairs: int):
    """Every pair checked against every other: the definition, in O(N²)."""
    metric = incidents.geometry.to_crs(config.METRIC_CRS)
    x, y = metric.x.to_numpy(), metric.y.to_numpy()
    day = pd.to_datetime(incidents["event_date"]).to_numpy("datetime64[D]").astype(np.int64)
    side, ids = incidents["border_side"].tolist(), incidents["id"].tolist()
    limit = radius_km * 1000.0 + SEQUENCE_TOLERANCE_M
    found = []
    for i in range(len(ids)):
        for j in range(len(ids)):
            lag = day[j] - day[i]
            distance = np.hypot(x[j] - x[i], y[j] - y[i])
            if side[i] in sides and side[j] in sides and side[i] != side[j] and 0 <= lag <= days and distance <= limit:
                found.append((day[j], lag, distance, ids[i], ids[j]))
    found.sort()
    return [(first, then) for _, _, _, first, then in found[:max_pairs]], len(found) > max_pairs


@settings(max_examples=150, deadline=None)
# Found by this test: with the kept pairs full, pairs of the bound's day and lag
# farther than its distance went uncounted, so a truncated list was not said to be.
@example(rows=[(1, "Tunisia", 0, 0), (1, "Tunisia", 0, 0), (1, "Libya", 0, 0), (5, "Libya", 0, 0),
               (5, "Libya", 0, 2), (6, "Tunisia", 0, 0), (6, "Tunisia", 0, 1)],
         days=1, radius_km=1, max_pairs=5, seed=random.Random(0))
@given(
    rows=st.lists(
        st.tuples(st.integers(0, 8), st.sampled_from(["Tunisia", "Libya", "Algeria"]),
                  st.integers(0, 60), st.integers(0, 60)),
        max_size=14,
    ),
    days=st.integers(0, 5),
    radius_km=st.integers(0, 50),
    max_pairs=st.integers(1, 25),
    seed=st.randoms(use_true_random=False),
)
def test_sequences_match_the_brute_force_definition(rows, days, radius_km, max_pairs, seed):
    # Whole-km grids and whole radii make exact ties and points exactly on the radius common.
    names = [f"id{n}" for n in range(len(rows))]
    seed.shuffle(names)  # ids out of row order, and "id10" < "id2" as text
    incidents = _sequence_frame({
        name: (side, day, float(east), float(north))
        for name, (day, side, east, north) in zip(names, rows, strict=True)
    })
    expected, truncated = _brute_force(incidents, days, float(radius_km), ("Tunisia", "Libya"), max_pairs)
    pairs = cross_border_sequences(incidents, days=days, radius_km=float(radius_km), max_pairs=max_pairs)
    assert list(zip(pairs["first_id"], pairs["then_id"], strict=True)) == expected
    assert pairs.attrs["truncated"] is truncated
    # Queries of at most 2 candidate pairs: many chunks a day, and the lag-by-lag
    # search with a shrinking radius once the kept pairs are full.
    with mock.patch.object(config, "SEQUENCE_PAIR_BLOCK", 2):
        chunked = cross_border_sequences(incidents, days=days, radius_km=float(radius_km), max_pairs=max_pairs)
    assert list(zip(chunked["first_id"], chunked["then_id"], strict=True)) == expected
    assert chunked.attrs["truncated"] is truncated


def test_a_crowded_day_keeps_the_nearest_pairs():
    # 30 Libyan and 30 Tunisian incidents on one day, on a line 1 km apart:
    # with room for 5 pairs, the earliest (all lag 0) are the 5 shortest.
    points = {f"L{n:02d}": ("Libya", 0, float(n), 0.0) for n in range(30)}
    points |= {f"T{n:02d}": ("Tunisia", 0, n + 0.5, 0.0) for n in range(30)}
    incidents = _sequence_frame(points)
    pairs = cross_border_sequences(incidents, days=0, radius_km=100.0, max_pairs=5)
    expected, truncated = _brute_force(incidents, 0, 100.0, ("Tunisia", "Libya"), 5)
    assert list(zip(pairs["first_id"], pairs["then_id"], strict=True)) == expected and truncated
    with mock.patch.object(config, "SEQUENCE_PAIR_BLOCK", 30):  # one "then" incident per query
        chunked = cross_border_sequences(incidents, days=0, radius_km=100.0, max_pairs=5)
    assert chunked.equals(pairs)
    assert pairs["distance_km"].tolist() == pytest.approx([0.5] * 5, abs=1e-6)


# --- corridor_surge ---------------------------------------------------------


def _surge_frame(monthly: dict[str, int], distance_km: float = 1.0, position_km: float = 5.0) -> pd.DataFrame:
    dates = [pd.Timestamp(f"{month}-15") for month, count in monthly.items() for _ in range(count)]
    return pd.DataFrame({
        "event_date": dates,
        "distance_border_km": distance_km,
        "border_position_km": position_km,
        "border_side": "Tunisia",
    })


def test_poisson_upper_tail_by_hand():
    assert poisson_upper_tail(0, 3.0) == 1.0
    assert poisson_upper_tail(1, 1.0) == pytest.approx(1 - math.exp(-1))
    # P(X >= 6 | 1) = 1 - e^-1 (1 + 1 + 1/2 + 1/6 + 1/24 + 1/120) = 0.000594
    assert poisson_upper_tail(6, 1.0) == pytest.approx(0.000594, abs=1e-6)
    assert poisson_upper_tail(3, 0.0) == 0.0
    # Far in the tail: no overflow and no rounding to 0 (P(X >= 1500 | 1000) is about 1e-50).
    assert 0 < poisson_upper_tail(1500, 1000.0) < 1e-40


@settings(max_examples=200, deadline=None)
@given(count=st.integers(0, 150), mean=st.floats(min_value=0.01, max_value=80))
def test_poisson_tail_steps_down_by_the_probability_of_each_count(count, mean):
    step = poisson_upper_tail(count, mean) - poisson_upper_tail(count + 1, mean)
    pmf = math.exp(count * math.log(mean) - mean - math.lgamma(count + 1))
    assert step == pytest.approx(pmf, rel=1e-6, abs=1e-12)


def test_surge_of_six_after_six_months_of_one():
    incidents = _surge_frame({"2016-01": 1, "2016-02": 1, "2016-03": 1, "2016-04": 1, "2016-05": 1,
                              "2016-06": 1, "2016-07": 6, "2015-12": 9})  # December 2015 is before the baseline
    before = incidents.copy()
    surge = corridor_surge(incidents, "month")
    assert incidents.equals(before)
    row = surge.iloc[0]
    assert row["group"] == "whole corridor" and str(row["period"]) == "2016-07"
    assert (row["current"], row["baseline_mean"], row["ratio"]) == (6, 1.0, 6.0)
    expected_p = 1 - sum(math.exp(-1) / math.factorial(k) for k in range(6))
    assert row["p_value"] == pytest.approx(expected_p, rel=1e-9)
    assert bool(row["surge"]) is True


def test_quiet_months_count_as_zero_and_a_zero_baseline_uses_the_floor():
    # 3 events in each of two of the six months before: mean (3+3)/6 = 1.
    spread = corridor_surge(_surge_frame({"2016-02": 3, "2016-05": 3, "2016-07": 2}), "month")
    assert spread["baseline_mean"].iloc[0] == 1.0 and spread["ratio"].iloc[0] == 2.0
    # After six quiet months, 3 events: ratio 3 / 0.5 = 6, p = 1 - e^-0.5 (1 + 0.5 + 0.125) = 0.0144.
    assert SURGE_BASELINE_FLOOR == 0.5
    three = corridor_surge(_surge_frame({"2016-07": 3}), "month").iloc[0]
    assert (three["baseline_mean"], three["ratio"]) == (0.0, 6.0)
    assert three["p_value"] == pytest.approx(1 - math.exp(-0.5) * 1.625, rel=1e-9)
    assert bool(three["surge"]) is True
    # Two events are too few to call, whatever the ratio (4) and p (0.090).
    two = corridor_surge(_surge_frame({"2016-07": 2}), "month").iloc[0]
    assert two["ratio"] == 4.0 and bool(two["surge"]) is False


def test_surge_counts_only_the_corridor_and_up_to_until():
    near = _surge_frame({"2016-07": 4})
    far = _surge_frame({"2016-07": 10}, distance_km=25.5)  # outside the 25 km corridor
    later = pd.DataFrame({"event_date": [pd.Timestamp("2016-07-20")] * 5, "distance_border_km": 1.0,
                          "border_position_km": 5.0, "border_side": "Tunisia"})
    incidents = pd.concat([near, far, later], ignore_index=True)
    # Up to 15 July: the 4 near events of the 15th; not the 10 far ones, not the 5 of the 20th.
    surge = corridor_surge(incidents, "month", corridor_km=25.0, until=dt.date(2016, 7, 15)).iloc[0]
    assert surge["current"] == 4
    assert corridor_surge(incidents, "month", corridor_km=25.0).iloc[0]["current"] == 9


def test_surge_by_segment_and_by_column():
    incidents = pd.concat([
        _surge_frame({"2016-07": 5}, position_km=3.0),  # segment 0
        _surge_frame({"2016-01": 1, "2016-07": 1}, position_km=25.0),  # segment 2
        _surge_frame({"2016-01": 6}, position_km=15.0).assign(border_side="Libya"),  # segment 1
    ], ignore_index=True)
    by_segment = corridor_surge(incidents, "month", group="segment")
    assert by_segment["group"].tolist() == [0, 1, 2]
    assert by_segment["current"].tolist() == [5, 0, 1]
    # Segment 1: 6 events in January, the first of the six baseline months: mean 1.
    assert by_segment["baseline_mean"].tolist() == pytest.approx([0.0, 1.0, 1 / 6])
    assert by_segment["surge"].tolist() == [True, False, False]
    by_side = corridor_surge(incidents, "quarter", group="border_side")
    assert by_side["group"].tolist() == ["Libya", "Tunisia"]
    assert by_side["current"].tolist() == [0, 6]  # 2016Q3


def test_surge_validates_its_arguments():
    incidents = _surge_frame({"2016-07": 1})
    with pytest.raises(ValueError, match="'week', 'month', 'quarter', 'year'"):
        corridor_surge(incidents, "fortnight")
    with pytest.raises(ValueError, match="group"):
        corridor_surge(incidents, "month", group="no_such_column")
    with pytest.raises(ValueError, match="baseline_periods"):
        corridor_surge(incidents, "month", baseline_periods=0)
    assert corridor_surge(incidents.iloc[0:0], "month").empty


def test_segment_activity_lists_every_period_of_the_range_asked_for():
    segments = border_segments(_line_km(25.0))
    incidents = _corridor_frame()
    # The incidents fall in January to March 2016; the range asked for is the whole year.
    activity = segment_activity(incidents, segments, "month", corridor_km=25.0,
                                span=(dt.date(2016, 1, 1), dt.date(2016, 12, 31)))
    assert len(activity) == 3 * 12 and activity["incidents"].sum() == 4
    quiet = segment_activity(incidents.iloc[0:0], segments, "quarter", span=(dt.date(2016, 1, 1), dt.date(2016, 6, 30)))
    assert len(quiet) == 3 * 2 and quiet["incidents"].sum() == 0


def test_the_baseline_reaches_back_whole_periods():
    # March 2016 against the six months before it: from 1 September 2015.
    assert baseline_start(dt.date(2016, 3, 15), "month", 6) == dt.date(2015, 9, 1)
    # Week of Monday 7 March 2016, two weeks before: Monday 22 February.
    assert baseline_start(dt.date(2016, 3, 9), "week", 2) == dt.date(2016, 2, 22)
    assert baseline_start(dt.date(2016, 3, 9), "year", 1) == dt.date(2015, 1, 1)
