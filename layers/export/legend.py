"""The legend of the PNG: what the picture shows, in the map legend's order and the map's styles."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd
from matplotlib.artist import Artist
from matplotlib.colors import to_rgba
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from borderwatch.escape import as_text
from layers.barrier import LAYER_NAME as BARRIER_LAYER_NAME
from layers.border import LAYER_NAME as BORDER_LAYER_NAME
from layers.export.marks import PT_PER_PX, barrier_line, crossing_groups, css_colour, line_dashes
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
    if layers.barrier is not None:
        status = f" ({layers.barrier_status})" if layers.barrier_status else ""
        handles.append((_line_handle(barrier_line(layers.barrier_status)), f"{BARRIER_LAYER_NAME}, approx.{status}"))
    if layers.sequences is not None and not layers.sequences.empty:
        handles.append((_line_handle(SEQUENCE_LINE), SEQUENCES_LAYER_NAME))
    places = layers.places if layers.places is not None else pd.DataFrame({"id": [], "kind": []})
    for crossing_status, mask, dot in crossing_groups(places, layers.crossing_statuses):
        if mask.any():
            label = f"Crossing {crossing_status} on the date shown" if crossing_status else "Border crossing"
            handles.append((_dot_handle(dot), label))
    if (places["kind"].astype(str) != "crossing").any():
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


def _dot_handle(dot: DotStyle) -> Line2D:
    # Legend markers keep the dot's look at a size that fits a legend row.
    return Line2D([], [], linestyle="none", marker="o", markersize=min(2 * dot.radius_px, 12) * PT_PER_PX,
                  markerfacecolor=to_rgba(dot.fill, dot.fill_opacity), markeredgecolor=dot.rim,
                  markeredgewidth=min(dot.rim_px, 2.0))
