"""The PostGIS store's migrations are frozen: what they make never changes with the embedded store's DDL.

The expectations below were read from databases made by migrations 1 and 2 as they
shipped (when they were still derived from the SQLite DDL at run time); a database
made by them today must hold the same columns, types, collations, keys, indexes and
triggers, so that a store created then and one created now are the same store.
"""

from __future__ import annotations

import importlib.util
import sqlite3
from pathlib import Path

import psycopg
import pytest

from borderwatch.store import audit, open_store, pgschema, schema
from borderwatch.store.pgschema import MIGRATIONS

# One line per column: table.column type [COLLATE c] [NOT NULL] [IDENTITY …] [GENERATED expression].
_COLUMNS_SQL = """
    SELECT c.table_name || '.' || c.column_name || ' ' || format_type(a.atttypid, a.atttypmod)
        || CASE WHEN c.collation_name IS NULL THEN '' ELSE ' COLLATE ' || c.collation_name END
        || CASE WHEN c.is_nullable = 'NO' THEN ' NOT NULL' ELSE '' END
        || CASE WHEN c.is_identity = 'YES' THEN ' IDENTITY ' || c.identity_generation ELSE '' END
        || CASE WHEN c.generation_expression IS NULL THEN '' ELSE ' GENERATED ' || c.generation_expression END
    FROM information_schema.columns c
    JOIN pg_attribute a ON a.attrelid = c.table_name::regclass AND a.attname = c.column_name
    WHERE c.table_schema = 'public' AND c.table_name = ANY(%s)
    ORDER BY c.table_name, c.ordinal_position"""
_INDEXES_SQL = "SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename = ANY(%s) ORDER BY indexname"
_CONSTRAINTS_SQL = """
    SELECT conrelid::regclass::text || ' ' || conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint
    WHERE conrelid::regclass::text = ANY(%s) ORDER BY 1"""
_TRIGGERS_SQL = (
    "SELECT pg_get_triggerdef(oid) FROM pg_trigger WHERE NOT tgisinternal AND tgrelid::regclass::text = ANY(%s)"
    " ORDER BY tgname")

