"""The persistent store: creation, seeding, upserts, strictness, atomicity, queries."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from itertools import count
from pathlib import Path

import pandas as pd
import platformdirs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from borderwatch.borderzone import MEASURE_COLUMNS
from borderwatch.errors import (
    DatasetConflictError,
    StrictImportError,
    UnknownDatasetError,
)
from borderwatch.filters import IncidentFilter, IncidentQuery
from borderwatch.importers.base import ParsedChunk, Rejection
from borderwatch.reference import load_incidents
from borderwatch.schema import ACLED_EVENT_TYPES, INCIDENT_COLUMNS
from borderwatch.store import (
    BUNDLED,
    DATA_DIR_ENV,
    DATABASE_FILE,
    ID_QUALIFIER,
    ImportReport,
    IncidentStore,
    data_dir,
    open_store,
    qualified_id,
)
from tests.engines import Engine
from tests.factories import TESTER, incident_row
from tests.store_worker import chunk, typed_incidents

#: Columns a store query returns besides the schema.
EXTRA_COLUMNS = ("source_id", "probable_duplicate", "duplicate_of", *MEASURE_COLUMNS)


def do_import(store: IncidentStore, *chunks: ParsedChunk, dataset: str = "acled-test", **options) -> ImportReport:
    arguments = {"format": "acled", "file_name": "export.csv", "file_hash": "a" * 64, **options}
    return store.import_chunks(list(chunks), dataset=dataset, **arguments, actor=TESTER)


@pytest.fixture
def store(engine: Engine) -> Iterator[IncidentStore]:
    with engine.open() as opened:
        yield opened


# -- creation, seeding, persistence ---------------------------------------------


def test_first_run_creates_the_directory_and_seeds_the_bundled_incidents(tmp_path, monkeypatch):
    directory = tmp_path / "fresh" / "data"
    monkeypatch.setenv(DATA_DIR_ENV, str(directory))
    assert data_dir() == directory
    with open_store() as store:
        assert (directory / DATABASE_FILE).is_file()
        assert store.count() == len(load_incidents())
        datasets = store.datasets()
        assert list(datasets["name"]) == [BUNDLED]
        assert datasets.loc[0, "format"] == BUNDLED
        assert datasets.loc[0, "file_name"] == "incidents.csv"
        assert len(datasets.loc[0, "file_hash"]) == 64
        assert datasets.loc[0, "added"] == datasets.loc[0, "incidents"] == store.count()
        assert store._conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_data_dir_defaults_to_the_per_user_directory(monkeypatch):
    monkeypatch.delenv(DATA_DIR_ENV, raising=False)
    assert data_dir() == Path(platformdirs.user_data_dir("borderwatch", appauthor=False))


def test_query_of_the_seeded_store_equals_the_bundled_table(store):
    bundled = load_incidents()
    shown = store.query(IncidentQuery())
    assert list(shown.columns) == [*INCIDENT_COLUMNS, *EXTRA_COLUMNS, "geometry"]
    schema_only = shown.drop(columns=list(EXTRA_COLUMNS))
    pd.testing.assert_frame_equal(pd.DataFrame(schema_only), pd.DataFrame(bundled))
    assert shown.crs == bundled.crs
    assert list(shown["source_id"]) == list(bundled["id"])
    assert not shown["probable_duplicate"].any()


def test_imports_persist_across_reopening_and_seeding_happens_once(engine):
    with engine.open() as store:
        do_import(store, chunk(incident_row(id="a"), incident_row(id="b")))
        store.remove_dataset(BUNDLED, actor=TESTER)
    with engine.open() as store:
        assert list(store.datasets()["name"]) == ["acled-test"]
        assert list(store.query(IncidentQuery())["id"]) == ["a@acled-test", "b@acled-test"]
        report = store.reseed_bundled(actor=TESTER)
        assert report.added == len(load_incidents())
        assert list(store.datasets()["name"]) == ["acled-test", BUNDLED]


def test_reseeding_a_present_bundled_dataset_changes_nothing(engine, store, tmp_path):
    before = engine.dump()
    report = store.reseed_bundled(actor=TESTER)
    assert (report.added, report.updated, report.unchanged) == (0, 0, len(load_incidents()))
    assert engine.dump() == before


# -- upserts ----------------------------------------------------------------------


def test_counts_added_updated_unchanged(store):
    first = do_import(store, chunk(incident_row(id="a"), incident_row(id="b"), timestamps=[100, 100]))
    assert (first.added, first.updated, first.unchanged) == (2, 0, 0)
    second = do_import(
        store,
        chunk(
            incident_row(id="a"),
            incident_row(id="b", deaths_low=3, deaths_best=3, deaths_high=3),
            incident_row(id="c"),
            timestamps=[100, 200, 100],
        ),
        file_hash="b" * 64,
    )
    assert (second.rows_read, second.accepted, second.added, second.updated, second.unchanged) == (3, 3, 1, 1, 1)
    shown = store.query(IncidentQuery(datasets=("acled-test",))).set_index("id")
    assert shown.loc["b@acled-test", "deaths_best"] == 3
    row = store.datasets().set_index("name").loc["acled-test"]
    assert (row["added"], row["updated"], row["unchanged"], row["incidents"]) == (1, 1, 1, 3)
    log = store.import_log()
    assert list(log["dataset"]) == [BUNDLED, "acled-test", "acled-test"]
    assert list(log["added"]) == [30, 2, 1]


def test_reimporting_the_same_file_changes_nothing(engine, store):
    rows = [incident_row(id=f"e{index}") for index in range(5)]
    do_import(store, chunk(*rows[:3]), chunk(*rows[3:]))
    before = engine.dump()
    report = do_import(store, chunk(*rows[:3]), chunk(*rows[3:]))
    assert (report.accepted, report.added, report.updated, report.unchanged) == (5, 0, 0, 5)
    assert engine.dump() == before


def test_an_older_timestamp_does_not_overwrite_a_newer_record(store):
    do_import(store, chunk(incident_row(id="a", location="New"), timestamps=[200]))
    report = do_import(store, chunk(incident_row(id="a", location="Old"), timestamps=[100]))
    assert (report.updated, report.unchanged) == (0, 1)
    assert store.query(IncidentQuery(datasets=("acled-test",)))["location"].tolist() == ["New"]


def test_changed_content_without_timestamps_updates(store):
    do_import(store, chunk(incident_row(id="a", location="First")), dataset="gis", format="geojson")
    report = do_import(store, chunk(incident_row(id="a", location="Second")), dataset="gis", format="geojson")
    assert report.updated == 1
    assert store.query(IncidentQuery(datasets=("gis",)))["location"].tolist() == ["Second"]


def test_one_event_twice_in_a_file_is_stored_once(store):
    incidents = typed_incidents(
        [incident_row(id="a-1", location="v1"), incident_row(id="a-2", location="v2")],
        timestamps=[1, 2], source_ids=["a", "a"],
    )
    report = do_import(store, ParsedChunk(incidents=incidents, rows_read=2))
    assert (report.added, report.updated) == (1, 1)
    assert store.query(IncidentQuery(datasets=("acled-test",)))["location"].tolist() == ["v2"]


def test_the_report_as_json(store):
    rejection = Rejection(row=7, column="latitude", reason="latitude 95.2 is outside -90..90")
    report = do_import(store, chunk(incident_row(id="a"), rejections=[rejection]))
    as_dict = report.to_dict()
    assert as_dict == {
        "format": "acled", "dataset": "acled-test", "accepted": 1, "rejected": 1, "added": 1,
        "updated": 0, "unchanged": 0,
        "rejections": [{"row": 7, "column": "latitude", "reason": "latitude 95.2 is outside -90..90"}],
    }
    assert json.loads(json.dumps(as_dict)) == as_dict
    assert report.rows_read == 2


def test_progress_reports_rows_read_after_each_chunk(store):
    seen: list[int] = []
    do_import(store, chunk(incident_row(id="a")), chunk(incident_row(id="b"), incident_row(id="c")),
              progress=seen.append)
    assert seen == [1, 3]


# -- refusals and atomicity --------------------------------------------------------


def test_strict_mode_stores_nothing_and_reports_every_rejection(engine, store):
    before = engine.dump()
    bad = [Rejection(row=3, column="event_date", reason="'31-02-2016' is not a date"),
           Rejection(row=9, column="fatalities", reason="'-1' is negative")]
    with pytest.raises(StrictImportError) as raised:
        do_import(store, chunk(incident_row(id="a")), chunk(incident_row(id="b"), rejections=bad[:1]),
                  chunk(incident_row(id="c"), rejections=bad[1:]), strict=True)
    assert isinstance(raised.value, ValueError)
    report = raised.value.report
    assert (report.accepted, report.rejected, report.added) == (3, 2, 0)
    assert report.rejections == bad
    assert engine.dump() == before


def test_strict_mode_without_rejections_stores(store):
    assert do_import(store, chunk(incident_row(id="a")), strict=True).added == 1


def test_an_error_mid_import_leaves_the_store_as_it_was(engine, store):
    do_import(store, chunk(incident_row(id="a"), timestamps=[1]))
    before = engine.dump()

    def failing() -> Iterator[ParsedChunk]:
        yield chunk(incident_row(id="a", location="changed"), timestamps=[2])
        yield chunk(incident_row(id="b"))
        raise RuntimeError("the file went away")

    with pytest.raises(RuntimeError, match="went away"):
        store.import_chunks(failing(), dataset="acled-test", format="acled", file_name="x.csv", file_hash="c" * 64,
            actor=TESTER)
    with pytest.raises(RuntimeError):
        store.import_chunks(failing(), dataset="new", format="acled", file_name="x.csv", file_hash="c" * 64,
            actor=TESTER)
    assert engine.dump() == before
    # The connection is usable afterwards.
    assert do_import(store, chunk(incident_row(id="z")), dataset="after").added == 1


def test_a_chunk_missing_columns_is_a_programming_error_and_stores_nothing(engine, store):
    before = engine.dump()
    broken = chunk(incident_row(id="a"))
    broken.incidents = broken.incidents.drop(columns="original")
    with pytest.raises(ValueError, match="original"):
        do_import(store, broken)
    assert engine.dump() == before


def test_a_dataset_keeps_its_format_and_bundled_is_reserved(store):
    do_import(store, chunk(incident_row(id="a")))
    with pytest.raises(DatasetConflictError, match="holds acled data"):
        do_import(store, chunk(incident_row(id="a")), format="gtd")
    with pytest.raises(DatasetConflictError, match="reserved"):
        do_import(store, chunk(incident_row(id="a")), dataset=BUNDLED)


def test_remove_dataset(store):
    do_import(store, chunk(incident_row(id="a"), incident_row(id="b")))
    assert store.remove_dataset("acled-test", actor=TESTER) == 2
    assert list(store.datasets()["name"]) == [BUNDLED]
    with pytest.raises(UnknownDatasetError, match="no dataset named 'nope'; the store holds: bundled"):
        store.remove_dataset("nope", actor=TESTER)
    assert store.remove_dataset(BUNDLED, actor=TESTER) == len(load_incidents())
    assert store.count() == 0
    assert store.filter_options()["date_bounds"] is None


# -- queries ------------------------------------------------------------------------


@pytest.fixture
def filled(store: IncidentStore) -> IncidentStore:
    store.remove_dataset(BUNDLED, actor=TESTER)
    do_import(
        store,
        chunk(
            incident_row(id="a", event_date="2015-03-18", actor1="Islamic State", actor2="Civilians",
                         event_type="Violence against civilians", sub_event_type="Attack"),
            incident_row(id="b", event_date="2016-03-02", actor1="Militants", actor2="Army"),
            incident_row(id="c", event_date="2016-03-07", end_date="2016-03-09", actor1="Army", actor2=""),
        ),
        dataset="one",
    )
    do_import(
        store,
        chunk(
            incident_row(id="d", event_date="2016-02-19", country="Libya", iso3="LBY",
                         event_type="Explosions/Remote violence", sub_event_type="Air/drone strike",
                         latitude=32.79, longitude=12.48, actor1="US forces"),
            incident_row(id="e", event_date="2017-01-01", latitude=-16.5, longitude=179.5, country="Fiji", iso3="FJI"),
            incident_row(id="f", event_date="2017-01-02", latitude=-16.6, longitude=-179.9, country="Fiji", iso3="FJI"),
        ),
        dataset="two",
        format="ucdp",
    )
    return store


def ids(frame: pd.DataFrame) -> list[str]:
    """The importers' ids of the incidents, without their dataset (see qualified_id)."""
    return [incident_id.rsplit(ID_QUALIFIER, 1)[0] for incident_id in frame["id"]]


