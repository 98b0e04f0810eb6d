"""The notice pages of both front ends: visibility, search, paging, read marks, publishing."""

import pytest
from django.urls import reverse

from anbili.accounts.models import StaffRole
from anbili.notices.models import Notice, NoticeRead
from anbili.notices.services import notice_publish, notification_send
from anbili.web.decorators import NOTICE_SESSION_KEY
from tests.factories import EmployerFactory, MembershipFactory, StaffFactory, region

pytestmark = pytest.mark.django_db


def _portal_login(client, membership):
    client.force_login(membership.user, backend="anbili.accounts.backends.AccountBackend")
    session = client.session
    session["current_employer_id"] = membership.employer_id
    session[NOTICE_SESSION_KEY] = True
    session.save()


def _staff_login(client, code="150100", role=StaffRole.SUPERVISOR):
    staff = StaffFactory(region=region(code), staff_role=role)
    client.force_login(staff, backend="anbili.accounts.backends.AccountBackend")
    return staff


@pytest.fixture
def member(regions):
    return MembershipFactory(employer=EmployerFactory(dpf_region=region("150102")))


@pytest.fixture
def supervisor(regions):
    return StaffFactory(region=region("150100"), staff_role=StaffRole.SUPERVISOR)


def test_portal_list_shows_visible_notices_with_read_state_as_text(client, member, supervisor):
    notice_publish(staff=supervisor, title="关于开展年审工作的通知", body="请按时申报", region_code="150100")
    notice_publish(staff=supervisor, title="回民区的通知", body="别区", region_code="150103")
    notification_send(
        employer=member.employer, title="安置人员“施嵘”资料审核完成通知", body="有效月份为202101"
    )
    _portal_login(client, member)
    page = client.get(reverse("portal:notices")).content.decode()
    assert "关于开展年审工作的通知" in page
    assert "安置人员“施嵘”资料审核完成通知" in page
    assert "回民区的通知" not in page
    assert page.count(">未读<") == 2
    assert "共 2 条" in page
    assert 'href="/portal/notices/"' in page  # the menu entry appears once the page exists


def test_detail_marks_read_and_links_back(client, member):
    notice = notification_send(
        employer=member.employer,
        title="安置人员“施嵘”资料审核完成通知",
        body="贵单位安置人员“施嵘”资料审核已完成，有效月份为202101,202102",
    )
    _portal_login(client, member)
    response = client.get(reverse("portal:notice_detail", args=[notice.pk]) + "?back=q%3D%E6%96%BD")
    page = response.content.decode()
    assert response.status_code == 200
    assert "通知公告详情" in page
    assert "有效月份为202101,202102" in page
    assert 'href="/portal/notices/?q=%E6%96%BD"' in page or "/portal/notices/?q=" in page
    assert NoticeRead.objects.filter(notice=notice, user=member.user).exists()
    listing = client.get(reverse("portal:notices")).content.decode()
    assert ">已读<" in listing and ">未读<" not in listing


def test_detail_of_a_notice_not_visible_is_404(client, member, supervisor):
    other_region = notice_publish(staff=supervisor, title="回民区", body="x", region_code="150103")
    other_unit = notification_send(employer=EmployerFactory(), title="别家", body="x")
    withdrawn = notice_publish(staff=supervisor, title="撤回的", body="x", region_code="150100")
    Notice.objects.filter(pk=withdrawn.pk).update(is_published=False)
    _portal_login(client, member)
    for notice in (other_region, other_unit, withdrawn):
        assert client.get(reverse("portal:notice_detail", args=[notice.pk])).status_code == 404
    assert not NoticeRead.objects.exists()


def test_keyword_search_and_paging(client, member, supervisor):
    for i in range(20):
        notice_publish(staff=supervisor, title=f"通知第{i:02d}号", body="内容", region_code="150102")
    notice_publish(staff=supervisor, title="残保金征收政策解读", body="内容", region_code="150102")
    _portal_login(client, member)
    first = client.get(reverse("portal:notices")).content.decode()
    assert "共 21 条，第 1/2 页" in first
    assert "残保金征收政策解读" in first  # newest first
    second = client.get(reverse("portal:notices") + "?page=2").content.decode()
    assert "通知第00号" in second and "残保金征收政策解读" not in second
    found = client.get(reverse("portal:notices") + "?q=残保金").content.decode()
    assert "“残保金”的搜索结果，共 1 条" in found
    assert client.get(reverse("portal:notices") + "?page=abc").status_code == 200


