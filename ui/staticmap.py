"""Maps that only show (analytics, planner): the base map, the key towns' names and a few layers, nothing sent back."""

from __future__ import annotations

import datetime as dt
from typing import Final

import folium
import geopandas as gpd
from branca.element import Element
from folium.utilities import JsCode
from streamlit_folium import st_folium

from borderwatch import config
from borderwatch.escape import escape_html, script_json
from layers.basemap import base_map
from layers.border import border_layer
from layers.infrastructure import barriers_layer
from layers.style import PLACE_COLOUR
from ui import cache

#: The towns named on these maps (gazetteer ids), each with the side of its dot
#: the name sits on: away from the border (Tunisia lies west of it, Libya east)
#: and from the sequences along the coast between Sabratha and Ben Guerdane.
#: Wazin, 5 km across the border from Dehiba, would crowd Dehiba and Nalut.
LABELLED_TOWNS: Final[dict[str, str]] = {
    "zarzis": "left", "ben-guerdane": "left", "medenine": "left", "tataouine": "left", "remada": "left",
    "dehiba": "left", "zuwara": "top", "sabratha": "bottom", "tripoli": "right", "nalut": "right", "ghadames": "right",
}
PLACE_NAMES_LAYER_NAME: Final[str] = "Town names"
#: CSS class of a town's name (a permanent Leaflet tooltip, drawn as bare text with a white halo).
PLACE_NAME_CLASS: Final[str] = "bw-place-name"

# Inline, so it applies before Leaflet's stylesheet has loaded: Leaflet measures
# a permanent tooltip when it opens, and a name not yet absolutely positioned
# measures as wide as the map, which throws left- and top-placed names far off.
_PLACE_NAME_CSS = (
    f"<style>.leaflet-tooltip.{PLACE_NAME_CLASS} {{ position: absolute; white-space: nowrap;"
    " background: none; border: none; box-shadow: none; padding: 0;"
    f" color: {PLACE_COLOUR}; font: 600 12px/1.2 system-ui, sans-serif;"
    " text-shadow: 0 0 2px #FFFFFF, 0 0 2px #FFFFFF, 0 0 3px #FFFFFF; }"
    f" .leaflet-tooltip.{PLACE_NAME_CLASS}::before {{ display: none; }}</style>"
)

# The function is in layers/web/features.js; its CSS class goes as JSON.
_BIND_NAME = JsCode(f"BorderWatch.bindPlaceName({script_json({'className': PLACE_NAME_CLASS})})")


def _short_name(name: str) -> str:
    """"Ben Gardane (Ben Guerdane)" -> "Ben Gardane": the gazetteer's other spelling stays in its popups."""
    return name.split(" (", 1)[0]


def place_name_features(places: gpd.GeoDataFrame) -> dict:
    """The towns of :data:`LABELLED_TOWNS` as GeoJSON points with their names.

    Parameters
    ----------
    places : geopandas.GeoDataFrame
        The gazetteer (:func:`borderwatch.reference.load_places`); towns
        missing from it are left out.

    Returns
    -------
    dict
        A FeatureCollection (EPSG:4326); each feature's properties hold
        ``name_html`` (the name without its alternative spelling, escaped)
        and ``side`` (a Leaflet tooltip direction).
    """
    chosen = places[places["id"].isin(list(LABELLED_TOWNS))]
    features = [{
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [float(place["longitude"]), float(place["latitude"])]},
        "properties": {"name_html": escape_html(_short_name(str(place["name"]))), "side": LABELLED_TOWNS[place["id"]]},
    } for place in chosen.to_dict("records")]
    return {"type": "FeatureCollection", "features": features}


def place_name_style(_feature: dict) -> dict:
    """Leaflet style of a named town's dot: small and dark; it takes no hover or click, so the data under it does."""
    return {"radius": 3, "color": "#FFFFFF", "weight": 1, "fill": True, "fillColor": PLACE_COLOUR,
            "fillOpacity": 1.0, "interactive": False}


def place_names_layer(places: gpd.GeoDataFrame) -> folium.FeatureGroup:
    """Build the layer that names the key towns (:data:`LABELLED_TOWNS`): a dot and a name that stays shown."""
    group = folium.FeatureGroup(name=PLACE_NAMES_LAYER_NAME, show=True)
    features = place_name_features(places)
    if features["features"]:
        folium.GeoJson(features, marker=folium.CircleMarker(), style_function=place_name_style,
                       on_each_feature=_BIND_NAME, control=False).add_to(group)
    return group


def render_static_map(groups: list[folium.FeatureGroup], key: str, center: tuple[float, float] | None, zoom: float,
                      height: int, border_key: str = config.DEFAULT_BORDER,
                      fit: tuple[float, float, float, float] | None = None) -> None:
    """Draw the border, its barriers as they stand today, the key towns' names and ``groups`` over the offline basemap.

    On a border other than the bundled case's, its line (and its two countries) and barriers under ``groups``.
    The map opens on ``center`` and ``zoom``, or fitted to ``fit`` (west, south, east, north) when given or
    when there is no ``center``, by default the border shown.
    The map reports nothing back (``returned_objects=[]``), so moving it never reruns the page.
    """
    scripts, styles = cache.map_assets()
    if border_key == config.DEFAULT_BORDER:
        # The names come before the data layers, so a segment or a sequence is drawn over a town's dot.
        under = [border_layer(cache.border()), place_names_layer(cache.places())]
    else:
        line = cache.border_line(border_key)
        under = [border_layer(line, str(line["name"].iloc[0]), note="", countries=cache.border_countries(border_key))]
    # Barriers under the border line, whose dashes stay on top.
    under.insert(0, barriers_layer(cache.border_infrastructure(border_key), dt.date.today()))
    if fit is None and center is None:
        (south, west), (north, east) = cache.home_bounds(border_key)
        fit = (west, south, east, north)
    if fit is not None:
        west, south, east, north = fit
        center = ((south + north) / 2, (west + east) / 2)
    fmap = base_map(cache.basemap_land(), scripts, styles, event_types=cache.filter_options()["event_types"],
                    countries_url=cache.basemap_url(), location=center, zoom_start=zoom)
    fmap.get_root().header.add_child(Element(_PLACE_NAME_CSS), name="bw_place_names")
    if fit is not None:
        fmap.fit_bounds([[fit[1], fit[0]], [fit[3], fit[2]]])
    st_folium(fmap, key=key, height=height, use_container_width=True, feature_group_to_add=[*under, *groups],
              returned_objects=[], render=False)
