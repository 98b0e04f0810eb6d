"""Migrations 0003-0005: older per-user read marks become marks of every unit the user holds (a
notification's: its own unit), and older announcements get their publishing office as 发布单位."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("notices", "0002_sms_claim")]
AFTER = [("notices", "0005_noticeread_employer_required")]


@pytest.mark.django_db(transaction=True)
def test_older_read_marks_and_publishers_are_carried_over(regions):
    executor = MigrationExecutor(connection)
    # Every other app stays at its latest state; only notices goes back.
    others = [node for node in executor.loader.graph.leaf_nodes() if node[0] != "notices"]
    executor.migrate(BEFORE)
    old = executor.loader.project_state(others + BEFORE).apps
    Region = old.get_model("regions", "Region")
    Employer = old.get_model("employers", "Employer")
    User = old.get_model("accounts", "User")
    Membership = old.get_model("accounts", "Membership")
    Notice = old.get_model("notices", "Notice")
    NoticeRead = old.get_model("notices", "NoticeRead")
    county = Region.objects.get(code="150102")

    def unit(uscc: str):
        return Employer.objects.create(
            uscc=uscc,
            name=f"单位{uscc[-2:]}",
            nature="enterprise",
            dpf_region=county,
            tax_region=county,
            admin_region=county,
        )

    first, second = unit("91150102MA0N4QCD0T"), unit("91150203MA0N7BTW1R")
    legal = User.objects.create(username="150102197805120013", kind="legal_person", full_name="张文磊")
    Membership.objects.create(user=legal, employer=first, role="legal_person", is_default=True)
    Membership.objects.create(user=legal, employer=second, role="legal_person")
    province = User.objects.create(
        username="nmg_admin", kind="staff", staff_role="admin", region=Region.objects.get(code="150000")
    )
    now = timezone.now()
    announcement = Notice.objects.create(
        kind="announcement", title="通知", body="内容", region=county, published_by=province, published_at=now
    )
    orphan = Notice.objects.create(
        kind="announcement", title="旧", body="内容", region=county, published_at=now
    )
    notification = Notice.objects.create(
        kind="notification", title="系统通知", body="内容", employer=second, published_at=now
    )
    NoticeRead.objects.create(notice=announcement, user=legal)
    NoticeRead.objects.create(notice=notification, user=legal)

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(others + AFTER).apps
    Notice = new.get_model("notices", "Notice")
    NoticeRead = new.get_model("notices", "NoticeRead")
    assert Notice.objects.get(pk=announcement.pk).publisher_name == "内蒙古自治区残联"
    assert Notice.objects.get(pk=orphan.pk).publisher_name == "新城区残联"  # no publisher known: its office
    marks = set(NoticeRead.objects.values_list("notice_id", "employer_id"))
    assert marks == {(announcement.pk, first.pk), (announcement.pk, second.pk), (notification.pk, second.pk)}
