"""Map layers of infrastructure that changes with time: the barrier and the border crossings on a given day.

Statuses come from :mod:`borderwatch.timeline`; these layers only draw them.
They keep the names of the static layers (:mod:`layers.barrier`,
:mod:`layers.places`) so a page shows one or the other under the same entry
of the layer control.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Final

import folium
import geopandas as gpd
import pandas as pd
from folium.utilities import JsCode

from borderwatch.escape import escape_html
from borderwatch.timeline import DEFAULT_CROSSING_STATUS, MONTH_NAMES, StatusPeriod, describe_period, period_on
from layers.barrier import LAYER_NAME as BARRIER_LAYER_NAME
from layers.barrier import barrier_popup_html, barrier_style
from layers.lines import line_feature_group
from layers.places import CROSSINGS_LAYER_NAME
from layers.style import (
    BARRIER_LINES,
    CROSSING_CLOSED_MARK,
    CROSSING_MARKER_PX,
    CROSSING_RIM_PX,
    CROSSING_STATUS_COLOURS,
)

#: Colour of a barrier that is planned but not yet being built (from :data:`layers.style.BARRIER_LINES`).
PLANNED_COLOUR: Final[str] = BARRIER_LINES["planned"].colour
#: Colours of an open and a closed crossing (from :data:`layers.style.CROSSING_STATUS_COLOURS`).
OPEN_CROSSING_COLOUR: Final[str] = CROSSING_STATUS_COLOURS["open"]
CLOSED_CROSSING_COLOUR: Final[str] = CROSSING_STATUS_COLOURS["closed"]


def under_construction_style(_feature: dict) -> dict:
    """Leaflet style of a barrier being built: the complete barrier's ochre line, dashed."""
    return BARRIER_LINES["under construction"].leaflet()


def planned_style(_feature: dict) -> dict:
    """Leaflet style of a planned barrier: grey, short dashes."""
    return BARRIER_LINES["planned"].leaflet()


#: Style of the barrier per status; ``complete`` is the static layer's solid line.
BARRIER_STATUS_STYLES: Final[dict[str, Callable[[dict], dict]]] = {
    "complete": barrier_style,
    "under construction": under_construction_style,
    "planned": planned_style,
}


def _short_day(value: object) -> str | None:
    """``"7 Jul 2015"`` from an ISO date (text or date); None when there is none."""
    day = pd.to_datetime(value, errors="coerce")
    if pd.isna(day):
        return None
    return f"{day.day} {MONTH_NAMES[day.month - 1][:3]} {day.year}"


def _barrier_status_line(barrier: gpd.GeoDataFrame, status: str, day: date) -> str:
    """E.g. "Under construction on 2015-09-01 (announced 7 Jul 2015; completion announced 6 Feb 2016)", escaped."""
    record = barrier.iloc[0]
    events = [
        f"{words} {when}"
        for words, column in (("announced", "announced"), ("completion announced", "completion_announced"))
        if (when := _short_day(record.get(column))) is not None
    ]
    dates = f" ({'; '.join(events)})" if events else ""
    return escape_html(f"{status.capitalize()} on {day.isoformat()}{dates}")


def barrier_status_layer(barrier: gpd.GeoDataFrame, status: str | None, day: date) -> folium.FeatureGroup:
    """Build the barrier layer as it stood on a day.

    Parameters
    ----------
    barrier : geopandas.GeoDataFrame
        One LineString with the static layer's attributes (see :func:`layers.barrier.barrier_layer`); not changed.
    status : str or None
        From :func:`borderwatch.timeline.status_on`: ``"complete"`` (solid
        ochre), ``"under construction"`` (dashed ochre), ``"planned"``
        (dashed grey), or None (not yet announced: nothing drawn).
    day : datetime.date
        The day shown, quoted in the tooltip.

    Returns
    -------
    folium.FeatureGroup
        Named as the static barrier layer; empty when ``status`` is None.
        The tooltip gives the status on ``day``; the popup adds the static
        layer's lengths and its note that the alignment is approximate.

    Raises
    ------
    ValueError
        If ``status`` is not a barrier status.
    """
    if status is None:
        return folium.FeatureGroup(name=BARRIER_LAYER_NAME, overlay=True, control=True, show=True)
    if status not in BARRIER_STATUS_STYLES:
        raise ValueError(f"barrier status {status!r} is not one of {tuple(BARRIER_STATUS_STYLES)}")
    line = _barrier_status_line(barrier, status, day)
    tooltip = f"<b>{escape_html(BARRIER_LAYER_NAME)}</b><br>{line}"
    popup = f"{barrier_popup_html(barrier)}<br>{line}"
    return line_feature_group(barrier, BARRIER_LAYER_NAME, BARRIER_STATUS_STYLES[status], tooltip, popup)


