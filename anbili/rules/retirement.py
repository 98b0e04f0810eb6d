"""Statutory retirement age and the working-age check (rules.md §1).

Source: 全国人民代表大会常务委员会关于实施渐进式延迟法定退休年龄的决定 (2024-09-13, in force 2025-01-01),
附件《国务院关于渐进式延迟法定退休年龄的办法》 对照表.

When someone "has reached" an age: on the day they attain it, i.e. their birth date moved forward by the
age's years and months; a birth day that the target month lacks (31st, 29 Feb) moves to that month's last
day. The month check asks about the first day of the month, so someone who attains retirement age on the
15th still counts in that month and no longer in the next; someone turning 16 on the 1st counts from that
month, otherwise from the next.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import NamedTuple

from anbili.core.identifiers import Sex
from anbili.core.month import Month

MINIMUM_WORKING_AGE = 16


class Age(NamedTuple):
    """An age in whole years and months, e.g. Age(60, 1) for 60 years 1 month."""

    years: int
    months: int

    @property
    def total_months(self) -> int:
        """The age in months."""
        return self.years * 12 + self.months

    def __str__(self) -> str:
        return f"{self.years}岁{self.months}个月" if self.months else f"{self.years}岁"


@dataclass(frozen=True, slots=True)
class _Group:
    original_age: int
    first_affected: Month
    months_per_step: int
    max_extra: int


_MEN = _Group(original_age=60, first_affected=Month(1965, 1), months_per_step=4, max_extra=36)
_WOMEN_55 = _Group(original_age=55, first_affected=Month(1970, 1), months_per_step=4, max_extra=36)
_WOMEN_50 = _Group(original_age=50, first_affected=Month(1975, 1), months_per_step=2, max_extra=60)

FEMALE_BASE_AGES = (50, 55)


def _group(sex: Sex | str, female_base_age: int) -> _Group:
    if Sex(sex) is Sex.MALE:
        return _MEN
    if female_base_age not in FEMALE_BASE_AGES:
        raise ValueError(f"female base retirement age must be 50 or 55, not {female_base_age}")
    return _WOMEN_55 if female_base_age == 55 else _WOMEN_50


def retirement_age(sex: Sex | str, birth_date: date, female_base_age: int = 55) -> Age:
    """Statutory retirement age after the 2025 reform (全国人大常委会关于实施渐进式延迟法定退休年龄的决定
    2024-09-13, 附件对照表)."""
    group = _group(sex, female_base_age)
    m = Month.from_date(birth_date).months_since(group.first_affected)
    extra = 0 if m < 0 else min(group.max_extra, m // group.months_per_step + 1)
    return Age(group.original_age + extra // 12, extra % 12)


@lru_cache(maxsize=65536)
def add_months(day: date, months: int) -> date:
    """Move a date forward by whole months, clamping to the target month's last day. Cached: pure, and asked
    for every contract of every verified month."""
    target = Month.from_date(day).add(months)
    return date(target.year, target.month, min(day.day, calendar.monthrange(target.year, target.month)[1]))


@lru_cache(maxsize=65536)
def retirement_date(sex: Sex | str, birth_date: date, female_base_age: int = 55) -> date:
    """The day the person attains statutory retirement age (决定 2024-09-13 对照表). Cached: pure, and asked
    once per verified month."""
    return add_months(birth_date, retirement_age(sex, birth_date, female_base_age).total_months)


@lru_cache(maxsize=65536)
def working_age_start(birth_date: date) -> date:
    """The day the person turns 16, the minimum working age (财税〔2015〕72号 第七条). Cached like
    retirement_date."""
    return add_months(birth_date, MINIMUM_WORKING_AGE * 12)


def retirement_month(sex: Sex | str, birth_date: date, female_base_age: int = 55) -> Month:
    """The month in which the person attains statutory retirement age (决定 2024-09-13 对照表)."""
    return Month.from_date(retirement_date(sex, birth_date, female_base_age))


def has_reached_retirement(sex: Sex | str, birth_date: date, on: date, female_base_age: int = 55) -> bool:
    """Whether statutory retirement age is attained on or before `on` (决定 2024-09-13)."""
    return on >= retirement_date(sex, birth_date, female_base_age)


def is_working_age(sex: Sex | str, birth_date: date, on: date | Month, female_base_age: int = 55) -> bool:
    """≥ 16 and below statutory retirement age on `on`, a Month meaning its first day (财税〔2015〕72号
    第七条 就业年龄段; 决定 2024-09-13)."""
    day = on.first_day if isinstance(on, Month) else on
    if day < working_age_start(birth_date):
        return False
    return not has_reached_retirement(sex, birth_date, day, female_base_age)
