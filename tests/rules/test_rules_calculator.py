"""The levy calculator: levy now, with nobody placed, the saving and the persons still needed."""

from decimal import Decimal
from fractions import Fraction

import pytest

from anbili.rules.calculator import levy_calculator
from anbili.rules.levy import LevyPolicy, LevyReason

POLICY = LevyPolicy()


def test_check_value_e1() -> None:
    result = levy_calculator(
        employees=Fraction(388, 12),
        average_monthly_wage=Fraction(36292, 12),
        placed_person_months=0,
        policy=POLICY,
    )
    assert result.annual_wage == 36292
    assert result.levy.base == Decimal("17601.62")
    assert result.payable == Decimal("15841.46")
    assert result.payable_if_none_placed == Decimal("15841.46")
    assert result.saving == Decimal("0.00")
    assert (result.persons_needed, result.severe_persons_needed) == (1, 1)  # ⌈0.485⌉, ⌈0.2425⌉
    labels = [step.label for step in result.steps]
    assert labels[0] == "单位年平均工资 W"
    assert labels[-3:] == ["未安置残疾人时应缴残保金", "预计可节约金额", "达到规定比例还需安置"]
    assert "应缴残保金" in labels
    assert result.steps[-1].result == "1 人（或重度残疾人 1 人）"


@pytest.mark.parametrize(
    ("person_months", "payable", "saving", "persons", "severe"),
    [
        # 200 employees, 5000 a month (W = 60000), N × r = 3
        (0, Decimal("162000.00"), Decimal("0.00"), 3, 2),
        (12, Decimal("108000.00"), Decimal("54000.00"), 2, 1),  # P = 1, P/N = 0.5% → 90%
        (24, Decimal("30000.00"), Decimal("132000.00"), 1, 1),  # P = 2, P/N = 1% → 50%
        (30, Decimal("15000.00"), Decimal("147000.00"), 1, 1),  # P = 2.5: half a person short
        (36, Decimal("0.00"), Decimal("162000.00"), 0, 0),
        (48, Decimal("0.00"), Decimal("162000.00"), 0, 0),
    ],
)
def test_calculator(person_months: int, payable: Decimal, saving: Decimal, persons: int, severe: int) -> None:
    result = levy_calculator(
        employees=200, average_monthly_wage=Decimal("5000"), placed_person_months=person_months, policy=POLICY
    )
    assert result.payable_if_none_placed == Decimal("162000.00")
    assert result.payable == payable
    assert result.saving == saving
    assert (result.persons_needed, result.severe_persons_needed) == (persons, severe)
    assert result.placed == Fraction(person_months, 12)


def test_calculator_small_enterprise() -> None:
    result = levy_calculator(
        employees=25, average_monthly_wage=Decimal("4000"), placed_person_months=0, policy=POLICY
    )
    assert result.levy.reason is LevyReason.EXEMPT_SMALL_ENTERPRISE
    assert result.payable == Decimal("0.00")
    assert result.saving == Decimal("0.00")
    assert result.persons_needed == 1  # the ratio still asks for ⌈0.375⌉ person
    # …but an exempt unit pays nothing whoever it places: its steps do not speak of persons still needed.
    assert [step.label for step in result.steps][-2:] == ["未安置残疾人时应缴残保金", "预计可节约金额"]
    assert not any("还需安置" in step.label for step in result.steps)


def test_calculator_caps_the_wage() -> None:
    result = levy_calculator(
        employees=100,
        average_monthly_wage=Decimal("20000"),
        placed_person_months=0,
        policy=POLICY,
        social_average_wage=Decimal("80000"),
        nature="事业单位",
    )
    assert result.levy.wage == 160000
    assert result.payable == Decimal("216000.00")  # 1.5 × 160000 × 90%


def test_negative_person_months_are_refused() -> None:
    with pytest.raises(ValueError):
        levy_calculator(employees=100, average_monthly_wage=5000, placed_person_months=-1, policy=POLICY)
