"""Map layers of a border's infrastructure as it stood on a day: its barriers, and its crossings, posts and sensors.

Any border's features (:class:`borderwatch.infrastructure.InfrastructureFeature`,
from its bundled preset or an imported file) are drawn by the same code;
statuses come from :mod:`borderwatch.infrastructure`, styles from
:mod:`layers.style`. The two layers keep the ids of links, ``"barrier"`` and
``"crossings"``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Final

import folium
from folium.utilities import JsCode

from borderwatch.escape import escape_html
from borderwatch.infrastructure import (
    InfrastructureFeature,
    ShownFeature,
    is_line,
    property_words,
    shown_features,
    status_text,
)
from layers.script import ScriptCall
from layers.style import (
    CROSSED_OUT_STATUSES,
    CROSSING_CLOSED_MARK,
    CROSSING_MARKER_PX,
    CROSSING_RIM_PX,
    POINT_SHAPES,
    POINT_STATUS_COLOURS,
    barrier_line,
)

BARRIER_LAYER_NAME: Final[str] = "Barriers"
CROSSINGS_LAYER_NAME: Final[str] = "Crossings & posts"

# Popups and tooltips bound per feature from escaped properties (layers/web/features.js).
_BIND = JsCode("BorderWatch.bindInfrastructure")


def drawn_marks(shown: Sequence[ShownFeature]) -> list[str]:
    """The legend's marks of the features shown, e.g. ``["berm:complete", "crossing:open"]`` (see :func:`mark`)."""
    return sorted({mark(item.feature.kind, item.status) for item in shown})


def mark(kind: str, status: str) -> str:
    """How a legend row names what it explains: a kind and a status, e.g. ``"crossing:closed"``."""
    return f"{kind}:{status}"


def _label(feature: InfrastructureFeature) -> str:
    """The feature's name, or its kind when it has none (not escaped)."""
    return feature.name or feature.kind.capitalize()


def popup_html(item: ShownFeature) -> str:
    """Escaped popup HTML of a feature: name, kind, status on the day, building dates, sources, notes, properties.

    Parameters
    ----------
    item : ShownFeature

    Returns
    -------
    str
        Every text from the file is escaped; the status line quotes the
        sources of the period that gives it.
    """
    feature = item.feature
    lines = [f"<b>{escape_html(_label(feature))}</b> ({escape_html(feature.kind)})",
             escape_html(status_text(item))]
    if item.period is not None and item.period.sources:
        lines.append(f"<small>Status source: {escape_html(item.period.sources)}</small>")
    built = [f"{words} {when.isoformat()}" for words, when in (("from", feature.built_from),
                                                               ("to", feature.built_to)) if when is not None]
    if built:
        lines.append(escape_html(f"Built {' '.join(built)}"))
    if feature.notes:
        lines.append(f"<small><i>{escape_html(feature.notes)}</i></small>")
    lines += [f"<small>{escape_html(property_words(name, value))}</small>"
              for name, value in feature.properties.items()]
    if feature.sources:
        lines.append(f"<small>Sources: {escape_html(feature.sources)}</small>")
    return "<br>".join(lines)


def tooltip_html(item: ShownFeature) -> str:
    """Escaped tooltip HTML, e.g. "<b>Ras Ajdir border crossing</b> — closed on 2016-03-10 (7–22 March 2016)"."""
    words = status_text(item)
    return f"<b>{escape_html(_label(item.feature))}</b> — {escape_html(words[0].lower() + words[1:])}"


def _geojson_feature(item: ShownFeature) -> dict:
    feature = item.feature
    return {
        "type": "Feature",
        "id": feature.id,
        "geometry": feature.geometry.__geo_interface__,
        "properties": {"feature_id": feature.id, "kind": feature.kind, "status": item.status,
                       "tooltip_html": tooltip_html(item), "popup_html": popup_html(item)},
    }


def line_style(feature: dict) -> dict:
    """Leaflet style of a barrier: its kind's colour, solid when complete, dashed while built, grey when planned."""
    properties = feature["properties"]
    return barrier_line(properties["kind"], properties["status"]).leaflet()


