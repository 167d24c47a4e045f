"""The infrastructure benchmark runs end to end at a small size and prints its figures and ratios."""

from __future__ import annotations

from scripts import bench_infrastructure


def test_the_benchmark_stores_every_feature_it_wrote_and_prints_ratios_to_the_gdal_read(capsys):
    figures = bench_infrastructure.main(["--features", "300", "--points", "2000", "--border", "MAR-DZA"])
    printed = capsys.readouterr().out
    assert figures["features"] == 300 and figures["fences"] == 3 and figures["rejected"] == 0
    assert printed.startswith("DZA-MAR: 300 features stored (3 fences), 0 rows rejected")
    assert "1.00x the GDAL read" in printed and "check (read + near border)" in printed
    assert "measure 2,000 points: without barriers" in printed
