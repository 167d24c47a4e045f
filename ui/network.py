"""Network checks of the web server, run before Streamlit sees a request.

Two ASGI middlewares for the launcher (``app.py``):

- :class:`HostCheck` refuses any HTTP or WebSocket request whose ``Host`` is
  not on the allow-list (a DNS-rebinding page reaches the server under a made-up
  name that resolves to its address); hosts and entries are compared as
  :func:`~borderwatch.serving.host_key` reads them, so IPv6 literals such as
  ``[::1]:8501`` work, which Starlette's ``TrustedHostMiddleware`` cannot list;
- :class:`SameOriginWebSockets` closes a WebSocket whose ``Origin`` is not the
  server's own address or an allowed origin, before Streamlit checks it, because
  Streamlit's own check asks an outside service for the machine's public IP
  on every such connection.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Final
from urllib.parse import urlsplit

from starlette.middleware import Middleware
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from borderwatch.errors import SettingsError
from borderwatch.serving import host_key

#: Names of this machine, always answered.
LOOPBACK_HOSTS: Final[tuple[str, ...]] = ("localhost", "127.0.0.1", "[::1]")

#: Listening addresses that stand for every interface, not a name anyone reaches the server by.
_WILDCARD_ADDRESSES: Final[frozenset[str]] = frozenset({"0.0.0.0", "[::]"})

#: WebSocket close code for a refused policy (uvicorn answers an unaccepted socket with HTTP 403).
POLICY_VIOLATION = 1008


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return value.decode("latin-1")
    return None


def _origin_key(url: str) -> str | None:
    """``scheme://host:port`` of an origin, with the scheme's default port filled in; None if unreadable."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    host = host_key(parts.hostname)
    if parts.scheme not in ("http", "https") or host is None:
        return None
    default = 443 if parts.scheme == "https" else 80
    return f"{parts.scheme}://{host}:{port or default}"


class SameOriginWebSockets:
    """Close WebSockets opened from a page of another origin.

    Parameters
    ----------
    app : ASGI application
        The Streamlit server.
    allowed_origins : sequence of str
        Extra origins (``https://watch.example.org``) whose pages may connect,
        e.g. the public address of a proxy that rewrites ``Host``.
    """

    def __init__(self, app: ASGIApp, allowed_origins: Sequence[str] = ()) -> None:
        self.app = app
        self.allowed = {key for key in map(_origin_key, allowed_origins) if key}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket" and not self._same_origin(scope):
            await send({"type": "websocket.close", "code": POLICY_VIOLATION})
            return
        await self.app(scope, receive, send)

    def _same_origin(self, scope: Scope) -> bool:
        origin = _header(scope, b"origin")
        if origin is None:  # not a browser: no page of another site can be behind it
            return True
        key = _origin_key(origin)
        if key is None:
            return False
        if key in self.allowed:
            return True
        host = _header(scope, b"host") or ""
        scheme = "https" if scope.get("scheme") in ("wss", "https") else "http"
        return key == _origin_key(f"{scheme}://{host}")


class HostCheck:
    """Refuse (400) every HTTP and WebSocket request whose ``Host`` is not on the allow-list.

    Parameters
    ----------
    app : ASGI application
        The Streamlit server.
    allowed_hosts : iterable of str
        Entries as :func:`allowed_hosts` returns them: hosts, ``*.`` wildcards, or ``*`` for any.
    """

    def __init__(self, app: ASGIApp, allowed_hosts: Iterable[str]) -> None:
        self.app = app
        self.allowed = frozenset(allowed_hosts)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket") and not self._allowed(_header(scope, b"host")):
            await PlainTextResponse("Invalid host header", status_code=400)(scope, receive, send)
            return
        await self.app(scope, receive, send)

    def _allowed(self, header: str | None) -> bool:
        if "*" in self.allowed:
            return True
        host = host_key(header, header=True)
        if host is None:
            return False
        if host in self.allowed:
            return True
        # A wildcard names the subdomains of a domain, never an address.
        return not host.startswith("[") and any(
            pattern.startswith("*.") and host.endswith(pattern[1:]) for pattern in self.allowed
        )


def allowed_hosts(configured: Sequence[str], addresses: Iterable[str | None]) -> list[str]:
    """Return the ``Host`` names the server answers, each as :func:`~borderwatch.serving.host_key` reads it.

    Parameters
    ----------
    configured : sequence of str
        Streamlit's ``server.allowedHosts``: when set, exactly these (``*.`` wildcards,
        ``*`` for any; a port is ignored; an IPv6 address with or without brackets).
    addresses : iterable of str or None
        Addresses the server was told it is reached at (``server.address``,
        ``browser.serverAddress``: a name or an address, perhaps with a port or a path).

    Returns
    -------
    list of str
        ``configured`` if not empty; else :data:`LOOPBACK_HOSTS` and the
        host of each address that names one machine (a wildcard such as
        ``0.0.0.0`` names none: set ``server.allowedHosts`` to serve a team).

    Raises
    ------
    SettingsError
        An entry of ``configured`` names no host; every such entry is listed.
    """
    if configured:
        keys = [host_key(entry) for entry in configured]
        unreadable = [entry for entry, key in zip(configured, keys, strict=True) if key is None]
        if unreadable:
            raise SettingsError("server.allowedHosts", [
                f"{entry!r} is not a host: write a name (watch.example.org, *.example.org), an IPv4 address "
                "or an IPv6 address ([2001:db8::1]), with or without :port, and give each its own "
                "--server.allowedHosts" for entry in unreadable
            ])
        return list(dict.fromkeys(key for key in keys if key is not None))
    hosts = list(LOOPBACK_HOSTS)
    for address in addresses:
        host = host_key((address or "").split("/")[0])
        if host and host not in _WILDCARD_ADDRESSES and host not in hosts:
            hosts.append(host)
    return hosts


def streamlit_allowed_hosts(hosts: Iterable[str]) -> list[str]:
    """The allow-list in the form Streamlit's own WebSocket check compares: IPv6 addresses without brackets.

    Parameters
    ----------
    hosts : iterable of str
        As :func:`allowed_hosts` returns them.

    Returns
    -------
    list of str
    """
    return [host[1:-1] if host.startswith("[") else host for host in hosts]


def network_middleware(allowed_hosts: Iterable[str], allowed_origins: Sequence[str] = ()) -> list[Middleware]:
    """The launcher's checks, outermost first: Host, then WebSocket origin."""
    return [Middleware(HostCheck, allowed_hosts=allowed_hosts),
            Middleware(SameOriginWebSockets, allowed_origins=allowed_origins)]
