"""The dashboard with sign-in configured: what each role sees and may do, in Chromium.

The test OpenID Connect provider (tests/oidc_provider.py) runs on loopback; the
dashboard reads its ``[auth]`` and ``[roles]`` settings from a secrets file in a
temporary folder (written as the load test writes its own, scripts/loadtest_signin.py).
Roles come from a group claim (analyst), an e-mail list (admin), a grant an admin
makes in the app, or none of these (viewer).
"""

from __future__ import annotations

import secrets
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest

from scripts.loadtest_signin import ANALYST_GROUP, secrets_text
from tests.conftest import _free_port, start_dashboard, stop_dashboard
from tests.oidc_provider import OidcProvider, TestUser
from tests.person import MAP_FRAME

pytestmark = pytest.mark.browser

CLIENT_ID = "borderwatch-dashboard"
VIEWER = TestUser("vera", "Vera Viewer", "vera@example.org", ("logistics",))
ANALYST = TestUser("andy", "Andy Analyst", "andy@example.org", (ANALYST_GROUP,))
ADMIN = TestUser("ada", "Ada Admin", "ada@example.org", ())
#: Neither the settings nor a group make her more than a viewer; the admin grants her a role.
NEWCOMER = TestUser("nina", "Nina Newcomer", "nina@example.org", ())
#: As long as the other browser tests wait for a loaded server (tests/person.py LOAD_TIMEOUT_MS).
TIMEOUT_MS = 60_000
#: A person's pause between seeing a control and using it.
PAUSE_MS = 1_000


@pytest.fixture(scope="module")
def provider() -> Iterator[OidcProvider]:
    with OidcProvider([VIEWER, ANALYST, ADMIN, NEWCOMER]) as running:
        yield running


