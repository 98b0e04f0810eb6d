"""Risk signals stored for the review queue (anbili/placements/signals.py): the facts loaded set-based, the
rows replaced on submission and on re-verification of pending placements."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from anbili.core.identifiers import id_number_birth_date, id_number_sex
from anbili.evidence.models import EvidenceFile, EvidencePurpose
from anbili.placements import services
from anbili.placements.models import (
    MonthEvidence,
    Placement,
    PlacementContract,
    PlacementMonth,
    PlacementSignal,
    PlacementStatus,
)
from anbili.placements.reverify import placements_reverify_persons
from anbili.placements.signals import placement_signal_facts, placements_signals_refresh
from anbili.regions.selectors import minimum_wages_on
from anbili.registry.models import Certificate, CertificateOrigin, CertificateStatus, WageMonth
from anbili.rules.signals import SignalCode
from tests.factories import EmployerFactory
from tests.placements.placement_data import (
    TODAY,
    YEAR,
    new_id_number,
    payments,
    ready_draft,
    registry_person,
    upload,
)

pytestmark = pytest.mark.django_db


def _minimum(employer) -> Decimal:
    return minimum_wages_on(employer.admin_region, [date(YEAR, 6, 1)])[date(YEAR, 6, 1)]


def _file(employer, sha: str | None = None) -> EvidenceFile:
    return EvidenceFile.objects.create(
        employer=employer,
        purpose=EvidencePurpose.CONTRACT,
        original_name="合同.pdf",
        content_type="application/pdf",
        size=100,
        sha256=sha or uuid.uuid4().hex * 2,
        storage_name=f"test/{uuid.uuid4().hex}.pdf",
    )


def _pending(employer, id_number: str, *, months=range(1, 13), start=date(2024, 7, 1), sha=None) -> Placement:
    """A pending placement written directly: its months selected, one contract with its file."""
    placement = Placement.objects.create(
        employer=employer,
        business_year=YEAR,
        id_number=id_number,
        name="测试",
        sex=id_number_sex(id_number).value,
        birth_date=id_number_birth_date(id_number),
        status=PlacementStatus.PENDING,
        registered_at=timezone.now(),
    )
    PlacementMonth.objects.bulk_create(
        PlacementMonth(placement=placement, month=YEAR * 100 + m, selected=m in months) for m in range(1, 13)
    )
    PlacementContract.objects.create(
        placement=placement,
        contract_type="labour",
        start=start,
        end=date(2026, 12, 31),
        post="装配工",
        monthly_wage=Decimal("3000"),
        wage_payer_uscc=employer.uscc,
        pension_payer_uscc=employer.uscc,
        medical_payer_uscc=employer.uscc,
        contract_file=_file(employer, sha),
    )
    return placement


def _codes(placement) -> set[str]:
    return set(PlacementSignal.objects.filter(placement=placement).values_list("code", flat=True))


def test_an_ordinary_pending_placement_has_no_signal(employer):
    number = new_id_number()
    registry_person(number, payer=employer.uscc)
    placement = _pending(employer, number)
    assert placements_signals_refresh([placement.pk]) == {placement.pk: []}
    assert _codes(placement) == set()


def test_wage_at_minimum_and_insurance_without_wage(employer):
    number = new_id_number()
    registry_person(number, payer=employer.uscc, months=range(1, 7), wage=_minimum(employer))
    # July to December: insured, no wage row from anyone.
    payments(number, payer=employer.uscc, months=range(7, 13))
    WageMonth.objects.filter(id_number=number, month__gte=YEAR * 100 + 7).delete()
    placement = _pending(employer, number)
    placements_signals_refresh([placement.pk])
    rows = dict(PlacementSignal.objects.filter(placement=placement).values_list("code", "detail"))
    assert set(rows) == {SignalCode.WAGE_AT_MINIMUM, SignalCode.INSURANCE_WITHOUT_WAGE}
    assert rows[SignalCode.WAGE_AT_MINIMUM].startswith("所选6个有工资记录的月份")
    assert rows[SignalCode.INSURANCE_WITHOUT_WAGE].startswith("202507、202508、202509等6个月")


def test_a_wage_paid_by_another_unit_is_not_the_employers_wage(employer):
    number = new_id_number()
    registry_person(number, payer="91150102MA0000000X", wage=Decimal("1"))
    placement = _pending(employer, number)
    placements_signals_refresh([placement.pk])
    assert _codes(placement) == set()  # a wage exists (any payer), none of the employer's


def test_a_person_declared_by_another_employer_is_flagged_without_naming_it(employer):
    number = new_id_number()
    registry_person(number, payer=employer.uscc)
    other = EmployerFactory(name="另一家单位有限公司")
    placement = _pending(employer, number)
    _pending(other, number, months=[])  # a draft elsewhere is a claim too
    placements_signals_refresh([placement.pk])
    detail = PlacementSignal.objects.get(placement=placement, code=SignalCode.CLAIMED_BY_SEVERAL).detail
    assert detail == f"该人员在{YEAR}业务年度还被另外1家单位登记安置"
    assert other.name not in detail and other.uscc not in detail


def test_certificate_first_issued_in_the_year_ignores_manual_pending_ones(employer):
    number = new_id_number()
    registry_person(number, payer=employer.uscc, certificate_from=date(YEAR, 3, 1))
    placement = _pending(employer, number)
    placements_signals_refresh([placement.pk])
    assert _codes(placement) == {SignalCode.CERTIFICATE_IN_YEAR}
    # An earlier certificate the employer added, not yet approved, does not clear it; once approved it does.
    manual = Certificate.objects.create(
        number=f"{number}M",
        id_number=number,
        kind="残疾人证",
        level=4,
        valid_from=date(2020, 1, 1),
        valid_until=date(YEAR, 2, 28),
        status=CertificateStatus.REPLACED,
        region_code="150102",
        origin=CertificateOrigin.MANUAL_PENDING,
        source="employer",
        received_at=timezone.now(),
    )
    placements_signals_refresh([placement.pk])
    assert _codes(placement) == {SignalCode.CERTIFICATE_IN_YEAR}
    manual.origin = CertificateOrigin.MANUAL_APPROVED
    manual.save()
    placements_signals_refresh([placement.pk])
    assert _codes(placement) == set()


def test_near_retirement_and_late_hire(employer):
    number = new_id_number(birth=date(1965, 9, 30))  # retires 2025-12-30
    registry_person(number, payer=employer.uscc)
    placement = _pending(employer, number, start=date(YEAR, 10, 8))
    placements_signals_refresh([placement.pk])
    assert _codes(placement) == {SignalCode.NEAR_RETIREMENT, SignalCode.LATE_HIRE_WHOLE_YEAR}
    PlacementMonth.objects.filter(placement=placement, month__lt=YEAR * 100 + 10).update(selected=False)
    placements_signals_refresh([placement.pk])
    assert _codes(placement) == {SignalCode.NEAR_RETIREMENT}


def test_identical_files_across_placements_and_employers(employer):
    sha = "ab" * 32
    first, second, third = new_id_number(), new_id_number(), new_id_number()
    for number in (first, second, third):
        registry_person(number, payer=employer.uscc)
    a = _pending(employer, first, sha=sha)
    b = _pending(employer, second)
    # The same content as month evidence of b: shared within the employer.
    month = PlacementMonth.objects.get(placement=b, month=YEAR * 100 + 1)
    MonthEvidence.objects.create(placement_month=month, check_code="wage", evidence=_file(employer, sha))
    placements_signals_refresh([a.pk, b.pk])
    detail = PlacementSignal.objects.get(placement=a, code=SignalCode.SHARED_EVIDENCE).detail
    assert detail == "有1份材料与本单位其他安置登记的1条记录上传的文件完全相同"
    assert _codes(b) == {SignalCode.SHARED_EVIDENCE}
    other = EmployerFactory()
    _pending(other, third, sha=sha)
    placements_signals_refresh([a.pk])
    detail = PlacementSignal.objects.get(placement=a, code=SignalCode.SHARED_EVIDENCE).detail
    assert detail == "有1份材料与其他安置登记（含其他单位）的2条记录上传的文件完全相同"
    assert other.name not in detail


def test_the_same_file_twice_in_one_placement_is_no_signal(employer):
    sha = "cd" * 32
    number = new_id_number()
    registry_person(number, payer=employer.uscc)
    placement = _pending(employer, number, sha=sha)
    for m in (1, 2):
        month = PlacementMonth.objects.get(placement=placement, month=YEAR * 100 + m)
        MonthEvidence.objects.create(placement_month=month, check_code="wage", evidence=_file(employer, sha))
    placements_signals_refresh([placement.pk])
    assert _codes(placement) == set()


def test_refresh_replaces_the_rows(employer):
    number = new_id_number()
    registry_person(number, payer=employer.uscc, certificate_from=date(YEAR, 3, 1))
    placement = _pending(employer, number)
    PlacementSignal.objects.create(placement=placement, code="stale", detail="旧的")
    placements_signals_refresh([placement.pk])
    assert _codes(placement) == {SignalCode.CERTIFICATE_IN_YEAR}


def test_the_facts_of_many_placements_take_the_queries_of_few(employer):
    def queries(count: int) -> int:
        pks = []
        for _ in range(count):
            number = new_id_number()
            registry_person(number, payer=employer.uscc)
            pks.append(_pending(employer, number).pk)
        with CaptureQueriesContext(connection) as captured:
            facts = placement_signal_facts(pks)
        assert len(facts) == count
        return len(captured)

    few = queries(2)
    assert queries(12) == few
    assert few <= 20


def test_submission_for_review_stores_the_signals(employer, user):
    number = new_id_number()
    registry_person(number, payer=employer.uscc, months=range(1, 12), wage=_minimum(employer))
    placement = ready_draft(employer, user, number)
    saved = services.placement_months_save(
        placement_id=placement.pk,
        employer=employer,
        actor=user,
        today=TODAY,
        months=[202512],
        evidence={
            (202512, "wage"): upload("工资.pdf"),
            (202512, "pension"): upload("社保.pdf"),
            (202512, "medical"): upload("医保.pdf"),
        },
    )
    assert saved.status == PlacementStatus.PENDING
    assert _codes(saved) == {SignalCode.WAGE_AT_MINIMUM}


def test_re_verification_refreshes_the_signals_of_pending_placements_only(employer):
    pending_number, draft_number = new_id_number(), new_id_number()
    for number in (pending_number, draft_number):
        registry_person(number, payer=employer.uscc)
    pending = _pending(employer, pending_number)
    draft = _pending(employer, draft_number)
    Placement.objects.filter(pk=draft.pk).update(status=PlacementStatus.DRAFT)
    assert _codes(pending) == set()
    minimum = _minimum(employer)
    WageMonth.objects.filter(id_number__in=[pending_number, draft_number]).update(amount=minimum)
    placements_reverify_persons(id_numbers=[pending_number, draft_number], business_year=YEAR)
    assert _codes(pending) == {SignalCode.WAGE_AT_MINIMUM}
    assert _codes(draft) == set()


def test_a_submission_refreshes_the_other_side_of_a_pair(employer):
    from anbili.placements.signals import placement_submitted_signals_refresh

    sha = "ef" * 32
    first, second = new_id_number(), new_id_number()
    for number in (first, second):
        registry_person(number, payer=employer.uscc)
    other = EmployerFactory()
    earlier = _pending(employer, first, sha=sha)
    elsewhere = _pending(other, second)
    placements_signals_refresh([earlier.pk, elsewhere.pk])
    assert _codes(earlier) == set() and _codes(elsewhere) == set()
    # A later submission at another unit: the same file as `earlier`, the same person as `elsewhere`.
    later = _pending(EmployerFactory(), second, sha=sha)
    placement_submitted_signals_refresh(later.pk)
    assert _codes(later) == {SignalCode.SHARED_EVIDENCE, SignalCode.CLAIMED_BY_SEVERAL}
    assert _codes(earlier) == {SignalCode.SHARED_EVIDENCE}
    assert _codes(elsewhere) == {SignalCode.CLAIMED_BY_SEVERAL}


def test_re_verification_of_a_whole_year_refreshes_the_pending_signals(employer):
    from anbili.placements.reverify import placements_reverify_touched

    number = new_id_number()
    registry_person(number, payer=employer.uscc)
    pending = _pending(employer, number)
    WageMonth.objects.filter(id_number=number).update(amount=_minimum(employer))
    placements_reverify_touched(batch_id=0, touched=[(YEAR, None)])
    assert _codes(pending) == {SignalCode.WAGE_AT_MINIMUM}
