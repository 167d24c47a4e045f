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
    preview: gpd.GeoDataFrame | None = None


def saved_upload(name: str, content: bytes) -> tuple[Path, str]:
    """Write an uploaded file to a private temporary folder.

    Parameters
    ----------
    name : str
        The file name the browser sent (only its suffix is used for the path).
    content : bytes

    Returns
    -------
    tuple of (Path, str)
        Where it was written (named by content hash, so a re-upload reuses
        it) and its SHA-256.
    """
    digest = hashlib.sha256(content).hexdigest()
    folder = Path(tempfile.gettempdir()) / "borderwatch-uploads"
    folder.mkdir(mode=0o700, exist_ok=True)
    suffix = "".join(ch for ch in Path(name).suffix.lower() if ch.isalnum() or ch == ".")[:12]
    path = folder / f"{digest}{suffix}"
    if not path.exists():
        path.write_bytes(content)
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
