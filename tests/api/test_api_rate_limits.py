"""API rate limits: a sliding window over the shared cache (Redis in production), per partner token, per
portal user, per address for wrong tokens and for the public levy estimate (issue #10 item 2).

The Redis tests use the real server at 127.0.0.1:6379 under a key prefix of their own; two separate cache
clients stand for two web processes.
"""

import json
import os
import re
import threading
import time
import uuid
from datetime import UTC, datetime

import pytest
from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache

from anbili.registry.models import PartnerKind
from anbili.registry.services import partner_token_issue

REDIS_URL = f"redis://127.0.0.1:6379/{os.environ.get('ANBILI_TEST_REDIS_DB', '0')}"
BATCHES = "/api/v1/registry/batches"
LEVY = "/api/v1/levy/estimate"
LEVY_BODY = {
    "province": "15",
    "year": 2025,
    "unit_nature": "enterprise",
    "employee_months": "388",
    "average_annual_wage": "36292",
    "placed_person_months": "0",
}


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


class Clock:
    """Stands in for time.time so that a test can step across a window's edge without sleeping."""

    def __init__(self, start: float) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch):
    # Just before a minute boundary (10:00 in China, 2026-06-15), as an attacker timing a fixed window would
    # choose; an explicit instant, not the wall clock.
    fake = Clock(datetime(2026, 6, 15, 2, 0, tzinfo=UTC).timestamp() - 1.0)
    monkeypatch.setattr(time, "time", fake)
    return fake


@pytest.fixture
def social(regions):
    return partner_token_issue(
        name="内蒙古自治区人社厅", kind=PartnerKind.SOCIAL_INSURANCE, province_code="15"
    )


def bearer(issued) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {issued.token}"}


def redis_or_skip() -> None:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        pytest.skip("Redis is not running at 127.0.0.1:6379")


@pytest.fixture
def redis_prefix():
    """A key prefix for this test only; its keys are deleted afterwards (never FLUSHDB: others share it)."""
    import redis

    redis_or_skip()
    prefix = f"anbili-test-{uuid.uuid4().hex}"
    yield prefix
    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(f"{prefix}*"):
        client.delete(key)


def redis_cache(prefix: str) -> RedisCache:
    """A cache client of its own (its own connection pool), as a separate web process would have."""
    return RedisCache(REDIS_URL, {"KEY_PREFIX": prefix})


# --- the window slides -------------------------------------------------------------------------------


def test_the_window_slides_across_the_minute_boundary(client, social, settings, clock):
    """A fixed window lets a client send its allowance just before the minute and again just after it:
    twice the limit in two seconds. The sliding window counts every request of the last 60 seconds, so the
    allowance comes back only as the old requests leave it (at most one 5-second bucket late)."""
    settings.API_RATE_LIMIT_PER_MINUTE = 4
    start = clock.now
    assert [client.get(BATCHES, **bearer(social)).status_code for _ in range(4)] == [200] * 4
    clock.now += 2  # one second into the next minute
    refused = client.get(BATCHES, **bearer(social))
    assert refused.status_code == 429
    assert re.fullmatch(r"请求过于频繁：每分钟最多 4 次请求，请 \d+ 秒后重试", refused.json()["detail"])
    # Half-way through the next minute the four requests are still inside the last 60 seconds.
    clock.now += 30
    assert client.get(BATCHES, **bearer(social)).status_code == 429
    clock.now = start + 59.5
    assert client.get(BATCHES, **bearer(social)).status_code == 429
    # Once they have left the window the whole allowance is back, and no more.
    clock.now = start + 65
    assert [client.get(BATCHES, **bearer(social)).status_code for _ in range(5)] == [200] * 4 + [429]


def test_the_wait_it_names_is_enough(client, social, settings, clock):
    settings.API_RATE_LIMIT_PER_MINUTE = 3
    for _ in range(3):
        client.get(BATCHES, **bearer(social))
    refused = client.get(BATCHES, **bearer(social))
    wait = int(re.search(r"请 (\d+) 秒后重试", refused.json()["detail"]).group(1))
    # Up to one 5-second bucket past the minute: a request counts until its whole bucket has left the window.
    assert 1 <= wait <= 65
    clock.now += wait - 1.5
    assert client.get(BATCHES, **bearer(social)).status_code == 429
    clock.now += 1.5
    assert client.get(BATCHES, **bearer(social)).status_code == 200


def test_refused_requests_do_not_extend_the_wait(client, social, settings, clock):
    settings.API_RATE_LIMIT_PER_MINUTE = 2
    for _ in range(2):
        client.get(BATCHES, **bearer(social))
    for _ in range(50):
        assert client.get(BATCHES, **bearer(social)).status_code == 429
    clock.now += 61
    assert client.get(BATCHES, **bearer(social)).status_code == 200


# --- who is counted ----------------------------------------------------------------------------------


def test_a_portal_user_has_an_allowance_of_its_own(client, regions, settings):
    from tests.factories import StaffFactory

    settings.API_RATE_LIMIT_PER_MINUTE = 2
    url = "/api/v1/registry/persons/150102198005010118"
    client.force_login(StaffFactory(), backend="anbili.accounts.backends.AccountBackend")
    assert [client.get(url).status_code for _ in range(3)] == [404, 404, 429]
    client.force_login(StaffFactory(), backend="anbili.accounts.backends.AccountBackend")
    assert client.get(url).status_code == 404


