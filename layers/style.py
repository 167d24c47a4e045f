"""Colours and sizes shared by the map layers and the legend."""

from __future__ import annotations

import math

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
CROSSING_COLOUR = "#4B0082"
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
    "cluster-fill": CLUSTER_FILL,
    "cluster-ring": CLUSTER_RING,
    "cluster-text": CLUSTER_TEXT,
    "selected": SELECTED_RIM,
}
