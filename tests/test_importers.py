"""Importers of ACLED, GTD and UCDP exports: every mapped field, every bad input's message.

Every file is written by the tests themselves. GTD's terms forbid
republishing its data: the GTD rows here are invented.
"""

from __future__ import annotations

import codecs
import csv
import re
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from borderwatch.errors import FileRejectedError
from borderwatch.importers import (
    EXTRA_COLUMNS,
    ParsedChunk,
    Rejection,
    detect_format,
    read_incidents,
)
from borderwatch.schema import INCIDENT_COLUMNS
from tests.factories import incident_frame, incident_row

# --- file writers ---------------------------------------------------------

ACLED_COLUMNS = [
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type", "sub_event_type", "actor1",
    "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "interaction", "civilian_targeting", "iso",
    "region", "country", "admin1", "admin2", "admin3", "location", "latitude", "longitude", "geo_precision", "source",
    "source_scale", "notes", "fatalities", "tags", "timestamp", "population_1km", "population_best",
]

ACLED_OLD_COLUMNS = [
    "data_id", "iso", "event_id_cnty", "event_id_no_cnty", "event_date", "year", "time_precision", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "interaction", "region",
    "country", "admin1", "admin2", "admin3", "location", "latitude", "longitude", "geo_precision", "source",
    "source_scale", "notes", "fatalities", "timestamp", "iso3",
]

ACLED_ROW = {
    "event_id_cnty": "TUN1",
    "data_id": "7001",
    "event_id_no_cnty": "1",
    "event_date": "2016-03-07",
    "year": "2016",
    "time_precision": "1",
    "disorder_type": "Political violence",
    "event_type": "Battles",
    "sub_event_type": "Armed clash",
    "actor1": "Military Forces of Tunisia (2014-2019)",
    "assoc_actor_1": "Police Forces of Tunisia (2014-2019)",
    "inter1": "1",
    "actor2": "Islamic State (Tunisia)",
    "assoc_actor_2": "",
    "inter2": "2",
    "interaction": "12",
    "civilian_targeting": "",
    "iso": "788",
    "iso3": "TUN",
    "region": "Northern Africa",
    "country": "Tunisia",
    "admin1": "Medenine",
    "admin2": "Ben Gardane",
    "admin3": "",
    "location": "Ben Gardane",
    "latitude": "33.1389",
    "longitude": "11.2167",
    "geo_precision": "1",
    "source": "Mosaique FM; Reuters",
    "source_scale": "National",
    "notes": "Militants attacked the army barracks.",
    "fatalities": "55",
    "tags": "",
    "timestamp": "1618910000",
    "population_1km": "12000",
    "population_best": "12000",
}

GTD_COLUMNS = [
    "eventid", "iyear", "imonth", "iday", "approxdate", "extended", "resolution", "country", "country_txt", "region",
    "region_txt", "provstate", "city", "latitude", "longitude", "specificity", "vicinity", "summary", "crit1",
    "success", "suicide", "attacktype1", "attacktype1_txt", "targtype1", "targtype1_txt", "corp1", "target1",
    "natlty1_txt", "gname", "motive", "weaptype1_txt", "nkill", "nkillus", "nkillter", "nwound", "property", "scite1",
    "scite2", "scite3", "dbsource",
]

GTD_ROW = {
    "eventid": "201603070001",
    "iyear": "2016",
    "imonth": "3",
    "iday": "7",
    "approxdate": "",
    "extended": "0",
    "resolution": "",
    "country": "93",
    "country_txt": "Tunisia",
    "region": "10",
    "region_txt": "Middle East & North Africa",
    "provstate": "Médenine",
    "city": "Ben Guerdane",
    "latitude": "33.1389",
    "longitude": "11.2167",
    "specificity": "1",
    "vicinity": "0",
    "summary": "Invented summary: assailants opened fire on a barracks.",
    "crit1": "1",
    "success": "1",
    "suicide": "0",
    "attacktype1": "2",
    "attacktype1_txt": "Armed Assault",
    "targtype1": "4",
    "targtype1_txt": "Military",
    "corp1": "Tunisian Army",
    "target1": "Barracks",
    "natlty1_txt": "Tunisia",
    "gname": "Invented Group",
    "motive": "",
    "weaptype1_txt": "Firearms",
    "nkill": "12",
    "nkillus": "0",
    "nkillter": "5",
    "nwound": "3",
    "property": "0",
    "scite1": "Invented citation one.",
    "scite2": "Invented citation two.",
    "scite3": "",
    "dbsource": "START Primary Collection",
}

UCDP_COLUMNS = [
    "id", "relid", "year", "active_year", "code_status", "type_of_violence", "conflict_dset_id", "conflict_new_id",
    "conflict_name", "dyad_dset_id", "dyad_new_id", "dyad_name", "side_a_dset_id", "side_a_new_id", "side_a",
    "side_b_dset_id", "side_b_new_id", "side_b", "number_of_sources", "source_article", "source_office", "source_date",
    "source_headline", "source_original", "where_prec", "where_coordinates", "where_description", "adm_1", "adm_2",
    "latitude", "longitude", "geom_wkt", "priogrid_gid", "country", "country_id", "region", "event_clarity",
    "date_prec", "date_start", "date_end", "deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown", "best", "high",
    "low", "gwnoa", "gwnob",
]

