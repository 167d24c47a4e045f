"""A plan as files: GeoJSON of sensors, discs and gaps, and CSV of the sensors."""

from __future__ import annotations

import json
import re
from typing import Final

import geopandas as gpd
import pandas as pd
from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry

from borderwatch import config
from borderwatch.export import neutralise_cell
from borderwatch.planner._shared import METHOD_NAMES, METRES_PER_KM, Plan, assumptions_for


def coverage_discs(plan: Plan) -> gpd.GeoSeries:
    """The sensors' coverage discs as polygons in EPSG:4326.

    Parameters
    ----------
    plan : Plan

    Returns
    -------
    geopandas.GeoSeries
        One polygon per sensor, in the order of ``plan.sensors``, buffered
        in the metric CRS with :data:`borderwatch.config.PLANNER_COVERAGE_QUAD_SEGS` segments per
        quarter circle (radius short by at most 0.0075 %).
    """
    centres = plan.sensors.geometry.to_crs(plan.metric_crs)
    discs = centres.buffer(plan.range_km * METRES_PER_KM, quad_segs=config.PLANNER_COVERAGE_QUAD_SEGS)
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
        "assumptions": list(assumptions_for(plan.metric_crs)),
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
