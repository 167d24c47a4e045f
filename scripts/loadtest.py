"""Load test: many real Streamlit sessions open the map page at once.

Run by hand from the repository root (figures go in the issue notes and the README):

    .venv/bin/python -m scripts.loadtest --sessions 20
    .venv/bin/python -m scripts.loadtest --sessions 20 --json
    .venv/bin/python -m scripts.loadtest --sessions 20 --url http://127.0.0.1:8501 --pid 12345

Without ``--url`` it starts its own server (``streamlit run app.py`` on a free
loopback port, store in ``--data-dir`` or a temporary folder) and always stops
it: at the end, on an error, on Ctrl-C or SIGTERM, when the hard deadline
passes, and (Linux) when this script itself is killed.

Each session speaks Streamlit's own websocket protocol, as the browser does:
it opens ``/_stcore/stream`` with the subprotocols ``streamlit`` and the XSRF
cookie, sends one ``rerun_script`` BackMsg for the default page and reads
ForwardMsgs until the run's ``script_finished``. A session counts as a success
only if the streamlit-folium map component arrived in that run and no exception
element did. Nothing runs in a browser, so the figures are the server's share
of opening the page: running the script and streaming the page, not drawing it.

Three phases, each one's sessions kept open until the end so that the server
holds them all when memory is read:

1. first: one session on the fresh server (it fills the app's caches);
2. alone: one more session by itself, the baseline the concurrent figures are
   compared with, as ratios (times on a shared machine vary between runs; ratios
   from one run compare fairly);
3. together: ``--sessions`` sessions opened at the same moment.

Server memory is the resident set (VmRSS) of the server process and any
children, read before any session, after the first session and after the last
phase; memory per extra session is the growth between the last two divided by
the number of sessions added. Exit status: 0 if every session drew the map
within ``--target-s`` seconds (the first and the lone session included), 1
otherwise or if the run could not finish (server did not start, SIGTERM, hard
deadline), 2 for usage errors, 130 after Ctrl-C.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import ctypes
import json
import math
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.asyncio.client import ClientConnection, connect
from websockets.typing import Origin, Subprotocol

REPO_ROOT = Path(__file__).resolve().parent.parent
# The component st_folium declares: its full name is "<module>.<name>".
MAP_COMPONENT = "streamlit_folium"
# What the browser sends as the second subprotocol when it has no token
# (an empty entry would be an invalid protocol name).
PLACEHOLDER_TOKEN = "PLACEHOLDER_AUTH_TOKEN"
XSRF_COOKIE = "_streamlit_xsrf"
STARTUP_LIMIT_S = 60.0
# Streamlit's own shutdown waits for running scripts, which a busy server
# takes seconds to wind down; SIGKILL after this grace period. Nothing is lost:
# the store's writes are SQLite transactions.
STOP_GRACE_S = 5.0
# Margin on top of the phase limits before the whole run is abandoned.
DEADLINE_MARGIN_S = 30.0


class DeadlineExceeded(Exception):
    """The whole run took longer than its hard deadline."""


class Interrupted(Exception):
    """SIGTERM arrived; raised so that the server is still stopped."""


@dataclass
class SessionResult:
    """What one session saw, with times in seconds from the start of its connection."""

    phase: str
    index: int
    # Until the run's script_finished; None if it never came.
    seconds: float | None = None
    connect_s: float | None = None
    map_s: float | None = None
    bytes_received: int = 0
    messages: int = 0
    map_arrived: bool = False
    status: str | None = None
    script_run_id: str = ""
    errors: list[str] = field(default_factory=list)
    # The texts of the run's markdown elements and info/error boxes, in order (what the page says).
    texts: list[str] = field(default_factory=list)
    # The page the run showed, and the fragments it asked the browser to rerun on a timer (id: seconds).
    page_script_hash: str = ""
    timed_fragments: dict[str, float] = field(default_factory=dict)
    # The run's widgets by label (components by name): the ids a browser sends their values under.
    widget_ids: dict[str, str] = field(default_factory=dict)
    # Where the run sent the browser to sign in (st.login), if it did.
    auth_redirect: str = ""

    @property
    def ok(self) -> bool:
        """The run finished normally, drew the map and showed no exception."""
        return self.status == "FINISHED_SUCCESSFULLY" and self.map_arrived and not self.errors

    def within(self, target_s: float) -> bool:
        """Whether the session succeeded within the target time."""
        return self.ok and self.seconds is not None and self.seconds <= target_s

    def as_dict(self) -> dict[str, Any]:
        """The figures as JSON-ready values, with ``ok`` spelled out."""
        figures = asdict(self)
        # What the page said, not figures.
        for words in ("texts", "page_script_hash", "timed_fragments", "widget_ids", "auth_redirect"):
            del figures[words]
        return {**figures, "ok": self.ok}


@dataclass
class Target:
    """Where the sessions connect and what a browser would send with them."""

    base_url: str
    stream_url: str
    origin: str
    xsrf_cookie: str | None
    timeout_s: float


# ---------------------------------------------------------------------------
# Server process: start, wait, measure, stop.
# ---------------------------------------------------------------------------


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _die_with_parent() -> None:
    """In the server's child process: get SIGTERM if the load test dies, even by SIGKILL."""
    # PR_SET_PDEATHSIG is Linux-only; elsewhere the finally blocks must do.
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)


