"""The over-proportion reward (超比例奖励), rules.md §4.

Source: 财税〔2015〕72号 第二十条（四） (the fund rewards employers above the ratio), with the amount
set by each province (e.g. 内蒙古: ×5 of the monthly minimum wage per whole excess person; 湖南 ×6 on the
exact excess; 贵州 2,000 per person capped at 100,000). All of it is policy data: the caller passes a
RewardPolicy built from the province's dated table.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

from anbili.rules.levy import Step, number_text
from anbili.rules.money import Number, exact, percent, round2, show


@dataclass(frozen=True, slots=True, kw_only=True)
class RewardPolicy:
    """One province's reward rule; the defaults are the seeded 内蒙古 values."""

    ratio: Decimal = Decimal("0.015")
    multiplier: Decimal = Decimal(5)  # × the monthly minimum wage per excess person
    whole_persons: bool = True  # units = ⌊excess⌋; False: the exact excess
    severe_weight: int = 2  # how many persons a severe (重度) person counts for in P_reward
    min_whole_excess: int = 1  # whole excess persons needed before anything is paid
    per_person_amount: Decimal | None = None  # a fixed amount per unit instead of minimum wage × multiplier
    cap: Decimal | None = None  # the most one employer receives for a year


class RewardReason(StrEnum):
    """Why the reward is what it is."""

    REWARD_DUE = "reward_due"
    NOT_ABOVE_RATIO = "not_above_ratio"
    BELOW_MINIMUM_EXCESS = "below_minimum_excess"


@dataclass(frozen=True, slots=True, kw_only=True)
class RewardResult:
    """The reward with its reason, the exact excess, the units paid for and the shown steps."""

    reason: RewardReason
    message: str
    amount: Decimal
    required: Fraction  # N × r
    excess: Fraction  # P_reward − N × r
    units: Fraction
    capped: bool
    steps: tuple[Step, ...]


def reward_placed_number(ordinary_months: int, severe_months: int, severe_weight: int) -> Fraction:
    """P_reward = (ordinary months + severe_weight × severe months) / 12 (rules.md §4, provincial policy)."""
    if severe_weight not in (1, 2):
        raise ValueError("severe_weight must be 1 or 2")
    return Fraction(ordinary_months + severe_weight * severe_months, 12)


def compute_reward(
    *, headcount: Number, placed: Number, minimum_wage: Number | None, policy: RewardPolicy
) -> RewardResult:
    """超比例奖励 = units × minimum wage × multiplier, optionally capped (财税〔2015〕72号 第二十条;
    provincial reward rules)."""
    n, p = exact(headcount), exact(placed)
    ratio = exact(policy.ratio)
    if n < 0 or p < 0:
        raise ValueError("reward inputs must not be negative")
    required = n * ratio
    excess = p - required
    steps = [
        Step("上年度在职职工总数 N", "Σ 各月在职职工人数 ÷ 12", number_text(n)),
        Step("安置比例残疾人数", f"N × r = {number_text(n)} × {percent(ratio)}", number_text(required)),
        Step("上年度安置残疾人数 P", "Σ 安置核定月数 ÷ 12", number_text(p)),
        Step(
            "超比例安置残疾人数",
            f"P − N × r = {number_text(p)} − {number_text(required)}",
            number_text(excess),
        ),
    ]

    def nothing(reason: RewardReason, message: str, units: Fraction) -> RewardResult:
        return RewardResult(
            reason=reason,
            message=message,
            amount=Decimal("0.00"),
            required=required,
            excess=excess,
            units=units,
            capped=False,
            steps=tuple(steps),
        )

    # The ratio must be exceeded, not merely met.
    if excess <= 0:
        return nothing(
            RewardReason.NOT_ABOVE_RATIO, "安置比例未超过规定比例，不符合超比例奖励条件", Fraction(0)
        )
    whole = math.floor(excess)
    units = Fraction(whole) if policy.whole_persons else excess
    steps.append(
        Step(
            "奖励人数",
            f"⌊{number_text(excess)}⌋" if policy.whole_persons else "按实际超比例人数计算",
            number_text(units),
        )
    )
    if whole < policy.min_whole_excess:
        return nothing(
            RewardReason.BELOW_MINIMUM_EXCESS,
            f"超比例安置人数不足{policy.min_whole_excess}人，不符合超比例奖励条件",
            units,
        )

    if policy.per_person_amount is not None:
        per_unit = exact(policy.per_person_amount)
        steps.append(Step("每人奖励标准", "按省级政策固定标准", show(per_unit)))
    else:
        if minimum_wage is None:
            raise ValueError("a minimum wage is needed when the reward is a multiple of it")
        per_unit = exact(minimum_wage) * exact(policy.multiplier)
        steps.append(
            Step(
                "每人奖励标准",
                f"月最低工资标准 × 倍数 = {show(minimum_wage)} × {number_text(exact(policy.multiplier))}",
                show(per_unit),
            )
        )
    amount = round2(units * per_unit)
    steps.append(Step("奖励金额", f"{number_text(units)} × {show(per_unit)}", show(amount)))
    capped = policy.cap is not None and amount > policy.cap
    if capped and policy.cap is not None:
        amount = round2(policy.cap)
        steps.append(Step("奖励上限", f"不超过 {show(policy.cap)}", show(amount)))
    return RewardResult(
        reason=RewardReason.REWARD_DUE,
        message=f"超比例奖励金额 {show(amount)} 元",
        amount=amount,
        required=required,
        excess=excess,
        units=units,
        capped=capped,
        steps=tuple(steps),
    )
