"""One lock-out counter per account whatever its spelling, the admin login's captcha and lock-out, and the
per-address limit over a longer window (decision 0002), through the real views, database and cache."""

import uuid

import pytest
from django.test import Client

from anbili.accounts.captcha import SESSION_KEY
from anbili.accounts.models import StaffRole
from tests.factories import PASSWORD, AgentMembershipFactory, MembershipFactory, StaffFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]

PORTAL = "/portal/login/"
BACKOFFICE = "/backoffice/login/"
ADMIN = "/admin/login/"
LOCKED = "账号已被锁定，请于15分钟后再试"


@pytest.fixture(autouse=True)
def _fresh_cache(settings):
    # The per-address counter lives in the cache, which outlives a test's database transaction: each test
    # counts under its own key prefix (and a CACHE_URL pointing at a shared Redis is never flushed).
    settings.CACHES = {
        alias: {**config, "KEY_PREFIX": f"t{uuid.uuid4().hex}"} for alias, config in settings.CACHES.items()
    }


def _fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def _post(client, url, account, password, **meta):
    """One login attempt, answering the captcha whenever one was asked (as a human would)."""
    data = {"account": account, "password": password}
    if url == ADMIN:
        data = {"username": account, "password": password, "next": "/admin/"}
    answer = client.session.get(SESSION_KEY)
    if answer is not None:
        data["captcha"] = answer
    return client.post(url, data, **meta)


def test_uscc_spellings_share_one_counter_and_lock_the_account(client, regions):
    uscc = MembershipFactory().employer.uscc
    spellings = [
        uscc.lower(),
        f"  {uscc}  ",
        _fullwidth(uscc),
        uscc.lower().swapcase(),
        _fullwidth(uscc.lower()),
    ]
    for spelling in spellings:
        _post(client, PORTAL, spelling, "bad-password")
    locked = _post(client, PORTAL, uscc, PASSWORD)
    assert locked.status_code == 429
    assert LOCKED in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_fullwidth_uscc_logs_in_like_the_plain_one(client, regions):
    uscc = MembershipFactory().employer.uscc
    assert _post(client, PORTAL, f" {_fullwidth(uscc.lower())} ", PASSWORD).status_code == 302


def test_captcha_is_asked_from_the_third_failure_whatever_the_spelling(client, regions):
    uscc = MembershipFactory().employer.uscc
    _post(client, PORTAL, uscc, "bad")
    _post(client, PORTAL, uscc.lower(), "bad")
    third = _post(client, PORTAL, _fullwidth(uscc), "bad").content.decode()
    assert 'name="captcha"' in third and "请计算" in third


def test_one_legal_persons_units_share_one_counter(client, regions):
    first = MembershipFactory()
    second = MembershipFactory(user=first.user, is_default=False)
    for uscc in [first.employer.uscc, second.employer.uscc] * 2 + [first.employer.uscc]:
        _post(client, PORTAL, uscc, "bad")
    assert _post(client, PORTAL, second.employer.uscc, PASSWORD).status_code == 429


def test_agent_name_case_and_width_variants_share_one_counter(client, regions):
    agent = AgentMembershipFactory(user__username="clerk.li").user
    for spelling in ["CLERK.LI", "Clerk.Li", _fullwidth("clerk.li"), " clerk.li ", "cLeRk.lI"]:
        _post(client, PORTAL, spelling, "bad")
    assert _post(client, PORTAL, agent.username, PASSWORD).status_code == 429


def test_unknown_account_variants_share_one_counter(client, regions):
    for spelling in ["Nobody", "NOBODY", "nobody ", _fullwidth("nobody"), "noBody"]:
        _post(client, PORTAL, spelling, "bad")
    assert _post(client, PORTAL, "nobody", "bad").status_code == 429


def test_failed_guesses_store_no_typed_identifier_in_the_attempt_table(client, regions):
    from axes.models import AccessAttempt

    membership = MembershipFactory()
    _post(client, PORTAL, membership.employer.uscc, "bad")
    _post(client, PORTAL, membership.user.id_number, "bad")  # an ID number typed by mistake
    names = list(AccessAttempt.objects.values_list("username", flat=True))
    assert names and not any(membership.user.id_number in name for name in names)


def _admin_staff():
    return StaffFactory(username="Admin.Wang", staff_role=StaffRole.ADMIN, is_staff=True)


def test_admin_login_asks_the_captcha_from_the_third_failure(client, regions):
    staff = _admin_staff()
    for _ in range(2):
        body = _post(client, ADMIN, staff.username, "bad").content.decode()
        assert 'name="captcha"' not in body
    third = _post(client, ADMIN, staff.username, "bad")
    body = third.content.decode()
    assert 'name="captcha"' in body and "请计算" in body
    assert 'aria-describedby="id_captcha_helptext"' in body and "<script" not in body.split("</head>")[1]

    # The right password without the captcha's answer does not get through.
    refused = client.post(
        ADMIN, {"username": staff.username, "password": PASSWORD, "captcha": "", "next": "/admin/"}
    )
    assert "_auth_user_id" not in client.session
    assert "验证码" in refused.content.decode()

    answered = _post(client, ADMIN, staff.username, PASSWORD)
    assert answered.status_code == 302 and client.session["_auth_user_id"] == str(staff.pk)