def start_server(data_dir: Path, log_path: Path, database_url: str | None = None,
                 arguments: Sequence[str] = (), port: int | None = None) -> tuple[subprocess.Popen[bytes], str]:
    """Start ``streamlit run app.py`` (with extra ``arguments``) on ``port`` or a free loopback port (on
    the PostGIS ``database_url`` if given); return it and its URL."""
    port = port or free_port()
    env = {**os.environ, "BORDERWATCH_DATA_DIR": str(data_dir)}
    if database_url is not None:
        env["BORDERWATCH_DATABASE_URL"] = database_url
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py",
             "--server.headless", "true", "--server.address", "127.0.0.1",
             "--server.port", str(port), "--browser.gatherUsageStats", "false", *arguments],
            cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
            # Its own process group: Ctrl-C in the terminal reaches only this
            # script, which then stops the server in order; and stop_server
            # can reach any child the server starts.
            start_new_session=True,
            preexec_fn=_die_with_parent,  # noqa: PLW1509 - no threads exist yet
        )
    return process, f"http://127.0.0.1:{port}"


def stop_server(process: subprocess.Popen[bytes]) -> None:
    """Stop the server and its process group: SIGTERM, then SIGKILL after a grace period."""
    if process.poll() is not None:
        return
    # The group id is the server's own pid (start_new_session), so this
    # reaches only what this script started.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=STOP_GRACE_S)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=STOP_GRACE_S)


def _opener() -> urllib.request.OpenerDirector:
    """An opener that ignores proxy settings: the server is on loopback."""
    return urllib.request.build_opener(urllib.request.ProxyHandler({}))


def health_check(base_url: str) -> str | None:
    """GET ``/_stcore/health``; return the XSRF cookie it sets, if any. Raises OSError if unhealthy."""
    with _opener().open(f"{base_url}/_stcore/health", timeout=5) as response:
        if response.status != 200:
            raise OSError(f"health check answered {response.status}")
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(header)
            if XSRF_COOKIE in cookie:
                return cookie[XSRF_COOKIE].value
    return None


def wait_healthy(base_url: str, process: subprocess.Popen[bytes] | None, log_path: Path | None) -> str | None:
    """Wait until the server answers its health check; return the XSRF cookie."""
    deadline = time.monotonic() + STARTUP_LIMIT_S
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"streamlit exited with status {process.returncode}\n{_log_tail(log_path)}")
        try:
            return health_check(base_url)
        except (OSError, urllib.error.URLError) as error:
            last_error = error
            time.sleep(0.3)
    raise RuntimeError(
        f"{base_url} was not healthy within {STARTUP_LIMIT_S:.0f} s ({last_error})\n{_log_tail(log_path)}"
    )


def _log_tail(log_path: Path | None, lines: int = 20) -> str:
    """The end of the server log, to explain a failed start."""
    if log_path is None or not log_path.exists():
        return ""
    text = log_path.read_text(encoding="utf-8", errors="replace").splitlines()
    return "server log (last lines):\n" + "\n".join(text[-lines:])