UCDP_ROW = {column: "" for column in UCDP_COLUMNS} | {
    "id": "123456",
    "relid": "TUN-2016-1-1",
    "year": "2016",
    "type_of_violence": "1",
    "conflict_name": "Tunisia: Government",
    "side_a": "Government of Tunisia",
    "side_b": "IS",
    "source_article": "Reuters,2016-03-07,Attack on Ben Gardane;BBC,2016-03-08,Aftermath",
    "source_headline": "Militants attack border town",
    "where_prec": "1",
    "where_coordinates": "Ben Gardane town",
    "where_description": "in Ben Gardane",
    "adm_1": "Medenine governorate",
    "adm_2": "Ben Gardane delegation",
    "latitude": "33.1389",
    "longitude": "11.2167",
    "country": "Tunisia",
    "country_id": "616",
    "region": "Africa",
    "date_prec": "1",
    "date_start": "2016-03-07 00:00:00.000",
    "date_end": "2016-03-09 00:00:00.000",
    "deaths_a": "13",
    "deaths_b": "36",
    "deaths_civilians": "7",
    "deaths_unknown": "0",
    "best": "56",
    "high": "60",
    "low": "50",
}


def write_csv(
    path: Path,
    columns: Sequence[str],
    rows: Iterable[Mapping[str, str]],
    *,
    encoding: str = "utf-8",
    header: Sequence[str] | None = None,
) -> Path:
    """Write rows (dicts; missing keys empty) under ``header`` (default: the column names)."""
    with path.open("w", encoding=encoding, newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(header or columns)
        for row in rows:
            writer.writerow([row.get(column, "") for column in columns])
    return path


def acled_file(tmp_path: Path, *rows: Mapping[str, str], name: str = "acled.csv", **options) -> Path:
    """An ACLED export (current schema) of the given rows, each over the defaults."""
    return write_csv(tmp_path / name, ACLED_COLUMNS, [ACLED_ROW | dict(row) for row in rows], **options)


def gtd_file(tmp_path: Path, *rows: Mapping[str, str], name: str = "gtd.csv") -> Path:
    """A GTD CSV (Latin-1, as GTD ships it) of invented rows."""
    return write_csv(tmp_path / name, GTD_COLUMNS, [GTD_ROW | dict(row) for row in rows], encoding="latin-1")


def ucdp_file(tmp_path: Path, *rows: Mapping[str, str], name: str = "ged.csv") -> Path:
    return write_csv(tmp_path / name, UCDP_COLUMNS, [UCDP_ROW | dict(row) for row in rows])


def xlsx_file(path: Path, columns: Sequence[str], rows: Iterable[Mapping[str, object]], sheets: int = 1) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Data"
    sheet.append(list(columns))
    for row in rows:
        sheet.append([row.get(column) for column in columns])
    for number in range(1, sheets):
        workbook.create_sheet(f"Sheet{number + 1}")
    workbook.save(path)
    return path


def read_all(path: Path, **options) -> tuple[pd.DataFrame, list[Rejection], int]:
    """Every chunk of a file, joined: accepted rows, rejections, records read."""
    chunks: list[ParsedChunk] = list(read_incidents(path, dataset=options.pop("dataset", "test"), **options))
    incidents = pd.concat([chunk.incidents for chunk in chunks], ignore_index=True)
    rejections = [rejection for chunk in chunks for rejection in chunk.rejections]
    return incidents, rejections, sum(chunk.rows_read for chunk in chunks)


def only_row(path: Path, **options) -> pd.Series:
    incidents, rejections, _ = read_all(path, **options)
    assert rejections == []
    assert len(incidents) == 1
    return incidents.iloc[0]


def rejections_of(path: Path, **options) -> list[tuple[int, str, str]]:
    _, rejections, _ = read_all(path, **options)
    return [(rejection.row, rejection.column, rejection.reason) for rejection in rejections]


def refusal(path: Path, **options) -> str:
    with pytest.raises(FileRejectedError) as caught:
        read_all(path, **options)
    return str(caught.value)


# --- ACLED ------------------------------------------------------------------


def test_acled_current_schema_maps_every_field(tmp_path):
    path = acled_file(tmp_path, {})
    assert detect_format(path) == "acled"
    row = only_row(path, dataset="acled-tunisia")
    assert row["id"] == "ACLED-TUN1"
    assert row["source_id"] == "TUN1"
    assert row["dataset"] == "acled-tunisia"
    assert row["event_date"] == pd.Timestamp("2016-03-07")
    assert pd.isna(row["end_date"])
    assert row["date_precision"] == "day"
    assert (row["event_type"], row["sub_event_type"]) == ("Battles", "Armed clash")
    assert row["actor1"] == "Military Forces of Tunisia (2014-2019)"
    assert row["actor2"] == "Islamic State (Tunisia)"
    assert row["actors"] == (
        "Military Forces of Tunisia (2014-2019) (State forces); with Police Forces of Tunisia (2014-2019) "
        "vs Islamic State (Tunisia) (Rebel groups)"
    )
    assert (row["country"], row["iso3"], row["admin1"], row["location"]) == (
        "Tunisia", "TUN", "Medenine", "Ben Gardane"
    )
    assert (row["latitude"], row["longitude"], row["geo_precision"]) == (33.1389, 11.2167, 1)
    assert pd.isna(row["precision_km"])
    assert (row["deaths_low"], row["deaths_best"], row["deaths_high"]) == (55, 55, 55)
    assert pd.isna(row["deaths_civilians_best"]) and pd.isna(row["wounded_best"])
    assert row["description"] == "Militants attacked the army barracks."
    assert row["sources"] == "Mosaique FM ; Reuters"
    assert row["notes"] == ""
    assert row["source_timestamp"] == 1618910000
    assert row["row"] == 2
    original = pd.read_json(pd.io.common.StringIO("[" + row["original"] + "]"), dtype=str).iloc[0]
    assert original["population_1km"] == "12000" and original["tags"] == ""


def test_acled_typed_like_the_reference_loader(tmp_path):
    incidents, _, _ = read_all(acled_file(tmp_path, {}))
    assert list(incidents.columns) == list(INCIDENT_COLUMNS) + list(EXTRA_COLUMNS)
    reference = incident_frame(incident_row(id="x"))
    for column in INCIDENT_COLUMNS:
        assert incidents[column].dtype.kind == reference[column].dtype.kind, column
    assert str(incidents["source_timestamp"].dtype) == "Int64"
    assert incidents["row"].dtype == "int64"


def test_acled_pre_2023_schema(tmp_path):
    old = {"iso3": "TUN", "iso": "788", "data_id": "7001", "event_id_cnty": "TUN1"}
    path = write_csv(tmp_path / "old.csv", ACLED_OLD_COLUMNS, [ACLED_ROW | old])
    assert detect_format(path) == "acled"
    row = only_row(path)
    assert (row["id"], row["iso3"], row["deaths_best"]) == ("ACLED-TUN1", "TUN", 55)


def test_acled_old_export_without_event_id_cnty_uses_data_id(tmp_path):
    columns = [column for column in ACLED_OLD_COLUMNS if column != "event_id_cnty"]
    row = only_row(write_csv(tmp_path / "old.csv", columns, [ACLED_ROW]))
    assert row["id"] == "ACLED-7001"


def test_acled_upper_case_headers_with_bom(tmp_path):
    path = acled_file(tmp_path, {}, encoding="utf-8-sig", header=[column.upper() for column in ACLED_COLUMNS])
    assert path.read_bytes().startswith(codecs.BOM_UTF8)
    assert detect_format(path) == "acled"
    row = only_row(path)
    assert (row["id"], row["location"]) == ("ACLED-TUN1", "Ben Gardane")


@pytest.mark.parametrize("written", ["2016-03-07", "07-03-2016", "07 March 2016", "7 March 2016", "07 Mar 2016"])
def test_acled_date_forms(tmp_path, written):
    assert only_row(acled_file(tmp_path, {"event_date": written}))["event_date"] == pd.Timestamp("2016-03-07")


@pytest.mark.parametrize(("code", "precision"), [("1", "day"), ("2", "week"), ("3", "month")])
def test_acled_time_precision(tmp_path, code, precision):
    assert only_row(acled_file(tmp_path, {"time_precision": code}))["date_precision"] == precision


def test_acled_inter_labels_as_written(tmp_path):
    row = only_row(acled_file(tmp_path, {"inter1": "State forces", "inter2": "Rebel groups", "assoc_actor_1": ""}))
    assert row["actors"] == (
        "Military Forces of Tunisia (2014-2019) (State forces) vs Islamic State (Tunisia) (Rebel groups)"
    )


def test_acled_iso3_from_iso_numeric_and_from_name(tmp_path):
    assert only_row(acled_file(tmp_path, {"iso": "434", "country": "Libya", "latitude": "32.9", "longitude": "13.2"},
                               name="a.csv"))["iso3"] == "LBY"
    assert only_row(acled_file(tmp_path, {"iso": "", "country": "Libya", "latitude": "32.9", "longitude": "13.2"},
                               name="b.csv"))["iso3"] == "LBY"


def test_unknown_country_name_takes_iso3_from_the_point(tmp_path):
    row = only_row(acled_file(tmp_path, {"iso": "", "country": "Ifriqiya"}))
    assert row["iso3"] == "TUN"
    assert row["notes"] == "iso3 from the coordinates: Ifriqiya is not a country name BorderWatch knows"


def test_acled_empty_source_falls_back_to_the_dataset(tmp_path):
    assert only_row(acled_file(tmp_path, {"source": ""}))["sources"] == "ACLED event TUN1"


def test_acled_record_spanning_lines_keeps_line_numbers(tmp_path):
    path = acled_file(tmp_path, {"notes": "line one\nline two"}, {"event_id_cnty": "TUN2", "fatalities": "-1"})
    assert rejections_of(path) == [(4, "fatalities", "-1 is negative")]


def test_acled_xlsx(tmp_path):
    rows = [ACLED_ROW | {"fatalities": 55, "latitude": 33.1389, "longitude": 11.2167, "timestamp": 1618910000}]
    path = xlsx_file(tmp_path / "acled.xlsx", ACLED_COLUMNS, rows)
    assert detect_format(path) == "acled"
    row = only_row(path)
    assert (row["id"], row["deaths_best"], row["latitude"], row["row"]) == ("ACLED-TUN1", 55, 33.1389, 2)


def test_xlsx_rows_keep_their_spreadsheet_numbers(tmp_path):
    path = xlsx_file(tmp_path / "gaps.xlsx", ACLED_COLUMNS, [ACLED_ROW, {}, ACLED_ROW | {"event_id_cnty": "TUN2",
                                                                                      "fatalities": -1}])
    _, rejections, read = read_all(path)
    assert (rejections, read) == ([Rejection(4, "fatalities", "-1 is negative")], 2)


def test_column_mapping_renames_headers(tmp_path):
    header = ["Event ID" if column == "event_id_cnty" else column for column in ACLED_COLUMNS]
    path = acled_file(tmp_path, {}, header=header)
    row = only_row(path, format="acled", column_mapping={"event_id_cnty": "event id"})
    assert row["id"] == "ACLED-TUN1"


def test_every_row_is_accepted_or_rejected(tmp_path):
    rows = [{"event_id_cnty": f"TUN{n}", "fatalities": str(n - 5)} for n in range(10)]
    incidents, rejections, read = read_all(acled_file(tmp_path, *rows))
    assert read == 10
    assert len(incidents) + len({rejection.row for rejection in rejections}) == 10


# --- GTD --------------------------------------------------------------------


def test_gtd_csv_latin1_maps_every_field(tmp_path):
    path = gtd_file(tmp_path, {})
    assert detect_format(path) == "gtd"
    row = only_row(path)
    assert (row["id"], row["source_id"]) == ("GTD-201603070001", "201603070001")
    assert (row["event_date"], row["date_precision"]) == (pd.Timestamp("2016-03-07"), "day")
    assert (row["event_type"], row["sub_event_type"], row["type_original"]) == (
        "Battles", "Armed clash", "Armed Assault"
    )
    assert (row["actor1"], row["actor2"]) == ("Invented Group", "Military")
    assert row["actors"] == "Invented Group; target: Military: Barracks"
    assert (row["country"], row["iso3"], row["admin1"], row["location"]) == (
        "Tunisia", "TUN", "Médenine", "Ben Guerdane"
    )
    assert (row["latitude"], row["longitude"], row["geo_precision"]) == (33.1389, 11.2167, 1)
    assert (row["deaths_low"], row["deaths_best"], row["deaths_high"]) == (12, 12, 12)
    assert (row["deaths_militants_low"], row["deaths_militants_best"], row["deaths_militants_high"]) == (5, 5, 5)
    assert (row["wounded_low"], row["wounded_best"], row["wounded_high"]) == (3, 3, 3)
    assert row["deaths_note"] == "GTD nkill: 12; nkillter (perpetrators): 5"
    assert row["description"] == "Invented summary: assailants opened fire on a barracks."
    assert row["sources"] == "Invented citation one. ; Invented citation two."
    assert pd.isna(row["source_timestamp"])
    assert '"dbsource": "START Primary Collection"' in row["original"]


def test_gtd_unknown_month_and_day_keep_the_event(tmp_path):
    path = gtd_file(
        tmp_path,
        {"eventid": "1", "iday": "0"},
        {"eventid": "2", "imonth": "0", "iday": "0", "approxdate": "sometime in 2016"},
    )
    incidents, rejections, _ = read_all(path)
    assert rejections == []
    assert incidents["event_date"].tolist() == [pd.Timestamp("2016-03-01"), pd.Timestamp("2016-01-01")]
    assert incidents["date_precision"].tolist() == ["month", "year"]
    assert incidents["notes"].tolist() == ["", "GTD approximate date: sometime in 2016"]


@pytest.mark.parametrize(
    ("attack", "target", "suicide", "expected"),
    [
        ("Bombing/Explosion", "Police", "0", ("Explosions/Remote violence", "Remote explosive/landmine/IED")),
        ("Bombing/Explosion", "Business", "1", ("Explosions/Remote violence", "Suicide bomb")),
        ("Armed Assault", "Police", "0", ("Battles", "Armed clash")),
        ("Armed Assault", "Tourists", "0", ("Violence against civilians", "Attack")),
        ("Assassination", "Government (General)", "0", ("Violence against civilians", "Attack")),
        ("Hostage Taking (Kidnapping)", "Private Citizens & Property", "0",
         ("Violence against civilians", "Abduction/forced disappearance")),
        ("Hostage Taking (Barricade Incident)", "Military", "0", ("Battles", "Armed clash")),
        ("Hijacking", "Airports & Aircraft", "0", ("Violence against civilians", "Abduction/forced disappearance")),
        (
            "Facility/Infrastructure Attack", "Utilities", "0",
            ("Strategic developments", "Looting/property destruction"),
        ),
        ("Unarmed Assault", "Educational Institution", "0", ("Violence against civilians", "Attack")),
        ("Unknown", "Unknown", "0", ("Violence against civilians", "Attack")),
    ],
)
def test_gtd_attack_types(tmp_path, attack, target, suicide, expected):
    row = only_row(gtd_file(tmp_path, {"attacktype1_txt": attack, "targtype1_txt": target, "suicide": suicide}))
    assert (row["event_type"], row["sub_event_type"]) == expected


@pytest.mark.parametrize(("specificity", "geo_precision"), [("1", 1), ("2", 2), ("3", 2), ("4", 3)])
def test_gtd_specificity(tmp_path, specificity, geo_precision):
    assert only_row(gtd_file(tmp_path, {"specificity": specificity}))["geo_precision"] == geo_precision


def test_gtd_unknown_city_and_no_citation(tmp_path):
    row = only_row(gtd_file(tmp_path, {"city": "Unknown", "scite1": "", "scite2": ""}))
    assert row["location"] == "Médenine"
    assert row["sources"] == "Global Terrorism Database, eventid 201603070001"


def test_gtd_xlsx(tmp_path):
    numbers = {"eventid": 201603070001, "iyear": 2016, "imonth": 3, "iday": 7, "latitude": 33.1389,
               "longitude": 11.2167, "specificity": 1, "nkill": 12.0, "nkillter": 5, "nwound": 3}
    path = xlsx_file(tmp_path / "gtd.xlsx", GTD_COLUMNS, [GTD_ROW | numbers])
    assert detect_format(path) == "gtd"
    row = only_row(path)
    assert (row["id"], row["deaths_best"], row["admin1"], row["latitude"]) == (
        "GTD-201603070001", 12, "Médenine", 33.1389
    )


# --- UCDP -------------------------------------------------------------------


def test_ucdp_maps_every_field(tmp_path):
    path = ucdp_file(tmp_path, {})
    assert detect_format(path) == "ucdp"
    row = only_row(path)
    assert (row["id"], row["source_id"]) == ("UCDP-123456", "123456")
    assert (row["event_date"], row["end_date"], row["date_precision"]) == (
        pd.Timestamp("2016-03-07"), pd.Timestamp("2016-03-09"), "day"
    )
    assert (row["event_type"], row["sub_event_type"], row["type_original"]) == (
        "Battles", "Armed clash", "state-based conflict"
    )
    expected = ("Government of Tunisia", "IS", "Government of Tunisia vs IS")
    assert (row["actor1"], row["actor2"], row["actors"]) == expected
    assert (row["country"], row["iso3"], row["admin1"], row["location"]) == (
        "Tunisia", "TUN", "Medenine governorate", "Ben Gardane town"
    )
    assert (row["latitude"], row["longitude"], row["geo_precision"]) == (33.1389, 11.2167, 1)
    assert (row["deaths_low"], row["deaths_best"], row["deaths_high"]) == (50, 56, 60)
    assert (row["deaths_security_best"], row["deaths_militants_best"], row["deaths_civilians_best"]) == (13, 36, 7)
    assert row["deaths_note"] == "side A: 13; side B: 36; civilians: 7; unknown: 0"
    assert row["description"] == "Militants attack border town"
    assert row["sources"] == "Reuters,2016-03-07,Attack on Ben Gardane ; BBC,2016-03-08,Aftermath"


@pytest.mark.parametrize(
    ("violence", "expected"),
    [("2", ("Battles", "Armed clash", "non-state conflict")),
     ("3", ("Violence against civilians", "Attack", "one-sided violence"))],
)
def test_ucdp_types_of_violence(tmp_path, violence, expected):
    row = only_row(ucdp_file(tmp_path, {"type_of_violence": violence, "side_a": "IS", "side_b": "Civilians"}))
    assert (row["event_type"], row["sub_event_type"], row["type_original"]) == expected
    # Only a government's side is known to be security forces.
    assert pd.isna(row["deaths_security_best"]) and pd.isna(row["deaths_militants_best"])


@pytest.mark.parametrize(
    ("where", "geo_precision", "km", "note"),
    [("1", 1, None, ""), ("2", 2, 25.0, ""), ("3", 2, None, ""), ("4", 3, None, ""),
     ("6", 3, None, "UCDP where_prec 6: only the country is known")],
)
def test_ucdp_where_precision(tmp_path, where, geo_precision, km, note):
    row = only_row(ucdp_file(tmp_path, {"where_prec": where}))
    assert row["geo_precision"] == geo_precision
    assert (pd.isna(row["precision_km"]) if km is None else row["precision_km"] == km)
    assert row["notes"] == note


@pytest.mark.parametrize(("code", "precision"), [("1", "day"), ("2", "week"), ("4", "month"), ("5", "year")])
def test_ucdp_date_precision(tmp_path, code, precision):
    assert only_row(ucdp_file(tmp_path, {"date_prec": code}))["date_precision"] == precision


# --- bad files: one message each -------------------------------------------

HTML_PAGE = "<!DOCTYPE html>\n<html><head><title>Log in</title></head><body>Please log in</body></html>\n"
GOOD_HEADER = ",".join(ACLED_COLUMNS)


#: Files that are not what they claim: (name, content, the one message).
#: ``None`` content: a ZIP archive without a shapefile.
BAD_FILES = [
        ("empty.csv", b"", "empty.csv: the file is empty"),
        ("blank.csv", b"  \r\n\r\n", "blank.csv: the file is empty"),
        ("binary.csv", bytes(range(256)) * 4, "binary.csv: is a binary file, not CSV text"),
        ("page.csv", HTML_PAGE.encode(),
         "page.csv: is a web page (HTML), not a CSV file: the download probably saved a login or error page; "
         "download the export again"),
        ("semi.csv", GOOD_HEADER.replace(",", ";").encode() + b"\nTUN1;2016-03-07\n",
         "semi.csv: its columns are separated by semicolons, not commas: export it again as comma-separated CSV"),
        ("tabs.csv", GOOD_HEADER.replace(",", "\t").encode() + b"\n",
         "tabs.csv: its columns are separated by tabs, not commas: export it again as comma-separated CSV"),
        ("utf16.csv", (GOOD_HEADER + "\n").encode("utf-16"),
         'utf16.csv: is UTF-16 text (Excel\'s "Unicode Text"): save it as "CSV UTF-8"'),
        ("utf16le.csv", (GOOD_HEADER + "\n").encode("utf-16-le"),
         'utf16le.csv: is UTF-16 text (Excel\'s "Unicode Text"): save it as "CSV UTF-8"'),
        ("old.xls", bytes.fromhex("D0CF11E0A1B11AE1") + bytes(600),
         "old.xls: is an old Excel .xls workbook: save it as .xlsx or as CSV (UTF-8)"),
        ("data.json", b'{"rows": [1, 2]}', 'data.json: is JSON but not GeoJSON (no "FeatureCollection" or "Feature")'),
        ("unknown.csv", b"name,when,where\nx,y,z\n",
         "unknown.csv: this looks like no format BorderWatch reads: expected ACLED's event_id_cnty/event_date/"
         "event_type, GTD's eventid/iyear/imonth/iday or UCDP GED's id/date_start/type_of_violence columns; "
         "found name, when, where"),
        ("twice.csv", b"event_id_cnty,event_date,event_type,EVENT_DATE\n",
         "twice.csv: has several columns named 'EVENT_DATE', 'event_date'"),
        ("header.csv", (GOOD_HEADER + "\n").encode(), "header.csv: holds no records, only a header"),
        ("missing.csv", b"event_id_cnty,event_date,event_type,sub_event_type,actor1,country,location\nx\n",
         "missing.csv: missing ACLED columns: time_precision, latitude, longitude, geo_precision, source, "
         "fatalities"),
        ("gtd.csv", b"eventid,iyear,imonth,iday,city\n1,2016,3,7,x\n",
         "gtd.csv: missing GTD columns: latitude, longitude, specificity, country_txt, attacktype1_txt, "
         "targtype1_txt, nkill"),
        ("ged.csv", b"id,date_start,type_of_violence\n1,2016-03-07,1\n",
         "ged.csv: missing UCDP columns: date_prec, where_prec, latitude, longitude, country, best, low, high"),
        ("archive.zip", None,
         "archive.zip: is a ZIP archive without a shapefile (.shp) inside: BorderWatch reads a zipped "
         "shapefile of points (.shp, .shx, .dbf and .prj) or an .xlsx workbook"),
        ("broken.zip", b"PK\x03\x04 not really a zip",
         "broken.zip: is a damaged ZIP archive (File is not a zip file)"),
]


def write_bad_file(path: Path, content: bytes | None) -> Path:
    """Write one of :data:`BAD_FILES` (``None``: a ZIP with no shapefile)."""
    if content is None:
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("readme.txt", "no shapefile here")
    else:
        path.write_bytes(content)
    return path


@pytest.mark.parametrize(("name", "content", "message"), BAD_FILES)
def test_bad_file_gets_one_message(tmp_path, name, content, message):
    assert refusal(write_bad_file(tmp_path / name, content)) == message


def test_missing_file(tmp_path):
    assert refusal(tmp_path / "nowhere.csv") == "nowhere.csv: file not found"


def test_workbook_with_several_sheets(tmp_path):
    path = xlsx_file(tmp_path / "book.xlsx", ACLED_COLUMNS, [ACLED_ROW], sheets=3)
    message = ("book.xlsx: the spreadsheet has 3 sheets (Data, Sheet2, Sheet3): save the sheet to import as a "
               "workbook of its own, or as CSV")
    assert refusal(path) == message
    with pytest.raises(FileRejectedError, match="3 sheets"):
        detect_format(path)


def test_explicit_format_must_fit_the_file(tmp_path):
    path = acled_file(tmp_path, {})
    assert refusal(path, format="geojson") == "acled.csv: is a CSV text file, not geojson"
    assert refusal(path, format="gtd").startswith("acled.csv: missing GTD columns: eventid, iyear")
    with pytest.raises(ValueError, match="format 'kml' is not one of"):
        read_all(path, format="kml")


def test_column_mapping_naming_no_column(tmp_path):
    message = refusal(acled_file(tmp_path, {}), column_mapping={"event_id_cnty": "Event ID"})
    assert message == "acled.csv: the column mapping names 'Event ID', which is not a column of the file"


# --- bad rows: every problem, row and column as the user sees them ---------


#: ACLED rows with problems: (cells changed, [(column, reason), ...]).
BAD_ACLED_ROWS = [
        ({"latitude": "95.2"}, [("latitude", "latitude 95.2 is outside -90..90")]),
        ({"longitude": "-181"}, [("longitude", "longitude -181 is outside -180..180")]),
        ({"longitude": "abc"}, [("longitude", "longitude 'abc' is not a number")]),
        ({"latitude": "inf"}, [("latitude", "latitude 'inf' is not a finite number")]),
        ({"latitude": "", "longitude": ""}, [("latitude", "is empty"), ("longitude", "is empty")]),
        ({"latitude": "0", "longitude": "0"},
         [("latitude/longitude", "0, 0 is no place: the coordinates are probably missing")]),
        ({"latitude": "11.2167", "longitude": "33.1389"},
         [("latitude/longitude", "11.2167, 33.1389 lies outside Tunisia, which it would fall in with the two "
                                 "swapped: probably swapped latitude/longitude")]),
        ({"event_date": "2016/13/45"},
         [("event_date", "'2016/13/45' is not a date (expected yyyy-mm-dd, dd-mm-yyyy or 07 March 2016)")]),
        ({"event_date": ""}, [("event_date", "is empty")]),
        ({"event_date": "2999-01-01"}, [("event_date", "2999-01-01 is in the future")]),
        ({"fatalities": "-3"}, [("fatalities", "-3 is negative")]),
        ({"fatalities": "many"}, [("fatalities", "'many' is not a number")]),
        ({"fatalities": "2.5"}, [("fatalities", "2.5 is not a whole number")]),
        ({"fatalities": "1e30"}, [("fatalities", "1e30 is too large for a count")]),
        ({"timestamp": "1e30"}, [("timestamp", "'1e30' is not a time in Unix seconds")]),
        ({"location": ""}, [("location", "is empty")]),
        ({"event_id_cnty": ""}, [("event_id_cnty", "is empty")]),
        ({"event_type": "Skirmish"}, [("event_type", "'Skirmish' is not an ACLED event type")]),
        ({"sub_event_type": "Grenade"},
         [("sub_event_type", "'Grenade' is not a sub-event type of 'Battles'")]),
        ({"time_precision": "4"}, [("time_precision", "'4' is not 1, 2 or 3")]),
        ({"geo_precision": "5"}, [("geo_precision", "'5' is not one of 1, 2, 3")]),
        ({"timestamp": "yesterday"}, [("timestamp", "'yesterday' is not a time in Unix seconds")]),
        ({"country": "Atlantis", "iso": "", "latitude": "30", "longitude": "-40"},
         [("country", "'Atlantis' is not a country BorderWatch knows, and the point lies in none")]),
        ({"latitude": "95", "fatalities": "-1", "event_date": "soon"},
         [("event_date", "'soon' is not a date (expected yyyy-mm-dd, dd-mm-yyyy or 07 March 2016)"),
          ("fatalities", "-1 is negative"), ("latitude", "latitude 95 is outside -90..90")]),
]


@pytest.mark.parametrize(("values", "expected"), BAD_ACLED_ROWS)
def test_bad_acled_row(tmp_path, values, expected):
    path = acled_file(tmp_path, {"event_id_cnty": "TUN0"}, values)
    incidents, rejections, read = read_all(path)
    assert read == 2
    assert incidents["id"].tolist() == ["ACLED-TUN0"]
    assert [(rejection.row, rejection.column, rejection.reason) for rejection in rejections] == [
        (3, column, reason) for column, reason in expected
    ]


def test_bad_row_reported_with_the_file_s_header_case(tmp_path):
    path = acled_file(tmp_path, {"fatalities": "-2"}, header=[column.upper() for column in ACLED_COLUMNS])
    assert rejections_of(path) == [(2, "FATALITIES", "-2 is negative")]


def test_repeated_id(tmp_path):
    path = acled_file(tmp_path, {}, {"fatalities": "1"})
    assert rejections_of(path) == [(3, "event_id_cnty", "'TUN1' repeats the id of row 2")]


def test_repeated_id_across_chunks(tmp_path):
    path = acled_file(tmp_path, {}, {"event_id_cnty": "TUN2"}, {})
    assert rejections_of(path, chunk_rows=1) == [(4, "event_id_cnty", "'TUN1' repeats the id of row 2")]


def test_row_with_too_many_or_too_few_cells(tmp_path):
    path = acled_file(tmp_path, {})
    with path.open("a", encoding="utf-8") as stream:
        stream.write("TUN9,2016-03-07,extra\n")
        stream.write(",".join(ACLED_ROW[column] for column in ACLED_COLUMNS).replace("TUN1", "TUN8") + ",x,y\n")
    assert rejections_of(path) == [
        (3, "(whole row)", f"has 3 cells, the header has {len(ACLED_COLUMNS)}"),
        (4, "(whole row)",
         f"has {len(ACLED_COLUMNS) + 2} cells, the header has {len(ACLED_COLUMNS)} "
         "(is a comma inside a cell missing its quotes?)"),
    ]


def test_blank_lines_are_not_records(tmp_path):
    path = acled_file(tmp_path, {})
    with path.open("a", encoding="utf-8") as stream:
        stream.write("\n" + "," * (len(ACLED_COLUMNS) - 1) + "\n")
    _, rejections, read = read_all(path)
    assert (rejections, read) == ([], 1)


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"specificity": "5", "latitude": "", "longitude": ""},
         [("latitude", "is empty"), ("longitude", "is empty"),
          ("specificity", "is 5: GTD has no usable coordinates for this event")]),
        ({"specificity": "9"}, [("specificity", "'9' is not a GTD specificity 1..5")]),
        ({"imonth": "2", "iday": "31"}, [("iyear/imonth/iday", "2016-02-31 is not a date")]),
        ({"imonth": "13"}, [("imonth", "'13' is not a whole number 0..12")]),
        ({"iyear": ""}, [("iyear", "is empty")]),
        ({"attacktype1_txt": "Cyber Attack"}, [("attacktype1_txt", "'Cyber Attack' is not a GTD attack type")]),
        ({"nkill": "2", "nkillter": "5"}, [("nkillter", "5 is more than nkill 2")]),
        ({"nwound": "-99"}, [("nwound", "-99 is negative")]),
    ],
)
def test_bad_gtd_row(tmp_path, values, expected):
    path = gtd_file(tmp_path, {"eventid": "1"}, {"eventid": "2"} | values)
    incidents, rejections, _ = read_all(path)
    assert incidents["id"].tolist() == ["GTD-1"]
    assert [(rejection.row, rejection.column, rejection.reason) for rejection in rejections] == [
        (3, column, reason) for column, reason in expected
    ]


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"low": "57"}, [("low/best/high", "low 57, best 56, high 60: need low <= best <= high")]),
        ({"type_of_violence": "4"}, [("type_of_violence", "'4' is not 1, 2 or 3")]),
        ({"where_prec": "8"}, [("where_prec", "'8' is not a UCDP where_prec 1..7")]),
        ({"date_prec": "0"}, [("date_prec", "'0' is not a UCDP date_prec 1..5")]),
        ({"date_start": "07/03/2016"}, [("date_start", "'07/03/2016' is not a date (expected yyyy-mm-dd)")]),
        ({"date_end": "2016-03-01"}, [("date_end", "2016-03-01 is before the start date")]),
        ({"deaths_civilians": "x"}, [("deaths_civilians", "'x' is not a number")]),
    ],
)
def test_bad_ucdp_row(tmp_path, values, expected):
    path = ucdp_file(tmp_path, {"id": "1"}, {"id": "2"} | values)
    incidents, rejections, _ = read_all(path)
    assert incidents["id"].tolist() == ["UCDP-1"]
    assert [(rejection.row, rejection.column, rejection.reason) for rejection in rejections] == [
        (3, column, reason) for column, reason in expected
    ]


