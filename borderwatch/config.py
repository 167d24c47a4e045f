"""Project-wide settings, each typed and documented.

Values here are read by the core package, the layers and the app; nothing
else in the project hard-codes them.
"""

from __future__ import annotations

import datetime as dt
import os
from importlib import resources
from pathlib import Path
from typing import Final

import platformdirs

#: Folder of the bundled reference data (small, committed, see ``data/README.md``):
#: the installed package ``borderwatch.bundled``, wherever it was installed.
DATA_DIR: Final[Path] = Path(str(resources.files("borderwatch.bundled")))

BORDER_PATH: Final[Path] = DATA_DIR / "border.geojson"
BARRIER_PATH: Final[Path] = DATA_DIR / "barrier.geojson"
COUNTRIES_PATH: Final[Path] = DATA_DIR / "countries.geojson"
#: Natural Earth 1:110m countries of the world: the importers' country check,
#: and the basemap's land beyond the detailed file's box.
WORLD_COUNTRIES_PATH: Final[Path] = DATA_DIR / "world_countries.geojson"
PLACES_PATH: Final[Path] = DATA_DIR / "places.csv"

#: Incident table the dashboard shows: the bundled one unless the environment
#: variable ``BORDERWATCH_INCIDENTS_FILE`` names another file in the same schema.
INCIDENTS_PATH: Final[Path] = Path(
    os.environ.get("BORDERWATCH_INCIDENTS_FILE") or DATA_DIR / "incidents.csv"
)

#: Environment variable naming the folder of files the app writes while it runs (see :func:`cache_dir`).
CACHE_DIR_ENV: Final[str] = "BORDERWATCH_CACHE_DIR"


def cache_dir() -> Path:
    """Return the folder of files the app writes while it runs (the basemap it serves, copies for exports).

    Returns
    -------
    pathlib.Path
        ``$BORDERWATCH_CACHE_DIR`` if set and not empty, else the per-user cache
        directory of the platform (e.g. ``~/.cache/borderwatch`` on Linux), never
        the checkout. Not created here.
    """
    configured = os.environ.get(CACHE_DIR_ENV, "").strip()
    if configured:
        return Path(configured).expanduser()
    return Path(platformdirs.user_cache_dir("borderwatch", appauthor=False))


#: CRS of every bundled file and of everything handed to the map.
GEOGRAPHIC_CRS: Final[str] = "EPSG:4326"

#: Metric CRS for lengths and distances: UTM zone 32N covers 6°E–12°E, the
#: whole border (9.5°E–11.6°E); scale error stays under 0.1 % across it.
METRIC_CRS: Final[str] = "EPSG:32632"

#: How far inside Tunisia the trench and berm run, as reported (Le Monde, Reuters).
BARRIER_OFFSET_M: Final[float] = 2_000.0

#: Dehiba (GeoNames / Wikipedia), the southern end of the barrier.
DEHIBA_LON_LAT: Final[tuple[float, float]] = (10.7000, 32.0167)

#: Place that the map makes stand out: the town the 7 March 2016 raid targeted.
FEATURED_PLACE_ID: Final[str] = "ben-guerdane"

#: Initial map view: centre (lat, lon) and zoom that show, on a 700 px map,
#: the whole border, Tunis, Sousse, Sabratha and Zliten.
MAP_CENTER: Final[tuple[float, float]] = (33.6, 11.4)
MAP_ZOOM: Final[float] = 6.5
MAP_HEIGHT_PX: Final[int] = 700

#: Store sizes ``python -m scripts.bench`` measures by default (issue 5's 10k, 100k and 1M).
BENCH_ROWS: Final[tuple[int, ...]] = (10_000, 100_000, 1_000_000)

# --- Border analytics (issue 6) -------------------------------------------

#: Bundled timeline of the barrier's and the crossings' status by date (see ``data/README.md``).
TIMELINE_PATH: Final[Path] = DATA_DIR / "timeline.csv"

#: Length of the border segments incidents are counted in, along the line from the coast.
SEGMENT_KM: Final[float] = 10.0