def test_wrong_tokens_are_limited_per_address(client, social, settings):
    settings.API_AUTH_FAILURE_LIMIT = 3
    settings.API_AUTH_FAILURE_WINDOW_SECONDS = 600
    attacker = {"REMOTE_ADDR": "203.0.113.9"}
    guesses = [client.get(BATCHES, HTTP_AUTHORIZATION=f"Bearer guess{n}", **attacker) for n in range(3)]
    assert [r.status_code for r in guesses] == [401, 401, 401]
    blocked = client.get(BATCHES, HTTP_AUTHORIZATION="Bearer guess4", **attacker)
    assert blocked.status_code == 429
    assert re.fullmatch(
        r"无效访问令牌尝试过多：每 10 分钟最多 3 次，请 \d+ 秒后重试", blocked.json()["detail"]
    )
    # From that address no token is even checked now (a guess that happened to be right would not tell).
    assert client.get(BATCHES, **bearer(social), **attacker).status_code == 429
    # Other addresses are not affected, and valid tokens never count as failures.
    assert (
        client.get(BATCHES, HTTP_AUTHORIZATION="Bearer nope", REMOTE_ADDR="198.51.100.7").status_code == 401
    )
    assert all(
        client.get(BATCHES, **bearer(social), REMOTE_ADDR="198.51.100.8").status_code == 200 for _ in range(5)
    )


def test_a_missing_token_is_not_a_guess(client, settings):
    settings.API_AUTH_FAILURE_LIMIT = 2
    assert {client.get(BATCHES, REMOTE_ADDR="203.0.113.10").status_code for _ in range(5)} == {401}


def test_the_public_levy_estimate_is_limited_per_address(client, regions, settings):
    settings.LEVY_ESTIMATE_RATE_LIMIT_PER_MINUTE = 3

    def post(address: str):
        return client.post(LEVY, json.dumps(LEVY_BODY), content_type="application/json", REMOTE_ADDR=address)

    assert [post("203.0.113.20").status_code for _ in range(4)] == [200, 200, 200, 429]
    refused = post("203.0.113.20")
    assert re.fullmatch(r"请求过于频繁：每分钟最多 3 次请求，请 \d+ 秒后重试", refused.json()["detail"])
    assert post("203.0.113.21").status_code == 200
    # Refusals with a body error count as well: a flood of bad bodies is a flood.
    assert (
        client.post(LEVY, "{", content_type="application/json", REMOTE_ADDR="203.0.113.20").status_code == 429
    )


def test_the_429_answers_are_in_the_openapi_document(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert "429" in schema["paths"][LEVY]["post"]["responses"]


# --- shared across processes (Redis) -----------------------------------------------------------------


def test_two_processes_share_one_count_in_redis(redis_prefix):
    from anbili.api.ratelimit import SlidingWindow

    first = SlidingWindow("token", limit=5, window=60, cache=redis_cache(redis_prefix))
    second = SlidingWindow("token", limit=5, window=60, cache=redis_cache(redis_prefix))
    outcomes = [(first if n % 2 else second).hit("42") is None for n in range(7)]
    assert outcomes == [True] * 5 + [False] * 2
    # Another key has its own count.
    assert first.hit("43") is None


@pytest.mark.parametrize("backend", ["redis", "locmem"])
def test_concurrent_requests_never_exceed_the_limit(backend, redis_prefix_or_none):
    """Twenty threads on two clients at once: exactly the limit gets through (the count is one atomic
    increment, not a read-modify-write of a history list, which loses updates under concurrency)."""
    from django.core.cache.backends.locmem import LocMemCache

    from anbili.api.ratelimit import SlidingWindow

    if backend == "redis":
        if redis_prefix_or_none is None:
            pytest.skip("Redis is not running at 127.0.0.1:6379")
        clients = [redis_cache(redis_prefix_or_none), redis_cache(redis_prefix_or_none)]
    else:
        shared = LocMemCache(f"rate-test-{uuid.uuid4().hex}", {})
        clients = [shared, shared]
    limiters = [SlidingWindow("levy", limit=10, window=60, cache=c) for c in clients]
    start = threading.Barrier(20)
    allowed: list[bool] = []

    def run(n: int) -> None:
        start.wait()
        allowed.append(limiters[n % 2].hit("203.0.113.30") is None)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(allowed) == [False] * 10 + [True] * 10


@pytest.fixture
def redis_prefix_or_none():
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        yield None
        return
    prefix = f"anbili-test-{uuid.uuid4().hex}"
    yield prefix
    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(f"{prefix}*"):
        client.delete(key)


def test_the_api_counts_in_the_configured_shared_cache(client, social, settings, redis_prefix):
    """With the limits' cache alias on Redis, the count of requests served by this process is what any
    other process reads."""
    from anbili.api.ratelimit import SlidingWindow
    from anbili.registry.models import PartnerToken

    settings.CACHES = {
        **settings.CACHES,
        "ratelimit": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": redis_prefix,
        },
    }
    settings.API_RATE_LIMIT_CACHE = "ratelimit"
    settings.API_RATE_LIMIT_PER_MINUTE = 3
    assert [client.get(BATCHES, **bearer(social)).status_code for _ in range(2)] == [200, 200]
    other_process = SlidingWindow("token", limit=3, window=60, cache=redis_cache(redis_prefix))
    token_pk = PartnerToken.objects.get(partner=social.partner).pk
    assert other_process.hit(str(token_pk)) is None  # the third request of the minute, from elsewhere
    assert client.get(BATCHES, **bearer(social)).status_code == 429
