"""Map layer of the border cut into segments, each coloured by its incidents."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Final

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
from folium.utilities import JsCode
from shapely.geometry import mapping

from borderwatch import config
from borderwatch.escape import escape_html

LAYER_NAME: Final[str] = "Border segments (incidents)"

#: Property that carries a segment's number back from a click (st_folium's
#: ``last_active_drawing``).
ID_PROPERTY: Final[str] = "segment"
#: Value of every segment feature's ``kind`` property: tells a segment's click
#: apart from other layers' features that might carry a ``segment`` too.
FEATURE_KIND: Final[str] = "border_segment"

#: Sequential palette (ColorBrewer YlOrRd without its two palest steps, which
#: vanish on the light land), from few incidents to the most.
SEGMENT_PALETTE: Final[tuple[str, ...]] = ("#FEB24C", "#FD8D3C", "#FC4E2A", "#E31A1C", "#B10026")
#: Colour of a segment without incidents: quiet stretches read as grey, not as "few".
QUIET_COLOUR: Final[str] = "#9E9E9E"
#: Dark casing drawn under the hottest segments, so they stand out whatever their colour.
HOTTEST_OUTLINE_COLOUR: Final[str] = "#1A1A1A"

#: Line widths: quiet segments stay thin so they do not hide the border line under them.
QUIET_WEIGHT_PX: Final[float] = 3.0
SEGMENT_WEIGHT_PX: Final[float] = 6.0
HOTTEST_WEIGHT_PX: Final[float] = 10.0
HOTTEST_OUTLINE_WEIGHT_PX: Final[float] = 15.0

# The function is in layers/web/features.js.
_BIND_TOOLTIP = JsCode("BorderWatch.bindSegmentTooltip")


def segment_colour(incidents: int, most: int) -> str:
    """Return the colour of a segment with ``incidents`` when the busiest has ``most``.

    Parameters
    ----------
    incidents : int
        The segment's incidents.
    most : int
        The largest count of any segment.

    Returns
    -------
    str
        :data:`QUIET_COLOUR` for none; otherwise the palette step of the
        share ``incidents / most``, in equal fifths: the busiest segment gets
        the darkest step.
    """
    if incidents <= 0 or most <= 0:
        return QUIET_COLOUR
    step = math.ceil(len(SEGMENT_PALETTE) * min(incidents / most, 1.0)) - 1
    return SEGMENT_PALETTE[max(step, 0)]


def _plural(count: float, word: str) -> str:
    number = round(count)
    return f"{number:,} {word}" if number == 1 else f"{number:,} {word}s"


def _km(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def segment_tooltip(record: Mapping[str, object]) -> str:
    """Tooltip HTML of one segment, e.g. "km 120–130: 14 incidents, 37 deaths, trend +0.8/month (rank 1)".

    Parameters
    ----------
    record : mapping
        A row of :func:`borderwatch.corridor.segment_summary` (``start_km``,
        ``end_km``, ``incidents``, ``deaths``, ``trend``, ``trend_unit``,
        ``rank``); a missing trend or rank is left out.

    Returns
    -------
    str
        Escaped HTML.
    """
    trend, rank = float(record["trend"]), float(record["rank"])
    text = (
        f"km {_km(float(record['start_km']))}–{_km(float(record['end_km']))}: "
        f"{_plural(float(record['incidents']), 'incident')}, {_plural(float(record['deaths']), 'death')}"
    )
    if not math.isnan(trend):
        text += f", trend {trend:+.1f}/{record['trend_unit']}"
    if not math.isnan(rank):
        text += f" (rank {int(rank)})"
    return escape_html(text)


def segment_features(segments: gpd.GeoDataFrame, summary: pd.DataFrame) -> dict:
    """The GeoJSON the layer draws: one feature per segment.

    Parameters
    ----------
    segments : geopandas.GeoDataFrame
        As :func:`borderwatch.corridor.border_segments` returns them.
    summary : pandas.DataFrame
        As :func:`borderwatch.corridor.segment_summary` returns it; a
        segment missing from it is drawn as quiet, without trend or rank.

    Returns
    -------
    dict
        A FeatureCollection in EPSG:4326; each feature's properties hold
        ``kind`` (:data:`FEATURE_KIND`), ``segment`` (int), ``incidents``,
        ``hottest``, ``colour`` and ``tooltip_html`` (escaped).
    """
    lines = segments.to_crs(config.GEOGRAPHIC_CRS)
    columns = ["segment", "incidents", "deaths", "trend", "trend_unit", "rank", "hottest"]
    table = pd.DataFrame({
        "segment": lines["segment"].to_numpy(np.int64),
        "start_km": lines["start_km"].to_numpy(float),
        "end_km": lines["end_km"].to_numpy(float),
    }).merge(summary[columns].astype({"segment": np.int64}), on="segment", how="left", validate="one_to_one")
    table = table.fillna({"incidents": 0, "deaths": 0, "trend_unit": "period", "hottest": False})
    most = int(table["incidents"].max()) if len(table) else 0
    features = []
    for record, geometry in zip(table.to_dict("records"), lines.geometry, strict=True):
        incidents = int(record["incidents"])
        features.append({
            "type": "Feature",
            "id": f"segment-{record['segment']}",
            "geometry": mapping(geometry),
            "properties": {
                "kind": FEATURE_KIND,
                ID_PROPERTY: int(record["segment"]),
                "incidents": incidents,
                "hottest": bool(record["hottest"]),
                "colour": segment_colour(incidents, most),
                "tooltip_html": segment_tooltip(record),
            },
        })
    return {"type": "FeatureCollection", "features": features}


def segment_style(feature: dict) -> dict:
    """Leaflet style of a segment: its count's colour; thin when quiet, thicker when among the hottest."""
    properties = feature["properties"]
    if properties["incidents"] == 0:
        return {"color": properties["colour"], "weight": QUIET_WEIGHT_PX, "opacity": 0.6, "lineCap": "butt"}
    weight = HOTTEST_WEIGHT_PX if properties["hottest"] else SEGMENT_WEIGHT_PX
    return {"color": properties["colour"], "weight": weight, "opacity": 0.95, "lineCap": "butt"}


