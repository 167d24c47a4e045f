"""Map layer of places: towns and landmarks (crossings, open or closed by date: :mod:`layers.infrastructure`)."""

from __future__ import annotations

from collections.abc import Callable

import folium
import geopandas as gpd
from folium.utilities import JsCode

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


# One GeoJSON layer per group, its popups and tooltips bound per point from
# escaped properties: a folium Popup per place compiled a Jinja template per
# place on every rerun, which cost more than the rest of the map.
_BIND_PLACE = JsCode(
    """function bindPlace(feature, layer) {
        var p = feature.properties;
        layer.bindPopup(p.popup_html, {maxWidth: 320});
        layer.bindTooltip(p.tooltip_html, {
            // The featured label sits above its town, clear of the crossing east of it.
            permanent: p.featured, direction: p.featured ? "top" : "right",
            offset: p.featured ? [0, -8] : [0, 0], className: p.featured ? "bw-featured-label" : ""
        });
    }"""
)


def place_style(feature: dict) -> dict:
    """Leaflet style of a town or landmark; the featured one is larger, white with a dark rim."""
    if feature["properties"]["featured"]:
        return {"radius": 8, "color": FEATURED_PLACE_COLOUR, "weight": 3, "fill": True,
                "fillColor": "#FFFFFF", "fillOpacity": 1.0}
    return {"radius": 3.5, "color": PLACE_COLOUR, "weight": 1, "fill": True,
            "fillColor": PLACE_COLOUR, "fillOpacity": 1.0}


def crossing_style(_feature: dict) -> dict:
    """Style of a crossing drawn without its status (the PNG export): a white ring in the crossings' colour."""
    return {"radius": 7, "color": CROSSING_COLOUR, "weight": 3, "fill": True,
            "fillColor": "#FFFFFF", "fillOpacity": 1.0}


def _place_features(places: gpd.GeoDataFrame, featured_id: str | None) -> dict:
    features = []
    for place in places.to_dict("records"):
        featured = place["id"] == featured_id
        name = escape_html(place["name"])
        features.append({
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [float(place["longitude"]), float(place["latitude"])]},
            "properties": {
                "featured": featured,
                "tooltip_html": f"<b>{name}</b>" if featured else name,
                "popup_html": _place_popup(place),
            },
        })
    return {"type": "FeatureCollection", "features": features}


def _points_layer(name: str, features: dict, style: Callable[[dict], dict]) -> folium.FeatureGroup:
    group = folium.FeatureGroup(name=name, show=True)
    if features["features"]:
        folium.GeoJson(
            features, marker=folium.CircleMarker(), style_function=style, on_each_feature=_BIND_PLACE,
            control=False,
        ).add_to(group)
    return group


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
        Named :data:`PLACES_LAYER_NAME`; each place has a tooltip (its name)
        and a popup (kind, country, position, note, source).
    """
    towns = places[places["kind"] != "crossing"]
    return _points_layer(PLACES_LAYER_NAME, _place_features(towns, featured_id), place_style)
