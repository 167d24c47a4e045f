"""Throwaway app for the sign-in tests: who is signed in, their groups, and the role they map to.

Its secrets (the ``[auth]`` section and a ``[roles]`` table) come from the file the test
passes with ``--secrets.files``.
"""

import streamlit as st

PROVIDER = "testidp"


def role_of(email: str | None, groups: list[str]) -> str:
    """Map a person to a role: an e-mail list for admins, a group claim for analysts."""
    roles = st.secrets.get("roles", {})
    if email in roles.get("admin_emails", []):
        return "admin"
    if set(groups) & set(roles.get("analyst_groups", [])):
        return "analyst"
    return "viewer"


def remember_who_clicked() -> None:
    st.session_state.clicked_by = st.user.get("email")


if not st.user.is_logged_in:
    if st.button("Sign in"):
        st.login(PROVIDER)
    st.stop()

groups = list(st.user.get("groups") or [])
st.markdown(f"Signed in as **{st.user.email}**")
st.markdown(f"Groups: {', '.join(groups) or 'none'}")
st.markdown(f"Role: **{role_of(st.user.email, groups)}**")
st.caption("st.user fields: " + ", ".join(sorted(st.user.to_dict())))
st.button("Who am I?", on_click=remember_who_clicked)
if "clicked_by" in st.session_state:
    st.markdown(f"The button's callback saw {st.session_state.clicked_by}")
if st.button("Sign out"):
    st.logout()
