"""Network checks of the web server, run before Streamlit sees a request.

Two ASGI middlewares for the launcher (``app.py``):

- :func:`host_check` refuses any HTTP or WebSocket request whose ``Host`` is
  not on the allow-list (a DNS-rebinding page reaches the server under a made-up
  name that resolves to its address);
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
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

#: Names of this machine, always answered.
LOOPBACK_HOSTS: Final[tuple[str, ...]] = ("localhost", "127.0.0.1")

#: Listening addresses that stand for every interface, not a name anyone reaches the server by.
_WILDCARD_ADDRESSES: Final[frozenset[str]] = frozenset({"", "0.0.0.0", "::", "[::]"})

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
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    default = 443 if parts.scheme == "https" else 80
    return f"{parts.scheme}://{parts.hostname}:{port or default}"


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


def allowed_hosts(configured: Sequence[str], addresses: Iterable[str | None]) -> list[str]:
    """Return the ``Host`` names the server answers.

    Parameters
    ----------
    configured : sequence of str
        Streamlit's ``server.allowedHosts``: when set, exactly these (``*.`` wildcards, ``*`` for any).
    addresses : iterable of str or None
        Addresses the server was told it is reached at (``server.address``,
        ``browser.serverAddress``: a name or an address, perhaps with a port or a path).

    Returns
    -------
    list of str
        ``configured`` if not empty; else :data:`LOOPBACK_HOSTS` and the
        host of each address that names one machine (a wildcard such as
        ``0.0.0.0`` names none: set ``server.allowedHosts`` to serve a team).
    """
    if configured:
        return list(configured)
    hosts = list(LOOPBACK_HOSTS)
    for address in addresses:
        text = (address or "").strip()
        host = None if text in _WILDCARD_ADDRESSES else urlsplit(f"//{text}").hostname
        if host and host not in hosts:
            hosts.append(host)
    return hosts


def host_check(allowed_hosts: Iterable[str]) -> Middleware:
    """Starlette's Host allow-list (port ignored, ``*.example.org`` wildcards) as launcher middleware."""
    return Middleware(TrustedHostMiddleware, allowed_hosts=list(allowed_hosts), www_redirect=False)


def network_middleware(allowed_hosts: Iterable[str], allowed_origins: Sequence[str] = ()) -> list[Middleware]:
    """The launcher's checks, outermost first: Host, then WebSocket origin."""
    return [host_check(allowed_hosts), Middleware(SameOriginWebSockets, allowed_origins=allowed_origins)]
