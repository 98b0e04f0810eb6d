"""Registration, agents, passwords, unit switching, menus and access through the real views and database."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from anbili.accounts.models import AccountKind, Membership, MembershipRole, StaffRole, User
from anbili.core.identifiers import make_id_number, make_uscc
from anbili.employers.models import Employer
from anbili.web.decorators import NOTICE_SESSION_KEY
from tests.factories import PASSWORD, AgentMembershipFactory, MembershipFactory, StaffFactory, region

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]


def _portal_login(client, membership, confirm_notice=True):
    client.force_login(membership.user, backend="anbili.accounts.backends.AccountBackend")
    session = client.session
    session["current_employer_id"] = membership.employer_id
    if confirm_notice:
        session[NOTICE_SESSION_KEY] = True
    session.save()


def _register_data(**overrides):
    from datetime import date

    data = {
        "uscc": make_uscc("91150102MA0XYK123"),
        "unit_name": "呼和浩特市测试有限公司",
        "nature": "enterprise",
        "region_code": "150102",
        "legal_person_name": "测试法人",
        "legal_person_id_number": make_id_number("150102", date(1985, 3, 4), 11),
        "phone": "13800000001",
        "password": "Good@Pass2026",
        "password2": "Good@Pass2026",
    }
    data.update(overrides)
    return data


def test_register_creates_unit_and_legal_person_who_can_log_in(client, regions):
    data = _register_data()
    response = client.post("/portal/register/", data)
    assert response.status_code == 302
    employer = Employer.objects.get(uscc=data["uscc"])
    membership = Membership.objects.get(employer=employer)
    assert membership.role == MembershipRole.LEGAL_PERSON
    assert membership.user.kind == AccountKind.LEGAL_PERSON
    assert membership.user.username == data["legal_person_id_number"]
    login = client.post("/portal/login/", {"account": data["uscc"], "password": data["password"]})
    assert login.status_code == 302


@pytest.mark.parametrize(
    ("overrides", "field_message"),
    [
        ({"uscc": "91350100M000100Y44"}, "校验码"),
        ({"uscc": "91350100M000100Y4"}, "18"),
        ({"legal_person_id_number": "11010519491231002Y"}, "身份证号"),
        ({"password2": "Other@Pass2026"}, "两次输入的密码不一致"),
        ({"password": "12345678", "password2": "12345678"}, "密码"),
        ({"region_code": "999999"}, "选择"),
        ({"unit_name": ""}, "必填"),
    ],
)
def test_register_refuses_bad_input_with_a_chinese_message_and_saves_nothing(
    client, regions, overrides, field_message
):
    response = client.post("/portal/register/", _register_data(**overrides))
    assert response.status_code == 400
    assert field_message in response.content.decode()
    assert not Employer.objects.exists()
    assert not User.objects.exists()


def test_register_twice_is_refused(client, regions):
    client.post("/portal/register/", _register_data())
    second = client.post("/portal/register/", _register_data())
    assert "该统一社会信用代码已注册" in second.content.decode()
    assert Employer.objects.count() == 1


def test_legal_person_creates_agent_with_period_and_agent_logs_in(client, regions):
    membership = MembershipFactory()
    _portal_login(client, membership)
    today = timezone.localdate()
    response = client.post(
        "/portal/account/agents/",
        {
            "username": "hr_clerk",
            "full_name": "人事专员",
            "phone": "13700000000",
            "valid_from": today.isoformat(),
            "valid_until": (today + timedelta(days=90)).isoformat(),
            "password": "Agent@Pass2026",
        },
    )
    assert response.status_code == 302
    agent = Membership.objects.get(user__username="hr_clerk")
    assert agent.role == MembershipRole.AGENT and agent.employer_id == membership.employer_id
    assert agent.valid_until == today + timedelta(days=90) and agent.created_by == membership.user
    client.logout()
    assert (
        client.post("/portal/login/", {"account": "hr_clerk", "password": "Agent@Pass2026"}).status_code
        == 302
    )


def test_agent_period_that_ends_before_it_starts_is_refused(client, regions):
    membership = MembershipFactory()
    _portal_login(client, membership)
    today = timezone.localdate()
    response = client.post(
        "/portal/account/agents/",
        {
            "username": "hr_clerk",
            "full_name": "人事专员",
            "phone": "13700000000",
            "valid_from": today.isoformat(),
            "valid_until": (today - timedelta(days=1)).isoformat(),
            "password": "Agent@Pass2026",
        },
    )
    assert response.status_code == 400
    assert "授权截止日期不能早于授权开始日期" in response.content.decode()
    assert not User.objects.filter(username="hr_clerk").exists()


def test_agent_cannot_manage_agents_and_legal_person_cannot_edit_another_units_agent(client, regions):
    agent = AgentMembershipFactory()
    _portal_login(client, agent)
    assert client.get("/portal/account/agents/").status_code == 404

    other_agent = AgentMembershipFactory()
    mine = MembershipFactory()
    _portal_login(client, mine)
    assert client.get(f"/portal/account/agents/{other_agent.pk}/").status_code == 404


def test_legal_person_ends_an_agents_authorisation(client, regions):
    agent = AgentMembershipFactory()
    legal = MembershipFactory(employer=agent.employer)
    _portal_login(client, legal)
    yesterday = timezone.localdate() - timedelta(days=1)
    response = client.post(
        f"/portal/account/agents/{agent.pk}/",
        {"valid_from": (yesterday - timedelta(days=10)).isoformat(), "valid_until": yesterday.isoformat()},
    )
    assert response.status_code == 302
    agent.refresh_from_db()
    assert agent.valid_until == yesterday


def test_unit_switch_only_to_own_units(client, regions):
    first = MembershipFactory()
    second = MembershipFactory(user=first.user, is_default=False)
    stranger = MembershipFactory()
    _portal_login(client, first)
    client.post("/portal/unit/switch/", {"employer_id": second.employer_id})
    assert client.session["current_employer_id"] == second.employer_id
    response = client.post("/portal/unit/switch/", {"employer_id": stranger.employer_id}, follow=True)
    assert client.session["current_employer_id"] == second.employer_id
    assert "您无权以该单位身份办理业务" in response.content.decode()


def test_special_notice_must_be_confirmed_before_other_pages(client, regions):
    membership = MembershipFactory()
    _portal_login(client, membership, confirm_notice=False)
    home = client.get("/portal/")
    assert "特别提示" in home.content.decode()
    response = client.get("/portal/account/password/")
    # Sent to the notice on the home page, which then goes on to the page asked for.
    assert response.status_code == 302
    assert response.url == reverse("portal:home") + "?next=/portal/account/password/"
    client.post("/portal/special-notice/")
    assert "特别提示" not in client.get("/portal/").content.decode()
    assert client.get("/portal/account/password/").status_code == 200


def test_password_change(client, regions):
    membership = MembershipFactory()
    _portal_login(client, membership)
    wrong = client.post(
        "/portal/account/password/",
        {"old_password": "nope", "new_password": "New@Pass2026", "new_password2": "New@Pass2026"},
    )
    assert "原密码不正确" in wrong.content.decode()
    ok = client.post(
        "/portal/account/password/",
        {"old_password": PASSWORD, "new_password": "New@Pass2026", "new_password2": "New@Pass2026"},
    )
    assert ok.status_code == 302
    membership.user.refresh_from_db()
    assert membership.user.check_password("New@Pass2026")
    assert client.get("/portal/").status_code == 200  # the session survives the change


def test_menus_list_only_pages_that_exist(client, regions):
    membership = MembershipFactory()
    _portal_login(client, membership)
    body = client.get("/portal/").content.decode()
    assert 'aria-label="主菜单"' in body and ">首页</a>" in body
    assert ">残疾人安置管理</a>" in body  # the menu entry appears once its page exists
    assert ">超比例奖励申请</a>" not in body  # no such page yet
    admin = StaffFactory(staff_role=StaffRole.ADMIN, region=region("150000"))
    client.force_login(admin, backend="anbili.accounts.backends.AccountBackend")
    body = client.get("/backoffice/").content.decode()
    assert ">系统管理</a>" in body and ">安置登记审核</a>" in body
    assert "年审认证审核" not in body  # the declaration issue's page, not built yet
    # 系统管理 is the system admins' only (issue 11).
    client.force_login(StaffFactory(), backend="anbili.accounts.backends.AccountBackend")
    assert ">系统管理</a>" not in client.get("/backoffice/").content.decode()


@pytest.mark.parametrize("url", ["/portal/", "/portal/account/agents/", "/portal/account/password/"])
def test_portal_pages_send_anonymous_users_to_login_and_staff_to_backoffice(client, regions, url):
    response = client.get(url)
    assert response.status_code == 302 and response.url.startswith("/portal/login/")
    client.force_login(StaffFactory(), backend="anbili.accounts.backends.AccountBackend")
    response = client.get(url)
    assert response.status_code == 302 and response.url == reverse("backoffice:home")


@pytest.mark.parametrize("url", ["/backoffice/", "/backoffice/system/", "/backoffice/password/"])
def test_backoffice_refuses_employer_users_with_404(client, regions, url):
    assert client.get(url).status_code == 302
    _portal_login(client, MembershipFactory())
    assert client.get(url).status_code == 404


def test_system_admin_edits_policy_tables_in_admin_and_reviewer_cannot(client, regions):
    from anbili.accounts.services import staff_create

    admin = staff_create(
        username="prov_admin",
        full_name="管理员",
        role="admin",
        region_code="150000",
        password="Admin@Pass2026",
    )
    client.force_login(admin, backend="anbili.accounts.backends.AccountBackend")
    assert client.get("/admin/regions/quotaratio/").status_code == 200
    assert client.get("/admin/regions/minimumwage/add/").status_code == 200
    reviewer = StaffFactory()
    client.force_login(reviewer, backend="anbili.accounts.backends.AccountBackend")
    assert client.get("/admin/regions/quotaratio/").status_code == 302  # not admin staff: sent to admin login


def test_pages_carry_security_headers(client, regions):
    response = client.get("/portal/login/")
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"


def test_seed_demo_is_idempotent(regions):
    from django.core.management import call_command

    from anbili.employers.models import RelatedUnit
    from anbili.registry.models import ImportBatch, PensionMonth, RegistryPerson, WageMonth

    def counted():
        return (
            User.objects.count(),
            Employer.objects.count(),
            Membership.objects.count(),
            RelatedUnit.objects.count(),
            ImportBatch.objects.count(),
            RegistryPerson.objects.count(),
            WageMonth.objects.count(),
            PensionMonth.objects.count(),
        )

    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    counts = counted()
    hashes = list(User.objects.order_by("pk").values_list("password", flat=True))
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert counts == counted()
    assert hashes == list(User.objects.order_by("pk").values_list("password", flat=True))
    assert counts[1] == 5  # four declaring units and one dispatch company
    legal = User.objects.get(full_name="张文磊")
    assert legal.memberships.count() == 2
    regional_staff = User.objects.filter(kind=AccountKind.STAFF, region__isnull=False)
    assert regional_staff.values("region__level").distinct().count() == 3
    assert User.objects.filter(kind=AccountKind.STAFF, region__isnull=True).count() == 1  # the national admin
    # Registry mirrors: 14 batches (7 files × 2 provinces), 46 persons, monthly rows at every demo employer.
    assert counts[4:6] == (14, 46)
    assert (
        WageMonth.objects.filter(month__range=(202501, 202512)).values("payer_uscc").distinct().count() >= 4
    )
    assert {legal.memberships.first().employer.uscc} <= set(
        WageMonth.objects.values_list("payer_uscc", flat=True)
    )


def test_agent_form_prefills_dates_in_the_format_date_inputs_read(client, regions):
    _portal_login(client, MembershipFactory())
    body = client.get("/portal/account/agents/").content.decode()
    assert f'type="date" name="valid_from" value="{timezone.localdate().isoformat()}"' in body


def test_error_pages_speak_chinese(regions):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    missing = client.get("/portal/no-such-page/")
    assert missing.status_code == 404 and "页面不存在" in missing.content.decode()
    stale = client.post("/portal/login/", {"account": "x", "password": "y"})
    assert stale.status_code == 403 and "页面已过期" in stale.content.decode()


def test_superuser_sees_accounts_and_employers_in_admin(admin_client, regions):
    membership = MembershipFactory()
    assert membership.employer.uscc in admin_client.get("/admin/employers/employer/").content.decode()
    assert admin_client.get(f"/admin/accounts/user/{membership.user.pk}/change/").status_code == 200
    assert admin_client.get("/admin/accounts/membership/").status_code == 200