def test_admin_login_locks_at_the_fifth_failure_with_a_chinese_message(client, regions):
    staff = _admin_staff()
    for _ in range(5):
        _post(client, ADMIN, staff.username, "bad")
    locked = _post(client, ADMIN, staff.username, PASSWORD)
    assert locked.status_code == 429
    assert LOCKED in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_admin_and_backoffice_share_one_counter_for_a_staff_member(client, regions):
    staff = _admin_staff()
    for _ in range(3):
        _post(client, BACKOFFICE, staff.username.lower(), "bad")
    for _ in range(2):
        _post(client, ADMIN, staff.username.upper(), "bad")
    assert _post(client, BACKOFFICE, staff.username, PASSWORD).status_code == 429
    assert _post(client, ADMIN, staff.username, PASSWORD).status_code == 429


def test_an_address_that_fails_too_often_is_refused_whatever_accounts_it_tries(client, regions, settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 8
    victims = [MembershipFactory() for _ in range(4)]
    for membership in victims:  # rotating public USCCs: two guesses each, no account near its own limit
        for _ in range(2):
            _post(client, PORTAL, membership.employer.uscc, "bad", REMOTE_ADDR="203.0.113.9")
    refused = client.post(
        PORTAL, {"account": victims[0].employer.uscc, "password": PASSWORD}, REMOTE_ADDR="203.0.113.9"
    )
    assert refused.status_code == 429
    assert "该网络地址登录失败次数过多" in refused.content.decode()
    assert "_auth_user_id" not in client.session

    # The employers themselves are not locked: from their own network they log in at once.
    other = Client().post(
        PORTAL, {"account": victims[1].employer.uscc, "password": PASSWORD}, REMOTE_ADDR="198.51.100.7"
    )
    assert other.status_code == 302


def test_the_address_limit_also_guards_the_backoffice_and_admin(client, regions, settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 3
    staff = _admin_staff()
    for name in ["a1", "a2", "a3"]:
        client.post(BACKOFFICE, {"account": name, "password": "bad"}, REMOTE_ADDR="203.0.113.10")
    for url, data in [
        (BACKOFFICE, {"account": staff.username, "password": PASSWORD}),
        (ADMIN, {"username": staff.username, "password": PASSWORD, "next": "/admin/"}),
    ]:
        response = client.post(url, data, REMOTE_ADDR="203.0.113.10")
        assert response.status_code == 429, url
        assert "该网络地址登录失败次数过多" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_ipv6_addresses_of_one_network_share_the_address_counter(client, regions, settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 3
    for host in ["1", "2", "3"]:
        client.post(PORTAL, {"account": "x" + host, "password": "bad"}, REMOTE_ADDR=f"2001:db8:1:2::{host}")
    response = client.post(PORTAL, {"account": "x4", "password": "bad"}, REMOTE_ADDR="2001:db8:1:2::99")
    assert response.status_code == 429


def test_the_address_window_slides(client, regions, settings, frozen_clock):
    import re
    from datetime import timedelta

    # The shared limiter (anbili.core.ratelimit) reads time.time on each use: the frozen clock moves it.
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 3

    def attempt(name: str):
        return client.post(PORTAL, {"account": name, "password": "bad"}, REMOTE_ADDR="203.0.113.11")

    for name in ["b1", "b2", "b3"]:
        attempt(name)
    assert attempt("b4").status_code == 429
    frozen_clock.shift(timedelta(minutes=30))
    refused = attempt("b5")
    assert refused.status_code == 429
    minutes = int(re.search(r"请于(\d+)分钟后再试", refused.content.decode()).group(1))
    # Until the failures leave the hour: at most one 5-minute bucket (1/12 of the window) longer.
    assert 30 <= minutes <= 35
    frozen_clock.shift(timedelta(minutes=settings.LOGIN_ADDRESS_WINDOW_MINUTES - 30, seconds=-1))
    assert attempt("b6").status_code == 429  # every failure of the last hour still counts
    frozen_clock.shift(timedelta(minutes=minutes + 30 - settings.LOGIN_ADDRESS_WINDOW_MINUTES, seconds=1))
    assert attempt("b7").status_code == 400  # the wait it named was enough


def test_the_address_counter_is_shared_through_redis(client, regions, settings):
    """With the production cache (Redis), failures counted by one process are seen by every other one."""
    import redis

    from anbili.accounts.lockout import address_blocked_minutes, address_failure_add

    try:
        redis.Redis(host="127.0.0.1", port=6379, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis at 127.0.0.1:6379")
    prefix = f"t{uuid.uuid4().hex}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/0",
            "KEY_PREFIX": prefix,
        }
    }
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 3
    for name in ["c1", "c2"]:
        client.post(PORTAL, {"account": name, "password": "bad"}, REMOTE_ADDR="203.0.113.12")
    raw = redis.Redis(host="127.0.0.1", port=6379)
    keys = raw.keys(f"{prefix}:*")
    # The counts are in Redis, where every web process reads them, not in this process's memory.
    assert keys and sum(int(raw.get(key) or 0) for key in keys) == 2
    address_failure_add("203.0.113.12")  # a failure counted by "another process"
    assert address_blocked_minutes("203.0.113.12") > 0
    response = client.post(PORTAL, {"account": "c3", "password": PASSWORD}, REMOTE_ADDR="203.0.113.12")
    assert response.status_code == 429
    raw.delete(*raw.keys(f"{prefix}:*"))
