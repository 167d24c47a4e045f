"""Checks of the bundled incidents and places, and of the count parser."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from borderwatch import config
from borderwatch.counts import CountRange, parse_count, range_best
from borderwatch.reference import PLACE_COLUMNS, PLACE_KINDS, load_incidents, load_places
from borderwatch.schema import (
    ACLED_EVENT_TYPES,
    DATE_PRECISIONS,
    GEO_PRECISION_LABELS,
    INCIDENT_COLUMNS,
    REQUIRED_COLUMNS,
    SOURCE_SEPARATOR,
)
from scripts import build_incidents, build_places

EXPECTED_INCIDENTS = 30
BEN_GUERDANE_RAID = "TN-2016-03-07-BENGUERDANE"
REQUIRED_PLACE_IDS = ("ben-guerdane", "ras-ajdir", "dehiba-wazin")

#: Natural Earth's border is generalised: its coastal end lies about 6.8 km
#: from the Ras Ajdir crossing (shared/reference/barrier_facts.md), so a place
#: on the border may plot that far outside its country's polygon.
BOUNDARY_ERROR_KM = 7.0

#: Towns that GeoNames cannot be matched to, each explained in its note.
TOWNS_WITHOUT_GEONAMES = {"sidi-ali-ben-aoun"}

#: The sides that deaths are split into where sources give it.
DEATH_SIDES = ("militants", "security", "civilians")
COUNT_GROUPS = ("deaths", *(f"deaths_{side}" for side in DEATH_SIDES), "wounded")


def _read_text_csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")


def _number(cell: str) -> int | None:
    return int(cell) if cell else None


@pytest.fixture(scope="module")
def incidents() -> pd.DataFrame:
    return _read_text_csv(config.INCIDENTS_PATH)


@pytest.fixture(scope="module")
def places() -> pd.DataFrame:
    return _read_text_csv(config.PLACES_PATH)


@pytest.fixture(scope="module")
def countries_metric() -> gpd.GeoDataFrame:
    countries = gpd.read_file(config.COUNTRIES_PATH)
    return countries.dissolve(by="iso3").to_crs(config.METRIC_CRS)


def _distance_to_country_km(frame: pd.DataFrame, countries_metric: gpd.GeoDataFrame) -> pd.Series:
    points = gpd.GeoSeries(
        gpd.points_from_xy(frame["longitude"].astype(float), frame["latitude"].astype(float)),
        crs=config.GEOGRAPHIC_CRS,
        index=frame.index,
    ).to_crs(config.METRIC_CRS)
    distances = [
        countries_metric.geometry[iso3].distance(point) / 1000
        for iso3, point in zip(frame["iso3"], points, strict=True)
    ]
    return pd.Series(distances, index=frame.index)


# --- incidents.csv -----------------------------------------------------------


def test_all_incidents_present_with_unique_ids(incidents: pd.DataFrame) -> None:
    assert len(incidents) == EXPECTED_INCIDENTS
    assert incidents["id"].is_unique
    assert set(incidents["id"]) == set(build_incidents.CLASSIFICATIONS)


def test_columns_are_exactly_the_schema(incidents: pd.DataFrame) -> None:
    assert tuple(incidents.columns) == INCIDENT_COLUMNS


def test_required_columns_are_filled(incidents: pd.DataFrame) -> None:
    for column in REQUIRED_COLUMNS:
        empty = incidents.loc[incidents[column].str.strip() == "", "id"].tolist()
        assert not empty, f"{column} empty in {empty}"


def test_event_types_are_valid_acled_pairs(incidents: pd.DataFrame) -> None:
    for row in incidents.itertuples():
        assert row.sub_event_type in ACLED_EVENT_TYPES.get(row.event_type, ()), row.id
    assert (incidents["dataset"] == "bundled").all()


def test_counts_are_whole_and_ordered(incidents: pd.DataFrame) -> None:
    for group in COUNT_GROUPS:
        for row in incidents.to_dict("records"):
            low, best, high = (_number(row[f"{group}_{bound}"]) for bound in ("low", "best", "high"))
            # A count is given whole (low and best) or not at all; high may
            # only be missing for an open-ended figure such as "60+".
            assert (low is None) == (best is None), (row["id"], group)
            if low is None:
                assert high is None, (row["id"], group)
                continue
            assert 0 <= low <= best, (row["id"], group)
            assert high is None or best <= high, (row["id"], group)


def test_totals_agree_with_sides(incidents: pd.DataFrame) -> None:
    for row in incidents.to_dict("records"):
        total = [_number(row[f"deaths_{bound}"]) for bound in ("low", "best", "high")]
        sides = [[_number(row[f"deaths_{side}_{bound}"]) for bound in ("low", "best", "high")] for side in DEATH_SIDES]
        known = [side for side in sides if side[0] is not None]
        if total[0] is None:
            assert not known, row["id"]
            continue
        assert total[1] >= sum(side[1] for side in known), row["id"]
        if len(known) == len(DEATH_SIDES):
            assert total[:2] == [sum(side[0] for side in known), sum(side[1] for side in known)], row["id"]
            if all(side[2] is not None for side in known):
                assert total[2] == sum(side[2] for side in known), row["id"]


def test_dates_parse_and_end_after_start(incidents: pd.DataFrame) -> None:
    start = pd.to_datetime(incidents["event_date"], format="%Y-%m-%d")
    has_end = incidents["end_date"] != ""
    end = pd.to_datetime(incidents.loc[has_end, "end_date"], format="%Y-%m-%d")
    assert (end >= start[has_end]).all()
    assert incidents["date_precision"].isin(DATE_PRECISIONS).all()


def test_every_incident_has_http_sources(incidents: pd.DataFrame) -> None:
    for row in incidents.itertuples():
        urls = row.sources.split(SOURCE_SEPARATOR)
        assert urls and all(url.startswith(("http://", "https://")) and " " not in url for url in urls), row.id


def test_geo_precision_codes_and_radii(incidents: pd.DataFrame) -> None:
    assert incidents["geo_precision"].astype(int).isin(list(GEO_PRECISION_LABELS)).all()
    assert (incidents["precision_km"].astype(float) > 0).all()


def test_incidents_lie_in_their_country_or_within_precision(
    incidents: pd.DataFrame, countries_metric: gpd.GeoDataFrame
) -> None:
    distance = _distance_to_country_km(incidents, countries_metric)
    outside = incidents.loc[distance > incidents["precision_km"].astype(float), "id"].tolist()
    assert not outside


def test_ben_guerdane_raid_is_present_with_plausible_numbers(incidents: pd.DataFrame, places: pd.DataFrame) -> None:
    raid = incidents.set_index("id").loc[BEN_GUERDANE_RAID]
    assert raid["event_date"] == "2016-03-07"
    assert (raid["iso3"], raid["event_type"]) == ("TUN", "Battles")
    assert 50 <= int(raid["deaths_best"]) <= 70
    assert 30 <= int(raid["deaths_militants_best"]) <= 50
    assert 10 <= int(raid["deaths_security_best"]) <= 13
    assert int(raid["deaths_civilians_best"]) == 7
    town = places.set_index("id").loc["ben-guerdane"]
    assert (raid["latitude"], raid["longitude"]) == (town["latitude"], town["longitude"])


def test_bundled_loader_accepts_the_incidents() -> None:
    assert len(load_incidents()) == EXPECTED_INCIDENTS


# --- places.csv ----------------------------------------------------------------


def test_places_columns_ids_and_kinds(places: pd.DataFrame) -> None:
    assert tuple(places.columns) == PLACE_COLUMNS
    assert places["id"].is_unique
    assert places["kind"].isin(PLACE_KINDS).all()
    assert set(REQUIRED_PLACE_IDS) <= set(places["id"])
    assert places.set_index("id").loc["tun-lby-dza-tripoint", "kind"] == "landmark"


def test_every_facts_place_is_kept(places: pd.DataFrame) -> None:
    assert set(build_places.FACT_PLACES) <= set(places["name"])
    assert len(build_places.FACT_PLACES) == 37


def test_towns_carry_geonames_ids(places: pd.DataFrame) -> None:
    towns = places[(places["kind"] == "town") & ~places["id"].isin(TOWNS_WITHOUT_GEONAMES)]
    assert towns["geonames_id"].str.fullmatch(r"\d+").all()
    assert (places.loc[places["kind"] != "town", "geonames_id"] == "").all()


def test_places_lie_in_or_near_their_country(places: pd.DataFrame, countries_metric: gpd.GeoDataFrame) -> None:
    distance = _distance_to_country_km(places, countries_metric)
    assert not places.loc[distance > BOUNDARY_ERROR_KM, "id"].tolist()


def test_bundled_loader_accepts_the_places(places: pd.DataFrame) -> None:
    assert len(load_places()) == len(places)


# --- the builders reproduce the bundled files ----------------------------------


def _stale_columns(rebuilt: pd.DataFrame, bundled: pd.DataFrame) -> list[str]:
    """Name the columns whose bundled cells differ from a fresh build."""
    assert list(rebuilt.columns) == list(bundled.columns) and len(rebuilt) == len(bundled)
    return [column for column in bundled.columns if rebuilt[column].tolist() != bundled[column].tolist()]


@pytest.mark.skipif(not build_incidents.DEFAULT_FACTS.is_file(), reason="shared facts not beside the repository")
def test_incidents_csv_is_up_to_date(incidents: pd.DataFrame) -> None:
    rebuilt = pd.DataFrame(build_incidents.build_incidents(build_incidents.DEFAULT_FACTS))
    assert _stale_columns(rebuilt, incidents) == [], "rerun python -m scripts.build_incidents"


@pytest.mark.skipif(not build_incidents.DEFAULT_FACTS.is_file(), reason="shared facts not beside the repository")
def test_incidents_build_writes_the_bundled_bytes(tmp_path: Path) -> None:
    # The curation tables moved from the script to data/curation/ (issue 12): not one byte may change.
    written = tmp_path / "incidents.csv"
    build_incidents.write_incidents(build_incidents.build_incidents(build_incidents.DEFAULT_FACTS), written)
    assert written.read_bytes() == config.INCIDENTS_PATH.read_bytes()


@pytest.mark.skipif(not build_places.DEFAULT_FACTS.is_file(), reason="shared facts not beside the repository")
def test_places_csv_is_up_to_date(places: pd.DataFrame) -> None:
    rebuilt = pd.DataFrame(build_places.build_places(build_places.DEFAULT_FACTS))
    assert _stale_columns(rebuilt, places) == [], "rerun python -m scripts.build_places"


def test_every_count_override_has_a_reason() -> None:
    for key, override in build_incidents.COUNT_OVERRIDES.items():
        assert override.reason.strip(), key
        assert key[1] in build_incidents.COUNT_FIELDS, key


@pytest.mark.parametrize(
    ("place", "iso3", "expected"),
    [
        ("Jebel Semmama, Kasserine", "TUN", "Kasserine"),
        ("Jebel Mghila, Kasserine/Sidi Bouzid", "TUN", ""),  # on a boundary: not assigned
        ("Janoura, Kébili governorate", "TUN", "Kebili"),
        ("Avenue Mohamed V, central Tunis", "TUN", "Tunis"),
        ("Sabratha, Libya", "LBY", ""),
        ("Corinthia Hotel, Tripoli, Libya", "LBY", "Tripoli"),
    ],
)
def test_admin1_from_place(place: str, iso3: str, expected: str) -> None:
    assert build_incidents.admin1_from_place(place, iso3) == expected


def test_split_sources_keeps_remarks_out_of_urls() -> None:
    urls, remarks = build_incidents.split_sources("https://a.org/x ; http://www.b.com/y (NYT text)")
    assert urls == ["https://a.org/x", "http://www.b.com/y"]
    assert remarks == ["b.com: NYT text"]


# --- the count parser ----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0", CountRange(0, 0, 0)),
        ("39", CountRange(39, 39, 39)),
        ("3-5", CountRange(3, 4, 5)),
        ("5–6", CountRange(5, 5, 6)),  # en dash
        ("~42-50", CountRange(42, 46, 50)),
        ("~10-11 (security + civilians)", CountRange(10, 10, 11)),
        ("8-12 soldiers", CountRange(8, 10, 12)),
        ("16-24 (incl. 4 civilians per Mosaique FM)", CountRange(16, 20, 24)),
        ("3-5 (attackers; ~3 blew themselves up)", CountRange(3, 4, 5)),
        ("4 (3 civilians, 1 National Guard)", CountRange(4, 4, 4)),
        ("1 Libyan (leg)", CountRange(1, 1, 1)),
        ("60+", CountRange(60, 60, None)),
        ("17+ (PM, 8 Mar)", CountRange(17, 17, None)),
        ("43-49+", CountRange(43, 46, None)),
        ("10 (+attackers)", CountRange(10, 10, None)),
        ("at least 7", CountRange(7, 7, None)),
        ("1,200", CountRange(1200, 1200, 1200)),
    ],
)
def test_parse_count_regular_forms(text: str, expected: CountRange) -> None:
    assert parse_count(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "several",
        "unknown (several)",
        "some (unspecified)",
        "under-reported (≥2 named)",
        "2 police + 1 militant",
        "36 on 7 Mar; 42 by 9 Mar; 49 per later joint communiqué",
        "53-55 (official, 7-8 Mar); 69 if later counts are combined",
        "5-3",
        "1.5",
    ],
)
def test_parse_count_declines_what_it_cannot_read(text: str) -> None:
    assert parse_count(text) is None


def test_range_best() -> None:
    assert [range_best(3, 5), range_best(5, 6), range_best(7, 7)] == [4, 5, 7]


def test_count_range_rejects_disorder() -> None:
    with pytest.raises(ValueError):
        CountRange(5, 4, 6)
    with pytest.raises(ValueError):
        CountRange(1, 3, 2)


@given(st.text())
def test_parse_count_never_raises_and_keeps_order(text: str) -> None:
    result = parse_count(text)
    if result is not None:
        assert 0 <= result.low <= result.best
        assert result.high is None or result.best <= result.high


@given(st.text(alphabet="0123456789-–~+(),. ;≥atlesmorv", max_size=24))
def test_parse_count_keeps_order_on_count_like_text(text: str) -> None:
    result = parse_count(text)
    if result is not None:
        assert 0 <= result.low <= result.best
        assert result.high is None or result.best <= result.high


@given(st.integers(0, 10_000), st.integers(0, 10_000))
def test_parse_count_reads_any_range(first: int, second: int) -> None:
    low, high = sorted((first, second))
    assert parse_count(f"{low}-{high}") == CountRange(low, (low + high) // 2, high)
