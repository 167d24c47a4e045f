"""UCDP Georeferenced Event Dataset (GED) records mapped onto the incident schema.

The mapping is documented in ``docs/importing.md``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

import pandas as pd

from borderwatch.errors import quoted
from borderwatch.importers.base import Rejection
from borderwatch.importers.validate import (
    Mapped,
    append_note,
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

NAME: Final[str] = "ucdp"
LABEL: Final[str] = "UCDP"

SIGNATURES: Final[tuple[frozenset[str], ...]] = (frozenset({"id", "date_start", "type_of_violence"}),)

REQUIRED: Final[tuple[str, ...]] = (
    "id",
    "date_start",
    "date_prec",
    "type_of_violence",
    "where_prec",
    "latitude",
    "longitude",
    "country",
    "best",
    "low",
    "high",
)

#: GED dates: ISO, with a time of day in some releases ("2016-03-07 00:00:00.000").
DATE_FORMATS: Final[tuple[str, ...]] = ("%Y-%m-%d", "%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%d %H:%M:%S")
DATE_FORMS: Final[str] = "expected yyyy-mm-dd"

#: ``date_prec`` -> date precision. 1: the day; 2: a 2-6 day range; 3: the
#: week; 4: 8-30 days or the month; 5: more than a month, or the year.
DATE_PRECISION: Final[dict[str, str]] = {"1": "day", "2": "week", "3": "week", "4": "month", "5": "year"}

#: ``type_of_violence`` -> (event type, sub-event type, UCDP's name for it).
VIOLENCE_TYPES: Final[dict[str, tuple[str, str, str]]] = {
    "1": ("Battles", "Armed clash", "state-based conflict"),
    "2": ("Battles", "Armed clash", "non-state conflict"),
    "3": ("Violence against civilians", "Attack", "one-sided violence"),
}

#: ``where_prec`` -> (ACLED geo_precision, radius in km or "", note). 1: the
#: exact place; 2: within 25 km of it; 3: a second-order region; 4: a
#: first-order region; 5: a part of a country bigger than one region; 6: the
#: country only; 7: international waters or airspace.
WHERE_PRECISION: Final[dict[str, tuple[str, str, str]]] = {
    "1": ("1", "", ""),
    "2": ("2", "25", ""),
    "3": ("2", "", ""),
    "4": ("3", "", ""),
    "5": ("3", "", "UCDP where_prec 5: only a part of the country larger than a province is known"),
    "6": ("3", "", "UCDP where_prec 6: only the country is known"),
    "7": ("3", "", "UCDP where_prec 7: international waters or airspace"),
}

#: How UCDP names a state's side; in state-based conflict side A is a government.
GOVERNMENT_PREFIX: Final[str] = "Government of"


def missing_columns(keys: set[str]) -> list[str]:
    """Required columns the header lacks."""
    return [column for column in REQUIRED if column not in keys]


def _code(frame: pd.DataFrame, key: str) -> pd.Series:
    return cells(frame, key).str.removesuffix(".0")


def _lookup(codes: pd.Series, table: Mapping[str, tuple[str, ...]], position: int) -> pd.Series:
    """One element of each code's entry in a table, "" for an unknown code."""
    return codes.map({code: entry[position] for code, entry in table.items()}).fillna("").astype(str)


