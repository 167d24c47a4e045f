"""Surveillance planner: place sensors along a line and measure what they cover.

In February 2016 Tunisia announced electronic surveillance (cameras,
radars) along its barrier, with US and German help. This module places
sensors of a given range along a line (the barrier, or a stretch of the
border) and reports how much of the line and how many past incidents lie
within their range. It is a what-if calculator under :data:`ASSUMPTIONS`,
not a model of any deployed system.

Positions along a line are km from its first vertex (the coastal end of the
bundled border and barrier), measured in the metric CRS. Geometry comes in
and goes out in EPSG:4326.

Coverage of the line is computed exactly: for each sensor and each segment
of the line, the part of the segment within the range is the solution of a
quadratic, so no disc is approximated by a polygon. Polygons appear only in
the GeoJSON export (see :func:`plan_geojson`).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, Literal

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely
from shapely.geometry import LineString, mapping
from shapely.geometry.base import BaseGeometry
from shapely.ops import substring

from borderwatch import config, projection
from borderwatch.errors import DataValidationError
from borderwatch.export import neutralise_cell

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

#: Ways of placing sensors a plan can record.
METHODS: Final[tuple[str, ...]] = ("even", "greedy")
Method = Literal["even", "greedy"]
#: Each way in a few words, for tables and file names.
METHOD_NAMES: Final[dict[str, str]] = {"even": "evenly spaced", "greedy": "optimised"}

#: Most sensors in one plan: several times what full coverage of the whole
#: border needs at a realistic range, and it bounds the greedy's cost.
MAX_SENSORS: Final[int] = 500

#: Most candidate positions the greedy placement weighs (e.g. 0.1 km steps
#: along the whole 449.6 km border); more would only cost memory and time.
MAX_CANDIDATES: Final[int] = 5_000

#: Segments per quarter circle of the coverage discs in the GeoJSON export.
#: The 256-gon is inscribed in the circle, so its radius falls short by at
#: most R (1 - cos(pi / 256)), about 0.0075 % of R (0.75 m at 10 km).
COVERAGE_QUAD_SEGS: Final[int] = 64

_METRES_PER_KM: Final[float] = 1_000.0

# Interval ends closer than this (metres) are one point: floating-point noise,
# not a gap. It also lets a caller pass the line's length rounded to a millimetre.
_TOLERANCE_M: Final[float] = 1e-3

# Source named in validation errors.
_SOURCE: Final[str] = "surveillance planner"


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


def _reproject(geometry: BaseGeometry, source_crs: str, target_crs: str) -> BaseGeometry:
    return shapely.transform(geometry, projection.transformer(source_crs, target_crs).transform, interleaved=False)


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, (bool, np.bool_))


def _finite(value: object) -> bool:
    return _is_number(value) and math.isfinite(float(value))


def _metric_line(line: object, metric_crs: str, problems: list[str]) -> LineString | None:
    """Project ``line`` to ``metric_crs``, or note why it cannot be planned on."""
    if not isinstance(line, LineString) or line.is_empty:
        problems.append(f"line must be a non-empty LineString in EPSG:4326, got {type(line).__name__}")
        return None
    metric = _reproject(line, config.GEOGRAPHIC_CRS, metric_crs)
    # Points outside the CRS's domain (e.g. metres passed as degrees) come back as inf.
    if not np.isfinite(shapely.get_coordinates(metric)).all():
        problems.append(f"line cannot be projected to {metric_crs}: are its coordinates lon/lat degrees?")
        return None
    if metric.length <= 0:
        problems.append("line length must be > 0 km, got 0 km")
        return None
    return metric


def _count_problems(count: object) -> list[str]:
    if isinstance(count, (int, np.integer)) and not isinstance(count, (bool, np.bool_)) and 1 <= count <= MAX_SENSORS:
        return []
    return [f"count must be a whole number of sensors from 1 to {MAX_SENSORS}, got {count!r}"]


def _range_problems(range_km: object) -> list[str]:
    if _finite(range_km) and range_km > 0:
        return []
    return [f"range_km must be a finite number of km > 0, got {range_km!r}"]


def _incident_problems(incidents: object, *, need_ids: bool) -> list[str]:
    if not isinstance(incidents, gpd.GeoDataFrame):
        return [f"incidents must be a GeoDataFrame, got {type(incidents).__name__}"]
    problems = []
    if incidents.crs is None:
        problems.append("incidents have no CRS: set one (EPSG:4326) before planning")
    if need_ids and "id" not in incidents.columns:
        problems.append("incidents lack the column 'id'")
    return problems


def _raise_if_any(problems: list[str]) -> None:
    if problems:
        raise DataValidationError(_SOURCE, problems)


def _incident_points(incidents: gpd.GeoDataFrame, metric_crs: str) -> np.ndarray:
    return incidents.geometry.to_crs(metric_crs).to_numpy()


# --- Intervals along the line ----------------------------------------------


def _reach_intervals(
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
    segments = shapely.linestrings(np.stack([coords[:-1][real], coords[1:][real]], axis=1))
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


def _merge(starts: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Union of intervals as sorted, disjoint intervals (touching ones joined)."""
    if starts.size == 0:
        return starts, ends
    order = np.argsort(starts, kind="stable")
    starts, ends = starts[order], ends[order]
    reach = np.maximum.accumulate(ends)
    first = np.flatnonzero(np.concatenate(([True], starts[1:] > reach[:-1] + _TOLERANCE_M)))
    return starts[first], np.maximum.reduceat(ends, first)