@pytest.fixture(scope="module")
def signed_in_dashboard(provider: OidcProvider, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The dashboard on the bundled data, with sign-in against the test provider."""
    folder = tmp_path_factory.mktemp("signed-in-dashboard")
    secrets_file = folder / "secrets.toml"
    client_secret = secrets.token_urlsafe(24)
    # The provider must know the redirect address before the server starts.
    port = _free_port()
    app_url = f"http://127.0.0.1:{port}"
    provider.register_client(CLIENT_ID, client_secret, f"{app_url}/oauth2callback")
    secrets_file.write_text(secrets_text(app_url, secrets.token_hex(32), CLIENT_ID, client_secret, provider,
                                         admin_emails=(ADMIN.email,)))
    # A store of its own: the roles granted here stay here.
    process, url = start_dashboard(env_overrides={"BORDERWATCH_DATA_DIR": str(folder / "store")},
                                   arguments=("--secrets.files", str(secrets_file)), port=port)
    assert url == app_url
    yield url
    stop_dashboard(process)


def _sign_in(page, url: str, user: TestUser) -> None:
    page.goto(url, wait_until="domcontentloaded")
    button = page.get_by_role("button", name="Sign in")
    button.wait_for(timeout=TIMEOUT_MS)
    page.wait_for_timeout(PAUSE_MS)
    button.click()
    choice = page.get_by_role("button", name=f"{user.name} <{user.email}>")
    choice.wait_for(timeout=TIMEOUT_MS)
    page.wait_for_timeout(PAUSE_MS)
    choice.click()
    page.get_by_text(f"Signed in as {user.email}").wait_for(timeout=TIMEOUT_MS)
    # The person lands on the map and sees it drawn (its sites shown) before going anywhere else.
    page.frame_locator(MAP_FRAME).locator(".bw-incident, .bw-cluster, .bw-cell").first.wait_for(timeout=TIMEOUT_MS)


def _open_import_page(page) -> None:
    link = page.get_by_role("link", name="Import data")
    link.wait_for(timeout=TIMEOUT_MS)
    # The person waits for the page they are on to finish loading before going to another.
    page.locator('.stApp[data-test-script-state="notRunning"]').wait_for(timeout=TIMEOUT_MS)
    page.wait_for_timeout(PAUSE_MS)
    link.click()
    page.get_by_role("heading", name="Import data").wait_for(timeout=TIMEOUT_MS)
    page.get_by_text("Datasets in the store").first.wait_for(timeout=TIMEOUT_MS)
    page.wait_for_timeout(PAUSE_MS)


def test_a_visitor_who_has_not_signed_in_sees_only_the_sign_in_page(page, signed_in_dashboard, artifacts):
    page.goto(f"{signed_in_dashboard}/import", wait_until="domcontentloaded")
    page.get_by_role("button", name="Sign in").wait_for(timeout=TIMEOUT_MS)
    page.wait_for_timeout(PAUSE_MS)
    page.screenshot(path=artifacts / "signin-dashboard-visitor.png")
    assert page.get_by_text("Map layers").count() == 0
    assert page.get_by_text("Datasets in the store").count() == 0
    assert page.locator("[data-testid='stFileUploader']").count() == 0


def test_an_upload_forged_without_a_session_is_refused(signed_in_dashboard):
    request = urllib.request.Request(
        f"{signed_in_dashboard}/_stcore/upload_file/forged-session/forged-file",
        data=b"event_id_cnty,event_date\nX1,2016-03-07\n", method="PUT",
        headers={"Content-Type": "text/csv"},
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert refused.value.code in (400, 403)


@pytest.mark.parametrize(
    ("user", "role", "may_import", "may_remove"),
    [(VIEWER, "viewer", False, False), (ANALYST, "analyst", True, False), (ADMIN, "admin", True, True)],
    ids=["viewer", "analyst", "admin"],
)
def test_each_role_sees_the_import_and_removal_controls_it_may_use(
    page, signed_in_dashboard, artifacts, user, role, may_import, may_remove
):
    _sign_in(page, signed_in_dashboard, user)
    page.get_by_text(f"Signed in as {user.email} · role: {role}").wait_for(timeout=TIMEOUT_MS)
    _open_import_page(page)
    # The page is drawn top to bottom: wait for the last part this role gets (the audit trail
    # for an admin, the table of datasets for the others) before judging what is there.
    if may_remove:
        page.get_by_role("heading", name="Audit trail").wait_for(timeout=TIMEOUT_MS)
    elif may_import:
        page.get_by_test_id("stFileUploader").filter(has_text="Infrastructure file").wait_for(timeout=TIMEOUT_MS)
    else:
        page.get_by_role("heading", name="Barriers and crossings").wait_for(timeout=TIMEOUT_MS)
        page.locator("[data-testid='stDataFrame']").nth(1).wait_for(timeout=TIMEOUT_MS)
    page.wait_for_timeout(PAUSE_MS)
    page.screenshot(path=artifacts / f"signin-dashboard-{role}.png", full_page=True)
    # Incidents, and the border's barriers and crossings: both or neither.
    uploaders = page.locator("[data-testid='stFileUploader']")
    assert uploaders.count() == (2 if may_import else 0)
    assert (page.get_by_text("importing needs an analyst or an admin").count() == 1) is not may_import
    assert (page.get_by_text("Remove a dataset").count() == 1) is may_remove
    # Only admins may read the audit trail: the section is not drawn for anyone else.
    assert (page.get_by_role("heading", name="Audit trail").count() == 1) is may_remove


def test_signing_out_of_the_dashboard_returns_to_the_sign_in_page(page, signed_in_dashboard):
    _sign_in(page, signed_in_dashboard, ANALYST)
    _sign_out(page)
    assert page.get_by_text("Signed in as").count() == 0


@pytest.mark.slow
def test_an_admin_grants_analyst_to_a_viewer_who_can_then_import(page, signed_in_dashboard, artifacts):
    _sign_in(page, signed_in_dashboard, NEWCOMER)
    page.get_by_text(f"Signed in as {NEWCOMER.email} · role: viewer").wait_for(timeout=TIMEOUT_MS)
    _sign_out(page)

    _sign_in(page, signed_in_dashboard, ADMIN)
    _open_import_page(page)
    page.get_by_role("heading", name="Access").wait_for(timeout=TIMEOUT_MS)
    address = page.get_by_role("textbox", name="E-mail address")
    address.wait_for(timeout=TIMEOUT_MS)
    page.wait_for_timeout(PAUSE_MS)
    address.fill(NEWCOMER.email)
    page.wait_for_timeout(PAUSE_MS)
    page.get_by_role("button", name="Grant").click()  # analyst is the role the form offers first
    page.get_by_text("Granted analyst to").wait_for(timeout=TIMEOUT_MS)
    page.wait_for_timeout(PAUSE_MS)
    page.screenshot(path=artifacts / "signin-dashboard-grant.png", full_page=True)
    _sign_out(page)

    _sign_in(page, signed_in_dashboard, NEWCOMER)
    page.get_by_text(f"Signed in as {NEWCOMER.email} · role: analyst").wait_for(timeout=TIMEOUT_MS)
    _open_import_page(page)
    page.get_by_test_id("stFileUploader").filter(has_text="File to import").wait_for(timeout=TIMEOUT_MS)
    assert page.get_by_text("importing needs an analyst or an admin").count() == 0
    assert page.get_by_role("heading", name="Access").count() == 0


def _sign_out(page) -> None:
    button = page.get_by_role("button", name="Sign out")
    button.wait_for(timeout=TIMEOUT_MS)
    page.wait_for_timeout(PAUSE_MS)
    button.click()
    page.get_by_role("button", name="Sign in").wait_for(timeout=TIMEOUT_MS)
