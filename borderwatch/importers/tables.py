"""Stream the records of a CSV file or a one-sheet workbook as chunks of text.

CSV is read with the standard library's ``csv`` module rather than pandas:
pandas' C parser can only stop or silently skip a record with too many
cells, and cannot say on which line a record that holds line breaks starts.
Here every record is either kept or reported, with its line number.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

import pandas as pd

from borderwatch.errors import FileRejectedError
from borderwatch.importers.base import Rejection
from borderwatch.importers.sniff import cell_text, open_workbook

#: Column of a rejection that concerns the whole record.
WHOLE_ROW: Final[str] = "(whole row)"


@dataclass
class TextChunk:
    """Records of a slice of a file, as text.

    Attributes
    ----------
    frame : pandas.DataFrame
        One column per key (see :func:`borderwatch.importers.sniff.header_keys`),
        "" for an empty cell; the index is the record's row number.
    rejections : list of Rejection
        Records that could not be split into the header's columns.
    """

    frame: pd.DataFrame
    rejections: list[Rejection] = field(default_factory=list)

    @property
    def rows_read(self) -> int:
        """Records read, kept or rejected."""
        return len(self.frame) + len(self.rejections)


def _chunks(records: Iterable[tuple[int, Sequence[str]]], keys: Sequence[str], chunk_rows: int) -> Iterator[TextChunk]:
    """Group numbered records into chunks; report those with the wrong number of cells."""
    width = len(keys)
    rows: list[int] = []
    values: list[Sequence[str]] = []
    rejections: list[Rejection] = []
    for row, record in records:
        if not any(cell.strip() for cell in record):
            # A blank line or a row of empty cells (spreadsheets leave them) holds no record.
            continue
        if len(record) > width and not any(cell.strip() for cell in record[width:]):
            record = record[:width]
        if len(record) != width:
            hint = " (is a comma inside a cell missing its quotes?)" if len(record) > width else ""
            rejections.append(Rejection(row, WHOLE_ROW, f"has {len(record)} cells, the header has {width}{hint}"))
        else:
            rows.append(row)
            values.append(record)
        if len(rows) + len(rejections) >= chunk_rows:
            yield TextChunk(_frame(values, rows, keys), rejections)
            rows, values, rejections = [], [], []
    if rows or rejections:
        yield TextChunk(_frame(values, rows, keys), rejections)


def _frame(values: list[Sequence[str]], rows: list[int], keys: Sequence[str]) -> pd.DataFrame:
    frame = pd.DataFrame(values, columns=list(keys), index=pd.Index(rows, dtype="int64", name="row"), dtype=str)
    return frame.fillna("")


def _csv_records(path: Path, encoding: str, width: int) -> Iterator[tuple[int, list[str]]]:
    """Records after the header, each with the line it starts on (the header is line 1).

    A record of the wrong width that spans several lines means a quote was
    opened and never closed: every line after it would be swallowed into one
    cell, so the file is refused rather than losing those rows unseen.
    """
    with path.open(encoding=encoding, newline="") as stream:
        reader = csv.reader(stream)
        try:
            # The header is the first line with text, as detection read it.
            header = next(reader, None)
            while header is not None and not any(cell.strip() for cell in header):
                header = next(reader, None)
            line = reader.line_num
            for record in reader:
                if len(record) != width and reader.line_num > line + 1:
                    raise FileRejectedError(
                        f"{path.name}: line {line + 1}: a quote opened in this record is not closed before "
                        f"line {reader.line_num}, so lines {line + 1}–{reader.line_num} would be read as one "
                        "record; close the quote and import again"
                    )
                yield line + 1, record
                line = reader.line_num
        except csv.Error as error:
            raise FileRejectedError(f"{path.name}: line {reader.line_num + 1} cannot be read as CSV ({error})") from error


def stream_csv(path: Path, encoding: str, keys: Sequence[str], chunk_rows: int) -> Iterator[TextChunk]:
    """Stream a CSV file's records in chunks of ``chunk_rows``.

    Parameters
    ----------
    path : Path
    encoding : str
        As :func:`borderwatch.importers.sniff.csv_encoding` returns.
    keys : sequence of str
        Column keys, one per header cell.
    chunk_rows : int
        Records per chunk.

    Yields
    ------
    TextChunk
    """
    yield from _chunks(_csv_records(path, encoding, len(keys)), keys, chunk_rows)


def _xlsx_records(path: Path, width: int) -> Iterator[tuple[int, list[str]]]:
    workbook = open_workbook(path)
    try:
        rows = workbook.active.iter_rows(min_row=2, values_only=True)
        for row, values in enumerate(rows, start=2):
            cells = [cell_text(value) for value in values]
            # Rows can end early where their last cells are empty.
            yield row, cells + [""] * (width - len(cells))
    finally:
        workbook.close()


def stream_xlsx(path: Path, keys: Sequence[str], chunk_rows: int) -> Iterator[TextChunk]:
    """Stream the rows of a one-sheet workbook (read-only mode: bounded memory) in chunks.

    Parameters
    ----------
    path : Path
    keys : sequence of str
        Column keys, one per header cell.
    chunk_rows : int
        Rows per chunk.

    Yields
    ------
    TextChunk
        Row numbers as the spreadsheet shows them (the header is row 1).
    """
    yield from _chunks(_xlsx_records(path, len(keys)), keys, chunk_rows)
