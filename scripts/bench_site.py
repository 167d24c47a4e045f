"""The border a run of ``python -m scripts.bench`` measures on (``--border``), and what the run needs of it.

Tunisia–Libya (the default) keeps the figures' long-standing settings: the
map as the dashboard opens it, zoomed views centred on Ben Gardane, the
store's own measures (:func:`borderwatch.borderzone.measure`, UTM 32N), the
bundled segments and the barrier for the sensor planner. Any other border
is measured as the dashboard measures it: geodesic measures
(:mod:`borderwatch.bordermeasures`) stored with
:meth:`~borderwatch.store.IncidentStore.measure_border`, the map opened on
the whole border, zoomed views centred on the middle of its longest part,
a plane centred on the border (:func:`borderwatch.geodesy.centred_plane`)
wherever the analytics need metres, and the planner's sensors along the
border's longest part (it has no barrier).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import LineString, MultiLineString

from borderwatch import config, geodesy, reference
from borderwatch.bordermeasures import measure_signature, prepared_border
from borderwatch.borders import Border, find_border
from borderwatch.borderzone import measure
from borderwatch.corridor import border_segments, geodesic_segments, geodesic_stretch
from borderwatch.mapgrid import GRID_ZOOM, grid_xy, lonlat_of
from borderwatch.store import IncidentStore

#: Where the default border's zoomed views are centred (Ben Gardane).
DEFAULT_FOCUS: Final[tuple[float, float]] = (33.1389, 11.2167)
#: The map's size in pixels.
MAP_SIZE_PX: Final[tuple[int, int]] = (900, 700)
#: Zooms the map may open at on another border (the whole border in view).
OPENING_ZOOMS: Final[tuple[int, int]] = (3, 9)

Measure = Callable[[np.ndarray, np.ndarray], pd.DataFrame]


@dataclass(frozen=True)
class BenchSite:
    """One border, with everything a benchmark run places or measures on it.

    Attributes
    ----------
    border : Border
        The land border.
    opening : tuple
        ``((latitude, longitude), zoom)`` of the map as it opens.
    focus : tuple of float
        Latitude and longitude the zoomed views and map moves are centred on.
    measure : callable
        ``measure(latitude, longitude)`` -> the measure columns against the border.
    metric_crs : str
        The CRS the analytics measure metres in.
    line : LineString or MultiLineString
        The border line, lon/lat degrees.
    planner_line : LineString
        Where the planner puts sensors (lon/lat), and ``planner_line_name`` says what it is.
    planner_line_name : str
    planner_crs : str
        The CRS the planner measures in, as the planner page picks it.
    """

    border: Border
    opening: tuple[tuple[float, float], float]
    focus: tuple[float, float]
    measure: Measure
    metric_crs: str
    line: LineString | MultiLineString
    planner_line: LineString
    planner_line_name: str
    planner_crs: str

    @property
    def key(self) -> str:
        """The border's key, e.g. ``"LBY-TUN"``."""
        return self.border.key

    @property
    def is_default(self) -> bool:
        """Whether the store measures this border as it imports (Tunisia–Libya)."""
        return self.key == config.DEFAULT_BORDER

    @property
    def sides(self) -> tuple[str, str]:
        """The two countries' names, as the measures name sides."""
        if self.is_default:
            return ("Tunisia", "Libya")
        return (self.border.name_a, self.border.name_b)

    def segments(self) -> gpd.GeoDataFrame:
        """The border cut into :data:`borderwatch.config.SEGMENT_KM` pieces, as the analytics page cuts it."""
        if self.is_default:
            return border_segments(self.line)
        return geodesic_segments(self.line)

    def measure_in_store(self, store: IncidentStore) -> int:
        """Store the measures of every incident against this border (the default's are stored on import)."""
        if self.is_default:
            return 0
        return store.measure_border(self.key, prepared_border(self.key).measure, measure_signature(self.key))


def bench_site(key: str = config.DEFAULT_BORDER) -> BenchSite:
    """The :class:`BenchSite` of a border given by its two codes, in either order.

    Raises
    ------
    borderwatch.borders.BorderLookupError
        If the codes name no land border (the message offers close codes).
    """
    border = find_border(key)
    if border.key == config.DEFAULT_BORDER:
        line = reference.load_border(config.BORDER_PATH).geometry.iloc[0]
        return BenchSite(border, (config.MAP_CENTER, config.MAP_ZOOM), DEFAULT_FOCUS, measure, config.METRIC_CRS,
                         line, reference.load_barrier(config.BARRIER_PATH).geometry.iloc[0], "the barrier",
                         config.METRIC_CRS)
    longest = geodesic_stretch(border.geometry, 0.0, float(geodesy.geodesic_line(border.geometry).part_lengths_km[0]))
    middle = longest.interpolate(0.5, normalized=True)
    return BenchSite(border, opening_view(border.geometry), (middle.y, middle.x), prepared_border(border).measure,
                     geodesy.centred_plane(border.geometry), border.geometry, longest, "the border's longest part",
                     geodesy.centred_plane(longest))


def opening_view(line: LineString | MultiLineString) -> tuple[tuple[float, float], float]:
    """Centre (latitude, longitude) and the closest zoom at which the whole line fits the map."""
    west, south, east, north = line.bounds
    x, y = grid_xy(np.array([north, south]), np.array([west, east]))
    width, height = MAP_SIZE_PX
    spread = max((x[1] - x[0]) / width, (y[1] - y[0]) / height, 1.0)
    zoom = min(max(GRID_ZOOM - math.ceil(math.log2(spread)), OPENING_ZOOMS[0]), OPENING_ZOOMS[1])
    longitude, latitude = lonlat_of((x[0] + x[1]) / 2, (y[0] + y[1]) / 2)
    return (float(latitude), float(longitude)), float(zoom)
