"""BorderWatch's dashboard: page config, navigation and sidebar filters, run for every session by ``app.py``."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from borderwatch.errors import BorderNotMeasuredError, BorderWatchError, StoreDamagedError, StoreUnavailableError
from ui import cache, permalink
from ui.access import current_role, show_account
from ui.border import render_border_picker
from ui.selection import DEFAULT_LAYERS
from ui.sidebar import is_default_border, render_filters
from ui.storestatus import show_unavailable

st.set_page_config(
    page_title="BorderWatch",
    page_icon=str(Path(__file__).parent / "assets" / "favicon.png"),
    layout="wide",
)

# The page scripts live in app_pages/, not pages/: Streamlit runs an app
# that has a pages/ folder in its legacy multipage mode until st.navigation
# first runs, so a deep link to a fresh server would skip this entry point.
navigation = st.navigation(
    [
        st.Page("app_pages/map.py", title="Map", icon=":material/map:", default=True),
        st.Page("app_pages/incidents.py", title="Incidents", icon=":material/table_rows:", url_path="incidents"),
        st.Page("app_pages/analytics.py", title="Border analytics", icon=":material/insights:", url_path="analytics"),
        st.Page("app_pages/planner.py", title="Surveillance planner", icon=":material/sensors:", url_path="planner"),
        st.Page("app_pages/import_data.py", title="Import data", icon=":material/upload_file:", url_path="import"),
        st.Page("app_pages/about.py", title="About the data", icon=":material/info:", url_path="about"),
    ]
)
# With sign-in configured, nothing below is shown (or run) before the person signs in.
role = current_role()
st.sidebar.title("BorderWatch")
show_account(role)
try:
    options = cache.filter_options()
except StoreUnavailableError as error:
    show_unavailable(error)
    st.stop()
except BorderWatchError as error:
    # Tracebacks are hidden from users (client.showErrorDetails), so say here
    # what is wrong and where; st.code shows the text from the file as text.
    st.error("BorderWatch could not load its data. Nothing was changed; fix the file and reload.")
    st.code(str(error), language=None)
    st.stop()
permalink.restore_once(options)
permalink.keep_map_choices()
border = render_border_picker()
render_filters(options)
permalink.show_problems()
try:
    if not is_default_border():
        with st.spinner(f"Measuring the incidents against the {border.name} border (once, then as they come)…"):
            cache.measure_border(border.key)
    navigation.run()
except StoreUnavailableError as error:
    show_unavailable(error)
except BorderNotMeasuredError:
    # Incidents stored by another process since this run measured them: measure those, and run again.
    cache.measure_border(border.key)
    st.rerun()
except StoreDamagedError as error:
    # The store broke while the app ran: say what to do rather than "an error occurred".
    st.error("BorderWatch cannot read or write its incident store. Nothing was changed.")
    st.code(str(error), language=None)
finally:
    # Also after a page stops early (st.stop): the address follows every change.
    permalink.publish(DEFAULT_LAYERS)
