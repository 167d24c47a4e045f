"""Row checks shared by every format, and the typing of accepted rows.

Each format module maps its records onto the incident schema as text
(:class:`Mapped`); :func:`check_and_type` then checks every row the same
way, collects every problem of every row, and types the rows that have none
as :func:`borderwatch.reference.validate_incident_table` would.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from json.encoder import encode_basestring
from typing import Final

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pandas.arrays import ArrowStringArray

from borderwatch import config
from borderwatch.errors import quoted, shortened
from borderwatch.importers.base import EXTRA_COLUMNS, ParsedChunk, Rejection
from borderwatch.importers.world import World, country_at, outside_named_country
from borderwatch.schema import (
    ACLED_EVENT_TYPES,
    COUNT_COLUMNS,
    DATE_PRECISIONS,
    GEO_PRECISION_LABELS,
    INCIDENT_COLUMNS,
    SOURCE_SEPARATOR,
)

#: Columns a format module fills as text (``id`` and ``dataset`` are set here).
TEXT_COLUMNS: Final[tuple[str, ...]] = (
    *(column for column in INCIDENT_COLUMNS if column not in ("id", "dataset")),
    "source_id", "source_timestamp", "original",
)

#: Characters that re-order the text around them when shown (embeddings,
#: overrides and isolates of Unicode's bidirectional algorithm): a name
#: holding them reads as another. Removed from every text field on import;
#: the record as read (``original``) keeps them.
BIDI_CONTROLS: Final[str] = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
# NUL goes too: it means nothing in a text field, and PostgreSQL text cannot hold it.
_BIDI_PATTERN: Final[str] = f"[\x00{BIDI_CONTROLS}]"

#: Separator of the ``notes`` added while importing.
NOTE_SEPARATOR: Final[str] = "; "

_EVENT_TYPES: Final[dict[str, str]] = {name.lower(): name for name in ACLED_EVENT_TYPES}
_SUB_EVENT_TYPES: Final[dict[str, dict[str, str]]] = {
    name: {sub.lower(): sub for sub in subs} for name, subs in ACLED_EVENT_TYPES.items()
}


@dataclass
class Mapped:
    """Records of one chunk mapped onto the schema, as text, before the shared checks.

    Attributes
    ----------
    table : pandas.DataFrame
        Columns :data:`TEXT_COLUMNS` (text, "" for missing) and ``row`` (int).
        Dates are ISO ``yyyy-mm-dd`` text, or "" where the format module
        could not read one (and reported why in ``problems``).
    problems : list of Rejection
        Problems the format module found while mapping.
    labels : dict of str to str
        Schema field -> the column (as named in the file) it comes from, for
        messages. Fields not listed are reported under their schema name.
    """

    table: pd.DataFrame
    problems: list[Rejection] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)


def blank_table(rows: Iterable[int]) -> pd.DataFrame:
    """A table of :data:`TEXT_COLUMNS`, all "", and the given row numbers."""
    rows = np.asarray(list(rows), dtype=np.int64)
    # One array of "" for every column: the frame copies it (cheaply, text is immutable in Arrow).
    blank = pd.array([""] * len(rows), dtype=str)
    table = pd.DataFrame({column: blank for column in TEXT_COLUMNS})
    table["row"] = rows
    return table


def records_as_json(frame: pd.DataFrame) -> list[str]:
    """Each row of a text table as a JSON object, keys as named in the file."""
    columns = [str(column) for column in frame.columns]
    # Plain Python lists: iterating pandas' Arrow-backed strings cell by cell is far slower.
    return [
        json.dumps(dict(zip(columns, values, strict=True)), ensure_ascii=False)
        for values in frame.to_numpy(dtype=object).tolist()
    ]


#: Bytes of UTF-8 text that JSON writes escaped: control characters, ``"`` and ``\\``.
#: (Bytes of a multi-byte UTF-8 character are all 0x80 or more.)
_ESCAPED_BYTES: Final[np.ndarray] = np.isin(np.arange(256), [*range(0x20), ord('"'), ord("\\")])


def _utf8_bytes(chunk: pa.Array) -> np.ndarray:
    """The UTF-8 bytes of an Arrow string array, without copying them."""
    if len(chunk) == 0:
        return np.empty(0, dtype=np.uint8)
    _, offsets, data = chunk.buffers()
    offset_type = np.int64 if pa.types.is_large_string(chunk.type) else np.int32
    bounds = np.frombuffer(offsets, dtype=offset_type, count=len(chunk) + 1,
                           offset=chunk.offset * np.dtype(offset_type).itemsize)
    if data is None:
        return np.empty(0, dtype=np.uint8)
    return np.frombuffer(data, dtype=np.uint8)[bounds[0]:bounds[-1]]


def _json_string_bodies(values: pa.ChunkedArray) -> pa.ChunkedArray:
    """Each string as JSON writes it between its quotes (``json.dumps(..., ensure_ascii=False)``)."""
    if not any(_ESCAPED_BYTES[_utf8_bytes(chunk)].any() for chunk in values.chunks):
        return values
    # Rare (a quote, a backslash, a line break or a tab in a cell): escape this column cell by cell.
    escaped = [encode_basestring(text)[1:-1] for text in values.to_pylist()]
    return pa.chunked_array([pa.array(escaped, type=pa.large_string())])


def records_as_json_array(frame: pd.DataFrame, names: Sequence[str]) -> pd.api.extensions.ExtensionArray:
    """Each row of a text table as a JSON object, as one text array.

    The same objects as :func:`records_as_json` (and byte for byte the same
    text), but put together column by column in Arrow rather than row by row.

    Parameters
    ----------
    frame : pandas.DataFrame
        Text cells (pandas' ``str`` dtype), "" for an empty cell.
    names : sequence of str
        Key of each column in the JSON objects (the column as named in the file).

    Returns
    -------
    pandas.api.extensions.ExtensionArray
        Of dtype ``str``, one JSON object per row.
    """
    text_type = pa.large_string()
    values = [
        text.__arrow_array__().cast(text_type) if isinstance(text, ArrowStringArray) else None
        for text in (frame.iloc[:, position].array for position in range(frame.shape[1]))
    ]
    if not values or any(value is None or value.null_count for value in values):
        # Not text in Arrow, or missing cells (which JSON writes as null): row by row.
        return pd.array(records_as_json(frame.set_axis(list(names), axis=1)), dtype=str)
    parts: list[pa.ChunkedArray | pa.Scalar] = []
    for position, (name, value) in enumerate(zip(names, values, strict=True)):
        opening = ("{" if position == 0 else ", ") + encode_basestring(str(name)) + ': "'
        parts.append(pa.scalar(opening, type=text_type))
        parts.append(_json_string_bodies(value))
        parts.append(pa.scalar('"', type=text_type))
    parts[-1] = pa.scalar('"}', type=text_type)
    joined = pc.binary_join_element_wise(*parts, pa.scalar("", type=text_type))
    return ArrowStringArray(joined, dtype=frame.iloc[:, 0].dtype)  # type: ignore[call-arg]


def cells(frame: pd.DataFrame, column: str) -> pd.Series:
    """The stripped text of a column, or "" on every row where the file has no such column."""
    if column in frame.columns:
        return frame[column].astype(str).str.strip()
    return pd.Series("", index=frame.index, dtype=str)


def join_nonempty(parts: Iterable[pd.Series], separator: str) -> pd.Series:
    """Join text columns row by row, skipping empty cells."""
    parts = iter(parts)
    joined = next(parts)
    for part in parts:
        both = (joined != "") & (part != "")
        joined = (joined + separator + part).where(both, joined.where(part == "", part))
    return joined.astype(str)


def parse_dates(text: pd.Series, formats: Iterable[str]) -> pd.Series:
    """Parse text dates trying each format in turn; NaT where none fits.

    Parameters
    ----------
    text : pandas.Series
        Stripped text cells.
    formats : iterable of str
        ``strptime`` formats, most common first.

    Returns
    -------
    pandas.Series
        ``datetime64[us]``.
    """
    parsed = pd.Series(pd.NaT, index=text.index, dtype="datetime64[us]")
    for date_format in formats:
        todo = parsed.isna() & (text != "")
        if not todo.any():
            break
        parsed[todo] = pd.to_datetime(text[todo], format=date_format, errors="coerce")
    # "%Y" reads "-0001" as the year 1 BC, which no date column can hold.
    return parsed.where(parsed.dt.year >= 1)


def iso_dates(parsed: pd.Series) -> pd.Series:
    """Dates as ``yyyy-mm-dd`` text, "" where missing."""
    return parsed.dt.strftime("%Y-%m-%d").fillna("").astype(str)


def date_problems(text: pd.Series, parsed: pd.Series, rows: pd.Series, label: str, forms: str) -> list[Rejection]:
    """Rejections of a required date column: empty cells and cells no format fits."""
    problems = [Rejection(int(rows[index]), label, "is empty") for index in text.index[text == ""]]
    problems += [
        Rejection(int(rows[index]), label, f"{quoted(text[index])} is not a date ({forms})")
        for index in text.index[parsed.isna() & (text != "")]
    ]
    return problems


def numbers_of(text: pd.Series) -> pd.Series:
    """Parse text cells as numbers: ``pd.to_numeric(text.where(text != ""), errors="coerce")``.

    Each distinct cell is parsed once (exports repeat a few values over many
    rows, and columns that a file leaves empty hold one value, ""); the
    result, its dtype included, is the same.
    """
    codes, distinct = pd.factorize(text)
    if len(distinct) * 2 > len(text) or (codes < 0).any():
        return pd.to_numeric(text.where(text != ""), errors="coerce")
    values = pd.Series(distinct)
    parsed = pd.to_numeric(values.where(values != ""), errors="coerce").to_numpy()
    return pd.Series(parsed[codes], index=text.index, name=text.name)


def whole_numbers(text: pd.Series) -> pd.Series:
    """Parse whole-number text ("12", "12.0"); NaN where empty or not one."""
    numbers = numbers_of(text)
    return numbers.where(numbers % 1 == 0)


def map_unique(text: pd.Series, function: Callable[[str], str]) -> pd.Series:
    """Apply a function to each distinct cell once (exports repeat a few values over many rows)."""
    return text.map({value: function(value) for value in text.unique().tolist()}).astype(str)


def split_sources(text: str) -> str:
    """Sources separated by ";" (ACLED, UCDP) rewritten with the schema's " ; "."""
    return SOURCE_SEPARATOR.join(part.strip() for part in text.split(";") if part.strip())


def append_note(notes: pd.Series, where: pd.Series, note: pd.Series | str) -> pd.Series:
    """Add a note to the ``notes`` of the rows selected by ``where``."""
    note = note if isinstance(note, pd.Series) else pd.Series([note] * len(notes), index=notes.index, dtype=str)
    joined = notes.where(notes == "", notes + NOTE_SEPARATOR) + note
    return notes.where(~where, joined)


def _number_text(value: float) -> str:
    return f"{value:g}"


class SeenIds:
    """Source ids accepted so far in a file, with their row.

    Kept as sorted 64-bit hashes (16 bytes an id, against some 150 for a
    dict of strings), so that a file of millions of rows stays small in
    memory. Two different ids share a hash with odds of about 1 in 10**7
    for ten million rows; the later one would then be reported as a repeat.
    """

    def __init__(self) -> None:
        self.hashes = np.empty(0, dtype=np.uint64)
        self.rows = np.empty(0, dtype=np.int64)

    def first_rows(self, hashes: np.ndarray) -> np.ndarray:
        """Row of the id already seen for each hash, -1 for a new one."""
        if len(self.hashes) == 0:
            return np.full(len(hashes), -1, dtype=np.int64)
        positions = np.searchsorted(self.hashes, hashes).clip(max=len(self.hashes) - 1)
        found = self.hashes[positions] == hashes
        return np.where(found, self.rows[positions], -1)

    def add(self, hashes: np.ndarray, rows: np.ndarray) -> None:
        """Remember new ids (hashes not seen before) and their rows."""
        merged = np.concatenate([self.hashes, hashes])
        order = np.argsort(merged, kind="stable")
        self.hashes = merged[order]
        self.rows = np.concatenate([self.rows, rows])[order]


class _Report:
    """Collects rejections of one chunk, naming columns as the file does."""

    def __init__(self, rows: pd.Series, labels: Mapping[str, str]) -> None:
        self.rows = rows
        self.labels = labels
        self.found: list[Rejection] = []

    def label(self, field_name: str) -> str:
        return self.labels.get(field_name, field_name)

    def add(self, mask: pd.Series, field_name: str, reason: str | Callable[[int], str]) -> None:
        """Report the rows of ``mask``; a callable reason is called with each row's index
        (only for those rows: most chunks have few problems)."""
        for index in mask.index[mask.fillna(False).astype(bool)]:
            text = reason if isinstance(reason, str) else reason(index)
            self.found.append(Rejection(int(self.rows[index]), self.label(field_name), text))

    def point_label(self) -> str:
        """The column of a problem with the point as a whole, e.g. "latitude/longitude"."""
        return "/".join(dict.fromkeys((self.label("latitude"), self.label("longitude"))))

    def add_empty(self, mask: pd.Series, field_name: str, reason: str = "is empty") -> None:
        """Report empty cells, except where the column was already reported for that row
        (a format module that could not read a value leaves it empty and says why)."""
        label = self.label(field_name)
        reported = {problem.row for problem in self.found if problem.column == label}
        self.add(mask & ~self.rows.isin(reported), field_name, reason)


def _coordinates(table: pd.DataFrame, report: _Report) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Check latitude and longitude; return both as floats and where both are usable."""
    numbers = {}
    usable = pd.Series(True, index=table.index)
    for column, limit in (("latitude", 90.0), ("longitude", 180.0)):
        text = table[column]
        value = numbers_of(text)
        report.add_empty(text == "", column)
        report.add(value.isna() & (text != ""), column, lambda i: f"{column} {quoted(text[i])} is not a number")  # noqa: B023 - report.add calls it at once
        infinite = value.notna() & ~np.isfinite(value.fillna(0.0))
        report.add(infinite, column, lambda i: f"{column} {quoted(text[i])} is not a finite number")  # noqa: B023 - report.add calls it at once
        outside = np.isfinite(value.fillna(np.inf)) & (value.abs() > limit)
        report.add(outside, column,
                   lambda i: f"{column} {_number_text(value[i])} is outside {-limit:g}..{limit:g}")  # noqa: B023 - report.add calls it at once
        usable &= np.isfinite(value.fillna(np.inf)) & (value.abs() <= limit)
        numbers[column] = value
    at_zero = usable & (numbers["latitude"] == 0) & (numbers["longitude"] == 0)
    label = report.point_label()
    for index in at_zero.index[at_zero]:
        report.found.append(
            Rejection(int(report.rows[index]), label, "0, 0 is no place: the coordinates are probably missing")
        )
    return numbers["latitude"], numbers["longitude"], usable & ~at_zero


def _dates(table: pd.DataFrame, report: _Report, today: date) -> tuple[pd.Series, pd.Series]:
    """Check that dates are not in the future and that an event ends after it starts."""
    parsed = {}
    for column in ("event_date", "end_date"):
        text = table[column]
        # Format modules hand over ISO dates; anything else (a year before 1
        # written as "-001-01-01") is refused here, never stored.
        iso = text.str.fullmatch(r"\d{4}-\d{2}-\d{2}")
        parsed[column] = pd.to_datetime(text.where(iso), format="%Y-%m-%d", errors="coerce")
        report.add((text != "") & parsed[column].isna(), column, lambda i: f"{quoted(text[i])} is not a date")  # noqa: B023 - report.add calls it at once
        future = parsed[column] > pd.Timestamp(today)
        report.add(future, column, lambda i: f"{table.at[i, column]!s} is in the future")  # noqa: B023 - report.add calls it at once
    before = parsed["end_date"] < parsed["event_date"]
    report.add(before, "end_date", lambda i: f"{table.at[i, 'end_date']!s} is before the start date")
    return parsed["event_date"].astype("datetime64[us]"), parsed["end_date"].astype("datetime64[us]")


def _types(table: pd.DataFrame, report: _Report) -> tuple[pd.Series, pd.Series]:
    """Check event types against ACLED's taxonomy; return them in ACLED's spelling."""
    event_type = table["event_type"].str.lower().map(_EVENT_TYPES)
    report.add_empty(table["event_type"] == "", "event_type")
    report.add(
        event_type.isna() & (table["event_type"] != ""),
        "event_type",
        lambda i: f"{quoted(table.at[i, 'event_type'])} is not an ACLED event type",
    )
    # Each distinct (type, sub-event type) pair is looked up once; "\x1f" cannot be in a known type.
    pairs = event_type.fillna("").astype(str) + "\x1f" + table["sub_event_type"]
    codes, distinct = pd.factorize(pairs)
    found = np.empty(len(distinct), dtype=object)
    for position, pair in enumerate(distinct.tolist()):
        name, sub = pair.split("\x1f", 1)
        found[position] = _SUB_EVENT_TYPES[name].get(sub.lower()) if name else None
    sub_type = pd.Series(found[codes], index=table.index, dtype=object)
    known = event_type.notna()
    report.add_empty(known & (table["sub_event_type"] == ""), "sub_event_type")
    bad_sub = known & sub_type.isna() & (table["sub_event_type"] != "")
    report.add(bad_sub, "sub_event_type",
               lambda i: f"{quoted(table.at[i, 'sub_event_type'])} is not a sub-event type of {quoted(event_type[i])}")
    return event_type.fillna("").astype(str), sub_type.fillna("").astype(str)


def _precisions(table: pd.DataFrame, report: _Report) -> tuple[pd.Series, pd.Series]:
    """Check date_precision, geo_precision and precision_km; return the last two as numbers."""
    precision = table["date_precision"]
    report.add_empty(precision == "", "date_precision")
    report.add(~precision.isin(DATE_PRECISIONS) & (precision != ""), "date_precision",
               lambda i: f"{quoted(precision[i])} is not one of {', '.join(DATE_PRECISIONS)}")
    text = table["geo_precision"]
    geo = numbers_of(text)
    codes = sorted(GEO_PRECISION_LABELS)
    report.add_empty(text == "", "geo_precision")
    report.add(~geo.isin(codes) & (text != ""), "geo_precision",
               lambda i: f"{quoted(text[i])} is not one of {', '.join(map(str, codes))}")
    km_text = table["precision_km"]
    km = numbers_of(km_text)
    bad_km = (km_text != "") & ~(np.isfinite(km.fillna(-1.0)) & (km >= 0))
    report.add(bad_km, "precision_km", lambda i: f"{quoted(km_text[i])} is not a distance >= 0")
    return geo, km


def _counts(table: pd.DataFrame, report: _Report) -> dict[str, pd.Series]:
    """Check every count: a whole number >= 0, and low <= best <= high."""
    counts = {}
    empty = set()
    for column in COUNT_COLUMNS:
        text = table[column]
        value = numbers_of(text)
        if len(text) and (text == "").all():
            # Most sources leave most counts empty: nothing to check, every value missing.
            counts[column] = value
            empty.add(column)
            continue
        report.add(value.isna() & (text != ""), column, lambda i: f"{quoted(text[i])} is not a number")  # noqa: B023 - report.add calls it at once
        report.add(value < 0, column, lambda i: f"{text[i]} is negative")  # noqa: B023 - report.add calls it at once
        report.add((value >= 0) & (value % 1 != 0), column, lambda i: f"{text[i]} is not a whole number")  # noqa: B023 - report.add calls it at once
        report.add(value > config.MAX_COUNT, column, lambda i: f"{text[i]} is too large for a count")  # noqa: B023 - report.add calls it at once
        counts[column] = value.where((value >= 0) & (value % 1 == 0) & (value <= config.MAX_COUNT))
    for prefix in dict.fromkeys(column.rsplit("_", 1)[0] for column in COUNT_COLUMNS):
        if {f"{prefix}_{bound}" for bound in ("low", "best", "high")} <= empty:
            continue
        low, best, high = (counts[f"{prefix}_{bound}"] for bound in ("low", "best", "high"))
        disordered = ((low > best) | (best > high) | (low > high)).fillna(False)
        labels = dict.fromkeys(report.label(f"{prefix}_{bound}") for bound in ("low", "best", "high"))
        field_name = "/".join(labels)
        report.add(disordered, field_name,
                   lambda i: f"low {low[i]:g}, best {best[i]:g}, high {high[i]:g}: need low <= best <= high")  # noqa: B023 - report.add calls it at once
    return counts


def _countries(
    table: pd.DataFrame, report: _Report, world: World, latitude: pd.Series, longitude: pd.Series, usable: pd.Series
) -> pd.DataFrame:
    """Fill an empty country from the ISO code; fill iso3 (and an empty country) from the point
    where the source names no known country; flag points that are probably swapped."""
    table = table.copy()
    coded = (table["country"] == "") & (table["iso3"] != "")
    table.loc[coded, "country"] = table.loc[coded, "iso3"].map(world.names)
    table["notes"] = append_note(table["notes"], coded, "country from the ISO code")
    unknown = table["iso3"] == ""
    located = unknown & usable
    found = pd.Series(
        country_at(world, longitude[located].to_numpy(float), latitude[located].to_numpy(float)),
        index=table.index[located],
        dtype=object,
    ).reindex(table.index, fill_value="")
    filled = found != ""
    table.loc[filled, "iso3"] = found[filled]
    named = filled & (table["country"] != "")
    table["notes"] = append_note(
        table["notes"], named,
        "iso3 from the coordinates: " + table["country"] + " is not a country name BorderWatch knows",
    )
    unnamed = filled & (table["country"] == "")
    table.loc[unnamed, "country"] = found[unnamed].map(world.names)
    table["notes"] = append_note(table["notes"], unnamed, "country from the coordinates")
    report.add(
        located & ~filled & (table["country"] != ""),
        "country",
        lambda i: f"{quoted(table.at[i, 'country'])} is not a country BorderWatch knows, and the point lies in none",
    )
    report.add(located & ~filled & (table["country"] == ""), "country", "is empty, and the point lies in no country")

    checked = usable & ~unknown
    swapped = pd.Series(False, index=table.index)
    km_outside = pd.Series(np.nan, index=table.index)
    swapped[checked], km_outside[checked] = outside_named_country(
        world,
        longitude[checked].to_numpy(float),
        latitude[checked].to_numpy(float),
        table.loc[checked, "iso3"].to_numpy(object),
    )
    label = report.point_label()
    for index in swapped.index[swapped]:
        report.found.append(
            Rejection(
                int(report.rows[index]),
                label,
                f"{_number_text(latitude[index])}, {_number_text(longitude[index])} lies outside "
                f"{table.at[index, 'country'] or table.at[index, 'iso3']!s}, which it would fall in "
                "with the two swapped: probably swapped latitude/longitude",
            )
        )
    far = ~swapped & (km_outside > config.MAX_KM_OUTSIDE_COUNTRY)
    for index in far.index[far]:
        report.found.append(
            Rejection(
                int(report.rows[index]),
                label,
                f"{_number_text(latitude[index])}, {_number_text(longitude[index])} lies outside "
                f"{shortened(table.at[index, 'country'] or table.at[index, 'iso3'])}, the country the row names, "
                f"by {km_outside[index]:.0f} km: wrong coordinates (or, in a GIS file, a wrong CRS)",
            )
        )
    return table


def _without_bidi_controls(table: pd.DataFrame) -> pd.DataFrame:
    """Remove :data:`BIDI_CONTROLS` and NUL from every text column but ``original``."""
    columns = [column for column in TEXT_COLUMNS if column != "original"]
    found = [column for column in columns if table[column].str.contains(_BIDI_PATTERN, regex=True).any()]
    if not found:
        return table
    table = table.copy()
    for column in found:
        table[column] = table[column].str.replace(_BIDI_PATTERN, "", regex=True)
    return table


def check_and_type(
    mapped: Mapped,
    *,
    prefix: str,
    dataset: str,
    world: World,
    today: date,
    seen_ids: SeenIds,
) -> ParsedChunk:
    """Check every mapped row, and type those without a problem.

    Parameters
    ----------
    mapped : Mapped
        One chunk, mapped by a format module.
    prefix : str
        Start of every id: ``id = f"{prefix}-{source_id}"``.
    dataset : str
        Value of the ``dataset`` column.
    world : World
        Countries, for iso3 and the swapped-coordinates check.
    today : datetime.date
        Dates after it are in the future.
    seen_ids : SeenIds
        Source ids accepted so far in this file, with their row; updated.

    Returns
    -------
    ParsedChunk
        Accepted rows typed as ``validate_incident_table`` types them, plus
        :data:`~borderwatch.importers.base.EXTRA_COLUMNS`; the rejections
        of the chunk (a row may have several), sorted by row.
    """
    table = _without_bidi_controls(mapped.table.reset_index(drop=True))
    report = _Report(table["row"], mapped.labels)
    report.found.extend(mapped.problems)

    for column in ("location", "sources", "source_id"):
        report.add_empty(table[column] == "", column)
    latitude, longitude, usable = _coordinates(table, report)
    event_date, end_date = _dates(table, report, today)
    event_type, sub_event_type = _types(table, report)
    geo_precision, precision_km = _precisions(table, report)
    counts = _counts(table, report)
    timestamp = numbers_of(table["source_timestamp"])
    bad_time = timestamp.isna() | (timestamp % 1 != 0) | (timestamp < 0) | (timestamp > config.MAX_TIMESTAMP)
    report.add(
        bad_time & (table["source_timestamp"] != ""),
        "source_timestamp",
        lambda i: f"{quoted(table.at[i, 'source_timestamp'])} is not a time in Unix seconds",
    )
    table = _countries(table, report, world, latitude, longitude, usable)

    rejected_rows = {problem.row for problem in report.found}
    ok = ~table["row"].isin(rejected_rows)
    # Among rows otherwise fine, the first with a given id wins; later ones are reported.
    rows = table.loc[ok, "row"].to_numpy(np.int64)
    hashes = pd.util.hash_array(table.loc[ok, "source_id"].to_numpy(dtype=object))
    first_in_chunk = pd.Series(rows).groupby(hashes).transform("min").to_numpy(np.int64)
    first = seen_ids.first_rows(hashes)
    first = np.where(first >= 0, first, np.where(first_in_chunk != rows, first_in_chunk, -1))
    repeated = first >= 0
    for index, row, earlier in zip(table.index[ok][repeated], rows[repeated], first[repeated], strict=True):
        source_id = table.at[index, "source_id"]
        report.found.append(
            Rejection(int(row), report.label("source_id"), f"{quoted(source_id)} repeats the id of row {earlier}")
        )
    ok[table.index[ok][repeated]] = False
    seen_ids.add(hashes[~repeated], rows[~repeated])

    typed = table.loc[ok].copy()
    typed["id"] = prefix + "-" + typed["source_id"]
    typed["dataset"] = dataset
    typed["event_date"] = event_date[ok]
    typed["end_date"] = end_date[ok]
    typed["event_type"] = event_type[ok]
    typed["sub_event_type"] = sub_event_type[ok]
    typed["latitude"] = latitude[ok].astype(float)
    typed["longitude"] = longitude[ok].astype(float)
    typed["geo_precision"] = geo_precision[ok].astype("int64")
    typed["precision_km"] = precision_km[ok].astype(float)
    for column in COUNT_COLUMNS:
        typed[column] = counts[column][ok].astype("Int64")
    typed["source_timestamp"] = timestamp[ok].astype("Int64")
    typed["row"] = typed["row"].astype("int64")
    typed = typed.loc[:, list(INCIDENT_COLUMNS) + list(EXTRA_COLUMNS)].reset_index(drop=True)

    unique = sorted(set(report.found), key=lambda problem: (problem.row, problem.column, problem.reason))
    refused = table.loc[~ok, ["row", "original"]]
    return ParsedChunk(
        incidents=typed,
        rejections=unique,
        rows_read=len(table),
        rejected_records=dict(zip(refused["row"].astype(int), refused["original"], strict=True)),
    )