#: Incidents at most this far from the border count towards its segments and
#: the corridor's surge signal: the border districts, not the whole country.
#: Ben Guerdane, the border town, lies 26 km from the Natural Earth line (32 km
#: from the real border): 35 km holds it with room for the line's error.
CORRIDOR_KM: Final[float] = 35.0

#: Cross-border sequences: an incident on one side, then within this many days ...
SEQUENCE_DAYS: Final[int] = 21
#: ... one on the other side within this many km of it. The defaults link the
#: 19 Feb 2016 Sabratha strike to the 7 Mar 2016 Ben Guerdane raid (about 125 km apart).
SEQUENCE_RADIUS_KM: Final[float] = 150.0

#: Surge signal: the latest period against the mean of this many before it ...
SURGE_BASELINE_PERIODS: Final[int] = 6
#: ... flagged when at least this many times the baseline ...
SURGE_MIN_RATIO: Final[float] = 2.0
#: ... and this unlikely under a Poisson count with the baseline's mean.
SURGE_MAX_P: Final[float] = 0.05
#: Lowest baseline mean (events per period) the surge signal divides by and
#: tests against: after quiet periods a few events are unusual, not infinitely so.
SURGE_BASELINE_FLOOR: Final[float] = 0.5
#: Fewest events in the current period that can make a surge: one or two
#: after a quiet spell are too few to call.
SURGE_MIN_COUNT: Final[int] = 3

#: Two incidents count as within a sequence's radius up to this many metres
#: beyond it: points placed exactly on the radius survive the round trip
#: through degrees (errors of a micrometre), and a metre is nothing at 150 km.
SEQUENCE_TOLERANCE_M: Final[float] = 1.0
#: Most cross-border sequences returned by default (the earliest ones).
SEQUENCE_MAX_PAIRS: Final[int] = 5_000
#: Most candidate pairs one spatial query of the sequence sweep may return, so
#: memory stays bounded however many incidents share a day.
SEQUENCE_PAIR_BLOCK: Final[int] = 1_000_000

#: Thresholds (km from the border) of the shares the distance statistics report.
STATISTICS_WITHIN_KM: Final[tuple[float, ...]] = (5.0, 10.0, 25.0)

#: ACLED geo_precision of events placed at a district or province centroid:
#: their distances to the border say little, so statistics leave them out unless asked.
CENTROID_GEO_PRECISION: Final[int] = 3

#: Surveillance planner defaults: sensor range, number of sensors, and the
#: spacing of candidate positions along the line for the optimised placement.
SENSOR_RANGE_KM: Final[float] = 10.0
SENSOR_COUNT: Final[int] = 8
PLANNER_CANDIDATE_STEP_KM: Final[float] = 1.0
#: Most sensors in one plan: several times what full coverage of the whole
#: border needs at a realistic range, and it bounds the greedy's cost.
PLANNER_MAX_SENSORS: Final[int] = 500

#: Most candidate positions the greedy placement weighs (e.g. 0.1 km steps
#: along the whole 449.6 km border); more would only cost memory and time.
PLANNER_MAX_CANDIDATES: Final[int] = 5_000

#: Segments per quarter circle of the coverage discs in the GeoJSON export.
#: The 256-gon is inscribed in the circle, so its radius falls short by at
#: most R (1 - cos(pi / 256)), about 0.0075 % of R (0.75 m at 10 km).
PLANNER_COVERAGE_QUAD_SEGS: Final[int] = 64

#: A point at sea is counted on the side of the nearest country within this distance (border measures).
SEA_SNAP_KM: Final[float] = 25.0

#: Most frames :func:`borderwatch.timeline.playback_frames` builds: beyond it a slider is unusable
#: (5,000 weeks are about 96 years).
MAX_PLAYBACK_FRAMES: Final[int] = 5_000

#: The sea-snapping zone is grown from coastlines simplified by this much:
#: the zone moves by at most this, and is quick to build.
COAST_SIMPLIFY_TOLERANCE_M: Final[float] = 500.0

