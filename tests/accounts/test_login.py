"""Login, captcha, lock-out and agent expiry through the real views and database."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from anbili.accounts.captcha import SESSION_KEY
from anbili.accounts.services import SESSION_EMPLOYER
from tests.factories import PASSWORD, AgentMembershipFactory, MembershipFactory, StaffFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]

LOGIN = "/portal/login/"


def _post(client, account, password, captcha=None):
    data = {"account": account, "password": password}
    if captcha is not None:
        data["captcha"] = captcha
    return client.post(LOGIN, data)


def test_legal_person_logs_in_with_uscc_and_acts_for_that_unit(client, regions):
    first = MembershipFactory()
    second = MembershipFactory(user=first.user, is_default=False)
    response = _post(client, second.employer.uscc.lower(), PASSWORD)
    assert response.status_code == 302 and response.url == reverse("portal:home")
    assert client.session[SESSION_EMPLOYER] == second.employer_id


def test_wrong_password_is_refused_with_a_message_and_nothing_in_session(client, regions):
    membership = MembershipFactory()
    response = _post(client, membership.employer.uscc, "not-the-password")
    assert response.status_code == 400
    assert "账号或密码错误" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_unknown_account_gets_the_same_message(client, regions):
    response = _post(client, "nobody", PASSWORD)
    assert "账号或密码错误" in response.content.decode()


def test_staff_cannot_log_in_to_the_portal_and_employers_not_to_the_backoffice(client, regions):
    staff = StaffFactory()
    assert "账号或密码错误" in _post(client, staff.username, PASSWORD).content.decode()
    membership = AgentMembershipFactory()
    response = client.post("/backoffice/login/", {"account": membership.user.username, "password": PASSWORD})
    assert "用户名或密码错误" in response.content.decode()


def test_expired_agent_is_told_why(client, regions):
    today = timezone.localdate()
    membership = AgentMembershipFactory(
        valid_from=today - timedelta(days=400), valid_until=today - timedelta(days=1)
    )
    response = _post(client, membership.user.username, PASSWORD)
    body = response.content.decode()
    assert f"经办人授权已于 {(today - timedelta(days=1)).isoformat()} 到期" in body
    assert "_auth_user_id" not in client.session


def test_agent_not_yet_valid_is_told_when(client, regions):
    today = timezone.localdate()
    membership = AgentMembershipFactory(
        valid_from=today + timedelta(days=3), valid_until=today + timedelta(days=30)
    )
    body = _post(client, membership.user.username, PASSWORD).content.decode()
    assert f"经办人授权自 {(today + timedelta(days=3)).isoformat()} 起生效" in body


def test_agent_whose_authorisation_ends_mid_session_is_logged_out(client, regions):
    membership = AgentMembershipFactory()
    assert _post(client, membership.user.username, PASSWORD).status_code == 302
    assert client.get("/portal/").status_code == 200
    membership.valid_until = timezone.localdate() - timedelta(days=1)
    membership.save()
    response = client.get("/portal/")
    assert response.status_code == 302 and response.url == reverse("portal:login")
    assert "_auth_user_id" not in client.session


def test_captcha_from_the_third_failure_and_lockout_at_the_fifth(client, regions, settings):
    membership = MembershipFactory()
    uscc = membership.employer.uscc
    for _ in range(2):
        assert 'name="captcha"' not in _post(client, uscc, "bad").content.decode()
    third = _post(client, uscc, "bad").content.decode()
    assert 'name="captcha"' in third and "请计算" in third

    # Without the captcha's answer even the right password does not get through.
    response = _post(client, uscc, PASSWORD, captcha="")
    assert response.status_code == 400 and "_auth_user_id" not in client.session

    for _ in range(2):
        _post(client, uscc, "bad", captcha=client.session[SESSION_KEY])
    locked = _post(client, uscc, PASSWORD, captcha=client.session.get(SESSION_KEY, ""))
    assert locked.status_code == 429
    assert "账号已被锁定，请于15分钟后再试" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_lock_expires_after_the_cool_off(client, regions):
    from axes.models import AccessAttempt

    membership = MembershipFactory()
    uscc = membership.employer.uscc
    for _ in range(5):
        _post(client, uscc, "bad", captcha=client.session.get(SESSION_KEY, ""))
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    response = _post(client, uscc, PASSWORD)
    assert response.status_code == 302


def test_correct_captcha_and_password_log_in_and_reset_failures(client, regions):
    from anbili.accounts.selectors import login_failures_count

    membership = MembershipFactory()
    uscc = membership.employer.uscc
    for _ in range(3):
        _post(client, uscc, "bad")
    response = _post(client, uscc, PASSWORD, captcha=client.session[SESSION_KEY])
    assert response.status_code == 302
    assert login_failures_count(uscc) == 0


def test_staff_login_and_logout(client, regions):
    staff = StaffFactory()
    response = client.post("/backoffice/login/", {"account": staff.username, "password": PASSWORD})
    assert response.status_code == 302 and response.url == reverse("backoffice:home")
    assert client.get("/backoffice/").status_code == 200
    assert client.post("/backoffice/logout/").status_code == 302
    assert client.get("/backoffice/").status_code == 302
