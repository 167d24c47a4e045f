"""The audit trail in the app, through AppTest: admins read it on the Import data page, no one else does."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

import ui.access
from borderwatch.roles import Role
from borderwatch.store import DATABASE_FILE, file_sha256, open_store
from tests.test_app_import import _acled_export, _upload

HEADER = "Audit trail"


def _headers(at: AppTest) -> list[str]:
    return [header.value for header in at.header]


def test_the_local_admin_reads_the_trail_and_a_removal_lands_in_it(import_page, tmp_path):
    at = import_page()
    assert not at.exception
    assert HEADER in _headers(at)
    at.selectbox[0].set_value("bundled").run()
    at.checkbox[0].check().run()
    at.button[0].click().run()
    assert not at.exception
    with open_store(tmp_path / "store" / DATABASE_FILE) as store:
        latest = store.audit_log(limit=1).iloc[0]
    assert (latest["actor"], latest["via"], latest["action"], latest["dataset"]) == (
        "local user", "app", "remove", "bundled")
    shown = at.dataframe[-1].value
    assert shown["Who"].tolist()[:2] == ["local user", "borderwatch"]


def test_an_import_in_the_app_is_recorded_with_the_file_and_its_sha256(import_page, tmp_path):
    at = import_page()
    export = _acled_export(tmp_path)
    _upload(at, export)
    at.button[0].click().run()
    assert not at.exception
    latest = at.dataframe[-1].value.iloc[0]
    assert (latest["Who"], latest["Way"], latest["Action"], latest["Dataset"], latest["File"]) == (
        "local user", "app", "import", "acled", export.name)
    assert latest["SHA-256"] == file_sha256(export)
    assert (latest["Added"], latest["Rejected"]) == (2, 1)


@pytest.mark.parametrize("role", [Role.ANALYST, Role.VIEWER])
def test_analysts_and_viewers_do_not_see_the_trail(import_page, role):
    at = import_page(role=role)
    assert not at.exception
    assert "Datasets in the store" in _headers(at)
    assert HEADER not in _headers(at)
    assert not any("When (UTC)" in frame.value.columns for frame in at.dataframe)


def test_anonymous_visitors_do_not_see_the_trail(import_page):
    at = import_page("0.0.0.0", allow_anonymous=True)
    assert not at.exception
    assert HEADER not in _headers(at)


def test_a_removal_forged_past_the_hidden_button_is_refused_and_recorded(import_page, monkeypatch, tmp_path):
    # As if a viewer's browser sent the click of a button the page never drew for them.
    monkeypatch.setattr(ui.access, "may", lambda action: True)
    at = import_page(role=Role.VIEWER)
    at.selectbox[0].set_value("bundled").run()
    at.checkbox[0].check().run()
    at.button[0].click().run()
    assert not at.exception
    assert "only an admin may remove datasets" in at.error[0].value
    with open_store(tmp_path / "store" / DATABASE_FILE) as store:
        assert "bundled" in store.datasets()["name"].tolist()
        latest = store.audit_log(limit=1).iloc[0]
    assert (latest["actor"], latest["action"], latest["outcome"], latest["dataset"]) == (
        "local user", "remove", "refused", "bundled")
