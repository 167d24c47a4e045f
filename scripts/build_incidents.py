"""Build ``data/incidents.csv`` from the project's incident facts.

Run by hand, from the repository root::

    python -m scripts.build_incidents [--facts PATH] [-o data/incidents.csv]

The facts file (``shared/reference/incidents_facts.csv`` beside the
repository) words types and counts as its sources do. This script maps each
record onto :data:`borderwatch.schema.INCIDENT_COLUMNS`:

* the ACLED type pair and the actors come from :data:`CLASSIFICATIONS`, a
  reviewed table keyed by incident id;
* counts are read by :func:`borderwatch.counts.parse_count`; the irregular
  ones come from :data:`COUNT_OVERRIDES`, each with a one-line reason that is
  also written to the record's ``notes``;
* ``geo_precision`` and ``precision_km`` come from the facts' coordinate
  precision through :data:`GEO_PRECISION_BY_COORD_PRECISION`.

Anything the tables do not cover (a new id, a new precision wording, a count
with figures the parser cannot read) stops the build instead of being guessed.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Final

from borderwatch import config
from borderwatch.counts import CountRange, parse_count
from borderwatch.schema import (
    ACLED_EVENT_TYPES,
    INCIDENT_COLUMNS,
    SOURCE_SEPARATOR,
)
from scripts.paths import SHARED_REFERENCE_DIR
from scripts.source_pages import cite_original_pages

DEFAULT_FACTS: Final[Path] = SHARED_REFERENCE_DIR / "incidents_facts.csv"

DATASET: Final[str] = "bundled"

COUNTRY_NAMES: Final[dict[str, str]] = {"TUN": "Tunisia", "LBY": "Libya"}


@dataclass(frozen=True)
class Classification:
    """ACLED type pair and actors chosen for one incident."""

    event_type: str
    sub_event_type: str
    actor1: str
    actor2: str
    reason: str = ""


_BATTLE = ("Battles", "Armed clash")
_ATTACK = ("Violence against civilians", "Attack")

#: Reviewed type and actors of every incident. Attacks on soldiers, police or
#: guards are battles (ACLED's civilians are unarmed non-combatants); one-sided
#: violence against unarmed people is violence against civilians.
CLASSIFICATIONS: Final[dict[str, Classification]] = {
    "LY-2015-01-27-CORINTHIA": Classification(
        *_ATTACK, "Islamic State", "Hotel guests and guards",
        "gunmen killed guests and guards; the car bomb and self-detonations served an assault on a civilian target",
    ),
    "TN-2015-02-17-BOULAABA": Classification(
        *_BATTLE, "Okba Ibn Nafaa Brigade (AQIM)", "Tunisian National Guard", "ambush on a patrol"
    ),
    "TN-2015-03-18-BARDO": Classification(*_ATTACK, "Islamic State", "Civilians (museum visitors)"),
    "TN-2015-03-28-SIDIAICH": Classification(
        *_BATTLE, "Tunisian National Guard", "Okba Ibn Nafaa Brigade (AQIM)", "security-force raid on armed militants"
    ),
    "TN-2015-04-07-MGHILA": Classification(
        *_BATTLE, "Okba Ibn Nafaa Brigade (AQIM)", "Tunisian Army", "ambush on an army convoy"
    ),
    "TN-2015-06-15-SIDIBOUZID": Classification(*_BATTLE, "Islamic State", "Tunisian National Guard"),
    "TN-2015-06-26-SOUSSE": Classification(*_ATTACK, "Islamic State", "Civilians (tourists)"),
    "TN-2015-08-21-MGHILA-IED": Classification(
        "Explosions/Remote violence", "Remote explosive/landmine/IED", "Islamic State", "Tunisian Army"
    ),
    "TN-2015-08-24-BOUCHEBKA": Classification(*_BATTLE, "Unidentified gunmen", "Tunisian Customs"),
    "LY-2015-11-08-SABRATHA-KIDNAP": Classification(
        "Violence against civilians", "Abduction/forced disappearance",
        "Unidentified gunmen", "Civilians (Serbian embassy staff)",
    ),
    "TN-2015-11-13-MGHILA-SHEPHERD": Classification(*_ATTACK, "Jund al-Khilafa (Islamic State)", "Civilians"),
    "TN-2015-11-24-TUNIS-BUS": Classification(
        "Explosions/Remote violence", "Suicide bomb", "Islamic State", "Tunisian Presidential Guard"
    ),
    "LY-2016-01-07-ZLITEN": Classification(
        "Explosions/Remote violence", "Suicide bomb", "Islamic State", "Libyan police recruits"
    ),
    "LY-2016-02-19-SABRATHA-STRIKE": Classification(
        "Explosions/Remote violence", "Air/drone strike", "United States military (AFRICOM)", "Islamic State"
    ),
    "TN-2016-02-20-BORJKHADRA": Classification(
        *_ATTACK, "Tunisian Army", "Migrants",
        "troops fired on an unarmed vehicle's occupants; one-sided, no armed opponent",
    ),
    "LY-2016-02-23-SABRATHA-IS": Classification(
        *_BATTLE, "Islamic State", "Sabratha brigades",
        "the security HQ was held only for hours, so not 'Non-state actor overtakes territory'",
    ),
    "TN-2016-03-01-AINJAFFEL": Classification(
        *_BATTLE, "Tunisian security forces", "Unidentified militants", "security-force ambush on an armed group"
    ),
    "LY-2016-03-02-SABRATHA-ITALIANS": Classification(
        *_BATTLE, "Sabratha militias", "Islamic State", "militia attack on an armed convoy"
    ),
    "TN-2016-03-02-ELAOUIJA": Classification(
        *_BATTLE, "Tunisian Army and National Guard", "Militants from Libya", "siege of armed men in a house"
    ),
    "TN-2016-03-07-BENGUERDANE": Classification(
        *_BATTLE, "Islamic State", "Tunisian security forces",
        "assault on barracks and posts, repelled: the town was not taken",
    ),
    "TN-2016-03-08-BENNIRI": Classification(
        *_BATTLE, "Tunisian security forces", "Islamic State", "pursuit of the armed attackers of 7 March"
    ),
    "TN-2016-03-19-ELAMRIA": Classification(
        *_BATTLE, "Tunisian National Guard and Army", "Unidentified militants", "house siege with exchange of fire"
    ),
    "TN-2016-03-20-SAYEH": Classification(
        *_BATTLE, "Tunisian security forces", "Unidentified militants", "house siege with exchange of fire"
    ),
    "TN-2016-05-11-SMAR": Classification(
        "Explosions/Remote violence", "Suicide bomb", "Unidentified militants", "Tunisian National Guard",
        "all four security deaths came from the suicide vest, not from the exchange of fire",
    ),
    "TN-2016-08-29-SEMMAMA": Classification(
        "Explosions/Remote violence", "Remote explosive/landmine/IED",
        "Okba Ibn Nafaa Brigade (AQIM)", "Tunisian Army",
        "mines opened the attack on the vehicle; the gunfire followed",
    ),
    "TN-2016-11-05-KHRAIFIA": Classification(
        *_ATTACK, "Jund al-Khilafa (Islamic State)", "Off-duty soldier",
        "an off-duty soldier shot at his family home: one-sided violence against an unarmed person",
    ),
    "TN-2017-03-12-JANOURA": Classification(
        *_BATTLE, "Unidentified militants", "Tunisian police", "attack on a patrol"
    ),
    "TN-2017-06-02-MGHILA-SHEPHERD2": Classification(
        *_ATTACK, "Islamic State", "Civilians",
        "abducted and killed: coded by its fatal outcome rather than as an abduction",
    ),
    "LY-2017-09-17-SABRATHA": Classification(
        *_BATTLE, "Anti-IS Operations Room", "Dabbashi militia (Al-Amu / 48th Battalion)"
    ),
    "TN-2017-11-01-BARDO-STAB": Classification(
        *_BATTLE, "Zied Gharbi (lone attacker)", "Tunisian police",
        "knife attack on on-duty police, who are not civilians in ACLED's sense",
    ),
}

#: ACLED geo_precision and radius (km) for each wording of the facts'
#: ``coord_precision``. Code 1: the point is the place named; 2: a nearby
#: proxy within about 20 km; 3: a proxy 30 km or more away.
GEO_PRECISION_BY_COORD_PRECISION: Final[dict[str, tuple[int, float]]] = {
    "exact site": (1, 0.5),
    "~100 m (museum adjacent)": (1, 0.5),
    "site (wiki coords)": (1, 1.0),
    "town (minute-level)": (1, 2.0),  # arc-minute rounding: up to about 1.5 km
    "city (exact point not sourced)": (1, 3.0),
    "city": (1, 5.0),
    "town": (1, 5.0),
    "town (~km)": (2, 5.0),
    "city (~10 km)": (2, 10.0),
    "town (~10 km)": (2, 10.0),
    "mountain summit (~10 km)": (2, 10.0),
    "mountain (~10 km)": (2, 10.0),
    "~10 km": (2, 10.0),
    "city (strike site a few km W; not geocoded)": (2, 10.0),
    "area (~15 km)": (2, 15.0),
    "governorate capital (~15 km)": (2, 15.0),
    "~20 km (Tataouine city used)": (2, 20.0),
    "governorate capital (~km to tens of km)": (3, 30.0),
    "town (~20-35 km)": (3, 35.0),
    "governorate capital (~40 km)": (3, 40.0),
    "locality (~tens of km)": (3, 50.0),
}


@dataclass(frozen=True)
class DatePrecision:
    """A coarser date precision than "day", and why."""

    precision: str
    reason: str


DATE_PRECISION_OVERRIDES: Final[dict[str, DatePrecision]] = {
    "TN-2015-08-24-BOUCHEBKA": DatePrecision("week", "the date is the article's; the attack may have been on 23 Aug"),
}

#: Count groups of the schema, with the facts column each is read from and
#: the label used in notes.
COUNT_FIELDS: Final[dict[str, tuple[str, str]]] = {
    "deaths": ("fatalities_total", "total"),
    "deaths_militants": ("fatalities_militants", "militants"),
    "deaths_security": ("fatalities_security", "security"),
    "deaths_civilians": ("fatalities_civilians", "civilians"),
    "wounded": ("wounded", "wounded"),
}


@dataclass(frozen=True)
class CountOverride:
    """A reviewed count (``None``: leave empty) and why it differs from the parser."""

    value: CountRange | None
    reason: str


#: Reviewed counts for the records the parser declines or reads too
#: literally, keyed by (incident id, count group).
COUNT_OVERRIDES: Final[dict[tuple[str, str], CountOverride]] = {
    ("LY-2015-01-27-CORINTHIA", "deaths"): CountOverride(
        CountRange(13, 13, 15), "the 10 victims plus the 3-5 attackers"
    ),
    ("LY-2015-01-27-CORINTHIA", "deaths_militants"): CountOverride(
        CountRange(3, 3, 5), "best 3, the facts' specific figure (about 3 blew themselves up); 3-5 is the spread"
    ),
    ("TN-2015-02-17-BOULAABA", "deaths_militants"): CountOverride(
        None, "the facts give 0 but their notes say militant losses were not reported: unknown, not zero"
    ),
    ("TN-2015-04-07-MGHILA", "wounded"): CountOverride(
        CountRange(6, 9, 12), "reports give 6, 8, 9 or 12: range 6-12, best its midpoint"
    ),
    ("LY-2016-01-07-ZLITEN", "deaths"): CountOverride(
        CountRange(61, 61, 71), "60+ victims plus the bomber; the highest first-report toll (70) bounds it"
    ),
    ("LY-2016-01-07-ZLITEN", "deaths_security"): CountOverride(
        CountRange(60, 60, 70), "60+; the highest first-report toll (70) bounds it"
    ),
    ("LY-2016-02-19-SABRATHA-STRIKE", "deaths"): CountOverride(
        CountRange(43, 43, 49), "Libyan officials' 'at least 43' as best; other reports up to 49 ('nearly 50')"
    ),
    ("LY-2016-02-19-SABRATHA-STRIKE", "deaths_militants"): CountOverride(
        CountRange(41, 41, 47), "total minus the two hostages, as in the facts"
    ),
    ("LY-2016-02-23-SABRATHA-IS", "deaths"): CountOverride(
        CountRange(47, 47, None),
        "whole 23-27 Feb span: 47 local fighters (Libya Herald); militant losses unquantified, so no upper bound",
    ),
    ("LY-2016-02-23-SABRATHA-IS", "deaths_security"): CountOverride(
        CountRange(47, 47, 47),
        "local brigades (counted as security) lost 47 over the span; 17-19 was the first night only",
    ),
    ("TN-2016-03-01-AINJAFFEL", "deaths"): CountOverride(
        CountRange(4, 5, 5), "The New Arab 4, Kapitalis 5 (a fifth killed in follow-up combing)"
    ),
    ("TN-2016-03-01-AINJAFFEL", "deaths_militants"): CountOverride(
        CountRange(4, 5, 5), "The New Arab 4, Kapitalis 5 (a fifth killed in follow-up combing)"
    ),
    ("LY-2016-03-02-SABRATHA-ITALIANS", "deaths"): CountOverride(
        CountRange(9, 9, 9), "both cited counts give 7 militants plus the 2 Italians; '7-9' mixes the two figures"
    ),
    ("TN-2016-03-02-ELAOUIJA", "deaths"): CountOverride(
        CountRange(5, 6, 6), "5 militants plus the civilian the Interior Ministry reported killed"
    ),
    ("TN-2016-03-02-ELAOUIJA", "deaths_civilians"): CountOverride(
        CountRange(0, 1, 1), "Interior Ministry/AP: killed (best); The New Arab's local sources: injured (low 0)"
    ),
    ("TN-2016-03-07-BENGUERDANE", "deaths"): CountOverride(
        CountRange(54, 55, 56),
        "official 7-8 March tally (PM: 55 = 36 attackers + 12 security + 7 civilians); the derived 69 "
        "adds later cumulative counts that include follow-up operations recorded as separate incidents "
        "(TN-2016-03-08-BENNIRI), so it is not used, to avoid double counting",
    ),
    ("TN-2016-03-07-BENGUERDANE", "deaths_militants"): CountOverride(
        CountRange(35, 36, 36),
        "36 killed on 7 March (ministries 35-36); the later 42 and 49 include the Benniri operation and later raids",
    ),
    ("TN-2016-03-07-BENGUERDANE", "deaths_security"): CountOverride(
        CountRange(12, 12, 13), "final toll 12 (PM, 8 Mar) or 13 (Wikipedia); the first-day 10 was superseded"
    ),
    ("TN-2016-03-08-BENNIRI", "deaths"): CountOverride(
        CountRange(5, 6, 6), "AP 5; joint ministries communique 6, the later official figure (36 + 6 = 42 by 9 Mar)"
    ),
    ("TN-2016-03-08-BENNIRI", "deaths_militants"): CountOverride(
        CountRange(5, 6, 6), "AP 5; joint ministries communique 6, the later official figure (36 + 6 = 42 by 9 Mar)"
    ),
    ("TN-2017-03-12-JANOURA", "wounded"): CountOverride(
        CountRange(3, 3, 3), "2 police officers plus 1 militant"
    ),
    ("LY-2017-09-17-SABRATHA", "deaths_civilians"): CountOverride(
        CountRange(2, 2, None), "at least 2 named civilian victims; the toll is under-reported, so no upper bound"
    ),
}

#: First-level divisions (Tunisian governorates, Libyan districts) matched in
#: the place text to fill ``admin1``.
ADMIN1_NAMES: Final[dict[str, tuple[str, ...]]] = {
    "TUN": (
        "Ariana", "Beja", "Ben Arous", "Bizerte", "Gabes", "Gafsa", "Jendouba", "Kairouan", "Kasserine",
        "Kebili", "Kef", "Mahdia", "Manouba", "Medenine", "Monastir", "Nabeul", "Sfax", "Sidi Bouzid",
        "Siliana", "Sousse", "Tataouine", "Tozeur", "Tunis", "Zaghouan",
    ),
    "LBY": (
        "Butnan", "Derna", "Jabal al Akhdar", "Marj", "Benghazi", "Al Wahat", "Kufra", "Sirte", "Murzuq",
        "Sabha", "Wadi al Shatii", "Wadi al Hayaa", "Ghat", "Jufra", "Misrata", "Murqub", "Tripoli",
        "Jafara", "Zawiya", "Nuqat al Khams", "Jabal al Gharbi", "Nalut",
    ),
}

_URL_START: Final[re.Pattern[str]] = re.compile(r"^https?://", re.IGNORECASE)


def _plain(text: str) -> str:
    """Fold accents and case, so "Kébili" matches "Kebili"."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()


