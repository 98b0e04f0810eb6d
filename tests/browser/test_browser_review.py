"""Browser journeys of 安置登记审核 (issue 12 item 3) with an axe scan of every page: a reviewer decides part
of the months and the employer sees the counters, the status and the notice; 退回补正, the employer's fix and
the approval; a review with the keyboard only (Tab, Space, Enter and the month table's shortcuts). The
screen is photographed at 1366 px and at 200% zoom (683 px at scale 2)."""

import pytest
from playwright.sync_api import Page, expect

from anbili.demo.seed import DEMO_PASSWORD
from anbili.employers.models import Employer
from anbili.placements.models import Placement, PlacementStatus
from anbili.placements.models_review import ReviewReason, ReviewReasonKind
from tests.browser.conftest import shot
from tests.browser.test_browser_unit import (
    QINGCHENG,
    _csp_errors,
    _login,
    _open_window,
    _tab_to,
    _type_into,
)
from tests.placements.placement_data import YEAR, upload
from tests.placements.review_data import pending_placement, pending_with_added_certificate

pytestmark = pytest.mark.browser

SEND_BACK = "请补充医疗保险缴费凭证"
OCT, NOV, DEC = YEAR * 100 + 10, YEAR * 100 + 11, YEAR * 100 + 12


def _shot(page: Page, name: str) -> None:
    shot(page, f"review-{name}")


def _qingcheng() -> tuple[Employer, object]:
    """青城电子 of the demo and its legal person, with the declaration window open and canned reasons of
    each kind (migration 0007 seeds them, but a live-server test's database is flushed after each test)."""
    _open_window()
    for kind, text in (
        (ReviewReasonKind.MONTH, "工资低于最低工资标准"),
        (ReviewReasonKind.SEND_BACK, SEND_BACK),
    ):
        ReviewReason.objects.get_or_create(kind=kind, text=text, region=None)
    employer = Employer.objects.get(name=QINGCHENG)
    legal_person = employer.memberships.get(role="legal_person").user
    return employer, legal_person