def point_style(feature: dict) -> dict:
    """Leaflet icon options of a crossing, post or sensor: its kind's shape, its status's colour, × when closed."""
    kind, status = feature["properties"]["kind"], feature["properties"]["status"]
    shape = POINT_SHAPES.get(kind, POINT_SHAPES["other"])
    crossed = status in CROSSED_OUT_STATUSES
    size, rim = CROSSING_MARKER_PX, CROSSING_RIM_PX
    corners = {"circle": "border-radius:50%;", "square": "border-radius:2px;", "diamond": "transform:rotate(45deg);"}
    # Kind and status come from the schema's vocabulary, checked on import: safe as class names.
    state = status.replace(" ", "-")
    return {
        "className": f"bw-infrastructure bw-{kind} bw-{kind}-{state}",
        "html": (
            f'<div style="width:{size}px;height:{size}px;{corners[shape]}'
            f"background:{POINT_STATUS_COLOURS.get(status, POINT_STATUS_COLOURS['active'])};"
            f"border:{rim}px solid #FFFFFF;box-sizing:border-box;box-shadow:0 0 3px rgba(0,0,0,0.5);"
            f'color:#FFFFFF;font:700 13px/{size - 2 * rim}px sans-serif;text-align:center">'
            f"{CROSSING_CLOSED_MARK if crossed else ''}</div>"
        ),
        "iconSize": [size, size],
        "iconAnchor": [size // 2, size // 2],
    }


def _group(name: str, items: list[ShownFeature], point: bool) -> folium.FeatureGroup:
    group = folium.FeatureGroup(name=name, overlay=True, control=True, show=True)
    if items:
        collection = {"type": "FeatureCollection", "features": [_geojson_feature(item) for item in items]}
        if point:
            folium.GeoJson(collection, marker=folium.Marker(icon=folium.DivIcon(class_name="bw-infrastructure")),
                           style_function=point_style, on_each_feature=_BIND, control=False).add_to(group)
        else:
            folium.GeoJson(collection, style_function=line_style, on_each_feature=_BIND, control=False).add_to(group)
    # The legend shows the rows of the kinds and statuses drawn (layers/web/map.js).
    ScriptCall("marks", drawn_marks(items)).add_to(group)
    return group


def barriers_layer(features: Sequence[InfrastructureFeature], day: date) -> folium.FeatureGroup:
    """Build the layer of a border's barriers (and lines of kind ``other``) as they stood on a day.

    Parameters
    ----------
    features : sequence of InfrastructureFeature
        A border's features; the points among them are left to :func:`points_layer`.
    day : datetime.date
        The day shown.

    Returns
    -------
    folium.FeatureGroup
        Named :data:`BARRIER_LAYER_NAME`; each line in its kind's colour,
        solid when complete, dashed while being built, grey and dashed when
        planned (:func:`layers.style.barrier_line`); a line not yet begun is
        not drawn. Hover a line for its status on ``day``; click it for its
        sources, notes and the file's other properties.
    """
    return _group(BARRIER_LAYER_NAME, [item for item in shown_features(features, day) if is_line(item.feature)],
                  point=False)


def points_layer(
    features: Sequence[InfrastructureFeature], day: date, since: date | None = None
) -> folium.FeatureGroup:
    """Build the layer of a border's crossings, posts and sensors as they stood during a period.

    Parameters
    ----------
    features : sequence of InfrastructureFeature
        A border's features; the lines among them are left to :func:`barriers_layer`.
    day : datetime.date
        The period's last day.
    since : datetime.date, optional
        The period's first day: a point closed or inactive on any day from
        ``since`` to ``day`` is drawn so, its tooltip quoting that day.

    Returns
    -------
    folium.FeatureGroup
        Named :data:`CROSSINGS_LAYER_NAME`: crossings round, posts square,
        sensors a diamond; green when open, blue when active, red or grey
        with a white × when closed or inactive.
    """
    return _group(CROSSINGS_LAYER_NAME,
                  [item for item in shown_features(features, day, since) if not is_line(item.feature)], point=True)