def admin1_from_place(place: str, iso3: str) -> str:
    """Return the one governorate or district the place text names, else "".

    Parameters
    ----------
    place : str
        Place as the facts word it.
    iso3 : str
        Country of the record; only its divisions are matched.

    Returns
    -------
    str
        The division's name, or "" when none or several are named (a site on
        a boundary such as "Kasserine/Sidi Bouzid" stays unassigned).
    """
    folded = _plain(place)
    named = [
        name for name in ADMIN1_NAMES.get(iso3, ()) if re.search(rf"\b{re.escape(_plain(name))}\b", folded)
    ]
    return named[0] if len(named) == 1 else ""


def split_sources(text: str) -> tuple[list[str], list[str]]:
    """Split the facts' source list into URLs and remarks on them.

    Parameters
    ----------
    text : str
        Sources separated by " ; ", each a URL optionally followed by a
        remark such as "(NYT text)".

    Returns
    -------
    tuple of (list of str, list of str)
        The URLs, and "host: remark" for each source that had a remark.

    Raises
    ------
    ValueError
        If an item does not start with an http(s) URL.
    """
    urls, remarks = [], []
    for item in (part.strip() for part in text.split(SOURCE_SEPARATOR.strip())):
        if not item:
            continue
        url, _, remark = item.partition(" ")
        if not _URL_START.match(url):
            raise ValueError(f"source {item!r} does not start with an http(s) URL")
        urls.append(url)
        if remark.strip():
            host = re.sub(r"^https?://(www\.)?", "", url, flags=re.IGNORECASE).split("/", 1)[0]
            remarks.append(f"{host}: {remark.strip().strip('()')}")
    return urls, remarks