def _complement(starts: np.ndarray, ends: np.ndarray, length: float) -> tuple[np.ndarray, np.ndarray]:
    """The parts of [0, length] outside the sorted, disjoint intervals."""
    gap_starts = np.concatenate(([0.0], ends))
    gap_ends = np.concatenate((starts, [length]))
    keep = gap_ends - gap_starts > _TOLERANCE_M
    return gap_starts[keep], gap_ends[keep]


def _covered_upto(x: np.ndarray, starts: np.ndarray, ends: np.ndarray, cumulative: np.ndarray) -> np.ndarray:
    """Length of the sorted, disjoint intervals lying before each ``x``."""
    after = np.searchsorted(starts, x, side="right")  # intervals starting at or before x
    last = np.maximum(after - 1, 0)
    part = np.clip(x - starts[last], 0.0, ends[last] - starts[last])
    return np.where(after > 0, cumulative[last] + part, 0.0)


def _covered_between(
    lows: np.ndarray, highs: np.ndarray, starts: np.ndarray, ends: np.ndarray
) -> np.ndarray:
    """Length of the sorted, disjoint intervals inside each [low, high]."""
    if starts.size == 0:
        return np.zeros_like(lows)
    cumulative = np.concatenate(([0.0], np.cumsum(ends - starts)))
    return _covered_upto(highs, starts, ends, cumulative) - _covered_upto(lows, starts, ends, cumulative)


# --- Placement --------------------------------------------------------------


def line_stretch(
    line: LineString, start_km: float, end_km: float, metric_crs: str = config.METRIC_CRS
) -> LineString:
    """Cut the part of a line between two positions measured along it.

    Parameters
    ----------
    line : shapely.LineString
        Line in EPSG:4326, e.g. the border from its coastal end.
    start_km, end_km : float
        Positions along the line, km from its first vertex, with
        ``0 <= start_km < end_km <= length``. An ``end_km`` up to 1 mm past
        the end (a rounded length) is taken as the end.
    metric_crs : str
        Projected CRS in metres in which positions are measured.

    Returns
    -------
    shapely.LineString
        The stretch in EPSG:4326, running the same way as ``line``.

    Raises
    ------
    borderwatch.errors.DataValidationError
        A ``ValueError`` listing every bad value, with the line's length.
    """
    problems: list[str] = []
    line_m = _metric_line(line, metric_crs, problems)
    for label, value in (("start_km", start_km), ("end_km", end_km)):
        if not _finite(value):
            problems.append(f"{label} must be a finite number of km, got {value!r}")
    if line_m is not None and not problems:
        length_km = line_m.length / _METRES_PER_KM
        if start_km < 0 or start_km >= length_km:
            problems.append(f"start_km {start_km!r} is outside the line, which runs from 0 to {length_km:.3f} km")
        if end_km <= 0 or end_km * _METRES_PER_KM > line_m.length + _TOLERANCE_M:
            problems.append(f"end_km {end_km!r} is outside the line, which runs from 0 to {length_km:.3f} km")
        if start_km >= end_km:
            problems.append(f"start_km {start_km!r} must be less than end_km {end_km!r} (line {length_km:.3f} km)")
    _raise_if_any(problems)
    stretch = substring(line_m, start_km * _METRES_PER_KM, min(end_km * _METRES_PER_KM, line_m.length))
    return _reproject(stretch, metric_crs, config.GEOGRAPHIC_CRS)


