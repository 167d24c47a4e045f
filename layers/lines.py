"""Shared builder of line layers with one tooltip and popup for the whole layer (the border)."""

from __future__ import annotations

from collections.abc import Callable

import folium
import geopandas as gpd

from borderwatch import config


def line_feature_group(
    lines: gpd.GeoDataFrame,
    name: str,
    style_function: Callable[[dict], dict],
    tooltip_html: str,
    popup_html: str,
) -> folium.FeatureGroup:
    """Build a named layer from line features.

    Parameters
    ----------
    lines : geopandas.GeoDataFrame
        Line features in EPSG:4326; only the geometry is sent to the browser.
    name : str
        Label in the layer control.
    style_function : callable
        Feature -> Leaflet path style.
    tooltip_html, popup_html : str
        Already-escaped HTML.

    Returns
    -------
    folium.FeatureGroup
    """
    group = folium.FeatureGroup(name=name, overlay=True, control=True, show=True)
    geometry_only = gpd.GeoDataFrame(geometry=lines.geometry.values, crs=lines.crs).to_crs(config.GEOGRAPHIC_CRS)
    folium.GeoJson(
        geometry_only.__geo_interface__,
        name=name,
        style_function=style_function,
        tooltip=folium.Tooltip(tooltip_html, sticky=True),
        popup=folium.Popup(popup_html, max_width=360),
        control=False,
    ).add_to(group)
    return group
