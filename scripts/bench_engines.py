"""The two engines side by side: ``python -m scripts.bench_engines`` from the checkout (``--help``).

For each store size N it generates N synthetic ACLED rows and, in one run:

- imports them into the embedded SQLite store and into PostGIS, as the
  command line does (parsing, validation, measures against the border,
  duplicate flags, summaries, indexes);
- loads the very rows PostGIS stored, already parsed and measured, into a
  bare table (no index, no constraint) with one ``COPY``: the floor any
  import into that server pays;
- times the map data after a filter change (a year's dates, two types) and
  after a map move, p50/p95 over :data:`scripts.bench.REPEATS` cases each,
  uncached, on both engines.

Figures are printed with their ratios: times on a shared machine vary, ratios
from one run compare fairly. Without ``--database-url`` the PostGIS side runs
on a throwaway cluster on loopback (tests/pgcluster.py: Debian's
postgresql-15 and postgresql-15-postgis-3), removed at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import psycopg

from borderwatch.cli import positive_int
from borderwatch.errors import UnknownDatasetError
from borderwatch.store import DATABASE_FILE, IncidentStore, open_store
from borderwatch.synth import write_synthetic_acled
from scripts.bench import BENCH_ACTOR, import_synthetic, measure_filters
from scripts.bench_site import bench_site

#: The bare table the floor is loaded into (dropped before and after).
FLOOR_TABLE = "bench_copy_floor"
#: Rows read per chunk while the stored rows are copied out and back in.
COPY_CHUNK_BYTES = 1 << 20


@contextmanager
def throwaway_database() -> Iterator[str]:
    """A PostGIS database on a cluster of its own in a temporary folder; its URL. Removed afterwards."""
    from tests.pgcluster import PgCluster  # Debian's binaries, only when no URL is given

    cluster = PgCluster()
    try:
        cluster.start()
        yield cluster.create_database()
    finally:
        cluster.stop()


def copy_floor(url: str, scratch: Path) -> dict[str, float]:
    """Seconds to ``COPY`` the rows PostGIS stored into a bare table: what loading alone costs there.

    The rows are first copied out to a file (not timed), in PostgreSQL's
    binary format, so the timed ``COPY`` neither parses text nor reads the
    source table.
    """
    dump = scratch / "floor.copy"
    with psycopg.connect(url, autocommit=True) as connection:
        stored_rows = "SELECT * FROM incidents WHERE dataset = 'synthetic'"
        with (connection.cursor() as cursor, open(dump, "wb") as out,
              cursor.copy(f"COPY ({stored_rows}) TO STDOUT (FORMAT BINARY)") as copy):
            for chunk in copy:
                out.write(chunk)
        connection.execute(f"DROP TABLE IF EXISTS {FLOOR_TABLE}")
        connection.execute(f"CREATE TABLE {FLOOR_TABLE} (LIKE incidents)")
        started = time.perf_counter()
        with (connection.transaction(), connection.cursor() as cursor, open(dump, "rb") as source,
              cursor.copy(f"COPY {FLOOR_TABLE} FROM STDIN (FORMAT BINARY)") as copy):
            while chunk := source.read(COPY_CHUNK_BYTES):
                copy.write(chunk)
        seconds = time.perf_counter() - started
        rows = connection.execute(f"SELECT count(*) FROM {FLOOR_TABLE}").fetchone()
        connection.execute(f"DROP TABLE {FLOOR_TABLE}")
    dump.unlink()
    stored = int(rows[0]) if rows else 0
    return {"seconds": seconds, "rows": stored, "rows_per_s": stored / seconds if seconds else 0.0}


def measure_engine(store: IncidentStore, csv_path: Path, seed: int) -> dict[str, Any]:
    """Import the file into ``store``, then time the map data after filter changes and map moves."""
    import_s, stored, peak = import_synthetic(store, csv_path)
    return {
        "import": {"seconds": import_s, "rows_stored": stored, "rows_per_s": stored / import_s,
                   "peak_rss_mb": peak / 2**20},
        "filters": measure_filters(store, seed, bench_site()),  # on the default border, as always
    }


def _server(url: str) -> dict[str, str]:
    with psycopg.connect(url) as connection:
        row = connection.execute("SELECT current_setting('server_version'), postgis_lib_version()").fetchone()
    return {"postgresql": str(row[0]), "postgis": str(row[1])} if row else {}


def run(rows: Sequence[int], url: str, *, seed: int = 1,
        progress: Callable[[str], None] = lambda _line: None) -> dict[str, Any]:
    """Measure both engines at each size in ``rows`` (PostGIS at ``url``, which is written to).

    Returns
    -------
    dict
        ``machine`` and ``sizes``: per N, ``sqlite``, ``postgis`` (each
        ``import`` and ``filters``), ``copy_floor`` and ``ratios``.
    """
    results: dict[str, Any] = {
        "machine": {"cores": os.cpu_count(), "python": platform.python_version(),
                    "platform": platform.platform(), **_server(url)},
        "sizes": [],
    }
    with tempfile.TemporaryDirectory(prefix="borderwatch-bench-engines-") as folder:
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
                    store.remove_dataset("synthetic", actor=BENCH_ACTOR)  # the previous size's rows
                postgis = measure_engine(store, csv_path, seed)
            progress(f"{count:,} rows: COPY into a bare table")
            floor = copy_floor(url, scratch)
            csv_path.unlink()
            results["sizes"].append({
                "rows": count, "sqlite": sqlite, "postgis": postgis, "copy_floor": floor,
                "ratios": _ratios(sqlite, postgis, floor),
            })
    return results


def _ratios(sqlite: dict[str, Any], postgis: dict[str, Any], floor: dict[str, float]) -> dict[str, Any]:
    """PostGIS's figures over the floor's and over SQLite's."""
    import_s = postgis["import"]["seconds"]
    return {
        "import_postgis_over_copy": import_s / floor["seconds"],
        "import_postgis_over_sqlite": import_s / sqlite["import"]["seconds"],
        "map_data_postgis_over_sqlite": {
            name: {"p50": figures["p50_s"] / sqlite["filters"][name]["p50_s"],
                   "p95": figures["p95_s"] / sqlite["filters"][name]["p95_s"]}
            for name, figures in postgis["filters"].items()
        },
    }


