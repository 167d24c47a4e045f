"""What the command line prints of its lists: the datasets, the audit trail, the roles granted, the land borders.

Each as an aligned text table for people, or as JSON-ready records for scripts.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from borderwatch.errors import capped

#: The counts of an audit entry, in the order the table shows them.
_AUDIT_COUNTS = ("added", "updated", "unchanged", "rejected", "removed")


def _one_line(text: str) -> str:
    """A value from the store on one line: a line break in a name cannot forge a row."""
    return capped(" ".join(part.strip() for part in text.splitlines() if part.strip()))


def aligned(header: Sequence[str], rows: Sequence[Sequence[str]], first_numeric: int) -> str:
    """Lines of cells padded to their column's width; columns from ``first_numeric`` on right-aligned."""
    widths = [max(len(line[index]) for line in (header, *rows)) for index in range(len(header))]
    return "\n".join(
        "  ".join(cell.rjust(width) if index >= first_numeric else cell.ljust(width)
                  for index, (cell, width) in enumerate(zip(line, widths, strict=True))).rstrip()
        for line in (header, *rows)
    )


def records(frame: pd.DataFrame, time_column: str) -> list[dict[str, object]]:
    """The rows of ``frame`` as plain Python values, ``time_column`` in ISO 8601."""
    return [
        {**{str(key): value.item() if hasattr(value, "item") else value for key, value in row.items()},
         time_column: pd.Timestamp(row[time_column]).isoformat()}
        for row in frame.to_dict("records")
    ]


def format_datasets(frame: pd.DataFrame) -> str:
    """Return the dataset list as an aligned text table.

    Parameters
    ----------
    frame : pandas.DataFrame
        The store's ``datasets()``.

    Returns
    -------
    str
        One line per dataset: name, format, file, the first 12 hex digits of
        its SHA-256, import time (UTC), rows read / accepted / rejected by
        that import, incidents stored now and probable duplicates among them.
    """
    header = ("name", "format", "file", "sha256", "imported (UTC)", "read", "accepted", "rejected",
              "incidents", "duplicates")
    rows = [
        (
            str(row["name"]), str(row["format"]), str(row["file_name"]), str(row["file_hash"])[:12],
            pd.Timestamp(row["imported_at"]).strftime("%Y-%m-%d %H:%M"),
            *(f"{int(row[column]):,}" for column in ("rows_read", "accepted", "rejected", "incidents",
                                                      "probable_duplicates")),
        )
        for row in frame.to_dict("records")
    ]
    return aligned(header, rows, 5)


def format_audit(frame: pd.DataFrame) -> str:
    """Return the audit trail as an aligned text table, newest first.

    Parameters
    ----------
    frame : pandas.DataFrame
        The store's ``audit_log()``.

    Returns
    -------
    str
        One line per entry: time (UTC), who, which way, action and outcome,
        the border (of infrastructure), dataset (or layer), file and the first
        12 hex digits of its SHA-256, the e-mail and role of a role change,
        and the counts.
    """
    header = ("recorded (UTC)", "actor", "via", "action", "outcome", "border", "dataset", "file", "sha256", "email",
              "role", *_AUDIT_COUNTS)
    rows = [
        (
            pd.Timestamp(row["recorded_at"]).strftime("%Y-%m-%d %H:%M:%S"),
            *(_one_line(str(row[column])) for column in ("actor", "via", "action", "outcome", "border", "dataset",
                                                          "file_name")),
            str(row["file_hash"])[:12],
            *(_one_line(str(row[column])) for column in ("email", "role")),
            *(f"{int(row[column]):,}" for column in _AUDIT_COUNTS),
        )
        for row in frame.to_dict("records")
    ]
    return aligned(header, rows, 11)


def format_grants(frame: pd.DataFrame) -> str:
    """Return the roles granted in the app as an aligned text table.

    Parameters
    ----------
    frame : pandas.DataFrame
        The store's ``role_grants()``.

    Returns
    -------
    str
        One line per grant: e-mail, role, who granted it and when (UTC).
    """
    header = ("email", "role", "granted by", "granted (UTC)")
    rows = [
        (*(_one_line(str(row[column])) for column in ("email", "role", "granted_by")),
         pd.Timestamp(row["granted_at"]).strftime("%Y-%m-%d %H:%M:%S"))
        for row in frame.to_dict("records")
    ]
    return aligned(header, rows, len(header))


def format_borders(frame: pd.DataFrame) -> str:
    """Return the land borders as an aligned text table.

    Parameters
    ----------
    frame : pandas.DataFrame
        Rows of :func:`borderwatch.borders.border_table`.

    Returns
    -------
    str
        One line per border: its key, each country's code and name, its
        length in km (one decimal) and how many separate parts it has.
    """
    header = ("border", "code_a", "name_a", "code_b", "name_b", "length_km", "parts")
    rows = [
        (str(row["border"]), str(row["code_a"]), _one_line(str(row["name_a"])), str(row["code_b"]),
         _one_line(str(row["name_b"])), f"{float(row['length_km']):,.1f}", str(int(row["parts"])))
        for row in frame.to_dict("records")
    ]
    return aligned(header, rows, 5)
