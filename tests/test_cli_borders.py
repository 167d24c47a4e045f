"""The command line and land borders: ``borders``, and ``--border`` on ``export`` and ``synth``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from borderwatch.borders import load_borders
from borderwatch.cli import main

REPO_ROOT = Path(__file__).resolve().parent.parent


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Run the command line in-process: exit code, stdout, stderr."""
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_borders_lists_every_border_as_an_aligned_table(capsys):
    code, out, _ = run(capsys, "borders")
    lines = out.splitlines()
    assert code == 0
    assert lines[0].split() == ["border", "code_a", "name_a", "code_b", "name_b", "length_km", "parts"]
    assert len(lines) == 1 + len(load_borders())
    tunisia_libya = next(line for line in lines if line.startswith("LBY-TUN"))
    assert tunisia_libya.split() == ["LBY-TUN", "LBY", "Libya", "TUN", "Tunisia", "449.6", "1"]
    # Right-aligned lengths: every row's length column ends where the header's does.
    end = lines[0].index("length_km") + len("length_km")
    assert {line[:end].rstrip()[-1].isdigit() for line in lines[1:]} == {True}
    canada_us = next(line for line in lines if line.startswith("CAN-USA"))
    assert "7,930.2" in canada_us


def test_borders_json_is_one_object_per_border_with_codes_names_and_length(capsys):
    code, out, _ = run(capsys, "borders", "--json")
    listed = json.loads(out)
    assert code == 0
    assert len(listed) == len(load_borders())
    by_key = {row["border"]: row for row in listed}
    assert by_key["LBY-TUN"] == {"border": "LBY-TUN", "code_a": "LBY", "code_b": "TUN", "name_a": "Libya",
                                 "name_b": "Tunisia", "length_km": 449.6, "parts": 1}
    assert by_key["CAN-USA"]["parts"] > 1 and by_key["CAN-USA"]["length_km"] > 7_000


def test_borders_search_keeps_the_borders_of_the_matching_country(capsys):
    code, out, _ = run(capsys, "borders", "--search", "tunisia", "--json")
    assert code == 0
    assert [row["border"] for row in json.loads(out)] == ["DZA-TUN", "LBY-TUN"]
    code, out, _ = run(capsys, "borders", "--search", "Côte d'Ivoire")
    assert code == 0 and "CIV-GHA" in out
    code, out, _ = run(capsys, "borders", "--search", "qqqqzz")
    assert code == 0 and out.strip() == "no land border matches 'qqqqzz'"


def test_borders_runs_as_users_run_it():
    done = subprocess.run([sys.executable, "-m", "borderwatch", "borders", "--search", "afghanistan pakistan"],
                          cwd=REPO_ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[1].split()[:5] == ["AFG-PAK", "AFG", "Afghanistan", "PAK", "Pakistan"]
