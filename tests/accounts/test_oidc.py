"""Provincial SSO over OIDC switches on only when its settings are present (settings are read at start-up,
so each case runs in a fresh interpreter)."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import django, json
django.setup()
from django.conf import settings
from django.test import Client
from django.urls import NoReverseMatch, reverse
try:
    url = reverse("oidc_authentication_init")
except NoReverseMatch:
    url = None
out = {"enabled": settings.OIDC_ENABLED, "url": url,
       "backend": "anbili.accounts.oidc.ProvincialOIDCBackend" in settings.AUTHENTICATION_BACKENDS}
if url:
    settings.ALLOWED_HOSTS = ["testserver"]
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"  # no database here
    r = Client().get(url)
    out["status"], out["location"] = r.status_code, r.headers.get("Location", "")
    out["login_page_link"] = "政务服务网统一身份认证" in Client().get("/portal/login/").content.decode()
print(json.dumps(out))
"""


def _probe(extra_env: dict[str, str]) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OIDC_")}
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings.test", **extra_env})
    done = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_oidc_is_off_without_settings():
    out = _probe({})
    assert out == {"enabled": False, "url": None, "backend": False}


def test_oidc_is_on_with_settings_and_redirects_to_the_provider():
    out = _probe(
        {
            "OIDC_RP_CLIENT_ID": "anbili-portal",
            "OIDC_RP_CLIENT_SECRET": "secret",
            "OIDC_RP_SIGN_ALGO": "HS256",
            "OIDC_OP_AUTHORIZATION_ENDPOINT": "http://127.0.0.1:9/authorize",
            "OIDC_OP_TOKEN_ENDPOINT": "http://127.0.0.1:9/token",
            "OIDC_OP_USER_ENDPOINT": "http://127.0.0.1:9/userinfo",
        }
    )
    assert out["enabled"] is True and out["backend"] is True
    assert out["url"] == "/oidc/authenticate/"
    assert out["status"] == 302
    assert out["location"].startswith("http://127.0.0.1:9/authorize?")
    assert "client_id=anbili-portal" in out["location"]
    assert out["login_page_link"] is True
