"""GB/T 2260 administrative divisions and the dated policy tables that vary by province and year.

Every number that differs by province or year lives in one of these tables (rules.md: "policy data, never a
constant in code"). A system admin edits them in the admin site; each row names its source document and says
whether it has been checked against that source.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

PROVINCE_LEVEL_HELP = "省级区划（代码前两位决定适用的政策参数）"
MIN_QUOTA_RATIO = Decimal("0.015")
# Above this an admin has almost certainly typed a percentage (1.5) instead of a fraction (0.015).
MAX_QUOTA_RATIO = Decimal("0.1")
WAGE_TIERS = (1, 2, 3)
TIER_LABELS = {1: "一类", 2: "二类", 3: "三类"}
_MONTH_DAY = re.compile(r"^(\d{2})-(\d{2})$")


class RegionLevel(models.IntegerChoices):
    PROVINCE = 1, "省级"
    PREFECTURE = 2, "地市级"
    COUNTY = 3, "区县级"


# Significant code prefix of each level: a province is "15", a prefecture "1509", a county all six digits.
_PREFIX_LENGTH: dict[int, int] = {RegionLevel.PROVINCE: 2, RegionLevel.PREFECTURE: 4, RegionLevel.COUNTY: 6}


class Region(models.Model):
    """One GB/T 2260 division. The first two digits of `code` name the province whose policy tables apply."""

    code = models.CharField("行政区划代码", max_length=6, primary_key=True)
    name = models.CharField("名称", max_length=64)
    level = models.PositiveSmallIntegerField("级别", choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级区划",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # Minimum-wage tier (一类/二类/三类) of a county; prefectures and provinces have none.
    wage_tier = models.PositiveSmallIntegerField("最低工资档次", null=True, blank=True)

    class Meta:
        verbose_name = "行政区划"
        verbose_name_plural = "行政区划"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def province_code(self) -> str:
        """The six-digit code of the province this region belongs to."""
        return self.code[:2] + "0000"

    @property
    def code_prefix(self) -> str:
        """The significant prefix of the code: every region under this one starts with it."""
        return self.code[: _PREFIX_LENGTH.get(self.level, 6)]

    def ancestors(self) -> list[Region]:
        """The regions above this one, province first; follows `parent` (select_related saves the queries)."""
        chain: list[Region] = []
        node = self.parent
        while node is not None and len(chain) < 3:
            chain.append(node)
            node = node.parent
        chain.reverse()
        return chain

    @property
    def province(self) -> Region:
        """The province-level region this one belongs to (itself for a province)."""
        if self.level == RegionLevel.PROVINCE:
            return self
        chain = self.ancestors()
        return chain[0] if chain else self

    @property
    def full_name(self) -> str:
        """Province down to this region as screens show it, e.g. "内蒙古自治区 / 乌兰察布市 / 兴和县"."""
        return " / ".join(region.name for region in [*self.ancestors(), self])

    def descendant_q(self, field: str = "code", *, include_self: bool = True) -> Q:
        """A filter for rows whose region code lies under this region, e.g. field="dpf_region__code"."""
        q = Q(**{f"{field}__startswith": self.code_prefix})
        if not include_self:
            q &= ~Q(**{field: self.code})
        return q

    def is_within(self, other: Region) -> bool:
        """Whether this region is `other` or lies under it."""
        return self.code.startswith(other.code_prefix)

    def clean(self) -> None:
        """Refuse a tier outside 1..3 and a tier on a region that is not a county."""
        super().clean()
        if self.wage_tier is not None:
            if self.wage_tier not in WAGE_TIERS:
                raise ValidationError(
                    {"wage_tier": "「最低工资档次」只能是 1（一类）、2（二类）或 3（三类）"}
                )
            if self.level != RegionLevel.COUNTY:
                raise ValidationError({"wage_tier": "「最低工资档次」只适用于区县级区划"})
        if self.code and (len(self.code) != 6 or not self.code.isdigit()):
            raise ValidationError({"code": "「行政区划代码」应为 6 位数字"})


# A plain dict (not a callable) so that migrations hold the value instead of a reference to this module.
PROVINCES_ONLY = {"level": int(RegionLevel.PROVINCE)}


def _require_province(region: Region | None, field: str = "province") -> None:
    if region is not None and region.level != RegionLevel.PROVINCE:
        raise ValidationError({field: f"「省份」须为省级区划，“{region.name}”不是省级区划"})


def _require_not_negative(value: Decimal | None, field: str, label: str) -> None:
    if value is not None and value < 0:
        raise ValidationError({field: f"「{label}」不能为负数"})


def _require_positive(value: Decimal | None, field: str, label: str) -> None:
    if value is not None and value <= 0:
        raise ValidationError({field: f"「{label}」必须大于 0"})


class PolicyRow(models.Model):
    """Fields every policy row carries: where the value comes from and whether it was checked."""

    source_document = models.TextField(
        "依据文件",
        help_text="文件全称与文号，例如：内蒙古自治区人民政府关于调整最低工资标准的通知（内政发〔2021〕X号）",
    )
    confirmed = models.BooleanField(
        "已核实", default=False, help_text="该数值已与依据文件原文核对无误；未核实的数值不得用于正式认定"
    )
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        abstract = True


class QuotaRatio(PolicyRow):
    """The province's proportion of staff that must be disabled persons (安置比例) for one business year."""

    province = models.ForeignKey(
        Region,
        verbose_name="省份",
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to=PROVINCES_ONLY,
        help_text=PROVINCE_LEVEL_HELP,
    )
    year = models.PositiveSmallIntegerField("业务年度")
    ratio = models.DecimalField(
        "安置比例", max_digits=6, decimal_places=4, help_text="以小数填写，1.5% 填 0.015"
    )

    class Meta:
        verbose_name = "安置比例"
        verbose_name_plural = "安置比例"
        ordering = ["province", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["province", "year"],
                name="quota_ratio_one_per_province_year",
                violation_error_message="该省份该业务年度的安置比例已存在",
            ),
            models.CheckConstraint(
                condition=Q(ratio__gte=MIN_QUOTA_RATIO) & Q(ratio__lte=MAX_QUOTA_RATIO),
                name="quota_ratio_between_1_5_and_10_percent",
                violation_error_message="「安置比例」须在 0.015 与 0.1 之间",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.province_id} {self.year}年 {self.ratio}"

    def clean(self) -> None:
        """Refuse a ratio below the national floor of 1.5% or one typed as a percentage."""
        super().clean()
        _require_province(self.province if self.province_id else None)
        if self.ratio is not None:
            if self.ratio < MIN_QUOTA_RATIO:
                raise ValidationError(
                    {"ratio": "「安置比例」不得低于 0.015（1.5%，《残疾人就业条例》第八条）"}
                )
            if self.ratio > MAX_QUOTA_RATIO:
                raise ValidationError({"ratio": "「安置比例」请以小数填写，例如 1.5% 填 0.015"})


