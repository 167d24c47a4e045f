"""BorderWatch core: data, geometry and analysis, with no Streamlit in it."""

__version__ = "0.1.0"
