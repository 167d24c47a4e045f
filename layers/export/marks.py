"""The map's styles (:mod:`layers.style`) in matplotlib's terms, for the PNG and its legend.

Leaflet sizes are CSS pixels; matplotlib's are points, so every size goes
through :data:`PT_PER_PX` and every mark keeps its on-screen size.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Final, Literal

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.colors import to_rgba

from borderwatch.timeline import DEFAULT_CROSSING_STATUS
from layers.style import (
    BARRIER_LINES,
    CROSSING_DOT,
    CROSSING_MARKER_PX,
    CROSSING_RIM_PX,
    CROSSING_STATUS_COLOURS,
    DotStyle,
    LineStyle,
)

#: Leaflet sizes are CSS pixels (1/96 in); matplotlib's are points (1/72 in).
PT_PER_PX: Final[float] = 72.0 / 96.0

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


def barrier_line(status: str | None) -> LineStyle:
    """The map's style of the barrier in a status; not given: complete; unknown: under construction."""
    if status is None:
        return BARRIER_LINES["complete"]
    return BARRIER_LINES.get(status.strip().lower(), BARRIER_LINES["under construction"])


def crossing_dot(status: str) -> DotStyle:
    """The map's marker of a crossing in a status (``"open"``, ``"closed"``) as a dot: its outer edge is the map's."""
    colour = CROSSING_STATUS_COLOURS.get(status, CROSSING_STATUS_COLOURS[DEFAULT_CROSSING_STATUS])
    # matplotlib centres the rim on the dot's edge; the map's rim lies inside its marker.
    return DotStyle((CROSSING_MARKER_PX - CROSSING_RIM_PX) / 2, "#FFFFFF", CROSSING_RIM_PX, colour)


def crossing_groups(
    places: pd.DataFrame, statuses: Mapping[str, str] | None
) -> list[tuple[str | None, np.ndarray, DotStyle]]:
    """The crossings by how they are drawn.

    Parameters
    ----------
    places : pandas.DataFrame
        ``id`` and ``kind``; rows of ``kind == "crossing"`` are grouped.
    statuses : mapping of str to str or None
        Crossing id to status on the day shown (missing:
        :data:`borderwatch.timeline.DEFAULT_CROSSING_STATUS`); None when
        statuses are not drawn.

    Returns
    -------
    list of tuple
        ``(status, mask of places, dot)``: one per status of
        :data:`layers.style.CROSSING_STATUS_COLOURS`, or a single ``(None,
        mask, CROSSING_DOT)`` without statuses.
    """
    crossings = (places["kind"].astype(str) == "crossing").to_numpy()
    if statuses is None:
        return [(None, crossings, CROSSING_DOT)]
    status = places["id"].astype(str).map(dict(statuses)).fillna(DEFAULT_CROSSING_STATUS)
    return [(name, crossings & (status == name).to_numpy(), crossing_dot(name)) for name in CROSSING_STATUS_COLOURS]
