"""Read ACLED, GTD, UCDP and GIS files into the incident schema, row by row.

Public API:

* :func:`detect_format` — which format a file is, from its content;
* :func:`read_incidents` — stream a file as :class:`ParsedChunk` objects:
  accepted rows typed as the schema wants, and every rejected row with its
  row number, column and reason;
* :func:`suggest_mapping` — a column mapping proposed for a GIS file.

The rules are documented for users in ``docs/importing.md``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date
from pathlib import Path
from types import ModuleType
from typing import Final

from borderwatch.errors import FileRejectedError, shortened
from borderwatch.importers import acled, gis, gtd, sniff, tables, ucdp
from borderwatch.importers.background import BackgroundReadError, read_in_background, use_background
from borderwatch.importers.base import EXTRA_COLUMNS, FORMATS, ParsedChunk, Rejection
from borderwatch.importers.gis import GIS_FIELDS, GIS_REQUIRED_FIELDS
from borderwatch.importers.validate import SeenIds, check_and_type, records_as_json_array
from borderwatch.importers.world import load_world

__all__ = [
    "EXTRA_COLUMNS",
    "FORMATS",
    "GIS_FIELDS",
    "GIS_REQUIRED_FIELDS",
    "BackgroundReadError",
    "ParsedChunk",
    "Rejection",
    "detect_format",
    "read_incidents",
    "suggest_mapping",
]

#: Format modules of the tabular formats, in the order detection tries them.
TABULAR_FORMATS: Final[dict[str, ModuleType]] = {module.NAME: module for module in (acled, gtd, ucdp)}


def _tabular_format(path: Path, keys: Mapping[str, str]) -> str:
    """The tabular format whose signature columns the header has."""
    present = set(keys)
    for name, module in TABULAR_FORMATS.items():
        if any(signature <= present for signature in module.SIGNATURES):
            return name
    found = ", ".join(shortened(name) for name in list(keys.values())[:8]) + (", …" if len(keys) > 8 else "")
    raise FileRejectedError(
        f"{path.name}: this looks like no format BorderWatch reads: expected ACLED's "
        "event_id_cnty/event_date/event_type, GTD's eventid/iyear/imonth/iday or UCDP GED's "
        f"id/date_start/type_of_violence columns; found {found or 'no column names'}"
    )


def _header(path: Path, kind: str, renames: Mapping[str, str]) -> tuple[dict[str, str], str]:
    """Column keys (with names as in the file) and the CSV encoding ("" for a workbook)."""
    if kind == "csv":
        encoding = sniff.csv_encoding(path)
        return sniff.header_keys(path, sniff.csv_header(path, encoding), renames), encoding
    return sniff.header_keys(path, sniff.xlsx_header(path), renames), ""


def detect_format(path: Path) -> str:
    """Tell a file's format from its header (CSV, XLSX) or its content (GIS files).

    Parameters
    ----------
    path : Path

    Returns
    -------
    str
        One of :data:`FORMATS`.

    Raises
    ------
    FileRejectedError
        With one message naming the file: it is empty, binary, HTML, UTF-16,
        separated by something other than commas, a workbook with several
        sheets, a ZIP without a shapefile, or its columns fit no format.
    """
    path = Path(path)
    kind = sniff.file_kind(path)
    if kind in sniff.GIS_KINDS:
        return kind
    keys, _ = _header(path, kind, {})
    return _tabular_format(path, keys)


def gis_columns(path: Path) -> list[str]:
    """The attribute columns of a GIS file, for the user to map.

    Parameters
    ----------
    path : Path

    Returns
    -------
    list of str

    Raises
    ------
    FileRejectedError
        If the file is not a GIS file BorderWatch reads, or cannot be read.
    """
    kind = sniff.file_kind(path)
    if kind not in sniff.GIS_KINDS:
        raise FileRejectedError(f"{path.name}: is {sniff.KIND_NAMES[kind]}, not a GIS file")
    return gis.column_names(path, kind)


def suggest_mapping(path: Path) -> dict[str, str]:
    """Propose a column mapping for a GIS file, for the user to confirm.

    Parameters
    ----------
    path : Path
        GeoJSON, GeoPackage, GeoParquet or zipped shapefile.

    Returns
    -------
    dict of str to str
        Schema field (a key of :data:`GIS_FIELDS`) -> the file's column, for
        the fields a column was found for by name.

    Raises
    ------
    FileRejectedError
        The file is not a readable GIS file.
    """
    path = Path(path)
    kind = sniff.file_kind(path)
    if kind not in sniff.GIS_KINDS:
        raise FileRejectedError(f"{path.name}: is {sniff.KIND_NAMES[kind]}, not a GIS file: it needs no mapping")
    return gis.propose_mapping(gis.column_names(path, kind))


def _check_format(path: Path, kind: str, format: str) -> None:
    """Refuse an explicit format that the file's kind cannot be."""
    if format not in FORMATS:
        raise ValueError(f"format {format!r} is not one of {', '.join(FORMATS)}")
    tabular_file = kind in sniff.TABULAR_KINDS
    if tabular_file != (format in TABULAR_FORMATS) or (not tabular_file and kind != format):
        raise FileRejectedError(f"{path.name}: is {sniff.KIND_NAMES[kind]}, not {format}")


