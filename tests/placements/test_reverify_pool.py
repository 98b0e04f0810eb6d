"""The targeted re-verification shared among spawned worker processes (PostgreSQL): the same result as the
in-process path, only the named persons' placements stamped."""

import logging
import os
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


def test_the_workers_re_verify_only_the_named_persons(regions, monkeypatch, caplog):
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
    monkeypatch.setattr(reverify, "POOL_FROM", 1)
    with caplog.at_level(logging.INFO, logger="anbili.placements.verification.pool"):
        result = reverify.placements_reverify_persons(
            id_numbers=[p.id_number for p in touched], business_year=YEAR, chunk=1, workers=2
        )
    # Three chunks of one placement ran in worker processes, none of them this one.
    (record,) = [r for r in caplog.records if "worker processes" in r.getMessage()]
    chunks, pids = record.args
    assert chunks == 3 and pids and os.getpid() not in pids
    assert (result.placements, result.months, result.written) == (3, 36, 3)
    stamped = set(Placement.objects.exclude(verified_at=FIRST).values_list("pk", flat=True))
    assert stamped == {p.pk for p in touched}
    april = PlacementMonth.objects.filter(placement__in=touched, month=YEAR * 100 + 4)
    assert {m.auto_passed for m in april} == {False}
