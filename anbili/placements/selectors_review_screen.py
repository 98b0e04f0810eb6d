"""The read model of 安置登记审核 (the review screen of the staff review system, seed 004): the placement,
its contracts, every document to look at, the month table with each check's verdict and reason, what is
still to be decided (months, added certificates, dispatch agreements), the canned reasons offered, and the
earlier decisions, so that a placement that came back after 退回补正 shows what was said before.

It only reads; the decisions are the services of anbili.placements.services.review. The verdicts of the
month table come from `verification_rows`, the same rows as the portal's 人员信息校验.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q

from anbili.core.masking import mask
from anbili.employers.models import RelatedUnit
from anbili.evidence.models import EvidenceFile, EvidencePurpose
from anbili.evidence.preview import MAX_PAGES, PDF_TYPE, pdf_page_count
from anbili.placements.models import (
    MonthOutcomeChoice,
    Placement,
    PlacementEvent,
    PlacementStatus,
)
from anbili.placements.models_review import (
    DocumentReview,
    PlacementReview,
    ReviewKind,
    ReviewReason,
    ReviewReasonKind,
)
from anbili.placements.selectors import (
    LEVEL_WORDS,
    CheckCell,
    VerificationRow,
    beijing_time,
    verification_rows,
)
from anbili.registry.models import Certificate, CertificateOrigin
from anbili.rules.checks import EVIDENCE_LABELS, CheckCode

# The month table's columns in the order of seed 004 (审核结果), with the seed's headings; 合同状态 is ours.
SCREEN_CHECKS: tuple[tuple[CheckCode, str], ...] = (
    (CheckCode.CERTIFICATE, "残疾证状态"),
    (CheckCode.WAGE, "工资信息"),
    (CheckCode.PENSION, "社保缴费信息"),
    (CheckCode.MEDICAL, "医保缴费信息"),
    (CheckCode.AGE, "是否就业年龄段"),
    (CheckCode.EXCLUSIVE, "无其他单位安置"),
    (CheckCode.CONTRACT, "合同状态"),
)
PREVIEW_TYPES = ("image/jpeg", "image/png", "application/pdf")
_EVIDENCE_TITLES = {code.value: label for code, label in EVIDENCE_LABELS.items()}
# The transitions that say how the placement reached the reviewer (登记渠道).
_CHANNEL_TRANSITIONS = ("submit_for_review", "confirm_by_system", "create")


@dataclass(frozen=True)
class Document:
    """One file to look at (资料审核): what it is, what it belongs to, and how it is previewed."""

    number: int
    title: str
    context: str
    evidence_id: int
    content_type: str
    original_name: str
    pages: int = 1  # of a PDF, as PDFium counts them (0: it cannot be read, the download is offered)

    @property
    def page_numbers(self) -> list[int]:
        return list(range(1, min(self.pages, MAX_PAGES) + 1))

    @property
    def more_pages(self) -> int:
        """Pages beyond those shown inline."""
        return max(0, self.pages - MAX_PAGES)

    @property
    def is_pdf(self) -> bool:
        return self.content_type == "application/pdf"

    @property
    def previewable(self) -> bool:
        return self.content_type in PREVIEW_TYPES

    @property
    def alt(self) -> str:
        return f"{self.title}（{self.context}）" if self.context else self.title


@dataclass(frozen=True)
class ContractView:
    """One contract as the reviewer reads it, with the names of its paying units."""

    pk: int
    type_label: str
    term: str
    post: str
    monthly_wage: str
    is_dispatch: bool
    dispatch_company: str
    wage_payer: str
    pension_payer: str
    medical_payer: str
    agreement_review: str
    agreement_review_label: str
    contract_file_id: int | None
    agreement_file_id: int | None

    @property
    def agreement_pending(self) -> bool:
        return self.is_dispatch and self.agreement_review == DocumentReview.PENDING


@dataclass(frozen=True)
class CertificateView:
    """A certificate the employer added by hand (补充历史残疾证), decided on its own."""

    link_id: int
    number: str  # shown only on the audited full view
    number_masked: str
    kind: str
    validity: str
    level_text: str
    origin: str
    origin_label: str
    image_id: int

    @property
    def pending(self) -> bool:
        return self.origin == CertificateOrigin.MANUAL_PENDING


@dataclass(frozen=True)
class ScreenCell:
    """One ✓/✗ cell of the review table: the verdict of `verification_rows` under the seed's heading."""

    heading: str
    cell: CheckCell


