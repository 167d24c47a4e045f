"""The Access section of the Import data page: who has which role and why, and admins grant and revoke roles.

Drawn only for admins; every grant and revocation is checked again by the
store against the person's role (a forged request is refused and recorded
in the audit trail), and shows in every app process on its next rerun.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from borderwatch import config
from borderwatch.errors import BorderWatchError, PermissionDeniedError, SettingsError
from borderwatch.escape import escape_markdown
from borderwatch.roles import GRANTABLE, Role, settings_roles
from borderwatch.store import IncidentStore
from ui import access
from ui.imports import message_of

#: The outcome of the last grant or revocation, shown after the rerun that lists it.
DONE_KEY = "access_done_message"
ROLE_COLUMNS = ["Who", "Role", "Why"]


def role_table(grants: pd.DataFrame) -> pd.DataFrame:
    """Who has which role, and why: from the sign-in settings, or granted in the app (``grants``: by whom, when)."""
    try:
        from_settings = [(who, role.label, f"settings: {key}") for who, role, key in
                         settings_roles(access.configured_role_settings())]
    except SettingsError:  # the page names the problem where the settings are read for the role itself
        from_settings = []
    granted = [
        (row.email, row.role, f"granted by {row.granted_by}, {row.granted_at:%Y-%m-%d %H:%M} UTC")
        for row in grants.itertuples()
    ]
    return pd.DataFrame([*from_settings, *granted], columns=ROLE_COLUMNS, dtype=object)


def show_access(store: IncidentStore) -> None:
    """Draw the Access section: the list of roles, a form to grant one, and a way to revoke a grant."""
    st.header("Access", anchor=False)
    st.caption(
        "Who has which role, and why. Roles come from the sign-in settings (`[roles]` in "
        "`.streamlit/secrets.toml`, changed there) and from grants made here; a person who has both gets "
        "the higher one, and everyone else who signs in is a viewer. Grants apply to people who sign in, "
        "from their next click on; every grant and revocation is recorded in the audit trail."
    )
    if DONE_KEY in st.session_state:
        st.success(st.session_state.pop(DONE_KEY))
    grants = store.role_grants()
    st.dataframe(role_table(grants), hide_index=True, width="stretch", key="access-roles")
    with st.form("grant-role"):
        left, right = st.columns([3, 1])
        email = left.text_input("E-mail address", max_chars=config.EMAIL_MAX_CHARS,
                                placeholder="ann@unit.example", help="The address the person signs in with.")
        label = right.selectbox("Role", [role.label for role in GRANTABLE])
        if st.form_submit_button("Grant"):
            _change(lambda: _granted(store, email, Role.parse(label)), "Not granted")
    granted = grants["email"].tolist()
    if granted:
        left, right = st.columns([3, 1])
        chosen = left.selectbox("Revoke a grant", granted, index=None, placeholder="Choose an e-mail address")
        if right.button("Revoke", disabled=chosen is None) and chosen is not None:
            _change(lambda: _revoked(store, chosen), "Not revoked")


def _granted(store: IncidentStore, email: str, role: Role) -> str:
    changed = store.grant_role(email, role, actor=access.current_actor(), acting_role=access.current_role())
    address = escape_markdown(email.strip().lower())
    return f"Granted {role.label} to {address}." if changed else f"{address} holds {role.label} already."


def _revoked(store: IncidentStore, email: str) -> str:
    role = store.revoke_role(email, actor=access.current_actor(), acting_role=access.current_role())
    return f"Revoked {role.label} from {escape_markdown(email)}."


def _change(action: Callable[[], str], refusal: str) -> None:
    """Run a grant or revocation; say what it did after the rerun that lists it, or why it was refused."""
    try:
        done = action()
    except PermissionDeniedError as refused:
        st.error(f"Not done: {refused}.")
    except (BorderWatchError, ValueError) as error:
        st.error(f"{refusal}: {escape_markdown(message_of(error))}")
    else:
        st.session_state[DONE_KEY] = done
        st.rerun()
