"""Reads of the policy tables: the values in force for a region on a date, or a clear error if one is missing.

Conventions (docs/policy.md):
- A region's province is the first two digits of its code.
- `policy_for(region, on_date)` describes business year `on_date.year`: the quota ratio is that business
  year's; the minimum wage, levy periods, reward rule and retirement setting are the rows in force on
  `on_date`; the declaration window is the one open during calendar year `on_date.year` (which declares
  business year `on_date.year - 1`), because that is the window a screen shown on `on_date` talks about.
- A required table without a row raises PolicyMissing; optional ones (social average wage, levy periods,
  reward rule) give None. Nothing falls back to a constant.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Q

from anbili.core.errors import ApplicationError
from anbili.regions.models import (
    TIER_LABELS,
    WAGE_TIERS,
    DeclarationWindow,
    LevyPeriod,
    LevyPeriodKind,
    MinimumWage,
    PolicyRow,
    QuotaRatio,
    Region,
    RegionLevel,
    RetirementSetting,
    RewardRule,
    SocialAverageWage,
    parse_month_day,
)


class PolicyMissing(ApplicationError):
    """A required policy table has no row for the province and date; a system admin must add one."""

    def __init__(self, message: str, *, table: str, province_code: str, when: date | int) -> None:
        super().__init__(message, code="policy_missing")
        self.table = table
        self.province_code = province_code
        self.when = when


class WageTierUnknown(ApplicationError):
    """The minimum-wage tier cannot be determined: the region is not a county, or its tier is not set."""


class RegionNotFound(ApplicationError):
    """The region code is not a known GB/T 2260 division."""


@dataclass(frozen=True)
class DeclarationWindowInfo:
    """The days of calendar year `year` on which business year `year - 1` is declared."""

    year: int
    opens: date
    closes: date

    @property
    def business_year(self) -> int:
        """The business year declared in this window."""
        return self.year - 1

    def is_open(self, on: date) -> bool:
        """Whether the window is open on the given day (both ends included)."""
        return self.opens <= on <= self.closes


@dataclass(frozen=True)
class StagedLevyParams:
    """分档征收: P / N ≥ `threshold` pays `factor_at_or_above` of the base, below it `factor_below`."""

    threshold: Decimal
    factor_at_or_above: Decimal
    factor_below: Decimal
    valid_from: date
    valid_to: date


@dataclass(frozen=True)
class SmallEnterpriseExemptionParams:
    """小微企业免征: a unit of nature `nature` with headcount N ≤ `max_headcount` owes no levy."""

    max_headcount: int
    nature: str
    valid_from: date
    valid_to: date


@dataclass(frozen=True)
class RewardParams:
    """A province's over-proportion reward rule (rules.md §4)."""

    effective_from: date
    multiplier: Decimal | None
    per_person_amount: Decimal | None
    whole_persons: bool
    severe_weight: int
    min_whole_excess: Decimal
    cap: Decimal | None
    max_years: int | None
    application_deadline: str

    def deadline_for(self, business_year: int) -> date | None:
        """The last day to apply for a business year's reward (in the following year); None if open-ended."""
        if not self.application_deadline:
            return None
        month, day = parse_month_day(self.application_deadline)
        return date(business_year + 1, month, day)


@dataclass(frozen=True)
class PolicyInForce:
    """The policy values for one region on one day (the module docstring says which year each is of)."""

    region_code: str
    province_code: str
    province_name: str
    on_date: date
    business_year: int
    quota_ratio: Decimal
    wage_tier: int
    minimum_wage: Decimal
    minimum_wage_from: date
    social_average_wage: Decimal | None
    declaration_window: DeclarationWindowInfo
    staged_levy: StagedLevyParams | None
    small_enterprise_exemption: SmallEnterpriseExemptionParams | None
    reward_rule: RewardParams | None
    female_base_age: int
    # Names of the tables whose row in use has not been checked against its source document.
    unconfirmed: tuple[str, ...]