@dataclass(frozen=True)
class MonthRow:
    """One month of 审核结果: the checks, the evidence uploaded for its ✗ checks, and what the reviewer may
    do (decide it when pending review; an auto-confirmed month is 系统核验通过 and not decided)."""

    row: VerificationRow
    cells: list[ScreenCell]
    documents: list[Document]
    decision: dict[str, Any] | None = None  # the latest decision recorded for the month, if any

    @property
    def month(self) -> int:
        return self.row.month

    @property
    def pending(self) -> bool:
        return self.row.outcome == MonthOutcomeChoice.PENDING_REVIEW

    @property
    def auto(self) -> bool:
        return self.row.outcome == MonthOutcomeChoice.AUTO_CONFIRMED

    @property
    def all_passed(self) -> bool:
        return all(cell.cell.passed for cell in self.cells)

    @property
    def failed_text(self) -> str:
        """The ✗ checks in words (for the row's accessible description)."""
        return "；".join(
            f"{c.heading}：{c.cell.message or '不通过'}" for c in self.cells if not c.cell.passed
        )


@dataclass(frozen=True)
class HistoryRow:
    """One earlier decision (PlacementReview) in words."""

    at: str
    reviewer: str
    kind: str
    outcome: str
    details: list[str]
    note: str


@dataclass(frozen=True)
class Reasons:
    """The canned reasons offered: national rows and the employer's province's, in their order."""

    month: list[ReviewReason]
    send_back: list[ReviewReason]
    document: list[ReviewReason]


@dataclass
class ReviewScreen:
    placement: Placement
    id_number: str
    full: bool
    status_label: str
    channel: str
    contracts: list[ContractView]
    certificates: list[CertificateView]
    documents: list[Document]
    months: list[MonthRow]
    history: list[HistoryRow]
    reasons: Reasons
    blockers: list[str] = field(default_factory=list)

    @property
    def pending(self) -> bool:
        return self.placement.status == PlacementStatus.PENDING

    @property
    def last_send_back(self) -> HistoryRow | None:
        """The latest 退回补正, when the placement came back after one (shown at the top of the screen)."""
        sent = [row for row in self.history if row.kind == ReviewKind.SEND_BACK.label]
        return sent[-1] if sent else None

    @property
    def pending_months(self) -> list[MonthRow]:
        return [row for row in self.months if row.pending]

    @property
    def pending_certificates(self) -> list[CertificateView]:
        return [c for c in self.certificates if c.pending]

    @property
    def pending_agreements(self) -> list[ContractView]:
        return [c for c in self.contracts if c.agreement_pending]


def review_reasons(placement: Placement) -> Reasons:
    """The active canned reasons for the placement's employer: national (no region) and its province's."""
    province = (placement.employer.dpf_region_id or "")[:2] + "0000"
    rows = list(
        ReviewReason.objects.filter(active=True)
        .filter(Q(region__isnull=True) | Q(region_id=province))
        .order_by("kind", "ordering", "pk")
    )
    by_kind: dict[str, list[ReviewReason]] = {kind: [] for kind in ReviewReasonKind.values}
    for row in rows:
        by_kind.setdefault(row.kind, []).append(row)
    return Reasons(
        month=by_kind[ReviewReasonKind.MONTH],
        send_back=by_kind[ReviewReasonKind.SEND_BACK],
        document=by_kind[ReviewReasonKind.DOCUMENT],
    )


def _unit_names(placement: Placement) -> dict[str, str]:
    employer = placement.employer
    names = {
        unit.uscc: unit.name
        for unit in RelatedUnit.objects.filter(employer=employer, business_year=placement.business_year)
    }
    names[employer.uscc] = f"本单位（{employer.name}）"
    return names


def _unit(names: dict[str, str], uscc: str) -> str:
    if not uscc:
        return "—"
    name = names.get(uscc)
    return f"{name} {uscc}" if name and not name.startswith("本单位") else (name or uscc)


