"""Speed of the stored measures for any border against today's Tunisia–Libya measure, in one process.

Run from the repository root::

    python -m scripts.bench_bordermeasures [--points 1000000] [--borders TUN-LBY KAZ-RUS ...]

For each border it draws the same random points (seeded, uniform in the
border's bounding box widened by 1°, as ``scripts/bench_geodesy.py`` does) and times

* ``any border``: :func:`borderwatch.bordermeasures.prepared_border` once
  (``build s``), then one :meth:`~borderwatch.bordermeasures.PreparedBorder.measure`
  call: every column of :data:`borderwatch.borderzone.MEASURE_COLUMNS`;
* ``baseline``: :func:`borderwatch.borderzone.measure` on the same points,
  what the store runs today (against the bundled Tunisia–Libya zone, in UTM
  32N, whatever the border: the cost of today's way, not a comparable result
  beyond Tunisia–Libya).

The ratio is the new measure's points/s over the baseline's. Times on a
shared machine vary; the ratios of one run compare fairly.
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass
from typing import Final

from borderwatch import borderzone
from borderwatch.bordermeasures import prepared_border
from borderwatch.borders import find_border
from scripts.bench_geodesy import random_points

DEFAULT_BORDERS: Final[tuple[str, ...]] = ("TUN-LBY", "KAZ-RUS", "CAN-USA")


@dataclass(frozen=True)
class Figures:
    """What one border's run measured."""

    border: str
    points: int
    frames: int
    build_s: float
    measure_s: float
    baseline_s: float

    @property
    def rate(self) -> float:
        return self.points / self.measure_s

    @property
    def baseline_rate(self) -> float:
        return self.points / self.baseline_s


def run(key: str, count: int, seed: int) -> Figures:
    """Time both measures on one border's points."""
    border = find_border(key)
    longitude, latitude = random_points(border.geometry.bounds, count, seed)
    started = time.perf_counter()
    prepared = prepared_border(border)
    build_s = time.perf_counter() - started
    started = time.perf_counter()
    prepared.measure(latitude, longitude)
    measure_s = time.perf_counter() - started
    zone = borderzone.bundled_zone()  # built before the clock starts, as the new measure's build is timed apart
    started = time.perf_counter()
    borderzone.measure(latitude, longitude, zone)
    baseline_s = time.perf_counter() - started
    return Figures(key, count, prepared.line.frame_count, build_s, measure_s, baseline_s)


def report(figures: list[Figures]) -> str:
    """The table the script prints."""
    lines = [f"{'border':<8} {'points':>10} {'frames':>6} {'build s':>8} {'measure s':>10} {'pts/s':>10} "
             f"{'baseline s':>11} {'baseline pts/s':>15} {'ratio':>7}"]
    lines += [
        f"{f.border:<8} {f.points:>10,} {f.frames:>6} {f.build_s:>8.2f} {f.measure_s:>10.2f} {f.rate:>10,.0f} "
        f"{f.baseline_s:>11.2f} {f.baseline_rate:>15,.0f} {f.rate / f.baseline_rate:>6.2f}x"
        for f in figures
    ]
    lines.append("ratio: the any-border measure's points/s over borderzone.measure's (Tunisia-Libya, UTM 32N) "
                 "on the same points")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> list[Figures]:
    """Parse the command line, run every border and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--points", type=int, default=1_000_000, help="points per border (default 1,000,000)")
    parser.add_argument("--borders", nargs="+", default=list(DEFAULT_BORDERS), help="border keys, e.g. TUN-LBY")
    parser.add_argument("--seed", type=int, default=14)
    args = parser.parse_args(argv)
    figures = [run(key, args.points, args.seed) for key in args.borders]
    print(report(figures))
    return figures


if __name__ == "__main__":
    main()
