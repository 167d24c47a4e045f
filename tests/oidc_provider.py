"""A small OpenID Connect provider on loopback for the sign-in tests.

Built on Authlib's authorization-server framework (the same library Streamlit's ``st.login``
uses as a client) and the standard library's HTTP server. It follows OpenID Connect Core and
Discovery for the authorization-code flow:

- ``/.well-known/openid-configuration``: the discovery document (validated with Authlib);
- ``/jwks``: the public half of an RSA key made at start;
- ``/authorize``: a page with one button per test user (no password); choosing one redirects
  back with a code. Redirect URIs must match the registered client exactly; PKCE (S256) and
  the nonce are honoured;
- ``/token``: exchanges the code (client_secret_basic or client_secret_post) for an access
  token and an RS256-signed ``id_token`` with ``iss``, ``aud``, ``exp``, ``iat`` and ``nonce``;
- ``/userinfo``: the signed-in user's claims for a bearer access token;
- ``/logout``: the RP-initiated logout endpoint (redirects to ``post_logout_redirect_uri``).

Claims: ``sub``; ``name`` and ``preferred_username`` (scope ``profile``); ``email`` and
``email_verified`` (scope ``email``); ``groups`` (scope ``groups``, as Okta names it; Keycloak
and Entra ID add the same claim through their own settings).
"""

from __future__ import annotations

import html
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar
from urllib.parse import parse_qsl, urlencode, urlsplit

from authlib.common.security import generate_token
from authlib.oauth2 import AuthorizationServer, OAuth2Error
from authlib.oauth2.rfc6749 import (
    AuthorizationCodeMixin,
    ClientMixin,
    JsonRequest,
    OAuth2Payload,
    OAuth2Request,
    ResourceProtector,
    TokenMixin,
    grants,
)
from authlib.oauth2.rfc6750 import BearerTokenGenerator, BearerTokenValidator
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core import UserInfo
from authlib.oidc.core.grants import OpenIDCode
from authlib.oidc.discovery import OpenIDProviderMetadata
from joserfc.jwk import RSAKey

SCOPES = ["openid", "profile", "email", "groups"]
CODE_LIFETIME_SECONDS = 120
TOKEN_LIFETIME_SECONDS = 3600


@dataclass(frozen=True)
class TestUser:
    """A person who can sign in at the provider."""

    __test__ = False  # not a pytest test class

    sub: str
    name: str
    email: str
    groups: tuple[str, ...] = ()

    def claims(self, scope: str) -> dict[str, Any]:
        """The user's claims that ``scope`` (space-separated) asks for."""
        info = UserInfo(sub=self.sub, name=self.name, preferred_username=self.sub,
                        email=self.email, email_verified=True).filter(scope)
        if "groups" in scope.split():
            info["groups"] = list(self.groups)
        return dict(info)


@dataclass
class Client(ClientMixin):
    """A registered relying party (the app), confidential, authorization-code flow only."""

    client_id: str
    client_secret: str
    redirect_uris: list[str]

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> str:
        return self.redirect_uris[0]

    def get_allowed_scope(self, scope: str | None) -> str:
        return " ".join(s for s in (scope or "openid").split() if s in SCOPES)

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return redirect_uri in self.redirect_uris

    def check_client_secret(self, client_secret: str) -> bool:
        return client_secret == self.client_secret

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return endpoint != "token" or method in ("client_secret_basic", "client_secret_post")

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == "authorization_code"


@dataclass
class AuthorizationCode(AuthorizationCodeMixin):
    """A code handed to the browser, waiting to be exchanged once."""

    code: str
    client_id: str
    user: TestUser
    redirect_uri: str
    scope: str
    nonce: str | None
    code_challenge: str | None
    code_challenge_method: str | None
    auth_time: int = field(default_factory=lambda: int(time.time()))

    def is_expired(self) -> bool:
        return time.time() > self.auth_time + CODE_LIFETIME_SECONDS

    def get_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_scope(self) -> str:
        return self.scope

    def get_nonce(self) -> str | None:
        return self.nonce

    def get_auth_time(self) -> int:
        return self.auth_time

    def get_acr(self) -> None:
        return None

    def get_amr(self) -> None:
        return None


