"""Reads about placements: the list with its per-row month counts, the counters, the detail page and the
verification table rows."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from anbili.core.inputs import search_text
from anbili.core.month import Month, months_of_year
from anbili.employers.models import Employer
from anbili.employers.selectors import PlacementFigures, PlacementProgress
from anbili.placements.models import (
    ConfirmedBy,
    MonthEvidence,
    MonthOutcomeChoice,
    Placement,
    PlacementCertificate,
    PlacementContract,
    PlacementMonth,
    PlacementStatus,
)
from anbili.placements.verification import SOURCE_LABELS
from anbili.registry.models import Certificate, CertificateOrigin, CertificateStatus
from anbili.rules.checks import AWAITS_REVIEW, EVIDENCE_LABELS, CheckCode

CONFIRMED_OUTCOMES = (MonthOutcomeChoice.AUTO_CONFIRMED, MonthOutcomeChoice.CONFIRMED)
LEVEL_WORDS = {1: "一级", 2: "二级", 3: "三级", 4: "四级", 5: "五级", 6: "六级", 7: "七级", 8: "八级"}
LEVEL_WORDS |= {9: "九级", 10: "十级"}
# A confirmed month that had passed and fails on newer data (PlacementMonth.regressed_at, set by the month
# store) and still fails: flagged for the employer and the reviewer, never dropped silently.
REGRESSED = Q(regressed_at__isnull=False, auto_passed=False, outcome__in=CONFIRMED_OUTCOMES)


def placement_list(employer: Employer, business_year: int, *, query: str = "") -> QuerySet[Placement]:
    """The list (安置人员列表) with 安置登记/确认/核定/不通过 (月) and the certificate number annotated, in
    one query whatever the number of rows; `query` matches the name, or the ID number by its start, its last
    digits (the list shows numbers masked 6 + 4, so a clerk reads the last four) or both as shown masked."""
    selected = Q(months__selected=True)
    confirmed = selected & Q(months__outcome__in=CONFIRMED_OUTCOMES)
    certificate = (
        Certificate.objects.filter(id_number=OuterRef("id_number"))
        .exclude(status=CertificateStatus.REVOKED)
        .order_by("-valid_from", "-pk")
        .values("number")[:1]
    )
    queryset = (
        Placement.objects.filter(employer=employer, business_year=business_year)
        .annotate(
            registered_months=Count("months", filter=selected),
            confirmed_months=Count("months", filter=confirmed),
            credited_months=Coalesce(
                Sum("months__weight", filter=confirmed), Value(0), output_field=IntegerField()
            ),
            rejected_months=Count("months", filter=selected & Q(months__outcome=MonthOutcomeChoice.REJECTED)),
            regressed_months=Count(
                "months",
                filter=Q(
                    months__regressed_at__isnull=False,
                    months__auto_passed=False,
                    months__outcome__in=CONFIRMED_OUTCOMES,
                ),
            ),
            certificate_number=Subquery(certificate),
        )
        .order_by("-registered_at", "-pk")
    )
    condition = _search_condition(search_text(query))
    return queryset.filter(condition) if condition is not None else queryset


_ID_PART = re.compile(r"[0-9]{1,17}[0-9X]?")
_MASKED = re.compile(r"([0-9]{0,17})\*+([0-9]{0,17}[0-9X]?)")
# The fewest typed characters searched for at the end of ID numbers (fewer would match most of the list).
MIN_TAIL = 4


def _search_condition(text: str) -> Q | None:
    """The filter of the list's search box (text already normalised by `search_text`)."""
    if not text:
        return None
    condition = Q(name__icontains=text)
    number = text.replace(" ", "").upper()
    if _ID_PART.fullmatch(number):
        condition |= Q(id_number__startswith=number)
        if len(number) >= MIN_TAIL:
            condition |= Q(id_number__endswith=number)
    elif masked := _MASKED.fullmatch(number):
        head, tail = masked.groups()
        if head or tail:
            condition |= Q(id_number__startswith=head, id_number__endswith=tail)
    return condition


@dataclass(frozen=True)
class PlacementCounters:
    """The counters above the list (seed 004) and the totals line."""

    registered: int  # 已登记
    confirmed_system: int  # 审核通过(系统)
    confirmed_reviewer: int  # 审核通过(人工)
    pending: int  # 待审核
    draft: int  # 资料待完善
    partly_rejected: int  # 部分审核不通过
    rejected: int  # 审核不通过
    confirmed_months: int  # 本次累计安置确认 X 个月
    credited_months: int  # 累计安置核定 Y 个月
    regressed_persons: int = 0  # persons with a confirmed month that now fails (REGRESSED)
    regressed_months: int = 0

    @property
    def confirmed(self) -> int:
        """已审核确认 (both kinds)."""
        return self.confirmed_system + self.confirmed_reviewer

    @property
    def items(self) -> list[tuple[str, int]]:
        """(label, persons) in the seed's order, for the counters line."""
        return [
            ("已登记", self.registered),
            ("审核通过(系统)", self.confirmed_system),
            ("审核通过(人工)", self.confirmed_reviewer),
            ("待审核", self.pending),
            ("资料待完善", self.draft),
            ("部分审核不通过", self.partly_rejected),
            ("审核不通过", self.rejected),
        ]

    @property
    def totals_text(self) -> str:
        """本次累计安置确认 X 个月，累计安置核定 Y 个月."""
        return f"本次累计安置确认 {self.confirmed_months} 个月，累计安置核定 {self.credited_months} 个月"


