"""The stored measures of :mod:`borderwatch.borderzone`, for any land border.

:func:`borderwatch.borderzone.measure` measures against the bundled
Tunisia–Libya line in one UTM zone; here every measure is geodesic
(:mod:`borderwatch.geodesy`), so that it holds on borders that cross many
UTM zones or lie near a pole. Columns and meanings are
:data:`borderwatch.borderzone.MEASURE_COLUMNS`:

``distance_border_km``
    Geodesic distance to the border's nearest point (all its parts).
``border_position_km``
    Position of that nearest point along the border: kilometres from the
    start of its longest part, the other parts laid end to end after it
    (the conventions of :mod:`borderwatch.geodesy`). For Tunisia–Libya the
    start is the coastal end, as in the store.
``border_side``
    Name of the country the point lies in: one of the border's two, a
    neighbour, or ``""`` at sea beyond :data:`borderwatch.config.SEA_SNAP_KM`
    of any country. Where the bundled detailed (1:10m) polygons cover the
    border (Tunisia–Libya, Algeria–Tunisia) they decide, as in the store;
    elsewhere the world's coarse (1:110m) polygons do, and within
    :data:`borderwatch.config.BORDER_SIDE_FROM_LINE_KM` of the border the
    side of the exact 1:10m line decides between its two countries.
``distance_barrier_km``, ``between_barrier_and_border``
    Against the border's barriers: the fences, walls, trenches and berms of
    its infrastructure (:mod:`borderwatch.infrastructure`: its bundled
    preset and what was imported for it). The distance is to the nearest
    barrier; a point is between a barrier and the border inside the area
    any barrier encloses with the stretch of border it follows. NaN and
    False for a border without barriers.

Build a :class:`PreparedBorder` once per border (:func:`prepared_border`
caches them), then measure any number of points in bulk: a million points
take seconds.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import LineString
from shapely.geometry.base import BaseGeometry

from borderwatch import config, projection, reference
from borderwatch.borders import Border, find_border
from borderwatch.borderzone import MEASURE_COLUMNS, strip_between
from borderwatch.errors import BarrierGeometryError
from borderwatch.geodesy import GeodesicLine, geodesic_line
from borderwatch.importers.infrastructure import load_preset
from borderwatch.infrastructure import barrier_lines

_METRES_PER_KM: Final[float] = 1_000.0
#: Kilometres per degree of latitude, only to bound the search for a coast near a point at sea.
_KM_PER_DEGREE: Final[float] = 111.32
#: Width (degrees of latitude) of the bands in which a coast is searched on a locally true-scaled plane.
_BAND_DEGREES: Final[float] = 0.5


class PreparedBorder:
    """One border with everything measuring needs, built once.

    Parameters
    ----------
    border : Border
        From :mod:`borderwatch.borders`.
    barriers : sequence of shapely LineString or MultiLineString, optional
        The border's barriers, lon/lat degrees (:func:`borderwatch.infrastructure.barrier_lines`);
        none for a border without one.
    """

    def __init__(self, border: Border, barriers: Sequence[BaseGeometry] = ()) -> None:
        self.border = border
        self.line: GeodesicLine = geodesic_line(border.geometry)
        parts = [part for barrier in barriers for part in shapely.get_parts(barrier) if not part.is_empty]
        #: Every barrier line as one geometry, or None.
        self.barrier: BaseGeometry | None = shapely.multilinestrings(parts) if parts else None
        self._barrier_line = None if self.barrier is None else geodesic_line(self.barrier)
        self.strip = _strips(border.geometry, parts)
        if self.strip is not None:
            shapely.prepare(self.strip)
        detailed = reference.load_countries()
        covered = {border.code_a, border.code_b} <= set(detailed["iso3"]) and shapely.contains(
            shapely.box(*detailed.total_bounds), border.geometry
        )
        #: Whether the bundled detailed polygons decide sides (else the world's coarse ones, and the line near it).
        self.detailed = bool(covered)
        countries = detailed if self.detailed else _world_countries()
        names = dict(zip(countries["iso3"], countries["name"], strict=True))
        names.update({border.code_a: border.name_a, border.code_b: border.name_b})
        own = countries["iso3"].isin([border.code_a, border.code_b]).to_numpy()
        # The border's own two countries first: most points lie in one of them.
        order = np.argsort(~own, kind="stable")
        polygons = countries.geometry.to_numpy()[order]
        labels = np.array([names[code] for code in countries["iso3"].to_numpy()[order]], dtype=object)
        shapely.prepare(polygons)
        # Tried one by one: the detailed region's few polygons, or the two coarse ones of the border's
        # countries; any other point is looked up in the world's tree.
        self._inside = tuple(zip(labels, polygons, strict=True))[: len(polygons) if self.detailed else int(own.sum())]
        # Coasts only for the search at sea: simplified, as the store's are, they are searched far faster.
        self._coasts = shapely.simplify(polygons, config.COAST_SIMPLIFY_TOLERANCE_M / (_KM_PER_DEGREE * _METRES_PER_KM))
        self._coast_names = labels
        self._polygons = polygons
        self._tree = shapely.STRtree(self._coasts)
        world = _world_countries()
        self._world_tree = shapely.STRtree(world.geometry.to_numpy())
        self._world_names = world["name"].to_numpy(object)

    def measure(self, latitude: np.ndarray | pd.Series, longitude: np.ndarray | pd.Series) -> pd.DataFrame:
        """Measure points against the border (and its barrier, if any).

        Parameters
        ----------
        latitude, longitude : array-like of float
            Degrees (EPSG:4326).

        Returns
        -------
        pandas.DataFrame
            :data:`borderwatch.borderzone.MEASURE_COLUMNS`, one row per point,
            in input order (default index). Points that cannot be measured
            (NaN coordinates) get NaN distances and positions and side ``""``.
        """
        lat = np.asarray(latitude, dtype=float).ravel()
        lon = np.asarray(longitude, dtype=float).ravel()
        measures = self.line.measure(lon, lat)
        barrier_km = (np.full(lon.size, np.nan) if self._barrier_line is None
                      else self._barrier_line.distance_km(lon, lat))
        between = np.zeros(lon.size, dtype=bool) if self.strip is None else shapely.contains_xy(self.strip, lon, lat)
        return pd.DataFrame({
            "distance_border_km": measures.distance_km,
            "distance_barrier_km": barrier_km,
            "border_side": self._sides(lon, lat, measures.distance_km, measures.side).astype(str),
            "between_barrier_and_border": between,
            "border_position_km": measures.position_km,
        }, columns=list(MEASURE_COLUMNS))

    def _sides(self, lon: np.ndarray, lat: np.ndarray, distance_km: np.ndarray, line_side: np.ndarray) -> np.ndarray:
        sides = np.full(lon.size, "", dtype=object)
        finite = np.isfinite(lon) & np.isfinite(lat)
        for name, polygon in self._inside:
            unknown = np.flatnonzero((sides == "") & finite)
            if unknown.size == 0:
                break
            sides[unknown[shapely.contains_xy(polygon, lon[unknown], lat[unknown])]] = name
        unknown = np.flatnonzero((sides == "") & finite)
        found, country = self._world_tree.query(shapely.points(lon[unknown], lat[unknown]), predicate="within")
        sides[unknown[found]] = self._world_names[country]
        if not self.detailed:
            # Near the line the coarse outlines are kilometres off; its side is exact.
            own = np.isin(sides, [self.border.name_a, self.border.name_b]) | (sides == "")
            near = np.flatnonzero(own & (distance_km <= config.BORDER_SIDE_FROM_LINE_KM) & (line_side != 0))
            sides[near] = np.where(line_side[near] > 0, self.border.name_a, self.border.name_b)
        at_sea = np.flatnonzero((sides == "") & finite)
        if at_sea.size:
            sides[at_sea] = self._nearest_coast(lon[at_sea], lat[at_sea])
        return sides

    def _nearest_coast(self, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        """Name of the nearest country within :data:`borderwatch.config.SEA_SNAP_KM` (geodesic), else ``""``."""
        points = shapely.points(lon, lat)
        # A degree of longitude is shorter than one of latitude: this bound reaches at least SEA_SNAP_KM.
        reach = config.SEA_SNAP_KM / (_KM_PER_DEGREE * np.cos(np.radians(min(np.abs(lat).max(), 89.0))))
        point, country = self._tree.query(points, predicate="dwithin", distance=reach)
        names = np.full(lon.size, "", dtype=object)
        if point.size == 0:
            return names
        metres = self._coast_metres(lon[point], lat[point], country)
        order = np.lexsort((metres, point))
        point, country, metres = point[order], country[order], metres[order]
        first = np.concatenate([[True], point[1:] != point[:-1]])
        nearest = first & (metres <= config.SEA_SNAP_KM * _METRES_PER_KM)
        names[point[nearest]] = self._coast_names[country[nearest]]
        return names

    def _coast_metres(self, lon: np.ndarray, lat: np.ndarray, country: np.ndarray) -> np.ndarray:
        """Geodesic distance from each point to its coast, that of ``country``.

        The nearest coast point is found with longitudes shrunk by the cosine
        of the point's latitude band (so that both degrees have about the same
        length there, as they do on the ground), then measured geodesically.
        """
        band = np.round(lat / _BAND_DEGREES).astype(np.int64)
        coast_lon, coast_lat = np.empty(lon.size), np.empty(lon.size)
        for key in np.unique(np.column_stack([band, country]), axis=0):
            rows = np.flatnonzero((band == key[0]) & (country == key[1]))
            shrink = np.cos(np.radians(key[0] * _BAND_DEGREES))
            coast = shapely.transform(self._polygons[key[1]], _shrunk_longitudes(shrink))
            lines = shapely.shortest_line(shapely.points(lon[rows] * shrink, lat[rows]), coast)
            ends = shapely.get_coordinates(lines).reshape(-1, 2, 2)[:, 1]
            coast_lon[rows], coast_lat[rows] = ends[:, 0] / shrink, ends[:, 1]
        _, _, metres = projection.geod().inv(lon, lat, coast_lon, coast_lat)
        return np.asarray(metres, dtype=float)


def _shrunk_longitudes(shrink: float) -> Callable[[np.ndarray], np.ndarray]:
    def transform(coordinates: np.ndarray) -> np.ndarray:
        return coordinates * np.array([shrink, 1.0])
    return transform


@lru_cache(maxsize=1)
def _world_countries() -> gpd.GeoDataFrame:
    world = reference.load_world_countries()
    return world[world.geometry.notna() & ~world.geometry.is_empty].reset_index(drop=True)


def _strips(border: BaseGeometry, barriers: Sequence[LineString]) -> BaseGeometry | None:
    """The areas the barriers enclose with the stretches of border they follow (None if none does).

    Each barrier follows the part of the border nearest to it. A barrier on the line itself or across
    it encloses no area, and one that follows no stretch of border (a loop round a compound, a spur
    away from the line: its ends project onto the border closer together than
    :data:`borderwatch.config.BARRIER_STRIP_MIN_STRETCH_SHARE` of its length) encloses none either.
    """
    parts = list(shapely.get_parts(border))
    strips = []
    for barrier in barriers:
        nearest = min(parts, key=lambda part: float(shapely.distance(part, barrier)))
        ends = [nearest.project(shapely.Point(point)) for point in (barrier.coords[0], barrier.coords[-1])]
        if abs(ends[1] - ends[0]) < config.BARRIER_STRIP_MIN_STRETCH_SHARE * barrier.length:
            continue
        try:
            strips.append(strip_between(nearest, barrier))
        except BarrierGeometryError:
            continue
    return shapely.union_all(strips) if strips else None


def _key_of(border: Border | str) -> str:
    return border.key if isinstance(border, Border) else find_border(border).key


def _preset_barriers(key: str) -> tuple[BaseGeometry, ...]:
    return tuple(barrier_lines(load_preset(key)))


@lru_cache(maxsize=8)
def _prepared(key: str, barriers: tuple[bytes, ...]) -> PreparedBorder:
    return PreparedBorder(find_border(key), list(shapely.from_wkb(list(barriers))) if barriers else ())


def prepared_border(border: Border | str, barriers: Sequence[BaseGeometry] | None = None) -> PreparedBorder:
    """The :class:`PreparedBorder` of a border (or of its codes, e.g. ``"TUN-LBY"``), built once per process.

    Parameters
    ----------
    border : Border or str
    barriers : sequence of shapely geometry, optional
        The border's barrier lines (lon/lat). By default its bundled
        preset's; the app passes those of its stored infrastructure too.

    Raises
    ------
    borderwatch.borders.BorderLookupError
        If the codes name no land border.
    """
    key = _key_of(border)
    lines = _preset_barriers(key) if barriers is None else tuple(barriers)
    return _prepared(key, tuple(shapely.to_wkb(line) for line in lines))


def measure_border(
    latitude: np.ndarray | pd.Series, longitude: np.ndarray | pd.Series, border: Border | str,
    barriers: Sequence[BaseGeometry] | None = None,
) -> pd.DataFrame:
    """Measure points against any land border; see :meth:`PreparedBorder.measure`.

    Parameters
    ----------
    latitude, longitude : array-like of float
        Degrees (EPSG:4326).
    border : Border or str
        The border, or its two codes in either order (``"DZA-MAR"``).
    barriers : sequence of shapely geometry, optional
        Its barrier lines; by default its bundled preset's.

    Returns
    -------
    pandas.DataFrame
        :data:`borderwatch.borderzone.MEASURE_COLUMNS`, one row per point.
    """
    return prepared_border(border, barriers).measure(latitude, longitude)


def with_border_measures(
    incidents: pd.DataFrame, border: Border | str, barriers: Sequence[BaseGeometry] | None = None
) -> pd.DataFrame:
    """The incidents with their measure columns taken against another border.

    Parameters
    ----------
    incidents : pandas.DataFrame
        With ``latitude`` and ``longitude`` (degrees); any measure columns
        it has are replaced, the others kept in place.
    border : Border or str
        The border, or its two codes.
    barriers : sequence of shapely geometry, optional
        Its barrier lines; by default its bundled preset's.

    Returns
    -------
    pandas.DataFrame
        A copy, same index and row order.
    """
    measured = measure_border(incidents["latitude"], incidents["longitude"], border, barriers)
    result = incidents.copy()
    for column in MEASURE_COLUMNS:
        result[column] = measured[column].to_numpy()
    return result


def measure_signature(border: Border | str, barriers: Sequence[BaseGeometry] | None = None) -> str:
    """What the measures of a border depend on, as a short digest.

    The store keeps it with a border's stored measures
    (:meth:`~borderwatch.store.IncidentStore.measure_border`) and measures
    every incident again when it changes: another line, other barriers
    (``barriers`` as for :func:`prepared_border`), other country outlines,
    or another setting of the measure.
    """
    key = _key_of(border)
    lines = _preset_barriers(key) if barriers is None else tuple(barriers)
    return _signature(key, tuple(shapely.to_wkb(line) for line in lines))


@lru_cache(maxsize=64)
def _signature(key: str, barriers: tuple[bytes, ...]) -> str:
    chosen = find_border(key)
    digest = hashlib.sha256(shapely.to_wkb(chosen.geometry))
    for barrier in barriers:
        digest.update(barrier)
    for path in (config.COUNTRIES_PATH, config.WORLD_COUNTRIES_PATH):
        digest.update(path.read_bytes())
    settings = (config.SEA_SNAP_KM, config.BORDER_SIDE_FROM_LINE_KM, config.GEODESY_FRAME_RADIUS_KM,
                config.GEODESY_ELLIPSOID)
    digest.update(repr(settings).encode())
    return digest.hexdigest()[:16]
