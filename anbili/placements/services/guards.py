"""What every employer write checks first, inside its transaction: the business year is the one the
declaration window accepts today and no hook (the declaration issue's 完成申报) has locked it; the placement
is the employer's, row-locked, and (for the wizard) still a draft."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.files.uploadedfile import UploadedFile

from anbili.core.errors import ApplicationError
from anbili.employers.models import Employer
from anbili.employers.selectors import declaration_window_state, unit_info_missing
from anbili.evidence.models import EvidenceFile
from anbili.evidence.services import evidence_store
from anbili.placements.locks import (  # the hook lives beside the verification pool, which asks it too
    placement_year_lock_register,
    placement_year_lock_unregister,
    placement_year_locked,
)
from anbili.placements.models import Placement, PlacementStatus, PlacementStep

__all__ = [
    "STEP_ORDER",
    "advance",
    "check_lock",
    "check_unit_info",
    "check_writable",
    "editable",
    "locked_placement",
    "placement_year_lock_register",
    "placement_year_lock_unregister",
    "placement_year_locked",
    "store",
]

STEP_ORDER = [step.value for step in PlacementStep]


def check_lock(employer: Any, business_year: int) -> None:
    reason = placement_year_locked(employer, business_year)
    if reason:
        raise ApplicationError(f"{business_year} 业务年度已锁定：{reason}", code="locked")


def check_writable(employer: Employer, business_year: int, today: date) -> None:
    window = declaration_window_state(employer, today=today)
    if not window.is_open:
        raise ApplicationError(f"{window.closed_message}申报期外安置登记只能查看，不能修改。", code="closed")
    if business_year != window.business_year:
        raise ApplicationError(
            f"当前申报期只能办理 {window.business_year} 业务年度的安置登记",
            field="business_year",
            code="year",
        )
    check_lock(employer, business_year)


def check_unit_info(employer: Employer, business_year: int) -> None:
    """Placements of a year start only once the year's unit information is saved (seed 001: 首次使用系统…需先
    对本单位信息进行维护管理): 添加残疾人, 导入上一年申报名单 and 批量登记 all ask here."""
    reason = unit_info_missing(employer, business_year)
    if reason:
        raise ApplicationError(reason, code="unit_info_required")


def locked_placement(placement_id: int, employer: Employer | None = None) -> Placement:
    """The placement, row-locked for the transaction; with `employer`, only one of that employer's."""
    queryset = Placement.objects.select_for_update(of=("self",)).select_related(
        "employer", "employer__admin_region"
    )
    if employer is not None:
        queryset = queryset.filter(employer=employer)
    placement = queryset.filter(pk=placement_id).first()
    if placement is None:
        raise ApplicationError("未找到该安置登记", code="not_found")
    return placement


def editable(placement_id: int, employer: Employer, today: date) -> Placement:
    """A draft of the employer in a writable year, row-locked: the wizard steps write only drafts."""
    placement = locked_placement(placement_id, employer)
    check_writable(employer, placement.business_year, today)
    if placement.status != PlacementStatus.DRAFT:
        raise ApplicationError(
            f"该人员已提交（{placement.get_status_display()}），如需修改请先点击“重新登记”", code="not_draft"
        )
    return placement


def advance(placement: Placement, step: str) -> None:
    """Move the wizard's progress forward (never back: a later edit of an earlier step keeps it)."""
    if STEP_ORDER.index(step) > STEP_ORDER.index(placement.step):
        placement.step = step


def store(employer: Employer, actor: Any, upload: UploadedFile, purpose: str, field: str) -> EvidenceFile:
    try:
        return evidence_store(employer=employer, uploaded_by=actor, upload=upload, purpose=purpose)
    except ApplicationError as exc:
        # The pipeline names its own field "file"; here each upload has its own form field.
        raise ApplicationError(exc.message, field=field, code=exc.code) from exc