def placement_counters(employer: Employer, business_year: int) -> PlacementCounters:
    """The list's counters and totals in two queries."""
    status = Placement.objects.filter(employer=employer, business_year=business_year).aggregate(
        registered=Count("pk"),
        confirmed_system=Count(
            "pk", filter=Q(status=PlacementStatus.CONFIRMED, confirmed_by=ConfirmedBy.SYSTEM)
        ),
        confirmed_reviewer=Count(
            "pk", filter=Q(status=PlacementStatus.CONFIRMED) & ~Q(confirmed_by=ConfirmedBy.SYSTEM)
        ),
        pending=Count("pk", filter=Q(status=PlacementStatus.PENDING)),
        draft=Count("pk", filter=Q(status=PlacementStatus.DRAFT)),
        partly_rejected=Count("pk", filter=Q(status=PlacementStatus.PARTLY_REJECTED)),
        rejected=Count("pk", filter=Q(status=PlacementStatus.REJECTED)),
    )
    months = PlacementMonth.objects.filter(
        placement__employer=employer,
        placement__business_year=business_year,
        selected=True,
        outcome__in=CONFIRMED_OUTCOMES,
    ).aggregate(
        confirmed=Count("pk"),
        credited=Coalesce(Sum("weight"), 0),
        regressed_persons=Count("placement_id", distinct=True, filter=REGRESSED),
        regressed_months=Count("pk", filter=REGRESSED),
    )
    return PlacementCounters(
        **{key: value or 0 for key, value in status.items()},
        confirmed_months=months["confirmed"] or 0,
        credited_months=months["credited"] or 0,
        regressed_persons=months["regressed_persons"] or 0,
        regressed_months=months["regressed_months"] or 0,
    )


def placement_of(placement_id: int, employer: Employer) -> Placement:
    """One placement of the employer, its own columns only; raises Placement.DoesNotExist for another
    employer's placement."""
    return Placement.objects.select_related("employer").get(pk=placement_id, employer=employer)


def placements_in_jurisdiction(staff: Any) -> QuerySet[Placement]:
    """The placements of every employer whose 残联主管部门 lies in the staff member's jurisdiction (a county
    its own, a city its counties', a province all of its own); none for a user without one. Every staff
    list, search, count, export and statistic starts here."""
    prefix = getattr(staff, "jurisdiction_prefix", None)
    if prefix is None:
        return Placement.objects.none()
    return Placement.objects.filter(employer__dpf_region__code__startswith=prefix)


def placement_detail(
    placement_id: int, employer: Employer | None = None, *, within: QuerySet[Placement] | None = None
) -> Placement:
    """One placement of the employer (or of the `within` queryset, for staff) with contracts, months, their
    evidence and added certificates; raises Placement.DoesNotExist for any other placement."""
    rows = within if within is not None else Placement.objects.filter(employer=employer)
    return (
        rows.select_related("household_region", "diploma", "employer")
        .prefetch_related(
            Prefetch(
                "contracts",
                queryset=PlacementContract.objects.select_related("contract_file", "dispatch_agreement_file"),
            ),
            Prefetch(
                "months",
                queryset=PlacementMonth.objects.order_by("month").prefetch_related(
                    Prefetch("evidence", queryset=MonthEvidence.objects.select_related("evidence"))
                ),
            ),
            Prefetch(
                "added_certificates",
                queryset=PlacementCertificate.objects.select_related("certificate", "image"),
            ),
            "events",
        )
        .get(pk=placement_id)
    )


def placement_registry_certificates(placement: Placement) -> list[Certificate]:
    """The certificates of the person the registry holds or the employer added (残疾证管理), oldest first."""
    return list(
        Certificate.objects.filter(id_number=placement.id_number)
        .exclude(status=CertificateStatus.REVOKED)
        .order_by("valid_from", "number")
    )