def _count_cells(group: str, value: CountRange | None) -> dict[str, str]:
    bounds = (None, None, None) if value is None else (value.low, value.best, value.high)
    return {
        f"{group}_{bound}": "" if number is None else str(number)
        for bound, number in zip(("low", "best", "high"), bounds, strict=True)
    }


def resolve_count(incident_id: str, group: str, text: str) -> tuple[CountRange | None, str]:
    """Return the count of one group and the override reason, if any.

    Parameters
    ----------
    incident_id : str
        Id of the record.
    group : str
        A key of :data:`COUNT_FIELDS`.
    text : str
        The facts' text for that count.

    Returns
    -------
    tuple of (CountRange or None, str)
        The count (``None``: empty) and the reason of a reviewed override
        ("" when the parser's reading stands).

    Raises
    ------
    ValueError
        If the text holds figures the parser cannot read and no override
        covers it.
    """
    override = COUNT_OVERRIDES.get((incident_id, group))
    if override is not None:
        return override.value, override.reason
    value = parse_count(text)
    if value is None and re.search(r"\d", text):
        raise ValueError(f"{incident_id}: {group} {text!r} has figures the parser cannot read; add an override")
    return value, ""


def _original_deaths_note(record: Mapping[str, str]) -> str:
    """The facts' four deaths texts in one line, e.g. "total: 10 (+attackers); security: 5"."""
    texts = (COUNT_FIELDS[group] for group in COUNT_FIELDS if group.startswith("deaths"))
    return "; ".join(f"{label}: {record[column].strip()}" for column, label in texts if record[column].strip())


