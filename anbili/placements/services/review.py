"""安置登记审核 (seed 004, issue 12): a DPF reviewer's decisions on a placement waiting for review.

Four decisions, each in one transaction on the row-locked placement:

- `placement_review_decide` (确认): every month waiting for review is 有效 or 无效 (with a reason); the
  placement becomes 审核通过(人工), 部分审核不通过 or 审核不通过;
- `placement_send_back` (退回补正): back to a draft with the list of what to fix;
- `placement_certificate_decide`: a historical certificate the employer added, approved or rejected on its
  own; the months are verified again so that the month table shows its verdict;
- `placement_agreement_decide`: a dispatch contract's 劳务派遣协议, approved or rejected on its own.

Every decision carries the `review_token` the reviewer's screen was built from: a second reviewer who
decided first changed it, and the later decision is refused with `ReviewChanged` instead of overwriting.
Status and month outcomes change only through the workflow (services/workflow.py); each decision writes a
PlacementReview row (who, when, what, why), an audit row, and after the commit the employer's notice and SMS
(a failing SMS never undoes the decision: it is queued and retried). See docs/review.md.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from django.db import transaction

from anbili.accounts.models import StaffRole
from anbili.audit.models import AuditAction
from anbili.audit.services import audit_record
from anbili.core.errors import ApplicationError, ErrorCollector
from anbili.core.inputs import text_value
from anbili.core.masking import mask
from anbili.notices.services import notification_send
from anbili.placements.models import (
    DocumentReview,
    MonthOutcomeChoice,
    Placement,
    PlacementCertificate,
    PlacementContract,
    PlacementEvent,
    PlacementMonth,
    PlacementReview,
    PlacementStatus,
    PlacementStep,
    ReviewKind,
    ReviewOutcome,
)
from anbili.placements.selectors import placements_in_jurisdiction
from anbili.placements.services.guards import check_lock, locked_placement
from anbili.placements.services.verify import verified
from anbili.placements.services.workflow import Actor, month_outcomes_move, placement_transition
from anbili.registry.models import CertificateOrigin

__all__ = [
    "REVIEW_ROLES",
    "ReviewChanged",
    "placement_agreement_decide",
    "placement_certificate_decide",
    "placement_review_decide",
    "placement_send_back",
    "review_token",
]

logger = logging.getLogger(__name__)

REVIEW_ROLES = (StaffRole.REVIEWER, StaffRole.SUPERVISOR, StaffRole.ADMIN)
CHANGED_MESSAGE = "该安置登记已被其他审核人员处理，请查看最新状态"
REASON_LIMIT = 200
NOTE_LIMIT = 500
COUNTED = (MonthOutcomeChoice.AUTO_CONFIRMED, MonthOutcomeChoice.CONFIRMED)


class ReviewChanged(ApplicationError):
    """The placement changed since the reviewer opened it (another reviewer decided, the employer
    re-registered it, …): the decision is refused and the screen should be reloaded."""

    def __init__(self, message: str = CHANGED_MESSAGE) -> None:
        super().__init__(message, code="changed")


def review_token(placement: Placement) -> str:
    """Opaque token of the placement's review state: its status and the pk of its latest PlacementEvent and
    of its latest PlacementReview. Every decision form carries it (hidden field `token`)."""
    event = (
        PlacementEvent.objects.filter(placement_ref=placement.pk)
        .order_by("-pk")
        .values_list("pk", flat=True)
        .first()
    )
    review = (
        PlacementReview.objects.filter(placement_id=placement.pk)
        .order_by("-pk")
        .values_list("pk", flat=True)
        .first()
    )
    return f"{placement.status}.{event or 0}.{review or 0}"


def _person(placement: Placement) -> str:
    """The person as notices name them: the name, else the masked ID number."""
    return placement.name or mask(placement.id_number)


def _opened(placement_id: int, reviewer: Any, token: str) -> Placement:
    """The placement, row-locked, when the reviewer may decide it now with this token."""
    role = getattr(reviewer, "staff_role", "")
    if role not in REVIEW_ROLES or not placements_in_jurisdiction(reviewer).filter(pk=placement_id).exists():
        raise ApplicationError("未找到该安置登记", code="not_found")
    placement = locked_placement(placement_id)
    if review_token(placement) != (token or "").strip():
        raise ReviewChanged()
    if placement.status != PlacementStatus.PENDING:
        raise ApplicationError(
            f"该安置登记当前为“{placement.get_status_display()}”，不在待审核状态，不能审核",
            code="not_pending",
        )
    check_lock(placement.employer, placement.business_year)
    return placement


def _recorded(**fields: Any) -> PlacementReview:
    """The decision's row (PlacementReview.outcome is the reviewer's verdict, not the workflow's state)."""
    row = PlacementReview(**fields)
    row.save()
    return row


