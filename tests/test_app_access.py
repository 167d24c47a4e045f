"""Granting roles in the app, through AppTest: admins list, grant and revoke on the Import data page."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import ui.access
from borderwatch.cli import main
from borderwatch.errors import EmailAddressError
from borderwatch.escape import escape_markdown
from borderwatch.roles import Role, check_email
from borderwatch.store import DATABASE_FILE, IncidentStore, open_store

HEADER = "Access"


def _button(at: AppTest, label: str):
    return next(button for button in at.button if button.label == label)


def _grant(at: AppTest, email: str, role: str = "analyst") -> None:
    next(field for field in at.text_input if field.label == "E-mail address").input(email)
    next(box for box in at.selectbox if box.label == "Role").set_value(role)
    _button(at, "Grant").click().run()


def _store(tmp_path: Path) -> IncidentStore:
    return open_store(tmp_path / "store" / DATABASE_FILE)


def _roles_shown(at: AppTest) -> list[list[str]]:
    frame = next(frame.value for frame in at.dataframe if list(frame.value.columns) == ["Who", "Role", "Why"])
    return frame.values.tolist()


def test_an_admin_grants_a_role_sees_it_listed_and_revokes_it(import_page, tmp_path):
    at = import_page()
    assert HEADER in [header.value for header in at.header]
    _grant(at, "  Ann@Unit.Example ")
    assert not at.exception
    assert at.success[0].value == f"Granted analyst to {escape_markdown('ann@unit.example')}."
    who, role, why = _roles_shown(at)[0]
    assert (who, role) == ("ann@unit.example", "analyst") and why.startswith("granted by local user, ")
    with _store(tmp_path) as store:
        assert store.role_grants()[["email", "role", "granted_by"]].values.tolist() == [
            ["ann@unit.example", "analyst", "local user"]]
        latest = store.audit_log(limit=1).iloc[0]
    assert (latest["actor"], latest["action"], latest["outcome"], latest["email"], latest["role"]) == (
        "local user", "grant", "done", "ann@unit.example", "analyst")
    # The audit trail at the foot of the page shows the change too.
    assert at.dataframe[-1].value.iloc[0][["Action", "E-mail (role change)", "Role"]].tolist() == [
        "grant", "ann@unit.example", "analyst"]

    next(box for box in at.selectbox if box.label == "Revoke a grant").set_value("ann@unit.example").run()
    _button(at, "Revoke").click().run()
    assert not at.exception
    assert at.success[0].value == f"Revoked analyst from {escape_markdown('ann@unit.example')}."
    assert _roles_shown(at) == []
    with _store(tmp_path) as store:
        assert store.role_grants().empty
        assert store.audit_log(limit=1)[["action", "email", "role"]].values.tolist() == [
            ["revoke", "ann@unit.example", "analyst"]]


@pytest.mark.parametrize(("text", "problem"), [
    ("ann", "must hold exactly one @"),
    ("ann@unit", "needs a domain after the @"),
    ("ann smith@unit.example", "holds a space"),
    ("", "give the e-mail address"),
])
def test_text_that_is_not_an_e_mail_address_is_refused_with_the_reason(import_page, tmp_path, text, problem):
    at = import_page()
    _grant(at, text)
    assert not at.exception
    assert escape_markdown(problem) in at.error[0].value and at.error[0].value.startswith("Not granted: ")
    with _store(tmp_path) as store:
        assert store.role_grants().empty
        assert store.audit_log(limit=1)["action"].tolist() == ["import"]  # the seeding only


def test_markup_in_a_refused_address_is_shown_as_text(import_page):
    text = "[click](http://evil.example)<img src=x onerror=alert(1)>"
    at = import_page()
    _grant(at, text)
    with pytest.raises(EmailAddressError) as refused:
        check_email(text)
    # Escaped: the brackets and the tag show as typed instead of becoming a link and an image.
    assert at.error[0].value == f"Not granted: {escape_markdown(str(refused.value))}"
    assert "\\<img" in at.error[0].value and "\\[click\\]" in at.error[0].value


def test_the_settings_roles_are_listed_with_the_setting_that_gives_them(import_page, monkeypatch):
    roles = {"admin_emails": ["Chief@Unit.Example"], "analyst_groups": ["bw-analysts"]}
    monkeypatch.setattr(ui.access, "_secrets", lambda: {"roles": roles})
    at = import_page()
    _grant(at, "ann@unit.example", "admin")
    assert [[*row[:2], row[2].split(",")[0]] for row in _roles_shown(at)] == [
        ["chief@unit.example", "admin", "settings: admin_emails"],
        ["group bw-analysts", "analyst", "settings: analyst_groups"],
        ["ann@unit.example", "admin", "granted by local user"],
    ]


@pytest.mark.parametrize("role", [Role.ANALYST, Role.VIEWER])
def test_analysts_and_viewers_do_not_see_the_access_section(import_page, role):
    at = import_page(role=role)
    assert not at.exception
    assert HEADER not in [header.value for header in at.header]
    assert [field.label for field in at.text_input if field.label == "E-mail address"] == []


def test_a_grant_forged_past_the_hidden_form_is_refused_and_recorded(import_page, monkeypatch, tmp_path):
    # As if a viewer's browser sent a form the page never drew for them.
    monkeypatch.setattr(ui.access, "may", lambda action: True)
    at = import_page(role=Role.VIEWER)
    _grant(at, "vera@unit.example", "admin")
    assert not at.exception
    assert "only an admin may grant roles" in at.error[0].value
    with _store(tmp_path) as store:
        assert store.role_grants().empty
        latest = store.audit_log(limit=1).iloc[0]
    assert (latest["action"], latest["outcome"], latest["email"], latest["role"]) == (
        "grant", "refused", "vera@unit.example", "admin")


def _show_granted_roles() -> None:
    import streamlit as st

    from ui import cache

    st.write({email: role.label for email, role in cache.granted_roles().items()})


def test_a_grant_made_elsewhere_applies_on_the_next_rerun(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("BORDERWATCH_DATA_DIR", str(tmp_path / "store"))
    at = AppTest.from_function(_show_granted_roles, default_timeout=60).run()
    assert at.json[0].value == "{}"
    # Another process (here the command line) grants a role: the page's next run reads it.
    assert main(["roles", "grant", "ann@unit.example", "admin"]) == 0
    at.run()
    assert '"ann@unit.example": "admin"' in at.json[0].value
