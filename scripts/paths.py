"""Folders of the checkout that the tools read and write (the core package knows none of them)."""

from __future__ import annotations

from pathlib import Path
from typing import Final

#: Root of the checkout (the folder that holds ``app.py`` and ``scripts/``).
REPO_ROOT: Final[Path] = Path(__file__).resolve().parent.parent

#: The project's shared reference facts, beside the checkout (``shared/reference/``).
SHARED_REFERENCE_DIR: Final[Path] = REPO_ROOT.parent / "shared" / "reference"

#: The reviewed curation tables of the incident build (``data/curation/``, see its README).
CURATION_DIR: Final[Path] = REPO_ROOT / "data" / "curation"