@dataclass
class AccessToken(TokenMixin):
    """An issued bearer token, good for the userinfo endpoint."""

    value: str
    client: Client
    user: TestUser
    scope: str
    issued_at: float
    expires_in: int

    def check_client(self, client: ClientMixin) -> bool:
        return client.get_client_id() == self.client.client_id

    def get_scope(self) -> str:
        return self.scope

    def get_expires_in(self) -> int:
        return self.expires_in

    def is_expired(self) -> bool:
        return time.time() > self.issued_at + self.expires_in

    def is_revoked(self) -> bool:
        return False

    def get_user(self) -> TestUser:
        return self.user

    def get_client(self) -> Client:
        return self.client


class _Payload(OAuth2Payload):
    """Parameters of a request: the query string, then the form body (OAuth 2 reads both)."""

    def __init__(self, pairs: list[tuple[str, str]]) -> None:
        self._data = dict(pairs)
        self._datalist: dict[str, list[str]] = {}
        for key, value in pairs:
            self._datalist.setdefault(key, []).append(value)

    @property
    def data(self) -> dict[str, str]:
        return self._data

    @property
    def datalist(self) -> dict[str, list[str]]:
        return self._datalist


@dataclass
class HttpRequest:
    """What the HTTP handler read, in the form the Authlib glue below needs."""

    method: str
    url: str
    headers: dict[str, str]
    query: list[tuple[str, str]]
    form: list[tuple[str, str]]


class _OAuth2Request(OAuth2Request):
    def __init__(self, request: HttpRequest) -> None:
        super().__init__(request.method, request.url, headers=request.headers)
        self.payload = _Payload(request.query + request.form)
        self._args = dict(request.query)
        self._form = dict(request.form)

    @property
    def args(self) -> dict[str, str]:
        return self._args

    @property
    def form(self) -> dict[str, str]:
        return self._form


class _AuthorizationCodeGrant(grants.AuthorizationCodeGrant):
    TOKEN_ENDPOINT_AUTH_METHODS: ClassVar[list[str]] = ["client_secret_basic", "client_secret_post"]

    def save_authorization_code(self, code: str, request: OAuth2Request) -> None:
        data = request.payload.data
        self.server.codes[code] = AuthorizationCode(
            code=code, client_id=request.client.client_id, user=request.user,
            redirect_uri=data.get("redirect_uri", ""), scope=request.scope or "",
            nonce=data.get("nonce"), code_challenge=data.get("code_challenge"),
            code_challenge_method=data.get("code_challenge_method"),
        )

    def query_authorization_code(self, code: str, client: Client) -> AuthorizationCode | None:
        found = self.server.codes.get(code)
        if found is None or found.client_id != client.client_id or found.is_expired():
            return None
        return found

    def delete_authorization_code(self, authorization_code: AuthorizationCode) -> None:
        self.server.codes.pop(authorization_code.code, None)

    def authenticate_user(self, authorization_code: AuthorizationCode) -> TestUser:
        return authorization_code.user


class _OpenIDCode(OpenIDCode):
    def __init__(self, provider: OidcProvider) -> None:
        super().__init__(require_nonce=True)
        self.provider = provider

    def exists_nonce(self, nonce: str, request: OAuth2Request) -> bool:
        return any(code.nonce == nonce for code in self.provider.server.codes.values())

    def resolve_client_private_key(self, client: Client) -> RSAKey:
        return self.provider.key

    def get_client_algorithm(self, client: Client) -> str:
        return "RS256"

    def get_encode_header(self, client: Client) -> dict[str, str]:
        return {"alg": "RS256", "kid": self.provider.key.kid}

    def get_client_claims(self, client: Client) -> dict[str, Any]:
        now = int(time.time())
        return {"iss": self.provider.issuer, "aud": [client.client_id],
                "iat": now, "exp": now + TOKEN_LIFETIME_SECONDS}

    def generate_user_info(self, user: TestUser, scope: str) -> UserInfo:
        return UserInfo(user.claims(scope))


