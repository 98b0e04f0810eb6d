"""Exact arithmetic for the levy and reward rules.

Why fractions: the placed number P = Σ credited months / 12 and the headcount N = Σ monthly headcounts / 12
are thirds and twelfths, which no Decimal precision holds exactly (rules.md §2-3 say "exact, never rounded").
So every rule converts its inputs to `fractions.Fraction`, computes exactly, and rounds once, at the end,
half-up to 0.01 yuan with `round2`. Floats are refused because 0.015 as a float is not 3/200.
"""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

Number = Fraction | Decimal | int | str

CENT = Decimal("0.01")


def exact(value: Number) -> Fraction:
    """Convert a Decimal, int, str or Fraction to an exact Fraction; floats are refused."""
    if isinstance(value, bool | float):
        raise TypeError(f"refusing inexact or boolean number: {value!r}")
    if isinstance(value, Fraction):
        return value
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"not a finite number: {value!r}")
        return Fraction(value)
    if isinstance(value, str):
        return Fraction(Decimal(value.strip()))
    raise TypeError(f"not a number: {value!r}")


def round_half_up(value: Number, places: int = 2) -> Decimal:
    """Round exactly, half away from zero (Decimal's ROUND_HALF_UP), to `places` decimals."""
    fraction = exact(value)
    scale = 10**places
    magnitude = math.floor(abs(fraction) * scale + Fraction(1, 2))
    signed = -magnitude if fraction < 0 else magnitude
    return Decimal(signed).scaleb(-places)


def round2(value: Number) -> Decimal:
    """Round to 0.01 yuan, ROUND_HALF_UP: the one rounding step of 财税〔2015〕72号 amounts."""
    return round_half_up(value, 2)


def show(value: Number, places: int = 2) -> str:
    """Display a number for a shown step: at most `places` decimals, trailing zeros kept for money."""
    return f"{round_half_up(value, places):.{places}f}"


def percent(value: Number) -> str:
    """Display a ratio as a percentage: 3/200 → "1.5%", 1/3 → "≈33.3333%"."""
    scaled = exact(value) * 100
    rounded = round_half_up(scaled, 4)
    prefix = "" if exact(rounded) == scaled else "≈"
    return f"{prefix}{rounded.normalize():f}%"