def map_chunk(frame: pd.DataFrame, labels: Mapping[str, str], world: World) -> Mapped:
    """Map UCDP GED records onto the schema.

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
    problems: list[Rejection] = []

    table["source_id"] = _code(frame, "id")
    start_text, end_text = cells(frame, "date_start"), cells(frame, "date_end")
    start, end = parse_dates(start_text, DATE_FORMATS), parse_dates(end_text, DATE_FORMATS)
    table["event_date"] = iso_dates(start)
    problems += date_problems(start_text, start, rows, labels["date_start"], DATE_FORMS)
    bad_end = end.isna() & (end_text != "")
    problems += [
        Rejection(int(rows[index]), labels["date_end"], f"{quoted(end_text[index])} is not a date ({DATE_FORMS})")
        for index in frame.index[bad_end]
    ]
    table["end_date"] = iso_dates(end.where(end != start))

    precision = _code(frame, "date_prec")
    table["date_precision"] = precision.map(DATE_PRECISION).fillna("").astype(str)
    problems += [
        Rejection(int(rows[index]), labels["date_prec"], f"{quoted(precision[index])} is not a UCDP date_prec 1..5")
        for index in frame.index[table["date_precision"] == ""]
    ]

    violence = _code(frame, "type_of_violence")
    for position, column in enumerate(("event_type", "sub_event_type", "type_original")):
        table[column] = _lookup(violence, VIOLENCE_TYPES, position)
    problems += [
        Rejection(int(rows[index]), labels["type_of_violence"], f"{quoted(violence[index])} is not 1, 2 or 3")
        for index in frame.index[~violence.isin(list(VIOLENCE_TYPES))]
    ]

    side_a, side_b = cells(frame, "side_a"), cells(frame, "side_b")
    table["actor1"] = side_a
    table["actor2"] = side_b
    table["actors"] = join_nonempty([side_a, side_b.where(side_b == "", "vs " + side_b)], " ")

    table["country"] = cells(frame, "country")
    table["iso3"] = iso3_of(world, iso3=cells(frame, "iso3"), numeric=cells(frame, "iso"), names=table["country"])
    table["admin1"] = cells(frame, "adm_1")
    place = cells(frame, "where_coordinates")
    described = cells(frame, "where_description")
    table["location"] = place.where(place != "", described).where(lambda text: text != "", cells(frame, "adm_2"))
    table["latitude"] = cells(frame, "latitude")
    table["longitude"] = cells(frame, "longitude")
    where = _code(frame, "where_prec")
    table["geo_precision"] = _lookup(where, WHERE_PRECISION, 0)
    table["precision_km"] = _lookup(where, WHERE_PRECISION, 1)
    where_note = _lookup(where, WHERE_PRECISION, 2)
    table["notes"] = append_note(table["notes"], where_note != "", where_note)
    problems += [
        Rejection(int(rows[index]), labels["where_prec"], f"{quoted(where[index])} is not a UCDP where_prec 1..7")
        for index in frame.index[~where.isin(list(WHERE_PRECISION))]
    ]

    for bound in ("low", "best", "high"):
        table[f"deaths_{bound}"] = _code(frame, bound)
        table[f"deaths_civilians_{bound}"] = _code(frame, "deaths_civilians")
    # In state-based conflict side A is a government: its dead are security
    # forces and side B's are militants. Other conflicts have no such rule.
    state_side = (violence == "1") & side_a.str.startswith(GOVERNMENT_PREFIX)
    for bound in ("low", "best", "high"):
        table[f"deaths_security_{bound}"] = _code(frame, "deaths_a").where(state_side, "")
        table[f"deaths_militants_{bound}"] = _code(frame, "deaths_b").where(state_side, "")
    parts = {
        "side A": _code(frame, "deaths_a"),
        "side B": _code(frame, "deaths_b"),
        "civilians": _code(frame, "deaths_civilians"),
        "unknown": _code(frame, "deaths_unknown"),
    }
    table["deaths_note"] = join_nonempty(
        [value.where(value == "", f"{name}: " + value) for name, value in parts.items()], "; "
    )
    table["description"] = cells(frame, "source_headline")
    articles = map_unique(cells(frame, "source_article"), split_sources)
    table["sources"] = articles.where(articles != "", "UCDP GED event " + table["source_id"]).astype(str)

    field_labels = {
        "source_id": labels["id"],
        "event_date": labels["date_start"],
        "date_precision": labels["date_prec"],
        "end_date": labels.get("date_end", "date_end"),
        "event_type": labels["type_of_violence"],
        "sub_event_type": labels["type_of_violence"],
        "country": labels["country"],
        "location": labels.get("where_coordinates", labels.get("where_description", "where_description")),
        "latitude": labels["latitude"],
        "longitude": labels["longitude"],
        "geo_precision": labels["where_prec"],
        "sources": labels.get("source_article", "source_article"),
        **{f"deaths_{bound}": labels[bound] for bound in ("low", "best", "high")},
        **{f"deaths_civilians_{bound}": labels.get("deaths_civilians", "deaths_civilians")
           for bound in ("low", "best", "high")},
        **{f"deaths_security_{bound}": labels.get("deaths_a", "deaths_a") for bound in ("low", "best", "high")},
        **{f"deaths_militants_{bound}": labels.get("deaths_b", "deaths_b") for bound in ("low", "best", "high")},
    }
    return Mapped(table=table, problems=problems, labels=field_labels)
