"""A border's infrastructure imported from files, kept in the store by layer, on both engines.

An import of an infrastructure file (:func:`borderwatch.importers.infrastructure.read_infrastructure`)
is one named *layer* of one border: ``infrastructure_layers`` keeps its
provenance (file name and SHA-256, when and by whom, and its counts of
features, lines and points), ``infrastructure_features`` its features, one
row each, keyed by ``(border, layer, feature_id)``. Importing a layer of the
same name for the same border again replaces it whole; the report counts what
was added, updated, unchanged or removed, told apart by a digest of each
feature's stored content. A feature's status periods and other columns are
JSON text (keys in the file's order, text as the file writes it); dates are
ISO text; the geometry is WKB in SQLite and ``geometry(Geometry, 4326)``
with a GiST index in PostGIS, both keeping the coordinates exactly.

Every change runs in the caller's write transaction, with its audit entry
(the border in the entry's ``border``, the layer in its ``dataset``) and a
new store revision, so the app's caches read the change on their next run.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from datetime import date
from typing import Any, Final

import pandas as pd
import shapely

from borderwatch.borders import find_border
from borderwatch.errors import DatasetConflictError, DataValidationError, UnknownLayerError, quoted
from borderwatch.infrastructure import PRESET_LAYER, InfrastructureFeature, InfrastructurePeriod, is_line
from borderwatch.store import audit
from borderwatch.store.dialect import Connection, Dialect
from borderwatch.store.interface import Actor, InfrastructureReport, check_dataset_name
from borderwatch.store.schema import bump_revision

#: The columns of :meth:`~borderwatch.store.interface.IncidentStore.infrastructure_layers`, in order.
LAYER_COLUMNS: Final[tuple[str, ...]] = (
    "border", "layer", "features", "lines", "points", "file_name", "file_hash", "imported_at", "imported_by")
#: A feature's stored columns, in the order rows are built; the geometry comes last.
FEATURE_COLUMNS: Final[tuple[str, ...]] = (
    "border", "layer", "file_order", "feature_id", "name", "kind", "built_from", "built_to", "periods", "sources",
    "notes", "properties", "file_rows", "content_hash", "geometry")
#: The tables in SQLite (PostGIS's are frozen in migration 5 of :mod:`.pgschema`).
SQLITE_SCHEMA: Final[tuple[str, ...]] = (
    "CREATE TABLE IF NOT EXISTS infrastructure_layers (border TEXT NOT NULL, layer TEXT NOT NULL,"
    " features INTEGER NOT NULL, lines INTEGER NOT NULL, points INTEGER NOT NULL, file_name TEXT NOT NULL,"
    " file_hash TEXT NOT NULL, imported_at TEXT NOT NULL, imported_by TEXT NOT NULL, PRIMARY KEY (border, layer))",
    "CREATE TABLE IF NOT EXISTS infrastructure_features (border TEXT NOT NULL, layer TEXT NOT NULL,"
    " file_order INTEGER NOT NULL, feature_id TEXT NOT NULL, name TEXT NOT NULL, kind TEXT NOT NULL,"
    " built_from TEXT, built_to TEXT, periods TEXT NOT NULL, sources TEXT NOT NULL, notes TEXT NOT NULL,"
    " properties TEXT NOT NULL, file_rows TEXT NOT NULL, content_hash TEXT NOT NULL, geometry BLOB NOT NULL,"
    " PRIMARY KEY (border, layer, feature_id))",
)


def border_key(border: str) -> str:
    """The key of the land border ``border`` names in either order (``"TUN-LBY"`` -> ``"LBY-TUN"``).

    Raises
    ------
    BorderLookupError
        Not two codes of countries that share a land border (close matches offered).
    """
    return find_border(border).key


def checked_layer(layer: str) -> str:
    """A layer name stripped of outer spaces, checked as a dataset name is; the preset's name is refused.

    Raises
    ------
    DatasetNameError
        Empty, too long, or holding control or bidirectional characters.
    DatasetConflictError
        :data:`~borderwatch.infrastructure.PRESET_LAYER`, which names the bundled features.
    """
    name = check_dataset_name(layer)
    if name == PRESET_LAYER:
        raise DatasetConflictError(
            f"the layer name {PRESET_LAYER!r} is reserved for a border's bundled features: choose another")
    return name


def _day(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _periods_json(periods: Sequence[InfrastructurePeriod]) -> str:
    return json.dumps([{"status": period.status, "start": period.start.isoformat(), "end": _day(period.end),
                        "sources": period.sources, "notes": period.notes, "row": period.row}
                       for period in periods], ensure_ascii=False)


def _row(border: str, layer: str, order: int, feature: InfrastructureFeature) -> tuple[Any, ...]:
    """A feature as a row of ``infrastructure_features`` (:data:`FEATURE_COLUMNS`)."""
    content = (feature.name, feature.kind, _day(feature.built_from), _day(feature.built_to),
               _periods_json(feature.periods), feature.sources, feature.notes,
               json.dumps(feature.properties, ensure_ascii=False), json.dumps(list(feature.rows)))
    wkb = shapely.to_wkb(feature.geometry, output_dimension=2)
    digest = hashlib.sha256(json.dumps([order, *content], ensure_ascii=False).encode("utf-8", "surrogatepass"))
    digest.update(wkb)
    return (border, layer, order, feature.id, *content, digest.hexdigest(), wkb)


def _checked_features(features: Sequence[InfrastructureFeature], file_name: str) -> None:
    """Refuse what no file read gives: no feature at all, or one id twice (every problem at once)."""
    seen: set[str] = set()
    twice = []
    for feature in features:
        if feature.id in seen:
            twice.append(f"the feature id {quoted(feature.id)} is given to more than one feature")
        seen.add(feature.id)
    if not features:
        twice.append("there is no feature to store (remove the layer instead)")
    if twice:
        raise DataValidationError(file_name, twice)


def import_layer(
    conn: Connection, dialect: Dialect, border: str, layer: str, features: Sequence[InfrastructureFeature],
    file_name: str, file_hash: str, actor: Actor,
) -> InfrastructureReport:
    """Store ``features`` as layer ``layer`` of ``border``, replacing that layer whole, inside the caller's write.

    Parameters
    ----------
    conn : Connection
    dialect : Dialect
    border : str
        A border's key (:func:`border_key`).
    layer : str
        Checked already (:func:`checked_layer`).
    features : sequence of InfrastructureFeature
        In file order, ids unique.
    file_name, file_hash : str
        The file's name and SHA-256.
    actor : Actor
        Who imports, recorded in the audit trail.

    Returns
    -------
    InfrastructureReport
        When the layer holds exactly these features already, nothing is
        written (nor recorded): its provenance stays that of the earlier import.

    Raises
    ------
    DataValidationError
        No feature, or two with the same id.
    """
    _checked_features(features, file_name)
    rows = [_row(border, layer, order, feature) for order, feature in enumerate(features)]
    stored = dict(conn.execute(
        "SELECT feature_id, content_hash FROM infrastructure_features WHERE border = ? AND layer = ?",
        (border, layer)).fetchall())
    existed = conn.execute("SELECT 1 FROM infrastructure_layers WHERE border = ? AND layer = ?",
                           (border, layer)).fetchone() is not None
    given = {row[3]: row[-2] for row in rows}
    kept = given.keys() & stored.keys()
    unchanged = sum(given[feature_id] == stored[feature_id] for feature_id in kept)
    report = InfrastructureReport(
        border, layer, len(rows), added=len(given.keys() - stored.keys()), updated=len(kept) - unchanged,
        unchanged=unchanged, removed=len(stored.keys() - given.keys()))
    if existed and report.unchanged == len(rows) == len(stored):
        return report
    conn.execute("DELETE FROM infrastructure_features WHERE border = ? AND layer = ?", (border, layer))
    marks = dialect.marks(len(FEATURE_COLUMNS) - 1)
    conn.executemany(
        f"INSERT INTO infrastructure_features ({', '.join(FEATURE_COLUMNS)}) VALUES ({marks}, {dialect.geometry_in()})",
        rows)
    lines = sum(is_line(feature) for feature in features)
    imported_at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    conn.execute("DELETE FROM infrastructure_layers WHERE border = ? AND layer = ?", (border, layer))
    conn.execute(
        f"INSERT INTO infrastructure_layers ({', '.join(LAYER_COLUMNS)}) VALUES ({dialect.marks(len(LAYER_COLUMNS))})",
        (border, layer, len(rows), lines, len(rows) - lines, file_name, file_hash, imported_at, actor.name))
    audit.record(conn, actor, "update infrastructure" if existed else "import infrastructure", dataset=layer,
                 border=border, file_name=file_name, file_hash=file_hash, added=report.added,
                 updated=report.updated, unchanged=report.unchanged, removed=report.removed)
    bump_revision(conn, dialect)
    return report


def remove_layer(conn: Connection, dialect: Dialect, border: str, layer: str, actor: Actor) -> int:
    """Remove layer ``layer`` of ``border`` and its features, inside the caller's write; return how many went.

    Raises
    ------
    UnknownLayerError
        The border has no stored layer of that name; the message lists those it has.
    """
    provenance = conn.execute("SELECT file_name, file_hash FROM infrastructure_layers WHERE border = ? AND layer = ?",
                              (border, layer)).fetchone()
    if provenance is None:
        known = [row[0] for row in conn.execute(
            "SELECT layer FROM infrastructure_layers WHERE border = ? ORDER BY layer", (border,))]
        raise UnknownLayerError(
            f"no infrastructure layer named {quoted(layer)} is stored for {border}; stored for it: "
            f"{', '.join(map(quoted, known)) or 'none'} (a bundled preset is not stored and cannot be removed)")
    removed = conn.execute("DELETE FROM infrastructure_features WHERE border = ? AND layer = ?",
                           (border, layer)).rowcount
    conn.execute("DELETE FROM infrastructure_layers WHERE border = ? AND layer = ?", (border, layer))
    audit.record(conn, actor, "remove infrastructure", dataset=layer, border=border, file_name=provenance[0],
                 file_hash=provenance[1], removed=removed)
    bump_revision(conn, dialect)
    return int(removed)


def features_sql(dialect: Dialect) -> str:
    """The query of a border's features (one parameter: its key), by layer, then in file order."""
    columns = ", ".join(column for column in FEATURE_COLUMNS if column not in ("border", "content_hash", "geometry"))
    return (f"SELECT {columns}, {dialect.geometry_out('geometry')} FROM infrastructure_features"
            " WHERE border = ? ORDER BY layer, file_order")


