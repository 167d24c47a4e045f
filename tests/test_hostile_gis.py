"""Hostile GIS files (issue 11, items 3, 4 and 8): a wrong .prj, malformed GeoParquet
metadata, points far from their country, and GDAL messages that would show server paths."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from borderwatch.cli import main
from borderwatch.errors import FileRejectedError
from borderwatch.importers import read_incidents
from borderwatch.store import DATABASE_FILE, open_store
from tests.hostile import acled_rows, geoparquet_with_metadata, wrong_prj_shapefile
from tests.test_importers import read_all

APP = str(Path(__file__).resolve().parent.parent / "dashboard.py")
MAPPING = ["--mapping", "event_date=date", "--mapping", "event_type=type", "--mapping", "location=place"]
BUNDLED = 30


def _cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_a_shapefile_with_a_wrong_prj_is_refused_with_its_likely_cause(tmp_path, capsys):
    path = wrong_prj_shapefile(tmp_path)
    data = tmp_path / "data"
    code, out, err = _cli(capsys, "--data-dir", str(data), "import", str(path), *MAPPING)
    assert (code, out) == (2, "")
    assert err.startswith("borderwatch: error: wrong-prj.zip: 3 of 3 points lie outside the area "
                          "WGS 84 / UTM zone 32N is meant for")
    assert "the coordinates are longitude/latitude degrees, but the file says they are WGS 84 / UTM zone 32N" in err
    with open_store(data / DATABASE_FILE) as store:
        assert store.count() == BUNDLED


def test_a_point_far_outside_its_named_country_is_rejected(tmp_path):
    # Tunisia named, the point in the Gulf of Guinea (where the wrong .prj put it): 3,000 km away.
    path = acled_rows(tmp_path, {"event_id_cnty": "TUN1", "latitude": "0.0003", "longitude": "4.51"},
                      {"event_id_cnty": "TUN2"})
    incidents, rejections, _ = read_all(path)
    assert incidents["source_id"].tolist() == ["TUN2"]
    assert [(r.row, r.column) for r in rejections] == [(2, "latitude/longitude")]
    assert rejections[0].reason.startswith("0.0003, 4.51 lies outside Tunisia, the country the row names, by 3")


def test_a_point_near_its_country_at_sea_is_kept(tmp_path):
    # Off the coast of Ben Gardane, 30 km out: coastal and maritime events lie within the margin.
    path = acled_rows(tmp_path, {"event_id_cnty": "TUN1", "latitude": "33.35", "longitude": "11.6"})
    incidents, rejections, _ = read_all(path)
    assert rejections == [] and len(incidents) == 1


def test_some_points_outside_the_crs_area_of_use_reject_their_features(tmp_path):
    import geopandas as gpd
    from shapely.geometry import Point

    # UTM 32N metres: two at Ben Gardane, one 30 degrees of longitude away (outside zone 32N's area).
    frame = gpd.GeoDataFrame(
        {"date": ["2016-03-07"] * 3, "type": ["Armed clash"] * 3, "place": ["Ben Gardane"] * 3},
        geometry=[Point(707_000, 3_669_000), Point(707_100, 3_669_100), Point(3_500_000, 3_669_000)],
        crs="EPSG:32632",
    )
    path = tmp_path / "utm.gpkg"
    frame.to_file(path)
    incidents, rejections, _ = read_all(path, column_mapping={"event_date": "date", "event_type": "type",
                                                              "location": "place"})
    assert len(incidents) == 2
    assert [(r.row, r.column) for r in rejections] == [(3, "geometry")]
    assert "lies outside the area WGS 84 / UTM zone 32N is meant for" in rejections[0].reason


GEO_METADATA = {
    "empty object": ({}, "names no primary_column; has no \"columns\" object"),
    "a list": ([1, 2], "is list, not an object"),
    "missing primary column": (
        {"version": "1.0.0", "primary_column": "geom", "columns": {"geometry": {"encoding": "WKB"}}},
        "names primary_column 'geom', which is not a column of the file; does not describe the primary "
        "column 'geom'",
    ),
    "encoding 5": (
        {"version": "1.0.0", "primary_column": "geometry", "columns": {"geometry": {"encoding": 5}}},
        "gives the encoding '5', which is not text",
    ),
    "crs a number": (
        {"version": "1.0.0", "primary_column": "geometry", "columns": {"geometry": {"encoding": "WKB", "crs": 7}}},
        "gives a CRS that cannot be read",
    ),
}


@pytest.mark.parametrize("case", GEO_METADATA, ids=list(GEO_METADATA))
def test_malformed_geoparquet_metadata_is_one_message_and_exit_2(tmp_path, capsys, case):
    geo, problem = GEO_METADATA[case]
    path = geoparquet_with_metadata(tmp_path / "events.parquet", geo)
    code, out, err = _cli(capsys, "--data-dir", str(tmp_path / "data"), "import", str(path), *MAPPING)
    assert (code, out) == (2, "")
    assert err.startswith("borderwatch: error: events.parquet: its GeoParquet metadata ")
    assert problem in err and "Traceback" not in err and err.count("\n") == 1


def test_malformed_geoparquet_metadata_is_one_message_on_the_import_page(tmp_path, monkeypatch):
    monkeypatch.setenv("BORDERWATCH_DATA_DIR", str(tmp_path / "store"))
    path = geoparquet_with_metadata(tmp_path / "events.parquet", {})
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("app_pages/import_data.py").run()
    at.file_uploader[0].set_value((path.name, path.read_bytes(), "application/octet-stream")).run()
    assert not at.exception
    assert [error.value for error in at.error] == [
        "Cannot import: events\\.parquet\\: its GeoParquet metadata names no primary\\_column; has no \"columns\" "
        "object; export the file again with a GeoParquet writer \\(GeoPandas, GDAL, QGIS\\)"
    ]


def test_gdal_messages_name_the_file_not_the_folder_it_lies_in(tmp_path):
    folder = tmp_path / "borderwatch-uploads-1234-secret" / ("0f" * 32)
    folder.mkdir(parents=True)
    path = folder / "events.geojson"
    path.write_text('{"type": "feature"}', encoding="utf-8")  # JSON that GDAL takes for no format
    with pytest.raises(FileRejectedError) as refused:
        list(read_incidents(path, dataset="x", column_mapping={"event_date": "date", "event_type": "type",
                                                               "location": "place"}))
    message = str(refused.value)
    assert message.startswith("events.geojson: cannot be read as a GeoJSON file ('events.geojson' not recognized")
    assert "secret" not in message and str(tmp_path) not in message
