"""Counting placed persons (rules.md §2): certificate weight, per-placement counters, the employer's P."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

from anbili.core.month import Month


class CertificateKind(StrEnum):
    """The two certificates that count; the values are the screen words."""

    DISABLED_PERSON = "残疾人证"
    DISABLED_SERVICEMAN = "残疾军人证"


# The networked certification counts 残疾军人证 of levels 1-8 only (rules.md §1); 9-10 级 do not count.
COUNTED_LEVELS: dict[CertificateKind, range] = {
    CertificateKind.DISABLED_PERSON: range(1, 5),
    CertificateKind.DISABLED_SERVICEMAN: range(1, 9),
}
SEVERE_LEVELS: dict[CertificateKind, range] = {
    CertificateKind.DISABLED_PERSON: range(1, 3),
    CertificateKind.DISABLED_SERVICEMAN: range(1, 4),
}


def _levels(table: dict[CertificateKind, range], kind: CertificateKind | str) -> range:
    # A StrEnum member hashes like its value, so a plain "残疾人证" finds its row without building the enum
    # (asked several times per verified month); an unknown kind still raises ValueError.
    found = table.get(kind)  # type: ignore[arg-type]
    return found if found is not None else table[CertificateKind(kind)]


def certificate_counts(kind: CertificateKind | str, level: int) -> bool:
    """Whether a certificate counts at all: 残疾人证 1-4 级, 残疾军人证 1-8 级 (财税〔2015〕72号 第七条;
    联网认证 rules.md §1)."""
    return level in _levels(COUNTED_LEVELS, kind)


def certificate_weight(kind: CertificateKind | str, level: int) -> int:
    """2 for a severe certificate (残疾人证 1-2 级, 残疾军人证 1-3 级), else 1 (财税〔2015〕72号 第七条)."""
    return 2 if level in _levels(SEVERE_LEVELS, kind) else 1


class MonthOutcome(StrEnum):
    """Where a selected month stands: waiting for review, confirmed (auto-passed or approved), rejected."""

    PENDING = "pending"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"


@dataclass(frozen=True, slots=True)
class MonthRecord:
    """One month of a placement as counting sees it; `weight` is the certificate weight that month."""

    month: Month
    selected: bool
    outcome: MonthOutcome
    weight: int = 1


@dataclass(frozen=True, slots=True)
class PlacementCounts:
    """The four per-placement counters shown on the lists, in months."""

    registered: int  # 安置登记(月)
    confirmed: int  # 安置确认(月)
    credited: int  # 安置核定(月)
    rejected: int  # 安置不通过(月)


def count_placement(months: Iterable[MonthRecord]) -> PlacementCounts:
    """安置登记/确认/核定/不通过 of one placement (财税〔2015〕72号 第七条; 残联厅函〔2022〕63号)."""
    registered = confirmed = credited = rejected = 0
    for record in months:
        if not record.selected:
            continue
        registered += 1
        if record.outcome is MonthOutcome.CONFIRMED:
            confirmed += 1
            credited += record.weight
        elif record.outcome is MonthOutcome.REJECTED:
            rejected += 1
    return PlacementCounts(registered=registered, confirmed=confirmed, credited=credited, rejected=rejected)


def placed_number(credited_months: Iterable[int]) -> Fraction:
    """The employer's placed number P = Σ 安置核定 / 12, exact (财税〔2015〕72号 第七条/第八条)."""
    return Fraction(sum(credited_months), 12)


def annual_average_headcount(monthly_headcounts: Iterable[int], months: int = 12) -> Fraction:
    """N = Σ monthly headcounts / months, exact (财税〔2015〕72号 第八条); a closing unit uses its months."""
    if months <= 0:
        raise ValueError("months must be positive")
    return Fraction(sum(monthly_headcounts), months)
