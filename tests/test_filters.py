"""The summary line above the map and the table."""

from __future__ import annotations

import pytest

from borderwatch.filters import Summary


@pytest.mark.parametrize(
    ("summary", "line"),
    [
        (Summary(shown=3, total=30, deaths=60), "3 of 30 incidents, 60 deaths"),
        (Summary(shown=0, total=4, deaths=0), "0 of 4 incidents, 0 deaths"),
        (Summary(shown=1, total=1, deaths=1), "1 of 1 incident, 1 death"),
        (Summary(shown=999_999, total=1_000_030, deaths=535_557), "999,999 of 1,000,030 incidents, 535,557 deaths"),
    ],
)
def test_summary_line_reads_plainly(summary, line):
    assert summary.line() == line
