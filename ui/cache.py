"""The app's cached loaders: paths and primitives in, GeoDataFrames out.

The one module that holds ``st.cache_data`` / ``st.cache_resource``
wrappers. Query results are cached under the store's revision, so every
session sees an import as soon as it lands. The revision is read from the
store on every call, not cached: one row by its key (about 0.2 ms on PostGIS
over loopback), so an import by another app process or the command line
shows on this process's next run. Folium objects are never cached:
st_folium adds to the map it is given, so maps are rebuilt on every run.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path

import geopandas as gpd
import pandas as pd
import streamlit as st

from borderwatch import borders, bordertowns, config, corridor, geodesy, reference
from borderwatch.borderinfrastructure import border_infrastructure as infrastructure_of
from borderwatch.bordermeasures import measure_signature, prepared_border
from borderwatch.errors import StoreUnavailableError
from borderwatch.filters import IncidentFilter, IncidentQuery, Summary
from borderwatch.importers.infrastructure import load_preset
from borderwatch.infrastructure import InfrastructureFeature, barrier_lines
from borderwatch.mapview import MAX_ZOOM, POINT_LIMIT, MapData, MapView, fetch_area, left_out_in_view, map_data
from borderwatch.roles import Role
from borderwatch.store import DATABASE_FILE, IncidentStore, data_dir, open_store
from borderwatch.store.factory import configured_database_url
from layers.assets import asset_urls, install_vendor_assets, publish_json
from layers.countries import basemap_features, land_with_surroundings
from ui.assetroutes import assets_url


class _CachesMadeBeforeTheRuntime(logging.Filter):
    """Leave out Streamlit's warning for each loader below when this module is imported before the runtime
    exists (``app.py`` builds the server with it): those caches are kept in memory, as the runtime's are."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("No runtime found, using MemoryCacheStorageManager")


logging.getLogger("streamlit.runtime.caching.cache_data_api").addFilter(_CachesMadeBeforeTheRuntime())


@st.cache_data(show_spinner=False)
def border(path: str = str(config.BORDER_PATH)) -> gpd.GeoDataFrame:
    """The border line (see :func:`borderwatch.reference.load_border`)."""
    return reference.load_border(Path(path))


@st.cache_resource(show_spinner=False)
def border_of(key: str) -> borders.Border:
    """One land border by its key (see :func:`borderwatch.borders.find_border`)."""
    return borders.find_border(key)


@st.cache_data(show_spinner=False)
def border_labels() -> dict[str, str]:
    """Every land border's key -> "Libya – Tunisia (LBY-TUN) · 459 km", as the picker lists them."""
    table = borders.border_table()
    return {
        row.border: f"{row.name_a} – {row.name_b} ({row.border}) · {row.length_km:,.0f} km"
        for row in table.itertuples()
    }


@st.cache_data(show_spinner=False)
def border_line(key: str) -> gpd.GeoDataFrame:
    """The line of a border with its ``length_km`` and ``source``: the bundled case's own
    file for Tunisia–Libya, else the line in the borders file."""
    if key == config.DEFAULT_BORDER:
        return border()
    chosen = border_of(key)
    return gpd.GeoDataFrame(
        {"name": [f"{chosen.name} border"], "length_km": [chosen.length_km], "source": [chosen.source],
         "licence": [chosen.licence]},
        geometry=[chosen.geometry], crs=config.GEOGRAPHIC_CRS,
    )


@st.cache_data(show_spinner=False)
def border_countries(key: str) -> gpd.GeoDataFrame:
    """The two countries of a border (1:110m outlines, with ``iso3`` and ``name``), to highlight them."""
    chosen = border_of(key)
    world = reference.load_world_countries(config.WORLD_COUNTRIES_PATH)
    return world[world["iso3"].isin([chosen.code_a, chosen.code_b])].reset_index(drop=True)


@st.cache_data(show_spinner=False, max_entries=16)
def _border_infrastructure(path: str, revision: str, key: str) -> tuple[InfrastructureFeature, ...]:
    return tuple(infrastructure_of(_store(path), key))


