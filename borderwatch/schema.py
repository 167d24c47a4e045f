"""The one incident schema every source is normalised into.

Documented for users in ``docs/schema.md``. Event types follow ACLED's
taxonomy, so ACLED's own types carry over unchanged and other sources
(GTD, UCDP, the bundled facts) are mapped onto it.
"""

from __future__ import annotations

from typing import Final

#: ACLED event types and their sub-event types (ACLED Codebook, 2023 and later).
ACLED_EVENT_TYPES: Final[dict[str, tuple[str, ...]]] = {
    "Battles": (
        "Armed clash",
        "Government regains territory",
        "Non-state actor overtakes territory",
    ),
    "Explosions/Remote violence": (
        "Chemical weapon",
        "Air/drone strike",
        "Suicide bomb",
        "Shelling/artillery/missile attack",
        "Remote explosive/landmine/IED",
        "Grenade",
    ),
    "Violence against civilians": (
        "Sexual violence",
        "Attack",
        "Abduction/forced disappearance",
    ),
    "Protests": (
        "Peaceful protest",
        "Protest with intervention",
        "Excessive force against protesters",
    ),
    "Riots": ("Violent demonstration", "Mob violence"),
    "Strategic developments": (
        "Agreement",
        "Arrests",
        "Change to group/activity",
        "Disrupted weapons use",
        "Headquarters or base established",
        "Looting/property destruction",
        "Non-violent transfer of territory",
        "Other",
    ),
}

#: How well a date is known.
DATE_PRECISIONS: Final[tuple[str, ...]] = ("day", "week", "month", "year")

#: ACLED's geo_precision codes: 1 the exact place named, 2 near it or part of
#: a region, 3 only a larger region (a centroid).
GEO_PRECISION_LABELS: Final[dict[int, str]] = {
    1: "at the place named",
    2: "near the place named, not at it",
    3: "regional centroid",
}

#: Columns of a normalised incident table, in order. ``*_low / _best / _high``
#: hold counts (nullable integers): low and high bound what sources report,
#: best is the figure shown; all three are empty where sources give nothing.
INCIDENT_COLUMNS: Final[tuple[str, ...]] = (
    "id",  # unique, stable: e.g. "TN-2016-03-07-BENGUERDANE" or a source's own id
    "event_date",  # first day, ISO yyyy-mm-dd
    "end_date",  # last day where the event spans several, else empty
    "date_precision",  # one of DATE_PRECISIONS
    "event_type",  # ACLED event_type
    "sub_event_type",  # ACLED sub_event_type of that event_type
    "type_original",  # the source's own words for the type
    "actor1",  # main perpetrator / initiator
    "actor2",  # target or opponent, may be empty
    "actors",  # actors as the source words them (with claims and attributions)
    "country",  # English short name, e.g. "Tunisia"
    "iso3",  # ISO 3166-1 alpha-3, e.g. "TUN"
    "admin1",  # governorate / district where known
    "location",  # place name as the source gives it
    "latitude",  # WGS84 degrees
    "longitude",  # WGS84 degrees
    "geo_precision",  # ACLED code, see GEO_PRECISION_LABELS
    "precision_km",  # radius within which the true site lies (approximate)
    "location_basis",  # gazetteer point the coordinates come from
    "deaths_low",
    "deaths_best",
    "deaths_high",
    "deaths_militants_low",
    "deaths_militants_best",
    "deaths_militants_high",
    "deaths_security_low",
    "deaths_security_best",
    "deaths_security_high",
    "deaths_civilians_low",
    "deaths_civilians_best",
    "deaths_civilians_high",
    "wounded_low",
    "wounded_best",
    "wounded_high",
    "deaths_note",  # deaths as the source words them, ranges and disagreements kept
    "wounded_note",  # wounded as the source words them
    "description",
    "sources",  # URLs, separated by " ; "
    "notes",  # uncertainty notes
    "dataset",  # where the row came from, e.g. "bundled"
)

COUNT_COLUMNS: Final[tuple[str, ...]] = tuple(
    column
    for column in INCIDENT_COLUMNS
    if column.endswith(("_low", "_best", "_high"))
)

#: Columns that may never be empty.
REQUIRED_COLUMNS: Final[tuple[str, ...]] = (
    "id",
    "event_date",
    "date_precision",
    "event_type",
    "sub_event_type",
    "country",
    "iso3",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "sources",
    "dataset",
)

SOURCE_SEPARATOR: Final[str] = " ; "