def incidents_near(
    line: LineString, incidents: gpd.GeoDataFrame, within_km: float, metric_crs: str = config.METRIC_CRS
) -> gpd.GeoDataFrame:
    """The incidents at most ``within_km`` from a line: those a plan for it is judged by.

    Parameters
    ----------
    line : shapely.LineString
        In EPSG:4326.
    incidents : geopandas.GeoDataFrame
        With a CRS; not changed.
    within_km : float
        Distance from the line, >= 0.
    metric_crs : str
        Projected CRS in metres.

    Returns
    -------
    geopandas.GeoDataFrame
        The rows of ``incidents`` that qualify, in their order.
    """
    if not (_finite(within_km) and within_km >= 0):
        raise DataValidationError(_SOURCE, [f"within_km must be a number >= 0, not {within_km!r}"])
    metric = _reproject(line, config.GEOGRAPHIC_CRS, metric_crs)
    distances = incidents.geometry.to_crs(metric_crs).distance(metric)
    return incidents[(distances <= within_km * _METRES_PER_KM).to_numpy()]


def place_even(
    line: LineString, count: int, range_km: float, metric_crs: str = config.METRIC_CRS
) -> np.ndarray:
    """Place sensors at the midpoints of equal parts of the line.

    Sensor ``i`` (from 0) sits at ``(i + 0.5) * L / count`` km. The line is
    fully covered when ``range_km >= L / (2 * count)`` (on a line that bends
    back, sooner).

    Parameters
    ----------
    line : shapely.LineString
        Line in EPSG:4326.
    count : int
        Number of sensors, 1 to :data:`MAX_SENSORS`.
    range_km : float
        Sensor range; it does not move the sensors, and is checked so that
        this function and :func:`place_greedy` take the same inputs.
    metric_crs : str
        Projected CRS in metres in which the line is measured.

    Returns
    -------
    numpy.ndarray
        ``count`` positions in km along the line, increasing.

    Raises
    ------
    borderwatch.errors.DataValidationError
        Listing every bad input.
    """
    problems: list[str] = []
    line_m = _metric_line(line, metric_crs, problems)
    problems += _count_problems(count) + _range_problems(range_km)
    _raise_if_any(problems)
    return (np.arange(count) + 0.5) * (line_m.length / _METRES_PER_KM) / count


def candidate_positions(length_km: float, step_km: float) -> np.ndarray:
    """Positions the greedy placement chooses from: every ``step_km``, both ends included.

    Parameters
    ----------
    length_km : float
        Length of the line.
    step_km : float
        Spacing; the last step is shorter when it does not divide the length.

    Returns
    -------
    numpy.ndarray
        Increasing positions in km, from 0 to ``length_km``.

    Raises
    ------
    borderwatch.errors.DataValidationError
        When either value is not a finite number of km > 0.
    """
    _raise_if_any([
        f"{label} must be a finite number of km > 0, got {value!r}"
        for label, value in (("length_km", length_km), ("step_km", step_km))
        if not (_finite(value) and value > 0)
    ])
    steps = math.ceil(length_km / step_km - 1e-9)  # 100 km in 1 km steps is 100 steps, not 101
    return np.minimum(np.arange(steps + 1) * step_km, length_km)


def line_length_km(line: LineString, metric_crs: str = config.METRIC_CRS) -> float:
    """Length of a line in km, measured in the metric CRS.

    Parameters
    ----------
    line : shapely.LineString
        In EPSG:4326.
    metric_crs : str
        Projected CRS in metres.

    Returns
    -------
    float

    Raises
    ------
    borderwatch.errors.DataValidationError
        When the line is not a non-empty LineString in degrees.
    """
    problems: list[str] = []
    line_m = _metric_line(line, metric_crs, problems)
    _raise_if_any(problems)
    return line_m.length / _METRES_PER_KM


