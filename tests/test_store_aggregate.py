"""The store's pre-aggregated counts agree with counting the incidents one by one."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from borderwatch.borderzone import MEASURE_COLUMNS
from borderwatch.filters import IncidentFilter, IncidentQuery
from borderwatch.mapgrid import cell_shift, grid_xy, month_index
from borderwatch.store import BUNDLED, IncidentStore, open_store
from tests.engines import Engine
from tests.factories import TESTER, incident_row
from tests.store_worker import chunk

TYPES = ("Battles", "Violence against civilians", "Explosions/Remote violence")
SUBTYPES = {"Battles": "Armed clash", "Violence against civilians": "Attack",
            "Explosions/Remote violence": "Air/drone strike"}
PLACES = (("Tunisia", "TUN", 33.15, 11.22), ("Libya", "LBY", 32.79, 12.48), ("Tunisia", "TUN", 36.8, 10.18))


def _rows(count: int, seed: int) -> list[dict[str, str]]:
    rng = np.random.default_rng(seed)
    rows = []
    for number in range(count):
        country, iso3, lat, lon = PLACES[rng.integers(len(PLACES))]
        event_type = TYPES[rng.integers(len(TYPES))]
        start = dt.date(2015, 1, 1) + dt.timedelta(days=int(rng.integers(0, 800)))
        # Some incidents last several days: they overlap ranges they start before.
        span = int(rng.choice([0, 0, 0, 2, 20]))
        rows.append(incident_row(
            id=f"i{seed}-{number}", event_date=start.isoformat(),
            end_date=(start + dt.timedelta(days=span)).isoformat() if span else "",
            country=country, iso3=iso3, latitude=round(lat + rng.normal(0, 0.3), 4),
            longitude=round(lon + rng.normal(0, 0.3), 4), event_type=event_type,
            sub_event_type=SUBTYPES[event_type], deaths_best=int(rng.integers(0, 5)),
            actor1="Army" if rng.random() < 0.5 else "Militants",
        ))
    return rows


@pytest.fixture(scope="module")
def store(module_engine: Engine) -> Iterator[IncidentStore]:
    opened = module_engine.open()
    opened.remove_dataset(BUNDLED, actor=TESTER)
    opened.import_chunks([chunk(*_rows(400, 1))], dataset="first", format="test", file_name="a", file_hash="a",
        actor=TESTER)
    opened.import_chunks([chunk(*_rows(300, 2))], dataset="second", format="test", file_name="b", file_hash="b",
        actor=TESTER)
    yield opened
    opened.close()


def _brute_force(store: IncidentStore, selection: IncidentFilter, by: list[str], zoom: int | None,
                 max_border_km: float | None = None, **options: object) -> pd.DataFrame:
    shown = store.query(IncidentQuery(selection, **options))
    if max_border_km is not None:
        shown = shown[shown["distance_border_km"] <= max_border_km]
    frame = pd.DataFrame({
        "incidents": 1, "deaths": shown["deaths_best"].fillna(0).astype("int64"),
        "event_type": shown["event_type"], "country": shown["country"],
        "event_month": month_index(shown["event_date"].to_numpy("datetime64[D]")),
    })
    if zoom is not None:
        x, y = grid_xy(shown["latitude"].to_numpy(float), shown["longitude"].to_numpy(float))
        frame["cell_x"], frame["cell_y"] = x >> cell_shift(zoom), y >> cell_shift(zoom)
    keys = [key for group in by for key in (("cell_x", "cell_y") if group == "cell" else (group,))]
    if not keys:
        return pd.DataFrame({"incidents": [len(frame)], "deaths": [int(frame["deaths"].sum())]})
    counted = frame.groupby(keys, as_index=False)[["incidents", "deaths"]].sum()
    return counted.sort_values(keys, ignore_index=True)


_DAYS = st.integers(min_value=-60, max_value=900).map(lambda days: dt.date(2015, 1, 1) + dt.timedelta(days=days))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    start=st.none() | _DAYS,
    end=st.none() | _DAYS,
    types=st.none() | st.lists(st.sampled_from(TYPES), unique=True).map(tuple),
    datasets=st.none() | st.lists(st.sampled_from(("first", "second")), unique=True).map(tuple),
    actors=st.none() | st.just(("Army",)),
    hide=st.booleans(),
    # Ben Gardane lies about 26 km from the border, Sabratha about 93 km, Tunis 420 km.
    max_border_km=st.none() | st.sampled_from((10.0, 30.0, 100.0)),
    by=st.sampled_from([[], ["cell"], ["event_month", "event_type"], ["country"], ["cell", "event_type"]]),
    zoom=st.integers(min_value=3, max_value=14),
)
def test_aggregates_match_counting_each_incident(store, start, end, types, datasets, actors, hide, max_border_km,
                                                 by, zoom):
    selection = IncidentFilter(start=start, end=end, event_types=types)
    options = {"datasets": datasets, "actors": actors, "hide_duplicates": hide}
    cell_zoom = zoom if "cell" in by else None
    query = IncidentQuery(selection, max_border_km=max_border_km, **options)
    got = store.aggregate(query, by=tuple(by), zoom=cell_zoom)
    expected = _brute_force(store, selection, by, cell_zoom, max_border_km=max_border_km, **options)
    columns = list(expected.columns)
    assert got[columns].reset_index(drop=True).equals(expected.astype(got[columns].dtypes))


def test_a_map_view_counts_what_lies_in_it(store):
    # Ben Gardane's surroundings at zoom 9: exactly the incidents inside the box.
    bbox = (10.5, 32.5, 12.0, 33.8)
    got = store.aggregate(IncidentQuery(), by=("cell",), zoom=9, bbox=bbox)
    inside = store.query(IncidentQuery(), bbox=bbox)
    # Summary cells that touch the box may hold a few incidents just outside it.
    assert got["incidents"].sum() >= len(inside)
    assert got["incidents"].sum() <= len(store.query(IncidentQuery(), bbox=(10.0, 32.0, 12.5, 34.3)))
    assert np.allclose(got["latitude"].between(32.0, 34.3), True)


def test_positions_are_the_mean_of_the_cell(store):
    got = store.aggregate(IncidentQuery(), by=("cell",), zoom=14)
    shown = store.query(IncidentQuery())
    x, y = grid_xy(shown["latitude"].to_numpy(float), shown["longitude"].to_numpy(float))
    shown["cell_x"], shown["cell_y"] = x >> cell_shift(14), y >> cell_shift(14)
    means = shown.groupby(["cell_x", "cell_y"], as_index=False)[["latitude", "longitude"]].mean()
    merged = got.merge(means, on=["cell_x", "cell_y"], suffixes=("", "_expected"))
    assert len(merged) == len(got)
    assert np.allclose(merged["latitude"], merged["latitude_expected"])
    assert np.allclose(merged["longitude"], merged["longitude_expected"])


def test_hidden_duplicates_leave_the_counts(store):
    full = store.aggregate(IncidentQuery())["incidents"].iloc[0]
    hidden = store.aggregate(IncidentQuery(hide_duplicates=True))["incidents"].iloc[0]
    assert hidden == len(store.query(IncidentQuery(hide_duplicates=True)))
    assert full == store.count() == 700


def test_removing_a_dataset_updates_the_summary(engine):
    opened = engine.open("s")
    try:
        before = opened.revision()
        opened.import_chunks([chunk(*_rows(50, 3))], dataset="x", format="test", file_name="x", file_hash="x",
            actor=TESTER)
        assert opened.revision() != before
        assert opened.count() == 80
        opened.remove_dataset("x", actor=TESTER)
        assert opened.count() == 30
        assert opened.aggregate(IncidentQuery(), by=("event_type",))["incidents"].sum() == 30
    finally:
        opened.close()


def test_points_carry_what_the_map_draws(store):
    battles = IncidentQuery(IncidentFilter(event_types=("Battles",)))
    points = store.points(battles, bbox=(9.0, 30.0, 13.0, 37.5), limit=1000)
    assert set(points["event_type"]) == {"Battles"}
    assert list(points.columns[:3]) == ["id", "latitude", "longitude"]
    assert len(points) == len(store.query(battles, bbox=(9.0, 30.0, 13.0, 37.5)))


def test_a_store_of_schema_version_1_is_upgraded_in_place(tmp_path):
    import sqlite3

    path = tmp_path / "old.sqlite"
    opened = open_store(path)
    opened.import_chunks([chunk(*_rows(40, 4))], dataset="x", format="test", file_name="x", file_hash="x", actor=TESTER)
    expected = opened.aggregate(IncidentQuery(), by=("cell", "event_month"), zoom=8)
    measured = opened.query(IncidentQuery())
    opened.close()
    # Version 1 had neither the grid columns nor the summary table, nor the measures of version 3.
    with sqlite3.connect(path) as conn:
        conn.execute("DROP TABLE incident_cells")
        conn.execute("DROP INDEX incidents_border_distance")
        for column in ("event_month", "grid_x", "grid_y", *MEASURE_COLUMNS):
            conn.execute(f"ALTER TABLE incidents DROP COLUMN {column}")
        conn.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    upgraded = open_store(path)
    try:
        assert upgraded.count() == 70
        assert upgraded.aggregate(IncidentQuery(), by=("cell", "event_month"), zoom=8).equals(expected)
        assert upgraded.query(IncidentQuery()).equals(measured)
    finally:
        upgraded.close()


def test_a_store_of_schema_version_2_gains_the_measures_against_the_border(tmp_path):
    import sqlite3

    path = tmp_path / "v2.sqlite"
    opened = open_store(path)
    measured = opened.query(IncidentQuery())
    opened.close()
    with sqlite3.connect(path) as conn:
        conn.execute("DROP INDEX incidents_border_distance")
        for column in MEASURE_COLUMNS:
            conn.execute(f"ALTER TABLE incidents DROP COLUMN {column}")
        conn.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")
        conn.execute("DELETE FROM meta WHERE key = 'border_zone'")
    upgraded = open_store(path)
    try:
        assert upgraded.query(IncidentQuery()).equals(measured)
        near = upgraded.query(IncidentQuery(max_border_km=30.0))
        # The bundled Ben Guerdane incidents (26 km) and the Borj el-Khadra one (1 km).
        assert len(near) >= 6 and (near["distance_border_km"] <= 30.0).all()
    finally:
        upgraded.close()


def test_changed_reference_files_re_measure_the_stored_incidents(tmp_path):
    import sqlite3

    path = tmp_path / "zone.sqlite"
    open_store(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE incidents SET distance_border_km = -1, border_side = 'nowhere'")
        conn.execute("UPDATE meta SET value = 'older files' WHERE key = 'border_zone'")
        revision = conn.execute("SELECT value FROM meta WHERE key = 'revision'").fetchone()[0]
    reopened = open_store(path)
    try:
        found = reopened.query(IncidentQuery())
        assert (found["distance_border_km"] >= 0).all() and "nowhere" not in set(found["border_side"])
        assert reopened.revision() != revision
    finally:
        reopened.close()


def test_a_new_datasets_counted_summary_knows_its_duplicates(engine):
    opened = engine.open("d")
    try:
        opened.remove_dataset(BUNDLED, actor=TESTER)
        rows = _rows(60, 8)
        opened.import_chunks([chunk(*rows)], dataset="first", format="test", file_name="a", file_hash="a", actor=TESTER)
        # The same events again, under new ids: each is a probable duplicate.
        again = [{**row, "id": row["id"] + "-again"} for row in rows[:25]]
        opened.import_chunks([chunk(*again, *_rows(10, 9))], dataset="second", format="test",
                             file_name="b", file_hash="b", actor=TESTER)
        for hide in (False, True):
            expected = _brute_force(opened, IncidentFilter(), ["cell"], 10, hide_duplicates=hide)
            got = opened.aggregate(IncidentQuery(hide_duplicates=hide), by=("cell",), zoom=10)
            assert got[list(expected.columns)].equals(expected.astype(got[list(expected.columns)].dtypes))
        assert opened.aggregate(IncidentQuery(hide_duplicates=True))["incidents"].iloc[0] <= 60 + 10
        assert opened.aggregate(IncidentQuery())["incidents"].iloc[0] == 95
    finally:
        opened.close()


@pytest.mark.parametrize(("start", "end"), [
    (dt.date(1, 1, 5), None), (dt.date(9999, 12, 15), None), (dt.date(9999, 12, 30), dt.date(9999, 12, 31)),
    (None, dt.date(1, 1, 2)), (dt.date(2016, 2, 29), dt.date(2016, 2, 29)),
])
def test_extreme_and_odd_dates_count_like_the_incidents(store, start, end):
    selection = IncidentFilter(start=start, end=end)
    assert store.aggregate(IncidentQuery(selection))["incidents"].iloc[0] == len(store.query(IncidentQuery(selection)))


def test_a_box_across_the_antimeridian_counts_only_what_lies_in_it(engine):
    opened = engine.open("fiji")
    try:
        opened.import_chunks([chunk(
            incident_row(id="east", latitude=-16.5, longitude=179.5, country="Fiji", iso3="FJI"),
            incident_row(id="west", latitude=-16.6, longitude=-179.9, country="Fiji", iso3="FJI"),
        )], dataset="fiji", format="test", file_name="f", file_hash="f", actor=TESTER)
        box = (170.0, -20.0, -170.0, -10.0)
        assert opened.aggregate(IncidentQuery(), bbox=box, zoom=8)["incidents"].iloc[0] == 2
        assert len(opened.query(IncidentQuery(), bbox=box)) == 2
    finally:
        opened.close()
