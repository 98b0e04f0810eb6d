"""The levy estimate (残保金计算器) behind both the calculator page and `POST /api/v1/levy/estimate`.

One parser (`levy_estimate_input_parse`) and one computation (`levy_estimate`), so that the page and the API
refuse the same input with the same Chinese messages and compute with the rules package exactly.

Which date stands for a business year: its last day, 12-31. The quota ratio is the business year's row; the
staged levy and the small-enterprise exemption are the periods in force on 12-31 of the business year (both
national periods run whole calendar years, so any day of the year gives the same answer; the last day is the
day the year's headcount and placements are final). See docs/employers.md.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

from anbili.core.errors import ApplicationError, FieldError
from anbili.core.identifiers import IdentifierError, validate_region_code
from anbili.employers.models import UnitNature
from anbili.regions.models import MAX_QUOTA_RATIO, MIN_QUOTA_RATIO, QuotaRatio, Region, SocialAverageWage
from anbili.regions.selectors import (
    PolicyMissing,
    SmallEnterpriseExemptionParams,
    StagedLevyParams,
    levy_periods_for,
    quota_ratio_for,
)
from anbili.rules.calculator import CalculatorResult, levy_calculator
from anbili.rules.levy import LevyPolicy, LevyReason, Step, number_text
from anbili.rules.money import percent, show

# Screen names of the request fields, used in every message (the API's keys are English, its users Chinese);
# the calculator page labels its fields with the same names, so that a message names the field as shown.
FIELD_LABELS = {
    "province": "省份（行政区划代码）",
    "year": "业务年度",
    "unit_nature": "单位性质",
    "employees": "年平均在职职工人数",
    "employee_months": "各月在职职工人数之和",
    "average_monthly_wage": "单位月平均工资",
    "average_annual_wage": "单位年平均工资",
    "placed_person_months": "安置人月数",
    "ratio": "安置比例",
    "social_average_wage": "当地社会平均工资",
}
_NUMBER = re.compile(r"[0-9]{1,12}(\.[0-9]{1,8})?")
# Decimal places each decimal field accepts; the OpenAPI patterns are built from the same table.
DECIMAL_PLACES = {
    "employees": 6,
    "employee_months": 2,
    "average_monthly_wage": 2,
    "average_annual_wage": 2,
    "placed_person_months": 2,
    "ratio": 4,
    "social_average_wage": 2,
}


# Upper bounds, far above any real unit, so that nobody can make the exact arithmetic slow.
MAXIMA = {
    "employees": Decimal(10_000_000),
    "employee_months": Decimal(120_000_000),
    "average_monthly_wage": Decimal(100_000_000),
    "average_annual_wage": Decimal(1_200_000_000),
    "placed_person_months": Decimal(240_000_000),
    "ratio": MAX_QUOTA_RATIO,
    "social_average_wage": Decimal(1_000_000_000),
}


def decimal_pattern(key: str) -> str:
    """The JSON-schema pattern of a decimal field (ECMA regex: `$` is the end of the text)."""
    return rf"^[0-9]{{1,12}}(\.[0-9]{{1,{DECIMAL_PLACES[key]}}})?$"


_MAX_TEXT = 24
MIN_YEAR, MAX_YEAR = 2000, 2099


class LevyInputError(ApplicationError):
    """The estimate's input is refused; `field_messages` maps each request field to its Chinese message (the
    API's `errors` object), and `errors` holds the same as FieldErrors."""

    def __init__(self, field_messages: dict[str, str]) -> None:
        first = next(iter(field_messages))
        super().__init__(
            "；".join(field_messages.values()),
            field=first,
            errors=[FieldError(message, key) for key, message in field_messages.items()],
        )
        self.field_messages = field_messages


@dataclass(frozen=True)
class LevyEstimateInput:
    """A checked estimate request. `*_given` say which of the alternative inputs was used (for the steps)."""

    province_code: str  # the six-digit province code
    region_code: str  # the code given, six digits (the province itself when two digits were given)
    year: int
    unit_nature: str
    headcount: Fraction
    headcount_given: tuple[str, Decimal]
    annual_wage: Fraction
    wage_given: tuple[str, Decimal]
    placed_person_months: Decimal
    ratio: Decimal | None = None
    social_average_wage: Decimal | None = None