def _read_tabular(
    path: Path, kind: str, format: str | None, dataset: str, renames: Mapping[str, str], chunk_rows: int
) -> Iterator[ParsedChunk]:
    keys, encoding = _header(path, kind, renames)
    format = format or _tabular_format(path, keys)
    module = TABULAR_FORMATS[format]
    missing = module.missing_columns(set(keys))
    if missing:
        noun = "column" if len(missing) == 1 else "columns"
        raise FileRejectedError(f"{path.name}: missing {module.LABEL} {noun}: {', '.join(missing)}")
    world, today, seen_ids = load_world(), date.today(), SeenIds()
    key_list = list(keys)
    chunks = (
        tables.stream_csv(path, encoding, key_list, chunk_rows)
        if kind == "csv"
        else tables.stream_xlsx(path, key_list, chunk_rows)
    )
    for chunk in chunks:
        mapped = module.map_chunk(chunk.frame, keys, world)
        mapped.table["original"] = records_as_json_array(chunk.frame, [keys[key] for key in chunk.frame.columns])
        parsed = check_and_type(mapped, prefix=module.LABEL, dataset=dataset, world=world, today=today,
                                seen_ids=seen_ids)
        parsed.rejections = sorted(chunk.rejections + parsed.rejections, key=lambda item: (item.row, item.column))
        parsed.rows_read = chunk.rows_read
        yield parsed


def _read_gis(
    path: Path, kind: str, dataset: str, column_mapping: Mapping[str, str] | None, chunk_rows: int
) -> Iterator[ParsedChunk]:
    columns = gis.column_names(path, kind)
    # The user's choices go over the proposal: naming two fields must not
    # drop the others that were found by name. An empty column unmaps a field.
    mapping = {**gis.propose_mapping(columns), **dict(column_mapping or {})}
    mapping = {field_name: column for field_name, column in mapping.items() if column}
    gis.check_mapping(path, mapping, columns)
    world, today, seen_ids = load_world(), date.today(), SeenIds()
    first_feature = 1
    for batch in gis.read_batches(path, kind, chunk_rows):
        mapped = gis.map_batch(path, batch, first_feature, mapping, world)
        first_feature += len(batch.attributes)
        yield check_and_type(mapped, prefix=kind.upper(), dataset=dataset, world=world, today=today,
                             seen_ids=seen_ids)


def read_incidents(
    path: Path,
    *,
    format: str | None = None,
    dataset: str,
    column_mapping: Mapping[str, str] | None = None,
    chunk_rows: int = 50_000,
    background: bool | None = None,
) -> Iterator[ParsedChunk]:
    """Stream a file's records, mapped onto the incident schema and checked.

    Memory stays bounded by ``chunk_rows``, whatever the file's size. The
    whole-file checks run when the first chunk is asked for.

    A big file is read in a child process, so that the caller can store a
    chunk while the next one is parsed (see
    :mod:`borderwatch.importers.background`); the stream is the same.

    Parameters
    ----------
    path : Path
        CSV or XLSX export of ACLED, GTD or UCDP GED; GeoJSON, GeoPackage,
        GeoParquet, or a zipped shapefile of points.
    format : str, optional
        One of :data:`FORMATS`; overrides detection. It must fit the file's
        kind: ``acled``, ``gtd`` or ``ucdp`` for CSV and XLSX, the GIS
        format itself for a GIS file.
    dataset : str
        Value of every row's ``dataset`` column.
    column_mapping : mapping of str to str, optional
        For GIS files: schema field (a key of :data:`GIS_FIELDS`) -> column,
        laid over :func:`suggest_mapping`'s proposal (an empty column unmaps
        a proposed field); together they must name every field of
        :data:`GIS_REQUIRED_FIELDS`. For CSV and XLSX: a
        column the format expects -> the file's column that holds it
        (renamed headers), in any case.
    chunk_rows : int
        Records per chunk.
    background : bool, optional
        Read in a child process (``True``) or in this one (``False``). By
        default (``None``), a file of at least 48 MB, or a workbook of at
        least 8 MB, is read in a child process when there are two CPUs or
        more (see :func:`borderwatch.importers.background.use_background`).
        The chunks, and any exception with its type and message, are the
        same either way.

    Yields
    ------
    ParsedChunk
        Accepted rows (columns ``INCIDENT_COLUMNS`` + ``EXTRA_COLUMNS``, ``id``
        = ``f"{FORMAT}-{source_id}"``) and rejections; a rejected row may
        have several, one per problem.

    Raises
    ------
    FileRejectedError
        The file as a whole is refused (see :func:`detect_format`), lacks
        required columns (all are listed), or holds no records.
    ValueError
        ``format`` or ``column_mapping`` names something unknown.
    BackgroundReadError
        The child process reading the file ended without a word (killed).
    """
    path = Path(path)
    if chunk_rows < 1:
        raise ValueError(f"chunk_rows must be at least 1, got {chunk_rows}")
    if use_background(path, background):
        options = {"format": format, "dataset": dataset, "chunk_rows": chunk_rows,
                   "column_mapping": None if column_mapping is None else dict(column_mapping)}
        yield from read_in_background(path, options)
        return
    kind = sniff.file_kind(path)
    if format is not None:
        _check_format(path, kind, format)
    if kind in sniff.TABULAR_KINDS:
        chunks = _read_tabular(path, kind, format, dataset, column_mapping or {}, chunk_rows)
    else:
        chunks = _read_gis(path, kind, dataset, column_mapping, chunk_rows)
    rows_read = 0
    for chunk in chunks:
        rows_read += chunk.rows_read
        yield chunk
    if rows_read == 0:
        raise FileRejectedError(f"{path.name}: holds no records, only a header")
