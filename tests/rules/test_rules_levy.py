"""The levy, rules.md §3 steps 1-6, with the check value and each boundary."""

from decimal import Decimal
from fractions import Fraction

import pytest

from anbili.rules.levy import ENTERPRISE, LevyPolicy, LevyReason, compute_levy

POLICY = LevyPolicy()


def test_check_value_e1() -> None:
    result = compute_levy(
        headcount=Fraction(388, 12),
        placed=0,
        average_wage=Decimal("36292.00"),
        nature=ENTERPRISE,
        policy=POLICY,
    )
    assert result.reason is LevyReason.LEVY_DUE
    assert result.required == Fraction(97, 200)  # 0.485 exactly
    assert result.base == Decimal("17601.62")
    assert result.factor == Decimal("0.9")
    assert result.payable == Decimal("15841.46")
    assert result.message == "应缴纳残保金 15841.46 元"
    shown = {step.label: step.result for step in result.steps}
    assert shown["年平均在职职工人数 N"] == "≈32.3333"
    assert shown["小微企业免征"] == "不符合免征条件"
    assert shown["应安排残疾人就业人数"] == "0.485"
    assert shown["应缴基数"] == "17601.62"
    assert shown["分档减缴系数"] == "90%"
    assert shown["应缴残保金"] == "15841.46"
    assert result.steps[-1].formula == "17601.62 × 90%"


@pytest.mark.parametrize(
    ("headcount", "nature", "reason"),
    [
        (30, ENTERPRISE, LevyReason.EXEMPT_SMALL_ENTERPRISE),
        (Fraction(360, 12), ENTERPRISE, LevyReason.EXEMPT_SMALL_ENTERPRISE),
        (Fraction(361, 12), ENTERPRISE, LevyReason.LEVY_DUE),
        (Decimal("30.01"), ENTERPRISE, LevyReason.LEVY_DUE),
        (1, ENTERPRISE, LevyReason.EXEMPT_SMALL_ENTERPRISE),
        (30, "事业单位", LevyReason.LEVY_DUE),
        (30, "机关", LevyReason.LEVY_DUE),
        (30, "民办非企业单位", LevyReason.LEVY_DUE),
    ],
)
def test_small_enterprise_exemption(
    headcount: int | Fraction | Decimal, nature: str, reason: LevyReason
) -> None:
    result = compute_levy(headcount=headcount, placed=0, average_wage=60000, nature=nature, policy=POLICY)
    assert result.reason is reason
    if reason is LevyReason.EXEMPT_SMALL_ENTERPRISE:
        assert result.payable == Decimal("0.00")
        assert result.message == "在职职工人数30人（含）以下的企业暂免征收残保金"
    else:
        assert result.payable > 0


def test_exemption_off_when_the_policy_is_not_in_force() -> None:
    policy = LevyPolicy(small_enterprise_exemption=False, staged=False)
    result = compute_levy(headcount=20, placed=0, average_wage=60000, nature=ENTERPRISE, policy=policy)
    assert result.reason is LevyReason.LEVY_DUE
    assert result.base == Decimal("18000.00")  # 20 × 1.5% × 60000
    assert result.factor == Decimal(1)
    assert result.payable == Decimal("18000.00")
    assert "小微企业免征" not in [step.label for step in result.steps]


@pytest.mark.parametrize(
    ("placed", "reason"),
    [
        (Decimal("1.5"), LevyReason.QUOTA_MET),
        (2, LevyReason.QUOTA_MET),
        (Fraction(18, 12), LevyReason.QUOTA_MET),
        (Fraction(17, 12), LevyReason.LEVY_DUE),
    ],
)
def test_quota_met_means_nothing_due(placed: Decimal | int | Fraction, reason: LevyReason) -> None:
    result = compute_levy(headcount=100, placed=placed, average_wage=60000, nature=ENTERPRISE, policy=POLICY)
    assert result.reason is reason
    assert (result.payable == 0) is (reason is LevyReason.QUOTA_MET)


