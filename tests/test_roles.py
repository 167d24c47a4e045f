"""Roles: who may do what, from the sign-in settings, the token's claims and the grants admins made."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from borderwatch.errors import PermissionDeniedError, SettingsError
from borderwatch.roles import ACTIONS, Role, allows, require, role_of, role_settings

SETTINGS = role_settings({
    "admin_emails": ["Chief@Unit.example"], "analyst_emails": ["ana@unit.example"],
    "admin_groups": ["bw-admins"], "analyst_groups": ["bw-analysts"],
})


@pytest.mark.parametrize(("claims", "role"), [
    ({"email": "chief@unit.example", "email_verified": True}, Role.ADMIN),
    ({"email": "CHIEF@unit.example ", "email_verified": True}, Role.ADMIN),
    ({"email": "ana@unit.example", "email_verified": True}, Role.ANALYST),
    ({"email": "someone@unit.example", "email_verified": True, "groups": ["bw-analysts"]}, Role.ANALYST),
    ({"email": "someone@unit.example", "email_verified": True, "groups": ["bw-analysts", "bw-admins"]}, Role.ADMIN),
    ({"email": "someone@unit.example", "email_verified": True}, Role.VIEWER),
    # An address the provider has not verified proves nothing.
    ({"email": "chief@unit.example", "email_verified": False}, Role.VIEWER),
    ({"email": "chief@unit.example"}, Role.VIEWER),
    ({}, Role.VIEWER),
])
def test_a_person_gets_the_highest_role_the_settings_give(claims, role):
    assert role_of(claims, SETTINGS) is role


def test_a_role_granted_in_the_app_raises_a_person_but_never_lowers_one():
    verified = {"email": "new@unit.example", "email_verified": True}
    assert role_of(verified, SETTINGS, {"new@unit.example": Role.ANALYST}) is Role.ANALYST
    chief = {"email": "chief@unit.example", "email_verified": True}
    assert role_of(chief, SETTINGS, {"chief@unit.example": Role.VIEWER}) is Role.ADMIN


def test_entra_app_roles_can_be_the_groups_claim():
    settings = role_settings({"admin_groups": ["BorderWatch.Admin"], "groups_claim": "roles"})
    assert role_of({"roles": ["BorderWatch.Admin"]}, settings) is Role.ADMIN
    assert role_of({"groups": ["BorderWatch.Admin"]}, settings) is Role.VIEWER


def test_wrong_settings_are_all_named_at_once():
    with pytest.raises(SettingsError) as raised:
        role_settings({"admin_emails": "chief@unit.example", "analysts": ["x"], "groups_claim": ""})
    message = str(raised.value)
    assert "admin_emails must be a list" in message and "'analysts' is not a setting" in message
    assert "groups_claim must be the name of a claim" in message


def test_each_action_needs_its_role_and_the_refusal_says_which():
    require(Role.ANALYST, "import")
    refusal = "only an admin may remove datasets; you are signed in as an analyst"
    with pytest.raises(PermissionDeniedError, match=refusal):
        require(Role.ANALYST, "remove_dataset")
    with pytest.raises(PermissionDeniedError, match="only an analyst may import data; you are signed in as a viewer"):
        require(Role.VIEWER, "import")


@given(st.sampled_from(list(Role)), st.sampled_from(list(ACTIONS)))
def test_a_higher_role_allows_all_a_lower_one_does(role, action):
    for higher in Role:
        if higher >= role and allows(role, action):
            assert allows(higher, action)


def test_role_names_read_back():
    assert [Role.parse(role.label.upper()) for role in Role] == list(Role)
    with pytest.raises(ValueError, match="not a role"):
        Role.parse("superuser")