def province_code_of(region: Region | str) -> str:
    """The six-digit province code of a region or of any code starting with the province's two digits."""
    code = region.code if isinstance(region, Region) else str(region).strip()
    if len(code) < 2 or not code[:2].isdigit():
        raise RegionNotFound(f"无效的行政区划代码“{code}”", field="region")
    return code[:2] + "0000"


def _table(model: type[PolicyRow]) -> str:
    return str(model._meta.verbose_name)


def _province_name_lookup(province_code: str) -> Callable[[], str]:
    """A lazy province name: the query runs only when an error message needs it."""

    def lookup() -> str:
        name = Region.objects.filter(code=province_code).values_list("name", flat=True).first()
        return name or f"省级区划 {province_code}"

    return lookup


def _quota(province_code: str, year: int, province_name: Callable[[], str]) -> QuotaRatio:
    row = QuotaRatio.objects.filter(province_id=province_code, year=year).first()
    if row is None:
        table = _table(QuotaRatio)
        raise PolicyMissing(
            f"未配置 {province_name()} {year}年 的按比例就业安置比例（政策参数表：{table}）",
            table=table,
            province_code=province_code,
            when=year,
        )
    return row


def _window(province_code: str, year: int, province_name: Callable[[], str]) -> DeclarationWindow:
    row = DeclarationWindow.objects.filter(province_id=province_code, year=year).first()
    if row is None:
        table = _table(DeclarationWindow)
        raise PolicyMissing(
            f"未配置 {province_name()} {year}年 的申报期（申报{year - 1}业务年度）（政策参数表：{table}）",
            table=table,
            province_code=province_code,
            when=year,
        )
    return row


def _minimum_wage(province_code: str, tier: int, on: date, province_name: Callable[[], str]) -> MinimumWage:
    row = (
        MinimumWage.objects.filter(province_id=province_code, tier=tier, effective_from__lte=on)
        .order_by("-effective_from")
        .first()
    )
    if row is None:
        table = _table(MinimumWage)
        raise PolicyMissing(
            f"未配置 {province_name()} {TIER_LABELS.get(tier, tier)}地区 在 {on.isoformat()} 执行的"
            f"月最低工资标准（政策参数表：{table}）",
            table=table,
            province_code=province_code,
            when=on,
        )
    return row


def _retirement(province_code: str, on: date, province_name: Callable[[], str]) -> RetirementSetting:
    row = (
        RetirementSetting.objects.filter(province_id=province_code, effective_from__lte=on)
        .order_by("-effective_from")
        .first()
    )
    if row is None:
        table = _table(RetirementSetting)
        raise PolicyMissing(
            f"未配置 {province_name()} 在 {on.isoformat()} 适用的退休年龄设置（政策参数表：{table}）",
            table=table,
            province_code=province_code,
            when=on,
        )
    return row


def _tier_of(region: Region, tier: int | None) -> int:
    if tier is not None:
        if tier not in WAGE_TIERS:
            raise WageTierUnknown(f"最低工资档次只能是 1、2 或 3，收到 {tier}", field="tier")
        return tier
    if region.level != RegionLevel.COUNTY:
        raise WageTierUnknown(
            f"“{region.name}”（{region.code}）不是区县级区划，无法确定最低工资档次；请使用单位所在区县或指定档次",
            field="region",
        )
    if region.wage_tier is None:
        raise WageTierUnknown(
            f"“{region.name}”（{region.code}）尚未设置最低工资档次（行政区划表），请系统管理员补充",
            field="region",
        )
    return region.wage_tier


def _load_region(region: Region | str) -> Region:
    if isinstance(region, Region):
        return region
    code = str(region).strip()
    found = Region.objects.filter(code=code).first()
    if found is None:
        raise RegionNotFound(f"未找到行政区划代码“{code}”", field="region")
    return found


def _region_and_province(region: Region | str) -> tuple[Region, Region]:
    """The region and its province in at most one query."""
    province_code = province_code_of(region)
    if isinstance(region, Region) and region.code == province_code:
        return region, region
    code = region.code if isinstance(region, Region) else str(region).strip()
    found = {row.code: row for row in Region.objects.filter(code__in={code, province_code})}
    target = region if isinstance(region, Region) else found.get(code)
    if target is None:
        raise RegionNotFound(f"未找到行政区划代码“{code}”", field="region")
    province = found.get(province_code)
    if province is None:
        raise RegionNotFound(f"未找到行政区划代码“{province_code}”对应的省级区划", field="region")
    return target, province


