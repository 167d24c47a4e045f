"""Whole-file checks: what kind of file this is, its text encoding, its header.

Everything here reads at most the first :data:`borderwatch.config.SNIFF_SAMPLE_BYTES` of a file, except
:func:`csv_encoding`, which streams the whole file once through a decoder.
Each refusal is one :class:`~borderwatch.errors.FileRejectedError` whose
message starts with the file's name and says what to do.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import zipfile
from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import Any, Final, cast

import openpyxl
import pandas as pd

from borderwatch import config
from borderwatch.errors import FileRejectedError, quoted, shortened

#: Kinds of file, as :func:`file_kind` names them.
TABULAR_KINDS: Final[tuple[str, ...]] = ("csv", "xlsx")
GIS_KINDS: Final[tuple[str, ...]] = ("geojson", "gpkg", "geoparquet", "shapefile")

#: What each kind is called in messages.
KIND_NAMES: Final[dict[str, str]] = {
    "csv": "a CSV text file",
    "xlsx": "an Excel workbook",
    "geojson": "a GeoJSON file",
    "gpkg": "a GeoPackage",
    "geoparquet": "a GeoParquet file",
    "shapefile": "a zipped shapefile",
}

_ZIP_MAGIC: Final[tuple[bytes, ...]] = (b"PK\x03\x04", b"PK\x05\x06")
_SQLITE_MAGIC: Final[bytes] = b"SQLite format 3\x00"
_PARQUET_MAGIC: Final[bytes] = b"PAR1"
_OLE2_MAGIC: Final[bytes] = bytes.fromhex("D0CF11E0A1B11AE1")
_UTF16_BOMS: Final[tuple[bytes, ...]] = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_UTF32_BOMS: Final[tuple[bytes, ...]] = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)

#: Other separators a "CSV" may use, with their names for messages.
_OTHER_DELIMITERS: Final[dict[str, str]] = {";": "semicolons", "\t": "tabs", "|": "vertical bars"}

_SHAPEFILE_PARTS: Final[tuple[str, ...]] = (".shx", ".dbf")


def _refuse(path: Path, message: str) -> FileRejectedError:
    return FileRejectedError(f"{path.name}: {message}")


def read_sample(path: Path) -> bytes:
    """The first :data:`borderwatch.config.SNIFF_SAMPLE_BYTES` of a file; refuse a missing or empty one."""
    if not path.is_file():
        raise _refuse(path, "file not found")
    with path.open("rb") as stream:
        sample = stream.read(config.SNIFF_SAMPLE_BYTES)
    if not sample.strip(b" \t\r\n\x00"):
        raise _refuse(path, "the file is empty")
    return sample


def _megabytes(size: int) -> str:
    return f"{size / 1024**2:,.0f} MB"


def check_archive(path: Path) -> list[str]:
    """Refuse an archive whose members would unpack to too much, before reading any member.

    Only the archive's directory is read. Python's ``zipfile`` never unpacks
    a member beyond the size the directory gives it, so these sizes bound
    what any later reader gets.

    Parameters
    ----------
    path : Path
        A ZIP archive (an .xlsx workbook, a zipped shapefile).

    Returns
    -------
    list of str
        The names of the members.

    Raises
    ------
    FileRejectedError
        A damaged archive; a member over ``config.ARCHIVE_MAX_MEMBER_BYTES``
        unpacked, or packed more than ``config.ARCHIVE_MAX_RATIO`` times;
        members over ``config.ARCHIVE_MAX_TOTAL_BYTES`` together; a
        workbook's shared strings over ``config.XLSX_MAX_SHARED_STRINGS_BYTES``.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise _refuse(path, f"is a damaged ZIP archive ({error})") from error
    packed_file = path.stat().st_size
    total = 0
    for member in members:
        size, packed = member.file_size, member.compress_size
        total += size
        name = quoted(member.filename)
        if size > config.ARCHIVE_MAX_MEMBER_BYTES:
            raise _refuse(path, f"its member {name} would unpack to {_megabytes(size)}, more than the "
                                f"{_megabytes(config.ARCHIVE_MAX_MEMBER_BYTES)} BorderWatch reads: "
                                "export the data as CSV")
        if size > config.ARCHIVE_RATIO_FLOOR_BYTES and size > config.ARCHIVE_MAX_RATIO * max(packed, 1):
            raise _refuse(path, f"its member {name} would unpack from {packed:,} bytes to {_megabytes(size)} "
                                f"(more than {config.ARCHIVE_MAX_RATIO:g} times): a data file never packs "
                                "so tightly; this looks like a ZIP bomb, so nothing of it was read")
        if member.filename == "xl/sharedStrings.xml" and size > config.XLSX_MAX_SHARED_STRINGS_BYTES:
            raise _refuse(path, f"its shared text would unpack to {_megabytes(size)}, more than the "
                                f"{_megabytes(config.XLSX_MAX_SHARED_STRINGS_BYTES)} a workbook may hold in "
                                "memory: save the sheet as CSV (UTF-8) and import that")
    # The directory may understate packed sizes: the file's own size bounds them.
    if total > config.ARCHIVE_MAX_TOTAL_BYTES or (
        total > config.ARCHIVE_RATIO_FLOOR_BYTES and total > config.ARCHIVE_MAX_RATIO * max(packed_file, 1)
    ):
        raise _refuse(path, f"its {len(members):,} members would unpack from {packed_file:,} bytes to "
                            f"{_megabytes(total)}: too much for BorderWatch (at most "
                            f"{_megabytes(config.ARCHIVE_MAX_TOTAL_BYTES)}, packed at most "
                            f"{config.ARCHIVE_MAX_RATIO:g} times), so nothing of it was read")
    return [member.filename for member in members]


