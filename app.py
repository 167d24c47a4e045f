"""BorderWatch: the Streamlit entry point (``streamlit run app.py``)."""

from __future__ import annotations

import streamlit as st

st.set_page_config(page_title="BorderWatch", page_icon="🛡️", layout="wide")

navigation = st.navigation(
    [
        st.Page("pages/map.py", title="Map", icon="🗺️", default=True),
        st.Page("pages/incidents.py", title="Incidents", icon="📋"),
        st.Page("pages/about.py", title="About the data", icon="ℹ️", url_path="about"),
    ]
)
st.sidebar.title("BorderWatch")
st.sidebar.caption("Tunisia–Libya border, 2015–2017")
navigation.run()
