"""Formatting one incident for the details panel and the popup."""

from __future__ import annotations

import pandas as pd
import pytest

from borderwatch.describe import casualty_table, date_text, format_range, location_text, source_links


@pytest.mark.parametrize(
    ("low", "best", "high", "shown"),
    [
        (24, 24, 24, "24"),
        (54, 55, 56, "55 (54–56)"),
        (47, 47, None, "47+"),  # sources give only a lower bound
        (3, None, 5, "3–5"),
        (None, 4, None, "4"),
        (None, None, None, "not reported"),
        (pd.NA, pd.NA, pd.NA, "not reported"),
        (0, 0, 0, "0"),
    ],
)
def test_format_range(low, best, high, shown):
    assert format_range(low, best, high) == shown


def _record(**overrides):
    record = {
        "event_date": pd.Timestamp("2016-03-07"), "end_date": pd.Timestamp("2016-03-09"),
        "date_precision": "day", "latitude": 33.1389, "longitude": 11.2167, "geo_precision": 1,
        "precision_km": 2.0,
    }
    for prefix in ("deaths", "deaths_militants", "deaths_security", "deaths_civilians", "wounded"):
        record.update({f"{prefix}_low": pd.NA, f"{prefix}_best": pd.NA, f"{prefix}_high": pd.NA})
    record.update(overrides)
    return record


def test_casualty_table_lists_every_side_and_wounded():
    table = casualty_table(_record(deaths_low=54, deaths_best=55, deaths_high=56,
                                   deaths_militants_low=35, deaths_militants_best=36, deaths_militants_high=36))
    assert table.to_dict("records") == [
        {"Who": "Total", "Count": "55 (54–56)"},
        {"Who": "Militants", "Count": "36 (35–36)"},
        {"Who": "Security forces", "Count": "not reported"},
        {"Who": "Civilians", "Count": "not reported"},
        {"Who": "Wounded", "Count": "not reported"},
    ]


def test_location_text_gives_hemispheres_and_precision():
    assert location_text(_record()) == "33.1389° N, 11.2167° E — at the place named (±2 km)"
    assert location_text(_record(latitude=-1.5, longitude=-3.25, geo_precision=3, precision_km=float("nan"))) == (
        "1.5000° S, 3.2500° W — regional centroid"
    )


def test_date_text_shows_span_and_coarse_precision():
    assert date_text(_record()) == "7 March 2016 – 9 March 2016"
    assert date_text(_record(end_date=pd.NaT, date_precision="week")) == "7 March 2016 (known to the week)"


def test_source_links_split_on_the_separator_only():
    links = source_links("https://a.example/x;jsessionid=1 ; Reuters ; javascript:alert(1)")
    assert links == [
        ("a.example/x;jsessionid=1", "https://a.example/x;jsessionid=1"),
        ("Reuters", None),
        ("javascript:alert(1)", None),
    ]
