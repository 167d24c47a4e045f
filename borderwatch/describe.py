"""Plain-text descriptions of one incident record, for the details panel."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlsplit

import pandas as pd

from borderwatch.escape import as_text, safe_url
from borderwatch.schema import GEO_PRECISION_LABELS, SOURCE_SEPARATOR

_DATE_PRECISION_NOTES = {"week": "known to the week", "month": "known to the month", "year": "known to the year"}

_SIDES = (("Total", "deaths"), ("Militants", "deaths_militants"),
          ("Security forces", "deaths_security"), ("Civilians", "deaths_civilians"))


def _count(value: object) -> int | None:
    text = as_text(value)
    return int(float(text)) if text else None


def format_range(low: object, best: object, high: object) -> str:
    """Format a low/best/high count for people.

    Parameters
    ----------
    low, best, high : int or None
        Counts; None (or NA) where unknown.

    Returns
    -------
    str
        ``"24"``, ``"4 (3–5)"``, ``"47+"`` when sources give no upper bound,
        ``"3–5"`` or ``"3+"`` when only bounds are known, or ``"not reported"``.
    """
    low_n, best_n, high_n = _count(low), _count(best), _count(high)
    if best_n is None and low_n is None:
        return "not reported"
    if low_n is None and high_n is None:
        return str(best_n)
    if high_n is None:
        # Sources give only a lower bound ("60+"): never show it as exact.
        return f"{best_n if best_n is not None else low_n}+"
    if best_n is None:
        return f"{low_n}–{high_n}" if low_n != high_n else str(low_n)
    if low_n is not None and low_n != high_n:
        return f"{best_n} ({low_n}–{high_n})"
    return str(best_n)


def date_text(incident: Mapping[str, object]) -> str:
    """The incident's date or span, with its precision when coarser than a day.

    Returns
    -------
    str
        E.g. ``"7 March 2016 – 9 March 2016"`` or ``"24 August 2015 (known to the week)"``.
    """
    text = f"{incident['event_date']:%d %B %Y}".lstrip("0")
    end = incident.get("end_date")
    if as_text(end):
        text += f" – {end:%d %B %Y}".replace(" – 0", " – ")
    note = _DATE_PRECISION_NOTES.get(as_text(incident.get("date_precision")))
    return f"{text} ({note})" if note else text


def casualty_table(incident: Mapping[str, object]) -> pd.DataFrame:
    """Deaths by side and wounded, each as a formatted range.

    Parameters
    ----------
    incident : mapping
        One incident record.

    Returns
    -------
    pandas.DataFrame
        Columns ``Who`` and ``Count``: total, militants, security forces,
        civilians and wounded.
    """
    rows = [
        (label, format_range(incident[f"{prefix}_low"], incident[f"{prefix}_best"], incident[f"{prefix}_high"]))
        for label, prefix in _SIDES
    ]
    rows.append(("Wounded", format_range(incident["wounded_low"], incident["wounded_best"], incident["wounded_high"])))
    return pd.DataFrame(rows, columns=["Who", "Count"])


def location_text(incident: Mapping[str, object]) -> str:
    """Coordinates with their precision, e.g. ``33.1389° N, 11.2167° E — at the place named (±0.5 km)``."""
    latitude, longitude = float(as_text(incident["latitude"])), float(as_text(incident["longitude"]))
    north_south = "N" if latitude >= 0 else "S"
    east_west = "E" if longitude >= 0 else "W"
    precision = GEO_PRECISION_LABELS.get(int(float(as_text(incident["geo_precision"]))), "unknown precision")
    radius = as_text(incident.get("precision_km"))
    radius_text = f" (±{float(radius):g} km)" if radius else ""
    return (
        f"{abs(latitude):.4f}° {north_south}, {abs(longitude):.4f}° {east_west} — "
        f"{precision}{radius_text}"
    )


def source_links(sources: object) -> list[tuple[str, str | None]]:
    """Split a sources cell into ``(label, url)`` pairs.

    Parameters
    ----------
    sources : str
        URLs (or names) separated by ``" ; "``.

    Returns
    -------
    list of tuple
        Label (the host and path, shortened) and a safe URL, or None for the
        URL when the entry is not an http(s) link.
    """
    links: list[tuple[str, str | None]] = []
    for entry in as_text(sources).split(SOURCE_SEPARATOR):
        entry = entry.strip()
        if not entry:
            continue
        url = safe_url(entry)
        if url is None:
            links.append((entry, None))
            continue
        parts = urlsplit(entry)
        label = (parts.netloc + parts.path).rstrip("/")
        links.append((label if len(label) <= 70 else label[:67] + "…", url))
    return links
