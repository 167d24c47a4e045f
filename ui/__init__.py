"""Streamlit-aware helpers shared by the pages: cached loaders, sidebar, panels."""
