"""Map layer of attack sites: one clickable circle per incident."""

from __future__ import annotations

from collections.abc import Mapping

import folium
import geopandas as gpd
from folium.plugins import MarkerCluster
from folium.utilities import JsCode

from borderwatch.describe import format_range
from borderwatch.escape import escape_html
from layers.style import event_type_colour, radius_for_deaths

LAYER_NAME = "Attack sites"

#: Property that carries the incident id back from a click (see st_folium's
#: ``last_active_drawing``); never shown as HTML.
ID_PROPERTY = "incident_id"

#: CSS class of every attack-site circle, for styling and for browser tests.
INCIDENT_CSS_CLASS = "bw-incident"

#: Circles closer than this many pixels are gathered into one numbered
#: cluster; clicking it zooms in, or fans the circles out when they share a
#: place (place-level coordinates often coincide), so every site stays clickable.
CLUSTER_RADIUS_PX = 10

# Popups and tooltips are bound to each circle, not to the GeoJSON layer:
# inside a cluster the layer itself is not on the map, and Leaflet opens no
# popup for a layer that is not. Their HTML is built (and escaped) in Python.
_BIND_POPUP_AND_TOOLTIP = JsCode(
    """function bindIncidentPopup(feature, layer) {
        layer.bindPopup(feature.properties.popup_html, {maxWidth: 340});
        layer.bindTooltip(feature.properties.tooltip_html);
    }"""
)


def popup_html(incident: Mapping[str, object]) -> str:
    """The popup of one attack site: date, type, place and deaths, escaped.

    Parameters
    ----------
    incident : mapping
        One incident record.

    Returns
    -------
    str
        An HTML table; every value from data is passed through
        :func:`borderwatch.escape.escape_html`.
    """
    rows = (
        ("Date", incident["event_date"].strftime("%Y-%m-%d")),
        ("Type", f"{incident['event_type']} — {incident['sub_event_type']}"),
        ("Place", incident["location"]),
        ("Deaths", format_range(incident["deaths_low"], incident["deaths_best"], incident["deaths_high"])),
    )
    cells = "".join(f"<tr><th>{label}</th><td>{escape_html(value)}</td></tr>" for label, value in rows)
    return f'<table class="bw-popup">{cells}</table>'


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


def clicked_incident_id(map_state: Mapping[str, object] | None) -> str | None:
    """Return the id of the attack site a map click selected, if any.

    Parameters
    ----------
    map_state : mapping or None
        What ``st_folium`` returns; its ``last_active_drawing`` is the GeoJSON
        feature of the layer clicked last.

    Returns
    -------
    str or None
        The feature's :data:`ID_PROPERTY`; None when nothing, or something
        other than an attack site (the border, a place), was clicked.
    """
    drawing = (map_state or {}).get("last_active_drawing") or {}
    properties = drawing.get("properties") if isinstance(drawing, Mapping) else None
    incident_id = (properties or {}).get(ID_PROPERTY)
    return incident_id if isinstance(incident_id, str) and incident_id else None


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
                    "popup_html": popup_html(incident),
                    "tooltip_html": escape_html(f"{incident['location']} · {incident['event_date']:%Y-%m-%d}"),
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
        deaths), a tooltip (place and date) and carries its id for clicks;
        overlapping circles are clustered (see :data:`CLUSTER_RADIUS_PX`).
    """
    group = folium.FeatureGroup(name=LAYER_NAME, show=True)
    features = incident_features(incidents)
    if not features["features"]:
        return group
    cluster = MarkerCluster(
        control=False,
        max_cluster_radius=CLUSTER_RADIUS_PX,
        spiderfy_on_max_zoom=True,
        show_coverage_on_hover=False,
    )
    # The base map loads the plugin's script and styles from this server.
    cluster.default_js = []
    cluster.default_css = []
    cluster.add_to(group)
    folium.GeoJson(
        features,
        marker=folium.CircleMarker(class_name=INCIDENT_CSS_CLASS),
        style_function=incident_style,
        highlight_function=incident_highlight,
        on_each_feature=_BIND_POPUP_AND_TOOLTIP,
        control=False,
    ).add_to(cluster)
    return group