def _zip_kind(path: Path) -> str:
    """Tell an Excel workbook from a zipped shapefile; refuse other archives and ZIP bombs."""
    names = check_archive(path)
    if "[Content_Types].xml" in names and any(name.startswith("xl/") for name in names):
        return "xlsx"
    members = [PurePosixPath(name) for name in names if not name.startswith("__MACOSX/")]
    shapefiles = [member for member in members if member.suffix.lower() == ".shp"]
    if not shapefiles:
        raise _refuse(
            path,
            "is a ZIP archive without a shapefile (.shp) inside: BorderWatch reads a zipped "
            "shapefile of points (.shp, .shx, .dbf and .prj) or an .xlsx workbook",
        )
    if len(shapefiles) > 1:
        listed = ", ".join(quoted(member.name) for member in shapefiles[:5]) + (", …" if len(shapefiles) > 5 else "")
        raise _refuse(path, f"holds {len(shapefiles)} shapefiles ({listed}): zip one shapefile per file")
    stem = str(shapefiles[0].with_suffix("")).lower()
    present = {str(member).lower() for member in members}
    missing = [suffix for suffix in _SHAPEFILE_PARTS if stem + suffix not in present]
    if missing:
        raise _refuse(
            path,
            f"the shapefile {shapefiles[0].name} comes without its {' and '.join(missing)} file: "
            "zip the .shp, .shx, .dbf and .prj together",
        )
    return "shapefile"


def _looks_utf16(sample: bytes) -> bool:
    """UTF-16 text without a BOM: mostly ASCII, so every other byte is NUL."""
    head = sample[:200]
    if len(head) < 4:
        return False
    for start in (0, 1):
        zeros = head[start::2].count(0)
        if zeros >= 0.8 * len(head[start::2]) and head[1 - start :: 2].count(0) < 0.2 * len(head[1 - start :: 2]):
            return True
    return False


def _text_kind(path: Path, sample: bytes) -> str:
    """Kind of a text file: GeoJSON or CSV; refuse HTML, XML and other JSON."""
    text = sample.decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n")
    lower = text[:2000].lower()
    # Only a file that starts with markup is markup: a CSV cell may well mention "<html".
    if lower.startswith("<") and ("<html" in lower or lower.startswith(("<!doctype html", "<head", "<body"))):
        raise _refuse(
            path,
            "is a web page (HTML), not a CSV file: the download probably saved a login or error page; "
            "download the export again",
        )
    if lower.startswith("<"):
        raise _refuse(path, "is XML or HTML markup, not a CSV file")
    if lower.startswith(("{", "[")):
        if '"type"' in text and '"feature' in lower:
            return "geojson"
        raise _refuse(path, "is JSON but not GeoJSON (no \"FeatureCollection\" or \"Feature\")")
    controls = sum(1 for char in text if ord(char) < 32 and char not in "\t\r\n")
    if controls > config.SNIFF_MAX_CONTROL_SHARE * max(len(text), 1):
        raise _refuse(path, "is a binary file, not CSV text")
    return "csv"


