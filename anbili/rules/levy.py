"""The disability employment security fund levy (残保金), rules.md §3 steps 1-6.

Sources: 财税〔2015〕72号 第六条 (ratio ≥ 1.5%) and 第八条 (formula: (N × r − P) × W); 财政部公告2019年第98号
(staged 50% / 90% factor, exemption of enterprises with ≤ 30 staff, wage capped at 2 × the local social
average wage); 财政部公告2023年第8号 (those measures extended to 2027-12-31). Which of them is in force for a
province and year is policy data: the caller passes a LevyPolicy built from the dated tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

from anbili.rules.money import Number, exact, percent, round2, show

ENTERPRISE = "企业"


@dataclass(frozen=True, slots=True, kw_only=True)
class LevyPolicy:
    """The dated policy values for one province and year; the defaults are the seeded 2020-2027 values."""

    ratio: Decimal = Decimal("0.015")
    small_enterprise_exemption: bool = True
    small_enterprise_headcount: int = 30
    staged: bool = True
    staged_threshold: Decimal = Decimal("0.01")
    staged_factor_high: Decimal = Decimal("0.5")
    staged_factor_low: Decimal = Decimal("0.9")
    wage_cap_multiple: Decimal = Decimal(2)


class LevyReason(StrEnum):
    """Why the levy is what it is."""

    EXEMPT_SMALL_ENTERPRISE = "exempt_small_enterprise"
    QUOTA_MET = "quota_met"
    LEVY_DUE = "levy_due"


@dataclass(frozen=True, slots=True)
class Step:
    """One shown calculation step: what it is, the numbers used, and its result."""

    label: str
    formula: str
    result: str


@dataclass(frozen=True, slots=True, kw_only=True)
class LevyResult:
    """The levy with its reason, exact intermediate values and the shown steps."""

    reason: LevyReason
    message: str
    payable: Decimal
    base: Decimal
    factor: Decimal | None
    required: Fraction  # N × r
    shortfall: Fraction  # max(0, N × r − P)
    wage: Fraction | None  # the wage the levy is computed on
    steps: tuple[Step, ...]


def number_text(value: Fraction) -> str:
    """Show an exact value exactly when it has at most 4 decimals, else approximately (≈, 4 decimals)."""
    scaled = value * 10_000
    if scaled.denominator == 1:
        return f"{Decimal(scaled.numerator).scaleb(-4).normalize():f}"
    return f"≈{show(value, 4)}"


def equals(text: str) -> str:
    """Turn a shown value into "= 0.25" or, when rounded, "≈ 32.3333", to follow a name in a formula."""
    return f"≈ {text[1:]}" if text.startswith("≈") else f"= {text}"


def compute_levy(
    *,
    headcount: Number,
    placed: Number,
    average_wage: Number,
    nature: str,
    policy: LevyPolicy,
    social_average_wage: Number | None = None,
) -> LevyResult:
    """残保金 = round2(round2((N × r − P) × min(W, 2S)) × factor) (财税〔2015〕72号 第八条;
    财政部公告2019年第98号; 财政部公告2023年第8号)."""
    n, p, w = exact(headcount), exact(placed), exact(average_wage)
    s = None if social_average_wage is None else exact(social_average_wage)
    ratio = exact(policy.ratio)
    if n < 0 or p < 0 or w < 0 or (s is not None and s < 0):
        raise ValueError("levy inputs must not be negative")
    required = n * ratio
    shortfall = max(Fraction(0), required - p)
    steps = [Step("年平均在职职工人数 N", "Σ 各月在职职工人数 ÷ 12", number_text(n))]

    def nothing_due(reason: LevyReason, message: str) -> LevyResult:
        zero = Decimal("0.00")
        return LevyResult(
            reason=reason,
            message=message,
            payable=zero,
            base=zero,
            factor=None,
            required=required,
            shortfall=shortfall,
            wage=None,
            steps=tuple(steps),
        )

    # Step 1: small enterprises are exempt (财政部公告2019年第98号 第二条, extended by 2023年第8号).
    if policy.small_enterprise_exemption:
        exempt = nature == ENTERPRISE and n <= policy.small_enterprise_headcount
        steps.append(
            Step(
                "小微企业免征",
                f"单位性质“{nature}”，N {equals(number_text(n))}；"
                f"企业且 N ≤ {policy.small_enterprise_headcount} 时暂免征收",
                "暂免征收" if exempt else "不符合免征条件",
            )
        )
        if exempt:
            return nothing_due(
                LevyReason.EXEMPT_SMALL_ENTERPRISE,
                f"在职职工人数{policy.small_enterprise_headcount}人（含）以下的企业暂免征收残保金",
            )

    # Step 2: the quota is met.
    steps.append(
        Step("应安排残疾人就业人数", f"N × r = {number_text(n)} × {percent(ratio)}", number_text(required))
    )
    steps.append(Step("已安排残疾人就业人数 P", "Σ 安置核定月数 ÷ 12", number_text(p)))
    if p >= required:
        steps.append(
            Step(
                "是否达到规定比例",
                f"P {equals(number_text(p))} ≥ N × r {equals(number_text(required))}",
                "已达到",
            )
        )
        return nothing_due(LevyReason.QUOTA_MET, "已达到规定的安排残疾人就业比例，无需缴纳残保金")
    steps.append(
        Step(
            "是否达到规定比例",
            f"P {equals(number_text(p))} < N × r {equals(number_text(required))}",
            "未达到",
        )
    )

    # Step 3: the wage is capped at twice the local social average wage when it is known.
    wage = w
    if s is None:
        steps.append(
            Step("计征工资", f"单位在职职工年平均工资 W = {show(w)}（未提供社会平均工资，不设上限）", show(w))
        )
    else:
        cap = s * exact(policy.wage_cap_multiple)
        wage = min(w, cap)
        steps.append(
            Step(
                "计征工资",
                f"min(W, {number_text(exact(policy.wage_cap_multiple))} × S) = min({show(w)}, {show(cap)})",
                show(wage),
            )
        )

    # Step 4: one exact product, rounded once.
    base = round2(shortfall * wage)
    steps.append(
        Step(
            "应缴基数",
            f"(N × r − P) × 工资 = {number_text(shortfall)} × {show(wage)}",
            show(base),
        )
    )

    # Step 5: staged reduction (财政部公告2019年第98号 第一条, extended by 2023年第8号).
    if policy.staged:
        threshold = exact(policy.staged_threshold)
        high = n > 0 and p >= n * threshold
        factor = policy.staged_factor_high if high else policy.staged_factor_low
        share = p / n if n else Fraction(0)
        comparison = "≥" if high else "<"
        steps.append(
            Step(
                "分档减缴系数",
                f"P ÷ N {equals(percent(share))} {comparison} {percent(threshold)}",
                percent(factor),
            )
        )
    else:
        factor = Decimal(1)

    # Step 6: payable.
    payable = round2(exact(base) * exact(factor))
    steps.append(Step("应缴残保金", f"{show(base)} × {percent(factor)}", show(payable)))
    return LevyResult(
        reason=LevyReason.LEVY_DUE,
        message=f"应缴纳残保金 {show(payable)} 元",
        payable=payable,
        base=base,
        factor=factor,
        required=required,
        shortfall=shortfall,
        wage=wage,
        steps=tuple(steps),
    )
