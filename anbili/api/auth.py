"""Authentication of the data-exchange API: partner bearer tokens (scoped by partner kind and province) and,
for the person look-up only, the portal's own session; both are rate-limited per token or user, and wrong
tokens per client address (anbili.api.ratelimit: a sliding window in the shared cache).

Failures raise HttpError with a Chinese message (401 no or bad credentials, 429 too many requests) so that
every client sees the same words the portal uses.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.security import APIKeyCookie, HttpBearer

from anbili.accounts.models import AccountKind, User
from anbili.api import ratelimit
from anbili.api.ratelimit import RateLimited, SlidingWindow, client_address, limiter
from anbili.registry.models import PartnerToken
from anbili.registry.services import partner_token_refusal, partner_token_touch, token_digest

__all__ = ["RateLimited", "partner_auth", "portal_session_auth", "rate_limit"]

WRONG_TOKEN = "无效访问令牌尝试"


def rate_limit(key: str) -> None:
    """Count one request of a partner token ("token:<pk>") or portal user ("user:<pk>") in the sliding minute
    (anbili.api.ratelimit, the shared cache) and refuse it above API_RATE_LIMIT_PER_MINUTE."""
    scope, _, ident = key.partition(":")
    ratelimit.rate_limit(scope, ident, limit=settings.API_RATE_LIMIT_PER_MINUTE)


def _wrong_tokens() -> SlidingWindow:
    """Wrong bearer tokens per client address: API_AUTH_FAILURE_LIMIT per API_AUTH_FAILURE_WINDOW_SECONDS."""
    return limiter(
        "auth-failure",
        limit=settings.API_AUTH_FAILURE_LIMIT,
        window=settings.API_AUTH_FAILURE_WINDOW_SECONDS,
    )


class PartnerTokenAuth(HttpBearer):
    """`Authorization: Bearer <token>`; `request.auth` becomes the PartnerToken (with its partner)."""

    def __call__(self, request: HttpRequest) -> Any:
        header = request.headers.get(self.header, "")
        scheme, _, token = header.partition(" ")
        if not header or scheme.lower() != "bearer" or not token.strip():
            raise HttpError(401, "缺少访问令牌：请在请求头 Authorization 中提供“Bearer 令牌”")
        # An address that sent too many wrong tokens gets no token checked at all until its window slides
        # on, so that guessing learns nothing; a missing token is no guess and is not counted.
        failures, address = _wrong_tokens(), client_address(request)
        wait = failures.blocked(address)
        if wait is not None:
            raise RateLimited(failures.limit, failures.window, wait, what=WRONG_TOKEN)
        try:
            return self.authenticate(request, token.strip())
        except HttpError as error:
            if error.status_code == 401:
                failures.hit(address)
            raise

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
