"""Shared fixtures: factories, demo-like data, and the headless-Chromium browser with an axe-core check."""

import os
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

# Playwright's sync API runs an event loop in the test thread; the ORM calls around it are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _login_address_limit_lifted(settings):
    """Every test client request comes from 127.0.0.1 and the per-address login counter lives in the cache,
    which outlives a test: the suite's own failed logins would reach the limit. The tests of that limit
    (tests/accounts/test_lockout.py) set their own low value."""
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 1_000_000


# The instant tests freeze the clock at: a working day in China, inside the year's certification season, so
# that "today", "this year" and "last business year" (2025) never depend on when the suite runs.
FROZEN_NOW = datetime(2026, 6, 15, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def _suite_clock():
    """Every test runs on a clock that starts at FROZEN_NOW and ticks on (timezone.now(), localdate(),
    date.today(), time.time()), so no test depends on the day the suite runs; waits and timeouts still see
    time pass. Spawned worker processes (the verification pool) start a fresh interpreter on the real clock:
    their tests compare what the workers stored, never the time they stamped."""
    with time_machine.travel(FROZEN_NOW, tick=True):
        yield


@pytest.fixture(autouse=True)
def _empty_cache(_suite_clock):
    """Every test starts with an empty cache, as a fresh process would: the suite clock restarts at FROZEN_NOW
    for each test, so an entry one test left (a debounce key, a counter) would otherwise never expire for the
    tests after it, and a test's outcome would depend on the order the suite runs in."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def frozen_clock(_suite_clock):
    """Stop the clock at FROZEN_NOW for a test that compares exact instants. The traveller is returned:
    `frozen_clock.shift(timedelta(...))` or `.move_to(...)` moves it."""
    with time_machine.travel(FROZEN_NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def regions(db):
    """The seeded GB/T 2260 regions and policy tables (内蒙古 and 江西 in full)."""
    from anbili.regions.services import regions_seed

    regions_seed()


@pytest.fixture
def wsgi_keeps_db_connection():
    """Raw WSGI calls (schemathesis) make Django close the database connection after each request, ending
    the test's transaction on PostgreSQL; Django's own test client disconnects the same receivers."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)
