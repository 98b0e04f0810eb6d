"""Browser journeys of the 残保金计算器, with an axe scan of every page.

The public page is reached from the entry card; the portal page is prefilled from the unit; htmx updates the
result in place and a live region announces it."""

from datetime import date

import pytest
from playwright.sync_api import Page, expect

from anbili.accounts.models import MembershipRole
from anbili.demo.seed import DEMO_PASSWORD
from anbili.employers.models import Employer, UnitYearProfile
from anbili.placements import services
from tests.browser.conftest import shot
from tests.factories import UnitYearProfileFactory
from tests.placements.placement_data import TODAY, YEAR, new_id_number, ready_draft, registry_person

pytestmark = pytest.mark.browser


def _shot(page: Page, name: str) -> None:
    shot(page, f"{name}")


def test_public_calculator_from_the_entry_page(journey, demo):
    page = journey.page
    errors: list[str] = []
    # CSP refusals caused by our own pages and scripts (axe, injected by the test, is not ours).
    page.on(
        "console",
        lambda msg: (
            msg.type == "error"
            and "Content Security Policy" in msg.text
            and "/static/" in msg.location.get("url", "")
            and errors.append(f"{msg.text} @ {msg.location}")
        ),
    )
    journey.goto("/")
    page.get_by_role("link", name="进入残保金计算器").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1)).to_have_text("残保金计算器")
    journey.scan()
    _shot(page, "calculator-public")

    page.get_by_label("省份").select_option(label="内蒙古自治区")
    page.get_by_label("业务年度").fill("2025")
    page.get_by_label("单位性质").select_option(label="企业")
    page.get_by_label("年平均在职职工人数", exact=True).fill("200")
    page.get_by_label("单位月平均工资", exact=True).fill("5000")
    page.get_by_label("安置人月数", exact=True).fill("12")
    page.get_by_role("button", name="计算").click()

    # htmx swaps the panel in place (no navigation) and the live region announces the result.
    status = page.locator("#calculator-status")
    expect(status).to_have_text("计算完成：预计应缴纳残保金 108,000.00 元，预计可节约 54,000.00 元。")
    expect(status).to_have_attribute("aria-live", "polite")
    expect(page.get_by_test_id("payable")).to_have_text("108,000.00 元")
    expect(page.get_by_test_id("saving")).to_have_text("54,000.00 元")
    expect(page.get_by_test_id("factor")).to_have_text("0.9")
    expect(page.get_by_test_id("steps")).to_contain_text("(N × r − P) × 工资 = 2 × 60000.00")
    expect(page.get_by_role("button", name="计算")).to_be_focused()
    assert "employees=200" in page.url  # the result has its own address
    journey.scan()
    _shot(page, "calculator-result")

    # A wrong entry is explained at its field, and announced.
    page.get_by_label("年平均在职职工人数", exact=True).fill("-5")
    page.get_by_role("button", name="计算").click()
    expect(status).to_contain_text("输入有误")
    expect(page.locator("#id_employees_error")).to_contain_text("不带正负号")
    expect(page.get_by_label("年平均在职职工人数", exact=True)).to_have_attribute("aria-invalid", "true")
    journey.scan()
    _shot(page, "calculator-error")
    assert not errors, errors


def test_calculator_works_without_script(browser, live_server, demo):
    context = browser.new_context(java_script_enabled=False, locale="zh-CN")
    page = context.new_page()
    page.goto(live_server.url + "/calculator/")
    page.get_by_label("省份").select_option(label="内蒙古自治区")
    page.get_by_label("单位性质").select_option(label="企业")
    page.get_by_label("年平均在职职工人数", exact=True).fill("32.3333")
    page.get_by_label("单位月平均工资", exact=True).fill("3024.33")
    page.get_by_role("button", name="计算").click()
    page.wait_for_load_state()
    assert "/calculator/?" in page.url
    expect(page.get_by_role("heading", name="计算结果")).to_be_visible()
    expect(page.get_by_test_id("steps")).to_contain_text("按填写的年平均在职职工人数 32.3333")
    context.close()


def test_portal_calculator_is_prefilled(journey, demo, settings):
    employer = Employer.objects.get(name="呼和浩特市青城电子科技有限公司")
    UnitYearProfile.objects.filter(employer=employer, business_year=YEAR).delete()  # the demo's own
    UnitYearProfileFactory(employer=employer, business_year=YEAR, employee_count=388)
    # One severe person confirmed all year: 安置核定 24 person-months.
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    user = employer.memberships.get(role=MembershipRole.LEGAL_PERSON).user
    severe = new_id_number(date(1979, 7, 7))
    registry_person(severe, name="施嵘", payer=employer.uscc, level=2)
    placement = ready_draft(employer, user, severe)
    services.placement_months_save(
        placement_id=placement.pk, employer=employer, actor=user, today=TODAY, months=[], evidence=None
    )
    page = journey.page
    journey.goto("/portal/login/")
    page.get_by_label("统一社会信用代码或经办人账号").fill(employer.uscc)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_label("密码").press("Enter")
    page.wait_for_load_state()
    page.get_by_role("button", name="确认").click()
    page.wait_for_load_state()
    journey.scan()
    page.get_by_role("navigation", name="主菜单").get_by_role("link", name="残保金计算器").click()
    page.wait_for_load_state()
    expect(page.get_by_test_id("prefilled")).to_contain_text("上年度职工数（388 人）")
    expect(page.get_by_label("年平均在职职工人数", exact=True)).to_have_value("388")
    expect(page.get_by_label("省份")).to_have_value("150000")
    # 安置核定 of the unit's placements (a severe person counting twice), read from the placements.
    expect(page.get_by_label("安置人月数", exact=True)).to_have_value("24")
    expect(page.get_by_test_id("prefilled")).to_contain_text("已核定的安置人月数（24 个月")
    journey.scan()
    page.get_by_label("单位月平均工资", exact=True).fill("3024.33")
    page.get_by_role("button", name="计算").click()
    expect(page.get_by_test_id("payable")).to_contain_text("元")
    journey.scan()
    _shot(page, "calculator-portal")


def test_check_value_e1_on_the_page(journey, demo):
    """rules.md §3's check value typed as a clerk would: the twelve monthly headcounts summed (388, so that
    N = 388/12 exactly) and the annual average wage; the page reads 15,841.46."""
    page = journey.page
    journey.goto("/calculator/")
    page.get_by_label("省份").select_option(label="内蒙古自治区")
    page.get_by_label("业务年度").fill("2025")
    page.get_by_label("单位性质").select_option(label="企业")
    page.get_by_label("各月在职职工人数之和", exact=True).fill("388")
    page.get_by_label("单位年平均工资", exact=True).fill("36292.00")
    page.get_by_label("安置人月数", exact=True).fill("0")
    page.get_by_role("button", name="计算").click()
    expect(page.get_by_test_id("payable")).to_have_text("15,841.46 元")
    expect(page.get_by_test_id("base")).to_have_text("17,601.62 元")
    expect(page.get_by_test_id("steps")).to_contain_text("Σ 各月在职职工人数 ÷ 12 = 388 ÷ 12")
    expect(page.locator("#calculator-status")).to_contain_text("15,841.46")
    journey.scan()
    _shot(page, "calculator-e1")

    # Both of a pair is refused at both fields, naming them as labelled.
    page.get_by_label("年平均在职职工人数", exact=True).fill("32.33")
    page.get_by_role("button", name="计算").click()
    expect(page.locator("#id_employee_months_error")).to_have_text(
        "「年平均在职职工人数」与「各月在职职工人数之和」只能填写其中一项"
    )
    journey.scan()
