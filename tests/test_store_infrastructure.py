"""A border's infrastructure in the store: imported by layer, replaced, removed, audited, on both engines."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import psycopg
import pytest
import shapely
from shapely.geometry import LineString, Point

from borderwatch.borderinfrastructure import border_infrastructure
from borderwatch.borders import BorderLookupError
from borderwatch.errors import (
    DatasetConflictError,
    DatasetNameError,
    DataValidationError,
    UnknownLayerError,
)
from borderwatch.importers.infrastructure import read_infrastructure
from borderwatch.infrastructure import InfrastructureFeature, preset_path, status_on
from borderwatch.store import DATABASE_FILE, SCHEMA_VERSION, IncidentStore, open_store
from borderwatch.store.pgschema import LATEST
from tests.engines import Engine
from tests.factories import TESTER, incident_row
from tests.store_worker import chunk
from tests.test_import_infrastructure import NO_STATUS, frame
from tests.test_infrastructure_properties import HOSTILE

#: Text a file may hold that must come back exactly: markup, formulas, quotes, emoji, right-to-left script.
TEXTS = [*HOSTILE, 'say "no" and \'yes\'', "🚧 fence 🇹🇳", "معبر رأس جدير", "גדר"]
#: More digits than a file usually gives: stored coordinates must not be rounded.
PRECISE_FENCE = LineString([(11.401234567891234, 33.10987654321), (11.45, 33.05), (11.5000000000001, 33.0)])


@pytest.fixture
def store(engine: Engine) -> Iterator[IncidentStore]:
    with engine.open() as opened:
        yield opened


def _features(tmp_path: Path, *rows: dict[str, object], name: str = "infra.geojson") -> list[InfrastructureFeature]:
    path = tmp_path / name
    frame(*rows).to_file(path, driver="GeoJSON")
    parsed = read_infrastructure(path)
    assert parsed.rejections == []
    return parsed.features


def _import(store: IncidentStore, features: list[InfrastructureFeature], layer: str, border: str = "LBY-TUN",
            file_hash: str = "a" * 64):
    return store.import_infrastructure(border, features, layer=layer, file_name=f"{layer}.geojson",
                                       file_hash=file_hash, actor=TESTER)


def _as_stored(features: list[InfrastructureFeature], layer: str) -> list[InfrastructureFeature]:
    return [replace(feature, layer=layer) for feature in features]


def test_the_bundled_preset_stored_as_a_layer_comes_back_exactly(store):
    preset = read_infrastructure(preset_path("LBY-TUN")).features
    report = _import(store, preset, "ngo-survey")
    assert report.to_dict() == {"border": "LBY-TUN", "layer": "ngo-survey", "features": len(preset), "added": 3,
                                "updated": 0, "unchanged": 0, "removed": 0}
    stored = store.infrastructure("tun-lby")  # either order, any case
    assert stored == _as_stored(preset, "ngo-survey")
    crossing = next(feature for feature in stored if feature.id == "ras-ajdir")
    assert [(period.status, period.start, period.end) for period in crossing.periods] == [
        ("closed", date(2016, 3, 7), date(2016, 3, 22)), ("closed", date(2024, 3, 19), date(2024, 7, 1))]
    assert status_on(crossing, date(2016, 3, 10)) == "closed" and status_on(crossing, date(2016, 3, 22)) == "open"
    barrier = next(feature for feature in stored if feature.id == "barrier")
    assert barrier.properties["measured_length_km"] == "179.5" and barrier.rows == (1,)


def test_hostile_text_dates_and_exact_coordinates_round_trip(store, tmp_path):
    rows = [{"id": f"t{index}", "kind": "fence", "name": text, "notes": f"{text}\non two lines", "sources": text,
             "remark": text, "geometry": PRECISE_FENCE} for index, text in enumerate(TEXTS)]
    features = _features(tmp_path, *rows, {"id": "c1", "kind": "crossing"})
    _import(store, features, "hostile")
    stored = store.infrastructure("LBY-TUN")
    assert stored == _as_stored(features, "hostile")
    assert [feature.name for feature in stored[:-1]] == TEXTS
    assert [feature.properties["remark"] for feature in stored[:-1]] == TEXTS
    assert [feature.notes for feature in stored[:-1]] == [f"{text}\non two lines" for text in TEXTS]
    # The reader keeps 7 decimals; what the store is given it keeps to the last bit.
    _import(store, [replace(features[0], geometry=PRECISE_FENCE)], "precise")
    precise = store.infrastructure("LBY-TUN")[-1]
    assert shapely.get_coordinates(precise.geometry).tolist() == shapely.get_coordinates(PRECISE_FENCE).tolist()
    assert (stored[0].built_from, stored[0].built_to) == (date(2015, 7, 7), date(2016, 2, 6))
    assert stored[-1].geometry.equals_exact(Point(11.5663, 33.1481), tolerance=0)


def test_importing_a_layer_again_replaces_it_and_counts_what_changed(store, tmp_path):
    first = _features(tmp_path, {"id": "f1", "kind": "fence"}, {"id": "c1", "kind": "crossing"},
                      {"id": "p1", "kind": "post", **NO_STATUS}, name="first.geojson")
    _import(store, first, "survey")
    revision = store.revision()
    second = _features(tmp_path, {"id": "f1", "kind": "fence", "name": "Fence, extended"},
                       {"id": "c1", "kind": "crossing"}, {"id": "s1", "kind": "sensor", **NO_STATUS},
                       name="second.geojson")
    report = _import(store, second, "survey", file_hash="b" * 64)
    assert (report.added, report.updated, report.unchanged, report.removed) == (1, 1, 1, 1)
    assert store.revision() != revision
    assert store.infrastructure("LBY-TUN") == _as_stored(second, "survey")
    layers = store.infrastructure_layers()
    assert layers[["layer", "features", "lines", "points", "file_hash"]].values.tolist() == [
        ["survey", 3, 1, 2, "b" * 64]]
    # The same features again change nothing, and nothing is recorded.
    revision, entries = store.revision(), len(store.audit_log())
    again = _import(store, second, "survey", file_hash="b" * 64)
    assert (again.added, again.updated, again.unchanged, again.removed) == (0, 0, 3, 0)
    assert store.revision() == revision and len(store.audit_log()) == entries


def test_layers_and_borders_are_kept_apart(store, tmp_path):
    fences = _features(tmp_path, {"id": "f1", "kind": "fence"}, {"id": "f2", "kind": "wall"}, name="f.geojson")
    posts = _features(tmp_path, {"id": "f1", "kind": "post", **NO_STATUS}, name="p.geojson")
    _import(store, posts, "z-posts")
    _import(store, fences, "a-fences")
    _import(store, posts, "z-posts", border="TUN-DZA")
    assert [(feature.layer, feature.id, feature.kind) for feature in store.infrastructure("LBY-TUN")] == [
        ("a-fences", "f1", "fence"), ("a-fences", "f2", "wall"), ("z-posts", "f1", "post")]
    assert store.infrastructure("DZA-TUN") == _as_stored(posts, "z-posts")
    assert store.infrastructure("DZA-LBY") == []
    listed = store.infrastructure_layers()
    assert listed[["border", "layer", "features", "lines", "points", "file_name", "imported_by"]].values.tolist() == [
        ["DZA-TUN", "z-posts", 1, 0, 1, "z-posts.geojson", "cli:tester"],
        ["LBY-TUN", "a-fences", 2, 2, 0, "a-fences.geojson", "cli:tester"],
        ["LBY-TUN", "z-posts", 1, 0, 1, "z-posts.geojson", "cli:tester"],
    ]
    assert str(listed["imported_at"].dt.tz) == "UTC"
    assert store.infrastructure_layers("tun-lby")["layer"].tolist() == ["a-fences", "z-posts"]
    assert store.infrastructure_layers("DZA-LBY").empty


def test_removing_a_layer_leaves_the_others_and_an_unknown_one_is_refused_by_name(store, tmp_path):
    features = _features(tmp_path)
    _import(store, features, "one")
    _import(store, features, "two")
    _import(store, features, "one", border="DZA-TUN")
    revision = store.revision()
    assert store.remove_infrastructure("TUN-LBY", "one", actor=TESTER) == len(features)
    assert store.revision() != revision
    assert {feature.layer for feature in store.infrastructure("LBY-TUN")} == {"two"}
    assert store.infrastructure_layers()[["border", "layer"]].values.tolist() == [["DZA-TUN", "one"],
                                                                                  ["LBY-TUN", "two"]]
    with pytest.raises(UnknownLayerError, match="no infrastructure layer named 'one' is stored for LBY-TUN; "
                                                "stored for it: 'two'"):
        store.remove_infrastructure("LBY-TUN", "one", actor=TESTER)
    with pytest.raises(UnknownLayerError, match="stored for it: none"):
        store.remove_infrastructure("DZA-LBY", "one", actor=TESTER)


def test_every_change_is_audited_with_its_border_layer_and_counts(store, tmp_path):
    features = _features(tmp_path)
    _import(store, features, "survey")
    _import(store, features[:1], "survey")
    store.remove_infrastructure("LBY-TUN", "survey", actor=TESTER)
    trail = store.audit_log(limit=3)
    assert trail[["actor", "action", "border", "dataset", "file_name", "added", "updated", "unchanged",
                  "removed"]].values.tolist() == [
        ["cli:tester", "remove infrastructure", "LBY-TUN", "survey", "survey.geojson", 0, 0, 0, 1],
        ["cli:tester", "update infrastructure", "LBY-TUN", "survey", "survey.geojson", 0, 0, 1, 1],
        ["cli:tester", "import infrastructure", "LBY-TUN", "survey", "survey.geojson", 2, 0, 0, 0],
    ]
    # Entries of incidents name no border.
    assert store.audit_log().iloc[-1][["action", "border"]].tolist() == ["import", ""]


@pytest.mark.parametrize(("border", "layer", "error", "says"), [
    ("LBY-XXX", "survey", BorderLookupError, "no land border"),
    ("LBY-TUN", "preset", DatasetConflictError, "reserved for a border's bundled features"),
    ("LBY-TUN", "  ", DatasetNameError, "needs a name"),
    ("LBY-TUN", "two\nlines", DatasetNameError, "line break"),
])
def test_a_bad_border_or_layer_name_is_refused_and_nothing_is_stored(engine, tmp_path, border, layer, error, says):
    features = _features(tmp_path)
    with engine.open() as store:
        before = engine.dump()
        with pytest.raises(error, match=says):
            _import(store, features, layer, border=border)
    assert engine.dump() == before


def test_features_sharing_an_id_or_none_at_all_are_refused(store, tmp_path):
    features = _features(tmp_path)
    with pytest.raises(DataValidationError, match="'f1' is given to more than one feature"):
        _import(store, [features[0], features[0]], "twice")
    with pytest.raises(DataValidationError, match="no feature to store"):
        _import(store, [], "empty")
    assert store.infrastructure_layers().empty


def test_a_store_of_schema_version_7_gains_the_tables_and_keeps_its_incidents(tmp_path):
    path = tmp_path / DATABASE_FILE
    with open_store(path) as store:
        store.import_chunks([chunk(incident_row(id="a"))], dataset="kept", format="acled", file_name="kept.csv",
                            file_hash="k" * 64, actor=TESTER)
        incidents, trail = store.count(), store.audit_log()
    with sqlite3.connect(path) as conn:
        conn.execute("DROP TABLE infrastructure_layers")
        conn.execute("DROP TABLE infrastructure_features")
        for trigger in ("audit_log_no_update", "audit_log_no_delete"):  # dropping a column rewrites the table
            conn.execute(f"DROP TRIGGER {trigger}")
        conn.execute("ALTER TABLE audit_log DROP COLUMN border")
        conn.execute("UPDATE meta SET value = '7' WHERE key = 'schema_version'")
    with open_store(path) as store:
        assert store.count() == incidents
        assert store.audit_log().equals(trail)
        assert store.infrastructure("LBY-TUN") == []
        _import(store, _features(tmp_path), "after-upgrade")
        assert store.audit_log(limit=1)[["action", "border"]].values.tolist() == [
            ["import infrastructure", "LBY-TUN"]]
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() == (SCHEMA_VERSION,)


@pytest.mark.postgres
def test_a_database_at_migration_4_gains_the_tables_by_migration_5(postgis_url, tmp_path):
    with open_store(database_url=postgis_url) as store:
        incidents = store.count()
    with psycopg.connect(postgis_url, autocommit=True) as owner:
        owner.execute("DROP TABLE infrastructure_layers, infrastructure_features")
        owner.execute("ALTER TABLE audit_log DROP COLUMN border")
        owner.execute("DELETE FROM schema_migrations WHERE version >= 5")
    with open_store(database_url=postgis_url) as store:
        assert store.schema_version() == LATEST == 5  # type: ignore[attr-defined]
        assert store.count() == incidents
        features = _features(tmp_path)
        _import(store, features, "after-upgrade")
        assert store.infrastructure("LBY-TUN") == _as_stored(features, "after-upgrade")
    with psycopg.connect(postgis_url) as conn:
        index = conn.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'infrastructure_features_geometry'")
        assert "USING gist (geometry)" in index.fetchone()[0]


@pytest.mark.postgres
def test_migrate_copies_the_layers_with_their_geometry(tmp_path, postgis_url):
    from borderwatch.store.transfer import copy_to_postgis

    path = tmp_path / DATABASE_FILE
    rows = [{"id": f"t{index}", "kind": "fence", "name": text, "geometry": PRECISE_FENCE}
            for index, text in enumerate(TEXTS)]
    with open_store(path) as embedded:
        _import(embedded, _features(tmp_path, *rows), "hostile")
        expected, layers = embedded.infrastructure("LBY-TUN"), embedded.infrastructure_layers()
    copied = copy_to_postgis(path, postgis_url)
    assert (copied["infrastructure_layers"], copied["infrastructure_features"]) == (1, len(TEXTS))
    with open_store(database_url=postgis_url) as shared:
        assert shared.infrastructure("LBY-TUN") == expected
        assert shared.infrastructure_layers().equals(layers)


def test_a_borders_infrastructure_is_its_preset_with_stored_features_added_or_replacing_by_id(store, tmp_path):
    preset = read_infrastructure(preset_path("LBY-TUN")).features
    assert [(feature.layer, feature.id) for feature in border_infrastructure(store, "TUN-LBY")] == [
        ("preset", feature.id) for feature in preset]
    moved = _features(tmp_path, {"id": "ras-ajdir", "kind": "crossing", "name": "Ras Ajdir, surveyed"},
                      {"id": "new-post", "kind": "post", **NO_STATUS})
    _import(store, moved, "survey")
    combined = border_infrastructure(store, "LBY-TUN")
    assert [(feature.layer, feature.id) for feature in combined] == [
        ("preset", "barrier"), ("preset", "dehiba-wazin"), ("survey", "ras-ajdir"), ("survey", "new-post")]
    assert combined[2].name == "Ras Ajdir, surveyed"
    # A border without a preset has what is stored for it.
    _import(store, moved, "survey", border="DZA-TUN")
    assert border_infrastructure(store, "DZA-TUN") == _as_stored(moved, "survey")
