"""Map layer of cross-border sequences: a line from each incident to the later one it links to."""

from __future__ import annotations

from typing import Final

import folium
import pandas as pd
from folium.utilities import JsCode

from borderwatch.escape import escape_html

LAYER_NAME: Final[str] = "Cross-border sequences"

SEQUENCE_COLOUR: Final[str] = "#5E3C99"
#: Radius (px) of the dot that marks a line's later end, where the sequence arrives.
END_RADIUS_PX: Final[float] = 4.0

_BIND_TOOLTIP = JsCode(
    """function bindSequenceTooltip(feature, layer) {
        layer.bindTooltip(feature.properties.tooltip_html, {sticky: true});
    }"""
)


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


def sequence_features(pairs: pd.DataFrame) -> tuple[dict, dict]:
    """The GeoJSON the layer draws: the lines, and the dots at their later ends.

    Parameters
    ----------
    pairs : pandas.DataFrame
        As :func:`borderwatch.corridor.cross_border_sequences` returns them.

    Returns
    -------
    tuple of dict
        Two FeatureCollections (EPSG:4326): one LineString per pair, first to
        then, with a ``tooltip_html`` (escaped) property; and one Point per
        pair at the later incident.
    """
    lines, ends = [], []
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
    return {"type": "FeatureCollection", "features": lines}, {"type": "FeatureCollection", "features": ends}


def sequence_style(_feature: dict) -> dict:
    """Leaflet style of a sequence line: thin, purple, dashed, see-through where many overlap."""
    return {"color": SEQUENCE_COLOUR, "weight": 2, "opacity": 0.6, "dashArray": "6 4"}


def sequence_end_style(_feature: dict) -> dict:
    """Leaflet style of the dot at a sequence's later end; it lets hovers and clicks through to the line."""
    return {"radius": END_RADIUS_PX, "color": "#FFFFFF", "weight": 1, "fill": True,
            "fillColor": SEQUENCE_COLOUR, "fillOpacity": 0.9, "interactive": False}


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
        tooltip (both dates and places, lag, distance), and one of the dots
        marking the later ends (they take no clicks).
    """
    group = folium.FeatureGroup(name=LAYER_NAME, show=True)
    if pairs.empty:
        return group
    lines, ends = sequence_features(pairs)
    folium.GeoJson(lines, style_function=sequence_style, on_each_feature=_BIND_TOOLTIP, control=False).add_to(group)
    folium.GeoJson(ends, marker=folium.CircleMarker(), style_function=sequence_end_style, control=False).add_to(group)
    return group