def most_sensors(length_km: float, step_km: float = config.PLANNER_CANDIDATE_STEP_KM) -> int:
    """The most sensors a plan on a line of this length can use: one per candidate position.

    Sensors every ``step_km`` cover the whole line at any range of at least
    ``step_km / 2``, so more would add nothing, and :func:`place_greedy`
    has no further candidate to put them on.

    Parameters
    ----------
    length_km, step_km : float
        Length of the line and spacing of the candidates, both > 0.

    Returns
    -------
    int
        The number of :func:`candidate_positions`, at most :data:`MAX_SENSORS`.
    """
    return min(MAX_SENSORS, candidate_positions(length_km, step_km).size)


def place_greedy(
    line: LineString,
    count: int,
    range_km: float,
    incidents: gpd.GeoDataFrame,
    step_km: float = config.PLANNER_CANDIDATE_STEP_KM,
    metric_crs: str = config.METRIC_CRS,
) -> np.ndarray:
    """Place sensors to cover as many past incidents as possible, then as much of the line as possible.

    First the incidents, by greedy maximum coverage of the number of
    incidents within range of at least one sensor (straight-line metric
    distance <= ``range_km``); not deaths. Candidates lie every ``step_km``
    along the line (see :func:`candidate_positions`), each used at most
    once. Each round takes the candidate that covers the most incidents not
    yet covered; ties go to the one adding the most line not yet covered,
    then to the smaller position. This stops when no candidate adds an
    incident (at once when no incident lies within range of the line).

    The remaining sensors then go where they cover the most of the line
    still uncovered. Two ways of filling are measured exactly and the one
    covering more is kept (on a tie, the first):

    - *spread over the gaps*: each sensor in turn joins the gap where it
      adds the most line, counting a gap of length ``g`` holding ``j``
      sensors as covered over ``min(g, 2 j range_km)`` (exact on a straight
      line); ties go to the gap where the sensors would stand furthest
      apart, then to the first along the line. Each gap's sensors stand at
      the midpoints of its ``j`` equal parts. With no sensor placed for
      incidents this is :func:`place_even`, so a plan that finds no
      incident never covers less of the line than evenly spaced sensors.
    - *one at a time*: each at the candidate adding the most uncovered
      line (ties: the smaller position); it can gain where the line bends.

    Greedy maximum coverage covers at least (1 - 1/e), about 63 %, of the
    incidents the best choice of candidates would cover. With ties broken
    as above, the sensors placed for incidents with ``k`` sensors are the
    first of those placed with ``k + 1``.

    Parameters
    ----------
    line : shapely.LineString
        Line in EPSG:4326.
    count : int
        Number of sensors, 1 to :data:`MAX_SENSORS` and at most the number
        of candidates (see :func:`most_sensors`).
    range_km : float
        Sensor range, > 0.
    incidents : geopandas.GeoDataFrame
        Incidents with a CRS (may be empty: then only line coverage counts).
        Filter them first (dates, type, location precision) as the plan needs.
    step_km : float
        Spacing of the candidates; at most :data:`MAX_CANDIDATES` of them.
    metric_crs : str
        Projected CRS in metres for all distances.

    Returns
    -------
    numpy.ndarray
        ``count`` positions in km along the line: first those placed for
        incidents, in the order chosen (the first covers the most), then
        the others along the line.

    Raises
    ------
    borderwatch.errors.DataValidationError
        Listing every bad input.

    Notes
    -----
    Which incidents each candidate covers is found once with a spatial
    index and kept as (candidate, incident) pairs; each round is then a
    count over those pairs, so 50,000 incidents, 500 candidates and 30
    sensors take well under a second. The line each candidate covers is
    computed exactly (see :func:`evaluate`).
    """
    problems: list[str] = []
    line_m = _metric_line(line, metric_crs, problems)
    problems += _count_problems(count) + _range_problems(range_km) + _incident_problems(incidents, need_ids=False)
    if not (_finite(step_km) and step_km > 0):
        problems.append(f"step_km must be a finite number of km > 0, got {step_km!r}")
    elif line_m is not None:
        length_km = line_m.length / _METRES_PER_KM
        candidates_count = math.ceil(length_km / step_km - 1e-9) + 1
        if candidates_count > MAX_CANDIDATES:
            problems.append(
                f"step_km {step_km!r} gives {candidates_count:,} candidates on the {length_km:.3f} km line; "
                f"at most {MAX_CANDIDATES:,} are allowed"
            )
        elif not _count_problems(count) and count > candidates_count:
            problems.append(
                f"count {count!r} exceeds the {candidates_count} candidate positions "
                f"(line {length_km:.3f} km, step_km {step_km!r})"
            )
    _raise_if_any(problems)

    range_m = range_km * _METRES_PER_KM
    positions = candidate_positions(line_m.length / _METRES_PER_KM, step_km)
    centres = shapely.line_interpolate_point(line_m, positions * _METRES_PER_KM)
    points = _incident_points(incidents, metric_crs)
    pair_incident, pair_candidate = shapely.STRtree(centres).query(points, predicate="dwithin", distance=range_m)
    reach = _reach_intervals(line_m, centres, range_m)
    chosen, for_incidents = _greedy(pair_candidate, pair_incident, len(points), reach, len(positions), count)
    placed = positions[chosen[:for_incidents]]
    if for_incidents == count:
        return placed
    spread = np.concatenate((placed, _spread_over_gaps(line_m, placed, count - for_incidents, range_m)))
    one_at_a_time = positions[chosen]
    if _covered_m(line_m, one_at_a_time, range_m) > _covered_m(line_m, spread, range_m) + _TOLERANCE_M:
        return one_at_a_time
    return spread


