"""The dashboard on PostGIS, served for real: two app processes on one database.

Sessions speak Streamlit's websocket protocol (scripts/loadtest.py), as a
browser tab does, and read what the map page says: its summary line
("shown of total incidents") is the store's count as that process sees it.
"""

from __future__ import annotations

import asyncio
import re
import subprocess
import sys
import time
from collections.abc import Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import pytest

from borderwatch.store import open_store
from scripts.loadtest import (
    SessionResult,
    Target,
    fragment_rerun_message,
    make_target,
    open_session,
    receive_run,
    wait_healthy,
)
from tests.conftest import REPO_ROOT, start_dashboard, stop_dashboard

T = TypeVar("T")

pytestmark = pytest.mark.usefixtures("artifacts")
SUMMARY_LINE = re.compile(r"\*\*([\d,]+) of ([\d,]+) incidents")



def _run_apart(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run the sessions' coroutine on a thread of its own: the worker's thread may already run
    an event loop (Playwright's, from a browser test that ran before in the same worker)."""
    with ThreadPoolExecutor(max_workers=1) as thread:
        return thread.submit(asyncio.run, coroutine).result()

def open_map(url: str) -> SessionResult:
    """One fresh session on ``url`` running the map page to its end."""
    target = make_target(url, wait_healthy(url, None, None), timeout_s=60)
    held: list = []

    async def run() -> SessionResult:
        result = await open_session(target, "test", 0, held)
        await asyncio.gather(*(websocket.close() for websocket in held))
        return result

    return _run_apart(run())


def stored_total(result: SessionResult) -> int:
    """The total of the page's summary line."""
    for text in result.texts:
        found = SUMMARY_LINE.search(text)
        if found:
            return int(found.group(2).replace(",", ""))
    raise AssertionError(f"no summary line on the page: {result.texts} {result.errors}")


def borderwatch_cli(url: str, *args: str) -> None:
    """Run the command-line tool as another machine would: its own process, the same database."""
    subprocess.run([sys.executable, "-m", "borderwatch", "--database-url", url, *args],
                   cwd=REPO_ROOT, check=True, capture_output=True, timeout=120)


@pytest.fixture(scope="module")
def two_apps(pg_cluster) -> Iterator[tuple[str, str, str]]:
    """Two app processes on one PostGIS database (created and seeded before they start): the
    database's URL and the two apps' URLs."""
    database_url = pg_cluster.create_database()
    open_store(database_url=database_url).close()
    first, first_url = start_dashboard({"BORDERWATCH_DATABASE_URL": database_url})
    try:
        second, second_url = start_dashboard({"BORDERWATCH_DATABASE_URL": database_url})
        try:
            yield database_url, first_url, second_url
        finally:
            stop_dashboard(second)
    finally:
        stop_dashboard(first)
        pg_cluster.drop_database(database_url)


def stored(database_url: str) -> int:
    with open_store(database_url=database_url) as store:
        return store.count()


def test_an_import_through_one_process_shows_in_the_other(two_apps, tmp_path):
    database_url, first_url, second_url = two_apps
    before = stored(database_url)
    # Both processes have read (and cached) the store as it was.
    assert stored_total(open_map(first_url)) == before
    assert stored_total(open_map(second_url)) == before
    extra = tmp_path / "extra.csv"
    borderwatch_cli(database_url, "synth", "--rows", "40", "-o", str(extra))
    borderwatch_cli(database_url, "import", str(extra), "--dataset", "extra")
    # The next run of either process shows it, without a restart or a cache clear.
    assert stored_total(open_map(second_url)) == before + 40
    assert stored_total(open_map(first_url)) == before + 40


async def left_alone(target: Target, websocket, shown: SessionResult) -> SessionResult:
    """What a tab showing ``shown`` does when nobody touches it: its timed fragments fire (as the
    browser fires them) until a full run of the page follows; that run's result."""
    (fragment_id, interval), = shown.timed_fragments.items()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        await asyncio.sleep(interval)
        await websocket.send(fragment_rerun_message(target, shown, fragment_id))
        back = SessionResult(phase="back", index=0)
        try:
            # receive_run passes over fragment runs: it returns only once the whole page has run.
            await asyncio.wait_for(receive_run(websocket, back, time.monotonic()), timeout=interval)
        except TimeoutError:
            continue
        return back
    raise AssertionError("the page did not come back by itself")


def test_a_database_restart_is_said_and_the_page_comes_back_by_itself(pg_cluster, two_apps):
    database_url, url, _ = two_apps
    before = stored(database_url)
    target = make_target(url, wait_healthy(url, None, None), timeout_s=60)
    held: list = []

    async def restart_during_a_session() -> tuple[SessionResult, SessionResult]:
        pg_cluster.pause()
        try:
            down = await open_session(target, "down", 0, held)
        finally:
            pg_cluster.resume()
        back = await left_alone(target, held[0], down)
        await asyncio.gather(*(websocket.close() for websocket in held))
        return down, back

    down, back = _run_apart(restart_during_a_session())
    assert down.status == "FINISHED_SUCCESSFULLY"
    assert not [error for error in down.errors if not error.startswith("error box")], down.errors
    assert any("incident store is unavailable" in text for text in down.texts), down.texts
    assert back.map_arrived and not back.errors, back.errors
    assert stored_total(back) == before  # nothing lost