def _note(note: str) -> str:
    return text_value(note, "note", "补充说明", required=False, limit=NOTE_LIMIT)


def _audit(placement: Placement, reviewer: Any, review: PlacementReview, **detail: Any) -> None:
    audit_record(
        AuditAction.PLACEMENT_REVIEW,
        actor=reviewer,
        obj=placement,
        region_code=placement.employer.dpf_region_id,
        detail={
            "placement_id": placement.pk,
            "review": review.kind,
            "outcome": review.outcome,
            **{key: value for key, value in detail.items() if value},
        },
    )


def _notify(placement: Placement, *, title: str, body: str, sms_text: str) -> None:
    """The employer's notice and SMS, once the decision is committed. The SMS itself is queued and retried
    by the notices app; should even the notice fail, the decision stands and the failure is logged."""
    employer = placement.employer
    placement_id = placement.pk

    def send() -> None:
        try:
            notification_send(employer=employer, title=title, body=body, sms_text=sms_text)
        except Exception:
            logger.exception("review notice could not be written: placement=%s", placement_id)

    transaction.on_commit(send)


def _undecided_documents(placement: Placement) -> list[tuple[str, str]]:
    """(field, message) for each added certificate and dispatch agreement still waiting for its decision."""
    problems: list[tuple[str, str]] = []
    links = PlacementCertificate.objects.filter(
        placement=placement, certificate__origin=CertificateOrigin.MANUAL_PENDING
    ).select_related("certificate")
    for link in links.order_by("pk"):
        start = link.certificate.valid_from
        problems.append(
            ("certificates", f"补充的历史残疾证（有效期 {start:%Y-%m-%d} 起）尚未审核，请先审核该残疾证")
        )
    contracts = placement.contracts.filter(is_dispatch=True, agreement_review=DocumentReview.PENDING)
    for contract in contracts.order_by("start", "pk"):
        problems.append(
            ("agreements", f"劳务派遣协议（合同 {contract.start:%Y-%m-%d} 起）尚未审核，请先审核该协议")
        )
    return problems


def _month_decisions(
    pending: Mapping[int, PlacementMonth], months: Mapping[Any, tuple[bool, str]]
) -> dict[int, tuple[bool, str]]:
    """Each pending month's (valid, reason), every problem at once: a missing month, a month not waiting for
    review, a 无效 without its reason."""
    check = ErrorCollector()
    given: dict[int, tuple[bool, str]] = {}
    for key, value in months.items():
        try:
            month = int(key)
        except (TypeError, ValueError):
            check.add(f"安置月份“{key}”无效", "months", "invalid")
            continue
        if not isinstance(value, (tuple, list)) or len(value) != 2:
            check.add(f"{month} 月的认证结果无效，请选择有效或无效", "months", "invalid")
            continue
        valid, reason = value
        given[month] = (bool(valid), reason or "")
    extra = sorted(set(given) - set(pending))
    if extra:
        check.add(f"{'、'.join(map(str, extra))} 月不是待审核月份，不能认定", "months", "not_pending")
    missing = sorted(set(pending) - set(given))
    if missing:
        check.add(f"请认定 {'、'.join(map(str, missing))} 月的认证结果（有效或无效）", "months", "required")
    decided: dict[int, tuple[bool, str]] = {}
    for month in sorted(set(given) & set(pending)):
        valid, reason = given[month]
        if valid:
            decided[month] = (True, "")
            continue
        field = f"reason_{month}"
        if not str(reason).strip():
            check.add(f"{month} 月认定为无效，请选择或填写无效原因", field, "required")
            continue
        text = check(text_value, reason, field, f"{month} 月无效原因", limit=REASON_LIMIT)
        if text is not None:
            decided[month] = (False, text)
    check.raise_if_any()
    return decided


