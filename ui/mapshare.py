"""Sharing the map: the link in the address bar, a standalone HTML file and a PNG."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from functools import partial

import geopandas as gpd
import pandas as pd
import streamlit as st

from borderwatch import config
from borderwatch.borders import Border
from borderwatch.export import Attribution, dataset_attributions, export_file_name, store_incidents_per_dataset
from borderwatch.filters import IncidentQuery
from borderwatch.infrastructure import is_line, shown_features
from borderwatch.mapview import MapData, MapView
from layers.basemap import base_map
from layers.export.credits import BOUNDARIES_CREDIT
from layers.export.html import standalone_html
from layers.export.png import MapLayers, map_png
from ui import cache
from ui.maplayers import switchable_layers
from ui.playback import Shown
from ui.selection import MAP_LAYERS
from ui.sidebar import chosen_key, is_default_border

#: Layers the PNG does not draw (the HTML export draws every layer).
NOT_IN_PNG = ("heatmap", "precision", "segments")
#: Layers drawn from the incidents of the period around the view, and from those of the whole date range.
PERIOD_LAYERS = ("sites", "heatmap", "precision")
RANGE_LAYERS = ("segments", "sequences")


def _held_area(shown: MapData, view: MapView) -> tuple[float, float, float, float]:
    """The view, grown to hold every site the map was sent (it holds some around the view)."""
    sites = shown.points if shown.points is not None else shown.cells
    west, south, east, north = view.bbox
    if sites is None or sites.empty:
        return west, south, east, north
    return (min(west, sites["longitude"].min()), min(south, sites["latitude"].min()),
            max(east, sites["longitude"].max()), max(north, sites["latitude"].max()))


def map_sources(drawn: tuple[str, ...], query: IncidentQuery, period_query: IncidentQuery, shown: MapData,
                view: MapView) -> tuple[Attribution, ...]:
    """The attributions of the datasets whose incidents an exported map draws.

    Sites, heat map and precision show the period around the view; segments
    and sequences count the whole date range everywhere.
    """
    store = cache.store()
    present: Counter[str] = Counter()
    if any(layer in drawn for layer in PERIOD_LAYERS):
        present.update(store_incidents_per_dataset(store, period_query, _held_area(shown, view)))
    if any(layer in drawn for layer in RANGE_LAYERS):
        present.update(store_incidents_per_dataset(store, query))
    return dataset_attributions(present, store.datasets())


def _named_border() -> Border | None:
    """The border an export's file name names: none for the default (names stay as they were)."""
    return None if is_default_border() else cache.border_of(chosen_key())


def _title(period_query: IncidentQuery) -> str:
    selection = period_query.selection
    dates = f"{selection.start} to {selection.end}" if selection.start and selection.end else "all dates"
    return f"BorderWatch: {cache.border_line(chosen_key())['name'].iloc[0]}, {dates}"


def export_html(visible: tuple[str, ...], query: IncidentQuery, period_query: IncidentQuery, shown: MapData,
                shown_time: Shown, view: MapView) -> str:
    """The map as shown, as one HTML file with every script, style and polygon inline."""
    scripts, styles = cache.map_assets()
    center = ((view.south + view.north) / 2, (view.west + view.east) / 2)
    key = chosen_key()
    fmap = base_map(cache.basemap_land(), scripts, styles, event_types=cache.filter_options()["event_types"],
                    countries_url=None, location=center, zoom_start=view.zoom,
                    border_name=str(cache.border_line(key)["name"].iloc[0]))
    for group in switchable_layers(visible, query, period_query, shown, shown_time.as_of, shown_time.since, key):
        group.add_to(fmap)
    return standalone_html(fmap, cache.export_assets_dir(), cache.static_url(), title=_title(period_query),
                           sources=map_sources(visible, query, period_query, shown, view),
                           references=_references(visible, key))


