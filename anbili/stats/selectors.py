"""Reading the precomputed statistics for the 统计 page: a fixed number of small queries over the rows of
the staff member's jurisdiction (the regions whose code starts with `User.jurisdiction_prefix`, the prefix
placements_in_jurisdiction applies to the employer's 残联主管部门), whatever the number of placements."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Max, Sum
from django.db.models.functions import Substr
from django.utils import timezone

from anbili.accounts.models import User
from anbili.placements.models import PlacementStatus
from anbili.placements.selectors_stats import DECISION_TRANSITIONS
from anbili.regions.models import Region, RegionLevel
from anbili.rules.checks import CheckCode
from anbili.stats.models import CheckTally, FigureKind, PlacementFigure, TallyRun

# The partner data each check is verified against (the sources of the verdicts' provenance,
# anbili.placements.verification.SOURCE_LABELS); shown so that the failing source stands out.
CHECK_SOURCES: dict[CheckCode, str] = {
    CheckCode.WAGE: "工资",
    CheckCode.PENSION: "社保",
    CheckCode.MEDICAL: "医保",
    CheckCode.CERTIFICATE: "残疾人人口基础库",
    CheckCode.AGE: "身份证号",
    CheckCode.CONTRACT: "合同与劳务派遣备案",
    CheckCode.EXCLUSIVE: "其他单位安置登记",
}

# Age buckets of the backlog (待审核, whole days since the day of 单位申报时间): (label, lowest, highest).
BACKLOG_BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("3天以内", 0, 3),
    ("4至7天", 4, 7),
    ("8至15天", 8, 15),
    ("16至30天", 16, 30),
    ("30天以上", 31, None),
)


@dataclass(frozen=True)
class CheckRate:
    code: str
    label: str
    source: str
    months: int
    passed: int

    @property
    def failed(self) -> int:
        return self.months - self.passed

    @property
    def rate(self) -> float | None:
        """Passed share in per cent, one decimal; None without months."""
        return round(self.passed * 100 / self.months, 1) if self.months else None


@dataclass(frozen=True)
class ReviewerDecisions:
    reviewer: str
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass
class Statistics:
    """One business year inside one jurisdiction, as of `computed_at` (None: never counted)."""

    by_status: dict[str, int]
    by_region: dict[str, dict[str, int]]  # sub-region code head → {status: placements}
    region_names: dict[str, str]
    backlog: list[tuple[str, int]]
    oldest_days: int | None
    decisions: list[ReviewerDecisions]
    rates: list[CheckRate]
    computed_at: datetime | None

    @property
    def total(self) -> int:
        return sum(self.by_status.values())

    @property
    def backlog_total(self) -> int:
        return sum(n for _, n in self.backlog)

    @property
    def most_failing(self) -> CheckRate | None:
        """The check (and so the data source) with the most failed months; None when nothing failed."""
        failing = [r for r in self.rates if r.failed > 0]
        return max(failing, key=lambda r: r.failed) if failing else None


def sub_region_length(prefix: str) -> int:
    """The code length naming the regions one level below a jurisdiction prefix: provinces (2) for the
    whole country, cities (4) for a province, counties (6) for a city and for a county itself."""
    return {0: 2, 2: 4}.get(len(prefix), 6)


def sub_region_names(staff: User) -> dict[str, str]:
    """The names of the regions one level below the jurisdiction, keyed by their code head; the staff
    member's own region as 本级."""
    prefix = staff.jurisdiction_prefix or ""
    length = sub_region_length(prefix)
    if not prefix:
        regions = Region.objects.filter(level=RegionLevel.PROVINCE)
    elif len(prefix) < 6:
        regions = Region.objects.filter(parent_id=staff.region_id)
    else:
        regions = Region.objects.none()
    names = {region.code[:length]: region.name for region in regions.only("code", "name")}
    if staff.region is not None:
        names.setdefault(staff.region.code[:length], f"{staff.region.name}（本级）")
    return names