def _iso_date(text: str, incident_id: str) -> str:
    """Return the text if it is a real date written yyyy-mm-dd."""
    try:
        parsed = date.fromisoformat(text)
    except ValueError:
        parsed = None
    # fromisoformat also takes compact forms such as "20150127"; insist on the dashed one.
    if parsed is None or parsed.isoformat() != text:
        raise ValueError(f"{incident_id}: {text!r} is not a date yyyy-mm-dd")
    return text


def normalise_record(record: Mapping[str, str]) -> dict[str, str]:
    """Map one facts record onto the incident schema.

    Parameters
    ----------
    record : Mapping[str, str]
        A row of the facts CSV.

    Returns
    -------
    dict of str to str
        One cell per column of :data:`borderwatch.schema.INCIDENT_COLUMNS`,
        as text ("" for empty).

    Raises
    ------
    KeyError
        If the id, country or coordinate precision is missing from the
        reviewed tables.
    ValueError
        On a bad date, an invalid ACLED pair, a source without a URL or an
        unreadable count.
    """
    incident_id = record["id"].strip()
    classification = CLASSIFICATIONS[incident_id]
    if classification.sub_event_type not in ACLED_EVENT_TYPES.get(classification.event_type, ()):
        pair = f"{classification.event_type!r} / {classification.sub_event_type!r}"
        raise ValueError(f"{incident_id}: invalid ACLED pair {pair}")
    iso3 = record["country"].strip()
    geo_precision, precision_km = GEO_PRECISION_BY_COORD_PRECISION[record["coord_precision"].strip()]
    date_override = DATE_PRECISION_OVERRIDES.get(incident_id)
    urls, source_remarks = split_sources(cite_original_pages(record["sources"]))
    if not urls:
        raise ValueError(f"{incident_id}: no source URL")

    row = {
        "id": incident_id,
        "event_date": _iso_date(record["date"].strip(), incident_id),
        "end_date": _iso_date(record["date_end"].strip(), incident_id) if record["date_end"].strip() else "",
        "date_precision": date_override.precision if date_override else "day",
        "event_type": classification.event_type,
        "sub_event_type": classification.sub_event_type,
        "type_original": record["type"].strip(),
        "actor1": classification.actor1,
        "actor2": classification.actor2,
        "actors": record["actors"].strip(),
        "country": COUNTRY_NAMES[iso3],
        "iso3": iso3,
        "admin1": admin1_from_place(record["place"], iso3),
        "location": record["place"].strip(),
        "latitude": record["lat"].strip(),
        "longitude": record["lon"].strip(),
        "geo_precision": str(geo_precision),
        "precision_km": f"{precision_km:g}",
        "location_basis": record["coord_basis"].strip(),
    }
    reasons = []
    for group, (facts_column, label) in COUNT_FIELDS.items():
        value, reason = resolve_count(incident_id, group, record[facts_column].strip())
        row.update(_count_cells(group, value))
        if reason:
            reasons.append(f"{label}: {reason}")
    row["deaths_note"] = _original_deaths_note(record)
    row["wounded_note"] = record["wounded"].strip()
    row["description"] = record["description"].strip()
    row["sources"] = SOURCE_SEPARATOR.join(urls)

    notes = [record["uncertainty_notes"].strip()]
    if reasons:
        notes.append("Counts as normalised: " + "; ".join(reasons) + ".")
    if date_override:
        notes.append(f"Date precision {date_override.precision}: {date_override.reason}.")
    if source_remarks:
        notes.append("Sources: " + "; ".join(source_remarks) + ".")
    row["notes"] = " ".join(note for note in notes if note)
    row["dataset"] = DATASET
    return {column: row[column] for column in INCIDENT_COLUMNS}


