"""Who may reach the dashboard: the rule that decides from where it listens and whether sign-in is set up.

Without sign-in BorderWatch is one analyst's tool: it listens on this machine
only, and that analyst may do everything. Listening on a network address
without sign-in would let anyone who can reach the port import and remove
data, so it is refused unless the operator asks for it by name
(``--allow-anonymous``), and then everyone is a viewer.
"""

from __future__ import annotations

import enum
import ipaddress
import re
from collections.abc import Sequence

from borderwatch.errors import SettingsError
from borderwatch.roles import Role

#: Host names that always mean this machine.
LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"})

# A host name or IPv4 address: dot-separated labels (underscores occur in internal names).
_NAME = re.compile(r"[a-z0-9_-]+(?:\.[a-z0-9_-]+)*")
_PORT = re.compile(r"[0-9]{1,5}")


class Exposure(enum.Enum):
    """How the dashboard is reached, and so who its users are."""

    #: On this machine only, no sign-in: the one user may do everything.
    LOCAL = "local"
    #: Sign-in configured: each user's role comes from the settings.
    SIGNED_IN = "signed-in"
    #: On a network address without sign-in, explicitly allowed: everyone is a viewer.
    ANONYMOUS = "anonymous"


def _is_port(text: str) -> bool:
    return _PORT.fullmatch(text) is not None and int(text) <= 65535


def _ipv6(text: str) -> str | None:
    try:
        return str(ipaddress.IPv6Address(text))
    except ValueError:
        return None


def host_key(text: str | None, *, header: bool = False) -> str | None:
    """The host a ``Host`` header or an allow-list entry names, in one form for comparing.

    Parameters
    ----------
    text : str or None
        ``name``, ``name:port``, ``[IPv6]`` or ``[IPv6]:port`` (the port is
        ignored). An allow-list entry may also be a bare IPv6 address (``::1``),
        ``*`` (any host) or a wildcard such as ``*.example.org``.
    header : bool
        Read ``text`` as a request's ``Host`` header, where an IPv6 address must
        be in brackets (a colon would otherwise be ambiguous) and no wildcard is.

    Returns
    -------
    str or None
        Lower case, without the port or a trailing dot; an IPv6 address in
        brackets and compressed (``[2001:db8::1]``), as a browser sends it;
        None when ``text`` names no host.
    """
    text = (text or "").strip().lower()
    if text.startswith("["):
        inner, bracket, rest = text[1:].partition("]")
        address = _ipv6(inner) if bracket and (not rest or (rest[0] == ":" and _is_port(rest[1:]))) else None
        return None if address is None else f"[{address}]"
    if not header:
        if text == "*":
            return text
        if text.count(":") > 1:
            address = _ipv6(text)
            return None if address is None else f"[{address}]"
    name, colon, port = text.partition(":")
    if colon and not _is_port(port):
        return None
    name = name.removesuffix(".")
    wildcard = not header and name.startswith("*.")
    if not _NAME.fullmatch(name[2:] if wildcard else name):
        return None
    return name


def is_loopback(address: str | None) -> bool:
    """Whether an address or host name (perhaps with a port) reaches this machine only.

    An empty address means every interface.
    """
    host = host_key(address)
    if host is None:
        return False
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name other than localhost may resolve anywhere


def exposure(
    address: str | None,
    sign_in_configured: bool,
    allow_anonymous: bool = False,
    served_names: Sequence[str] = (),
) -> Exposure:
    """Decide how the server may run.

    Parameters
    ----------
    address : str or None
        Streamlit's ``server.address`` (None or empty: every interface).
    sign_in_configured : bool
        Whether ``[auth]`` is set in the secrets, so ``st.login`` works.
    allow_anonymous : bool
        The operator's explicit ``--allow-anonymous``.
    served_names : sequence of str
        Host names the server answers to (``server.allowedHosts``,
        ``browser.serverAddress``). A server on loopback behind a reverse proxy
        is reached from the network under such a name, so one that is not
        loopback counts as a network address.

    Returns
    -------
    Exposure

    Raises
    ------
    SettingsError
        When the server would listen beyond this machine with no sign-in and
        no explicit permission.
    """
    if sign_in_configured:
        return Exposure.SIGNED_IN
    public_names = [name for name in served_names if name.strip() and not is_loopback(name)]
    if is_loopback(address) and not public_names:
        return Exposure.LOCAL
    if allow_anonymous:
        return Exposure.ANONYMOUS
    if is_loopback(address):
        reach = (f"BorderWatch listens on {address} but answers to {', '.join(public_names)}, "
                 "as behind a reverse proxy, so other machines reach it")
    else:
        where = f"on {address}" if address else "on every network interface"
        reach = f"BorderWatch would listen {where}, reachable from other machines"
    raise SettingsError("the server's address and sign-in", [
        f"{reach}, but no sign-in is configured: "
        "anyone who reaches the port could import and remove data. Configure sign-in ([auth] in "
        ".streamlit/secrets.toml, see docs/deploy.md), listen on localhost (--server.address localhost), "
        "or start with --allow-anonymous to let everyone in as a viewer."
    ])


def role_without_sign_in(mode: Exposure) -> Role:
    """The role of every user when nobody signs in: the local analyst may do all, anonymous visitors only read."""
    if mode is Exposure.SIGNED_IN:
        raise ValueError("with sign-in configured, roles come from each user's claims")
    return Role.ADMIN if mode is Exposure.LOCAL else Role.VIEWER


def where_to_open(address: str | None, port: int, base_path: str = "", host_name: str = "localhost") -> str:
    """The line the server prints at start: the address to open, found without asking any outside service.

    Parameters
    ----------
    address : str or None
        Streamlit's ``server.address`` (None, empty or a wildcard: every interface).
    port : int
        ``server.port``.
    base_path : str
        ``server.baseUrlPath``.
    host_name : str
        This machine's name, shown for a server on every interface.

    Returns
    -------
    str
    """
    path = "/" + base_path.strip("/") if base_path.strip("/") else ""
    text = (address or "").strip()
    if text in ("", "0.0.0.0", "::", "[::]"):
        return (f"BorderWatch is serving on every network interface: open http://localhost:{port}{path} here, "
                f"or http://{host_name}:{port}{path} from another machine")
    shown = f"[{text}]" if ":" in text and not text.startswith("[") else text
    return f"BorderWatch is serving: open http://{shown}:{port}{path}"
