"""The second-border benchmark runs end to end at a tiny size, on the tests' throwaway cluster (no timing asserted)."""

from __future__ import annotations

import scripts.bench
from scripts.bench_borders import format_results, run


def test_both_engines_measure_a_second_border_and_time_its_map_in_one_run(postgis_url, monkeypatch):
    monkeypatch.setattr(scripts.bench, "REPEATS", 2)  # percentiles of two cases: enough to run every step
    results = run([150], postgis_url)
    (size,) = results["sizes"]
    for engine in ("sqlite", "postgis"):
        figures = size[engine]
        # Every incident (the bundled ones too) is measured once; the second call finds nothing missing.
        assert figures["measure_border"]["rows"] == figures["rows_stored"] + 30
        assert figures["measure_border_again"]["rows"] == 0
        assert set(size["ratios"][engine]) == {"p50_s", "p95_s"}
    assert "second/default" in format_results(results)
