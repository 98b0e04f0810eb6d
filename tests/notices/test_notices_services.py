"""Publishing within a jurisdiction, what each employer sees, read marks, and system notifications."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from anbili.accounts.models import StaffRole
from anbili.core.errors import ApplicationError
from anbili.notices.models import Notice, NoticeKind, NoticeRead, SmsMessage, SmsStatus
from anbili.notices.selectors import notice_list_for_employer, notice_unread_count_for_employer
from anbili.notices.services import (
    notice_mark_read,
    notice_publish,
    notice_republish,
    notice_unpublish,
    notice_update,
    notification_recipients,
    notification_send,
)
from tests.factories import AgentMembershipFactory, EmployerFactory, MembershipFactory, StaffFactory, region

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]


def _staff(code: str, role: str = StaffRole.SUPERVISOR):
    return StaffFactory(region=region(code), staff_role=role)


def _publish(code: str, title: str, *, staff_code: str | None = None) -> Notice:
    return notice_publish(
        staff=_staff(staff_code or code), title=title, body=f"{title}的内容", region_code=code
    )


def test_employer_sees_notices_of_its_region_and_above_and_its_own_notifications(regions):
    xincheng = EmployerFactory(dpf_region=region("150102"))
    other = EmployerFactory(dpf_region=region("150102"))
    _publish("150000", "自治区通知")
    _publish("150100", "呼和浩特市通知")
    _publish("150102", "新城区通知")
    _publish("150103", "回民区通知")  # a sibling county
    _publish("150200", "包头市通知")  # another city
    _publish("360000", "江西省通知")  # another province
    notification_send(employer=xincheng, title="安置人员“施嵘”资料审核完成通知", body="有效月份为202101")
    notification_send(employer=other, title="别家单位的通知", body="不可见")

    titles = [n.title for n in notice_list_for_employer(xincheng)]
    assert titles == ["安置人员“施嵘”资料审核完成通知", "新城区通知", "呼和浩特市通知", "自治区通知"]


def test_newest_first_keyword_search_and_limit(regions):
    employer = EmployerFactory(dpf_region=region("150102"))
    old = _publish("150100", "关于开展2023年度按比例就业年审的通知")
    Notice.objects.filter(pk=old.pk).update(published_at=timezone.now() - timedelta(days=30))
    _publish("150100", "申报期延长公告")
    notification_send(
        employer=employer, title="安置人员“景晓东”资料审核完成通知", body="有效月份为202101,202102"
    )

    assert [n.title for n in notice_list_for_employer(employer, query="年审")] == [old.title]
    assert [n.title for n in notice_list_for_employer(employer, query="202102")] == [
        "安置人员“景晓东”资料审核完成通知"
    ]
    assert [n.title for n in notice_list_for_employer(employer, query="年审 2023")] == [old.title]
    assert notice_list_for_employer(employer, query="不存在的词").count() == 0
    latest = list(notice_list_for_employer(employer, limit=2))
    assert [n.title for n in latest] == ["安置人员“景晓东”资料审核完成通知", "申报期延长公告"]


def test_read_marks_are_per_user_and_idempotent(regions):
    legal = MembershipFactory(employer=EmployerFactory(dpf_region=region("150102")))
    agent = AgentMembershipFactory(employer=legal.employer)
    first = _publish("150102", "第一条")
    _publish("150102", "第二条")

    notice_mark_read(user=legal.user, employer=legal.employer, notice=first)
    notice_mark_read(user=legal.user, employer=legal.employer, notice=first)
    assert NoticeRead.objects.filter(notice=first).count() == 1

    by_legal = {n.title: n.is_read for n in notice_list_for_employer(legal.employer, user=legal.user)}
    by_agent = {n.title: n.is_read for n in notice_list_for_employer(legal.employer, user=agent.user)}
    assert by_legal == {"第一条": True, "第二条": False}
    assert by_agent == {"第一条": False, "第二条": False}
    assert notice_unread_count_for_employer(legal.employer, user=legal.user) == 1
    assert notice_unread_count_for_employer(legal.employer, user=agent.user) == 2


def test_read_marks_are_per_unit(regions):
    """A legal person holding two units: reading a notice as unit 1 leaves it unread for unit 2."""
    first = MembershipFactory(employer=EmployerFactory(dpf_region=region("150102")))
    second = MembershipFactory(
        user=first.user, employer=EmployerFactory(dpf_region=region("150102")), is_default=False
    )
    notice = _publish("150100", "呼和浩特市通知")

    notice_mark_read(user=first.user, employer=first.employer, notice=notice)

    def read_state(employer):
        return [n.is_read for n in notice_list_for_employer(employer, user=first.user)]

    assert read_state(first.employer) == [True]
    assert read_state(second.employer) == [False]
    assert notice_unread_count_for_employer(first.employer, user=first.user) == 0
    assert notice_unread_count_for_employer(second.employer, user=first.user) == 1
    notice_mark_read(user=first.user, employer=second.employer, notice=notice)
    assert read_state(second.employer) == [True]
    assert NoticeRead.objects.filter(notice=notice, user=first.user).count() == 2


def test_publisher_is_the_publishing_dpf_not_the_audience(regions):
    """A province's office publishing for one county is 内蒙古自治区残联, not 新城区残联; a national admin's
    notice is 中国残联's; a notification is the system's."""
    employer = EmployerFactory(dpf_region=region("150102"))
    _publish("150102", "自治区发给新城区的通知", staff_code="150000")
    _publish("150102", "新城区自己的通知")
    national = StaffFactory(region=None, staff_role=StaffRole.NATIONAL_ADMIN)
    notice_publish(staff=national, title="全国通知", body="内容", region_code="150102")
    notification_send(employer=employer, title="系统通知", body="内容")
    labels = {n.title: n.publisher_label for n in notice_list_for_employer(employer)}
    assert labels == {
        "自治区发给新城区的通知": "内蒙古自治区残联",
        "新城区自己的通知": "新城区残联",
        "全国通知": "中国残联",
        "系统通知": "系统",
    }


def test_list_costs_one_query_however_many_notices(regions):
    membership = MembershipFactory(employer=EmployerFactory(dpf_region=region("150102")))
    for i in range(3):
        _publish("150100", f"通知{i}")

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            rows = list(notice_list_for_employer(membership.employer, user=membership.user))
            _ = [(n.title, n.is_read, n.publisher_label) for n in rows]
        return len(ctx.captured_queries)

    small = count_queries()
    for i in range(20):
        _publish("150102", f"更多通知{i}")
        notification_send(employer=membership.employer, title=f"系统通知{i}", body="内容")
    assert count_queries() == small == 1


@pytest.mark.parametrize(
    ("staff_code", "target", "field", "message"),
    [
        ("150102", "150100", "region_code", "只能是本级或下级区划"),  # a county cannot publish for its city
        ("150100", "150200", "region_code", "只能是本级或下级区划"),  # nor a city for another city
        ("150100", "360000", "region_code", "只能是本级或下级区划"),
        ("150100", "999999", "region_code", "请选择「发布范围」"),
    ],
)
def test_publishing_outside_the_jurisdiction_is_refused(regions, staff_code, target, field, message):
    with pytest.raises(ApplicationError) as refused:
        notice_publish(staff=_staff(staff_code), title="标题", body="内容", region_code=target)
    assert refused.value.field == field
    assert message in refused.value.message
    assert not Notice.objects.exists()


def test_reviewers_read_but_do_not_publish(regions):
    with pytest.raises(ApplicationError, match="只有业务主管和系统管理员"):
        notice_publish(staff=_staff("150102", StaffRole.REVIEWER), title="t", body="b", region_code="150102")
    assert not Notice.objects.exists()


@pytest.mark.parametrize(
    ("title", "body", "field"),
    [("", "内容", "title"), ("   ", "内容", "title"), ("标题", "", "body"), ("题" * 201, "内容", "body")],
)
def test_title_and_body_are_required_with_field_messages(regions, title, body, field):
    with pytest.raises(ApplicationError) as refused:
        notice_publish(staff=_staff("150100"), title=title, body=body, region_code="150100")
    expected = "title" if len(title) > 200 else field
    assert refused.value.field == expected
    assert "标题" in refused.value.message or "内容" in refused.value.message


def test_unpublish_hides_and_republish_shows_again(regions):
    employer = EmployerFactory(dpf_region=region("150102"))
    staff = _staff("150100")
    notice = notice_publish(staff=staff, title="年审通知", body="内容", region_code="150100")
    notice_unpublish(staff=staff, notice_id=notice.pk)
    assert notice_list_for_employer(employer).count() == 0
    with pytest.raises(ApplicationError, match="已撤回"):
        notice_unpublish(staff=staff, notice_id=notice.pk)
    notice_republish(staff=staff, notice_id=notice.pk)
    assert [n.title for n in notice_list_for_employer(employer)] == ["年审通知"]


def test_update_within_jurisdiction_only(regions):
    city = _staff("150100")
    notice = notice_publish(staff=city, title="旧标题", body="内容", region_code="150100")
    updated = notice_update(
        staff=city, notice_id=notice.pk, title="新标题", body="新内容", region_code="150102"
    )
    assert (updated.title, updated.region_id) == ("新标题", "150102")
    with pytest.raises(ApplicationError, match="不存在"):
        notice_update(staff=_staff("150200"), notice_id=notice.pk, title="x", body="y", region_code="150200")
    notice.refresh_from_db()
    assert notice.title == "新标题"


def test_notification_without_sms_creates_only_the_portal_notification(regions):
    employer = EmployerFactory()
    notice = notification_send(employer=employer, title="安置人员“X”资料审核完成通知", body="审核已完成")
    assert notice.kind == NoticeKind.NOTIFICATION
    assert notice.employer == employer
    assert notice.region is None
    assert not SmsMessage.objects.exists()


def test_recipients_are_the_legal_person_and_valid_agents_with_a_mobile(regions):
    legal = MembershipFactory(user__phone="138 0000 0001")
    employer = legal.employer
    AgentMembershipFactory(employer=employer, user__phone="+8613900000002")
    AgentMembershipFactory(employer=employer, user__phone="13900000002")  # the same phone twice: sent once
    AgentMembershipFactory(employer=employer, user__phone="0471-5103279")  # a landline cannot receive SMS
    AgentMembershipFactory(employer=employer, user__phone="")
    today = timezone.localdate()
    AgentMembershipFactory(
        employer=employer,
        user__phone="13900000009",
        valid_from=today - timedelta(days=400),
        valid_until=today - timedelta(days=1),
    )  # expired
    AgentMembershipFactory(user__phone="13900000008")  # an agent of another unit
    assert notification_recipients(employer) == ["13800000001", "13900000002"]


def test_notification_with_sms_queues_after_commit_and_delivers(
    regions, django_capture_on_commit_callbacks, sms_gateway
):
    legal = MembershipFactory(user__phone="13800000001")
    AgentMembershipFactory(employer=legal.employer, user__phone="13900000002")
    text = "【残联】贵单位安置人员“施嵘”资料审核已完成，请登录网报系统查看。"
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notice = notification_send(
            employer=legal.employer,
            title="安置人员“施嵘”资料审核完成通知",
            body="有效月份为202101",
            sms_text=text,
        )
    assert sms_gateway.received == []  # nothing leaves before the commit
    assert SmsMessage.objects.filter(notice=notice, status=SmsStatus.PENDING).count() == 2
    for callback in callbacks:
        callback()
    assert sorted(m["phone"] for m in sms_gateway.received) == ["13800000001", "13900000002"]
    assert {m["text"] for m in sms_gateway.received} == {text}
    assert {h["Authorization"] for h in sms_gateway.headers} == {"Bearer test-token"}
    statuses = set(SmsMessage.objects.filter(notice=notice).values_list("status", "attempts"))
    assert statuses == {(SmsStatus.SENT, 1)}


def test_a_rolled_back_notification_sends_nothing(regions, sms_gateway):
    from django.db import transaction

    legal = MembershipFactory(user__phone="13800000001")
    with pytest.raises(RuntimeError), transaction.atomic():
        notification_send(employer=legal.employer, title="t", body="b", sms_text="短信")
        raise RuntimeError("the review decision failed")
    assert not Notice.objects.exists()
    assert not SmsMessage.objects.exists()
    assert sms_gateway.received == []