@dataclass(frozen=True)
class LevyEstimate:
    """The estimate: the calculator's result plus where its policy values came from."""

    input: LevyEstimateInput
    province_name: str
    ratio: Decimal
    ratio_source: str
    social_average_wage: Decimal | None
    social_average_wage_source: str
    result: CalculatorResult
    steps: tuple[Step, ...]

    @property
    def exempt(self) -> bool:
        return self.result.levy.reason is LevyReason.EXEMPT_SMALL_ENTERPRISE

    @property
    def quota_met(self) -> bool:
        return self.result.levy.reason is LevyReason.QUOTA_MET

    @property
    def base(self) -> Decimal:
        """应缴费额: (N × r − P) × wage, rounded once."""
        return self.result.levy.base

    @property
    def factor(self) -> Decimal:
        """The staged factor applied to the base; 1 when no staged levy is in force or nothing is due."""
        return self.result.levy.factor if self.result.levy.factor is not None else Decimal(1)

    @property
    def payable(self) -> Decimal:
        return self.result.payable

    @property
    def levy_without_placement(self) -> Decimal:
        return self.result.payable_if_none_placed

    @property
    def saving(self) -> Decimal:
        return self.result.saving

    @property
    def persons_needed(self) -> int:
        return self.result.persons_needed

    @property
    def severe_persons_needed(self) -> int:
        return self.result.severe_persons_needed

    @property
    def message(self) -> str:
        return self.result.levy.message

    @property
    def ratio_text(self) -> str:
        return percent(self.ratio)

    # The amounts as the page shows them, with thousands separators (15,841.46); the API keeps plain strings.
    @property
    def payable_text(self) -> str:
        return yuan(self.payable)

    @property
    def base_text(self) -> str:
        return yuan(self.base)

    @property
    def levy_without_placement_text(self) -> str:
        return yuan(self.levy_without_placement)

    @property
    def saving_text(self) -> str:
        return yuan(self.saving)

    @property
    def factor_text(self) -> str:
        return plain(self.factor)


def yuan(value: Decimal) -> str:
    """An amount in yuan to the fen with thousands separators: 15841.46 → "15,841.46"."""
    return f"{value:,.2f}"


def plain(value: Decimal) -> str:
    """A decimal in plain notation without trailing zeros: 0.90 → "0.9", 388 → "388"."""
    return f"{value.normalize():f}"


def _decimal(
    data: Mapping[str, object],
    key: str,
    errors: dict[str, str],
    *,
    allow_zero: bool = False,
) -> Decimal | None:
    # Strict on purpose: what the OpenAPI pattern refuses (spaces, signs, exponents, null, "") is refused.
    if key not in data:
        return None
    label = FIELD_LABELS[key]
    text = data[key]
    if not isinstance(text, str):
        errors[key] = f'「{label}」须以字符串传递，例如 "36292.00"'
        return None
    if len(text) > _MAX_TEXT or not _NUMBER.fullmatch(text):
        errors[key] = f"「{label}」应为不带正负号的数字，例如 36292.00"
        return None
    places = DECIMAL_PLACES[key]
    if len(text.partition(".")[2]) > places:
        errors[key] = f"「{label}」最多保留 {places} 位小数"
        return None
    number = Decimal(text)
    if number == 0 and not allow_zero:
        errors[key] = f"「{label}」须大于 0"
        return None
    if number > MAXIMA[key]:
        errors[key] = f"「{label}」不能超过 {plain(MAXIMA[key])}"
        return None
    return number


def _one_of(
    data: Mapping[str, object], first: str, second: str, errors: dict[str, str]
) -> tuple[str, Decimal] | None:
    if first in data and second in data:
        message = f"「{FIELD_LABELS[first]}」与「{FIELD_LABELS[second]}」只能填写其中一项"
        errors[first] = errors[second] = message
        return None
    if first not in data and second not in data:
        errors[first] = f"请填写「{FIELD_LABELS[first]}」或「{FIELD_LABELS[second]}」其中一项"
        return None
    key = first if first in data else second
    value = _decimal(data, key, errors)
    return (key, value) if value is not None else None


def _province(data: Mapping[str, object], errors: dict[str, str]) -> tuple[str, str, str] | None:
    """(province code, region code, province name) of a 2- or 6-digit GB/T 2260 code."""
    label = FIELD_LABELS["province"]
    value = data.get("province")
    if value in (None, ""):
        errors["province"] = f"请填写「{label}」，2 位或 6 位数字，例如 15 或 150000"
        return None
    if not isinstance(value, str):
        errors["province"] = f'「{label}」须以字符串传递，例如 "15"'
        return None
    code = value.strip()
    if len(code) == 2 and code.isascii() and code.isdigit():
        code += "0000"
    elif len(code) != 6:
        errors["province"] = f"「{label}」应为 2 位或 6 位数字，例如 15 或 150000"
        return None
    try:
        code = validate_region_code(code, field="province")
    except IdentifierError as exc:
        errors["province"] = f"「{label}」有误：{exc.message}"
        return None
    province_code = code[:2] + "0000"
    found = {r.code: r for r in Region.objects.filter(code__in={code, province_code})}
    province = found.get(province_code)
    if province is None:
        errors["province"] = f"未找到省级行政区划“{province_code}”"
        return None
    if code not in found and Region.objects.filter(parent_id=province_code).exists():
        errors["province"] = f"未找到行政区划代码“{code}”"
        return None
    return province_code, code, province.name


