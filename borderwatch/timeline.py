"""The Tunisia–Libya timeline's reader, and the periods of the map's playback.

The bundled timeline (``data/timeline.csv``, see ``data/README.md``) holds
one row per period in which a feature had a status: ``start`` is the first
day the status holds, ``end`` the first day it no longer holds (empty: it
still holds). ``scripts/build_infrastructure.py`` turns it into the border's
preset (``data/infrastructure/LBY-TUN.geojson``), which the app draws.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Final

import pandas as pd

from borderwatch import config
from borderwatch.errors import ReferenceDataError

TIMELINE_COLUMNS: Final[tuple[str, ...]] = ("feature_id", "feature_kind", "status", "start", "end", "source", "note")

#: Statuses each kind of feature can have.
STATUSES: Final[dict[str, tuple[str, ...]]] = {
    "barrier": ("planned", "under construction", "complete"),
    "crossing": ("open", "closed"),
}

#: Steps of the playback: ISO weeks (Monday to Sunday) or calendar months.
PLAYBACK_STEPS: Final[tuple[str, ...]] = ("week", "month")

#: English month names, so labels do not depend on the machine's locale.
MONTH_NAMES: Final[tuple[str, ...]] = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)

# A CSV's first data row is line 2 of the file (line 1 holds the header).
_FIRST_DATA_LINE = 2
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class Frame:
    """One step of the playback: the days ``start`` to ``end``, both included."""

    start: date
    end: date
    label: str


def _parse_day(text: str) -> date | None:
    if not _ISO_DATE.fullmatch(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:  # e.g. 2016-02-30
        return None


def _row_problems(table: pd.DataFrame) -> tuple[list[str], dict[int, tuple[date, date | None]]]:
    """Check each row on its own; return the problems and the parsed dates of the rows without any."""
    problems: list[str] = []
    periods: dict[int, tuple[date, date | None]] = {}
    for index, row in zip(table.index.tolist(), table.to_dict("records"), strict=True):
        line = index + _FIRST_DATA_LINE
        row_problems: list[str] = []
        if not row["feature_id"].strip():
            row_problems.append(f"row {line}, column feature_id: is empty")
        kind = row["feature_kind"]
        if kind not in STATUSES:
            row_problems.append(f"row {line}, column feature_kind: {kind!r} is not one of {tuple(STATUSES)}")
        elif row["status"] not in STATUSES[kind]:
            row_problems.append(
                f"row {line}, column status: {row['status']!r} is not a status of a {kind} {STATUSES[kind]}"
            )
        start = _parse_day(row["start"])
        if start is None:
            row_problems.append(f"row {line}, column start: {row['start']!r} is not a date (YYYY-MM-DD)")
        end = _parse_day(row["end"]) if row["end"] else None
        if row["end"] and end is None:
            row_problems.append(f"row {line}, column end: {row['end']!r} is not a date (YYYY-MM-DD) or empty")
        if start is not None and end is not None and end <= start:
            row_problems.append(
                f"row {line}, column end: {row['end']} is not after start {row['start']} "
                "(end is the first day the status no longer holds)"
            )
        if not row["source"].strip():
            row_problems.append(f"row {line}, column source: is empty; every period needs its source")
        problems += row_problems
        if start is not None and not row_problems:
            periods[index] = (start, end)
    return problems, periods


def _feature_problems(table: pd.DataFrame, periods: dict[int, tuple[date, date | None]]) -> list[str]:
    """Check the rows of each feature together: one kind, no overlapping periods."""
    problems: list[str] = []
    for feature_id, rows in table.groupby("feature_id", sort=True):
        # Unknown kinds are reported row by row already.
        kinds = rows["feature_kind"][rows["feature_kind"].isin(list(STATUSES))]
        for index, kind in zip(kinds.index.tolist(), kinds.tolist(), strict=True):
            if kind != kinds.iloc[0]:
                problems.append(
                    f"row {index + _FIRST_DATA_LINE}, column feature_kind: {feature_id!r} is a "
                    f"{kinds.iloc[0]} in row {kinds.index[0] + _FIRST_DATA_LINE}, not a {kind}"
                )
        dated = sorted((periods[index][0], index) for index in rows.index if index in periods)
        for (_, earlier), (start, later) in itertools.pairwise(dated):
            earlier_end = periods[earlier][1]
            if earlier_end is None or earlier_end > start:
                until = "open-ended" if earlier_end is None else f"until {earlier_end}"
                problems.append(
                    f"row {later + _FIRST_DATA_LINE}, column start: {feature_id!r} from {start} overlaps "
                    f"row {earlier + _FIRST_DATA_LINE} ({periods[earlier][0]}, {until})"
                )
    return problems


def load_timeline(path: Path = config.TIMELINE_PATH) -> pd.DataFrame:
    """Load and check the timeline of the barrier's and the crossings' status.

    Parameters
    ----------
    path : Path
        CSV with the columns of :data:`TIMELINE_COLUMNS`; dates ISO
        (YYYY-MM-DD), ``end`` exclusive or empty.

    Returns
    -------
    pandas.DataFrame
        The columns of :data:`TIMELINE_COLUMNS`, one row per period, sorted
        by feature and start; ``start`` and ``end`` hold ``datetime.date``
        (``end`` None while the status still holds).

    Raises
    ------
    ReferenceDataError
        If the file is missing or unreadable, or listing every problem
        (unknown kind or status, bad date, ``end`` not after ``start``,
        overlapping periods of one feature, empty source) by row and column.
    """
    if not path.is_file():
        raise ReferenceDataError(f"{path}: file not found")
    try:
        # Everything as text first, so a bad cell is reported, not silently coerced.
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except (UnicodeDecodeError, pd.errors.EmptyDataError, pd.errors.ParserError) as error:
        raise ReferenceDataError(f"{path}: not a readable UTF-8 CSV table: {error}") from error
    missing = [column for column in TIMELINE_COLUMNS if column not in raw.columns]
    if missing:
        raise ReferenceDataError(f"{path}: missing column(s): {', '.join(missing)}")
    if raw.empty:
        raise ReferenceDataError(f"{path}: holds a header but no rows")
    table = pd.DataFrame({column: raw[column].str.strip() for column in TIMELINE_COLUMNS})
    problems, periods = _row_problems(table)
    problems += _feature_problems(table, periods)
    if problems:
        listing = "\n".join(f"  - {problem}" for problem in problems)
        raise ReferenceDataError(f"{path}: {len(problems)} problem(s):\n{listing}")
    table["start"] = [periods[index][0] for index in table.index]
    table["end"] = pd.Series([periods[index][1] for index in table.index], index=table.index, dtype=object)
    return table.sort_values(["feature_id", "start"], kind="stable").reset_index(drop=True)


def describe_period(start: date, end: date | None) -> str:
    """Describe a timeline period in words, e.g. ``"7–22 March 2016"``.

    Parameters
    ----------
    start : datetime.date
        First day of the period.
    end : datetime.date or None
        First day after it, as in the timeline (the reopening or the next
        status, which is how sources date it); None: still holds.

    Returns
    -------
    str
        ``"7–22 March 2016"``, ``"19 March – 1 July 2024"``,
        ``"30 December 2015 – 2 January 2016"`` or ``"since 19 March 2024"``.
    """
    if end is None:
        return f"since {_long_day(start)}"
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{end.day} {MONTH_NAMES[end.month - 1]} {end.year}"
    if start.year == end.year:
        return f"{start.day} {MONTH_NAMES[start.month - 1]} – {_long_day(end)}"
    return f"{_long_day(start)} – {_long_day(end)}"


def _long_day(day: date) -> str:
    return f"{day.day} {MONTH_NAMES[day.month - 1]} {day.year}"


def _frame_count(start: date, end: date, step: str) -> int:
    if step == "week":
        first_monday = start - timedelta(days=start.weekday())
        return (end - first_monday).days // 7 + 1
    return (end.year - start.year) * 12 + end.month - start.month + 1


def _period_end(day: date, step: str) -> date:
    """Last day of the week or month that ``day`` falls in."""
    if step == "week":
        return day + timedelta(days=6 - day.weekday())
    first_of_next = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return first_of_next - timedelta(days=1)


def _frame_label(day: date, step: str) -> str:
    if step == "week":
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    return f"{MONTH_NAMES[day.month - 1]} {day.year}"


def playback_frames(start: date, end: date, step: str) -> list[Frame]:
    """Cut the days ``start`` to ``end`` into the frames of the map's playback.

    Parameters
    ----------
    start, end : datetime.date
        First and last day shown, both included.
    step : str
        ``"week"`` (ISO weeks, Monday to Sunday, labelled ``"2016-W10"``) or
        ``"month"`` (calendar months, labelled ``"March 2016"``).

    Returns
    -------
    list of Frame
        Consecutive frames, one per week or month touched, that cover every
        day once; the first and last are cut to ``start`` and ``end``.

    Raises
    ------
    ValueError
        If ``step`` is unknown, ``end`` is before ``start``, or there would
        be more than :data:`borderwatch.config.MAX_PLAYBACK_FRAMES` frames.
    """
    if step not in PLAYBACK_STEPS:
        raise ValueError(f"step {step!r} is not one of {PLAYBACK_STEPS}")
    if end < start:
        raise ValueError(f"end {end} is before start {start}")
    count = _frame_count(start, end, step)
    if count > config.MAX_PLAYBACK_FRAMES:
        coarser = "a coarser step (month)" if step == "week" else "a shorter range"
        raise ValueError(
            f"{start} to {end} by {step} gives {count:,} frames, more than {config.MAX_PLAYBACK_FRAMES:,}: "
            f"choose {coarser}"
        )
    frames = []
    day = start
    while day <= end:
        last = min(_period_end(day, step), end)
        frames.append(Frame(start=day, end=last, label=_frame_label(day, step)))
        day = last + timedelta(days=1)
    return frames
