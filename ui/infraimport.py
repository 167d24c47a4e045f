"""The Border infrastructure section of the Import data page: a border's barriers and crossings as layers.

A layer is one imported file (fences, walls, trenches, berms, crossings,
posts, sensors) stored for the border chosen in the sidebar; importing a file
under a layer's name again replaces that layer. The bundled preset of a
border is listed beside them and cannot be removed: a stored feature with a
preset feature's id replaces it on the map and in the measures.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from borderwatch import config
from borderwatch.borders import Border
from borderwatch.errors import BorderWatchError, counted
from borderwatch.escape import escape_markdown
from borderwatch.importers.infrastructure import load_preset
from borderwatch.importers.report import group_rejections, rejection_csv_bytes
from borderwatch.infrastructure import PRESET_LAYER, InfrastructureFeature, is_line
from borderwatch.store import IncidentStore, check_dataset_name
from ui import cache
from ui.access import current_actor, may, permitted
from ui.imports import check_infrastructure_upload, message_of, saved_upload

#: The outcome of the last import or removal, shown after the rerun that lists it.
DONE_KEY = "infrastructure_done_message"
_UPLOADER_KEY = "infrastructure_uploader_generation"
LAYER_LABELS = {
    "layer": "Layer", "features": "Features", "lines": "Barriers (lines)", "points": "Points",
    "file_name": "File", "imported_at": "Imported at (UTC)", "imported_by": "By",
}
FEATURE_LABELS = {
    "id": "Id", "name": "Name", "kind": "Kind", "built_from": "Built from", "built_to": "Built to",
    "periods": "Status periods", "sources": "Sources",
}
REASON_LABELS = {"column": "Column", "problem": "Problem", "rows": "Features", "example": "Example",
                 "first_rows": "First features"}


def layer_table(preset: tuple[InfrastructureFeature, ...], stored: pd.DataFrame) -> pd.DataFrame:
    """The border's layers: the bundled preset (if any) first, then the stored ones."""
    rows = []
    if preset:
        lines = sum(is_line(feature) for feature in preset)
        rows.append({"layer": f"{PRESET_LAYER} (bundled)", "features": len(preset), "lines": lines,
                     "points": len(preset) - lines, "file_name": "", "imported_at": pd.NaT, "imported_by": ""})
    table = pd.concat([pd.DataFrame(rows), stored.loc[:, list(LAYER_LABELS)]], ignore_index=True)
    return table.loc[:, list(LAYER_LABELS)].rename(columns=LAYER_LABELS)


def feature_table(features: list[InfrastructureFeature]) -> pd.DataFrame:
    """The checked features as the preview lists them."""
    return pd.DataFrame(
        [{"id": feature.id, "name": feature.name, "kind": feature.kind, "built_from": feature.built_from,
          "built_to": feature.built_to, "periods": len(feature.periods), "sources": feature.sources}
         for feature in features],
        columns=list(FEATURE_LABELS),
    ).rename(columns=FEATURE_LABELS)


def _title(border: Border) -> str:
    """The border as the map's title names it ("Tunisia–Libya border")."""
    return str(cache.border_line(border.key)["name"].iloc[0])


def _store_checked(store: IncidentStore, border: Border, features: list[InfrastructureFeature], layer: str,
                   file_name: str, digest: str) -> None:
    try:
        report = store.import_infrastructure(border.key, features, layer=layer, file_name=file_name,
                                             file_hash=digest, actor=current_actor())
    except BorderWatchError as error:
        st.error(f"Nothing was stored: {escape_markdown(message_of(error))}")
        return
    st.session_state[DONE_KEY] = (
        f"Stored layer “{escape_markdown(layer)}” of the {escape_markdown(_title(border))}: {report.added:,} "
        f"added, {report.updated:,} updated, {report.unchanged:,} unchanged, {report.removed:,} removed."
    )
    st.session_state[_UPLOADER_KEY] = st.session_state.get(_UPLOADER_KEY, 0) + 1
    st.rerun()


