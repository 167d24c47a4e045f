"""Load test of a team's set-up: app processes on one PostGIS database, sessions that do three steps.

    .venv/bin/python -m scripts.loadtest_steps --database-url URL --servers 2 --sessions 20

It starts the test OpenID Connect provider on loopback and ``--servers`` app
processes (``streamlit run app.py`` on free loopback ports, all on the PostGIS
database of ``--database-url``, as behind a reverse proxy), with sign-in and
roles configured (:mod:`scripts.loadtest_signin`). It warms each process with
one signed-in session, then signs in ``--sessions`` people at once, each as a
viewer or analyst of their own, spread over the processes in turn; then all of
them, at the same moment, speak Streamlit's websocket protocol as a browser
tab does (:mod:`scripts.loadtest`) with their sign-in cookie and, one step
after the other:

1. ``open``: open the map page;
2. ``filter``: tick "Hide probable duplicates" in the sidebar (a filter change);
3. ``click``: click an attack site on the map (the value the map component
   reports for a click), which opens the incident's record.

A step counts when its run finishes normally with no exception element and no
error box; ``open`` also needs the map and the sidebar's "Signed in as <the
person's e-mail> · role: <their role>" (a session the app did not sign in sees
the sign-in page and fails; ``--strangers N`` makes the last N people unknown to
the provider, to see that they do). Figures: p50/p95/max seconds per step (sign-in
too, which has no target), and the servers' resident memory before and after
the sessions, per session. Exit status 0 if every step of every session passed
within ``--target-s``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import secrets
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from streamlit.proto.BackMsg_pb2 import BackMsg
from websockets.asyncio.client import ClientConnection

from borderwatch.escape import escape_markdown
from borderwatch.filters import IncidentQuery
from borderwatch.store import open_store
from borderwatch.synth import write_synthetic_acled
from scripts.bench import import_synthetic
from scripts.bench_engines import throwaway_database
from scripts.loadtest import (
    MAP_COMPONENT,
    SessionResult,
    Target,
    free_port,
    make_target,
    open_session,
    percentile,
    receive_run,
    rerun_message,
    rss_mb,
    start_server,
    stop_server,
    wait_healthy,
)
from scripts.loadtest_signin import people, role_of, sign_in, write_secrets
from tests.oidc_provider import OidcProvider, TestUser

STEPS = ("sign-in", "open", "filter", "click")
#: The steps a person waits for on the map, which must each finish within the target.
TIMED_STEPS = STEPS[1:]
#: The sidebar checkbox the filter step ticks.
FILTER_LABEL = "Hide probable duplicates"


def clicked_site(incident_id: str) -> str:
    """What the map component reports when a person clicks the site of ``incident_id`` (its first click)."""
    return json.dumps({
        "last_active_drawing": {"type": "Feature", "properties": {"incident_id": incident_id, "click": 1}},
        "bounds": {"_southWest": {"lat": 30.0, "lng": 8.0}, "_northEast": {"lat": 37.0, "lng": 15.0}},
        "zoom": 6.5,
    })


def step_message(target: Target, shown: SessionResult, ticked: bool, click: str | None) -> bytes:
    """The BackMsg a browser sends after the person changed the widgets of the page ``shown``."""
    message = BackMsg()
    message.ParseFromString(rerun_message(target))
    message.rerun_script.page_script_hash = shown.page_script_hash
    states = message.rerun_script.widget_states.widgets
    if ticked:
        states.add(id=shown.widget_ids[FILTER_LABEL], bool_value=True)
    if click is not None:
        map_id = next(value for name, value in shown.widget_ids.items() if MAP_COMPONENT in name)
        states.add(id=map_id, json_value=click)
    return message.SerializeToString()


def signed_in_as(user: TestUser) -> str:
    """What the sidebar says once ``user`` has signed in."""
    return f"Signed in as {escape_markdown(user.email)} · role: {role_of(user)}"


async def open_signed_in(target: Target, index: int, user: TestUser, cookies: dict[str, str],
                         held: list[ClientConnection]) -> SessionResult:
    """Open the map page with ``user``'s sign-in cookies; it fails unless the page is the signed-in one."""
    opened = await open_session(target, "open", index, held, cookies)
    if opened.status is not None and signed_in_as(user) not in opened.texts:
        # The cause first: the missing map follows from it.
        opened.errors.insert(0, f"not signed in as {user.email}: "
                             + ("the page offers to sign in" if "Sign in" in opened.widget_ids else
                                "the sidebar does not say who is signed in"))
    return opened


