"""ACLED exports (current and pre-2023 schema) mapped onto the incident schema.

The mapping is documented for users in ``docs/importing.md``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

import pandas as pd

from borderwatch.errors import quoted
from borderwatch.importers.base import Rejection
from borderwatch.importers.validate import (
    Mapped,
    blank_table,
    cells,
    date_problems,
    iso_dates,
    join_nonempty,
    map_unique,
    parse_dates,
    split_sources,
)
from borderwatch.importers.world import World, iso3_of

NAME: Final[str] = "acled"
LABEL: Final[str] = "ACLED"

#: Columns whose presence identifies an ACLED export (either id column will do).
SIGNATURES: Final[tuple[frozenset[str], ...]] = (
    frozenset({"event_id_cnty", "event_date", "event_type"}),
    frozenset({"data_id", "event_date", "event_type"}),
)

#: Columns the mapping needs; the id is ``event_id_cnty`` or, in old exports only, ``data_id``.
REQUIRED: Final[tuple[str, ...]] = (
    "event_date",
    "time_precision",
    "event_type",
    "sub_event_type",
    "actor1",
    "country",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "fatalities",
)
ID_COLUMNS: Final[tuple[str, ...]] = ("event_id_cnty", "data_id")

#: Date forms ACLED exports have used: ISO, day-month-year, "07 March 2016".
DATE_FORMATS: Final[tuple[str, ...]] = ("%Y-%m-%d", "%d-%m-%Y", "%d %B %Y", "%d %b %Y", "%d-%B-%Y", "%d-%b-%Y")
DATE_FORMS: Final[str] = "expected yyyy-mm-dd, dd-mm-yyyy or 07 March 2016"

#: ``time_precision`` code -> date precision (ACLED Codebook).
TIME_PRECISION: Final[dict[str, str]] = {"1": "day", "2": "week", "3": "month"}

#: ``inter1`` / ``inter2`` codes -> ACLED's actor-type labels (Codebook, 2023 and before).
INTER_LABELS: Final[dict[str, str]] = {
    "0": "No actor",
    "1": "State forces",
    "2": "Rebel groups",
    "3": "Political militias",
    "4": "Identity militias",
    "5": "Rioters",
    "6": "Protesters",
    "7": "Civilians",
    "8": "External/Other forces",
}


def missing_columns(keys: set[str]) -> list[str]:
    """Required columns the header lacks (an id column counts as one)."""
    missing = [column for column in REQUIRED if column not in keys]
    if not keys & set(ID_COLUMNS):
        missing.insert(0, "event_id_cnty")
    return missing


def _inter_label(code: pd.Series) -> pd.Series:
    """An ``inter`` cell as a label: codes are translated, labels kept as written."""
    return map_unique(code, lambda text: INTER_LABELS.get(text.removesuffix(".0"), text))


def _actor(frame: pd.DataFrame, side: str) -> pd.Series:
    """One side as "actor (type); with associated actors"."""
    actor = cells(frame, f"actor{side}")
    kind = _inter_label(cells(frame, f"inter{side}"))
    named = actor.where(kind == "", actor + " (" + kind + ")").where(actor != "", "")
    associated = cells(frame, f"assoc_actor_{side}")
    return join_nonempty([named, associated.where(associated == "", "with " + associated)], "; ")


def map_chunk(frame: pd.DataFrame, labels: Mapping[str, str], world: World) -> Mapped:
    """Map ACLED records onto the schema.

    Parameters
    ----------
    frame : pandas.DataFrame
        Text cells keyed by lower-case column name; the index is the row number.
    labels : mapping of str to str
        Column key -> name as in the file.
    world : World

    Returns
    -------
    Mapped
    """
    table = blank_table(frame.index)
    rows = table["row"]
    frame = frame.reset_index(drop=True)
    id_key = "event_id_cnty" if "event_id_cnty" in frame.columns else "data_id"
    problems: list[Rejection] = []

    table["source_id"] = cells(frame, id_key)
    date_text = cells(frame, "event_date")
    dates = parse_dates(date_text, DATE_FORMATS)
    table["event_date"] = iso_dates(dates)
    problems += date_problems(date_text, dates, rows, labels["event_date"], DATE_FORMS)

    precision = cells(frame, "time_precision").str.removesuffix(".0")
    table["date_precision"] = precision.map(TIME_PRECISION).fillna("").astype(str)
    problems += [
        Rejection(int(rows[index]), labels["time_precision"], f"{quoted(precision[index])} is not 1, 2 or 3")
        for index in precision.index[table["date_precision"] == ""]
    ]

    table["event_type"] = cells(frame, "event_type")
    table["sub_event_type"] = cells(frame, "sub_event_type")
    table["actor1"] = cells(frame, "actor1")
    table["actor2"] = cells(frame, "actor2")
    first, second = _actor(frame, "1"), _actor(frame, "2")
    table["actors"] = join_nonempty([first, second.where(second == "", "vs " + second)], " ")
    table["country"] = cells(frame, "country")
    table["iso3"] = iso3_of(world, iso3=cells(frame, "iso3"), numeric=cells(frame, "iso"), names=table["country"])
    table["admin1"] = cells(frame, "admin1")
    table["location"] = cells(frame, "location")
    table["latitude"] = cells(frame, "latitude")
    table["longitude"] = cells(frame, "longitude")
    table["geo_precision"] = cells(frame, "geo_precision").str.removesuffix(".0")
    fatalities = cells(frame, "fatalities")
    for bound in ("low", "best", "high"):
        table[f"deaths_{bound}"] = fatalities
    table["description"] = cells(frame, "notes")
    sources = map_unique(cells(frame, "source"), split_sources)
    table["sources"] = sources.where(sources != "", "ACLED event " + table["source_id"]).astype(str)
    table["source_timestamp"] = cells(frame, "timestamp")

    field_labels = {
        "source_id": labels[id_key],
        "date_precision": labels["time_precision"],
        **{f"deaths_{bound}": labels["fatalities"] for bound in ("low", "best", "high")},
        "description": labels.get("notes", "notes"),
        "sources": labels["source"],
        "source_timestamp": labels.get("timestamp", "timestamp"),
    }
    for column in ("event_date", "event_type", "sub_event_type", "country", "location", "latitude",
                   "longitude", "geo_precision"):
        field_labels[column] = labels[column]
    return Mapped(table=table, problems=problems, labels=field_labels)
