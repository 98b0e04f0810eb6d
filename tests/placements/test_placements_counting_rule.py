"""The list's counters are the counting rule: the SQL annotations of `placement_list`
(安置登记/确认/核定/不通过(月)), the totals of `placement_counters` and the home page's chart
(`placement_home_figures`) give, on 200 generated employers, exactly what `anbili.rules.counting` computes
from the same months in Python."""

import random
from collections import Counter
from datetime import date

import pytest

from anbili.core.identifiers import make_id_number
from anbili.core.month import Month
from anbili.employers.models import Employer
from anbili.placements.models import (
    ConfirmedBy,
    MonthOutcomeChoice,
    Placement,
    PlacementMonth,
    PlacementStatus,
)
from anbili.placements.selectors import placement_counters, placement_home_figures, placement_list
from anbili.rules.counting import (
    MonthOutcome,
    MonthRecord,
    PlacementCounts,
    count_placement,
    placed_number,
)
from tests.factories import EmployerFactory

pytestmark = pytest.mark.django_db

YEAR = 2025
CASES = 200
RULE_OUTCOME = {
    MonthOutcomeChoice.NOT_SELECTED: MonthOutcome.PENDING,
    MonthOutcomeChoice.PENDING_REVIEW: MonthOutcome.PENDING,
    MonthOutcomeChoice.AUTO_CONFIRMED: MonthOutcome.CONFIRMED,
    MonthOutcomeChoice.CONFIRMED: MonthOutcome.CONFIRMED,
    MonthOutcomeChoice.REJECTED: MonthOutcome.REJECTED,
}
# The outcomes a selected month takes in practice, most often confirmed; an unselected month is mostly
# "not selected" but may keep an earlier outcome (a month unticked after review), which must not count.
SELECTED_OUTCOMES = [
    MonthOutcomeChoice.AUTO_CONFIRMED,
    MonthOutcomeChoice.CONFIRMED,
    MonthOutcomeChoice.PENDING_REVIEW,
    MonthOutcomeChoice.REJECTED,
    MonthOutcomeChoice.NOT_SELECTED,
]
UNSELECTED_OUTCOMES = [
    MonthOutcomeChoice.NOT_SELECTED,
    MonthOutcomeChoice.NOT_SELECTED,
    MonthOutcomeChoice.NOT_SELECTED,
    MonthOutcomeChoice.CONFIRMED,
    MonthOutcomeChoice.REJECTED,
]


def _generate(rng: random.Random, case: int) -> tuple[Employer, dict[int, list[PlacementMonth]]]:
    """One employer's year: 0-6 placements of any status, each with 0-12 months of varied selection,
    outcome and weight (1, or 2 for a severe certificate; it may change within the year)."""
    employer = EmployerFactory()
    placements = []
    for person in range(rng.randrange(7)):
        status = rng.choice(PlacementStatus.values)
        placements.append(
            Placement(
                employer=employer,
                business_year=YEAR,
                id_number=make_id_number("150102", date(1980, 1, 1 + person), case % 999 + 1),
                name=f"人员{case}-{person}",
                sex="1",
                birth_date=date(1980, 1, 1 + person),
                status=status,
                confirmed_by=rng.choice(ConfirmedBy.values) if status == PlacementStatus.CONFIRMED else "",
            )
        )
    Placement.objects.bulk_create(placements)
    months: dict[int, list[PlacementMonth]] = {}
    for placement in placements:
        severe = rng.random() < 0.4
        rows = []
        for month in sorted(rng.sample(range(1, 13), rng.randrange(13))):
            selected = rng.random() < 0.75
            outcome = rng.choice(SELECTED_OUTCOMES if selected else UNSELECTED_OUTCOMES)
            weight = 2 if severe and rng.random() < 0.9 else 1
            rows.append(
                PlacementMonth(
                    placement=placement,
                    month=YEAR * 100 + month,
                    selected=selected,
                    outcome=outcome,
                    weight=weight,
                )
            )
        PlacementMonth.objects.bulk_create(rows)
        months[placement.pk] = rows
    return employer, months