def test_query_sorts_by_date_then_id(filled):
    assert ids(filled.query(IncidentQuery())) == ["a", "d", "b", "c", "e", "f"]


def test_query_filters(filled):
    def q(selection, bbox=None, **filters):
        return filled.query(IncidentQuery(selection, **filters), bbox=bbox)

    assert ids(q(IncidentFilter(start=dt.date(2016, 3, 8), end=dt.date(2016, 12, 31)))) == ["c"]
    assert ids(q(IncidentFilter(end=dt.date(2016, 2, 19)))) == ["a", "d"]
    assert ids(q(IncidentFilter(event_types=("Explosions/Remote violence",)))) == ["d"]
    assert ids(q(IncidentFilter(countries=("Libya", "Fiji")))) == ["d", "e", "f"]
    assert ids(q(IncidentFilter(countries=()))) == []
    assert ids(q(IncidentFilter(), datasets=("two",))) == ["d", "e", "f"]
    assert ids(q(IncidentFilter(), datasets=())) == []
    assert ids(q(IncidentFilter(), actors=("Army",))) == ["b", "c"]  # as actor2 of b, actor1 of c
    assert ids(q(IncidentFilter(), actors=())) == []
    assert ids(q(IncidentFilter(), bbox=(12.0, 32.0, 13.0, 33.0))) == ["d"]
    assert ids(q(IncidentFilter(), bbox=(12.48, 32.79, 12.48, 32.79))) == ["d"]  # edges included
    assert ids(q(IncidentFilter(), bbox=(179.0, -17.0, -179.0, -16.0))) == ["e", "f"]  # across 180°
    combined = q(IncidentFilter(start=dt.date(2016, 1, 1), countries=("Tunisia",)), datasets=("one",),
                 actors=("Militants", "Army"), bbox=(11.0, 33.0, 11.5, 33.5))
    assert ids(combined) == ["b", "c"]
    with pytest.raises(ValueError, match="bbox"):
        q(IncidentFilter(), bbox=(0.0, 10.0, 1.0, 5.0))