class MinimumWage(PolicyRow):
    """A province's monthly minimum wage for one tier, in force from a date until the tier's next row."""

    province = models.ForeignKey(
        Region,
        verbose_name="省份",
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to=PROVINCES_ONLY,
        help_text=PROVINCE_LEVEL_HELP,
    )
    tier = models.PositiveSmallIntegerField("档次", choices=[(t, TIER_LABELS[t]) for t in WAGE_TIERS])
    effective_from = models.DateField("执行日期")
    amount = models.DecimalField("月最低工资（元）", max_digits=10, decimal_places=2)

    class Meta:
        verbose_name = "月最低工资标准"
        verbose_name_plural = "月最低工资标准"
        ordering = ["province", "-effective_from", "tier"]
        constraints = [
            models.UniqueConstraint(
                fields=["province", "tier", "effective_from"],
                name="minimum_wage_one_per_province_tier_date",
                violation_error_message="该省份该档次在该执行日期的最低工资标准已存在",
            ),
            models.CheckConstraint(
                condition=Q(tier__gte=1) & Q(tier__lte=3), name="minimum_wage_tier_1_to_3"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="minimum_wage_amount_positive"),
        ]

    def __str__(self) -> str:
        return (
            f"{self.province_id} {TIER_LABELS.get(self.tier, self.tier)} {self.effective_from} {self.amount}"
        )

    def clean(self) -> None:
        """Refuse a tier outside 1..3 and a non-positive amount."""
        super().clean()
        _require_province(self.province if self.province_id else None)
        if self.tier is not None and self.tier not in WAGE_TIERS:
            raise ValidationError({"tier": "「档次」只能是 1（一类）、2（二类）或 3（三类）"})
        _require_not_negative(self.amount, "amount", "月最低工资（元）")
        _require_positive(self.amount, "amount", "月最低工资（元）")