def border_infrastructure(key: str) -> tuple[InfrastructureFeature, ...]:
    """A border's fences, walls, trenches, berms, crossings, posts and sensors: its bundled preset, if any,
    with the layers imported for it (a stored feature replaces the preset's of the same id).

    Cached under the store's revision, which every import or removal of a layer counts up.
    """
    try:
        return _border_infrastructure(*_current(), key)
    except StoreUnavailableError:
        # The page says the store is unavailable; meanwhile the map still draws the bundled features.
        return load_preset(key)


@st.cache_data(show_spinner=False)
def countries(path: str = str(config.COUNTRIES_PATH)) -> gpd.GeoDataFrame:
    """Country polygons for the offline basemap."""
    return reference.load_countries(Path(path))


@st.cache_data(show_spinner=False)
def basemap_land(
    path: str = str(config.COUNTRIES_PATH), world_path: str = str(config.WORLD_COUNTRIES_PATH)
) -> gpd.GeoDataFrame:
    """Detailed countries plus coarse land around them (see :func:`land_with_surroundings`)."""
    return land_with_surroundings(countries(path), reference.load_world_countries(Path(world_path)))


@st.cache_data(show_spinner=False)
def places(path: str = str(config.PLACES_PATH)) -> gpd.GeoDataFrame:
    """Towns, crossings and landmarks."""
    return reference.load_places(Path(path))


@st.cache_data(show_spinner=False, max_entries=8)
def border_places(key: str) -> gpd.GeoDataFrame:
    """The places the map names along a border: Tunisia–Libya's gazetteer, else the GeoNames towns near it."""
    return places() if key == config.DEFAULT_BORDER else bordertowns.border_places(key)


def featured_place(key: str) -> str | None:
    """The place named first and always on a border's map: Ben Guerdane on Tunisia–Libya, none elsewhere."""
    return config.FEATURED_PLACE_ID if key == config.DEFAULT_BORDER else None


def place_credits(key: str) -> tuple[str, ...]:
    """What an exported map that names a border's places must credit, beyond its boundaries."""
    return () if key == config.DEFAULT_BORDER else (bordertowns.PLACES_CREDIT,)


@st.cache_data(show_spinner=False)
def _bundled_incidents(path: str) -> gpd.GeoDataFrame:
    return reference.load_incidents(Path(path))


def bundled_incidents() -> gpd.GeoDataFrame:
    """The incidents bundled with BorderWatch (``config.INCIDENTS_PATH``)."""
    return _bundled_incidents(str(config.INCIDENTS_PATH))


@st.cache_resource(show_spinner="Opening the incident store…")
def _store(location: str) -> IncidentStore:
    # One store per process, shared by every session (it locks itself, or pools its connections).
    if location.startswith(("postgresql://", "postgres://")):
        return open_store(database_url=location)
    return open_store(Path(location))


def store_path() -> Path:
    """The store's file: ``BORDERWATCH_DATA_DIR`` (or the per-user data directory) / the database file."""
    return data_dir() / DATABASE_FILE


def store_location() -> str:
    """Where the store is: the PostGIS database of ``BORDERWATCH_DATABASE_URL``, else :func:`store_path`."""
    return configured_database_url() or str(store_path())


def store() -> IncidentStore:
    """The incident store: the PostGIS database of ``BORDERWATCH_DATABASE_URL``, else the file in the
    data directory (``BORDERWATCH_DATA_DIR`` or the per-user one), created and seeded with the
    bundled incidents on first use."""
    return _store(store_location())


def _current() -> tuple[str, str]:
    """Where the store is and its revision: what cached results are kept under."""
    location = store_location()
    return location, _store(location).revision()


def store_answers() -> bool:
    """Whether the store can be opened and read now (after it was unavailable)."""
    try:
        _current()
    except StoreUnavailableError:
        return False
    return True


@st.cache_data(show_spinner=False, max_entries=64)
def _measured_against(path: str, revision: str, key: str) -> int:
    # Against the border's barriers as stored now: an import of a fence changes the signature, so every
    # incident is measured again.
    barriers = barrier_lines(border_infrastructure(key))
    return _store(path).measure_border(key, prepared_border(key, barriers).measure, measure_signature(key, barriers))


def measure_border(key: str) -> int:
    """Measure in the store, once, the incidents not yet measured against a border (a new import's,
    or all of them the first time it is shown); cached under the store's revision. Returns how many."""
    if key == config.DEFAULT_BORDER:
        return 0  # measured as each incident is stored
    return _measured_against(*_current(), key)


