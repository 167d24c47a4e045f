"""Infrastructure files: every format read, every row checked and reported by feature, column and reason."""

from __future__ import annotations

import json
import sqlite3
import zipfile
from datetime import date
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely
from shapely.geometry import LineString, MultiPoint, Point, Polygon

from borderwatch import projection
from borderwatch.errors import FileRejectedError, InfrastructureDataError
from borderwatch.importers.infrastructure import (
    beyond_border,
    infrastructure_file_kind,
    load_infrastructure,
    near_border,
    read_infrastructure,
)
from borderwatch.infrastructure import InfrastructureFeature, kind_of, status_on

#: A stretch of fence near Ben Gardane, and a crossing at Ras Ajdir, in degrees.
FENCE = LineString([(11.40, 33.10), (11.45, 33.05), (11.50, 33.00)])
CROSSING = Point(11.5663, 33.1481)
#: Cells of a row that gives no status period.
NO_STATUS: dict[str, object] = {"status": "", "status_from": "", "status_to": ""}
#: The Tunisia–Libya border from its coast southwards, enough for the distance checks.
BORDER = LineString([(11.5039, 33.1811), (11.45, 32.90), (11.40, 32.50)])


def frame(*rows: dict[str, object], crs: str | None = "EPSG:4326") -> gpd.GeoDataFrame:
    """Features of a fence and a crossing by default; each row overrides the defaults of a point
    (for a point kind) or of a line (other kinds), or of each in turn when it names no kind."""
    defaults: list[dict[str, object]] = [
        {"id": "f1", "name": "Fence", "kind": "fence", "built_from": "2015-07-07", "built_to": "2016-02-06",
         "status": "", "status_from": "", "status_to": "", "sources": "https://example.org/fence", "notes": "",
         "geometry": FENCE},
        {"id": "c1", "name": "Crossing", "kind": "crossing", "built_from": "", "built_to": "", "status": "closed",
         "status_from": "2016-03-07", "status_to": "2016-03-22", "sources": "CrisisWatch", "notes": "",
         "geometry": CROSSING},
    ]
    def base(index: int, row: dict[str, object]) -> dict[str, object]:
        if "kind" not in row:
            return defaults[index % 2]
        return defaults[1] if row["kind"] in ("crossing", "post", "sensor") else defaults[0]

    records = [base(index, row) | row for index, row in enumerate(rows)] if rows else defaults
    table = pd.DataFrame(records)
    return gpd.GeoDataFrame(table.drop(columns="geometry"), geometry=list(table["geometry"]), crs=crs)


def geojson(tmp_path: Path, *rows: dict[str, object], name: str = "infra.geojson") -> Path:
    path = tmp_path / name
    frame(*rows).to_file(path, driver="GeoJSON")
    return path


def zipped_shapefile(tmp_path: Path, features: gpd.GeoDataFrame, name: str = "lines.zip", prj: bool = True) -> Path:
    folder = tmp_path / "shp"
    folder.mkdir()
    features.to_file(folder / "lines.shp")
    path = tmp_path / name
    with zipfile.ZipFile(path, "w") as archive:
        for part in sorted(folder.iterdir()):
            if prj or part.suffix != ".prj":
                archive.write(part, part.name)
    return path


def reasons(parsed) -> list[tuple[int, str, str]]:
    return [(item.row, item.column, item.reason) for item in parsed.rejections]


def assert_fence_and_crossing(parsed) -> None:
    assert reasons(parsed) == []
    fence, crossing = parsed.features
    assert (fence.id, fence.name, fence.kind) == ("f1", "Fence", "fence")
    assert (fence.built_from, fence.built_to) == (date(2015, 7, 7), date(2016, 2, 6))
    assert shapely.get_coordinates(fence.geometry).ravel().tolist() == pytest.approx(
        shapely.get_coordinates(FENCE).ravel().tolist())
    assert (crossing.id, crossing.kind) == ("c1", "crossing")
    # Nothing but the file's own columns: KML's styling fields (tessellate, visibility, …) are not kept.
    assert (fence.properties, crossing.properties) == ({}, {})
    assert (crossing.geometry.x, crossing.geometry.y) == pytest.approx((CROSSING.x, CROSSING.y))
    assert [(period.status, period.start, period.end) for period in crossing.periods] == [
        ("closed", date(2016, 3, 7), date(2016, 3, 22))
    ]
    assert status_on(crossing, date(2016, 3, 10)) == "closed"
    assert status_on(crossing, date(2016, 3, 22)) == "open"
    assert status_on(fence, date(2015, 1, 1)) is None
    assert status_on(fence, date(2015, 12, 1)) == "under construction"
    assert status_on(fence, date(2016, 2, 6)) == "complete"