class SocialAverageWage(PolicyRow):
    """The local annual social average wage (当地社会平均工资) S that caps the levy's wage at 2 × S."""

    # A province or a prefecture: 当地 is often the prefecture; the selector prefers the most specific row.
    region = models.ForeignKey(
        Region,
        verbose_name="区划",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="省级或地市级区划；同一业务年度两者都有时以地市级为准",
    )
    year = models.PositiveSmallIntegerField("业务年度")
    amount = models.DecimalField("年平均工资（元）", max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = "社会平均工资"
        verbose_name_plural = "社会平均工资"
        ordering = ["region", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "year"],
                name="social_average_wage_one_per_region_year",
                violation_error_message="该区划该业务年度的社会平均工资已存在",
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="social_average_wage_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.region_id} {self.year}年 {self.amount}"

    def clean(self) -> None:
        """Refuse a non-positive amount and a county-level region."""
        super().clean()
        if self.region_id and self.region.level == RegionLevel.COUNTY:
            raise ValidationError({"region": "「区划」须为省级或地市级区划"})
        _require_not_negative(self.amount, "amount", "年平均工资（元）")
        _require_positive(self.amount, "amount", "年平均工资（元）")


class DeclarationWindow(PolicyRow):
    """The days of calendar year `year` on which employers declare business year `year - 1`."""

    province = models.ForeignKey(
        Region,
        verbose_name="省份",
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to=PROVINCES_ONLY,
        help_text=PROVINCE_LEVEL_HELP,
    )
    year = models.PositiveSmallIntegerField("申报年份", help_text="申报期所在年份；申报的是上一业务年度")
    opens = models.DateField("开始日期")
    closes = models.DateField("截止日期")

    class Meta:
        verbose_name = "申报期"
        verbose_name_plural = "申报期"
        ordering = ["province", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["province", "year"],
                name="declaration_window_one_per_province_year",
                violation_error_message="该省份该年份的申报期已存在",
            ),
            models.CheckConstraint(
                condition=Q(closes__gte=models.F("opens")), name="declaration_window_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.province_id} {self.year}年 {self.opens}～{self.closes}"

    @property
    def business_year(self) -> int:
        """The business year declared in this window."""
        return self.year - 1

    def clean(self) -> None:
        """Refuse a window that closes before it opens or lies outside its year."""
        super().clean()
        _require_province(self.province if self.province_id else None)
        if self.opens and self.closes and self.closes < self.opens:
            raise ValidationError({"closes": "「截止日期」不能早于「开始日期」"})
        if self.year and self.opens and self.opens.year != self.year:
            raise ValidationError({"opens": f"「开始日期」须在申报年份 {self.year} 年内"})
        if self.year and self.closes and self.closes.year != self.year:
            raise ValidationError({"closes": f"「截止日期」须在申报年份 {self.year} 年内"})


class LevyPeriodKind(models.TextChoices):
    STAGED_LEVY = "staged_levy", "分档征收"
    SMALL_ENTERPRISE_EXEMPTION = "small_enterprise_exemption", "小微企业免征"


class LevyPeriod(PolicyRow):
    """A period in which a levy relief applies: staged levy (分档征收) or the small-enterprise exemption."""

    kind = models.CharField("类型", max_length=32, choices=LevyPeriodKind.choices)
    # Empty = national; a province row takes precedence over the national one on the same day.
    province = models.ForeignKey(
        Region,
        verbose_name="省份",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        limit_choices_to=PROVINCES_ONLY,
        help_text="留空表示全国适用；填写省份时优先于全国规定",
    )
    valid_from = models.DateField("起始日期")
    valid_to = models.DateField("终止日期")
    staged_threshold = models.DecimalField(
        "分档比例界限",
        max_digits=6,
        decimal_places=4,
        null=True,
        blank=True,
        help_text="分档征收：安置比例达到该值（含）按高档系数，例如 0.01",
    )
    factor_at_or_above = models.DecimalField(
        "达到界限的缴纳系数", max_digits=4, decimal_places=2, null=True, blank=True, help_text="例如 0.5"
    )
    factor_below = models.DecimalField(
        "低于界限的缴纳系数", max_digits=4, decimal_places=2, null=True, blank=True, help_text="例如 0.9"
    )
    max_headcount = models.PositiveIntegerField(
        "免征职工人数上限", null=True, blank=True, help_text="小微企业免征：在职职工人数不超过该值（含）"
    )
    exempt_nature = models.CharField(
        "免征单位性质",
        max_length=32,
        blank=True,
        help_text="小微企业免征适用的单位性质代码：enterprise（企业）",
    )

    class Meta:
        verbose_name = "征收优惠期"
        verbose_name_plural = "征收优惠期"
        ordering = ["kind", "province", "-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__gte=models.F("valid_from")), name="levy_period_ordered"
            ),
        ]

    def __str__(self) -> str:
        scope = self.province_id or "全国"
        return f"{self.get_kind_display()} {scope} {self.valid_from}～{self.valid_to}"

    def clean(self) -> None:
        """Refuse reversed dates, missing or nonsensical parameters for the kind, and overlapping periods."""
        super().clean()
        _require_province(self.province if self.province_id else None)
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": "「终止日期」不能早于「起始日期」"})
        if self.kind == LevyPeriodKind.STAGED_LEVY:
            errors = self._staged_levy_errors()
        elif self.kind == LevyPeriodKind.SMALL_ENTERPRISE_EXEMPTION:
            errors = self._exemption_errors()
        else:
            errors = {}
        if errors:
            raise ValidationError(errors)
        if self.kind and self.valid_from and self.valid_to:
            overlapping = LevyPeriod.objects.filter(
                kind=self.kind,
                province_id=self.province_id,
                valid_from__lte=self.valid_to,
                valid_to__gte=self.valid_from,
            ).exclude(pk=self.pk)
            if overlapping.exists():
                raise ValidationError({"valid_from": "该类型在同一范围内已有与此重叠的优惠期"})

    def _staged_levy_errors(self) -> dict[str, str]:
        """分档征收 needs a threshold (a fraction below 1) and two factors between 0 and 1."""
        errors: dict[str, str] = {}
        labels = {
            "staged_threshold": "分档比例界限",
            "factor_at_or_above": "达到界限的缴纳系数",
            "factor_below": "低于界限的缴纳系数",
        }
        for field, label in labels.items():
            value = getattr(self, field)
            if value is None:
                errors[field] = f"分档征收须填写「{label}」"
            elif value < 0:
                errors[field] = f"「{label}」不能为负数"
            elif field != "staged_threshold" and value > 1:
                errors[field] = f"「{label}」不能大于 1"
        if self.staged_threshold is not None and self.staged_threshold >= 1:
            errors.setdefault("staged_threshold", "「分档比例界限」请以小数填写，例如 1% 填 0.01")
        return errors

    def _exemption_errors(self) -> dict[str, str]:
        """小微企业免征 needs its headcount ceiling and the exempt unit nature."""
        errors: dict[str, str] = {}
        if self.max_headcount is None:
            errors["max_headcount"] = "小微企业免征须填写「免征职工人数上限」"
        if not self.exempt_nature:
            errors["exempt_nature"] = "小微企业免征须填写「免征单位性质」"
        return errors


def parse_month_day(value: str) -> tuple[int, int]:
    """Parse "06-30" into (6, 30); raises ValueError when it is not a real day of the year."""
    match = _MONTH_DAY.match(value or "")
    if not match:
        raise ValueError(value)
    month, day = int(match.group(1)), int(match.group(2))
    date(2000, month, day)  # a leap year, so that 02-29 is accepted
    return month, day


class RewardRule(PolicyRow):
    """A province's over-proportion reward (超比例奖励) rule, in force from a date until the next rule."""

    province = models.ForeignKey(
        Region,
        verbose_name="省份",
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to=PROVINCES_ONLY,
        help_text=PROVINCE_LEVEL_HELP,
    )
    effective_from = models.DateField("执行日期")
    multiplier = models.DecimalField(
        "最低工资倍数",
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="每超比例 1 人奖励月最低工资的倍数；与「每人奖励金额」二选一",
    )
    per_person_amount = models.DecimalField(
        "每人奖励金额（元）", max_digits=10, decimal_places=2, null=True, blank=True
    )
    whole_persons = models.BooleanField(
        "按整人数计", default=True, help_text="是：超比例人数向下取整；否：按实际（含小数）人数计"
    )
    severe_weight = models.PositiveSmallIntegerField(
        "重度残疾人计数", choices=[(1, "按 1 人计"), (2, "按 2 人计")], default=2
    )
    min_whole_excess = models.DecimalField(
        "最少超比例人数",
        max_digits=6,
        decimal_places=2,
        default=Decimal("0"),
        help_text="低于该人数不予奖励；0 表示不限",
    )
    cap = models.DecimalField("单位奖励上限（元）", max_digits=12, decimal_places=2, null=True, blank=True)
    max_years = models.PositiveSmallIntegerField("最多奖励年数", null=True, blank=True)
    application_deadline = models.CharField(
        "申请截止（月-日）", max_length=5, blank=True, help_text="次年申请截止日，格式 MM-DD，例如 06-30"
    )

    class Meta:
        verbose_name = "超比例奖励规则"
        verbose_name_plural = "超比例奖励规则"
        ordering = ["province", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["province", "effective_from"],
                name="reward_rule_one_per_province_date",
                violation_error_message="该省份在该执行日期的超比例奖励规则已存在",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.province_id} {self.effective_from}"

    def clean(self) -> None:
        """Refuse a rule with neither or both bases, negative money, a bad weight or a bad deadline."""
        super().clean()
        _require_province(self.province if self.province_id else None)
        if (self.multiplier is None) == (self.per_person_amount is None):
            raise ValidationError(
                {"multiplier": "「最低工资倍数」与「每人奖励金额（元）」须填写且只填写其中一项"}
            )
        _require_positive(self.multiplier, "multiplier", "最低工资倍数")
        _require_not_negative(self.per_person_amount, "per_person_amount", "每人奖励金额（元）")
        _require_positive(self.per_person_amount, "per_person_amount", "每人奖励金额（元）")
        _require_not_negative(self.cap, "cap", "单位奖励上限（元）")
        _require_not_negative(self.min_whole_excess, "min_whole_excess", "最少超比例人数")
        if self.severe_weight not in (1, 2):
            raise ValidationError({"severe_weight": "「重度残疾人计数」只能是 1 或 2"})
        if self.max_years == 0:
            raise ValidationError({"max_years": "「最多奖励年数」须大于 0，不限请留空"})
        if self.application_deadline:
            try:
                parse_month_day(self.application_deadline)
            except ValueError:
                raise ValidationError(
                    {"application_deadline": "「申请截止（月-日）」格式应为 MM-DD，例如 06-30"}
                ) from None


class RetirementSetting(PolicyRow):
    """The province's default female base retirement age (50 or 55) for the working-age check."""

    province = models.ForeignKey(
        Region,
        verbose_name="省份",
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to=PROVINCES_ONLY,
        help_text=PROVINCE_LEVEL_HELP,
    )
    effective_from = models.DateField("执行日期")
    female_base_age = models.PositiveSmallIntegerField(
        "女性原法定退休年龄", choices=[(50, "50 岁"), (55, "55 岁")], default=55
    )

    class Meta:
        verbose_name = "退休年龄设置"
        verbose_name_plural = "退休年龄设置"
        ordering = ["province", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["province", "effective_from"],
                name="retirement_setting_one_per_province_date",
                violation_error_message="该省份在该执行日期的退休年龄设置已存在",
            ),
            models.CheckConstraint(
                condition=Q(female_base_age__in=[50, 55]), name="retirement_setting_base_50_or_55"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.province_id} {self.effective_from} {self.female_base_age}"

    def clean(self) -> None:
        """Refuse a base age other than 50 or 55."""
        super().clean()
        _require_province(self.province if self.province_id else None)
        if self.female_base_age not in (50, 55):
            raise ValidationError({"female_base_age": "「女性原法定退休年龄」只能是 50 或 55"})
