"""The review as the employer sees it, in the browser (issue 12 item 6), with an axe scan of each page:
the 退回补正 line on the list, the 退回补正 box and 审核记录 on the placement page, and after the employer's
fix and the reviewer's decision the history of both decisions with each event's 办理渠道."""

import pytest
from playwright.sync_api import Page, expect

from anbili.accounts.models import User
from anbili.employers.models import Employer
from anbili.placements import services
from tests.browser.conftest import shot
from tests.browser.test_browser_unit import QINGCHENG, _login, _open_window
from tests.placements.review_data import pending_placement, resubmit

pytestmark = pytest.mark.browser

ITEMS = ["请上传清晰的工资发放证明", "社保缴费凭证缺少10月的记录"]


def _shot(page: Page, name: str) -> None:
    shot(page, f"review-portal-{name}")


def test_the_employer_reads_the_send_back_and_the_history(journey, demo):
    _open_window()
    employer = Employer.objects.get(name=QINGCHENG)
    legal_person = employer.memberships.get(role="legal_person").user
    reviewer = User.objects.get(username="xincheng_reviewer")
    placement = pending_placement(employer, legal_person, name="施嵘")
    services.placement_send_back(
        placement_id=placement.pk,
        reviewer=reviewer,
        token=services.review_token(placement),
        items=ITEMS,
        note="补正后请重新保存",
    )
    page = journey.page
    _login(journey, employer.uscc)
    journey.goto("/portal/placements/")
    row = page.get_by_test_id("placement-row").filter(has_text="*嵘")  # names are masked on the list
    expect(row.get_by_test_id("sent-back-line")).to_have_text("已退回补正（2 项待补正）")
    expect(page.get_by_test_id("sent-back-line")).to_have_count(1)
    _shot(page, "list")

    journey.goto(f"/portal/placements/{placement.pk}/")
    box = page.get_by_role("region", name="退回补正：请补正以下内容后重新保存提交审核")
    for item in ITEMS:
        expect(box).to_contain_text(item)
    expect(box).to_contain_text("新城区残联于")
    reviews = page.get_by_role("table", name="残联审核记录，共 1 条")
    expect(reviews).to_contain_text("退回补正")
    expect(reviews).not_to_contain_text("xincheng_reviewer")
    _shot(page, "sent-back")

    placement.refresh_from_db()
    again = resubmit(placement, employer, legal_person, [202510, 202511, 202512])
    services.placement_review_decide(
        placement_id=again.pk,
        reviewer=reviewer,
        token=services.review_token(again),
        months={202510: (True, ""), 202511: (False, "工资低于最低工资标准"), 202512: (True, "")},
    )
    journey.goto(f"/portal/placements/{placement.pk}/")
    expect(page.get_by_test_id("placement-status")).to_have_text("部分审核不通过")
    expect(page.get_by_test_id("sent-back")).to_have_count(0)
    reviews = page.get_by_role("table", name="残联审核记录，共 2 条")
    expect(reviews).to_contain_text("202511 无效：工资低于最低工资标准")
    expect(page.get_by_role("region", name="状态变更记录")).to_contain_text("办理渠道：网上申报")
    _shot(page, "history")
