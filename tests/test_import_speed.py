"""The importers' fast paths read exactly what the plain ones read, and the child process that
reads big files gives the same stream and never outlives its reader.

Behaviour only: no timing. The plain CSV reader (the ``csv`` module, record by
record) and the plain JSON of a record (``json.dumps`` per row) are kept
here as references to compare the fast paths with.
"""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from borderwatch import config
from borderwatch.errors import DataValidationError, FileRejectedError
from borderwatch.importers import BackgroundReadError, ParsedChunk, Rejection, background, read_incidents, tables
from borderwatch.importers.validate import numbers_of, records_as_json, records_as_json_array
from tests.test_importers import ACLED_COLUMNS, ACLED_ROW, xlsx_file

REPO_ROOT = Path(__file__).resolve().parent.parent

FAST_SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# --- the CSV reader -------------------------------------------------------------


def reference_chunks(path: Path, encoding: str, width: int, chunk_rows: int) -> list[tuple]:
    """The records of a CSV file as the ``csv`` module reads them, one by one, in chunks:
    ``(row numbers, cells, rejections)`` per chunk. The rules the fast reader must keep."""
    chunks, rows, values, rejections = [], [], [], []
    with path.open(encoding=encoding, newline="") as stream:
        reader = csv.reader(stream)
        try:
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
                row, line = line + 1, reader.line_num
                if not any(cell.strip() for cell in record):
                    continue
                if len(record) > width and not any(cell.strip() for cell in record[width:]):
                    record = record[:width]
                if len(record) != width:
                    hint = " (is a comma inside a cell missing its quotes?)" if len(record) > width else ""
                    rejections.append(
                        Rejection(row, tables.WHOLE_ROW, f"has {len(record)} cells, the header has {width}{hint}")
                    )
                else:
                    rows.append(row)
                    values.append(record)
                if len(rows) + len(rejections) >= chunk_rows:
                    chunks.append((rows, values, rejections))
                    rows, values, rejections = [], [], []
        except csv.Error as error:
            raise FileRejectedError(f"{path.name}: line {reader.line_num} cannot be read as CSV ({error})") from error
    if rows or rejections:
        chunks.append((rows, values, rejections))
    return chunks


def fast_chunks(path: Path, encoding: str, width: int, chunk_rows: int) -> list[tuple]:
    keys = [f"c{position}" for position in range(width)]
    chunks = []
    for chunk in tables.stream_csv(path, encoding, keys, chunk_rows):
        assert list(chunk.frame.columns) == keys
        assert all(str(dtype) == "str" for dtype in chunk.frame.dtypes)
        chunks.append((chunk.frame.index.tolist(), chunk.frame.to_numpy(dtype=object).tolist(), chunk.rejections))
    return chunks


def outcome(function, *args) -> tuple:
    try:
        return ("read", function(*args))
    except FileRejectedError as error:
        return ("refused", str(error))


#: Cells that stress a CSV reader: separators, quotes, line breaks of every kind, blanks, non-ASCII.
CELLS = st.lists(
    st.sampled_from(["a", "b", " ", ",", '"', "\n", "\r", "\r\n", "\t", "\\", "é", "☃", "𝄞", "\x00"]), max_size=6
).map("".join)


@st.composite
def csv_texts(draw) -> tuple[str, int]:
    """A CSV text (header of ``width`` columns, then hostile lines) and its width."""
    width = draw(st.integers(1, 4))
    lines = [",".join(f"c{position}" for position in range(width))]
    for _ in range(draw(st.integers(0, 12))):
        cells = draw(st.lists(CELLS, min_size=0, max_size=width + 2))
        kind = draw(st.sampled_from(["raw", "quoted", "all-quoted", "blank", "spaces", "commas"]))
        if kind == "raw":  # cells as they come: stray quotes and breaks included
            line = ",".join(cells)
        elif kind in ("quoted", "all-quoted"):
            out = io.StringIO()
            quoting = csv.QUOTE_ALL if kind == "all-quoted" else csv.QUOTE_MINIMAL
            csv.writer(out, lineterminator="", quoting=quoting).writerow(cells)
            line = out.getvalue()
        else:
            line = {"blank": "", "spaces": " \t ", "commas": "," * width}[kind]
        lines.append(line)
    endings = draw(st.lists(st.sampled_from(["\n", "\r\n", "\r"]), min_size=len(lines), max_size=len(lines)))
    text = "".join(line + ending for line, ending in zip(lines, endings, strict=True))
    if draw(st.booleans()):
        text = text.rstrip("\r\n")
    return text, width


