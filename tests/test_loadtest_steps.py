"""The team load test's steps, as the messages a browser would send (the servers' side is run by hand:
``python -m scripts.loadtest_steps``; its figures are in docs/postgis.md)."""

from __future__ import annotations

import json

from streamlit.proto.BackMsg_pb2 import BackMsg

from layers.incidents import click_count, clicked_incident_id
from scripts.loadtest import SessionResult, make_target
from scripts.loadtest_steps import FILTER_LABEL, clicked_site, step_message, summarize


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
              for step in ("open", "filter", "click")]
    memory = {"servers": 2, "sessions": 1, "rss_warm_mb": 1.0, "rss_after_mb": 2.0, "per_session_mb": 1.0}
    assert summarize([passed], memory, 5.0)["passed"]
    assert not summarize([passed[:2]], memory, 5.0)["passed"]
    assert summarize([passed], memory, 5.0)["steps"]["click"]["p95_s"] == 1.0
