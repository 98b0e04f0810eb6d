"""Browser journeys of what the seeds show around the portal (issue 11, item 9), with an axe scan of every
page: the entry page's 我要服务, the 特别提示 alertdialog that only 确认 ends, 发布单位 and read marks per
unit, and 系统管理 for system admins only."""

import re

import pytest
from playwright.sync_api import Page, expect

from anbili.accounts.models import User
from anbili.demo.seed import DEMO_PASSWORD
from anbili.employers.models import Employer
from anbili.notices.services import notice_publish
from tests.browser.conftest import shot

pytestmark = pytest.mark.browser


def _shot(page: Page, name: str) -> None:
    shot(page, f"{name}")


def test_entry_page_service_link_is_external_and_marked(journey, demo):
    page = journey.page
    journey.goto("/")
    card = page.get_by_role("region", name="我要服务")
    link = card.get_by_role("link", name=re.compile(r"^进入就业创业网络服务平台\s*（外部链接）$"))
    expect(link).to_have_attribute("href", "https://www.cjrjob.cn/")
    expect(link).to_have_attribute("rel", "external noopener noreferrer")
    expect(card).to_contain_text("外部网站，不属于本系统")
    # Every other card leads to a page of this system.
    for name in ("进入网报系统", "法人注册", "进入申办系统", "进入残保金计算器"):
        href = page.get_by_role("link", name=name).get_attribute("href")
        assert href and href.startswith("/"), name
    _shot(page, "entry")


def _login_employer(journey, uscc: str) -> None:
    page = journey.page
    journey.goto("/portal/login/")
    page.get_by_label("统一社会信用代码或经办人账号").fill(uscc)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_label("密码").press("Enter")
    page.wait_for_load_state()


def test_special_notice_only_confirm_ends_it(journey, demo):
    qingcheng = Employer.objects.get(name="呼和浩特市青城电子科技有限公司")
    page = journey.page
    _login_employer(journey, qingcheng.uscc)
    dialog = page.get_by_role("alertdialog", name="特别提示")
    expect(dialog).to_be_visible()
    expect(dialog).to_have_accessible_description(re.compile("如实申报安置残疾人就业情况.*纳入信用记录"))
    confirm = dialog.get_by_role("button", name="确认")
    expect(confirm).to_be_focused()
    journey.scan()
    _shot(page, "special-notice")

    # Esc, again and again (Chromium lets a second Esc through a cancel handler), and a click on the
    # backdrop leave it open.
    for _ in range(3):
        page.keyboard.press("Escape")
    expect(dialog).to_be_visible()
    page.mouse.click(5, 5)
    expect(dialog).to_be_visible()
    assert page.evaluate("document.getElementById('special-notice').matches(':modal')")
    # The focus stays inside: Tab and Shift+Tab come back to 确认.
    confirm.focus()
    for key in ("Tab", "Tab", "Shift+Tab"):
        page.keyboard.press(key)
        expect(confirm).to_be_focused()
    journey.scan()

    page.keyboard.press("Enter")
    page.wait_for_load_state()
    expect(page.get_by_role("alertdialog")).to_have_count(0)
    expect(page.get_by_role("heading", level=1)).to_have_text("首页")
    journey.scan()


