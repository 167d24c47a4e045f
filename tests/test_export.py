"""Exports: CSV that a spreadsheet will not run, GeoJSON that round-trips, every source credited, safe names."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
from hypothesis import given
from hypothesis import strategies as st
from shapely.geometry import Point

import borderwatch
from borderwatch.export import (
    ATTRIBUTION_KEY,
    BUNDLED_CREDIT,
    GEOPACKAGE_LAYER,
    MAX_FILE_STEM,
    dataset_attributions,
    describe_filters,
    export_attribution,
    export_command,
    export_file_name,
    incidents_per_dataset,
    neutralise_cell,
    store_incidents_per_dataset,
    to_csv_bytes,
    to_geojson_bytes,
    to_geopackage_bytes,
    write_geopackage,
)
from borderwatch.filters import IncidentFilter, IncidentQuery
from borderwatch.importers import read_incidents
from borderwatch.schema import INCIDENT_COLUMNS
from borderwatch.store import IncidentStore, file_sha256, open_store
from tests.factories import TESTER, incident_frame, incident_row
from tests.test_import_gis import MAPPING, features
from tests.test_importers import UCDP_ROW, acled_file, gtd_file, ucdp_file


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
        ("+1+2", "'+1+2"),
        ("-cmd", "'-cmd"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("-3.5", "-3.5"),
        ("+7", "+7"),
        ("Ben Gardane", "Ben Gardane"),
        (-4, -4),
        (None, None),
    ],
)
def test_neutralise_cell(cell, expected):
    assert neutralise_cell(cell) == expected


def test_csv_export_neutralises_formulas_and_keeps_numbers():
    incidents = incident_frame(
        incident_row(id="a", location="=cmd|' /C calc'!A0", deaths_low=3, deaths_best=4, deaths_high=5),
    )
    table = pd.read_csv(io.BytesIO(to_csv_bytes(incidents)), dtype=str, keep_default_na=False)
    assert list(table.columns[: len(INCIDENT_COLUMNS)]) == list(INCIDENT_COLUMNS)
    assert table.loc[0, "location"] == "'=cmd|' /C calc'!A0"
    assert table.loc[0, "deaths_best"] == "4"
    assert table.loc[0, "event_date"] == "2016-03-07"
    assert table.loc[0, "wounded_best"] == ""


def test_geojson_export_has_points_dates_and_nulls():
    incidents = incident_frame(incident_row(id="a", deaths_low=3, deaths_best=4, deaths_high=5))
    collection = json.loads(to_geojson_bytes(incidents))
    feature = collection["features"][0]
    assert feature["geometry"] == {"type": "Point", "coordinates": [11.2167, 33.1389]}
    assert feature["properties"]["event_date"] == "2016-03-07"
    assert feature["properties"]["deaths_best"] == 4
    assert feature["properties"]["wounded_best"] is None


# --- GeoPackage ---------------------------------------------------------------------


def test_geopackage_export_round_trips_with_attribution(tmp_path):
    incidents = incident_frame(
        incident_row(id="a", deaths_low=3, deaths_best=4, deaths_high=5, location="=x"),
        incident_row(id="b", end_date="2016-03-09"),
    )
    path = tmp_path / "out.gpkg"
    write_geopackage(incidents, path, attribution="Source: test")
    back = gpd.read_file(path, layer=GEOPACKAGE_LAYER)
    assert back["id"].tolist() == ["a", "b"]
    assert back["event_date"].tolist() == ["2016-03-07", "2016-03-07"]
    assert back["end_date"].isna().tolist() == [True, False]
    assert back.loc[0, "deaths_best"] == 4 and pd.isna(back.loc[1, "deaths_best"])
    assert back.loc[0, "location"] == "=x"  # only CSV is for spreadsheets
    assert back.crs.to_epsg() == 4326
    assert (back.geometry.x[0], back.geometry.y[0]) == (11.2167, 33.1389)
    info = pyogrio.read_info(path, layer=GEOPACKAGE_LAYER)
    assert info["layer_metadata"] == {ATTRIBUTION_KEY: "Source: test", "DESCRIPTION": "Source: test"}
    assert info["dataset_metadata"] == {ATTRIBUTION_KEY: "Source: test"}


def test_geopackage_bytes_without_attribution_and_empty(tmp_path):
    empty = incident_frame(incident_row(id="a")).iloc[:0]
    path = tmp_path / "empty.gpkg"
    path.write_bytes(to_geopackage_bytes(empty))
    info = pyogrio.read_info(path, layer=GEOPACKAGE_LAYER)
    assert (info["features"], info["geometry_type"], info["layer_metadata"]) == (0, "Point", None)


def test_geojson_attribution_is_a_foreign_member():
    incidents = incident_frame(incident_row(id="a"))
    collection = json.loads(to_geojson_bytes(incidents, attribution="Source: ACLED — é"))
    assert collection["attribution"] == "Source: ACLED — é"
    assert collection["type"] == "FeatureCollection" and len(collection["features"]) == 1
    assert "attribution" not in json.loads(to_geojson_bytes(incidents))


def test_describe_filters():
    selection = IncidentFilter(start=dt.date(2016, 1, 1), event_types=("Battles", "Riots"), countries=())
    assert describe_filters(IncidentQuery(selection, actors=("IS",), hide_duplicates=True)) == (
        "dates 2016-01-01 to any; event types: Battles, Riots; countries: none; datasets: any; "
        "actors: IS; probable duplicates left out"
    )


def test_a_distance_limit_is_described_and_carried_into_the_export_command():
    selection = IncidentFilter(start=dt.date(2016, 3, 1))
    assert describe_filters(IncidentQuery(selection, max_border_km=30.0)).endswith("; within 30 km of the border")
    assert "--within-km=12.5" in export_command(IncidentQuery(selection, max_border_km=12.5), "out.csv").split()


# --- attribution of the datasets in an export ---------------------------------------

ACLED_CREDIT_START = "Armed Conflict Location & Event Data Project (ACLED); https://acleddata.com; accessed "
#: A GIS dataset named as a person might, with a line break and markup pasted in.
GIS_DATASET = "Field notes <b>Sebha</b> 2016"
GIS_CREDIT = "Field notes <b>Sebha</b> 2016"
SEBHA = (14.43, 27.04)


def import_file(store: IncidentStore, path: Path, format: str, dataset: str, mapping: dict | None = None) -> None:
    """Import a file as the Import data page and the command line do."""
    store.import_chunks(read_incidents(path, format=format, dataset=dataset, column_mapping=mapping),
                        dataset=dataset, format=format, file_name=path.name, file_hash=file_sha256(path),
                        mapping=mapping, actor=TESTER)


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    """A fresh store (the 30 bundled incidents, two ACLED rows, one UCDP, one invented GTD, one GIS point)
    and the days (UTC) the imports ran on."""
    folder = tmp_path_factory.mktemp("sources")
    days = {dt.datetime.now(dt.UTC).date()}
    with open_store(folder / "store.sqlite") as opened:
        import_file(opened, acled_file(folder, {"event_id_cnty": "TUN201", "location": "Medenine",
                                                "latitude": "33.3549", "longitude": "10.5055"},
                                       {"event_id_cnty": "TUN202", "event_date": "2016-03-09", "location": "Zarzis",
                                        "latitude": "33.5036", "longitude": "11.1122", "event_type": "Riots",
                                        "sub_event_type": "Violent demonstration"},
                                       name="2016-tunisia.csv"), "acled", "acled")
        import_file(opened, ucdp_file(folder, UCDP_ROW), "ucdp", "ucdp-ged")
        import_file(opened, gtd_file(folder, {}), "gtd", "gtd")
        gis = folder / "notes.geojson"
        features({"place": "Sebha"}, geometry=[Point(*SEBHA)]).to_file(gis)
        import_file(opened, gis, "geojson", GIS_DATASET, MAPPING)
        yield opened, days | {dt.datetime.now(dt.UTC).date()}


@pytest.fixture
def store(imported) -> IncidentStore:
    return imported[0]


def credits_by_format(store: IncidentStore, query: IncidentQuery, bbox=None) -> dict:
    credits = dataset_attributions(store_incidents_per_dataset(store, query, bbox), store.datasets())
    return {credit.format: credit for credit in credits}


def test_each_source_is_credited_as_its_terms_ask(imported):
    store, days = imported
    credits = dataset_attributions(store_incidents_per_dataset(store, IncidentQuery()), store.datasets())
    by_format = {credit.format: credit for credit in credits}
    assert [credit.format for credit in credits] == ["acled", "geojson", "gtd", "ucdp", "bundled"]
    acled = by_format["acled"]
    assert acled.credit in {ACLED_CREDIT_START + day.isoformat() for day in days}
    assert (acled.incidents, acled.url, acled.file_name) == (2, "https://acleddata.com", "2016-tunisia.csv")
    ucdp = by_format["ucdp"].credit
    assert ucdp.startswith("UCDP Georeferenced Event Dataset (GED), Uppsala Conflict Data Program, https://ucdp.uu.se")
    assert "Sundberg, Ralph and Erik Melander (2013)" in ucdp and "; accessed " in ucdp
    gtd = by_format["gtd"].credit
    assert gtd.startswith("National Consortium for the Study of Terrorism and Responses to Terrorism (START)")
    assert "https://www.start.umd.edu/gtd; accessed " in gtd
    assert (by_format["geojson"].credit, by_format["geojson"].dataset) == (GIS_CREDIT, GIS_CREDIT)
    assert (by_format["bundled"].credit, by_format["bundled"].incidents) == (BUNDLED_CREDIT, 30)


def test_only_the_datasets_in_the_selection_are_credited(store):
    assert set(credits_by_format(store, IncidentQuery(datasets=("bundled",)))) == {"bundled"}
    riots = IncidentQuery(IncidentFilter(event_types=("Riots",)))
    assert set(credits_by_format(store, riots)) == {"acled"}
    assert credits_by_format(store, riots)["acled"].incidents == 1
    around_sebha = (SEBHA[0] - 0.5, SEBHA[1] - 0.5, SEBHA[0] + 0.5, SEBHA[1] + 0.5)
    assert set(credits_by_format(store, IncidentQuery(), around_sebha)) == {"geojson"}
    assert credits_by_format(store, IncidentQuery(IncidentFilter(start=dt.date(2030, 1, 1)))) == {}


def test_a_table_export_lists_every_source_with_its_count_the_changes_and_the_filters(store):
    incidents = store.query(IncidentQuery(datasets=("acled", "bundled")))
    credits = dataset_attributions(incidents_per_dataset(incidents), store.datasets())
    text = export_attribution(credits, filters="dates any to any", exported=dt.date(2024, 6, 1))
    lines = text.splitlines()
    assert lines[0] == "Sources of the 32 incidents in this export (cite them when you use or share these data):"
    assert re.fullmatch(re.escape(f"- {ACLED_CREDIT_START}") + r"\d{4}-\d\d-\d\d"
                        + re.escape(". 2 incidents (dataset acled, file 2016-tunisia.csv)."), lines[1])
    assert lines[2:] == [
        f"- {BUNDLED_CREDIT}. 30 incidents (dataset bundled).",
        "Changes: records mapped onto BorderWatch's incident schema (docs/schema.md) and filtered.",
        "Filters: dates any to any.",
        f"Exported 2024-06-01 with BorderWatch {borderwatch.__version__}.",
    ]
    assert export_attribution((), filters="x") is None


def test_geojson_and_geopackage_exports_of_imported_acled_rows_credit_acled(store, tmp_path):
    incidents = store.query(IncidentQuery(datasets=("acled",)))
    attribution = export_attribution(dataset_attributions(incidents_per_dataset(incidents), store.datasets()),
                                     filters="x")
    collection = json.loads(to_geojson_bytes(incidents, attribution=attribution))
    assert collection["attribution"].splitlines()[1].startswith(f"- {ACLED_CREDIT_START}")
    assert BUNDLED_CREDIT not in collection["attribution"]
    path = tmp_path / "acled.gpkg"
    path.write_bytes(to_geopackage_bytes(incidents, attribution=attribution))
    info = pyogrio.read_info(path, layer=GEOPACKAGE_LAYER)
    assert info["layer_metadata"]["DESCRIPTION"] == attribution == info["dataset_metadata"][ATTRIBUTION_KEY]


def test_a_dataset_missing_from_the_list_is_credited_by_its_name():
    credits = dataset_attributions({"bundled": 3, "mystery": 2, "none": 0}, None)
    assert [(credit.dataset, credit.credit) for credit in credits] == [("mystery", "mystery"),
                                                                       ("bundled", BUNDLED_CREDIT)]


# --- file names ----------------------------------------------------------------------

MARCH = IncidentFilter(start=dt.date(2016, 2, 29), end=dt.date(2016, 3, 27))


def test_a_file_name_carries_the_dates_and_the_filters():
    battles = IncidentQuery(IncidentFilter(MARCH.start, MARCH.end, event_types=("Battles",)))
    assert export_file_name(battles, "html") == "borderwatch-2016-02-29_2016-03-27-battles.html"
    offered = {"event_types": ["Battles", "Riots"], "countries": ["Libya", "Tunisia"], "datasets": ["acled", "bundled"]}
    everything = IncidentQuery(IncidentFilter(MARCH.start, MARCH.end, ("Riots", "Battles"), ("Tunisia", "Libya")),
                               datasets=("bundled", "acled"))
    assert export_file_name(everything, "png", offered=offered) == "borderwatch-2016-02-29_2016-03-27.png"
    narrow = IncidentQuery(IncidentFilter(start=dt.date(2016, 3, 7), end=dt.date(2016, 3, 7),
                                          event_types=("Violence against civilians", "Battles", "Riots"),
                                          countries=("Tunisia",)),
                           datasets=(), actors=("Islamic State (Libya)",), hide_duplicates=True, max_border_km=12.5)
    assert export_file_name(narrow, "csv") == (
        "borderwatch-2016-03-07-3-types-tunisia-no-datasets-islamic-state-libya-no-duplicates-within-12.5km.csv"
    )
    assert export_file_name(IncidentQuery(IncidentFilter(start=dt.date(2016, 1, 1))), "gpkg") == (
        "borderwatch-from-2016-01-01.gpkg"
    )


names = st.text(st.characters(codec="utf-8"), max_size=60)
value_lists = st.none() | st.lists(names, max_size=5).map(tuple)
queries = st.builds(
    IncidentQuery,
    selection=st.builds(IncidentFilter, start=st.none() | st.dates(), end=st.none() | st.dates(),
                        event_types=value_lists, countries=value_lists),
    datasets=value_lists, actors=value_lists, hide_duplicates=st.booleans(),
    max_border_km=st.none() | st.floats(min_value=0, max_value=1e9, allow_nan=False),
)
#: Names Windows reserves for devices, with or without an extension.
WINDOWS_DEVICES = re.compile(r"(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?", re.IGNORECASE)


@given(query=queries, extension=st.sampled_from(["csv", "geojson", "gpkg", "html", "png", "csv.attribution.txt"]))
def test_file_names_are_always_short_safe_and_the_same_for_the_same_filters(query, extension):
    name = export_file_name(query, extension)
    stem = name[: -len(extension) - 1]
    assert name.endswith(f".{extension}") and stem.startswith("borderwatch")
    assert re.fullmatch(r"[a-z0-9][a-z0-9._-]*[a-z0-9]", name), name
    assert len(stem) <= MAX_FILE_STEM
    assert not WINDOWS_DEVICES.fullmatch(name) and ".." not in name
    reordered = IncidentQuery(
        IncidentFilter(query.selection.start, query.selection.end,
                       *(None if values is None else tuple(reversed(values))
                         for values in (query.selection.event_types, query.selection.countries))),
        *(None if values is None else tuple(reversed(values)) for values in (query.datasets, query.actors)),
        query.hide_duplicates, query.max_border_km,
    )
    assert export_file_name(reordered, extension) == name


def test_a_long_name_is_cut_and_two_long_names_stay_apart():
    def name(actor: str) -> str:
        query = IncidentQuery(IncidentFilter(MARCH.start, MARCH.end, event_types=("a" * 30, "b" * 30)),
                              datasets=("c" * 30, "d" * 30), actors=(actor,))
        return export_file_name(query, "csv")

    first, second = name("first actor"), name("second actor")
    assert first != second
    assert len(first) == len(second) == MAX_FILE_STEM + len(".csv")
