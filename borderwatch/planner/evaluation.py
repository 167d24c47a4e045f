"""What a placement covers, and plans side by side."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Final

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely
from shapely.geometry import LineString
from shapely.ops import substring

from borderwatch import config
from borderwatch.planner._shared import (
    METHODS,
    METRES_PER_KM,
    TOLERANCE_M,
    Method,
    Plan,
    complement,
    incident_points,
    incident_problems,
    merge,
    metric_line,
    range_problems,
    reach_intervals,
    vouched,
)


def _position_problems(positions: np.ndarray | None, raw: object, line_m: LineString | None) -> list[str]:
    if positions is None:
        return [f"positions_km must be a sequence of numbers, got {raw!r}"]
    problems = []
    if not 1 <= positions.size <= config.PLANNER_MAX_SENSORS:
        problems.append(f"positions_km must hold 1 to {config.PLANNER_MAX_SENSORS} positions, got {positions.size}")
    bad = ~np.isfinite(positions)
    if line_m is not None:
        bad |= (positions < 0) | (positions * METRES_PER_KM > line_m.length + TOLERANCE_M)
        where = f"on the line, which runs from 0 to {line_m.length / METRES_PER_KM:.3f} km"
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
    line_m = metric_line(line, metric_crs, problems)
    try:
        positions: np.ndarray | None = np.atleast_1d(np.asarray(positions_km, dtype=float))
    except (TypeError, ValueError):
        positions = None
    if positions is not None and positions.ndim != 1:
        positions = None
    problems += _position_problems(positions, positions_km, line_m)
    problems += range_problems(range_km) + incident_problems(incidents, need_ids=True)
    if not isinstance(name, str) or not name.strip():
        problems.append(f"name must be non-empty text, got {name!r}")
    if method not in METHODS:
        problems.append(f"method must be one of {', '.join(METHODS)}, got {method!r}")
    line_m = vouched(problems, line_m)
    positions = vouched(problems, positions)

    length_m = line_m.length
    range_m = range_km * METRES_PER_KM
    positions_m = np.minimum(np.sort(positions, kind="stable") * METRES_PER_KM, length_m)
    centres = shapely.line_interpolate_point(line_m, positions_m)
    _, reach_start, reach_end = reach_intervals(line_m, centres, range_m)
    gap_start, gap_end = complement(*merge(reach_start, reach_end), length_m)

    points = incident_points(incidents, metric_crs)
    in_range, sensor = shapely.STRtree(centres).query(points, predicate="dwithin", distance=range_m)
    covered_rows = np.unique(in_range)

    sensors = gpd.GeoDataFrame(
        {
            "sensor": np.arange(1, len(centres) + 1),
            "position_km": positions_m / METRES_PER_KM,
            "incidents_in_range": np.bincount(sensor, minlength=len(centres)),
        },
        geometry=gpd.GeoSeries(centres, crs=metric_crs).to_crs(config.GEOGRAPHIC_CRS).values,
        crs=config.GEOGRAPHIC_CRS,
    )
    gaps = gpd.GeoDataFrame(
        {
            "gap": np.arange(1, len(gap_start) + 1),
            "start_km": gap_start / METRES_PER_KM,
            "end_km": gap_end / METRES_PER_KM,
            "length_km": (gap_end - gap_start) / METRES_PER_KM,
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
        line_km=length_m / METRES_PER_KM,
        covered_km=covered_m / METRES_PER_KM,
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


