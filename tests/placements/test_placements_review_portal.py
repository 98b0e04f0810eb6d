"""The review as the employer sees it (issue 12 item 6): the 退回补正 list on the placement page and a short
line on the list while the draft waits to be fixed; the history of decisions (审核事项, 审核结果, 审核人员 as
the DPF office, 审核时间, reasons) stays after the placement comes back; each event names its 办理渠道."""

import re

import pytest

from anbili.accounts.models import StaffRole
from anbili.placements import services
from anbili.placements.selectors_review import (
    placement_review_history,
    placement_send_back_open,
    placements_sent_back,
)
from anbili.web.decorators import NOTICE_SESSION_KEY
from tests.factories import StaffFactory, region
from tests.placements.review_data import pending_placement, resubmit

pytestmark = pytest.mark.django_db

OCT, NOV, DEC = 202510, 202511, 202512
ITEMS = ["请上传清晰的工资发放证明", "社保缴费凭证缺少10月"]


@pytest.fixture
def reviewer(regions):
    return StaffFactory(staff_role=StaffRole.REVIEWER, region=region("150102"), username="reviewer_zhang")


@pytest.fixture
def pending(employer, user):
    return pending_placement(employer, user, name="施嵘")


@pytest.fixture
def portal(client, employer, user):
    client.force_login(user, backend="anbili.accounts.backends.AccountBackend")
    session = client.session
    session["current_employer_id"] = employer.pk
    session[NOTICE_SESSION_KEY] = True
    session.save()
    return client


def _text(response) -> str:
    assert response.status_code == 200
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def _send_back(placement, reviewer):
    return services.placement_send_back(
        placement_id=placement.pk,
        reviewer=reviewer,
        token=services.review_token(placement),
        items=ITEMS,
        note="请尽快补正",
    )


def test_a_sent_back_draft_shows_what_to_fix_until_it_is_saved_again(
    portal, pending, reviewer, employer, user
):
    office = f"{region('150102').name}残联"
    assert placement_send_back_open(pending) is None
    back = _send_back(pending, reviewer)
    page = _text(portal.get(f"/portal/placements/{back.pk}/"))
    assert "退回补正：请补正以下内容后重新保存提交审核" in page
    assert all(item in page for item in ITEMS) and "补充说明：请尽快补正" in page
    assert f"{office}于" in page and "reviewer_zhang" not in page
    listing = _text(portal.get("/portal/placements/"))
    assert "已退回补正（2 项待补正）" in listing

    again = resubmit(back, employer, user, [OCT, NOV, DEC])
    assert placement_send_back_open(again) is None and placements_sent_back([again]) == {}
    page = _text(portal.get(f"/portal/placements/{again.pk}/"))
    assert "请补正以下内容" not in page
    assert "审核记录" in page and "退回补正" in page and ITEMS[0] in page  # the history stays
    assert "已退回补正" not in _text(portal.get("/portal/placements/"))


def test_the_history_names_each_decision_by_its_office_and_time(portal, pending, reviewer, employer, user):
    back = _send_back(pending, reviewer)
    again = resubmit(back, employer, user, [OCT, NOV, DEC])
    services.placement_review_decide(
        placement_id=again.pk,
        reviewer=reviewer,
        token=services.review_token(again),
        months={OCT: (True, ""), NOV: (False, "工资低于最低工资标准"), DEC: (True, "")},
    )
    history = placement_review_history(again)
    assert [(e.kind_label, e.outcome_label) for e in history] == [
        ("退回补正", "退回补正"),
        ("安置月份认定", "部分审核不通过"),
    ]
    assert history[1].reasons == ("认定有效：202510、202512", "202511 无效：工资低于最低工资标准")
    assert {e.office for e in history} == {f"{region('150102').name}残联"}
    page = _text(portal.get(f"/portal/placements/{again.pk}/"))
    assert "残联审核记录，共 2 条" in page
    assert "202511 无效：工资低于最低工资标准" in page and "认定有效：202510、202512" in page
    assert "reviewer_zhang" not in page
    assert "办理渠道：网上申报" in page


def test_an_event_done_at_the_window_says_so(portal, pending, reviewer, employer, user):
    back = _send_back(pending, reviewer)
    with services.at_window():
        resubmit(back, employer, user, [OCT, NOV, DEC])
    page = _text(portal.get(f"/portal/placements/{back.pk}/"))
    assert "办理渠道：现场申报" in page and "办理渠道：网上申报" in page


def test_the_list_reads_every_sent_back_draft_in_one_query(
    employer, user, reviewer, django_assert_num_queries, regions
):
    placements = [pending_placement(employer, user) for _ in range(3)]
    for placement in placements[:2]:
        _send_back(placement, reviewer)
    for placement in placements:
        placement.refresh_from_db()
    with django_assert_num_queries(1):
        found = placements_sent_back(placements)
    assert found == {placements[0].pk: ITEMS, placements[1].pk: ITEMS}