def hottest_outline_style(_feature: dict) -> dict:
    """Leaflet style of the dark casing under a hottest segment."""
    return {"color": HOTTEST_OUTLINE_COLOUR, "weight": HOTTEST_OUTLINE_WEIGHT_PX, "opacity": 0.9, "lineCap": "butt"}


def segments_layer(segments: gpd.GeoDataFrame, summary: pd.DataFrame) -> folium.FeatureGroup:
    """Build the layer of border segments coloured by incidents.

    Parameters
    ----------
    segments : geopandas.GeoDataFrame
        As :func:`borderwatch.corridor.border_segments` returns them; not changed.
    summary : pandas.DataFrame
        As :func:`borderwatch.corridor.segment_summary` returns it; not changed.

    Returns
    -------
    folium.FeatureGroup
        Named :data:`LAYER_NAME`: one GeoJSON of all segments, each coloured
        by its incidents (:func:`segment_colour`) with a tooltip
        (:func:`segment_tooltip`) and its number in the :data:`ID_PROPERTY`
        property for clicks; the hottest are thicker, over a dark casing.
    """
    group = folium.FeatureGroup(name=LAYER_NAME, show=True)
    features = segment_features(segments, summary)
    if not features["features"]:
        return group
    hottest = [feature for feature in features["features"] if feature["properties"]["hottest"]]
    if hottest:
        # Drawn first, so it lies under the coloured lines; it takes no clicks.
        folium.GeoJson(
            {"type": "FeatureCollection", "features": [{**feature, "properties": {}} for feature in hottest]},
            style_function=hottest_outline_style, control=False, interactive=False,
        ).add_to(group)
    folium.GeoJson(features, style_function=segment_style, on_each_feature=_BIND_TOOLTIP, control=False).add_to(group)
    return group