#: Barrier derivation: share of an offset candidate's length that must fall
#: inside the country for that side to count as the country's side.
BARRIER_INSIDE_SHARE: Final[float] = 0.5

#: Consecutive vertices of the offset barrier closer than this (metres) are
#: duplicates left by the offset's joins, not shape.
BARRIER_REPEATED_POINT_TOLERANCE_M: Final[float] = 0.01

# --- Hostile input (issue 11) ----------------------------------------------

#: Longest dataset name accepted (the Import page's text box allows as many).
DATASET_NAME_MAX_CHARS: Final[int] = 60

#: Most characters of a value from a file that a message quotes; the rest is cut to "…".
MESSAGE_QUOTE_CHARS: Final[int] = 80
#: Most characters of a whole message shown for a refused file (CLI stderr, app).
MESSAGE_MAX_CHARS: Final[int] = 2_000

#: Archives (.xlsx workbooks, zipped shapefiles) are refused, before any member
#: is read, when a member unpacks to more than this many bytes ...
ARCHIVE_MAX_MEMBER_BYTES: Final[int] = 2 * 1024**3
#: ... or when all members together do ...
ARCHIVE_MAX_TOTAL_BYTES: Final[int] = 4 * 1024**3
#: ... or when a member larger than ``ARCHIVE_RATIO_FLOOR_BYTES`` unpacks to more
#: than this many times its packed size. Spreadsheet XML packs 5-20 times;
#: ZIP bombs pack 200-1000 times.
ARCHIVE_MAX_RATIO: Final[float] = 100.0
ARCHIVE_RATIO_FLOOR_BYTES: Final[int] = 1024**2
#: A workbook's shared strings are held in memory whole (openpyxl reads them
#: before the first row): refused beyond this many bytes unpacked.
XLSX_MAX_SHARED_STRINGS_BYTES: Final[int] = 256 * 1024**2

#: Longest CSV header line read, in bytes; a longer one is refused as such.
CSV_MAX_HEADER_BYTES: Final[int] = 1024**2

#: A point farther than this outside the country its record names is rejected
#: (coastal and maritime events lie within it; a wrong CRS or sign does not).
MAX_KM_OUTSIDE_COUNTRY: Final[float] = 100.0

#: A point of a GIS file more than this many degrees outside the area of use
#: of the file's CRS is refused (its .prj is probably wrong).
CRS_AREA_MARGIN_DEGREES: Final[float] = 1.0

#: Most characters of one field the details panel renders; the whole record
#: can be downloaded.
DETAILS_MAX_CHARS: Final[int] = 2_000

#: Largest count taken as plausible: beyond it a cell is an error (and would overflow Int64).
MAX_COUNT: Final[int] = 10_000_000

#: Latest source timestamp accepted, Unix seconds (the year 5138): beyond it a cell is an error.
MAX_TIMESTAMP: Final[int] = 10**11

#: Files at least this big are read in a child process (unless the caller says otherwise).
#: Starting the child and passing chunks over cost the caller about 1.5 s, which
#: reading a CSV export of some 150,000 records (50 MB) in the child saves.
IMPORT_BACKGROUND_MIN_BYTES: Final[int] = 48 * 1024 * 1024

#: The same for a workbook, some 25 times slower to parse per record than CSV.
IMPORT_BACKGROUND_MIN_WORKBOOK_BYTES: Final[int] = 8 * 1024 * 1024

#: A GIS file whose coordinates mostly exceed degree ranges by this much is in metres,
#: whatever its label says.
GIS_PROJECTED_MAGNITUDE: Final[float] = 1000.0

#: How many example rows a group of an import report lists.
REPORT_EXAMPLE_ROWS: Final[int] = 5

#: Bytes read to tell an imported file's kind and header.
SNIFF_SAMPLE_BYTES: Final[int] = 64 * 1024

#: A point is called "in the wrong country" only when it lies farther than
#: this outside the polygon of the country its record names: 1:110m
#: polygons cut coasts and borders by several kilometres.
WRONG_COUNTRY_KM: Final[float] = 25.0

