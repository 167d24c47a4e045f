"""The offline basemap: country polygons from Natural Earth."""

from __future__ import annotations

from operator import attrgetter

import folium
import geopandas as gpd
from shapely.geometry import box
from shapely.ops import polylabel

from borderwatch import config
from layers.script import ScriptCall
from layers.style import FOCUS_LAND_COLOURS, LAND_COLOUR

LAYER_NAME = "Countries (offline basemap)"
#: Leaflet pane of the land: under the tile pane (200), so online tiles
#: cover it and the land shows wherever a tile fails to load.
LAND_PANE = "bw-land"
LAND_PANE_Z_INDEX = 150

#: A country is named on the map when at least this much of it (square
#: degrees) lies around the border: a sliver at the edge gets no name.
LABEL_MIN_AREA_DEG2 = 1.5
#: Country names show from this zoom on (they stay while zooming in).
COUNTRY_LABEL_MIN_ZOOM = 5


def country_style(feature: dict) -> dict:
    """Leaflet style of a country: light land, grey outline; the border's two countries each their own fill."""
    iso3 = feature["properties"].get("iso3")
    return {
        "fillColor": FOCUS_LAND_COLOURS.get(iso3, LAND_COLOUR),
        "fillOpacity": 1.0,
        "color": "#9A9A9A",
        "weight": 0.8,
    }


def country_labels(countries: gpd.GeoDataFrame, around: tuple[tuple[float, float], tuple[float, float]]) -> dict:
    """Where to write each country's name: inside its land around the border, far from its edges.

    Parameters
    ----------
    countries : geopandas.GeoDataFrame
        Land polygons in EPSG:4326 with ``iso3`` and ``name``.
    around : ((south, west), (north, east))
        The area the map shows the border in; each name goes at the pole of
        inaccessibility of its country's land in this area, so it falls in view.

    Returns
    -------
    dict
        Columns for ``BorderWatch.labels`` (``layers/web/labels.js``): one
        entry per country with enough land in the area, the border's
        countries first.
    """
    (south, west), (north, east) = around
    area = box(west, south, east, north)
    found: list[tuple[int, str, float, float]] = []
    for iso3, name, shape in zip(countries["iso3"], countries["name"], countries.geometry, strict=True):
        if shape is None or shape.is_empty:
            continue
        inside = shape.intersection(area)
        if inside.area < LABEL_MIN_AREA_DEG2:
            continue
        largest = max(getattr(inside, "geoms", [inside]), key=attrgetter("area"))
        point = polylabel(largest, tolerance=0.01)
        found.append((0 if iso3 in FOCUS_LAND_COLOURS else 1, str(name), point.y, point.x))
    found.sort()
    return {
        "lat": [round(lat, 4) for _, _, lat, _ in found],
        "lon": [round(lon, 4) for _, _, _, lon in found],
        "text": [name for _, name, _, _ in found],
        "priority": [index for index, _ in enumerate(found)],
        "min_zoom": [COUNTRY_LABEL_MIN_ZOOM] * len(found),
        "offset": [0] * len(found),
        "kind": ["country"] * len(found),
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


def basemap_features(countries: gpd.GeoDataFrame) -> dict:
    """The basemap as a GeoJSON FeatureCollection, each feature carrying its Leaflet ``style``.

    Parameters
    ----------
    countries : geopandas.GeoDataFrame
        Polygons with ``iso3`` (not changed).

    Returns
    -------
    dict
        Geometry in EPSG:4326 and ``properties.style`` from :func:`country_style`.
    """
    geometry = countries.geometry.to_crs(config.GEOGRAPHIC_CRS)
    features = []
    for iso3, shape in zip(countries["iso3"], geometry, strict=True):
        style = country_style({"properties": {"iso3": iso3}})
        features.append({"type": "Feature", "properties": {"style": style}, "geometry": shape.__geo_interface__})
    return {"type": "FeatureCollection", "features": features}


def feature_style(feature: dict) -> dict:
    """The style a basemap feature carries (see :func:`basemap_features`)."""
    return feature["properties"]["style"]


def countries_layer(
    countries: gpd.GeoDataFrame, show: bool = True, data_url: str | None = None
) -> folium.FeatureGroup:
    """Build the basemap layer from country polygons.

    Parameters
    ----------
    countries : geopandas.GeoDataFrame
        Polygons with ``iso3`` and ``name``.
    show : bool
        Whether this is the base layer shown first (not when online tiles are).
    data_url : str, optional
        Where this server serves :func:`basemap_features` of ``countries``:
        the browser fetches it once instead of receiving it inline on every
        rerun. Without it the polygons are inline (a standalone map).

    Returns
    -------
    folium.FeatureGroup
        A base layer (radio button in the layer control) named
        :data:`LAYER_NAME`.
    """
    group = folium.FeatureGroup(name=LAYER_NAME, overlay=False, control=True, show=show)
    if data_url is not None:
        # Fetched by the browser from this server: the basemap is the bulk of the
        # map's data, and sent inline it would be re-sent on every rerun of every session.
        ScriptCall("land", data_url, {"pane": LAND_PANE, "zIndex": LAND_PANE_Z_INDEX}).add_to(group)
        return group
    folium.GeoJson(
        basemap_features(countries),
        style_function=feature_style,
        control=False,
        # Not clickable: a click on land must not rerun the app.
        interactive=False,
    ).add_to(group)
    return group
