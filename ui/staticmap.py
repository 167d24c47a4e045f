"""Maps that only show (analytics, planner): the base map and a few layers, nothing sent back."""

from __future__ import annotations

import folium
from streamlit_folium import st_folium

from layers.barrier import barrier_layer
from layers.basemap import base_map
from layers.border import border_layer
from ui import cache


def render_static_map(groups: list[folium.FeatureGroup], key: str, center: tuple[float, float], zoom: float,
                      height: int) -> None:
    """Draw the border, the barrier and ``groups`` over the offline basemap.

    The map reports nothing back (``returned_objects=[]``), so moving it never reruns the page.
    """
    scripts, styles = cache.map_assets()
    fmap = base_map(cache.basemap_land(), scripts, styles, event_types=cache.filter_options()["event_types"],
                    countries_url=cache.basemap_url(), location=center, zoom_start=zoom)
    st_folium(fmap, key=key, height=height, use_container_width=True,
              feature_group_to_add=[border_layer(cache.border()), barrier_layer(cache.barrier()), *groups],
              returned_objects=[], render=False)