MIGRATION_1_TABLES = ["datasets", "imports", "incident_cells", "incidents", "meta"]
MIGRATION_1_COLUMNS = """
datasets.name text COLLATE C NOT NULL
datasets.format text COLLATE C NOT NULL
datasets.import_order integer NOT NULL
datasets.file_name text COLLATE C NOT NULL
datasets.file_hash text COLLATE C NOT NULL
datasets.imported_at text COLLATE C NOT NULL
datasets.rows_read integer NOT NULL
datasets.accepted integer NOT NULL
datasets.rejected integer NOT NULL
datasets.added integer NOT NULL
datasets.updated integer NOT NULL
datasets.unchanged integer NOT NULL
datasets.notes text COLLATE C NOT NULL
imports.import_id bigint NOT NULL IDENTITY BY DEFAULT
imports.dataset text COLLATE C NOT NULL
imports.format text COLLATE C NOT NULL
imports.file_name text COLLATE C NOT NULL
imports.file_hash text COLLATE C NOT NULL
imports.imported_at text COLLATE C NOT NULL
imports.rows_read integer NOT NULL
imports.accepted integer NOT NULL
imports.rejected integer NOT NULL
imports.added integer NOT NULL
imports.updated integer NOT NULL
imports.unchanged integer NOT NULL
incident_cells.level integer NOT NULL
incident_cells.cell_x integer NOT NULL
incident_cells.cell_y integer NOT NULL
incident_cells.event_month integer NOT NULL
incident_cells.event_type text COLLATE C NOT NULL
incident_cells.country text COLLATE C NOT NULL
incident_cells.dataset text COLLATE C NOT NULL
incident_cells.duplicate integer NOT NULL
incident_cells.incidents integer NOT NULL
incident_cells.deaths integer NOT NULL
incident_cells.sum_latitude double precision NOT NULL
incident_cells.sum_longitude double precision NOT NULL
incidents.dataset text COLLATE C NOT NULL
incidents.source_id text COLLATE C NOT NULL
incidents.id text COLLATE C NOT NULL
incidents.event_date text COLLATE C NOT NULL
incidents.end_date text COLLATE C
incidents.date_precision text COLLATE C NOT NULL
incidents.event_type text COLLATE C NOT NULL
incidents.sub_event_type text COLLATE C NOT NULL
incidents.type_original text COLLATE C NOT NULL
incidents.actor1 text COLLATE C NOT NULL
incidents.actor2 text COLLATE C NOT NULL
incidents.actors text COLLATE C NOT NULL
incidents.country text COLLATE C NOT NULL
incidents.iso3 text COLLATE C NOT NULL
incidents.admin1 text COLLATE C NOT NULL
incidents.location text COLLATE C NOT NULL
incidents.latitude double precision NOT NULL
incidents.longitude double precision NOT NULL
incidents.geo_precision integer NOT NULL
incidents.precision_km double precision
incidents.location_basis text COLLATE C NOT NULL
incidents.deaths_low integer
incidents.deaths_best integer
incidents.deaths_high integer
incidents.deaths_militants_low integer
incidents.deaths_militants_best integer
incidents.deaths_militants_high integer
incidents.deaths_security_low integer
incidents.deaths_security_best integer
incidents.deaths_security_high integer
incidents.deaths_civilians_low integer
incidents.deaths_civilians_best integer
incidents.deaths_civilians_high integer
incidents.wounded_low integer
incidents.wounded_best integer
incidents.wounded_high integer
incidents.deaths_note text COLLATE C NOT NULL
incidents.wounded_note text COLLATE C NOT NULL
incidents.description text COLLATE C NOT NULL
incidents.sources text COLLATE C NOT NULL
incidents.notes text COLLATE C NOT NULL
incidents.source_timestamp bigint
incidents.original text COLLATE C NOT NULL
incidents.last_date text COLLATE C NOT NULL
incidents.event_day integer NOT NULL
incidents.event_month integer NOT NULL
incidents.grid_x integer NOT NULL
incidents.grid_y integer NOT NULL
incidents.distance_border_km double precision
incidents.distance_barrier_km double precision
incidents.border_side text COLLATE C NOT NULL
incidents.between_barrier_and_border integer NOT NULL
incidents.border_position_km double precision
incidents.content_hash text COLLATE C NOT NULL
incidents.duplicate_of text COLLATE C
incidents.duplicate_of_dataset text COLLATE C
incidents.duplicate_of_source_id text COLLATE C
incidents.geom geometry(Point,4326) GENERATED st_setsrid(st_makepoint(longitude, latitude), 4326)
meta.key text COLLATE C NOT NULL
meta.value text COLLATE C NOT NULL
""".strip().splitlines()
MIGRATION_1_INDEXES = [
    "CREATE UNIQUE INDEX datasets_import_order_key ON public.datasets USING btree (import_order)",
    "CREATE UNIQUE INDEX datasets_pkey ON public.datasets USING btree (name)",
    "CREATE UNIQUE INDEX imports_pkey ON public.imports USING btree (import_id)",
    "CREATE INDEX incident_cells_dataset ON public.incident_cells USING btree (dataset, level)",
    "CREATE INDEX incident_cells_view ON public.incident_cells USING btree (level, cell_x, cell_y)",
    "CREATE INDEX incidents_actor1 ON public.incidents USING btree (actor1)",
    "CREATE INDEX incidents_actor2 ON public.incidents USING btree (actor2)",
    "CREATE INDEX incidents_border_distance ON public.incidents USING btree (distance_border_km)",
    "CREATE INDEX incidents_duplicate_of ON public.incidents USING btree (duplicate_of_dataset, duplicate_of_source_id)"
    " WHERE (duplicate_of_dataset IS NOT NULL)",
    "CREATE INDEX incidents_duplicate_search ON public.incidents"
    " USING btree (dataset, event_type, event_day, latitude)",
    "CREATE INDEX incidents_event_date ON public.incidents USING btree (event_date)",
    "CREATE INDEX incidents_geom ON public.incidents USING gist (geom)",
    "CREATE UNIQUE INDEX incidents_id ON public.incidents USING btree (id)",
    "CREATE INDEX incidents_lat_lon ON public.incidents USING btree (latitude, longitude)",
    "CREATE UNIQUE INDEX incidents_pkey ON public.incidents USING btree (dataset, source_id)",
    "CREATE UNIQUE INDEX meta_pkey ON public.meta USING btree (key)",
]
MIGRATION_1_CONSTRAINTS = [
    "datasets datasets_import_order_key UNIQUE (import_order)",
    "datasets datasets_pkey PRIMARY KEY (name)",
    "imports imports_pkey PRIMARY KEY (import_id)",
    "incidents incidents_dataset_fkey FOREIGN KEY (dataset) REFERENCES datasets(name)",
    "incidents incidents_pkey PRIMARY KEY (dataset, source_id)",
    "meta meta_pkey PRIMARY KEY (key)",
]
MIGRATION_2_COLUMNS = ["audit_log.entry_id bigint NOT NULL IDENTITY BY DEFAULT"] + [
    f"audit_log.{column} text COLLATE C NOT NULL"
    for column in ("recorded_at", "actor", "via", "action", "outcome", "dataset", "format", "file_name", "file_hash")
] + [f"audit_log.{column} integer NOT NULL" for column in ("added", "updated", "unchanged", "rejected", "removed")]
MIGRATION_2_TRIGGERS = [
    "CREATE TRIGGER audit_log_no_change BEFORE DELETE OR UPDATE ON public.audit_log"
    " FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()",
    "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON public.audit_log"
    " FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()",
]


