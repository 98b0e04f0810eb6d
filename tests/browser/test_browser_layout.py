"""Layout at the widths clerks use (issue: times and layout): at 1366 px no table of 残疾人安置管理 is clipped
(the list with 删除 and its two time columns, 合同管理 with 修改/删除, 人员信息校验 with 残疾证等级) and the
header stays on one line; at 200% zoom (683 px wide at device scale factor 2) the page never scrolls
sideways and a table wider than the screen scrolls inside its own labelled region, reachable and scrollable
with the keyboard, so that its last column can be seen. Every time shown is Beijing time."""

from datetime import UTC, date, datetime

import pytest
from playwright.sync_api import Page, expect

from anbili.employers.models import Employer
from anbili.placements import services
from anbili.placements.models import Placement, PlacementStatus
from tests.browser.conftest import Journey, shot
from tests.browser.test_browser_unit import QINGCHENG, _login, _open_window, _tab_to
from tests.placements.placement_data import TODAY, YEAR, new_id_number, ready_draft, registry_person

pytestmark = pytest.mark.browser


def _shot(page: Page, name: str) -> None:
    shot(page, f"layout-{name}")


def _placements(employer: Employer) -> tuple[Placement, Placement]:
    """One placement confirmed at 2026-05-31 23:30 UTC (2026-06-01 07:30 Beijing time) and one draft."""
    user = employer.memberships.first().user
    confirmed_id, draft_id = new_id_number(date(1979, 11, 23)), new_id_number(date(1981, 2, 9))
    registry_person(confirmed_id, name="欧阳安置", payer=employer.uscc)
    registry_person(draft_id, name="司马登记", payer=employer.uscc, months=range(1, 9))
    confirmed = ready_draft(employer, user, confirmed_id)
    services.placement_months_save(
        placement_id=confirmed.pk,
        employer=employer,
        actor=user,
        today=TODAY,
        months=[YEAR * 100 + m for m in range(1, 13)],
        evidence={},
    )
    moment = datetime(2026, 5, 31, 23, 30, tzinfo=UTC)
    Placement.objects.filter(pk=confirmed.pk).update(registered_at=moment, confirmed_at=moment)
    confirmed.refresh_from_db()
    assert confirmed.status == PlacementStatus.CONFIRMED
    return confirmed, ready_draft(employer, user, draft_id)


# Per page: the table's test id and a text of the columns the issue names (删除, 残疾证等级).
def _pages(confirmed: Placement, draft: Placement) -> list[tuple[str, str, str]]:
    return [
        ("/portal/placements/", "placements", "删除"),
        (f"/portal/placements/{draft.pk}/contracts/", "contracts", "删除"),
        (f"/portal/placements/{confirmed.pk}/verify/", "verification", "四级"),
    ]


_MEASURE = """(testId) => {
  const table = document.querySelector(`[data-testid="${testId}"]`);
  const box = table.closest('.placement-scroll') || table.parentElement;
  const root = document.documentElement;
  return {
    tableWidth: table.scrollWidth, boxScroll: box.scrollWidth, boxClient: box.clientWidth,
    pageScroll: root.scrollWidth, pageClient: root.clientWidth,
    tabindex: box.getAttribute('tabindex'), role: box.getAttribute('role'),
    label: (document.getElementById(box.getAttribute('aria-labelledby') || '') || {}).textContent || '',
  };
}"""

_INSIDE = """([testId, which]) => {
  // Whether the table's body cells (`which`: "all", or "last" = the last cell of each row) lie inside the
  // scroll box, i.e. can be seen without clipping.
  const table = document.querySelector(`[data-testid="${testId}"]`);
  const box = (table.closest('.placement-scroll') || table.parentElement).getBoundingClientRect();
  const rows = [...table.querySelectorAll('tbody tr')];
  const cells = which === 'all' ? rows.flatMap(r => [...r.children]) : rows.map(r => r.lastElementChild);
  const outside = cells.filter(c => {
    const r = c.getBoundingClientRect();
    return r.left < box.left - 1 || r.right > box.right + 1;
  });
  return {cells: cells.length, outside: outside.map(c => c.textContent.trim().slice(0, 30))};
}"""


