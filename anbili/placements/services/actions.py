"""The list's actions on one placement: 删除 and 重新登记, both named transitions of the workflow."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction

from anbili.core.errors import ApplicationError
from anbili.employers.models import Employer
from anbili.placements.models import Placement, PlacementStatus, PlacementStep
from anbili.placements.services.guards import check_writable, locked_placement
from anbili.placements.services.workflow import Actor, placement_transition


def placement_delete(*, placement_id: int, employer: Employer, actor: Any, today: date) -> None:
    """删除: remove a placement before the declaration is completed; its months are released and its history
    stays (a `delete` event is written and the events outlive the placement)."""
    with transaction.atomic():
        placement = locked_placement(placement_id, employer)
        check_writable(employer, placement.business_year, today)
        placement_transition(placement_id=placement.pk, name="delete", by=Actor.EMPLOYER, actor=actor)


def placement_reregister(
    *, placement_id: int, employer: Employer, actor: Any, today: date, reason: str = ""
) -> Placement:
    """重新登记: back to a draft (资料待完善) at the first step; its month claims are released and its months
    reset."""
    with transaction.atomic():
        placement = locked_placement(placement_id, employer)
        check_writable(employer, placement.business_year, today)
        if placement.status == PlacementStatus.DRAFT:
            raise ApplicationError("该人员尚未提交，可直接继续填写", code="already_draft")
        placement = placement_transition(
            placement_id=placement.pk, name="reregister", by=Actor.EMPLOYER, actor=actor, reason=reason
        )
        placement.step = PlacementStep.PERSON
        placement.save()
        return placement