def _year(data: Mapping[str, object], errors: dict[str, str]) -> int | None:
    label = FIELD_LABELS["year"]
    if "year" not in data:
        errors["year"] = f"请填写「{label}」，例如 2025"
        return None
    value = data["year"]
    if not isinstance(value, int) or isinstance(value, bool):
        errors["year"] = f"「{label}」应为四位年份，例如 2025"
        return None
    if not MIN_YEAR <= value <= MAX_YEAR:
        errors["year"] = f"「{label}」应在 {MIN_YEAR} 至 {MAX_YEAR} 年之间"
        return None
    return value


def levy_estimate_input_parse(data: object) -> LevyEstimateInput:
    """Check an estimate request (the API's JSON object, or the page's form with blank fields left out) and
    convert it, or raise LevyInputError with one Chinese message per field."""
    if not isinstance(data, Mapping):
        raise LevyInputError({"body": "请求内容须为 JSON 对象"})
    errors: dict[str, str] = {}
    unknown = [str(key) for key in data if key not in FIELD_LABELS]
    if unknown:
        errors["body"] = f"不支持的字段：{'、'.join(sorted(unknown)[:5])}"
    province = _province(data, errors)
    year = _year(data, errors)
    nature = data.get("unit_nature")
    if "unit_nature" not in data:
        errors["unit_nature"] = f"请选择「{FIELD_LABELS['unit_nature']}」"
    elif nature not in UnitNature.values:
        names = "、".join(f"{value}（{label}）" for value, label in UnitNature.choices)
        errors["unit_nature"] = f"「{FIELD_LABELS['unit_nature']}」只能是：{names}"
    headcount = _one_of(data, "employees", "employee_months", errors)
    wage = _one_of(data, "average_monthly_wage", "average_annual_wage", errors)
    placed = _decimal(data, "placed_person_months", errors, allow_zero=True)
    if "placed_person_months" not in data:
        errors["placed_person_months"] = (
            f"请填写「{FIELD_LABELS['placed_person_months']}」（重度残疾人已按 2 倍折算），没有安置填 0"
        )
    ratio = _decimal(data, "ratio", errors)
    if ratio is not None and ratio < MIN_QUOTA_RATIO:
        errors["ratio"] = f"「{FIELD_LABELS['ratio']}」不得低于 0.015（1.5%），请以小数填写"
    social = _decimal(data, "social_average_wage", errors)
    if errors or province is None or year is None or headcount is None or wage is None or placed is None:
        raise LevyInputError(errors)
    assert isinstance(nature, str)
    headcount_key, headcount_value = headcount
    wage_key, wage_value = wage
    return LevyEstimateInput(
        province_code=province[0],
        region_code=province[1],
        year=year,
        unit_nature=nature,
        headcount=Fraction(headcount_value) / (12 if headcount_key == "employee_months" else 1),
        headcount_given=headcount,
        annual_wage=Fraction(wage_value) * (12 if wage_key == "average_monthly_wage" else 1),
        wage_given=wage,
        placed_person_months=placed,
        ratio=ratio,
        social_average_wage=social,
    )


def _social_average_wage(region_code: str, year: int) -> SocialAverageWage | None:
    # The same choice as regions.selectors.policy_for: 当地 is the prefecture when it has a row, else the
    # province. policy_for itself also needs minimum wages and windows that the levy does not use.
    codes = {region_code[:2] + "0000"}
    if region_code[2:4] != "00":
        codes.add(region_code[:4] + "00")
    rows = sorted(
        SocialAverageWage.objects.filter(region_id__in=codes, year=year).select_related("region"),
        key=lambda row: row.region_id.endswith("0000"),
    )
    return rows[0] if rows else None


def _policy_missing(exc: PolicyMissing, province_code: str) -> LevyInputError:
    # A province with ratios for other years is missing the year; one with none at all is not covered.
    known = QuotaRatio.objects.filter(province_id=province_code).exists()
    return LevyInputError({"year" if known else "province": exc.message})


