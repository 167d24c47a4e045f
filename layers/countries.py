"""The offline basemap: country polygons from Natural Earth."""

from __future__ import annotations

import folium
import geopandas as gpd
from branca.element import MacroElement
from jinja2 import Template
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
        style = country_style({"properties": {"focus": iso3 in FOCUS_ISO3}})
        features.append({"type": "Feature", "properties": {"style": style}, "geometry": shape.__geo_interface__})
    return {"type": "FeatureCollection", "features": features}


def feature_style(feature: dict) -> dict:
    """The style a basemap feature carries (see :func:`basemap_features`)."""
    return feature["properties"]["style"]


class _FetchedGeoJson(MacroElement):
    """Polygons the browser fetches from a URL of this server, drawn into the parent group.

    The basemap is the bulk of the map's data; sent inline it would be
    rebuilt and re-sent on every rerun of every session.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        fetch({{ this.url|tojson }})
            .then(function (response) { return response.json(); })
            .then(function (data) {
                L.geoJSON(data, {
                    interactive: false,
                    style: function (feature) { return feature.properties.style; }
                }).addTo({{ this._parent.get_name() }}).bringToBack();
            })
            .catch(function (error) {
                // The map still works without land; say why it is missing.
                console.error("BorderWatch: the basemap could not be loaded from", {{ this.url|tojson }}, error);
            });
        {% endmacro %}
        """
    )

    def __init__(self, url: str) -> None:
        super().__init__()
        self._name = "FetchedGeoJson"
        self.url = url


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
        _FetchedGeoJson(data_url).add_to(group)
        return group
    folium.GeoJson(
        basemap_features(countries),
        style_function=feature_style,
        control=False,
        # Not clickable: a click on land must not rerun the app.
        interactive=False,
    ).add_to(group)
    return group
