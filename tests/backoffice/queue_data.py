"""Queue items for the review queue's tests, the browser test and the bench: pending placements written
directly, with what makes each kind (evidence, manual certificate, dispatch agreement, failed contract)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from itertools import count

from anbili.core.identifiers import id_number_birth_date, id_number_sex, make_id_number
from anbili.evidence.models import EvidenceFile, EvidencePurpose
from anbili.placements.models import (
    MonthEvidence,
    MonthOutcomeChoice,
    Placement,
    PlacementCertificate,
    PlacementContract,
    PlacementMonth,
    PlacementSignal,
    PlacementStatus,
)
from anbili.registry.models import Certificate, CertificateOrigin, CertificateStatus

YEAR = 2025
_serial = count(1)


def evidence_file(employer, purpose=EvidencePurpose.WAGE_PROOF) -> EvidenceFile:
    return EvidenceFile.objects.create(
        employer=employer,
        purpose=purpose,
        original_name="证明.pdf",
        content_type="application/pdf",
        size=100,
        sha256=uuid.uuid4().hex * 2,
        storage_name=f"test/{uuid.uuid4().hex}.pdf",
    )


def queue_item(
    employer,
    *,
    registered_at: datetime,
    kinds: tuple[str, ...] = ("evidence",),
    signals: tuple[str, ...] = (),
    name: str = "测试人员",
    status: str = PlacementStatus.PENDING,
) -> Placement:
    """A placement waiting for review (or in `status`) with December pending review and what each kind
    needs; `signals` are stored as PlacementSignal rows."""
    serial = next(_serial)
    born = date(1980 + serial % 20, 1 + serial % 12, 1 + serial % 28)
    id_number = make_id_number("150102", born, 100 + serial % 800)
    placement = Placement.objects.create(
        employer=employer,
        business_year=YEAR,
        id_number=id_number,
        name=name,
        sex=id_number_sex(id_number).value,
        birth_date=id_number_birth_date(id_number),
        status=status,
        registered_at=registered_at,
    )
    contract_failed = "contract" in kinds
    december = PlacementMonth.objects.create(
        placement=placement,
        month=YEAR * 100 + 12,
        selected=True,
        outcome=MonthOutcomeChoice.PENDING_REVIEW,
        checks={
            "wage": {"passed": "evidence" not in kinds},
            "contract": {"passed": not contract_failed}
            if "agreement" not in kinds or contract_failed
            else {"passed": False, "reason_code": "dispatch_agreement_pending_review"},
        },
    )
    if "evidence" in kinds:
        MonthEvidence.objects.create(
            placement_month=december, check_code="wage", evidence=evidence_file(employer)
        )
    if "contract" in kinds:
        MonthEvidence.objects.create(
            placement_month=december,
            check_code="contract",
            evidence=evidence_file(employer, EvidencePurpose.CONTRACT),
        )
    dispatch = "agreement" in kinds
    PlacementContract.objects.create(
        placement=placement,
        is_dispatch=dispatch,
        contract_type="dispatch" if dispatch else "labour",
        start=date(2024, 7, 1),
        end=date(2026, 12, 31),
        post="装配工",
        monthly_wage=Decimal("3000"),
        wage_payer_uscc=employer.uscc,
        pension_payer_uscc=employer.uscc,
        medical_payer_uscc=employer.uscc,
        contract_file=evidence_file(employer, EvidencePurpose.CONTRACT),
        dispatch_agreement_file=evidence_file(employer, EvidencePurpose.DISPATCH_AGREEMENT)
        if dispatch
        else None,
        agreement_review="pending" if dispatch else "",
    )
    if "certificate" in kinds:
        certificate = Certificate.objects.create(
            number=f"{id_number}H",
            id_number=id_number,
            kind="残疾人证",
            level=4,
            valid_from=date(2020, 1, 1),
            valid_until=date(YEAR, 2, 28),
            status=CertificateStatus.REPLACED,
            region_code="150102",
            origin=CertificateOrigin.MANUAL_PENDING,
            source="employer",
            received_at=registered_at,
        )
        PlacementCertificate.objects.create(
            placement=placement,
            certificate=certificate,
            image=evidence_file(employer, EvidencePurpose.CERTIFICATE_IMAGE),
        )
    for code in signals:
        PlacementSignal.objects.create(placement=placement, code=code, detail=f"{code} 的说明")
    return placement
