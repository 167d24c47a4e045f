"""Sign-in for the load test: the test OpenID Connect provider, the apps' secrets, and one person's sign-in.

The app processes read an ``[auth]`` table pointing at the provider of
:mod:`tests.oidc_provider` (on loopback) and a ``[roles]`` table; each process
has its own secrets file, since the redirect address names its port, and its
own client at the provider, but all share one cookie secret, as the processes
behind one reverse proxy would. Each session signs in as a person of its own
through the flow a browser goes through:

1. the app's first run shows the sign-in page (a "Sign in" button, no map);
2. clicking the button makes the app call ``st.login``, which sends the browser
   to the app's login address;
3. that redirects to the provider's sign-in page, where the person chooses
   their account; the provider redirects to the app's callback with a code;
4. the callback exchanges the code for the person's claims and sets Streamlit's
   signed auth cookie, which the browser sends when it opens the page again.

Nothing here is a shortcut around the app: a person the provider does not know
gets no cookie, and the app then shows the sign-in page again.
"""

from __future__ import annotations

import asyncio
import html.parser
import json
import secrets
import time
import urllib.request
from dataclasses import dataclass
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.parse import urlencode, urljoin

from streamlit.proto.BackMsg_pb2 import BackMsg
from websockets.asyncio.client import ClientConnection

from scripts.loadtest import SessionResult, Target, open_session, receive_run, rerun_message
from tests.oidc_provider import OidcProvider, TestUser

#: The provider's name in the apps' ``[auth]`` table.
PROVIDER_NAME = "testidp"
#: The group that makes a person an analyst (``[roles]``); everyone else is a viewer.
ANALYST_GROUP = "borderwatch-analysts"
SIGN_IN_BUTTON = "Sign in"
SECRETS = """\
[auth]
redirect_uri = "{app_url}/oauth2callback"
cookie_secret = "{cookie_secret}"

[auth.{provider_name}]
client_id = "{client_id}"
client_secret = "{client_secret}"
server_metadata_url = "{metadata_url}"
client_kwargs = {{ scope = "openid email profile groups" }}

[roles]
admin_emails = {admin_emails}
analyst_groups = ["{analyst_group}"]
"""


def people(count: int) -> list[TestUser]:
    """``count`` distinct people, viewers and analysts in turn."""
    return [
        TestUser(f"{role}-{number:02d}", f"Load {role.title()} {number:02d}", f"{role}-{number:02d}@example.org",
                 (ANALYST_GROUP,) if role == "analyst" else ())
        for number in range(count) for role in ("analyst" if number % 2 else "viewer",)
    ]


def role_of(user: TestUser) -> str:
    """The role the app gives ``user`` under :data:`SECRETS`."""
    return "analyst" if ANALYST_GROUP in user.groups else "viewer"


def secrets_text(app_url: str, cookie_secret: str, client_id: str, client_secret: str, provider: OidcProvider,
                 admin_emails: tuple[str, ...] = ()) -> str:
    """The secrets file of an app at ``app_url`` signing in at ``provider`` as ``client_id``: analysts by
    :data:`ANALYST_GROUP`, admins by ``admin_emails``, viewers the rest."""
    return SECRETS.format(
        app_url=app_url, cookie_secret=cookie_secret, provider_name=PROVIDER_NAME, client_id=client_id,
        client_secret=client_secret, metadata_url=provider.metadata_url, analyst_group=ANALYST_GROUP,
        admin_emails=json.dumps(list(admin_emails)),
    )


def write_secrets(folder: Path, number: int, app_url: str, provider: OidcProvider, cookie_secret: str) -> Path:
    """Register app process ``number`` (at ``app_url``) with the provider and write its secrets file."""
    client_id, client_secret = f"borderwatch-{number}", secrets.token_urlsafe(24)
    provider.register_client(client_id, client_secret, f"{app_url}/oauth2callback")
    path = folder / f"secrets-{number}.toml"
    path.write_text(secrets_text(app_url, cookie_secret, client_id, client_secret, provider), encoding="utf-8")
    return path


class _SignInForm(html.parser.HTMLParser):
    """Where the provider page's form posts the chosen account."""

    def __init__(self) -> None:
        super().__init__()
        self.action = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "form":
            self.action = found.get("action") or ""


@dataclass
class SignedIn:
    """What a sign-in gave the session: the app's cookies, and what went wrong if it did."""

    cookies: dict[str, str]
    result: SessionResult


def _through_provider(target: Target, login_path: str, account: str) -> dict[str, str]:
    """Follow the app's login address to the provider, choose ``account``, follow the callback back;
    the cookies the browser then holds (blocking: run in a thread)."""
    jar = CookieJar()
    browser = urllib.request.build_opener(urllib.request.ProxyHandler({}), urllib.request.HTTPCookieProcessor(jar))
    with browser.open(urljoin(target.base_url + "/", login_path.lstrip("/")), timeout=target.timeout_s) as page:
        form = _SignInForm()
        form.feed(page.read().decode("utf-8"))
        provider_page = page.url
    # A person the provider does not know posts their name all the same (as with a mistyped user
    # name) and gets its page back, with no code: the app never sees them.
    request = urllib.request.Request(urljoin(provider_page, form.action), data=urlencode({"user": account}).encode(),
                                     method="POST")
    with browser.open(request, timeout=target.timeout_s) as landed:
        landed.read()
    return {cookie.name: cookie.value or "" for cookie in jar}


async def sign_in(target: Target, index: int, user: TestUser, held: list[ClientConnection]) -> SignedIn:
    """One person signs in as ``user`` (see the module's docstring); the time is the whole flow's."""
    started = time.monotonic()
    mine: list[ClientConnection] = []
    shown = await open_session(target, "sign-in", index, mine)
    held.extend(mine)  # closed by the caller
    result = SessionResult(phase="sign-in", index=index)
    if SIGN_IN_BUTTON not in shown.widget_ids or shown.status != "FINISHED_SUCCESSFULLY":
        result.errors.append(f"the app did not offer to sign in: {'; '.join(shown.errors) or shown.widget_ids}")
        return SignedIn({}, result)
    click = BackMsg()
    click.ParseFromString(rerun_message(target))
    click.rerun_script.page_script_hash = shown.page_script_hash
    click.rerun_script.widget_states.widgets.add(id=shown.widget_ids[SIGN_IN_BUTTON], trigger_value=True)
    try:
        await mine[0].send(click.SerializeToString())
        await asyncio.wait_for(receive_run(mine[0], result, started), timeout=target.timeout_s)
    except TimeoutError:
        result.errors.append(f"no script_finished within {target.timeout_s:g} s")
        return SignedIn({}, result)
    if not result.auth_redirect:
        result.errors.append("clicking Sign in did not send the browser to the login address")
        return SignedIn({}, result)
    try:
        cookies = await asyncio.to_thread(_through_provider, target, result.auth_redirect, user.sub)
    except OSError as error:  # HTTP errors and refused connections: this session's result
        result.errors.append(f"signing in at the provider failed: {error}")
        return SignedIn({}, result)
    result.seconds = time.monotonic() - started
    result.map_arrived = True  # the sign-in page has no map; the step counts when it ran cleanly
    return SignedIn(cookies, result)
