"""Importers of point files: GeoJSON, GeoPackage, GeoParquet, zipped shapefile."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
from shapely.geometry import MultiPoint, Point

from borderwatch.errors import FileRejectedError
from borderwatch.importers import detect_format, read_incidents, suggest_mapping
from tests.test_importers import read_all, refusal, rejections_of

BEN_GARDANE = Point(11.2167, 33.1389)
MAPPING = {"event_date": "date", "event_type": "type", "location": "place"}


def features(*rows: dict[str, object], geometry: list | None = None, crs: str | None = "EPSG:4326") -> gpd.GeoDataFrame:
    """Point features with a date, a type and a place; rows override the defaults."""
    defaults = {"date": "2016-03-07", "type": "Armed clash", "place": "Ben Gardane", "killed": 3,
                "story": "A clash.", "ref": "https://example.org/a"}
    frame = pd.DataFrame([defaults | row for row in rows])
    return gpd.GeoDataFrame(frame, geometry=geometry or [BEN_GARDANE] * len(frame), crs=crs)


def zipped_shapefile(tmp_path: Path, frame: gpd.GeoDataFrame, *, prj: bool = True) -> Path:
    folder = tmp_path / "shp"
    folder.mkdir()
    frame.to_file(folder / "events.shp")
    path = tmp_path / "events.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for part in sorted(folder.iterdir()):
            if prj or part.suffix != ".prj":
                archive.write(part, part.name)
    return path


def geojson_text(path: Path, *geometries: object, crs_name: str | None = None) -> Path:
    """A GeoJSON file written by hand, for geometries GDAL's writer would not produce."""
    collection = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"date": "2016-03-07", "type": "Armed clash", "place": f"p{n}"},
             "geometry": geometry}
            for n, geometry in enumerate(geometries, start=1)
        ],
    }
    if crs_name:
        collection["crs"] = {"type": "name", "properties": {"name": crs_name}}
    # allow_nan: the point is to test what GDAL does with NaN, which strict JSON forbids.
    path.write_text(json.dumps(collection, allow_nan=True), encoding="utf-8")
    return path


@pytest.mark.parametrize(("name", "fmt"), [("e.geojson", "geojson"), ("e.gpkg", "gpkg"), ("e.parquet", "geoparquet")])
def test_gis_formats_map_every_field(tmp_path, name, fmt):
    frame = features({})
    path = tmp_path / name
    if fmt == "geoparquet":
        frame.to_parquet(path)
    else:
        frame.to_file(path)
    assert detect_format(path) == fmt
    mapping = MAPPING | {"deaths_best": "killed", "description": "story", "sources": "ref"}
    incidents, rejections, read = read_all(path, column_mapping=mapping)
    assert (rejections, read) == ([], 1)
    row = incidents.iloc[0]
    assert row["id"] == f"{fmt.upper()}-{name}#1"
    assert (row["event_date"], row["date_precision"]) == (pd.Timestamp("2016-03-07"), "day")
    assert (row["event_type"], row["sub_event_type"], row["type_original"]) == ("Battles", "Armed clash", "Armed clash")
    assert (row["location"], row["country"], row["iso3"]) == ("Ben Gardane", "Tunisia", "TUN")
    assert row["notes"] == "country from the coordinates"
    assert (row["latitude"], row["longitude"], row["geo_precision"]) == (33.1389, 11.2167, 1)
    assert (row["deaths_low"], row["deaths_best"], row["deaths_high"]) == (3, 3, 3)
    assert (row["description"], row["sources"]) == ("A clash.", "https://example.org/a")
    assert json.loads(row["original"]) == {
        "date": "2016-03-07", "type": "Armed clash", "place": "Ben Gardane", "killed": "3",
        "story": "A clash.", "ref": "https://example.org/a", "geometry": "POINT (11.2167 33.1389)",
    }


def test_suggested_mapping_is_used_when_complete(tmp_path):
    path = tmp_path / "e.geojson"
    features({}).to_file(path)
    suggestion = suggest_mapping(path)
    assert suggestion == {"event_date": "date", "event_type": "type", "location": "place", "deaths_best": "killed"}
    incidents, _, _ = read_all(path)
    assert incidents["deaths_best"].tolist() == [3]


@pytest.mark.parametrize("name", ["gaps.gpkg", "gaps.parquet"])
def test_missing_attribute_values_are_empty_not_nan(tmp_path, name):
    path = tmp_path / name
    frame = features({"killed": None, "when": pd.Timestamp("2016-03-08")}, {"killed": 4, "when": pd.NaT})
    frame.to_parquet(path) if name.endswith(".parquet") else frame.to_file(path)
    incidents, rejections, _ = read_all(path, column_mapping=MAPPING | {"deaths_best": "killed", "end_date": "when"})
    assert rejections == []
    assert incidents["deaths_best"].tolist() == [pd.NA, 4]
    assert incidents["end_date"].tolist() == [pd.Timestamp("2016-03-08"), pd.NaT]


