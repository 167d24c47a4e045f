"""Import page: check a file from ACLED, GTD, UCDP or a GIS tool, then store it."""

from __future__ import annotations

import streamlit as st
from streamlit_folium import st_folium

from borderwatch import config
from borderwatch.errors import BorderWatchError, FileRejectedError, counted
from borderwatch.escape import escape_markdown
from borderwatch.importers import (
    GIS_FIELDS,
    GIS_REQUIRED_FIELDS,
    detect_format,
    gis_columns,
    read_incidents,
    suggest_mapping,
)
from borderwatch.importers.base import FORMATS
from borderwatch.importers.report import group_rejections, rejection_csv_bytes
from borderwatch.store import check_dataset_name, qualified_id
from layers.basemap import offline_map
from layers.countries import countries_layer
from layers.incidents import incidents_layer
from ui import cache
from ui.access import current_actor, may, permitted
from ui.border import current_border
from ui.imports import check_upload, message_of, saved_upload
from ui.infraimport import show_infrastructure
from ui.roleadmin import show_access

GIS_FORMATS = ("geojson", "gpkg", "geoparquet", "shapefile")
DATASET_LABELS = {
    "name": "Dataset", "format": "Format", "file_name": "File", "file_hash": "SHA-256 (start)",
    "imported_at": "Imported at (UTC)", "rows_read": "Rows read", "accepted": "Accepted",
    "rejected": "Rejected", "added": "Added", "updated": "Updated", "unchanged": "Unchanged",
    "notes": "Notes", "incidents": "Incidents now", "probable_duplicates": "Probable duplicates",
}
AUDIT_LABELS = {
    "recorded_at": "When (UTC)", "actor": "Who", "via": "Way", "action": "Action", "outcome": "Outcome",
    "dataset": "Dataset", "format": "Format", "file_name": "File", "file_hash": "SHA-256",
    "email": "E-mail (role change)", "role": "Role", "border": "Border (infrastructure)", "added": "Added",
    "updated": "Updated", "unchanged": "Unchanged", "rejected": "Rejected", "removed": "Removed",
}
REASON_LABELS = {
    "column": "Column", "problem": "Problem", "rows": "Rows", "example": "Example", "first_rows": "First rows",
}
NOT_MAPPED = "(none)"
# The outcome of the last import, shown after the rerun that refreshes the sidebar.
STORED_KEY = "import_stored_message"
UPLOADER_KEY = "import_uploader_generation"

st.title("Import data")
st.markdown(
    "Load an **ACLED**, **GTD** or **UCDP GED** export (CSV; GTD also as XLSX), or a GIS file of "
    "points (GeoJSON, GeoPackage, GeoParquet, zipped Shapefile). Every row is checked first: "
    "you see what would be accepted and rejected, and why, before anything is stored. "
    "An import lands whole or not at all; importing the same file twice changes nothing, "
    "and a newer ACLED export updates the events it shares with the older one."
)
if STORED_KEY in st.session_state:
    st.success(st.session_state.pop(STORED_KEY))
upload = None
if may("import"):
    upload = st.file_uploader(
        f"File to import (up to {st.get_option('server.maxUploadSize')} MB)",
        type=["csv", "xlsx", "geojson", "json", "gpkg", "parquet", "zip"],
        key=f"import_upload_{st.session_state.get(UPLOADER_KEY, 0)}",
    )
else:
    st.info("Your role lets you read and export the data; importing needs an analyst or an admin.")