def _greedy(
    pair_candidate: np.ndarray,
    pair_incident: np.ndarray,
    incident_count: int,
    reach: tuple[np.ndarray, np.ndarray, np.ndarray],
    candidate_count: int,
    count: int,
) -> tuple[list[int], int]:
    """Indices of the candidates chosen one at a time, in order, and how many of the first added an incident.

    See :func:`place_greedy` for the rule; once no candidate adds an
    incident, none does later, so the picks for incidents come first.
    """
    owner, reach_start, reach_end = reach
    reach_length = reach_end - reach_start
    uncovered = np.ones(incident_count, dtype=bool)
    available = np.ones(candidate_count, dtype=bool)
    union_start, union_end = np.empty(0), np.empty(0)
    chosen: list[int] = []
    for_incidents = 0
    for _ in range(count):
        new_incidents = np.bincount(pair_candidate[uncovered[pair_incident]], minlength=candidate_count)
        new_line = np.bincount(
            owner,
            weights=reach_length - _covered_between(reach_start, reach_end, union_start, union_end),
            minlength=candidate_count,
        )
        most_incidents = new_incidents[available].max()
        for_incidents += int(most_incidents > 0)
        tied = available & (new_incidents == most_incidents)
        tied &= new_line >= new_line[tied].max() - _TOLERANCE_M
        pick = int(np.flatnonzero(tied)[0])  # candidates run along the line: the first is the smallest position
        chosen.append(pick)
        available[pick] = False
        uncovered[pair_incident[pair_candidate == pick]] = False
        mine = owner == pick
        union_start, union_end = _merge(
            np.concatenate((union_start, reach_start[mine])), np.concatenate((union_end, reach_end[mine]))
        )
    return chosen, for_incidents


def _covered_intervals(line_m: LineString, positions_km: np.ndarray, range_m: float) -> tuple[np.ndarray, np.ndarray]:
    """The stretches of the line within range of a sensor: sorted, disjoint, in metres along it."""
    centres = shapely.line_interpolate_point(line_m, np.asarray(positions_km, dtype=float) * _METRES_PER_KM)
    _, starts, ends = _reach_intervals(line_m, centres, range_m)
    return _merge(starts, ends)


def _covered_m(line_m: LineString, positions_km: np.ndarray, range_m: float) -> float:
    starts, ends = _covered_intervals(line_m, positions_km, range_m)
    return float((ends - starts).sum())