def test_source_id_and_types_from_mapped_columns(tmp_path):
    path = tmp_path / "e.gpkg"
    features({"type": "Battles", "sub": "Armed clash", "uid": "E-7", "country": "Libya"},
             geometry=[Point(13.2, 32.9)]).to_file(path)
    mapping = MAPPING | {"sub_event_type": "sub", "source_id": "uid", "country": "country"}
    row = read_all(path, column_mapping=mapping)[0].iloc[0]
    assert (row["id"], row["event_type"], row["sub_event_type"], row["iso3"]) == (
        "GPKG-E-7", "Battles", "Armed clash", "LBY"
    )


def test_projected_geopackage_is_reprojected(tmp_path):
    path = tmp_path / "utm.gpkg"
    features({}).to_crs("EPSG:32632").to_file(path)
    row = read_all(path, column_mapping=MAPPING)[0].iloc[0]
    assert row["latitude"] == pytest.approx(33.1389, abs=1e-7)
    assert row["longitude"] == pytest.approx(11.2167, abs=1e-7)


def test_zipped_shapefile_with_prj(tmp_path):
    path = zipped_shapefile(tmp_path, features({}, geometry=[MultiPoint([BEN_GARDANE])]))
    assert detect_format(path) == "shapefile"
    incidents, rejections, _ = read_all(path, column_mapping=MAPPING)
    assert rejections == []
    assert incidents["id"].tolist() == ["SHAPEFILE-events.zip#1"]
    assert incidents["notes"].tolist() == ["country from the coordinates"]


def test_zipped_shapefile_without_prj_in_degrees_is_read_as_wgs84(tmp_path):
    path = zipped_shapefile(tmp_path, features({}), prj=False)
    row = read_all(path, column_mapping=MAPPING)[0].iloc[0]
    assert (row["latitude"], row["longitude"]) == (33.1389, 11.2167)
    assert row["notes"] == (
        "the file gives no CRS: its coordinates were read as WGS84 longitude/latitude; country from the coordinates"
    )


def test_zipped_shapefile_without_prj_in_metres_is_refused(tmp_path):
    path = zipped_shapefile(tmp_path, features({}).to_crs("EPSG:32632"), prj=False)
    message = refusal(path, column_mapping=MAPPING)
    assert message.startswith("events.zip: has no coordinate reference system (a shapefile's .prj is missing) "
                              "and its coordinates (e.g. x ")
    assert message.endswith("are not longitude/latitude degrees: add the .prj (zip it with the .shp) or export in "
                            "EPSG:4326")


def test_metres_labelled_as_wgs84_are_refused(tmp_path):
    path = geojson_text(tmp_path / "m.geojson", *[{"type": "Point", "coordinates": [612345.6, 3668901.2]}] * 3)
    assert refusal(path) == (
        "m.geojson: its coordinates (e.g. x 612345.6, y 3668901.2) are projected metres, not degrees, although "
        "the file says WGS 84: export it again with its true CRS"
    )


def test_every_bad_geometry_is_rejected_with_its_feature_number(tmp_path):
    path = geojson_text(
        tmp_path / "bad.geojson",
        {"type": "Point", "coordinates": [11.2167, 33.1389]},
        {"type": "LineString", "coordinates": [[10, 33], [11, 33]]},
        {"type": "Point", "coordinates": ["x", 33]},
        None,
        {"type": "Point", "coordinates": [float("nan"), float("inf")]},
        {"type": "Point", "coordinates": [11.2, 95.0]},
        {"type": "MultiPoint", "coordinates": [[10, 33], [11, 33]]},
        {"type": "Point", "coordinates": [0, 0]},
        {"type": "Point", "coordinates": [-40.0, 30.0]},
    )
    incidents, rejections, read = read_all(path, column_mapping=MAPPING | {"country": "place"})
    assert read == 9
    assert incidents["location"].tolist() == ["p1"]
    no_point = "holds no point: the geometry is missing, empty or unreadable"
    assert [(r.row, r.column, r.reason) for r in rejections] == [
        (2, "geometry", "is a LineString, not a point"),
        (3, "geometry", no_point),
        (4, "geometry", no_point),
        (5, "geometry", no_point),
        (6, "geometry", "latitude 95 is outside -90..90"),
        (7, "geometry", "is a MultiPoint of 2 points, not one point"),
        (8, "geometry", "0, 0 is no place: the coordinates are probably missing"),
        (9, "place", "'p9' is not a country BorderWatch knows, and the point lies in none"),
    ]


def test_geoparquet_infinite_coordinate(tmp_path):
    path = tmp_path / "inf.parquet"
    features({}, {}, geometry=[BEN_GARDANE, Point(float("inf"), 33.0)]).to_parquet(path)
    assert rejections_of(path, column_mapping=MAPPING) == [(2, "geometry", "longitude 'inf' is not a finite number")]


