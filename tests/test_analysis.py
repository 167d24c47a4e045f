"""The monthly timeline, against hand-checked numbers."""

from __future__ import annotations

import pandas as pd

from borderwatch.analysis import monthly_timeline
from tests.factories import TESTER, incident_row


def test_monthly_timeline_counts_incidents_and_deaths_per_type(tmp_path):
    from borderwatch.filters import IncidentQuery
    from borderwatch.store import BUNDLED, open_store
    from tests.store_worker import chunk

    store = open_store(tmp_path / "s.sqlite")
    store.remove_dataset(BUNDLED, actor=TESTER)
    store.import_chunks([chunk(
        incident_row(id="a", event_date="2016-03-02", deaths_best=5, deaths_low=5, deaths_high=5),
        incident_row(id="b", event_date="2016-03-07", deaths_best=55, deaths_low=50, deaths_high=60),
        incident_row(id="c", event_date="2016-03-20", event_type="Violence against civilians",
                     sub_event_type="Attack"),
        incident_row(id="d", event_date="2015-06-26", deaths_best=38, deaths_low=38, deaths_high=38),
    )], dataset="t", format="test", file_name="t", file_hash="t", actor=TESTER)
    counts = store.aggregate(IncidentQuery(), by=("event_month", "event_type"))
    store.close()
    timeline = monthly_timeline(counts).set_index(["month", "event_type"])
    march = pd.Timestamp("2016-03-01")
    assert timeline.loc[(march, "Battles")].tolist() == [2, 60]
    assert timeline.loc[(march, "Violence against civilians")].tolist() == [1, 0]
    assert timeline.loc[(pd.Timestamp("2015-06-01"), "Battles")].tolist() == [1, 38]
    assert len(timeline) == 3


def test_monthly_timeline_of_nothing_is_empty():
    counts = pd.DataFrame({"event_month": [], "event_type": [], "incidents": [], "deaths": []})
    assert monthly_timeline(counts).empty
