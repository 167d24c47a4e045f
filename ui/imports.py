"""The import page's work: keep the upload, check it, store it."""

from __future__ import annotations

import hashlib
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd
import streamlit as st

from borderwatch import config
from borderwatch.importers import read_incidents
from borderwatch.importers.base import Rejection

#: Accepted rows shown in the preview table and map.
PREVIEW_ROWS = 500


@dataclass
class CheckResult:
    """What a dry run of an import found."""

    accepted: int = 0
    rejected_rows: int = 0
    rejections: list[Rejection] = field(default_factory=list)
    rejected_records: dict[int, str] = field(default_factory=dict)
    preview: gpd.GeoDataFrame | None = None


@st.cache_resource(show_spinner=False)
def _upload_folder() -> Path:
    # Private to this server process (mode 0700, unpredictable name), and
    # removed with the temporary directory when the process ends.
    return Path(tempfile.mkdtemp(prefix="borderwatch-uploads-"))


def _safe_name(name: str) -> str:
    base = Path(name).name or "upload"
    cleaned = "".join(ch if ch.isalnum() or ch in "._- " else "_" for ch in base).strip(" .")
    return cleaned[-100:] or "upload"


def saved_upload(name: str, content: bytes) -> tuple[Path, str]:
    """Write an uploaded file where the importers can read it.

    The file keeps the name the user gave it, so every message, id and
    source names that file, not a temporary one.

    Parameters
    ----------
    name : str
        The file name the browser sent.
    content : bytes

    Returns
    -------
    tuple of (Path, str)
        Where it was written and its SHA-256 (the same content is written once).
    """
    digest = hashlib.sha256(content).hexdigest()
    folder = _upload_folder() / digest
    folder.mkdir(exist_ok=True)
    path = folder / _safe_name(name)
    if not path.exists():
        partial = path.with_name(path.name + ".partial")
        partial.write_bytes(content)
        partial.replace(path)  # atomic: never a half-written file under the real name
    return path, digest


@st.cache_data(show_spinner="Checking every row…", max_entries=8)
def check_upload(path: str, file_format: str, dataset: str, mapping: tuple[tuple[str, str], ...]) -> CheckResult:
    """Read the whole file as an import would, storing nothing.

    Raises the importer's errors (a refused file) unchanged.
    """
    result = CheckResult()
    previews = []
    for chunk in read_incidents(
        Path(path), format=file_format, dataset=dataset, column_mapping=dict(mapping) or None
    ):
        result.accepted += len(chunk.incidents)
        result.rejected_rows += len({rejection.row for rejection in chunk.rejections})
        result.rejections.extend(chunk.rejections)
        result.rejected_records.update(chunk.rejected_records)
        if sum(len(frame) for frame in previews) < PREVIEW_ROWS:
            previews.append(chunk.incidents.head(PREVIEW_ROWS))
    if previews:
        preview = pd.concat(previews, ignore_index=True).head(PREVIEW_ROWS)
        result.preview = gpd.GeoDataFrame(
            preview,
            geometry=gpd.points_from_xy(preview["longitude"], preview["latitude"]),
            crs=config.GEOGRAPHIC_CRS,
        )
    return result
