"""The bundled borders file and the lookups of :mod:`borderwatch.borders`."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
from hypothesis import given
from hypothesis import strategies as st

from borderwatch import config
from borderwatch.borders import (
    TABLE_COLUMNS,
    BorderLookupError,
    border_table,
    borders_of,
    find_border,
    load_borders,
    parse_border_key,
    search_borders,
)
from borderwatch.errors import ReferenceDataError
from borderwatch.geodesy import length_km

BORDERS = load_borders()
KEYS = [border.key for border in BORDERS]
#: Borders the issue names, and the long or far-north ones the measures are tested on.
EXPECTED_KEYS = (
    "LBY-TUN", "MLI-NER", "SYR-TUR", "AFG-PAK", "BLR-POL", "DZA-MAR", "MEX-USA",
    "CAN-USA", "KAZ-RUS", "NOR-RUS", "ARG-CHL",
)


# --- the bundled file -------------------------------------------------------


def test_the_file_holds_every_land_border_once_and_stays_small():
    assert len(BORDERS) == 334
    assert len(set(KEYS)) == len(KEYS)
    assert set(EXPECTED_KEYS) <= set(KEYS)
    assert config.BORDERS_PATH.stat().st_size < 2_000_000


def test_codes_are_in_alphabetical_order_and_names_match_their_codes_everywhere():
    names: dict[str, set[str]] = {}
    for border in BORDERS:
        assert border.code_a < border.code_b
        names.setdefault(border.code_a, set()).add(border.name_a)
        names.setdefault(border.code_b, set()).add(border.name_b)
    assert {code: found for code, found in names.items() if len(found) > 1} == {}


def test_entities_without_an_iso_code_carry_the_documented_codes():
    names = {border.code_a: border.name_a for border in BORDERS} | {b.code_b: b.name_b for b in BORDERS}
    assert {code: names[code] for code in ("XKX", "CYN", "SOL", "KAS", "KAB", "USG", "CNM", "ESB", "WSB")} == {
        "XKX": "Kosovo",
        "CYN": "N. Cyprus",
        "SOL": "Somaliland",
        "KAS": "Siachen Glacier",
        "KAB": "Baikonur",
        "USG": "USNB Guantanamo Bay",
        "CNM": "Cyprus U.N. Buffer Zone",
        "ESB": "Dhekelia",
        "WSB": "Akrotiri",
    }


def test_stated_lengths_and_part_counts_match_the_geometries():
    for border in BORDERS:
        assert border.length_km == pytest.approx(length_km(border.geometry), abs=0.05), border.key
        assert border.parts == len(shapely.get_parts(border.geometry)), border.key


def test_parts_are_stored_longest_first():
    for border in BORDERS:
        lengths = [length_km(part) for part in shapely.get_parts(border.geometry)]
        assert lengths == sorted(lengths, reverse=True), border.key


def test_multi_part_borders_are_kept_whole():
    several = {border.key: border.parts for border in BORDERS if border.parts > 1}
    assert len(several) == 33
    # Chile–Argentina: the mainland and Tierra del Fuego; Armenia–Azerbaijan: the enclaves too.
    assert several["ARG-CHL"] == 3
    assert several["ARM-AZE"] == 5


def test_an_enclave_border_is_a_closed_ring():
    lesotho = find_border("LSO-ZAF").geometry
    assert lesotho.geom_type == "LineString" and lesotho.is_ring


def test_tunisia_libya_is_the_bundled_single_border_line_vertex_for_vertex():
    bundled = gpd.read_file(config.BORDER_PATH).geometry.iloc[0]
    border = find_border("TUN-LBY")
    # Same vertices in the same order (coast to the Algerian tripoint), Libya on the left.
    np.testing.assert_array_equal(shapely.get_coordinates(border.geometry), shapely.get_coordinates(bundled))
    assert border.length_km == pytest.approx(length_km(bundled), abs=0.05)
    assert "788 (Tunisia)" in border.source and "434 (Libya)" in border.source
    assert "Natural Earth" in border.licence


def test_every_border_credits_its_source_and_licence():
    for border in BORDERS:
        assert border.source.startswith("Natural Earth 1:10m admin-0 countries via world-atlas 2.0.2"), border.key
        assert "public domain" in border.licence


def test_the_table_lists_every_border_with_codes_names_and_length():
    table = border_table()
    assert tuple(table.columns) == TABLE_COLUMNS
    assert table["border"].tolist() == KEYS
    row = table.set_index("border").loc["LBY-TUN"]
    assert (row["name_a"], row["name_b"], row["length_km"], row["parts"]) == ("Libya", "Tunisia", 449.6, 1)


# --- lookups ----------------------------------------------------------------


@given(
    st.sampled_from(KEYS),
    st.booleans(),
    st.sampled_from(["-", "–", " ", "/", "_", ", ", " - "]),
    st.sampled_from([str.upper, str.lower, str.title]),
)
def test_a_border_is_found_by_its_codes_in_either_order_case_and_separator(key, swap, separator, case):
    first, second = key.split("-")
    if swap:
        first, second = second, first
    assert find_border(f"  {case(first)}{separator}{case(second)} ").key == key


def test_parse_border_key_keeps_the_order_given():
    assert parse_border_key("tun-lby") == ("TUN", "LBY")


@pytest.mark.parametrize("text", ["TUN", "TUNLBY", "TUN-LBY-DZA", "TU-LBY", "", "TUN-1BY"])
def test_text_that_is_not_two_codes_is_refused_with_an_example(text):
    with pytest.raises(BorderLookupError, match=r"e\.g\. TUN-LBY"):
        find_border(text)


def test_an_unknown_code_is_named_with_close_codes_and_the_other_countrys_borders():
    with pytest.raises(BorderLookupError) as caught:
        find_border("TUN-LBA")
    message = str(caught.value)
    assert "LBA is no country with a land border" in message
    assert "LBY (Libya)" in message
    assert "borders of TUN: DZA-TUN (Algeria–Tunisia), LBY-TUN (Libya–Tunisia)" in message


def test_two_countries_without_a_land_border_are_told_so_with_each_ones_borders():
    with pytest.raises(BorderLookupError) as caught:
        find_border("ita-tun")
    message = str(caught.value)
    assert "Italy (ITA) and Tunisia (TUN) share no land border" in message
    assert "ITA-SMR (Italy–San Marino)" in message and "LBY-TUN (Libya–Tunisia)" in message


def test_the_same_code_twice_is_no_border():
    with pytest.raises(BorderLookupError, match="both codes name Tunisia"):
        find_border("TUN-TUN")


def test_lookup_errors_are_lookup_errors():
    with pytest.raises(LookupError):
        find_border("XXX-YYY")


def test_borders_of_a_country_and_its_name_on_a_border():
    assert [border.key for border in borders_of("tun")] == ["DZA-TUN", "LBY-TUN"]
    assert borders_of("ISL") == ()
    border = find_border("TUN-LBY")
    assert (border.name, border.country_name("tun")) == ("Libya–Tunisia", "Tunisia")
    with pytest.raises(BorderLookupError, match="not a country of the Libya–Tunisia border"):
        border.country_name("DZA")


# --- search -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("tunisia", ["DZA-TUN", "LBY-TUN"]),
        ("Libya tun", ["LBY-TUN"]),
        ("TUNISIA   LIBYA", ["LBY-TUN"]),
        ("united states", ["CAN-USA", "MEX-USA"]),
        ("cote d'ivoire ghana", ["CIV-GHA"]),
        ("côte ghana", ["CIV-GHA"]),
        ("norway russia", ["NOR-RUS"]),
        ("atlantis", []),
    ],
)
def test_search_matches_every_word_in_either_countrys_name_or_code(query, expected):
    assert [border.key for border in search_borders(query)] == expected


@pytest.mark.parametrize(("query", "code"), [("South Sudan", "SSD"), ("Marocco", "MAR"), ("Columbia", "COL")])
def test_search_with_no_match_offers_the_borders_of_the_closest_name(query, code):
    assert search_borders(query) == borders_of(code)


def test_an_empty_search_lists_every_border():
    assert [border.key for border in search_borders("  ")] == KEYS


# --- a broken file ----------------------------------------------------------


def _feature(**properties) -> dict:
    values = {
        "code_a": "AAA", "code_b": "BBB", "name_a": "A", "name_b": "B", "length_km": 1.0, "parts": 1,
        "source": "test", "licence": "test",
    } | properties
    return {
        "type": "Feature",
        "properties": values,
        "geometry": {"type": "LineString", "coordinates": [[0, 0], [0, 0.01]]},
    }


def _write(path: Path, features: list[dict]) -> Path:
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    return path


def test_a_broken_file_is_refused_with_every_problem_at_once(tmp_path):
    path = _write(tmp_path / "borders.geojson", [
        _feature(),
        _feature(code_a="bbb", code_b="AAA"),
        _feature(code_a="CCC", code_b="BBB", parts=2),
        _feature(name_b=" ", length_km=-3.0),
    ])
    with pytest.raises(ReferenceDataError) as caught:
        load_borders(path)
    message = str(caught.value)
    assert "6 problem(s)" in message
    for expected in (
        "feature 2, code_a: 'bbb' is not three capital letters",
        "feature 3: codes CCC, BBB are not in alphabetical order",
        "feature 3, parts: 2 does not match the geometry's parts",
        "feature 4, name_b: empty",
        "feature 4, length_km: -3.0 is not a positive length",
        "border AAA-BBB appears 2 times",
    ):
        assert expected in message


def test_a_file_without_the_properties_is_refused_naming_them(tmp_path):
    feature = _feature()
    del feature["properties"]["licence"]
    with pytest.raises(ReferenceDataError, match=r"missing properties \['licence'\]"):
        load_borders(_write(tmp_path / "borders.geojson", [feature]))


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(ReferenceDataError, match="file not found"):
        load_borders(tmp_path / "none.geojson")
