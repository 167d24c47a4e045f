"""Speed of :mod:`borderwatch.geodesy` against the usual GeoPandas way, in one process.

Run from the repository root::

    python -m scripts.bench_geodesy [--points 1000000] [--borders TUN-LBY CAN-USA ...]

For each border it draws the same random points (seeded, uniform in the
border's bounding box widened by 1°) and times

* ``geodesy``: building a :class:`~borderwatch.geodesy.GeodesicLine` once,
  then one :meth:`~borderwatch.geodesy.GeodesicLine.measure` call (distance,
  position, side and nearest point of every point);
* ``baseline``: ``GeoSeries(points).to_crs(utm).distance(border_in_utm)``,
  in the UTM zone of the border's centre: right for a short border inside one
  zone (Tunisia–Libya, zone 32N), increasingly wrong for long ones, whose
  error against the geodesic distance is printed too. On a border of more
  than :data:`FULL_BASELINE_VERTICES` vertices, where GEOS's point-to-line
  distance (a loop over every segment) would take minutes, it runs on the
  first ``--baseline-points`` only and is scaled linearly to N ("scaled").

Times on a shared machine vary; the ratios of one run compare fairly.
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass
from typing import Final

import geopandas as gpd
import numpy as np
import shapely

from borderwatch import config
from borderwatch.borders import find_border
from borderwatch.geodesy import GeodesicLine

DEFAULT_BORDERS: Final[tuple[str, ...]] = ("TUN-LBY", "DZA-MAR", "NOR-RUS", "CAN-USA", "KAZ-RUS")
#: Borders with at most this many vertices get the baseline on every point.
FULL_BASELINE_VERTICES: Final[int] = 1_000
#: The baseline's error figures count the points this far from the border
#: (nearer ones would show the centimetres by which a straight UTM segment
#: departs from a geodesic as large shares of tiny distances).
ERROR_RANGE_KM: Final[tuple[float, float]] = (1.0, 200.0)


@dataclass(frozen=True)
class Figures:
    """What one border's run measured."""

    border: str
    points: int
    frames: int
    build_s: float
    measure_s: float
    baseline_s: float
    baseline_scaled: bool
    baseline_median_error: float
    baseline_max_error: float

    @property
    def rate(self) -> float:
        return self.points / self.measure_s

    @property
    def baseline_rate(self) -> float:
        return self.points / self.baseline_s


def utm_crs(longitude: float, latitude: float) -> str:
    """EPSG code of the UTM zone holding a point."""
    zone = int((longitude + 180.0) // 6.0) % 60 + 1
    return f"EPSG:{32600 + zone if latitude >= 0 else 32700 + zone}"


def random_points(bounds: tuple[float, float, float, float], count: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Uniform points in a bounding box widened by 1° (latitudes kept within ±89°)."""
    rng = np.random.default_rng(seed)
    west, south, east, north = bounds
    longitude = rng.uniform(west - 1.0, east + 1.0, count)
    latitude = rng.uniform(max(south - 1.0, -89.0), min(north + 1.0, 89.0), count)
    return longitude, latitude


def run(key: str, count: int, baseline_count: int, seed: int) -> Figures:
    """Time both ways on one border."""
    border = find_border(key)
    longitude, latitude = random_points(border.geometry.bounds, count, seed)

    started = time.perf_counter()
    line = GeodesicLine(border.geometry)
    frames = line.frame_count
    build_s = time.perf_counter() - started
    started = time.perf_counter()
    measures = line.measure(longitude, latitude)
    measure_s = time.perf_counter() - started

    centre = border.geometry.centroid
    crs = utm_crs(centre.x, centre.y)
    border_utm = gpd.GeoSeries([border.geometry], crs=config.GEOGRAPHIC_CRS).to_crs(crs).iloc[0]
    vertices = len(shapely.get_coordinates(border.geometry))
    sample = count if vertices <= FULL_BASELINE_VERTICES else min(count, baseline_count)
    started = time.perf_counter()
    points = gpd.GeoSeries(gpd.points_from_xy(longitude[:sample], latitude[:sample]), crs=config.GEOGRAPHIC_CRS)
    baseline_km = points.to_crs(crs).distance(border_utm).to_numpy() / 1000.0
    baseline_s = (time.perf_counter() - started) * count / sample

    geodesic_km = measures.distance_km[:sample]
    near = (geodesic_km >= ERROR_RANGE_KM[0]) & (geodesic_km <= ERROR_RANGE_KM[1])
    error = np.abs(baseline_km[near] - geodesic_km[near]) / geodesic_km[near]
    return Figures(
        border=key,
        points=count,
        frames=frames,
        build_s=build_s,
        measure_s=measure_s,
        baseline_s=baseline_s,
        baseline_scaled=sample < count,
        baseline_median_error=float(np.median(error)),
        baseline_max_error=float(np.max(error)),
    )


def report(figures: list[Figures]) -> str:
    """The table the script prints."""
    lines = [
        f"{'border':<8} {'points':>9} {'frames':>6} {'build s':>8} {'geodesy pts/s':>14} "
        f"{'baseline pts/s':>16} {'speed ratio':>11} {'UTM error median / max':>24}"
    ]
    for f in figures:
        scaled = " (scaled)" if f.baseline_scaled else ""
        lines.append(
            f"{f.border:<8} {f.points:>9,} {f.frames:>6} {f.build_s:>8.2f} {f.rate:>14,.0f} "
            f"{f.baseline_rate:>16,.0f} {f.rate / f.baseline_rate:>10.2f}x "
            f"{100 * f.baseline_median_error:>10.3f} % / {100 * f.baseline_max_error:.2f} %{scaled}"
        )
    lines.append(
        f"speed ratio: geodesy's points/s over the baseline's; UTM error: the baseline's distance "
        f"against the geodesic one, points {ERROR_RANGE_KM[0]:g} to {ERROR_RANGE_KM[1]:g} km away"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> list[Figures]:
    """Parse the command line, run every border and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--points", type=int, default=1_000_000, help="points per border (default 1,000,000)")
    parser.add_argument(
        "--baseline-points", type=int, default=100_000,
        help="points the baseline measures on a long border before it is scaled to --points (default 100,000)",
    )
    parser.add_argument("--borders", nargs="+", default=list(DEFAULT_BORDERS), help="border keys, e.g. TUN-LBY")
    parser.add_argument("--seed", type=int, default=14)
    args = parser.parse_args(argv)
    figures = [run(key, args.points, args.baseline_points, args.seed) for key in args.borders]
    print(report(figures))
    return figures


if __name__ == "__main__":
    main()
