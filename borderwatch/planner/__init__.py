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

from borderwatch.planner._shared import (
    ASSUMPTIONS,
    METHOD_NAMES,
    METHODS,
    Method,
    Plan,
    assumptions_for,
)
from borderwatch.planner.evaluation import COMPARE_COLUMNS, compare, evaluate
from borderwatch.planner.export import CSV_COLUMNS, coverage_discs, plan_csv, plan_file_stem, plan_geojson
from borderwatch.planner.placement import (
    candidate_positions,
    incidents_near,
    line_length_km,
    line_stretch,
    most_sensors,
    place_even,
    place_greedy,
)

__all__ = [
    "ASSUMPTIONS",
    "COMPARE_COLUMNS",
    "CSV_COLUMNS",
    "METHODS",
    "METHOD_NAMES",
    "Method",
    "Plan",
    "assumptions_for",
    "candidate_positions",
    "compare",
    "coverage_discs",
    "evaluate",
    "incidents_near",
    "line_length_km",
    "line_stretch",
    "most_sensors",
    "place_even",
    "place_greedy",
    "plan_csv",
    "plan_file_stem",
    "plan_geojson",
]
