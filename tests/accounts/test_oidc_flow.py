"""The whole provincial SSO login against a local fake OpenID provider on 127.0.0.1 (HS256 id_token)."""

import base64
import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pytest

from anbili.accounts.services import SESSION_EMPLOYER
from tests.factories import MembershipFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.urls("tests.accounts.oidc_urls"),
    pytest.mark.usefixtures("frozen_clock"),
]

CLIENT_ID, SECRET = "anbili-portal", "a-shared-secret-of-at-least-32-bytes"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _hs256(claims: dict) -> str:
    head = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    body = _b64(json.dumps(claims).encode())
    signature = hmac.new(SECRET.encode(), f"{head}.{body}".encode(), hashlib.sha256).digest()
    return f"{head}.{body}.{_b64(signature)}"


class FakeProvider:
    """Token and userinfo endpoints; the test tells it the nonce and who logged in."""

    def __init__(self) -> None:
        self.nonce = ""
        self.username = ""
        self.token_requests: list[dict] = []
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def _json(self, payload: dict) -> None:
                data = json.dumps(payload).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self) -> None:
                form = parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode())
                provider.token_requests.append(form)
                now = int(time.time())
                claims = {"iss": "fake", "aud": CLIENT_ID, "sub": "42", "iat": now, "exp": now + 300}
                claims["nonce"] = provider.nonce
                self._json({"access_token": "at-1", "id_token": _hs256(claims), "token_type": "Bearer"})

            def do_GET(self) -> None:
                if self.headers.get("Authorization") != "Bearer at-1":
                    self.send_response(401)
                    self.end_headers()
                    return
                self._json({"sub": "42", "preferred_username": provider.username})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def provider(settings):
    fake = FakeProvider()
    settings.OIDC_ENABLED = True
    settings.OIDC_RP_CLIENT_ID, settings.OIDC_RP_CLIENT_SECRET = CLIENT_ID, SECRET
    settings.OIDC_RP_SIGN_ALGO = "HS256"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{fake.url}/authorize"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{fake.url}/token"
    settings.OIDC_OP_USER_ENDPOINT = f"{fake.url}/userinfo"
    settings.OIDC_CREATE_USER = False
    settings.OIDC_USERNAME_CLAIM = "preferred_username"
    settings.AUTHENTICATION_BACKENDS = [
        *settings.AUTHENTICATION_BACKENDS,
        "anbili.accounts.oidc.ProvincialOIDCBackend",
    ]
    yield fake
    fake.server.shutdown()
    fake.server.server_close()


def _sso(client, provider, username: str):
    start = client.get("/oidc/authenticate/")
    query = parse_qs(urlparse(start["Location"]).query)
    provider.nonce, provider.username = query["nonce"][0], username
    return client.get("/oidc/callback/", {"code": "code-1", "state": query["state"][0]})


def test_sso_logs_a_registered_legal_person_in_to_their_unit(client, regions, provider):
    membership = MembershipFactory()
    response = _sso(client, provider, membership.user.username)
    assert response.status_code == 302 and response["Location"] == "/portal/"
    assert provider.token_requests[0]["code"] == ["code-1"]
    assert client.get("/portal/").status_code == 200
    assert client.session[SESSION_EMPLOYER] == membership.employer_id


def test_sso_never_creates_an_account_for_an_unknown_person(client, regions, provider):
    response = _sso(client, provider, "110105194912310029")
    assert response["Location"] == "/portal/login/"
    assert "_auth_user_id" not in client.session