def process_tree(pid: int) -> list[int]:
    """The process and all its descendants, from /proc (Linux)."""
    pids = [pid]
    position = 0
    while position < len(pids):
        current = pids[position]
        position += 1
        try:
            tasks = list(Path(f"/proc/{current}/task").iterdir())
        except OSError:
            continue
        for task in tasks:
            try:
                pids.extend(int(child) for child in (task / "children").read_text().split())
            except OSError:
                continue
    return pids


def _status_kb(pid: int, key: str) -> int:
    """One ``kB`` figure from /proc/PID/status (0 if the process is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(f"{key}:"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def rss_mb(pid: int) -> float:
    """Resident memory of the process and its children, in MB (MiB)."""
    return sum(_status_kb(member, "VmRSS") for member in process_tree(pid)) / 1024


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of the process and its children so far, in seconds."""
    ticks = 0
    for member in process_tree(pid):
        try:
            # The command name (field 2) may hold spaces; the fields after its ")" are fixed.
            fields = Path(f"/proc/{member}/stat").read_text().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
        except (OSError, ValueError, IndexError):
            continue
    return ticks / os.sysconf("SC_CLK_TCK")


def peak_rss_mb(pid: int) -> float:
    """The server process's own resident high-water mark (VmHWM), in MB."""
    return _status_kb(pid, "VmHWM") / 1024


# ---------------------------------------------------------------------------
# Sessions: Streamlit's websocket protocol.
# ---------------------------------------------------------------------------


def rerun_message(target: Target) -> bytes:
    """The BackMsg a browser sends when it opens the app's root URL.

    The browser sends no page hash and no page name for ``/``, so the server runs
    the default page (the map); no cached message hashes, as a first visit has
    none, so every element arrives whole; and the browser context.
    """
    message = BackMsg()
    state = message.rerun_script
    state.query_string = ""
    state.page_script_hash = ""
    state.page_name = ""
    state.context_info.timezone = "UTC"
    state.context_info.timezone_offset = 0
    state.context_info.locale = "en-US"
    state.context_info.url = f"{target.base_url}/"
    state.context_info.is_embedded = False
    state.context_info.color_scheme = "light"
    return message.SerializeToString()


def fragment_rerun_message(target: Target, result: SessionResult, fragment_id: str) -> bytes:
    """The BackMsg a browser sends when a fragment's timer (``st.fragment(run_every=...)``) fires."""
    message = BackMsg()
    message.ParseFromString(rerun_message(target))
    message.rerun_script.page_script_hash = result.page_script_hash
    message.rerun_script.fragment_id = fragment_id
    message.rerun_script.is_auto_rerun = True
    return message.SerializeToString()


def read_element(message: ForwardMsg, result: SessionResult, elapsed: float) -> None:
    """Record what a new element tells: the map component, an exception, an error box."""
    element = message.delta.new_element
    kind = element.WhichOneof("type")
    widget: Any = getattr(element, kind) if kind else None
    if kind == "component_instance":
        result.widget_ids[element.component_instance.component_name] = element.component_instance.id
    elif getattr(widget, "id", "") and getattr(widget, "label", ""):
        result.widget_ids[widget.label] = widget.id
    if kind == "markdown":
        result.texts.append(element.markdown.body)
    elif kind == "alert":
        result.texts.append(element.alert.body)
    if kind == "component_instance" and MAP_COMPONENT in element.component_instance.component_name:
        if not result.map_arrived:
            result.map_s = elapsed
        result.map_arrived = True
    elif kind == "exception":
        # client.showErrorDetails = "none" hides the message; the type still says something.
        error_type = element.exception.type or "hidden"
        result.errors.append(f"exception element: {error_type} {element.exception.message}".strip())
    elif kind == "alert" and element.alert.format == element.alert.ERROR:
        # The app reports a bad data file with st.error, then stops before the map.
        result.errors.append(f"error box: {element.alert.body[:200]}")


