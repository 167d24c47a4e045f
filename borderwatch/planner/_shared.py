"""What the planner's parts share: the plan, its validation, and intervals along the line."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final, Literal, TypeGuard, TypeVar

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry import LineString

from borderwatch import config, projection
from borderwatch.errors import DataValidationError

#: What every plan takes for granted; the page prints these beside the results.
ASSUMPTIONS: Final[tuple[str, ...]] = (
    "Flat terrain: no line-of-sight limits and no terrain masking.",
    "Each sensor sees a full circle of radius R around it.",
    "Sensors sit on the line.",
    "Detection is certain within range and nil beyond it.",
    "Incidents are past events at their recorded coordinates; their location precision is "
    "ignored unless the incidents were filtered by it beforehand.",
    f"Distances are straight lines measured in the metric CRS {config.METRIC_CRS} (UTM zone 32N).",
)



def assumptions_for(metric_crs: str) -> tuple[str, ...]:
    """The :data:`ASSUMPTIONS` of a plan measured in ``metric_crs``.

    Parameters
    ----------
    metric_crs : str
        The plan's metric CRS: :data:`borderwatch.config.METRIC_CRS`, or a plane
        centred on another border's stretch (:func:`borderwatch.geodesy.centred_plane`).

    Returns
    -------
    tuple of str
        :data:`ASSUMPTIONS`, the last one naming the plane the distances are measured in.
    """
    if metric_crs == config.METRIC_CRS:
        return ASSUMPTIONS
    return (*ASSUMPTIONS[:-1], "Distances are straight lines measured in a conformal plane centred on the "
            f"middle of the line ({metric_crs}): within 1 % up to 1,250 km from that point.")


#: Ways of placing sensors a plan can record.
METHODS: Final[tuple[str, ...]] = ("even", "greedy")
Method = Literal["even", "greedy"]
#: Each way in a few words, for tables and file names.
METHOD_NAMES: Final[dict[str, str]] = {"even": "evenly spaced", "greedy": "optimised"}

METRES_PER_KM: Final[float] = 1_000.0

# Interval ends closer than this (metres) are one point: floating-point noise,
# not a gap. It also lets a caller pass the line's length rounded to a millimetre.
TOLERANCE_M: Final[float] = 1e-3

_Checked = TypeVar("_Checked")

# Source named in validation errors.
ERROR_SOURCE: Final[str] = "surveillance planner"


@dataclass(frozen=True, eq=False)
class Plan:
    """Sensors placed along a line, and what they cover.

    Built by :func:`evaluate`; every length is in km along or on the line,
    measured in :attr:`metric_crs`.

    Attributes
    ----------
    name : str
        Label of the plan (free text: escape it before showing it as HTML).
    method : {"even", "greedy"}
        How the positions were chosen.
    range_km : float
        Range of every sensor.
    line : shapely.LineString
        The line the sensors sit on, EPSG:4326.
    sensors : geopandas.GeoDataFrame
        One row per sensor, ordered along the line: ``sensor`` (1, 2, ...),
        ``position_km`` along the line, ``incidents_in_range`` (incidents
        within range of this sensor, whether or not another also sees them),
        point geometry in EPSG:4326.
    line_km, covered_km : float
        Length of the line, and of its part within range of a sensor.
    covered_share : float
        ``covered_km / line_km``, from 0 to 1.
    gaps : geopandas.GeoDataFrame
        The uncovered stretches, ordered along the line: ``gap`` (1, 2, ...),
        ``start_km``, ``end_km``, ``length_km``, LineString geometry in EPSG:4326.
    incidents_covered, incidents_outside : int
        Incidents within range of at least one sensor, and the rest.
    covered_ids : tuple of str
        Ids of the covered incidents, in the order of the incident table.
    metric_crs : str
        CRS the distances were measured in.
    line_name : str
        What the line is, for people and file names, e.g. ``"Barrier"`` or
        ``"Border km 0–100"``.

    Plans compare by identity: their tables have no single truth value.
    """

    name: str
    method: Method
    range_km: float
    line: LineString
    sensors: gpd.GeoDataFrame
    line_km: float
    covered_km: float
    covered_share: float
    gaps: gpd.GeoDataFrame
    incidents_covered: int
    incidents_outside: int
    covered_ids: tuple[str, ...]
    metric_crs: str = config.METRIC_CRS
    line_name: str = "Line"

    @property
    def longest_gap_km(self) -> float:
        """Length of the longest uncovered stretch, 0.0 when the line is fully covered."""
        return float(self.gaps["length_km"].max()) if len(self.gaps) else 0.0


# --- Projection and validation ---------------------------------------------


def is_number(value: object) -> TypeGuard[float | np.integer | np.floating]:
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, (bool, np.bool_))


def is_finite_number(value: object) -> TypeGuard[float | np.integer | np.floating]:
    return is_number(value) and math.isfinite(float(value))


def metric_line(line: object, metric_crs: str, problems: list[str]) -> LineString | None:
    """Project ``line`` to ``metric_crs``, or note why it cannot be planned on."""
    if not isinstance(line, LineString) or line.is_empty:
        problems.append(f"line must be a non-empty LineString in EPSG:4326, got {type(line).__name__}")
        return None
    metric = projection.reproject(line, config.GEOGRAPHIC_CRS, metric_crs)
    # Points outside the CRS's domain (e.g. metres passed as degrees) come back as inf.
    if not np.isfinite(shapely.get_coordinates(metric)).all():
        problems.append(f"line cannot be projected to {metric_crs}: are its coordinates lon/lat degrees?")
        return None
    if metric.length <= 0:
        problems.append("line length must be > 0 km, got 0 km")
        return None
    return metric


def count_problems(count: object) -> list[str]:
    if (
        isinstance(count, (int, np.integer)) and not isinstance(count, (bool, np.bool_))
        and 1 <= count <= config.PLANNER_MAX_SENSORS
    ):
        return []
    return [f"count must be a whole number of sensors from 1 to {config.PLANNER_MAX_SENSORS}, got {count!r}"]


def range_problems(range_km: object) -> list[str]:
    if is_finite_number(range_km) and range_km > 0:
        return []
    return [f"range_km must be a finite number of km > 0, got {range_km!r}"]


def incident_problems(incidents: object, *, need_ids: bool) -> list[str]:
    if not isinstance(incidents, gpd.GeoDataFrame):
        return [f"incidents must be a GeoDataFrame, got {type(incidents).__name__}"]
    problems = []
    if incidents.crs is None:
        problems.append("incidents have no CRS: set one (EPSG:4326) before planning")
    if need_ids and "id" not in incidents.columns:
        problems.append("incidents lack the column 'id'")
    return problems


def raise_if_any(problems: list[str]) -> None:
    if problems:
        raise DataValidationError(ERROR_SOURCE, problems)


def vouched(problems: list[str], value: _Checked | None) -> _Checked:
    """Raise once listing every problem; else the value the checks produced.

    A check that leaves ``value`` None also notes a problem, so None is never returned.
    """
    raise_if_any(problems)
    if value is None:
        raise DataValidationError(ERROR_SOURCE, ["an input failed a check that noted no problem"])
    return value


def incident_points(incidents: gpd.GeoDataFrame, metric_crs: str) -> np.ndarray:
    return incidents.geometry.to_crs(metric_crs).to_numpy()


# --- Intervals along the line ----------------------------------------------


def reach_intervals(
    line_m: LineString, centres: np.ndarray, radius_m: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return the stretches of ``line_m`` within ``radius_m`` of each centre.

    One interval per (centre, segment) pair that meets: ``owner`` (index of
    the centre), ``start`` and ``end`` in metres along the line. A point
    ``a + t d`` of a segment is in range when ``|a + t d - c|^2 <= r^2``, a
    quadratic in ``t``: exact, and right also where the line bends back
    into a disc.
    """
    coords = shapely.get_coordinates(line_m)
    step = np.diff(coords, axis=0)
    seg_len = np.hypot(step[:, 0], step[:, 1])
    seg_start = np.concatenate(([0.0], np.cumsum(seg_len)[:-1]))
    real = np.flatnonzero(seg_len > 0)  # repeated vertices make zero-length segments
    segments = np.asarray(shapely.linestrings(np.stack([coords[:-1][real], coords[1:][real]], axis=1)))
    owner, hit = shapely.STRtree(segments).query(centres, predicate="dwithin", distance=radius_m)
    segment = real[hit]
    centre_xy = shapely.get_coordinates(centres)[owner]
    offset = coords[:-1][segment] - centre_xy
    direction = step[segment]
    dd = seg_len[segment] ** 2
    fd = (offset * direction).sum(axis=1)
    discriminant = fd**2 - dd * ((offset * offset).sum(axis=1) - radius_m**2)
    root = np.sqrt(np.maximum(discriminant, 0.0))
    t0 = np.clip((-fd - root) / dd, 0.0, 1.0)
    t1 = np.clip((-fd + root) / dd, 0.0, 1.0)
    keep = t1 > t0
    return (
        owner[keep],
        (seg_start[segment] + t0 * seg_len[segment])[keep],
        (seg_start[segment] + t1 * seg_len[segment])[keep],
    )


