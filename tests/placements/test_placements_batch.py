"""Batch re-verification gives the same verdicts as the one-placement path (one rules path)."""

import pytest

from anbili.employers.models import RelatedUnit, RelationKind
from anbili.placements import services
from anbili.placements.models import Placement, PlacementMonth
from anbili.placements.verification.pool import placements_verify_batch
from tests.placements.placement_data import (
    TODAY,
    YEAR,
    dispatch_filing,
    new_id_number,
    other_uscc,
    payments,
    ready_draft,
    registry_person,
    upload,
)

pytestmark = pytest.mark.django_db


def _snapshot(placements):
    rows = PlacementMonth.objects.filter(placement__in=placements).order_by("placement_id", "month")
    return [
        (
            r.placement_id,
            r.month,
            r.auto_passed,
            r.weight,
            r.certificate_type,
            r.certificate_level,
            r.checks,  # verdicts, reasons and provenance alike
        )
        for r in rows
    ]


def test_batch_and_single_paths_store_the_same_verdicts(employer, user):
    from tests.factories import EmployerFactory

    company = other_uscc(31)
    RelatedUnit.objects.create(
        employer=employer, business_year=YEAR, relation=RelationKind.DISPATCH, uscc=company, name="派遣公司"
    )
    dispatch_filing(company)
    plain, partial, dispatched, shared = (new_id_number() for _ in range(4))
    registry_person(plain, payer=employer.uscc, level=1)
    registry_person(partial, payer=employer.uscc, months=range(3, 9), pension_payer=other_uscc(32))
    registry_person(dispatched, payer=company)
    registry_person(shared, payer=employer.uscc)
    other = EmployerFactory()
    payments(shared, payer=other.uscc, months=range(1, 13))
    placements = [ready_draft(employer, user, n) for n in (plain, partial, shared)]
    placements.append(
        ready_draft(
            employer,
            user,
            dispatched,
            is_dispatch=True,
            relation="related",
            contract_type="dispatch",
            dispatch_company_uscc=company,
            wage_payer_uscc=company,
            pension_payer_uscc=company,
            medical_payer_uscc=company,
            dispatch_agreement_upload=upload("派遣协议.pdf"),
        )
    )
    rival = ready_draft(other, user, shared)
    services.placement_months_save(
        placement_id=rival.pk, employer=other, actor=user, today=TODAY, months=[], evidence={}
    )
    for placement in placements:
        services.placement_verify(placement_id=placement.pk, employer=employer, today=TODAY)
    single = _snapshot(placements)
    # The digest says what is stored: cleared with the verdicts, so the batch must compute and write them all.
    PlacementMonth.objects.filter(placement__in=placements).update(checks={}, auto_passed=False, weight=1)
    Placement.objects.filter(pk__in=[p.pk for p in placements]).update(verdicts_digest=None)
    result = placements_verify_batch(business_year=YEAR, employer_ids=[employer.pk], chunk=3)
    assert result == (4, 48, 48)
    assert _snapshot(placements) == single
    # Nothing changed since: everything is verified again, nothing is written.
    again = placements_verify_batch(business_year=YEAR, employer_ids=[employer.pk], chunk=3)
    assert again == (4, 48, 0)
    assert _snapshot(placements) == single
    exclusive = [row for row in single if row[0] == placements[2].pk]
    assert all(not row[6]["exclusive"]["passed"] for row in exclusive)
    assert any(row[2] for row in single) and any(not row[2] for row in single)


def test_reverify_task_runs_the_batch(employer, user):
    from anbili.placements.tasks import placements_reverify

    number = new_id_number()
    registry_person(number, payer=employer.uscc, months=range(1, 12))
    placement = ready_draft(employer, user, number)
    assert not PlacementMonth.objects.get(placement=placement, month=202512).auto_passed
    payments(number, payer=employer.uscc, months=[12])
    result = placements_reverify.enqueue(business_year=YEAR)
    # December's verdict changed: December alone is written.
    assert result.return_value == {"placements": 1, "months": 12, "written": 1}
    assert placements_reverify.enqueue(business_year=YEAR).return_value == {
        "placements": 1,
        "months": 12,
        "written": 0,
    }
    assert PlacementMonth.objects.get(placement=placement, month=202512).auto_passed