@st.cache_data(show_spinner=False, max_entries=4)
def _granted_roles(path: str, revision: str) -> dict[str, Role]:
    grants = _store(path).role_grants()
    return {email: Role.parse(role) for email, role in zip(grants["email"], grants["role"], strict=True)}


def granted_roles() -> dict[str, Role]:
    """The roles admins granted in the app, by lower-case e-mail.

    Cached under the store's revision, which every grant and revocation
    counts up: a change made through another app process (or the command
    line) applies on this one's next rerun.
    """
    return _granted_roles(*_current())


@st.cache_data(show_spinner=False, max_entries=4)
def _filter_options(path: str, revision: str) -> dict:
    return _store(path).filter_options()


def filter_options() -> dict:
    """Date bounds, types, countries, datasets and actors in the store now."""
    return _filter_options(*_current())


def _query_key(query: IncidentQuery) -> tuple:
    """The query as primitives: what ``st.cache_data`` hashes quickly and exactly."""
    selection = query.selection
    return (selection.start, selection.end, selection.event_types, selection.countries,
            query.datasets, query.actors, query.hide_duplicates, query.max_border_km, query.border)


def _query_from_key(key: tuple) -> IncidentQuery:
    start, end, event_types, countries_, datasets, actors, hide_duplicates, max_border_km, border_key = key
    return IncidentQuery(IncidentFilter(start, end, event_types, countries_), datasets, actors, hide_duplicates,
                         max_border_km, border_key)


# Results are cached under the store's revision: shared by every session,
# and replaced as soon as an import lands.
@st.cache_data(show_spinner=False, max_entries=256)
def _summary(path: str, revision: str, key: tuple) -> tuple[int, int]:
    query = _query_from_key(key)
    total = _store(path).aggregate(query).iloc[0]
    return int(total["incidents"]), int(total["deaths"])


def summary(query: IncidentQuery) -> Summary:
    """How many incidents match (and their deaths), of how many stored."""
    path, revision = _current()
    shown, deaths = _summary(path, revision, _query_key(query))
    return Summary(shown=shown, total=_count(path, revision), deaths=deaths)


@st.cache_data(show_spinner=False, max_entries=4)
def _count(path: str, revision: str) -> int:
    return _store(path).count()


def incident_count() -> int:
    """How many incidents the store holds, all datasets together."""
    return _count(*_current())


@st.cache_data(show_spinner=False, max_entries=256)
def _aggregate(path: str, revision: str, key: tuple, by: tuple[str, ...]) -> pd.DataFrame:
    query = _query_from_key(key)
    return _store(path).aggregate(query, by=by)


def aggregate(query: IncidentQuery, by: tuple[str, ...]) -> pd.DataFrame:
    """Counts and deaths of the matching incidents by ``"event_month"``, ``"event_type"``, ``"country"``."""
    return _aggregate(*_current(), _query_key(query), by)


@st.cache_data(show_spinner=False, max_entries=512)
def _map_data(path: str, revision: str, key: tuple, area: tuple[float, float, float, float, int] | None) -> MapData:
    return map_data(_store(path), _query_from_key(key), None if area is None else MapView(*area))


def map_data_for(query: IncidentQuery, view: MapView) -> MapData:
    """What the incident layer draws around ``view`` (see :mod:`borderwatch.mapview`).

    When every matching incident can be drawn, all are, whatever the view:
    the layer then stays the same as the map moves and is not sent again.
    """
    if summary(query).shown <= POINT_LIMIT:
        return _map_data(*_current(), _query_key(query), None)
    area = fetch_area(view)
    return _map_data(
        *_current(), _query_key(query),
        (area.west, area.south, area.east, area.north, area.zoom),
    )


# Labelling up to POINT_LIMIT incidents took a tenth of a map run's time: once per query and revision.
@st.cache_data(show_spinner=False, max_entries=64)
def _search_choices(path: str, revision: str, key: tuple) -> dict[str, str]:
    choices = {
        f"place:{place.id}": f"{place.name} ({place.kind}, {place.country})"
        for place in border_places(key[-1]).itertuples()
    }
    latest = _map_data(path, revision, key, None).points
    if latest is not None and not latest.empty:
        ordered = latest.sort_values("event_date", ascending=False, kind="stable")
        choices.update({
            f"incident:{row.id}": f"{row.event_date} · {row.location} — {row.event_type}"
            for row in ordered.itertuples()
        })
    return choices


