"""The one style table: colours, weights, dashes and opacities of every layer.

The folium layers read it, the browser code receives it as options (never
baked into script text), and the PNG export (:mod:`layers.export.png`)
draws with it, so the picture and the map cannot drift apart. Sizes are
CSS pixels, as Leaflet takes them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Final

#: One colour per ACLED event type (colour-blind-safe Okabe–Ito palette).
EVENT_TYPE_COLOURS: dict[str, str] = {
    "Battles": "#D55E00",
    "Explosions/Remote violence": "#CC79A7",
    "Violence against civilians": "#0072B2",
    "Protests": "#009E73",
    "Riots": "#E69F00",
    "Strategic developments": "#7A5C00",
}
UNKNOWN_TYPE_COLOUR = "#666666"

BORDER_COLOUR = "#8B0000"
BARRIER_COLOUR = "#B8860B"
PLACE_COLOUR = "#333333"
FEATURED_PLACE_COLOUR = "#000000"
SEA_COLOUR = "#C9DDEB"
#: Fill of a counted cell: dark and neutral, so it reads apart from the type colours.
CELL_COLOUR = "rgba(38, 50, 72, 0.82)"
#: Land of every country but the border's two: a shade greyer, so those stand out.
LAND_COLOUR = "#ECE9E1"
#: The two countries of the border, each its own light fill so the line reads between them.
FOCUS_LAND_COLOURS: dict[str, str] = {"TUN": "#FBF4E2", "LBY": "#EEF2E4"}

#: Marker radius in pixels for an incident with no recorded deaths, and the
#: largest radius; area grows with deaths so that size reads as magnitude.
MIN_RADIUS_PX = 5.0
MAX_RADIUS_PX = 22.0
RADIUS_PER_SQRT_DEATH = 2.2

#: Death counts shown in the legend's size key.
LEGEND_DEATH_STEPS: tuple[int, ...] = (0, 5, 20, 50)


def event_type_colour(event_type: str) -> str:
    """Return the marker colour of an ACLED event type."""
    return EVENT_TYPE_COLOURS.get(event_type, UNKNOWN_TYPE_COLOUR)


def radius_for_deaths(deaths: float | None) -> float:
    """Return the marker radius (px) for a death count; None counts as 0."""
    count = 0.0 if deaths is None or deaths != deaths else max(float(deaths), 0.0)
    return min(MIN_RADIUS_PX + RADIUS_PER_SQRT_DEATH * math.sqrt(count), MAX_RADIUS_PX)



@dataclass(frozen=True)
class LineStyle:
    """How a line is drawn.

    Attributes
    ----------
    colour : str
        CSS colour.
    weight_px : float
        Width in CSS pixels.
    opacity : float
        0 (invisible) to 1.
    dash : str or None
        Leaflet ``dashArray``: lengths of dash and gap in pixels, e.g. ``"6 4"``; None for a solid line.
    """

    colour: str
    weight_px: float
    opacity: float = 1.0
    dash: str | None = None

    def leaflet(self) -> dict:
        """Leaflet path options (``color``, ``weight``, ``opacity`` and, when dashed, ``dashArray``)."""
        options: dict = {"color": self.colour, "weight": self.weight_px, "opacity": self.opacity}
        return options if self.dash is None else {**options, "dashArray": self.dash}


@dataclass(frozen=True)
class DotStyle:
    """How a round marker (a Leaflet ``CircleMarker``) is drawn.

    Attributes
    ----------
    radius_px : float
        Radius in CSS pixels.
    rim : str
        Colour of the outline.
    rim_px : float
        Width of the outline.
    fill : str
        Colour inside.
    fill_opacity : float
        0 to 1.
    """

    radius_px: float
    rim: str
    rim_px: float
    fill: str
    fill_opacity: float = 1.0

    def leaflet(self) -> dict:
        """Leaflet circle-marker options."""
        return {"radius": self.radius_px, "color": self.rim, "weight": self.rim_px, "fill": True,
                "fillColor": self.fill, "fillOpacity": self.fill_opacity}


@dataclass(frozen=True)
class AreaStyle:
    """How an area (a polygon) is drawn: its rim, and the colour and opacity inside."""

    rim: LineStyle
    fill: str
    fill_opacity: float

    def leaflet(self) -> dict:
        """Leaflet path options of a polygon."""
        return {**self.rim.leaflet(), "fill": True, "fillColor": self.fill, "fillOpacity": self.fill_opacity}


BORDER_LINE: Final = LineStyle(BORDER_COLOUR, 3, 0.9, "8 5")
#: The two countries of a chosen border: a thin rim and a faint wash, under every other layer's marks.
BORDER_COUNTRIES: Final = AreaStyle(LineStyle(BORDER_COLOUR, 0, 0.0), "#F6C98B", 0.35)
#: A barrier by status on the day shown: solid when complete, dashed while being built, grey when planned.
#: Drawn in its kind's colour (:data:`BARRIER_KIND_COLOURS`), planned ones grey whatever their kind.
BARRIER_LINES: Final[dict[str, LineStyle]] = {
    "complete": LineStyle(BARRIER_COLOUR, 5, 0.85),
    "under construction": LineStyle(BARRIER_COLOUR, 5, 0.85, "12 8"),
    "planned": LineStyle("#8C8C8C", 4, 0.85, "4 8"),
}
#: Colour of each kind of barrier (and of a line of kind ``other``): the berm keeps the ochre it always had.
BARRIER_KIND_COLOURS: Final[dict[str, str]] = {
    "berm": BARRIER_COLOUR, "trench": "#7F3B08", "fence": "#01665E", "wall": "#4D4D4D", "other": "#6A3D9A",
}


def barrier_line(kind: str, status: str) -> LineStyle:
    """The style of a barrier of a kind in a status; an unknown kind draws as ``other``, unknown status as complete."""
    pattern = BARRIER_LINES.get(status, BARRIER_LINES["complete"])
    if status == "planned":
        return pattern
    return replace(pattern, colour=BARRIER_KIND_COLOURS.get(kind, BARRIER_KIND_COLOURS["other"]))

#: Cross-border sequences: thin, purple, dashed, see-through where many overlap.
SEQUENCE_LINE: Final = LineStyle("#5E3C99", 2, 0.6, "6 4")
#: The dot at a sequence's later end.
SEQUENCE_END: Final = DotStyle(4.0, "#FFFFFF", 1, SEQUENCE_LINE.colour, 0.9)
#: Gaps of a surveillance plan: thick dashed red.
GAP_LINE: Final = LineStyle("#E41A1C", 6, 0.9, "10 8")
#: Ranges of a plan's sensors, drawn in the plan's colour: a thin rim and a light fill.
COVERAGE_RIM_PX: Final[float] = 1
COVERAGE_RIM_OPACITY: Final[float] = 0.6
COVERAGE_FILL_OPACITY: Final[float] = 0.15
#: Lines a caller colours (PNG only): as thick as the sequences, nearly opaque.
CALLER_LINE_WEIGHT_PX: Final[float] = 2.5
CALLER_LINE_OPACITY: Final[float] = 0.9

#: Towns and landmarks; the featured town larger, white with a dark rim.
PLACE_DOT: Final = DotStyle(3.5, PLACE_COLOUR, 1, PLACE_COLOUR)
FEATURED_PLACE_DOT: Final = DotStyle(8, FEATURED_PLACE_COLOUR, 3, "#FFFFFF")
#: A crossing, post or sensor on the day shown: a mark of its status's colour, white rim, a white × when
#: closed or inactive; its kind gives the shape (:data:`POINT_SHAPES`).
POINT_STATUS_COLOURS: Final[dict[str, str]] = {
    "open": "#1B7837", "closed": "#C0392B", "active": "#2166AC", "inactive": "#7F7F7F",
}
#: Statuses marked with :data:`CROSSING_CLOSED_MARK`.
CROSSED_OUT_STATUSES: Final[tuple[str, ...]] = ("closed", "inactive")
#: Shape of each kind of point: crossings round, posts square, sensors a diamond.
POINT_SHAPES: Final[dict[str, str]] = {"crossing": "circle", "post": "square", "sensor": "diamond", "other": "circle"}
CROSSING_MARKER_PX: Final[int] = 18
CROSSING_RIM_PX: Final[int] = 2
CROSSING_CLOSED_MARK: Final[str] = "\u00d7"

#: Attack sites: a white rim around the type's colour, slightly see-through.
SITE_RIM: Final[str] = "#FFFFFF"
SITE_RIM_PX: Final[float] = 1.5
SITE_FILL_OPACITY: Final[float] = 0.85
#: Counted cells: white rim and white bold count on :data:`CELL_COLOUR`.
CELL_RIM_PX: Final[float] = 2.0
CELL_FONT_PX: Final[float] = 12.0
#: Location precision: a neutral slate circle, faint.
PRECISION_CIRCLE: Final = LineStyle("#4A5A70", 1, 0.6)
PRECISION_FILL_OPACITY: Final[float] = 0.12

#: Sites a few pixels apart are gathered into white discs with a dark rim:
#: unlike any event type, crossing status or counted cell.
CLUSTER_FILL = "#FFFFFF"
CLUSTER_RING = "#3B3B3B"
CLUSTER_TEXT = "#1F1F1F"
#: Rim of the attack site selected (clicked, or chosen in the list).
SELECTED_RIM = "#111111"

#: What the browser's stylesheet (layers/web/borderwatch.css) reads, as CSS variables ``--bw-<name>``.
CSS_VARIABLES: dict[str, str] = {
    "sea": SEA_COLOUR,
    "cell": CELL_COLOUR,
    "cell-rim": f"{CELL_RIM_PX:g}px",
    "cell-font": f"{CELL_FONT_PX:g}px",
    "cluster-fill": CLUSTER_FILL,
    "cluster-ring": CLUSTER_RING,
    "cluster-text": CLUSTER_TEXT,
    "selected": SELECTED_RIM,
}
