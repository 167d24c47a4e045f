"""Build ``data/incidents.csv`` from the project's incident facts.

Run by hand, from the repository root::

    python -m scripts.build_incidents [--facts PATH] [-o data/incidents.csv]

The facts file (``shared/reference/incidents_facts.csv`` beside the
repository) words types and counts as its sources do. This script maps each
record onto :data:`borderwatch.schema.INCIDENT_COLUMNS`:

* the ACLED type pair and the actors come from :data:`CLASSIFICATIONS`, a
  reviewed table keyed by incident id (``data/curation/classifications.csv``,
  with the reason of each non-obvious choice);
* counts are read by :func:`borderwatch.counts.parse_count`; the irregular
  ones come from :data:`COUNT_OVERRIDES` (``data/curation/count_overrides.csv``),
  each with a one-line reason that is also written to the record's ``notes``;
* ``geo_precision`` and ``precision_km`` come from the facts' coordinate
  precision through :data:`GEO_PRECISION_BY_COORD_PRECISION`
  (``data/curation/geo_precision.csv``).

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
from scripts.paths import CURATION_DIR, SHARED_REFERENCE_DIR
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


@dataclass(frozen=True)
class DatePrecision:
    """A coarser date precision than "day", and why."""

    precision: str
    reason: str


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


def _curation(name: str) -> list[dict[str, str]]:
    """The rows of ``data/curation/<name>.csv`` as text."""
    with (CURATION_DIR / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _count_range(row: Mapping[str, str]) -> CountRange | None:
    """A reviewed count; all three bounds empty is "leave empty", an empty high is open-ended."""
    if not (row["low"] or row["best"] or row["high"]):
        return None
    return CountRange(int(row["low"]), int(row["best"]), int(row["high"]) if row["high"] else None)


def _admin1_names() -> dict[str, tuple[str, ...]]:
    names: dict[str, list[str]] = {}
    for row in _curation("admin1_names"):
        names.setdefault(row["iso3"], []).append(row["admin1"])
    return {iso3: tuple(members) for iso3, members in names.items()}


#: Reviewed type and actors of every incident (``data/curation/classifications.csv``).
#: Attacks on soldiers, police or guards are battles (ACLED's civilians are
#: unarmed non-combatants); one-sided violence against unarmed people is
#: violence against civilians.
CLASSIFICATIONS: Final[dict[str, Classification]] = {
    row["id"]: Classification(row["event_type"], row["sub_event_type"], row["actor1"], row["actor2"], row["reason"])
    for row in _curation("classifications")
}

#: ACLED geo_precision and radius (km) for each wording of the facts'
#: ``coord_precision`` (``data/curation/geo_precision.csv``). Code 1: the point
#: is the place named; 2: a nearby proxy within about 20 km; 3: a proxy 30 km or more away.
GEO_PRECISION_BY_COORD_PRECISION: Final[dict[str, tuple[int, float]]] = {
    row["coord_precision"]: (int(row["geo_precision"]), float(row["precision_km"]))
    for row in _curation("geo_precision")
}

#: Dates less precise than a day (``data/curation/date_precision_overrides.csv``).
DATE_PRECISION_OVERRIDES: Final[dict[str, DatePrecision]] = {
    row["id"]: DatePrecision(row["date_precision"], row["reason"]) for row in _curation("date_precision_overrides")
}

#: Reviewed counts for the records the parser declines or reads too
#: literally, keyed by (incident id, count group) (``data/curation/count_overrides.csv``).
COUNT_OVERRIDES: Final[dict[tuple[str, str], CountOverride]] = {
    (row["id"], row["count_group"]): CountOverride(_count_range(row), row["reason"])
    for row in _curation("count_overrides")
}

#: First-level divisions (Tunisian governorates, Libyan districts) matched in
#: the place text to fill ``admin1`` (``data/curation/admin1_names.csv``).
ADMIN1_NAMES: Final[dict[str, tuple[str, ...]]] = _admin1_names()

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
