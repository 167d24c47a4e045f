"""Infrastructure rows under hostile and random text: text stays data, problems are reported, no row is lost."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyproj import CRS
from shapely.geometry import LineString, Point

from borderwatch import config
from borderwatch.errors import FileRejectedError, InfrastructureDataError
from borderwatch.importers.gis import Batch
from borderwatch.importers.infrastructure import load_infrastructure, parse_infrastructure, read_infrastructure
from borderwatch.importers.validate import BIDI_CONTROLS
from borderwatch.schema import INFRASTRUCTURE_FIELDS, INFRASTRUCTURE_KIND_SYNONYMS, INFRASTRUCTURE_POINT_KINDS
from tests.test_import_infrastructure import NO_STATUS, frame

HOSTILE = [
    '<script>alert("x")</script>', "<img src=x onerror=alert(1)>", "=cmd|' /C calc'!A0", "+SUM(A1)", "@SUM(A1)",
    "-2+3", "${7*7}", "[link](javascript:alert(1))", "Robert'); DROP TABLE infrastructure;--",
]
COLUMNS = tuple(INFRASTRUCTURE_FIELDS)
PROPERTY_SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FILE_SETTINGS = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
LINE = LineString([(11.40, 33.10), (11.45, 33.05)])
POINT = Point(11.2, 33.1)


def one_row(tmp_path: Path, **cells: object) -> Path:
    path = tmp_path / "hostile.geojson"
    frame({"id": "f1", **cells}).to_file(path)
    return path


@pytest.mark.parametrize("text", HOSTILE)
def test_markup_and_formulas_are_kept_as_the_file_writes_them(tmp_path, text):
    parsed = read_infrastructure(one_row(tmp_path, name=text, notes=text, sources=text, remark=text))
    assert parsed.rejections == []
    (feature,) = parsed.features
    assert (feature.name, feature.notes, feature.sources, feature.properties["remark"]) == (text, text, text, text)


def test_huge_text_rejects_its_row_with_a_short_message(tmp_path):
    huge = "<b>" + "x" * 1_000_000
    parsed = read_infrastructure(one_row(tmp_path, name=huge, notes=huge, remark=huge))
    got = {item.column: item.reason for item in parsed.rejections}
    assert set(got) == {"name", "notes", "remark"}
    assert got["name"].startswith(f"is 1,000,003 characters long, more than the "
                                  f"{config.INFRASTRUCTURE_TEXT_MAX_CHARS['name']:,} allowed: '<b>xxx")
    assert max(len(reason) for reason in got.values()) < 300
    assert parsed.features == []


def test_control_characters_reject_a_name_but_stay_in_notes(tmp_path):
    parsed = read_infrastructure(one_row(tmp_path, name="Post\x07 7", notes="line one\nline two\x07"))
    ((column, reason),) = [(item.column, item.reason) for item in parsed.rejections]
    assert column == "name"
    assert reason == "holds the control character U+0007: 'Post\\x07 7'"
    (feature,) = read_infrastructure(one_row(tmp_path, notes="line one\nline two\x07")).features
    assert feature.notes == "line one\nline two\x07"


def test_bidirectional_overrides_and_nul_are_removed(tmp_path):
    (feature,) = read_infrastructure(one_row(tmp_path, name="Ras \u202eridjA\u202c")).features
    assert feature.name == "Ras ridjA"
    # GDAL's GeoJSON ends a string at NUL; a GeoPackage or an Arrow batch keeps it, and the reader removes it.
    rows = [valid_row("post", "Post\x00 1", 0) | {"notes": "a\x00b"}]
    (feature,) = parse_infrastructure(Path("nul.gpkg"), [batch_of(rows, [POINT])]).features
    assert (feature.name, feature.notes) == ("Post 1", "ab")


# --- Random text, straight through the row checks ---------------------------------------------

cell_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=60)


def batch_of(rows: list[dict[str, str]], geometries: list[object]) -> Batch:
    return Batch(pd.DataFrame(rows, columns=list(COLUMNS), dtype=object),
                 np.array(shapely.to_wkb(geometries), dtype=object), None)


def valid_row(kind: str, name: str, index: int) -> dict[str, str]:
    return {"id": f"r{index}", "name": name, "kind": kind, "built_from": "2015-07-07", "built_to": "2016-02-06",
            "status": "", "status_from": "", "status_to": "", "sources": "https://example.org", "notes": ""}


@PROPERTY_SETTINGS
@given(column=st.sampled_from(COLUMNS), text=cell_text, kind=st.sampled_from(("fence", "crossing")))
def test_random_text_in_any_column_is_accepted_or_reported_never_raised(column, text, kind):
    rows = [valid_row(kind, "first", 0) | {column: text}, valid_row(kind, "second", 1)]
    geometry = POINT if kind == "crossing" else LINE
    parsed = parse_infrastructure(Path("random.geojson"), [batch_of(rows, [geometry, geometry])])
    accepted = {row for feature in parsed.features for row in feature.rows}
    rejected = {item.row for item in parsed.rejections}
    assert parsed.rows_read == 2
    assert accepted | rejected == {1, 2}
    assert not accepted & rejected
    # The untouched row is never lost, whatever its neighbour holds (unless the text gives it the same id).
    if not (column == "id" and re.sub(f"[\x00{BIDI_CONTROLS}]", "", text).strip() == "r1"):
        assert 2 in accepted


kinds = st.sampled_from(sorted(INFRASTRUCTURE_KIND_SYNONYMS))
clean_text = st.text(st.characters(exclude_categories=("Cs", "Cc", "Cf", "Zl", "Zp")), max_size=80).map(str.strip)


@st.composite
def valid_rows(draw) -> tuple[list[dict[str, str]], list[object]]:
    rows, geometries = [], []
    for index in range(draw(st.integers(1, 6))):
        word = draw(kinds)
        kind = INFRASTRUCTURE_KIND_SYNONYMS[word]
        start = date(1, 1, 1) + timedelta(days=draw(st.integers(0, 3_000_000)))
        end = start + timedelta(days=draw(st.integers(0, 20_000)))  # 3,000,000 + 20,000 days stay before 9999
        written = "".join(char.upper() if draw(st.booleans()) else char for char in word)
        rows.append(valid_row(kind, draw(clean_text), index) | {
            "kind": written, "built_from": start.isoformat(), "built_to": end.isoformat(),
            "notes": draw(cell_text), "sources": draw(clean_text.filter(bool)),
        })
        geometries.append(POINT if kind in INFRASTRUCTURE_POINT_KINDS else LINE)
    return rows, geometries


@PROPERTY_SETTINGS
@given(valid_rows())
def test_valid_rows_are_never_lost(drawn):
    rows, geometries = drawn
    parsed = parse_infrastructure(Path("valid.geojson"), [batch_of(rows, geometries)])
    assert parsed.rejections == []
    assert [feature.name for feature in parsed.features] == [row["name"] for row in rows]
    assert [feature.built_from.isoformat() for feature in parsed.features] == [row["built_from"] for row in rows]


# --- Random text through a GeoJSON file ------------------------------------------------------


@FILE_SETTINGS
@given(cells=st.fixed_dictionaries({column: cell_text for column in COLUMNS}))
def test_random_text_in_every_column_of_a_file_raises_only_the_validation_error(tmp_path_factory, cells):
    path = tmp_path_factory.mktemp("random") / "random.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": cells, "geometry": {"type": "Point", "coordinates": [11.2, 33.1]}},
        {"type": "Feature", "properties": valid_row("post", "kept", 9) | NO_STATUS,
         "geometry": {"type": "Point", "coordinates": [11.2, 33.1]}},
    ]}), encoding="utf-8")
    try:
        features = load_infrastructure(path)
    except InfrastructureDataError as error:
        assert error.rejections
        assert all(item.row == 1 for item in error.rejections)
    else:
        assert "kept" in [feature.name for feature in features]


coordinate = st.floats(allow_nan=True, allow_infinity=True, width=64)


@PROPERTY_SETTINGS
@given(x=coordinate, y=coordinate, line=st.booleans())
def test_random_coordinates_are_rejected_per_row_or_refuse_the_file_never_crash(x, y, line):
    geometry = LineString([(11.4, 33.1), (x, y)]) if line else Point(x, y)
    rows = [valid_row("other", "random", 0), valid_row("post", "kept", 1)]
    batch = Batch(pd.DataFrame(rows, columns=list(COLUMNS), dtype=object),
                  np.array(shapely.to_wkb([geometry, POINT]), dtype=object), CRS.from_user_input("EPSG:4326"))
    try:
        parsed = parse_infrastructure(Path("random.gpkg"), [batch])
    except FileRejectedError as error:  # most vertices beyond degrees: the file's CRS is wrong, said so
        assert str(error).startswith("random.gpkg: its coordinates")
        return
    assert "kept" in [feature.name for feature in parsed.features]
    if len(parsed.features) == 1:
        assert [(item.row, item.column) for item in parsed.rejections] == [(1, "geometry")]
