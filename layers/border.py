"""Map layer of the Tunisia–Libya border line."""

from __future__ import annotations

import folium
import geopandas as gpd

from borderwatch.escape import escape_html
from layers.lines import line_feature_group
from layers.style import BORDER_LINE

LAYER_NAME = "Tunisia–Libya border"


def border_style(_feature: dict) -> dict:
    """Leaflet style of the border: a dark red dashed line."""
    return BORDER_LINE.leaflet()


def border_layer(border: gpd.GeoDataFrame) -> folium.FeatureGroup:
    """Build the border layer.

    Parameters
    ----------
    border : geopandas.GeoDataFrame
        One LineString with ``length_km`` and ``source`` attributes.

    Returns
    -------
    folium.FeatureGroup
        Named :data:`LAYER_NAME`; tooltip and popup give length and source.
    """
    record = border.iloc[0]
    length = f"{float(record['length_km']):.0f} km" if "length_km" in border else ""
    tooltip = f"<b>{escape_html(LAYER_NAME)}</b> {escape_html(length)}"
    popup = (
        f"<b>{escape_html(LAYER_NAME)}</b><br>"
        f"Length on this line: {escape_html(length)} (published: 459–461 km)<br>"
        f"Source: {escape_html(record.get('source', ''))}<br>"
        "<i>Generalised 1:10m line, not survey-grade: it puts the Ras Ajdir "
        "crossing on the Libyan side.</i>"
    )
    return line_feature_group(border, LAYER_NAME, border_style, tooltip, popup)
