"""Placing sensors along a line: evenly spaced, or greedily where they cover most."""

from __future__ import annotations

import math
from typing import cast

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry import LineString
from shapely.ops import substring

from borderwatch import config, projection
from borderwatch.errors import DataValidationError
from borderwatch.planner._shared import (
    ERROR_SOURCE,
    METRES_PER_KM,
    TOLERANCE_M,
    complement,
    count_problems,
    covered_between,
    incident_points,
    incident_problems,
    is_finite_number,
    merge,
    metric_line,
    raise_if_any,
    range_problems,
    reach_intervals,
    vouched,
)


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
    line_m = metric_line(line, metric_crs, problems)
    for label, value in (("start_km", start_km), ("end_km", end_km)):
        if not is_finite_number(value):
            problems.append(f"{label} must be a finite number of km, got {value!r}")
    if line_m is not None and not problems:
        length_km = line_m.length / METRES_PER_KM
        if start_km < 0 or start_km >= length_km:
            problems.append(f"start_km {start_km!r} is outside the line, which runs from 0 to {length_km:.3f} km")
        if end_km <= 0 or end_km * METRES_PER_KM > line_m.length + TOLERANCE_M:
            problems.append(f"end_km {end_km!r} is outside the line, which runs from 0 to {length_km:.3f} km")
        if start_km >= end_km:
            problems.append(f"start_km {start_km!r} must be less than end_km {end_km!r} (line {length_km:.3f} km)")
    line_m = vouched(problems, line_m)
    stretch = substring(line_m, start_km * METRES_PER_KM, min(end_km * METRES_PER_KM, line_m.length))
    # start_km < end_km was checked: the stretch is a line, not a point.
    return projection.reproject(cast(LineString, stretch), metric_crs, config.GEOGRAPHIC_CRS)


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
    if not (is_finite_number(within_km) and within_km >= 0):
        raise DataValidationError(ERROR_SOURCE, [f"within_km must be a number >= 0, not {within_km!r}"])
    metric = projection.reproject(line, config.GEOGRAPHIC_CRS, metric_crs)
    distances = incidents.geometry.to_crs(metric_crs).distance(metric)
    return incidents[(distances <= within_km * METRES_PER_KM).to_numpy()]


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
        Number of sensors, 1 to :data:`borderwatch.config.PLANNER_MAX_SENSORS`.
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
    line_m = metric_line(line, metric_crs, problems)
    problems += count_problems(count) + range_problems(range_km)
    line_m = vouched(problems, line_m)
    return (np.arange(count) + 0.5) * (line_m.length / METRES_PER_KM) / count


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
    raise_if_any([
        f"{label} must be a finite number of km > 0, got {value!r}"
        for label, value in (("length_km", length_km), ("step_km", step_km))
        if not (is_finite_number(value) and value > 0)
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
    line_m = metric_line(line, metric_crs, problems)
    line_m = vouched(problems, line_m)
    return line_m.length / METRES_PER_KM


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
        The number of :func:`candidate_positions`, at most :data:`borderwatch.config.PLANNER_MAX_SENSORS`.
    """
    return min(config.PLANNER_MAX_SENSORS, candidate_positions(length_km, step_km).size)


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
        Number of sensors, 1 to :data:`borderwatch.config.PLANNER_MAX_SENSORS` and at most the number
        of candidates (see :func:`most_sensors`).
    range_km : float
        Sensor range, > 0.
    incidents : geopandas.GeoDataFrame
        Incidents with a CRS (may be empty: then only line coverage counts).
        Filter them first (dates, type, location precision) as the plan needs.
    step_km : float
        Spacing of the candidates; at most :data:`borderwatch.config.PLANNER_MAX_CANDIDATES` of them.
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
    line_m = metric_line(line, metric_crs, problems)
    problems += count_problems(count) + range_problems(range_km) + incident_problems(incidents, need_ids=False)
    if not (is_finite_number(step_km) and step_km > 0):
        problems.append(f"step_km must be a finite number of km > 0, got {step_km!r}")
    elif line_m is not None:
        length_km = line_m.length / METRES_PER_KM
        candidates_count = math.ceil(length_km / step_km - 1e-9) + 1
        if candidates_count > config.PLANNER_MAX_CANDIDATES:
            problems.append(
                f"step_km {step_km!r} gives {candidates_count:,} candidates on the {length_km:.3f} km line; "
                f"at most {config.PLANNER_MAX_CANDIDATES:,} are allowed"
            )
        elif not count_problems(count) and count > candidates_count:
            problems.append(
                f"count {count!r} exceeds the {candidates_count} candidate positions "
                f"(line {length_km:.3f} km, step_km {step_km!r})"
            )
    line_m = vouched(problems, line_m)

    range_m = range_km * METRES_PER_KM
    positions = candidate_positions(line_m.length / METRES_PER_KM, step_km)
    centres = shapely.line_interpolate_point(line_m, positions * METRES_PER_KM)
    points = incident_points(incidents, metric_crs)
    pair_incident, pair_candidate = shapely.STRtree(centres).query(points, predicate="dwithin", distance=range_m)
    reach = reach_intervals(line_m, centres, range_m)
    chosen, for_incidents = _greedy(pair_candidate, pair_incident, len(points), reach, len(positions), count)
    placed = positions[chosen[:for_incidents]]
    if for_incidents == count:
        return placed
    spread = np.concatenate((placed, _spread_over_gaps(line_m, placed, count - for_incidents, range_m)))
    one_at_a_time = positions[chosen]
    if _covered_m(line_m, one_at_a_time, range_m) > _covered_m(line_m, spread, range_m) + TOLERANCE_M:
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
            weights=reach_length - covered_between(reach_start, reach_end, union_start, union_end),
            minlength=candidate_count,
        )
        most_incidents = new_incidents[available].max()
        for_incidents += int(most_incidents > 0)
        tied = available & (new_incidents == most_incidents)
        tied &= new_line >= new_line[tied].max() - TOLERANCE_M
        pick = int(np.flatnonzero(tied)[0])  # candidates run along the line: the first is the smallest position
        chosen.append(pick)
        available[pick] = False
        uncovered[pair_incident[pair_candidate == pick]] = False
        mine = owner == pick
        union_start, union_end = merge(
            np.concatenate((union_start, reach_start[mine])), np.concatenate((union_end, reach_end[mine]))
        )
    return chosen, for_incidents


def _covered_intervals(line_m: LineString, positions_km: np.ndarray, range_m: float) -> tuple[np.ndarray, np.ndarray]:
    """The stretches of the line within range of a sensor: sorted, disjoint, in metres along it."""
    centres = shapely.line_interpolate_point(line_m, np.asarray(positions_km, dtype=float) * METRES_PER_KM)
    _, starts, ends = reach_intervals(line_m, centres, range_m)
    return merge(starts, ends)


def _covered_m(line_m: LineString, positions_km: np.ndarray, range_m: float) -> float:
    starts, ends = _covered_intervals(line_m, positions_km, range_m)
    return float((ends - starts).sum())


def _spread_over_gaps(line_m: LineString, placed_km: np.ndarray, extra: int, range_m: float) -> np.ndarray:
    """Positions in km of ``extra`` more sensors spread over the gaps ``placed_km`` leave (see :func:`place_greedy`)."""
    gap_start, gap_end = complement(*_covered_intervals(line_m, placed_km, range_m), line_m.length)
    if gap_start.size == 0:  # the line is covered already: the extra sensors add nothing wherever they go
        gap_start, gap_end = np.array([0.0]), np.array([line_m.length])
    lengths = gap_end - gap_start
    sensors = np.zeros(lengths.size, dtype=int)
    for _ in range(extra):
        gain = np.minimum(lengths, 2 * range_m * (sensors + 1)) - np.minimum(lengths, 2 * range_m * sensors)
        spacing = lengths / (sensors + 1)
        # lexsort sorts by its last key first and keeps order on ties: most line (to the mm), widest spacing, first gap.
        sensors[np.lexsort((-spacing, -np.round(gain / TOLERANCE_M)))[0]] += 1
    return np.concatenate([
        start + (np.arange(number) + 0.5) * length / number
        for start, length, number in zip(gap_start, lengths, sensors, strict=True) if number
    ]) / METRES_PER_KM


