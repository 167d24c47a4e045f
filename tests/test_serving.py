"""Who may reach the dashboard: loopback, sign-in, or an explicit --allow-anonymous."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from borderwatch.errors import SettingsError
from borderwatch.roles import Role
from borderwatch.serving import Exposure, exposure, host_key, is_loopback, role_without_sign_in, where_to_open


@pytest.mark.parametrize("address", ["localhost", "LOCALHOST", "127.0.0.1", "127.8.9.10", "::1", "[::1]",
                                     "[::1]:8501", "localhost:8501", "127.0.0.1:8501"])
def test_loopback_addresses_reach_this_machine_only(address):
    assert is_loopback(address)


@pytest.mark.parametrize("address", [None, "", "0.0.0.0", "::", "192.168.1.20", "watch.example.org", "localhost.evil"])
def test_other_addresses_reach_the_network(address):
    assert not is_loopback(address)


def test_local_use_without_sign_in_runs_as_today_with_every_right():
    mode = exposure("localhost", sign_in_configured=False)
    assert mode is Exposure.LOCAL
    assert role_without_sign_in(mode) is Role.ADMIN


@pytest.mark.parametrize("address", [None, "0.0.0.0", "10.0.0.5"])
def test_network_address_without_sign_in_is_refused_with_the_three_ways_out(address):
    with pytest.raises(SettingsError) as refused:
        exposure(address, sign_in_configured=False)
    message = str(refused.value)
    assert "no sign-in is configured" in message
    assert "--allow-anonymous" in message and "--server.address localhost" in message and "[auth]" in message


def test_explicit_allow_anonymous_makes_everyone_a_viewer():
    mode = exposure("0.0.0.0", sign_in_configured=False, allow_anonymous=True)
    assert mode is Exposure.ANONYMOUS
    assert role_without_sign_in(mode) is Role.VIEWER


@given(address=st.ip_addresses().map(str), anonymous=st.booleans())
def test_sign_in_configured_allows_any_address(address, anonymous):
    assert exposure(address, sign_in_configured=True, allow_anonymous=anonymous) is Exposure.SIGNED_IN


def test_a_loopback_server_that_answers_to_a_public_name_counts_as_reachable():
    # Behind a reverse proxy the app listens on loopback, but people reach it under the proxy's name.
    with pytest.raises(SettingsError) as refused:
        exposure("127.0.0.1", sign_in_configured=False, served_names=["borderwatch.unit.example"])
    assert "answers to borderwatch.unit.example" in str(refused.value)
    assert exposure("127.0.0.1", False, allow_anonymous=True, served_names=["bw.example"]) is Exposure.ANONYMOUS


def test_loopback_names_alone_keep_the_server_local():
    names = ["localhost", "127.0.0.1", "", "[::1]"]
    assert exposure("localhost", sign_in_configured=False, served_names=names) is Exposure.LOCAL


def test_the_start_line_names_the_address_to_open():
    assert where_to_open("localhost", 8501) == "BorderWatch is serving: open http://localhost:8501"
    assert where_to_open("::1", 8502, "/bw/") == "BorderWatch is serving: open http://[::1]:8502/bw"
    line = where_to_open("0.0.0.0", 8501, "", "watch-01")
    assert "http://localhost:8501" in line and "http://watch-01:8501" in line


@given(address=st.ip_addresses(v=6), port=st.none() | st.integers(0, 65535))
def test_every_spelling_of_an_ipv6_host_reads_as_one_bracketed_compressed_address(address, port):
    suffix = "" if port is None else f":{port}"
    expected = f"[{address.compressed}]"
    assert host_key(f"[{address.exploded.upper()}]{suffix}", header=True) == expected
    assert host_key(f"[{address.compressed}]{suffix}") == expected
    # An allow-list entry may leave the brackets off; a Host header may not (its colons would be ambiguous).
    assert host_key(address.exploded) == expected
    assert host_key(address.exploded, header=True) is None


@given(labels=st.lists(st.from_regex(r"[a-z0-9][a-z0-9-]{0,10}", fullmatch=True), min_size=1, max_size=4),
       port=st.none() | st.integers(0, 65535))
def test_a_host_name_reads_as_itself_in_lower_case_without_its_port(labels, port):
    name = ".".join(labels)
    suffix = "" if port is None else f":{port}"
    assert host_key(f"{name.upper()}{suffix}", header=True) == name
    assert host_key(f"{name}.{suffix}") == name  # the root's trailing dot names the same host


@pytest.mark.parametrize("text", [None, "", "[::1", "[::1]x", "[::1]:", "[::1]:65536", "[1.2.3.4]", "a..b",
                                  "host:port", "exa mple", "*.", "*.*.example.org", "user@host"])
def test_text_that_names_no_host_reads_as_none(text):
    assert host_key(text) is None


def test_wildcards_are_allow_list_entries_never_hosts():
    assert host_key("*.Example.org") == "*.example.org" and host_key("*") == "*"
    assert host_key("*.example.org", header=True) is None and host_key("*", header=True) is None


def test_a_loopback_server_listed_by_its_ipv6_address_and_port_stays_local():
    assert exposure("::1", sign_in_configured=False, served_names=["[::1]:8501", "localhost:8501"]) is Exposure.LOCAL