async def receive_run(websocket: ClientConnection, result: SessionResult, started: float) -> None:
    """Read ForwardMsgs until the script run this session asked for has finished."""
    # Messages the server may later send as references (ref_hash) by their hash.
    # It does so only for hashes the client declared cached, and we declare none,
    # but a reference must never be counted as a missing map.
    cache: dict[str, ForwardMsg] = {}
    while True:
        data = await websocket.recv(decode=False)
        elapsed = time.monotonic() - started
        result.bytes_received += len(data)
        result.messages += 1
        message = ForwardMsg()
        message.ParseFromString(data)
        if message.WhichOneof("type") == "ref_hash":
            cached = cache.get(message.ref_hash)
            if cached is None:
                result.errors.append(f"reference to an unknown cached message {message.ref_hash}")
                continue
            message = cached
        elif message.metadata.cacheable and message.hash:
            cache[message.hash] = message
        kind = message.WhichOneof("type")
        if kind == "new_session":
            # A new run (also after st.rerun): only the last run's elements count.
            result.script_run_id = message.metadata.run.script_run_id
            result.map_arrived = False
            result.map_s = None
            result.texts.clear()
            result.page_script_hash = message.new_session.page_script_hash
        elif kind == "auth_redirect":
            result.auth_redirect = message.auth_redirect.url
        elif kind == "auto_rerun":
            result.timed_fragments[message.auto_rerun.fragment_id] = message.auto_rerun.interval
        elif kind == "delta" and message.delta.WhichOneof("type") == "new_element":
            read_element(message, result, elapsed)
        elif kind == "session_event" and message.session_event.WhichOneof("type") == "script_compilation_exception":
            result.errors.append("script compilation exception")
        elif kind == "page_not_found":
            result.errors.append(f"page not found: {message.page_not_found.page_name!r}")
        elif kind == "script_finished":
            run_id = message.metadata.run.script_run_id
            if run_id and result.script_run_id and run_id != result.script_run_id:
                continue  # the end of an earlier run, not of ours
            status = ForwardMsg.ScriptFinishedStatus.Name(message.script_finished)
            if status in ("FINISHED_EARLY_FOR_RERUN", "FINISHED_FRAGMENT_RUN_SUCCESSFULLY"):
                continue  # the page is not complete yet; a full run follows
            result.status = status
            result.seconds = elapsed
            return


async def open_session(
    target: Target, phase: str, index: int, held: list[ClientConnection], cookies: dict[str, str] | None = None
) -> SessionResult:
    """Connect as a browser tab does (sending ``cookies``, e.g. a sign-in's, with the XSRF cookie), run the
    default page, and keep the connection open in ``held``."""
    result = SessionResult(phase=phase, index=index)
    started = time.monotonic()
    token = target.xsrf_cookie or PLACEHOLDER_TOKEN
    jar = {**(cookies or {}), **({XSRF_COOKIE: target.xsrf_cookie} if target.xsrf_cookie else {})}
    headers = {"Cookie": "; ".join(f"{name}={value}" for name, value in jar.items())} if jar else {}
    try:
        async with asyncio.timeout(target.timeout_s):
            websocket = await connect(
                target.stream_url,
                # Streamlit reads the first entry as the protocol and the second
                # as the XSRF token, as the browser's WebsocketConnection sends them.
                subprotocols=[Subprotocol("streamlit"), Subprotocol(token)],
                origin=Origin(target.origin),
                additional_headers=headers,
                # The server is on loopback: never through a proxy from the environment.
                proxy=None,
                # The map element alone is a few hundred KB; the server's own limit applies.
                max_size=None,
                # The session timeout bounds the handshake; the browser sends no pings.
                open_timeout=None,
                ping_interval=None,
                # A busy server may answer the closing handshake late; do not wait long.
                close_timeout=2,
            )
            held.append(websocket)
            result.connect_s = time.monotonic() - started
            await websocket.send(rerun_message(target))
            await receive_run(websocket, result, started)
    except (DeadlineExceeded, Interrupted):
        raise  # the whole run ends, not just this session
    except TimeoutError:
        result.errors.append(f"no script_finished within {target.timeout_s:g} s")
    except Exception as error:  # noqa: BLE001 - any failure is this session's result
        result.errors.append(f"{type(error).__name__}: {error}")
    if result.status is not None and not result.map_arrived and not result.errors:
        result.errors.append("the run finished without the map component")
    return result