def months_text(year: int, months: Sequence[int]) -> str:
    """Months of a year as the employer reads them: 2025年1月至3月 (a run), 2025年5月, or a list."""
    if not months:
        return ""
    first, last = months[0], months[-1]
    if len(months) == 1:
        return f"{year}年{first}月"
    if list(months) == list(range(first, last + 1)):
        return f"{year}年{first}月至{last}月"
    return f"{year}年" + "、".join(f"{m}月" for m in months)


def covered_months(valid_from: date | None, valid_until: date | None, year: int) -> list[int]:
    """The months (1-12) of the business year a certificate is in force on at least one day (rules.md §1)."""
    return [m.month for m in months_of_year(year) if m.overlaps(valid_from, valid_until)]


@dataclass(frozen=True)
class HistoricalNeed:
    """Whether 补充历史残疾证 applies to a person's business year (domain.md step 4, seed 002): the current
    certificate, i.e. the registry's earliest one in force, was newly issued inside the business year after
    January, so the months before its start have no certificate; an earlier one may then be added, valid
    before and up to the current one's start, and counting after DPF review."""

    business_year: int
    current: Certificate | None
    months: tuple[int, ...]  # the months before the current certificate's start: what an earlier one covers
    reason: str  # why not, when it does not apply

    @property
    def allowed(self) -> bool:
        return bool(self.months)

    @property
    def text(self) -> str:
        """What the page says: the current certificate's start and the months an earlier one would cover."""
        if not self.allowed or self.current is None:
            return self.reason
        start = self.current.valid_from
        return (
            f"该人员当前的残疾证自 {start:%Y-%m-%d} 起有效，"
            f"{months_text(self.business_year, self.months)}没有有效的残疾证。"
            f"可补充该人员此前持有的残疾证：有效期止不晚于 {start:%Y-%m-%d}，"
            f"审核通过后可计入{months_text(self.business_year, self.months)}。"
        )


def historical_certificate_need(id_number: str, business_year: int) -> HistoricalNeed:
    """Whether the employer may add a historical certificate for the person and for which months."""
    current = (
        Certificate.objects.filter(id_number=id_number, origin=CertificateOrigin.REGISTRY)
        .exclude(status=CertificateStatus.REVOKED)
        .order_by("valid_from", "pk")
        .first()
    )
    if current is None:
        reason = (
            "残疾人人口基础库中没有该人员的残疾证，不能补充历史残疾证；如该人员持有有效残疾证，"
            "请在“人员信息校验”中勾选月份并上传残疾证证明材料"
        )
        return HistoricalNeed(business_year, None, (), reason)
    start = current.valid_from
    if start.year > business_year:
        reason = (
            f"该人员的残疾证自 {start:%Y-%m-%d} 起有效，不是 {business_year} 业务年度内新办的证件，"
            "不能补充历史残疾证"
        )
        return HistoricalNeed(business_year, current, (), reason)
    if start.year < business_year or start.month == 1:
        reason = (
            f"残疾人人口基础库中的残疾证自 {start:%Y-%m-%d} 起有效，已覆盖 {business_year} 业务年度各月，"
            "无需补充历史残疾证"
        )
        return HistoricalNeed(business_year, current, (), reason)
    return HistoricalNeed(business_year, current, tuple(range(1, start.month)), "")


def beijing_time(moment: datetime) -> str:
    """A stored time as the employer reads it: Beijing time (TIME_ZONE), to the minute."""
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return moment.strftime("%Y-%m-%d %H:%M")


def _regressed(month: PlacementMonth) -> bool:
    return month.regressed_at is not None and not month.auto_passed and month.outcome in CONFIRMED_OUTCOMES


@dataclass(frozen=True)
class CheckCell:
    """One ✓/✗ cell of the verification table with its text equivalent, reason and sources."""

    code: str
    label: str
    passed: bool
    reason_code: str
    message: str
    sources: list[dict[str, Any]]

    @property
    def symbol(self) -> str:
        return "✓" if self.passed else "✗"

    @property
    def text(self) -> str:
        """The text equivalent of the symbol (never a symbol alone)."""
        return "通过" if self.passed else "不通过"

    @property
    def source_text(self) -> str:
        """Where the fact came from and when it was received, in words."""
        parts = []
        for source in self.sources:
            received = source.get("received_at")
            when = ""
            if received:
                when = beijing_time(datetime.fromisoformat(received))
            payer = f"（{source['payer_uscc']}）" if source.get("payer_uscc") else ""
            label = SOURCE_LABELS.get(source.get("source", ""), source.get("source", ""))
            parts.append(f"{label}{payer}{'，接收时间 ' + when if when else ''}")
        return "；".join(parts) or "无数据"


