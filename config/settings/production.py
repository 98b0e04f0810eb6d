"""Production: behind TLS, PostgreSQL and Redis; refuses to start half-configured (docs/architecture.md).

Required environment: DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS, DATABASE_URL, REDIS_URL. Optional:
DJANGO_TRUST_PROXY_SSL_HEADER (the TLS proxy sets X-Forwarded-Proto and strips it from clients),
SECURE_HSTS_SECONDS, SECURE_HSTS_INCLUDE_SUBDOMAINS, SECURE_HSTS_PRELOAD.
`manage.py check --deploy` passes with no warning (tests/security/test_security_settings.py).
"""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import SECRET_KEY, env


def _required(name: str, why: str) -> str:
    value = env.str(name, default="").strip()
    if not value:
        raise ImproperlyConfigured(f"Set the {name} environment variable: {why}.")
    return value


# Never from the environment: a visitor must not see Django's debug page or the URL list.
DEBUG = False

_required("DJANGO_SECRET_KEY", "a random value of at least 50 characters, kept out of the repository")
# The same test as `check --deploy` (security.W009), made fatal: a weak key signs sessions and CSRF tokens.
if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5 or SECRET_KEY.startswith("django-insecure-"):
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY is too weak: use at least 50 random characters, for example the output of "
        '`python -c "import secrets; print(secrets.token_urlsafe(50))"`.'
    )

_required("DJANGO_ALLOWED_HOSTS", "the host names this site answers to, comma-separated")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
if "*" in ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must name the site's hosts, not '*'.")

DATABASES = {"default": env.db_url_config(_required("DATABASE_URL", "the PostgreSQL database, postgres://…"))}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)

# One cache shared by every web process: rate limits and login counters must hold across them.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": _required("REDIS_URL", "the shared Redis cache, redis://host:6379/0"),
    }
}

# HTTPS only. HSTS for a year; includeSubDomains covers only hosts under this site's own name, and the
# preload flag merely consents to the browsers' preload list (someone still has to submit the domain there).
# Both can be switched off by the operator if a sub-host must stay on plain HTTP; check --deploy then warns.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True

# Trust X-Forwarded-Proto only when told that the proxy in front sets it and drops any sent by a client;
# otherwise a client could claim HTTPS and skip the redirect.
if env.bool("DJANGO_TRUST_PROXY_SSL_HEADER", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