def file_kind(path: Path) -> str:
    """Tell what kind of file this is from its content (the extension is not trusted).

    Parameters
    ----------
    path : Path

    Returns
    -------
    str
        One of :data:`TABULAR_KINDS` or :data:`GIS_KINDS`.

    Raises
    ------
    FileRejectedError
        Missing, empty, binary, UTF-16, HTML, an old .xls, a ZIP archive
        without one complete shapefile, JSON that is not GeoJSON.
    """
    sample = read_sample(path)
    if sample.startswith(_ZIP_MAGIC):
        return _zip_kind(path)
    if sample.startswith(_SQLITE_MAGIC):
        return "gpkg"
    if sample.startswith(_PARQUET_MAGIC):
        return "geoparquet"
    if sample.startswith(_OLE2_MAGIC):
        raise _refuse(path, "is an old Excel .xls workbook: save it as .xlsx or as CSV (UTF-8)")
    if sample.startswith(b"%PDF"):
        raise _refuse(path, "is a PDF document, not a data file")
    if sample.startswith(_UTF32_BOMS):
        raise _refuse(path, "is UTF-32 text: save it as CSV UTF-8")
    if sample.startswith(_UTF16_BOMS) or _looks_utf16(sample):
        raise _refuse(path, "is UTF-16 text (Excel's \"Unicode Text\"): save it as \"CSV UTF-8\"")
    if b"\x00" in sample:
        raise _refuse(path, "is a binary file, not CSV text")
    return _text_kind(path, sample)


def csv_encoding(path: Path) -> str:
    """The encoding to read a CSV file with: UTF-8 (with or without BOM), else Windows-1252, else Latin-1.

    The whole file is decoded once, in blocks, so that a Latin-1 character
    far down the file (GTD's CSV is Latin-1) is not read as broken UTF-8.

    Parameters
    ----------
    path : Path

    Returns
    -------
    str
        ``"utf-8-sig"``, ``"utf-8"``, ``"cp1252"`` or ``"latin-1"``.
    """
    with path.open("rb") as stream:
        marked = stream.read(3) == codecs.BOM_UTF8
    if marked:
        if not _decodes(path, "utf-8-sig"):
            raise _refuse(
                path,
                "is marked as UTF-8 (it starts with a byte-order mark) but holds bytes that are not UTF-8: "
                "save it again as CSV UTF-8",
            )
        return "utf-8-sig"
    bad_line, utf8_text_before = _first_non_utf8_line(path)
    if bad_line is None:
        return "utf-8"
    if utf8_text_before:
        # Clearly UTF-8 (accented text decoded fine) but for a stray byte:
        # reading it all as Windows-1252 would garble every accented name.
        raise _refuse(
            path,
            f"line {bad_line:,} holds bytes that are not UTF-8, while the lines before it are UTF-8 text: "
            "fix that line or save the file again as CSV UTF-8",
        )
    if _decodes(path, "cp1252"):
        return "cp1252"
    # Latin-1 decodes any byte: the last resort never fails.
    return "latin-1"


