"""Speed of a border's infrastructure, from file to map, against GDAL reading the same file, in one process.

Run from the repository root::

    python -m scripts.bench_infrastructure [--features 10000] [--border DZA-MAR] [--points 200000]

It writes a GeoJSON of ``--features`` features along the border (seeded):
sensors and posts on points within a few km of the line, and one fence per
hundred features, each a stretch of the border offset 2 km to one side. Then it times

* ``GDAL read`` (the baseline): :func:`pyogrio.read_dataframe` of the file,
  what reading it costs at the least;
* ``check``: :func:`~borderwatch.importers.infrastructure.read_infrastructure`
  and :func:`~borderwatch.importers.infrastructure.near_border`, every row's
  checks and every vertex's geodesic distance to the border;
* ``store`` and ``read back``: :meth:`~borderwatch.store.IncidentStore.import_infrastructure`
  into a new SQLite store, then :meth:`~borderwatch.store.IncidentStore.infrastructure`;
* ``draw``: the map's two layers on one day (:mod:`layers.infrastructure`);
* ``measure with barriers`` against ``measure without``: ``--points`` random
  points measured against the border alone and with the fences, what an
  import of barriers adds to re-measuring a border's incidents.

Ratios are over the baseline of the same run (GDAL read; the measure
without barriers). Times on a shared machine vary; the ratios compare fairly.
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final, TypeVar

import geopandas as gpd
import numpy as np
import pyogrio
import shapely

from borderwatch import config
from borderwatch.bordermeasures import prepared_border
from borderwatch.borders import Border, find_border
from borderwatch.importers.infrastructure import near_border, read_infrastructure
from borderwatch.infrastructure import barrier_lines
from borderwatch.projection import geod
from borderwatch.store import Actor, open_store
from layers.infrastructure import barriers_layer, points_layer
from scripts.bench_geodesy import random_points

DEFAULT_BORDER: Final[str] = "DZA-MAR"
#: One fence in this many features; the rest are sensors and posts.
FEATURES_PER_FENCE: Final[int] = 100
_T = TypeVar("_T")


def infrastructure_file(border: Border, count: int, seed: int, folder: Path) -> Path:
    """Write ``count`` features along ``border`` as GeoJSON; return its path."""
    rng = np.random.default_rng(seed)
    part = shapely.get_parts(border.geometry)[0]
    fences = max(1, count // FEATURES_PER_FENCE)
    rows: list[dict[str, Any]] = []
    for index in range(fences):
        start = rng.uniform(0.0, 0.9)
        stretch = shapely.segmentize(shapely.ops.substring(part, start, start + 0.1, normalized=True), 0.02)
        coords = shapely.get_coordinates(stretch)
        azimuth, _, _ = geod().inv(coords[:-1, 0], coords[:-1, 1], coords[1:, 0], coords[1:, 1])
        lon, lat, _ = geod().fwd(coords[:-1, 0], coords[:-1, 1], np.asarray(azimuth) - 90.0,
                                 np.full(len(azimuth), 2_000.0))
        rows.append({"feature_id": f"fence-{index}", "name": f"Fence {index}", "kind": "fence",
                     "built_from": "2014-01-01", "built_to": "2015-06-30", "sources": "Benchmark",
                     "geometry": shapely.LineString(np.column_stack([lon, lat]))})
    sites = count - fences
    along = shapely.line_interpolate_point(part, rng.uniform(0.0, 1.0, sites), normalized=True)
    lon, lat, _ = geod().fwd(shapely.get_x(along), shapely.get_y(along), rng.uniform(0.0, 360.0, sites),
                             rng.uniform(0.0, 5_000.0, sites))
    kinds = rng.choice(["sensor", "post"], sites)
    rows += [{"feature_id": f"site-{index}", "name": f"Site {index}", "kind": kind, "built_from": "2016-01-01",
              "built_to": "", "sources": "Benchmark", "geometry": shapely.Point(x, y)}
             for index, (kind, x, y) in enumerate(zip(kinds, lon, lat, strict=True))]
    path = folder / f"{border.key}-infrastructure.geojson"
    gpd.GeoDataFrame(rows, crs=config.GEOGRAPHIC_CRS).to_file(path, driver="GeoJSON")
    return path


def timed(step: Callable[[], _T]) -> tuple[_T, float]:
    """The step's result and its wall time (s)."""
    started = time.perf_counter()
    result = step()
    return result, time.perf_counter() - started


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def run(key: str, count: int, points: int, seed: int) -> dict[str, float]:
    """Time every step on one border; return the figures by name (seconds, counts, MB)."""
    border = find_border(key)
    with tempfile.TemporaryDirectory() as folder:
        path = infrastructure_file(border, count, seed, Path(folder))
        _, gdal_s = timed(lambda: pyogrio.read_dataframe(path))
        parsed, check_s = timed(lambda: near_border(read_infrastructure(path), border.geometry))
        with open_store(Path(folder) / "store") as store:
            report, store_s = timed(lambda: store.import_infrastructure(
                border.key, parsed.features, layer="bench", file_name=path.name, file_hash="0" * 64,
                actor=Actor.command_line("bench")))
            features, read_s = timed(lambda: store.infrastructure(border.key))
    day = dt.date(2016, 6, 1)
    _, draw_s = timed(lambda: (barriers_layer(features, day), points_layer(features, day)))
    longitude, latitude = random_points(border.geometry.bounds, points, seed)
    barriers = barrier_lines(features)
    plain = prepared_border(border, ())
    fenced, build_s = timed(lambda: prepared_border(border, barriers))
    _, without_s = timed(lambda: plain.measure(latitude, longitude))
    _, with_s = timed(lambda: fenced.measure(latitude, longitude))
    return {
        "features": float(report.features), "rejected": float(len(parsed.rejections)), "fences": float(len(barriers)),
        "gdal_s": gdal_s, "check_s": check_s, "store_s": store_s, "read_s": read_s, "draw_s": draw_s,
        "build_s": build_s, "without_s": without_s, "with_s": with_s, "points": float(points), "peak_mb": _peak_mb(),
    }