def test_swapped_point_in_a_gis_file(tmp_path):
    path = tmp_path / "swap.gpkg"
    features({"country": "Tunisia"}, geometry=[Point(33.1389, 11.2167)]).to_file(path)
    assert rejections_of(path, column_mapping=MAPPING | {"country": "country"}) == [
        (1, "geometry", "11.2167, 33.1389 lies outside Tunisia, which it would fall in with the two swapped: "
                        "probably swapped latitude/longitude")
    ]


def test_bad_precision_km(tmp_path):
    path = tmp_path / "km.geojson"
    features({"km": "near"}, {"km": "-2"}, {"km": "5"}).to_file(path)
    incidents, rejections, _ = read_all(path, column_mapping=MAPPING | {"precision_km": "km", "source_id": "km"})
    assert incidents["precision_km"].tolist() == [5.0]
    assert [(r.row, r.column, r.reason) for r in rejections] == [
        (1, "km", "'near' is not a distance >= 0"), (2, "km", "'-2' is not a distance >= 0"),
    ]


def test_event_type_without_sub_event_type(tmp_path):
    path = tmp_path / "e.geojson"
    features({"type": "Battles"}, {"type": "Skirmish"}).to_file(path)
    assert rejections_of(path, column_mapping=MAPPING | {"source_id": "place"}) == [
        (1, "type", "'Battles' names no sub-event type: map a sub_event_type column, or use ACLED sub-event "
                    "types such as 'Armed clash'"),
        (2, "type", "'Skirmish' is not an ACLED event type"),
    ]


def test_gis_file_without_a_usable_mapping(tmp_path):
    path = tmp_path / "e.geojson"
    features({}).drop(columns=["place"]).to_file(path)
    assert refusal(path) == (
        "e.geojson: needs a column mapping: no column is mapped to location "
        "(its columns: date, type, killed, story, ref)"
    )
    assert refusal(path, column_mapping=MAPPING) == (
        "e.geojson: the column mapping names 'place', not a column of the file"
    )
    with pytest.raises(ValueError, match="column_mapping names fields \\['when'\\]"):
        read_all(path, column_mapping=MAPPING | {"when": "date"})


def test_geopackage_with_two_layers(tmp_path):
    path = tmp_path / "two.gpkg"
    features({}).to_file(path, layer="events")
    features({}).to_file(path, layer="more")
    assert refusal(path, column_mapping=MAPPING) == (
        "two.gpkg: has 2 layers ('events', 'more'): save the layer to import as a file of its own"
    )


def test_parquet_without_geometry(tmp_path):
    path = tmp_path / "plain.parquet"
    pd.DataFrame({"a": [1]}).to_parquet(path)
    assert refusal(path) == "plain.parquet: is a Parquet file without GeoParquet metadata: it holds no geometry column"


def test_zip_with_an_incomplete_shapefile(tmp_path):
    path = tmp_path / "part.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("events.shp", b"x")
        archive.writestr("events.shx", b"x")
    assert refusal(path) == (
        "part.zip: the shapefile events.shp comes without its .dbf file: zip the .shp, .shx, .dbf and .prj together"
    )


@pytest.mark.filterwarnings("ignore:GPKG. bad application_id:RuntimeWarning")
def test_damaged_geopackage(tmp_path):
    path = tmp_path / "broken.gpkg"
    path.write_bytes(b"SQLite format 3\x00" + bytes(200))
    with pytest.raises(FileRejectedError, match=r"^broken\.gpkg: cannot be read as a GeoPackage \("):
        read_all(path, column_mapping=MAPPING)


def test_suggest_mapping_refuses_a_csv(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(FileRejectedError, match=r"^a\.csv: is a CSV text file, not a GIS file: it needs no mapping$"):
        suggest_mapping(path)


def test_gis_rows_are_streamed(tmp_path):
    path = tmp_path / "many.gpkg"
    frame = features(*[{"uid": f"E{n}"} for n in range(25)])
    frame.to_file(path)
    chunks = list(read_incidents(path, dataset="t", column_mapping=MAPPING | {"source_id": "uid"}, chunk_rows=10))
    assert [len(chunk.incidents) for chunk in chunks] == [10, 10, 5]
    assert chunks[-1].incidents["row"].tolist() == list(range(21, 26))


def test_geopackage_table_without_geometry_is_refused_in_a_sentence(tmp_path):
    path = tmp_path / "table.gpkg"
    pyogrio.write_dataframe(pd.DataFrame({"date": ["2016-03-07"], "type": ["Armed clash"], "place": ["x"]}), path)
    assert refusal(path, column_mapping=MAPPING) == (
        "table.gpkg: is a table without geometry: BorderWatch reads points from a GIS file"
    )
