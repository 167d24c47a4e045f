"""Colliding ids (issue 11, item 2): one ACLED event in two datasets is two incidents,
each with an id of its own, in the store, on the map and in links."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from borderwatch.cli import main
from borderwatch.filters import IncidentQuery
from borderwatch.store import DATABASE_FILE, SCHEMA_VERSION, open_store, qualified_id
from tests.factories import TESTER
from tests.hostile import acled_rows

APP = str(Path(__file__).resolve().parent.parent / "dashboard.py")
BUNDLED_RAID = "TN-2016-03-07-BENGUERDANE"


@pytest.fixture
def two_analysts(tmp_path, capsys) -> Path:
    """The same ACLED event (TUN77) exported by two analysts: one says Tunisia and 1 death, one Libya and 77."""
    data = tmp_path / "data"
    first = acled_rows(tmp_path, {"event_id_cnty": "TUN77", "fatalities": "1"}, name="first.csv")
    second = acled_rows(tmp_path, {"event_id_cnty": "TUN77", "fatalities": "77", "country": "Libya", "iso3": "LBY",
                                   "location": "Zuwara", "latitude": "32.9312", "longitude": "12.082"},
                        name="second.csv")
    assert main(["--data-dir", str(data), "import", str(first), "--dataset", "analyst-a"]) == 0
    assert main(["--data-dir", str(data), "import", str(second), "--dataset", "analyst-b"]) == 0
    capsys.readouterr()
    return data / DATABASE_FILE


def test_one_event_in_two_datasets_has_two_ids(two_analysts):
    with open_store(two_analysts) as store:
        points = store.points(IncidentQuery(datasets=("analyst-a", "analyst-b")))
        assert sorted(points["id"]) == ["ACLED-TUN77@analyst-a", "ACLED-TUN77@analyst-b"]
        first = store.query(IncidentQuery(), ids=("ACLED-TUN77@analyst-a",))
        assert len(first) == 1
        assert (first.iloc[0]["country"], first.iloc[0]["deaths_best"]) == ("Tunisia", 1)


def test_clicking_the_first_circle_shows_the_first_record(two_analysts, monkeypatch):
    monkeypatch.setenv("BORDERWATCH_DATA_DIR", str(two_analysts.parent))
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.session_state["selected_incident"] = "ACLED-TUN77@analyst-a"
    at.run()
    assert not at.exception
    assert at.subheader[0].value == "Ben Gardane"
    assert any("Tunisia" in caption.value and "analyst\\-a" in caption.value for caption in at.caption)


def test_links_resolve_qualified_ids_and_unambiguous_old_ones(two_analysts, tmp_path, capsys):
    with open_store(two_analysts) as store:
        assert store.resolve_incident_id("ACLED-TUN77@analyst-b") == "ACLED-TUN77@analyst-b"
        assert store.resolve_incident_id(BUNDLED_RAID) == BUNDLED_RAID
        # An old link names the event in both datasets: ambiguous, so it names none.
        assert store.resolve_incident_id("ACLED-TUN77") is None
        assert store.incident_ids_for("ACLED-TUN77") == ("ACLED-TUN77@analyst-a", "ACLED-TUN77@analyst-b")
        assert store.resolve_incident_id("ACLED-TUN7") is None
        store.remove_dataset("analyst-b", actor=TESTER)
        assert store.resolve_incident_id("ACLED-TUN77") == "ACLED-TUN77@analyst-a"


def test_dataset_names_cannot_make_two_ids_alike():
    # "%" and "@" are written as in a URL, so the dataset part of an id is never ambiguous.
    assert qualified_id("ACLED-1@x", "y") != qualified_id("ACLED-1", "x@y")
    assert qualified_id("ACLED-1", "x@y") == "ACLED-1@x%40y"
    assert qualified_id(BUNDLED_RAID, "bundled") == BUNDLED_RAID


def test_a_store_of_schema_version_3_gets_qualified_ids_and_duplicate_links(two_analysts):
    with open_store(two_analysts) as store:
        before = store.query(IncidentQuery(datasets=("analyst-a", "analyst-b")))
    # What version 3 stored: the importer's ids, one index that let them repeat.
    with sqlite3.connect(two_analysts) as conn:
        conn.execute("DROP INDEX incidents_id")
        conn.execute("CREATE INDEX incidents_id ON incidents (id)")
        conn.execute("UPDATE incidents SET id = substr(id, 1, instr(id, '@') - 1) WHERE dataset <> 'bundled'")
        conn.execute("UPDATE incidents SET duplicate_of = substr(duplicate_of, 1, instr(duplicate_of, '@') - 1)"
                     " WHERE duplicate_of LIKE '%@%'")
        conn.execute("UPDATE meta SET value = '3' WHERE key = 'schema_version'")
    with open_store(two_analysts) as store:
        after = store.query(IncidentQuery(datasets=("analyst-a", "analyst-b")))
        assert after.drop(columns="geometry").equals(before.drop(columns="geometry"))
    with sqlite3.connect(two_analysts) as conn:
        assert conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() == (SCHEMA_VERSION,)
        with pytest.raises(sqlite3.IntegrityError):
            conn.execute("UPDATE incidents SET id = 'ACLED-TUN77@analyst-a' WHERE dataset = 'analyst-b'")


def test_a_duplicate_names_its_original_by_the_original_id(two_analysts, tmp_path, capsys):
    # The bundled raid and TUN77 of analyst-a share place, day and type: analyst-a's row is flagged.
    with open_store(two_analysts) as store:
        flagged = store.query(IncidentQuery(), ids=("ACLED-TUN77@analyst-a",)).iloc[0]
        assert flagged["duplicate_of"] == BUNDLED_RAID
        again = store.query(IncidentQuery(), ids=(flagged["duplicate_of"],))
        assert again["dataset"].tolist() == ["bundled"]