@FAST_SETTINGS
@given(csv_texts(), st.integers(1, 5), st.sampled_from(["utf-8", "utf-8-sig"]))
def test_fast_csv_reader_reads_what_the_csv_module_reads(tmp_path_factory, case, chunk_rows, encoding):
    text, width = case
    path = tmp_path_factory.mktemp("csv") / "hostile.csv"
    path.write_bytes(text.encode(encoding))
    expected = outcome(reference_chunks, path, encoding, width, chunk_rows)
    assert outcome(fast_chunks, path, encoding, width, chunk_rows) == expected


@pytest.mark.parametrize("quoted", [False, True])
def test_a_cell_over_the_csv_field_limit_is_refused_as_before(tmp_path, quoted):
    path = tmp_path / "long.csv"
    cell = '"' + "x" * 80 + '"' if quoted else "x" * 80
    path.write_text(f"a,b\n1,2\n3,{cell}\n", encoding="utf-8")
    previous = csv.field_size_limit(50)
    try:
        expected = outcome(reference_chunks, path, "utf-8", 2, 10)
        assert outcome(fast_chunks, path, "utf-8", 2, 10) == expected
    finally:
        csv.field_size_limit(previous)
    assert expected == ("refused", "long.csv: line 3 cannot be read as CSV (field larger than field limit (50))")


def test_lines_split_fast_and_records_read_by_the_csv_module_keep_file_order(tmp_path):
    path = tmp_path / "mixed.csv"
    path.write_text('a,b\n1,2\n"3\n3",4\n\n5,6\n , \n7,"8,8"\n9,10,\n', encoding="utf-8")
    [(rows, values, rejections)] = fast_chunks(path, "utf-8", 2, 100)
    assert rows == [2, 3, 6, 8, 9]
    assert values == [["1", "2"], ["3\n3", "4"], ["5", "6"], ["7", "8,8"], ["9", "10"]]
    assert rejections == []


# --- the original record as JSON ---------------------------------------------------

#: Any text a cell or a column name can hold, control characters, quotes and backslashes included.
ANY_TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=12)


@FAST_SETTINGS
@given(st.lists(ANY_TEXT, min_size=1, max_size=5, unique=True), st.data())
def test_original_records_are_the_json_of_each_row_keys_in_file_order(names, data):
    rows = data.draw(st.lists(st.lists(ANY_TEXT, min_size=len(names), max_size=len(names)), max_size=6))
    columns = list(zip(*rows, strict=True)) if rows else [()] * len(names)
    frame = pd.DataFrame({f"k{position}": tables.text_array(column) for position, column in enumerate(columns)})
    made = records_as_json_array(frame, names)
    assert str(made.dtype) == "str"
    assert list(made) == records_as_json(frame.set_axis(names, axis=1))  # byte for byte as before
    for text, row in zip(made, rows, strict=True):
        decoded = json.loads(text)
        assert decoded == dict(zip(names, row, strict=True))
        assert list(decoded) == names
        assert "\n" not in text and "\r" not in text


# --- numbers --------------------------------------------------------------------------

NUMBER_TEXT = st.sampled_from(
    ["", "0", "-0", "1", "12", "12.0", "2.5", "-3", "1e3", "inf", "-inf", "nan", "abc", " 7 ", "0x10",
     "1_000", "99999999999999999999", "18446744073709551615", "-9223372036854775809", "True"]
)


@FAST_SETTINGS
@given(st.lists(NUMBER_TEXT, max_size=30))
def test_numbers_parsed_once_per_distinct_cell_are_those_pandas_parses(cells):
    text = pd.Series(cells, dtype=str, index=range(5, 5 + len(cells)), name="cells")
    expected = pd.to_numeric(text.where(text != ""), errors="coerce")
    pd.testing.assert_series_equal(numbers_of(text), expected)


# --- the child process ------------------------------------------------------------------

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="child process checks use POSIX signals")