def merge(starts: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Union of intervals as sorted, disjoint intervals (touching ones joined)."""
    if starts.size == 0:
        return starts, ends
    order = np.argsort(starts, kind="stable")
    starts, ends = starts[order], ends[order]
    reach = np.maximum.accumulate(ends)
    first = np.flatnonzero(np.concatenate(([True], starts[1:] > reach[:-1] + TOLERANCE_M)))
    return starts[first], np.maximum.reduceat(ends, first)


def complement(starts: np.ndarray, ends: np.ndarray, length: float) -> tuple[np.ndarray, np.ndarray]:
    """The parts of [0, length] outside the sorted, disjoint intervals."""
    gap_starts = np.concatenate(([0.0], ends))
    gap_ends = np.concatenate((starts, [length]))
    keep = gap_ends - gap_starts > TOLERANCE_M
    return gap_starts[keep], gap_ends[keep]


def _covered_upto(x: np.ndarray, starts: np.ndarray, ends: np.ndarray, cumulative: np.ndarray) -> np.ndarray:
    """Length of the sorted, disjoint intervals lying before each ``x``."""
    after = np.searchsorted(starts, x, side="right")  # intervals starting at or before x
    last = np.maximum(after - 1, 0)
    part = np.clip(x - starts[last], 0.0, ends[last] - starts[last])
    return np.where(after > 0, cumulative[last] + part, 0.0)


def covered_between(
    lows: np.ndarray, highs: np.ndarray, starts: np.ndarray, ends: np.ndarray
) -> np.ndarray:
    """Length of the sorted, disjoint intervals inside each [low, high]."""
    if starts.size == 0:
        return np.zeros_like(lows)
    cumulative = np.concatenate(([0.0], np.cumsum(ends - starts)))
    return _covered_upto(highs, starts, ends, cumulative) - _covered_upto(lows, starts, ends, cumulative)


