"""Shared fixtures: the dashboard served for real, headless Chromium, and the store's engines."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from hypothesis import settings

# The store's engines (tests.engines) and the throwaway PostgreSQL cluster behind one of them.
from tests.engines import engine, module_engine  # noqa: F401 - fixtures
from tests.pgcluster import pg_cluster, postgis_url  # noqa: F401 - fixtures

# Speed is measured by the benchmark, not by tests: the suite runs its files
# side by side, so an example may take longer than hypothesis's default deadline.
settings.register_profile("borderwatch", deadline=None)
settings.load_profile("borderwatch")

REPO_ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = REPO_ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the longest tests first: with the workers of ``-n`` taking one test at a time
    (``--maxschedchunk 1`` in scripts/test.sh), the short ones then fill in around them.
    A test that takes more than about 30 s on a quiet 2-core machine carries ``slow``; the
    order within a rank is the files' (tests sharing a module's fixtures stay together)."""

    def rank(item: pytest.Item) -> int:
        for position, marker in enumerate(("slow", "browser", "postgres")):
            if item.get_closest_marker(marker):
                return position
        return 3

    items.sort(key=rank)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_dashboard(
    env_overrides: dict[str, str] | None = None, arguments: tuple[str, ...] = (), port: int | None = None
) -> tuple[subprocess.Popen, str]:
    """Start ``streamlit run app.py`` (with extra ``arguments``) on a loopback port; wait until healthy.

    The port is a free one unless given (sign-in needs the address before the server starts).
    """
    port = port or _free_port()
    env = {**os.environ, **(env_overrides or {})}
    log = open(ARTIFACTS / f"streamlit-{port}.log", "w")  # noqa: SIM115 - closed with the process
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py",
         "--server.port", str(port), "--server.address", "127.0.0.1",
         "--server.headless", "true", "--browser.gatherUsageStats", "false", *arguments],
        cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with {process.returncode}; see {log.name}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return process, url
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise RuntimeError(f"streamlit did not become healthy in 60 s; see {log.name}")


def stop_dashboard(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()


def _pointed_at(variable: str, folder: Path) -> Iterator[Path]:
    """Set an environment variable to ``folder`` while the session runs, then put it back."""
    previous = os.environ.get(variable)
    os.environ[variable] = str(folder)
    yield folder
    if previous is None:
        del os.environ[variable]
    else:
        os.environ[variable] = previous


@pytest.fixture(scope="session", autouse=True)
def private_data_dir(tmp_path_factory) -> Iterator[Path]:
    """Keep every store the tests open (and the servers they start) out of the user's data folder."""
    yield from _pointed_at("BORDERWATCH_DATA_DIR", tmp_path_factory.mktemp("borderwatch-data"))


@pytest.fixture(scope="session", autouse=True)
def private_cache_dir(tmp_path_factory) -> Iterator[Path]:
    """Keep what the app writes while it runs (the basemap it serves, export copies) out of the user's cache."""
    yield from _pointed_at("BORDERWATCH_CACHE_DIR", tmp_path_factory.mktemp("borderwatch-cache"))


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def dashboard_url(artifacts: Path) -> Iterator[str]:
    """The dashboard on the bundled data."""
    process, url = start_dashboard()
    yield url
    stop_dashboard(process)


@pytest.fixture(scope="session")
def browser(artifacts: Path):
    playwright_sync = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} not found: install Debian's chromium (scripts/test.sh does)")
    with playwright_sync.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


class RequestLog:
    """Every URL the page asked for; requests to other hosts are blocked and kept."""

    def __init__(self) -> None:
        self.urls: list[str] = []
        self.foreign: list[str] = []

    def route(self, route) -> None:
        url = route.request.url
        self.urls.append(url)
        parts = urlsplit(url)
        if parts.scheme in ("http", "https", "ws", "wss") and parts.hostname not in LOCAL_HOSTS:
            self.foreign.append(url)
            route.abort()
        else:
            route.continue_()


@pytest.fixture
def page(browser):
    """A fresh page whose requests are logged; anything not on loopback is blocked."""
    context = browser.new_context(viewport={"width": 1500, "height": 1000})
    requests = RequestLog()
    context.route("**/*", requests.route)
    page = context.new_page()
    page.requests = requests
    page.dialogs = []
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    yield page
    context.close()


@pytest.fixture
def import_page(tmp_path, monkeypatch):
    """Open the Import data page (AppTest) as a session would see it: served on ``address``,
    with or without ``--allow-anonymous``, and as ``role`` when given (how the roles of
    signed-in people reach the pages; sign-in itself is tested in Chromium)."""
    from streamlit import config as st_config
    from streamlit.testing.v1 import AppTest

    import ui.access

    monkeypatch.setenv("BORDERWATCH_DATA_DIR", str(tmp_path / "store"))

    def open_page(address: str = "localhost", allow_anonymous: bool = False, role=None) -> AppTest:
        if allow_anonymous:
            monkeypatch.setenv("BORDERWATCH_ALLOW_ANONYMOUS", "1")
        else:
            monkeypatch.delenv("BORDERWATCH_ALLOW_ANONYMOUS", raising=False)
        if role is not None:
            monkeypatch.setattr(ui.access, "current_role", lambda: role)
        ui.access.serving_mode.clear()
        at = AppTest.from_file(str(REPO_ROOT / "dashboard.py"), default_timeout=60)
        previous = st_config.get_option("server.address")
        st_config.set_option("server.address", address)
        try:
            at.run()
            at.switch_page("app_pages/import_data.py").run()
        finally:
            st_config.set_option("server.address", previous)
            ui.access.serving_mode.clear()
        return at

    return open_page
