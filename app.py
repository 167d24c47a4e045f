"""BorderWatch's web entry (``streamlit run app.py``): the dashboard, the map's assets, network checks.

Streamlit finds the ``App`` below and serves ``dashboard.py`` through it, with
routes that serve Leaflet and the other browser assets from the installed
packages and the basemap from the cache folder (``ui/assetroutes.py``), so
the app writes nothing into the checkout. Before Streamlit sees a request,
its ``Host`` must be one the server answers and a WebSocket must come from a
page of the server's own origin (``ui/network.py``).
"""

from __future__ import annotations

import socket
import sys

import streamlit as st
from streamlit import config as streamlit_config

from borderwatch import config
from borderwatch.errors import SettingsError
from borderwatch.serving import where_to_open
from ui.access import serving_mode
from ui.assetroutes import asset_routes
from ui.network import allowed_hosts, network_middleware, streamlit_allowed_hosts

try:
    # A server on a network address without sign-in would let anyone import and remove data.
    serving_mode()
    hosts = allowed_hosts(
        st.get_option("server.allowedHosts"),
        (st.get_option("server.address"), st.get_option("browser.serverAddress")),
    )
except SettingsError as refused:
    sys.exit(f"BorderWatch will not start: {refused}")
if st.get_option("server.allowedHosts"):
    # Streamlit checks each WebSocket's Host against this list too, comparing an IPv6
    # address without brackets or port: give it the entries as it compares them.
    streamlit_config.set_option("server.allowedHosts", streamlit_allowed_hosts(hosts), where_defined=__file__)
# Streamlit's own welcome (switched off in .streamlit/config.toml) asks an outside
# service for the machine's public address when the server listens on every interface.
print(where_to_open(st.get_option("server.address"), st.get_option("server.port"),
                    st.get_option("server.baseUrlPath"), socket.gethostname()), flush=True)

app = st.App(
    "dashboard.py",
    routes=asset_routes(st.get_option("server.baseUrlPath"), config.cache_dir()),
    middleware=network_middleware(hosts, st.get_option("server.corsAllowedOrigins")),
)
