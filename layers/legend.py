"""Map legend: colour by incident type, size by deaths, line symbols."""

from __future__ import annotations

from collections.abc import Sequence

from borderwatch.escape import escape_html
from borderwatch.schema import INFRASTRUCTURE_LINE_KINDS, INFRASTRUCTURE_POINT_KINDS, INFRASTRUCTURE_STATUSES
from layers.infrastructure import mark
from layers.precision import PRECISION_COLOUR
from layers.segments import SEGMENT_PALETTE
from layers.style import (
    BARRIER_LINES,
    BORDER_LINE,
    CELL_COLOUR,
    CLUSTER_FILL,
    CLUSTER_RING,
    LEGEND_DEATH_STEPS,
    PLACE_COLOUR,
    POINT_SHAPES,
    POINT_STATUS_COLOURS,
    SEQUENCE_LINE,
    LineStyle,
    barrier_line,
    event_type_colour,
    radius_for_deaths,
)


def _row(layer: str, symbol: str, words: str) -> str:
    """One legend row, shown while the layer ``layer`` is on the map (see ``layers/web/map.js``)."""
    return f'<div data-layer="{layer}">{symbol}{words}</div>'


def _dot(colour: str, extra: str = "") -> str:
    return f'<span class="bw-dot" style="background:{colour};{extra}"></span>'


def _line(css: str) -> str:
    return f'<span class="bw-line" style="border-top:{css}"></span>'


def _border_css(style: LineStyle) -> str:
    """A map line as a CSS border: its width and colour; dotted when its dashes are no longer than it is wide."""
    if style.dash is None:
        pattern = "solid"
    else:
        pattern = "dotted" if float(style.dash.split()[0]) <= style.weight_px else "dashed"
    return f"{style.weight_px:g}px {pattern} {style.colour}"


# A legend dot in the shape of a kind of point (layers.infrastructure.point_style draws them on the map).
_SHAPE_CSS = {"circle": "", "square": "border-radius:2px", "diamond": "border-radius:1px;transform:rotate(45deg)"}


def _infrastructure_rows() -> list[str]:
    """A row per kind and status of infrastructure, each shown only while the map draws one (``data-mark``)."""
    rows = []
    for kind in (*INFRASTRUCTURE_LINE_KINDS, "other"):
        for status in (status for status in INFRASTRUCTURE_STATUSES[kind] if status in BARRIER_LINES):
            symbol = _line(_border_css(barrier_line(kind, status)))
            rows.append(f'<div data-layer="barrier" data-mark="{mark(kind, status)}">{symbol}'
                        f"{kind.capitalize()}: {status}</div>")
    for kind in (*INFRASTRUCTURE_POINT_KINDS, "other"):
        for status in (status for status in INFRASTRUCTURE_STATUSES[kind] if status not in BARRIER_LINES):
            symbol = _dot(POINT_STATUS_COLOURS[status], _SHAPE_CSS[POINT_SHAPES.get(kind, POINT_SHAPES["other"])])
            rows.append(f'<div data-layer="crossings" data-mark="{mark(kind, status)}">{symbol}'
                        f"{kind.capitalize()} {status} on the date shown</div>")
    return rows


def legend_html(event_types: Sequence[str], border_name: str = "Tunisia–Libya border") -> str:
    """Return the legend's inner HTML for these event types (escaped).

    Every row names the map layer it explains; the map shows only the rows
    of the layers it draws.
    """
    sizes = "".join(
        f'<span class="bw-size" style="width:{2 * radius_for_deaths(n):.0f}px;'
        f'height:{2 * radius_for_deaths(n):.0f}px"></span>{n}&nbsp;'
        for n in LEGEND_DEATH_STEPS
    )
    rows = [
        '<div data-layer="sites"><b>Attack sites</b> (colour: ACLED event type)</div>',
        *(_row("sites", _dot(event_type_colour(name)), escape_html(name)) for name in event_types),
        f'<div data-layer="sites" class="bw-sizes">Size: deaths {sizes}</div>',
        _row("sites", _dot(CLUSTER_FILL, f"border:2px solid {CLUSTER_RING}"),
             "Numbered white disc: sites close together; click to fan them out or zoom in"),
        _row("sites", _dot(CELL_COLOUR),
             "Dark numbered circle: incidents in that area, when too many to draw one by one; click to zoom in"),
        _row("border", _line(_border_css(BORDER_LINE)), escape_html(border_name)),
        *_infrastructure_rows(),
        _row("precision", _dot("none", f"border:2px solid {PRECISION_COLOUR}"),
             "Location precision: the area the site lies within"),
        _row("places", _dot(PLACE_COLOUR, "width:7px;height:7px"), "Town or landmark"),
        _row("heatmap", _line("6px solid #F4A261"), "Heatmap: where incidents concentrate"),
        _row("segments", _line(f"5px solid {SEGMENT_PALETTE[-1]}"),
             "Border segment: the darker, the more incidents near it; the hottest outlined"),
        _row("sequences", _line(_border_css(SEQUENCE_LINE)),
             "Cross-border sequence: an incident, then one across the border soon after"),
    ]
    # Folded at first: open, it covers a third of a laptop-sized map.
    return "<details><summary><b>Legend</b></summary>" + "".join(rows) + "</details>"
