"""The over-proportion reward, rules.md §4, with the Inner Mongolia check value and other provinces' rules."""

from decimal import Decimal
from fractions import Fraction

import pytest

from anbili.rules.reward import RewardPolicy, RewardReason, compute_reward, reward_placed_number

INNER_MONGOLIA = RewardPolicy()
HAINAN = RewardPolicy(severe_weight=1)
HUNAN = RewardPolicy(multiplier=Decimal(6), whole_persons=False, min_whole_excess=0)
GUIZHOU = RewardPolicy(per_person_amount=Decimal(2000), cap=Decimal(100000))


def test_check_value_inner_mongolia() -> None:
    result = compute_reward(headcount=30, placed=2, minimum_wage=Decimal(1980), policy=INNER_MONGOLIA)
    assert result.reason is RewardReason.REWARD_DUE
    assert result.required == Fraction(9, 20)
    assert result.excess == Fraction(31, 20)  # 1.55
    assert result.units == 1
    assert result.amount == Decimal("9900.00")
    assert result.message == "超比例奖励金额 9900.00 元"
    assert [step.result for step in result.steps][-3:] == ["1", "9900.00", "9900.00"]


@pytest.mark.parametrize(
    ("headcount", "placed", "reason", "amount"),
    [
        (100, Decimal("1.5"), RewardReason.NOT_ABOVE_RATIO, Decimal("0.00")),  # at the ratio, not above it
        (100, 1, RewardReason.NOT_ABOVE_RATIO, Decimal("0.00")),
        (
            100,
            Decimal("2.4"),
            RewardReason.BELOW_MINIMUM_EXCESS,
            Decimal("0.00"),
        ),  # 0.9 excess, no whole person
        (100, Decimal("2.5"), RewardReason.REWARD_DUE, Decimal("9900.00")),
        (100, Decimal("4.49"), RewardReason.REWARD_DUE, Decimal("19800.00")),  # ⌊2.99⌋ = 2
    ],
)
def test_whole_persons_strictly_above(
    headcount: int, placed: Decimal | int, reason: RewardReason, amount: Decimal
) -> None:
    result = compute_reward(
        headcount=headcount, placed=placed, minimum_wage=Decimal(1980), policy=INNER_MONGOLIA
    )
    assert (result.reason, result.amount) == (reason, amount)


def test_hunan_fractional_times_six() -> None:
    result = compute_reward(headcount=100, placed=3, minimum_wage=Decimal(1930), policy=HUNAN)
    assert result.units == Fraction(3, 2)
    assert result.amount == Decimal("17370.00")  # 1.5 × 1930 × 6
    thirds = compute_reward(headcount=100, placed=Fraction(20, 12), minimum_wage=Decimal(1930), policy=HUNAN)
    assert thirds.units == Fraction(1, 6)
    assert thirds.amount == Decimal("1930.00")  # 1/6 × 1930 × 6, exact


def test_hunan_strictly_above_the_ratio() -> None:
    result = compute_reward(headcount=100, placed=Decimal("1.5"), minimum_wage=Decimal(1930), policy=HUNAN)
    assert result.reason is RewardReason.NOT_ABOVE_RATIO


@pytest.mark.parametrize(
    ("placed", "amount", "capped"),
    [
        (20, Decimal("10000.00"), False),  # 1000 × 1.5% = 15; 5 × 2000
        (65, Decimal("100000.00"), False),  # exactly at the cap
        (80, Decimal("100000.00"), True),  # 65 × 2000 = 130000 → capped
    ],
)
def test_guizhou_per_person_with_cap(placed: int, amount: Decimal, capped: bool) -> None:
    result = compute_reward(headcount=1000, placed=placed, minimum_wage=None, policy=GUIZHOU)
    assert (result.amount, result.capped) == (amount, capped)


@pytest.mark.parametrize(
    ("ordinary", "severe", "weight", "placed"),
    [
        (24, 12, 1, Fraction(3)),  # 海南: a severe person counts once
        (24, 12, 2, Fraction(4)),
        (5, 0, 2, Fraction(5, 12)),
    ],
)
def test_reward_placed_number(ordinary: int, severe: int, weight: int, placed: Fraction) -> None:
    assert reward_placed_number(ordinary, severe, weight) == placed


def test_hainan_severe_counts_once() -> None:
    # 24 ordinary + 12 severe person-months: weight 1 gives P = 3 → excess 1.5 → 1 unit; weight 2 → 2 units.
    once = compute_reward(
        headcount=100,
        placed=reward_placed_number(24, 12, HAINAN.severe_weight),
        minimum_wage=1980,
        policy=HAINAN,
    )
    twice = compute_reward(
        headcount=100,
        placed=reward_placed_number(24, 12, INNER_MONGOLIA.severe_weight),
        minimum_wage=1980,
        policy=INNER_MONGOLIA,
    )
    assert (once.units, once.amount) == (1, Decimal("9900.00"))
    assert (twice.units, twice.amount) == (2, Decimal("19800.00"))


def test_bad_inputs() -> None:
    with pytest.raises(ValueError):
        reward_placed_number(1, 1, 3)
    with pytest.raises(ValueError):
        compute_reward(headcount=30, placed=2, minimum_wage=None, policy=INNER_MONGOLIA)
    with pytest.raises(ValueError):
        compute_reward(headcount=30, placed=-1, minimum_wage=1980, policy=INNER_MONGOLIA)