async def run_phases(
    target: Target, sessions: int, server_pid: int | None
) -> tuple[list[SessionResult], dict[str, Any]]:
    """Open the first, the lone and the concurrent sessions; read memory between phases."""
    held: list[ClientConnection] = []
    memory: dict[str, Any] = {"pid": server_pid}
    results: list[SessionResult] = []
    try:
        if server_pid is not None:
            memory["rss_before_mb"] = rss_mb(server_pid)
        results.append(await open_session(target, "first", 0, held))
        if server_pid is not None:
            memory["rss_after_one_mb"] = rss_mb(server_pid)
            memory["sessions_after_one"] = len(held)
            cpu_before = cpu_seconds(server_pid)
        results.append(await open_session(target, "alone", 0, held))
        if server_pid is not None:
            memory["server_cpu_alone_s"] = cpu_seconds(server_pid) - cpu_before
            cpu_before = cpu_seconds(server_pid)
        # All at once: gather starts every connection in the same loop tick.
        results.extend(await asyncio.gather(
            *(open_session(target, "together", index, held) for index in range(sessions))
        ))
        if server_pid is not None:
            # Server CPU time against wall time tells whether the sessions
            # waited for one core (Python's GIL) or for something else.
            memory["server_cpu_together_s"] = cpu_seconds(server_pid) - cpu_before
            memory["rss_after_all_mb"] = rss_mb(server_pid)
            memory["sessions_after_all"] = len(held)
            memory["peak_rss_mb"] = peak_rss_mb(server_pid)
    except BaseException:
        # Stopping early (Ctrl-C, SIGTERM, deadline): drop the connections at
        # once. A close handshake can take seconds while the server is busy.
        for websocket in held:
            websocket.transport.abort()
        raise
    # Closing in parallel: the server ends each session when its socket closes.
    await asyncio.gather(*(websocket.close() for websocket in held), return_exceptions=True)
    return results, memory


# ---------------------------------------------------------------------------
# Figures and report.
# ---------------------------------------------------------------------------


def percentile(values: Sequence[float], fraction: float) -> float:
    """Linear interpolation between the closest ranks (numpy's default)."""
    ordered = sorted(values)
    position = (len(ordered) - 1) * fraction
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _ratio(value: float | None, baseline: float | None) -> float | None:
    """``value / baseline``, or None when either is missing."""
    if value is None or not baseline:
        return None
    return value / baseline


def summarize(
    results: list[SessionResult], memory: dict[str, Any], sessions: int, target_s: float, url: str,
    own_server: bool,
) -> dict[str, Any]:
    """All figures as one JSON-ready object."""
    first = next(result for result in results if result.phase == "first")
    alone = next(result for result in results if result.phase == "alone")
    together = [result for result in results if result.phase == "together"]
    times = [result.seconds for result in together if result.ok and result.seconds is not None]
    received = [result.bytes_received for result in together]
    baseline = alone.seconds if alone.ok else None
    concurrent: dict[str, Any] = {
        "sessions": sessions,
        "ok": sum(result.ok for result in together),
        "failed": sum(not result.ok for result in together),
        "map_arrived": sum(result.map_arrived for result in together),
        "within_target": sum(result.within(target_s) for result in together),
        "p50_s": percentile(times, 0.50) if times else None,
        "p95_s": percentile(times, 0.95) if times else None,
        "max_s": max(times) if times else None,
        "min_s": min(times) if times else None,
        "bytes_per_session": sum(received) / len(received) if received else 0,
        "bytes_total": sum(received),
    }
    for name in ("p50", "p95", "max"):
        concurrent[f"{name}_ratio"] = _ratio(concurrent[f"{name}_s"], baseline)
    if "rss_after_all_mb" in memory:
        added = memory["sessions_after_all"] - memory["sessions_after_one"]
        growth = memory["rss_after_all_mb"] - memory["rss_after_one_mb"]
        memory["per_extra_session_mb"] = growth / added if added > 0 else None
    failures = [
        f"{result.phase} #{result.index}: "
        + ("; ".join(result.errors) or f"took {result.seconds:.2f} s (target {target_s:g} s)")
        for result in results if not result.within(target_s)
    ]
    return {
        "url": url,
        "own_server": own_server,
        # The load generator shares the machine: its own CPU time shows it was not the bottleneck.
        "client_cpu_s": time.process_time(),
        "target_s": target_s,
        "passed": not failures,
        "failures": failures,
        "first": first.as_dict(),
        "alone": alone.as_dict(),
        "together": concurrent,
        "memory": memory,
        "sessions": [result.as_dict() for result in together],
    }


