"""The store's two engines behind one fixture, so each store test runs once per engine.

``engine`` (per test) and ``module_engine`` (per module) hand out an :class:`Engine`:
``engine.open()`` opens a store of that engine (SQLite: a file in a temporary folder;
PostGIS: a fresh database copied from a template that holds a new store already, with
its tables and the bundled incidents, 0.05 s), and opening the same name again reopens
the same store. The PostGIS runs carry the ``postgres`` marker.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from borderwatch.store import IncidentStore, open_store
from tests.pgcluster import TEMPLATE_DB, PgCluster

#: The database copied for each PostGIS store: what open_store makes of an empty one.
STORE_TEMPLATE = "borderwatch_store_template"

#: The engines every parametrised store test runs on.
ENGINES = ("sqlite", pytest.param("postgis", marks=pytest.mark.postgres))
#: Tables holding the store's content (scratch tables excluded).
_TABLES = ("audit_log", "border_measures", "datasets", "imports", "incident_cells", "incidents",
           "infrastructure_features", "infrastructure_layers", "meta", "role_grants")


class Engine:
    """Opens stores of one engine, and reads them back whole."""

    def __init__(self, name: str, folder: Path, cluster: PgCluster | None) -> None:
        self.name = name
        self.folder = folder
        self._cluster = cluster
        self._urls: dict[str, str] = {}

    def location(self, name: str = "store") -> str:
        """Where store ``name`` lives: a file path or a database URL (made on first use)."""
        if self._cluster is None:
            return str(self.folder / f"{name}.sqlite")
        if name not in self._urls:
            self._urls[name] = self._cluster.create_database(store_template(self._cluster))
        return self._urls[name]

    def open(self, name: str = "store", **options: object) -> IncidentStore:
        """Open (creating and seeding on first use) store ``name``."""
        if self._cluster is None:
            return open_store(Path(self.location(name)), **options)  # type: ignore[arg-type]
        return open_store(database_url=self.location(name), **options)  # type: ignore[arg-type]

    def dump(self, store_name: str = "store") -> dict[str, list[tuple]]:
        """Every table's layout and rows, in a fixed order: equal dumps mean equal content."""
        if self._cluster is None:
            return sqlite_dump(Path(self.location(store_name)))
        with psycopg.connect(self.location(store_name)) as conn:
            content: dict[str, list[tuple]] = {"schema": conn.execute(
                "SELECT table_name, column_name, data_type FROM information_schema.columns"
                " WHERE table_schema = 'public' ORDER BY 1, 2").fetchall()}
            content["indexes"] = conn.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1").fetchall()
            for table in _TABLES:
                width = len(conn.execute(f"SELECT * FROM {table} LIMIT 0").description or ())
                order = ", ".join(str(index) for index in range(1, width + 1))
                content[table] = conn.execute(f"SELECT * FROM {table} ORDER BY {order}").fetchall()
        return content

    def close(self) -> None:
        """Drop the databases made (a SQLite store goes with its temporary folder)."""
        if self._cluster is not None:
            for url in self._urls.values():
                self._cluster.drop_database(url)


def store_template(cluster: PgCluster) -> str:
    """The name of the database with a new store in it, made once per cluster."""
    if not getattr(cluster, "store_template_made", False):
        with psycopg.connect(cluster.url("postgres"), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {STORE_TEMPLATE} TEMPLATE {TEMPLATE_DB}")
        open_store(database_url=cluster.url(STORE_TEMPLATE)).close()
        cluster.store_template_made = True  # type: ignore[attr-defined]
    return STORE_TEMPLATE


def sqlite_dump(path: Path) -> dict[str, list[tuple]]:
    """Every table of a SQLite store file, its schema and rows, in a fixed order."""
    with sqlite3.connect(path) as conn:
        tables = [row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        content: dict[str, list[tuple]] = {
            "schema": conn.execute("SELECT type, name, sql FROM sqlite_master ORDER BY name").fetchall()
        }
        for table in tables:
            width = len(conn.execute(f"SELECT * FROM {table} LIMIT 0").description)
            order = ", ".join(str(index) for index in range(1, width + 1))
            content[table] = conn.execute(f"SELECT * FROM {table} ORDER BY {order}").fetchall()
    return content


def _engine(request: pytest.FixtureRequest, folder: Path) -> Engine:
    cluster = request.getfixturevalue("pg_cluster") if request.param == "postgis" else None
    return Engine(request.param, folder, cluster)


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """One engine per run of a test."""
    opened = _engine(request, tmp_path)
    yield opened
    opened.close()


@pytest.fixture(scope="module", params=ENGINES)
def module_engine(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """One engine per run of a module's tests (for a store they share)."""
    opened = _engine(request, tmp_path_factory.mktemp("engine"))
    yield opened
    opened.close()
