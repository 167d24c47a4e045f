"""The launcher's network checks: Host allow-list and same-origin WebSockets."""

from __future__ import annotations

import ipaddress

import pytest
from hypothesis import given
from hypothesis import strategies as st
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route, WebSocketRoute
from starlette.testclient import TestClient
from starlette.websockets import WebSocket, WebSocketDisconnect

from borderwatch.errors import SettingsError
from ui.network import POLICY_VIOLATION, allowed_hosts, network_middleware, streamlit_allowed_hosts

LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "[::1]")


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
    loopback = list(LOOPBACK_HOSTS)
    assert allowed_hosts([], ["localhost", "localhost"]) == loopback
    assert allowed_hosts([], ["0.0.0.0", None, "watch.example.org:8501/borderwatch"]) == [
        *loopback, "watch.example.org"]
    assert allowed_hosts([], ["10.1.2.3"]) == [*loopback, "10.1.2.3"]
    assert allowed_hosts([], ["::", "[::]", "2001:DB8::1", "[2001:db8::2]:8501/borderwatch"]) == [
        *loopback, "[2001:db8::1]", "[2001:db8::2]"]


def test_configured_hosts_replace_the_defaults():
    assert allowed_hosts(["*.example.org"], ["localhost"]) == ["*.example.org"]


def test_configured_ipv6_hosts_are_read_with_or_without_brackets_and_port():
    assert allowed_hosts(["[::1]:8501", "::1", "[2001:DB8:0::1]", "watch.example.org:443"], []) == [
        "[::1]", "[2001:db8::1]", "watch.example.org"]


def test_every_unreadable_configured_host_is_named_at_once():
    with pytest.raises(SettingsError) as refused:
        allowed_hosts(["[::1", "watch.example.org", "[2001:db8::zz]:8501", "host:port"], [])
    assert refused.value.problems[0].startswith("'[::1' is not a host")
    assert [problem.split(" is not")[0] for problem in refused.value.problems] == [
        "'[::1'", "'[2001:db8::zz]:8501'", "'host:port'"]


def test_streamlits_own_check_gets_ipv6_hosts_without_brackets():
    # Streamlit compares the Host's name as urllib reads it: "[::1]:8501" -> "::1".
    assert streamlit_allowed_hosts(allowed_hosts(["[::1]:8501", "watch.example.org"], [])) == [
        "::1", "watch.example.org"]


@pytest.mark.parametrize("entry", ["[::1]:8501", "[::1]", "::1", "[0:0:0:0:0:0:0:1]:80"])
def test_page_is_served_under_an_ipv6_literal_on_the_allow_list_whatever_its_spelling(entry):
    client = _client(allowed_hosts=allowed_hosts([entry], []))
    assert client.get("/", headers={"host": "[::1]:8501"}).status_code == 200
    assert client.get("/", headers={"host": "[::1]"}).status_code == 200
    assert client.get("/", headers={"host": "[::2]:8501"}).status_code == 400


@pytest.mark.parametrize("host", ["::1", "[::1", "[::1]x", "[::1]:", "[::1]:99999", "[localhost]", ""])
def test_page_is_refused_under_a_malformed_host(host):
    assert _client().get("/", headers={"host": host}).status_code == 400


def test_a_wildcard_names_no_ipv6_address():
    client = _client(allowed_hosts=allowed_hosts(["*.example.org"], []))
    assert client.get("/", headers={"host": "[::1]:8501"}).status_code == 400


def test_socket_opens_from_the_dashboards_own_page_under_an_ipv6_address():
    client = _client(allowed_hosts=allowed_hosts(["[2001:db8::1]"], []))
    assert _open_socket(client, "[2001:db8::1]:8501", origin="http://[2001:DB8::1]:8501") == "session"
    with pytest.raises(WebSocketDisconnect):
        _open_socket(client, "[2001:db8::1]:8501", origin="http://[2001:db8::2]:8501")


@given(address=st.ip_addresses(v=6), entry_port=st.integers(1, 65535), request_port=st.integers(1, 65535))
def test_an_ipv6_entry_admits_its_address_on_any_port_and_no_other_address(address, entry_port, request_port):
    client = _client(allowed_hosts=allowed_hosts([f"[{address.exploded.upper()}]:{entry_port}"], []))
    assert client.get("/", headers={"host": f"[{address.compressed}]:{request_port}"}).status_code == 200
    neighbour = ipaddress.IPv6Address((int(address) + 1) % 2**128)
    assert client.get("/", headers={"host": f"[{neighbour}]:{request_port}"}).status_code == 400
