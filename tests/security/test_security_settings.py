"""Production settings (issue #10 item 7): refuse to start half-configured, pass `check --deploy` cleanly;
no secret-key default anywhere; the development key is generated, never committed.

Settings are loaded in subprocesses: a settings module is read once per process.
"""

import os
import re
import secrets
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from config.secret_key import local_secret_key

ROOT = Path(__file__).resolve().parents[2]
# Everything a settings module reads that the caller's environment (CI, a developer's shell) might set.
SETTINGS_VARS = (
    "DJANGO_SETTINGS_MODULE",
    "DJANGO_SECRET_KEY",
    "DJANGO_ALLOWED_HOSTS",
    "DJANGO_DEBUG",
    "DJANGO_TRUST_PROXY_SSL_HEADER",
    "REDIS_URL",
    "DATABASE_URL",
    "CACHE_URL",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
)


def production_env(**overrides: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARS}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="anbili.example.gov.cn",
        REDIS_URL="redis://127.0.0.1:6379/0",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/anbili_h_e_unused",
    )
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def settings_of(env: dict[str, str], *names: str) -> dict[str, str]:
    """The repr of each named setting as a process started with `env` sees it."""
    prints = "; ".join(f"print(repr(settings.{name}))" for name in names)
    result = run(["-c", f"import django; django.setup(); from django.conf import settings; {prints}"], env)
    assert result.returncode == 0, result.stderr
    return dict(zip(names, result.stdout.splitlines(), strict=True))


def import_settings(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Import the settings module only (what every manage.py command and WSGI start does first)."""
    return run(["-c", f"import {env['DJANGO_SETTINGS_MODULE']}"], env)


def test_check_deploy_passes_with_no_warning():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize(
    ("missing", "named"),
    [
        ("DJANGO_SECRET_KEY", "DJANGO_SECRET_KEY"),
        ("DJANGO_ALLOWED_HOSTS", "DJANGO_ALLOWED_HOSTS"),
        ("REDIS_URL", "REDIS_URL"),
        ("DATABASE_URL", "DATABASE_URL"),
    ],
)
def test_refuses_to_start_without_a_required_variable(missing, named):
    result = import_settings(production_env(**{missing: None}))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and named in result.stderr, result.stderr


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DJANGO_SECRET_KEY", "short"),
        ("DJANGO_SECRET_KEY", "a" * 60),
        ("DJANGO_SECRET_KEY", "django-insecure-" + secrets.token_urlsafe(50)),
        ("DJANGO_ALLOWED_HOSTS", "*"),
        ("DJANGO_ALLOWED_HOSTS", ""),
    ],
)
def test_refuses_a_weak_key_or_a_wildcard_host(variable, value):
    result = import_settings(production_env(**{variable: value}))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and variable in result.stderr, result.stderr


def test_production_security_settings():
    names = (
        "DEBUG",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
    )
    values = settings_of(production_env(DJANGO_DEBUG="true"), *names, "CACHES", "SECURE_PROXY_SSL_HEADER")
    # DJANGO_DEBUG cannot switch the debug pages on in production.
    assert [values[name] for name in names[:4]] == ["False", "True", "True", "True"]
    assert int(values["SECURE_HSTS_SECONDS"]) >= 365 * 24 * 3600
    assert "RedisCache" in values["CACHES"] and "redis://127.0.0.1:6379/0" in values["CACHES"]
    assert values["SECURE_PROXY_SSL_HEADER"] == "None"  # no trusted proxy declared


def test_proxy_ssl_header_only_when_the_proxy_is_declared_trusted():
    trusted = production_env(DJANGO_TRUST_PROXY_SSL_HEADER="true")
    header = settings_of(trusted, "SECURE_PROXY_SSL_HEADER")["SECURE_PROXY_SSL_HEADER"]
    assert header == "('HTTP_X_FORWARDED_PROTO', 'https')"


def test_base_settings_have_no_secret_key_default():
    env = production_env(DJANGO_SETTINGS_MODULE="config.settings.base", DJANGO_SECRET_KEY=None)
    code = "import django; django.setup(); from django.conf import settings; settings.SECRET_KEY"
    result = run(["-c", code], env)
    assert result.returncode != 0 and "SECRET_KEY setting must not be empty" in result.stderr


def test_no_secret_key_literal_in_the_repository():
    """The old default, or any other literal assigned to SECRET_KEY, must not come back."""
    literal = re.compile(r"SECRET_KEY\s*=\s*[\"']|SECRET_KEY.*default=[\"'][^\"']|dev-only-insecure")
    offenders = []
    files = [*ROOT.glob("config/**/*.py"), *ROOT.glob("anbili/**/*.py"), *ROOT.glob("tests/**/*.py")]
    for path in [*files, *ROOT.glob("bench/*.py"), ROOT / "manage.py", *ROOT.glob(".env*")]:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if literal.search(line) and path != Path(__file__):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not offenders


def test_local_secret_key_is_created_once_private_and_shared(tmp_path):
    path = tmp_path / "var" / "secret_key"
    keys: list[str] = []
    threads = [threading.Thread(target=lambda: keys.append(local_secret_key(path))) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(keys)) == 1 and len(keys[0]) >= 50
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert local_secret_key(path) == keys[0]  # a restart of `make run` keeps the sessions


def test_dev_settings_use_the_local_key_and_debug_off():
    env = production_env(DJANGO_SETTINGS_MODULE="config.settings.dev", DJANGO_SECRET_KEY=None)
    env.pop("DATABASE_URL")
    first, second = settings_of(env, "SECRET_KEY", "DEBUG"), settings_of(env, "SECRET_KEY")
    assert first["SECRET_KEY"] == second["SECRET_KEY"] and len(first["SECRET_KEY"]) > 50
    assert first["DEBUG"] == "False"
