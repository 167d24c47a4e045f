"""A throwaway PostgreSQL + PostGIS cluster for the tests, on loopback, in a temporary folder.

Uses Debian's ``postgresql-15`` and ``postgresql-15-postgis-3`` (``scripts/test.sh`` installs
them). PostgreSQL refuses to run as root, and the tests run as root in CI, so the cluster
then runs as the ``postgres`` OS user (which owns its folder); otherwise as the current user.
pytest-postgresql has no way to run ``initdb``/``pg_ctl`` as another OS user, hence this module.

The cluster listens on 127.0.0.1 only (no Unix socket) and trusts every connection it can
receive, so nothing but this machine's loopback reaches it. Durability is switched off: the
cluster is thrown away at the end of the session.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

PG_BIN = Path("/usr/lib/postgresql/15/bin")
POSTGIS_CONTROL = Path("/usr/share/postgresql/15/extension/postgis.control")
SUPERUSER = "postgres"
TEMPLATE_DB = "borderwatch_template"
# Settings appended to postgresql.conf. fsync and friends are off because the data is disposable.
SERVER_SETTINGS = """
listen_addresses = '127.0.0.1'
port = {port}
unix_socket_directories = ''
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 100
shared_buffers = 128MB
log_min_messages = warning
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PgCluster:
    """One PostgreSQL cluster in its own temporary folder.

    Parameters
    ----------
    bin_dir : Path
        Folder of ``initdb`` and ``pg_ctl``.
    """

    def __init__(self, bin_dir: Path = PG_BIN) -> None:
        self.bin_dir = bin_dir
        self.port = _free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="borderwatch-pg-"))
        self.datadir = self.folder / "data"
        self.logfile = self.folder / "server.log"
        self.start_seconds: float | None = None
        self._databases_made = 0
        self._os_user = SUPERUSER if os.geteuid() == 0 else None
        if self._os_user is not None:
            try:
                account = pwd.getpwnam(self._os_user)
            except KeyError:
                raise RuntimeError("as root the cluster runs as the 'postgres' OS user, "
                                   "which postgresql-15 creates: install it") from None
            shutil.chown(self.folder, account.pw_uid, account.pw_gid)

    def _run(self, *args: str) -> None:
        """Run a PostgreSQL program as the cluster's owner; raise with its output if it fails."""
        extra: dict = {}
        if self._os_user is not None:
            extra = {"user": self._os_user, "group": self._os_user, "extra_groups": []}
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C.UTF-8"}
        result = subprocess.run(
            [str(self.bin_dir / args[0]), *args[1:]],
            cwd=self.folder, env=env, stdin=subprocess.DEVNULL,
            capture_output=True, text=True, check=False, **extra,
        )
        if result.returncode != 0:
            log = self.logfile.read_text() if self.logfile.exists() else ""
            raise RuntimeError(
                f"{args[0]} failed ({result.returncode}): {result.stdout}{result.stderr}\n{log}"
            )

    def start(self) -> None:
        """Create the cluster, start it and make a PostGIS template database."""
        started = time.perf_counter()
        if not (self.bin_dir / "initdb").exists():
            raise RuntimeError(f"{self.bin_dir}/initdb not found: install postgresql-15")
        if not POSTGIS_CONTROL.exists():
            raise RuntimeError(f"{POSTGIS_CONTROL} not found: install postgresql-15-postgis-3")
        # C collation: text sorts by code point, as in the embedded SQLite store.
        self._run("initdb", "--pgdata", str(self.datadir), "--username", SUPERUSER,
                  "--auth", "trust", "--encoding", "UTF8", "--locale", "C", "--no-sync")
        with open(self.datadir / "postgresql.conf", "a") as conf:
            conf.write(SERVER_SETTINGS.format(port=self.port))
        self._run("pg_ctl", "start", "--pgdata", str(self.datadir), "--log", str(self.logfile),
                  "--wait", "--timeout", "60")
        self._execute("postgres", f"CREATE DATABASE {TEMPLATE_DB}")
        self._execute(TEMPLATE_DB, "CREATE EXTENSION postgis")
        self.start_seconds = time.perf_counter() - started

    def stop(self) -> None:
        """Stop the server and remove its folder."""
        try:
            if (self.datadir / "postmaster.pid").exists():
                self._run("pg_ctl", "stop", "--pgdata", str(self.datadir), "--mode", "fast",
                          "--wait", "--timeout", "60")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)

    def pause(self) -> None:
        """Stop the server as a restart would (connections cut, data kept); :meth:`resume` starts it again."""
        self._run("pg_ctl", "stop", "--pgdata", str(self.datadir), "--mode", "fast", "--wait", "--timeout", "60")

    def resume(self) -> None:
        """Start the server that :meth:`pause` stopped, on the same port with the same data."""
        self._run("pg_ctl", "start", "--pgdata", str(self.datadir), "--log", str(self.logfile),
                  "--wait", "--timeout", "60")

    def url(self, dbname: str) -> str:
        """Connection URL of database ``dbname`` as the superuser."""
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{dbname}"

    def _execute(self, dbname: str, sql: str) -> None:
        with psycopg.connect(self.url(dbname), autocommit=True) as connection:
            connection.execute(sql)

    def create_database(self, template: str = TEMPLATE_DB) -> str:
        """Create a new database with PostGIS (a copy of ``template``); return its URL."""
        self._databases_made += 1
        name = f"test_{self._databases_made}"
        self._execute("postgres", f"CREATE DATABASE {name} TEMPLATE {template}")
        return self.url(name)

    def drop_database(self, url: str) -> None:
        """Drop the database of ``url``, closing whatever connections it still has."""
        name = url.rsplit("/", 1)[1]
        self._execute("postgres", f"DROP DATABASE {name} WITH (FORCE)")


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PgCluster]:
    """A running cluster for the whole session, removed at its end."""
    cluster = PgCluster()
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture
def postgis_url(pg_cluster: PgCluster) -> Iterator[str]:
    """URL of a fresh database with PostGIS, one per test, dropped after it."""
    url = pg_cluster.create_database()
    yield url
    pg_cluster.drop_database(url)
