"""The review queue (安置登记审核, seed 004): the placements waiting for a DPF reviewer in the staff member's
jurisdiction, oldest first, with what each waits for (its kinds) and its risk signals.

Kinds (an item may have several; docs/review.md "Queue and risk signals"):
- evidence (月份证明材料): a month pending review with an uploaded file for its failed wage, pension or
  medical check;
- certificate (补充残疾证): a certificate the employer added (PlacementCertificate) whose registry row is
  still manual_pending;
- agreement (劳务派遣协议): a dispatch contract whose agreement_review is "pending";
- contract (合同): a month pending review whose contract check failed for another reason than the
  dispatch agreement waiting for its decision (dispatch_agreement_pending_review, the agreement kind).

Queries: one for the total and the counts per kind, the page's rows, one per kind for the rows' kinds
and one for their signals; the same whatever the number of rows shown.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from anbili.core.inputs import search_text
from anbili.core.masking import mask
from anbili.placements.models import (
    MonthEvidence,
    MonthOutcomeChoice,
    Placement,
    PlacementCertificate,
    PlacementContract,
    PlacementMonth,
    PlacementSignal,
    PlacementStatus,
)
from anbili.placements.models_review import DocumentReview
from anbili.placements.selectors import placements_in_jurisdiction
from anbili.registry.models import CertificateOrigin
from anbili.rules.checks import CheckCode
from anbili.rules.signals import SIGNAL_LABELS, SignalCode

# Evidence a reviewer reads for a month: the files for the failed wage, pension or medical check.
EVIDENCE_CHECKS = (CheckCode.WAGE, CheckCode.PENSION, CheckCode.MEDICAL)
# A contract check that fails only because the dispatch agreement waits for its decision: that is the
# agreement kind, not the contract kind.
AGREEMENT_PENDING_REASON = "dispatch_agreement_pending_review"
# "Any signal" in the risk filter.
ANY_SIGNAL = "any"
_CODES = {code.value for code in SignalCode}


class QueueKind(StrEnum):
    """What a queue item waits for."""

    EVIDENCE = "evidence"
    CERTIFICATE = "certificate"
    AGREEMENT = "agreement"
    CONTRACT = "contract"

    @property
    def label(self) -> str:
        return KIND_LABELS[self]


KIND_LABELS: dict[QueueKind, str] = {
    QueueKind.EVIDENCE: "月份证明材料",
    QueueKind.CERTIFICATE: "补充残疾证",
    QueueKind.AGREEMENT: "劳务派遣协议",
    QueueKind.CONTRACT: "合同",
}


def _kind_sets() -> dict[QueueKind, QuerySet]:
    """Each kind as the set of placement ids it applies to (uncorrelated: PostgreSQL hashes each once)."""
    return {
        QueueKind.EVIDENCE: MonthEvidence.objects.filter(
            placement_month__outcome=MonthOutcomeChoice.PENDING_REVIEW,
            check_code__in=[code.value for code in EVIDENCE_CHECKS],
        ).values("placement_month__placement_id"),
        QueueKind.CERTIFICATE: PlacementCertificate.objects.filter(
            certificate__origin=CertificateOrigin.MANUAL_PENDING
        ).values("placement_id"),
        QueueKind.AGREEMENT: PlacementContract.objects.filter(
            is_dispatch=True, agreement_review=DocumentReview.PENDING
        ).values("placement_id"),
        QueueKind.CONTRACT: PlacementMonth.objects.filter(
            Q(checks__contract__reason_code__isnull=True)
            | ~Q(checks__contract__reason_code=AGREEMENT_PENDING_REASON),
            outcome=MonthOutcomeChoice.PENDING_REVIEW,
            checks__contract__passed=False,
        ).values("placement_id"),
    }


# The column of each kind's set that holds the placement id.
_SET_COLUMNS = {
    QueueKind.EVIDENCE: "placement_month__placement_id",
    QueueKind.CERTIFICATE: "placement_id",
    QueueKind.AGREEMENT: "placement_id",
    QueueKind.CONTRACT: "placement_id",
}


def _kind_conditions() -> dict[QueueKind, Q]:
    return {kind: Q(pk__in=ids) for kind, ids in _kind_sets().items()}


@dataclass(frozen=True)
class QueueFilters:
    """The queue's filters, already validated (the form's job): `region` a code inside the jurisdiction,
    `older_than` whole days, `kind` a QueueKind value, `signal` ANY_SIGNAL or a SignalCode value."""

    region: str = ""
    employer: str = ""
    submitted_from: date | None = None
    submitted_to: date | None = None
    older_than: int | None = None
    kind: str = ""
    signal: str = ""


def _beijing_start(day: date) -> datetime:
    """The first instant of a Beijing (TIME_ZONE) calendar day."""
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_default_timezone())


def _filtered(staff: Any, filters: QueueFilters, today: date) -> QuerySet[Placement]:
    """The pending placements of the jurisdiction under every filter but the kind."""
    queryset = placements_in_jurisdiction(staff).filter(status=PlacementStatus.PENDING)
    if filters.region:
        queryset = queryset.filter(employer__dpf_region__code__startswith=filters.region)
    text = search_text(filters.employer)
    if text:
        queryset = queryset.filter(
            Q(employer__name__icontains=text) | Q(employer__uscc__startswith=text.upper())
        )
    if filters.submitted_from:
        queryset = queryset.filter(registered_at__gte=_beijing_start(filters.submitted_from))
    if filters.submitted_to:
        queryset = queryset.filter(registered_at__lt=_beijing_start(filters.submitted_to + timedelta(days=1)))
    if filters.older_than is not None:
        # Age in days is counted in Beijing calendar days, as the list shows it: > N days old means
        # submitted before the start of the day N days ago.
        queryset = queryset.filter(
            registered_at__lt=_beijing_start(today - timedelta(days=filters.older_than))
        )
    if filters.signal == ANY_SIGNAL:
        queryset = queryset.filter(Exists(PlacementSignal.objects.filter(placement=OuterRef("pk"))))
    elif filters.signal:
        queryset = queryset.filter(
            Exists(PlacementSignal.objects.filter(placement=OuterRef("pk"), code=filters.signal))
        )
    return queryset


def _region_prefix(code: str) -> str:
    """A region code as the prefix of the codes under it: 150000 → 15, 150100 → 1501, 150102 → 150102."""
    if code.endswith("0000"):
        return code[:2]
    if code.endswith("00"):
        return code[:4]
    return code


@dataclass(frozen=True)
class QueueCounts:
    """The items under the current filters except the kind: all of them and per kind."""

    total: int
    per_kind: dict[QueueKind, int]

    @property
    def items(self) -> list[tuple[QueueKind, int]]:
        return [(kind, self.per_kind.get(kind, 0)) for kind in QueueKind]


def review_queue(
    staff: Any, filters: QueueFilters, *, today: date | None = None
) -> tuple[QuerySet, QueueCounts]:
    """The queue under the filters, oldest first (registered_at, pk), and its counts per kind (within the
    other filters): five counting queries (each a semi-join PostgreSQL plans cheaply), the rows' query
    when it is read."""
    today = today or timezone.localdate()
    filters = QueueFilters(
        **{**filters.__dict__, "region": _region_prefix(filters.region) if filters.region else ""}
    )
    base = _filtered(staff, filters, today)
    conditions = _kind_conditions()
    # One pass over the items, each kind an uncorrelated IN (…) that PostgreSQL hashes once; correlated
    # EXISTS per row cost more, and their cost estimate set off PostgreSQL's JIT compilation, which alone
    # took a second at 10,000 items (docs/performance.md, P4 review queue).
    aggregate = base.aggregate(
        total=Count("pk"), **{kind.value: Count("pk", filter=conditions[kind]) for kind in QueueKind}
    )
    counts = QueueCounts(aggregate["total"], {kind: aggregate[kind.value] for kind in QueueKind})
    rows = base
    if filters.kind:
        rows = rows.filter(conditions[QueueKind(filters.kind)])
    return rows.select_related("employer").order_by("registered_at", "pk"), counts


def _kinds_of(placement_ids: list[int]) -> dict[int, list[QueueKind]]:
    """The kinds of the page's items: one small query per kind over those rows only."""
    if not placement_ids:
        return {}
    sets = _kind_sets()
    kinds: dict[int, list[QueueKind]] = defaultdict(list)
    for kind in QueueKind:
        column = _SET_COLUMNS[kind]
        found = sets[kind].filter(**{f"{column}__in": placement_ids}).values_list(column, flat=True)
        for placement_id in sorted(set(found)):
            kinds[placement_id].append(kind)
    return kinds


