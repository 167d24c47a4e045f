"""The stable base map: Leaflet served locally, the land, country names, the legend."""

from __future__ import annotations

from collections.abc import Sequence

import folium
import geopandas as gpd
from branca.element import Element

from borderwatch import config
from layers.border import LAYER_NAME
from layers.countries import countries_layer, country_labels
from layers.legend import legend_html
from layers.script import ScriptCall
from layers.style import CSS_VARIABLES

TILES_LAYER_NAME = "OpenStreetMap (online)"
#: What the map says when online tiles fail to load.
TILES_FAILED_MESSAGE = (
    "The online basemap could not be loaded (no internet connection?). "
    "The bundled country outlines are shown instead."
)
#: Title of the button that shows the whole border again.
HOME_TITLE = "Show the whole border"

Bounds = tuple[tuple[float, float], tuple[float, float]]


def offline_map(
    scripts: list[tuple[str, str]],
    styles: list[tuple[str, str]],
    location: tuple[float, float] = config.MAP_CENTER,
    zoom_start: float = config.MAP_ZOOM,
) -> folium.Map:
    """Create an empty folium map that loads its scripts and styles from us.

    Parameters
    ----------
    scripts, styles : list of (name, url)
        From :func:`layers.assets.asset_urls`; they replace folium's
        CDN defaults (Leaflet, jQuery, Bootstrap, Font Awesome) on this map.
    location, zoom_start
        Initial view.

    Returns
    -------
    folium.Map
        With no tiles: the basemap is drawn from country polygons.
    """
    fmap = folium.Map(
        location=location,
        zoom_start=zoom_start,
        zoom_snap=0.5,
        tiles=None,
        control_scale=True,
        # Leaflet focuses the map on mouse-down for keyboard panning; inside
        # Streamlit that scrolls the page under the pointer and the first
        # click on a marker is lost.
        keyboard=False,
    )
    # folium gives max_zoom to tile layers only; with no tiles Leaflet knows
    # no maximum, which the marker clusters need. Place-level data gains
    # nothing past 14.
    fmap.options["maxZoom"] = 14
    variables = "".join(f"--bw-{name}: {value};" for name, value in CSS_VARIABLES.items())
    fmap.get_root().header.add_child(Element(f"<style>:root {{ {variables} }}</style>"), name="bw_style_table")
    # Instance attributes, so folium's class-wide defaults stay untouched.
    fmap.default_js = list(scripts)
    fmap.default_css = list(styles)
    return fmap


def base_map(
    countries: gpd.GeoDataFrame,
    scripts: list[tuple[str, str]],
    styles: list[tuple[str, str]],
    event_types: Sequence[str],
    countries_url: str | None = None,
    location: tuple[float, float] = config.MAP_CENTER,
    zoom_start: float = config.MAP_ZOOM,
    home: Bounds | None = None,
    fit_home: bool = False,
    border_name: str = LAYER_NAME,
) -> folium.Map:
    """Build the map that stays the same all session: the land, country names and the legend.

    Every layer the user can switch, or that changes with the filters and the
    playback date, is added by the page as a feature group, so switching it
    never reloads the map or moves the view.

    Parameters
    ----------
    countries : geopandas.GeoDataFrame
        Land polygons in EPSG:4326 with ``iso3`` and ``name``.
    scripts, styles : list of (name, url)
        Locally served assets.
    event_types : sequence of str
        Incident types the legend lists.
    countries_url : str, optional
        Local URL of the basemap polygons (see :func:`layers.countries.countries_layer`);
        without it they are inline (a standalone export).
    location, zoom_start
        The view the map opens at.
    home : ((south, west), (north, east)), optional
        The area of the "whole border" button (and of the country names);
        without it, there is no button and names are placed around ``location``.
    fit_home : bool
        Open on ``home`` fitted to the map's size, instead of ``location`` and ``zoom_start``.
    border_name : str
        The border's name, as the legend gives it.

    Returns
    -------
    folium.Map
        Fresh on every call (st_folium adds layers to the map it is given).
    """
    fmap = offline_map(scripts, styles, location=location, zoom_start=zoom_start)
    countries_layer(countries, show=True, data_url=countries_url).add_to(fmap)
    names = folium.FeatureGroup(name="Country names", control=False)
    ScriptCall("labels", country_labels(countries, home or _around(location))).add_to(names)
    names.add_to(fmap)
    # Built with the types present in the data, not only those shown, so it does
    # not change (and reload the map) when the filters do.
    ScriptCall("legend", legend_html(event_types, border_name)).add_to(fmap)
    settings = {
        "home": None if home is None else {"bounds": [list(home[0]), list(home[1])], "title": HOME_TITLE},
        "fit": fit_home and home is not None,
    }
    ScriptCall("setupMap", settings).add_to(fmap)
    return fmap


def _around(location: tuple[float, float]) -> Bounds:
    latitude, longitude = location
    return (latitude - 4.0, longitude - 5.0), (latitude + 4.0, longitude + 5.0)


def tiles_layer() -> folium.FeatureGroup:
    """OpenStreetMap tiles over the bundled land, which shows where a tile fails.

    Sent beside the base map (as a switchable layer), so switching tiles on
    or off neither reloads the map nor moves it. Off by default: with it
    off, the map sends no request to any other host.
    """
    group = folium.FeatureGroup(name=TILES_LAYER_NAME, control=False)
    folium.TileLayer("OpenStreetMap", name=TILES_LAYER_NAME, overlay=True, control=False, max_zoom=19).add_to(group)
    ScriptCall("watchTiles", TILES_FAILED_MESSAGE).add_to(group)
    return group
