"""The map's time slider: one week or month at a time, stepped by hand or played.

Playing is a fragment that reruns on a timer and moves the slider one
period on; each step is an ordinary rerun, so the map changes through the
same ``feature_group_to_add`` path as any filter change and needs no
animation code in the browser.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass

import streamlit as st

from borderwatch.timeline import PLAYBACK_STEPS, Frame, playback_frames
from ui.permalink import ALL_DATES, FRAME_KEY, STEP_KEY

PLAYING_KEY = "playback_playing"
_LAST_STEP_KEY = "playback_last_step"
# Set while the whole page runs: the timer's fragment then only notes when
# its period was drawn (see _advance).
_PAGE_RUN_KEY = "playback_page_run"
# The timer's next period: applied before the slider is drawn, since a
# widget's value cannot change once the widget exists in a run.
_NEXT_FRAME_KEY = "playback_next_frame"
#: Seconds between two steps while playing: time to see the map change.
PLAY_INTERVAL_S = 1.5
_STEP_LABELS = {ALL_DATES: "All dates", "week": "By week", "month": "By month"}


@dataclass(frozen=True)
class Shown:
    """The days the map shows now, and the day infrastructure is drawn as of."""

    start: dt.date | None
    end: dt.date | None
    frame: Frame | None

    @property
    def as_of(self) -> dt.date | None:
        """The barrier is drawn as it stood on this day (the period's last)."""
        return self.frame.end if self.frame is not None else self.end

    @property
    def since(self) -> dt.date | None:
        """First day whose crossing closures show: the period's; with all dates shown, the last day only."""
        return self.frame.start if self.frame is not None else self.end


def _stop() -> None:
    st.session_state[PLAYING_KEY] = False
    st.session_state.pop(_LAST_STEP_KEY, None)


def _move(frames: list[Frame], offset: int) -> None:
    starts = [frame.start for frame in frames]
    current = st.session_state.get(FRAME_KEY)
    index = starts.index(current) if current in starts else 0
    st.session_state[FRAME_KEY] = starts[min(max(index + offset, 0), len(starts) - 1)]


def _toggle_play(frames: list[Frame]) -> None:
    playing = not st.session_state.get(PLAYING_KEY, False)
    if playing and st.session_state.get(FRAME_KEY) == frames[-1].start:
        st.session_state[FRAME_KEY] = frames[0].start  # play again from the start
    st.session_state[PLAYING_KEY] = playing
    st.session_state.pop(_LAST_STEP_KEY, None)


def render_time_controls(start: dt.date | None, end: dt.date | None) -> Shown:
    """Draw the step choice, the period slider and the play buttons.

    Parameters
    ----------
    start, end : datetime.date or None
        The sidebar's date range.

    Returns
    -------
    Shown
        The whole range when "All dates" is chosen, else the chosen period.
    """
    if start is None or end is None:
        return Shown(start, end, None)
    st.session_state.setdefault(STEP_KEY, ALL_DATES)
    step = st.segmented_control(
        "Time", [ALL_DATES, *PLAYBACK_STEPS], format_func=_STEP_LABELS.__getitem__, key=STEP_KEY, on_change=_stop,
        help="Step through the date range a week or a month at a time; Play animates it.",
    )
    if step in (None, ALL_DATES):
        return Shown(start, end, None)
    try:
        frames = playback_frames(start, end, step)
    except ValueError as error:
        st.warning(str(error))
        return Shown(start, end, None)
    starts = [frame.start for frame in frames]
    if _NEXT_FRAME_KEY in st.session_state:
        st.session_state[FRAME_KEY] = st.session_state.pop(_NEXT_FRAME_KEY)
    if st.session_state.get(FRAME_KEY) not in starts:
        chosen = st.session_state.get(FRAME_KEY)
        # A period from a link or another step: the frame holding that day.
        holding = [frame.start for frame in frames if chosen and frame.start <= chosen <= frame.end]
        st.session_state[FRAME_KEY] = holding[0] if holding else starts[0]
    labels = {frame.start: frame.label for frame in frames}
    if len(frames) > 1:
        st.select_slider("Period", options=starts, format_func=labels.__getitem__, key=FRAME_KEY,
                         on_change=_stop, label_visibility="collapsed")
    else:
        st.markdown(f"**{labels[starts[0]]}**")
    # Beside the map the controls have a third of the page: the buttons get a row of their own.
    back, play, forward = st.columns([1, 1.6, 1], vertical_alignment="center")
    playing = bool(st.session_state.get(PLAYING_KEY, False))
    back.button("◀", help="Previous period", on_click=_move, args=(frames, -1), width="stretch")
    play.button("Pause" if playing else "Play", on_click=_toggle_play, args=(frames,), width="stretch",
                type="primary" if playing else "secondary")
    forward.button("▶", help="Next period", on_click=_move, args=(frames, 1), width="stretch")
    if playing:
        st.session_state[_PAGE_RUN_KEY] = True
        try:
            _advance(starts)
        finally:
            st.session_state[_PAGE_RUN_KEY] = False
    frame = frames[starts.index(st.session_state[FRAME_KEY])]
    return Shown(frame.start, frame.end, frame)


@st.fragment(run_every=PLAY_INTERVAL_S)
def _advance(starts: list[dt.date]) -> None:
    # The fragment also runs within every page run, which draws the period:
    # the interval counts from there, and only the timer steps. A page run
    # that stepped too (when it ran longer than the interval) would rerun
    # before drawing its period, and a loaded server would skip every period.
    now = time.monotonic()
    last = st.session_state.get(_LAST_STEP_KEY)
    if st.session_state.get(_PAGE_RUN_KEY) or last is None:
        st.session_state[_LAST_STEP_KEY] = now
        return
    if now - last < PLAY_INTERVAL_S * 0.8:
        return
    index = starts.index(st.session_state[FRAME_KEY]) if st.session_state.get(FRAME_KEY) in starts else -1
    if index + 1 >= len(starts):
        _stop()
    else:
        st.session_state[_NEXT_FRAME_KEY] = starts[index + 1]
    st.rerun()