@pytest.mark.parametrize(
    ("placed", "factor", "base", "payable"),
    [
        # N = 100, r = 1.5%, W = 60000: P/N = 1% exactly → 50%
        (1, Decimal("0.5"), Decimal("30000.00"), Decimal("15000.00")),
        (Fraction(13, 12), Decimal("0.5"), Decimal("25000.00"), Decimal("12500.00")),
        # just below 1% → 90%
        (Fraction(11, 12), Decimal("0.9"), Decimal("35000.00"), Decimal("31500.00")),
        (0, Decimal("0.9"), Decimal("90000.00"), Decimal("81000.00")),
    ],
)
def test_staged_factor(placed: int | Fraction, factor: Decimal, base: Decimal, payable: Decimal) -> None:
    result = compute_levy(headcount=100, placed=placed, average_wage=60000, nature=ENTERPRISE, policy=POLICY)
    assert (result.factor, result.base, result.payable) == (factor, base, payable)


@pytest.mark.parametrize(
    ("wage", "social", "used", "base"),
    [
        (200000, 80000, Fraction(160000), Decimal("240000.00")),
        (160000, 80000, Fraction(160000), Decimal("240000.00")),
        (100000, 80000, Fraction(100000), Decimal("150000.00")),
        (100000, None, Fraction(100000), Decimal("150000.00")),
    ],
)
def test_wage_capped_at_twice_the_social_average(
    wage: int, social: int | None, used: Fraction, base: Decimal
) -> None:
    result = compute_levy(
        headcount=100,
        placed=0,
        average_wage=wage,
        nature=ENTERPRISE,
        policy=POLICY,
        social_average_wage=social,
    )
    assert result.wage == used
    assert result.base == base  # N × r = 1.5


def test_rounding_is_half_up_at_each_of_the_two_steps() -> None:
    # (1.5 − 1) × 20001.01 = 10000.505 → 10000.51 (banker's rounding would give .50);
    # × 50% = 5000.255 → 5000.26.
    result = compute_levy(
        headcount=100, placed=1, average_wage=Decimal("20001.01"), nature=ENTERPRISE, policy=POLICY
    )
    assert result.base == Decimal("10000.51")
    assert result.payable == Decimal("5000.26")


def test_base_is_computed_exactly_before_rounding() -> None:
    # P = 5/12 is not a finite decimal: (0.485 − 5/12) × 36292 = 2479.9533… → 2479.95, where P rounded to
    # 0.42 would give 2358.98; P/N = 15/1164 ≈ 1.29% → 50%: 1239.975 → 1239.98.
    result = compute_levy(
        headcount=Fraction(388, 12),
        placed=Fraction(5, 12),
        average_wage=36292,
        nature=ENTERPRISE,
        policy=POLICY,
    )
    assert result.shortfall == Fraction(97, 200) - Fraction(5, 12)
    assert result.base == Decimal("2479.95")
    assert result.factor == Decimal("0.5")
    assert result.payable == Decimal("1239.98")


def test_ratio_from_the_policy() -> None:
    sichuan = LevyPolicy(ratio=Decimal("0.016"))
    result = compute_levy(headcount=100, placed=0, average_wage=60000, nature=ENTERPRISE, policy=sichuan)
    assert result.required == Fraction(8, 5)
    assert result.base == Decimal("96000.00")
    assert result.payable == Decimal("86400.00")


def test_no_staff_means_nothing_due() -> None:
    result = compute_levy(headcount=0, placed=0, average_wage=0, nature="机关", policy=POLICY)
    assert result.reason is LevyReason.QUOTA_MET
    assert result.payable == Decimal("0.00")


def test_negative_inputs_are_refused() -> None:
    with pytest.raises(ValueError):
        compute_levy(headcount=-1, placed=0, average_wage=60000, nature=ENTERPRISE, policy=POLICY)
