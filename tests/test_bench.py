"""``python -m scripts.bench`` runs at a small size in CI, so it cannot rot; no timing is asserted."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def test_bench_prints_every_figure_and_its_ratio_to_the_baselines(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "scripts.bench", "--rows", "2500", "--json", "--work-dir", str(tmp_path)],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=300, check=True,
    )
    figures = json.loads(result.stdout)
    (size,) = figures["sizes"]
    assert size["rows"] == 2500
    assert size["import"]["rows_stored"] == 2500 and size["import"]["rows_per_s"] > 0
    assert size["import"]["peak_rss_mb"] > 0 and size["query_peak_rss_mb"] > 0
    for scenario in ("date_range", "type_set", "map_view"):
        timings = size["filters"][scenario]
        assert 0 < timings["p50_s"] <= timings["p95_s"] <= timings["max_s"]
    assert set(size["zooms"]) == {"6", "9", "12"}
    # Each zoom says whether it drew individual points or counted cells.
    for zoom in size["zooms"].values():
        assert zoom["drawn_as"] in ("points", "cells") and zoom["payload_bytes"] > 0
    assert set(size["baselines"]) == {"circle_marker_each", "geojson_of_geodataframe", "fast_marker_cluster"}
    for name, baseline in size["baselines"].items():
        assert baseline["measured_points"] == 2500 and not baseline["scaled"]
        assert size["ratios"][name]["payload"] > 0 and size["ratios"][name]["build_time"] > 0
    # Ours ships far less than drawing every point does.
    assert size["zooms"]["6"]["payload_bytes"] < size["baselines"]["geojson_of_geodataframe"]["payload_bytes"] / 10
    analytics = size["analytics"]
    # The bundled 30 are stored beside the synthetic rows, and all are measured.
    assert analytics["measures"]["rows"] == 2530 and analytics["measures"]["ratio"] > 0
    assert analytics["within_corridor_map_data"]["ratio"] > 0
    versus = analytics["sequences_vs_self_join"]
    # The sweep and the spatial self-join find the same pairs.
    assert versus["pairs"] == versus["baseline_pairs"] and versus["ratio"] > 0
    assert analytics["planner"]["incidents"] > 0
    # Nothing is left in the work folder but the store it measured.
    assert not list(tmp_path.glob("*.csv"))


def test_bench_report_is_readable(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "scripts.bench", "--rows", "500", "--work-dir", str(tmp_path)],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=300, check=True,
    )
    assert "== 500 incidents ==" in result.stdout
    assert "import:" in result.stdout and "rows/s" in result.stdout
    assert "fast_marker_cluster" in result.stdout
    assert "border analytics:" in result.stdout and "GeoPandas self-join" in result.stdout
