"""The test OpenID Connect provider follows the authorization-code flow as a relying party expects."""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from joserfc import jwt
from joserfc.jwk import KeySet

from tests.oidc_provider import OidcProvider, TestUser

ALICE = TestUser("alice", "Alice Analyst", "alice@example.org", ("borderwatch-analysts",))
REDIRECT_URI = "http://127.0.0.1:8501/oauth2callback"
CLIENT = ("borderwatch", "client-secret")


@pytest.fixture(scope="module")
def provider() -> Iterator[OidcProvider]:
    with OidcProvider([ALICE]) as running:
        running.register_client(*CLIENT, REDIRECT_URI)
        yield running


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=10) as client:
        yield client


def _authorization_params(verifier: str, nonce: str) -> dict[str, str]:
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    return {
        "response_type": "code", "client_id": CLIENT[0], "redirect_uri": REDIRECT_URI,
        "scope": "openid email profile groups", "state": secrets.token_urlsafe(8),
        "nonce": nonce, "code_challenge": challenge.rstrip(b"=").decode(),
        "code_challenge_method": "S256",
    }


def _sign_in(http: httpx.Client, provider: OidcProvider, params: dict[str, str]) -> str:
    """Choose Alice on the authorization page; return the code sent back to the app."""
    response = http.post(f"{provider.issuer}/authorize", params=params, data={"user": "alice"})
    assert response.status_code == 302
    query = parse_qs(urlsplit(response.headers["location"]).query)
    assert query["state"] == [params["state"]]
    return query["code"][0]


def _exchange(http: httpx.Client, provider: OidcProvider, code: str, verifier: str) -> httpx.Response:
    return http.post(f"{provider.issuer}/token", auth=CLIENT, data={
        "grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI,
        "code_verifier": verifier,
    })


def test_discovery_document_points_at_the_provider_s_endpoints(provider, http):
    metadata = http.get(provider.metadata_url).json()
    assert metadata["issuer"] == provider.issuer
    assert metadata["token_endpoint"] == f"{provider.issuer}/token"
    assert "S256" in metadata["code_challenge_methods_supported"]


def test_id_token_is_signed_by_the_published_key_and_names_issuer_audience_nonce_and_groups(
    provider, http
):
    verifier = secrets.token_urlsafe(48)
    params = _authorization_params(verifier, nonce="nonce-1")
    token = _exchange(http, provider, _sign_in(http, provider, params), verifier).json()
    keys = KeySet.import_key_set(http.get(f"{provider.issuer}/jwks").json())
    claims = jwt.decode(token["id_token"], keys, algorithms=["RS256"]).claims
    assert claims["iss"] == provider.issuer
    assert claims["aud"] == [CLIENT[0]]
    assert claims["nonce"] == "nonce-1"
    assert claims["exp"] > time.time()
    assert (claims["email"], claims["groups"]) == (ALICE.email, ["borderwatch-analysts"])
    userinfo = http.get(f"{provider.issuer}/userinfo",
                        headers={"Authorization": f"Bearer {token['access_token']}"})
    assert userinfo.json()["email"] == ALICE.email


def test_a_code_is_refused_with_the_wrong_pkce_verifier_and_when_used_twice(provider, http):
    verifier = secrets.token_urlsafe(48)
    code = _sign_in(http, provider, _authorization_params(verifier, nonce="nonce-2"))
    assert _exchange(http, provider, code, "not-the-verifier-" + verifier).status_code == 400
    code = _sign_in(http, provider, _authorization_params(verifier, nonce="nonce-3"))
    assert _exchange(http, provider, code, verifier).status_code == 200
    assert _exchange(http, provider, code, verifier).json()["error"] == "invalid_grant"


def test_an_unregistered_redirect_uri_gets_an_error_page_not_a_redirect(provider, http):
    params = {**_authorization_params("v" * 43, nonce="nonce-4"),
              "redirect_uri": "http://127.0.0.1:9/elsewhere"}
    response = http.get(f"{provider.issuer}/authorize", params=params)
    assert response.status_code == 400
    assert "location" not in response.headers


def test_userinfo_refuses_a_made_up_token(provider, http):
    response = http.get(f"{provider.issuer}/userinfo", headers={"Authorization": "Bearer made-up"})
    assert response.status_code == 401
