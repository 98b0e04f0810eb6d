"""The levy calculator (残保金计算器): the levy now, the levy with nobody placed, the saving, and how many
more persons reach the ratio, with every step shown (rules.md §3; seed 001 "残保金计算器")."""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from anbili.rules.levy import ENTERPRISE, LevyPolicy, LevyReason, LevyResult, Step, compute_levy, number_text
from anbili.rules.money import Number, exact, show


@dataclass(frozen=True, slots=True, kw_only=True)
class CalculatorResult:
    """Both levies, the saving, the persons still needed and the shown steps."""

    headcount: Fraction
    annual_wage: Fraction
    placed: Fraction
    levy: LevyResult
    levy_if_none_placed: LevyResult
    saving: Decimal
    # What the ratio asks (ordinary persons, or severe persons counting 2, employed all year); an exempt
    # unit's steps do not state it, as nothing it places changes its levy.
    persons_needed: int
    severe_persons_needed: int
    steps: tuple[Step, ...]

    @property
    def payable(self) -> Decimal:
        """The levy with the placements entered."""
        return self.levy.payable

    @property
    def payable_if_none_placed(self) -> Decimal:
        """The levy if nobody were placed."""
        return self.levy_if_none_placed.payable


def levy_calculator(
    *,
    employees: Number,
    average_monthly_wage: Number,
    placed_person_months: Number,
    policy: LevyPolicy,
    nature: str = ENTERPRISE,
    social_average_wage: Number | None = None,
) -> CalculatorResult:
    """Estimate the levy from employees, monthly wage and severe-weighted person-months (财税〔2015〕72号
    第八条; 财政部公告2019年第98号; 财政部公告2023年第8号)."""
    n = exact(employees)
    annual_wage = exact(average_monthly_wage) * 12
    months = exact(placed_person_months)
    if months < 0:
        raise ValueError("placed person-months must not be negative")
    placed = months / 12

    def levy_for(p: Fraction) -> LevyResult:
        return compute_levy(
            headcount=n,
            placed=p,
            average_wage=annual_wage,
            nature=nature,
            policy=policy,
            social_average_wage=social_average_wage,
        )

    now, none_placed = levy_for(placed), levy_for(Fraction(0))
    saving = none_placed.payable - now.payable
    # A severe person counts twice, so half as many are needed, rounded up to whole persons.
    shortfall = max(Fraction(0), n * exact(policy.ratio) - placed)
    persons, severe = math.ceil(shortfall), math.ceil(shortfall / 2)
    steps: tuple[Step, ...] = (
        Step("单位年平均工资 W", f"月平均工资 × 12 = {show(average_monthly_wage)} × 12", show(annual_wage)),
        Step("安置人月数折算人数", f"安置人月数 ÷ 12 = {number_text(months)} ÷ 12", number_text(placed)),
        *now.steps,
        Step("未安置残疾人时应缴残保金", "P = 0 时按同样步骤计算", show(none_placed.payable)),
        Step("预计可节约金额", f"{show(none_placed.payable)} − {show(now.payable)}", show(saving)),
    )
    if now.reason is not LevyReason.EXEMPT_SMALL_ENTERPRISE:
        # An exempt unit pays nothing whoever it places: "persons still needed" would suggest otherwise.
        steps += (
            Step(
                "达到规定比例还需安置",
                f"⌈N × r − P⌉ = ⌈{number_text(shortfall)}⌉ 人，"
                f"或重度残疾人 ⌈{number_text(shortfall)} ÷ 2⌉ 人",
                f"{persons} 人（或重度残疾人 {severe} 人）",
            ),
        )
    return CalculatorResult(
        headcount=n,
        annual_wage=annual_wage,
        placed=placed,
        levy=now,
        levy_if_none_placed=none_placed,
        saving=saving,
        persons_needed=persons,
        severe_persons_needed=severe,
        steps=steps,
    )
