"""Authentication of the data-exchange API: partner bearer tokens (scoped by partner kind and province) and,
for the person look-up only, the portal's own session; both are rate-limited per token or user.

Failures raise HttpError with a Chinese message (401 no or bad credentials, 429 too many requests) so that
every client sees the same words the portal uses.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.security import APIKeyCookie, HttpBearer

from anbili.accounts.models import AccountKind, User
from anbili.registry.models import PartnerToken
from anbili.registry.services import partner_token_refusal, partner_token_touch, token_digest

RATE_WINDOW_SECONDS = 60


class RateLimited(HttpError):
    """429: the caller used up its requests for the current minute."""

    def __init__(self, limit: int, wait: int) -> None:
        super().__init__(429, f"请求过于频繁：每分钟最多 {limit} 次请求，请 {wait} 秒后重试")


def rate_limit(key: str) -> None:
    """Count one request for `key` in the current minute (Django cache; Redis in production through
    CACHE_URL, shared by all web processes) and refuse it above API_RATE_LIMIT_PER_MINUTE."""
    limit = settings.API_RATE_LIMIT_PER_MINUTE
    now = time.time()
    window = int(now // RATE_WINDOW_SECONDS)
    cache_key = f"api-rate:{key}:{window}"
    cache.add(cache_key, 0, timeout=RATE_WINDOW_SECONDS * 2)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # evicted between add and incr
        cache.set(cache_key, 1, timeout=RATE_WINDOW_SECONDS * 2)
        count = 1
    if count > limit:
        raise RateLimited(limit, max(1, int((window + 1) * RATE_WINDOW_SECONDS - now)))


class PartnerTokenAuth(HttpBearer):
    """`Authorization: Bearer <token>`; `request.auth` becomes the PartnerToken (with its partner)."""

    def __call__(self, request: HttpRequest) -> Any:
        header = request.headers.get(self.header, "")
        scheme, _, token = header.partition(" ")
        if not header or scheme.lower() != "bearer" or not token.strip():
            raise HttpError(401, "缺少访问令牌：请在请求头 Authorization 中提供“Bearer 令牌”")
        return self.authenticate(request, token.strip())

    def authenticate(self, request: HttpRequest, token: str) -> PartnerToken:
        found = (
            PartnerToken.objects.select_related("partner", "partner__province")
            .filter(token_hash=token_digest(token))
            .first()
        )
        # Unknown, deactivated, revoked or expired: 401 with the reason (anbili.registry.services).
        refusal = partner_token_refusal(found)
        if refusal is not None or found is None:
            raise HttpError(401, refusal or "访问令牌无效或已停用")
        rate_limit(f"token:{found.pk}")
        partner_token_touch(found)
        return found


class PortalSessionAuth(APIKeyCookie):
    """The portal's logged-in session (employer users acting for a unit, and DPF staff); read-only uses."""

    param_name = settings.SESSION_COOKIE_NAME

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        user = request.user
        if not isinstance(user, User) or not user.is_authenticated:
            return None
        if getattr(request, "employer", None) is None and user.kind != AccountKind.STAFF:
            return None
        rate_limit(f"user:{user.pk}")
        return user


partner_auth = PartnerTokenAuth()
portal_session_auth = PortalSessionAuth()
