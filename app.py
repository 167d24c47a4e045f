"""BorderWatch's web entry (``streamlit run app.py``): the dashboard and the map's assets.

Streamlit finds the ``App`` below and serves ``dashboard.py`` through it, with
routes that serve Leaflet and the other browser assets from the installed
packages and the basemap from the cache folder (``ui/assetroutes.py``), so
the app writes nothing into the checkout.
"""

from __future__ import annotations

import streamlit as st

from borderwatch import config
from ui.assetroutes import asset_routes

app = st.App(
    "dashboard.py",
    routes=asset_routes(st.get_option("server.baseUrlPath"), config.cache_dir()),
)