def test_an_empty_result_keeps_the_columns_and_types(filled):
    empty = filled.query(IncidentQuery(IncidentFilter(countries=())))
    full = filled.query(IncidentQuery())
    assert empty.empty
    assert empty.dtypes.equals(full.dtypes)


def test_filter_options(filled):
    options = filled.filter_options()
    assert options["date_bounds"] == (dt.date(2015, 3, 18), dt.date(2017, 1, 2))
    assert options["datasets"] == ("one", "two")
    assert options["countries"] == ("Fiji", "Libya", "Tunisia")
    assert options["event_types"] == ("Battles", "Explosions/Remote violence", "Violence against civilians")
    assert options["actors"] == ("Army", "Civilians", "Islamic State", "Militants", "Security forces", "US forces")
    assert filled.count() == 6


# -- property: rows survive import -> query ---------------------------------------

# Without NUL: the importers strip it (PostgreSQL text cannot hold it).
_TEXT = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=12)
_NONBLANK = _TEXT.filter(lambda value: value.strip() != "")
_TYPES = [(event_type, sub) for event_type, subs in ACLED_EVENT_TYPES.items() for sub in subs]


@st.composite
def _counts(draw: st.DrawFn) -> tuple[str, str, str]:
    if draw(st.booleans()):
        return "", "", ""
    low, best, high = sorted(draw(st.lists(st.integers(0, 10**6), min_size=3, max_size=3)))
    return str(low), str(best), str(high)


