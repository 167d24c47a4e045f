"""Map layer of the trench and sand berm along the border (approximate)."""

from __future__ import annotations

import folium
import geopandas as gpd

from borderwatch.escape import escape_html
from layers.lines import line_feature_group
from layers.style import BARRIER_LINES

LAYER_NAME = "Trench and berm (barrier)"


def barrier_style(_feature: dict) -> dict:
    """Leaflet style of the barrier: a thick ochre line."""
    return BARRIER_LINES["complete"].leaflet()


def barrier_popup_html(barrier: gpd.GeoDataFrame) -> str:
    """Escaped popup HTML of the barrier: dates, measured and reported lengths, and that the line is approximate.

    Parameters
    ----------
    barrier : geopandas.GeoDataFrame
        One LineString with the measured and reported lengths and dates.

    Returns
    -------
    str
    """
    record = barrier.iloc[0]

    def field(name: str) -> str:
        return escape_html(record.get(name, ""))

    return (
        f"<b>{escape_html(LAYER_NAME)}</b><br>"
        f"Announced {field('announced')}; completion announced {field('completion_announced')}<br>"
        f"Reported length: about {field('reported_length_km')} km "
        f"({field('reported_length_miles')} miles); planned {field('planned_length_km')} km<br>"
        f"Other reports: {field('other_reported_lengths')}<br>"
        f"Length of this drawn line: {float(record['measured_length_km']):.0f} km<br>"
        "<i>Approximate: no public dataset gives its path; drawn about "
        f"{field('offset_km')} km inside Tunisia along the border from the coast to Dehiba.</i>"
    )


def barrier_layer(barrier: gpd.GeoDataFrame) -> folium.FeatureGroup:
    """Build the barrier layer.

    Parameters
    ----------
    barrier : geopandas.GeoDataFrame
        One LineString with the measured and reported lengths and dates.

    Returns
    -------
    folium.FeatureGroup
        Named :data:`LAYER_NAME`; the popup shows both measured and reported
        lengths and says the alignment is approximate.
    """
    tooltip = f"<b>{escape_html(LAYER_NAME)}</b> — approximate alignment"
    return line_feature_group(barrier, LAYER_NAME, barrier_style, tooltip, barrier_popup_html(barrier))