MIGRATION_5_TABLES = ["infrastructure_features", "infrastructure_layers"]
MIGRATION_5_COLUMNS = [
    *(f"infrastructure_features.{column}" for column in (
        "border text COLLATE C NOT NULL", "layer text COLLATE C NOT NULL", "file_order integer NOT NULL",
        "feature_id text COLLATE C NOT NULL", "name text COLLATE C NOT NULL", "kind text COLLATE C NOT NULL",
        "built_from text COLLATE C", "built_to text COLLATE C", "periods text COLLATE C NOT NULL",
        "sources text COLLATE C NOT NULL", "notes text COLLATE C NOT NULL", "properties text COLLATE C NOT NULL",
        "file_rows text COLLATE C NOT NULL", "content_hash text COLLATE C NOT NULL",
        "geometry geometry(Geometry,4326) NOT NULL")),
    *(f"infrastructure_layers.{column}" for column in (
        "border text COLLATE C NOT NULL", "layer text COLLATE C NOT NULL", "features integer NOT NULL",
        "lines integer NOT NULL", "points integer NOT NULL", "file_name text COLLATE C NOT NULL",
        "file_hash text COLLATE C NOT NULL", "imported_at text COLLATE C NOT NULL",
        "imported_by text COLLATE C NOT NULL")),
]
MIGRATION_5_INDEXES = [
    "CREATE INDEX infrastructure_features_geometry ON public.infrastructure_features USING gist (geometry)",
    "CREATE UNIQUE INDEX infrastructure_features_pkey ON public.infrastructure_features"
    " USING btree (border, layer, feature_id)",
    "CREATE UNIQUE INDEX infrastructure_layers_pkey ON public.infrastructure_layers USING btree (border, layer)",
]


def _apply(url: str, number: int) -> None:
    """Run migration ``number`` alone, as the store's upgrade does."""
    statements = next(statements for found, _, statements in MIGRATIONS if found == number)
    with psycopg.connect(url) as conn:
        for statement in statements:
            conn.execute(statement)