async def three_steps(target: Target, index: int, incident_id: str, user: TestUser, cookies: dict[str, str],
                      held: list[ClientConnection]) -> list[SessionResult]:
    """One signed-in person: open the map, change a filter, click a site; one result per step."""
    mine: list[ClientConnection] = []
    opened = await open_signed_in(target, index, user, cookies, mine)
    held.extend(mine)  # closed by the caller
    results = [opened]
    if not opened.ok:
        return results
    websocket = mine[0]
    for phase, click in (("filter", None), ("click", clicked_site(incident_id))):
        result = SessionResult(phase=phase, index=index)
        started = time.monotonic()
        try:
            await websocket.send(step_message(target, results[-1] if results[-1].widget_ids else opened,
                                              True, click))
            await asyncio.wait_for(receive_run(websocket, result, started), timeout=target.timeout_s)
        except TimeoutError:
            result.errors.append(f"no script_finished within {target.timeout_s:g} s")
        # Only the map page's first run must draw the map: later steps count when they run cleanly.
        result.map_arrived = True
        results.append(result)
        if not result.ok:
            break
    return results


async def run_sessions(targets: list[Target], users: list[TestUser], incident_id: str,
                       pids: list[int]) -> tuple[list[list[SessionResult]], dict[str, float]]:
    """Warm each process with one signed-in session (the first ``len(targets)`` users), then sign in the
    others at once, spread over the processes, and let them all do the three steps at the same moment;
    the servers' memory (MB, all together) after warming and with every session still open."""
    held: list[ClientConnection] = []
    sign_in_pages: list[ClientConnection] = []
    warmers, users = users[:len(targets)], users[len(targets):]
    try:
        for target, user in zip(targets, warmers, strict=True):
            warmed = await sign_in(target, 0, user, held)
            await open_signed_in(target, 0, user, warmed.cookies, held)
        warm = sum(rss_mb(pid) for pid in pids)
        signed = await asyncio.gather(*(sign_in(targets[index % len(targets)], index, user, sign_in_pages)
                                        for index, user in enumerate(users)))
        # The sign-in pages' sessions end as a browser's do when it leaves for the provider.
        await asyncio.gather(*(websocket.close() for websocket in sign_in_pages), return_exceptions=True)
        stepped = await asyncio.gather(*(
            three_steps(targets[index % len(targets)], index, incident_id, user, signed[index].cookies, held)
            for index, user in enumerate(users)
        ))
        everyone = [[signed[index].result, *results] for index, results in enumerate(stepped)]
        after = sum(rss_mb(pid) for pid in pids)
        return everyone, {"rss_warm_mb": warm, "rss_after_mb": after, "per_session_mb": (after - warm) / len(users)}
    finally:
        await asyncio.gather(*(websocket.close() for websocket in held + sign_in_pages), return_exceptions=True)


def summarize(everyone: list[list[SessionResult]], memory: dict[str, Any], target_s: float) -> dict[str, Any]:
    """Per step: how many passed, p50/p95/max seconds; memory; failures."""
    steps: dict[str, Any] = {}
    for step in STEPS:
        done = [result for results in everyone for result in results if result.phase == step]
        times = [result.seconds for result in done if result.ok and result.seconds is not None]
        steps[step] = {
            "ok": sum(result.ok for result in done), "of": len(everyone),
            "p50_s": percentile(times, 0.5) if times else None,
            "p95_s": percentile(times, 0.95) if times else None,
            "max_s": max(times) if times else None,
        }
    # Sign-in goes through the provider, which is no part of the app: it must pass, with no target.
    failures = [f"session {results[0].index}, {result.phase}: "
                + ("; ".join(result.errors) or f"took {result.seconds} s")
                for results in everyone for result in results
                if not (result.ok if result.phase not in TIMED_STEPS else result.within(target_s))]
    failures += [f"session {results[0].index}: stopped after {results[-1].phase}"
                 for results in everyone if len(results) < len(STEPS) and results[-1].ok]
    return {"steps": steps, "memory": memory, "target_s": target_s, "failures": failures,
            "passed": not failures and all(figures["ok"] == len(everyone) for figures in steps.values())}