def _spread_over_gaps(line_m: LineString, placed_km: np.ndarray, extra: int, range_m: float) -> np.ndarray:
    """Positions in km of ``extra`` more sensors spread over the gaps ``placed_km`` leave (see :func:`place_greedy`)."""
    gap_start, gap_end = _complement(*_covered_intervals(line_m, placed_km, range_m), line_m.length)
    if gap_start.size == 0:  # the line is covered already: the extra sensors add nothing wherever they go
        gap_start, gap_end = np.array([0.0]), np.array([line_m.length])
    lengths = gap_end - gap_start
    sensors = np.zeros(lengths.size, dtype=int)
    for _ in range(extra):
        gain = np.minimum(lengths, 2 * range_m * (sensors + 1)) - np.minimum(lengths, 2 * range_m * sensors)
        spacing = lengths / (sensors + 1)
        # lexsort sorts by its last key first and keeps order on ties: most line (to the mm), widest spacing, first gap.
        sensors[np.lexsort((-spacing, -np.round(gain / _TOLERANCE_M)))[0]] += 1
    return np.concatenate([
        start + (np.arange(number) + 0.5) * length / number
        for start, length, number in zip(gap_start, lengths, sensors, strict=True) if number
    ]) / _METRES_PER_KM


# --- Evaluation -------------------------------------------------------------


def _position_problems(positions: np.ndarray | None, raw: object, line_m: LineString | None) -> list[str]:
    if positions is None:
        return [f"positions_km must be a sequence of numbers, got {raw!r}"]
    problems = []
    if not 1 <= positions.size <= MAX_SENSORS:
        problems.append(f"positions_km must hold 1 to {MAX_SENSORS} positions, got {positions.size}")
    bad = ~np.isfinite(positions)
    if line_m is not None:
        bad |= (positions < 0) | (positions * _METRES_PER_KM > line_m.length + _TOLERANCE_M)
        where = f"on the line, which runs from 0 to {line_m.length / _METRES_PER_KM:.3f} km"
    else:
        where = "finite"
    problems += [f"positions_km[{index}] = {float(positions[index])!r} is not {where}" for index in np.flatnonzero(bad)]
    return problems


def evaluate(
    line: LineString,
    positions_km: npt.ArrayLike,
    range_km: float,
    incidents: gpd.GeoDataFrame,
    name: str,
    method: Method,
    metric_crs: str = config.METRIC_CRS,
    line_name: str = "Line",
) -> Plan:
    """Measure what sensors at the given positions cover.

    The covered line is the line's intersection with the union of the
    sensors' discs, computed exactly per segment (no polygon
    approximation); the gaps are the rest, with their start and end along
    the line. An incident is covered when its straight-line distance to a
    sensor is at most ``range_km``.

    Parameters
    ----------
    line : shapely.LineString
        Line in EPSG:4326.
    positions_km : array-like of float
        Sensor positions in km along the line, 0 to its length, any order;
        the sensors are numbered along the line.
    range_km : float
        Sensor range, > 0.
    incidents : geopandas.GeoDataFrame
        Incidents with a CRS and an ``id`` column; may be empty.
    name : str
        Label of the plan.
    method : {"even", "greedy"}
        How the positions were chosen.
    metric_crs : str
        Projected CRS in metres for all distances.
    line_name : str
        What the line is (see :attr:`Plan.line_name`).

    Returns
    -------
    Plan

    Raises
    ------
    borderwatch.errors.DataValidationError
        Listing every bad input.
    """
    problems: list[str] = []
    line_m = _metric_line(line, metric_crs, problems)
    try:
        positions: np.ndarray | None = np.atleast_1d(np.asarray(positions_km, dtype=float))
    except (TypeError, ValueError):
        positions = None
    if positions is not None and positions.ndim != 1:
        positions = None
    problems += _position_problems(positions, positions_km, line_m)
    problems += _range_problems(range_km) + _incident_problems(incidents, need_ids=True)
    if not isinstance(name, str) or not name.strip():
        problems.append(f"name must be non-empty text, got {name!r}")
    if method not in METHODS:
        problems.append(f"method must be one of {', '.join(METHODS)}, got {method!r}")
    _raise_if_any(problems)

    length_m = line_m.length
    range_m = range_km * _METRES_PER_KM
    positions_m = np.minimum(np.sort(positions, kind="stable") * _METRES_PER_KM, length_m)
    centres = shapely.line_interpolate_point(line_m, positions_m)
    _, reach_start, reach_end = _reach_intervals(line_m, centres, range_m)
    gap_start, gap_end = _complement(*_merge(reach_start, reach_end), length_m)

    points = _incident_points(incidents, metric_crs)
    in_range, sensor = shapely.STRtree(centres).query(points, predicate="dwithin", distance=range_m)
    covered_rows = np.unique(in_range)

    sensors = gpd.GeoDataFrame(
        {
            "sensor": np.arange(1, len(centres) + 1),
            "position_km": positions_m / _METRES_PER_KM,
            "incidents_in_range": np.bincount(sensor, minlength=len(centres)),
        },
        geometry=gpd.GeoSeries(centres, crs=metric_crs).to_crs(config.GEOGRAPHIC_CRS).values,
        crs=config.GEOGRAPHIC_CRS,
    )
    gaps = gpd.GeoDataFrame(
        {
            "gap": np.arange(1, len(gap_start) + 1),
            "start_km": gap_start / _METRES_PER_KM,
            "end_km": gap_end / _METRES_PER_KM,
            "length_km": (gap_end - gap_start) / _METRES_PER_KM,
        },
        geometry=gpd.GeoSeries(
            [substring(line_m, start, end) for start, end in zip(gap_start, gap_end, strict=True)],
            crs=metric_crs,
        ).to_crs(config.GEOGRAPHIC_CRS).values,
        crs=config.GEOGRAPHIC_CRS,
    )
    covered_m = length_m - float((gap_end - gap_start).sum())
    return Plan(
        name=name,
        method=method,
        range_km=float(range_km),
        line=line,
        sensors=sensors,
        line_km=length_m / _METRES_PER_KM,
        covered_km=covered_m / _METRES_PER_KM,
        covered_share=covered_m / length_m,
        gaps=gaps,
        incidents_covered=len(covered_rows),
        incidents_outside=len(points) - len(covered_rows),
        covered_ids=tuple(incidents["id"].iloc[covered_rows].astype(str)),
        metric_crs=metric_crs,
        line_name=line_name,
    )


