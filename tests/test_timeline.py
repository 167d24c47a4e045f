"""Timeline of the barrier and the crossings, and the playback's frames."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from borderwatch import config
from borderwatch.errors import ReferenceDataError
from borderwatch.reference import load_places
from borderwatch.timeline import (
    STATUSES,
    Frame,
    describe_period,
    load_timeline,
    playback_frames,
)

HEADER = "feature_id,feature_kind,status,start,end,source,note\n"


@pytest.fixture(scope="module")
def timeline():
    return load_timeline()


def _write(tmp_path, body: str):
    path = tmp_path / "timeline.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def test_bundled_timeline_loads_with_sources_and_known_crossings(timeline):
    assert set(timeline["feature_id"]) == {"barrier", "ras-ajdir", "dehiba-wazin"}
    assert (timeline["source"].str.len() > 0).all()
    crossings = load_places().query("kind == 'crossing'")["id"]
    assert set(timeline.query("feature_kind == 'crossing'")["feature_id"]) <= set(crossings)
    assert all(isinstance(day, date) for day in timeline["start"])


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2016, 3, 7), date(2016, 3, 22), "7–22 March 2016"),
        (date(2024, 3, 19), date(2024, 7, 1), "19 March – 1 July 2024"),
        (date(2015, 12, 30), date(2016, 1, 2), "30 December 2015 – 2 January 2016"),
        (date(2016, 2, 6), None, "since 6 February 2016"),
    ],
)
def test_describe_period(start, end, expected):
    assert describe_period(start, end) == expected


def test_a_planned_barrier_period_is_accepted(tmp_path):
    path = _write(tmp_path, "barrier,barrier,planned,2015-01-01,2015-07-07,test,\n"
                            "barrier,barrier,under construction,2015-07-07,,test,\n")
    planned = load_timeline(path).iloc[0]
    assert (planned["status"], planned["start"], planned["end"]) == ("planned", date(2015, 1, 1), date(2015, 7, 7))
    assert set(STATUSES["barrier"]) == {"planned", "under construction", "complete"}


def test_a_bad_file_gives_one_error_naming_every_row_and_column(tmp_path):
    path = _write(tmp_path, "".join([
        "barrier,barrier,finished,2016-02-06,,src,\n",              # line 2: unknown status
        "ras-ajdir,bridge,open,2016-01-01,,src,\n",                  # line 3: unknown kind
        "ras-ajdir,crossing,closed,2016-03-07,2016-03-07,src,\n",    # line 4: end not after start
        "dehiba-wazin,crossing,closed,7 March 2016,,src,\n",         # line 5: start not ISO
        "dehiba-wazin,crossing,closed,2016-02-30,2016-13-01,src,\n",  # line 6: no such days
        "zuwara,crossing,closed,2016-03-01,2016-03-10,src,\n",       # lines 7 and 8 overlap
        "zuwara,crossing,closed,2016-03-09,2016-03-20,src,\n",
        "wazin,crossing,closed,2016-03-01,,,\n",                     # line 9: no source; open-ended ...
        "wazin,crossing,open,2017-01-01,2017-02-01,src,\n",          # line 10: ... so this overlaps it
        "nalut,crossing,closed,2016-03-01,2016-03-10,src,\n",        # lines 11 and 12 disagree on the kind
        "nalut,barrier,complete,2016-04-01,,src,\n",
    ]))
    with pytest.raises(ReferenceDataError) as caught:
        load_timeline(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: ")
    for expected in [
        "row 2, column status: 'finished'",
        "row 3, column feature_kind: 'bridge'",
        "row 4, column end: 2016-03-07 is not after start 2016-03-07",
        "row 5, column start: '7 March 2016' is not a date",
        "row 6, column start: '2016-02-30' is not a date",
        "row 6, column end: '2016-13-01' is not a date",
        "row 8, column start: 'zuwara' from 2016-03-09 overlaps row 7",
        "row 9, column source: is empty",
        "row 12, column feature_kind: 'nalut' is a crossing in row 11, not a barrier",
    ]:
        assert expected in message
    # Line 9 is rejected for its empty source, so it is not compared for overlaps;
    # the overlap check sees it once the source is there.
    assert message.count("\n  - ") == 9
    fixed = path.read_text(encoding="utf-8").replace(
        "wazin,crossing,closed,2016-03-01,,,", "wazin,crossing,closed,2016-03-01,,src,"
    )
    path.write_text(fixed, encoding="utf-8")
    overlap = r"row 10, column start: 'wazin' from 2017-01-01 overlaps row 9 \(2016-03-01, open-ended\)"
    with pytest.raises(ReferenceDataError, match=overlap):
        load_timeline(path)


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("feature_id,status\nbarrier,complete\n", "missing column"),
        (HEADER, "no rows"),
    ],
)
def test_unusable_files_are_refused(tmp_path, text, match):
    path = tmp_path / "timeline.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ReferenceDataError, match=match):
        load_timeline(path)
    with pytest.raises(ReferenceDataError, match="not found"):
        load_timeline(tmp_path / "absent.csv")


def test_weekly_frames_are_iso_weeks_clipped_to_the_range():
    # 2016-03-01 is a Tuesday in ISO week 9; 2016-03-15 a Tuesday in week 11.
    assert playback_frames(date(2016, 3, 1), date(2016, 3, 15), "week") == [
        Frame(date(2016, 3, 1), date(2016, 3, 6), "2016-W09"),
        Frame(date(2016, 3, 7), date(2016, 3, 13), "2016-W10"),
        Frame(date(2016, 3, 14), date(2016, 3, 15), "2016-W11"),
    ]
    # 1 Jan 2016 is a Friday of ISO week 53 of 2015.
    assert playback_frames(date(2016, 1, 1), date(2016, 1, 1), "week")[0].label == "2015-W53"


def test_monthly_frames_are_calendar_months_clipped_to_the_range():
    assert playback_frames(date(2015, 12, 27), date(2016, 2, 2), "month") == [
        Frame(date(2015, 12, 27), date(2015, 12, 31), "December 2015"),
        Frame(date(2016, 1, 1), date(2016, 1, 31), "January 2016"),
        Frame(date(2016, 2, 1), date(2016, 2, 2), "February 2016"),
    ]


def test_bad_playback_requests_are_refused():
    with pytest.raises(ValueError, match="step 'day'"):
        playback_frames(date(2016, 1, 1), date(2016, 2, 1), "day")
    with pytest.raises(ValueError, match="before start"):
        playback_frames(date(2016, 2, 1), date(2016, 1, 1), "week")
    # 1900-01-01 to 2020-01-01 holds about 6,261 ISO weeks (43,829 days / 7).
    with pytest.raises(ValueError, match=r"6,26\d frames.*coarser step \(month\)"):
        playback_frames(date(1900, 1, 1), date(2020, 1, 1), "week")
    # The same range by month is 1,441 frames: allowed.
    assert len(playback_frames(date(1900, 1, 1), date(2020, 1, 1), "month")) == 1_441
    with pytest.raises(ValueError, match="shorter range"):
        playback_frames(date(1000, 1, 1), date(1500, 1, 1), "month")
    assert config.MAX_PLAYBACK_FRAMES == 5_000


def _period_key(day: date, step: str) -> tuple[int, int]:
    return day.isocalendar()[:2] if step == "week" else (day.year, day.month)


@given(
    start=st.dates(min_value=date(1990, 1, 1), max_value=date(2030, 12, 31)),
    length=st.integers(min_value=0, max_value=1_500),
    step=st.sampled_from(["week", "month"]),
)
def test_frames_tile_the_range_one_week_or_month_each(start, length, step):
    end = start + timedelta(days=length)
    frames = playback_frames(start, end, step)
    assert frames[0].start == start and frames[-1].end == end
    for before, after in itertools.pairwise(frames):
        assert after.start == before.end + timedelta(days=1)  # no gap, no overlap
        assert _period_key(before.end, step) != _period_key(after.start, step)  # frames are whole periods
    for frame in frames:
        assert frame.start <= frame.end
        assert _period_key(frame.start, step) == _period_key(frame.end, step)
    assert len({frame.label for frame in frames}) == len(frames)