if upload is not None:
    path, digest = saved_upload(upload.name, upload.getvalue())
    try:
        detected = detect_format(path)
    except FileRejectedError as error:
        # Messages quote the file: escaped, so its text cannot become a link or image.
        st.error(f"Cannot import: {escape_markdown(message_of(error))}")
        detected = None
    if detected is not None:
        left, right = st.columns(2)
        file_format = left.selectbox(
            "Format", FORMATS, index=FORMATS.index(detected),
            help=f"Detected from the file: {detected}. Choose another only if the detection is wrong.",
        )
        dataset = right.text_input(
            "Dataset name", value=file_format, max_chars=config.DATASET_NAME_MAX_CHARS,
            help="Re-importing into the same dataset updates its events instead of duplicating them.",
        ).strip()
        mapping: dict[str, str] = {}
        if file_format in GIS_FORMATS:
            st.markdown("**Columns**: confirm which column of the file holds each field.")
            try:
                columns = [NOT_MAPPED, *gis_columns(path)]
                suggested = suggest_mapping(path)
            except BorderWatchError as error:
                st.error(f"Cannot import: {escape_markdown(message_of(error))}")
                st.stop()
            grid = st.columns(3)
            for position, field_name in enumerate(GIS_FIELDS):
                label = field_name + (" (required)" if field_name in GIS_REQUIRED_FIELDS else "")
                choice = grid[position % 3].selectbox(
                    label, columns, index=columns.index(suggested.get(field_name, NOT_MAPPED)),
                    key=f"mapping_{field_name}",
                )
                if choice != NOT_MAPPED:
                    mapping[field_name] = choice
        if not dataset:
            st.warning("Give the dataset a name.")
            st.stop()
        try:
            dataset = check_dataset_name(dataset)
            checked = check_upload(str(path), file_format, dataset, tuple(sorted(mapping.items())))
        except BorderWatchError as error:
            st.error(f"Cannot import: {escape_markdown(message_of(error))}")
            st.stop()

        st.subheader(f"Accepted {checked.accepted:,} — rejected {checked.rejected_rows:,}", anchor=False)
        if checked.rejections:
            st.markdown("**Why rows were rejected**")
            st.dataframe(
                group_rejections(checked.rejections).rename(columns=REASON_LABELS), hide_index=True, width="stretch"
            )
            st.download_button(
                "Download the rejected rows (with their reasons)",
                rejection_csv_bytes(checked.rejections, checked.rejected_records),
                file_name=f"{dataset}-rejected.csv",
                mime="text/csv",
            )
        if checked.preview is not None:
            shown = len(checked.preview)
            st.markdown("**The accepted row**" if shown == 1 else f"**First {shown:,} accepted rows**")
            preview_rows = checked.preview.assign(
                id=[qualified_id(incident_id, dataset) for incident_id in checked.preview["id"]]
            )
            st.dataframe(
                preview_rows[["event_date", "event_type", "location", "country", "deaths_best", "id"]].rename(
                    columns={"event_date": "Date", "event_type": "Type", "location": "Place",
                             "country": "Country", "deaths_best": "Deaths", "id": "Id"}
                ),
                hide_index=True, width="stretch",
                column_config={"Date": st.column_config.DateColumn(format="YYYY-MM-DD")},
            )
            scripts, styles = cache.map_assets()
            preview_map = offline_map(scripts, styles)
            countries_layer(cache.basemap_land()).add_to(preview_map)
            incidents_layer(checked.preview).add_to(preview_map)
            west, south, east, north = checked.preview.total_bounds
            preview_map.fit_bounds([[south, west], [north, east]], max_zoom=9)
            st_folium(preview_map, key="import-preview-map", height=360, use_container_width=True, returned_objects=[])

        if checked.accepted and st.button(
            f"Store {counted(checked.accepted, 'incident')} in dataset “{escape_markdown(dataset)}”", type="primary"
        ) and permitted("import", store=cache.store(), dataset=dataset):
            progress = st.progress(0.0, text="Storing…")
            total = checked.accepted + checked.rejected_rows

            def show_progress(rows_done: int) -> None:
                progress.progress(min(rows_done / max(total, 1), 1.0),
                                  text=f"Stored {rows_done:,} of {counted(total, 'row')}")

            try:
                report = cache.store().import_chunks(
                    read_incidents(path, format=file_format, dataset=dataset, column_mapping=mapping or None),
                    dataset=dataset, format=file_format, file_name=upload.name, file_hash=digest,
                    progress=show_progress, mapping=mapping or None, actor=current_actor(),
                )
            except BorderWatchError as error:
                progress.empty()
                st.error(f"Nothing was stored: {escape_markdown(message_of(error))}")
            else:
                st.session_state[STORED_KEY] = (
                    f"Stored in “{escape_markdown(report.dataset)}”: {report.added:,} added, "
                    f"{report.updated:,} updated, {report.unchanged:,} unchanged; "
                    f"{counted(report.rejected, 'row')} rejected."
                )
                # A new uploader: the stored file leaves the page, and its button with it.
                st.session_state[UPLOADER_KEY] = st.session_state.get(UPLOADER_KEY, 0) + 1
                # Run again so the sidebar offers the new dataset, types and dates.
                st.rerun()

st.header("Datasets in the store", anchor=False)
store = cache.store()
datasets = store.datasets()
for row in store.unreadable_dates().itertuples():
    st.warning(
        f"Dataset “{escape_markdown(row.dataset)}” holds {counted(row.incidents, 'incident')} dated before the "
        "year 1, which no page shows (an older BorderWatch stored them). Remove the dataset below and import "
        "its file again: such rows are now rejected, each with its reason."
    )
st.dataframe(
    datasets.assign(file_hash=datasets["file_hash"].str[:12]).rename(columns=DATASET_LABELS),
    hide_index=True,
    width="stretch",
    column_config={"Imported at (UTC)": st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm")},
)
if not datasets.empty and may("remove_dataset"):
    left, right = st.columns([2, 1])
    doomed = left.selectbox("Remove a dataset", datasets["name"].tolist(), index=None, placeholder="Choose a dataset")
    confirmed = right.checkbox("Yes, remove its incidents", disabled=doomed is None)
    if right.button("Remove", disabled=not (doomed and confirmed)) and permitted(
        "remove_dataset", store=store, dataset=doomed or ""
    ):
        try:
            removed = store.remove_dataset(doomed, actor=current_actor())
        except BorderWatchError as error:
            st.error(f"Nothing was removed: {escape_markdown(message_of(error))}")
        else:
            st.session_state[STORED_KEY] = (
                f"Removed “{escape_markdown(doomed)}” and its {counted(removed, 'incident')}."
            )
            st.rerun()

show_infrastructure(store, current_border())

# Both only for admins: neither drawn nor queried for anyone else.
if may("grant_role"):
    show_access(store)
if may("read_audit"):
    st.header("Audit trail", anchor=False)
    st.caption(
        "Every import, update, removal and role change, newest first: who, when, which way (app or command "
        "line), the file with its SHA-256 or whose role changed, and the counts. Refused attempts are listed "
        f"too. Entries cannot be changed or deleted; the newest {config.AUDIT_ROWS_SHOWN:,} are shown "
        "(`borderwatch audit` lists all)."
    )
    st.dataframe(
        store.audit_log(config.AUDIT_ROWS_SHOWN).rename(columns=AUDIT_LABELS),
        hide_index=True,
        width="stretch",
        column_config={"When (UTC)": st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm:ss")},
        key="audit-trail",
    )
