"""The persistent incident store: every imported dataset, beside the bundled one.

Callers type against :class:`IncidentStore` and get one from
:func:`open_store`; every read takes one :class:`IncidentQuery`. The parts,
each in its module: :mod:`.interface` (the protocol and shared records),
:mod:`.query` (an IncidentQuery as SQL), :mod:`.dialect` (what is particular
to SQLite or PostgreSQL), :mod:`.schema` and :mod:`.migrations` (the tables),
:mod:`.imports` (writing), :mod:`.audit` (the audit trail), :mod:`.grants` (roles
granted in the app), :mod:`.infrastructure` (borders' imported infrastructure), :mod:`.duplicates`
(probable duplicates), :mod:`.summaries` (map cells), :mod:`.reads` and
:mod:`.writes` (queries and writes, for any engine), :mod:`.sqlite` (the
embedded store), :mod:`.postgis` and :mod:`.pgschema` (the shared PostGIS store
and its migrations), :mod:`.transfer` (copying one into the other),
:mod:`.paths` and :mod:`.factory` (where it lives, and opening it).
"""

from borderwatch.filters import IncidentQuery
from borderwatch.store.duplicates import EARTH_RADIUS_KM
from borderwatch.store.factory import open_store
from borderwatch.store.interface import (
    BUNDLED,
    ID_QUALIFIER,
    POINT_COLUMNS,
    Actor,
    BBox,
    ImportReport,
    IncidentStore,
    InfrastructureReport,
    check_dataset_name,
    file_sha256,
    qualified_id,
)
from borderwatch.store.paths import DATA_DIR_ENV, DATABASE_FILE, damage_message, data_dir
from borderwatch.store.schema import FIRST_DATE, SCHEMA_VERSION
from borderwatch.store.sqlite import SQLiteStore

__all__ = [
    "BUNDLED",
    "DATABASE_FILE",
    "DATA_DIR_ENV",
    "EARTH_RADIUS_KM",
    "FIRST_DATE",
    "ID_QUALIFIER",
    "POINT_COLUMNS",
    "SCHEMA_VERSION",
    "Actor",
    "BBox",
    "ImportReport",
    "IncidentQuery",
    "IncidentStore",
    "InfrastructureReport",
    "SQLiteStore",
    "check_dataset_name",
    "damage_message",
    "data_dir",
    "file_sha256",
    "open_store",
    "qualified_id",
]
