"""Registration step 4, 人员信息校验: (re-)verification of one placement's twelve months. The batch
re-verification of a business year is anbili.placements.verification.pool's, re-exported here."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from anbili.employers.models import Employer
from anbili.placements.models import Placement, PlacementMonth, PlacementStatus, PlacementStep
from anbili.placements.services.guards import check_lock, check_writable, locked_placement
from anbili.placements.verification import placements_verify_batch, verify_one

__all__ = ["placement_verify", "placements_verify_batch", "verified"]


def verified(placement: Placement) -> list[PlacementMonth]:
    """Verify a row-locked placement now and store the verdicts; a draft at the verify step moves on to
    month selection (written with the verification stamp)."""
    if placement.status == PlacementStatus.DRAFT and placement.step == PlacementStep.VERIFY:
        placement.step = PlacementStep.SELECT
    return verify_one(placement, also_save=["step"])


def placement_verify(
    *, placement_id: int, employer: Employer | None = None, today: date
) -> list[PlacementMonth]:
    """重新核验: re-run the seven checks of all twelve months with the newest registry data and store them.

    With `employer` (the portal) the window and the lock are checked; without (batch/system) only the lock.
    Selections and outcomes are left as they are: they change only through months_save and review.
    """
    with transaction.atomic():
        placement = locked_placement(placement_id, employer)
        if employer is not None:
            check_writable(employer, placement.business_year, today)
        else:
            check_lock(placement.employer, placement.business_year)
        return verified(placement)