def _contract_views(placement: Placement) -> list[ContractView]:
    names = _unit_names(placement)
    views = []
    for c in placement.contracts.all():
        review = c.agreement_review if c.is_dispatch else ""
        views.append(
            ContractView(
                pk=c.pk,
                type_label=c.get_contract_type_display(),
                term=f"{c.start:%Y-%m-%d} 至 {c.end:%Y-%m-%d}" if c.end else f"{c.start:%Y-%m-%d} 起（长期）",
                post=c.post,
                monthly_wage=f"{c.monthly_wage:,.2f} 元",
                is_dispatch=c.is_dispatch,
                dispatch_company=_unit(names, c.dispatch_company_uscc) if c.is_dispatch else "—",
                wage_payer=_unit(names, c.wage_payer_uscc),
                pension_payer=_unit(names, c.pension_payer_uscc),
                medical_payer=_unit(names, c.medical_payer_uscc),
                agreement_review=review,
                agreement_review_label=DocumentReview(review).label
                if review in DocumentReview.values
                else "",
                contract_file_id=c.contract_file_id,
                agreement_file_id=c.dispatch_agreement_file_id,
            )
        )
    return views


def _certificate_views(placement: Placement) -> list[CertificateView]:
    links = list(placement.added_certificates.all())
    views = []
    for link in links:
        cert: Certificate = link.certificate
        until = f"{cert.valid_until:%Y-%m-%d}" if cert.valid_until else "长期"
        views.append(
            CertificateView(
                link_id=link.pk,
                number=cert.number,
                number_masked=mask(cert.number),
                kind=cert.kind,
                validity=f"{cert.valid_from:%Y-%m-%d} 至 {until}",
                level_text=LEVEL_WORDS.get(cert.level, f"{cert.level}级"),
                origin=cert.origin,
                origin_label=cert.get_origin_display(),
                image_id=link.image_id,
            )
        )
    return views


def _document(number: int, title: str, context: str, evidence: EvidenceFile) -> Document:
    return Document(
        number=number,
        title=title,
        context=context,
        evidence_id=evidence.pk,
        content_type=evidence.content_type,
        original_name=evidence.original_name,
        pages=pdf_page_count(evidence) if evidence.content_type == PDF_TYPE else 1,
    )


def _documents(placement: Placement) -> tuple[list[Document], dict[int, list[Document]]]:
    """Every file of the placement in the order a reviewer reads them (contracts, agreements, certificates,
    diploma, then the months' evidence grouped by material), and the months' evidence per month."""
    found: list[tuple[str, str, EvidenceFile]] = []
    for c in placement.contracts.all():
        term = f"{c.get_contract_type_display()} {c.start:%Y-%m-%d}"
        if c.contract_file is not None:
            found.append((str(EvidencePurpose.CONTRACT.label), term, c.contract_file))
        if c.dispatch_agreement_file is not None:
            found.append((str(EvidencePurpose.DISPATCH_AGREEMENT.label), term, c.dispatch_agreement_file))
    for added in placement.added_certificates.all():
        found.append(
            (
                str(EvidencePurpose.CERTIFICATE_IMAGE.label),
                f"补充残疾证 {mask(added.certificate.number)}",
                added.image,
            )
        )
    if placement.diploma is not None:
        found.append((str(EvidencePurpose.DIPLOMA.label), placement.school or "", placement.diploma))
    # One file may serve several months (one upload per material on the portal): listed once, with its months.
    by_file: dict[int, tuple[str, list[int], EvidenceFile]] = {}
    per_month_ids: dict[int, list[tuple[int, str]]] = {}
    for month in placement.months.all():
        for link in month.evidence.all():
            label = _EVIDENCE_TITLES.get(link.check_code, link.check_code)
            entry = by_file.setdefault(link.evidence_id, (label, [], link.evidence))
            entry[1].append(month.month)
            per_month_ids.setdefault(month.month, []).append((link.evidence_id, label))
    order = {label: n for n, label in enumerate(_EVIDENCE_TITLES.values())}
    for label, months, evidence in sorted(by_file.values(), key=lambda e: (order.get(e[0], 99), e[1])):
        found.append((label, "涉及月份：" + "、".join(str(m) for m in sorted(months)), evidence))
    documents = [_document(n, title, context, ev) for n, (title, context, ev) in enumerate(found, 1)]
    by_id = {d.evidence_id: d for d in documents}
    per_month = {
        month: sorted(
            (by_id[evidence_id] for evidence_id, _ in links if evidence_id in by_id), key=lambda d: d.number
        )
        for month, links in per_month_ids.items()
    }
    return documents, per_month


