"""The team load test's steps, as the messages a browser would send (the servers' side is run by hand:
``python -m scripts.loadtest_steps``; its figures are in docs/postgis.md)."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import pytest
from streamlit.proto.BackMsg_pb2 import BackMsg

from borderwatch.store import open_store
from borderwatch.synth import write_synthetic_acled
from layers.incidents import click_count, clicked_incident_id
from scripts.bench import import_synthetic
from scripts.loadtest import SessionResult, make_target
from scripts.loadtest_signin import people
from scripts.loadtest_steps import FILTER_LABEL, clicked_site, measure, step_message, summarize


def test_a_click_reports_what_the_map_reports_for_a_site():
    state = json.loads(clicked_site("TN-1"))
    assert clicked_incident_id(state) == "TN-1" and click_count(state) == 1


def test_a_step_sends_the_filter_and_the_click_under_the_page_s_widget_ids():
    shown = SessionResult(phase="open", index=0, page_script_hash="page",
                          widget_ids={FILTER_LABEL: "checkbox-id", "streamlit_folium.st_folium": "map-id"})
    message = BackMsg()
    message.ParseFromString(step_message(make_target("http://127.0.0.1:1", None, 5), shown, True, clicked_site("A")))
    widgets = {state.id: state for state in message.rerun_script.widget_states.widgets}
    assert message.rerun_script.page_script_hash == "page"
    assert widgets["checkbox-id"].bool_value is True
    assert clicked_incident_id(json.loads(widgets["map-id"].json_value)) == "A"


def test_every_step_of_every_session_must_pass():
    passed = [SessionResult(phase=step, index=0, seconds=1.0, status="FINISHED_SUCCESSFULLY", map_arrived=True)
              for step in ("sign-in", "open", "filter", "click")]
    memory = {"servers": 2, "sessions": 1, "rss_warm_mb": 1.0, "rss_after_mb": 2.0, "per_session_mb": 1.0}
    assert summarize([passed], memory, 5.0)["passed"]
    assert not summarize([passed[:3]], memory, 5.0)["passed"]
    assert summarize([passed], memory, 5.0)["steps"]["click"]["p95_s"] == 1.0


@pytest.mark.slow
@pytest.mark.postgres
def test_signed_in_people_pass_every_step_and_one_the_provider_does_not_know_is_refused(postgis_url, tmp_path):
    path = tmp_path / "synthetic.csv"
    write_synthetic_acled(path, 1_000, seed=1)
    with open_store(database_url=postgis_url) as store:
        import_synthetic(store, path)
    # Two processes, three people; the last signs in as someone the provider does not know.
    # Times are not judged here (the target is the timeout): only what each session saw.
    # On a thread of its own: the worker's thread may already run Playwright's event loop (a browser test before).
    with ThreadPoolExecutor(max_workers=1) as thread:
        report = thread.submit(measure, postgis_url, servers=2, sessions=3, timeout_s=120, target_s=120,
                               strangers=1).result()
    stranger = people(2 + 3)[-1]
    assert {step: figures["ok"] for step, figures in report["steps"].items()} == {
        "sign-in": 3, "open": 2, "filter": 2, "click": 2}
    (failure,) = report["failures"]
    assert failure.startswith(f"session 2, open: not signed in as {stranger.email}: the page offers to sign in")
    assert not report["passed"]