def _first_non_utf8_line(path: Path) -> tuple[int | None, bool]:
    """The line of the first byte that is not UTF-8 (None if there is none),
    and whether non-ASCII UTF-8 text came before it."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    lines_before, non_ascii = 0, False
    with path.open("rb") as stream:
        while block := stream.read(1 << 20):
            try:
                text = decoder.decode(block)
            except UnicodeDecodeError as error:
                good = block[: error.start]
                decoded = good.decode("utf-8", errors="ignore")
                non_ascii = non_ascii or not decoded.isascii()
                return lines_before + good.count(b"\n") + 1, non_ascii
            lines_before += block.count(b"\n")
            non_ascii = non_ascii or not text.isascii()
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return lines_before + 1, non_ascii
    return None, non_ascii


def _decodes(path: Path, encoding: str) -> bool:
    """Tell whether the whole file decodes, reading it in blocks (bounded memory)."""
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        with path.open("rb") as stream:
            while block := stream.read(1 << 20):
                decoder.decode(block)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def csv_header(path: Path, encoding: str) -> list[str]:
    """The header row of a CSV file; refuse one separated by something other than commas.

    Parameters
    ----------
    path : Path
    encoding : str
        As :func:`csv_encoding` returns.

    Returns
    -------
    list of str
        Column names as written in the file (BOM removed, outer spaces stripped).
    """
    read_sample(path)  # refuses a missing or empty file
    limit = config.CSV_MAX_HEADER_BYTES
    with path.open("rb") as stream:
        start = stream.read(limit + 1)
    text = start.decode(encoding, errors="replace").lstrip("\ufeff\r\n")
    # newline="": the csv module then reads old Mac (CR-only) line ends too.
    lines = io.StringIO(text, newline="")
    try:
        header = next(csv.reader(lines), [])
    except csv.Error as error:
        raise _refuse(path, f"its header line cannot be read as CSV ({error})") from error
    if len(start) > limit and lines.tell() >= len(text):
        # The first record ran to the end of what was read: the header goes on beyond it.
        raise _refuse(
            path,
            f"its header line is longer than {limit // 1024:,} KB, so it cannot be the header of an export "
            "BorderWatch reads: check that the file is a CSV export with one line of column names",
        )
    header = [name.strip() for name in header]
    if len(header) == 1:
        for delimiter, name in _OTHER_DELIMITERS.items():
            if header[0].count(delimiter) >= 2:
                raise _refuse(
                    path,
                    f"its columns are separated by {name}, not commas: export it again as comma-separated CSV",
                )
    return header


def xlsx_header(path: Path) -> list[str]:
    """The header row of a one-sheet Excel workbook; refuse one with several sheets.

    Parameters
    ----------
    path : Path

    Returns
    -------
    list of str
        Text of the first row's cells, as in the file.
    """
    workbook = open_workbook(path)
    try:
        first = next(workbook.active.iter_rows(max_row=1, values_only=True), ())
    finally:
        workbook.close()
    header = [cell_text(value) for value in first]
    while header and header[-1] == "":
        header.pop()
    if not header:
        raise _refuse(path, "the spreadsheet is empty")
    return header


def open_workbook(path: Path) -> openpyxl.Workbook:
    """Open a workbook read-only (rows are streamed); refuse one with several sheets, or a ZIP bomb."""
    check_archive(path)
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds of error on a damaged workbook
        raise _refuse(path, f"is a damaged Excel workbook ({type(error).__name__}: {error})") from error
    if len(workbook.sheetnames) > 1:
        names = ", ".join(map(shortened, workbook.sheetnames[:5])) + (", …" if len(workbook.sheetnames) > 5 else "")
        workbook.close()
        raise _refuse(
            path,
            f"the spreadsheet has {len(workbook.sheetnames)} sheets ({names}): "
            "save the sheet to import as a workbook of its own, or as CSV",
        )
    # The size a workbook records for its sheet can be wrong (some writers
    # never update it); read-only mode would trust it and drop rows.
    workbook.active.reset_dimensions()
    return workbook


def cell_text(value: object) -> str:
    """A spreadsheet cell or GIS attribute as the text a CSV export would hold ("" when missing)."""
    if value is None or (not isinstance(value, str) and not hasattr(value, "__len__") and pd.isna(cast(Any, value))):
        # Missing numbers come back from Arrow as NaN, missing dates as NaT.
        return ""
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, float) and value.is_integer():
        # Excel stores every number as a float: 201603070001.0 is the id 201603070001.
        return str(int(value))
    if isinstance(value, datetime.datetime):
        # The date and time as the source wrote them; a time zone says nothing about the day.
        return value.strftime("%Y-%m-%d" if value.time() == datetime.time() else "%Y-%m-%d %H:%M:%S")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


def header_keys(path: Path, header: list[str], renames: Mapping[str, str]) -> dict[str, str]:
    """Key (lower-case name) of each column, after the user's renames, with its name in the file.

    Parameters
    ----------
    path : Path
        For messages.
    header : list of str
        Names as in the file.
    renames : mapping of str to str
        Expected column -> the file's column (any case).

    Returns
    -------
    dict of str to str
        Key -> name in the file, in file order. Unnamed columns get the key
        ``"column N"``.

    Raises
    ------
    FileRejectedError
        Two columns with the same name, or a rename naming no column.
    """
    names = [name or f"column {position}" for position, name in enumerate(header, start=1)]
    keys = [name.lower() for name in names]
    duplicated = sorted({name for name, key in zip(names, keys, strict=True) if keys.count(key) > 1})
    if duplicated:
        listed = ", ".join(map(quoted, duplicated[:5])) + (", …" if len(duplicated) > 5 else "")
        raise _refuse(path, f"has several columns named {listed}")
    for expected, column in renames.items():
        if column.lower() not in keys:
            raise _refuse(path, f"the column mapping names {quoted(column)}, which is not a column of the file")
        keys[keys.index(column.lower())] = expected.lower()
    return dict(zip(keys, names, strict=True))
