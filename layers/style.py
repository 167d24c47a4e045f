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
LAND_COLOUR = "#F4F1E8"
FOCUS_LAND_COLOUR = "#FBF8EE"

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
