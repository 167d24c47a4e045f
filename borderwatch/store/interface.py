"""What every engine of the store offers, and the names and records they share.

Callers type against :class:`IncidentStore`; only :func:`borderwatch.store.open_store`
names an engine (SQLite by default; PostGIS for teams, given a database URL).
Every read takes one :class:`~borderwatch.filters.IncidentQuery`; every write
that changes data takes the :class:`Actor` the audit trail records with it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, Protocol, runtime_checkable

import geopandas as gpd
import numpy as np
import pandas as pd

from borderwatch import config
from borderwatch.borderzone import MEASURE_COLUMNS
from borderwatch.errors import DatasetNameError, quoted
from borderwatch.filters import IncidentQuery
from borderwatch.importers.base import ParsedChunk, Rejection
from borderwatch.importers.validate import BIDI_CONTROLS
from borderwatch.infrastructure import InfrastructureFeature
from borderwatch.roles import Role

#: Dataset (and format) name of the bundled incidents; reserved for them.
BUNDLED: Final[str] = "bundled"
#: Joins an imported incident's id to its dataset (see :func:`qualified_id`).
ID_QUALIFIER: Final[str] = "@"
#: A map-view box: ``(west, south, east, north)`` in degrees.
BBox = tuple[float, float, float, float]
#: What :meth:`IncidentStore.points` returns of each incident: enough to draw,
#: label and identify it; the full record is fetched by id when clicked.
POINT_COLUMNS: Final[tuple[str, ...]] = (
    "id", "latitude", "longitude", "event_type", "event_date", "location", "deaths_best",
    "geo_precision", "precision_km", "country", *MEASURE_COLUMNS,
)


def _qualifier(dataset: str) -> str:
    # "%" and "@" escaped as in a URL: after the last "@" of an id comes the whole dataset name.
    return dataset.replace("%", "%25").replace(ID_QUALIFIER, "%40")


def qualified_id(incident_id: str, dataset: str) -> str:
    """The id an incident is stored, drawn and linked under: unique in the store.

    Parameters
    ----------
    incident_id : str
        The id the importer gives (``f"{FORMAT}-{source_id}"``, e.g. ``ACLED-TUN1``).
    dataset : str
        The dataset it is stored in.

    Returns
    -------
    str
        ``"ACLED-TUN1@analyst-b"``: the id, ``@``, and the dataset name with
        ``%`` and ``@`` written ``%25`` and ``%40``, so that two datasets
        holding one ACLED event give two ids. Bundled incidents keep their id.
    """
    if dataset == BUNDLED:
        return incident_id
    return f"{incident_id}{ID_QUALIFIER}{_qualifier(dataset)}"


def check_dataset_name(name: str) -> str:
    """Return a dataset name stripped of outer spaces, or refuse it.

    Parameters
    ----------
    name : str

    Returns
    -------
    str

    Raises
    ------
    DatasetNameError
        Empty, longer than ``config.DATASET_NAME_MAX_CHARS``, or holding a
        line break, another control character or a bidirectional override
        (which would make it read as another name).
    """
    stripped = name.strip()
    if not stripped:
        raise DatasetNameError("a dataset needs a name")
    problems = []
    if len(stripped) > config.DATASET_NAME_MAX_CHARS:
        problems.append(f"is {len(stripped):,} characters long (at most {config.DATASET_NAME_MAX_CHARS})")
    if any(ord(char) < 32 or 0x7F <= ord(char) < 0xA0 for char in stripped):
        problems.append("holds a line break or another control character")
    if any(char in BIDI_CONTROLS for char in stripped):
        problems.append("holds a bidirectional-override character (it would show as another name)")
    if problems:
        raise DatasetNameError(f"the dataset name {quoted(stripped, 40)} " + " and ".join(problems)
                               + ": choose a short name on one line, such as acled-2024")
    return stripped



def file_sha256(path: Path) -> str:
    """The SHA-256 of a file, read in blocks (a dataset's provenance)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass(frozen=True)
class Actor:
    """Who makes a change to the store, and which way: the audit trail records it with the change.

    Attributes
    ----------
    name : str
        In the app, the signed-in person's e-mail (``"local user"`` without
        sign-in, ``"anonymous"`` for anonymous visitors); on the command line
        the operating system's user name prefixed ``cli:`` (:meth:`command_line`).
    via : str
        ``"app"``, ``"cli"``, or ``"first run"`` for the seeding of a new store.
    """

    name: str
    via: str

    @classmethod
    def command_line(cls, user: str) -> Actor:
        """The person at the command line, as the operating system names them."""
        return cls(f"cli:{user}", "cli")

    @classmethod
    def app(cls, who: str) -> Actor:
        """The person at the dashboard: their e-mail, ``"local user"`` or ``"anonymous"``."""
        return cls(who, "app")


@dataclass
class ImportReport:
    """What an import did.

    Attributes
    ----------
    format, dataset : str
        The file's format and the dataset it went into.
    rows_read : int
        Records read from the file (accepted + rejected).
    accepted, rejected : int
        Records that passed validation, and those refused.
    added, updated, unchanged : int
        What happened to the accepted records in the store; they add up to
        ``accepted``. All zero when nothing was stored (strict refusal).
    rejections : list of Rejection
        Every refused record with its row, column and reason.
    """

    format: str
    dataset: str
    rows_read: int = 0
    accepted: int = 0
    rejected: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    rejections: list[Rejection] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Return the report as the command line's ``--json`` prints it.

        Returns
        -------
        dict
            Keys ``format, dataset, accepted, rejected, added, updated,
            unchanged, rejections``; each rejection as ``{row, column, reason}``.
        """
        return {
            "format": self.format,
            "dataset": self.dataset,
            "accepted": self.accepted,
            "rejected": self.rejected,
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejections": [
                {"row": item.row, "column": item.column, "reason": item.reason}
                for item in self.rejections
            ],
        }


@dataclass(frozen=True)
class InfrastructureReport:
    """What an import of an infrastructure layer did.

    Attributes
    ----------
    border, layer : str
        The border's key (``"LBY-TUN"``) and the layer stored.
    features : int
        Features the layer holds now.
    added, updated, unchanged, removed : int
        Features new to the layer, changed, the same as stored, and stored
        before but not in the file (gone with the layer replaced).
    """

    border: str
    layer: str
    features: int
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0

    def to_dict(self) -> dict[str, Any]:
        """Return the report as the command line's ``--json`` prints it (the attributes, by name)."""
        return {"border": self.border, "layer": self.layer, "features": self.features, "added": self.added,
                "updated": self.updated, "unchanged": self.unchanged, "removed": self.removed}


@runtime_checkable
class IncidentStore(Protocol):
    """What every engine of the store offers (SQLite and PostGIS).

    Reads take one :class:`~borderwatch.filters.IncidentQuery` (what to keep)
    and, where they apply, a map-view ``bbox`` and paging (``limit``,
    ``newest_first``); an invalid query is refused with
    :class:`~borderwatch.errors.InvalidQueryError`.
    """

    def __enter__(self) -> IncidentStore:
        """Use the store in a ``with`` block; it is closed at its end."""
        ...

    def __exit__(self, *exc_info: object) -> None:
        """Close the store."""
        ...

    def import_chunks(
        self,
        chunks: Iterable[ParsedChunk],
        *,
        dataset: str,
        format: str,
        file_name: str,
        file_hash: str,
        strict: bool = False,
        progress: Callable[[int], None] | None = None,
        notes: str = "",
        mapping: Mapping[str, str] | None = None,
        actor: Actor,
    ) -> ImportReport:
        """Store parsed chunks as one dataset, in one transaction that records ``actor`` in the audit trail."""
        ...

    def datasets(self) -> pd.DataFrame:
        """List the datasets with their provenance."""
        ...

    def import_log(self) -> pd.DataFrame:
        """List every import that changed the store."""
        ...

    def remove_dataset(self, name: str, *, actor: Actor) -> int:
        """Remove a dataset and its incidents, recording ``actor``; return how many incidents went."""
        ...

    def reseed_bundled(self, *, actor: Actor) -> ImportReport:
        """Store the bundled incidents again as dataset ``"bundled"``, recording ``actor``."""
        ...

    def measure_border(
        self, border: str, measure: Callable[[np.ndarray, np.ndarray], pd.DataFrame], signature: str,
    ) -> int:
        """Measure in bulk the incidents lacking ``border``'s measures (all if ``signature`` changed); count them."""
        ...

    def import_infrastructure(
        self,
        border: str,
        features: Sequence[InfrastructureFeature],
        *,
        layer: str,
        file_name: str,
        file_hash: str,
        actor: Actor,
    ) -> InfrastructureReport:
        """Store ``features`` as one layer of a border's infrastructure, replacing a layer of that name; audited."""
        ...

    def infrastructure(self, border: str) -> list[InfrastructureFeature]:
        """Return every stored infrastructure feature of a border, by layer, then in file order."""
        ...

    def infrastructure_layers(self, border: str | None = None) -> pd.DataFrame:
        """List the stored infrastructure layers (of one border, or all) with their provenance and counts."""
        ...

    def remove_infrastructure(self, border: str, layer: str, *, actor: Actor) -> int:
        """Remove one infrastructure layer of a border, recording ``actor``; return how many features went."""
        ...

    def record_refusal(self, action: str, *, actor: Actor, dataset: str = "") -> None:
        """Record in the audit trail that ``actor``'s role refused ``action`` (``import`` or ``remove``)."""
        ...

    def audit_log(self, limit: int | None = None) -> pd.DataFrame:
        """List the audit trail, newest first: who imported, updated or removed what, or changed whose role."""
        ...

    def role_grants(self) -> pd.DataFrame:
        """List the roles granted in the app: ``email``, ``role``, ``granted_by``, ``granted_at``."""
        ...

    def grant_role(self, email: str, role: Role, *, actor: Actor, acting_role: Role) -> bool:
        """Grant ``role`` to ``email`` if ``acting_role`` is admin, recording it; False if held already."""
        ...

    def revoke_role(self, email: str, *, actor: Actor, acting_role: Role) -> Role:
        """Revoke the role granted to ``email`` if ``acting_role`` is admin, recording it; return that role."""
        ...

    def query(
        self,
        query: IncidentQuery,
        *,
        bbox: BBox | None = None,
        ids: tuple[str, ...] | None = None,
        limit: int | None = None,
        newest_first: bool = False,
    ) -> gpd.GeoDataFrame:
        """Return the incidents that match, typed like :func:`~borderwatch.reference.load_incidents`."""
        ...

    def points(
        self,
        query: IncidentQuery,
        *,
        bbox: BBox | None = None,
        limit: int | None = None,
        newest_first: bool = False,
    ) -> pd.DataFrame:
        """Return what the map draws of each matching incident (:data:`POINT_COLUMNS`)."""
        ...

    def aggregate(
        self,
        query: IncidentQuery,
        *,
        by: tuple[str, ...] = (),
        zoom: int | None = None,
        bbox: BBox | None = None,
    ) -> pd.DataFrame:
        """Count the matching incidents and their deaths by map cell, month, type or country."""
        ...

    def incident_ids_for(self, link_id: str) -> tuple[str, ...]:
        """Return every stored id a link's incident id may name."""
        ...

    def resolve_incident_id(self, link_id: str) -> str | None:
        """Return the stored id of the incident a link names, or ``None`` if none or several."""
        ...

    def unreadable_dates(self) -> pd.DataFrame:
        """Count, by dataset, the incidents no page can show because of their date."""
        ...

    def check_integrity(self) -> None:
        """Raise :class:`~borderwatch.errors.StoreDamagedError` if the store is damaged."""
        ...

    def filter_options(self) -> dict[str, Any]:
        """Return what the sidebar offers: date bounds and distinct values."""
        ...

    def count(self) -> int:
        """Return how many incidents the store holds."""
        ...

    def revision(self) -> str:
        """Return a token that changes whenever the stored incidents (or the roles or infrastructure) change."""
        ...

    def flag_duplicates(self) -> int:
        """Recompute every probable-duplicate flag; return how many rows are flagged."""
        ...

    def close(self) -> None:
        """Release the connections."""
        ...