#: Columns of :func:`compare`, in order.
COMPARE_COLUMNS: Final[tuple[str, ...]] = (
    "name", "line", "method", "sensors", "range_km", "line_km", "covered_km", "covered_share", "gaps",
    "longest_gap_km", "incidents_covered", "incidents_outside", "incidents_covered_share",
)


def compare(plans: Sequence[Plan]) -> pd.DataFrame:
    """Tabulate plans side by side.

    Parameters
    ----------
    plans : sequence of Plan

    Returns
    -------
    pandas.DataFrame
        One row per plan, columns :data:`COMPARE_COLUMNS`;
        ``incidents_covered_share`` is NaN when a plan was given no incidents.
    """
    rows = []
    for plan in plans:
        total = plan.incidents_covered + plan.incidents_outside
        rows.append((
            plan.name, plan.line_name, plan.method, len(plan.sensors), plan.range_km, plan.line_km, plan.covered_km,
            plan.covered_share, len(plan.gaps), plan.longest_gap_km, plan.incidents_covered,
            plan.incidents_outside, plan.incidents_covered / total if total else math.nan,
        ))
    return pd.DataFrame(rows, columns=list(COMPARE_COLUMNS))


# --- Exports ----------------------------------------------------------------


def coverage_discs(plan: Plan) -> gpd.GeoSeries:
    """The sensors' coverage discs as polygons in EPSG:4326.

    Parameters
    ----------
    plan : Plan

    Returns
    -------
    geopandas.GeoSeries
        One polygon per sensor, in the order of ``plan.sensors``, buffered
        in the metric CRS with :data:`COVERAGE_QUAD_SEGS` segments per
        quarter circle (radius short by at most 0.0075 %).
    """
    centres = plan.sensors.geometry.to_crs(plan.metric_crs)
    discs = centres.buffer(plan.range_km * _METRES_PER_KM, quad_segs=COVERAGE_QUAD_SEGS)
    return discs.to_crs(config.GEOGRAPHIC_CRS)


def _feature(geometry: BaseGeometry, properties: dict) -> dict:
    return {"type": "Feature", "geometry": mapping(geometry), "properties": properties}