@st.composite
def _row(draw: st.DrawFn, index: int) -> dict[str, str]:
    day = draw(st.dates(dt.date(1970, 1, 1), dt.date(2030, 12, 31)))
    span = draw(st.one_of(st.none(), st.integers(0, 30)))
    event_type, sub_type = draw(st.sampled_from(_TYPES))
    values = {
        "id": f"{index}-{draw(_NONBLANK)}",
        "event_date": day.isoformat(),
        "end_date": "" if span is None else (day + dt.timedelta(days=span)).isoformat(),
        "date_precision": draw(st.sampled_from(["day", "week", "month", "year"])),
        "event_type": event_type,
        "sub_event_type": sub_type,
        "latitude": repr(draw(st.floats(-90, 90))),
        "longitude": repr(draw(st.floats(-180, 180))),
        "geo_precision": str(draw(st.sampled_from([1, 2, 3]))),
        "precision_km": draw(st.one_of(st.just(""), st.floats(0, 1000).map(repr))),
        "sources": "https://example.org/" + draw(_TEXT).replace(";", ""),
    }
    for column in ("type_original", "actor1", "actor2", "actors", "admin1", "location_basis",
                   "deaths_note", "wounded_note", "description", "notes"):
        values[column] = draw(_TEXT)
    for column in ("country", "iso3", "location"):
        values[column] = draw(_NONBLANK)
    for prefix in ("deaths", "deaths_militants", "deaths_security", "deaths_civilians", "wounded"):
        values[f"{prefix}_low"], values[f"{prefix}_best"], values[f"{prefix}_high"] = draw(_counts())
    return incident_row(**values)


