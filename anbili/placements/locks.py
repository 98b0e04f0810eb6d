"""Year locks of placement writes: the hook the declaration issue fills. Each predicate(employer,
business_year) returns a Chinese reason when the year is locked (完成申报), else None/"" — every placement
write then refuses with that reason, and batch re-verification skips the year.

Kept apart from the services so the verification pool can ask without importing them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

YearLock = Callable[[Any, int], str | None]

_YEAR_LOCKS: list[YearLock] = []


def placement_year_lock_register(predicate: YearLock) -> YearLock:
    """Register a predicate that locks all placement writes of an employer's business year (usable as a
    decorator); it returns the Chinese reason when locked."""
    if predicate not in _YEAR_LOCKS:
        _YEAR_LOCKS.append(predicate)
    return predicate


def placement_year_lock_unregister(predicate: YearLock) -> None:
    """Remove a lock predicate (tests)."""
    if predicate in _YEAR_LOCKS:
        _YEAR_LOCKS.remove(predicate)


def placement_year_locked(employer: Any, business_year: int) -> str:
    """The reason the year is locked, or "" when it is writable as far as the hooks are concerned."""
    for predicate in _YEAR_LOCKS:
        reason = predicate(employer, business_year)
        if reason:
            return str(reason)
    return ""