def plan_geojson(plan: Plan) -> str:
    """Write a plan as a GeoJSON FeatureCollection in EPSG:4326.

    Parameters
    ----------
    plan : Plan

    Returns
    -------
    str
        Features with a ``kind`` property: ``sensor`` points (``sensor``,
        ``position_km``, ``range_km``, ``incidents_in_range``), ``coverage``
        polygons (see :func:`coverage_discs`; ``sensor``, ``range_km``) and
        ``gap`` lines (``gap``, ``start_km``, ``end_km``, ``length_km``). The
        plan's name, line, method, range, results and :data:`ASSUMPTIONS` are
        top-level members (foreign members, RFC 7946 section 6.1: readers
        that do not know them ignore them).
    """
    features = [
        _feature(row.geometry, {"kind": "sensor", "sensor": int(row.sensor), "position_km": float(row.position_km),
                                "range_km": plan.range_km, "incidents_in_range": int(row.incidents_in_range)})
        for row in plan.sensors.itertuples(index=False)
    ]
    features += [
        _feature(disc, {"kind": "coverage", "sensor": int(sensor), "range_km": plan.range_km})
        for sensor, disc in zip(plan.sensors["sensor"], coverage_discs(plan), strict=True)
    ]
    features += [
        _feature(row.geometry, {"kind": "gap", "gap": int(row.gap), "start_km": float(row.start_km),
                                "end_km": float(row.end_km), "length_km": float(row.length_km)})
        for row in plan.gaps.itertuples(index=False)
    ]
    collection = {
        "type": "FeatureCollection",
        "name": plan.name,
        "line": plan.line_name,
        "method": plan.method,
        "range_km": plan.range_km,
        "line_km": plan.line_km,
        "covered_km": plan.covered_km,
        "covered_share": plan.covered_share,
        "incidents_covered": plan.incidents_covered,
        "incidents_outside": plan.incidents_outside,
        "metric_crs": plan.metric_crs,
        "assumptions": list(ASSUMPTIONS),
        "features": features,
    }
    return json.dumps(collection, ensure_ascii=False, allow_nan=False)


#: Columns of :func:`plan_csv`, in order.
CSV_COLUMNS: Final[tuple[str, ...]] = (
    "plan", "line", "method", "sensor", "latitude", "longitude", "position_km", "range_km", "incidents_in_range",
)


def plan_csv(plan: Plan) -> str:
    """Write a plan's sensors as CSV, safe to open in a spreadsheet.

    Parameters
    ----------
    plan : Plan

    Returns
    -------
    str
        One row per sensor, columns :data:`CSV_COLUMNS`; the plan's name,
        line and method pass through :func:`borderwatch.export.neutralise_cell`.
    """
    sensors = plan.sensors
    table = pd.DataFrame({
        "plan": neutralise_cell(plan.name),
        "line": neutralise_cell(plan.line_name),
        "method": neutralise_cell(plan.method),
        "sensor": sensors["sensor"].to_numpy(),
        "latitude": sensors.geometry.y.round(6).to_numpy(),
        "longitude": sensors.geometry.x.round(6).to_numpy(),
        "position_km": sensors["position_km"].round(3).to_numpy(),
        "range_km": plan.range_km,
        "incidents_in_range": sensors["incidents_in_range"].to_numpy(),
    }, columns=list(CSV_COLUMNS))
    return table.to_csv(index=False)


def plan_file_stem(plan: Plan) -> str:
    """Name a plan's export files after what they hold.

    Parameters
    ----------
    plan : Plan

    Returns
    -------
    str
        The plan's name, line, number of sensors, range and placement,
        e.g. ``"Plan-1_Barrier_8-sensors_10-km-range_evenly-spaced"``: ASCII
        letters, digits and dots, ``-`` between words and ``_`` between
        parts, so the name is safe on every file system. A name with no
        such character reads ``plan``.
    """
    parts = (plan.name, plan.line_name, f"{len(plan.sensors)} sensors", f"{plan.range_km:g} km range",
             METHOD_NAMES[plan.method])
    words = [re.sub(r"[^A-Za-z0-9.]+", "-", part).strip("-.") for part in parts]
    return "_".join([words[0] or "plan", *words[1:]])