_DATASET_NUMBERS = count()


@pytest.mark.slow
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_valid_rows_survive_import_then_query_unchanged(store, data):
    size = data.draw(st.integers(1, 6))
    rows = [data.draw(_row(index)) for index in range(size)]
    name = f"property-{next(_DATASET_NUMBERS)}"
    expected = typed_incidents(rows)
    report = do_import(store, ParsedChunk(incidents=expected, rows_read=size), dataset=name)
    assert report.added == size
    shown = store.query(IncidentQuery(datasets=(name,)))
    expected = expected.assign(dataset=name, id=[qualified_id(incident_id, name) for incident_id in expected["id"]])
    expected = expected.loc[:, list(INCIDENT_COLUMNS)]
    expected = expected.sort_values("id").reset_index(drop=True)
    # validate_incident_table gives an all-empty date column the unit "s"; the
    # store always returns "us", the unit pandas gives parsed date text.
    expected = expected.astype({"event_date": "datetime64[us]", "end_date": "datetime64[us]"})
    actual = pd.DataFrame(shown.loc[:, list(INCIDENT_COLUMNS)]).sort_values("id").reset_index(drop=True)
    pd.testing.assert_frame_equal(actual, expected)


def test_a_record_imported_again_with_another_column_mapping_is_updated(store):
    rows = [incident_row(id="a", location="Ben Gardane"), incident_row(id="b", location="Zarzis")]
    first = do_import(store, chunk(*rows), format="geojson", mapping={"location": "town"})
    assert first.added == 2
    again = do_import(store, chunk(*rows), format="geojson", mapping={"location": "town"})
    assert (again.added, again.updated, again.unchanged) == (0, 0, 2)
    remapped = do_import(store, chunk(*rows), format="geojson", mapping={"location": "place"})
    assert (remapped.added, remapped.updated, remapped.unchanged) == (0, 2, 0)


def test_digests_from_before_schema_2_are_compared_by_source_record(store):
    rows = [incident_row(id="a", location="Old"), incident_row(id="b")]
    do_import(store, chunk(*rows))
    # What a store upgraded from schema 1 holds: digests of another kind.
    with store._write() as conn:
        conn.execute("UPDATE incidents SET content_hash = 'legacy' WHERE dataset = 'acled-test'")
    same = do_import(store, chunk(*rows))
    assert (same.updated, same.unchanged) == (0, 2)
    changed = do_import(store, chunk(incident_row(id="a", location="New"), rows[1]))
    assert (changed.updated, changed.unchanged) == (1, 1)
    assert store.query(IncidentQuery(datasets=("acled-test",)))["location"].tolist().count("New") == 1
