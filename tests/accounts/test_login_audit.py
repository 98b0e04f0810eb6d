"""Logins, failures and logouts through every front door are written to the audit log, with the typed account
masked (issue #10 item 5)."""

import uuid

import pytest

from anbili.accounts.captcha import SESSION_KEY
from anbili.accounts.models import StaffRole
from anbili.audit.models import AuditAction, AuditEntry
from tests.accounts.test_oidc_flow import provider  # noqa: F401  (the fake provincial SSO)
from tests.factories import PASSWORD, AgentMembershipFactory, MembershipFactory, StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache(settings):
    # The per-address counter lives in the cache, which outlives a test's database transaction: each test
    # counts under its own key prefix (and a CACHE_URL pointing at a shared Redis is never flushed).
    settings.CACHES = {
        alias: {**config, "KEY_PREFIX": f"t{uuid.uuid4().hex}"} for alias, config in settings.CACHES.items()
    }


def _rows(action):
    return list(AuditEntry.objects.filter(action=action).order_by("id"))


def test_portal_login_failure_and_logout_are_audited_with_the_account_masked(client, regions):
    membership = MembershipFactory()
    uscc = membership.employer.uscc
    client.post("/portal/login/", {"account": uscc, "password": "bad"}, REMOTE_ADDR="203.0.113.5")
    [failed] = _rows(AuditAction.LOGIN_FAILED)
    assert failed.detail["front"] == "portal" and failed.detail["reason"] == "credentials"
    assert failed.detail["account"] == uscc[:6] + "*" * 8 + uscc[-4:]
    assert failed.actor is None and failed.ip == "203.0.113.5"
    assert failed.object_id == str(membership.user.pk)  # the account that was tried

    client.post("/portal/login/", {"account": uscc.lower(), "password": PASSWORD})
    [login] = _rows(AuditAction.LOGIN)
    assert login.actor == membership.user and login.detail["front"] == "portal"
    assert uscc not in str(login.detail) and membership.user.id_number not in login.actor_label

    client.post("/portal/logout/")
    [logout] = _rows(AuditAction.LOGOUT)
    assert logout.actor == membership.user and logout.detail["front"] == "portal"


def test_an_id_number_or_password_typed_as_the_account_is_not_stored_whole(client, regions):
    membership = MembershipFactory()
    secret = "MyS3cretPassw0rd!"
    for typed in [membership.user.id_number, secret]:
        client.post("/portal/login/", {"account": typed, "password": "bad"})
    stored = " ".join(str(row.__dict__) for row in AuditEntry.objects.all())
    assert membership.user.id_number not in stored and secret not in stored


def test_agent_login_is_audited(client, regions):
    agent = AgentMembershipFactory().user
    client.post("/portal/login/", {"account": agent.username, "password": PASSWORD})
    [login] = _rows(AuditAction.LOGIN)
    assert login.actor == agent


def test_backoffice_login_failure_and_logout_are_audited_in_the_staff_region(client, regions):
    staff = StaffFactory()
    client.post("/backoffice/login/", {"account": staff.username, "password": "bad"})
    [failed] = _rows(AuditAction.LOGIN_FAILED)
    assert failed.detail["front"] == "backoffice" and failed.region_code == staff.region_id
    client.post("/backoffice/login/", {"account": staff.username, "password": PASSWORD})
    [login] = _rows(AuditAction.LOGIN)
    assert (
        login.actor == staff
        and login.detail["front"] == "backoffice"
        and login.region_code == staff.region_id
    )
    client.post("/backoffice/logout/")
    assert _rows(AuditAction.LOGOUT)[0].actor == staff


def test_admin_login_failure_and_logout_are_audited(client, regions):
    staff = StaffFactory(staff_role=StaffRole.ADMIN, is_staff=True)
    client.post("/admin/login/", {"username": staff.username, "password": "bad", "next": "/admin/"})
    [failed] = _rows(AuditAction.LOGIN_FAILED)
    assert failed.detail["front"] == "admin" and failed.detail["reason"] == "credentials"
    client.post("/admin/login/", {"username": staff.username, "password": PASSWORD, "next": "/admin/"})
    [login] = _rows(AuditAction.LOGIN)
    assert login.actor == staff and login.detail["front"] == "admin"
    client.post("/admin/logout/")
    [logout] = _rows(AuditAction.LOGOUT)
    assert logout.actor == staff and logout.detail["front"] == "admin"


def test_refusals_before_the_password_check_are_audited_with_their_reason(client, regions, settings):
    membership = MembershipFactory()
    uscc = membership.employer.uscc
    for _ in range(3):
        client.post("/portal/login/", {"account": uscc, "password": "bad"})
    client.post("/portal/login/", {"account": uscc, "password": PASSWORD, "captcha": "99"})
    assert _rows(AuditAction.LOGIN_FAILED)[-1].detail["reason"] == "captcha"
    for _ in range(2):
        client.post(
            "/portal/login/",
            {"account": uscc, "password": "bad", "captcha": client.session.get(SESSION_KEY, "")},
        )
    client.post("/portal/login/", {"account": uscc, "password": PASSWORD})
    assert _rows(AuditAction.LOGIN_FAILED)[-1].detail["reason"] == "locked"

    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 5
    client.post("/portal/login/", {"account": "someone", "password": PASSWORD})
    assert _rows(AuditAction.LOGIN_FAILED)[-1].detail["reason"] == "address_limited"
    assert not _rows(AuditAction.LOGIN)


@pytest.mark.urls("tests.accounts.oidc_urls")
def test_provincial_sso_login_and_refusal_are_audited(client, regions, provider):  # noqa: F811  (the fixture)
    from tests.accounts.test_oidc_flow import _sso

    membership = MembershipFactory()
    _sso(client, provider, membership.user.username)
    [login] = _rows(AuditAction.LOGIN)
    assert login.actor == membership.user and login.detail["front"] == "oidc"
    assert membership.user.id_number not in str(login.detail) + login.actor_label

    client.post("/portal/logout/")
    _sso(client, provider, "110105194912310029")  # no such account: refused
    [failed] = _rows(AuditAction.LOGIN_FAILED)
    assert failed.detail["front"] == "oidc"
