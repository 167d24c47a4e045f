"""Where the store lives, and what to say when its file is damaged."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Final

import platformdirs

#: Environment variable naming the data directory (the app and the CLI read it alike).
DATA_DIR_ENV: Final[str] = "BORDERWATCH_DATA_DIR"
#: Name of the database file inside the data directory.
DATABASE_FILE: Final[str] = "borderwatch.sqlite"


def data_dir() -> Path:
    """Return the directory that holds the store.

    Returns
    -------
    pathlib.Path
        ``$BORDERWATCH_DATA_DIR`` if set and not empty, else the per-user data
        directory of the platform (e.g. ``~/.local/share/borderwatch`` on Linux).
        Not created here.
    """
    configured = os.environ.get(DATA_DIR_ENV, "").strip()
    if configured:
        return Path(configured).expanduser()
    return Path(platformdirs.user_data_dir("borderwatch", appauthor=False))


def damage_message(path: Path, detail: str) -> str:
    """What to say of a damaged store file: where it is, and what to do.

    Parameters
    ----------
    path : pathlib.Path
        The store file.
    detail : str
        What SQLite found.

    Returns
    -------
    str
    """
    return (
        f"{path}: the store file is damaged ({detail}); BorderWatch writes nothing to it. Restore it from a "
        "backup; or save what can still be read with "
        f"`python -m borderwatch --data-dir {path.parent} export -o incidents.gpkg`, then move {path.name} "
        "away: BorderWatch then starts a new store, with the bundled incidents, where it was."
    )
