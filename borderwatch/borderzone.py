"""Where an incident lies relative to the border and the barrier.

Every stored incident carries these measures (see :mod:`borderwatch.store`),
computed once when it is stored, so that filtering "within 10 km of the
border" or counting incidents per border segment never re-measures a
million points:

``distance_border_km``
    Shortest distance to the border line.
``distance_barrier_km``
    Shortest distance to the barrier (trench and berm) line.
``border_side``
    Name of the country the point lies in (the detailed polygons of the
    region first, then the world's 1:110m ones); a point at sea takes the
    nearest detailed country within :data:`borderwatch.config.SEA_SNAP_KM`, else ``""``.
``between_barrier_and_border``
    Whether the point lies in the strip between the barrier and the border.
``border_position_km``
    Position along the border (from its first vertex, the coastal end) of
    the border point nearest to the incident: what places it in a segment.

Distances are measured in :data:`borderwatch.config.METRIC_CRS` (UTM 32N),
exact to 0.1 % along the border; far from the zone (say beyond 1,000 km)
they are only indicative.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from operator import attrgetter
from pathlib import Path
from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import LineString, Polygon
from shapely.ops import substring

from borderwatch import config, projection, reference
from borderwatch.errors import BarrierGeometryError

#: The stored measures, in the order the store keeps them.
MEASURE_COLUMNS: Final[tuple[str, ...]] = (
    "distance_border_km",
    "distance_barrier_km",
    "border_side",
    "between_barrier_and_border",
    "border_position_km",
)

_METRES_PER_KM = 1_000.0


@dataclass(frozen=True)
class BorderZone:
    """The border, the barrier and the countries, in the metric CRS.

    Attributes
    ----------
    border, barrier : shapely.LineString
        In metres; the border runs from its coastal end.
    strip : shapely.Polygon
        The area between the barrier and the stretch of border it follows.
    countries : tuple of (str, shapely geometry)
        Detailed polygons of the region, in metres, by name.
    world : tuple of (str, shapely geometry)
        Coarse polygons of every country, in degrees (containment only).
    coasts : tuple of (str, shapely geometry)
        Each detailed country grown by :data:`borderwatch.config.SEA_SNAP_KM`, in metres.
    signature : str
        Digest of the files the zone was built from: the store re-measures
        its incidents when it changes.
    """

    border: LineString
    barrier: LineString
    strip: Polygon
    countries: tuple[tuple[str, shapely.Geometry], ...]
    world: tuple[tuple[str, shapely.Geometry], ...]
    coasts: tuple[tuple[str, shapely.Geometry], ...]
    signature: str


def strip_between(border: LineString, barrier: LineString) -> Polygon:
    """The polygon enclosed by the barrier and the stretch of border it follows.

    Parameters
    ----------
    border, barrier : shapely.LineString
        In the same metric CRS.

    Returns
    -------
    shapely.Polygon
        Bounded by the border between the points nearest the barrier's ends,
        and by the barrier itself.

    Raises
    ------
    BarrierGeometryError
        If the two lines enclose no area.
    """
    start, end = (border.project(shapely.Point(point)) for point in (barrier.coords[0], barrier.coords[-1]))
    stretch = substring(border, min(start, end), max(start, end))
    stretch_coords = list(stretch.coords)
    if start > end:
        stretch_coords.reverse()
    # Border from the barrier's first end to its last, then back along the barrier.
    ring = [*stretch_coords, *reversed(barrier.coords)]
    strip = shapely.make_valid(Polygon(ring))
    if strip.is_empty or strip.area == 0:
        raise BarrierGeometryError("the barrier and the border enclose no area")
    if not isinstance(strip, Polygon):
        strip = max(getattr(strip, "geoms", [strip]), key=attrgetter("area"))
    return strip


def _file_digest(paths: tuple[Path, ...]) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def build_zone(
    border: LineString,
    barrier: LineString,
    countries: gpd.GeoDataFrame,
    world: gpd.GeoDataFrame,
    signature: str = "",
    metric_crs: str = config.METRIC_CRS,
) -> BorderZone:
    """Build a :class:`BorderZone` from lines and polygons in EPSG:4326.

    Parameters
    ----------
    border, barrier : shapely.LineString
        In degrees; the border from its coastal end.
    countries : geopandas.GeoDataFrame
        Detailed polygons of the region, with a ``name`` column.
    world : geopandas.GeoDataFrame
        Coarse polygons of every country, with a ``name`` column.
    signature : str
        What the zone was built from (see :attr:`BorderZone.signature`).
    metric_crs : str
        Projected CRS in metres.

    Returns
    -------
    BorderZone
    """
    lines = gpd.GeoSeries([border, barrier], crs=config.GEOGRAPHIC_CRS).to_crs(metric_crs)
    metric_countries = countries.to_crs(metric_crs)
    # Prepared geometries answer millions of point-in-polygon tests quickly.
    shapely.prepare(metric_countries.geometry.values)
    shapely.prepare(world.geometry.values)
    simplified = metric_countries.geometry.simplify(config.COAST_SIMPLIFY_TOLERANCE_M)
    coasts = simplified.buffer(config.SEA_SNAP_KM * _METRES_PER_KM)
    shapely.prepare(coasts.values)
    return BorderZone(
        border=lines.iloc[0],
        barrier=lines.iloc[1],
        strip=strip_between(lines.iloc[0], lines.iloc[1]),
        countries=tuple(zip(metric_countries["name"], metric_countries.geometry, strict=True)),
        world=tuple(zip(world["name"], world.geometry, strict=True)),
        coasts=tuple(zip(metric_countries["name"], coasts, strict=True)),
        signature=signature,
    )


def load_zone(
    border_path: Path = config.BORDER_PATH,
    barrier_path: Path = config.BARRIER_PATH,
    countries_path: Path = config.COUNTRIES_PATH,
    world_path: Path = config.WORLD_COUNTRIES_PATH,
) -> BorderZone:
    """Read the bundled reference layers into a :class:`BorderZone` (see :func:`build_zone`)."""
    return build_zone(
        reference.load_border(border_path).geometry.iloc[0],
        reference.load_barrier(barrier_path).geometry.iloc[0],
        reference.load_countries(countries_path),
        reference.load_world_countries(world_path),
        signature=_file_digest((border_path, barrier_path, countries_path, world_path)),
    )


@lru_cache(maxsize=1)
def bundled_zone() -> BorderZone:
    """The zone of the bundled reference data, read once per process."""
    return load_zone()


def _sides(zone: BorderZone, x: np.ndarray, y: np.ndarray, longitude: np.ndarray, latitude: np.ndarray) -> np.ndarray:
    sides = np.full(len(x), "", dtype=object)
    for name, polygon in zone.countries:
        unknown = np.flatnonzero(sides == "")
        sides[unknown[shapely.contains_xy(polygon, x[unknown], y[unknown])]] = name
    unknown = np.flatnonzero(sides == "")
    if unknown.size:
        world_names = np.array([name for name, _ in zone.world], dtype=object)
        found, country = shapely.STRtree([polygon for _, polygon in zone.world]).query(
            shapely.points(longitude[unknown], latitude[unknown]), predicate="within")
        sides[unknown[found]] = world_names[country]
    at_sea = np.flatnonzero(sides == "")
    if at_sea.size:
        # Near-coast zones first (prepared, so cheap), true distances only
        # where two countries' zones overlap.
        near = np.column_stack([shapely.contains_xy(coast, x[at_sea], y[at_sea]) for _, coast in zone.coasts])
        names = np.array([name for name, _ in zone.coasts], dtype=object)
        single = near.sum(axis=1) == 1
        sides[at_sea[single]] = names[near[single].argmax(axis=1)]
        several = np.flatnonzero(near.sum(axis=1) > 1)
        if several.size:
            points = shapely.points(x[at_sea[several]], y[at_sea[several]])
            distances = np.column_stack([shapely.distance(polygon, points) for _, polygon in zone.countries])
            distances[~near[several]] = np.inf
            sides[at_sea[several]] = names[distances.argmin(axis=1)]
    return sides


def measure(
    latitude: np.ndarray | pd.Series,
    longitude: np.ndarray | pd.Series,
    zone: BorderZone | None = None,
    metric_crs: str = config.METRIC_CRS,
) -> pd.DataFrame:
    """Measure points against the border and the barrier.

    Parameters
    ----------
    latitude, longitude : array-like of float
        Degrees (EPSG:4326).
    zone : BorderZone, optional
        Defaults to the bundled data (:func:`bundled_zone`).
    metric_crs : str
        The CRS the zone was built in.

    Returns
    -------
    pandas.DataFrame
        :data:`MEASURE_COLUMNS`, one row per point, in input order (default index).
    """
    zone = zone or bundled_zone()
    latitude = np.asarray(latitude, dtype=float)
    longitude = np.asarray(longitude, dtype=float)
    x, y = projection.transformer(config.GEOGRAPHIC_CRS, metric_crs).transform(longitude, latitude)
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    # Points the projection cannot place (the far side of the globe) get no distances.
    placed = np.isfinite(x) & np.isfinite(y)
    points = shapely.points(x[placed], y[placed])
    distances = {name: np.full(len(x), np.nan) for name in ("border", "barrier", "position")}
    distances["border"][placed] = shapely.distance(zone.border, points)
    distances["barrier"][placed] = shapely.distance(zone.barrier, points)
    distances["position"][placed] = shapely.line_locate_point(zone.border, points)
    return pd.DataFrame({
        "distance_border_km": distances["border"] / _METRES_PER_KM,
        "distance_barrier_km": distances["barrier"] / _METRES_PER_KM,
        "border_side": _sides(zone, x, y, longitude, latitude).astype(str),
        "between_barrier_and_border": shapely.contains_xy(zone.strip, x, y),
        "border_position_km": distances["position"] / _METRES_PER_KM,
    })