class _TokenValidator(BearerTokenValidator):
    def __init__(self, server: _Server) -> None:
        super().__init__()
        self.server = server

    def authenticate_token(self, token_string: str) -> AccessToken | None:
        return self.server.tokens.get(token_string)


class _Server(AuthorizationServer):
    """Authlib's authorization server, glued to plain request objects and in-memory stores."""

    def __init__(self) -> None:
        super().__init__(scopes_supported=SCOPES)
        self.clients: dict[str, Client] = {}
        self.codes: dict[str, AuthorizationCode] = {}
        self.tokens: dict[str, AccessToken] = {}
        self.register_token_generator(
            "default", BearerTokenGenerator(lambda *args, **kwargs: generate_token(42),
                                            expires_generator=TOKEN_LIFETIME_SECONDS)
        )

    def query_client(self, client_id: str) -> Client | None:
        return self.clients.get(client_id)

    def save_token(self, token: dict[str, Any], request: OAuth2Request) -> None:
        self.tokens[token["access_token"]] = AccessToken(
            value=token["access_token"], client=request.client, user=request.user,
            scope=token.get("scope", ""), issued_at=time.time(), expires_in=token["expires_in"],
        )

    def create_oauth2_request(self, request: HttpRequest | OAuth2Request) -> OAuth2Request:
        if isinstance(request, OAuth2Request):
            return request
        return _OAuth2Request(request)

    def create_json_request(self, request: HttpRequest) -> JsonRequest:
        return JsonRequest(request.method, request.url, request.headers)

    def handle_response(self, status: int, body: Any, headers: list[tuple[str, str]]):
        return status, body, headers

    def send_signal(self, name: str, *args: Any, **kwargs: Any) -> None:
        """No listeners: the tests read the stores directly."""