def _bucket(days: int) -> str:
    for label, low, high in BACKLOG_BUCKETS:
        if days >= low and (high is None or days <= high):
            return label
    return BACKLOG_BUCKETS[0][0]  # a date in the future (clock skew) counts as new


def _covering_prefixes(prefix: str) -> list[str]:
    """The refresh prefixes whose run covered the whole jurisdiction `prefix`: "" and each of its heads."""
    return sorted({prefix[:n] for n in (0, 2, 4, 6) if n <= len(prefix)})


def _rates(prefix: str, business_year: int) -> list[CheckRate]:
    sums = {
        row["check_code"]: (row["months"] or 0, row["passed"] or 0)
        for row in CheckTally.objects.filter(business_year=business_year, region_code__startswith=prefix)
        .values("check_code")
        .annotate(months=Sum("months"), passed=Sum("passed"))
        .order_by()
    }
    return [
        CheckRate(
            code=code.value,
            label=code.label,
            source=CHECK_SOURCES[code],
            months=sums.get(code.value, (0, 0))[0],
            passed=sums.get(code.value, (0, 0))[1],
        )
        for code in CheckCode
    ]


def _reviewer_names(actor_ids: set[int]) -> dict[int, str]:
    names = {}
    for pk, full_name, username in User.objects.filter(pk__in=actor_ids).values_list(
        "pk", "full_name", "username"
    ):
        names[pk] = f"{full_name}（{username}）" if full_name else username
    return names


def statistics_for(staff: User, business_year: int, *, today: date | None = None) -> Statistics:
    """The statistics of `business_year` inside the staff member's jurisdiction (raises ValueError for a
    user without one): six queries whatever the number of placements."""
    prefix = staff.jurisdiction_prefix
    if prefix is None:
        raise ValueError("no jurisdiction")
    today = today or timezone.localdate()
    length = sub_region_length(prefix)
    by_status = dict.fromkeys(PlacementStatus.values, 0)
    by_region: dict[str, dict[str, int]] = {}
    backlog = dict.fromkeys((label for label, _, _ in BACKLOG_BUCKETS), 0)
    oldest: date | None = None
    decided: dict[int | None, dict[str, int]] = {}
    rows = (
        PlacementFigure.objects.filter(business_year=business_year, region_code__startswith=prefix)
        .annotate(sub_region=Substr("region_code", 1, length))
        .values_list("kind", "key", "sub_region")
        .annotate(total=Sum("n"))
        .order_by()
    )
    for kind, key, sub_region, n in rows:
        if kind == FigureKind.STATUS:
            by_status[key] = by_status.get(key, 0) + n
            cells = by_region.setdefault(sub_region, dict.fromkeys(PlacementStatus.values, 0))
            cells[key] = cells.get(key, 0) + n
        elif kind == FigureKind.PENDING_DAY:
            day = date.fromisoformat(key) if key else None
            backlog[_bucket((today - day).days if day else 0)] += n
            if day and (oldest is None or day < oldest):
                oldest = day
        elif kind == FigureKind.DECISION:
            actor, _, transition = key.partition(":")
            counts = decided.setdefault(
                None if actor == "-" else int(actor), dict.fromkeys(DECISION_TRANSITIONS, 0)
            )
            counts[transition] = counts.get(transition, 0) + n
    names = _reviewer_names({pk for pk in decided if pk is not None})
    decisions = sorted(
        (
            ReviewerDecisions(names.get(pk, "（账号已删除）") if pk else "（账号已删除）", c)
            for pk, c in decided.items()
        ),
        key=lambda r: (-r.total, r.reviewer),
    )
    computed_at = TallyRun.objects.filter(
        business_year=business_year, region_prefix__in=_covering_prefixes(prefix)
    ).aggregate(at=Max("computed_at"))["at"]
    return Statistics(
        by_status=by_status,
        by_region=by_region,
        region_names=sub_region_names(staff),
        backlog=list(backlog.items()),
        oldest_days=(today - oldest).days if oldest else None,
        decisions=decisions,
        rates=_rates(prefix, business_year),
        computed_at=computed_at,
    )
