"""Browser journey of the review queue (安置登记审核): a city reviewer opens it from the menu, filters by kind
and by risk signal with the keyboard only, and a bad filter is told in Chinese; axe scans every page."""

import os

import pytest
from playwright.sync_api import expect

from anbili.demo.review_queue import demo_review_queue_seed
from anbili.demo.seed import DEMO_PASSWORD, demo_window_open
from tests.browser.test_browser_notices import _enter_and_wait, _tab_to, _type_into

pytestmark = pytest.mark.browser

SHOTS = os.environ.get("SHOTS_DIR")


def _shot(page, tmp_path, name: str) -> None:
    page.screenshot(path=str(tmp_path / f"{name}.png"), full_page=True)
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def test_a_city_reviewer_works_the_queue_with_the_keyboard(journey, demo, tmp_path):
    demo_window_open()
    demo_review_queue_seed()
    page = journey.page
    journey.goto("/backoffice/login/")
    _type_into(page, page.get_by_label("用户名"), "nanchang_reviewer")
    _type_into(page, page.get_by_label("密码"), DEMO_PASSWORD)
    _enter_and_wait(page)
    journey.scan()

    _tab_to(page, page.get_by_role("navigation", name="主菜单").get_by_role("link", name="安置登记审核"))
    _enter_and_wait(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("安置登记审核")
    journey.scan()
    counts = page.get_by_test_id("queue-counts")
    expect(counts).to_contain_text("待审核共 26 条")
    expect(counts).to_contain_text("劳务派遣协议 10 条")
    table = page.get_by_role("table")
    expect(table.get_by_test_id("queue-row")).to_have_count(20)
    expect(table).to_contain_text("南昌市赣江食品有限公司")
    expect(table).not_to_contain_text("青城电子")
    _shot(page, tmp_path, "review-queue")

    kind = page.get_by_label("待审事项", exact=True)
    _tab_to(page, kind)
    kind.select_option(value="agreement")
    _tab_to(page, page.get_by_role("button", name="筛选"))
    _enter_and_wait(page)
    journey.scan()
    expect(table.get_by_test_id("queue-row")).to_have_count(10)
    expect(page.get_by_role("table")).to_contain_text("劳务派遣协议")

    signal = page.get_by_label("风险提示", exact=True)
    _tab_to(page, signal)
    signal.select_option(value="any")
    _tab_to(page, page.get_by_label("待审事项", exact=True))
    page.get_by_label("待审事项", exact=True).select_option(value="")
    _tab_to(page, page.get_by_role("button", name="筛选"))
    _enter_and_wait(page)
    journey.scan()
    rows = page.get_by_role("table").get_by_test_id("queue-row")
    assert rows.count() >= 3
    expect(page.get_by_role("table")).to_contain_text("还被另外1家单位登记安置")
    _shot(page, tmp_path, "review-queue-signals")

    journey.goto("/backoffice/review/?older_than=abc&submitted_from=2026-02-30")
    expect(page.get_by_text("「等待时长」的选项无效，请重新选择")).to_be_visible()
    expect(page.get_by_text("「提交日期起」不是有效的日期")).to_be_visible()
    _shot(page, tmp_path, "review-queue-bad-filter")
