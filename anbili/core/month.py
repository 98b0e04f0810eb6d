"""A calendar month as a value: the unit in which placements are verified and counted."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

_YYYYMM = re.compile(r"([0-9]{4})([0-9]{2})")


@dataclass(frozen=True, order=True, slots=True)
class Month:
    """One calendar month; orders chronologically and prints as "202101"."""

    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.year <= 9999:
            raise ValueError(f"year out of range: {self.year}")
        if not 1 <= self.month <= 12:
            raise ValueError(f"month out of range: {self.month}")

    @classmethod
    def from_yyyymm(cls, value: str) -> Month:
        """Parse "202101" (the form used on screens and in notices)."""
        match = _YYYYMM.fullmatch(value.strip())
        if not match:
            raise ValueError(f"not a YYYYMM month: {value!r}")
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def from_date(cls, value: date) -> Month:
        """Return the month containing the given day."""
        return cls(value.year, value.month)

    @property
    def first_day(self) -> date:
        """The first day of the month."""
        return _bounds(self.year, self.month)[0]

    @property
    def last_day(self) -> date:
        """The last day of the month."""
        return _bounds(self.year, self.month)[1]

    @property
    def index(self) -> int:
        """Months since year 0 month 1; differences of indexes count months between two months."""
        return self.year * 12 + self.month - 1

    def add(self, months: int) -> Month:
        """Return the month `months` later (negative for earlier)."""
        year, month0 = divmod(self.index + months, 12)
        return Month(year, month0 + 1)

    def next(self) -> Month:
        """Return the following month."""
        return self.add(1)

    def previous(self) -> Month:
        """Return the preceding month."""
        return self.add(-1)

    def months_since(self, other: Month) -> int:
        """Number of months from `other` to this month (negative when `other` is later)."""
        return self.index - other.index

    def contains(self, day: date) -> bool:
        """Whether the day falls in this month."""
        return day.year == self.year and day.month == self.month

    def overlaps(self, start: date | None, end: date | None) -> bool:
        """Whether the closed period start..end (None = unbounded) shares at least one day with this month."""
        first, last = _bounds(self.year, self.month)
        return (start is None or start <= last) and (end is None or end >= first)

    def __str__(self) -> str:
        return f"{self.year:04d}{self.month:02d}"


@lru_cache(maxsize=4096)
def _bounds(year: int, month: int) -> tuple[date, date]:
    # Batch verification asks for month boundaries millions of times (docs/performance.md, P1).
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def months_of_year(year: int) -> list[Month]:
    """The twelve months of a (business) year, January first."""
    return [Month(year, month) for month in range(1, 13)]
