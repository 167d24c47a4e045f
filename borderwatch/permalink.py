"""What a shared link holds: the filters, the visible layers, the selected
incident, the map view, the playback period and the question the Border
analytics page shows, as URL query parameters.

A link only lists what differs from the defaults, so the address stays short
and an old link keeps working when defaults change. Reading is forgiving: a
parameter that cannot be read is skipped and reported, never fatal (links
are typed, pasted and cut off by mail programs).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from typing import Any, Final

#: Stands for an empty choice ("no incident type"), which an absent parameter cannot say.
NONE_CHOSEN: Final[str] = "(none)"

_LISTS: Final[dict[str, str]] = {
    "event_types": "type", "countries": "country", "datasets": "dataset", "actors": "actor", "layers": "layer",
}


@dataclass(frozen=True)
class ViewState:
    """Everything a link reproduces. ``None`` means "the default".

    Attributes
    ----------
    start, end : datetime.date or None
        Date range.
    event_types, countries, datasets, actors : tuple of str or None
        Chosen values; ``None`` is the default choice, ``()`` nothing chosen.
    hide_duplicates : bool
    max_border_km : float or None
        "Within this many km of the border".
    layers : tuple of str or None
        Ids of the visible map layers.
    selected : str or None
        Id of the incident whose details are open.
    center : (float, float) or None
        Map centre, latitude and longitude.
    zoom : float or None
        Map zoom.
    step : str or None
        Playback step (``"week"`` or ``"month"``); ``None`` shows all dates at once.
    frame : datetime.date or None
        First day of the playback period shown.
    question : str or None
        Id of the question the Border analytics page shows, as the link has
        it: that page knows its questions and says when it cannot read one.
    border : str or None
        The border shown, as the link names it (two country codes, e.g.
        ``DZA-MAR``): the app checks it against its borders.
    """

    start: dt.date | None = None
    end: dt.date | None = None
    event_types: tuple[str, ...] | None = None
    countries: tuple[str, ...] | None = None
    datasets: tuple[str, ...] | None = None
    actors: tuple[str, ...] | None = None
    hide_duplicates: bool = False
    max_border_km: float | None = None
    layers: tuple[str, ...] | None = None
    selected: str | None = None
    center: tuple[float, float] | None = None
    zoom: float | None = None
    step: str | None = None
    frame: dt.date | None = None
    question: str | None = None
    border: str | None = None


@dataclass
class DecodedLink:
    """A link read back: the state, and what in it could not be read."""

    state: ViewState
    problems: list[str] = field(default_factory=list)


def _number(value: float) -> str:
    """Shortest text that reads back as the same float, to 5 decimals (about a metre)."""
    rounded = round(value, 5)
    return str(int(rounded)) if rounded.is_integer() else repr(rounded)


def encode(state: ViewState) -> dict[str, list[str]]:
    """Turn a state into query parameters (repeated keys for lists).

    Parameters
    ----------
    state : ViewState

    Returns
    -------
    dict of str to list of str
        Only what differs from the defaults; empty choices as :data:`NONE_CHOSEN`.
    """
    params: dict[str, list[str]] = {}
    if state.start is not None:
        params["from"] = [state.start.isoformat()]
    if state.end is not None:
        params["to"] = [state.end.isoformat()]
    for name, key in _LISTS.items():
        values = getattr(state, name)
        if values is not None:
            params[key] = list(values) if values else [NONE_CHOSEN]
    if state.hide_duplicates:
        params["hide_duplicates"] = ["1"]
    if state.max_border_km is not None:
        params["within_km"] = [_number(state.max_border_km)]
    if state.selected:
        params["incident"] = [state.selected]
    if state.center is not None:
        params["lat"], params["lon"] = [_number(state.center[0])], [_number(state.center[1])]
    if state.zoom is not None:
        params["zoom"] = [_number(state.zoom)]
    if state.step is not None:
        params["step"] = [state.step]
    if state.frame is not None:
        params["period"] = [state.frame.isoformat()]
    if state.question is not None:
        params["question"] = [state.question]
    if state.border is not None:
        params["border"] = [state.border]
    return params


def decode(params: Mapping[str, Sequence[str]], steps: Sequence[str] = ("week", "month")) -> DecodedLink:
    """Read query parameters back into a state.

    Parameters
    ----------
    params : mapping of str to sequence of str
        As the browser sent them (repeated keys as lists).
    steps : sequence of str
        Playback steps the app offers.

    Returns
    -------
    DecodedLink
        Unreadable parameters are left at their defaults and described in
        ``problems`` (parameter name and value); unknown parameters are ignored.
    """
    problems: list[str] = []
    # Field name to value, checked above; ViewState gives each its type.
    values: dict[str, Any] = {}

    def last(key: str) -> str | None:
        found = params.get(key)
        return found[-1] if found else None

    def date_of(key: str) -> dt.date | None:
        text = last(key)
        if text is None:
            return None
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            problems.append(f"{key}={text!r} is not a date (yyyy-mm-dd)")
            return None

    def number_of(key: str, low: float, high: float) -> float | None:
        text = last(key)
        if text is None:
            return None
        try:
            number = float(text)
        except ValueError:
            number = math.nan
        if not (math.isfinite(number) and low <= number <= high):
            problems.append(f"{key}={text!r} is not a number from {low:g} to {high:g}")
            return None
        return number

    values["start"], values["end"] = date_of("from"), date_of("to")
    if values["start"] and values["end"] and values["start"] > values["end"]:
        problems.append(f"from={values['start']} is after to={values['end']}")
        values["start"] = values["end"] = None
    for name, key in _LISTS.items():
        found = params.get(key)
        if found is not None:
            chosen = [value for value in found if value != NONE_CHOSEN]
            values[name] = tuple(dict.fromkeys(chosen))
    values["hide_duplicates"] = last("hide_duplicates") in ("1", "true")
    values["max_border_km"] = number_of("within_km", 0.0, 20_000.0)
    values["selected"] = last("incident") or None
    lat, lon = number_of("lat", -90.0, 90.0), number_of("lon", -180.0, 180.0)
    values["center"] = (lat, lon) if lat is not None and lon is not None else None
    values["zoom"] = number_of("zoom", 0.0, 20.0)
    step = last("step")
    if step is not None and step not in steps:
        problems.append(f"step={step!r} is not one of {', '.join(steps)}")
        step = None
    values["step"] = step
    values["frame"] = date_of("period") if step is not None else None
    values["question"] = last("question") or None
    values["border"] = last("border") or None
    known = {item.name for item in fields(ViewState)}
    return DecodedLink(ViewState(**{name: value for name, value in values.items() if name in known}), problems)


#: What each list parameter chooses among, in a message ("type='X' is not an incident type in the data").
_CHOICE_WORDS: Final[dict[str, str]] = {
    "event_types": "an incident type in the data",
    "countries": "a country in the data",
    "datasets": "a dataset in the store",
    "actors": "an actor in the data",
    "layers": "a map layer",
}


def keep_known_choices(link: DecodedLink, offered: Mapping[str, Sequence[str]]) -> DecodedLink:
    """Drop the values of list parameters that name nothing offered, and say which.

    A link typed by hand, or made before a dataset was removed, may name a
    type, country, dataset, actor or layer that does not exist here. Such a
    value is left out (and named in ``problems``); when nothing the parameter
    names is known, the parameter keeps its default rather than choosing
    nothing, so the map never silently shows no incident.

    Parameters
    ----------
    link : DecodedLink
        As :func:`decode` returns it.
    offered : mapping of str to sequence of str
        For each of ``event_types``, ``countries``, ``datasets``, ``actors``
        and ``layers`` that can be checked, the values that exist.

    Returns
    -------
    DecodedLink
        The state with only known values, and the problems of ``link`` plus one per unknown value.
    """
    problems = list(link.problems)
    changes: dict[str, Any] = {}
    for name, known in offered.items():
        chosen = getattr(link.state, name)
        if not chosen:  # the default, or an explicit empty choice
            continue
        known_set = set(known)
        unknown = [value for value in chosen if value not in known_set]
        if not unknown:
            continue
        key = _LISTS[name]
        problems.extend(f"{key}={value!r} is not {_CHOICE_WORDS[name]}" for value in unknown)
        kept = tuple(value for value in chosen if value in known_set)
        changes[name] = kept or None
    return DecodedLink(replace(link.state, **changes), problems)