def report(key: str, figures: dict[str, float]) -> str:
    """The lines the script prints."""
    gdal = figures["gdal_s"]
    steps = [("GDAL read (baseline)", gdal), ("check (read + near border)", figures["check_s"]),
             ("store (SQLite)", figures["store_s"]), ("read back", figures["read_s"]),
             ("draw (both layers)", figures["draw_s"])]
    lines = [f"{key}: {figures['features']:,.0f} features stored ({figures['fences']:,.0f} fences), "
             f"{figures['rejected']:,.0f} rows rejected"]
    lines += [f"  {name:<28} {seconds:>8.3f} s  {seconds / gdal:>7.2f}x the GDAL read" for name, seconds in steps]
    lines.append(f"  measure {figures['points']:,.0f} points: without barriers {figures['without_s']:.2f} s, "
                 f"with the fences {figures['with_s']:.2f} s ({figures['with_s'] / figures['without_s']:.2f}x; "
                 f"preparing them {figures['build_s']:.2f} s)")
    lines.append(f"  peak resident memory of the process: {figures['peak_mb']:,.0f} MB")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> dict[str, float]:
    """Parse the command line, run and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--features", type=int, default=10_000, help="features in the file (default 10,000)")
    parser.add_argument("--border", default=DEFAULT_BORDER, help=f"border key (default {DEFAULT_BORDER})")
    parser.add_argument("--points", type=int, default=200_000, help="points measured (default 200,000)")
    parser.add_argument("--seed", type=int, default=14)
    args = parser.parse_args(argv)
    key = find_border(args.border).key
    figures = run(key, args.features, args.points, args.seed)
    print(report(key, figures))
    return figures


if __name__ == "__main__":
    main()
