"""The map's styles (:mod:`layers.style`) in matplotlib's terms, for the PNG and its legend.

Leaflet sizes are CSS pixels; matplotlib's are points, so every size goes
through :data:`PT_PER_PX` and every mark keeps its on-screen size.
"""

from __future__ import annotations

import re
from typing import Final, Literal

import matplotlib
import numpy as np
from matplotlib.colors import to_rgba

from layers.style import (
    CROSSING_MARKER_PX,
    CROSSING_RIM_PX,
    POINT_SHAPES,
    POINT_STATUS_COLOURS,
    DotStyle,
    LineStyle,
)

#: Leaflet sizes are CSS pixels (1/96 in); matplotlib's are points (1/72 in).
PT_PER_PX: Final[float] = 72.0 / 96.0

# matplotlib's marker of each shape of the map's points (a diamond is a square turned by 45°).
_MARKERS: Final[dict[str, str]] = {"circle": "o", "square": "s", "diamond": "D"}

#: A colour as matplotlib takes it: red, green, blue and alpha from 0 to 1.
Rgba = tuple[float, float, float, float]


def css_colour(text: str) -> Rgba:
    """A CSS colour (``#hex``, a name, or ``rgb()``/``rgba()``) as matplotlib RGBA."""
    match = re.fullmatch(r"\s*rgba?\(([^)]*)\)\s*", text)
    if match is None:
        return to_rgba(text)
    values = [float(part) for part in match.group(1).replace("/", ",").split(",") if part.strip()]
    alpha = values[3] if len(values) > 3 else 1.0
    return values[0] / 255, values[1] / 255, values[2] / 255, alpha


def marker_area(radius_px: np.ndarray | float) -> np.ndarray | float:
    """Scatter marker area (pt²) of a circle of this radius in CSS px."""
    return (2.0 * np.asarray(radius_px) * PT_PER_PX) ** 2


def line_dashes(style: LineStyle) -> Literal["solid"] | tuple[float, tuple[float, ...]]:
    """The matplotlib line style of a map line: ``"solid"``, or its dash pattern in points.

    Parameters
    ----------
    style : layers.style.LineStyle
        The line as the map draws it.

    Returns
    -------
    str or tuple
        ``"solid"``, or ``(offset, (on, off, ...))`` such that matplotlib
        draws dashes as long as Leaflet's ``dashArray`` pixels.
    """
    if not style.dash:
        return "solid"
    width_pt = style.weight_px * PT_PER_PX
    # matplotlib multiplies dash lengths by the line width unless told otherwise.
    scale = width_pt if matplotlib.rcParams["lines.scale_dashes"] and width_pt > 0 else 1.0
    return 0.0, tuple(float(part) * PT_PER_PX / scale for part in re.split(r"[\s,]+", style.dash.strip()))


def point_mark(kind: str, status: str) -> tuple[DotStyle, str]:
    """The map's mark of a crossing, post or sensor in a status, as a dot and a matplotlib marker.

    Its outer edge is the map's; the marker is its kind's shape
    (:data:`layers.style.POINT_SHAPES`): ``"o"``, ``"s"`` or ``"D"``.
    """
    colour = POINT_STATUS_COLOURS.get(status, POINT_STATUS_COLOURS["active"])
    # matplotlib centres the rim on the dot's edge; the map's rim lies inside its marker.
    dot = DotStyle((CROSSING_MARKER_PX - CROSSING_RIM_PX) / 2, "#FFFFFF", CROSSING_RIM_PX, colour)
    return dot, _MARKERS[POINT_SHAPES.get(kind, POINT_SHAPES["other"])]
