"""The import page's work: keep the upload, check it, store it."""

from __future__ import annotations

import atexit
import hashlib
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd
import streamlit as st

from borderwatch import config
from borderwatch.borders import find_border
from borderwatch.errors import capped
from borderwatch.importers import read_incidents
from borderwatch.importers.base import Rejection
from borderwatch.importers.infrastructure import InfrastructureParse, near_border, read_infrastructure

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


#: Start of the name of every server's upload folder; the server's process id follows.
UPLOAD_PREFIX = "borderwatch-uploads-"


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def remove_stale_upload_folders(temporary: Path | None = None) -> None:
    """Remove the upload folders of servers that have stopped without removing them (killed).

    Parameters
    ----------
    temporary : Path, optional
        Where they lie: the system's temporary folder by default.
    """
    for folder in Path(temporary or tempfile.gettempdir()).glob(f"{UPLOAD_PREFIX}*"):
        pid = folder.name.removeprefix(UPLOAD_PREFIX).split("-", 1)[0]
        try:
            mine = folder.is_dir() and folder.stat().st_uid == os.getuid()
        except OSError:
            continue
        if mine and pid.isdigit() and not _running(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


@st.cache_resource(show_spinner=False)
def _upload_folder() -> Path:
    # Private to this server process (mode 0700, unpredictable name, the
    # process id in it), and removed when the server stops; a server that was
    # killed leaves it, for the next one to remove.
    remove_stale_upload_folders()
    folder = Path(tempfile.mkdtemp(prefix=f"{UPLOAD_PREFIX}{os.getpid()}-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


def message_of(error: BaseException) -> str:
    """An error's message for the page: without the server's upload folder, and cut if huge.

    Parameters
    ----------
    error : BaseException

    Returns
    -------
    str
    """
    text = str(error)
    folder = str(_upload_folder())
    # "<folder>/<digest>/<name>" shows as the name the user gave the file.
    for part in text.split(folder)[1:]:
        digest = part.lstrip("/").split("/", 1)[0]
        text = text.replace(f"{folder}/{digest}/", "", 1)
    return capped(text.replace(folder, "(upload folder)"))


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


@st.cache_data(show_spinner="Checking every feature…", max_entries=8)
def check_infrastructure_upload(path: str, border_key: str) -> InfrastructureParse:
    """Read a whole infrastructure file and check it against a border, storing nothing.

    Raises the reader's errors (a refused file) unchanged.
    """
    return near_border(read_infrastructure(Path(path)), find_border(border_key).geometry)