@dataclass(frozen=True)
class QueueSignal:
    code: str
    label: str
    detail: str


@dataclass
class QueueRow:
    """One item of the queue as the page shows it."""

    pk: int
    employer_name: str
    employer_uscc: str
    person_name: str
    masked_id: str
    registered_at: datetime | None
    age_days: int | None
    kinds: list[QueueKind]
    signals: list[QueueSignal] = field(default_factory=list)
    url: str = ""  # the review screen, set by the view


def queue_rows(placements: list[Placement], *, today: date | None = None) -> list[QueueRow]:
    """The page's rows with their kinds and signals (one query each for every row)."""
    today = today or timezone.localdate()
    kinds = _kinds_of([p.pk for p in placements])
    signals: dict[int, list[QueueSignal]] = defaultdict(list)
    for placement_id, code, detail in PlacementSignal.objects.filter(
        placement_id__in=[p.pk for p in placements]
    ).values_list("placement_id", "code", "detail"):
        label = SIGNAL_LABELS[SignalCode(code)] if code in _CODES else code
        signals[placement_id].append(QueueSignal(code, label, detail))
    order = {code.value: index for index, code in enumerate(SignalCode)}
    rows = []
    for p in placements:
        registered = timezone.localtime(p.registered_at) if p.registered_at else None
        rows.append(
            QueueRow(
                pk=p.pk,
                employer_name=p.employer.name,
                employer_uscc=p.employer.uscc,
                person_name=p.name,
                masked_id=mask(p.id_number),
                registered_at=registered,
                age_days=(today - registered.date()).days if registered else None,
                kinds=kinds.get(p.pk, []),
                signals=sorted(signals[p.pk], key=lambda s: order.get(s.code, len(order))),
            )
        )
    return rows
