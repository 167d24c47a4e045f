"""Which map layers are shown, and the feature groups that draw them.

Every switchable layer is sent through ``st_folium``'s
``feature_group_to_add``: switching one, stepping the playback or changing a
filter never reloads the base map, so the view stays where the user left it.
"""

from __future__ import annotations

import datetime as dt

import folium
import pandas as pd
import streamlit as st

from borderwatch import config
from borderwatch.filters import IncidentQuery
from borderwatch.mapview import MapData
from layers.border import border_layer
from layers.heatmap import heatmap_layer
from layers.incidents import cells_layer, incidents_layer
from layers.infrastructure import barriers_layer, points_layer
from layers.places import places_layer
from layers.precision import precision_layer
from layers.script import ScriptCall
from layers.segments import segments_layer
from layers.sequences import sequences_layer
from ui import cache
from ui.permalink import LAYERS_KEY
from ui.selection import DEFAULT_LAYERS, MAP_LAYERS


def render_layer_choice() -> tuple[str, ...]:
    """Draw the layer switches; return the ids of the layers shown, in :data:`MAP_LAYERS` order."""
    if LAYERS_KEY not in st.session_state:
        st.session_state[LAYERS_KEY] = list(DEFAULT_LAYERS)
    else:  # a link may name layers this version does not have
        st.session_state[LAYERS_KEY] = [layer for layer in st.session_state[LAYERS_KEY] if layer in MAP_LAYERS]
    chosen = st.pills("Layers", list(MAP_LAYERS), selection_mode="multi", format_func=MAP_LAYERS.__getitem__,
                      key=LAYERS_KEY, label_visibility="collapsed")
    return tuple(layer for layer in MAP_LAYERS if layer in (chosen or ()))


def heat_points(shown: MapData) -> pd.DataFrame:
    """Weighted points of the heatmap: each incident, or each counted cell at its incidents' mean position."""
    if shown.points is not None:
        return shown.points.loc[:, ["latitude", "longitude"]].assign(weight=1.0)
    return shown.cells.loc[:, ["latitude", "longitude"]].assign(weight=shown.cells["incidents"].astype(float))


def switchable_layers(
    visible: tuple[str, ...], query: IncidentQuery, period_query: IncidentQuery, shown: MapData, as_of: dt.date | None,
    since: dt.date | None = None, border_key: str = config.DEFAULT_BORDER,
) -> list[folium.FeatureGroup]:
    """The feature groups of the visible layers, bottom to top.

    Parameters
    ----------
    visible : tuple of str
        Layer ids (see :data:`ui.selection.MAP_LAYERS`).
    query : IncidentQuery
        The sidebar's filters (segments and sequences are counted over the whole range).
    period_query : IncidentQuery
        The filters narrowed to the playback period (what the sites and the heatmap show).
    shown : MapData
        The sites of the period around the view.
    as_of : datetime.date or None
        The day the border's infrastructure is drawn as of; ``None`` draws it as it stands today.
    since : datetime.date, optional
        First day of the period shown: a crossing (post, sensor) closed on any day from
        ``since`` to ``as_of`` is drawn closed (and the tooltip quotes that day).
    border_key : str
        The border shown, whose infrastructure and places are drawn.
    """
    day = as_of or dt.date.today()
    groups: dict[str, folium.FeatureGroup] = {}
    if "segments" in visible:
        _, summary = cache.segment_table(query, config.SEGMENT_KM, config.CORRIDOR_KM, "month")
        groups["segments"] = segments_layer(cache.segments(config.SEGMENT_KM, border_key), summary)
    # Barriers run near the border: drawn first, so the border's dashes stay on top.
    if "barrier" in visible:
        groups["barrier"] = barriers_layer(cache.border_infrastructure(border_key), day)
    if "border" in visible:
        if border_key == config.DEFAULT_BORDER:
            groups["border"] = border_layer(cache.border())
        else:
            line = cache.border_line(border_key)
            groups["border"] = border_layer(line, str(line["name"].iloc[0]), note="",
                                            countries=cache.border_countries(border_key))
    if "heatmap" in visible:
        groups["heatmap"] = heatmap_layer(heat_points(shown))
    if "precision" in visible and shown.points is not None:
        groups["precision"] = precision_layer(shown.points)
    if "places" in visible:
        groups["places"] = places_layer(cache.border_places(border_key), cache.featured_place(border_key))
    if "crossings" in visible:
        groups["crossings"] = points_layer(cache.border_infrastructure(border_key), day, since)
    if "sequences" in visible:
        groups["sequences"] = sequences_layer(cache.sequences(query, config.SEQUENCE_DAYS, config.SEQUENCE_RADIUS_KM))
    if "sites" in visible:
        groups["sites"] = incidents_layer(shown.points) if shown.points is not None else cells_layer(shown.cells)
    for layer_id, group in groups.items():
        # The legend shows the rows of the layers on the map (layers/web/map.js).
        ScriptCall("tag", layer_id).add_to(group)
    return list(groups.values())
