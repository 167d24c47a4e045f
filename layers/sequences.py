"""Map layer of cross-border sequences: a line from each incident to the later one it links to,
with an arrowhead halfway along it pointing to the later one."""

from __future__ import annotations

import math
from typing import Final

import folium
import pandas as pd
from folium.utilities import JsCode

from borderwatch.escape import escape_html, script_json
from layers.style import SEQUENCE_END, SEQUENCE_LINE

LAYER_NAME: Final[str] = "Cross-border sequences"

SEQUENCE_COLOUR: Final[str] = SEQUENCE_LINE.colour
#: Side (px) of the arrowhead drawn halfway along each line; the same at every zoom.
ARROW_SIZE_PX: Final[int] = 14
#: CSS class of an arrowhead's marker (it replaces Leaflet's white divIcon box).
ARROW_CLASS: Final[str] = "bw-sequence-arrow"

# The functions are in layers/web/features.js; the arrowheads' settings go as JSON.
_BIND_TOOLTIP = JsCode("BorderWatch.bindSequenceTooltip")
_ARROW_MARKER = JsCode(
    "BorderWatch.sequenceArrow("
    + script_json({"size": ARROW_SIZE_PX, "colour": SEQUENCE_COLOUR, "cssClass": ARROW_CLASS})
    + ")"
)


def arrow_placement(start: tuple[float, float], end: tuple[float, float]) -> tuple[tuple[float, float], float]:
    """Where the arrowhead of a line from ``start`` to ``end`` sits, and which way it points on screen.

    Parameters
    ----------
    start, end : tuple of float
        Longitude and latitude (degrees) of the first and of the later incident.

    Returns
    -------
    tuple
        The longitude and latitude of the line's midpoint on the map (in Web
        Mercator, where Leaflet draws it straight), and the angle in degrees
        clockwise from east on screen (CSS ``rotate``): 0 points east, 90
        south, -90 north. Web Mercator keeps angles, so it holds at every zoom.
    """
    (x1, y1), (x2, y2) = (_mercator(*start), _mercator(*end))
    middle_lon = math.degrees((x1 + x2) / 2)
    middle_lat = math.degrees(math.atan(math.sinh((y1 + y2) / 2)))
    # Screen y grows downwards, Mercator y northwards.
    angle = math.degrees(math.atan2(-(y2 - y1), x2 - x1))
    return (middle_lon, middle_lat), angle


def _mercator(lon: float, lat: float) -> tuple[float, float]:
    return math.radians(lon), math.asinh(math.tan(math.radians(lat)))


def _day(value: object) -> str:
    return f"{pd.Timestamp(value):%d %b %Y}".removeprefix("0")


def sequence_tooltip(pair: dict) -> str:
    """Tooltip HTML of one pair.

    Parameters
    ----------
    pair : dict
        A row of :func:`borderwatch.corridor.cross_border_sequences`.

    Returns
    -------
    str
        Escaped HTML, e.g. "19 Feb 2016, Sabratha (Libya) → 7 Mar 2016, Ben
        Gardane (Tunisia): 17 days later, 125 km apart".
    """
    lag = int(pair["lag_days"])
    later = "the same day" if lag == 0 else f"{lag} day later" if lag == 1 else f"{lag} days later"
    first = f"{_day(pair['first_date'])}, {pair['first_location']} ({pair['first_side']})"
    then = f"{_day(pair['then_date'])}, {pair['then_location']} ({pair['then_side']})"
    return (
        f"{escape_html(first)} → {escape_html(then)}: "
        f"{escape_html(later)}, {float(pair['distance_km']):.0f} km apart"
    )


def sequence_features(pairs: pd.DataFrame) -> tuple[dict, dict, dict]:
    """The GeoJSON the layer draws: the lines, the dots at their later ends, and the arrowheads.

    Parameters
    ----------
    pairs : pandas.DataFrame
        As :func:`borderwatch.corridor.cross_border_sequences` returns them.

    Returns
    -------
    tuple of dict
        Three FeatureCollections (EPSG:4326): one LineString per pair, first
        to then, with a ``tooltip_html`` (escaped) property; one Point per
        pair at the later incident; and one Point per pair whose incidents lie
        apart, halfway along its line, with the ``angle`` its arrowhead points
        to (see :func:`arrow_placement`).
    """
    lines, ends, arrows = [], [], []
    for number, pair in enumerate(pairs.to_dict("records")):
        start = [round(float(pair["first_lon"]), 5), round(float(pair["first_lat"]), 5)]
        end = [round(float(pair["then_lon"]), 5), round(float(pair["then_lat"]), 5)]
        lines.append({
            "type": "Feature",
            "id": f"sequence-{number}",
            "geometry": {"type": "LineString", "coordinates": [start, end]},
            "properties": {"tooltip_html": sequence_tooltip(pair)},
        })
        ends.append({"type": "Feature", "id": f"end-{number}", "geometry": {"type": "Point", "coordinates": end},
                     "properties": {}})
        if start != end:
            (lon, lat), angle = arrow_placement((start[0], start[1]), (end[0], end[1]))
            arrows.append({
                "type": "Feature", "id": f"arrow-{number}",
                "geometry": {"type": "Point", "coordinates": [round(lon, 5), round(lat, 5)]},
                "properties": {"angle": round(angle, 1)},
            })
    return tuple({"type": "FeatureCollection", "features": features} for features in (lines, ends, arrows))


def sequence_style(_feature: dict) -> dict:
    """Leaflet style of a sequence line: thin, purple, dashed, see-through where many overlap."""
    return SEQUENCE_LINE.leaflet()


def sequence_end_style(_feature: dict) -> dict:
    """Leaflet style of the dot at a sequence's later end; it lets hovers and clicks through to the line."""
    return {**SEQUENCE_END.leaflet(), "interactive": False}


def sequences_layer(pairs: pd.DataFrame) -> folium.FeatureGroup:
    """Build the layer of cross-border sequences.

    Parameters
    ----------
    pairs : pandas.DataFrame
        As :func:`borderwatch.corridor.cross_border_sequences` returns them;
        not changed; may be empty.

    Returns
    -------
    folium.FeatureGroup
        Named :data:`LAYER_NAME`: one GeoJSON of all lines, each with a
        tooltip (both dates and places, lag, distance), one of the dots
        marking the later ends, and one of the arrowheads halfway along the
        lines, pointing to the later incident (dots and arrowheads take no
        clicks).
    """
    group = folium.FeatureGroup(name=LAYER_NAME, show=True)
    if pairs.empty:
        return group
    lines, ends, arrows = sequence_features(pairs)
    folium.GeoJson(lines, style_function=sequence_style, on_each_feature=_BIND_TOOLTIP, control=False).add_to(group)
    folium.GeoJson(ends, marker=folium.CircleMarker(), style_function=sequence_end_style, control=False).add_to(group)
    if arrows["features"]:
        folium.GeoJson(arrows, control=False, pointToLayer=_ARROW_MARKER).add_to(group)
    return group