def test_portal_pages_need_a_login(client, regions):
    response = client.get(reverse("portal:notices"))
    assert response.status_code == 302
    assert response["Location"].startswith("/portal/login/")


def test_supervisor_publishes_for_the_jurisdiction(client, regions, member):
    _staff_login(client, "150100")
    response = client.post(
        reverse("backoffice:notices"),
        {"title": "关于2024年度年审的通知", "body": "第一段\n\n第二段", "region_code": "150102"},
    )
    assert response.status_code == 302
    notice = Notice.objects.get()
    assert (notice.title, notice.region_id, notice.is_published) == ("关于2024年度年审的通知", "150102", True)
    page = client.get(reverse("backoffice:notices")).content.decode()
    assert "关于2024年度年审的通知" in page and "已发布" in page


def test_publishing_for_a_region_outside_is_refused_with_a_field_message(client, regions):
    _staff_login(client, "150100")
    response = client.post(
        reverse("backoffice:notices"), {"title": "标题", "body": "内容", "region_code": "150200"}
    )
    assert response.status_code == 400
    assert "发布范围" in response.content.decode()
    assert not Notice.objects.exists()


def test_empty_title_is_refused(client, regions):
    _staff_login(client, "150100")
    response = client.post(
        reverse("backoffice:notices"), {"title": "", "body": "内容", "region_code": "150100"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "请填写「标题」" in body and "这个字段是必填项" not in body  # the back office names the field too
    assert not Notice.objects.exists()


def test_reviewer_reads_but_has_no_publish_form(client, regions, supervisor):
    notice_publish(staff=supervisor, title="市级通知", body="内容", region_code="150100")
    _staff_login(client, "150100", StaffRole.REVIEWER)
    page = client.get(reverse("backoffice:notices")).content.decode()
    assert "市级通知" in page
    assert "发布通知公告" not in page
    response = client.post(
        reverse("backoffice:notices"), {"title": "t", "body": "b", "region_code": "150100"}
    )
    assert response.status_code == 404
    assert Notice.objects.count() == 1


def test_staff_of_another_region_gets_404_for_detail_edit_and_withdraw(client, regions, supervisor):
    notice = notice_publish(staff=supervisor, title="市级通知", body="内容", region_code="150100")
    _staff_login(client, "150200")
    assert client.get(reverse("backoffice:notice_detail", args=[notice.pk])).status_code == 404
    assert client.post(reverse("backoffice:notice_publish_toggle", args=[notice.pk])).status_code == 404
    assert "市级通知" not in client.get(reverse("backoffice:notices")).content.decode()
    notice.refresh_from_db()
    assert notice.is_published


def test_withdraw_and_edit_from_the_detail_page(client, regions, member):
    staff = _staff_login(client, "150100")
    notice = notice_publish(staff=staff, title="旧标题", body="内容", region_code="150100")
    response = client.post(reverse("backoffice:notice_publish_toggle", args=[notice.pk]), {"next": "detail"})
    assert response["Location"] == reverse("backoffice:notice_detail", args=[notice.pk])
    notice.refresh_from_db()
    assert not notice.is_published
    response = client.post(
        reverse("backoffice:notice_detail", args=[notice.pk]),
        {"title": "新标题", "body": "新内容", "region_code": "150102"},
    )
    assert response.status_code == 302
    notice.refresh_from_db()
    assert (notice.title, notice.region_id) == ("新标题", "150102")


def test_employers_cannot_reach_the_backoffice_pages(client, member):
    _portal_login(client, member)
    assert client.get(reverse("backoffice:notices")).status_code == 404


def test_list_pages_cost_the_same_queries_for_3_or_30_notices(client, member, supervisor):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(url: str) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    for i in range(3):
        notice_publish(staff=supervisor, title=f"通知{i}", body="内容", region_code="150100")
    _portal_login(client, member)
    portal_small = queries(reverse("portal:notices"))
    client.force_login(supervisor, backend="anbili.accounts.backends.AccountBackend")
    backoffice_small = queries(reverse("backoffice:notices"))
    for i in range(27):
        notice_publish(staff=supervisor, title=f"更多{i}", body="内容", region_code="150102")
        notification_send(employer=member.employer, title=f"系统通知{i}", body="内容")
    assert queries(reverse("backoffice:notices")) == backoffice_small
    _portal_login(client, member)
    assert queries(reverse("portal:notices")) == portal_small
