"""The legend of the PNG: what the picture shows, in the map legend's order and the map's styles."""

from __future__ import annotations

from typing import TYPE_CHECKING

from matplotlib.artist import Artist
from matplotlib.colors import to_rgba
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from borderwatch.escape import as_text
from borderwatch.infrastructure import is_line
from layers.border import LAYER_NAME as BORDER_LAYER_NAME
from layers.export.marks import PT_PER_PX, css_colour, line_dashes, point_mark
from layers.sequences import LAYER_NAME as SEQUENCES_LAYER_NAME
from layers.style import (
    BORDER_LINE,
    CALLER_LINE_WEIGHT_PX,
    CELL_COLOUR,
    COVERAGE_FILL_OPACITY,
    COVERAGE_RIM_OPACITY,
    PLACE_DOT,
    SEQUENCE_LINE,
    SITE_RIM,
    DotStyle,
    LineStyle,
    barrier_line,
    event_type_colour,
)

if TYPE_CHECKING:
    from layers.export.png import MapLayers


def legend_handles(layers: MapLayers, event_types: list[str], cells_shown: bool) -> list[tuple[Artist, str]]:
    """Legend entries (symbol, label) of what the picture shows, in the map legend's order."""
    handles: list[tuple[Artist, str]] = [
        (Line2D([], [], linestyle="none", marker="o", markersize=8, markerfacecolor=event_type_colour(name),
                markeredgecolor=SITE_RIM), name)
        for name in event_types
    ]
    if cells_shown:
        handles.append((Line2D([], [], linestyle="none", marker="o", markersize=11,
                               markerfacecolor=css_colour(CELL_COLOUR), markeredgecolor="#FFFFFF"),
                        "Number of incidents in an area"))
    if layers.border is not None:
        name = as_text(layers.border["name"].iloc[0]) if "name" in layers.border else BORDER_LAYER_NAME
        handles.append((_line_handle(BORDER_LINE), name))
    shown = layers.infrastructure or ()
    marks = dict.fromkeys((item.feature.kind, item.status, is_line(item.feature)) for item in shown)
    for kind, status, line in marks:
        if line:
            handles.append((_line_handle(barrier_line(kind, status)), f"{kind.capitalize()}: {status}"))
    if layers.sequences is not None and not layers.sequences.empty:
        handles.append((_line_handle(SEQUENCE_LINE), SEQUENCES_LAYER_NAME))
    for kind, status, line in marks:
        if not line:
            handles.append((_dot_handle(*point_mark(kind, status)), f"{kind.capitalize()} {status} on the date shown"))
    if layers.places is not None and not layers.places.empty:
        handles.append((_dot_handle(PLACE_DOT), "Town or landmark"))
    for frame, is_disc in ((layers.lines, False), (layers.circles, True)):
        if frame is None or "label" not in frame or frame.empty:
            continue
        for label, colour in dict.fromkeys(zip(frame["label"].map(as_text), frame["colour"].astype(str), strict=True)):
            artist = (Patch(facecolor=to_rgba(colour, COVERAGE_FILL_OPACITY),
                            edgecolor=to_rgba(colour, COVERAGE_RIM_OPACITY))
                      if is_disc else Line2D([], [], color=colour, linewidth=CALLER_LINE_WEIGHT_PX * PT_PER_PX))
            handles.append((artist, label))
    return handles


def _line_handle(style: LineStyle) -> Line2D:
    return Line2D([], [], color=to_rgba(style.colour, style.opacity), linewidth=style.weight_px * PT_PER_PX,
                  linestyle=line_dashes(style))


def _dot_handle(dot: DotStyle, marker: str = "o") -> Line2D:
    # Legend markers keep the dot's look at a size that fits a legend row.
    return Line2D([], [], linestyle="none", marker=marker, markersize=min(2 * dot.radius_px, 12) * PT_PER_PX,
                  markerfacecolor=to_rgba(dot.fill, dot.fill_opacity), markeredgecolor=dot.rim,
                  markeredgewidth=min(dot.rim_px, 2.0))
