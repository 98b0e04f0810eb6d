"""The one sliding-window limiter (anbili.core.ratelimit), pure: a plain-dict cache stands in for Django's,
the clock is time.time patched; two Redis clients stand for two web processes."""

import os
import time
import uuid

import pytest

from anbili.core.ratelimit import SlidingWindow

REDIS_URL = f"redis://127.0.0.1:6379/{os.environ.get('ANBILI_TEST_REDIS_DB', '0')}"


class DictCache:
    """The cache methods the limiter uses, over a dict (no expiry: the tests never outlive a key)."""

    def __init__(self) -> None:
        self.data: dict[str, int] = {}

    def add(self, key, value, timeout=None):
        if key in self.data:
            return False
        self.data[key] = value
        return True

    def incr(self, key, delta=1):
        if key not in self.data:
            raise ValueError(key)
        self.data[key] += delta
        return self.data[key]

    def decr(self, key, delta=1):
        return self.incr(key, -delta)

    def get_many(self, keys):
        return {key: self.data[key] for key in keys if key in self.data}

    def set(self, key, value, timeout=None):
        self.data[key] = value


@pytest.fixture
def clock(monkeypatch):
    now = [1_900_000_000.0]  # on a bucket boundary of every window below
    monkeypatch.setattr(time, "time", lambda: now[0])
    return now


def test_within_the_limit_then_refused(clock):
    window = SlidingWindow("t", limit=3, window=60, cache=DictCache())
    assert [window.hit("a") for _ in range(3)] == [None] * 3
    assert window.hit("a") is not None
    assert window.hit("b") is None  # another identity has its own count


def test_the_window_slides_without_a_burst_at_the_boundary(clock):
    window = SlidingWindow("t", limit=4, window=60, cache=DictCache())
    start = clock[0] + 59  # just before a minute boundary, as an attacker timing a fixed window would
    clock[0] = start
    assert [window.hit("a") for _ in range(4)] == [None] * 4
    for later in (2, 30, 59.9):  # every one of the four is still within the last 60 seconds
        clock[0] = start + later
        assert window.hit("a") is not None, later
    # They all fell in the bucket [start − 4, start + 1), which has left the window 61 seconds on.
    clock[0] = start + 61
    assert [window.hit("a") for _ in range(4)] == [None] * 4  # the whole allowance is back, and no more
    assert window.hit("a") is not None


def test_old_events_leave_a_bucket_at_a_time(clock):
    window = SlidingWindow("t", limit=3, window=60, cache=DictCache())
    start = clock[0]
    window.hit("a")
    clock[0] = start + 20
    window.hit("a")
    window.hit("a")
    clock[0] = start + 40
    assert window.blocked("a") == 25  # the first event's bucket [start, start + 5) leaves at start + 65
    clock[0] = start + 65
    assert window.blocked("a") is None
    assert window.hit("a") is None
    assert window.hit("a") is not None  # the two of start + 20 still count


def test_a_refused_event_is_not_counted(clock):
    cache = DictCache()
    window = SlidingWindow("t", limit=2, window=60, cache=cache)
    window.hit("a")
    window.hit("a")
    waits = [window.hit("a") for _ in range(50)]
    assert all(wait is not None for wait in waits)
    assert sum(cache.data.values()) == 2
    assert len(set(waits)) == 1  # retrying while refused never pushes the wait further out


def test_the_wait_it_names_is_enough_and_not_more(clock):
    window = SlidingWindow("t", limit=3, window=600, cache=DictCache())
    start = clock[0] + 7.3  # inside a 50-second bucket
    clock[0] = start
    for _ in range(3):
        window.hit("a")
    clock[0] = start + 100
    wait = window.hit("a")
    assert wait is not None and wait == window.blocked("a")
    clock[0] = start + 100 + wait - 1
    assert window.blocked("a") is not None
    clock[0] = start + 100 + wait
    assert window.blocked("a") is None


def test_blocked_does_not_count(clock):
    cache = DictCache()
    window = SlidingWindow("t", limit=1, window=60, cache=cache)
    assert all(window.blocked("a") is None for _ in range(10))
    assert cache.data == {}
    window.add("a")
    window.add("a")  # add counts whatever the count
    assert sum(cache.data.values()) == 2
    assert window.blocked("a") is not None


def test_a_limit_of_zero_never_lets_anything_through(clock):
    window = SlidingWindow("t", limit=0, window=60, cache=DictCache())
    assert window.hit("a") == 60
    assert window.blocked("a") == 60


def test_a_bucket_evicted_between_add_and_incr_counts_one():
    class Evicting(DictCache):
        def add(self, key, value, timeout=None):
            return True  # claims to have added, but the key is gone by the incr

    cache = Evicting()
    SlidingWindow("t", limit=5, window=60, cache=cache).add("a")
    assert list(cache.data.values()) == [1]


def test_identities_are_not_stored_in_clear(clock):
    cache = DictCache()
    SlidingWindow("login", limit=5, window=60, cache=cache).add("2001:db8:1:2::/64")
    assert not any("2001" in key for key in cache.data)


def test_two_cache_clients_share_one_count():
    """Two Redis clients with their own connection pools, as two web processes have: one count."""
    redis = pytest.importorskip("redis")
    from django.core.cache.backends.redis import RedisCache

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        pytest.skip("Redis is not running at 127.0.0.1:6379")
    prefix = f"anbili-test-{uuid.uuid4().hex}"
    try:
        first, second = (
            SlidingWindow("t", limit=5, window=60, cache=RedisCache(REDIS_URL, {"KEY_PREFIX": prefix}))
            for _ in range(2)
        )
        outcomes = [(first if n % 2 else second).hit("a") is None for n in range(7)]
        assert outcomes == [True] * 5 + [False] * 2
        assert first.blocked("a") == second.blocked("a") is not None
    finally:
        client = redis.Redis.from_url(REDIS_URL)
        for key in client.scan_iter(f"{prefix}*"):
            client.delete(key)
