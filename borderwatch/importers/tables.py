"""Stream the records of a CSV file or a one-sheet workbook as chunks of text.

CSV is read with the standard library's ``csv`` module rather than pandas:
pandas' C parser can only stop or silently skip a record with too many
cells, and cannot say on which line a record that holds line breaks starts.
Here every record is either kept or reported, with its line number.

A line without any quote is a record on its own, whose cells lie between its
commas: such lines (most lines of most exports) are split by Arrow, a chunk at
once, and give the cells the ``csv`` module would give. The ``csv`` module
reads every other record, from the line it starts on.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import Final, cast

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pandas.api.extensions import ExtensionArray
from pandas.arrays import ArrowStringArray

from borderwatch.errors import FileRejectedError
from borderwatch.importers.base import Rejection
from borderwatch.importers.sniff import cell_text, open_workbook

#: Column of a rejection that concerns the whole record.
WHOLE_ROW: Final[str] = "(whole row)"

#: pandas' text dtype (``str``): Arrow-backed when pyarrow is installed.
TEXT_DTYPE: Final[pd.StringDtype] = cast(pd.StringDtype, pd.Series([], dtype=str).dtype)


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


def _is_blank(record: Sequence[str]) -> bool:
    """A blank line or a row of empty cells (spreadsheets leave them): no record."""
    # Most records start with a non-blank cell: test it before joining the whole row.
    return not (record and record[0].strip()) and not "".join(record).strip()


def text_array(values: Sequence[str]) -> ExtensionArray:
    """Python strings as a column of pandas' text dtype (``str``), as ``pd.array(values, dtype=str)``.

    Built straight from Arrow when pandas keeps its text in Arrow, which is
    faster than letting pandas check and convert every cell.
    """
    if TEXT_DTYPE.storage == "pyarrow":
        try:
            return ArrowStringArray(pa.array(values, type=pa.large_string()), dtype=TEXT_DTYPE)  # type: ignore[call-arg]
        except (pa.ArrowException, TypeError):
            pass  # a cell that is not text: let pandas convert it as it always has
    return pd.array(list(values), dtype=TEXT_DTYPE)


class _Batch:
    """The records of one chunk, gathered in file order.

    A record comes either as its cells (:meth:`add`), or, for a CSV line
    known to hold exactly the header's number of cells, none of them
    quoted, and not to be blank, as the line itself (:meth:`add_line`):
    such lines are split into cells in Arrow, all at once.
    """

    def __init__(self, keys: Sequence[str]) -> None:
        self.keys = keys
        self.width = len(keys)
        self.rows: list[int] = []
        self.values: list[Sequence[str]] = []
        self.line_rows: list[int] = []
        self.lines: list[str] = []
        self.rejections: list[Rejection] = []
        #: Records gathered, kept or rejected.
        self.size = 0

    def add(self, row: int, record: Sequence[str]) -> None:
        """Keep a record, or report it if it has the wrong number of cells; skip a blank one."""
        width = self.width
        if len(record) == width and record[0].strip():
            self.rows.append(row)
            self.values.append(record)
            self.size += 1
            return
        if _is_blank(record):
            return
        self.size += 1
        if len(record) > width and not "".join(record[width:]).strip():
            record = record[:width]
        if len(record) != width:
            hint = " (is a comma inside a cell missing its quotes?)" if len(record) > width else ""
            self.rejections.append(Rejection(row, WHOLE_ROW, f"has {len(record)} cells, the header has {width}{hint}"))
        else:
            self.rows.append(row)
            self.values.append(record)

    def add_line(self, row: int, line: str) -> None:
        """Keep a CSV line of the header's width, not blank, without quotes (line end included)."""
        self.line_rows.append(row)
        self.lines.append(line)
        self.size += 1

    def chunk(self) -> TextChunk:
        """The records gathered, as a text table in file order."""
        if self.lines:
            # Only when pandas keeps text in Arrow (see _csv_chunks).
            columns = self._line_columns()
            rows = self.line_rows
            if self.rows:
                # Both kinds: put the records back in file order (row numbers are distinct).
                rows = self.line_rows + self.rows
                order = pa.array(np.argsort(np.array(rows, dtype=np.int64), kind="stable"))
                columns = [
                    pa.concat_arrays([split, pa.array(parsed, type=pa.large_string())]).take(order)
                    for split, parsed in zip(columns, self._record_columns(), strict=True)
                ]
                rows = sorted(rows)
            texts: list[ExtensionArray] = [
                ArrowStringArray(column, dtype=TEXT_DTYPE)  # type: ignore[call-arg]
                for column in columns
            ]
        else:
            rows = self.rows
            texts = [text_array(column) for column in self._record_columns()]
        frame = pd.DataFrame(
            dict(zip(self.keys, texts, strict=True)),
            index=pd.Index(rows, dtype="int64", name="row"),
            columns=list(self.keys),
        )
        return TextChunk(frame, self.rejections)

    def _record_columns(self) -> Iterable[Sequence[str]]:
        return zip(*self.values, strict=True) if self.values else [()] * self.width

    def _line_columns(self) -> list[pa.Array]:
        """The cells of the lines kept by :meth:`add_line`, column by column."""
        lines = pc.utf8_rtrim(pa.array(self.lines, type=pa.large_string()), characters="\r\n")
        cells = pc.split_pattern(lines, pattern=",").flatten()
        starts = np.arange(len(self.lines), dtype=np.int64) * self.width
        return [cells.take(pa.array(starts + position)) for position in range(self.width)]


