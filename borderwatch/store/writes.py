"""Writing to the store, for any engine: imports, removals, the duplicate flags, role grants, infrastructure.

An engine's store inherits these and supplies :meth:`IncidentWrites._write`
(one write transaction, as a :class:`~borderwatch.store.dialect.Connection`
holding the writer lock) besides what :class:`~borderwatch.store.reads.IncidentReads` needs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import AbstractContextManager

from borderwatch import config
from borderwatch.errors import DatasetConflictError, PermissionDeniedError, UnknownDatasetError, quoted
from borderwatch.importers.base import ParsedChunk
from borderwatch.infrastructure import InfrastructureFeature
from borderwatch.roles import Role, check_email, check_grantable, require
from borderwatch.store import audit, bordermeasures, duplicates, grants, imports, infrastructure, summaries
from borderwatch.store.dialect import Connection
from borderwatch.store.interface import BUNDLED, Actor, ImportReport, InfrastructureReport, check_dataset_name
from borderwatch.store.reads import IncidentReads


class IncidentWrites(IncidentReads):
    """The writes of :class:`~borderwatch.store.interface.IncidentStore`, for any engine."""

    def _write(self) -> AbstractContextManager[Connection]:
        """One write transaction: committed on success, rolled back on any exception."""
        raise NotImplementedError

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
        """Store parsed chunks as dataset ``dataset``, in one transaction.

        Chunks are consumed one at a time (memory stays bounded by a chunk).
        A record whose ``(dataset, source_id)`` is stored already is updated
        when its ``source_timestamp`` is newer, or when its content differs
        and neither timestamp is older; otherwise it is left as stored.
        Re-importing the same file therefore changes nothing (and does not
        touch the provenance either).

        Parameters
        ----------
        chunks : iterable of ParsedChunk
            From an importer; each frame typed as
            :func:`borderwatch.reference.validate_incident_table` returns it,
            plus ``source_id``, ``source_timestamp`` and ``original``.
        dataset : str
            Name to store under; created if new. Its ``dataset`` column overrides the chunks'.
        format : str
            The file's format; must match the dataset's if the dataset exists.
        file_name, file_hash : str
            Provenance: the file's name and SHA-256.
        strict : bool
            Refuse the whole file if any record was rejected.
        progress : callable, optional
            Called after each chunk with the number of records read so far.
        notes : str
            Free text kept with the dataset.
        mapping : mapping of str to str, optional
            The column mapping the chunks were read with: re-importing a
            record with another mapping updates it even if the record is unchanged.
        actor : Actor
            Who imports, and which way: an import that changes the store is
            recorded in the audit trail, in the same transaction.

        Returns
        -------
        ImportReport

        Raises
        ------
        StrictImportError
            With ``strict`` and at least one rejection; carries the full report; nothing is stored.
        DatasetConflictError
            The dataset holds another format, or the name ``"bundled"`` is used for other data.
        DatasetNameError
            The name is empty, too long or holds control characters (see :func:`check_dataset_name`).
        StoreDamagedError
            The store file is damaged: nothing is written to it.
        StoreBusyError
            Another process kept the store locked past the busy timeout.
        """
        name = check_dataset_name(dataset)
        if name == BUNDLED and format != BUNDLED:
            raise DatasetConflictError(f"the dataset name {BUNDLED!r} is reserved for the bundled incidents")
        with self._write() as conn:
            return imports.import_in_transaction(
                conn, self.dialect, chunks, name, format, file_name, file_hash, strict, progress, notes,
                imports.mapping_signature(format, mapping), actor)

    def flag_duplicates(self) -> int:
        """Recompute every probable-duplicate flag in the store from scratch.

        Imports and removals keep the flags up to date incrementally; this is
        for checking that, or after the rules change.

        Returns
        -------
        int
            Rows flagged as probable duplicates.
        """
        with self._write() as conn:
            conn.execute("DELETE FROM affected")
            conn.execute("INSERT INTO affected (dataset, source_id) SELECT dataset, source_id FROM incidents")
            duplicates.reflag_affected(conn, self.dialect)
            summaries.refresh_cells(conn, self.dialect, summaries.affected_datasets(conn))
            return conn.execute("SELECT COUNT(*) FROM incidents WHERE duplicate_of IS NOT NULL").fetchone()[0]

    def remove_dataset(self, name: str, *, actor: Actor) -> int:
        """Remove a dataset and all its incidents, in one transaction that records it in the audit trail.

        The bundled dataset may be removed too; :meth:`reseed_bundled` brings
        it back. Rows of other datasets flagged as its duplicates are re-checked.

        Parameters
        ----------
        name : str
            The dataset's name.
        actor : Actor
            Who removes it, and which way.

        Returns
        -------
        int
            Incidents removed.

        Raises
        ------
        UnknownDatasetError
            No dataset of that name; the message lists those there are.
        """
        with self._write() as conn:
            # What the audit trail records of the dataset removed.
            provenance = conn.execute(
                "SELECT format, file_name, file_hash FROM datasets WHERE name = ?", (name,)).fetchone()
            if provenance is None:
                known = [row[0] for row in conn.execute("SELECT name FROM datasets ORDER BY import_order")]
                raise UnknownDatasetError(
                    f"no dataset named {quoted(name)}; the store holds: {', '.join(known) or 'none'}"
                )
            conn.execute("DELETE FROM touched")
            conn.execute("DELETE FROM affected")
            conn.execute(
                "INSERT INTO affected (dataset, source_id) SELECT dataset, source_id FROM incidents"
                " WHERE duplicate_of_dataset = ?",
                (name,),
            )
            bordermeasures.forget_measures(conn, self.dialect, "dataset = ?", (name,), removed=True)
            removed = conn.execute("DELETE FROM incidents WHERE dataset = ?", (name,)).rowcount
            bordermeasures.cap_measured_marks(conn, self.dialect)
            conn.execute("DELETE FROM datasets WHERE name = ?", (name,))
            duplicates.reflag_affected(conn, self.dialect)
            summaries.refresh_cells(conn, self.dialect, {name, *summaries.affected_datasets(conn)})
            summaries.recount_longest_span(conn, self.dialect)
            format, file_name, file_hash = provenance
            audit.record(conn, actor, "remove", dataset=name, format=format, file_name=file_name,
                         file_hash=file_hash, removed=removed)
            return removed

    def measure_border(self, border: str, measure: bordermeasures.Measure, signature: str) -> int:
        """Measure, in bulk, every incident that has no measures against ``border`` yet.

        Reads then filter by and return these measures for
        ``IncidentQuery(border=border)``. The incidents are read, measured
        with one call of ``measure`` and stored
        ``config.BORDER_MEASURE_CHUNK_ROWS`` at a time, each chunk in a
        write transaction of its own (imports may run between two). Cheap
        when nothing is missing: a look-up in ``meta``, no scan. After an
        import, only its new (or updated) incidents are measured.

        Parameters
        ----------
        border : str
            Two countries' codes in any order and case (``"TUN-DZA"``). The
            default border's measures are the incidents' own, kept by every
            import: asking for it measures nothing.
        measure : callable
            ``measure(latitude, longitude)`` (arrays of degrees) -> a frame of
            :data:`~borderwatch.borderzone.MEASURE_COLUMNS`, one row per point in order.
        signature : str
            What the border's geometry was built from: when it differs from
            the one stored with the border's measures, every incident is measured again.

        Returns
        -------
        int
            How many incidents were measured.

        Raises
        ------
        InvalidQueryError
            ``border`` is not two three-letter codes.
        ValueError
            ``measure`` returned a frame without a row per point or without the measure columns.
        """
        key = bordermeasures.checked_border(border)
        if bordermeasures.is_default(key):
            return 0
        upto, stored_signature, top = self._measured_state(key)
        if upto is not None and upto >= top and stored_signature == signature:
            return 0  # a read, not a write: no writer lock (nor SQLite's check of the file) for nothing
        measured, finished = 0, False
        while not finished:
            with self._write() as conn:
                done = bordermeasures.measure_chunk(conn, self.dialect, key, measure, signature,
                                                    config.BORDER_MEASURE_CHUNK_ROWS)
            measured += done
            finished = done < config.BORDER_MEASURE_CHUNK_ROWS
        return measured

    def reseed_bundled(self, *, actor: Actor) -> ImportReport:
        """Store the bundled incidents again as dataset ``"bundled"``.

        Safe to call any time: where they are stored already, nothing changes
        (and nothing is recorded).

        Parameters
        ----------
        actor : Actor
            Who asks, recorded in the audit trail when the store changes.

        Returns
        -------
        ImportReport
        """
        with self._write() as conn:
            return imports.import_bundled(conn, self.dialect, actor)

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
        """Store features as one named layer of a border's infrastructure, in one transaction.

        A layer of that name stored for the border before is replaced whole.
        Like an import of incidents, it needs the ``import`` role where the
        caller checks roles (the app); the store records who did it.

        Parameters
        ----------
        border : str
            Two countries' codes in either order (``"TUN-LBY"``).
        features : sequence of InfrastructureFeature
            As :func:`~borderwatch.importers.infrastructure.read_infrastructure`
            gives them (in file order, ids unique); their ``layer`` is ignored.
        layer : str
            The layer's name, checked as a dataset name is (the command line
            names it after the file); ``"preset"`` is reserved.
        file_name, file_hash : str
            Provenance: the file's name and SHA-256.
        actor : Actor
            Who imports, and which way: recorded in the audit trail, in the same transaction.

        Returns
        -------
        InfrastructureReport
            Features added, updated, unchanged and removed. The same file again changes nothing.

        Raises
        ------
        BorderLookupError
            ``border`` names no land border.
        DatasetNameError, DatasetConflictError
            The layer name is empty, too long, holds control characters, or is ``"preset"``.
        DataValidationError
            No feature, or two features with one id.
        """
        key = infrastructure.border_key(border)
        name = infrastructure.checked_layer(layer)
        with self._write() as conn:
            return infrastructure.import_layer(conn, self.dialect, key, name, features, file_name, file_hash, actor)

    def remove_infrastructure(self, border: str, layer: str, *, actor: Actor) -> int:
        """Remove one stored infrastructure layer of a border, in one transaction recorded in the audit trail.

        Like removing a dataset, it needs the ``remove_dataset`` role where the caller checks roles.

        Returns
        -------
        int
            Features removed.

        Raises
        ------
        BorderLookupError
            ``border`` names no land border.
        UnknownLayerError
            The border has no stored layer of that name; the message lists those it has.
        """
        key = infrastructure.border_key(border)
        with self._write() as conn:
            return infrastructure.remove_layer(conn, self.dialect, key, layer.strip(), actor)

    def record_refusal(self, action: str, *, actor: Actor, dataset: str = "") -> None:
        """Record in the audit trail that ``actor``'s role refused ``action``, in a transaction of its own.

        Like any write, it waits for an import that holds the writer lock.

        Parameters
        ----------
        action : str
            ``"import"`` or ``"remove"``.
        actor : Actor
            Who was refused, and which way.
        dataset : str
            The dataset the action was for, when known.
        """
        with self._write() as conn:
            audit.record(conn, actor, action, outcome="refused", dataset=dataset)

    def grant_role(self, email: str, role: Role, *, actor: Actor, acting_role: Role) -> bool:
        """Grant ``role`` to the person who signs in as ``email``, recorded in the audit trail.

        Parameters
        ----------
        email : str
            Their e-mail address, any case (kept lower-case).
        role : Role
            ``ANALYST`` or ``ADMIN`` (:data:`borderwatch.roles.GRANTABLE`); it
            replaces a role granted to them before.
        actor : Actor
            Who grants it, and which way.
        acting_role : Role
            The role of ``actor``: only an admin may grant roles.

        Returns
        -------
        bool
            False when they hold that role by a grant already (nothing changes, nothing is recorded).

        Raises
        ------
        PermissionDeniedError
            ``acting_role`` is not admin; the refusal is recorded in the audit trail.
        EmailAddressError
            ``email`` is not an e-mail address (every problem named).
        ValueError
            ``role`` may not be granted (viewer).
        """
        self._refuse_unless_admin("grant", email, role.label, actor, acting_role)
        address = check_email(email)
        check_grantable(role)
        with self._write() as conn:
            return grants.grant(conn, self.dialect, address, role, actor)

    def revoke_role(self, email: str, *, actor: Actor, acting_role: Role) -> Role:
        """Revoke the role granted to ``email`` in the app, recorded in the audit trail; return that role.

        A role the sign-in settings give stays: it is changed in the settings.

        Raises
        ------
        PermissionDeniedError
            ``acting_role`` is not admin; the refusal is recorded in the audit trail.
        EmailAddressError
            ``email`` is not an e-mail address.
        UnknownGrantError
            ``email`` holds no grant; the message lists those who do.
        """
        self._refuse_unless_admin("revoke", email, "", actor, acting_role)
        address = check_email(email)
        with self._write() as conn:
            return grants.revoke(conn, self.dialect, address, actor)

    def _refuse_unless_admin(self, action: str, email: str, role: str, actor: Actor, acting_role: Role) -> None:
        """Check the role of whoever changes a grant; record a refusal, in a transaction of its own, and raise."""
        try:
            require(acting_role, "grant_role")
        except PermissionDeniedError:
            # The text as sent, cut: a forged request may carry anything.
            shown = email.strip().lower()[:config.EMAIL_MAX_CHARS]
            with self._write() as conn:
                audit.record(conn, actor, action, outcome="refused", email=shown, role=role)
            raise