def _date(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)


def as_features(rows: Sequence[Sequence[Any]]) -> list[InfrastructureFeature]:
    """The rows of :func:`features_sql` as features, each with its layer's name."""
    features = []
    for (layer, _order, feature_id, name, kind, built_from, built_to, periods, sources, notes, properties,
         file_rows, wkb) in rows:
        features.append(InfrastructureFeature(
            id=feature_id, name=name, kind=kind, geometry=shapely.from_wkb(bytes(wkb)),
            built_from=_date(built_from), built_to=_date(built_to),
            periods=tuple(InfrastructurePeriod(status=item["status"], start=date.fromisoformat(item["start"]),
                                               end=_date(item["end"]), sources=item["sources"],
                                               notes=item["notes"], row=item["row"])
                          for item in json.loads(periods)),
            sources=sources, notes=notes, properties=json.loads(properties), rows=tuple(json.loads(file_rows)),
            layer=layer,
        ))
    return features


def layers_sql(border: str | None) -> tuple[str, tuple[str, ...]]:
    """The query of the stored layers (of one border, or all), by border and layer, and its parameters."""
    sql = f"SELECT {', '.join(LAYER_COLUMNS)} FROM infrastructure_layers"
    if border is None:
        return sql + " ORDER BY border, layer", ()
    return sql + " WHERE border = ? ORDER BY layer", (border,)


def as_layers_frame(rows: Sequence[Sequence[Any]]) -> pd.DataFrame:
    """The rows of :func:`layers_sql` as a frame: counts integers, ``imported_at`` a UTC timestamp."""
    frame = pd.DataFrame([tuple(row) for row in rows], columns=list(LAYER_COLUMNS), dtype=object)
    frame["imported_at"] = pd.to_datetime(frame["imported_at"], utc=True)
    return frame.astype({column: "int64" for column in ("features", "lines", "points")})
