"""The targeted re-verification shared among spawned worker processes (PostgreSQL): the same result as the
in-process path, only the named persons' placements stamped."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.db import connection

from anbili.placements import reverify
from anbili.placements.models import Placement, PlacementMonth
from anbili.registry.models import WageMonth
from tests.placements.placement_data import YEAR, new_id_number, ready_draft, registry_person

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the worker processes run on PostgreSQL only (SQLite has one writer); run with DATABASE_URL",
    ),
]

FIRST = datetime(2026, 5, 11, 2, 0, tzinfo=UTC)


def test_the_workers_re_verify_only_the_named_persons(regions, monkeypatch):
    from tests.factories import EmployerFactory, MembershipFactory

    employer = EmployerFactory()
    user = MembershipFactory(employer=employer).user
    placements = []
    for _ in range(5):
        number = new_id_number()
        registry_person(number, payer=employer.uscc)
        placements.append(ready_draft(employer, user, number))
    Placement.objects.update(verified_at=FIRST)
    touched = placements[:3]
    WageMonth.objects.filter(id_number__in=[p.id_number for p in touched], month=YEAR * 100 + 4).update(
        amount=Decimal("800")
    )
    spawned: list[int] = []
    real = reverify.verify_in_workers

    def counted(*args, **kwargs):
        results = real(*args, **kwargs)
        spawned.append(len(results))
        return results

    monkeypatch.setattr(reverify, "POOL_FROM", 1)
    monkeypatch.setattr(reverify, "verify_in_workers", counted)
    result = reverify.placements_reverify_persons(
        id_numbers=[p.id_number for p in touched], business_year=YEAR, chunk=1, workers=2
    )
    assert spawned == [3]  # three chunks of one placement, in the worker processes
    assert (result.placements, result.months, result.written) == (3, 36, 3)
    stamped = set(Placement.objects.exclude(verified_at=FIRST).values_list("pk", flat=True))
    assert stamped == {p.pk for p in touched}
    april = PlacementMonth.objects.filter(placement__in=touched, month=YEAR * 100 + 4)
    assert {m.auto_passed for m in april} == {False}