# --- Formats --------------------------------------------------------------------


@pytest.mark.parametrize(("name", "driver", "kind"), [
    ("infra.geojson", "GeoJSON", "geojson"), ("infra.gpkg", "GPKG", "gpkg"), ("infra.kml", "LIBKML", "kml"),
    ("infra.kml", "KML", "kml"),
])
def test_each_format_gives_the_same_features(tmp_path, name, driver, kind):
    path = tmp_path / name
    # GDAL's KML writer keeps a column named "id" apart from the placemark's own id (read back as "id2").
    frame().rename(columns={"id": "feature_id"}).to_file(path, driver=driver)
    assert infrastructure_file_kind(path) == kind
    assert_fence_and_crossing(read_infrastructure(path))


def test_geoparquet_gives_the_same_features(tmp_path):
    path = tmp_path / "infra.parquet"
    frame().to_parquet(path)
    assert_fence_and_crossing(read_infrastructure(path))


def test_hand_written_kml_reads_name_description_and_extended_data(tmp_path):
    path = tmp_path / "drawn.kml"
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document>'
        "<Placemark><name>Berm &amp; trench</name><description>Seen on imagery</description>"
        '<ExtendedData><Data name="kind"><value>Sand Berm</value></Data>'
        '<Data name="built_to"><value>2016-02-06</value></Data>'
        '<Data name="sources"><value>Imagery, 2016</value></Data></ExtendedData>'
        "<LineString><coordinates>11.40,33.10,0 11.45,33.05,0</coordinates></LineString></Placemark>"
        "</Document></kml>",
        encoding="utf-8",
    )
    parsed = read_infrastructure(path)
    assert reasons(parsed) == []
    (berm,) = parsed.features
    assert (berm.name, berm.kind, berm.notes, berm.built_to) == ("Berm & trench", "berm", "Seen on imagery",
                                                                 date(2016, 2, 6))
    assert berm.geometry.has_z is False
    assert berm.id.startswith("berm-")


def test_zipped_shapefile_reads_lines_and_its_cut_column_names(tmp_path):
    lines = frame({}, {"geometry": FENCE, "kind": "wall", "id": "w1", "status": "complete",
                       "status_from": "2017-01-01", "status_to": ""})
    path = zipped_shapefile(tmp_path, lines)
    assert infrastructure_file_kind(path) == "shapefile"
    parsed = read_infrastructure(path)
    assert reasons(parsed) == []
    assert [feature.kind for feature in parsed.features] == ["fence", "wall"]
    assert [(period.status, period.start) for period in parsed.features[1].periods] == [("complete", date(2017, 1, 1))]


def test_projected_shapefile_is_moved_to_degrees(tmp_path):
    metres = frame({}).iloc[[0]].to_crs("EPSG:32632")
    parsed = read_infrastructure(zipped_shapefile(tmp_path, metres))
    assert reasons(parsed) == []
    assert shapely.get_coordinates(parsed.features[0].geometry).ravel().tolist() == pytest.approx(
        shapely.get_coordinates(FENCE).ravel().tolist(), abs=1e-7)


@pytest.mark.parametrize("name", ["infra.kml", "infra.shp", "infra.txt"])
def test_content_decides_the_format_not_the_extension(tmp_path, name):
    assert_fence_and_crossing(read_infrastructure(geojson(tmp_path, name=name)))


