"""The scale benchmark: ``python -m scripts.bench`` from the checkout (``--help`` for its options).

For each store size N it generates N synthetic ACLED rows
(:mod:`borderwatch.synth`), imports them into a fresh store, and measures
what a user waits for: the import; a filter change (date range, type set)
and a map move, each as the map data the page fetches when nothing is
cached; the map layer's build time and payload at three zoom levels. In the
same run it draws the same points the three usual folium ways (one
``CircleMarker`` each, ``GeoJson`` of a GeoDataFrame, ``FastMarkerCluster``)
and prints BorderWatch's figures as ratios to them: times on a shared
machine vary, ratios from one run compare fairly.

Baselines that would take minutes (a CircleMarker per point for a million
points) are measured on the first points only and scaled linearly to N;
such figures are marked "scaled".

``--border KEY`` runs every figure on another land border
(:mod:`scripts.bench_site`): synthetic incidents around it
(:mod:`borderwatch.synth`), its measures stored as the dashboard stores them,
the map and the analytics on it. Two or more borders run one after the other
in the same process, and the report ends with their figures side by side.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import sqlite3
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
from folium.plugins import FastMarkerCluster
from shapely.geometry.base import BaseGeometry

from borderwatch import config
from borderwatch.borders import BorderLookupError
from borderwatch.cli import EXIT_REFUSED, positive_int
from borderwatch.corridor import cross_border_sequences, incidents_of_points, segment_activity, segment_summary
from borderwatch.filters import IncidentFilter, IncidentQuery
from borderwatch.importers import read_incidents
from borderwatch.mapview import MapView, fetch_area, map_data, view_around
from borderwatch.planner import evaluate, incidents_near, place_greedy
from borderwatch.store import DATABASE_FILE, Actor, IncidentStore, file_sha256, open_store
from borderwatch.synth import write_synthetic_acled
from scripts.bench_compare import comparison, comparison_lines, ratio_text
from scripts.bench_site import DEFAULT_FOCUS, MAP_SIZE_PX, BenchSite, bench_site

#: Map zooms measured: the whole region, the Ben Gardane district, the town.
ZOOMS: Final[tuple[int, ...]] = (6, 9, 12)
#: Who the audit trail of a benchmark's throwaway store names as importing.
BENCH_ACTOR: Final[Actor] = Actor.command_line("bench")
#: Where the empty map the payloads are measured against is centred.
FOCUS: Final[tuple[float, float]] = DEFAULT_FOCUS
#: Timed repetitions of each filter scenario (p50 and p95 are over these).
REPEATS: Final[int] = 20
#: Most points each baseline is measured on; beyond, it is scaled linearly.
BASELINE_CAPS: Final[dict[str, int]] = {
    "circle_marker_each": 5_000,
    "geojson_of_geodataframe": 50_000,
    "fast_marker_cluster": 200_000,
}
_RSS_INTERVAL_S: Final[float] = 0.02


def _rss_bytes() -> int:
    """Resident memory of this process (Linux ``/proc``; 0 where unavailable)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return 0


@dataclass
class PeakMemory:
    """Peak resident memory while a block ran, sampled by a thread."""

    peak_bytes: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)

    def _sample(self) -> None:
        while not self._stop.wait(_RSS_INTERVAL_S):
            self.peak_bytes = max(self.peak_bytes, _rss_bytes())


@contextmanager
def peak_memory() -> Iterator[PeakMemory]:
    """Measure the peak resident memory of the process while the block runs."""
    monitor = PeakMemory(peak_bytes=_rss_bytes())
    sampler = threading.Thread(target=monitor._sample, daemon=True)
    sampler.start()
    try:
        yield monitor
    finally:
        monitor._stop.set()
        sampler.join()
        monitor.peak_bytes = max(monitor.peak_bytes, _rss_bytes())


