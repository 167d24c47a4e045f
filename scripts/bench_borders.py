"""Measures against a second border: ``python -m scripts.bench_borders`` from the checkout (``--help``).

For each store size N, on the embedded SQLite store and on PostGIS in one run,
it imports N synthetic ACLED rows, then:

- measures every stored incident against a second border with
  :meth:`~borderwatch.store.IncidentStore.measure_border`, in bulk; the
  measure function is :func:`borderwatch.borderzone.measure` with the
  bundled zone, a stand-in for what measuring any border costs (so the
  second border's measures equal the default border's, which the run checks);
- calls it again, when nothing is missing;
- times the map data with "within X km of the border" on the default border
  (the incidents' own columns) and on the second (``border_measures``
  joined), p50/p95 over :data:`scripts.bench.REPEATS` cases each, uncached,
  the two borders' cases interleaved, with their ratio.

Without ``--database-url`` the PostGIS side runs on a throwaway cluster on
loopback (tests/pgcluster.py), removed at the end.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from contextlib import suppress
from dataclasses import replace
from pathlib import Path
from typing import Any, Final

import numpy as np

from borderwatch import config
from borderwatch.borderzone import bundled_zone, measure
from borderwatch.errors import UnknownDatasetError
from borderwatch.filters import IncidentFilter, IncidentQuery
from borderwatch.mapview import fetch_area, map_data, view_around
from borderwatch.store import DATABASE_FILE, IncidentStore, open_store
from borderwatch.synth import write_synthetic_acled
from scripts import bench
from scripts.bench_engines import engines_parser, run_on_engines

#: The second border (any but the default), measured with the default border's function.
SECOND_BORDER: Final[str] = "DZA-TUN"
#: The distances a user picks for "within X km of the border".
WITHIN_KM: Final[tuple[float, ...]] = (10.0, 25.0, 50.0, 100.0)


def _seconds(action: Callable[..., Any], *args: Any) -> tuple[float, Any]:
    started = time.perf_counter()
    result = action(*args)
    return time.perf_counter() - started, result


def measure_engine(store: IncidentStore, csv_path: Path, seed: int) -> dict[str, Any]:
    """Import the file, measure the second border in bulk (twice), and time the map within X km on both borders."""
    import_s, stored, _ = bench.import_synthetic(store, csv_path)
    signature = bundled_zone().signature
    measure_s, measured = _seconds(store.measure_border, SECOND_BORDER, measure, signature)
    again_s, again = _seconds(store.measure_border, SECOND_BORDER, measure, signature)
    rng = np.random.default_rng(seed)
    first, last = store.filter_options()["date_bounds"]
    area = fetch_area(view_around(config.MAP_CENTER, config.MAP_ZOOM, *bench.MAP_SIZE_PX))
    times: dict[str, list[float]] = {"default": [], "second": []}
    for _ in range(bench.REPEATS):
        start = first + dt.timedelta(days=int(rng.integers(0, max((last - first).days - 365, 1))))
        query = IncidentQuery(IncidentFilter(start=start, end=start + dt.timedelta(days=364)),
                              max_border_km=float(rng.choice(WITHIN_KM)))
        shown = {}
        for name, asked in (("default", query), ("second", replace(query, border=SECOND_BORDER))):
            seconds, data = _seconds(map_data, store, asked, area)
            times[name].append(seconds)
            shown[name] = data.in_view
        if shown["default"] != shown["second"]:
            raise AssertionError(f"the borders disagree on {query}: {shown}")
    return {
        "import_s": import_s, "rows_stored": stored,
        "measure_border": {"seconds": measure_s, "rows": measured, "rows_per_s": measured / measure_s},
        "measure_border_again": {"seconds": again_s, "rows": again},
        "map_within_km": {name: {"p50_s": float(np.percentile(values, 50)), "p95_s": float(np.percentile(values, 95))}
                          for name, values in times.items()},
    }


def run(rows: Sequence[int], url: str, *, seed: int = 1,
        progress: Callable[[str], None] = lambda _line: None) -> dict[str, Any]:
    """Measure both engines at each size in ``rows`` (PostGIS at ``url``, which is written to).

    Returns
    -------
    dict
        ``sizes``: per N, ``sqlite`` and ``postgis`` (see :func:`measure_engine`) and ``ratios``
        (second border over default, p50 and p95, per engine).
    """
    results: dict[str, Any] = {"second_border": SECOND_BORDER, "sizes": []}
    with tempfile.TemporaryDirectory(prefix="borderwatch-bench-borders-") as folder:
        scratch = Path(folder)
        for count in rows:
            progress(f"{count:,} rows: generating")
            csv_path = scratch / f"synthetic-{count}.csv"
            write_synthetic_acled(csv_path, count, seed)
            progress(f"{count:,} rows: SQLite")
            with open_store(scratch / f"sqlite-{count}" / DATABASE_FILE) as store:
                sqlite = measure_engine(store, csv_path, seed)
            progress(f"{count:,} rows: PostGIS")
            with open_store(database_url=url) as store:
                with suppress(UnknownDatasetError):
                    store.remove_dataset("synthetic", actor=bench.BENCH_ACTOR)  # the previous size's rows
                postgis = measure_engine(store, csv_path, seed)
            csv_path.unlink()
            ratios = {engine: {percentile: figures["map_within_km"]["second"][percentile]
                               / figures["map_within_km"]["default"][percentile] for percentile in ("p50_s", "p95_s")}
                      for engine, figures in (("sqlite", sqlite), ("postgis", postgis))}
            results["sizes"].append({"rows": count, "sqlite": sqlite, "postgis": postgis, "ratios": ratios})
    return results


def format_results(results: dict[str, Any]) -> str:
    """The figures as a readable report."""
    lines = [f"BorderWatch: measures against a second border ({results['second_border']})"]
    for size in results["sizes"]:
        lines += ["", f"== {size['rows']:,} incidents ==",
                  "                      measure_border  rows/s     again   map within X km p50/p95 (s)"
                  "   default       second        second/default"]
        for engine in ("sqlite", "postgis"):
            figures, ratio = size[engine], size["ratios"][engine]
            bulk, again, timed = figures["measure_border"], figures["measure_border_again"], figures["map_within_km"]
            lines.append(
                f"  {engine:<8} {bulk['seconds']:9.1f} s for {bulk['rows']:>9,} {bulk['rows_per_s']:9,.0f}"
                f" {again['seconds']:8.3f} s   {timed['default']['p50_s']:7.3f} {timed['default']['p95_s']:7.3f}"
                f"   {timed['second']['p50_s']:7.3f} {timed['second']['p95_s']:7.3f}"
                f"   {ratio['p50_s']:5.2f} {ratio['p95_s']:5.2f}"
            )
    return "\n".join(lines)


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of ``python -m scripts.bench_borders``."""
    return engines_parser(
        "python -m scripts.bench_borders",
        "Import N synthetic incidents into SQLite and PostGIS, measure them against a second border "
        "in bulk, and time the map within X km of the border on the default and the second border.",
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; progress goes to stderr, the figures to stdout. Returns 0."""
    return run_on_engines(build_parser().parse_args(argv), run, format_results, "bench-borders")


if __name__ == "__main__":
    sys.exit(main())