def _rows(url: str, sql: str, tables: list[str]) -> list[str]:
    with psycopg.connect(url) as conn:
        return [row[0] for row in conn.execute(sql, (tables,))]


@pytest.mark.postgres
def test_migration_1_makes_the_tables_it_made_when_it_shipped(postgis_url):
    _apply(postgis_url, 1)
    assert _rows(postgis_url, _COLUMNS_SQL, MIGRATION_1_TABLES) == MIGRATION_1_COLUMNS
    assert _rows(postgis_url, _INDEXES_SQL, MIGRATION_1_TABLES) == MIGRATION_1_INDEXES
    assert _rows(postgis_url, _CONSTRAINTS_SQL, MIGRATION_1_TABLES) == MIGRATION_1_CONSTRAINTS


@pytest.mark.postgres
def test_migration_2_makes_the_append_only_audit_trail_it_made_when_it_shipped(postgis_url):
    _apply(postgis_url, 1)
    _apply(postgis_url, 2)
    assert _rows(postgis_url, _COLUMNS_SQL, ["audit_log"]) == MIGRATION_2_COLUMNS
    assert _rows(postgis_url, _TRIGGERS_SQL, ["audit_log"]) == MIGRATION_2_TRIGGERS


@pytest.mark.postgres
def test_migration_5_makes_the_infrastructure_tables_and_the_audit_trails_border(postgis_url):
    for number in range(1, 6):
        _apply(postgis_url, number)
    assert _rows(postgis_url, _COLUMNS_SQL, MIGRATION_5_TABLES) == MIGRATION_5_COLUMNS
    assert _rows(postgis_url, _INDEXES_SQL, MIGRATION_5_TABLES) == MIGRATION_5_INDEXES
    assert _rows(postgis_url, _COLUMNS_SQL, ["audit_log"])[-1] == "audit_log.border text COLLATE C NOT NULL"


def test_a_change_to_the_embedded_stores_ddl_leaves_the_migrations_as_they_are(monkeypatch):
    shipped = pgschema.MIGRATIONS
    monkeypatch.setattr(schema, "SCHEMA", (*schema.SCHEMA, "ALTER TABLE incidents ADD COLUMN later TEXT"))
    monkeypatch.setattr(schema, "column_ddl", lambda column: f"{column} BLOB")
    monkeypatch.setattr(audit, "AUDIT_TABLE", "CREATE TABLE audit_log (entry_id INTEGER PRIMARY KEY, later TEXT)")
    # A fresh copy of the module, built while the shared DDL reads differently.
    spec = importlib.util.spec_from_file_location("pgschema_after_a_change", pgschema.__file__)
    assert spec is not None and spec.loader is not None
    rebuilt = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(rebuilt)
    assert shipped == rebuilt.MIGRATIONS


@pytest.mark.postgres
def test_both_engines_store_the_same_columns(postgis_url, tmp_path: Path):
    """A column added to the embedded store's DDL needs a new PostGIS migration: this fails until it has one."""
    open_store(tmp_path / "store.sqlite").close()
    open_store(database_url=postgis_url).close()
    with sqlite3.connect(tmp_path / "store.sqlite") as conn:
        # Every table of the embedded store: a new one needs its migration too.
        tables = [row[0] for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%' ORDER BY name")]
        embedded = {f"{table}.{row[1]}" for table in tables for row in conn.execute(f"PRAGMA table_info({table})")}
    assert {*MIGRATION_1_TABLES, "audit_log", "role_grants", "border_measures", "infrastructure_layers",
            "infrastructure_features"} <= set(tables)
    server = {line.split()[0] for line in _rows(postgis_url, _COLUMNS_SQL, tables)}
    # PostGIS's own: the positions' geometry, and the row id SQLite's rowid stands for.
    assert server - embedded == {"incidents.geom", "incidents.row_id"}
    assert embedded - server == set()
