"""Map layer of places: towns and landmarks (crossings are a border's infrastructure: :mod:`layers.infrastructure`)."""

from __future__ import annotations

from collections.abc import Callable

import folium
import geopandas as gpd
import pandas as pd
from folium.utilities import JsCode

from borderwatch.escape import escape_html
from layers.script import ScriptCall
from layers.style import FEATURED_PLACE_DOT, PLACE_DOT

PLACES_LAYER_NAME = "Places"
#: CSS class of a place's dot: names on the map keep clear of it (``layers/web/labels.js``).
PLACE_CSS_CLASS = "bw-place"


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
# The function is in layers/web/features.js.
_BIND_PLACE = JsCode("BorderWatch.bindPlace")

#: Zoom from which each kind of place is named on the map (where there is
#: room; see ``layers/web/labels.js``); the featured town always is.
LABEL_MIN_ZOOM: dict[str, float] = {"town": 6.0, "landmark": 9.0}
#: Pixels from a place's point to its name: the radius of its dot and a little.
LABEL_OFFSET_PX: dict[bool, int] = {True: 9, False: 4}


def place_style(feature: dict) -> dict:
    """Leaflet style of a town or landmark; the featured one is larger, white with a dark rim."""
    dot = FEATURED_PLACE_DOT if feature["properties"]["featured"] else PLACE_DOT
    return {**dot.leaflet(), "className": PLACE_CSS_CLASS}


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


def place_labels(places: gpd.GeoDataFrame, featured_id: str | None) -> dict:
    """The names of places, in the order they claim room on the map.

    Parameters
    ----------
    places : geopandas.GeoDataFrame
        Gazetteer rows with ``id``, ``name``, ``kind``, ``latitude``,
        ``longitude`` and, when known, ``population``.
    featured_id : str or None
        The place named first and always.

    Returns
    -------
    dict
        Columns for ``BorderWatch.labels``: the featured place first, then
        towns (largest first when populations are known), then landmarks.
    """
    kind_rank = {kind: rank for rank, kind in enumerate(LABEL_MIN_ZOOM)}
    population = pd.to_numeric(places.get("population", pd.Series(index=places.index, dtype=float)), errors="coerce")
    ranked = places.assign(
        _later=places["id"] != featured_id,
        _kind=places["kind"].map(kind_rank).fillna(len(kind_rank)),
        _population=-population.fillna(0),
    ).sort_values(["_later", "_kind", "_population"], kind="stable")
    featured = (ranked["id"] == featured_id).tolist()
    return {
        "lat": ranked["latitude"].astype(float).round(5).tolist(),
        "lon": ranked["longitude"].astype(float).round(5).tolist(),
        "text": [str(name) for name in ranked["name"]],
        "priority": list(range(len(ranked))),
        "min_zoom": [0.0 if is_featured else LABEL_MIN_ZOOM.get(kind, max(LABEL_MIN_ZOOM.values()))
                     for is_featured, kind in zip(featured, ranked["kind"], strict=True)],
        "offset": [LABEL_OFFSET_PX[is_featured] for is_featured in featured],
        "kind": ["featured" if is_featured else "place" for is_featured in featured],
    }


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
        and a popup (kind, country, position, note, source), and is named on
        the map where there is room (see :func:`place_labels`).
    """
    towns = places[places["kind"] != "crossing"]
    group = _points_layer(PLACES_LAYER_NAME, _place_features(towns, featured_id), place_style)
    if not towns.empty:
        ScriptCall("labels", place_labels(towns, featured_id)).add_to(group)
    return group
