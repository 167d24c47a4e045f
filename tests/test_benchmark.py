"""The benchmark script runs (at a tiny size) so that it cannot rot; no timing is asserted."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def test_benchmark_prints_figures_and_ratios():
    result = subprocess.run(
        [sys.executable, "scripts/benchmark.py", "--rows", "300", "--json"],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=300, check=True,
    )
    figures = json.loads(result.stdout)
    assert figures["import"]["rows"] == figures["import"]["added"] == 300
    assert figures["map"]["incidents"] == 30
    for name in ("dashboard_map_ratio", "dashboard_map_bytes"):
        assert figures["map"][name] > 0
    for name in ("parse_time_ratio", "store_time_ratio", "store_peak_mb"):
        assert figures["import"][name] > 0
