"""Map layer of attack sites: clickable circles when few are in view, counted cells when many.

Both encodings are columns of numbers (and short lists of distinct labels),
drawn by ``layers/web/sites.js``, instead of one Leaflet object
with its own HTML per incident as ``folium.CircleMarker`` or
``folium.GeoJson`` would send: a few bytes per point, not a kilobyte. The
popup and tooltip are built in the browser from those columns with
``textContent``, so text from data is never parsed as HTML; the full record
of a clicked circle is fetched by its id.
"""

from __future__ import annotations

from collections.abc import Mapping

import folium
import numpy as np
import pandas as pd

from layers.script import ScriptCall
from layers.style import (
    EVENT_TYPE_COLOURS,
    SITE_FILL_OPACITY,
    SITE_RIM,
    SITE_RIM_PX,
    UNKNOWN_TYPE_COLOUR,
    radius_for_deaths,
)

LAYER_NAME = "Attack sites"

#: Property that carries the incident id back from a click (see st_folium's
#: ``last_active_drawing``); never shown as HTML.
ID_PROPERTY = "incident_id"

#: CSS class of every attack-site circle, for styling and for browser tests.
INCIDENT_CSS_CLASS = "bw-incident"
#: CSS class of every counted cell.
CELL_CSS_CLASS = "bw-cell"

#: Circles closer than this many pixels are gathered into one numbered
#: cluster; clicking it zooms in, or fans the circles out when they share a
#: place (place-level coordinates often coincide), so every site stays clickable.
CLUSTER_RADIUS_PX = 10

#: Diameter (px) of a cell holding one incident, and the most a cell grows.
CELL_MIN_PX = 26
CELL_MAX_PX = 58


def _dictionary_codes(event_types: pd.Series) -> tuple[list[str], list[int]]:
    labels = sorted(set(event_types.astype(str)))
    index = {label: code for code, label in enumerate(labels)}
    return labels, [index[value] for value in event_types.astype(str)]


def encode_points(points: pd.DataFrame) -> dict:
    """The compact, column-wise form of the circles the layer draws.

    Parameters
    ----------
    points : pandas.DataFrame
        Incidents with ``id, latitude, longitude, event_type, event_date,
        location, deaths_best`` (as :meth:`borderwatch.store.IncidentStore.points`
        returns them, or full incident records); not changed.

    Returns
    -------
    dict
        ``id, lat, lon, type, day, place, deaths, radius``: one list each, one
        entry per incident, largest circles first so small ones stay clickable
        on top; ``type`` and ``place`` index into ``types`` / ``colours`` and
        ``places``; ``day`` counts days since 1970-01-01; ``deaths`` is None when unknown.
    """
    deaths = pd.to_numeric(points["deaths_best"], errors="coerce").astype("Float64")
    order = np.argsort(-deaths.fillna(0).to_numpy(float), kind="stable")
    ordered = points.iloc[order]
    ordered_deaths = deaths.iloc[order]
    types, type_codes = _dictionary_codes(ordered["event_type"])
    places, place_codes = _dictionary_codes(ordered["location"])
    days = pd.to_datetime(ordered["event_date"]).to_numpy("datetime64[D]").astype(np.int64)
    return {
        "id": ordered["id"].astype(str).tolist(),
        "lat": ordered["latitude"].astype(float).round(5).tolist(),
        "lon": ordered["longitude"].astype(float).round(5).tolist(),
        "type": type_codes,
        "types": types,
        "colours": [EVENT_TYPE_COLOURS.get(label, UNKNOWN_TYPE_COLOUR) for label in types],
        "day": days.tolist(),
        "place": place_codes,
        "places": places,
        "deaths": [None if pd.isna(value) else int(value) for value in ordered_deaths],
        "radius": [round(radius_for_deaths(None if pd.isna(value) else float(value)), 1) for value in ordered_deaths],
    }


def encode_cells(cells: pd.DataFrame) -> dict:
    """The compact form of counted cells.

    Parameters
    ----------
    cells : pandas.DataFrame
        ``cell_x, cell_y, incidents, deaths, latitude, longitude`` as
        :meth:`borderwatch.store.IncidentStore.aggregate` returns them by cell.

    Returns
    -------
    dict
        ``lat, lon`` (mean position of the cell's incidents, where its circle
        is drawn and a click zooms in), ``count``, ``deaths``, ``size`` (px).
    """
    counts = cells["incidents"].to_numpy(np.int64)
    largest = max(int(counts.max()), 10) if len(counts) else 10
    sizes = CELL_MIN_PX + (CELL_MAX_PX - CELL_MIN_PX) * np.log10(np.maximum(counts, 1)) / np.log10(largest)
    return {
        "lat": cells["latitude"].astype(float).round(5).tolist(),
        "lon": cells["longitude"].astype(float).round(5).tolist(),
        "count": counts.tolist(),
        "deaths": cells["deaths"].astype(np.int64).tolist(),
        "size": np.round(sizes).astype(int).tolist(),
    }


def incidents_layer(points: pd.DataFrame) -> folium.FeatureGroup:
    """Build the attack-sites layer of individual, clickable circles.

    Parameters
    ----------
    points : pandas.DataFrame
        The incidents to draw (see :func:`encode_points`); may be empty.

    Returns
    -------
    folium.FeatureGroup
        Named :data:`LAYER_NAME`. Each circle is coloured by type, sized by
        deaths, has a popup (date, type, place, deaths) and a tooltip (place
        and date), and carries its id for clicks; overlapping circles are
        clustered (see :data:`CLUSTER_RADIUS_PX`).
    """
    group = folium.FeatureGroup(name=LAYER_NAME, show=True)
    if points.empty:
        return group
    ScriptCall("sites", encode_points(points),
               {"clusterRadius": CLUSTER_RADIUS_PX, "cssClass": INCIDENT_CSS_CLASS,
                "rim": SITE_RIM, "rimPx": SITE_RIM_PX, "fillOpacity": SITE_FILL_OPACITY}).add_to(group)
    return group


def cells_layer(cells: pd.DataFrame) -> folium.FeatureGroup:
    """Build the attack-sites layer of counted cells, for views with too many incidents to draw.

    Parameters
    ----------
    cells : pandas.DataFrame
        See :func:`encode_cells`.

    Returns
    -------
    folium.FeatureGroup
        Named :data:`LAYER_NAME`: one numbered circle per cell, sized by its
        count, with a tooltip of incidents and deaths; a click zooms in on it.
    """
    group = folium.FeatureGroup(name=LAYER_NAME, show=True)
    if cells.empty:
        return group
    ScriptCall("cells", encode_cells(cells), {"cssClass": CELL_CSS_CLASS}).add_to(group)
    return group


def click_count(map_state: Mapping[str, object] | None) -> int | None:
    """How many site clicks the map had counted when it reported its last clicked site (``layers/web/sites.js``)."""
    drawing = (map_state or {}).get("last_active_drawing") or {}
    properties = drawing.get("properties") if isinstance(drawing, Mapping) else None
    count = (properties or {}).get("click")
    return count if isinstance(count, int) and not isinstance(count, bool) else None


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
        other than an attack site (the border, a place, a cell), was clicked.
    """
    drawing = (map_state or {}).get("last_active_drawing") or {}
    properties = drawing.get("properties") if isinstance(drawing, Mapping) else None
    incident_id = (properties or {}).get(ID_PROPERTY)
    return incident_id if isinstance(incident_id, str) and incident_id else None
