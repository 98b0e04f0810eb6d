"""Browser journeys of the 残保金计算器, with an axe scan of every page.

The public page is reached from the entry card; the portal page is prefilled from the unit; htmx updates the
result in place and a live region announces it."""

from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from anbili.demo.seed import DEMO_PASSWORD
from anbili.employers.models import Employer
from tests.factories import UnitYearProfileFactory

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/anbili-shots")


def _shot(page: Page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


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
    page.get_by_label("单位员工数").fill("200")
    page.get_by_label("单位月平均工资（元）").fill("5000")
    page.get_by_label("安置残疾人数（非重度）").fill("1")
    page.get_by_label("安置月数", exact=True).fill("12")
    page.get_by_role("button", name="计算").click()

    # htmx swaps the panel in place (no navigation) and the live region announces the result.
    status = page.locator("#calculator-status")
    expect(status).to_have_text("计算完成：预计应缴纳残保金 108000.00 元，预计可节约 54000.00 元。")
    expect(status).to_have_attribute("aria-live", "polite")
    expect(page.get_by_test_id("payable")).to_have_text("108000.00 元")
    expect(page.get_by_test_id("saving")).to_have_text("54000.00 元")
    expect(page.get_by_test_id("factor")).to_have_text("0.9")
    expect(page.get_by_test_id("steps")).to_contain_text("(N × r − P) × 工资 = 2 × 60000.00")
    expect(page.get_by_role("button", name="计算")).to_be_focused()
    assert "employees=200" in page.url  # the result has its own address
    journey.scan()
    _shot(page, "calculator-result")

    # A wrong entry is explained at its field, and announced.
    page.get_by_label("单位员工数").fill("-5")
    page.get_by_role("button", name="计算").click()
    expect(status).to_contain_text("输入有误")
    expect(page.locator("#id_employees_error")).to_contain_text("不带正负号")
    expect(page.get_by_label("单位员工数")).to_have_attribute("aria-invalid", "true")
    journey.scan()
    _shot(page, "calculator-error")
    assert not errors, errors


def test_calculator_works_without_script(browser, live_server, demo):
    context = browser.new_context(java_script_enabled=False, locale="zh-CN")
    page = context.new_page()
    page.goto(live_server.url + "/calculator/")
    page.get_by_label("省份").select_option(label="内蒙古自治区")
    page.get_by_label("单位性质").select_option(label="企业")
    page.get_by_label("单位员工数").fill("32.3333")
    page.get_by_label("单位月平均工资（元）").fill("3024.33")
    page.get_by_role("button", name="计算").click()
    page.wait_for_load_state()
    assert "/calculator/?" in page.url
    expect(page.get_by_role("heading", name="计算结果")).to_be_visible()
    expect(page.get_by_test_id("steps")).to_contain_text("按填写的年平均在职职工人数 32.3333")
    context.close()


def test_portal_calculator_is_prefilled(journey, demo):
    employer = Employer.objects.get(name="呼和浩特市青城电子科技有限公司")
    UnitYearProfileFactory(employer=employer, business_year=timezone.localdate().year - 1, employee_count=388)
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
    expect(page.get_by_label("单位员工数")).to_have_value("388")
    expect(page.get_by_label("省份")).to_have_value("150000")
    journey.scan()
    page.get_by_label("单位月平均工资（元）").fill("3024.33")
    page.get_by_role("button", name="计算").click()
    expect(page.get_by_test_id("payable")).to_contain_text("元")
    journey.scan()
    _shot(page, "calculator-portal")
