"""The app's cached loaders: paths in, GeoDataFrames out.

The one module that holds ``st.cache_data`` wrappers. They take paths (as
strings) and primitives so cache keys stay cheap, and return data only:
folium objects are rebuilt on every run because st_folium adds to them.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import streamlit as st

from borderwatch import config, reference
from borderwatch.analysis import with_line_distances
from borderwatch.assets import asset_urls, install_vendor_assets

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
def places(path: str = str(config.PLACES_PATH)) -> gpd.GeoDataFrame:
    """Towns, crossings and landmarks."""
    return reference.load_places(Path(path))


@st.cache_data(show_spinner="Loading incidents…")
def _incidents(path: str, border_path: str, barrier_path: str) -> gpd.GeoDataFrame:
    return with_line_distances(
        reference.load_incidents(Path(path)),
        border(border_path).geometry.iloc[0],
        barrier(barrier_path).geometry.iloc[0],
    )


def incidents() -> gpd.GeoDataFrame:
    """Incidents (``config.INCIDENTS_PATH``, read when called) with their
    distances in km to the border and the barrier."""
    return _incidents(str(config.INCIDENTS_PATH), str(config.BORDER_PATH), str(config.BARRIER_PATH))


@st.cache_resource(show_spinner=False)
def _installed_map_assets(base_url: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    install_vendor_assets(STATIC_DIR)
    return asset_urls(base_url)


def map_assets() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Copy Leaflet and jQuery into the static folder (once per process) and
    return their URLs under this server's base path."""
    base_path = st.get_option("server.baseUrlPath").strip("/")
    return _installed_map_assets("/" + "/".join(part for part in (base_path, "app/static") if part))
