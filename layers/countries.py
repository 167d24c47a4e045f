"""The offline basemap: country polygons from Natural Earth."""

from __future__ import annotations

import folium
import geopandas as gpd

from borderwatch import config

from layers.style import FOCUS_LAND_COLOUR, LAND_COLOUR

LAYER_NAME = "Countries (offline basemap)"
#: Countries the dashboard is about, drawn a shade lighter.
FOCUS_ISO3 = ("TUN", "LBY")


def country_style(feature: dict) -> dict:
    """Leaflet style of a country: light land, grey outline."""
    focus = feature["properties"].get("focus", False)
    return {
        "fillColor": FOCUS_LAND_COLOUR if focus else LAND_COLOUR,
        "fillOpacity": 1.0,
        "color": "#9A9A9A",
        "weight": 0.8,
    }


def countries_layer(countries: gpd.GeoDataFrame) -> folium.FeatureGroup:
    """Build the basemap layer from country polygons.

    Parameters
    ----------
    countries : geopandas.GeoDataFrame
        Polygons with ``iso3`` and ``name``.

    Returns
    -------
    folium.FeatureGroup
        A base layer (radio button in the layer control) named
        :data:`LAYER_NAME`.
    """
    basemap = gpd.GeoDataFrame(
        {
            "focus": countries["iso3"].isin(FOCUS_ISO3),
        },
        geometry=countries.geometry.values,
        crs=countries.crs,
    ).to_crs(config.GEOGRAPHIC_CRS)
    group = folium.FeatureGroup(name=LAYER_NAME, overlay=False, control=True, show=True)
    folium.GeoJson(
        basemap.__geo_interface__,
        style_function=country_style,
        control=False,
        # Not clickable: a click on land must not rerun the app.
        interactive=False,
    ).add_to(group)
    return group
