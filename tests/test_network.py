"""The launcher's network checks: Host allow-list and same-origin WebSockets."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route, WebSocketRoute
from starlette.testclient import TestClient
from starlette.websockets import WebSocket, WebSocketDisconnect

from ui.network import POLICY_VIOLATION, allowed_hosts, network_middleware

LOOPBACK_HOSTS = ("localhost", "127.0.0.1")


async def _page(request):
    return PlainTextResponse("dashboard")


async def _stream(websocket: WebSocket):
    await websocket.accept()
    await websocket.send_text("session")
    await websocket.close()


def _client(allowed_hosts=LOOPBACK_HOSTS, allowed_origins=()):
    app = Starlette(
        routes=[Route("/", _page), WebSocketRoute("/_stcore/stream", _stream)],
        middleware=network_middleware(allowed_hosts, allowed_origins),
    )
    return TestClient(app, base_url="http://localhost:8501")


def _open_socket(client, host, origin=None):
    headers = {"host": host}
    if origin is not None:
        headers["origin"] = origin
    with client.websocket_connect("/_stcore/stream", headers=headers) as socket:
        return socket.receive_text()


def test_page_is_served_under_an_allowed_host_name_with_any_port():
    response = _client().get("/", headers={"host": "localhost:8501"})
    assert (response.status_code, response.text) == (200, "dashboard")


def test_page_is_refused_under_a_rebinding_host_name():
    response = _client().get("/", headers={"host": "rebind.attacker.test:8501"})
    assert response.status_code == 400


def test_socket_is_refused_under_a_rebinding_host_name():
    with pytest.raises(WebSocketDisconnect):
        _open_socket(_client(), "rebind.attacker.test:8501", origin="http://rebind.attacker.test:8501")


def test_socket_opens_from_the_dashboards_own_page():
    assert _open_socket(_client(), "localhost:8501", origin="http://localhost:8501") == "session"


def test_socket_without_origin_opens_as_no_web_page_sent_it():
    assert _open_socket(_client(), "127.0.0.1:8501") == "session"


@pytest.mark.parametrize(
    "origin",
    ["http://attacker.test", "http://localhost:9999", "https://localhost:8501", "null", "file://", "http://[bad"],
)
def test_socket_from_another_origin_is_closed_as_a_policy_violation(origin):
    with pytest.raises(WebSocketDisconnect) as refused:
        _open_socket(_client(), "localhost:8501", origin=origin)
    assert refused.value.code == POLICY_VIOLATION


def test_socket_from_an_origin_named_in_the_settings_opens():
    client = _client(allowed_hosts=(*LOOPBACK_HOSTS, "watch.example.org"), allowed_origins=["https://watch.example.org"])
    assert _open_socket(client, "localhost:8501", origin="https://watch.example.org") == "session"


def test_wildcard_host_allows_its_subdomains_only():
    client = _client(allowed_hosts=("*.example.org",))
    assert client.get("/", headers={"host": "watch.example.org"}).status_code == 200
    assert client.get("/", headers={"host": "example.org.attacker.test"}).status_code == 400


@given(port=st.integers(1, 65535), other=st.integers(1, 65535))
def test_socket_opens_only_when_origin_port_matches_host_port(port, other):
    client = _client()
    if port == other:
        assert _open_socket(client, f"localhost:{port}", origin=f"http://localhost:{other}") == "session"
    else:
        with pytest.raises(WebSocketDisconnect):
            _open_socket(client, f"localhost:{port}", origin=f"http://localhost:{other}")


def test_hosts_default_to_loopback_and_the_addresses_the_server_was_given():
    assert allowed_hosts([], ["localhost", "localhost"]) == ["localhost", "127.0.0.1"]
    assert allowed_hosts([], ["0.0.0.0", None, "watch.example.org:8501/borderwatch"]) == [
        "localhost", "127.0.0.1", "watch.example.org"]
    assert allowed_hosts([], ["10.1.2.3"]) == ["localhost", "127.0.0.1", "10.1.2.3"]


def test_configured_hosts_replace_the_defaults():
    assert allowed_hosts(["*.example.org"], ["localhost"]) == ["*.example.org"]
