"""Summaries of an import's rejections, for people: grouped reasons, a table."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping

import pandas as pd

from borderwatch import config
from borderwatch.export import neutralise_cell
from borderwatch.importers.base import Rejection

# A reason's values (quoted text, a leading number or date, "row N", ...)
# vary from row to row; masked, the rest of the sentence says what kind of
# problem it is. Bounds such as "-90..90" are kept: they explain the rule.
_QUOTED = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"")
_NUMBER = r"-?\d[\d.eE+:-]*"
_LEADING_VALUE = re.compile(rf"^((?:[a-z_]+ )?){_NUMBER}(?:, {_NUMBER})?(?= )")
_WORD_VALUE = re.compile(rf"\b(row|has|low|best|high|by) {_NUMBER}")


def _mask_leading(match: re.Match[str]) -> str:
    return match.group(1) + ("…, …" if "," in match.group(0) else "…")


def _mask_word_value(match: re.Match[str]) -> str:
    return f"{match.group(1)} …"


def mask_reason(reason: str) -> str:
    """Replace the values in a rejection reason by "…".

    Parameters
    ----------
    reason : str
        E.g. ``"latitude 95.2 is outside -90..90"``.

    Returns
    -------
    str
        E.g. ``"latitude … is outside -90..90"``.
    """
    masked = _QUOTED.sub("'…'", reason)
    masked = _LEADING_VALUE.sub(_mask_leading, masked)
    return _WORD_VALUE.sub(_mask_word_value, masked)


def _first_rows(rows: pd.Series) -> str:
    return ", ".join(str(row) for row in rows.iloc[:config.REPORT_EXAMPLE_ROWS])


def rejection_table(
    rejections: Iterable[Rejection], records: Mapping[int, str] | None = None
) -> pd.DataFrame:
    """One row per rejection: ``row``, ``column``, ``reason``, then the record's own cells.

    Parameters
    ----------
    rejections : iterable of Rejection
    records : mapping of int to str, optional
        Row number -> the refused record as a JSON object of the file's
        cells (:attr:`ParsedChunk.rejected_records`).

    Returns
    -------
    pandas.DataFrame
        Sorted by row, ready to download as CSV; the file's columns follow
        the three above, empty for a record too malformed to split.
    """
    table = pd.DataFrame(
        [(r.row, r.column, r.reason) for r in rejections], columns=["row", "column", "reason"]
    )
    table = table.sort_values(["row", "column"], kind="stable").reset_index(drop=True)
    if not records:
        return table
    cells = pd.DataFrame.from_records(
        [json.loads(records[row]) if row in records else {} for row in table["row"]]
    )
    # The file's own columns, kept apart from the report's if names clash.
    cells = cells.rename(columns=lambda name: f"{name} (in file)" if name in table.columns else name)
    return pd.concat([table, cells.fillna("")], axis=1)


def rejection_csv_bytes(rejections: Iterable[Rejection], records: Mapping[int, str] | None = None) -> bytes:
    """The rejected rows as a CSV file to download (:func:`rejection_table`), safe to open in a spreadsheet.

    Parameters
    ----------
    rejections : iterable of Rejection
    records : mapping of int to str, optional
        As :func:`rejection_table` takes them.

    Returns
    -------
    bytes
        UTF-8 CSV in which every cell, and every column name from the file,
        that a spreadsheet would run as a formula is neutralised as in every
        other CSV BorderWatch writes (:func:`borderwatch.export.neutralise_cell`).
    """
    table = rejection_table(rejections, records)
    table = table.rename(columns=lambda name: neutralise_cell(str(name)))
    text = [column for column in table.columns if column != "row"]
    table[text] = table[text].astype(str).map(neutralise_cell)
    return table.to_csv(index=False).encode("utf-8")


def group_rejections(rejections: Iterable[Rejection]) -> pd.DataFrame:
    """Group rejections that share a column and a kind of reason.

    Parameters
    ----------
    rejections : iterable of Rejection

    Returns
    -------
    pandas.DataFrame
        Columns ``column``, ``problem`` (the reason with its varying values
        replaced by "…"), ``rows`` (how many), ``example`` (one full reason)
        and ``first_rows`` (up to :data:`borderwatch.config.REPORT_EXAMPLE_ROWS` row numbers, as text);
        the most frequent first.
    """
    table = rejection_table(rejections)
    if table.empty:
        return pd.DataFrame(columns=["column", "problem", "rows", "example", "first_rows"])
    table["problem"] = table["reason"].map(mask_reason)
    grouped = (
        table.groupby(["column", "problem"], sort=False)
        .agg(
            rows=("row", "size"),
            example=("reason", "first"),
            first_rows=("row", _first_rows),
        )
        .reset_index()
        .sort_values(["rows", "column"], ascending=[False, True], kind="stable")
        .reset_index(drop=True)
    )
    return grouped
