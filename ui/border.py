"""Which land border the dashboard shows: the sidebar's picker, kept in links as ``border=``.

Tunisia–Libya (:data:`borderwatch.config.DEFAULT_BORDER`) until a person
or a link chooses another. A new border opens the map fitted to it.
"""

from __future__ import annotations

import streamlit as st

from borderwatch.borders import Border
from ui import cache
from ui.selection import FOCUS_KEY, LAST_VIEW_KEY, OPENING_VIEW_KEY, SELECTED_KEY
from ui.sidebar import BORDER_KEY, chosen_key

_PICKER_KEY = "border_picker"


def current_border() -> Border:
    """The border shown now."""
    return cache.border_of(chosen_key())


def _choose() -> None:
    st.session_state[BORDER_KEY] = st.session_state[_PICKER_KEY]
    # The map opens on the new border, fitted to the window, with nothing selected there.
    for key in (OPENING_VIEW_KEY, LAST_VIEW_KEY, SELECTED_KEY, FOCUS_KEY):
        st.session_state.pop(key, None)


def render_border_picker() -> Border:
    """The sidebar's border choice, searchable by either country's name or code; returns the border shown."""
    labels = cache.border_labels()
    st.session_state[_PICKER_KEY] = chosen_key()
    st.sidebar.selectbox(
        "Border", list(labels), format_func=labels.__getitem__, key=_PICKER_KEY, on_change=_choose,
        help="Every land border of Natural Earth 1:10m. Type either country's name or code to find one.",
    )
    return current_border()

