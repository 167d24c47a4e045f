"""Plain-text descriptions of one incident record, for the details panel."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlsplit

import pandas as pd

from borderwatch.escape import as_text, safe_url
from borderwatch.schema import GEO_PRECISION_LABELS, SOURCE_SEPARATOR

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
        ``"24"``, ``"4 (3–5)"``, ``"3–5"`` when only bounds are known, or
        ``"not reported"``.
    """
    low_n, best_n, high_n = _count(low), _count(best), _count(high)
    has_range = low_n is not None and high_n is not None and low_n != high_n
    if best_n is None:
        return f"{low_n}–{high_n}" if has_range else "not reported"
    return f"{best_n} ({low_n}–{high_n})" if has_range else str(best_n)


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
    """Coordinates with their precision, e.g. ``33.1389° N, 11.2167° E — exact place (±0.5 km)``."""
    latitude, longitude = float(incident["latitude"]), float(incident["longitude"])
    north_south = "N" if latitude >= 0 else "S"
    east_west = "E" if longitude >= 0 else "W"
    precision = GEO_PRECISION_LABELS.get(int(incident["geo_precision"]), "unknown precision")
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
    links = []
    for entry in as_text(sources).split(SOURCE_SEPARATOR.strip()):
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
