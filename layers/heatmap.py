"""Map layer of incident density: a heatmap drawn by Leaflet.heat.

The script is served locally (see :mod:`layers.assets`, loaded by the
base map); folium's HeatMap would add a CDN link, so its links are cleared.
"""

from __future__ import annotations

from typing import Final

import folium
import numpy as np
import pandas as pd
from folium.plugins import HeatMap

LAYER_NAME: Final[str] = "Heatmap"

#: Radius and blur of one point, in screen pixels: together 38 px, about
#: 80 km on the ground at zoom 6 and 5 km at zoom 10 (at 33° N), so nearby
#: towns merge at the border's scale and separate when zoomed in.
HEAT_RADIUS_PX: Final[int] = 22
HEAT_BLUR_PX: Final[int] = 16

#: Faintest heat drawn, so a lone incident stays visible next to a hot spot.
HEAT_MIN_OPACITY: Final[float] = 0.3


def heat_weights(incidents: pd.Series) -> np.ndarray:
    """Turn incident counts into heat: one unit for one incident, one more per doubling.

    Leaflet.heat scales every point against the hottest spot on screen, so
    with raw counts one cell of 500 incidents would make cells of 1 to 10
    all but invisible; ``log2(1 + n)`` keeps 1 incident at 1 and 500 at
    about 9, so the rest stays readable while the order is kept.

    Parameters
    ----------
    incidents : pandas.Series
        Incidents per point (1 for an individual incident), positive.

    Returns
    -------
    numpy.ndarray
        Heat per point, rising with the count.
    """
    return np.log2(1.0 + incidents.to_numpy(dtype=float))


def heatmap_layer(points: pd.DataFrame) -> folium.FeatureGroup:
    """Build the heatmap layer.

    Parameters
    ----------
    points : pandas.DataFrame
        ``latitude``, ``longitude`` and ``weight`` (incidents at that point:
        1 for an individual incident, the count for a counted map cell at
        its incidents' mean position); not changed. Rows with a missing
        coordinate or a weight that is missing or not positive are skipped.

    Returns
    -------
    folium.FeatureGroup
        Named :data:`LAYER_NAME`; empty when no row is drawable.
    """
    group = folium.FeatureGroup(name=LAYER_NAME, show=True)
    columns = points.loc[:, ["latitude", "longitude", "weight"]].apply(pd.to_numeric, errors="coerce")
    drawable = columns[columns.notna().all(axis=1) & (columns["weight"] > 0)]
    if drawable.empty:
        return group
    data = np.column_stack(
        [drawable["latitude"].round(5), drawable["longitude"].round(5), heat_weights(drawable["weight"]).round(3)]
    )
    heat = HeatMap(
        data.tolist(),
        min_opacity=HEAT_MIN_OPACITY,
        radius=HEAT_RADIUS_PX,
        blur=HEAT_BLUR_PX,
        control=False,
    )
    # An instance attribute: the map loads the local copy, and folium's
    # class-wide default stays as it is for other users.
    heat.default_js = []
    heat.add_to(group)
    return group
