"""Map layer of attack sites: one clickable circle per incident."""

from __future__ import annotations

import folium
import geopandas as gpd

from borderwatch.escape import escape_html
from layers.style import event_type_colour, radius_for_deaths

LAYER_NAME = "Attack sites"

#: Property that carries the incident id back from a click (see st_folium's
#: ``last_active_drawing``); never shown as HTML.
ID_PROPERTY = "incident_id"

#: CSS class of every attack-site circle, for styling and for browser tests.
INCIDENT_CSS_CLASS = "bw-incident"

_POPUP_FIELDS = ("date", "type", "place", "deaths")
_POPUP_LABELS = ("Date", "Type", "Place", "Deaths")


def incident_style(feature: dict) -> dict:
    """Leaflet style of an attack site: colour by type, area by deaths."""
    properties = feature["properties"]
    colour = properties["colour"]
    return {
        "radius": properties["radius"],
        "color": "#FFFFFF",
        "weight": 1.5,
        "fill": True,
        "fillColor": colour,
        "fillOpacity": 0.85,
    }


def incident_highlight(_feature: dict) -> dict:
    """Style of the attack site under the pointer."""
    return {"weight": 3, "color": "#000000"}


def _deaths_text(incident: dict) -> str:
    best, low, high = incident["deaths_best"], incident["deaths_low"], incident["deaths_high"]
    if best is None or best != best:
        return "unknown"
    if low == low and high == high and low is not None and high is not None and low != high:
        return f"{best} ({low}–{high})"
    return str(best)


def incident_features(incidents: gpd.GeoDataFrame) -> dict:
    """Turn incidents into the GeoJSON the layer draws.

    Every text property is escaped here, once; only the id is raw, and it
    is never rendered.

    Parameters
    ----------
    incidents : geopandas.GeoDataFrame
        Incidents in the project schema (not changed).

    Returns
    -------
    dict
        A FeatureCollection, one Point per incident, largest first so that
        small circles stay clickable on top of big ones.
    """
    ordered = incidents.assign(_order=incidents["deaths_best"].fillna(0)).sort_values(
        "_order", ascending=False, kind="stable"
    )
    features = []
    for incident in ordered.drop(columns=["_order"]).to_dict("records"):
        features.append(
            {
                "type": "Feature",
                "geometry": {
                    "type": "Point",
                    "coordinates": [float(incident["longitude"]), float(incident["latitude"])],
                },
                "properties": {
                    ID_PROPERTY: str(incident["id"]),
                    "date": escape_html(incident["event_date"].strftime("%Y-%m-%d")),
                    "type": escape_html(f"{incident['event_type']} — {incident['sub_event_type']}"),
                    "place": escape_html(incident["location"]),
                    "deaths": escape_html(_deaths_text(incident)),
                    "colour": event_type_colour(incident["event_type"]),
                    "radius": radius_for_deaths(incident["deaths_best"]),
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def incidents_layer(incidents: gpd.GeoDataFrame) -> folium.FeatureGroup:
    """Build the attack-sites layer.

    Parameters
    ----------
    incidents : geopandas.GeoDataFrame
        The incidents to draw (may be empty: the layer is then empty).

    Returns
    -------
    folium.FeatureGroup
        Named :data:`LAYER_NAME`; each circle has a popup (date, type, place,
        deaths), a tooltip (place and date) and carries its id for clicks.
    """
    group = folium.FeatureGroup(name=LAYER_NAME, show=True)
    features = incident_features(incidents)
    if not features["features"]:
        return group
    folium.GeoJson(
        features,
        marker=folium.CircleMarker(class_name=INCIDENT_CSS_CLASS),
        style_function=incident_style,
        highlight_function=incident_highlight,
        popup=folium.GeoJsonPopup(fields=list(_POPUP_FIELDS), aliases=list(_POPUP_LABELS)),
        tooltip=folium.GeoJsonTooltip(fields=["place", "date"], labels=False),
        control=False,
    ).add_to(group)
    return group