def search_choices(query: IncidentQuery) -> dict[str, str]:
    """What the map's search box offers, by key (``place:<id>``, ``incident:<id>``) with its label:
    the places, then the most recent matching incidents (as many as the map draws one by one), newest first."""
    return _search_choices(*_current(), _query_key(query))


@st.cache_data(show_spinner=False)
def home_bounds(key: str = config.DEFAULT_BORDER) -> tuple[tuple[float, float], tuple[float, float]]:
    """The area the map opens on, ((south, west), (north, east)): the border, and for the
    bundled case the places around it."""
    west, south, east, north = border_line(key).total_bounds
    if key == config.DEFAULT_BORDER:
        gazetteer = places()
        south, north = min(south, gazetteer["latitude"].min()), max(north, gazetteer["latitude"].max())
        west, east = min(west, gazetteer["longitude"].min()), max(east, gazetteer["longitude"].max())
    return (float(south), float(west)), (float(north), float(east))


@st.cache_data(show_spinner=False, max_entries=64)
def _left_out_in(path: str, revision: str, key: tuple, bbox: tuple[float, float, float, float],
                 drawn: int) -> int:
    return left_out_in_view(_store(path), _query_from_key(key), MapView(*bbox, zoom=MAX_ZOOM), drawn)


def left_out_in(query: IncidentQuery, view: MapView, drawn: int) -> int:
    """How many matching incidents inside ``view`` the map left out
    (see :func:`borderwatch.mapview.left_out_in_view`)."""
    return _left_out_in(*_current(), _query_key(query), view.bbox, drawn)


def _fetch_incidents(path: str, key: tuple, limit: int | None, ids: tuple[str, ...] | None) -> gpd.GeoDataFrame:
    query = _query_from_key(key)
    return _store(path).query(query, ids=ids, limit=limit, newest_first=True)


# Table pages of up to 5,000 rows weigh megabytes each: keep a few.
@st.cache_data(show_spinner=False, max_entries=16)
def _incidents(path: str, revision: str, key: tuple, limit: int | None,
               ids: tuple[str, ...] | None) -> gpd.GeoDataFrame:
    return _fetch_incidents(path, key, limit, ids)


def incidents(query: IncidentQuery, limit: int) -> gpd.GeoDataFrame:
    """The ``limit`` newest matching incidents, with distances in km to the
    border and the barrier (``distance_border_km``, ``distance_barrier_km``)."""
    return _incidents(*_current(), _query_key(query), limit, None)


# Whole sets for downloads are large: keep only the latest two.
@st.cache_data(show_spinner="Preparing the download…", max_entries=2)
def _all_incidents(path: str, revision: str, key: tuple) -> gpd.GeoDataFrame:
    return _fetch_incidents(path, key, None, None)


def all_incidents(query: IncidentQuery) -> gpd.GeoDataFrame:
    """Every matching incident, newest first, with distances (see :func:`incidents`)."""
    return _all_incidents(*_current(), _query_key(query))


def incident(incident_id: str, query: IncidentQuery) -> dict | None:
    """The full record of one incident (with distances), or ``None`` if it is
    gone or the filters now leave it out."""
    found = _incidents(*_current(), _query_key(query), 1, (incident_id,))
    return None if found.empty else found.iloc[0].to_dict()


def map_assets() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """URLs of Leaflet, its plugins and BorderWatch's scripts and styles under this server's base path."""
    return asset_urls(static_url())


def static_url() -> str:
    """URL path of the map's assets (the launcher's routes) under this server's base path."""
    return assets_url(st.get_option("server.baseUrlPath"))


@st.cache_resource(show_spinner=False)
def _published_basemap(base_url: str, folder: str) -> str:
    relative = publish_json(Path(folder), "basemap", basemap_features(basemap_land()))
    return f"{base_url}/{relative}"


def basemap_url() -> str:
    """URL under which this server serves the basemap polygons (written to the cache folder once per process)."""
    return _published_basemap(static_url(), str(config.cache_dir()))