def test_notices_name_the_publisher_and_are_read_per_unit(journey, demo):
    """张文磊 holds 青城 (新城区) and 包头 鹿城: both see the autonomous region's notice; reading it as 青城
    leaves it unread for 鹿城. A notice the province addresses to 新城区 is the province's (发布单位)."""
    qingcheng = Employer.objects.get(name="呼和浩特市青城电子科技有限公司")
    baotou = Employer.objects.get(name="包头市鹿城物流有限公司")
    notice_publish(
        staff=User.objects.get(username="nmg_admin"),
        title="自治区残联致新城区用人单位的提示",
        body="请核对残联主管部门。",
        region_code="150102",
    )
    shared = "关于开展2025年度残疾人按比例就业情况联网认证工作的通知"
    page = journey.page
    _login_employer(journey, qingcheng.uscc)
    page.get_by_role("button", name="确认").click()
    page.wait_for_load_state()
    journey.scan()

    journey.goto("/portal/notices/")
    row = page.get_by_role("row").filter(has_text="自治区残联致新城区用人单位的提示")
    expect(row.get_by_role("cell").nth(3)).to_have_text("内蒙古自治区残联")
    shared_row = page.get_by_role("row").filter(has_text=shared)
    expect(shared_row).to_contain_text("未读")
    shared_row.get_by_role("link", name=shared).click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1)).to_have_text("通知公告详情")
    journey.scan()
    journey.goto("/portal/notices/")
    expect(page.get_by_role("row").filter(has_text=shared)).to_contain_text("已读")
    _shot(page, "notices-qingcheng")

    page.get_by_label("切换单位").select_option(label=baotou.name)
    page.get_by_role("button", name="切换单位").click()
    page.wait_for_load_state()
    expect(page.get_by_test_id("current-unit")).to_have_text(baotou.name)
    journey.scan()
    journey.goto("/portal/notices/")
    expect(page.get_by_role("row").filter(has_text=shared)).to_contain_text("未读")
    expect(page.get_by_role("row").filter(has_text="自治区残联致新城区用人单位的提示")).to_have_count(0)
    _shot(page, "notices-baotou")


def _login_staff(journey, username: str) -> None:
    page = journey.page
    journey.goto("/backoffice/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_label("密码").press("Enter")
    page.wait_for_load_state()
    journey.scan()


def test_system_management_is_for_system_admins_only(journey, demo):
    page = journey.page
    menu = page.get_by_role("navigation", name="主菜单")
    _login_staff(journey, "xincheng_reviewer")
    expect(menu.get_by_role("link", name="通知公告")).to_be_visible()
    expect(menu.get_by_role("link", name="系统管理")).to_have_count(0)
    response = page.goto(journey.base_url + "/backoffice/system/")
    assert response is not None and response.status == 404
    journey.scan()
    page.goto(journey.base_url + "/backoffice/")
    journey.scan()
    page.get_by_role("button", name="退出").click()
    page.wait_for_load_state()
    journey.scan()

    _login_staff(journey, "nmg_admin")
    menu.get_by_role("link", name="系统管理").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1)).to_have_text("系统管理")
    expect(page.get_by_role("link", name="用户管理")).to_be_visible()
    journey.scan()


def test_user_center_of_a_legal_person_with_two_units(journey, demo):
    from anbili.core.identifiers import make_uscc

    qingcheng = Employer.objects.get(name="呼和浩特市青城电子科技有限公司")
    baotou = Employer.objects.get(name="包头市鹿城物流有限公司")
    page = journey.page
    _login_employer(journey, qingcheng.uscc)
    page.get_by_role("button", name="确认").click()
    page.wait_for_load_state()
    journey.scan()
    page.get_by_role("link", name="用户中心").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1)).to_have_text("用户中心")
    units = page.get_by_test_id("units")
    expect(units).to_contain_text(qingcheng.name)
    expect(units).to_contain_text(baotou.name)
    journey.scan()

    # 新增单位: a missing field is named; then a valid one is added.
    page.get_by_label("单位名称").fill("呼和浩特市青城电子科技有限公司赛罕分公司")
    page.get_by_role("button", name="新增单位").click()
    page.wait_for_load_state()
    expect(page.locator("#id_uscc_error")).to_contain_text("统一社会信用代码")
    journey.scan()
    page.get_by_label("统一社会信用代码").fill(make_uscc("91150105MA0N8KLM6"))
    page.get_by_label("单位性质").select_option(label="企业")
    page.get_by_label("残联主管部门（所在区县）").select_option(value="150105")
    page.get_by_role("button", name="新增单位").click()
    page.wait_for_load_state()
    expect(page.get_by_role("status").filter(has_text="已新增单位")).to_contain_text("赛罕分公司")
    expect(units).to_contain_text("名下单位（共 3 个）")
    journey.scan()

    page.get_by_role("button", name=re.compile(rf"^设为默认\s*（{baotou.name}）$")).click()
    page.wait_for_load_state()
    expect(page.get_by_role("row").filter(has_text=baotou.name)).to_contain_text("默认单位")
    journey.scan()
    _shot(page, "user-center")
