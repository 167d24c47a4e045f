"""The address bar as a permalink: read once when a session starts, written after every run.

The state itself is encoded by :mod:`borderwatch.permalink`; this module maps
it to and from the widgets' keys in ``st.session_state``.
"""

from __future__ import annotations

import math

import streamlit as st

from borderwatch.escape import escape_markdown
from borderwatch.permalink import ViewState, decode, encode
from ui import sidebar
from ui.selection import MAP_KEY, MAP_LAYERS, SELECTED_KEY

LAYERS_KEY = "map_layers"
STEP_KEY = "playback_step"
FRAME_KEY = "playback_frame"
#: Map centre and zoom the map opens at in this session (from a link, or the defaults).
OPENING_VIEW_KEY = "map_opening_view"
#: The view the map last reported, kept while other pages show (the map's own state is not).
LAST_VIEW_KEY = "map_last_view"
#: The question the Border analytics page shows, as a plain value: it outlives the page's widget.
QUESTION_KEY = "analytics_question"
_RESTORED_KEY = "permalink_restored"
_PROBLEMS_KEY = "permalink_problems"
#: The step widget's label when the map shows the whole date range.
ALL_DATES = "all"

_CHOICE_KEYS = {
    "event_types": sidebar.TYPES_KEY, "countries": sidebar.COUNTRIES_KEY,
    "datasets": sidebar.DATASETS_KEY, "actors": sidebar.ACTORS_KEY, "layers": LAYERS_KEY,
}


def restore_once() -> None:
    """Put what the link holds into the session, on the session's first run only.

    Later runs leave the widgets alone: the user's changes win over the address.
    """
    if st.session_state.get(_RESTORED_KEY):
        return
    st.session_state[_RESTORED_KEY] = True
    link = decode({key: st.query_params.get_all(key) for key in st.query_params})
    state = link.state
    if state.start is not None or state.end is not None:
        start = state.start or state.end
        st.session_state[sidebar.DATE_KEY] = (start, state.end or start)
    for name, key in _CHOICE_KEYS.items():
        if getattr(state, name) is not None:
            st.session_state[key] = list(getattr(state, name))
    if state.hide_duplicates:
        st.session_state[sidebar.HIDE_DUPLICATES_KEY] = True
    if state.max_border_km is not None:
        st.session_state[sidebar.DISTANCE_KEY] = state.max_border_km
    if state.selected:
        st.session_state[SELECTED_KEY] = state.selected
    if state.center is not None or state.zoom is not None:
        st.session_state[OPENING_VIEW_KEY] = (state.center, state.zoom)
    if state.step is not None:
        st.session_state[STEP_KEY] = state.step
        if state.frame is not None:
            st.session_state[FRAME_KEY] = state.frame
    if state.question is not None:
        st.session_state[QUESTION_KEY] = state.question
    st.session_state[_PROBLEMS_KEY] = link.problems


def keep_map_choices() -> None:
    """Keep the map page's widget values while another page shows.

    Streamlit drops a widget's value after a run that does not draw it;
    writing it back as a plain value keeps it, so the layers, the period
    and the selected incident survive a visit to another page (and stay in
    the link meanwhile).
    """
    for key in (LAYERS_KEY, STEP_KEY, FRAME_KEY, SELECTED_KEY):
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]


def reopen_at_last_view() -> None:
    """When the map page is entered anew, open the map where the user last left it."""
    if MAP_KEY not in st.session_state and LAST_VIEW_KEY in st.session_state:
        st.session_state[OPENING_VIEW_KEY] = st.session_state[LAST_VIEW_KEY]


def show_problems() -> None:
    """Say once which parts of the link could not be read."""
    problems = st.session_state.pop(_PROBLEMS_KEY, None)
    if problems:
        st.warning("Parts of this link could not be read and were left at their defaults: "
                   + "; ".join(escape_markdown(problem) for problem in problems))


def current_state(default_layers: tuple[str, ...]) -> ViewState:
    """What the session shows now, with defaults left out (see :func:`borderwatch.permalink.encode`)."""
    query = sidebar.current_query()
    options = st.session_state.get(sidebar.OPTIONS_KEY) or {}
    offered = {
        "event_types": options.get("event_types"), "countries": options.get("countries"),
        "datasets": options.get("datasets"),
    }
    selection = query.selection

    def unless_all(name: str, chosen: tuple[str, ...] | None) -> tuple[str, ...] | None:
        everything = offered.get(name)
        return None if chosen is None or (everything is not None and set(chosen) == set(everything)) else chosen

    bounds = options.get("date_bounds")
    dates = (selection.start, selection.end)
    whole_range = bounds is not None and tuple(dates) == tuple(bounds)
    chosen_layers = st.session_state.get(LAYERS_KEY)
    layers = None if chosen_layers is None else tuple(layer for layer in MAP_LAYERS if layer in chosen_layers)
    center, zoom = (_view_of(st.session_state.get(MAP_KEY) or {}) or st.session_state.get(LAST_VIEW_KEY)
                    or st.session_state.get(OPENING_VIEW_KEY, (None, None)))
    step = st.session_state.get(STEP_KEY)
    return ViewState(
        start=None if whole_range else selection.start,
        end=None if whole_range else selection.end,
        event_types=unless_all("event_types", selection.event_types),
        countries=unless_all("countries", selection.countries),
        datasets=unless_all("datasets", query.datasets),
        actors=query.actors,
        hide_duplicates=query.hide_duplicates,
        max_border_km=query.max_border_km,
        layers=None if layers is None or set(layers) == set(default_layers) else layers,
        selected=st.session_state.get(SELECTED_KEY) or None,
        center=center,
        zoom=zoom,
        step=None if step in (None, ALL_DATES) else step,
        frame=st.session_state.get(FRAME_KEY) if step not in (None, ALL_DATES) else None,
        question=st.session_state.get(QUESTION_KEY),
    )


def _view_of(returned: dict) -> tuple[tuple[float, float], float] | None:
    """Centre and zoom of the view ``st_folium`` last reported, if it did.

    The centre is the middle of the bounds in Web Mercator (what the map
    shows), not of the degrees; longitudes past ±180 after panning round
    the world are brought back.
    """
    try:
        south_west, north_east = returned["bounds"]["_southWest"], returned["bounds"]["_northEast"]
        south, north = float(south_west["lat"]), float(north_east["lat"])
        west, east = float(south_west["lng"]), float(north_east["lng"])
        zoom = float(returned["zoom"])
    except (KeyError, TypeError, ValueError):
        return None
    if not all(math.isfinite(value) for value in (south, north, west, east, zoom)) or abs(south) >= 90 or abs(north) >= 90:
        return None
    mercator = (math.asinh(math.tan(math.radians(south))) + math.asinh(math.tan(math.radians(north)))) / 2
    latitude = math.degrees(math.atan(math.sinh(mercator)))
    longitude = ((west + east) / 2 + 180.0) % 360.0 - 180.0
    return (latitude, longitude), zoom


def publish(default_layers: tuple[str, ...]) -> None:
    """Write the session's state into the address bar (only when it changed)."""
    view = _view_of(st.session_state.get(MAP_KEY) or {})
    if view is not None:
        st.session_state[LAST_VIEW_KEY] = view
    params = encode(current_state(default_layers))
    shown = {key: st.query_params.get_all(key) for key in st.query_params}
    if params != shown:
        st.query_params.from_dict(params)
