"""BorderWatch: the Streamlit entry point (``streamlit run app.py``)."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from borderwatch.errors import BorderWatchError
from ui import cache
from ui.sidebar import render_filters

st.set_page_config(
    page_title="BorderWatch",
    page_icon=str(Path(__file__).parent / "assets" / "favicon.png"),
    layout="wide",
)

# Every page gets a url_path unlike its file name (pages/*_view.py): Streamlit
# treats a page name that matches a file in pages/ as an old-style page and
# runs that file without this entry point (no layout, no shared filters).
navigation = st.navigation(
    [
        st.Page("pages/map_view.py", title="Map", icon=":material/map:", url_path="map", default=True),
        st.Page("pages/incidents_view.py", title="Incidents", icon=":material/table_rows:", url_path="incidents"),
        st.Page("pages/about_view.py", title="About the data", icon=":material/info:", url_path="about"),
    ]
)
st.sidebar.title("BorderWatch")
st.sidebar.caption("Tunisia–Libya border, 2015–2017")
# Leaflet and jQuery are copied into static/ before any page needs them.
cache.map_assets()
try:
    incidents = cache.incidents()
except BorderWatchError as error:
    # Tracebacks are hidden from users (client.showErrorDetails), so say here
    # what is wrong and where; st.code shows the text from the file as text.
    st.error("BorderWatch could not load its data. Nothing was changed; fix the file and reload.")
    st.code(str(error), language=None)
    st.stop()
render_filters(incidents)
navigation.run()