#: Tolerance, in degrees, when the country is taken from the point alone (a
#: coastal town can fall just off the coarse polygon): about 25 km.
POINT_TOLERANCE_DEGREES: Final[float] = 0.25

#: How often a background import's child checks that its parent is still there, in seconds.
IMPORT_BACKGROUND_WATCH_SECONDS: Final[float] = 0.5

#: Seconds a background import's child gets to end after being asked to, before it is killed.
IMPORT_BACKGROUND_STOP_SECONDS: Final[float] = 5.0

#: Share of control characters above which an imported file's text is taken for binary data.
SNIFF_MAX_CONTROL_SHARE: Final[float] = 0.05

# --- Any land border (issue 14) -------------------------------------------

#: Every land border of Natural Earth 1:10m (see ``data/README.md``, built by ``scripts/build_borders.py``).
BORDERS_PATH: Final[Path] = DATA_DIR / "borders.geojson"

#: The border shown until a person (or a link, ``border=``) chooses another, and the one every
#: read measures against unless asked otherwise: Tunisia–Libya, keyed as
#: :attr:`borderwatch.borders.Border.key` (codes in alphabetical order).
DEFAULT_BORDER: Final[str] = "LBY-TUN"

#: Incidents measured and stored at once by ``IncidentStore.measure_border`` (one transaction each).
BORDER_MEASURE_CHUNK_ROWS: Final[int] = 100_000

#: Ellipsoid of every geodesic measure (:func:`borderwatch.projection.geod`).
GEODESY_ELLIPSOID: Final[str] = "WGS84"

#: Largest distance along a line from the centre of a projection frame to
#: the stretch it serves (:class:`borderwatch.geodesy.GeodesicLine`): at
#: 500 km the stereographic scale is 0.15 % off, and Canada–US (7,930 km in
#: Natural Earth) needs eight frames.
GEODESY_FRAME_RADIUS_KM: Final[float] = 500.0

#: Environment variable that, set to 1, does what ``--allow-anonymous`` does (e.g. in a service unit).
ALLOW_ANONYMOUS_ENV: Final[str] = "BORDERWATCH_ALLOW_ANONYMOUS"

# -- Probable duplicates in the store -----------------------------------------------
#: Rows of different datasets of one event type at most this far apart (km) ...
DUPLICATE_DISTANCE_KM: Final[float] = 5.0
#: ... and whose event dates are at most this many days apart are flagged as probable duplicates.
DUPLICATE_DAY_WINDOW: Final[int] = 1

# -- Server database (PostGIS) -------------------------------------------------------
#: Environment variable holding a ``postgresql://`` URL: when set (and no other store is
#: named), the app and the CLI use that PostGIS database instead of the embedded store.
DATABASE_URL_ENV: Final[str] = "BORDERWATCH_DATABASE_URL"

#: How many close border codes an error message offers.
BORDER_SUGGESTIONS: Final[int] = 5

#: Similarity (difflib ratio) a code needs to be offered as a close match: one letter of three differs.
BORDER_CODE_CUTOFF: Final[float] = 0.6

#: Similarity a country name needs for a failed search to fall back on it
#: ("south sudan" to "s sudan" is 0.78, "atlantis" to "albania" 0.67).
BORDER_NAME_CUTOFF: Final[float] = 0.75

#: The geodesic search tree indexes runs of this many consecutive segments, with
#: this many children per node: measured two to four times faster than one
#: segment per item with GEOS's default of ten, on borders of 60 to 2,000 segments.
GEODESY_SEGMENTS_PER_PIECE: Final[int] = 8
GEODESY_TREE_NODE_CAPACITY: Final[int] = 4

#: Points are searched this many at a time, so the candidates' arrays stay in the CPU's cache.
GEODESY_CHUNK_POINTS: Final[int] = 16_384

#: Within this distance of a border measured on the world's coarse (1:110m)
#: polygons, the side of the exact 1:10m line decides between its two
#: countries: the coarse outlines stray up to some 20 km from the 1:10m line.
BORDER_SIDE_FROM_LINE_KM: Final[float] = 25.0

