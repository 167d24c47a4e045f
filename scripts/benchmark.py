"""Benchmark of the map build and the import path, with baselines from the same run.

Run by hand (figures go in the issue notes and the README):

    .venv/bin/python scripts/benchmark.py --rows 100000
    .venv/bin/python scripts/benchmark.py --rows 100000 --json

It prints absolute figures and, for each, a ratio to a baseline measured in
the same process on the same machine (times on a shared machine vary by up
to 2x between runs; ratios from one run compare fairly):

* map: building the dashboard's base map and attack-site layer for the
  bundled incidents, against an empty folium map; HTML payload in bytes.
* import: reading an ACLED CSV of N generated rows with BorderWatch's
  importer (detection, mapping, per-row validation), against a plain
  ``pandas.read_csv`` of the same file; then storing it in a new SQLite
  store; peak memory of each step (tracemalloc, Python allocations, in a
  second run so that tracing does not slow the timed one).
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import folium  # noqa: E402
import pandas as pd  # noqa: E402

from borderwatch import reference  # noqa: E402
from borderwatch.assets import asset_urls  # noqa: E402
from borderwatch.importers import read_incidents  # noqa: E402
from borderwatch.store import open_store  # noqa: E402
from layers.basemap import base_map  # noqa: E402
from layers.incidents import incidents_layer  # noqa: E402

ACLED_HEADER = (
    "event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,actor1,"
    "assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,civilian_targeting,iso,region,country,"
    "admin1,admin2,admin3,location,latitude,longitude,geo_precision,source,source_scale,notes,fatalities,"
    "tags,timestamp"
).split(",")
TOWNS = (
    ("Ben Gardane", "Medenine", 33.1389, 11.2167),
    ("Zarzis", "Medenine", 33.5036, 11.1122),
    ("Medenine", "Medenine", 33.3549, 10.5055),
    ("Tataouine", "Tataouine", 32.9297, 10.4518),
    ("Dehiba", "Tataouine", 32.0167, 10.7000),
)
TYPES = (
    ("Battles", "Armed clash"),
    ("Violence against civilians", "Attack"),
    ("Explosions/Remote violence", "Remote explosive/landmine/IED"),
    ("Protests", "Peaceful protest"),
    ("Riots", "Mob violence"),
)


def write_acled(path: Path, rows: int, seed: int = 7) -> Path:
    """Write ``rows`` plausible ACLED records in Tunisia's border governorates."""
    generator = random.Random(seed)
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(ACLED_HEADER)
        for number in range(rows):
            town, admin1, latitude, longitude = generator.choice(TOWNS)
            event_type, sub_event_type = generator.choice(TYPES)
            year = generator.randint(2015, 2023)
            writer.writerow([
                f"TUN{number}", f"{year}-{generator.randint(1, 12):02d}-{generator.randint(1, 28):02d}", year, 1,
                "Political violence", event_type, sub_event_type, "Military Forces of Tunisia (2014-2019)", "", 1,
                "Unidentified Armed Group (Tunisia)", "", 3, 13, "", 788, "Northern Africa", "Tunisia", admin1, "",
                "", town, f"{latitude + generator.uniform(-0.1, 0.1):.4f}",
                f"{longitude + generator.uniform(-0.1, 0.1):.4f}", 1, "Mosaique FM", "National",
                f"Generated event {number}.", int(generator.expovariate(0.6)), "", 1618910000,
            ])
    return path


def measure(action: Callable[[], Any]) -> tuple[float, int, Any]:
    """Run ``action`` twice: timed alone, then under tracemalloc (which slows
    it) for the peak bytes Python allocated. Returns (seconds, peak, result)."""
    started = time.perf_counter()
    result = action()
    seconds = time.perf_counter() - started
    tracemalloc.start()
    action()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return seconds, peak, result


def bench_map() -> dict[str, float]:
    """Base map plus the attack-site layer for the bundled data, against an empty map."""
    scripts, styles = asset_urls("/app/static")
    countries, border, barrier = reference.load_countries(), reference.load_border(), reference.load_barrier()
    places, incidents = reference.load_places(), reference.load_incidents()

    def empty() -> str:
        return folium.Map(tiles=None).get_root().render()

    def dashboard() -> str:
        fmap = base_map(countries, border, barrier, places, scripts, styles, sorted(incidents["event_type"].unique()))
        incidents_layer(incidents).add_to(fmap)
        return fmap.get_root().render()

    baseline_s, _, baseline_html = measure(empty)
    build_s, peak, html = measure(dashboard)
    return {
        "incidents": len(incidents),
        "empty_map_s": baseline_s,
        "dashboard_map_s": build_s,
        "dashboard_map_ratio": build_s / baseline_s,
        "dashboard_map_bytes": len(html.encode()),
        "empty_map_bytes": len(baseline_html.encode()),
        "dashboard_map_peak_mb": peak / 1e6,
    }


def bench_import(rows: int) -> dict[str, float]:
    """Parse and store ``rows`` generated ACLED records, against pandas.read_csv."""
    with tempfile.TemporaryDirectory() as folder:
        path = write_acled(Path(folder) / "acled.csv", rows)
        baseline_s, baseline_peak, _ = measure(lambda: pd.read_csv(path, dtype=str, keep_default_na=False))

        def parse() -> int:
            return sum(len(chunk.incidents) for chunk in read_incidents(path, dataset="acled"))

        parse_s, parse_peak, accepted = measure(parse)
        runs = iter(range(2))

        def store_all() -> Any:
            # A new store each time, so both runs add every row.
            with open_store(Path(folder) / f"store-{next(runs)}.sqlite") as store:
                return store.import_chunks(
                    read_incidents(path, dataset="acled", chunk_rows=25_000),
                    dataset="acled", format="acled", file_name=path.name, file_hash="benchmark",
                )

        store_s, store_peak, report = measure(store_all)
    return {
        "rows": rows,
        "accepted": accepted,
        "added": report.added,
        "read_csv_rows_per_s": rows / baseline_s,
        "parse_rows_per_s": rows / parse_s,
        "parse_time_ratio": parse_s / baseline_s,
        "store_rows_per_s": rows / store_s,
        "store_time_ratio": store_s / baseline_s,
        "read_csv_peak_mb": baseline_peak / 1e6,
        "parse_peak_mb": parse_peak / 1e6,
        "store_peak_mb": store_peak / 1e6,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000, help="ACLED rows to generate (default 100,000)")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of text")
    args = parser.parse_args(argv)
    results = {"map": bench_map(), "import": bench_import(args.rows)}
    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    for section, figures in results.items():
        print(f"[{section}]")
        for name, value in figures.items():
            print(f"  {name:28} {value:,.3f}" if isinstance(value, float) else f"  {name:28} {value:,}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
