"""Shared links: every state survives the trip through the URL; bad links degrade gracefully."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlencode

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from borderwatch.permalink import NONE_CHOSEN, ViewState, decode, encode

_TEXT = st.text(min_size=1, max_size=20).filter(lambda text: text != NONE_CHOSEN)
_CHOICE = st.none() | st.lists(_TEXT, max_size=4, unique=True).map(tuple)
_DAY = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31))


@st.composite
def _states(draw) -> ViewState:
    start, end = sorted((draw(_DAY), draw(_DAY)))
    step = draw(st.none() | st.sampled_from(("week", "month")))
    return ViewState(
        start=start, end=end,
        event_types=draw(_CHOICE), countries=draw(_CHOICE), datasets=draw(_CHOICE), actors=draw(_CHOICE),
        hide_duplicates=draw(st.booleans()),
        max_border_km=draw(st.none() | st.integers(0, 5000).map(float)),
        layers=draw(_CHOICE), selected=draw(st.none() | _TEXT),
        center=draw(st.none() | st.tuples(st.integers(-9_000_000, 9_000_000), st.integers(-18_000_000, 18_000_000))
                    .map(lambda ll: (ll[0] / 1e5, ll[1] / 1e5))),
        zoom=draw(st.none() | st.sampled_from((4.0, 6.5, 9.0, 14.0))),
        step=step, frame=draw(_DAY) if step else None,
    )


@settings(max_examples=200)
@given(_states())
def test_every_state_survives_the_round_trip_through_a_real_query_string(state):
    # Through the same encoding a browser address uses.
    query = urlencode(encode(state), doseq=True)
    decoded = decode(parse_qs(query, keep_blank_values=True))
    assert decoded.problems == []
    assert decoded.state == state


def test_the_default_state_makes_an_empty_link():
    assert encode(ViewState()) == {}
    assert decode({}).state == ViewState()


def test_an_empty_choice_differs_from_the_default_choice():
    assert encode(ViewState(event_types=())) == {"type": [NONE_CHOSEN]}
    assert decode({"type": [NONE_CHOSEN]}).state.event_types == ()


def test_unreadable_parameters_are_skipped_and_each_is_named():
    decoded = decode({
        "from": ["2016-02-30"], "to": ["2016-03-01"], "within_km": ["-4"], "lat": ["91"], "lon": ["11"],
        "zoom": ["nan"], "step": ["fortnight"], "period": ["2016-03-07"], "incident": ["bw-0001"],
    })
    assert decoded.state == ViewState(end=dt.date(2016, 3, 1), selected="bw-0001")
    assert decoded.problems == [
        "from='2016-02-30' is not a date (yyyy-mm-dd)",
        "within_km='-4' is not a number from 0 to 20000",
        "lat='91' is not a number from -90 to 90",
        "zoom='nan' is not a number from 0 to 20",
        "step='fortnight' is not one of week, month",
    ]


def test_a_reversed_date_range_is_dropped_with_a_message():
    decoded = decode({"from": ["2016-03-08"], "to": ["2016-03-01"]})
    assert (decoded.state.start, decoded.state.end) == (None, None)
    assert decoded.problems == ["from=2016-03-08 is after to=2016-03-01"]


@pytest.mark.parametrize("value", ["<script>alert(1)</script>", "a&b=c", "Ben Guerdane, 7 Mar", "ع", "%2F"])
def test_hostile_or_unusual_values_come_back_verbatim(value):
    state = ViewState(actors=(value,), selected=value)
    assert decode(parse_qs(urlencode(encode(state), doseq=True))).state == state