def placement_review_decide(
    *,
    placement_id: int,
    reviewer: Any,
    token: str,
    months: Mapping[int, tuple[bool, str]],
    note: str = "",
) -> Placement:
    """确认 on 安置登记审核: every month waiting for review gets (valid, reason), a reason required for 无效.

    Refused while an added certificate or a dispatch agreement is undecided. The months move by `approve` /
    `reject`; the placement by `approve` (every month valid: 审核通过(人工)), `partly_reject` (some 无效,
    some months still count) or `reject` (no month counts); the rejected months' claims are released by the
    transition. Writes a PlacementReview(kind=months), an audit row and, after commit, the notice."""
    with transaction.atomic():
        placement = _opened(placement_id, reviewer, token)
        check = ErrorCollector()
        for field, message in _undecided_documents(placement):
            check.add(message, field, "undecided")
        check.raise_if_any()
        rows = list(PlacementMonth.objects.filter(placement=placement).order_by("month"))
        pending = {row.month: row for row in rows if row.outcome == MonthOutcomeChoice.PENDING_REVIEW}
        decided = _month_decisions(pending, months)
        note_text = _note(note)
        month_outcomes_move(
            [(pending[m], "approve" if valid else "reject") for m, (valid, _) in decided.items()],
            by={Actor.REVIEWER},
        )
        counted = [row.month for row in rows if row.selected and row.outcome in COUNTED]
        invalid = [(m, reason) for m, (valid, reason) in decided.items() if not valid]
        if not invalid:
            name, outcome = "approve", ReviewOutcome.APPROVED
        elif counted:
            name, outcome = "partly_reject", ReviewOutcome.PARTLY_REJECTED
        else:
            name, outcome = "reject", ReviewOutcome.REJECTED
        reasons = [f"{m} 无效：{reason}" for m, reason in invalid]
        placement = placement_transition(
            placement_id=placement.pk,
            name=name,
            by=Actor.REVIEWER,
            actor=reviewer,
            reason="；".join(reasons) or "残联审核通过",
        )
        review = _recorded(
            placement=placement,
            kind=ReviewKind.MONTHS,
            outcome=outcome,
            reviewer=reviewer,
            months={str(m): {"valid": valid, "reason": reason} for m, (valid, reason) in decided.items()},
            note=note_text,
        )
        _audit(
            placement,
            reviewer,
            review,
            valid_months=",".join(str(m) for m, (valid, _) in decided.items() if valid),
            invalid_months=",".join(str(m) for m, _ in invalid),
        )
        person = _person(placement)
        lines = [
            f"贵单位安置人员“{person}”资料审核已完成，"
            + (f"有效月份为{','.join(map(str, counted))}" if counted else "无有效月份"),
            *reasons,
        ]
        if note_text:
            lines.append(f"审核说明：{note_text}")
        _notify(
            placement,
            title=f"安置人员“{person}”资料审核完成通知",
            body="\n".join(lines),
            sms_text=f"【残联】贵单位安置人员“{person}”资料审核已完成，请登录网报系统查看。",
        )
        return placement


def _items(items: list[str]) -> list[str]:
    """What 退回补正 asks for: each normalised, blanks dropped, each once, at least one."""
    check = ErrorCollector()
    kept: list[str] = []
    for number, item in enumerate([items] if isinstance(items, str) else items or [], start=1):
        text = check(text_value, item, "items", f"补正事项{number}", required=False, limit=REASON_LIMIT)
        if text and text not in kept:
            kept.append(text)
    check.raise_if_any()
    if not kept:
        raise ApplicationError("请至少选择或填写一项需补正的内容", field="items", code="required")
    return kept


def placement_send_back(
    *, placement_id: int, reviewer: Any, token: str, items: list[str], note: str = ""
) -> Placement:
    """退回补正: the placement goes back to a draft (资料待完善; its months reset and claims released by the
    `send_back` transition) resuming at month selection, with `items` naming what to fix. When the employer
    saves the months again it returns to 待审核; this row stays in its history."""
    with transaction.atomic():
        placement = _opened(placement_id, reviewer, token)
        kept = _items(items)
        note_text = _note(note)
        placement = placement_transition(
            placement_id=placement.pk,
            name="send_back",
            by=Actor.REVIEWER,
            actor=reviewer,
            reason="退回补正：" + "；".join(kept),
        )
        # The employer resumes at 人员信息校验 / 勾选安置月份; the earlier steps stay reachable.
        placement.step = PlacementStep.SELECT
        placement.save()
        review = _recorded(
            placement=placement,
            kind=ReviewKind.SEND_BACK,
            outcome=ReviewOutcome.SENT_BACK,
            reviewer=reviewer,
            items=kept,
            note=note_text,
        )
        _audit(placement, reviewer, review, items="；".join(kept))
        person = _person(placement)
        lines = [f"贵单位安置人员“{person}”资料需补正：", *(f"{n}. {item}" for n, item in enumerate(kept, 1))]
        if note_text:
            lines.append(f"审核说明：{note_text}")
        lines.append("请在“残疾人安置管理”中点击“继续登记”，补正后重新保存提交审核。")
        _notify(
            placement,
            title=f"安置人员“{person}”资料退回补正通知",
            body="\n".join(lines),
            sms_text=f"【残联】贵单位安置人员“{person}”资料需补正，请登录网报系统查看。",
        )
        return placement


def _document_reason(approve: bool, reason: str) -> str:
    if approve:
        return text_value(reason, "reason", "审核意见", required=False, limit=REASON_LIMIT)
    if not str(reason or "").strip():
        raise ApplicationError("审核不通过时请选择或填写原因", field="reason", code="required")
    return text_value(reason, "reason", "审核不通过原因", limit=REASON_LIMIT)


