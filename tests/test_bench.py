"""``python -m scripts.bench`` runs at a small size in CI, so it cannot rot; no timing is asserted.

The figures are read in the test's own process (``main`` is what ``python -m scripts.bench``
runs); one run goes through the real command line.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import scripts.bench
from scripts.bench import format_results, main, run

REPO_ROOT = Path(__file__).resolve().parent.parent


def test_bench_prints_every_figure_and_its_ratio_to_the_baselines(tmp_path, monkeypatch, capsys):
    # A CircleMarker per point is measured on the first 500 and scaled to 2,500, as at a million.
    monkeypatch.setitem(scripts.bench.BASELINE_CAPS, "circle_marker_each", 500)
    assert main(["--rows", "2500", "--json", "--work-dir", str(tmp_path)]) == 0
    figures = json.loads(capsys.readouterr().out)
    (size,) = figures["sizes"]
    assert size["rows"] == 2500 and size["border"] == "LBY-TUN" and "comparison" not in figures
    assert size["import"]["rows_stored"] == 2500 and size["import"]["rows_per_s"] > 0
    assert size["import"]["peak_rss_mb"] > 0 and size["query_peak_rss_mb"] > 0
    # The default border is measured as each incident is stored: nothing is left to measure after.
    assert size["border_measures"]["rows"] == 0
    for scenario in ("date_range", "type_set", "map_view"):
        timings = size["filters"][scenario]
        assert 0 < timings["p50_s"] <= timings["p95_s"] <= timings["max_s"]
    assert set(size["zooms"]) == {"6", "9", "12"}
    # Each zoom says whether it drew individual points or counted cells.
    for zoom in size["zooms"].values():
        assert zoom["drawn_as"] in ("points", "cells") and zoom["payload_bytes"] > 0
    assert set(size["baselines"]) == {"circle_marker_each", "geojson_of_geodataframe", "fast_marker_cluster"}
    for name, baseline in size["baselines"].items():
        assert (baseline["measured_points"], baseline["scaled"]) == ((500, True) if name == "circle_marker_each"
                                                                     else (2500, False))
        assert size["ratios"][name]["payload"] > 0 and size["ratios"][name]["build_time"] > 0
    # Scaled linearly: a CircleMarker per point ships more than the whole GeoJson of every point.
    circles = size["baselines"]["circle_marker_each"]["payload_bytes"]
    assert circles > size["baselines"]["geojson_of_geodataframe"]["payload_bytes"]
    # Ours ships far less than drawing every point does.
    assert size["zooms"]["6"]["payload_bytes"] < size["baselines"]["geojson_of_geodataframe"]["payload_bytes"] / 10
    analytics = size["analytics"]
    # The bundled 30 are stored beside the synthetic rows, and all are measured.
    assert analytics["measures"]["rows"] == 2530 and analytics["measures"]["ratio"] > 0
    assert analytics["within_corridor_map_data"]["ratio"] > 0
    versus = analytics["sequences_vs_self_join"]
    # The sweep and the spatial self-join find the same pairs.
    assert versus["pairs"] == versus["baseline_pairs"] and versus["ratio"] > 0
    assert analytics["planner"]["incidents"] > 0 and analytics["planner"]["line"] == "the barrier"
    # Nothing is left in the work folder but the store it measured.
    assert not list(tmp_path.glob("*.csv"))


def test_a_second_border_gets_every_figure_and_the_report_sets_it_beside_the_first(tmp_path, monkeypatch):
    monkeypatch.setattr(scripts.bench, "REPEATS", 3)  # percentiles of three cases: enough to run every step
    monkeypatch.setitem(scripts.bench.BASELINE_CAPS, "circle_marker_each", 100)
    results = run((500,), work_dir=tmp_path, borders=("TUN-LBY", "MAR-DZA"))
    assert results["borders"] == ["LBY-TUN", "DZA-MAR"]
    default, second = results["sizes"]
    assert (default["border"], second["border"]) == ("LBY-TUN", "DZA-MAR")
    analytics = second["analytics"]
    assert second["import"]["rows_stored"] == 500
    assert second["border_measures"]["rows"] == 530 and analytics["measures"]["rows"] == 530
    # The synthetic rows lie around the second border (towns within 150 km of it, a third on the line itself).
    assert analytics["sequences"]["incidents"] > 400 and analytics["segments"]["incidents"] > 150
    # On the second border too the sweep and the self-join (in its own metric plane) find the same pairs.
    versus = analytics["sequences_vs_self_join"]
    assert versus["pairs"] == versus["baseline_pairs"] > 0
    assert analytics["planner"]["line"] == "the border's longest part" and analytics["planner"]["incidents"] > 0
    assert second["zooms"]["6"]["incidents_in_area"] > 250
    (side_by_side,) = results["comparison"]
    imports = next(figure for figure in side_by_side["figures"] if figure["figure"] == "import, rows/s")
    assert imports["values"] == {"LBY-TUN": default["import"]["rows_per_s"], "DZA-MAR": second["import"]["rows_per_s"]}
    assert imports["ratios"]["DZA-MAR"] == second["import"]["rows_per_s"] / default["import"]["rows_per_s"]
    report = format_results(results)
    for header in ("== 500 incidents around Libya–Tunisia (LBY-TUN) ==",
                   "== 500 incidents around Algeria–Morocco (DZA-MAR) ==", "== side by side, 500 incidents =="):
        assert header in report
    assert "import:" in report and "rows/s" in report and "fast_marker_cluster" in report
    assert "border analytics:" in report and "GeoPandas self-join" in report and "DZA-MAR/LBY-TUN" in report


def test_an_unknown_border_is_refused_with_close_codes_before_anything_runs(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "scripts.bench", "--rows", "100", "--work-dir", str(tmp_path), "--border", "DZA-MAA"],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=300, check=False,
    )
    assert result.returncode == 2 and result.stdout == ""
    assert len(result.stderr.splitlines()) == 1
    assert "'DZA-MAA'" in result.stderr and "MAA" in result.stderr and "MAR (Morocco)" in result.stderr
    assert not list(tmp_path.iterdir())
