"""The summary line above the map and the table."""

from __future__ import annotations

from borderwatch.filters import summarize
from tests.factories import incident_frame, incident_row


def _incidents():
    return incident_frame(
        incident_row(id="a", event_date="2015-03-18", deaths_best=24, deaths_low=24, deaths_high=24),
        incident_row(id="b", event_date="2016-03-02", deaths_best=5, deaths_low=5, deaths_high=5),
        incident_row(id="c", event_date="2016-03-07", deaths_best=55, deaths_low=50, deaths_high=60),
        incident_row(id="d", event_date="2016-02-19"),
    )


def test_summary_line_counts_incidents_and_best_deaths():
    incidents = _incidents()
    assert summarize(incidents.iloc[1:], total=30).line() == "3 of 30 incidents, 60 deaths"


def test_unknown_deaths_count_as_none_and_an_empty_selection_reads_plainly():
    incidents = _incidents()
    assert summarize(incidents.iloc[3:], total=4).line() == "1 of 4 incidents, 0 deaths"
    assert summarize(incidents.iloc[0:0], total=4).line() == "0 of 4 incidents, 0 deaths"


def test_singular_words():
    assert summarize(_incidents().iloc[3:], total=1).line() == "1 of 1 incident, 0 deaths"
