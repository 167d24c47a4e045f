"""Filtering by date, type and country, and the summary line."""

from __future__ import annotations

import datetime as dt

from borderwatch.filters import IncidentFilter, date_bounds, filter_incidents, summarize
from tests.factories import incident_frame, incident_row


def _incidents():
    return incident_frame(
        incident_row(id="a", event_date="2015-03-18", event_type="Violence against civilians",
                     sub_event_type="Attack", deaths_best=24, deaths_low=24, deaths_high=24),
        incident_row(id="b", event_date="2016-03-02", deaths_best=5, deaths_low=5, deaths_high=5),
        incident_row(id="c", event_date="2016-03-07", end_date="2016-03-09",
                     deaths_best=55, deaths_low=50, deaths_high=60),
        incident_row(id="d", event_date="2016-02-19", country="Libya", iso3="LBY",
                     event_type="Explosions/Remote violence", sub_event_type="Air/drone strike",
                     latitude=32.79, longitude=12.48),
    )


def test_no_restriction_keeps_everything():
    assert list(filter_incidents(_incidents(), IncidentFilter())["id"]) == ["a", "b", "c", "d"]


def test_date_range_keeps_incidents_whose_span_overlaps_it():
    kept = filter_incidents(_incidents(), IncidentFilter(start=dt.date(2016, 3, 8), end=dt.date(2016, 12, 31)))
    assert list(kept["id"]) == ["c"]  # c runs 7–9 March


def test_type_and_country_filters_combine():
    incidents = _incidents()
    assert list(filter_incidents(incidents, IncidentFilter(event_types=("Battles",)))["id"]) == ["b", "c"]
    assert list(filter_incidents(incidents, IncidentFilter(countries=("Libya",)))["id"]) == ["d"]
    both = IncidentFilter(event_types=("Battles",), countries=("Libya",))
    assert filter_incidents(incidents, both).empty


def test_empty_selection_keeps_nothing_without_error():
    assert filter_incidents(_incidents(), IncidentFilter(event_types=())).empty


def test_filter_does_not_change_its_input():
    incidents = _incidents()
    before = incidents.copy()
    filter_incidents(incidents, IncidentFilter(event_types=("Battles",)))
    assert incidents.equals(before)


def test_summary_line_counts_incidents_and_best_deaths():
    incidents = _incidents()
    shown = filter_incidents(incidents, IncidentFilter(event_types=("Battles",)))
    assert summarize(shown, total=len(incidents)).line() == "2 of 4 incidents, 60 deaths"
    assert summarize(shown.iloc[0:0], total=4).line() == "0 of 4 incidents, 0 deaths"


def test_date_bounds_cover_end_dates():
    assert date_bounds(_incidents()) == (dt.date(2015, 3, 18), dt.date(2016, 3, 9))
