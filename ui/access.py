"""Who the person at the dashboard is, and what their role lets them do.

Sign-in is Streamlit's own OpenID Connect (``st.login``), configured by the
``[auth]`` table of ``.streamlit/secrets.toml``; roles come from its ``[roles]``
table (:func:`borderwatch.roles.role_settings`) and from the grants admins
make in the app, kept in the store (the higher one applies). Without ``[auth]`` the
dashboard is one person's tool on this machine, or, started with
``--allow-anonymous`` on a network address, a read-only picture for everyone
(:mod:`borderwatch.serving`). Pages ask :func:`current_role` before showing a
control and call :func:`permitted` where the action runs, so a request forged
past a hidden button is refused all the same.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping

import streamlit as st

from borderwatch import config
from borderwatch.errors import PermissionDeniedError, SettingsError, StoreUnavailableError
from borderwatch.escape import escape_markdown
from borderwatch.roles import Role, RoleSettings, allows, require, role_of, role_settings
from borderwatch.serving import Exposure, exposure, role_without_sign_in
from borderwatch.store import Actor, IncidentStore
from ui import cache

#: The launcher's option (after ``--`` on the command line) that lets anonymous viewers in.
ALLOW_ANONYMOUS_FLAG = "--allow-anonymous"
#: How the audit trail names the one user of a dashboard without sign-in ...
LOCAL_USER = "local user"
#: ... and the visitors of one opened with ``--allow-anonymous``.
ANONYMOUS = "anonymous"
#: Actions whose refusal is recorded in the audit trail, as its entries name them.
AUDITED_ACTIONS = {"import": "import", "remove_dataset": "remove"}


def _secrets() -> Mapping[str, object]:
    try:
        return dict(st.secrets)
    except FileNotFoundError:  # no secrets file at all: no sign-in
        return {}


def anonymous_allowed(argv: list[str] | None = None) -> bool:
    """Whether the operator started the server with ``--allow-anonymous`` (or its environment variable)."""
    arguments = sys.argv[1:] if argv is None else argv
    return ALLOW_ANONYMOUS_FLAG in arguments or os.environ.get(config.ALLOW_ANONYMOUS_ENV, "") == "1"


def login_provider(auth: Mapping[str, object]) -> str | None:
    """The provider ``st.login`` is called with: None for ``[auth]`` itself, else its first named table."""
    if "client_id" in auth:
        return None
    named = [name for name, value in auth.items() if isinstance(value, Mapping)]
    return named[0] if named else None


def sign_in_configured() -> bool:
    """Whether the secrets hold an ``[auth]`` table, so people sign in."""
    return "auth" in _secrets()


@st.cache_resource(show_spinner=False)
def serving_mode() -> Exposure:
    """How this server is reached (decided once per process; a refusal stops the page)."""
    names = [*(st.get_option("server.allowedHosts") or []), st.get_option("browser.serverAddress") or ""]
    return exposure(st.get_option("server.address"), sign_in_configured(), anonymous_allowed(), names)


def current_role() -> Role:
    """The role of the person in this session; asks them to sign in first when sign-in is configured."""
    try:
        mode = serving_mode()
    except SettingsError as refused:  # the launcher refuses to start so; this covers other ways of serving
        st.error(str(refused))
        st.stop()
    if mode is not Exposure.SIGNED_IN:
        return role_without_sign_in(mode)
    if not st.user.is_logged_in:
        st.title("BorderWatch")
        st.write("Sign in to see the border's picture.")
        auth = _secrets().get("auth", {})
        provider = login_provider(auth if isinstance(auth, Mapping) else {})
        if st.button("Sign in", type="primary"):
            st.login(provider) if provider else st.login()
        st.stop()
    return role_of(st.user.to_dict(), configured_role_settings(), _granted_roles())


def configured_role_settings() -> RoleSettings:
    """Who the ``[roles]`` settings give which role (raises :class:`SettingsError` if they are wrong)."""
    roles = _secrets().get("roles")
    return role_settings(roles if isinstance(roles, Mapping) else None)


def _granted_roles() -> dict[str, Role]:
    try:
        return cache.granted_roles()
    except StoreUnavailableError:
        # The page says the store is unavailable; meanwhile the settings alone decide, never more.
        return {}


def may(action: str) -> bool:
    """Whether the person may do ``action``: for showing or hiding a control."""
    return allows(current_role(), action)


def current_actor() -> Actor:
    """Who the person in this session is, as the audit trail records them.

    Returns
    -------
    Actor
        Their e-mail when signed in (else the account's name or subject), :data:`LOCAL_USER`
        without sign-in, :data:`ANONYMOUS` on a server opened to anyone.
    """
    mode = serving_mode()
    if mode is Exposure.LOCAL:
        return Actor.app(LOCAL_USER)
    if mode is Exposure.ANONYMOUS:
        return Actor.app(ANONYMOUS)
    who = st.user.get("email") or st.user.get("name") or st.user.get("sub") or "an unnamed account"
    return Actor.app(str(who))


def permitted(action: str, *, store: IncidentStore | None = None, dataset: str = "") -> bool:
    """Check ``action`` where it runs; say why it is refused (and return False) when the role does not allow it.

    Parameters
    ----------
    action : str
        One of :data:`borderwatch.roles.ACTIONS`.
    store : IncidentStore, optional
        Where a refused import or removal is recorded in the audit trail.
    dataset : str
        The dataset the action is for, recorded with a refusal.
    """
    try:
        require(current_role(), action)
    except PermissionDeniedError as refused:
        if store is not None and action in AUDITED_ACTIONS:
            store.record_refusal(AUDITED_ACTIONS[action], actor=current_actor(), dataset=dataset)
        st.error(f"Not done: {refused}.")
        return False
    return True


def show_account(role: Role) -> None:
    """Say in the sidebar who is at the dashboard and what they may do; offer to sign out."""
    mode = serving_mode()
    if mode is Exposure.SIGNED_IN:
        who = st.user.get("email") or st.user.get("name") or "an unnamed account"
        st.sidebar.caption(f"Signed in as {escape_markdown(who)} · role: {role.label}")
        if st.sidebar.button("Sign out", key="sign-out"):
            st.logout()
    elif mode is Exposure.ANONYMOUS:
        st.sidebar.caption("Open to anyone on this network: read and export only.")
