"""Registration step 5, 勾选安置月份 + 上传材料 + 保存: the months chosen, one evidence file per failed check,
the exclusive person-month claims, and the submission (to review, or confirmed by the system)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from anbili.core.errors import ApplicationError
from anbili.core.month import months_of_year
from anbili.employers.models import Employer
from anbili.evidence.models import EvidenceFile, EvidencePurpose
from anbili.placements.models import (
    MonthEvidence,
    PersonMonthClaim,
    Placement,
    PlacementMonth,
    PlacementStep,
)
from anbili.placements.services.guards import STEP_ORDER, editable, store
from anbili.placements.services.workflow import Actor, month_outcomes_move, placement_transition
from anbili.placements.verification import placement_months_amend, verify_one, yyyymm
from anbili.rules.checks import EVIDENCE_LABELS, CheckCode

EVIDENCE_PURPOSES = {
    CheckCode.WAGE: EvidencePurpose.WAGE_PROOF,
    CheckCode.PENSION: EvidencePurpose.PENSION_PROOF,
    CheckCode.MEDICAL: EvidencePurpose.MEDICAL_PROOF,
    CheckCode.CERTIFICATE: EvidencePurpose.CERTIFICATE_IMAGE,
    CheckCode.AGE: EvidencePurpose.OTHER,
    CheckCode.CONTRACT: EvidencePurpose.CONTRACT,
    CheckCode.EXCLUSIVE: EvidencePurpose.OTHER,
}


def placement_is_dispatch(placement: Placement) -> bool:
    """A dispatch person (劳务派遣): the employer chooses its months freely."""
    return placement.contracts.filter(is_dispatch=True).exists()


def _exclusive_lost(row: PlacementMonth) -> None:
    checks = dict(row.checks)
    checks[CheckCode.EXCLUSIVE.value] = {
        "passed": False,
        "reason_code": "placed_elsewhere",
        "message": "该月已被其他单位安置登记（已确认或待审核），同一人同一月份不能重复计入",
        "sources": [{"source": "placements", "received_at": timezone.now().isoformat()}],
    }
    row.checks = checks
    row.auto_passed = False


def _parsed_months(placement: Placement, months: list[int]) -> set[int]:
    valid = {yyyymm(m) for m in months_of_year(placement.business_year)}
    chosen: set[int] = set()
    for value in months:
        try:
            month = int(value)
        except (TypeError, ValueError):
            raise ApplicationError(f"安置月份“{value}”无效", field="months", code="invalid") from None
        if month not in valid:
            raise ApplicationError(
                f"安置月份 {month} 不在 {placement.business_year} 业务年度内", field="months", code="invalid"
            )
        chosen.add(month)
    return chosen


def _placed_elsewhere(row: PlacementMonth) -> bool:
    return not row.checks.get(CheckCode.EXCLUSIVE.value, {}).get("passed", True)


def _chosen_months(placement: Placement, rows: dict[int, PlacementMonth], months: list[int]) -> set[int]:
    """The months to register: those ticked, and for a non-dispatch person every auto-passed month."""
    chosen = _parsed_months(placement, months)
    if not placement_is_dispatch(placement):
        # Auto-passed months of a non-dispatch person are always registered, whatever the request says.
        chosen |= {m for m, row in rows.items() if row.auto_passed}
    if not chosen:
        if all(_placed_elsewhere(row) for row in rows.values()):
            raise ApplicationError(
                "该人员本业务年度各月均已被其他单位安置登记（已确认或待审核），没有可勾选的安置月份",
                field="months",
                code="placed_elsewhere",
            )
        raise ApplicationError("请至少勾选一个安置月份", field="months", code="required")
    elsewhere = sorted(m for m in chosen if _placed_elsewhere(rows[m]))
    if elsewhere:
        raise ApplicationError(
            f"{'、'.join(map(str, elsewhere))} 已被其他单位安置登记（已确认或待审核），不能勾选",
            field="months",
            code="placed_elsewhere",
        )
    return chosen


def _stored_evidence(
    placement: Placement,
    actor: Any,
    rows: dict[int, PlacementMonth],
    chosen: set[int],
    evidence: dict[tuple[int, str], UploadedFile],
) -> dict[str, EvidenceFile]:
    """One file per failed check: a file given for a check serves every selected month failing that check
    (the seed's upload screen lists one row per 材料名称); a file stored earlier for the month is kept."""
    by_code: dict[str, UploadedFile] = {}
    for (month, code), upload in evidence.items():
        # Month 0 means "for every selected month failing this check".
        if upload is not None and (int(month) in chosen or int(month) == 0):
            by_code.setdefault(code, upload)
    stored_before = {
        (item.placement_month.month, item.check_code)
        for item in MonthEvidence.objects.filter(placement_month__placement=placement).select_related(
            "placement_month"
        )
    }
    missing: dict[str, list[int]] = {}
    for month in sorted(chosen):
        for code in rows[month].evidence_checks:
            if code not in by_code and (month, code) not in stored_before:
                missing.setdefault(code, []).append(month)
    if missing:
        code, months_missing = next(iter(missing.items()))
        label = EVIDENCE_LABELS[CheckCode(code)]
        raise ApplicationError(
            f"请上传「{label}」：{'、'.join(map(str, months_missing))} 月{CheckCode(code).label}核验不通过",
            field=f"evidence_{code}",
            code="evidence_required",
        )
    stored: dict[str, EvidenceFile] = {}
    for code, upload in by_code.items():
        if code not in CheckCode.__members__.values():
            raise ApplicationError("材料类型无效", field="evidence", code="invalid")
        if any(code in rows[m].evidence_checks for m in chosen):
            purpose = EVIDENCE_PURPOSES[CheckCode(code)]
            stored[code] = store(placement.employer, actor, upload, purpose, f"evidence_{code}")
    return stored


def _claim(placement: Placement, rows: dict[int, PlacementMonth], chosen: set[int]) -> set[int]:
    """Claim the months; a concurrent claim by another employer turns the month into ✗ 无其他单位安置 and
    drops it. Returns the months claimed."""
    PersonMonthClaim.objects.filter(placement=placement).delete()
    claimed = set(chosen)
    for month in sorted(chosen):
        try:
            with transaction.atomic():
                PersonMonthClaim.objects.create(
                    id_number=placement.id_number, month=month, placement=placement
                )
        except IntegrityError:
            _exclusive_lost(rows[month])
            claimed.discard(month)
    lost = [rows[month] for month in sorted(chosen - claimed)]
    if lost:
        # Stored as amended verdicts, with the placement's digest recomputed from the stored months.
        placement_months_amend(placement, lost)
    return claimed


def _decide_months(
    rows: dict[int, PlacementMonth], chosen: set[int], stored: dict[str, EvidenceFile]
) -> bool:
    """Move every month (not selected / auto-confirmed / pending review) and link the evidence of the
    pending ones; True when any month waits for review."""
    pending = False
    moves: list[tuple[PlacementMonth, str]] = []
    for month, row in rows.items():
        if month not in chosen:
            moves.append((row, "deselect"))
        elif row.auto_passed:
            moves.append((row, "auto_confirm"))
        else:
            moves.append((row, "submit"))
            pending = True
            for code in row.evidence_checks:
                if code in stored:
                    MonthEvidence.objects.update_or_create(
                        placement_month=row, check_code=code, defaults={"evidence": stored[code]}
                    )
    month_outcomes_move(moves, by={Actor.EMPLOYER, Actor.SYSTEM})
    return pending


def _check_contract_files(placement: Placement) -> None:
    """A contract without its file never counts: no placement is confirmed or sent to review while one of
    its contracts lacks the 合同附件 (a 批量登记 row without its file, a copy of such a contract), or a
    dispatch contract its 劳务派遣协议."""
    missing: list[str] = []
    for number, contract in enumerate(placement.contracts.order_by("start", "pk"), start=1):
        if contract.contract_file_id is None:
            missing.append(f"第{number}份合同（{contract.start:%Y-%m-%d} 起）未上传「合同附件」")
        if contract.is_dispatch and contract.dispatch_agreement_file_id is None:
            missing.append(f"第{number}份合同（{contract.start:%Y-%m-%d} 起）未上传「劳务派遣协议」")
    if missing:
        raise ApplicationError(
            f"{'；'.join(missing)}。请在“合同管理”中点击“修改”上传后再保存",
            field="contract_upload",
            code="contract_file",
        )


def placement_months_save(
    *,
    placement_id: int,
    employer: Employer,
    actor: Any,
    today: date,
    months: list[int],
    evidence: dict[tuple[int, str], UploadedFile] | None = None,
) -> Placement:
    """勾选安置月份 + 上传材料 + 保存: re-verify, force auto-passed non-dispatch months, require one file per
    failed check of each selected ✗ month, claim the months, then confirm (system) or send to review."""
    with transaction.atomic():
        placement = editable(placement_id, employer, today)
        if STEP_ORDER.index(placement.step) < STEP_ORDER.index(PlacementStep.VERIFY):
            raise ApplicationError("请先完成基本信息和合同管理，再勾选安置月份", field="months", code="step")
        _check_contract_files(placement)
        rows = {row.month: row for row in verify_one(placement)}
        chosen = _chosen_months(placement, rows, months)
        stored = _stored_evidence(placement, actor, rows, chosen, evidence or {})
        chosen = _claim(placement, rows, chosen)
        pending = _decide_months(rows, chosen, stored)
        if not chosen:
            # Every chosen month went to another employer meanwhile: the draft stays at month selection.
            placement.step = PlacementStep.SELECT
            placement.save()
            return placement
        placement.step = PlacementStep.DONE
        placement.save()
        if pending:
            from anbili.placements.signals import placement_submitted_signals_refresh

            submitted = placement_transition(
                placement_id=placement.pk,
                name="submit_for_review",
                by=Actor.EMPLOYER,
                actor=actor,
                reason="勾选安置月份并提交材料，等待残联审核",
            )
            # The review queue's risk signals (风险提示), with the submission.
            placement_submitted_signals_refresh(submitted.pk)
            return submitted
        return placement_transition(
            placement_id=placement.pk,
            name="confirm_by_system",
            by=Actor.SYSTEM,
            actor=actor,
            reason="所选月份均系统核验通过，系统自动确认",
        )