def _seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def _times(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}x"


def format_report(report: dict[str, Any]) -> str:
    """The figures as a readable table."""
    together = report["together"]
    memory = report["memory"]
    first, alone = report["first"], report["alone"]
    server = "its own server" if report["own_server"] else "a running server"
    lines = [
        f"BorderWatch load test: {together['sessions']} sessions opening the map together, "
        f"on {server} at {report['url']}",
        f"target: every session has the map within {report['target_s']:g} s",
        "",
        f"{'phase':<22}{'sessions':>9}{'ok':>5}{'p50 s':>8}{'p95 s':>8}{'max s':>8}"
        f"{'p95/alone':>11}{'KB/session':>12}",
    ]
    for name, row in (("first (fills caches)", first), ("alone (baseline)", alone)):
        lines.append(
            f"{name:<22}{1:>9}{int(row['ok']):>5}{_seconds(row['seconds']):>8}{_seconds(row['seconds']):>8}"
            f"{_seconds(row['seconds']):>8}{'':>11}{row['bytes_received'] / 1024:>12.0f}"
        )
    lines.append(
        f"{'together':<22}{together['sessions']:>9}{together['ok']:>5}{_seconds(together['p50_s']):>8}"
        f"{_seconds(together['p95_s']):>8}{_seconds(together['max_s']):>8}{_times(together['p95_ratio']):>11}"
        f"{together['bytes_per_session'] / 1024:>12.0f}"
    )
    lines += ["", "server memory (resident, process and children):"]
    if "rss_before_mb" not in memory:
        lines.append("  not measured: pass --pid with --url to read it")
    else:
        lines += [
            f"  before any session      {memory['rss_before_mb']:8.1f} MB",
            f"  after {memory.get('sessions_after_one', 0):>3} session(s)    "
            f"{memory.get('rss_after_one_mb', 0.0):8.1f} MB",
        ]
        if "rss_after_all_mb" in memory:
            lines.append(
                f"  after {memory['sessions_after_all']:>3} session(s)    {memory['rss_after_all_mb']:8.1f} MB"
                f"   (peak {memory['peak_rss_mb']:.1f} MB)"
            )
            per_session = memory.get("per_extra_session_mb")
            if per_session is not None:
                lines.append(
                    f"  per extra session       {per_session:8.2f} MB"
                    f"   = ({memory['rss_after_all_mb']:.1f} - {memory['rss_after_one_mb']:.1f}) / "
                    f"{memory['sessions_after_all'] - memory['sessions_after_one']}"
                )
    if "server_cpu_together_s" in memory:
        lines += [
            "",
            f"server CPU: {memory['server_cpu_alone_s']:.2f} s for the lone session, "
            f"{memory['server_cpu_together_s']:.2f} s for the {together['sessions']} together "
            f"(this script used {report['client_cpu_s']:.2f} s)",
        ]
    lines.append("")
    if report["passed"]:
        lines.append(f"PASS: all {together['sessions'] + 2} sessions drew the map within {report['target_s']:g} s")
    else:
        lines.append(f"FAIL: {len(report['failures'])} session(s) missed the target")
        lines += [f"  {failure}" for failure in report["failures"]]
    return "\n".join(lines)


