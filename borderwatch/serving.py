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
from collections.abc import Sequence

from borderwatch.errors import SettingsError
from borderwatch.roles import Role

#: Host names that always mean this machine.
LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"})


class Exposure(enum.Enum):
    """How the dashboard is reached, and so who its users are."""

    #: On this machine only, no sign-in: the one user may do everything.
    LOCAL = "local"
    #: Sign-in configured: each user's role comes from the settings.
    SIGNED_IN = "signed-in"
    #: On a network address without sign-in, explicitly allowed: everyone is a viewer.
    ANONYMOUS = "anonymous"


def is_loopback(address: str | None) -> bool:
    """Whether a listening address reaches this machine only (an empty address means every interface)."""
    text = (address or "").strip().strip("[]").lower()
    if not text:
        return False
    if text in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(text).is_loopback
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
