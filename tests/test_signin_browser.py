"""Sign-in through Streamlit's st.login against the test OpenID Connect provider, in Chromium."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ARTIFACTS, _free_port, stop_dashboard
from tests.oidc_provider import OidcProvider, TestUser

pytestmark = pytest.mark.browser

LOGIN_APP = Path(__file__).parent / "apps" / "login_app.py"
CLIENT_ID = "borderwatch"
USERS = [
    TestUser("alice", "Alice Analyst", "alice@example.org", ("borderwatch-analysts",)),
    TestUser("bob", "Bob Watch", "bob@example.org", ("logistics",)),
    TestUser("carol", "Carol Chief", "carol@example.org", ()),
]
SECRETS = """\
[auth]
redirect_uri = "{app_url}/oauth2callback"
cookie_secret = "{cookie_secret}"

[auth.testidp]
client_id = "{client_id}"
client_secret = "{client_secret}"
server_metadata_url = "{metadata_url}"
client_kwargs = {{ scope = "openid email profile groups" }}

[roles]
admin_emails = ["carol@example.org"]
analyst_groups = ["borderwatch-analysts"]
"""
TIMEOUT_MS = 30_000


@pytest.fixture(scope="module")
def provider() -> Iterator[OidcProvider]:
    with OidcProvider(USERS) as running:
        yield running


@pytest.fixture(scope="module")
def login_app_url(provider: OidcProvider, tmp_path_factory: pytest.TempPathFactory,
                  artifacts: Path) -> Iterator[str]:
    """The login app on a free loopback port, its secrets in a temporary folder."""
    port = _free_port()
    app_url = f"http://127.0.0.1:{port}"
    client_secret = secrets.token_urlsafe(24)
    provider.register_client(CLIENT_ID, client_secret, f"{app_url}/oauth2callback")
    folder = tmp_path_factory.mktemp("login-app")
    secrets_file = folder / "secrets.toml"
    secrets_file.write_text(SECRETS.format(
        app_url=app_url, cookie_secret=secrets.token_hex(32), client_id=CLIENT_ID,
        client_secret=client_secret, metadata_url=provider.metadata_url,
    ))
    log = open(ARTIFACTS / f"login-app-{port}.log", "w")  # noqa: SIM115 - closed with the process
    # The temporary folder as working directory keeps the project's .streamlit/ out.
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(LOGIN_APP),
         "--server.port", str(port), "--server.address", "127.0.0.1",
         "--server.headless", "true", "--browser.gatherUsageStats", "false",
         "--secrets.files", str(secrets_file)],
        cwd=folder, env=dict(os.environ), stdout=log, stderr=subprocess.STDOUT,
    )
    try:
        _wait_healthy(process, app_url, log.name)
        yield app_url
    finally:
        stop_dashboard(process)
        log.close()


def _wait_healthy(process: subprocess.Popen, url: str, log_name: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with {process.returncode}; see {log_name}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"streamlit did not become healthy in 60 s; see {log_name}")


def sign_in(page, app_url: str, user: TestUser) -> None:
    """Open the app, press Sign in, choose ``user`` at the provider, wait to be back."""
    page.goto(app_url, wait_until="domcontentloaded")
    sign_in_button = page.get_by_role("button", name="Sign in")
    sign_in_button.wait_for(timeout=TIMEOUT_MS)
    page.wait_for_timeout(1_000)
    sign_in_button.click()
    choice = page.get_by_role("button", name=f"{user.name} <{user.email}>")
    choice.wait_for(timeout=TIMEOUT_MS)
    page.wait_for_timeout(1_000)
    choice.click()
    page.get_by_text(f"Signed in as {user.email}").wait_for(timeout=TIMEOUT_MS)


@pytest.mark.parametrize(("user", "groups", "role"), [
    (USERS[0], "borderwatch-analysts", "analyst"),
    (USERS[1], "logistics", "viewer"),
    (USERS[2], "none", "admin"),
], ids=["alice-by-group", "bob-no-role-group", "carol-by-email"])
def test_signed_in_user_sees_their_email_groups_and_mapped_role(
    page, login_app_url, provider, artifacts, user, groups, role
):
    sign_in(page, login_app_url, user)
    page.get_by_text(f"Groups: {groups}").wait_for(timeout=TIMEOUT_MS)
    page.get_by_text(f"Role: {role}").wait_for(timeout=TIMEOUT_MS)
    page.screenshot(path=artifacts / f"signin-{user.sub}.png")
    assert provider.signed_in[-1] == user.sub


def test_a_button_callback_sees_the_signed_in_user(page, login_app_url):
    user = USERS[0]
    sign_in(page, login_app_url, user)
    page.wait_for_timeout(1_000)
    page.get_by_role("button", name="Who am I?").click()
    page.get_by_text(f"The button's callback saw {user.email}").wait_for(timeout=TIMEOUT_MS)


def test_signing_out_brings_back_the_sign_in_button(page, login_app_url, artifacts):
    sign_in(page, login_app_url, USERS[1])
    page.wait_for_timeout(1_000)
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("button", name="Sign in").wait_for(timeout=TIMEOUT_MS)
    page.screenshot(path=artifacts / "signin-after-sign-out.png")
    assert page.get_by_text("Signed in as").count() == 0