# ---------------------------------------------------------------------------
# Command line.
# ---------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Parse and check the options; argparse exits with status 2 on a usage error."""
    parser = argparse.ArgumentParser(
        description="Open N real Streamlit sessions on the map page at once and report times and memory.",
    )
    parser.add_argument("--sessions", type=int, default=20, help="sessions opened together (default 20)")
    parser.add_argument("--data-dir", type=Path,
                        help="store folder for the server started here (default: a temporary one)")
    parser.add_argument("--url", help="test a running server instead of starting one, e.g. http://127.0.0.1:8501")
    parser.add_argument("--pid", type=int, help="with --url: the server's process id, to read its memory")
    parser.add_argument("--timeout", type=float, default=60.0,
                        help="seconds before a session counts as failed (default 60)")
    parser.add_argument("--target-s", type=float, default=5.0,
                        help="seconds every session must finish within (default 5)")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of the table")
    args = parser.parse_args(argv)
    if args.sessions < 1:
        parser.error("--sessions must be at least 1")
    if args.timeout <= 0 or args.target_s <= 0:
        parser.error("--timeout and --target-s must be positive")
    if args.url is not None:
        if urlsplit(args.url).scheme not in ("http", "https") or not urlsplit(args.url).netloc:
            parser.error("--url must be an http(s) URL such as http://127.0.0.1:8501")
        if args.data_dir is not None:
            parser.error("--data-dir applies only to the server this script starts (no --url)")
    elif args.pid is not None:
        parser.error("--pid applies only with --url")
    return args


def make_target(base_url: str, xsrf_cookie: str | None, timeout_s: float) -> Target:
    """The stream URL and the Origin a browser on ``base_url`` would use."""
    base_url = base_url.rstrip("/")
    parts = urlsplit(base_url)
    scheme = "wss" if parts.scheme == "https" else "ws"
    return Target(
        base_url=base_url,
        stream_url=f"{scheme}://{parts.netloc}{parts.path}/_stcore/stream",
        origin=f"{parts.scheme}://{parts.netloc}",
        xsrf_cookie=xsrf_cookie,
        timeout_s=timeout_s,
    )


def _raise_deadline(signum: int, frame: object) -> None:
    raise DeadlineExceeded("the load test passed its hard deadline")


def _raise_interrupted(signum: int, frame: object) -> None:
    raise Interrupted(f"stopped by signal {signum}")


@contextlib.contextmanager
def hard_deadline(seconds: float) -> Iterator[None]:
    """Raise DeadlineExceeded after ``seconds``, and turn SIGTERM into an exception.

    Both end up in main's finally block, so the server is stopped whatever
    hangs. Signal handlers can be set only in the main thread; elsewhere (an
    embedding caller) the phase time limits still bound the run.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous_alarm = signal.signal(signal.SIGALRM, _raise_deadline)
    previous_term = signal.signal(signal.SIGTERM, _raise_interrupted)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous_alarm)
        signal.signal(signal.SIGTERM, previous_term)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the load test; print the table or the JSON; return the exit status."""
    args = parse_args(argv)
    # Three phases, each bounded by --timeout, plus the server's start and stop.
    deadline_s = STARTUP_LIMIT_S + 3 * args.timeout + STOP_GRACE_S + DEADLINE_MARGIN_S
    process: subprocess.Popen[bytes] | None = None
    with tempfile.TemporaryDirectory(prefix="borderwatch-loadtest-") as scratch:
        try:
            # The deadline ends before the server is stopped, so that it cannot
            # interrupt the stopping itself.
            with hard_deadline(deadline_s):
                log_path: Path | None = None
                if args.url is None:
                    data_dir = args.data_dir or Path(scratch) / "data"
                    data_dir.mkdir(parents=True, exist_ok=True)
                    log_path = Path(scratch) / "streamlit.log"
                    process, url = start_server(data_dir, log_path)
                    server_pid: int | None = process.pid
                else:
                    url, server_pid = args.url.rstrip("/"), args.pid
                xsrf_cookie = wait_healthy(url, process, log_path)
                target = make_target(url, xsrf_cookie, args.timeout)
                results, memory = asyncio.run(run_phases(target, args.sessions, server_pid))
            report = summarize(results, memory, args.sessions, args.target_s, url, own_server=process is not None)
        except (RuntimeError, DeadlineExceeded, Interrupted, KeyboardInterrupt) as error:
            print(f"load test stopped: {str(error) or type(error).__name__}", file=sys.stderr)
            return 130 if isinstance(error, KeyboardInterrupt) else 1
        finally:
            if process is not None:
                stop_server(process)
    if process is not None:
        # The server's pid, for callers that check it is gone.
        report["memory"]["pid"] = process.pid
        report["server_exit_status"] = process.returncode
    print(json.dumps(report, indent=2) if args.json else format_report(report))
    return 0 if report["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
