"""The stable base map: Leaflet served locally, the static reference layers."""

from __future__ import annotations

from collections.abc import Sequence

import folium
from branca.element import Element
import geopandas as gpd

from borderwatch import config
from layers.countries import countries_layer
from layers.incidents import CELL_CSS_CLASS
from layers.legend import Legend
from layers.style import CELL_COLOUR, SEA_COLOUR

ONLINE_TILES_NAME = "OpenStreetMap (online)"

# Counted cells (see layers.incidents.cells_layer): round, numbered, white-rimmed.
_CELL_CSS = (
    f".{CELL_CSS_CLASS} div {{ border-radius: 50%; background: {CELL_COLOUR}; color: #FFFFFF;"
    " border: 2px solid #FFFFFF; box-sizing: border-box; text-align: center;"
    " font: 600 12px/1 system-ui, sans-serif; box-shadow: 0 0 3px rgba(0, 0, 0, 0.45); cursor: zoom-in; }"
)


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
        From :func:`borderwatch.assets.asset_urls`; they replace folium's
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
    # Without tiles, the map's background is the sea.
    fmap.get_root().header.add_child(
        Element(f"<style>.leaflet-container {{ background: {SEA_COLOUR}; }}{_CELL_CSS}</style>"), name="bw_sea"
    )
    # Instance attributes, so folium's class-wide defaults stay untouched.
    fmap.default_js = list(scripts)
    fmap.default_css = list(styles)
    return fmap


def base_map(
    countries: gpd.GeoDataFrame,
    scripts: list[tuple[str, str]],
    styles: list[tuple[str, str]],
    event_types: Sequence[str],
    online_tiles: bool = False,
    countries_url: str | None = None,
    location: tuple[float, float] = config.MAP_CENTER,
    zoom_start: float = config.MAP_ZOOM,
) -> folium.Map:
    """Build the map that stays the same all session: the basemap and the legend.

    Every layer the user can switch, or that changes with the filters and the
    playback date, is added by the page as a feature group, so switching it
    never reloads the map or moves the view.

    Parameters
    ----------
    countries : geopandas.GeoDataFrame
        Land polygons in EPSG:4326.
    scripts, styles : list of (name, url)
        Locally served assets.
    event_types : sequence of str
        Incident types the legend lists.
    online_tiles : bool
        Add OpenStreetMap tiles as the base layer. Off by default: with it
        off, the map sends no request to any other host.
    countries_url : str, optional
        Local URL of the basemap polygons (see :func:`layers.countries.countries_layer`);
        without it they are inline (a standalone export).
    location, zoom_start
        The view the map opens at.

    Returns
    -------
    folium.Map
        Fresh on every call (st_folium adds layers to the map it is given).
    """
    fmap = offline_map(scripts, styles, location=location, zoom_start=zoom_start)
    if online_tiles:
        folium.TileLayer("OpenStreetMap", name=ONLINE_TILES_NAME, overlay=False, control=False).add_to(fmap)
    else:
        countries_layer(countries, show=True, data_url=countries_url).add_to(fmap)
    Legend(event_types).add_to(fmap)
    return fmap