def read_facts(path: Path) -> list[dict[str, str]]:
    """Read the facts CSV as text rows.

    Parameters
    ----------
    path : Path
        UTF-8 CSV in the layout of ``incidents_facts.csv``.

    Returns
    -------
    list of dict
        One dict per record, cells as text.
    """
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _check_tables_cover(records: Sequence[Mapping[str, str]]) -> None:
    """Fail when the facts and the reviewed tables disagree on the ids."""
    ids = [record["id"].strip() for record in records]
    duplicates = sorted({incident_id for incident_id in ids if ids.count(incident_id) > 1})
    if duplicates:
        raise ValueError(f"duplicate ids in the facts: {duplicates}")
    reviewed = set(CLASSIFICATIONS)
    overridden = {key[0] for key in COUNT_OVERRIDES} | set(DATE_PRECISION_OVERRIDES)
    if set(ids) != reviewed or not overridden <= reviewed:
        raise ValueError(
            "facts and reviewed tables disagree: "
            f"unclassified {sorted(set(ids) - reviewed)}, not in facts {sorted(reviewed - set(ids))}, "
            f"overrides of unknown ids {sorted(overridden - reviewed)}"
        )


def build_incidents(facts_path: Path) -> list[dict[str, str]]:
    """Normalise every record of the facts file, in the file's order.

    Parameters
    ----------
    facts_path : Path
        The incident facts CSV.

    Returns
    -------
    list of dict
        Rows of the incident table, as text.
    """
    records = read_facts(facts_path)
    _check_tables_cover(records)
    return [normalise_record(record) for record in records]


def write_incidents(rows: Sequence[Mapping[str, str]], path: Path) -> None:
    """Write rows as a UTF-8 CSV with exactly the schema's columns.

    Parameters
    ----------
    rows : sequence of mapping
        Rows from :func:`build_incidents`.
    path : Path
        Output file; its folder is created if missing.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(INCIDENT_COLUMNS), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--facts", type=Path, default=DEFAULT_FACTS, help="incident facts CSV")
    parser.add_argument("-o", "--output", type=Path, default=config.INCIDENTS_PATH, help="output CSV")
    arguments = parser.parse_args(argv)
    rows = build_incidents(arguments.facts)
    write_incidents(rows, arguments.output)
    print(f"wrote {len(rows)} incidents to {arguments.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
