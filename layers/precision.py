"""Map layer of location precision: around each incident, the area its true site lies in.

The circles travel as columns of numbers drawn by a few lines of script (as
in :mod:`layers.incidents`), not as one Leaflet object per circle: a few
bytes per circle for the up to 2,000 incidents the map shows one by one.
Tooltips are built in the browser with ``textContent`` from fixed labels, so
no text from data is sent at all.
"""

from __future__ import annotations

from typing import Final

import folium
import numpy as np
import pandas as pd

from layers.script import ScriptCall
from layers.style import PRECISION_CIRCLE, PRECISION_FILL_OPACITY

LAYER_NAME: Final[str] = "Location precision"

#: CSS class of every precision circle, for styling and for browser tests.
PRECISION_CSS_CLASS: Final[str] = "bw-precision"

#: Colour of the circles: a neutral slate, apart from the event-type colours.
PRECISION_COLOUR: Final[str] = PRECISION_CIRCLE.colour

#: What each ACLED ``geo_precision`` code places, in the tooltip's words.
PRECISION_WORDS: Final[dict[int, str]] = {1: "place named", 2: "near the place named", 3: "district"}

_METRES_PER_KM = 1_000.0


def encode_circles(points: pd.DataFrame) -> dict:
    """The compact form of the precision circles.

    Parameters
    ----------
    points : pandas.DataFrame
        ``latitude``, ``longitude``, ``precision_km`` and ``geo_precision``;
        not changed. Rows without a positive ``precision_km`` or a
        coordinate are skipped.

    Returns
    -------
    dict
        ``lat, lon, radius_m, code, count``: one list each, one entry per
        distinct circle (incidents with the same place and radius share
        one, ``count`` says how many), largest first so smaller ones stay on
        top for their tooltips; ``code`` indexes ``words`` (0: no code).
    """
    table = pd.DataFrame({
        "lat": pd.to_numeric(points["latitude"], errors="coerce").round(5),
        "lon": pd.to_numeric(points["longitude"], errors="coerce").round(5),
        "radius_m": (pd.to_numeric(points["precision_km"], errors="coerce") * _METRES_PER_KM).round(0),
        "code": pd.to_numeric(points["geo_precision"], errors="coerce"),
    })
    table = table[table[["lat", "lon", "radius_m"]].notna().all(axis=1) & (table["radius_m"] > 0)]
    table["code"] = table["code"].where(table["code"].isin(list(PRECISION_WORDS)), 0).astype(np.int64)
    circles = (
        table.groupby(["lat", "lon", "radius_m", "code"], sort=False).size().rename("count").reset_index()
        .sort_values("radius_m", ascending=False, kind="stable")
    )
    return {
        "lat": circles["lat"].astype(float).tolist(),
        "lon": circles["lon"].astype(float).tolist(),
        "radius_m": circles["radius_m"].astype(int).tolist(),
        "code": circles["code"].astype(int).tolist(),
        "count": circles["count"].astype(int).tolist(),
        "words": ["precision unknown"] + [PRECISION_WORDS[code] for code in sorted(PRECISION_WORDS)],
    }


def precision_layer(points: pd.DataFrame) -> folium.FeatureGroup:
    """Build the layer of location-precision circles.

    Parameters
    ----------
    points : pandas.DataFrame
        Incidents with ``latitude``, ``longitude``, ``precision_km`` (radius
        within which the true site lies) and ``geo_precision``; see
        :func:`encode_circles`. Not changed.

    Returns
    -------
    folium.FeatureGroup
        Named :data:`LAYER_NAME`: one translucent circle of radius
        ``precision_km`` on the ground per place and radius, with a tooltip
        such as "Located within about 25 km (district)"; empty when no
        incident has a radius.
    """
    group = folium.FeatureGroup(name=LAYER_NAME, show=True)
    data = encode_circles(points)
    if data["lat"]:
        options = {**PRECISION_CIRCLE.leaflet(), "fillOpacity": PRECISION_FILL_OPACITY, "cssClass": PRECISION_CSS_CLASS}
        ScriptCall("precision", data, options).add_to(group)
    return group
