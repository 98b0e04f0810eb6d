"""Two reviewers decide the same placement at the same moment (issue 12 item 3): one decision wins, the other
is refused with ReviewChanged ("该安置登记已被其他审核人员处理…"), and nothing of it is written."""

import threading

import pytest
from django.db import connection, connections

from anbili.accounts.models import StaffRole
from anbili.audit.models import AuditAction, AuditEntry
from anbili.notices.models import Notice
from anbili.placements import services
from anbili.placements.models import Placement, PlacementEvent, PlacementReview, PlacementStatus
from anbili.placements.services import review
from tests.factories import StaffFactory, region
from tests.placements.review_data import pending_placement

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite serialises every writer on one database lock, so two decisions cannot overlap; the "
        "race is only meaningful on PostgreSQL (run with DATABASE_URL=postgres://…)",
    ),
]

MONTHS = {202510: (True, ""), 202511: (False, "工资低于最低工资标准"), 202512: (True, "")}


def test_two_reviewers_deciding_at_once_one_wins_the_other_is_told(employer, user, monkeypatch):
    placement = pending_placement(employer, user)
    first = StaffFactory(staff_role=StaffRole.REVIEWER, region=region("150102"))
    second = StaffFactory(staff_role=StaffRole.SUPERVISOR, region=region("150100"))
    token = services.review_token(placement)  # both screens were opened on the same state
    events_before = PlacementEvent.objects.filter(placement_ref=placement.pk).count()
    barrier = threading.Barrier(2)
    locked = review.locked_placement

    def both_checked(placement_id):
        # Both transactions passed the role and jurisdiction checks before either takes the row lock.
        barrier.wait(timeout=10)
        return locked(placement_id)

    monkeypatch.setattr(review, "locked_placement", both_checked)
    results: dict[str, object] = {}

    def decide():
        try:
            results["decide"] = services.placement_review_decide(
                placement_id=placement.pk, reviewer=first, token=token, months=MONTHS
            )
        except Exception as exc:
            results["decide"] = exc
        finally:
            connections.close_all()

    def send_back():
        try:
            results["send_back"] = services.placement_send_back(
                placement_id=placement.pk, reviewer=second, token=token, items=["请上传清晰的工资发放证明"]
            )
        except Exception as exc:
            results["send_back"] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=decide), threading.Thread(target=send_back)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    won = [name for name, result in results.items() if isinstance(result, Placement)]
    lost = [result for result in results.values() if isinstance(result, services.ReviewChanged)]
    assert len(won) == 1 and len(lost) == 1, results
    assert lost[0].code == "changed"
    assert lost[0].message == "该安置登记已被其他审核人员处理，请查看最新状态"
    placement.refresh_from_db()
    expected = PlacementStatus.PARTLY_REJECTED if won == ["decide"] else PlacementStatus.DRAFT
    assert placement.status == expected
    assert PlacementReview.objects.filter(placement=placement).count() == 1
    assert PlacementEvent.objects.filter(placement_ref=placement.pk).count() == events_before + 1
    assert AuditEntry.objects.filter(action=AuditAction.PLACEMENT_REVIEW).count() == 1
    assert Notice.objects.filter(employer=employer).count() == 1  # only the winner's, after its commit