def levy_estimate(inp: LevyEstimateInput) -> LevyEstimate:
    """The levy now, without placements, the saving and the persons still needed, with every step shown
    (rules.md §3; policy values from the dated tables unless the request overrides them)."""
    province = Region.objects.get(code=inp.province_code)
    year_end = date(inp.year, 12, 31)
    try:
        ratio = inp.ratio if inp.ratio is not None else quota_ratio_for(inp.province_code, inp.year)
    except PolicyMissing as exc:
        raise _policy_missing(exc, inp.province_code) from exc
    ratio_source = (
        "按请求指定" if inp.ratio is not None else f"政策参数表：{province.name} {inp.year}年 安置比例"
    )
    staged, exemption = levy_periods_for(inp.province_code, year_end)
    social: Decimal | None
    if inp.social_average_wage is not None:
        social, social_source = inp.social_average_wage, "按请求指定"
    else:
        row = _social_average_wage(inp.region_code, inp.year)
        social = row.amount if row else None
        social_source = (
            f"政策参数表：{row.region.name} {inp.year}年 社会平均工资"
            if row
            else "政策参数表未配置，不设上限"
        )
    policy = LevyPolicy(
        ratio=ratio,
        # The rules know the exemption for 企业 only; a period naming another nature is not applied.
        small_enterprise_exemption=exemption is not None and exemption.nature == UnitNature.ENTERPRISE,
        small_enterprise_headcount=exemption.max_headcount if exemption else 0,
        staged=staged is not None,
        staged_threshold=staged.threshold if staged else Decimal(0),
        staged_factor_high=staged.factor_at_or_above if staged else Decimal(1),
        staged_factor_low=staged.factor_below if staged else Decimal(1),
    )
    result = levy_calculator(
        employees=inp.headcount,
        average_monthly_wage=inp.annual_wage / 12,
        placed_person_months=inp.placed_person_months,
        policy=policy,
        nature=UnitNature(inp.unit_nature).label,
        social_average_wage=social,
    )
    intro = (
        Step("业务年度与地区", f"{inp.year}年，{province.name}", str(inp.year)),
        Step("安置比例 r", ratio_source, percent(ratio)),
        Step(
            "征收优惠政策",
            f"{inp.year}年12月31日有效的征收优惠期（政策参数表：征收优惠期）",
            _relief_text(staged, exemption),
        ),
        Step("当地社会平均工资 S", social_source, show(social) if social is not None else "未配置"),
    )
    steps = intro + _explained_steps(inp, result)
    return LevyEstimate(
        input=inp,
        province_name=province.name,
        ratio=ratio,
        ratio_source=ratio_source,
        social_average_wage=social,
        social_average_wage_source=social_source,
        result=result,
        steps=steps,
    )


def _relief_text(staged: StagedLevyParams | None, exemption: SmallEnterpriseExemptionParams | None) -> str:
    parts = []
    if staged is not None:
        parts.append(
            f"分档减缴（安置比例达到 {percent(staged.threshold)} "
            f"按 {percent(staged.factor_at_or_above)} 缴纳，低于按 {percent(staged.factor_below)} 缴纳）"
        )
    if exemption is not None:
        parts.append(f"在职职工 {exemption.max_headcount} 人（含）以下的企业暂免征收")
    return "；".join(parts) if parts else "无"


def _explained_steps(inp: LevyEstimateInput, result: CalculatorResult) -> tuple[Step, ...]:
    """The calculator's steps, with the inputs stated as they were given."""
    headcount_key, headcount_value = inp.headcount_given
    wage_key, wage_value = inp.wage_given
    if headcount_key == "employee_months":
        n_formula = f"Σ 各月在职职工人数 ÷ 12 = {plain(headcount_value)} ÷ 12"
    else:
        n_formula = f"按填写的年平均在职职工人数 {plain(headcount_value)}"
    if wage_key == "average_monthly_wage":
        w_formula = f"月平均工资 × 12 = {show(wage_value)} × 12"
    else:
        w_formula = f"按填写的年平均工资 {show(wage_value)}"
    steps: list[Step] = []
    for step in result.steps:
        if step.label == "年平均在职职工人数 N":
            step = Step(step.label, n_formula, number_text(result.headcount))
        elif step.label == "单位年平均工资 W":
            step = Step(step.label, w_formula, show(result.annual_wage))
        elif step.label == "安置人月数折算人数":
            step = Step(
                step.label,
                f"安置人月数（重度残疾人按 2 倍计）÷ 12 = {plain(inp.placed_person_months)} ÷ 12",
                number_text(result.placed),
            )
        steps.append(step)
    return tuple(steps)
