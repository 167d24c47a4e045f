"""Map layers of places: towns and landmarks, and border crossings."""

from __future__ import annotations

import folium
import geopandas as gpd

from borderwatch.escape import escape_html
from layers.style import CROSSING_COLOUR, FEATURED_PLACE_COLOUR, PLACE_COLOUR

PLACES_LAYER_NAME = "Places"
CROSSINGS_LAYER_NAME = "Crossings"


def _place_popup(place: dict) -> str:
    return (
        f"<b>{escape_html(place['name'])}</b> ({escape_html(place['kind'])}, "
        f"{escape_html(place['country'])})<br>"
        f"{float(place['latitude']):.4f}° N, {float(place['longitude']):.4f}° E<br>"
        f"{escape_html(place.get('note', ''))}<br>"
        f"<small>Source: {escape_html(place.get('source', ''))}</small>"
    )


def places_layer(places: gpd.GeoDataFrame, featured_id: str) -> folium.FeatureGroup:
    """Build the layer of towns and landmarks.

    Parameters
    ----------
    places : geopandas.GeoDataFrame
        Gazetteer rows (``id``, ``name``, ``kind``, ...); crossings are skipped.
    featured_id : str
        Id of the place drawn larger with a permanent label (Ben Guerdane).

    Returns
    -------
    folium.FeatureGroup
        Named :data:`PLACES_LAYER_NAME`.
    """
    group = folium.FeatureGroup(name=PLACES_LAYER_NAME, show=True)
    for place in places[places["kind"] != "crossing"].to_dict("records"):
        featured = place["id"] == featured_id
        folium.CircleMarker(
            location=(float(place["latitude"]), float(place["longitude"])),
            radius=8 if featured else 3.5,
            color=FEATURED_PLACE_COLOUR if featured else PLACE_COLOUR,
            weight=3 if featured else 1,
            fill=True,
            fill_color="#FFFFFF" if featured else PLACE_COLOUR,
            fill_opacity=1.0,
            tooltip=folium.Tooltip(
                f"<b>{escape_html(place['name'])}</b>" if featured else escape_html(place["name"]),
                permanent=featured,
                direction="right",
                class_name="bw-featured-label" if featured else "",
            ),
            popup=folium.Popup(_place_popup(place), max_width=320),
        ).add_to(group)
    return group


def crossings_layer(places: gpd.GeoDataFrame) -> folium.FeatureGroup:
    """Build the layer of border crossings.

    Parameters
    ----------
    places : geopandas.GeoDataFrame
        Gazetteer rows; only ``kind == "crossing"`` are drawn.

    Returns
    -------
    folium.FeatureGroup
        Named :data:`CROSSINGS_LAYER_NAME`; hover a crossing for its name.
    """
    group = folium.FeatureGroup(name=CROSSINGS_LAYER_NAME, show=True)
    for place in places[places["kind"] == "crossing"].to_dict("records"):
        folium.CircleMarker(
            location=(float(place["latitude"]), float(place["longitude"])),
            radius=7,
            color=CROSSING_COLOUR,
            weight=3,
            fill=True,
            fill_color="#FFFFFF",
            fill_opacity=1.0,
            tooltip=folium.Tooltip(
                escape_html(place["name"]), direction="right"
            ),
            popup=folium.Popup(_place_popup(place), max_width=320),
        ).add_to(group)
    return group
