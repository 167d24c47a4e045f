"""Project-wide settings, each typed and documented.

Values here are read by the core package, the layers and the app; nothing
else in the project hard-codes them.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Final

import platformdirs

#: Root of the repository (the folder that holds ``app.py``).
REPO_ROOT: Final[Path] = Path(__file__).resolve().parent.parent

#: Folder of the bundled reference data (small, committed, see ``data/README.md``).
DATA_DIR: Final[Path] = REPO_ROOT / "data"

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

#: BorderWatch's own browser code and styles (served with Leaflet, see ``layers.assets``).
WEB_ASSETS_DIR: Final[Path] = REPO_ROOT / "layers" / "web"

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

#: Store sizes ``python -m borderwatch bench`` measures by default (issue 5's 10k, 100k and 1M).
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

#: ACLED geo_precision of events placed at a district or province centroid:
#: their distances to the border say little, so statistics leave them out unless asked.
CENTROID_GEO_PRECISION: Final[int] = 3

#: Surveillance planner defaults: sensor range, number of sensors, and the
#: spacing of candidate positions along the line for the optimised placement.
SENSOR_RANGE_KM: Final[float] = 10.0
SENSOR_COUNT: Final[int] = 8
PLANNER_CANDIDATE_STEP_KM: Final[float] = 1.0

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

# --- Any land border (issue 14) -------------------------------------------

#: Every land border of Natural Earth 1:10m (see ``data/README.md``, built by ``scripts/build_borders.py``).
BORDERS_PATH: Final[Path] = DATA_DIR / "borders.geojson"

#: Ellipsoid of every geodesic measure (:mod:`borderwatch.geodesy`).
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

# -- Audit trail -------------------------------------------------------------------
#: Newest entries of the audit trail the Import data page shows admins (the CLI lists all).
AUDIT_ROWS_SHOWN: Final[int] = 500
