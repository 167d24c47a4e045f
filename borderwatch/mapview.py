"""What the map shows of a view: individual incidents when few, counted cells when many.

A browser draws a few thousand clickable circles quickly, and grinds past
tens of thousands; so the map asks the store how many incidents a view
holds (from its pre-aggregated cells) and draws them one by one only up to
:data:`POINT_LIMIT`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import pandas as pd

from borderwatch.filters import IncidentQuery
from borderwatch.mapgrid import GRID_ZOOM, MAX_LATITUDE, WORLD_PX, cell_bounds, cell_range, grid_xy, lonlat_of
from borderwatch.store import IncidentStore

#: Most incidents a view draws as individual circles; beyond, counted cells.
POINT_LIMIT: Final[int] = 2_000
#: Map zooms the cells are counted at (the map's own range).
MIN_ZOOM: Final[int] = 0
MAX_ZOOM: Final[int] = 14
#: How much the fetched area exceeds the visible one on each side, in cells:
#: a small pan stays inside it and is served from the cache.
PAD_CELLS: Final[int] = 2


@dataclass(frozen=True)
class MapView:
    """The visible part of the map.

    Attributes
    ----------
    west, south, east, north : float
        Edges in degrees.
    zoom : int
        Map zoom, rounded down (the map may sit between zooms).
    """

    west: float
    south: float
    east: float
    north: float
    zoom: int

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        """``(west, south, east, north)``."""
        return self.west, self.south, self.east, self.north


@dataclass(frozen=True)
class MapData:
    """What the incident layer draws for one view.

    Attributes
    ----------
    points : pandas.DataFrame or None
        Individual incidents (see :meth:`IncidentStore.points`) when the view holds few.
    cells : pandas.DataFrame or None
        Counted cells (see :meth:`IncidentStore.aggregate`) otherwise.
    zoom : int
        Zoom the cells were counted at.
    in_view : int
        Incidents in the fetched area; more than ``points`` holds when the
        map cannot zoom further and the area holds more than it draws.
    """

    points: pd.DataFrame | None
    cells: pd.DataFrame | None
    zoom: int
    in_view: int


def view_around(center: tuple[float, float], zoom: float, width_px: int, height_px: int) -> MapView:
    """The view of a map of this size centred on ``center`` (lat, lon) at ``zoom``.

    Used before the browser has reported the map's real view.
    """
    scale = 2.0 ** (zoom - GRID_ZOOM)  # screen pixels per grid pixel
    x, y = grid_xy(np.array([center[0]]), np.array([center[1]]))
    half_w, half_h = width_px / 2 / scale, height_px / 2 / scale
    last = WORLD_PX - 1
    lon, lat = lonlat_of(np.clip([x[0] - half_w, x[0] + half_w], 0, last),
                         np.clip([y[0] - half_h, y[0] + half_h], 0, last))
    return MapView(float(lon[0]), float(lat[1]), float(lon[1]), float(lat[0]), _zoom_level(zoom))


def _zoom_level(zoom: float) -> int:
    return int(min(max(math.floor(zoom), MIN_ZOOM), MAX_ZOOM))


def view_from_state(state: Mapping[str, object] | None, default: MapView) -> MapView:
    """The view ``st_folium`` reported (its ``bounds`` and ``zoom``), or ``default``.

    Anything malformed (the browser sends what it has) falls back to ``default``.
    """
    try:
        # The browser's JSON: any shape, checked by the conversions below.
        bounds: Any = state["bounds"]  # type: ignore[index]
        south_west, north_east = bounds["_southWest"], bounds["_northEast"]
        south, west = float(south_west["lat"]), float(south_west["lng"])
        north, east = float(north_east["lat"]), float(north_east["lng"])
        zoom = float(state["zoom"])  # type: ignore[index, arg-type]
    except (KeyError, TypeError, ValueError):
        return default
    if not all(math.isfinite(value) for value in (south, west, north, east, zoom)) or south >= north:
        return default
    # Leaflet reports longitudes beyond ±180 after panning round the world.
    if east - west >= 360.0:
        west, east = -180.0, 180.0
    else:
        west, east = ((west + 180.0) % 360.0) - 180.0, ((east + 180.0) % 360.0) - 180.0
        if west > east:  # across the antimeridian: the whole width keeps it simple
            west, east = -180.0, 180.0
    south, north = max(south, -MAX_LATITUDE), min(north, MAX_LATITUDE)
    return MapView(west, south, east, north, _zoom_level(zoom))


def fetch_area(view: MapView) -> MapView:
    """The view grown by :data:`PAD_CELLS` and snapped out to whole cells.

    Views that differ by a small pan give the same area, so their data is
    fetched once and cached.
    """
    x_min, x_max, y_min, y_max = cell_range(view.bbox, view.zoom)
    last = (1 << (view.zoom + 2)) - 1  # cells across the world at this zoom
    x_min, y_min = max(x_min - PAD_CELLS, 0), max(y_min - PAD_CELLS, 0)
    x_max, y_max = min(x_max + PAD_CELLS, last), min(y_max + PAD_CELLS, last)
    (south, west, _, _), (_, _, north, east) = cell_bounds(np.array([x_min, x_max]), np.array([y_max, y_min]),
                                                           view.zoom)
    return MapView(float(west), float(max(south, -90.0)), float(east), float(min(north, 90.0)), view.zoom)


def map_data(store: IncidentStore, query: IncidentQuery, area: MapView | None,
             point_limit: int = POINT_LIMIT) -> MapData:
    """Fetch what the incident layer draws for an area.

    Parameters
    ----------
    store : IncidentStore
    query : IncidentQuery
        The sidebar's filters.
    area : MapView or None
        The area to fetch (see :func:`fetch_area`); None for every matching
        incident, when they are few enough to draw them all: the layer then
        stays the same as the map moves, and is not sent again.
    point_limit : int
        Most incidents drawn one by one.

    Returns
    -------
    MapData
        Points when the area holds at most ``point_limit`` incidents, else
        cells; at :data:`MAX_ZOOM` always points, the ``point_limit`` most
        recent, since zooming in can no longer split a cell.
    """
    if area is None:
        points = store.points(query, limit=point_limit, newest_first=True)
        return MapData(points=points, cells=None, zoom=MAX_ZOOM, in_view=len(points))
    cells = store.aggregate(query, by=("cell",), zoom=area.zoom, bbox=area.bbox)
    in_view = int(cells["incidents"].sum())
    if in_view <= point_limit or area.zoom >= MAX_ZOOM:
        points = store.points(query, bbox=area.bbox, limit=point_limit, newest_first=True)
        return MapData(points=points, cells=None, zoom=area.zoom, in_view=max(in_view, len(points)))
    return MapData(points=None, cells=cells, zoom=area.zoom, in_view=in_view)


def left_out_in_view(store: IncidentStore, query: IncidentQuery, view: MapView, drawn: int) -> int:
    """How many matching incidents inside the view itself the map did not draw.

    The map draws at most :data:`POINT_LIMIT` incidents of the area around
    the view; the incidents outside the view are not "left out" of it.

    Parameters
    ----------
    store : IncidentStore
    query : IncidentQuery
    view : MapView
        The visible part of the map (not the area fetched around it).
    drawn : int
        How many of the drawn incidents lie in ``view`` (see :func:`points_in`).

    Returns
    -------
    int
        0 when every matching incident in ``view`` is drawn (checked exactly);
        otherwise the view's count, from the map's pre-counted cells at
        :data:`MAX_ZOOM` (exact but for cells on its edges), less ``drawn``, at least 1.
    """
    if len(store.points(query, bbox=view.bbox, limit=drawn + 1)) <= drawn:
        return 0
    counted = store.aggregate(query, bbox=view.bbox, zoom=MAX_ZOOM)
    return max(int(counted.iloc[0]["incidents"]) - drawn, 1)


def points_in(points: pd.DataFrame, view: MapView) -> int:
    """How many of ``points`` (``latitude``, ``longitude``) lie inside ``view``."""
    latitude, longitude = points["latitude"].to_numpy(float), points["longitude"].to_numpy(float)
    inside = (latitude >= view.south) & (latitude <= view.north) & (longitude >= view.west) & (longitude <= view.east)
    return int(inside.sum())


def width_px(west: float, east: float, zoom: float) -> float:
    """Width on screen, in pixels, of the longitudes ``west`` to ``east`` at ``zoom`` (Web Mercator)."""
    span = (east - west) % 360.0 or (360.0 if east != west else 0.0)
    return span / 360.0 * 256.0 * 2.0 ** zoom
