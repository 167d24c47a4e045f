"""The address bar as a permalink: read once when a session starts, written after every run.

The state itself is encoded by :mod:`borderwatch.permalink`; this module maps
it to and from the widgets' keys in ``st.session_state``.
"""

from __future__ import annotations

import math

import streamlit as st

from borderwatch import config
from borderwatch.borders import BorderLookupError
from borderwatch.escape import escape_markdown
from borderwatch.permalink import ViewState, decode, encode, keep_known_choices
from ui import cache, sidebar
from ui.selection import (
    DEFAULT_LAYERS,
    FOCUS_ZOOM,
    LAST_VIEW_KEY,
    MAP_KEY,
    MAP_LAYERS,
    OPENING_VIEW_KEY,
    SELECTED_KEY,
    request_focus,
)
from ui.sidebar import BORDER_KEY, chosen_key

LAYERS_KEY = "map_layers"
STEP_KEY = "playback_step"
FRAME_KEY = "playback_frame"
#: The question the Border analytics page shows, as a plain value: it outlives the page's widget.
QUESTION_KEY = "analytics_question"
_RESTORED_KEY = "permalink_restored"
_PROBLEMS_KEY = "permalink_problems"
_PROBLEMS_STATE_KEY = "permalink_problems_state"
#: The step widget's label when the map shows the whole date range.
ALL_DATES = "all"

_CHOICE_KEYS = {
    "event_types": sidebar.TYPES_KEY, "countries": sidebar.COUNTRIES_KEY,
    "datasets": sidebar.DATASETS_KEY, "actors": sidebar.ACTORS_KEY, "layers": LAYERS_KEY,
}


def restore_once(options: dict) -> None:
    """Put what the link holds into the session, on the session's first run only.

    Later runs leave the widgets alone: the user's changes win over the
    address. A part of the link that cannot be read, or names what does not
    exist here, keeps its default and is reported (see :func:`show_problems`).

    Parameters
    ----------
    options : dict
        What the store offers the filters (:meth:`IncidentStore.filter_options`).
    """
    if st.session_state.get(_RESTORED_KEY):
        return
    st.session_state[_RESTORED_KEY] = True
    link = decode({key: st.query_params.get_all(key) for key in st.query_params})
    link = keep_known_choices(link, {
        "event_types": options["event_types"], "countries": options["countries"],
        "datasets": options["datasets"], "actors": options["actors"], "layers": list(MAP_LAYERS),
    })
    state, problems = link.state, list(link.problems)
    if state.border is not None:
        _restore_border(state.border, problems)
    bounds = options["date_bounds"]
    if bounds is not None and (state.start is not None or state.end is not None):
        # A date the link lacks (or could not be read) keeps its default: the data's first or last day.
        start, end = state.start or bounds[0], state.end or bounds[1]
        if start > end:
            problems.append(f"the range {start} to {end} is empty, so all dates are shown")
        else:
            st.session_state[sidebar.DATE_KEY] = (start, end)
    for name, key in _CHOICE_KEYS.items():
        if getattr(state, name) is not None:
            st.session_state[key] = list(getattr(state, name))
    if state.hide_duplicates:
        st.session_state[sidebar.HIDE_DUPLICATES_KEY] = True
    if state.max_border_km is not None:
        st.session_state[sidebar.DISTANCE_KEY] = state.max_border_km
    if state.step is not None:
        st.session_state[STEP_KEY] = state.step
        if state.frame is not None:
            st.session_state[FRAME_KEY] = state.frame
    if state.center is not None or state.zoom is not None:
        st.session_state[OPENING_VIEW_KEY] = (state.center, state.zoom)
    if state.question is not None:
        st.session_state[QUESTION_KEY] = state.question
    if state.selected:
        _restore_selection(state, problems)
    st.session_state[_PROBLEMS_KEY] = problems


def _restore_border(text: str, problems: list[str]) -> None:
    """Show the link's border; one the borders file does not have keeps the default and is reported."""
    try:
        st.session_state[BORDER_KEY] = cache.border_of(text).key
    except BorderLookupError as error:
        problems.append(f"border={text!r}: {error}")


def _restore_selection(state: ViewState, problems: list[str]) -> None:
    """Select the link's incident; with no view in the link, open the map on it.

    A link made before ids named their dataset (``ACLED-TUN1``) still works
    while one incident has that id; when several datasets hold it, it is
    reported and nothing is selected.
    """
    link_id = state.selected or ""
    candidates = cache.store().incident_ids_for(link_id)
    if len(candidates) > 1:
        problems.append(f"incident={link_id!r} is in {len(candidates)} datasets ("
                        + ", ".join(candidates) + "): the link cannot say which")
        return
    record = cache.incident(candidates[0], sidebar.current_query()) if candidates else None
    if record is None:
        problems.append(f"incident={link_id!r} is not among the incidents these filters keep"
                        if candidates else f"incident={link_id!r} is not in the store")
        return
    own_view = state.center is not None or state.zoom is not None
    if not own_view:
        st.session_state[OPENING_VIEW_KEY] = ((float(record["latitude"]), float(record["longitude"])), FOCUS_ZOOM)
    # A link that names its view opens on that view; the site is shown there.
    request_focus(float(record["latitude"]), float(record["longitude"]), candidates[0], move=not own_view)


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


def _dismiss_problems() -> None:
    st.session_state.pop(_PROBLEMS_KEY, None)


def _settled(params: dict[str, list[str]]) -> dict[str, list[str]]:
    """A link's parameters but the view, which the map reports on its own as it opens."""
    return {key: value for key, value in params.items() if key not in ("lat", "lon", "zoom")}


def show_problems() -> None:
    """Say which parts of the link could not be read, until the person changes what the link set.

    The warning stays through the runs that follow by themselves (the map
    reporting its view) and goes when a filter, a layer, the period or the
    selection changes, or when the person dismisses it.
    """
    problems = st.session_state.get(_PROBLEMS_KEY)
    if not problems:
        return
    reference = st.session_state.get(_PROBLEMS_STATE_KEY)
    if reference is not None and _settled(encode(current_state(DEFAULT_LAYERS))) != reference:
        _dismiss_problems()
        return
    text, button = st.columns([12, 1], vertical_alignment="center")
    text.warning("Parts of this link could not be read and were left at their defaults: "
                 + "; ".join(escape_markdown(problem) for problem in problems))
    button.button("Dismiss", key="permalink_dismiss", on_click=_dismiss_problems)


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
        border=None if chosen_key() == config.DEFAULT_BORDER else chosen_key(),
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
    finite = all(math.isfinite(value) for value in (south, north, west, east, zoom))
    if not finite or abs(south) >= 90 or abs(north) >= 90:
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
    if st.session_state.get(_PROBLEMS_KEY) and _PROBLEMS_STATE_KEY not in st.session_state:
        # What the first run settled on from the link: the problems stay while it holds.
        st.session_state[_PROBLEMS_STATE_KEY] = _settled(params)
    shown = {key: st.query_params.get_all(key) for key in st.query_params}
    if params != shown:
        st.query_params.from_dict(params)