def test_zipped_shapefile_with_another_extension_is_read(tmp_path):
    path = zipped_shapefile(tmp_path, frame({}).iloc[[0]], name="lines.dat")
    assert [feature.id for feature in read_infrastructure(path).features] == ["f1"]


# --- Broken files ------------------------------------------------------------------


def refusal(path: Path) -> str:
    with pytest.raises(FileRejectedError) as caught:
        read_infrastructure(path)
    message = str(caught.value)
    assert message.startswith(f"{path.name}: ")
    assert str(path.parent) not in message
    return message


def test_broken_files_are_refused_with_what_is_wrong(tmp_path):
    empty = tmp_path / "empty.geojson"
    empty.write_bytes(b"")
    assert "the file is empty" in refusal(empty)
    not_zip = tmp_path / "fake.zip"
    not_zip.write_bytes(b"PK\x03\x04 this is no archive" * 20)
    assert "damaged ZIP archive" in refusal(not_zip)
    whole = zipped_shapefile(tmp_path, frame({}).iloc[[0]])
    truncated = tmp_path / "truncated.zip"
    truncated.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    assert "damaged ZIP archive" in refusal(truncated)
    text = tmp_path / "table.geojson"
    text.write_text("id,kind\nf1,fence\n", encoding="utf-8")
    assert "not a GIS file" in refusal(text)
    json_file = tmp_path / "other.json"
    json_file.write_text('{"name": "not geo"}', encoding="utf-8")
    assert "not GeoJSON" in refusal(json_file)
    markup = tmp_path / "page.kml"
    markup.write_text("<html><body>Sign in</body></html>", encoding="utf-8")
    assert "not KML" in refusal(markup)
    missing = tmp_path / "absent.geojson"
    assert "file not found" in refusal(missing)


def test_truncated_geojson_is_refused(tmp_path):
    path = geojson(tmp_path)
    path.write_bytes(path.read_bytes()[:300])
    assert "cannot be read as a GeoJSON file" in refusal(path)


def test_kmz_and_several_layers_are_refused_with_what_to_do(tmp_path):
    kml = tmp_path / "doc.kml"
    frame().to_file(kml, driver="KML")
    kmz = tmp_path / "drawn.kmz"
    with zipfile.ZipFile(kmz, "w") as archive:
        archive.write(kml, "doc.kml")
    assert "unzip it" in refusal(kmz)
    layers = tmp_path / "two.gpkg"
    frame().to_file(layers, layer="fences")
    frame().to_file(layers, layer="crossings")
    assert "has 2 layers ('fences', 'crossings'): save the layer to import as a file of its own" in refusal(layers)


def test_file_without_a_kind_column_or_features_is_refused(tmp_path):
    path = tmp_path / "nokind.geojson"
    frame().drop(columns="kind").to_file(path)
    assert "has no column of the kind of each feature" in refusal(path)
    empty = tmp_path / "none.geojson"
    empty.write_text('{"type": "FeatureCollection", "features": []}', encoding="utf-8")
    assert "holds no features" in refusal(empty)


def test_table_without_geometry_is_refused(tmp_path):
    path = tmp_path / "table.gpkg"
    pyogrio.write_dataframe(pd.DataFrame({"kind": ["fence"], "sources": ["s"]}), path)
    assert refusal(path) == "table.gpkg: is a table without geometry: every feature needs a line or a point"


def test_gpkg_that_is_some_other_sqlite_database_is_refused(tmp_path):
    path = tmp_path / "store.gpkg"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE t (x)")
    assert "cannot be read as a GeoPackage" in refusal(path)


# --- CRS -------------------------------------------------------------------------------


def test_degrees_labelled_as_metres_name_the_likely_cause(tmp_path):
    wrong = frame({}).iloc[[0]].set_crs("EPSG:32632", allow_override=True)
    message = refusal(zipped_shapefile(tmp_path, wrong))
    assert "longitude/latitude degrees" in message and ".prj" in message


def test_metres_without_a_crs_are_refused(tmp_path):
    metres = frame({}).iloc[[0]].to_crs("EPSG:32632").set_crs(None, allow_override=True)
    assert "has no coordinate reference system" in refusal(zipped_shapefile(tmp_path, metres, prj=False))