def export_png(visible: tuple[str, ...], query: IncidentQuery, period_query: IncidentQuery, shown: MapData,
               shown_time: Shown, view: MapView) -> bytes:
    """The map as shown, drawn as a PNG of the same view (without the layers in :data:`NOT_IN_PNG`)."""
    day = shown_time.as_of or dt.date.today()
    sequences = None
    if "sequences" in visible:
        pairs = cache.sequences(query, config.SEQUENCE_DAYS, config.SEQUENCE_RADIUS_KM)
        sequences = gpd.GeoDataFrame(
            index=range(len(pairs)),
            geometry=gpd.GeoSeries.from_xy(pairs["first_lon"], pairs["first_lat"]).shortest_line(
                gpd.GeoSeries.from_xy(pairs["then_lon"], pairs["then_lat"])),
            crs=config.GEOGRAPHIC_CRS,
        )
    key = chosen_key()
    # Each feature in its layer: barriers with "barrier", crossings, posts and sensors with "crossings".
    infrastructure = [item for item in shown_features(cache.border_infrastructure(key), day, shown_time.since)
                      if ("barrier" if is_line(item.feature) else "crossings") in visible]
    layers = MapLayers(
        countries=cache.basemap_land(),
        border=cache.border_line(key) if "border" in visible else None,
        infrastructure=infrastructure,
        places=_png_places(cache.border_places(key)) if "places" in visible else None,
        featured_place_id=cache.featured_place(key),
        points=shown.points if "sites" in visible else None,
        cells=shown.cells if "sites" in visible else None,
        sequences=sequences,
    )
    drawn = tuple(layer for layer in visible if layer not in NOT_IN_PNG)
    return map_png(view.bbox, layers, title=_title(period_query),
                   sources=map_sources(drawn, query, period_query, shown, view),
                   references=_references(drawn, key))


def _references(drawn: tuple[str, ...], key: str) -> tuple[str, ...]:
    """The credits of the reference data a map draws: the boundaries, and the towns' source when named."""
    return (BOUNDARIES_CREDIT, *(cache.place_credits(key) if "places" in drawn else ()))


def _png_places(places: gpd.GeoDataFrame) -> pd.DataFrame:
    """The places the PNG labels: towns and landmarks (crossings are the border's infrastructure)."""
    return pd.DataFrame(places.loc[places["kind"] != "crossing"].drop(columns="geometry"))


def render_share(visible: tuple[str, ...], query: IncidentQuery, period_query: IncidentQuery, shown: MapData,
                 shown_time: Shown, view: MapView) -> None:
    """Say how to share this view and offer the map as HTML and PNG (built only when clicked)."""
    with st.expander("Share or export this map"):
        st.markdown(
            "**Link:** the address bar holds the filters, the layers, the period, the selected "
            "incident and the map view. Copy it: whoever opens it sees this map."
        )
        offered = cache.filter_options()
        html_column, png_column = st.columns(2)
        html_column.download_button(
            "Map as HTML (works offline)",
            data=partial(export_html, visible, query, period_query, shown, shown_time, view),
            file_name=export_file_name(period_query, "html", offered=offered, border=_named_border()),
            mime="text/html", on_click="ignore",
            width="stretch",
            help="One file with the map's scripts, styles and data inside: opens in any browser, no internet needed.",
        )
        png_column.download_button(
            "Map as PNG", data=partial(export_png, visible, query, period_query, shown, shown_time, view),
            file_name=export_file_name(period_query, "png", offered=offered, border=_named_border()),
            mime="image/png", on_click="ignore",
            width="stretch",
            help="A picture of the same view, drawn on the server from the same data.",
        )
        notes = ["Both files credit the sources of the incidents they show, as their terms ask."]
        left_out = [MAP_LAYERS[layer] for layer in NOT_IN_PNG if layer in visible]
        if left_out:
            notes.append(f"The PNG leaves out: {', '.join(left_out)}; the HTML file has every layer.")
        st.caption(" ".join(notes))