# --- Synthetic ACLED exports (borderwatch.synth) ----------------------------

#: Date range of the rows unless asked otherwise.
SYNTH_DEFAULT_START: Final[dt.date] = dt.date(2012, 1, 1)
SYNTH_DEFAULT_END: Final[dt.date] = dt.date(2024, 12, 31)

#: Rows per yielded chunk unless asked otherwise (as the importer reads): about
#: 80 MB of Python objects at the peak, and no slower than larger chunks.
SYNTH_CHUNK_ROWS: Final[int] = 50_000

#: Rows drawn from one random stream. Fixed, so that the output does not
#: depend on the chunk size; small, so that a short file costs little.
SYNTH_BLOCK_ROWS: Final[int] = 10_000

#: Share of rows placed along the Tunisia–Libya border line rather than at a town.
SYNTH_BORDER_SHARE: Final[float] = 0.12

#: Share of town rows per country. Libya and Algeria stop at the bundled
#: basemap's box (18°E, 27°N), which the points are checked against.
SYNTH_COUNTRY_SHARES: Final[dict[str, float]] = {"TUN": 0.52, "LBY": 0.44, "DZA": 0.04}

#: Towns closer than this to the border line weigh :data:`SYNTH_BORDER_TOWN_BOOST` times more.
SYNTH_BORDER_TOWN_KM: Final[float] = 80.0
SYNTH_BORDER_TOWN_BOOST: Final[float] = 2.0

#: Town weight is population to this power: ACLED's counts grow slower than cities.
SYNTH_POPULATION_EXPONENT: Final[float] = 0.6

#: Scatter (standard deviation, km) of a town row's point around the town, by geo_precision.
SYNTH_TOWN_SCATTER_KM: Final[dict[int, float]] = {1: 1.0, 2: 4.0, 3: 8.0}

#: Scatter of a border row's point around its anchor, by geo_precision.
SYNTH_BORDER_SCATTER_KM: Final[dict[int, float]] = {2: 3.0, 3: 6.0}

#: How far inside its country each border anchor is put.
SYNTH_BORDER_ANCHOR_KM: Final[float] = 3.0

#: Points along the border line that anchors are taken from (about one a kilometre).
SYNTH_BORDER_ANCHORS: Final[int] = 450

#: Weight of a point of the border line: ``SYNTH_DESERT_WEIGHT + exp(-town_km / SYNTH_TOWN_KM)``
#: plus, for each crossing of ``data/places.csv``, ``boost * exp(-km / SYNTH_CROSSING_KM)``.
#: Incidents gather near the crossings and the towns of the north, and thin out along the desert stretch.
SYNTH_DESERT_WEIGHT: Final[float] = 0.05
SYNTH_TOWN_KM: Final[float] = 30.0
SYNTH_CROSSING_KM: Final[float] = 20.0

#: ``boost`` by crossing id; Ras Ajdir, on the coast road, is the busiest.
SYNTH_CROSSING_BOOST: Final[dict[str, float]] = {"ras-ajdir": 10.0, "dehiba-wazin": 3.0}
SYNTH_DEFAULT_CROSSING_BOOST: Final[float] = 3.0

#: Towns near every land border and the continent of each country, for ``synth --border``
#: (built by ``scripts/build_border_towns.py`` from GeoNames).
SYNTH_BORDER_TOWNS_PATH: Final[Path] = DATA_DIR / "synth" / "border_towns.csv"
SYNTH_BORDER_COUNTRIES_PATH: Final[Path] = DATA_DIR / "synth" / "border_countries.csv"
#: Synthetic rows for a border other than Tunisia–Libya (``synth --border``):
#: towns of 15,000 people or more (GeoNames) this close to the border are drawn from ...
SYNTH_ANY_BORDER_TOWN_KM: Final[float] = 150.0
#: A barrier encloses an area with the border ("between barrier and border") only where it follows
#: it: the stretch of border between its two ends is at least this share of its own length.
BARRIER_STRIP_MIN_STRETCH_SHARE: Final[float] = 0.25
#: On a border without a gazetteer of its own, the map names the GeoNames towns this close to it.
BORDER_PLACES_KM: Final[float] = 100.0
#: ... and, where a side has fewer, its this many towns nearest the border.
SYNTH_ANY_BORDER_MIN_TOWNS: Final[int] = 3
#: Share of those rows placed along the border line itself (crossings, smuggling, clashes).
SYNTH_ANY_BORDER_SHARE: Final[float] = 0.35