def test_a_vertex_outside_the_crs_area_rejects_its_row_only(tmp_path):
    rows = [{"id": f"f{n}", "geometry": FENCE} for n in range(4)]
    rows.append({"id": "far", "geometry": LineString([(11.4, 33.1), (60.0, 33.1)])})
    features = frame(*[row | {"kind": "fence"} for row in rows]).to_crs("EPSG:32632")
    path = tmp_path / "utm.gpkg"
    features.to_file(path)
    parsed = read_infrastructure(path)
    assert [feature.id for feature in parsed.features] == ["f0", "f1", "f2", "f3"]
    ((row, column, reason),) = reasons(parsed)
    assert (row, column) == (5, "geometry")
    assert "outside the area WGS 84 / UTM zone 32N is meant for" in reason


# --- Rows --------------------------------------------------------------------------------


def test_each_bad_cell_is_reported_by_feature_column_and_reason(tmp_path):
    path = geojson(
        tmp_path,
        {"built_from": "7/7/2015"},
        {"status": "demolished"},
        {"built_from": "2016-01-01", "built_to": "2015-01-01"},
        {"status_from": "2016-03-22", "status_to": "2016-03-07"},
        {"kind": "moat wall"},
        {"status": "closed", "status_from": ""},
        {"sources": ""},
        {"built_from": "-0001-01-01"},
    )
    got = {(row, column): reason for row, column, reason in reasons(read_infrastructure(path))}
    assert got == {
        (1, "built_from"): "'7/7/2015' is not a date (expected yyyy-mm-dd, dd-mm-yyyy or 07 March 2016)",
        (2, "status"): "'demolished' is not a status of a crossing (open, closed)",
        (3, "built_to"): "2015-01-01 is before built_from 2016-01-01",
        (4, "status_to"): "2016-03-07 is not after status_from 2016-03-22 "
                          "(status_to is the first day the status no longer holds)",
        (5, "kind"): "'moat wall' is not a kind BorderWatch knows: use one of fence, wall, trench, berm, crossing, "
                     "post, sensor, other (or a synonym listed in data/README.md)",
        (6, "status_from"): "is empty: a status needs the first day it holds",
        (7, "sources"): "is empty: every feature and status period needs its source",
        (8, "built_from"): "'-0001-01-01' is before year 1 (dates run from 0001-01-01)",
    }


def test_load_raises_every_problem_once_naming_file_feature_and_column(tmp_path):
    path = geojson(tmp_path, {"built_from": "soon"}, {"kind": ""})
    with pytest.raises(InfrastructureDataError) as caught:
        load_infrastructure(path)
    message = str(caught.value)
    assert message.startswith("infra.geojson: 2 problems:")
    assert "feature 1, column built_from: 'soon' is not a date" in message
    assert "feature 2, column kind: is empty" in message
    assert [(item.row, item.column) for item in caught.value.rejections] == [(1, "built_from"), (2, "kind")]


@pytest.mark.parametrize(("kind", "geometry", "expected"), [
    ("fence", CROSSING, "is a Point, but a fence is a line"),
    ("crossing", FENCE, "is a LineString, but a crossing is one point"),
    ("wall", Polygon([(11, 33), (11.1, 33), (11.1, 33.1)]), "is a Polygon, an area: a wall is read as a line"),
    ("post", Polygon([(11, 33), (11.1, 33), (11.1, 33.1)]), "is a Polygon, but a post is one point"),
    ("sensor", MultiPoint([(11, 33), (11.1, 33)]), "is a MultiPoint of 2 points"),
    ("trench", LineString([(11, 33), (11, 33)]), "is a LineString with a part of zero length"),
])
def test_geometry_that_does_not_fit_the_kind_is_rejected(tmp_path, kind, geometry, expected):
    path = geojson(tmp_path, {"kind": kind, "geometry": geometry, **NO_STATUS})
    ((row, column, reason),) = reasons(read_infrastructure(path))
    assert (row, column) == (1, "geometry")
    assert reason.startswith(expected)


