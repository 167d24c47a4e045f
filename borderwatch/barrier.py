"""Geometry of the trench-and-berm barrier along the Tunisia–Libya border.

No public dataset gives the barrier's path. What is reported is that it runs
about 2 km inside Tunisia from the coast (Ras Ajdir) to Dehiba, so the
alignment is derived from the border line: the stretch from its coastal end
to the point nearest Dehiba, offset into Tunisia. The result is approximate
and must be labelled so wherever it is shown.

All functions take and return shapely geometries in EPSG:4326 (lon, lat);
lengths and offsets are computed in a metric CRS.
"""

from __future__ import annotations

import math
from typing import cast

import numpy as np
import shapely
from shapely.geometry import LineString, MultiLineString, MultiPolygon, Point, Polygon
from shapely.geometry.base import BaseGeometry
from shapely.ops import substring

from borderwatch import config, projection
from borderwatch.errors import BarrierGeometryError
from borderwatch.projection import GeometryT


def _reproject(geometry: GeometryT, source_crs: str, target_crs: str) -> GeometryT:
    result = projection.reproject(geometry, source_crs, target_crs)
    # Points outside the CRS's domain (e.g. metres passed as degrees) come back as inf.
    if not np.isfinite(shapely.get_coordinates(result)).all():
        raise BarrierGeometryError(
            f"coordinates cannot be projected from {source_crs} to {target_crs}; "
            "are the inputs lon/lat degrees?"
        )
    return result


def length_km(line: LineString | MultiLineString, metric_crs: str = config.METRIC_CRS) -> float:
    """Measure a line given in EPSG:4326, in kilometres.

    Parameters
    ----------
    line : shapely.LineString or shapely.MultiLineString
        Line in EPSG:4326 (lon, lat).
    metric_crs : str
        Projected CRS with metre units in which the length is measured.

    Returns
    -------
    float
        Length in kilometres; 0.0 for an empty line.
    """
    if line.is_empty:
        return 0.0
    return _reproject(line, config.GEOGRAPHIC_CRS, metric_crs).length / 1000.0


def _check_inputs(
    border: LineString, tunisia: Polygon | MultiPolygon, southern_end: Point, offset_m: float
) -> None:
    if not isinstance(border, LineString) or border.is_empty or border.length == 0:
        raise BarrierGeometryError(f"border must be a non-empty LineString, got {border.wkt[:80]}")
    if not isinstance(tunisia, (Polygon, MultiPolygon)) or tunisia.is_empty:
        raise BarrierGeometryError(
            f"tunisia must be a non-empty Polygon or MultiPolygon, got {tunisia.wkt[:80]}"
        )
    if not isinstance(southern_end, Point) or southern_end.is_empty:
        raise BarrierGeometryError(f"southern_end must be a non-empty Point, got {southern_end.wkt[:80]}")
    if not (math.isfinite(offset_m) and offset_m > 0):
        raise BarrierGeometryError(f"offset_m must be a finite distance > 0, got {offset_m!r}")


def _share_inside(candidate: BaseGeometry, country: BaseGeometry) -> float:
    if candidate.is_empty or candidate.length == 0:
        return 0.0
    return candidate.intersection(country).length / candidate.length


def _single_line(offset: BaseGeometry, source: LineString) -> LineString:
    """Clean an offset curve into one simple LineString running like ``source``."""
    # GEOS may split the curve at a join into touching pieces; merging rejoins them.
    if isinstance(offset, MultiLineString):
        offset = shapely.line_merge(offset)
    if not isinstance(offset, LineString):
        raise BarrierGeometryError(
            f"the offset curve falls apart into {shapely.get_num_geometries(offset)} disconnected pieces: "
            "the border is too convoluted for this offset"
        )
    offset = shapely.remove_repeated_points(offset, tolerance=config.BARRIER_REPEATED_POINT_TOLERANCE_M)
    # GEOS before 3.11 reverses right-hand offsets; keep the source's direction.
    start, end = Point(offset.coords[0]), Point(offset.coords[-1])
    source_start = Point(source.coords[0])
    if end.distance(source_start) < start.distance(source_start):
        offset = offset.reverse()
    if not offset.is_simple:
        raise BarrierGeometryError("the offset curve crosses itself")
    return offset


def derive_barrier_alignment(
    border: LineString,
    tunisia: Polygon | MultiPolygon,
    southern_end: Point,
    offset_m: float = config.BARRIER_OFFSET_M,
    metric_crs: str = config.METRIC_CRS,
) -> LineString:
    """Derive the approximate barrier path: a stretch of border offset inland.

    Parameters
    ----------
    border : shapely.LineString
        Border line in EPSG:4326, starting at its coastal end.
    tunisia : shapely.Polygon or shapely.MultiPolygon
        The country the barrier lies in, EPSG:4326. The offset goes to the
        side of the border whose offset lies (mostly) inside it.
    southern_end : shapely.Point
        Place (lon, lat) where the barrier ends; the border is cut at the
        point on it nearest this place.
    offset_m : float
        How far from the border the barrier runs, in metres.
    metric_crs : str
        Projected CRS with metre units in which the offset is computed.

    Returns
    -------
    shapely.LineString
        One simple line in EPSG:4326, running from the coastal end south.

    Raises
    ------
    borderwatch.errors.BarrierGeometryError
        A :class:`~borderwatch.errors.ReferenceDataError`, so a
        ``ValueError``, when an input is empty or of the wrong type, cannot
        be projected, when ``southern_end`` is nearest the border's start,
        when neither side (or both) of the border lies in ``tunisia``, or
        when the offset cannot be made into one simple line.
    """
    _check_inputs(border, tunisia, southern_end, offset_m)
    border_m = _reproject(border, config.GEOGRAPHIC_CRS, metric_crs)
    country_m = _reproject(tunisia, config.GEOGRAPHIC_CRS, metric_crs)
    end_m = _reproject(southern_end, config.GEOGRAPHIC_CRS, metric_crs)

    cut_m = border_m.project(end_m)
    if cut_m <= 0:
        raise BarrierGeometryError("southern_end is nearest the border's start: nothing to offset")
    # cut_m > 0: the stretch is a line, not a point.
    stretch = cast(LineString, substring(border_m, 0.0, cut_m))

    # Positive distances offset to the left of the line's direction, negative to the right.
    candidates = [stretch.offset_curve(side * offset_m) for side in (1.0, -1.0)]
    shares = [_share_inside(candidate, country_m) for candidate in candidates]
    inside = [share > config.BARRIER_INSIDE_SHARE for share in shares]
    if inside.count(True) != 1:
        raise BarrierGeometryError(
            "cannot tell which side of the border lies in the country: share of each offset inside it "
            f"is left {shares[0]:.2f}, right {shares[1]:.2f}"
        )
    barrier_m = _single_line(candidates[inside.index(True)], stretch)
    return _reproject(barrier_m, metric_crs, config.GEOGRAPHIC_CRS)
