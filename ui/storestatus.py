"""What the page says while the incident store cannot be reached, and how it comes back by itself.

A database restart is not a fault of the page: it says so, keeps the
session's filters, and reruns the whole app as soon as the store answers.
"""

from __future__ import annotations

import time

import streamlit as st

from borderwatch import config
from borderwatch.errors import StoreUnavailableError
from ui import cache

# When this session last showed the message (time.monotonic()).
_SHOWN_KEY = "_store_unavailable_since"


def show_unavailable(error: StoreUnavailableError) -> None:
    """Say that the store is unavailable (and why), and try again every ``config.STORE_RETRY_S`` seconds."""
    st.error(
        "The incident store is unavailable (a database restart, or the server is down). Nothing was lost: "
        f"this page tries again every {config.STORE_RETRY_S:g} s and comes back by itself once it answers."
    )
    st.code(str(error), language=None)
    st.session_state[_SHOWN_KEY] = time.monotonic()
    _retry()


@st.fragment(run_every=config.STORE_RETRY_S)
def _retry() -> None:
    # The fragment also runs with the page that showed the message: check only
    # once an interval has passed, so a store that answers this check but fails
    # the page again cannot make the app rerun in a loop.
    shown = st.session_state.get(_SHOWN_KEY)
    if shown is None or time.monotonic() - shown < config.STORE_RETRY_S * 0.8:
        return
    if cache.store_answers():
        st.session_state.pop(_SHOWN_KEY, None)
        st.rerun(scope="app")
