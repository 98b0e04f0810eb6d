"""残保金计算器 pages: public at /calculator/, prefilled in the portal; same template and view code."""

import re
from decimal import Decimal
from fractions import Fraction

import pytest
from django.utils import timezone

from anbili.employers.levy import FIELD_LABELS
from anbili.placements import services
from anbili.web.decorators import NOTICE_SESSION_KEY
from tests.factories import MembershipFactory, UnitYearProfileFactory
from tests.placements.placement_data import TODAY, YEAR, new_id_number, ready_draft, registry_person

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
        "employee_months": "",
        "average_monthly_wage": "5000",
        "average_annual_wage": "",
        "placed_person_months": "12",
        "social_average_wage": "",
        "ratio": "",
    }
    data.update(changes)
    return data


def _portal_login(client, membership):
    client.force_login(membership.user, backend="anbili.accounts.backends.AccountBackend")
    session = client.session
    session["current_employer_id"] = membership.employer_id
    session[NOTICE_SESSION_KEY] = True
    session.save()


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
    assert re.search(r'data-testid="payable">108,000.00 元', html)
    assert re.search(r'data-testid="saving">54,000.00 元', html)
    assert "2 名残疾人，或 1 名重度残疾人" in html
    assert "<caption>计算过程（每一步使用的数值）</caption>" in html
    assert "月平均工资 × 12 = 5000.00 × 12" in html
    assert "安置人月数（重度残疾人按 2 倍计）÷ 12 = 12 ÷ 12" in html
    assert "计算完成：预计应缴纳残保金 108,000.00 元" in html


@pytest.mark.django_db
def test_check_value_e1_is_reproduced_on_the_page(client, regions):
    """rules.md §3: N = 388/12, r = 1.5%, P = 0, W = 36,292.00 → base 17,601.62, payable 15,841.46. The
    headcount is exact as the sum of the monthly headcounts; the wage is the annual average as given."""
    response = client.get(
        PUBLIC,
        _query(
            employees="",
            employee_months="388",
            average_monthly_wage="",
            average_annual_wage="36,292.00",
            placed_person_months="0",
        ),
    )
    assert response.status_code == 200, response.context["form"].errors
    html = response.content.decode()
    assert 'data-testid="base">17,601.62 元' in html
    assert 'data-testid="payable">15,841.46 元' in html
    assert "Σ 各月在职职工人数 ÷ 12 = 388 ÷ 12" in html
    assert "按填写的年平均工资 36292.00" in html


@pytest.mark.django_db
def test_headcount_takes_decimals_and_fullwidth_digits(client, regions):
    # 32.5 staff, 3024.33 a month: 0.4875 short × 36291.96 = 17692.33, × 90%.
    response = client.get(
        PUBLIC, _query(employees="３２.５", average_monthly_wage="3024.33", placed_person_months="0")
    )
    assert response.status_code == 200, response.context["form"].errors
    estimate = response.context["estimate"]
    assert estimate.result.headcount == Fraction(65, 2)
    assert estimate.base == Decimal("17692.33")
    assert "按填写的年平均在职职工人数 32.5" in response.content.decode()


@pytest.mark.django_db
def test_labels_are_the_names_the_messages_use(client, regions):
    form = client.get(PUBLIC).context["form"]
    for key in ("employees", "employee_months", "average_monthly_wage", "average_annual_wage"):
        assert form.fields[key].label == FIELD_LABELS[key]
    for key in ("placed_person_months", "social_average_wage", "ratio", "year", "unit_nature"):
        assert form.fields[key].label == FIELD_LABELS[key]
    html = client.get(PUBLIC).content.decode()
    # The old page labelled the annual average "单位员工数" and asked persons × months, not person-months.
    assert "安置残疾人数（非重度）" not in html and "人数 × 月数" not in html
    assert "以下两项填写其中一项" in html
    # Examples belong to their fields: each field's hint is the one describing it.
    assert "例如 388" in str(form["employee_months"].help_text)
    assert "例如 36292.00" in str(form["average_annual_wage"].help_text)
    assert "例如 1 人安置全年为 12" in str(form["placed_person_months"].help_text)
    # Both or neither of a pair: the message names the two fields as labelled.
    both = client.get(PUBLIC, _query(employee_months="2400")).context["form"].errors
    assert both["employees"] == ["「年平均在职职工人数」与「各月在职职工人数之和」只能填写其中一项"]
    assert both["employee_months"] == both["employees"]
    neither = client.get(PUBLIC, _query(average_monthly_wage="")).context["form"].errors
    assert neither["average_monthly_wage"] == ["请填写「单位月平均工资」或「单位年平均工资」其中一项"]


