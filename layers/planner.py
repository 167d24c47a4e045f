"""Map layer of a surveillance plan: sensors, their coverage and the gaps between."""

from __future__ import annotations

from typing import Final

import folium

from borderwatch.escape import escape_html
from borderwatch.planner import Plan
from layers.style import COVERAGE_FILL_OPACITY, COVERAGE_RIM_OPACITY, COVERAGE_RIM_PX, GAP_LINE

#: Start of every plan layer's name in the layer control; the plan's name follows.
LAYER_PREFIX: Final[str] = "Sensor plan: "

#: Default colour of sensors and their coverage (Okabe–Ito sky blue, apart
#: from the event-type, border and barrier colours).
PLAN_COLOUR: Final[str] = "#56B4E9"
#: Colour of the uncovered stretches: red, so gaps read as the warning they are.
GAP_COLOUR: Final[str] = GAP_LINE.colour

#: CSS classes of the plan's shapes, for styling and for browser tests.
SENSOR_CSS_CLASS: Final[str] = "bw-plan-sensor"
COVERAGE_CSS_CLASS: Final[str] = "bw-plan-coverage"
GAP_CSS_CLASS: Final[str] = "bw-plan-gap"


def sensor_style(colour: str) -> dict:
    """Leaflet options of a sensor: a small dot with a white rim."""
    return {"radius": 5, "color": "#FFFFFF", "weight": 2, "fill": True, "fill_color": colour,
            "fill_opacity": 1.0, "class_name": SENSOR_CSS_CLASS}


def coverage_style(colour: str) -> dict:
    """Leaflet options of a coverage disc: a faint fill, so the incidents under it stay readable."""
    return {"color": colour, "weight": COVERAGE_RIM_PX, "opacity": COVERAGE_RIM_OPACITY, "fill": True,
            "fill_color": colour, "fill_opacity": COVERAGE_FILL_OPACITY, "class_name": COVERAGE_CSS_CLASS}


def gap_style() -> dict:
    """Leaflet options of a gap: a thick dashed red line."""
    return {"color": GAP_LINE.colour, "weight": GAP_LINE.weight_px, "opacity": GAP_LINE.opacity,
            "dash_array": GAP_LINE.dash, "class_name": GAP_CSS_CLASS}


def _km(value: float) -> str:
    """A distance with at most one decimal, without a trailing ``.0``."""
    return f"{value:.1f}".removesuffix(".0")


def gap_label(number: int, start_km: float, end_km: float, length_km: float) -> str:
    """Tooltip of a gap, e.g. ``"Gap 3: km 35–45 (10 km)"``."""
    return f"Gap {number}: km {_km(start_km)}–{_km(end_km)} ({_km(length_km)} km)"


def sensor_label(number: int, position_km: float, incidents_in_range: int) -> str:
    """Tooltip of a sensor, e.g. ``"Sensor 2: km 30 along the line, 4 incidents in range"``."""
    noun = "incident" if incidents_in_range == 1 else "incidents"
    return f"Sensor {number}: km {_km(position_km)} along the line, {incidents_in_range} {noun} in range"


def plan_layer(plan: Plan, colour: str = PLAN_COLOUR) -> folium.FeatureGroup:
    """Build the layer of one surveillance plan.

    Parameters
    ----------
    plan : borderwatch.planner.Plan
        The plan to draw; not changed.
    colour : str
        CSS colour of the sensors and their discs (one per plan when several are shown).

    Returns
    -------
    folium.FeatureGroup
        Named :data:`LAYER_PREFIX` plus the plan's name (escaped). Coverage
        discs are circles of the true radius in metres (Leaflet draws them
        on the map's projection, which at 30–33° N is close enough to the
        metric circle); they ignore the mouse so incidents under them stay
        clickable. Gaps are thick dashed red lines, each with a tooltip such
        as "Gap 3: km 35–45 (10 km)"; sensors are small dots whose tooltip
        gives their number, position and incidents in range.
    """
    name = escape_html(plan.name)
    group = folium.FeatureGroup(name=f"{escape_html(LAYER_PREFIX)}{name}", overlay=True, control=True, show=True)
    range_m = plan.range_km * 1_000.0
    # Discs first, then gaps, then sensors: later shapes are drawn on top.
    for point in plan.sensors.geometry:
        disc = folium.Circle(location=(point.y, point.x), radius=range_m, **coverage_style(colour))
        # folium does not pass Leaflet's "interactive" option through; without it
        # a disc would catch the clicks meant for the incidents beneath.
        disc.options["interactive"] = False
        disc.add_to(group)
    for gap in plan.gaps.itertuples(index=False):
        locations = [(lat, lon) for lon, lat in gap.geometry.coords]
        tooltip = escape_html(gap_label(int(gap.gap), gap.start_km, gap.end_km, gap.length_km))
        folium.PolyLine(locations, tooltip=folium.Tooltip(tooltip, sticky=True), **gap_style()).add_to(group)
    for sensor in plan.sensors.itertuples(index=False):
        point = sensor.geometry
        tooltip = (
            f"<b>{name}</b><br>"
            f"{escape_html(sensor_label(int(sensor.sensor), sensor.position_km, int(sensor.incidents_in_range)))}"
        )
        folium.CircleMarker(
            location=(point.y, point.x), tooltip=folium.Tooltip(tooltip), **sensor_style(colour)
        ).add_to(group)
    return group
