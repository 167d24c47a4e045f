"""The grid the map aggregates incidents on, and the month index of dates.

Positions are stored as Web Mercator pixel coordinates at :data:`GRID_ZOOM`
(the projection Leaflet draws in), so a map cell at any zoom is an integer
shift of them: cells stay square on screen, nest exactly from one zoom to
the next, and SQL groups them with ``>>`` on an index-friendly integer.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Final

import numpy as np

#: Zoom at which positions are stored as integer pixels (2.4 m at the
#: equator: far finer than any incident's location precision).
GRID_ZOOM: Final[int] = 16
#: Side of an aggregation cell on screen, in pixels (a power of two).
CELL_PX: Final[int] = 64
_CELL_BITS: Final[int] = int(math.log2(CELL_PX))
_TILE_BITS: Final[int] = 8  # 256-pixel tiles
#: Map zooms whose cells the store pre-aggregates; other zooms roll up from the
#: next finer one. Beyond the last, cells are computed from the incidents.
SUMMARY_LEVELS: Final[tuple[int, ...]] = (4, 6, 8, 10, 12)
#: Web Mercator's latitude limit (the map cannot show beyond it).
MAX_LATITUDE: Final[float] = 85.05112878

#: Width and height of the world in grid pixels.
WORLD_PX: Final[int] = 1 << (GRID_ZOOM + _TILE_BITS)


def grid_xy(latitude: np.ndarray, longitude: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Web Mercator pixel coordinates at :data:`GRID_ZOOM` of WGS84 points.

    Parameters
    ----------
    latitude, longitude : numpy.ndarray
        Degrees; latitudes beyond :data:`MAX_LATITUDE` are clamped to it.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        ``int64`` x (east) and y (south) pixels, in ``[0, 2**24)``.
    """
    lat = np.radians(np.clip(np.asarray(latitude, dtype=float), -MAX_LATITUDE, MAX_LATITUDE))
    lon = np.asarray(longitude, dtype=float)
    x = (lon + 180.0) / 360.0
    y = (1.0 - np.log(np.tan(lat) + 1.0 / np.cos(lat)) / math.pi) / 2.0
    last = WORLD_PX - 1
    return (
        np.clip(np.floor(x * WORLD_PX), 0, last).astype(np.int64),
        np.clip(np.floor(y * WORLD_PX), 0, last).astype(np.int64),
    )


def cell_shift(zoom: int) -> int:
    """Bits to drop from a grid coordinate to get its cell at map ``zoom``."""
    # One screen pixel at ``zoom`` spans 2**(GRID_ZOOM - zoom) grid pixels.
    if not 0 <= zoom <= GRID_ZOOM + _CELL_BITS:
        raise ValueError(f"zoom {zoom} is outside 0–{GRID_ZOOM + _CELL_BITS}")
    return GRID_ZOOM - zoom + _CELL_BITS


def summary_level(zoom: int) -> int | None:
    """The pre-aggregated level to roll cells at ``zoom`` up from, or ``None``
    when the zoom is finer than every level (cells then come from incidents)."""
    return next((level for level in SUMMARY_LEVELS if level >= zoom), None)


def lonlat_of(x_px: np.ndarray | float, y_px: np.ndarray | float) -> tuple[np.ndarray, np.ndarray]:
    """Longitude and latitude (degrees) of grid coordinates: the inverse of :func:`grid_xy`."""
    longitude = np.asarray(x_px, dtype=float) / WORLD_PX * 360.0 - 180.0
    n = math.pi - 2.0 * math.pi * np.asarray(y_px, dtype=float) / WORLD_PX
    return longitude, np.degrees(np.arctan(np.sinh(n)))


def cell_bounds(cell_x: np.ndarray, cell_y: np.ndarray, zoom: int) -> np.ndarray:
    """South, west, north, east edges (degrees) of cells at map ``zoom``.

    Returns
    -------
    numpy.ndarray
        Shape ``(n, 4)``.
    """
    size = 1 << cell_shift(zoom)
    x0 = np.asarray(cell_x, dtype=np.int64) * size
    y0 = np.asarray(cell_y, dtype=np.int64) * size
    west, north = lonlat_of(x0, y0)
    east, south = lonlat_of(x0 + size, y0 + size)
    return np.column_stack([south, west, north, east])


def cell_range(bbox: tuple[float, float, float, float], zoom: int) -> tuple[int, int, int, int]:
    """The cells at ``zoom`` a ``(west, south, east, north)`` box touches.

    Returns
    -------
    tuple of int
        ``(x_min, x_max, y_min, y_max)``, inclusive.
    """
    west, south, east, north = bbox
    xs, ys = grid_xy(np.array([north, south]), np.array([west, east]))
    shift = cell_shift(zoom)
    return int(xs[0]) >> shift, int(xs[1]) >> shift, int(ys[0]) >> shift, int(ys[1]) >> shift


def month_index(dates: np.ndarray) -> np.ndarray:
    """Months since January 1970 (``year * 12 + month - 1`` shifted), of ``datetime64`` dates."""
    return np.asarray(dates).astype("datetime64[M]").astype(np.int64)


def month_start(index: int) -> dt.date:
    """First day of a month given by :func:`month_index`."""
    year, month = divmod(index, 12)
    return dt.date(1970 + year, month + 1, 1)


def first_whole_month(start: dt.date) -> int:
    """:func:`month_index` of the first month that lies wholly on or after ``start``."""
    return (start.year - 1970) * 12 + start.month - 1 + (start.day != 1)


def last_whole_month(end: dt.date) -> int:
    """:func:`month_index` of the last month that lies wholly on or before ``end``."""
    if end == dt.date.max:
        return (end.year - 1970) * 12 + end.month - 1
    after_end = end + dt.timedelta(days=1)
    return (after_end.year - 1970) * 12 + after_end.month - 2