@pytest.mark.django_db
def test_bad_input_is_explained_at_each_field_at_once(client, regions):
    response = client.get(
        PUBLIC,
        _query(
            unit_nature="", employees="-3", average_monthly_wage="", placed_person_months="", ratio="0.01"
        ),
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    # The form's own checks and the levy parser's, in one answer.
    assert errors["unit_nature"] == ["请选择「单位性质」"]
    assert "不带正负号" in errors["employees"][0]
    assert errors["average_monthly_wage"] == ["请填写「单位月平均工资」或「单位年平均工资」其中一项"]
    assert errors["placed_person_months"][0].startswith("请填写「安置人月数」")
    assert "不得低于 0.015" in errors["ratio"][0]
    assert "输入有误，共 5 项" in response.content.decode()
    hidden = client.get(PUBLIC, _query(employees="20\u200b0")).context["form"].errors
    assert hidden["employees"] == ["「年平均在职职工人数」第3个字符处含有不可见字符，请删除后重新输入"]


@pytest.mark.django_db
def test_an_exempt_unit_is_not_told_how_many_persons_it_still_needs(client, regions):
    response = client.get(PUBLIC, _query(employees="25", placed_person_months="0"))
    assert response.status_code == 200
    estimate = response.context["estimate"]
    assert estimate.exempt and estimate.payable == Decimal("0.00")
    html = response.content.decode()
    assert "还需安置" not in html and "persons-needed" not in html
    assert "暂免征收" in html
    # A unit that pays is told.
    assert "达到规定比例还需安置" in client.get(PUBLIC, _query()).content.decode()


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
        '<div id="calculator-status" hx-swap-oob="innerHTML">计算完成：预计应缴纳残保金 108,000.00 元' in html
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
    _portal_login(client, membership)
    response = client.get(PORTAL)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="employees" value="388"' in html
    assert '<option value="150000" selected>内蒙古自治区</option>' in html
    assert '<option value="enterprise" selected>企业</option>' in html
    assert "上年度职工数（388 人）" in html
    assert 'aria-current="page">残保金计算器' in html
    assert 'name="placed_person_months" value="0"' in html
    assert "已核定的安置人月数（0 个月" in html
    computed = client.get(PORTAL, _query(employees="388"))
    assert computed.context["estimate"] is not None


@pytest.mark.django_db
def test_portal_page_prefills_the_placed_person_months_from_the_placements(client, regions, settings):
    """安置核定 of the business year: a severe person confirmed all year counts 24, a draft nothing, another
    unit's placements nothing."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    membership = MembershipFactory()
    employer, user = membership.employer, membership.user
    UnitYearProfileFactory(employer=employer, business_year=YEAR, employee_count=200)
    severe = new_id_number()
    registry_person(severe, name="施嵘", payer=employer.uscc, level=2)
    confirmed = ready_draft(employer, user, severe)
    services.placement_months_save(
        placement_id=confirmed.pk, employer=employer, actor=user, today=TODAY, months=[], evidence=None
    )
    draft = new_id_number()
    registry_person(draft, name="景晓东", payer=employer.uscc, months=range(1, 7))
    ready_draft(employer, user, draft)
    other = MembershipFactory()
    UnitYearProfileFactory(employer=other.employer, business_year=YEAR)
    other_person = new_id_number()
    registry_person(other_person, payer=other.employer.uscc)
    services.placement_months_save(
        placement_id=ready_draft(other.employer, other.user, other_person).pk,
        employer=other.employer,
        actor=other.user,
        today=TODAY,
        months=[],
        evidence=None,
    )
    _portal_login(client, membership)
    html = client.get(PORTAL).content.decode()
    assert 'name="placed_person_months" value="24"' in html
    assert f"{YEAR} 业务年度已核定的安置人月数（24 个月，重度残疾人已按 2 倍计）" in html


@pytest.mark.django_db
def test_portal_page_needs_a_login(client, regions):
    assert client.get(PORTAL)["Location"] == f"/portal/login/?next={PORTAL}"