@dataclass(frozen=True)
class VerificationRow:
    """One month of the verification table (人员信息校验)."""

    month: int
    cells: list[CheckCell]
    certificate_type: str
    certificate_level: str
    auto_passed: bool
    selected: bool
    selectable: bool
    locked_selected: bool  # auto-passed month of a non-dispatch person: always selected
    outcome: str
    outcome_label: str
    required_evidence: list[tuple[str, str]] = field(default_factory=list)  # (check code, 材料名称)
    regressed_at: datetime | None = None  # set only while the month is REGRESSED

    @property
    def regressed_text(self) -> str:
        """The flag of a confirmed month that newer data fails, with the time and the failing checks."""
        if self.regressed_at is None:
            return ""
        reasons = "；".join(f"{c.label}：{c.message}" for c in self.cells if not c.passed and c.message)
        return f"该月原已确认，最新数据核验不通过（{beijing_time(self.regressed_at)} 北京时间）" + (
            f"：{reasons}" if reasons else ""
        )

    @property
    def label(self) -> str:
        """The month as the seed prints it: 202101."""
        return str(self.month)

    @property
    def month_value(self) -> Month:
        return Month(self.month // 100, self.month % 100)


def verification_rows(placement: Placement) -> list[VerificationRow]:
    """Per month: each check's 通过/不通过 with reason and source, the certificate type/level, whether it
    may be selected or is locked selected, and the evidence kinds its ✗ checks need."""
    dispatch = any(contract.is_dispatch for contract in placement.contracts.all())
    rows = []
    for month in sorted(placement.months.all(), key=lambda row: row.month):
        cells = []
        for code in CheckCode:
            verdict = month.checks.get(code.value, {})
            cells.append(
                CheckCell(
                    code=code.value,
                    label=code.label,
                    passed=bool(verdict.get("passed")),
                    reason_code=verdict.get("reason_code", ""),
                    message=verdict.get("message", ""),
                    sources=verdict.get("sources", []),
                )
            )
        exclusive_ok = month.checks.get(CheckCode.EXCLUSIVE.value, {}).get("passed", True)
        rows.append(
            VerificationRow(
                month=month.month,
                cells=cells,
                certificate_type=month.certificate_type,
                certificate_level=LEVEL_WORDS.get(month.certificate_level or 0, ""),
                auto_passed=month.auto_passed,
                selected=month.selected or (month.auto_passed and not dispatch),
                selectable=bool(exclusive_ok) and not (month.auto_passed and not dispatch),
                locked_selected=month.auto_passed and not dispatch,
                outcome=month.outcome,
                outcome_label=MonthOutcomeChoice(month.outcome).label,
                required_evidence=[
                    (cell.code, EVIDENCE_LABELS[CheckCode(cell.code)])
                    for cell in cells
                    if not cell.passed and cell.reason_code not in AWAITS_REVIEW
                ],
                regressed_at=month.regressed_at if _regressed(month) else None,
            )
        )
    return rows


def placement_home_figures(employer: Employer, business_year: int) -> PlacementFigures | None:
    """The home page's counters and the chart data (persons registered / confirmed per month); None when the
    year has no placement yet (the page shows an empty state)."""
    counters = placement_counters(employer, business_year)
    if counters.registered == 0:
        return None
    per_month: dict[int, Any] = {
        row["month"]: row
        for row in PlacementMonth.objects.filter(
            placement__employer=employer, placement__business_year=business_year, selected=True
        )
        .values("month")
        .annotate(
            registered=Count("pk"),
            confirmed=Count("pk", filter=Q(outcome__in=CONFIRMED_OUTCOMES)),
        )
    }
    monthly = tuple(
        (
            f"{business_year}-{m:02d}",
            per_month.get(business_year * 100 + m, {}).get("registered", 0),
            per_month.get(business_year * 100 + m, {}).get("confirmed", 0),
        )
        for m in range(1, 13)
    )
    progress = PlacementProgress(
        draft=counters.draft,
        pending=counters.pending,
        confirmed=counters.confirmed,
        partly_rejected=counters.partly_rejected,
        rejected=counters.rejected,
    )
    return PlacementFigures(counters=tuple(counters.items), monthly=monthly, progress=progress)


def placement_months_regressed(
    *,
    employer: Employer | None = None,
    region_prefix: str = "",
    business_year: int | None = None,
) -> QuerySet[PlacementMonth]:
    """Confirmed months that newer registry data fails (REGRESSED), newest first, with their placement and
    employer: the employer's own (`employer`), or for a reviewer those of the employers whose DPF region
    code starts with `region_prefix` ("" for all), optionally of one business year."""
    queryset = PlacementMonth.objects.filter(REGRESSED).select_related("placement", "placement__employer")
    if employer is not None:
        queryset = queryset.filter(placement__employer=employer)
    if region_prefix:
        queryset = queryset.filter(placement__employer__dpf_region__code__startswith=region_prefix)
    if business_year is not None:
        queryset = queryset.filter(placement__business_year=business_year)
    return queryset.order_by("-regressed_at", "placement_id", "month")
