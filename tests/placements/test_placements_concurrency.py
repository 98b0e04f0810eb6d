"""Exclusive months under concurrency: two employers register the same person at the same moment."""

import logging
import os
import threading

import pytest
from django.db import connection, connections

from anbili.core.errors import ApplicationError
from anbili.placements import services
from anbili.placements.models import (
    MonthOutcomeChoice,
    PersonMonthClaim,
    Placement,
    PlacementMonth,
    PlacementStatus,
)
from anbili.placements.selectors import placement_detail, verification_rows
from tests.placements.placement_data import TODAY, new_id_number, payments, ready_draft, registry_person

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serialises every writer on one database lock, so two saves cannot overlap; "
    "the race is only meaningful on PostgreSQL (run with DATABASE_URL=postgres://…)",
)
def test_two_employers_saving_the_same_person_at_once(regions, monkeypatch):
    from tests.factories import EmployerFactory, MembershipFactory

    first, second = EmployerFactory(name="甲公司"), EmployerFactory(name="乙公司")
    users = {
        first.pk: MembershipFactory(employer=first).user,
        second.pk: MembershipFactory(employer=second).user,
    }
    number = new_id_number()
    registry_person(number, payer=first.uscc)
    payments(number, payer=second.uscc, months=range(1, 13))  # the registry shows pay from both units
    drafts = {e.pk: ready_draft(e, users[e.pk], number) for e in (first, second)}
    barrier = threading.Barrier(2)
    results: dict[int, object] = {}
    is_dispatch = services.placement_is_dispatch

    def both_verified(placement):
        # Both transactions have read the claims (none yet) before either claims a month: a true race.
        barrier.wait(timeout=10)
        return is_dispatch(placement)

    monkeypatch.setattr(services.months, "placement_is_dispatch", both_verified)

    def save(employer):
        try:
            results[employer.pk] = services.placement_months_save(
                placement_id=drafts[employer.pk].pk,
                employer=employer,
                actor=users[employer.pk],
                today=TODAY,
                months=[],
            )
        except ApplicationError as exc:
            results[employer.pk] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=save, args=(e,)) for e in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    confirmed = [
        p
        for p in Placement.objects.filter(pk__in=[d.pk for d in drafts.values()])
        if p.status == PlacementStatus.CONFIRMED
    ]
    assert len(confirmed) == 1, results
    # Neither was refused: the loser's save went through and lost every month at the unique index.
    assert all(isinstance(result, Placement) for result in results.values()), results
    winner = confirmed[0]
    loser_employer = second if winner.employer_id == first.pk else first
    winner_employer = first if loser_employer is second else second
    loser = Placement.objects.get(pk=drafts[loser_employer.pk].pk)
    assert loser.status == PlacementStatus.DRAFT
    assert set(PersonMonthClaim.objects.values_list("placement_id", flat=True)) == {winner.pk}
    assert PersonMonthClaim.objects.count() == 12
    assert not loser.months.exclude(outcome=MonthOutcomeChoice.NOT_SELECTED).exists()
    # The loser's table (as the page shows it after 重新核验) says ✗ 无其他单位安置 without naming the winner.
    services.placement_verify(placement_id=loser.pk, employer=loser_employer, today=TODAY)
    rows = verification_rows(placement_detail(loser.pk, loser_employer))
    for row in rows:
        cell = next(c for c in row.cells if c.code == "exclusive")
        assert cell.text == "不通过" and cell.label == "无其他单位安置"
        assert "其他单位" in cell.message
        assert winner_employer.name not in cell.message and winner_employer.uscc not in cell.message
        assert not row.selectable


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="batch re-verification starts worker processes only on PostgreSQL "
    "(SQLite runs the chunks in-process)",
)
def test_batch_reverification_in_worker_processes_stores_what_one_process_stores(regions, caplog):
    from tests.factories import EmployerFactory, MembershipFactory

    employer = EmployerFactory()
    user = MembershipFactory(employer=employer).user
    numbers = [new_id_number() for _ in range(5)]
    for i, number in enumerate(numbers):
        registry_person(number, payer=employer.uscc, months=range(1, 13 - i))
    placements = [ready_draft(employer, user, number) for number in numbers]

    def snapshot():
        return sorted(
            PlacementMonth.objects.filter(placement__in=placements).values_list(
                "placement_id",
                "month",
                "checks",
                "auto_passed",
                "weight",
                "certificate_type",
                "certificate_level",
            )
        )

    single = snapshot()
    assert any(row[3] for row in single) and any(not row[3] for row in single)
    PlacementMonth.objects.filter(placement__in=placements).update(checks={}, auto_passed=False)
    Placement.objects.filter(pk__in=[p.pk for p in placements]).update(verdicts_digest=None)
    with caplog.at_level(logging.INFO, logger="anbili.placements.verification.pool"):
        result = services.placements_verify_batch(
            business_year=placements[0].business_year, chunk=2, workers=2
        )
    assert result == (5, 60, 60)
    assert snapshot() == single
    # The three chunks ran in worker processes, none of them this one.
    (record,) = [r for r in caplog.records if "worker processes" in r.getMessage()]
    chunks, pids = record.args
    assert chunks == 3 and pids and os.getpid() not in pids
    # Nothing changed: computed again in the workers, nothing written.
    again = services.placements_verify_batch(business_year=placements[0].business_year, chunk=2, workers=2)
    assert again == (5, 60, 0)
