"""Hostile input files, generated: each reproduces one attack of issue 11.

Used by the ``tests/test_hostile_*.py`` suite. Every file is written here
from scratch, none is stored in the repository; the bombs take their size as
a parameter, so the tests write small ones (caught by the same rules) and the
closing note of issue 11 measured them at the size of the attack.
"""

from __future__ import annotations

import json
import sqlite3
import zipfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from shapely.geometry import Point

from tests.test_importers import ACLED_COLUMNS, acled_file

#: Ben Gardane, in degrees.
BEN_GARDANE = Point(11.2167, 33.1389)

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'sharedStrings" Target="sharedStrings.xml"/></Relationships>'
)
_SHEET_HEAD = '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
_SHEET_TAIL = "</sheetData></worksheet>"
_STRINGS_HEAD = '<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
_STRINGS_TAIL = "</sst>"
_BLOCK = 1 << 20


def _workbook(path: Path, write_sheet, write_strings) -> Path:
    """A one-sheet workbook whose sheet and shared strings are streamed by the two writers."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        # force_zip64: the streamed members may pass 4 GiB unpacked.
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            write_sheet(sheet)
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as strings:
            write_strings(strings)
    return path


def _repeat(stream, text: bytes, size: int) -> None:
    block = text * max(_BLOCK // len(text), 1)
    written = 0
    while written < size:
        part = block[: size - written]
        stream.write(part)
        written += len(part)


def huge_cell_workbook(path: Path, cell_bytes: int) -> Path:
    """An .xlsx whose first cell (the header's first name) is ``cell_bytes`` of "A" (issue 11, item 5).

    300 MiB packs into about 300 KB.
    """
    def sheet(stream) -> None:
        stream.write((_SHEET_HEAD + '<row r="1"><c r="A1" t="inlineStr"><is><t>').encode())
        _repeat(stream, b"A", cell_bytes)
        stream.write(("</t></is></c>" + "".join(
            f'<c r="{chr(66 + index)}1" t="inlineStr"><is><t>{name}</t></is></c>'
            for index, name in enumerate(ACLED_COLUMNS[:3])) + "</row>" + _SHEET_TAIL).encode())

    def strings(stream) -> None:
        stream.write((_STRINGS_HEAD + _STRINGS_TAIL).encode())

    return _workbook(path, sheet, strings)


def shared_strings_workbook(path: Path, strings_bytes: int) -> Path:
    """An .xlsx of a few rows whose shared strings unpack to ``strings_bytes`` (issue 11, item 5).

    432 MB of shared strings pack into about 2 MB.
    """
    item = "<si><t>" + "Ben Gardane raid, militants attacked the barracks. " * 20 + "</t></si>"

    def sheet(stream) -> None:
        cells = "".join(f'<c r="{chr(65 + index)}1" t="s"><v>0</v></c>' for index in range(3))
        stream.write((_SHEET_HEAD + f'<row r="1">{cells}</row>' + _SHEET_TAIL).encode())

    def strings(stream) -> None:
        encoded = item.encode()
        count = max((strings_bytes - len(_STRINGS_HEAD) - len(_STRINGS_TAIL)) // len(encoded), 1)
        stream.write(_STRINGS_HEAD.encode())
        _repeat(stream, encoded, count * len(encoded))  # whole items: the XML stays well-formed
        stream.write(_STRINGS_TAIL.encode())

    return _workbook(path, sheet, strings)


def shapefile_bomb(path: Path, dbf_bytes: int) -> Path:
    """A zipped "shapefile" whose .dbf unpacks to ``dbf_bytes`` of spaces."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for suffix in (".shp", ".shx", ".prj"):
            archive.writestr(f"events{suffix}", b"\0" * 100)
        with archive.open("events.dbf", "w", force_zip64=True) as dbf:
            _repeat(dbf, b" ", dbf_bytes)
    return path


def parquet_bomb(path: Path, text_bytes: int) -> Path:
    """A GeoParquet file of one point whose one text cell unpacks to ``text_bytes``."""
    frame = gpd.GeoDataFrame({"date": ["2016-03-07"], "type": ["Armed clash"], "place": ["A" * text_bytes]},
                             geometry=[BEN_GARDANE], crs="EPSG:4326")
    frame.to_parquet(path, compression="zstd")
    return path


def geoparquet_with_metadata(path: Path, geo: object) -> Path:
    """A Parquet file of one point (WKB) whose ``geo`` metadata is ``geo`` as JSON (issue 11, item 4)."""
    table = pa.table({
        "date": ["2016-03-07"], "type": ["Armed clash"], "place": ["Ben Gardane"],
        "geometry": [BEN_GARDANE.wkb],
    })
    table = table.replace_schema_metadata({b"geo": json.dumps(geo).encode()})
    pq.write_table(table, path)
    return path


def wrong_prj_shapefile(folder: Path) -> Path:
    """Three points in degrees (11.2 E, 33.13 N) written with a UTM 32N .prj (issue 11, item 3)."""
    frame = gpd.GeoDataFrame(
        {"date": ["2016-03-07"] * 3, "type": ["Armed clash"] * 3, "place": ["Ben Gardane"] * 3,
         "country": ["Tunisia"] * 3},
        geometry=[Point(11.2, 33.13), Point(11.21, 33.14), Point(11.22, 33.15)],
        crs="EPSG:32632",
    )
    parts = folder / "wrong-prj"
    parts.mkdir()
    frame.to_file(parts / "events.shp")
    path = folder / "wrong-prj.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for part in sorted(parts.iterdir()):
            archive.write(part, part.name)
    return path


def acled_rows(folder: Path, *rows: dict[str, str], name: str = "acled.csv") -> Path:
    """An ACLED export of these rows (see :func:`tests.test_importers.acled_file`)."""
    return acled_file(folder, *rows, name=name)


def damage(path: Path, size: int = 64 * 1024) -> None:
    """Overwrite ``size`` bytes in the middle of a file with a pattern (issue 11, item 7)."""
    length = path.stat().st_size
    with path.open("r+b") as stream:
        stream.seek(max(length // 2 - size // 2, 0))
        stream.write(b"\xa5" * size)


def store_a_date_before_year_one(database: Path, dataset: str) -> None:
    """Write what BorderWatch before this fix stored for an ACLED row dated -0001-01-01."""
    with sqlite3.connect(database) as conn:
        conn.execute("UPDATE incidents SET event_date = '-001-01-01', last_date = '-001-01-01',"
                     " event_day = -719893, event_month = -23652 WHERE dataset = ?", (dataset,))


def geojson_dates(path: Path, *dates: str) -> Path:
    """GeoJSON points at Ben Gardane with these dates (GDAL types a column of ISO dates as Date)."""
    features = [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [BEN_GARDANE.x, BEN_GARDANE.y]},
         "properties": {"id": f"E{index}", "date": day, "type": "Armed clash", "place": "Ben Gardane"}}
        for index, day in enumerate(dates, start=1)
    ]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    return path


def frame_of(path: Path) -> pd.DataFrame:
    """A CSV as text cells."""
    return pd.read_csv(path, dtype=str, keep_default_na=False)