def placement_certificate_decide(
    *,
    placement_id: int,
    placement_certificate_id: int,
    reviewer: Any,
    token: str,
    approve: bool,
    reason: str = "",
) -> Placement:
    """A historical certificate the employer added, on its own: its registry row's origin becomes
    manual_approved (it counts from now) or manual_rejected (reason required); the placement's months are
    verified again at once. Writes a PlacementReview(kind=certificate), an audit row and the notice."""
    with transaction.atomic():
        placement = _opened(placement_id, reviewer, token)
        link = (
            PlacementCertificate.objects.select_related("certificate")
            .filter(pk=placement_certificate_id, placement=placement)
            .first()
        )
        if link is None:
            raise ApplicationError("未找到该补充的历史残疾证", field="certificate", code="not_found")
        certificate = link.certificate
        if certificate.origin != CertificateOrigin.MANUAL_PENDING:
            raise ApplicationError(
                f"该残疾证已审核（{certificate.get_origin_display()}）", field="certificate", code="decided"
            )
        reason_text = _document_reason(approve, reason)
        certificate.origin = (
            CertificateOrigin.MANUAL_APPROVED if approve else CertificateOrigin.MANUAL_REJECTED
        )
        certificate.save(update_fields=["origin"])
        term = f"{certificate.valid_from:%Y-%m-%d} 至 {certificate.valid_until:%Y-%m-%d}"
        if certificate.valid_until is None:
            term = f"{certificate.valid_from:%Y-%m-%d} 起"
        _document_decided(
            placement,
            reviewer,
            approve=approve,
            reason_text=reason_text,
            kind=ReviewKind.CERTIFICATE,
            document="补充残疾证",
            described=f"补充的历史残疾证（有效期 {term}）",
            sms_subject="补充的残疾证",
            certificate=link,
        )
        return placement


def placement_agreement_decide(
    *,
    placement_id: int,
    contract_id: int,
    reviewer: Any,
    token: str,
    approve: bool,
    reason: str = "",
) -> Placement:
    """A dispatch contract's 劳务派遣协议, on its own: agreement_review → approved / rejected (reason
    required to reject); the months are verified again (the contract check reads the decision). Writes a
    PlacementReview(kind=agreement), an audit row and the notice."""
    with transaction.atomic():
        placement = _opened(placement_id, reviewer, token)
        contract = PlacementContract.objects.filter(pk=contract_id, placement=placement).first()
        if contract is None or not contract.is_dispatch or contract.dispatch_agreement_file_id is None:
            raise ApplicationError("未找到该劳务派遣协议", field="contract", code="not_found")
        if contract.agreement_review != DocumentReview.PENDING:
            state = contract.agreement_review
            shown = DocumentReview(state).label if state else "无需审核"
            raise ApplicationError(f"该劳务派遣协议已审核（{shown}）", field="contract", code="decided")
        reason_text = _document_reason(approve, reason)
        contract.agreement_review = DocumentReview.APPROVED if approve else DocumentReview.REJECTED
        contract.save(update_fields=["agreement_review", "updated_at"])
        _document_decided(
            placement,
            reviewer,
            approve=approve,
            reason_text=reason_text,
            kind=ReviewKind.AGREEMENT,
            document="劳务派遣协议",
            described=f"的劳务派遣协议（合同 {contract.start:%Y-%m-%d} 起）",
            sms_subject="的劳务派遣协议",
            contract=contract,
        )
        return placement


def _document_decided(
    placement: Placement,
    reviewer: Any,
    *,
    approve: bool,
    reason_text: str,
    kind: str,
    document: str,
    described: str,
    sms_subject: str,
    **link: Any,
) -> None:
    """After a document's decision (a certificate's origin, an agreement's review state): verify the months
    again, since the certificate and contract checks read the decision and the month table shows the new
    verdict at once; then the review row, the audit row and the employer's notice."""
    verified(placement)
    review = _recorded(
        placement=placement,
        kind=kind,
        outcome=ReviewOutcome.APPROVED if approve else ReviewOutcome.REJECTED,
        reviewer=reviewer,
        items=[reason_text] if reason_text else [],
        **link,
    )
    _audit(placement, reviewer, review, reason=reason_text)
    person = _person(placement)
    verdict = "审核通过" if approve else f"审核不通过：{reason_text}"
    _notify(
        placement,
        title=f"安置人员“{person}”{document}审核结果通知",
        body=f"贵单位安置人员“{person}”{described}{verdict}",
        sms_text=f"【残联】贵单位安置人员“{person}”{sms_subject}已审核，请登录网报系统查看。",
    )
