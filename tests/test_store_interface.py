"""The store's interface: what callers type against, and the one query its reads take."""

from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import Iterator
from typing import get_type_hints

import pytest

from borderwatch.errors import InvalidQueryError
from borderwatch.filters import IncidentFilter, IncidentQuery
from borderwatch.store import DATABASE_FILE, IncidentStore, SQLiteStore, open_store
from borderwatch.store.postgis import PostGISStore
from tests.engines import Engine

#: The reads that filter incidents: each takes one IncidentQuery first.
READS = ("query", "points", "aggregate")
#: The keywords that were repeated in every read before there was an IncidentQuery.
FILTER_KEYWORDS = {"selection", "datasets", "actors", "hide_duplicates", "max_border_km"}


@pytest.fixture
def store(engine: Engine) -> Iterator[IncidentStore]:
    with engine.open() as opened:
        yield opened


def test_the_sqlite_store_satisfies_the_protocol(tmp_path):
    with open_store(tmp_path / DATABASE_FILE) as store:
        assert isinstance(store, IncidentStore)
        assert isinstance(store, SQLiteStore)


@pytest.mark.postgres
def test_the_postgis_store_satisfies_the_protocol(postgis_url):
    with open_store(database_url=postgis_url) as store:
        assert isinstance(store, IncidentStore)
        assert isinstance(store, PostGISStore)


def test_the_protocol_lists_every_public_method_of_the_sqlite_store():
    public = {name for name, _ in inspect.getmembers(SQLiteStore, inspect.isfunction) if not name.startswith("_")}
    # Opening and seeding belong to the factory, not to callers.
    assert public - {"seed_once"} <= set(dir(IncidentStore))


def test_both_engines_offer_the_same_public_methods():
    def public(cls: type) -> set[str]:
        return {name for name, _ in inspect.getmembers(cls, inspect.isfunction) if not name.startswith("_")}

    # Besides seeding, the PostGIS store can report and upgrade its schema (the upgrade-db command).
    assert public(PostGISStore) - {"schema_version", "upgrade_schema"} == public(SQLiteStore)


@pytest.mark.parametrize("cls", [IncidentStore, SQLiteStore, PostGISStore])
@pytest.mark.parametrize("name", READS)
def test_every_read_takes_one_incident_query(cls, name):
    method = getattr(cls, name)
    parameters = list(inspect.signature(method).parameters.values())
    assert parameters[1].name == "query" and parameters[1].kind is inspect.Parameter.POSITIONAL_OR_KEYWORD
    assert get_type_hints(method)["query"] is IncidentQuery
    # Everything after the query is a view or paging keyword, never a filter again.
    assert all(parameter.kind is inspect.Parameter.KEYWORD_ONLY for parameter in parameters[2:])
    assert not FILTER_KEYWORDS & {parameter.name for parameter in parameters[2:]}


@pytest.mark.parametrize("name", READS)
def test_a_filter_instead_of_a_query_is_refused_with_a_clear_message(store, name):
    with pytest.raises(InvalidQueryError, match="take an IncidentQuery, not IncidentFilter"):
        getattr(store, name)(IncidentFilter())


def test_an_invalid_query_is_refused_with_every_problem_named():
    with pytest.raises(InvalidQueryError) as raised:
        IncidentQuery(IncidentFilter(start="2016-01-01", event_types="Riots"),  # type: ignore[arg-type]
                      datasets=["bundled"], max_border_km=-5.0)  # type: ignore[arg-type]
    message = str(raised.value)
    assert "start date that is not a date" in message
    assert "event_types as a tuple of names" in message
    assert "datasets as a tuple of names" in message
    assert "max_border_km as a distance of 0 km or more" in message
    assert isinstance(raised.value, ValueError)


@pytest.mark.parametrize("distance", [float("nan"), float("inf"), True])
def test_a_distance_that_is_no_distance_is_refused(distance):
    with pytest.raises(InvalidQueryError, match="max_border_km"):
        IncidentQuery(max_border_km=distance)


def test_a_box_that_is_no_box_is_refused(store):
    with pytest.raises(InvalidQueryError, match="bbox"):
        store.points(IncidentQuery(), bbox=(0.0, 10.0, 1.0, 5.0))


def test_a_reversed_date_range_is_a_valid_query_that_matches_nothing(store):
    reversed_range = IncidentQuery(IncidentFilter(start=dt.date(2016, 12, 31), end=dt.date(2016, 1, 1)))
    assert store.query(reversed_range).empty
    assert store.aggregate(reversed_range)["incidents"].iloc[0] == 0


def test_the_reads_answer_a_query_alike(store):
    query = IncidentQuery(IncidentFilter(start=dt.date(2016, 1, 1)), datasets=("bundled",), hide_duplicates=True)
    shown = store.query(query)
    assert len(store.points(query)) == len(shown) == store.aggregate(query)["incidents"].iloc[0] > 0