def format_report(report: dict[str, Any]) -> str:
    """The figures as a readable table."""
    memory = report["memory"]
    lines = [f"{memory['servers']} app processes on PostGIS, {memory['sessions']} signed-in sessions at once"
             f" (each: sign in, then open the map, change a filter, click a site)",
             "step       ok     p50 s   p95 s   max s"]
    for step, figures in report["steps"].items():
        times = [f"{figures[name]:7.2f}" if figures[name] is not None else "      -" for name in
                 ("p50_s", "p95_s", "max_s")]
        lines.append(f"  {step:<7} {figures['ok']:>3}/{figures['of']:<3} {' '.join(times)}")
    lines.append(f"server memory: {memory['rss_warm_mb']:,.0f} MB after warming, {memory['rss_after_mb']:,.0f} MB"
                 f" with every session open, {memory['per_session_mb']:,.1f} MB per session")
    lines += [f"FAILED {failure}" for failure in report["failures"]]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the load test; print the table (or JSON); 0 if every step passed within the target."""
    parser = argparse.ArgumentParser(prog="python -m scripts.loadtest_steps", description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", metavar="URL",
                        help="the PostGIS database the apps share; default: a throwaway cluster on loopback")
    parser.add_argument("--rows", type=int, default=0, metavar="N",
                        help="without --database-url: synthetic incidents imported first (default 0)")
    parser.add_argument("--servers", type=int, default=2, help="app processes (default 2)")
    parser.add_argument("--sessions", type=int, default=20, help="sessions at once (default 20)")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds before a step fails (default 120)")
    parser.add_argument("--target-s", type=float, default=5.0, help="seconds each step must take at most")
    parser.add_argument("--strangers", type=int, default=0, metavar="N",
                        help="of the sessions, how many sign in as people the provider does not know"
                             " (a check of the harness: they must fail)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    if not 0 <= args.strangers <= args.sessions:
        parser.error("--strangers must be between 0 and --sessions")
    if args.database_url is not None:
        return run(args, args.database_url)
    with throwaway_database() as url:
        if args.rows:
            with tempfile.TemporaryDirectory(prefix="borderwatch-loadtest-") as scratch:
                path = Path(scratch) / "synthetic.csv"
                write_synthetic_acled(path, args.rows, seed=1)
                with open_store(database_url=url) as store:
                    import_synthetic(store, path)
        return run(args, url)


def run(args: argparse.Namespace, database_url: str) -> int:
    """Run the sessions on ``database_url`` as ``args`` say; print the report; 0 if it passed."""
    report = measure(database_url, args.servers, args.sessions, args.timeout, args.target_s, args.strangers)
    print(json.dumps(report, indent=2) if args.json else format_report(report))
    return 0 if report["passed"] else 1


def measure(database_url: str, servers: int, sessions: int, timeout_s: float, target_s: float,
            strangers: int = 0) -> dict[str, Any]:
    """Start the provider and ``servers`` app processes with sign-in on ``database_url``, run ``sessions``
    signed-in people (the last ``strangers`` unknown to the provider), stop everything; the report."""
    with open_store(database_url=database_url) as store:
        newest = store.query(IncidentQuery(hide_duplicates=True), limit=1, newest_first=True)
    incident_id = str(newest.iloc[0]["id"])
    users = people(servers + sessions)
    processes = []
    with (tempfile.TemporaryDirectory(prefix="borderwatch-loadtest-") as scratch,
          OidcProvider(users[:len(users) - strangers]) as provider):
        cookie_secret = secrets.token_hex(32)
        try:
            targets = []
            for number in range(servers):
                port = free_port()
                secrets_file = write_secrets(Path(scratch), number, f"http://127.0.0.1:{port}", provider,
                                             cookie_secret)
                log = Path(scratch) / f"streamlit-{number}.log"
                process, url = start_server(Path(scratch), log, database_url=database_url,
                                            arguments=("--secrets.files", str(secrets_file)), port=port)
                processes.append(process)
                targets.append(make_target(url, wait_healthy(url, process, log), timeout_s))
            everyone, rss = asyncio.run(run_sessions(targets, users, incident_id,
                                                     [process.pid for process in processes]))
        finally:
            for process in processes:
                stop_server(process)
    return summarize(everyone, {"servers": servers, "sessions": sessions, **rss}, target_s)


if __name__ == "__main__":
    sys.exit(main())