#: Rows that exercise every path of the reader and the checks: quotes, line breaks in cells,
#: non-ASCII text, wrong widths, blank lines, bad values, a repeated id.
HOSTILE_ROWS = (
    ACLED_ROW | {"event_id_cnty": "TUN1", "notes": 'He said "no", then left.\nSecond line.'},
    ACLED_ROW | {"event_id_cnty": "TUN2", "location": "Médenine ☃", "notes": "back\\slash\ttab"},
    ACLED_ROW | {"event_id_cnty": "TUN3", "latitude": "95.2"},
    ACLED_ROW | {"event_id_cnty": "TUN1"},
    ACLED_ROW | {"event_id_cnty": "TUN4", "event_type": "Skirmish", "fatalities": "-3"},
    ACLED_ROW | {"event_id_cnty": "TUN5", "latitude": "11.2167", "longitude": "33.1389"},
    ACLED_ROW | {"event_id_cnty": "TUN6", "event_date": "2999-01-01", "source": "a;b; c"},
)


def hostile_acled_file(path: Path, copies: int = 3, broken_at: int | None = None) -> Path:
    """An ACLED export of :data:`HOSTILE_ROWS` (repeated, ids made distinct), with blank lines and
    rows of the wrong width; with ``broken_at``, a quote left open after that many rows."""
    with path.open("w", encoding="utf-8-sig", newline="") as stream:
        writer = csv.writer(stream, lineterminator="\r\n")
        writer.writerow([column.upper() for column in ACLED_COLUMNS])
        written = 0
        for copy in range(copies):
            for row in HOSTILE_ROWS:
                if broken_at is not None and written == broken_at:
                    stream.write('TUN-open,"2016-03-07,never closed\r\n')
                values = [row.get(column, "") for column in ACLED_COLUMNS]
                values[0] = f"{values[0]}-{copy}"
                writer.writerow(values)
                written += 1
            stream.write("\r\n , ,\r\nonly,three,cells\r\n" + ",".join(["x"] * (len(ACLED_COLUMNS) + 1)) + "\r\n")
    return path


def stream_of(path: Path, background_read: bool, chunk_rows: int) -> tuple[list[ParsedChunk], tuple | None]:
    """The chunks read, and the exception that ended the stream (type, message), if any."""
    chunks = []
    try:
        for chunk in read_incidents(path, dataset="speed", chunk_rows=chunk_rows, background=background_read):
            chunks.append(chunk)  # noqa: PERF402 - keeps the chunks read before an error
    except Exception as error:  # noqa: BLE001 - compared below
        return chunks, (type(error), str(error))
    return chunks, None


def assert_same_chunks(left: Sequence[ParsedChunk], right: Sequence[ParsedChunk]) -> None:
    assert len(left) == len(right)
    for one, other in zip(left, right, strict=True):
        pd.testing.assert_frame_equal(one.incidents, other.incidents)
        assert one.rejections == other.rejections
        assert one.rows_read == other.rows_read
        assert one.rejected_records == other.rejected_records


def test_a_child_process_gives_the_same_stream(tmp_path):
    path = hostile_acled_file(tmp_path / "hostile.csv")
    here, error = stream_of(path, False, 4)
    assert error is None
    assert {rejection.reason for chunk in here for rejection in chunk.rejections} >= {
        "latitude 95.2 is outside -90..90", "'Skirmish' is not an ACLED event type", "-3 is negative",
        "has 3 cells, the header has 33",
    }
    original = json.loads(here[0].incidents.loc[0, "original"])
    assert list(original) == [column.upper() for column in ACLED_COLUMNS]
    assert original["NOTES"] == 'He said "no", then left.\nSecond line.'
    there, error = stream_of(path, True, 4)
    assert error is None
    assert_same_chunks(here, there)
    assert not background._RUNNING


def test_an_error_in_the_child_reaches_the_caller_at_the_same_point(tmp_path):
    path = hostile_acled_file(tmp_path / "open-quote.csv", broken_at=11)
    here, error_here = stream_of(path, False, 3)
    there, error_there = stream_of(path, True, 3)
    assert error_here is not None and error_here[0] is FileRejectedError
    assert "a quote opened in this record is not closed" in error_here[1]
    assert error_there == error_here
    assert len(here) >= 2  # the refusal comes after chunks already read
    assert_same_chunks(here, there)
    # A file refused before its first record: the same refusal, from the first chunk.
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    assert stream_of(empty, True, 3) == stream_of(empty, False, 3) == (
        [], (FileRejectedError, "empty.csv: the file is empty")
    )