def _levy_periods(province_code: str, on: date) -> tuple[LevyPeriod | None, LevyPeriod | None]:
    """The staged-levy and exemption rows covering the day, in one query."""
    # A province's own period beats the national one (province empty) on the same day.
    periods = sorted(
        LevyPeriod.objects.filter(valid_from__lte=on, valid_to__gte=on).filter(
            Q(province_id=province_code) | Q(province__isnull=True)
        ),
        key=lambda row: row.province_id is None,
    )
    staged = next((p for p in periods if p.kind == LevyPeriodKind.STAGED_LEVY), None)
    exemption = next((p for p in periods if p.kind == LevyPeriodKind.SMALL_ENTERPRISE_EXEMPTION), None)
    return staged, exemption


def _reward_rule(province_code: str, on: date) -> RewardRule | None:
    return (
        RewardRule.objects.filter(province_id=province_code, effective_from__lte=on)
        .order_by("-effective_from")
        .first()
    )


def quota_ratio_for(province_code: str, year: int) -> Decimal:
    """The province's quota ratio for a business year; `province_code` may be any code of the province."""
    code = province_code_of(province_code)
    return _quota(code, year, _province_name_lookup(code)).ratio


def declaration_window_for(province_code: str, year: int) -> DeclarationWindowInfo:
    """The province's declaration window in calendar year `year` (declaring business year `year - 1`)."""
    code = province_code_of(province_code)
    row = _window(code, year, _province_name_lookup(code))
    return DeclarationWindowInfo(year=row.year, opens=row.opens, closes=row.closes)


def minimum_wage_for(region: Region | str, month_first_day: date, *, tier: int | None = None) -> Decimal:
    """The monthly minimum wage in force on the day for the county's tier (or the tier given)."""
    target = _load_region(region)
    code = province_code_of(target)
    return _minimum_wage(code, _tier_of(target, tier), month_first_day, _province_name_lookup(code)).amount


def minimum_wages_on(region: Region | str, days: Sequence[date]) -> dict[date, Decimal | None]:
    """The monthly minimum wage in force on each day for the county's tier, in one query: what
    minimum_wage_for says for each day, with None where it would raise (no row in force yet, or the county
    has no tier), so the wage check can say the policy is missing instead of using a default."""
    if not days:
        return {}
    target = _load_region(region)
    try:
        tier = _tier_of(target, None)
    except WageTierUnknown:
        return dict.fromkeys(days)
    rows = list(
        MinimumWage.objects.filter(
            province_id=province_code_of(target), tier=tier, effective_from__lte=max(days)
        )
        .order_by("effective_from")
        .values_list("effective_from", "amount")
    )
    wages: dict[date, Decimal | None] = {}
    for day in days:
        in_force = [amount for effective_from, amount in rows if effective_from <= day]
        wages[day] = in_force[-1] if in_force else None
    return wages


def wage_tier_of(region: Region) -> int:
    """The county's minimum-wage tier (1-3); raises WageTierUnknown for a non-county or an unset tier."""
    return _tier_of(region, None)


def levy_periods_for(
    province_code: str, on: date
) -> tuple[StagedLevyParams | None, SmallEnterpriseExemptionParams | None]:
    """The staged levy and the small-enterprise exemption in force on the day; None where none covers it."""
    staged, exemption = _levy_periods(province_code_of(province_code), on)
    return (_staged(staged) if staged else None, _exemption(exemption) if exemption else None)


def reward_rule_for(province_code: str, on: date) -> RewardParams | None:
    """The province's over-proportion reward rule in force on the day, or None when it has none."""
    row = _reward_rule(province_code_of(province_code), on)
    return _reward(row) if row else None


