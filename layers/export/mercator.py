"""Where things fall in the PNG: the view fitted to the image, in Web Mercator as on the map.

Leaflet draws in Web Mercator, so the PNG does too, and its shapes are cut
a little beyond the picture so lines that leave it are not cut at its edge.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Final, TypeVar

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from matplotlib.path import Path as MplPath
from pyproj import Transformer
from shapely.geometry import LineString, Polygon
from shapely.geometry.base import BaseGeometry
from shapely.geometry.polygon import orient

from borderwatch import config
from borderwatch.mapgrid import MAX_LATITUDE

#: The projection of the PNG: Leaflet's, so the image looks like the map on screen.
WEB_MERCATOR: Final[str] = "EPSG:3857"

#: Geometry beyond the image by this share of its size is kept, so outlines and
#: lines that leave the picture are not cut at its edge.
CLIP_MARGIN: Final[float] = 0.1

#: A box: ``(west, south, east, north)`` in degrees or ``(x_min, y_min, x_max, y_max)`` in metres.
Box = tuple[float, float, float, float]

_Part = TypeVar("_Part", bound=BaseGeometry)


@lru_cache(maxsize=4)
def transformer(source_crs: str, target_crs: str) -> Transformer:
    """A cached pyproj transformer between two CRSs, taking and giving (lon, lat) / (x, y)."""
    # always_xy: (lon, lat) in, (x, y) out, whatever the CRS's axis order.
    return Transformer.from_crs(source_crs, target_crs, always_xy=True)


def _checked_view(view: Box) -> Box:
    west, south, east, north = (float(value) for value in view)
    if not all(math.isfinite(value) for value in (west, south, east, north)):
        raise ValueError(f"map view {view}: every edge must be a finite number")
    # Leaflet reports edges beyond the Web Mercator world when zoomed far out.
    west, east = max(west, -180.0), min(east, 180.0)
    south, north = max(south, -MAX_LATITUDE), min(north, MAX_LATITUDE)
    if not (west < east and south < north):
        raise ValueError(f"map view {view}: expected (west, south, east, north) with west < east and south < north")
    return west, south, east, north


def fitted_extent(view: Box, width_px: int, height_px: int) -> Box:
    """Return the Web Mercator extent an image of this size shows of a view.

    The whole view is shown, centred, at one scale on both axes; the
    image's other dimension shows more around it, as Leaflet does.

    Parameters
    ----------
    view : tuple of float
        ``(west, south, east, north)`` in degrees; clamped to the Web Mercator world.
    width_px, height_px : int
        Size of the image.

    Returns
    -------
    tuple of float
        ``(x_min, y_min, x_max, y_max)`` in EPSG:3857 metres.

    Raises
    ------
    ValueError
        If the view is not finite or empty, or a size is below one pixel.
    """
    if width_px < 1 or height_px < 1:
        raise ValueError(f"image size {width_px}×{height_px} px: both must be at least 1")
    west, south, east, north = _checked_view(view)
    xs, ys = transformer(config.GEOGRAPHIC_CRS, WEB_MERCATOR).transform([west, east], [south, north])
    metres_per_px = max((xs[1] - xs[0]) / width_px, (ys[1] - ys[0]) / height_px)
    centre_x, centre_y = (xs[0] + xs[1]) / 2, (ys[0] + ys[1]) / 2
    half_width, half_height = metres_per_px * width_px / 2, metres_per_px * height_px / 2
    return centre_x - half_width, centre_y - half_height, centre_x + half_width, centre_y + half_height


def clip_box(extent: Box) -> Box:
    """The extent grown by the clip margin, in degrees (west, south, east, north)."""
    x_min, y_min, x_max, y_max = extent
    pad_x, pad_y = (x_max - x_min) * CLIP_MARGIN, (y_max - y_min) * CLIP_MARGIN
    lons, lats = transformer(WEB_MERCATOR, config.GEOGRAPHIC_CRS).transform(
        [x_min - pad_x, x_max + pad_x], [y_min - pad_y, y_max + pad_y]
    )
    return max(lons[0], -180.0), max(lats[0], -MAX_LATITUDE), min(lons[1], 180.0), min(lats[1], MAX_LATITUDE)


def mercator_shapes(frame: gpd.GeoDataFrame, clip: Box) -> list[BaseGeometry]:
    """The frame's geometries cut to the clip box and projected; empty where nothing is left."""
    geometry = frame.geometry if frame.crs is not None else frame.geometry.set_crs(config.GEOGRAPHIC_CRS)
    cut = geometry.to_crs(config.GEOGRAPHIC_CRS).clip_by_rect(*clip)
    return list(cut.to_crs(WEB_MERCATOR))


def _parts(shape: BaseGeometry | None, kind: type[_Part]) -> list[_Part]:
    if shape is None or shape.is_empty:
        return []
    # Twice: a collection may hold multi-part geometries.
    parts = shapely.get_parts(shapely.get_parts(np.asarray([shape], dtype=object)))
    return [part for part in parts.tolist() if isinstance(part, kind) and not part.is_empty]


def polygon_path(shape: BaseGeometry) -> MplPath | None:
    """The polygons of a geometry as one matplotlib path, holes kept; None when it holds none."""
    rings = []
    for polygon in _parts(shape, Polygon):
        # Holes wound against the shell, so they stay holes whatever the fill rule.
        polygon = orient(polygon, sign=1.0)
        rings.append(MplPath(np.asarray(polygon.exterior.coords)[:, :2], closed=True))
        rings += [MplPath(np.asarray(ring.coords)[:, :2], closed=True) for ring in polygon.interiors]
    return MplPath.make_compound_path(*rings) if rings else None


def line_parts(shape: BaseGeometry) -> list[np.ndarray]:
    """The (x, y) vertices of each line in a geometry; empty when it holds none."""
    return [np.asarray(line.coords)[:, :2] for line in _parts(shape, LineString)]


def lonlat_to_mercator(longitude: pd.Series, latitude: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Web Mercator x and y (m) of points in degrees; NaN where a coordinate is not a number."""
    lats = np.clip(pd.to_numeric(latitude, errors="coerce").to_numpy(float), -MAX_LATITUDE, MAX_LATITUDE)
    lons = pd.to_numeric(longitude, errors="coerce").to_numpy(float)
    x, y = transformer(config.GEOGRAPHIC_CRS, WEB_MERCATOR).transform(lons, lats)
    return np.asarray(x, dtype=float), np.asarray(y, dtype=float)


def inside(
    x: np.ndarray, y: np.ndarray, extent: Box, margin: float = CLIP_MARGIN
) -> np.ndarray:
    """Which points lie in the extent grown by ``margin`` (a share of its size)."""
    x_min, y_min, x_max, y_max = extent
    pad_x, pad_y = (x_max - x_min) * margin, (y_max - y_min) * margin
    return (x >= x_min - pad_x) & (x <= x_max + pad_x) & (y >= y_min - pad_y) & (y <= y_max + pad_y)