def test_an_unclosed_quote_refuses_the_file_instead_of_swallowing_rows(tmp_path):
    path = acled_file(tmp_path, *({"event_id_cnty": f"TUN{n}"} for n in range(1, 6)))
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[2] = lines[2].replace("Militants attacked", '"Militants attacked', 1)
    path.write_text("".join(lines), encoding="utf-8")
    assert refusal(path) == (
        "acled.csv: line 3: a quote opened in this record is not closed before line 6, so lines 3–6 "
        "would be read as one record; close the quote and import again"
    )


def test_a_workbook_that_misstates_its_size_is_read_whole(tmp_path):
    rows = [ACLED_ROW | {"event_id_cnty": f"TUN{n}"} for n in range(12)]
    path = xlsx_file(tmp_path / "book.xlsx", ACLED_COLUMNS, rows)
    # Some writers record a stale sheet size; rewrite it to claim two rows and three columns.
    damaged = tmp_path / "stale.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(damaged, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                data = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:C3"', data)
            target.writestr(item, data)
    incidents, rejections, read = read_all(damaged)
    assert (len(incidents), rejections, read) == (12, [], 12)


def test_rejected_records_are_kept_for_download(tmp_path):
    from borderwatch.importers.report import rejection_table

    path = acled_file(tmp_path, {"event_id_cnty": "TUN1"}, {"event_id_cnty": "TUN2", "latitude": "95.2"})
    chunks = list(read_incidents(path, dataset="acled"))
    records = {row: record for chunk in chunks for row, record in chunk.rejected_records.items()}
    rejections = [rejection for chunk in chunks for rejection in chunk.rejections]
    table = rejection_table(rejections, records)
    assert table.loc[0, ["row", "column", "reason"]].tolist() == [3, "latitude", "latitude 95.2 is outside -90..90"]
    assert table.loc[0, "event_id_cnty"] == "TUN2"
    assert table.loc[0, "latitude"] == "95.2"
    assert table.loc[0, "notes"] == ACLED_ROW["notes"]