def _pid_gone(pid: int) -> bool:
    """No such process, or one that has ended and waits to be reaped."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return True
    return state in ("Z", "X")


def _wait_gone(pid: int, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if _pid_gone(pid):
            return True
        time.sleep(0.05)
    return _pid_gone(pid)


@posix_only
def test_closing_the_stream_early_ends_the_child(tmp_path):
    path = hostile_acled_file(tmp_path / "long.csv", copies=60)
    stream = read_incidents(path, dataset="speed", chunk_rows=2, background=True)
    next(stream)
    [child] = list(background._RUNNING)
    stream.close()
    assert child.returncode is not None
    assert _pid_gone(child.pid)
    assert not background._RUNNING


@posix_only
def test_a_killed_child_is_reported(tmp_path):
    path = hostile_acled_file(tmp_path / "long.csv", copies=60)
    stream = read_incidents(path, dataset="speed", chunk_rows=2, background=True)
    next(stream)
    [child] = list(background._RUNNING)
    child.kill()
    with pytest.raises(BackgroundReadError, match=r"long\.csv: the process reading the file stopped unexpectedly"):
        for _ in stream:
            pass
    assert not background._RUNNING


#: A reader that takes one chunk, prints its child's pid, then dies the way the test says.
READER_SCRIPT = textwrap.dedent(
    """
    import os, signal, sys
    from borderwatch.importers import background, read_incidents
    stream = read_incidents(sys.argv[1], dataset="speed", chunk_rows=2, background=True)
    next(stream)
    [child] = list(background._RUNNING)
    print(child.pid, flush=True)
    if sys.argv[2] == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
    elif sys.argv[2] == "interrupt":
        raise KeyboardInterrupt
    else:
        sys.exit(3)  # leaves with the stream still open
    """
)


@posix_only
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc to see processes")
@pytest.mark.parametrize("end", ["kill", "interrupt", "exit"])
def test_the_child_never_outlives_its_reader(tmp_path, end):
    path = hostile_acled_file(tmp_path / "long.csv", copies=60)
    reader = subprocess.run(
        [sys.executable, "-c", READER_SCRIPT, str(path), end],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=120, check=False,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
    )
    assert reader.returncode != 0
    child = int(reader.stdout.split()[0])
    if end == "kill":
        assert reader.returncode == -signal.SIGKILL
        assert _wait_gone(child)  # it notices on its own: a failed send, or its watchdog
    else:
        assert _pid_gone(child)  # ended by its reader on the way out


def test_an_error_that_cannot_cross_to_the_parent_is_replaced_by_one_that_says_the_same():
    refused = FileRejectedError("x.csv: the file is empty")
    assert background._sendable(refused) is refused
    odd = DataValidationError("x.csv", ["row 2: bad"])
    stand_in = background._sendable(odd)
    assert isinstance(stand_in, BackgroundReadError)
    assert str(stand_in) == f"DataValidationError: {odd}"


def test_small_files_are_read_in_this_process(tmp_path, monkeypatch):
    path = hostile_acled_file(tmp_path / "small.csv", copies=1)
    workbook = xlsx_file(tmp_path / "small.xlsx", ACLED_COLUMNS, [ACLED_ROW])
    assert not background.use_background(path, None)
    assert not background.use_background(workbook, None)
    assert background.use_background(path, True)
    assert not background.use_background(tmp_path / "missing.csv", None)
    several = background._cpus() >= 2
    monkeypatch.setattr(config, "IMPORT_BACKGROUND_MIN_WORKBOOK_BYTES", 1)
    assert background.use_background(workbook, None) == several  # workbooks: a lower bar
    assert not background.use_background(path, None)
    monkeypatch.setattr(config, "IMPORT_BACKGROUND_MIN_BYTES", 1)
    assert background.use_background(path, None) == several
    assert not background.use_background(path, False)
