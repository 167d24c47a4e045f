"""Global Terrorism Database (GTD) records mapped onto the incident schema.

GTD's terms forbid republishing its data: nothing here or in the tests
holds a real GTD record. The mapping is documented in ``docs/importing.md``.
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
    iso_dates,
    join_nonempty,
    whole_numbers,
)
from borderwatch.importers.world import World, iso3_of
from borderwatch.schema import SOURCE_SEPARATOR

NAME: Final[str] = "gtd"
LABEL: Final[str] = "GTD"

SIGNATURES: Final[tuple[frozenset[str], ...]] = (frozenset({"eventid", "iyear", "imonth", "iday"}),)

REQUIRED: Final[tuple[str, ...]] = (
    "eventid",
    "iyear",
    "imonth",
    "iday",
    "latitude",
    "longitude",
    "specificity",
    "country_txt",
    "attacktype1_txt",
    "targtype1_txt",
    "nkill",
)

#: Targets that make an attack a fight with armed state forces (ACLED: Battles).
ARMED_TARGETS: Final[frozenset[str]] = frozenset({"military", "police"})

#: ``attacktype1_txt`` (lower-case) -> (event type, sub-event type) when the
#: target is military or police, and when it is anyone else. Bombings are
#: typed by ``suicide`` instead (see :func:`event_types`).
ATTACK_TYPES: Final[dict[str, tuple[tuple[str, str], tuple[str, str]]]] = {
    "armed assault": (("Battles", "Armed clash"), ("Violence against civilians", "Attack")),
    "assassination": (("Battles", "Armed clash"), ("Violence against civilians", "Attack")),
    "unarmed assault": (("Battles", "Armed clash"), ("Violence against civilians", "Attack")),
    "hostage taking (kidnapping)": (
        ("Battles", "Armed clash"),
        ("Violence against civilians", "Abduction/forced disappearance"),
    ),
    "hostage taking (barricade incident)": (
        ("Battles", "Armed clash"),
        ("Violence against civilians", "Abduction/forced disappearance"),
    ),
    "hijacking": (("Battles", "Armed clash"), ("Violence against civilians", "Abduction/forced disappearance")),
    "facility/infrastructure attack": (
        ("Strategic developments", "Looting/property destruction"),
        ("Strategic developments", "Looting/property destruction"),
    ),
    "unknown": (("Battles", "Armed clash"), ("Violence against civilians", "Attack")),
}
BOMBING: Final[str] = "bombing/explosion"
SUICIDE_BOMB: Final[tuple[str, str]] = ("Explosions/Remote violence", "Suicide bomb")
REMOTE_BOMB: Final[tuple[str, str]] = ("Explosions/Remote violence", "Remote explosive/landmine/IED")

#: ``specificity`` -> ACLED geo_precision. 1: the town's own point; 2: a town
#: named but the point is its district's centre; 3: no town, the centre of
#: the smallest region named; 4: the centre of the province. 5: none usable.
GEO_PRECISION: Final[dict[str, str]] = {"1": "1", "2": "2", "3": "2", "4": "3"}
NO_COORDINATES: Final[str] = "5"

#: GTD's word for an unknown city or province.
UNKNOWN: Final[str] = "unknown"


def missing_columns(keys: set[str]) -> list[str]:
    """Required columns the header lacks."""
    return [column for column in REQUIRED if column not in keys]


def event_types(attack: pd.Series, target: pd.Series, suicide: pd.Series) -> pd.DataFrame:
    """ACLED event and sub-event types of GTD records ("" for an unknown attack type).

    Parameters
    ----------
    attack, target, suicide : pandas.Series
        ``attacktype1_txt``, ``targtype1_txt`` and ``suicide`` cells.

    Returns
    -------
    pandas.DataFrame
        Columns ``event_type`` and ``sub_event_type``.
    """
    pairs = []
    for kind, aimed_at, self_killing in zip(attack.str.lower(), target.str.lower(), suicide, strict=True):
        if kind == BOMBING:
            pairs.append(SUICIDE_BOMB if self_killing in ("1", "1.0") else REMOTE_BOMB)
        elif kind in ATTACK_TYPES:
            armed, other = ATTACK_TYPES[kind]
            pairs.append(armed if aimed_at in ARMED_TARGETS else other)
        else:
            pairs.append(("", ""))
    return pd.DataFrame(pairs, columns=["event_type", "sub_event_type"], index=attack.index, dtype=str)


def _dates(frame: pd.DataFrame, rows: pd.Series, labels: Mapping[str, str]) -> tuple[pd.DataFrame, list[Rejection]]:
    """Event date and precision from iyear / imonth / iday (0 = unknown: a coarser precision)."""
    parts = {key: whole_numbers(cells(frame, key)) for key in ("iyear", "imonth", "iday")}
    year, month, day = parts["iyear"], parts["imonth"], parts["iday"]
    problems = []
    limits = {"iyear": (1, 9999), "imonth": (0, 12), "iday": (0, 31)}
    bad = pd.Series(False, index=frame.index)
    for key, (low, high) in limits.items():
        text = cells(frame, key)
        wrong = parts[key].isna() | (parts[key] < low) | (parts[key] > high)
        problems += [
            Rejection(int(rows[index]), labels[key],
                      "is empty" if text[index] == "" else f"{quoted(text[index])} is not a whole number {low}..{high}")
            for index in frame.index[wrong]
        ]
        bad |= wrong
    month_known = (month > 0).fillna(False)
    day_known = month_known & (day > 0).fillna(False)
    text = pd.Series(
        [
            f"{int(y):04d}-{int(m) if m_ok else 1:02d}-{int(d) if d_ok else 1:02d}" if not wrong else ""
            for y, m, d, m_ok, d_ok, wrong in zip(year, month, day, month_known, day_known, bad, strict=True)
        ],
        index=frame.index,
        dtype=str,
    )
    parsed = pd.to_datetime(text.where(text != ""), format="%Y-%m-%d", errors="coerce")
    label = "/".join(labels[key] for key in ("iyear", "imonth", "iday"))
    problems += [
        Rejection(int(rows[index]), label, f"{text[index]} is not a date")
        for index in frame.index[parsed.isna() & (text != "")]
    ]
    precision = pd.Series("year", index=frame.index, dtype=str).where(~month_known, "month").where(~day_known, "day")
    return pd.DataFrame({"event_date": iso_dates(parsed), "date_precision": precision}), problems


def map_chunk(frame: pd.DataFrame, labels: Mapping[str, str], world: World) -> Mapped:
    """Map GTD records onto the schema.

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

    table["source_id"] = cells(frame, "eventid")
    dates, date_problems = _dates(frame, rows, labels)
    problems += date_problems
    table["event_date"] = dates["event_date"]
    table["date_precision"] = dates["date_precision"]
    approximate = cells(frame, "approxdate")
    table["notes"] = append_note(table["notes"], approximate != "", "GTD approximate date: " + approximate)

    attack, target = cells(frame, "attacktype1_txt"), cells(frame, "targtype1_txt")
    suicide = cells(frame, "suicide")
    types = event_types(attack, target, suicide)
    table["event_type"] = types["event_type"]
    table["sub_event_type"] = types["sub_event_type"]
    problems += [
        Rejection(int(rows[index]), labels["attacktype1_txt"], f"{quoted(attack[index])} is not a GTD attack type")
        for index in frame.index[types["event_type"] == ""]
    ]
    table["type_original"] = attack.where(~suicide.isin(["1", "1.0"]), attack + " (suicide)")
    gname = cells(frame, "gname")
    table["actor1"] = gname
    table["actor2"] = target
    target_name = cells(frame, "target1")
    aimed_at = join_nonempty([target, target_name], ": ")
    table["actors"] = join_nonempty([gname, aimed_at.where(aimed_at == "", "target: " + aimed_at)], "; ")

    table["country"] = cells(frame, "country_txt")
    table["iso3"] = iso3_of(world, iso3=cells(frame, "iso3"), numeric=cells(frame, "iso"), names=table["country"])
    province = cells(frame, "provstate").where(lambda text: text.str.lower() != UNKNOWN, "")
    city = cells(frame, "city").where(lambda text: text.str.lower() != UNKNOWN, "")
    table["admin1"] = province
    # GTD leaves the city unknown for many rural events: the province, then the country, names the place.
    table["location"] = city.where(city != "", province).where(lambda text: text != "", table["country"])

    specificity = cells(frame, "specificity").str.removesuffix(".0")
    table["geo_precision"] = specificity.map(GEO_PRECISION).fillna("").astype(str)
    problems += [
        Rejection(int(rows[index]), labels["specificity"], "is 5: GTD has no usable coordinates for this event")
        for index in frame.index[specificity == NO_COORDINATES]
    ]
    problems += [
        Rejection(
            int(rows[index]), labels["specificity"], f"{quoted(specificity[index])} is not a GTD specificity 1..5"
        )
        for index in frame.index[(table["geo_precision"] == "") & (specificity != NO_COORDINATES)]
    ]
    table["latitude"] = cells(frame, "latitude")
    table["longitude"] = cells(frame, "longitude")

    # Spreadsheets and some CSV exports write counts as "4.0".
    killed = cells(frame, "nkill").str.removesuffix(".0")
    perpetrators = cells(frame, "nkillter").str.removesuffix(".0")
    wounded = cells(frame, "nwound").str.removesuffix(".0")
    for bound in ("low", "best", "high"):
        table[f"deaths_{bound}"] = killed
        table[f"deaths_militants_{bound}"] = perpetrators
        table[f"wounded_{bound}"] = wounded
    too_many = (whole_numbers(perpetrators) > whole_numbers(killed)).fillna(False)
    problems += [
        Rejection(int(rows[index]), labels["nkillter"], f"{perpetrators[index]} is more than nkill {killed[index]}")
        for index in frame.index[too_many]
    ]
    table["deaths_note"] = join_nonempty(
        [killed.where(killed == "", "GTD nkill: " + killed),
         perpetrators.where(perpetrators == "", "nkillter (perpetrators): " + perpetrators)],
        "; ",
    )
    table["description"] = cells(frame, "summary")
    citations = join_nonempty([cells(frame, f"scite{n}") for n in (1, 2, 3)], SOURCE_SEPARATOR)
    table["sources"] = citations.where(citations != "", "Global Terrorism Database, eventid " + table["source_id"])

    field_labels = {
        "source_id": labels["eventid"],
        "event_type": labels["attacktype1_txt"],
        "sub_event_type": labels["attacktype1_txt"],
        "country": labels["country_txt"],
        "location": labels.get("city", "city"),
        "latitude": labels["latitude"],
        "longitude": labels["longitude"],
        "geo_precision": labels["specificity"],
        "description": labels.get("summary", "summary"),
        "sources": labels.get("scite1", "scite1"),
        **{f"deaths_{bound}": labels["nkill"] for bound in ("low", "best", "high")},
        **{f"deaths_militants_{bound}": labels.get("nkillter", "nkillter") for bound in ("low", "best", "high")},
        **{f"wounded_{bound}": labels.get("nwound", "nwound") for bound in ("low", "best", "high")},
    }
    return Mapped(table=table, problems=problems, labels=field_labels)