class OidcProvider:
    """The provider: start it, register the app as a client, sign in as one of ``users``.

    Parameters
    ----------
    users : list of TestUser
        Who may sign in; the authorization page offers one button each.
    """

    def __init__(self, users: list[TestUser]) -> None:
        self.users = {user.sub: user for user in users}
        self.key = RSAKey.generate_key(2048, parameters={"use": "sig", "alg": "RS256"})
        self.key.ensure_kid()
        self.server = _Server()
        self.server.register_grant(_AuthorizationCodeGrant,
                                   [_OpenIDCode(self), CodeChallenge(required=False)])
        self.protector = ResourceProtector()
        self.protector.register_token_validator(_TokenValidator(self.server))
        self._http = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self.issuer = f"http://127.0.0.1:{self._http.server_port}"
        self._thread = threading.Thread(target=self._http.serve_forever, daemon=True)
        self.signed_in: list[str] = []  # sub of each user who chose to sign in, in order

    @property
    def metadata_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"

    def metadata(self) -> dict[str, Any]:
        """The discovery document (OpenID Connect Discovery 1.0, section 3)."""
        document = OpenIDProviderMetadata(
            issuer=self.issuer,
            authorization_endpoint=f"{self.issuer}/authorize",
            token_endpoint=f"{self.issuer}/token",
            userinfo_endpoint=f"{self.issuer}/userinfo",
            jwks_uri=f"{self.issuer}/jwks",
            end_session_endpoint=f"{self.issuer}/logout",
            scopes_supported=SCOPES,
            response_types_supported=["code"],
            grant_types_supported=["authorization_code"],
            subject_types_supported=["public"],
            id_token_signing_alg_values_supported=["RS256"],
            token_endpoint_auth_methods_supported=["client_secret_basic", "client_secret_post"],
            code_challenge_methods_supported=["S256"],
            claims_supported=["sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "name",
                              "preferred_username", "email", "email_verified", "groups"],
        )
        document.validate()
        return dict(document)

    def register_client(self, client_id: str, client_secret: str, redirect_uri: str) -> None:
        """Register (or replace) a confidential client with one exact redirect URI."""
        self.server.clients[client_id] = Client(client_id, client_secret, [redirect_uri])

    def start(self) -> OidcProvider:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._http.shutdown()
        self._http.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> OidcProvider:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # Endpoints: each takes an HttpRequest and returns (status, body, headers).

    def authorize(self, request: HttpRequest):
        chosen = self.users.get(dict(request.form).get("user", ""))
        try:
            grant = self.server.get_consent_grant(request, end_user=chosen)
        except OAuth2Error as error:
            if error.redirect_uri:  # the client and its redirect URI are known: tell the client
                return self.server.handle_error_response(request, error)
            return error.status_code, f"Sign-in request refused: {error.error}: " \
                f"{error.description}", [("Content-Type", "text/plain; charset=utf-8")]
        if request.method == "POST" and chosen is not None:
            self.signed_in.append(chosen.sub)
            return self.server.create_authorization_response(request, grant_user=chosen,
                                                             grant=grant)
        return 200, self._sign_in_page(request, grant.client), [
            ("Content-Type", "text/html; charset=utf-8")]

    def _sign_in_page(self, request: HttpRequest, client: Client) -> str:
        action = "/authorize?" + urlencode(request.query)
        buttons = "\n".join(
            f'<p><button type="submit" name="user" value="{html.escape(user.sub)}">'
            f"{html.escape(user.name)} &lt;{html.escape(user.email)}&gt;</button></p>"
            for user in self.users.values()
        )
        return (
            "<!doctype html><html><head><title>Test sign-in</title></head><body>"
            f"<h1>Sign in to {html.escape(client.client_id)}</h1>"
            f'<form method="post" action="{html.escape(action)}">{buttons}</form>'
            "</body></html>"
        )

    def token(self, request: HttpRequest):
        return self.server.create_token_response(request)

    def userinfo(self, request: HttpRequest):
        oauth_request = self.server.create_oauth2_request(request)
        try:
            token = self.protector.validate_request(["openid"], oauth_request)
        except OAuth2Error as error:
            return error.status_code, dict(error.get_body()), [
                ("WWW-Authenticate", f'Bearer error="{error.error}"')]
        return 200, token.user.claims(token.scope), []

    def logout(self, request: HttpRequest):
        target = dict(request.query).get("post_logout_redirect_uri", "")
        registered = {uri for client in self.server.clients.values() for uri in client.redirect_uris}
        if target not in registered:
            return 400, "Unknown post_logout_redirect_uri", [("Content-Type", "text/plain")]
        return 302, "", [("Location", target)]

    def jwks(self, request: HttpRequest):
        return 200, {"keys": [self.key.as_dict(private=False)]}, []

    def discovery(self, request: HttpRequest):
        return 200, self.metadata(), []


def _handler_for(provider: OidcProvider) -> type[BaseHTTPRequestHandler]:
    routes = {
        "/.well-known/openid-configuration": provider.discovery,
        "/jwks": provider.jwks,
        "/authorize": provider.authorize,
        "/token": provider.token,
        "/userinfo": provider.userinfo,
        "/logout": provider.logout,
    }

    class Handler(BaseHTTPRequestHandler):
        def _serve(self) -> None:
            parts = urlsplit(self.path)
            endpoint = routes.get(parts.path)
            if endpoint is None:
                self._send(404, "Not found", [("Content-Type", "text/plain")])
                return
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode("utf-8") if length else ""
            is_form = self.headers.get_content_type() == "application/x-www-form-urlencoded"
            request = HttpRequest(
                method=self.command, url=provider.issuer + self.path,
                headers={key: value for key, value in self.headers.items()},
                query=parse_qsl(parts.query), form=parse_qsl(body) if is_form else [],
            )
            self._send(*endpoint(request))

        def _send(self, status: int, body: Any, headers: list[tuple[str, str]]) -> None:
            names = {name.lower() for name, _ in headers}
            if isinstance(body, (dict, list)):
                body = json.dumps(body)
                if "content-type" not in names:
                    headers = [*headers, ("Content-Type", "application/json")]
            data = (body or "").encode("utf-8")
            self.send_response(status)
            for name, value in headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = _serve

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: the tests assert on what happened, not on the access log."""

    return Handler