#: Redraws of a point that falls in the sea or across a border before it is
#: put on its anchor: each round leaves a few per cent, so few reach the snap.
SYNTH_MAX_REDRAWS: Final[int] = 6

#: Largest fatality count drawn for one event anywhere
#: (see :attr:`borderwatch.synth.tables.CountrySpec.max_fatalities`).
SYNTH_MAX_FATALITIES: Final[int] = 250

#: Share of rows citing two sources.
SYNTH_TWO_SOURCES: Final[float] = 0.25

#: Shares of time_precision 1 (day), 2 (week), 3 (month).
SYNTH_TIME_PRECISION_SHARES: Final[tuple[float, float, float]] = (0.86, 0.10, 0.04)

#: Shares of geo_precision 1, 2, 3 for town rows and for border rows.
SYNTH_TOWN_GEO_PRECISION_SHARES: Final[tuple[float, float, float]] = (0.68, 0.25, 0.07)
SYNTH_BORDER_GEO_PRECISION_SHARES: Final[tuple[float, float, float]] = (0.0, 0.70, 0.30)

#: Days between an event and its ``timestamp``: geometric with this mean, and
#: a share of records revised later, up to :data:`SYNTH_REVISED_MAX_DAYS`.
SYNTH_TIMESTAMP_MEAN_DAYS: Final[float] = 6.0
SYNTH_REVISED_SHARE: Final[float] = 0.08
SYNTH_REVISED_MAX_DAYS: Final[int] = 900

#: Timestamps stop this many days after the last date of the range.
SYNTH_TIMESTAMP_MARGIN_DAYS: Final[int] = 30

#: Population assumed for a town of ``data/places.csv`` that :data:`borderwatch.synth.tables.TOWNS` lacks.
SYNTH_DEFAULT_POPULATION: Final[int] = 15_000

# --- Serving ----------------------------------------------------------------

#: While the incident store cannot be reached (a database restart), the page
#: checks again this often and comes back by itself once the store answers.
STORE_RETRY_S: Final[float] = 5.0

# -- Audit trail -------------------------------------------------------------------
#: Newest entries of the audit trail the Import data page shows admins (the CLI lists all).
AUDIT_ROWS_SHOWN: Final[int] = 500

# -- Roles granted in the app ---------------------------------------------------------
#: Longest e-mail address a role may be granted to (RFC 5321's limit on a forward path).
EMAIL_MAX_CHARS: Final[int] = 254

# -- Border infrastructure files (issue 14) ---------------------------------------
#: Bundled infrastructure presets, one file per border, named by its key (``LBY-TUN.geojson``).
INFRASTRUCTURE_DIR: Final[Path] = DATA_DIR / "infrastructure"

#: Longest text accepted in each column of an infrastructure file; a longer cell rejects its row.
#: Other columns (provenance kept as read) are held to the notes' limit.
INFRASTRUCTURE_TEXT_MAX_CHARS: Final[dict[str, int]] = {
    "id": 100, "name": 200, "kind": 60, "status": 60, "sources": 4_000, "notes": 4_000,
}

#: A feature with a vertex farther than this from the border it is imported for
#: is reported: crossings and barriers lie on or near the line (the Tunisia–Libya
#: barrier 2 km inside, Ras Ajdir 6.8 km off the generalised line), while a file
#: of another border, or swapped coordinates, lies hundreds of km away.
INFRASTRUCTURE_MAX_BORDER_KM: Final[float] = 50.0

#: Features read per batch from an infrastructure file.
INFRASTRUCTURE_BATCH_ROWS: Final[int] = 10_000

