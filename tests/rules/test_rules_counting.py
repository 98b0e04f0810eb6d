"""Certificate weight, per-placement counters and the employer's placed number P."""

from fractions import Fraction

import pytest

from anbili.core.month import Month, months_of_year
from anbili.rules.counting import (
    CertificateKind,
    MonthOutcome,
    MonthRecord,
    PlacementCounts,
    annual_average_headcount,
    certificate_counts,
    certificate_weight,
    count_placement,
    placed_number,
)

PERSON, SERVICEMAN = CertificateKind.DISABLED_PERSON, CertificateKind.DISABLED_SERVICEMAN


@pytest.mark.parametrize(
    ("kind", "level", "counts", "weight"),
    [
        (PERSON, 1, True, 2),
        (PERSON, 2, True, 2),
        (PERSON, 3, True, 1),
        (PERSON, 4, True, 1),
        (PERSON, 5, False, 1),
        (SERVICEMAN, 1, True, 2),
        (SERVICEMAN, 3, True, 2),
        (SERVICEMAN, 4, True, 1),
        (SERVICEMAN, 8, True, 1),
        (SERVICEMAN, 9, False, 1),
        (SERVICEMAN, 10, False, 1),
        ("残疾人证", 2, True, 2),
        ("残疾军人证", 3, True, 2),
    ],
)
def test_weight_and_counting(kind: CertificateKind, level: int, counts: bool, weight: int) -> None:
    assert certificate_counts(kind, level) is counts
    assert certificate_weight(kind, level) == weight


CONFIRMED, REJECTED, PENDING = MonthOutcome.CONFIRMED, MonthOutcome.REJECTED, MonthOutcome.PENDING


def _year(outcome: MonthOutcome, weight: int = 1, selected: bool = True) -> list[MonthRecord]:
    return [MonthRecord(month, selected, outcome, weight) for month in months_of_year(2021)]


@pytest.mark.parametrize(
    ("records", "counts"),
    [
        # seed 004: 施嵘, severe, 12 confirmed months credited 24; 景晓东 ordinary, 12 → 12
        (_year(CONFIRMED, weight=2), PlacementCounts(registered=12, confirmed=12, credited=24, rejected=0)),
        (_year(CONFIRMED), PlacementCounts(registered=12, confirmed=12, credited=12, rejected=0)),
        (
            _year(CONFIRMED, selected=False),
            PlacementCounts(registered=0, confirmed=0, credited=0, rejected=0),
        ),
        (_year(PENDING), PlacementCounts(registered=12, confirmed=0, credited=0, rejected=0)),
        (_year(REJECTED), PlacementCounts(registered=12, confirmed=0, credited=0, rejected=12)),
        (
            [
                MonthRecord(Month(2021, 1), True, CONFIRMED, 1),
                MonthRecord(Month(2021, 2), True, CONFIRMED, 2),  # a severe certificate from February
                MonthRecord(Month(2021, 3), True, REJECTED, 2),
                MonthRecord(Month(2021, 4), True, PENDING, 2),
                MonthRecord(Month(2021, 5), False, PENDING, 2),
            ],
            PlacementCounts(registered=4, confirmed=2, credited=3, rejected=1),
        ),
        ([], PlacementCounts(registered=0, confirmed=0, credited=0, rejected=0)),
    ],
)
def test_count_placement(records: list[MonthRecord], counts: PlacementCounts) -> None:
    assert count_placement(records) == counts


@pytest.mark.parametrize(
    ("credited", "placed"),
    [
        ([24, 12], Fraction(3)),
        ([5], Fraction(5, 12)),
        ([7, 3, 1], Fraction(11, 12)),
        ([], Fraction(0)),
    ],
)
def test_placed_number_is_exact(credited: list[int], placed: Fraction) -> None:
    assert placed_number(credited) == placed


def test_annual_average_headcount_is_exact() -> None:
    assert annual_average_headcount([32] * 8 + [33] * 4) == Fraction(388, 12)
    assert annual_average_headcount([10, 20, 30], months=3) == 20
    with pytest.raises(ValueError):
        annual_average_headcount([], months=0)


def test_an_unknown_certificate_kind_is_refused() -> None:
    with pytest.raises(ValueError):
        certificate_counts("残疾证", 1)
    with pytest.raises(ValueError):
        certificate_weight("残疾证", 1)
