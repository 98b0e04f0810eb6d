"""年审申报进度 from real data: `home_progress` over the states of the unit information, the placements by
status and the declaration hook, and the home page showing the same steps as its counters."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from anbili.employers.models import UnitYearProfile
from anbili.employers.selectors import DeclarationProgress, PlacementProgress, home_progress
from anbili.placements.models import ConfirmedBy, Placement
from anbili.web.decorators import NOTICE_SESSION_KEY
from tests.factories import MembershipFactory, UnitYearProfileFactory
from tests.placements.placement_data import new_id_number

pytestmark = pytest.mark.usefixtures("frozen_clock")

YEAR = 2025
CONFIRMED_AT = datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
LABELS = ["单位信息", "安置登记", "审核", "完成申报", "发送税务"]


def _confirmed() -> UnitYearProfile:
    return UnitYearProfile(business_year=YEAR, confirmed_at=CONFIRMED_AT)


def _states(steps) -> list[tuple[str, str]]:
    return [(step.state, step.state_text) for step in steps]


def _current(steps) -> list[str]:
    return [step.label for step in steps if step.is_current]


def test_a_new_unit_starts_at_the_unit_information():
    steps = home_progress(None, YEAR, PlacementProgress())
    assert [step.label for step in steps] == LABELS
    assert _states(steps) == [("current", "进行中")] + [("todo", "未开始")] * 4
    assert "需先填写并保存 2025 业务年度的单位信息" in steps[0].detail
    assert steps[0].link == "portal:unit_info" and steps[0].link_text == "前往单位信息维护管理"
    assert steps[1].detail == "单位信息保存后可添加残疾人"
    assert _current(steps) == ["单位信息"]


def test_last_years_copy_is_still_to_be_confirmed():
    copy = UnitYearProfile(business_year=YEAR, copied_from_year=YEAR - 1)
    steps = home_progress(copy, YEAR, PlacementProgress())
    assert steps[0].state == "current" and "已按 2024 年度信息预填，请核对后确认" in steps[0].detail


def test_unit_saved_and_no_placement_yet():
    steps = home_progress(_confirmed(), YEAR, PlacementProgress())
    assert _states(steps)[:3] == [("done", "已完成"), ("current", "进行中"), ("todo", "未开始")]
    assert steps[0].detail == "2025业务年度单位信息已于 2026年3月2日 确认" and steps[0].link == ""
    assert "本业务年度尚未登记安置人员" in steps[1].detail and steps[1].link == "portal:placements"
    assert _current(steps) == ["安置登记"]


def test_drafts_keep_the_registration_open_while_submitted_ones_are_reviewed():
    steps = home_progress(_confirmed(), YEAR, PlacementProgress(draft=2, pending=1, confirmed=3))
    assert steps[1].state == "current"
    assert steps[1].detail == "已登记 6 人，其中 2 人资料待完善，请继续登记"
    assert steps[2].state == "current" and steps[2].detail.startswith("待审核 1 人，已审核确认 3 人")
    assert steps[3].state == "todo"
    assert _current(steps) == ["安置登记"]


def test_everything_submitted_and_waiting_for_review():
    steps = home_progress(_confirmed(), YEAR, PlacementProgress(pending=2, confirmed=1))
    assert _states(steps)[:4] == [
        ("done", "已完成"),
        ("done", "已完成"),
        ("current", "进行中"),
        ("todo", "未开始"),
    ]
    assert steps[1].detail == "已登记 3 人，均已提交"
    assert "待残联主管部门审核" in steps[2].detail
    assert _current(steps) == ["审核"]


@pytest.mark.parametrize(
    ("placed", "words"),
    [
        (PlacementProgress(confirmed=2, rejected=1), "审核不通过 1 人"),
        (PlacementProgress(confirmed=2, partly_rejected=1), "部分审核不通过 1 人"),
    ],
)
def test_a_refusal_needs_the_employers_action_before_declaring(placed, words):
    steps = home_progress(_confirmed(), YEAR, placed)
    assert (steps[2].state, steps[2].state_text) == ("attention", "需处理")
    assert words in steps[2].detail and "重新登记或删除" in steps[2].detail
    assert steps[2].link == "portal:placements"
    assert steps[3].state == "todo"
    assert _current(steps) == ["审核"]


def test_all_confirmed_asks_for_the_declaration():
    steps = home_progress(_confirmed(), YEAR, PlacementProgress(confirmed=4))
    assert _states(steps) == [
        ("done", "已完成"),
        ("done", "已完成"),
        ("done", "已完成"),
        ("current", "进行中"),
        ("todo", "未开始"),
    ]
    assert steps[2].detail == "4 人均已审核确认"
    assert "请在“残疾人安置管理”中点击“完成申报”" in steps[3].detail
    assert _current(steps) == ["完成申报"]


def test_the_declaration_hook_drives_the_last_two_steps():
    declared = DeclarationProgress(completed_at=CONFIRMED_AT)
    steps = home_progress(_confirmed(), YEAR, PlacementProgress(confirmed=4), declared)
    assert (steps[3].state, steps[3].detail) == ("done", "已于 2026年3月2日 完成申报")
    assert (steps[4].state, steps[4].detail) == ("current", "等待残联主管部门发送税务部门")
    sent = DeclarationProgress(completed_at=CONFIRMED_AT, sent_to_tax_at=CONFIRMED_AT)
    steps = home_progress(_confirmed(), YEAR, PlacementProgress(confirmed=4), sent)
    assert all(step.state == "done" for step in steps) and _current(steps) == []
    assert "可至税务部门缴纳残保金" in steps[4].detail


# --- the page --------------------


@pytest.fixture
def logged_in(client, regions):
    membership = MembershipFactory()
    client.force_login(membership.user, backend="anbili.accounts.backends.AccountBackend")
    session = client.session
    session["current_employer_id"] = membership.employer_id
    session[NOTICE_SESSION_KEY] = True
    session.save()
    return membership


def _placed(employer, status, *, confirmed_by=""):
    # The workflow's states are set directly here: the page only reads them.
    return Placement.objects.create(
        employer=employer,
        business_year=timezone.localdate().year - 1,
        id_number=new_id_number(),
        sex="男",
        birth_date=timezone.localdate().replace(year=1985),
        status=status,
        confirmed_by=confirmed_by,
    )


def _step(html: str, number: int) -> str:
    label = rf'<span class="progress-step-label">{number}\. '
    found = re.search(rf'<li class="progress-step[^"]*"[^>]*>\s*{label}.*?</li>', html, re.S)
    assert found, number
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(0)))


def test_the_home_page_steps_agree_with_its_counters(client, logged_in):
    employer = logged_in.employer
    UnitYearProfileFactory(employer=employer)
    _placed(employer, "confirmed", confirmed_by=ConfirmedBy.SYSTEM)
    _placed(employer, "pending")
    _placed(employer, "rejected")
    html = client.get("/portal/").content.decode()
    assert "已登记 <strong>3</strong> 人" in html
    assert "已登记 3 人，均已提交" in _step(html, 2)
    review = _step(html, 3)
    assert "进行中" in review and "待审核 1 人，已审核确认 1 人，审核不通过 1 人" in review
    assert "未开始" in _step(html, 4)
    assert re.search(
        r'progress-step-current" aria-current="step">\s*<span class="progress-step-label">3\. 审核', html
    )
    assert html.count('aria-current="step"') == 1
    # Once the review is over, the refused person needs the employer: 需处理, with the link to the list.
    Placement.objects.filter(status="pending").update(status="confirmed", confirmed_by=ConfirmedBy.REVIEWER)
    review = _step(client.get("/portal/").content.decode(), 3)
    assert "需处理" in review and "重新登记或删除" in review and "查看审核状态" in review
