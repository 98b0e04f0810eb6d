"""Browser: the review system's header and tabbed menu (seed 004) and the 统计 page, at 1366 px and at 200%
zoom (683 px at device scale factor 2): nothing clipped, no sideways scroll, the charts drawn with their
tables beside them, and an axe scan of every page visited."""

import pytest
from playwright.sync_api import Page, expect

from anbili.demo.seed import DEMO_PASSWORD
from anbili.stats.services import stats_figures_refresh
from tests.backoffice.stats_data import YEAR, generate
from tests.browser.conftest import Journey, shot
from tests.browser.test_browser_notices import _enter_and_wait, _type_into

pytestmark = pytest.mark.browser


_CLIPPED = """() => {
  const root = document.documentElement;
  const tabs = [...document.querySelectorAll('nav[aria-label="主菜单"] .nav-link')];
  const header = [...document.querySelectorAll('.site-header a, .site-header span, .site-header button')];
  const outside = [...tabs, ...header].filter(e => {
    const r = e.getBoundingClientRect();
    return r.left < 0 || r.right > root.clientWidth + 1 || e.scrollWidth > e.clientWidth + 1;
  }).map(e => e.textContent.trim());
  return {tabs: tabs.map(t => t.textContent.trim()), outside, pageScroll: root.scrollWidth,
          pageClient: root.clientWidth};
}"""


def _shot(page: Page, name: str) -> None:
    shot(page, f"backoffice-{name}")


def _login(journey: Journey, username: str) -> None:
    page = journey.page
    journey.goto("/backoffice/login/")
    _type_into(page, page.get_by_label("用户名"), username)
    _type_into(page, page.get_by_label("密码"), DEMO_PASSWORD)
    _enter_and_wait(page)
    journey.scan()


def _check_layout(page: Page) -> dict:
    measured = page.evaluate(_CLIPPED)
    assert not measured["outside"], measured
    assert measured["pageScroll"] <= measured["pageClient"], measured
    return measured


def _visit(journey: Journey, name: str) -> None:
    page = journey.page
    _login(journey, "nmg_admin")
    expect(page.get_by_test_id("staff-welcome")).to_have_text("您好赵敏，欢迎登录按比例联网认证申办系统。")
    expect(page.get_by_test_id("staff-identity")).to_have_text("系统管理员（内蒙古自治区）")
    nav = page.get_by_role("navigation", name="主菜单")
    expect(nav.locator('[aria-current="page"]')).to_have_text("首页")
    tabs = _check_layout(page)["tabs"]
    assert "统计" in tabs and "系统管理" in tabs
    _shot(page, f"{name}-home")

    page.get_by_role("link", name="高拍仪插件").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("高拍仪插件")
    journey.scan()

    nav.get_by_role("link", name="统计").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1)).to_have_text("统计")
    expect(nav.locator('[aria-current="page"]')).to_have_text("统计")
    page.locator("#checks-chart svg").wait_for()
    journey.scan()
    _check_layout(page)
    for chart in ("status", "region", "checks", "backlog"):
        box = page.locator(f"#{chart}-chart")
        expect(box).to_have_attribute("role", "img")
        expect(box.locator("svg")).to_have_count(1)
    expect(page.get_by_test_id("checks-table")).to_contain_text("残疾人人口基础库")
    expect(page.get_by_test_id("most-failing")).to_contain_text("不通过最多的数据来源")
    _shot(page, f"{name}-statistics")


def _data() -> None:
    generate(120)
    stats_figures_refresh(YEAR)


def test_header_tabs_and_statistics_at_1366(journey, demo):
    _data()
    journey.page.set_viewport_size({"width": 1366, "height": 768})
    _visit(journey, "1366")
    assert not (journey.visited - journey.scanned)


def test_header_tabs_and_statistics_at_200_percent_zoom(browser, live_server, demo):
    _data()
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 683, "height": 768}, device_scale_factor=2
    )
    zoomed = Journey(context.new_page(), live_server.url)
    try:
        _visit(zoomed, "zoom")
        assert not (zoomed.visited - zoomed.scanned)
    finally:
        context.close()
