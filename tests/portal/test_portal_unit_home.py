"""The portal home (首页): progress steps, the year's counters or their empty state, notices, the window."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from anbili.employers.selectors import PlacementFigures
from anbili.notices.models import Notice, NoticeKind
from anbili.placements.models import ConfirmedBy, Placement, PlacementMonth
from anbili.portal import views as portal_views
from anbili.regions.models import DeclarationWindow
from anbili.web.decorators import NOTICE_SESSION_KEY
from tests.factories import MembershipFactory, UnitYearProfileFactory, region
from tests.placements.placement_data import new_id_number


@pytest.fixture
def logged_in(client, regions):
    membership = MembershipFactory()
    client.force_login(membership.user, backend="anbili.accounts.backends.AccountBackend")
    session = client.session
    session["current_employer_id"] = membership.employer_id
    session[NOTICE_SESSION_KEY] = True
    session.save()
    return membership


def _window(opens, closes):
    today = timezone.localdate()
    DeclarationWindow.objects.filter(year=today.year).update(opens=opens, closes=closes)


def test_progress_steps_say_their_state_in_words(client, logged_in):
    html = client.get("/portal/").content.decode()
    labels = re.findall(r'<span class="progress-step-label">\d\. (\S+)</span>', html)
    assert labels == ["单位信息", "安置登记", "审核", "完成申报", "发送税务"]
    assert re.search(r'aria-current="step">\s*<span class="progress-step-label">1\. 单位信息</span>\s*'
                     r'<span class="progress-step-state">进行中</span>', html)  # fmt: skip
    assert html.count("未开始") == 4
    assert "前往单位信息维护管理" in html


def test_unit_step_is_done_once_this_years_profile_is_confirmed(client, logged_in):
    year = timezone.localdate().year - 1
    UnitYearProfileFactory(employer=logged_in.employer, business_year=year)
    html = client.get("/portal/").content.decode()
    assert re.search(
        r'1\. 单位信息</span>\s*<span class="progress-step-state"><span aria-hidden="true">✓ </span>已完成',
        html,
    )
    assert f"{year}业务年度单位信息已于" in html
    assert re.search(r'aria-current="step">\s*<span class="progress-step-label">2\. 安置登记', html)


def test_last_years_profile_alone_leaves_the_unit_step_open(client, logged_in):
    year = timezone.localdate().year - 1
    UnitYearProfileFactory(employer=logged_in.employer, business_year=year - 1)
    html = client.get("/portal/").content.decode()
    assert "已完成" not in html
    assert f"已按 {year - 1} 年度信息预填，请核对后确认" in html


def test_no_placements_yet_gives_an_honest_empty_state(client, logged_in):
    html = client.get("/portal/").content.decode()
    assert "本业务年度尚未登记安置人员" in html
    assert 'id="placement-chart"' not in html and "echarts" not in html


def test_figures_render_a_chart_with_a_table_alternative(client, logged_in, monkeypatch):
    figures = PlacementFigures(
        counters=(("已登记", 2), ("待审核", 1)),
        monthly=tuple((f"2025-{m:02d}", 2, 1 if m > 6 else 0) for m in range(1, 13)),
    )
    monkeypatch.setattr(portal_views, "placement_home_figures", lambda employer, year: figures)
    html = client.get("/portal/").content.decode()
    assert '<script id="placement-chart-data" type="application/json">' in html
    assert '"months": ["2025-01"' in html
    assert "<caption>各月安置人数（图表的文字版本）</caption>" in html
    assert '<th scope="row">2025-07</th><td>2</td><td>1</td>' in html
    assert "已登记 <strong>2</strong> 人" in html
    assert "vendor/echarts.min.js" in html and "js/home.js" in html


def _placed(employer, year, status, months, *, confirmed_by=""):
    # The workflow's states are set directly here: the page only reads them.
    placement = Placement.objects.create(
        employer=employer,
        business_year=year,
        id_number=new_id_number(),
        sex="男",
        birth_date=timezone.localdate().replace(year=1985),
        status=status,
        confirmed_by=confirmed_by,
    )
    for month, outcome in months.items():
        PlacementMonth.objects.create(
            placement=placement, month=year * 100 + month, selected=True, outcome=outcome, weight=2
        )
    return placement


def test_home_counters_are_the_years_real_placements(client, logged_in):
    year = timezone.localdate().year - 1
    employer = logged_in.employer
    _placed(
        employer,
        year,
        "confirmed",
        {1: "auto_confirmed", 2: "auto_confirmed"},
        confirmed_by=ConfirmedBy.SYSTEM,
    )
    _placed(employer, year, "pending", {2: "pending_review"})
    _placed(employer, year, "draft", {})
    _placed(employer, year - 1, "confirmed", {1: "confirmed"})  # another business year: not counted
    html = client.get("/portal/").content.decode()
    assert 'data-testid="counters-empty"' not in html
    counters = re.sub(r"\s+", "", html.split('data-testid="counters"')[1].split("</ul>")[0])
    for label, count in (
        ("已登记", 3),
        ("审核通过(系统)", 1),
        ("待审核", 1),
        ("资料待完善", 1),
        ("审核不通过", 0),
    ):
        assert f"{label}<strong>{count}</strong>人" in counters
    # The chart's table: persons registered / confirmed per month.
    assert f'<th scope="row">{year}-02</th><td>2</td><td>1</td>' in html
    assert f'<th scope="row">{year}-01</th><td>1</td><td>1</td>' in html


def test_latest_notices_with_unread_marks(client, logged_in):
    now = timezone.now()
    for i in range(7):
        Notice.objects.create(
            kind=NoticeKind.ANNOUNCEMENT,
            title=f"通知{i}",
            body="内容",
            region=region("150000"),
            published_at=now - timedelta(hours=i),
        )
    Notice.objects.create(
        kind=NoticeKind.ANNOUNCEMENT,
        title="江西的通知",
        body="内容",
        region=region("360000"),
        published_at=now,
    )
    html = client.get("/portal/").content.decode()
    titles = re.findall(r'<a href="/portal/notices/\d+/">([^<]+)</a>', html)
    assert titles == ["通知0", "通知1", "通知2", "通知3", "通知4"]
    assert html.count(">未读</span>") == 5
    assert "查看全部通知公告" in html


def test_window_open_shows_days_left(client, logged_in):
    today = timezone.localdate()
    _window(today - timedelta(days=1), today + timedelta(days=10))
    html = client.get("/portal/").content.decode()
    assert "距申报截止还有 <strong>10</strong> 天" in html
    _window(today - timedelta(days=1), today)
    assert "今天是申报截止日" in client.get("/portal/").content.decode()


def test_window_closed_says_when_it_opens(client, logged_in):
    today = timezone.localdate()
    if today.month == 12 and today.day > 29:
        pytest.skip("no room for a later window this year")
    opens = today + timedelta(days=1)
    _window(opens, today.replace(month=12, day=31))
    html = client.get("/portal/").content.decode()
    assert f"将于 {opens.year}年{opens.month}月{opens.day}日 开放" in html
    assert "（还有 1 天）" in html


def test_special_notice_dialog_still_shows_before_confirmation(client, regions):
    membership = MembershipFactory()
    client.force_login(membership.user, backend="anbili.accounts.backends.AccountBackend")
    session = client.session
    session["current_employer_id"] = membership.employer_id
    session.save()
    html = client.get("/portal/").content.decode()
    assert '<dialog id="special-notice"' in html and "特别提示" in html
