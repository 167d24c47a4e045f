"""Coordinate transforms and geodesic distances, made in one place.

Building a :class:`pyproj.Transformer` costs milliseconds (PROJ looks the
operation up in its database), so :func:`transformer` keeps the recent ones;
:func:`geod` is the one ellipsoid (``config.GEODESY_ELLIPSOID``) every
geodesic measure of the project uses, and :func:`geodesic_distance_m` the
distance on it.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TypeVar

import numpy as np
import numpy.typing as npt
import shapely
from pyproj import CRS, Geod, Transformer
from shapely.geometry.base import BaseGeometry

from borderwatch import config

#: Transformers kept: the project uses a handful of CRS pairs, plus the
#: local planes of :mod:`borderwatch.geodesy` (one per stretch of a long border).
_TRANSFORMERS_KEPT = 32

GeometryT = TypeVar("GeometryT", bound=BaseGeometry)


@lru_cache(maxsize=_TRANSFORMERS_KEPT)
def transformer(source_crs: str | CRS, target_crs: str | CRS) -> Transformer:
    """The transformer from one CRS to another, built once and kept.

    Parameters
    ----------
    source_crs, target_crs : str or pyproj.CRS
        Anything :meth:`pyproj.Transformer.from_crs` takes that can be hashed
        (an ``"EPSG:…"`` code, a PROJ string, a CRS object).

    Returns
    -------
    pyproj.Transformer
        With ``always_xy``: shapely geometries are (lon, lat) whatever the CRS's axis order.
    """
    return Transformer.from_crs(source_crs, target_crs, always_xy=True)


def reproject(geometry: GeometryT, source_crs: str, target_crs: str) -> GeometryT:
    """The same geometry with its coordinates moved from one CRS to another.

    Points outside the target CRS's domain (e.g. metres passed as degrees)
    come back as ``inf``: callers that care check the coordinates.
    """
    forward = transformer(source_crs, target_crs)

    def move(coordinates: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        x, y = forward.transform(coordinates[:, 0], coordinates[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geometry, move)


@lru_cache(maxsize=1)
def geod() -> Geod:
    """The ellipsoid every geodesic measure uses (``config.GEODESY_ELLIPSOID``)."""
    return Geod(ellps=config.GEODESY_ELLIPSOID)


def geodesic_distance_m(
    longitude: float | np.ndarray, latitude: float | np.ndarray,
    other_longitude: float | np.ndarray, other_latitude: float | np.ndarray,
) -> float | np.ndarray:
    """Distance along the ellipsoid between points and other points, in metres.

    Parameters
    ----------
    longitude, latitude, other_longitude, other_latitude : float or numpy.ndarray
        Degrees in EPSG:4326; arrays are paired element by element.

    Returns
    -------
    float or numpy.ndarray
        As many distances as pairs (a float for scalars).
    """
    _, _, metres = geod().inv(longitude, latitude, other_longitude, other_latitude)
    return metres