def _inside(page: Page, test_id: str, which: str) -> None:
    found = page.evaluate(_INSIDE, [test_id, which])
    assert found["cells"] > 0 and not found["outside"], (test_id, which, found)


def _has(page: Page, test_id: str, text: str) -> None:
    expect(page.get_by_test_id(test_id)).to_contain_text(text)


def _header_lines(page: Page) -> dict:
    return page.evaluate(
        """() => {
          const bar = document.querySelector('.site-header .container-xl');
          const items = [...bar.querySelectorAll('.system-name, .site-header a, .site-header button,'
            + ' .site-header select, .site-header span')].filter(e => e.getClientRects().length);
          const tops = items.map(e => {
            const r = e.getBoundingClientRect();
            return Math.round(r.top + r.height / 2);
          });
          return {height: bar.getBoundingClientRect().height, spread: Math.max(...tops) - Math.min(...tops)};
        }"""
    )


def test_tables_fit_at_1366_and_the_header_is_one_line(journey, demo):
    _open_window()
    employer = Employer.objects.get(name=QINGCHENG)
    confirmed, draft = _placements(employer)
    page = journey.page
    page.set_viewport_size({"width": 1366, "height": 768})
    _login(journey, employer.uscc)
    for path, test_id, last in _pages(confirmed, draft):
        journey.goto(path)
        measured = page.evaluate(_MEASURE, test_id)
        _shot(page, f"1366-{test_id}")
        assert measured["pageScroll"] <= measured["pageClient"], (path, measured)
        assert measured["boxScroll"] <= measured["boxClient"], (path, measured)
        _has(page, test_id, last)
        _inside(page, test_id, "all")
        header = _header_lines(page)
        assert header["spread"] <= 8 and header["height"] <= 64, (path, header)
    # The list's two time columns in Beijing time (the stored moment is 2026-05-31 23:30 UTC).
    journey.goto("/portal/placements/")
    row = page.get_by_test_id("placement-row").filter(has_text="欧**置")
    expect(row).to_contain_text("2026-06-01 07:30:00")
    expect(row).not_to_contain_text("2026-05-31")


def test_at_200_percent_zoom_wide_tables_scroll_in_a_labelled_region(browser, live_server, demo):
    _open_window()
    employer = Employer.objects.get(name=QINGCHENG)
    confirmed, draft = _placements(employer)
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 683, "height": 768}, device_scale_factor=2
    )
    page = context.new_page()
    zoomed = Journey(page, live_server.url)
    try:
        _login(zoomed, employer.uscc)
        for path, test_id, last in _pages(confirmed, draft):
            zoomed.goto(path)
            measured = page.evaluate(_MEASURE, test_id)
            _shot(page, f"zoom-{test_id}")
            assert measured["pageScroll"] <= measured["pageClient"], (path, measured)
            if measured["boxScroll"] > measured["boxClient"]:
                # Scrolls in its own region: focusable, named by the caption, moved with the keyboard.
                assert measured["tabindex"] == "0" and measured["role"] == "region", (path, measured)
                assert measured["label"].strip(), (path, measured)
                box = page.get_by_test_id(test_id).locator("xpath=ancestor::*[@role='region'][1]")
                _tab_to(page, box, limit=200)
                for _ in range(40):
                    page.keyboard.press("ArrowRight")
                page.keyboard.press("End")
                page.wait_for_timeout(100)
                _shot(page, f"zoom-{test_id}-scrolled")
            _has(page, test_id, last)
            _inside(page, test_id, "last")
        assert not (zoomed.visited - zoomed.scanned)
    finally:
        context.close()
