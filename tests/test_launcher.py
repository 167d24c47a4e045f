"""The web entry serves the dashboard and the map's assets, and writes nothing into the checkout."""

from __future__ import annotations

import http.client
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

from streamlit.testing.v1 import AppTest

from tests.conftest import REPO_ROOT, _free_port, start_dashboard, stop_dashboard

DASHBOARD = str(REPO_ROOT / "dashboard.py")

#: Folders that tools, not the app, write into: the virtualenv, bytecode, test logs, tool caches.
_NOT_THE_APPS = {".venv", ".git", "__pycache__", "test-artifacts", ".pytest_cache", ".hypothesis",
                 ".mypy_cache", ".ruff_cache", "node_modules"}


def _checkout() -> dict[str, int]:
    """Every file of the checkout (outside :data:`_NOT_THE_APPS`) and when it last changed."""
    files = {}
    for folder, subfolders, names in os.walk(REPO_ROOT):
        subfolders[:] = [name for name in subfolders if name not in _NOT_THE_APPS]
        for name in names:
            path = Path(folder, name)
            files[str(path.relative_to(REPO_ROOT))] = path.stat().st_mtime_ns
    return files


def _get(url: str) -> tuple[int, bytes, str | None]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, response.read(), response.headers["X-Content-Type-Options"]


def test_starting_the_app_and_opening_the_map_writes_nothing_into_the_checkout(artifacts, private_cache_dir):
    before = _checkout()
    process, url = start_dashboard()
    try:
        # The map page runs as a session would: it publishes the basemap the browser fetches.
        at = AppTest.from_file(DASHBOARD, default_timeout=60).run()
        assert not at.exception
        (basemap,) = (private_cache_dir / "data").glob("basemap-*.geojson")
        status, body, nosniff = _get(f"{url}/_assets/data/{basemap.name}")
        assert (status, body, nosniff) == (200, basemap.read_bytes(), "nosniff")
        status, body, nosniff = _get(f"{url}/_assets/vendor/leaflet/leaflet.js")
        assert status == 200 and b"Leaflet" in body and nosniff == "nosniff"
        assert _get(url)[0] == 200
    finally:
        stop_dashboard(process)
    assert _checkout() == before


def _status_under_host(url: str, host: str) -> int:
    address = urlsplit(url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=10)
    try:
        connection.request("GET", "/_stcore/health", headers={"Host": host})
        return connection.getresponse().status
    finally:
        connection.close()


def test_the_server_answers_only_its_own_host_names(artifacts):
    process, url = start_dashboard()
    try:
        assert _status_under_host(url, f"127.0.0.1:{urlsplit(url).port}") == 200
        assert _status_under_host(url, "localhost") == 200
        # A DNS-rebinding page reaches the server under a name of its own.
        assert _status_under_host(url, "rebind.attacker.test") == 400
    finally:
        stop_dashboard(process)


def _start_on_every_interface(port: int, *script_arguments: str) -> subprocess.Popen:
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
               "--server.address", "0.0.0.0", "--server.headless", "true"]
    if script_arguments:
        command += ["--", *script_arguments]
    return subprocess.Popen(command, cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def test_a_network_address_without_sign_in_stops_the_server_with_the_reason():
    process = _start_on_every_interface(_free_port())
    output, _ = process.communicate(timeout=60)
    assert process.returncode != 0
    assert "BorderWatch will not start" in output
    assert "no sign-in is configured" in output and "--allow-anonymous" in output


def test_allow_anonymous_lets_a_network_server_start_and_it_asks_no_outside_service_for_its_address():
    port = _free_port()
    process = _start_on_every_interface(port, "--allow-anonymous")
    try:
        deadline = time.monotonic() + 60
        healthy = False
        while not healthy and process.poll() is None and time.monotonic() < deadline:
            try:
                healthy = _get(f"http://127.0.0.1:{port}/_stcore/health")[0] == 200
            except OSError:
                time.sleep(0.3)
        assert healthy, process.stdout.read() if process.poll() is not None and process.stdout else "no answer"
    finally:
        stop_dashboard(process)
    output = process.stdout.read() if process.stdout else ""
    assert "BorderWatch is serving on every network interface" in output
    # Streamlit's welcome would look the public IP up at checkip.amazonaws.com (and warn, offline).
    assert "External URL" not in output and "external IP" not in output


def _socket_status(url: str, host: str) -> int:
    """The status of a WebSocket handshake for the session stream under ``host``, from a page of that host."""
    address = urlsplit(url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=10)
    try:
        connection.request("GET", "/_stcore/stream", headers={
            "Host": host, "Origin": f"http://{host}", "Upgrade": "websocket", "Connection": "Upgrade",
            "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Version": "13",
        })
        return connection.getresponse().status
    finally:
        connection.close()


def test_the_server_answers_ipv6_literals_named_in_its_allowed_hosts(artifacts):
    # Entries as an operator writes them: brackets, a port, any case; Streamlit's own WebSocket check must agree.
    process, url = start_dashboard(arguments=(
        "--server.allowedHosts", "127.0.0.1", "--server.allowedHosts", "[::1]:8501",
        "--server.allowedHosts", "[0:0::0:1]",
    ))
    try:
        port = urlsplit(url).port
        assert _status_under_host(url, f"[::1]:{port}") == 200
        assert _status_under_host(url, "[::1]") == 200
        assert _socket_status(url, f"[::1]:{port}") == 101
        assert _status_under_host(url, f"[::2]:{port}") == 400
        assert _socket_status(url, f"[::2]:{port}") == 400
        assert _status_under_host(url, "rebind.attacker.test") == 400
    finally:
        stop_dashboard(process)


def test_an_allowed_host_that_names_no_host_stops_the_server_with_the_entry_named():
    # A JSON list on the command line reaches Streamlit as one entry, which no request could match.
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(_free_port()),
         "--server.address", "127.0.0.1", "--server.headless", "true",
         "--server.allowedHosts", '["watch.example.org", "[::1]"]', "--", "--allow-anonymous"],
        cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output, _ = process.communicate(timeout=60)
    assert process.returncode != 0
    assert "BorderWatch will not start: server.allowedHosts" in output
    assert """'["watch.example.org", "[::1]"]' is not a host""" in output
