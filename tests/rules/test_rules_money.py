"""Exact conversion and the single half-up rounding."""

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from anbili.rules.money import exact, percent, round2, round_half_up, show


@pytest.mark.parametrize(
    ("value", "rounded"),
    [
        (Decimal("0.005"), Decimal("0.01")),
        (Decimal("0.015"), Decimal("0.02")),
        (Decimal("2.675"), Decimal("2.68")),
        (Decimal("-0.005"), Decimal("-0.01")),
        (Decimal("0.0049999"), Decimal("0.00")),
        (Fraction(15841458, 1000), Decimal("15841.46")),
        (Fraction(1, 3), Decimal("0.33")),
        (Fraction(2, 3), Decimal("0.67")),
        (10, Decimal("10.00")),
        ("17601.62", Decimal("17601.62")),
    ],
)
def test_round2_is_half_up(value: Decimal | Fraction | int | str, rounded: Decimal) -> None:
    assert round2(value) == rounded
    assert str(round2(value)) == str(rounded)


@given(st.decimals(min_value=-(10**9), max_value=10**9, places=6, allow_nan=False, allow_infinity=False))
def test_round2_agrees_with_decimal_quantize(value: Decimal) -> None:
    from decimal import ROUND_HALF_UP

    assert round2(value) == value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def test_exact_refuses_floats_and_booleans() -> None:
    with pytest.raises(TypeError):
        exact(0.015)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        exact(True)
    with pytest.raises(ValueError):
        exact(Decimal("NaN"))
    assert exact("0.015") == Fraction(3, 200)
    assert exact(Decimal("0.015")) == Fraction(3, 200)


def test_display_helpers() -> None:
    assert show(Fraction(97, 3)) == "32.33"
    assert show(Decimal("5"), 2) == "5.00"
    assert round_half_up(Fraction(97, 3), 4) == Decimal("32.3333")
    assert percent(Decimal("0.015")) == "1.5%"
    assert percent(Decimal("0.5")) == "50%"
    assert percent(Fraction(1, 300)) == "≈0.3333%"
    assert percent(0) == "0%"
