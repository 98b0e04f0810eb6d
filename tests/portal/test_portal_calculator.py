"""残保金计算器 pages: public at /calculator/, prefilled in the portal; same template and view code."""

import re
from decimal import Decimal

import pytest
from django.utils import timezone

from anbili.web.decorators import NOTICE_SESSION_KEY
from tests.factories import MembershipFactory, UnitYearProfileFactory

# Dates ("today", the business year) come from a frozen clock, not from when the suite runs.
pytestmark = pytest.mark.usefixtures("frozen_clock")

PUBLIC = "/calculator/"
PORTAL = "/portal/calculator/"


def _query(**changes):
    data = {
        "province": "150000",
        "year": "2025",
        "unit_nature": "enterprise",
        "employees": "200",
        "average_monthly_wage": "5000",
        "persons": "1",
        "months": "12",
        "severe_persons": "0",
        "severe_months": "12",
        "social_average_wage": "",
        "ratio": "",
    }
    data.update(changes)
    return data


@pytest.mark.django_db
def test_public_page_without_login(client, regions):
    response = client.get(PUBLIC)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1" in html and "残保金计算器" in html
    assert 'role="status" aria-live="polite"' in html
    assert '<option value="150000">内蒙古自治区</option>' in html
    assert f'name="year" value="{timezone.localdate().year - 1}"' in html
    assert "计算结果" not in html


@pytest.mark.django_db
def test_entry_page_links_the_calculator(client):
    assert 'href="/calculator/"' in client.get("/").content.decode()


@pytest.mark.django_db
def test_computes_and_explains_every_output(client, regions):
    response = client.get(PUBLIC, _query())
    assert response.status_code == 200
    html = response.content.decode()
    # 200 staff, 5000 a month, 1 person all year: P/N = 0.5% → 90% of (3 − 1) × 60000
    estimate = response.context["estimate"]
    assert (estimate.payable, estimate.base, estimate.factor_text) == (
        Decimal("108000.00"),
        Decimal("120000.00"),
        "0.9",
    )
    assert re.search(r'data-testid="payable">108000.00 元', html)
    assert re.search(r'data-testid="saving">54000.00 元', html)
    assert "2 名残疾人，或 1 名重度残疾人" in html
    assert "<caption>计算过程（每一步使用的数值）</caption>" in html
    assert "月平均工资 × 12 = 5000.00 × 12" in html
    assert "安置人月数（重度残疾人按 2 倍计）÷ 12 = 12 ÷ 12" in html
    assert "计算完成：预计应缴纳残保金 108000.00 元" in html


@pytest.mark.django_db
def test_severe_persons_count_twice(client, regions):
    response = client.get(PUBLIC, _query(persons="0", severe_persons="1", severe_months="12"))
    estimate = response.context["estimate"]
    assert estimate.input.placed_person_months == 24
    assert str(estimate.payable) == "30000.00"  # P = 2 → 1% → 50% of 60000


@pytest.mark.django_db
def test_bad_input_is_explained_at_each_field(client, regions):
    response = client.get(PUBLIC, _query(employees="-3", average_monthly_wage="", months="13", ratio="0.01"))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["average_monthly_wage"] == ["请填写「单位月平均工资（元）」"]
    assert errors["months"] == ["「安置月数」应在 0 至 12 之间"]
    # Number formats are the API parser's: the second pass names them too.
    response = client.get(PUBLIC, _query(employees="-3", ratio="0.01"))
    errors = response.context["form"].errors
    assert "不带正负号" in errors["employees"][0] and "不得低于 0.015" in errors["ratio"][0]
    assert "输入有误，共 2 项" in response.content.decode()


@pytest.mark.django_db
def test_missing_policy_is_a_message_not_a_crash(client, regions):
    response = client.get(PUBLIC, _query(province="710000"))
    assert response.status_code == 400
    assert "未配置 台湾省 2025年" in response.context["form"].errors["province"][0]


@pytest.mark.django_db
def test_htmx_request_gets_the_panel_and_the_live_summary(client, regions):
    response = client.get(PUBLIC, _query(), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert (
        '<div id="calculator-status" hx-swap-oob="innerHTML">计算完成：预计应缴纳残保金 108000.00 元' in html
    )
    assert 'id="calculator-panel"' in html
    errors = client.get(PUBLIC, _query(employees="x"), HTTP_HX_REQUEST="true")
    assert errors.status_code == 200  # htmx swaps only 2xx: the panel carries the messages
    assert "输入有误" in errors.content.decode()


@pytest.mark.django_db
def test_portal_page_is_prefilled_from_the_unit(client, regions):
    membership = MembershipFactory()
    year = timezone.localdate().year - 1
    UnitYearProfileFactory(employer=membership.employer, business_year=year, employee_count=388)
    client.force_login(membership.user, backend="anbili.accounts.backends.AccountBackend")
    session = client.session
    session["current_employer_id"] = membership.employer_id
    session[NOTICE_SESSION_KEY] = True
    session.save()
    response = client.get(PORTAL)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="employees" value="388"' in html
    assert '<option value="150000" selected>内蒙古自治区</option>' in html
    assert '<option value="enterprise" selected>企业</option>' in html
    assert "上年度职工数（388 人）" in html
    assert 'aria-current="page">残保金计算器' in html
    computed = client.get(PORTAL, _query(employees="388"))
    assert computed.context["estimate"] is not None


@pytest.mark.django_db
def test_portal_page_needs_a_login(client, regions):
    assert client.get(PORTAL)["Location"] == f"/portal/login/?next={PORTAL}"