def _import_form(store: IncidentStore, border: Border) -> None:
    upload = st.file_uploader(
        "Infrastructure file (GeoJSON, GeoPackage, KML, zipped Shapefile, GeoParquet)",
        type=["geojson", "json", "gpkg", "kml", "zip", "parquet"],
        key=f"infrastructure_upload_{st.session_state.get(_UPLOADER_KEY, 0)}",
    )
    if upload is None:
        return
    path, digest = saved_upload(upload.name, upload.getvalue())
    layer = st.text_input(
        "Layer name", value=Path(upload.name).stem[: config.DATASET_NAME_MAX_CHARS],
        # Keyed by the file: another file offers its own name, so a layer is never replaced by mistake.
        max_chars=config.DATASET_NAME_MAX_CHARS, key=f"infrastructure_layer_{digest}",
        help="Importing a file under a layer's name again replaces that layer.",
    ).strip()
    try:
        layer = check_dataset_name(layer)
        checked = check_infrastructure_upload(str(path), border.key)
    except BorderWatchError as error:
        st.error(f"Cannot import: {escape_markdown(message_of(error))}")
        return
    rejected_features = len({rejection.row for rejection in checked.rejections})
    st.subheader(f"Accepted {counted(len(checked.features), 'feature')} — rejected "
                 f"{counted(rejected_features, 'feature row')}", anchor=False)
    if checked.rejections:
        st.markdown("**Why features were rejected** (numbered as the file orders them, from 1)")
        st.dataframe(group_rejections(checked.rejections).rename(columns=REASON_LABELS), hide_index=True,
                     width="stretch")
        st.download_button("Download the reasons", rejection_csv_bytes(checked.rejections, {}),
                           file_name=f"{layer}-rejected.csv", mime="text/csv")
    if not checked.features:
        return
    st.dataframe(feature_table(checked.features), hide_index=True, width="stretch", key="infrastructure-preview")
    if st.button(f"Store {counted(len(checked.features), 'feature')} as layer “{escape_markdown(layer)}”",
                 type="primary", key="infrastructure-store") and permitted("import", store=store, dataset=layer):
        _store_checked(store, border, checked.features, layer, upload.name, digest)


def _removal(store: IncidentStore, border: Border, layers: list[str]) -> None:
    left, right = st.columns([2, 1])
    doomed = left.selectbox("Remove a layer", layers, index=None, placeholder="Choose a layer",
                            key="infrastructure-doomed")
    confirmed = right.checkbox("Yes, remove its features", disabled=doomed is None, key="infrastructure-confirm")
    if right.button("Remove layer", disabled=not (doomed and confirmed), key="infrastructure-remove") and permitted(
        "remove_dataset", store=store, dataset=doomed or ""
    ):
        try:
            removed = store.remove_infrastructure(border.key, str(doomed), actor=current_actor())
        except BorderWatchError as error:
            st.error(f"Nothing was removed: {escape_markdown(message_of(error))}")
            return
        st.session_state[DONE_KEY] = f"Removed layer “{escape_markdown(str(doomed))}” and its " \
                                     f"{counted(removed, 'feature')}."
        st.rerun()


def show_infrastructure(store: IncidentStore, border: Border) -> None:
    """Draw the section for the border chosen in the sidebar: its layers, an import form and a removal."""
    st.header(f"Barriers and crossings: {_title(border)}", anchor=False)
    st.caption(
        "Fences, walls, trenches, berms, crossings, posts and sensors of the border chosen in the sidebar "
        "(GeoJSON, GeoPackage, KML, zipped Shapefile or GeoParquet), "
        "drawn on the map as of the day shown (its *Barriers* and *Crossings & posts* layers). Each file is checked "
        "first: geometry, coordinate system, dates, kinds, and every feature within "
        f"{config.INFRASTRUCTURE_MAX_BORDER_KM:g} km of the border; the columns are described in "
        "`data/README.md` (Infrastructure files). Barriers also give the incidents their distance to the "
        "nearest barrier."
    )
    if DONE_KEY in st.session_state:
        st.success(st.session_state.pop(DONE_KEY))
    stored = store.infrastructure_layers(border.key)
    preset = load_preset(border.key)
    if preset or not stored.empty:
        st.dataframe(layer_table(preset, stored), hide_index=True, width="stretch", key="infrastructure-layers",
                     column_config={"Imported at (UTC)": st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm")})
    else:
        st.info(f"No barriers or crossings are recorded for {escape_markdown(border.name)} yet.")
    if may("import"):
        _import_form(store, border)
    if not stored.empty and may("remove_dataset"):
        _removal(store, border, stored["layer"].tolist())
