"""Rate limits of the data-exchange API, on the shared sliding-window limiter (anbili.core.ratelimit).

The cache is the alias named by API_RATE_LIMIT_CACHE (settings); in production it must be shared by every
web process (Redis), or each process would keep its own count and the limits would multiply by the number
of processes.

Why not ninja's throttles: `ninja.throttling.SimpleRateThrottle` keeps a list of timestamps per client and
writes it back with get-then-set, so two processes serving the same client at the same moment each write
their own list and one request is lost from the count; the shared limiter counts each request with one
atomic `incr`. ninja's throttles also run only after authentication, so they could not count wrong-token
attempts, and answer in English.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import caches
from ninja.errors import HttpError

from anbili.core.ratelimit import SlidingWindow

__all__ = ["RateLimited", "SlidingWindow", "client_address", "limiter", "rate_limit"]


def _window_words(seconds: int) -> str:
    if seconds == 60:
        return "每分钟"
    if seconds % 3600 == 0:
        return "每小时" if seconds == 3600 else f"每 {seconds // 3600} 小时"
    if seconds % 60 == 0:
        return f"每 {seconds // 60} 分钟"
    return f"每 {seconds} 秒"


class RateLimited(HttpError):
    """429 with the limit and how long to wait, in Chinese."""

    def __init__(self, limit: int, window: int, wait: int, *, what: str = "") -> None:
        if what:
            message = f"{what}过多：{_window_words(window)}最多 {limit} 次，请 {wait} 秒后重试"
        else:
            message = f"请求过于频繁：{_window_words(window)}最多 {limit} 次请求，请 {wait} 秒后重试"
        super().__init__(429, message)
        self.wait = wait


def limiter(scope: str, *, limit: int, window: int) -> SlidingWindow:
    """The shared limiter counting in the API_RATE_LIMIT_CACHE alias, looked up on each use so that settings
    overrides in tests apply."""
    return SlidingWindow(scope, limit=limit, window=window, cache=caches[settings.API_RATE_LIMIT_CACHE])


def rate_limit(scope: str, ident: str, *, limit: int, window: int = 60, what: str = "") -> None:
    """Count one request of `ident` and raise RateLimited (429) above `limit` per `window` seconds."""
    wait = limiter(scope, limit=limit, window=window).hit(ident)
    if wait is not None:
        raise RateLimited(limit, window, wait, what=what)


def client_address(request: object) -> str:
    """The address limits per address count: REMOTE_ADDR as the web server set it (a client-sent
    X-Forwarded-For is never trusted, as in the audit log)."""
    meta = getattr(request, "META", {})
    return str(meta.get("REMOTE_ADDR") or "unknown")
