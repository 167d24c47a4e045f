"""The app's cached loaders: paths and primitives in, GeoDataFrames out.

The one module that holds ``st.cache_data`` / ``st.cache_resource``
wrappers. Query results are cached under the store's revision, so every
session sees an import as soon as it lands. Folium objects are never cached:
st_folium adds to the map it is given, so maps are rebuilt on every run.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import geopandas as gpd
import streamlit as st

from borderwatch import config, reference
from borderwatch.analysis import with_line_distances
from borderwatch.assets import asset_urls, install_vendor_assets
from borderwatch.filters import IncidentFilter
from borderwatch.store import DATABASE_FILE, SQLiteStore, data_dir, open_store
from layers.countries import land_with_surroundings

STATIC_DIR = config.REPO_ROOT / "static"


@st.cache_data(show_spinner=False)
def border(path: str = str(config.BORDER_PATH)) -> gpd.GeoDataFrame:
    """The border line (see :func:`borderwatch.reference.load_border`)."""
    return reference.load_border(Path(path))


@st.cache_data(show_spinner=False)
def barrier(path: str = str(config.BARRIER_PATH)) -> gpd.GeoDataFrame:
    """The barrier alignment (see :func:`borderwatch.reference.load_barrier`)."""
    return reference.load_barrier(Path(path))


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


@st.cache_data(show_spinner=False)
def _bundled_incidents(path: str) -> gpd.GeoDataFrame:
    return reference.load_incidents(Path(path))


def bundled_incidents() -> gpd.GeoDataFrame:
    """The incidents bundled with BorderWatch (``config.INCIDENTS_PATH``)."""
    return _bundled_incidents(str(config.INCIDENTS_PATH))


@st.cache_resource(show_spinner="Opening the incident store…")
def _store(path: str) -> SQLiteStore:
    # One connection per process, shared by every session (it locks itself).
    return open_store(Path(path))


def store() -> SQLiteStore:
    """The incident store in the data directory (``BORDERWATCH_DATA_DIR`` or
    the per-user one), created and seeded with the bundled incidents on first use."""
    return _store(str(data_dir() / DATABASE_FILE))


@st.cache_data(show_spinner=False)
def _filter_options(path: str, revision: str) -> dict:
    return _store(path).filter_options()


def filter_options() -> dict:
    """Date bounds, types, countries, datasets and actors in the store now."""
    current = store()
    return _filter_options(str(current.path), current.revision())


@st.cache_data(show_spinner="Loading incidents…", max_entries=64)
def _incidents(
    path: str,
    revision: str,
    start: dt.date | None,
    end: dt.date | None,
    event_types: tuple[str, ...] | None,
    countries_: tuple[str, ...] | None,
    datasets: tuple[str, ...] | None,
    actors: tuple[str, ...] | None,
    hide_duplicates: bool,
) -> gpd.GeoDataFrame:
    found = _store(path).query(
        IncidentFilter(start=start, end=end, event_types=event_types, countries=countries_),
        datasets=datasets,
        actors=actors,
        hide_duplicates=hide_duplicates,
    )
    return with_line_distances(found, border().geometry.iloc[0], barrier().geometry.iloc[0])


def incidents(
    selection: IncidentFilter,
    datasets: tuple[str, ...] | None = None,
    actors: tuple[str, ...] | None = None,
    hide_duplicates: bool = False,
) -> gpd.GeoDataFrame:
    """Incidents in the store that match, with distances in km to the border
    and the barrier (``distance_border_km``, ``distance_barrier_km``)."""
    current = store()
    return _incidents(
        str(current.path), current.revision(), selection.start, selection.end,
        selection.event_types, selection.countries, datasets, actors, hide_duplicates,
    )


def incident_count() -> int:
    """How many incidents the store holds, all datasets together."""
    return store().count()


@st.cache_resource(show_spinner=False)
def _installed_map_assets(base_url: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    install_vendor_assets(STATIC_DIR)
    return asset_urls(base_url)


def map_assets() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Copy Leaflet and its plugins into the static folder (once per process)
    and return their URLs under this server's base path."""
    base_path = st.get_option("server.baseUrlPath").strip("/")
    return _installed_map_assets("/" + "/".join(part for part in (base_path, "app/static") if part))
