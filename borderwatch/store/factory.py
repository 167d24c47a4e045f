"""Opening the store: the one place that names its engines.

The embedded SQLite store is the default; a ``postgresql://`` URL (the
``database_url`` argument, else :data:`~borderwatch.config.DATABASE_URL_ENV`
when no file is named) selects the PostGIS store.
"""

from __future__ import annotations

import os
from pathlib import Path

from borderwatch import config
from borderwatch.errors import StoreUnavailableError
from borderwatch.store.interface import IncidentStore
from borderwatch.store.paths import DATA_DIR_ENV, DATABASE_FILE, data_dir
from borderwatch.store.sqlite import DEFAULT_BUSY_TIMEOUT_S, SQLiteStore


def configured_database_url(explicit: str | None = None) -> str | None:
    """The PostGIS database to use: ``explicit``, else :data:`~borderwatch.config.DATABASE_URL_ENV`, else None.

    Parameters
    ----------
    explicit : str, optional
        A URL given on the command line.

    Returns
    -------
    str or None
    """
    url = (explicit or os.environ.get(config.DATABASE_URL_ENV, "")).strip()
    return url or None


def open_store(
    path: Path | None = None, *, database_url: str | None = None,
    busy_timeout_s: float = DEFAULT_BUSY_TIMEOUT_S, allow_damaged: bool = False
) -> IncidentStore:
    """Open the store, creating and seeding it on first use.

    Parameters
    ----------
    path : pathlib.Path, optional
        The database file; by default :data:`DATABASE_FILE` in :func:`data_dir`.
        Its folder is created if missing.
    database_url : str, optional
        A ``postgresql://`` URL: open the PostGIS store there instead. Without
        it (and without ``path``), :data:`~borderwatch.config.DATABASE_URL_ENV` may name one.
    busy_timeout_s : float
        How long a write waits for another process's write.
    allow_damaged : bool
        Open a store that fails its integrity check anyway, to read what can
        be read (an export); it is still never written to.

    Returns
    -------
    IncidentStore
        A :class:`~borderwatch.store.sqlite.SQLiteStore` (or a
        :class:`~borderwatch.store.postgis.PostGISStore`), with the schema in place and,
        the first time only, the bundled incidents stored as dataset ``"bundled"``. Removing that dataset later
        does not bring it back on the next open (see :meth:`IncidentStore.reseed_bundled`).

    Raises
    ------
    StoreDamagedError
        The file fails SQLite's quick check (see :meth:`IncidentStore.check_integrity`).
    StoreUnavailableError
        The folder is missing and cannot be made, or the store cannot be
        opened or written there; the message names the folder. For PostGIS:
        the server cannot be reached, refuses the login, lacks PostGIS, or
        the tables are missing and the role may not create them.
    """
    url = database_url or (None if path is not None else configured_database_url())
    if url is not None:
        return _open_postgis(url, busy_timeout_s)
    path = Path(path) if path is not None else data_dir() / DATABASE_FILE
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise StoreUnavailableError(
            f"{path.parent}: the folder of the store is missing and cannot be made ({error.strerror or error}): "
            f"create it, or set {DATA_DIR_ENV} (or --data-dir) to a folder you can write to"
        ) from error
    effective = os.access in os.supports_effective_ids
    if path.exists() and not os.access(path.parent, os.W_OK | os.X_OK, effective_ids=effective):
        # SQLite would open the file and fail on the first write, with a message about the database.
        raise StoreUnavailableError(
            f"{path.parent}: the folder of the store is read-only: BorderWatch needs to write there "
            f"(beside {path.name}); make it writable, or set {DATA_DIR_ENV} (or --data-dir) to a folder "
            "you can write to"
        )
    store = SQLiteStore(path, busy_timeout_s=busy_timeout_s)
    try:
        if not allow_damaged:
            store.check_integrity()
        store.seed_once()
    except BaseException:
        store.close()
        raise
    return store


def _open_postgis(url: str, busy_timeout_s: float) -> IncidentStore:
    """Open (and on first use create and seed) the PostGIS store at ``url``."""
    if not url.startswith(("postgresql://", "postgres://")):
        raise StoreUnavailableError(f"{url.split('@')[-1]}: not a postgresql:// URL")
    # Imported here: the embedded store must not need the PostgreSQL driver loaded.
    from borderwatch.store.postgis import PostGISStore

    store = PostGISStore(url, busy_timeout_s=busy_timeout_s)
    try:
        store.seed_once()
    except BaseException:
        store.close()
        raise
    return store