def test_missing_empty_and_unreadable_geometries_are_rejected(tmp_path):
    path = tmp_path / "holes.geojson"
    base = {"kind": "post", "sources": "s", "name": "p"}
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": base, "geometry": None},
        {"type": "Feature", "properties": base, "geometry": {"type": "Point", "coordinates": []}},
        {"type": "Feature", "properties": base, "geometry": {"type": "Point", "coordinates": ["a", "b"]}},
        {"type": "Feature", "properties": base, "geometry": {"type": "Point", "coordinates": [11.2, 33.1]}},
    ]}), encoding="utf-8")
    parsed = read_infrastructure(path)
    assert [feature.rows for feature in parsed.features] == [(4,)]
    assert {(row, column) for row, column, _ in reasons(parsed)} == {(1, "geometry"), (2, "geometry"), (3, "geometry")}


def test_file_whose_every_geometry_is_missing_rejects_every_row(tmp_path):
    path = tmp_path / "nothing.geojson"
    properties = {"kind": "post", "sources": "s"}
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": properties, "geometry": None},
        {"type": "Feature", "properties": properties, "geometry": None},
    ]}), encoding="utf-8")
    parsed = read_infrastructure(path)
    assert parsed.features == []
    assert reasons(parsed) == [(row, "geometry", "holds no geometry: it is missing, empty or unreadable")
                               for row in (1, 2)]


def test_one_point_multipoint_is_taken_as_its_point(tmp_path):
    path = geojson(tmp_path, {"kind": "post", **NO_STATUS, "geometry": MultiPoint([(11.2, 33.1)])})
    (post,) = read_infrastructure(path).features
    assert post.geometry.geom_type == "Point"


@pytest.mark.parametrize(("word", "kind"), [
    ("Border Crossing", "crossing"), ("CHECKPOINT", "post"), ("border_checkpoint", "crossing"), ("sand  berm", "berm"),
    ("Razor-Wire", None), ("razor wire", "fence"), ("CCTV", "sensor"), ("Other", "other"), ("barrier", None),
])
def test_kind_synonyms_are_read_case_insensitively(word, kind):
    assert kind_of(word) == kind


def test_generated_ids_do_not_depend_on_row_order(tmp_path):
    rows = [{"id": "", "name": "Fence"}, {"id": "", "name": "Crossing"}]
    first = read_infrastructure(geojson(tmp_path, *rows, name="a.geojson")).features
    swapped = frame(*rows).iloc[::-1]
    swapped.to_file(tmp_path / "b.geojson")
    second = read_infrastructure(tmp_path / "b.geojson").features
    assert sorted(feature.id for feature in first) == sorted(feature.id for feature in second)
    assert {feature.id.split("-")[0] for feature in first} == {"fence", "crossing"}


def test_rows_of_one_id_give_its_periods_and_must_agree(tmp_path):
    path = geojson(
        tmp_path,
        {"id": "c1", "kind": "crossing", "geometry": CROSSING, "status": "closed", "status_from": "2016-03-07",
         "status_to": "2016-03-22"},
        {"id": "c1", "kind": "crossing", "geometry": CROSSING, "status": "closed", "status_from": "2024-03-19",
         "status_to": "2024-07-01"},
        {"id": "c1", "kind": "crossing", "geometry": CROSSING, "status": "closed", "status_from": "2024-05-01",
         "status_to": ""},
        {"id": "c1", "kind": "post", "geometry": CROSSING, "status": "", "status_from": "", "status_to": ""},
        {"id": "c1", "kind": "crossing", "geometry": Point(11.0, 33.0), "status": "", "status_from": "",
         "status_to": ""},
    )
    parsed = read_infrastructure(path)
    (crossing,) = parsed.features
    assert [period.start for period in crossing.periods] == [date(2016, 3, 7), date(2024, 3, 19)]
    assert crossing.rows == (1, 2)
    got = reasons(parsed)
    assert [(row, column) for row, column, _ in got] == [(3, "status_from"), (4, "kind"), (5, "geometry")]
    assert "overlaps the period of row 2 (closed from 2024-03-19 until 2024-07-01)" in got[0][2]
    assert "is post, but row 1 makes this id a crossing" in got[1][2]