def _by_rule(rows: list[PlacementMonth]) -> PlacementCounts:
    return count_placement(
        MonthRecord(
            month=Month(row.month // 100, row.month % 100),
            selected=row.selected,
            outcome=RULE_OUTCOME[MonthOutcomeChoice(row.outcome)],
            weight=row.weight,
        )
        for row in rows
    )


def _mismatches(case: int, employer: Employer, months: dict[int, list[PlacementMonth]]) -> list[str]:
    found: list[str] = []
    expected = {pk: _by_rule(rows) for pk, rows in months.items()}
    for row in placement_list(employer, YEAR):
        sql = PlacementCounts(
            registered=row.registered_months,
            confirmed=row.confirmed_months,
            credited=row.credited_months,
            rejected=row.rejected_months,
        )
        if sql != expected[row.pk]:
            found.append(f"case {case} placement {row.pk}: list {sql} != rule {expected[row.pk]}")

    counters = placement_counters(employer, YEAR)
    rule_confirmed = sum(counts.confirmed for counts in expected.values())
    rule_credited = [counts.credited for counts in expected.values()]
    if (counters.confirmed_months, counters.credited_months) != (rule_confirmed, sum(rule_credited)):
        found.append(
            f"case {case}: totals ({counters.confirmed_months}, {counters.credited_months}) != rule "
            f"({rule_confirmed}, {sum(rule_credited)})"
        )
    if placed_number([counters.credited_months]) != placed_number(rule_credited):
        found.append(f"case {case}: P from the counters != P by the rule")

    statuses = Counter(Placement.objects.filter(employer=employer).values_list("status", "confirmed_by"))
    persons = {
        "registered": sum(statuses.values()),
        "confirmed_system": statuses[(PlacementStatus.CONFIRMED, ConfirmedBy.SYSTEM)],
        "confirmed_reviewer": sum(
            n
            for (s, by), n in statuses.items()
            if s == PlacementStatus.CONFIRMED and by != ConfirmedBy.SYSTEM
        ),
        "pending": sum(n for (s, _), n in statuses.items() if s == PlacementStatus.PENDING),
        "draft": sum(n for (s, _), n in statuses.items() if s == PlacementStatus.DRAFT),
        "partly_rejected": sum(n for (s, _), n in statuses.items() if s == PlacementStatus.PARTLY_REJECTED),
        "rejected": sum(n for (s, _), n in statuses.items() if s == PlacementStatus.REJECTED),
    }
    shown = {key: getattr(counters, key) for key in persons}
    if shown != persons:
        found.append(f"case {case}: persons {shown} != {persons}")

    figures = placement_home_figures(employer, YEAR)
    if figures is None:
        if months:
            found.append(f"case {case}: no home figures for {len(months)} placements")
        return found
    for label, registered, confirmed in figures.monthly:
        month = int(label.replace("-", ""))
        in_month = [row for rows in months.values() for row in rows if row.month == month and row.selected]
        rule = (
            len(in_month),
            sum(
                1
                for row in in_month
                if RULE_OUTCOME[MonthOutcomeChoice(row.outcome)] is MonthOutcome.CONFIRMED
            ),
        )
        if (registered, confirmed) != rule:
            found.append(f"case {case} {label}: chart {(registered, confirmed)} != rule {rule}")
    return found


def test_list_counters_follow_the_counting_rule(regions):
    rng = random.Random(20260615)
    mismatches: list[str] = []
    covered: Counter[str] = Counter()
    for case in range(CASES):
        employer, months = _generate(rng, case)
        mismatches += _mismatches(case, employer, months)
        for rows in months.values():
            covered.update(f"{row.selected}/{row.outcome}/w{row.weight}" for row in rows)
    assert mismatches == []
    # The generator really produced the variety the rule distinguishes.
    for selected in (True, False):
        for outcome in (MonthOutcomeChoice.CONFIRMED, MonthOutcomeChoice.REJECTED):
            for weight in (1, 2):
                assert covered[f"{selected}/{outcome}/w{weight}"] > 0
    assert covered[f"True/{MonthOutcomeChoice.AUTO_CONFIRMED}/w2"] > 0
    assert covered[f"True/{MonthOutcomeChoice.PENDING_REVIEW}/w1"] > 0
