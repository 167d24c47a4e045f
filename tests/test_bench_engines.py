"""The engines' benchmark runs end to end at a tiny size, on the tests' throwaway cluster (no timing asserted)."""

from __future__ import annotations

import scripts.bench
from scripts.bench_engines import format_results, run


def test_both_engines_and_the_copy_floor_are_measured_in_one_run(postgis_url, monkeypatch):
    monkeypatch.setattr(scripts.bench, "REPEATS", 2)  # percentiles of two cases: enough to run every step
    results = run([150], postgis_url)
    (size,) = results["sizes"]
    assert size["sqlite"]["import"]["rows_stored"] == size["postgis"]["import"]["rows_stored"] > 0
    assert size["copy_floor"]["rows"] == size["postgis"]["import"]["rows_stored"]
    assert set(size["ratios"]["map_data_postgis_over_sqlite"]) == {"date_range", "type_set", "map_view"}
    report = format_results(results)
    assert "COPY into a bare table" in report and "PostGIS / SQLite" in report
