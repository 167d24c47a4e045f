"""The offline basemap: country polygons from Natural Earth."""

from __future__ import annotations

import folium
import geopandas as gpd
from shapely.geometry import box

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


#: Where the coarse world layer fills in land beyond the detailed file, in
#: degrees (west, south, east, north): as far as anyone pans from the border.
WORLD_EXTENT = (-25.0, 0.0, 60.0, 60.0)
#: Simplification of the coarse land, in degrees (about 2 km).
WORLD_TOLERANCE_DEG = 0.02


def land_with_surroundings(countries: gpd.GeoDataFrame, world: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Detailed countries plus coarse land around them, so panning never ends at a cut edge.

    Parameters
    ----------
    countries : geopandas.GeoDataFrame
        Detailed polygons (Natural Earth 1:10m), clipped to a box.
    world : geopandas.GeoDataFrame
        Coarse polygons of the whole world (1:110m) with ``iso3`` and ``name``.

    Returns
    -------
    geopandas.GeoDataFrame
        ``iso3``, ``name`` and geometry: the detailed rows, then the world's
        land outside their box (within :data:`WORLD_EXTENT`), simplified.
    """
    detail_box = box(*countries.total_bounds)
    coarse = world[world.geometry.notna() & ~world.geometry.is_empty].clip(box(*WORLD_EXTENT))
    coarse = coarse.assign(geometry=coarse.geometry.difference(detail_box).simplify(WORLD_TOLERANCE_DEG))
    coarse = coarse[~coarse.geometry.is_empty]
    return gpd.GeoDataFrame(
        {
            "iso3": list(countries["iso3"]) + list(coarse["iso3"]),
            "name": list(countries["name"]) + list(coarse["name"]),
        },
        geometry=list(countries.geometry) + list(coarse.geometry),
        crs=countries.crs,
    )


def countries_layer(countries: gpd.GeoDataFrame, show: bool = True) -> folium.FeatureGroup:
    """Build the basemap layer from country polygons.

    Parameters
    ----------
    countries : geopandas.GeoDataFrame
        Polygons with ``iso3`` and ``name``.
    show : bool
        Whether this is the base layer shown first (not when online tiles are).

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
    group = folium.FeatureGroup(name=LAYER_NAME, overlay=False, control=True, show=show)
    folium.GeoJson(
        basemap.__geo_interface__,
        style_function=country_style,
        control=False,
        # Not clickable: a click on land must not rerun the app.
        interactive=False,
    ).add_to(group)
    return group
