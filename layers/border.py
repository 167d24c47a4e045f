"""Map layer of the border line, and of the two countries it divides."""

from __future__ import annotations

import folium
import geopandas as gpd

from borderwatch.escape import escape_html
from layers.lines import line_feature_group
from layers.style import BORDER_COUNTRIES, BORDER_LINE

#: The bundled case's layer name.
LAYER_NAME = "Tunisia–Libya border"
#: What a person should know about the bundled case's line (the other borders' lines carry their source only).
BUNDLED_NOTE = (
    "Published length: 459–461 km. Generalised 1:10m line, not survey-grade: it puts the Ras Ajdir "
    "crossing on the Libyan side."
)


def border_style(_feature: dict) -> dict:
    """Leaflet style of the border: a dark red dashed line."""
    return BORDER_LINE.leaflet()


def countries_style(_feature: dict) -> dict:
    """Leaflet style of the border's two countries: a faint wash (see :data:`layers.style.BORDER_COUNTRIES`)."""
    return BORDER_COUNTRIES.leaflet()


def border_layer(
    border: gpd.GeoDataFrame,
    name: str = LAYER_NAME,
    note: str = BUNDLED_NOTE,
    countries: gpd.GeoDataFrame | None = None,
) -> folium.FeatureGroup:
    """Build the border layer.

    Parameters
    ----------
    border : geopandas.GeoDataFrame
        The border's line(s), with ``length_km`` and ``source`` attributes.
    name : str
        The layer's name ("Algeria–Morocco border").
    note : str
        Plain text the popup adds (what the line is worth).
    countries : geopandas.GeoDataFrame, optional
        The two countries' outlines, drawn lightly under the line so the border's sides stand out.

    Returns
    -------
    folium.FeatureGroup
        Named ``name``; tooltip and popup give length and source.
    """
    record = border.iloc[0]
    length = f"{float(record['length_km']):,.0f} km" if "length_km" in border else ""
    tooltip = f"<b>{escape_html(name)}</b> {escape_html(length)}"
    popup = (
        f"<b>{escape_html(name)}</b><br>"
        f"Length on this line: {escape_html(length)}<br>"
        f"Source: {escape_html(record.get('source', ''))}"
        + (f"<br><i>{escape_html(note)}</i>" if note else "")
    )
    group = line_feature_group(border, name, border_style, tooltip, popup)
    if countries is not None and not countries.empty:
        folium.GeoJson(
            countries[["name", "geometry"]].__geo_interface__,
            name=f"{name}: countries",
            style_function=countries_style,
            interactive=False,
            control=False,
        ).add_to(group)
    return group
