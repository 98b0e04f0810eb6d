"""Browser journey of 审计日志: the province admin finds the log from 系统管理, sees its own login and
searches by action, with the keyboard only and an axe scan of every page visited."""

import pytest
from playwright.sync_api import expect

from anbili.demo.seed import DEMO_PASSWORD
from tests.browser.test_browser_notices import _enter_and_wait, _tab_to, _type_into

pytestmark = pytest.mark.browser


def test_province_admin_searches_the_audit_log_with_the_keyboard(journey, demo, tmp_path):
    page = journey.page
    journey.goto("/backoffice/login/")
    _type_into(page, page.get_by_label("用户名"), "nmg_admin")
    _type_into(page, page.get_by_label("密码"), DEMO_PASSWORD)
    _enter_and_wait(page)
    journey.scan()

    _tab_to(page, page.get_by_role("navigation", name="主菜单").get_by_role("link", name="系统管理"))
    _enter_and_wait(page)
    journey.scan()
    _tab_to(page, page.get_by_role("link", name="审计日志"))
    _enter_and_wait(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("审计日志")
    journey.scan()
    table = page.get_by_role("table")
    expect(table).to_contain_text("nmg_admin")
    expect(table).to_contain_text("登录成功")
    expect(table).to_contain_text("入口：申办系统")
    page.screenshot(path=str(tmp_path / "audit-list.png"), full_page=True)

    action = page.get_by_label("操作", exact=True)
    _tab_to(page, action)
    action.select_option(value="login_failed")
    _tab_to(page, page.get_by_role("button", name="搜索"))
    _enter_and_wait(page)
    journey.scan()
    expect(table).to_contain_text("没有符合条件的审计记录")
    page.screenshot(path=str(tmp_path / "audit.png"), full_page=True)
