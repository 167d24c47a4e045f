"""BorderWatch core: data, geometry and analysis, with no Streamlit in it."""

from importlib.metadata import PackageNotFoundError, version

try:
    # One version, pyproject.toml's, as installed: exports and imports name it.
    __version__ = version("borderwatch")
except PackageNotFoundError:  # run from a checkout that was never installed
    __version__ = "0+unknown"