def test_blank_lines_before_the_header_and_old_mac_line_ends(tmp_path):
    path = acled_file(tmp_path, {"event_id_cnty": "TUN1"}, {"event_id_cnty": "TUN2"})
    text = path.read_text(encoding="utf-8")
    padded = tmp_path / "padded.csv"
    padded.write_text("\n\n" + text, encoding="utf-8")
    incidents, rejections, read = read_all(padded)
    assert (len(incidents), rejections, read) == (2, [], 2)
    assert incidents["row"].tolist() == [4, 5]
    mac = tmp_path / "mac.csv"
    mac.write_bytes(text.replace("\r\n", "\r").replace("\n", "\r").encode("utf-8"))
    incidents, rejections, read = read_all(mac)
    assert (len(incidents), rejections, read) == (2, [], 2)


def test_a_stray_byte_in_a_utf8_file_is_named_not_read_as_cp1252(tmp_path):
    path = acled_file(tmp_path, {"event_id_cnty": "TUN1", "location": "Bin Qirdān"}, {"event_id_cnty": "TUN2"})
    path.write_bytes(path.read_bytes().replace(b"TUN2,", b"TUN2\xe9,"))
    assert refusal(path) == (
        "acled.csv: line 3 holds bytes that are not UTF-8, while the lines before it are UTF-8 text: "
        "fix that line or save the file again as CSV UTF-8"
    )