def female_base_age_for(province_code: str, on: date) -> int:
    """The province's default female base retirement age (50 or 55) in force on the day."""
    code = province_code_of(province_code)
    return _retirement(code, on, _province_name_lookup(code)).female_base_age


def policy_for(region: Region | str, on_date: date, *, tier: int | None = None) -> PolicyInForce:
    """All policy values for a region on a day; raises PolicyMissing when a required table has no row."""
    target, province = _region_and_province(region)
    province_code = province.code

    def province_name() -> str:
        return province.name

    wage_tier = _tier_of(target, tier)
    business_year = on_date.year
    used: list[PolicyRow] = []

    quota = _quota(province_code, business_year, province_name)
    wage = _minimum_wage(province_code, wage_tier, on_date, province_name)
    window = _window(province_code, on_date.year, province_name)
    retirement = _retirement(province_code, on_date, province_name)
    used += [quota, wage, window, retirement]

    # 当地 is often the prefecture: prefer its row, fall back to the province's.
    local_codes = {province_code}
    if target.level in (RegionLevel.PREFECTURE, RegionLevel.COUNTY):
        local_codes.add(target.code[:4] + "00")
    social_rows = sorted(
        SocialAverageWage.objects.filter(region_id__in=local_codes, year=business_year),
        key=lambda row: row.region_id == province_code,
    )
    social = social_rows[0] if social_rows else None

    staged, exemption = _levy_periods(province_code, on_date)
    reward = _reward_rule(province_code, on_date)
    used += [row for row in (social, staged, exemption, reward) if row is not None]

    return PolicyInForce(
        region_code=target.code,
        province_code=province_code,
        province_name=province.name,
        on_date=on_date,
        business_year=business_year,
        quota_ratio=quota.ratio,
        wage_tier=wage_tier,
        minimum_wage=wage.amount,
        minimum_wage_from=wage.effective_from,
        social_average_wage=social.amount if social else None,
        declaration_window=DeclarationWindowInfo(year=window.year, opens=window.opens, closes=window.closes),
        staged_levy=_staged(staged) if staged else None,
        small_enterprise_exemption=_exemption(exemption) if exemption else None,
        reward_rule=_reward(reward) if reward else None,
        female_base_age=retirement.female_base_age,
        unconfirmed=tuple(dict.fromkeys(_table(type(row)) for row in used if not row.confirmed)),
    )


def _staged(row: LevyPeriod) -> StagedLevyParams:
    # clean() guarantees the three parameters of a staged period; a row saved around it is a data error.
    if row.staged_threshold is None or row.factor_at_or_above is None or row.factor_below is None:
        raise PolicyMissing(
            f"征收优惠期“{row}”缺少分档征收参数（政策参数表：{_table(LevyPeriod)}）",
            table=_table(LevyPeriod),
            province_code=row.province_id or "",
            when=row.valid_from,
        )
    return StagedLevyParams(
        threshold=row.staged_threshold,
        factor_at_or_above=row.factor_at_or_above,
        factor_below=row.factor_below,
        valid_from=row.valid_from,
        valid_to=row.valid_to,
    )


def _exemption(row: LevyPeriod) -> SmallEnterpriseExemptionParams:
    if row.max_headcount is None or not row.exempt_nature:
        raise PolicyMissing(
            f"征收优惠期“{row}”缺少小微企业免征参数（政策参数表：{_table(LevyPeriod)}）",
            table=_table(LevyPeriod),
            province_code=row.province_id or "",
            when=row.valid_from,
        )
    return SmallEnterpriseExemptionParams(
        max_headcount=row.max_headcount,
        nature=row.exempt_nature,
        valid_from=row.valid_from,
        valid_to=row.valid_to,
    )


def _reward(row: RewardRule) -> RewardParams:
    return RewardParams(
        effective_from=row.effective_from,
        multiplier=row.multiplier,
        per_person_amount=row.per_person_amount,
        whole_persons=row.whole_persons,
        severe_weight=row.severe_weight,
        min_whole_excess=row.min_whole_excess,
        cap=row.cap,
        max_years=row.max_years,
        application_deadline=row.application_deadline,
    )
