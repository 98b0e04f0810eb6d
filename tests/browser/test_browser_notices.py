"""Browser journey of 通知公告: a supervisor publishes, the employer finds it, opens it, and it becomes read —
with the keyboard only, and an axe scan of every page visited."""

import pytest
from playwright.sync_api import Locator, Page, expect

from anbili.demo.seed import DEMO_PASSWORD
from anbili.employers.models import Employer

pytestmark = pytest.mark.browser

TITLE = "关于开展2025年度按比例就业年审工作的通知"


def _tab_to(page: Page, target: Locator, limit: int = 80) -> None:
    """Press Tab until `target` has the focus: proves it is reachable without a mouse."""
    for _ in range(limit):
        if target.evaluate("el => el === document.activeElement"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"not reachable with Tab: {target}")


def _enter_and_wait(page: Page) -> None:
    """Press Enter on the focused control and wait for the page it leads to."""
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state()


def _type_into(page: Page, target: Locator, text: str) -> None:
    _tab_to(page, target)
    page.keyboard.insert_text(text)


def test_supervisor_publishes_and_the_employer_reads_with_the_keyboard(journey, demo):
    page = journey.page
    journey.goto("/backoffice/login/")
    _type_into(page, page.get_by_label("用户名"), "hhht_supervisor")
    _type_into(page, page.get_by_label("密码"), DEMO_PASSWORD)
    _enter_and_wait(page)
    journey.scan()

    menu_link = page.get_by_role("navigation", name="主菜单").get_by_role("link", name="通知公告")
    _tab_to(page, menu_link)
    _enter_and_wait(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("通知公告")
    journey.scan()

    # An empty submission is refused with Chinese messages next to the fields.
    _tab_to(page, page.get_by_role("button", name="发布", exact=True))
    _enter_and_wait(page)
    expect(page.get_by_role("alert")).to_contain_text("请按提示修改")
    journey.scan()

    _type_into(page, page.get_by_label("标题"), TITLE)
    region = page.get_by_label("发布范围")
    _tab_to(page, region)
    region.select_option(value="150100")  # a focused <select> takes the choice from the keyboard
    _type_into(
        page, page.get_by_label("内容"), "各用人单位：请于申报期内登录网报系统完成安置登记和年审申报。"
    )
    _tab_to(page, page.get_by_role("button", name="发布", exact=True))
    _enter_and_wait(page)
    expect(page.get_by_role("status")).to_contain_text(f"已发布通知公告：{TITLE}")
    expect(page.get_by_role("table")).to_contain_text("已发布")
    journey.scan()
    page.screenshot(path="/tmp/backoffice_notices.png", full_page=True)

    _tab_to(page, page.get_by_role("link", name=TITLE))
    _enter_and_wait(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("通知公告详情")
    journey.scan()
    page.screenshot(path="/tmp/backoffice_notice_detail.png", full_page=True)
    _tab_to(page, page.get_by_role("button", name="退出"))
    _enter_and_wait(page)
    journey.scan()

    # The employer of 新城区 (under 呼和浩特市) sees it as unread.
    qingcheng = Employer.objects.get(name="呼和浩特市青城电子科技有限公司")
    journey.goto("/portal/login/")
    _type_into(page, page.get_by_label("统一社会信用代码或经办人账号"), qingcheng.uscc)
    _type_into(page, page.get_by_label("密码"), DEMO_PASSWORD)
    _enter_and_wait(page)
    expect(page.get_by_role("alertdialog", name="特别提示")).to_be_visible()
    journey.scan()
    _enter_and_wait(page)  # the confirm button has the focus
    journey.scan()

    menu_link = page.get_by_role("navigation", name="主菜单").get_by_role("link", name="通知公告")
    _tab_to(page, menu_link)
    _enter_and_wait(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("通知公告")
    row = page.get_by_role("row").filter(has_text=TITLE)
    expect(row).to_contain_text("未读")
    expect(row).to_contain_text("呼和浩特市残联")
    journey.scan()
    page.screenshot(path="/tmp/portal_notices.png", full_page=True)

    _type_into(page, page.get_by_label("搜索关键字"), "年审")
    _enter_and_wait(page)
    expect(page.get_by_role("table")).to_contain_text("“年审”的搜索结果，共 1 条")
    journey.scan()

    _tab_to(page, page.get_by_role("link", name=TITLE))
    _enter_and_wait(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("通知公告详情")
    expect(page.get_by_role("article")).to_contain_text("请于申报期内登录网报系统")
    journey.scan()
    page.screenshot(path="/tmp/portal_notice_detail.png", full_page=True)

    _tab_to(page, page.get_by_role("link", name="返回"))
    _enter_and_wait(page)
    expect(page.get_by_label("搜索关键字")).to_have_value("年审")  # back to the same search
    expect(page.get_by_role("row").filter(has_text=TITLE)).to_contain_text("已读")
    journey.scan()


def test_notification_and_paging_at_200_percent_zoom(journey, demo):
    from anbili.notices.services import notification_send

    qingcheng = Employer.objects.get(name="呼和浩特市青城电子科技有限公司")
    for month in range(1, 18):
        notification_send(
            employer=qingcheng,
            title=f"安置人员“施嵘{month}”资料审核完成通知",
            body="贵单位安置人员资料审核已完成，有效月份为202101,202102,202103",
        )
    page = journey.page
    page.set_viewport_size({"width": 640, "height": 450})
    journey.goto("/portal/login/")
    page.get_by_label("统一社会信用代码或经办人账号").fill(qingcheng.uscc)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_label("密码").press("Enter")
    page.wait_for_load_state()
    page.get_by_role("button", name="确认").click()
    page.wait_for_load_state()
    journey.scan()
    journey.goto("/portal/notices/")
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    pager = page.get_by_role("navigation", name="分页")
    expect(pager).to_be_visible()
    pager.get_by_role("link", name="下一页").click()
    page.wait_for_load_state()
    expect(page.get_by_role("table")).to_contain_text("第 2/2 页")
    journey.scan()
    page.screenshot(path="/tmp/portal_notices_zoom.png", full_page=True)
