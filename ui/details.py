"""The details panel of one incident."""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Mapping

import streamlit as st

from borderwatch import config
from borderwatch.describe import casualty_table, date_text, location_text, source_links
from borderwatch.escape import as_text, escape_markdown
from ui.border import current_border
from ui.sidebar import is_default_border

#: Most source links listed; the rest are in the downloadable record.
MAX_SOURCE_LINKS = 30


class _Cut:
    """Remembers whether any field was cut, so the panel offers the whole record."""

    def __init__(self) -> None:
        self.any = False

    def __call__(self, value: object) -> str:
        """The text of ``value``, cut to ``config.DETAILS_MAX_CHARS``: a megabyte of
        text would take the page a minute to render, and no one reads it in a panel."""
        text = as_text(value).strip()
        if len(text) <= config.DETAILS_MAX_CHARS:
            return text
        self.any = True
        left = len(text) - config.DETAILS_MAX_CHARS
        return f"{text[:config.DETAILS_MAX_CHARS]} … ({left:,} more characters: download the full record below)"


def distinct_labels(links: list[tuple[str, str | None]]) -> list[tuple[str, str | None]]:
    """Number the labels that two or more links share: "reuters.com/article (1)", "(2)", ...

    Parameters
    ----------
    links : list of tuple
        ``(label, url)`` pairs as :func:`borderwatch.describe.source_links` gives them.

    Returns
    -------
    list of tuple
        The same pairs, no two with the same label.
    """
    totals = Counter(label for label, _ in links)
    seen: Counter[str] = Counter()
    distinct = []
    for label, url in links:
        if totals[label] > 1:
            seen[label] += 1
            label = f"{label} ({seen[label]})"
        distinct.append((label, url))
    return distinct


def _record_json(incident: Mapping[str, object]) -> bytes:
    return json.dumps({key: as_text(value) for key, value in incident.items() if key != "geometry"},
                      ensure_ascii=False, indent=1).encode("utf-8")


def render_details(incident: Mapping[str, object]) -> None:
    """Show the full record of ``incident``; every data string is escaped.

    Each field is shown up to ``config.DETAILS_MAX_CHARS`` characters; when
    one is longer, the whole record can be downloaded as JSON.

    Parameters
    ----------
    incident : mapping
        One incident with the schema's columns plus the measures against the
        border (:data:`borderwatch.borderzone.MEASURE_COLUMNS`).
    """
    cut = _Cut()

    def line(label: str, value: object) -> None:
        text = cut(value)
        if text:
            st.markdown(f"**{label}:** {escape_markdown(text)}")

    st.subheader(escape_markdown(cut(incident["location"])), anchor=False)
    st.caption(
        f"{escape_markdown(date_text(incident))} · {escape_markdown(cut(incident['country']))} · "
        f"id {escape_markdown(cut(incident['id']))}"
    )
    line("Type", f"{incident['event_type']} — {incident['sub_event_type']}")
    line("In the sources' words", incident["type_original"])
    line("Description", incident["description"])
    line("Actors", incident["actors"])
    st.markdown("**Deaths and wounded**")
    st.dataframe(casualty_table(incident), hide_index=True, width="stretch")
    line("Deaths as reported", incident["deaths_note"])
    line("Wounded as reported", incident["wounded_note"])
    line("Location", location_text(incident))
    line("Coordinates from", incident["location_basis"])
    name = "Tunisia–Libya" if is_default_border() else current_border().name
    barrier = incident.get("distance_barrier_km")
    barrier_km = math.nan if barrier is None else float(barrier)  # no barrier on this border
    st.markdown(
        f"**Distance:** {float(incident['distance_border_km']):,.1f} km to the {escape_markdown(name)} border"
        + ("" if math.isnan(barrier_km) else f"; {barrier_km:,.1f} km to the barrier (approximate line)")
        + (" — between the barrier and the border" if incident.get("between_barrier_and_border") else "")
    )
    side = incident.get("border_side") or "no country (at sea)"
    start = "the coast" if is_default_border() else "its first point"
    st.markdown(f"**Side:** {escape_markdown(side)}, {float(incident['border_position_km']):,.0f} km along "
                f"the border from {start} (at its nearest point)")
    line("Uncertainty", incident["notes"])
    st.markdown("**Sources**")
    links = source_links(incident["sources"])
    if len(links) > MAX_SOURCE_LINKS:
        cut.any = True
    for label, url in distinct_labels(links[:MAX_SOURCE_LINKS]):
        label = escape_markdown(cut(label))
        if url is None:
            st.markdown(f"- {label}")
        elif len(url) > config.DETAILS_MAX_CHARS:
            cut.any = True
            st.markdown(f"- {label} (the address is too long to link: see the full record)")
        else:
            st.markdown(f"- [{label}]({url})")
    if len(links) > MAX_SOURCE_LINKS:
        st.caption(f"… and {len(links) - MAX_SOURCE_LINKS:,} more sources: see the full record.")
    if cut.any:
        st.download_button(
            "Download the full record (JSON)", _record_json(incident),
            file_name="incident-" + "".join(
                char if char.isascii() and (char.isalnum() or char in "-_.@") else "_"
                for char in as_text(incident["id"])[:60]
            ) + ".json",
            mime="application/json",
        )
