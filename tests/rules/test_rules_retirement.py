"""Statutory retirement age with the 2025 reform, and the working-age check."""

from datetime import date

import pytest

from anbili.core.identifiers import Sex
from anbili.core.month import Month
from anbili.rules.retirement import (
    Age,
    add_months,
    is_working_age,
    retirement_age,
    retirement_date,
    retirement_month,
)

M, F = Sex.MALE, Sex.FEMALE


@pytest.mark.parametrize(
    ("sex", "base", "birth", "age"),
    [
        # men: 60, from 1965-01 + min(36, ⌊m/4⌋ + 1)
        (M, 55, date(1964, 12, 31), Age(60, 0)),
        (M, 55, date(1965, 1, 1), Age(60, 1)),
        (M, 55, date(1965, 4, 30), Age(60, 1)),
        (M, 55, date(1965, 5, 1), Age(60, 2)),
        (M, 55, date(1965, 8, 15), Age(60, 2)),
        (M, 55, date(1965, 9, 1), Age(60, 3)),
        (M, 55, date(1966, 1, 1), Age(60, 4)),
        (M, 55, date(1976, 8, 31), Age(62, 11)),
        (M, 55, date(1976, 9, 1), Age(63, 0)),
        (M, 50, date(1990, 6, 1), Age(63, 0)),  # the female base does not apply to men
        # women, base 55: from 1970-01 + min(36, ⌊m/4⌋ + 1)
        (F, 55, date(1969, 12, 31), Age(55, 0)),
        (F, 55, date(1970, 1, 1), Age(55, 1)),
        (F, 55, date(1970, 5, 1), Age(55, 2)),
        (F, 55, date(1981, 8, 31), Age(57, 11)),
        (F, 55, date(1981, 9, 1), Age(58, 0)),
        (F, 55, date(1995, 1, 1), Age(58, 0)),
        # women, base 50: from 1975-01 + min(60, ⌊m/2⌋ + 1)
        (F, 50, date(1974, 12, 31), Age(50, 0)),
        (F, 50, date(1975, 1, 1), Age(50, 1)),
        (F, 50, date(1975, 2, 28), Age(50, 1)),
        (F, 50, date(1975, 3, 1), Age(50, 2)),
        (F, 50, date(1984, 10, 31), Age(54, 11)),
        (F, 50, date(1984, 11, 1), Age(55, 0)),
        (F, 50, date(2000, 1, 1), Age(55, 0)),
    ],
)
def test_retirement_age(sex: Sex, base: int, birth: date, age: Age) -> None:
    assert retirement_age(sex, birth, base) == age


def test_retirement_age_accepts_screen_words() -> None:
    assert retirement_age("男", date(1965, 5, 1)) == Age(60, 2)
    assert retirement_age("女", date(1970, 1, 1)) == Age(55, 1)


def test_female_base_must_be_50_or_55() -> None:
    with pytest.raises(ValueError):
        retirement_age(F, date(1975, 1, 1), 52)


def test_age_text() -> None:
    assert str(Age(60, 1)) == "60岁1个月"
    assert str(Age(63, 0)) == "63岁"
    assert Age(60, 1).total_months == 721


@pytest.mark.parametrize(
    ("sex", "base", "birth", "month", "day"),
    [
        (M, 55, date(1960, 6, 10), Month(2020, 6), date(2020, 6, 10)),
        (M, 55, date(1965, 1, 15), Month(2025, 2), date(2025, 2, 15)),
        (M, 55, date(1976, 9, 1), Month(2039, 9), date(2039, 9, 1)),
        (F, 55, date(1970, 1, 31), Month(2025, 2), date(2025, 2, 28)),  # no 31 February: last day
        (F, 50, date(1975, 1, 20), Month(2025, 2), date(2025, 2, 20)),
        (F, 50, date(1984, 11, 5), Month(2039, 11), date(2039, 11, 5)),
    ],
)
def test_retirement_month_and_date(sex: Sex, base: int, birth: date, month: Month, day: date) -> None:
    assert retirement_month(sex, birth, base) == month
    assert retirement_date(sex, birth, base) == day


@pytest.mark.parametrize(
    ("sex", "birth", "on", "working"),
    [
        # reaches 60y1m on 2025-02-15: still working age on 2025-02-01, no longer on 2025-03-01
        (M, date(1965, 1, 15), Month(2025, 2), True),
        (M, date(1965, 1, 15), Month(2025, 3), False),
        # reaches it on 2025-02-01 itself: the February check already fails
        (M, date(1965, 1, 1), Month(2025, 1), True),
        (M, date(1965, 1, 1), Month(2025, 2), False),
        # turns 16 on the 1st: counts from that month; on the 2nd: from the next month
        (F, date(2005, 3, 1), Month(2021, 3), True),
        (F, date(2005, 3, 2), Month(2021, 3), False),
        (F, date(2005, 3, 2), Month(2021, 4), True),
        (F, date(2005, 3, 2), Month(2021, 2), False),
        # a date is evaluated on that very day
        (F, date(2005, 3, 2), date(2021, 3, 2), True),
        (M, date(1965, 1, 15), date(2025, 2, 14), True),
        (M, date(1965, 1, 15), date(2025, 2, 15), False),
        # women base 55 born 1970-01-10 reach 55y1m on 2025-02-10
        (F, date(1970, 1, 10), Month(2025, 2), True),
        (F, date(1970, 1, 10), Month(2025, 3), False),
    ],
)
def test_is_working_age(sex: Sex, birth: date, on: Month | date, working: bool) -> None:
    assert is_working_age(sex, birth, on) is working


def test_is_working_age_uses_the_female_base() -> None:
    birth = date(1975, 1, 10)  # base 50: 50y1m on 2025-02-10; base 55: not before 2030
    assert is_working_age(F, birth, Month(2025, 3), female_base_age=50) is False
    assert is_working_age(F, birth, Month(2025, 3), female_base_age=55) is True


@pytest.mark.parametrize(
    ("day", "months", "moved"),
    [
        (date(2020, 1, 31), 1, date(2020, 2, 29)),
        (date(2020, 2, 29), 12, date(2021, 2, 28)),
        (date(2020, 2, 29), 48, date(2024, 2, 29)),
        (date(2020, 5, 15), 0, date(2020, 5, 15)),
    ],
)
def test_add_months_clamps_to_month_end(day: date, months: int, moved: date) -> None:
    assert add_months(day, months) == moved