def _staff_login(journey, username: str = "xincheng_reviewer") -> None:
    page = journey.page
    journey.goto("/backoffice/login/")
    _type_into(page, page.get_by_label("用户名"), username)
    _type_into(page, page.get_by_label("密码"), DEMO_PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state()
    journey.scan()


def _logout(journey, site: str) -> None:
    page = journey.page
    journey.navigate(lambda: page.get_by_role("button", name="退出").click())
    assert site in page.url


def _review_url(placement: Placement) -> str:
    return f"/backoffice/review/{placement.pk}/"


def _photograph(journey, name: str) -> None:
    """The screen at 1366 px, then at 200% zoom (683 CSS px): no sideways scrolling of the page itself."""
    page = journey.page
    page.set_viewport_size({"width": 1366, "height": 900})
    _shot(page, f"{name}-1366")
    page.set_viewport_size({"width": 683, "height": 900})
    journey.scan()
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    _shot(page, f"{name}-683")
    page.set_viewport_size({"width": 1366, "height": 900})


def test_a_reviewer_decides_part_of_the_months_and_the_employer_sees_it(journey, demo):
    employer, legal_person = _qingcheng()
    placement = pending_placement(employer, legal_person, name="施嵘")
    page = journey.page
    _staff_login(journey)
    journey.goto(_review_url(placement))
    expect(page.get_by_role("heading", level=1)).to_have_text("安置登记审核：施嵘")
    expect(page.get_by_test_id("review-status")).to_have_text("待审核")
    expect(page.get_by_test_id("reviewer")).to_have_text("周红")
    months = page.get_by_test_id("months")
    expect(months.get_by_test_id(f"month-{YEAR}01")).to_contain_text("系统核验通过")
    expect(months.get_by_test_id(f"month-{OCT}")).to_contain_text("不通过")
    # A document preview opens in the page: the contract PDF rendered as an image.
    page.get_by_test_id("documents").locator("a[data-doc='doc-1']").click()
    preview = page.get_by_test_id("preview-1").get_by_role("img")
    expect(preview.first).to_be_visible()
    page.wait_for_function(
        "() => [...document.querySelectorAll('#doc-1 img')].every(i => i.naturalWidth > 0)"
    )
    journey.scan()
    _photograph(journey, "pending")

    # 无效 without a reason: refused, the summary takes the focus and names the month.
    months.get_by_test_id(f"month-{OCT}").get_by_label("有效").check()
    months.get_by_test_id(f"month-{NOV}").get_by_label("有效").check()
    months.get_by_test_id(f"month-{DEC}").get_by_label("无效", exact=True).check()
    journey.navigate(lambda: page.get_by_role("button", name="确认", exact=True).click())
    summary = page.get_by_test_id("error-summary")
    expect(summary).to_be_focused()
    expect(page.get_by_test_id(f"month-error-{DEC}")).to_contain_text("请选择或填写无效原因")
    _shot(page, "error")
    summary.get_by_role("link").first.click()
    reason = page.get_by_label(f"无效原因（{DEC}）")
    expect(reason).to_be_focused()
    reason.select_option(label="工资低于最低工资标准")
    page.get_by_label(f"原因说明（{DEC}）").fill("12月工资条未盖章")
    journey.navigate(lambda: page.get_by_role("button", name="确认", exact=True).click())
    expect(page.get_by_role("status").first).to_contain_text("审核完成：部分审核不通过")
    expect(page.get_by_test_id("review-status")).to_have_text("部分审核不通过")
    expect(page.get_by_test_id("history")).to_contain_text("12月工资条未盖章")
    _shot(page, "decided")
    _logout(journey, "/backoffice/login/")

    _login(journey, employer.uscc)
    journey.goto("/portal/placements/")
    expect(page.get_by_test_id("counters")).to_contain_text("部分审核不通过 1 人")
    expect(page.get_by_test_id("counters")).to_contain_text("待审核 0 人")
    expect(page.get_by_test_id("totals")).to_contain_text("本次累计安置确认 11 个月")
    expect(page.get_by_test_id("placements")).to_contain_text("部分审核不通过")
    journey.goto("/portal/notices/")
    link = page.get_by_role("link", name="安置人员“施嵘”资料审核完成通知")
    journey.navigate(lambda: link.click())
    expect(page.get_by_role("main")).to_contain_text(f"有效月份为{YEAR}01")
    expect(page.get_by_role("main")).to_contain_text("12月工资条未盖章")
    _shot(page, "employer-notice")


def test_send_back_the_employer_fixes_and_the_reviewer_approves(journey, demo, tmp_path):
    employer, legal_person = _qingcheng()
    placement = pending_placement(employer, legal_person, name="景晓东")
    page = journey.page
    _staff_login(journey)
    journey.goto(_review_url(placement))
    form = page.get_by_test_id("send-back-form")
    # Nothing chosen: refused next to the list.
    journey.navigate(lambda: form.get_by_role("button", name="退回补正").click())
    expect(page.get_by_test_id("send-back-error")).to_contain_text("请至少选择或填写一项需补正的内容")
    form = page.get_by_test_id("send-back-form")
    form.get_by_label(SEND_BACK).check()
    form.get_by_label("其他需补正的内容").fill("医保缴费凭证请加盖公章")
    journey.navigate(lambda: form.get_by_role("button", name="退回补正").click())
    expect(page.get_by_test_id("review-status")).to_have_text("资料待完善")
    _logout(journey, "/backoffice/login/")

    # The employer reads what to fix, then saves the months again with new evidence.
    _login(journey, employer.uscc)
    journey.goto("/portal/notices/")
    journey.navigate(lambda: page.get_by_role("link", name="安置人员“景晓东”资料退回补正通知").click())
    expect(page.get_by_role("main")).to_contain_text("医保缴费凭证请加盖公章")
    journey.goto(f"/portal/placements/{placement.pk}/verify/")
    for month in (OCT, NOV, DEC):
        page.get_by_label(f"勾选 {month}").check()
    journey.navigate(lambda: page.get_by_role("button", name="保存，下一步").click())
    for label, name in (
        ("上传工资发放证明", "工资.pdf"),
        ("上传社会保险缴费凭证", "社保.png"),
        ("上传医疗保险缴费凭证", "医保.pdf"),
    ):
        path = tmp_path / name
        path.write_bytes(upload(name).read())
        page.get_by_label(label).set_input_files(str(path))
    journey.navigate(lambda: page.get_by_role("button", name="保存，下一步").click())
    expect(page.get_by_test_id("placement-status")).to_have_text("待审核")
    _logout(journey, "/portal/login/")

    # Back with the reviewer: the earlier 退回补正 is in the history; every month 有效.
    _staff_login(journey)
    journey.goto(_review_url(placement))
    expect(page.get_by_test_id("history")).to_contain_text("医保缴费凭证请加盖公章")
    expect(page.get_by_test_id("came-back")).to_contain_text(SEND_BACK)
    expect(page.get_by_test_id("documents")).to_contain_text("社会保险缴费凭证")
    for month in (OCT, NOV, DEC):
        page.get_by_test_id(f"month-{month}").get_by_label("有效").check()
    _photograph(journey, "resubmitted")
    journey.navigate(lambda: page.get_by_role("button", name="确认", exact=True).click())
    expect(page.get_by_test_id("review-status")).to_have_text("已审核确认（审核通过(人工)）")
    placement.refresh_from_db()
    assert placement.status == PlacementStatus.CONFIRMED


def _renewed(employer, legal_person) -> Placement:
    """Waiting for review with a historical certificate the employer added for January to March (the
    registry's own starts in April) and those months ticked: they pass every check once it is approved."""
    return pending_with_added_certificate(employer, legal_person, name="韩安置")


def _press(journey, key: str) -> None:
    with journey.page.expect_navigation():
        journey.page.keyboard.press(key)
    journey.page.wait_for_load_state()
    journey.scan()


def test_a_review_with_the_keyboard_only(journey, demo):
    employer, legal_person = _qingcheng()
    placement = _renewed(employer, legal_person)
    page = journey.page
    csp = _csp_errors(page)
    _staff_login(journey)
    journey.goto(_review_url(placement))
    expect(page.get_by_test_id("blockers")).to_contain_text("补充残疾证")
    # The added certificate first: Tab to 审核通过, Space, Tab to its button, Enter.
    form = page.locator("form[data-testid^='certificate-']")
    approve = form.get_by_label("审核通过")
    _tab_to(page, approve)
    page.keyboard.press("Space")
    expect(approve).to_be_checked()
    _tab_to(page, form.get_by_role("button", name="提交补充残疾证审核结果"))
    _press(journey, "Enter")
    expect(page.get_by_role("status").first).to_contain_text("补充残疾证审核通过")
    months = page.get_by_test_id("months")
    for m in (1, 2, 3):
        expect(months.get_by_test_id(f"month-{YEAR * 100 + m}")).not_to_contain_text("不通过")

    # The shortcuts, announced and documented on the page.
    expect(page.get_by_role("button", name="选中全部核验通过的月份（Alt+Shift+A）")).to_have_attribute(
        "aria-keyshortcuts", "Alt+Shift+A"
    )
    expect(page.get_by_text("快捷键：Alt+Shift+A")).to_be_visible()
    page.keyboard.press("Alt+Shift+KeyA")
    for m in (1, 2, 3):
        expect(page.get_by_label(f"选择 {YEAR * 100 + m}")).to_be_checked()
    page.keyboard.press("Alt+Shift+KeyV")
    expect(page.locator("#shortcut-status")).to_contain_text("已将 3 个选中的月份设为有效")
    for m in (1, 2, 3):
        expect(months.get_by_test_id(f"month-{YEAR * 100 + m}").get_by_label("有效")).to_be_checked()
    _photograph(journey, "keyboard")
    _tab_to(page, page.get_by_role("button", name="确认", exact=True))
    _press(journey, "Enter")
    expect(page.get_by_test_id("review-status")).to_have_text("已审核确认（审核通过(人工)）")
    assert Placement.objects.get(pk=placement.pk).status == PlacementStatus.CONFIRMED
    assert csp == []  # review.js runs under the CSP (no inline script)
