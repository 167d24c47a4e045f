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

# --- Border infrastructure (issue 14) -----------------------------------------
# Documented for users in ``data/README.md`` ("Infrastructure files").

#: Kinds of infrastructure, drawn as lines (barriers) or as points.
INFRASTRUCTURE_LINE_KINDS: Final[tuple[str, ...]] = ("fence", "wall", "trench", "berm")
INFRASTRUCTURE_POINT_KINDS: Final[tuple[str, ...]] = ("crossing", "post", "sensor")
#: ``other`` may be a line or a point.
INFRASTRUCTURE_KINDS: Final[tuple[str, ...]] = (*INFRASTRUCTURE_LINE_KINDS, *INFRASTRUCTURE_POINT_KINDS, "other")

#: Words files use for each kind, read case-insensitively with ``_``, ``-`` and
#: runs of spaces taken as one space. A bare "checkpoint" is a post, not a
#: crossing: a checkpoint on a road near the border lets no one across it, and
#: a crossing is drawn open or closed. "border post" is a crossing, as in
#: southern Africa, where it names the crossing itself (e.g. Beitbridge).
INFRASTRUCTURE_KIND_SYNONYMS: Final[dict[str, str]] = {
    **{kind: kind for kind in INFRASTRUCTURE_KINDS},
    "fences": "fence", "fencing": "fence", "border fence": "fence", "barrier fence": "fence",
    "wire fence": "fence", "razor wire": "fence", "barbed wire": "fence",
    "walls": "wall", "border wall": "wall", "separation wall": "wall", "barrier wall": "wall",
    "trenches": "trench", "ditch": "trench", "moat": "trench", "anti-tank ditch": "trench",
    "berms": "berm", "sand berm": "berm", "earth berm": "berm", "sand wall": "berm", "embankment": "berm",
    "earthwork": "berm",
    "crossings": "crossing", "border crossing": "crossing", "crossing point": "crossing",
    "border crossing point": "crossing", "port of entry": "crossing", "border post": "crossing",
    "border control": "crossing", "border checkpoint": "crossing",
    "posts": "post", "checkpoint": "post", "guard post": "post", "outpost": "post", "observation post": "post",
    "military post": "post", "watchtower": "post", "watch tower": "post", "fort": "post",
    "sensors": "sensor", "camera": "sensor", "cctv": "sensor", "radar": "sensor", "ground sensor": "sensor",
    "surveillance camera": "sensor", "detector": "sensor",
}

#: Statuses a period of each kind may give (``status`` column); ``other`` takes any of them.
_BARRIER_STATUSES: Final[tuple[str, ...]] = ("planned", "under construction", "complete")
_POINT_STATUSES: Final[dict[str, tuple[str, ...]]] = {
    "crossing": ("open", "closed"), "post": ("active", "inactive"), "sensor": ("active", "inactive"),
}
INFRASTRUCTURE_STATUSES: Final[dict[str, tuple[str, ...]]] = {
    **{kind: _BARRIER_STATUSES for kind in INFRASTRUCTURE_LINE_KINDS},
    **_POINT_STATUSES,
    "other": (*_BARRIER_STATUSES, "open", "closed", "active", "inactive"),
}

#: Columns of an infrastructure file, each with the names it is also found under
#: (case-insensitive). KML's own ``Name`` and ``Description`` are name and notes; a shapefile
#: cuts names to 10 characters (``status_fro``).
INFRASTRUCTURE_FIELDS: Final[dict[str, tuple[str, ...]]] = {
    "id": ("feature_id", "id"),
    "name": ("name",),
    "kind": ("kind", "type", "category"),
    "built_from": ("built_from", "construction_start", "built_start"),
    "built_to": ("built_to", "construction_end", "completed", "built_end"),
    "status": ("status",),
    "status_from": ("status_from", "status_start", "status_fro"),
    "status_to": ("status_to", "status_end"),
    "sources": ("sources", "source"),
    "notes": ("notes", "note", "description"),
}
