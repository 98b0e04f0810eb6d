"""Every time the employer reads is Beijing time (TIME_ZONE), never UTC: the list's 单位申报时间 and
审核确认时间, 查看, 人员信息校验's 最近核验时间 and the received time of its sources, and the audit entry's
text. Each stored moment is chosen so that UTC and Beijing time fall on different days."""

from datetime import UTC, datetime

import pytest
import time_machine

from anbili.audit.models import AuditAction, AuditEntry
from anbili.placements import services
from anbili.placements.models import Placement
from anbili.web.decorators import NOTICE_SESSION_KEY
from tests.placements.placement_data import TODAY, YEAR, new_id_number, ready_draft, registry_person

pytestmark = pytest.mark.django_db

STORED = datetime(2026, 5, 31, 17, 5, 9, tzinfo=UTC)  # 2026-06-01 01:05:09 Beijing time
VERIFIED = datetime(2026, 6, 1, 18, 45, tzinfo=UTC)  # 2026-06-02 02:45:00 Beijing time


@pytest.fixture
def portal(client, user, employer):
    client.force_login(user, backend="anbili.accounts.backends.AccountBackend")
    session = client.session
    session["current_employer_id"] = employer.pk
    session[NOTICE_SESSION_KEY] = True
    session.save()
    return client


@pytest.fixture
def confirmed(employer, user):
    number = new_id_number()
    with time_machine.travel(VERIFIED, tick=False):
        registry_person(number, payer=employer.uscc)  # the registry rows are received at VERIFIED
        placement = ready_draft(employer, user, number)
        services.placement_months_save(
            placement_id=placement.pk,
            employer=employer,
            actor=user,
            today=TODAY,
            months=[YEAR * 100 + m for m in range(1, 13)],
            evidence={},
        )
    Placement.objects.filter(pk=placement.pk).update(registered_at=STORED, confirmed_at=STORED)
    return placement


def test_the_list_and_the_view_show_beijing_time(confirmed, portal):
    for url in ("/portal/placements/", f"/portal/placements/{confirmed.pk}/"):
        page = portal.get(url).content.decode()
        assert "2026-06-01 01:05:09" in page, url
        assert "2026-05-31 17:05" not in page, url


def test_the_verify_page_shows_the_verification_and_received_times_in_beijing_time(confirmed, portal):
    page = portal.get(f"/portal/placements/{confirmed.pk}/verify/").content.decode()
    assert "最近核验时间：2026-06-02 02:45:00" in page
    assert "接收时间 2026-06-02 02:45" in page
    assert "2026-06-01 18:45" not in page


def test_an_audit_entry_reads_in_beijing_time(user):
    entry = AuditEntry.objects.create(at=STORED, actor_label="clerk", action=AuditAction.DOCUMENT_VIEW)
    assert str(entry).startswith("2026-06-01 01:05:09 clerk")