@st.cache_resource(show_spinner=False)
def _copied_assets(folder: str) -> Path:
    install_vendor_assets(Path(folder))
    return Path(folder)


def export_assets_dir() -> Path:
    """A folder of the map's assets laid out as :func:`static_url` serves them, for saving
    a map as one file (copied into the cache folder once per process)."""
    return _copied_assets(str(config.cache_dir() / "export"))


# Analyses read every matching incident near the border: a few sets at a time.
@st.cache_data(show_spinner="Reading the incidents near the border…", max_entries=8)
def _measured(path: str, revision: str, key: tuple, within_km: float | None,
              include_centroids: bool) -> gpd.GeoDataFrame:
    query = _query_from_key(key)
    limits = [limit for limit in (query.max_border_km, within_km) if limit is not None]
    frame = _store(path).points(replace(query, max_border_km=min(limits) if limits else None))
    if not include_centroids:
        frame = frame[frame["geo_precision"] != config.CENTROID_GEO_PRECISION].reset_index(drop=True)
    return corridor.incidents_of_points(frame)


def measured(query: IncidentQuery, within_km: float | None, include_centroids: bool = True) -> gpd.GeoDataFrame:
    """The matching incidents at most ``within_km`` from the border (``None``: all), with
    their measures against the border (:data:`borderwatch.borderzone.MEASURE_COLUMNS`).

    Without ``include_centroids``, incidents placed at a district or province
    centroid (``config.CENTROID_GEO_PRECISION``) are left out: their distances say little.
    """
    return _measured(*_current(), _query_key(query), within_km, include_centroids)


@st.cache_data(show_spinner=False, max_entries=8)
def segments(segment_km: float, key: str = config.DEFAULT_BORDER) -> gpd.GeoDataFrame:
    """A border cut into ``segment_km`` pieces along it: Tunisia–Libya's own line from the coast
    (:func:`borderwatch.corridor.border_segments`), any other along its stored positions
    (:func:`borderwatch.corridor.geodesic_segments`)."""
    if key == config.DEFAULT_BORDER:
        return corridor.border_segments(border().geometry.iloc[0], segment_km)
    return corridor.geodesic_segments(border_of(key).geometry, segment_km)


@st.cache_data(show_spinner=False, max_entries=32)
def _segment_table(path: str, revision: str, key: tuple, segment_km: float, corridor_km: float,
                   period: str, include_centroids: bool) -> tuple[pd.DataFrame, pd.DataFrame]:
    near = _measured(path, revision, key, corridor_km, include_centroids)
    query = _query_from_key(key)
    pieces = segments(segment_km, query.border)
    selection = query.selection
    span = (selection.start, selection.end) if selection.start and selection.end else None
    activity = corridor.segment_activity(near, pieces, period, corridor_km, span)
    return activity, corridor.segment_summary(activity, pieces)


def segment_table(query: IncidentQuery, segment_km: float, corridor_km: float, period: str,
                  include_centroids: bool = False) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Incidents per border segment and period, and one summary row per segment (trend, rank, hottest)."""
    return _segment_table(*_current(), _query_key(query), segment_km, corridor_km, period,
                          include_centroids)


@st.cache_data(show_spinner="Looking for cross-border sequences…", max_entries=16)
def _sequences(path: str, revision: str, key: tuple, days: int, radius_km: float,
               include_centroids: bool) -> pd.DataFrame:
    # Two incidents at most R km apart on either side of the border each lie within R km of it.
    measured = _measured(path, revision, key, radius_km, include_centroids)
    border_key = _query_from_key(key).border
    if border_key == config.DEFAULT_BORDER:
        return corridor.cross_border_sequences(measured, days, radius_km)
    chosen = border_of(border_key)
    return corridor.cross_border_sequences(measured, days, radius_km, (chosen.name_a, chosen.name_b),
                                           metric_crs=geodesy.centred_plane(chosen.geometry))


def sequences(query: IncidentQuery, days: int, radius_km: float, include_centroids: bool = False) -> pd.DataFrame:
    """Pairs of incidents on opposite sides within ``days`` and ``radius_km`` (see
    :func:`borderwatch.corridor.cross_border_sequences`)."""
    return _sequences(*_current(), _query_key(query), days, radius_km, include_centroids)