def _chunks(records: Iterable[tuple[int, Sequence[str]]], keys: Sequence[str], chunk_rows: int) -> Iterator[TextChunk]:
    """Group numbered records into chunks; report those with the wrong number of cells."""
    batch = _Batch(keys)
    for row, record in records:
        batch.add(row, record)
        if batch.size >= chunk_rows:
            yield batch.chunk()
            batch = _Batch(keys)
    if batch.size:
        yield batch.chunk()


def _csv_chunks(path: Path, encoding: str, keys: Sequence[str], chunk_rows: int) -> Iterator[TextChunk]:
    """The records after the header, in chunks, each with the line it starts on (the header is line 1).

    A record of the wrong width that spans several lines means a quote was
    opened and never closed: every line after it would be swallowed into one
    cell, so the file is refused rather than losing those rows unseen.

    A line without a quote (nor a NUL, nor more characters than the ``csv``
    module's field limit) is one record whose cells are what lies between
    its commas: it is split as such (in Arrow when it has the header's
    width), which is several times faster than the ``csv`` module and gives
    the same cells. Every other record is read by the ``csv`` module, from
    the line it starts on, over as many lines as it spans.
    """
    width = len(keys)
    commas = width - 1
    limit = csv.field_size_limit()
    arrow = TEXT_DTYPE.storage == "pyarrow"
    batch = _Batch(keys)
    with path.open(encoding=encoding, newline="") as stream:
        lines = iter(stream)
        # Lines read before the record being read, and the reader reading it:
        # the line of a CSV error is counted from both, as the csv module counts it.
        before = 0
        reader = csv.reader(lines)
        try:
            # The header is the first line with text, as detection read it.
            header = next(reader, None)
            while header is not None and not any(cell.strip() for cell in header):
                header = next(reader, None)
            before = reader.line_num
            for text in lines:
                row = before + 1
                if '"' in text or "\0" in text or len(text) > limit:
                    # The csv module reads no line past the end of the record.
                    reader = csv.reader(chain((text,), lines))
                    record = next(reader)
                    spanned = reader.line_num
                    if len(record) != width and spanned > 1:
                        raise FileRejectedError(
                            f"{path.name}: line {row}: a quote opened in this record is not closed before "
                            f"line {before + spanned}, so lines {row}–{before + spanned} would be read as "
                            "one record; close the quote and import again"
                        )
                    before += spanned
                    batch.add(row, record)
                else:
                    before += 1
                    # A line (never empty) whose first cell starts with text is not blank.
                    if arrow and text.count(",") == commas and text[0] != "," and not text[0].isspace():
                        batch.add_line(row, text)
                    else:
                        batch.add(row, text.rstrip("\r\n").split(","))
                if batch.size >= chunk_rows:
                    yield batch.chunk()
                    batch = _Batch(keys)
        except csv.Error as error:
            # The reader counts the lines it read, the failing one included.
            raise FileRejectedError(
                f"{path.name}: line {before + reader.line_num} cannot be read as CSV ({error})"
            ) from error
    if batch.size:
        yield batch.chunk()


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
    yield from _csv_chunks(path, encoding, keys, chunk_rows)


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