def _history(placement: Placement) -> list[HistoryRow]:
    rows = []
    reviews = PlacementReview.objects.filter(placement=placement).select_related(
        "reviewer", "certificate__certificate", "contract"
    )
    for review in reviews.order_by("at", "pk"):
        details: list[str] = []
        if review.kind == ReviewKind.MONTHS:
            for month, verdict in sorted((review.months or {}).items()):
                if isinstance(verdict, dict):
                    valid = verdict.get("valid")
                    reason = verdict.get("reason") or ""
                    details.append(
                        f"{month}：{'有效' if valid else '无效'}{'（' + reason + '）' if reason else ''}"
                    )
        else:
            details.extend(str(item) for item in (review.items or []))
        if review.certificate is not None:
            details.insert(0, f"补充残疾证 {mask(review.certificate.certificate.number)}")
        if review.contract is not None:
            details.insert(0, f"劳务派遣协议（{review.contract}）")
        rows.append(
            HistoryRow(
                at=beijing_time(review.at),
                reviewer=(review.reviewer.full_name or review.reviewer.username) if review.reviewer else "—",
                kind=review.get_kind_display(),
                outcome=review.get_outcome_display(),
                details=details,
                note=review.note,
            )
        )
    return rows


def _latest_month_decisions(placement: Placement) -> dict[int, dict[str, Any]]:
    decided: dict[int, dict[str, Any]] = {}
    for review in PlacementReview.objects.filter(placement=placement, kind=ReviewKind.MONTHS).order_by(
        "at", "pk"
    ):
        for month, verdict in (review.months or {}).items():
            if isinstance(verdict, dict) and str(month).isdigit():
                decided[int(month)] = verdict
    return decided


def _channel(placement: Placement) -> str:
    events = [e for e in placement.events.all() if e.transition in _CHANNEL_TRANSITIONS]
    if not events:
        return "—"
    latest: PlacementEvent = max(events, key=lambda e: (e.at, e.pk))
    return latest.get_channel_display()


def _blockers(contracts: list[ContractView], certificates: list[CertificateView]) -> list[str]:
    """What must be decided before the months (确认): the service refuses 确认 while any is undecided."""
    items = [f"劳务派遣协议（{c.type_label} {c.term}）待审核" for c in contracts if c.agreement_pending]
    items += [f"补充残疾证 {c.number_masked} 待审核" for c in certificates if c.pending]
    return items


def review_screen(placement: Placement, *, full: bool = False) -> ReviewScreen:
    """Everything 安置登记审核 shows for `placement` (loaded by `placement_detail`, so its contracts, months
    with evidence, added certificates and events are prefetched). `full` shows the whole ID number: the
    caller audits it."""
    verification = {row.month: row for row in verification_rows(placement)}
    documents, per_month = _documents(placement)
    decisions = _latest_month_decisions(placement)
    months = []
    for month, row in sorted(verification.items()):
        if row.outcome == MonthOutcomeChoice.NOT_SELECTED:
            continue
        by_code = {cell.code: cell for cell in row.cells}
        cells = [
            ScreenCell(heading, by_code[code.value])
            for code, heading in SCREEN_CHECKS
            if code.value in by_code
        ]
        months.append(
            MonthRow(row=row, cells=cells, documents=per_month.get(month, []), decision=decisions.get(month))
        )
    contracts = _contract_views(placement)
    certificates = _certificate_views(placement)
    status = PlacementStatus(placement.status).label
    if placement.confirmed_by:
        status = f"{status}（{placement.get_confirmed_by_display()}）"
    return ReviewScreen(
        placement=placement,
        id_number=placement.id_number if full else mask(placement.id_number),
        full=full,
        status_label=status,
        channel=_channel(placement),
        contracts=contracts,
        certificates=certificates,
        documents=documents,
        months=months,
        history=_history(placement),
        reasons=review_reasons(placement),
        blockers=_blockers(contracts, certificates),
    )


def screen_checks_headings() -> list[str]:
    return [heading for _, heading in SCREEN_CHECKS]


__all__ = [
    "SCREEN_CHECKS",
    "CertificateView",
    "ContractView",
    "Document",
    "HistoryRow",
    "MonthRow",
    "ReviewScreen",
    "review_reasons",
    "review_screen",
    "screen_checks_headings",
]
