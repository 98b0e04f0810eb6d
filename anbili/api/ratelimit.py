"""Rate limits of the data-exchange API: a sliding-window counter over Django's cache.

The cache is the alias named by API_RATE_LIMIT_CACHE (settings); in production it must be shared by every
web process (Redis), or each process would keep its own count and the limits would multiply by the number
of processes.

Why a sliding-window counter and not ninja's throttles: `ninja.throttling.SimpleRateThrottle` keeps a list
of timestamps per client and writes it back with get-then-set, so two processes serving the same client at
the same moment each write their own list and one request is lost from the count. Here each request is one
atomic `incr` of a per-window counter (`add` + `incr` are atomic on Redis and on the local-memory cache),
and the estimate weighs the previous window by the share of it still inside the last `window` seconds
(previous × (1 − elapsed / window) + current). That removes the fixed window's burst at the boundary (the
whole allowance just before the minute and again just after it) without a timestamp list. ninja's throttles
also run only after authentication, so they could not count wrong-token attempts, and answer in English.
"""

from __future__ import annotations

import contextlib
import hashlib
import math
import time

from django.conf import settings
from django.core.cache import BaseCache, caches
from ninja.errors import HttpError


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


class SlidingWindow:
    """At most `limit` events per `window` seconds per identity, counted in `cache` (the configured alias by
    default, looked up on each use so that settings overrides in tests apply)."""

    def __init__(self, scope: str, *, limit: int, window: int, cache: BaseCache | None = None) -> None:
        self.scope = scope
        self.limit = limit
        self.window = window
        self._cache = cache

    @property
    def cache(self) -> BaseCache:
        return self._cache if self._cache is not None else caches[settings.API_RATE_LIMIT_CACHE]

    def _keys(self, ident: str, now: float) -> tuple[str, str, float]:
        # Hashed: identities are addresses and account ids, which need not sit in a cache in clear, and a
        # hash is always a valid key for every backend (IPv6 colons, long strings).
        digest = hashlib.sha256(f"{self.scope}\0{ident}".encode()).hexdigest()[:32]
        slot = int(now // self.window)
        elapsed = now - slot * self.window
        return f"rate:{self.scope}:{digest}:{slot}", f"rate:{self.scope}:{digest}:{slot - 1}", elapsed

    def _estimate(self, previous: int, current: int, elapsed: float) -> float:
        # Less a hair, so that float rounding (3 × (1 − 20/60) = 2.0000000000000004) never refuses an event
        # that fits exactly.
        return previous * (1 - elapsed / self.window) + current - 1e-9

    def _wait(self, previous: int, current: int, elapsed: float) -> int:
        """Seconds until one more event fits: solve previous × (1 − t / window) + current + 1 ≤ limit for t in
        this window, else in the next one, where this window's count becomes the previous one."""
        room = self.limit - 1 - current
        if room >= 0 and previous > 0:
            at = self.window * (1 - room / previous)
            if at < self.window:
                return max(1, math.ceil(at - elapsed))
        into_next = self.window * (1 - (self.limit - 1) / current) if current > 0 else 0.0
        return max(1, math.ceil(self.window - elapsed + max(0.0, into_next)))

    def hit(self, ident: str) -> int | None:
        """Count one event; None when it is within the limit, else the seconds to wait (and the refused event
        is not counted, so that a client retrying while refused does not push its own wait further out)."""
        now = time.time()
        current_key, previous_key, elapsed = self._keys(ident, now)
        cache = self.cache
        # Two windows' lifetime: the counter is read as "previous" during the whole next window.
        cache.add(current_key, 0, timeout=self.window * 2 + 1)
        try:
            current = cache.incr(current_key)
        except ValueError:  # evicted between add and incr
            cache.set(current_key, 1, timeout=self.window * 2 + 1)
            current = 1
        previous = int(cache.get(previous_key) or 0)
        if self._estimate(previous, current, elapsed) <= self.limit:
            return None
        with contextlib.suppress(ValueError):  # expired meanwhile: nothing left to undo
            cache.decr(current_key)
        return self._wait(previous, current - 1, elapsed)

    def blocked(self, ident: str) -> int | None:
        """Without counting: None when one more event would fit, else the seconds to wait."""
        now = time.time()
        current_key, previous_key, elapsed = self._keys(ident, now)
        counts = self.cache.get_many([current_key, previous_key])
        current, previous = int(counts.get(current_key) or 0), int(counts.get(previous_key) or 0)
        if self._estimate(previous, current, elapsed) + 1 <= self.limit:
            return None
        return self._wait(previous, current, elapsed)


def rate_limit(scope: str, ident: str, *, limit: int, window: int = 60, what: str = "") -> None:
    """Count one request of `ident` and raise RateLimited (429) above `limit` per `window` seconds."""
    wait = SlidingWindow(scope, limit=limit, window=window).hit(ident)
    if wait is not None:
        raise RateLimited(limit, window, wait, what=what)


def client_address(request: object) -> str:
    """The address limits per address count: REMOTE_ADDR as the web server set it (a client-sent
    X-Forwarded-For is never trusted, as in the audit log)."""
    meta = getattr(request, "META", {})
    return str(meta.get("REMOTE_ADDR") or "unknown")