def format_results(results: dict[str, Any]) -> str:
    """The figures as a readable report."""
    machine = results["machine"]
    lines = [f"BorderWatch engines — {machine['cores']} cores, Python {machine['python']}, "
             f"PostgreSQL {machine.get('postgresql', '?')}, PostGIS {machine.get('postgis', '?')}"]
    for size in results["sizes"]:
        sqlite, postgis, floor, ratios = size["sqlite"], size["postgis"], size["copy_floor"], size["ratios"]
        lines += ["", f"== {size['rows']:,} incidents ==", "import                          seconds     rows/s"]
        for name, figures in (("SQLite (embedded)", sqlite["import"]), ("PostGIS", postgis["import"]),
                              ("COPY into a bare table", floor)):
            lines.append(f"  {name:<26} {figures['seconds']:9.1f}  {figures['rows_per_s']:9,.0f}")
        lines += [
            f"  PostGIS / COPY {ratios['import_postgis_over_copy']:.1f}x,"
            f" PostGIS / SQLite {ratios['import_postgis_over_sqlite']:.2f}x",
            "map data (uncached)      SQLite p50   p95    PostGIS p50   p95    ratio p50  p95",
        ]
        for name, figures in postgis["filters"].items():
            mine, ratio = sqlite["filters"][name], ratios["map_data_postgis_over_sqlite"][name]
            lines.append(
                f"  {name:<20} {mine['p50_s']:9.3f} {mine['p95_s']:6.3f}   {figures['p50_s']:9.3f}"
                f" {figures['p95_s']:6.3f}   {ratio['p50']:7.2f} {ratio['p95']:5.2f}"
            )
    return "\n".join(lines)


def engines_parser(prog: str, description: str) -> argparse.ArgumentParser:
    """The options of a bench that runs on both engines: store sizes, a database, a seed, JSON output."""
    parser = argparse.ArgumentParser(prog=prog, description=description)
    parser.add_argument("--rows", type=positive_int, nargs="+", metavar="N", default=[100_000],
                        help="store sizes (default: 100000)")
    parser.add_argument("--database-url", metavar="URL",
                        help="a PostGIS database made for the bench (it is written to); default: a throwaway "
                             "cluster on loopback, removed at the end")
    parser.add_argument("--seed", type=int, default=1, metavar="S", help="random seed (default 1)")
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    return parser


def run_on_engines(args: argparse.Namespace, bench: Callable[..., dict], formatted: Callable[[dict], str],
                   name: str) -> int:
    """Run ``bench(rows, url, seed=, progress=)`` on the database of ``--database-url``, else on a
    throwaway cluster; progress goes to stderr, the figures to stdout. Returns 0."""

    def say(line: str) -> None:
        print(f"{name}: {line}", file=sys.stderr, flush=True)

    if args.database_url:
        results = bench(args.rows, args.database_url, seed=args.seed, progress=say)
    else:
        with throwaway_database() as url:
            results = bench(args.rows, url, seed=args.seed, progress=say)
    print(json.dumps(results) if args.json else formatted(results))
    return 0


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of ``python -m scripts.bench_engines``."""
    return engines_parser(
        "python -m scripts.bench_engines",
        "Import N synthetic incidents into SQLite and PostGIS, COPY the same rows into a bare "
        "table, and time the map data after filter changes and map moves on both engines.",
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the comparison; progress goes to stderr, the figures to stdout. Returns 0."""
    return run_on_engines(build_parser().parse_args(argv), run, format_results, "bench-engines")


if __name__ == "__main__":
    sys.exit(main())