def crossing_status_style(feature: dict) -> dict:
    """Leaflet icon options of a crossing: a green dot when open, a red one with a white × when closed."""
    closed = feature["properties"]["status"] == "closed"
    colour = CROSSING_STATUS_COLOURS["closed" if closed else "open"]
    size, rim = CROSSING_MARKER_PX, CROSSING_RIM_PX
    return {
        "className": f"bw-crossing bw-crossing-{'closed' if closed else 'open'}",
        "html": (
            f'<div style="width:{size}px;height:{size}px;border-radius:50%;background:{colour};'
            f"border:{rim}px solid #FFFFFF;box-sizing:border-box;box-shadow:0 0 3px rgba(0,0,0,0.5);"
            f'color:#FFFFFF;font:700 13px/{size - 2 * rim}px sans-serif;text-align:center">'
            f"{CROSSING_CLOSED_MARK if closed else ''}</div>"
        ),
        "iconSize": [size, size],
        "iconAnchor": [size // 2, size // 2],
    }


# Tooltips bound per point from escaped properties, as in layers.places (layers/web/features.js).
_BIND_CROSSING = JsCode("BorderWatch.bindCrossing")


def _crossing_tooltip(name: str, status: str, day: date, period: StatusPeriod | None) -> str:
    """Tooltip HTML of a crossing on a day, e.g. "Ras Ajdir border crossing — closed on 2016-03-10 (7–22 March 2016)".

    Parameters
    ----------
    name : str
        The crossing's name, from data (escaped here).
    status : str
        Its status that day.
    day : datetime.date
    period : borderwatch.timeline.StatusPeriod or None
        The timeline row that gives the status, its dates quoted in
        brackets; None for the default status.

    Returns
    -------
    str
        Escaped HTML.
    """
    when = f" ({describe_period(period.start, period.end)})" if period is not None else ""
    return f"<b>{escape_html(name)}</b> — {escape_html(status)} on {day.isoformat()}{escape_html(when)}"


def crossings_status_layer(
    places: gpd.GeoDataFrame,
    statuses: dict[str, str],
    day: date,
    timeline: pd.DataFrame | None = None,
    days: dict[str, date] | None = None,
) -> folium.FeatureGroup:
    """Build the layer of border crossings as they stood on a day.

    Parameters
    ----------
    places : geopandas.GeoDataFrame
        Gazetteer rows; only ``kind == "crossing"`` are drawn. Not changed.
    statuses : dict of str to str
        Crossing id to status, from :func:`borderwatch.timeline.status_on`;
        a crossing missing from it is :data:`borderwatch.timeline.DEFAULT_CROSSING_STATUS`.
    day : datetime.date
        The day shown, quoted in the tooltips.
    timeline : pandas.DataFrame, optional
        The timeline the statuses come from; with it, a tooltip also gives
        the period of the status (e.g. the dates of a closure).
    days : dict of str to datetime.date, optional
        Crossing id to the day its status was read on, when not ``day``
        (see :func:`borderwatch.timeline.crossing_days_during`).

    Returns
    -------
    folium.FeatureGroup
        Named as the static crossings layer: open crossings green, closed
        ones red with a ×; hover one for its name and status.
    """
    group = folium.FeatureGroup(name=CROSSINGS_LAYER_NAME, show=True)
    crossings = places[places["kind"] == "crossing"]
    features = []
    for place in crossings.to_dict("records"):
        status = statuses.get(place["id"], DEFAULT_CROSSING_STATUS)
        shown_day = (days or {}).get(place["id"], day)
        period = period_on(timeline, place["id"], shown_day) if timeline is not None else None
        # Quote a period only when it is the one that gives the status shown.
        if period is not None and period.status != status:
            period = None
        features.append({
            "type": "Feature",
            "id": str(place["id"]),
            "geometry": {"type": "Point", "coordinates": [float(place["longitude"]), float(place["latitude"])]},
            "properties": {"status": status,
                           "tooltip_html": _crossing_tooltip(place["name"], status, shown_day, period)},
        })
    if features:
        folium.GeoJson(
            {"type": "FeatureCollection", "features": features},
            marker=folium.Marker(icon=folium.DivIcon(class_name="bw-crossing")),
            style_function=crossing_status_style,
            on_each_feature=_BIND_CROSSING,
            control=False,
        ).add_to(group)
    return group
