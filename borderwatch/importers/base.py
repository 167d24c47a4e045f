"""Types every importer yields: parsed rows in the incident schema, and rejections."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

import pandas as pd

#: Formats BorderWatch reads. The first three are detected from CSV/XLSX
#: headers; the GIS ones need a column mapping the user confirms.
FORMATS: Final[tuple[str, ...]] = ("acled", "gtd", "ucdp", "geojson", "gpkg", "geoparquet", "shapefile")

#: Columns a parsed chunk carries besides :data:`borderwatch.schema.INCIDENT_COLUMNS`.
#: ``source_id``: the source's own event id (ACLED ``event_id_cnty``, GTD
#: ``eventid``, UCDP ``id``); ``source_timestamp``: when the source last
#: changed the record, Unix seconds (ACLED ``timestamp``), NA if unknown;
#: ``original``: the raw record as read, a JSON object of text values;
#: ``row``: the record's number as the user sees it (see :class:`Rejection`).
EXTRA_COLUMNS: Final[tuple[str, ...]] = ("source_id", "source_timestamp", "original", "row")


@dataclass(frozen=True)
class Rejection:
    """One record refused, and why.

    Attributes
    ----------
    row : int
        Where the user finds it: the line number in a CSV (the header is
        line 1), the row number in a spreadsheet, the 1-based feature number
        in a GIS file.
    column : str
        The column (as named in the file) that is wrong.
    reason : str
        What is wrong, in plain words, e.g. "latitude 95.2 is outside -90..90".
    """

    row: int
    column: str
    reason: str


@dataclass
class ParsedChunk:
    """A slice of a file, normalised.

    Attributes
    ----------
    incidents : pandas.DataFrame
        Accepted rows, typed as :func:`borderwatch.reference.validate_incident_table`
        returns them, plus :data:`EXTRA_COLUMNS`.
    rejections : list of Rejection
        Refused rows of this slice.
    rows_read : int
        Records read in this slice (accepted + rejected).
    rejected_records : dict of int to str
        The refused records as read: row number -> JSON object of the file's
        cells, so the user can download the rows themselves (a record too
        malformed to split into cells has none).
    """

    incidents: pd.DataFrame
    rejections: list[Rejection] = field(default_factory=list)
    rows_read: int = 0
    rejected_records: dict[int, str] = field(default_factory=dict)
