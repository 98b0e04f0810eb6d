"""Reading the precomputed check tallies for the statistics page: the seven checks' pass rates inside a
jurisdiction, each with the data source behind it, and the 统计时间 of the figures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Max, Sum

from anbili.rules.checks import CheckCode
from anbili.stats.models import CheckTally, TallyRun

# The partner data each check is verified against (the source keys of the verdicts' provenance,
# anbili.placements.verification.SOURCE_LABELS); shown so that the failing source stands out.
CHECK_SOURCES: dict[CheckCode, str] = {
    CheckCode.WAGE: "工资",
    CheckCode.PENSION: "社保",
    CheckCode.MEDICAL: "医保",
    CheckCode.CERTIFICATE: "残疾人人口基础库",
    CheckCode.AGE: "身份证号（出生日期）",
    CheckCode.CONTRACT: "用人单位填报的合同（劳务派遣备案）",
    CheckCode.EXCLUSIVE: "安置登记（其他单位）",
}


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
class CheckRates:
    rates: list[CheckRate]
    computed_at: datetime | None  # None: never counted for this year

    @property
    def most_failing(self) -> CheckRate | None:
        """The check (and so the data source) with the most failed months; None when nothing failed."""
        failing = [r for r in self.rates if r.failed > 0]
        return (
            max(failing, key=lambda r: (r.failed, -list(CheckCode).index(CheckCode(r.code))))
            if failing
            else None
        )


def _covering_prefixes(prefix: str) -> list[str]:
    """The refresh prefixes whose run covered the whole jurisdiction `prefix`: "" and each of its heads."""
    return sorted({prefix[:n] for n in (0, 2, 4, 6) if n <= len(prefix)})


def check_pass_rates(prefix: str, business_year: int) -> CheckRates:
    """The tallies of the regions under `prefix` ("" the whole country) summed per check (two small
    queries over the precomputed rows, whatever the number of months)."""
    sums = {
        row["check_code"]: (row["months"] or 0, row["passed"] or 0)
        for row in CheckTally.objects.filter(business_year=business_year, region_code__startswith=prefix)
        .values("check_code")
        .annotate(months=Sum("months"), passed=Sum("passed"))
        .order_by()
    }
    computed_at = TallyRun.objects.filter(
        business_year=business_year, region_prefix__in=_covering_prefixes(prefix)
    ).aggregate(at=Max("computed_at"))["at"]
    rates = [
        CheckRate(
            code=code.value,
            label=code.label,
            source=CHECK_SOURCES[code],
            months=sums.get(code.value, (0, 0))[0],
            passed=sums.get(code.value, (0, 0))[1],
        )
        for code in CheckCode
    ]
    return CheckRates(rates=rates, computed_at=computed_at)
