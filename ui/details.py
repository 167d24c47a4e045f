"""The details panel of one incident."""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from borderwatch.describe import casualty_table, date_text, location_text, source_links
from borderwatch.escape import as_text, escape_markdown


def _line(label: str, value: object) -> None:
    text = as_text(value).strip()
    if text:
        st.markdown(f"**{label}:** {escape_markdown(text)}")


def render_details(incident: Mapping[str, object]) -> None:
    """Show the full record of ``incident``; every data string is escaped.

    Parameters
    ----------
    incident : mapping
        One incident with the schema's columns plus the measures against the
        border (:data:`borderwatch.borderzone.MEASURE_COLUMNS`).
    """
    st.subheader(escape_markdown(incident["location"]), anchor=False)
    st.caption(
        f"{escape_markdown(date_text(incident))} · {escape_markdown(incident['country'])} · "
        f"id {escape_markdown(incident['id'])}"
    )
    _line("Type", f"{incident['event_type']} — {incident['sub_event_type']}")
    _line("In the sources' words", incident["type_original"])
    _line("Description", incident["description"])
    _line("Actors", incident["actors"])
    st.markdown("**Deaths and wounded**")
    st.dataframe(casualty_table(incident), hide_index=True, width="stretch")
    _line("Deaths as reported", incident["deaths_note"])
    _line("Wounded as reported", incident["wounded_note"])
    _line("Location", location_text(incident))
    _line("Coordinates from", incident["location_basis"])
    st.markdown(
        f"**Distance:** {float(incident['distance_border_km']):.1f} km to the Tunisia–Libya border; "
        f"{float(incident['distance_barrier_km']):.1f} km to the barrier (approximate line)"
        + (" — between the barrier and the border" if incident.get("between_barrier_and_border") else "")
    )
    side = incident.get("border_side") or "no country (at sea)"
    st.markdown(f"**Side:** {escape_markdown(side)}, {float(incident['border_position_km']):.0f} km along "
                "the border from the coast (at its nearest point)")
    _line("Uncertainty", incident["notes"])
    st.markdown("**Sources**")
    for label, url in source_links(incident["sources"]):
        if url is None:
            st.markdown(f"- {escape_markdown(label)}")
        else:
            st.markdown(f"- [{escape_markdown(label)}]({url})")