# --- Near the border ----------------------------------------------------------------------


def test_features_far_from_the_border_are_reported_per_row(tmp_path):
    tunis = Point(10.1815, 36.8065)
    path = geojson(tmp_path, {}, {}, {"id": "far", "kind": "post", "geometry": tunis, **NO_STATUS})
    parsed = near_border(read_infrastructure(path), BORDER, max_km=50.0)
    assert [feature.id for feature in parsed.features] == ["f1", "c1"]
    ((row, column, reason),) = reasons(parsed)
    assert (row, column) == (3, "geometry")
    assert reason.startswith("lies 4")  # Tunis lies some 400 km from this stretch
    assert "more than the 50 km allowed" in reason


def test_distance_to_the_border_is_geodesic(tmp_path):
    # The nearest point of this border is its end (11.40, 32.50): the distance is the geodesic one to it.
    south = Point(11.40, 31.90)
    path = geojson(tmp_path, {"id": "s", "kind": "post", "geometry": south, **NO_STATUS})
    (feature,) = read_infrastructure(path).features
    expected_km = projection.geodesic_distance_m(11.40, 31.90, 11.40, 32.50) / 1000.0
    assert beyond_border([feature], BORDER, max_km=expected_km * 1.0001) == []
    (rejection,) = beyond_border([feature], BORDER, max_km=expected_km * 0.9999)
    assert f"lies {expected_km:,.1f} km" in rejection.reason


def test_load_with_a_border_refuses_far_features(tmp_path):
    path = geojson(tmp_path, {"geometry": LineString([(11.4, 33.1), (14.0, 33.1)])})
    with pytest.raises(InfrastructureDataError, match=r"feature 1, column geometry: lies 2\d\d\.\d km from the border"):
        load_infrastructure(path, border=BORDER)
    assert [feature.id for feature in load_infrastructure(geojson(tmp_path, name="ok.geojson"), border=BORDER)] == [
        "f1", "c1"
    ]



def test_distances_hold_along_a_long_border_far_from_the_first_feature():
    # The 49th parallel from 123 W to 95 W, a vertex every 0.05°, and posts 30 km due north of it in many cells.
    parallel = LineString([(longitude, 49.0) for longitude in np.arange(-123.0, -94.99, 0.05)])
    posts = []
    for number, longitude in enumerate(np.arange(-122.5, -95.0, 2.3)):
        north_longitude, north_latitude, _ = projection.geod().fwd(longitude, 49.0, 0.0, 30_000.0)
        posts.append(InfrastructureFeature(id=f"p{number}", name="", kind="post", rows=(number + 1,),
                                           geometry=Point(north_longitude, north_latitude)))
    assert len(posts) == 12
    assert beyond_border(posts, parallel, max_km=30.0 * 1.005) == []
    assert len(beyond_border(posts, parallel, max_km=30.0 * 0.995)) == len(posts)


def test_an_other_feature_takes_the_statuses_of_its_geometry(tmp_path):
    path = geojson(
        tmp_path,
        {"kind": "other", "status": "under construction", "status_from": "2016-01-01", "geometry": CROSSING},
        {"kind": "other", "status": "closed", "status_from": "2016-01-01", "geometry": FENCE},
        {"kind": "other", "status": "inactive", "status_from": "2016-01-01", "geometry": CROSSING, "id": "o3"},
        {"kind": "other", "status": "planned", "status_from": "2016-01-01", "geometry": FENCE, "id": "o4"},
    )
    parsed = read_infrastructure(path)
    assert {(row, column): reason for row, column, reason in reasons(parsed)} == {
        (1, "status"): "'under construction' is not a status of a point of kind other (open, closed, active, inactive)",
        (2, "status"): "'closed' is not a status of a line of kind other (planned, under construction, complete)",
    }
    assert [feature.id for feature in parsed.features] == ["o3", "o4"]
