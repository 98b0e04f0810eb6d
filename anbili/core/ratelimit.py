"""One sliding-window limiter for every "at most N events per T seconds per identity" rule: the API's limits
per token, per user and per address, and the login failures per address (anbili.api.ratelimit and
anbili.accounts.lockout build on it).

Pure Python: the cache is passed in, anything with Django's cache methods `add`, `incr`, `decr`, `get_many`
and `set` (Redis in production, so that every web process shares one count), and the clock is `time.time`,
looked up on each use, so a test steps time by patching that one function.

Why a ring of buckets and not the weighted two-window counter (previous × (1 − elapsed / window) +
current): the weighted counter assumes the previous window's events were spread evenly, so a burst at the
end of one window is forgotten as fast as an even trickle and nearly twice the limit can pass within one
window's length. The ring gives a hard bound instead: the window is cut into `BUCKETS` short buckets, and
every bucket any part of which lies inside the last `window` seconds counts whole. Every event of the last
`window` seconds is therefore counted, so no span of `window` seconds ever holds more than `limit`
accepted events; the price is that an old event may count up to one bucket (1/12 of the window) longer
than strictly needed. The wait is as plain: the time until enough of the oldest buckets leave the window.
It costs one `get_many` of 13 keys per check instead of 2 keys, which on Redis is still one round-trip.

Each event is one atomic `incr` of its bucket (`add` + `incr` are atomic on Redis and on the local-memory
cache), never a read-modify-write of a history list, so two processes counting at the same moment lose
nothing.
"""

from __future__ import annotations

import contextlib
import hashlib
import math
import time
from collections.abc import Iterable, Mapping
from typing import Any, Protocol

BUCKETS = 12


class CounterCache(Protocol):
    """The part of Django's cache API the limiter uses (the duck type it is given)."""

    def add(self, key: str, value: Any, timeout: Any = ...) -> bool: ...
    def incr(self, key: str, delta: int = 1) -> int: ...
    def decr(self, key: str, delta: int = 1) -> int: ...
    def get_many(self, keys: Iterable[str]) -> Mapping[str, Any]: ...
    def set(self, key: str, value: Any, timeout: Any = ...) -> None: ...


class SlidingWindow:
    """At most `limit` events per `window` seconds per identity, counted in `cache` under `scope`."""

    def __init__(self, scope: str, *, limit: int, window: int, cache: CounterCache) -> None:
        self.scope = scope
        self.limit = limit
        self.window = max(1, int(window))
        self.cache = cache
        # Rounded up, so that there are never more than BUCKETS + 1 buckets to read.
        self.bucket_seconds = max(1, math.ceil(self.window / BUCKETS))

    def _buckets(self, ident: str, now: float) -> list[tuple[int, str]]:
        """(index, key) of every bucket that ends after now − window, oldest first; the last is now's."""
        # Hashed: identities are addresses and account ids, which need not sit in a cache in clear, and a
        # hash is a valid key for every backend (IPv6 colons, long strings).
        digest = hashlib.sha256(f"{self.scope}\0{ident}".encode()).hexdigest()[:32]
        size = self.bucket_seconds
        current = int(now // size)
        # Bucket i spans [i·size, (i+1)·size): it holds events of the window while (i+1)·size > now − window.
        oldest = math.floor((now - self.window) / size)
        return [(index, f"rate:{self.scope}:{digest}:{index}") for index in range(oldest, current + 1)]

    def _counts(self, buckets: list[tuple[int, str]]) -> list[tuple[int, int]]:
        values = self.cache.get_many([key for _index, key in buckets])
        return [(index, int(values.get(key) or 0)) for index, key in buckets]

    def _wait(self, counts: list[tuple[int, int]], now: float) -> int:
        """Seconds until one more event fits: drop the oldest buckets until the rest leaves room for one."""
        total = sum(count for _index, count in counts)
        for index, count in counts:
            total -= count
            if total + 1 <= self.limit:
                leaves_at = (index + 1) * self.bucket_seconds + self.window
                return max(1, math.ceil(leaves_at - now))
        # Only a limit below 1 gets here: nothing ever fits; name the whole window.
        return self.window

    def _timeout(self) -> int:
        # A bucket created at any moment of its span must outlive the window that still reads it.
        return self.window + self.bucket_seconds + 1

    def _increment(self, key: str) -> int:
        timeout = self._timeout()
        self.cache.add(key, 0, timeout=timeout)  # a no-op when the bucket exists
        try:
            return int(self.cache.incr(key))
        except ValueError:  # evicted or expired between add and incr
            self.cache.set(key, 1, timeout=timeout)
            return 1

    def add(self, ident: str) -> None:
        """Count one event, whatever the count (a login failure happened, whether or not it was allowed)."""
        now = time.time()
        self._increment(self._buckets(ident, now)[-1][1])

    def hit(self, ident: str) -> int | None:
        """Count one event; None when it is within the limit, else the seconds to wait (and the refused event
        is not counted, so that a client retrying while refused does not push its own wait further out)."""
        now = time.time()
        buckets = self._buckets(ident, now)
        current_index, current_key = buckets[-1]
        # The increment first and its own result for the current bucket: of concurrent events, exactly those
        # whose increment stayed within the limit pass.
        current = self._increment(current_key)
        counts = [*self._counts(buckets[:-1]), (current_index, current)]
        if sum(count for _index, count in counts) <= self.limit:
            return None
        with contextlib.suppress(ValueError):  # expired meanwhile: nothing left to undo
            self.cache.decr(current_key)
        counts[-1] = (current_index, current - 1)
        return self._wait(counts, now)

    def blocked(self, ident: str) -> int | None:
        """Without counting: None when one more event would fit, else the seconds to wait."""
        now = time.time()
        counts = self._counts(self._buckets(ident, now))
        if sum(count for _index, count in counts) + 1 <= self.limit:
            return None
        return self._wait(counts, now)