def _timed(action: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[float, Any]:
    """Seconds ``action(*args, **kwargs)`` took, and its result."""
    start = time.perf_counter()
    result = action(*args, **kwargs)
    return time.perf_counter() - start, result


def _percentiles(seconds: list[float]) -> dict[str, float]:
    values = np.asarray(seconds)
    return {"p50_s": float(np.percentile(values, 50)), "p95_s": float(np.percentile(values, 95)),
            "max_s": float(values.max())}


def _html_bytes(fmap: folium.Map) -> int:
    return len(fmap.get_root().render().encode("utf-8"))


def _empty_map() -> folium.Map:
    return folium.Map(location=FOCUS, zoom_start=ZOOMS[0], tiles=None)


def layer_payload(layer: folium.FeatureGroup, empty_bytes: int) -> tuple[float, int]:
    """Seconds to render a layer into a map, and the bytes it adds to the map's HTML."""
    fmap = _empty_map()
    layer.add_to(fmap)
    seconds, size = _timed(_html_bytes, fmap)
    return seconds, size - empty_bytes


def import_synthetic(store: IncidentStore, path: Path) -> tuple[float, int, int]:
    """Import a synthetic file as the command line does: seconds, rows stored, peak RSS bytes."""
    with peak_memory() as memory:
        seconds, report = _timed(
            store.import_chunks, read_incidents(path, format="acled", dataset="synthetic"),
            dataset="synthetic", format="acled", file_name=path.name, file_hash=file_sha256(path),
            actor=BENCH_ACTOR,
        )
    return seconds, report.accepted, memory.peak_bytes


def _scenarios(store: IncidentStore, rng: np.random.Generator,
               site: BenchSite) -> dict[str, list[tuple[IncidentQuery, MapView]]]:
    """What users change: a year's date range, a set of two types, a map move at zoom 9 near the border."""
    options = store.filter_options()
    first, last = options["date_bounds"]
    types = options["event_types"]
    region = view_around(*site.opening, *MAP_SIZE_PX)
    span_days = max((last - first).days - 365, 1)
    dates, type_sets, moves = [], [], []
    for _ in range(REPEATS):
        start = first + dt.timedelta(days=int(rng.integers(0, span_days)))
        dates.append((IncidentQuery(IncidentFilter(start=start, end=start + dt.timedelta(days=364))), region))
        chosen = tuple(sorted(rng.choice(types, size=min(2, len(types)), replace=False)))
        type_sets.append((IncidentQuery(IncidentFilter(event_types=chosen)), region))
        centre = (site.focus[0] + rng.uniform(-1.5, 1.5), site.focus[1] + rng.uniform(-1.5, 1.5))
        moves.append((IncidentQuery(), view_around(centre, 9, *MAP_SIZE_PX)))
    return {"date_range": dates, "type_set": type_sets, "map_view": moves}


def measure_filters(store: IncidentStore, seed: int, site: BenchSite) -> dict[str, dict[str, float]]:
    """p50/p95 seconds from a filter change or map move to the map's data, uncached."""
    results = {}
    for name, cases in _scenarios(store, np.random.default_rng(seed), site).items():
        seconds = [_timed(map_data, store, query, fetch_area(view))[0] for query, view in cases]
        results[name] = _percentiles(seconds)
    return results


def measure_zooms(store: IncidentStore, empty_bytes: int, site: BenchSite) -> dict[str, dict[str, Any]]:
    """Map data, layer build and payload at each of :data:`ZOOMS` around the border's focus, all incidents shown."""
    from layers.incidents import cells_layer, incidents_layer  # the core package does not need the map

    results = {}
    for zoom in ZOOMS:
        view = view_around(site.focus, zoom, *MAP_SIZE_PX)
        data_s, data = _timed(map_data, store, IncidentQuery(), fetch_area(view))
        if data.points is not None:
            build_s, layer = _timed(incidents_layer, data.points)
        else:
            build_s, layer = _timed(cells_layer, data.cells)
        render_s, payload = layer_payload(layer, empty_bytes)
        results[str(zoom)] = {
            "drawn_as": "points" if data.points is not None else "cells",
            "features": len(data.points) if data.points is not None else len(data.cells),
            "incidents_in_area": data.in_view,
            "data_s": data_s,
            "build_s": build_s + render_s,
            "payload_bytes": payload,
        }
    return results


def _baseline_points(store: IncidentStore, limit: int) -> gpd.GeoDataFrame:
    points = store.points(IncidentQuery(), limit=limit)
    return gpd.GeoDataFrame(points, geometry=gpd.points_from_xy(points["longitude"], points["latitude"]),
                            crs="EPSG:4326")


def _circle_markers(points: gpd.GeoDataFrame) -> folium.FeatureGroup:
    group = folium.FeatureGroup(name="baseline")
    for row in points.itertuples():
        folium.CircleMarker(
            location=(row.latitude, row.longitude), radius=5,
            tooltip=f"{row.location} · {row.event_date}", popup=f"{row.event_type}: {row.deaths_best} deaths",
        ).add_to(group)
    return group


def _geojson(points: gpd.GeoDataFrame) -> folium.FeatureGroup:
    group = folium.FeatureGroup(name="baseline")
    folium.GeoJson(points.astype({"deaths_best": "float"}), marker=folium.CircleMarker(radius=5)).add_to(group)
    return group


def _fast_marker_cluster(points: gpd.GeoDataFrame) -> folium.FeatureGroup:
    group = folium.FeatureGroup(name="baseline")
    FastMarkerCluster(points[["latitude", "longitude"]].to_numpy().tolist()).add_to(group)
    return group


_BASELINES: Final[dict[str, Callable[[gpd.GeoDataFrame], folium.FeatureGroup]]] = {
    "circle_marker_each": _circle_markers,
    "geojson_of_geodataframe": _geojson,
    "fast_marker_cluster": _fast_marker_cluster,
}


def measure_baselines(store: IncidentStore, rows: int, empty_bytes: int,
                      caps: dict[str, int]) -> dict[str, dict[str, Any]]:
    """Build time and payload of the three usual ways, on the store's points, scaled to ``rows``."""
    results = {}
    for name, build in _BASELINES.items():
        measured = min(rows, caps[name])
        points = _baseline_points(store, measured)
        build_s, layer = _timed(build, points)
        render_s, payload = layer_payload(layer, empty_bytes)
        scale = rows / max(len(points), 1)
        results[name] = {
            "measured_points": len(points),
            "scaled": scale > 1,
            "build_s": (build_s + render_s) * scale,
            "payload_bytes": int(payload * scale),
        }
    return results


#: Incidents the quadratic baselines of the analytics are measured on.
ANALYTICS_BASELINE_CAP: Final[int] = 5_000


def _naive_distances(latitude: np.ndarray, longitude: np.ndarray, border: BaseGeometry, crs: str) -> np.ndarray:
    """The usual GeoPandas way: a GeoSeries, ``to_crs``, ``distance`` to the border line (in ``crs``)."""
    points = gpd.GeoSeries(gpd.points_from_xy(longitude, latitude), crs=config.GEOGRAPHIC_CRS)
    return points.to_crs(crs).distance(border).to_numpy() / 1000


def _naive_sequences(incidents: gpd.GeoDataFrame, days: int, radius_km: float, site: BenchSite) -> int:
    """Pairs by a spatial self-join within R km (GeoPandas ``sjoin`` "dwithin"), then the date and side tests."""
    metric = incidents.to_crs(site.metric_crs)[["id", "event_date", "border_side", "geometry"]]
    joined = metric.sjoin(metric, predicate="dwithin", distance=radius_km * 1000 + config.SEQUENCE_TOLERANCE_M)
    lag = (joined["event_date_right"] - joined["event_date_left"]).dt.days
    both_sides = site.sides
    sides = joined["border_side_left"].isin(both_sides) & joined["border_side_right"].isin(both_sides)
    return int(((lag >= 0) & (lag <= days) & sides & (joined["border_side_left"] != joined["border_side_right"])).sum())


def _segment_table(incidents: pd.DataFrame, segments: gpd.GeoDataFrame) -> pd.DataFrame:
    return segment_summary(segment_activity(incidents, segments, "month"), segments)


def measure_analytics(store: IncidentStore, site: BenchSite) -> dict[str, Any]:
    """Time the border analytics on the stored incidents, with same-run baselines.

    Measured: the measures against the border (as the import or
    :meth:`~borderwatch.store.IncidentStore.measure_border` computes them)
    against the usual GeoPandas ``to_crs().distance()``; "within 35 km of the
    border" as map data against no distance filter; the segment table; the
    cross-border sequences (whole corridor, and on at most
    :data:`ANALYTICS_BASELINE_CAP` incidents against a spatial self-join); the
    greedy sensor placement (on the barrier, or on another border's longest part).
    """
    results: dict[str, Any] = {}
    everything = store.points(IncidentQuery())
    latitude, longitude = everything["latitude"].to_numpy(float), everything["longitude"].to_numpy(float)
    site.measure(latitude[:10], longitude[:10])  # the zone is read once per process, as in an import
    measure_s, _ = _timed(site.measure, latitude, longitude)
    border = gpd.GeoSeries([site.line], crs=config.GEOGRAPHIC_CRS).to_crs(site.metric_crs).iloc[0]
    naive_s, _ = _timed(_naive_distances, latitude, longitude, border, site.metric_crs)
    results["measures"] = {"rows": len(everything), "seconds": measure_s, "rows_per_s": len(everything) / measure_s,
                           "baseline_distance_only_s": naive_s, "ratio": _ratio(measure_s, naive_s)}
    del everything
    area = fetch_area(view_around(*site.opening, *MAP_SIZE_PX))
    within = IncidentQuery(max_border_km=config.CORRIDOR_KM, border=site.key)
    filtered = _percentiles([_timed(map_data, store, within, area)[0] for _ in range(5)])
    unfiltered = _percentiles([_timed(map_data, store, IncidentQuery(), area)[0] for _ in range(5)])
    results["within_corridor_map_data"] = {**filtered, "baseline_no_distance_p50_s": unfiltered["p50_s"],
                                           "ratio": _ratio(filtered["p50_s"], unfiltered["p50_s"])}
    fetch_s, near = _timed(store.points, IncidentQuery(max_border_km=config.SEQUENCE_RADIUS_KM, border=site.key))
    near = incidents_of_points(near)
    corridor_rows = near[near["distance_border_km"] <= config.CORRIDOR_KM]
    segment_s, _ = _timed(_segment_table, corridor_rows, site.segments())
    results["segments"] = {"incidents": len(corridor_rows), "seconds": segment_s}
    sequences = {"sides": site.sides, "metric_crs": site.metric_crs}
    sequence_s, pairs = _timed(cross_border_sequences, near, **sequences)
    results["sequences"] = {"incidents": len(near), "fetch_s": fetch_s, "seconds": sequence_s, "pairs": len(pairs),
                            "truncated": bool(pairs.attrs.get("truncated"))}
    sample = near.sort_values("event_date").head(ANALYTICS_BASELINE_CAP)
    ours_s, ours_pairs = _timed(cross_border_sequences, sample, max_pairs=10**9, **sequences)
    join_s, join_pairs = _timed(_naive_sequences, sample, config.SEQUENCE_DAYS, config.SEQUENCE_RADIUS_KM, site)
    results["sequences_vs_self_join"] = {"incidents": len(sample), "seconds": ours_s, "baseline_s": join_s,
                                         "pairs": len(ours_pairs), "baseline_pairs": join_pairs,
                                         "ratio": _ratio(ours_s, join_s)}
    line, crs = site.planner_line, site.planner_crs
    judged = incidents_near(line, near, config.CORRIDOR_KM, crs)
    greedy_s, positions = _timed(place_greedy, line, config.SENSOR_COUNT, config.SENSOR_RANGE_KM, judged,
                                 metric_crs=crs)
    evaluate_s, _ = _timed(evaluate, line, positions, config.SENSOR_RANGE_KM, judged, "bench", "greedy",
                           metric_crs=crs)
    results["planner"] = {"line": site.planner_line_name, "incidents": len(judged), "greedy_s": greedy_s,
                          "evaluate_s": evaluate_s}
    return results


def run(rows: tuple[int, ...] = config.BENCH_ROWS, *, seed: int = 1, work_dir: Path | None = None,
        caps: dict[str, int] | None = None, progress: Callable[[str], None] | None = None,
        borders: tuple[str, ...] = (config.DEFAULT_BORDER,)) -> dict[str, Any]:
    """Run the benchmark.

    Parameters
    ----------
    rows : tuple of int
        Store sizes.
    seed : int
        Seed of the synthetic data and of the filter scenarios.
    work_dir : Path, optional
        Where the synthetic files and stores go (a temporary folder, removed after, by default).
    caps : dict, optional
        Most points per baseline (see :data:`BASELINE_CAPS`).
    progress : callable, optional
        Called with a short line before each step.
    borders : tuple of str
        The land borders to measure on, each as two codes in either order
        (default Tunisia–Libya); every size runs on each, in this order.

    Returns
    -------
    dict
        ``machine`` (cores, Python, SQLite), ``borders`` (their keys) and ``sizes``: one
        entry per border and N with ``border``, ``import``, ``border_measures``, ``filters``,
        ``zooms``, ``baselines``, ``ratios`` and ``analytics``; with two borders or more,
        ``comparison`` (see :func:`scripts.bench_compare.comparison`).

    Raises
    ------
    borderwatch.borders.BorderLookupError
        If a border is unknown, before anything is generated.
    """
    caps = {**BASELINE_CAPS, **(caps or {})}
    say = progress or _quiet
    sites = [bench_site(key) for key in borders]
    results: dict[str, Any] = {
        "machine": {"cores": os.cpu_count(), "python": platform.python_version(),
                    "sqlite": sqlite3.sqlite_version, "platform": platform.platform()},
        "borders": [site.key for site in sites],
        "sizes": [],
    }
    with tempfile.TemporaryDirectory(prefix="borderwatch-bench-") as scratch:
        folder = Path(work_dir or scratch)
        empty_bytes = _html_bytes(_empty_map())
        for site in sites:
            for count in rows:
                results["sizes"].append(_measure_size(folder, site, count, seed, empty_bytes, caps, say))
    if len(sites) > 1:
        results["comparison"] = comparison(results["sizes"], results["borders"])
    return results


def _measure_size(folder: Path, site: BenchSite, count: int, seed: int, empty_bytes: int, caps: dict[str, int],
                  say: Callable[[str], None]) -> dict[str, Any]:
    """Every figure of one store size on one border (its synthetic file and store go in ``folder``)."""
    step = f"{site.key}, {count:,} rows:"
    say(f"{step} generating")
    csv_path = folder / f"synthetic-{site.key}-{count}.csv"
    write_synthetic_acled(csv_path, count, seed, border=site.border)
    say(f"{step} importing")
    store = open_store(folder / f"store-{site.key}-{count}" / DATABASE_FILE)
    try:
        import_s, stored, import_peak = import_synthetic(store, csv_path)
        csv_path.unlink()
        say(f"{step} measuring against the border")
        measured_s, measured = _timed(site.measure_in_store, store)
        say(f"{step} filters and map")
        with peak_memory() as memory:
            filters = measure_filters(store, seed, site)
            zooms = measure_zooms(store, empty_bytes, site)
        say(f"{step} baselines")
        baselines = measure_baselines(store, count, empty_bytes, caps)
        say(f"{step} border analytics")
        analytics = measure_analytics(store, site)
    finally:
        store.close()
    return {
        "rows": count,
        "border": site.key,
        "border_name": site.border.name,
        "import": {"seconds": import_s, "rows_stored": stored, "rows_per_s": stored / import_s,
                   "peak_rss_mb": import_peak / 2**20},
        # Another border's measures are stored before its first read (the default's during the import).
        "border_measures": {"seconds": measured_s, "rows": measured},
        "filters": filters,
        "zooms": zooms,
        "query_peak_rss_mb": memory.peak_bytes / 2**20,
        "baselines": baselines,
        "ratios": _ratios(zooms, baselines),
        "analytics": analytics,
    }


def _quiet(_line: str) -> None:
    """Progress sink that says nothing."""


def _ratios(zooms: dict[str, dict[str, Any]], baselines: dict[str, dict[str, Any]]) -> dict[str, dict[str, float]]:
    """BorderWatch's region view (the map as it opens) against each baseline, which draws every point."""
    ours = zooms[str(ZOOMS[0])]
    return {
        name: {
            "build_time": _ratio(ours["data_s"] + ours["build_s"], baseline["build_s"]),
            "payload": _ratio(ours["payload_bytes"], baseline["payload_bytes"]),
        }
        for name, baseline in baselines.items()
    }


def _ratio(ours: float, baseline: float) -> float | None:
    """``ours / baseline``, or None (JSON null) when the baseline measured nothing."""
    return ours / baseline if baseline else None


def _mb(value: float) -> str:
    return f"{value:,.1f} MB"


def _ratio_text(value: float | None) -> str:
    """A ratio as people read it (:func:`scripts.bench_compare.ratio_text`), right-aligned in 10 characters."""
    return f"{ratio_text(value):>10}"


def format_results(results: dict[str, Any]) -> str:
    """The benchmark's figures as a readable report."""
    machine = results["machine"]
    lines = [f"BorderWatch benchmark — {machine['cores']} cores, Python {machine['python']}, "
             f"SQLite {machine['sqlite']}"]
    for size in results["sizes"]:
        imported, stored = size["import"], size["border_measures"]
        lines += [
            "",
            f"== {size['rows']:,} incidents around {size['border_name']} ({size['border']}) ==",
            f"import: {imported['seconds']:.1f} s, {imported['rows_per_s']:,.0f} rows/s, "
            f"peak RSS {_mb(imported['peak_rss_mb'])}",
        ]
        if stored["rows"]:
            lines.append(f"measures against the border stored (before its first read): {stored['seconds']:.1f} s"
                         f" for {stored['rows']:,} incidents")
        lines.append("filter change -> map data (uncached):   p50      p95      max")
        for name, figures in size["filters"].items():
            lines.append(f"  {name:<34} {figures['p50_s']:7.3f}  {figures['p95_s']:7.3f}  {figures['max_s']:7.3f} s")
        lines.append(f"  peak RSS during the queries: {_mb(size['query_peak_rss_mb'])}")
        lines.append("map at zoom:  drawn as   features  in area     data s  build s   payload")
        for zoom, figures in size["zooms"].items():
            lines.append(
                f"  {zoom:>9}   {figures['drawn_as']:<8} {figures['features']:>9,} {figures['incidents_in_area']:>9,}"
                f"   {figures['data_s']:7.3f}  {figures['build_s']:7.3f}  {figures['payload_bytes']:>9,} B"
            )
        lines.append(f"baselines: all {size['rows']:,} points drawn the usual folium ways, same run; ratios are")
        lines.append(f"ours at zoom {ZOOMS[0]} (the map as it opens: data + build) / baseline")
        lines.append("  way                        build s         payload    time ratio  payload ratio")
        for name, figures in size["baselines"].items():
            ratio = size["ratios"][name]
            lines.append(
                f"  {name:<24} {figures['build_s']:9.2f}  {figures['payload_bytes']:>14,} B"
                f"  {_ratio_text(ratio['build_time'])}     {_ratio_text(ratio['payload'])}"
            )
            if figures["scaled"]:
                lines.append(f"    (measured on {figures['measured_points']:,} points, scaled linearly)")
        lines += _analytics_lines(size["analytics"])
    if "comparison" in results:
        lines += comparison_lines(results["comparison"])
    return "\n".join(lines)


def _analytics_lines(analytics: dict[str, Any]) -> list[str]:
    measures, within = analytics["measures"], analytics["within_corridor_map_data"]
    segments, sequences = analytics["segments"], analytics["sequences"]
    versus, planner = analytics["sequences_vs_self_join"], analytics["planner"]
    return [
        "border analytics:",
        f"  measures of {measures['rows']:,} points: {measures['seconds']:.2f} s ({measures['rows_per_s']:,.0f}/s);"
        f" GeoPandas to_crs().distance() alone {measures['baseline_distance_only_s']:.2f} s,"
        f" ratio {_ratio_text(measures['ratio']).strip()}",
        f"  map data within {config.CORRIDOR_KM:g} km of the border: p50 {within['p50_s']:.3f} s, p95"
        f" {within['p95_s']:.3f} s; without the distance filter p50 {within['baseline_no_distance_p50_s']:.3f} s,"
        f" ratio {_ratio_text(within['ratio']).strip()}",
        f"  segment table ({segments['incidents']:,} corridor incidents, by month): {segments['seconds']:.2f} s",
        f"  cross-border sequences ({sequences['incidents']:,} incidents within {config.SEQUENCE_RADIUS_KM:g} km):"
        f" read {sequences['fetch_s']:.2f} s, found {sequences['pairs']:,} pairs"
        + (" (capped)" if sequences["truncated"] else "") + f" in {sequences['seconds']:.2f} s",
        f"    on {versus['incidents']:,} incidents: {versus['seconds']:.2f} s, {versus['pairs']:,} pairs;"
        f" GeoPandas self-join {versus['baseline_s']:.2f} s, {versus['baseline_pairs']:,} pairs,"
        f" ratio {_ratio_text(versus['ratio']).strip()}",
        f"  planner, {config.SENSOR_COUNT} sensors on {planner['line']}, {planner['incidents']:,} incidents:"
        f" greedy {planner['greedy_s']:.2f} s, evaluate {planner['evaluate_s']:.2f} s",
    ]


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of ``python -m scripts.bench``."""
    parser = argparse.ArgumentParser(
        prog="python -m scripts.bench",
        description=(
            "For each N: generate N synthetic ACLED rows, import them into a fresh store\n"
            "(in a temporary folder, never your store), and measure import rows/s; map data\n"
            "after a filter change (date range, type set) and a map move, p50/p95; the\n"
            "map layer's build time and payload at zooms 6, 9 and 12; peak memory. The\n"
            "same points drawn the three usual folium ways give the baselines each figure\n"
            "is compared with, in the same run. --border runs it all on another land\n"
            "border (synthetic incidents around it); two borders or more run one after\n"
            "the other and the report ends with them side by side, with ratios."
        ),
        epilog="examples:\n  python -m scripts.bench\n  python -m scripts.bench --rows 10000 --json\n"
               "  python -m scripts.bench --rows 100000 --border DZA-MAR\n"
               "  python -m scripts.bench --rows 100000 --border TUN-LBY DZA-MAR",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--rows", type=positive_int, nargs="+", metavar="N", default=list(config.BENCH_ROWS),
                        help="store sizes (default: 10000 100000 1000000)")
    parser.add_argument("--seed", type=int, default=1, metavar="S", help="random seed (default 1)")
    parser.add_argument("--work-dir", metavar="DIR",
                        help="folder for the synthetic files and stores (default: a temporary one)")
    parser.add_argument("--border", nargs="+", metavar="KEY", default=[config.DEFAULT_BORDER],
                        help="land borders to measure on, each two ISO 3166-1 alpha-3 codes in either order, e.g. "
                             f"DZA-MAR (see borderwatch borders; default {config.DEFAULT_BORDER}); with two or more, "
                             "the figures side by side too")
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark from the command line; progress goes to stderr, the figures to stdout.

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        0, or 2 when a border is unknown (one line on stderr offers close codes).
    """
    parser = build_parser()
    args = parser.parse_args(argv)

    def say(line: str) -> None:
        print(f"bench: {line}", file=sys.stderr, flush=True)

    try:
        results = run(tuple(args.rows), seed=args.seed, work_dir=Path(args.work_dir) if args.work_dir else None,
                      progress=say, borders=tuple(args.border))
    except BorderLookupError as error:
        print(f"{parser.prog}: error: {error}", file=sys.stderr)
        return EXIT_REFUSED
    print(json.dumps(results) if args.json else format_results(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
