"""Building blocks of the placement tests: registry rows for a person, uploads, a ready draft."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from anbili.core.identifiers import make_id_number, make_uscc
from anbili.placements import services
from anbili.registry.models import (
    Certificate,
    CertificateOrigin,
    CertificateStatus,
    DispatchFiling,
    MedicalMonth,
    PensionMonth,
    RegistryPerson,
    WageMonth,
)
from tests.evidence.evidence_files import pdf_bytes, png_bytes
from tests.factories import unit_info_saved

YEAR = 2025
TODAY = date(2026, 5, 11)  # inside 内蒙古's 2026 window (03-01 … 10-31), business year 2025
_sequence = iter(range(11, 999, 2))


def upload(name: str = "证明.pdf") -> SimpleUploadedFile:
    """A valid PDF (or PNG for .png names) upload."""
    content = png_bytes() if name.endswith(".png") else pdf_bytes()
    return SimpleUploadedFile(name, content)


def new_id_number(birth: date = date(1985, 3, 1), *, female: bool = False) -> str:
    """A fresh valid ID number of 新城区 (odd sequence = male)."""
    sequence = next(_sequence)
    return make_id_number("150102", birth, sequence + 1 if female else sequence)


def registry_person(
    id_number: str,
    *,
    name: str = "张三",
    level: int = 4,
    payer: str,
    months: range = range(1, 13),
    wage: Decimal = Decimal("3000.00"),
    pension_payer: str | None = None,
    certificate_from: date = date(2020, 1, 1),
    with_certificate: bool = True,
) -> RegistryPerson:
    """A registry person with a certificate and wage/pension/medical rows for the months given."""
    now = timezone.now()
    from anbili.core.identifiers import id_number_birth_date, id_number_sex

    person = RegistryPerson.objects.create(
        id_number=id_number,
        name=name,
        sex=id_number_sex(id_number).value,
        birth_date=id_number_birth_date(id_number),
        household_region="150102",
        source="disability_registry",
        received_at=now,
    )
    if with_certificate:
        Certificate.objects.create(
            number=f"{id_number}4{level}",
            id_number=id_number,
            kind="残疾人证",
            category=4,
            level=level,
            valid_from=certificate_from,
            valid_until=None,
            status=CertificateStatus.VALID,
            region_code="150102",
            origin=CertificateOrigin.REGISTRY,
            source="disability_registry",
            received_at=now,
        )
    payments(id_number, payer=payer, months=months, wage=wage, pension_payer=pension_payer)
    return person


def payments(
    id_number: str,
    *,
    payer: str,
    months: range | list[int],
    wage: Decimal = Decimal("3000.00"),
    pension_payer: str | None = None,
) -> None:
    """Wage, pension and medical rows for the months of YEAR."""
    now = timezone.now()
    for m in months:
        month = YEAR * 100 + m
        common = {"id_number": id_number, "month": month, "region_code": "150102", "received_at": now}
        WageMonth.objects.create(payer_uscc=payer, amount=wage, source="wage", **common)
        PensionMonth.objects.create(
            payer_uscc=pension_payer or payer, amount=Decimal("500"), source="social_insurance", **common
        )
        MedicalMonth.objects.create(
            payer_uscc=payer, amount=Decimal("200"), source="medical_insurance", **common
        )


def dispatch_filing(uscc: str, region: str = "150000") -> DispatchFiling:
    """A provincial dispatch filing valid for the whole business year."""
    return DispatchFiling.objects.create(
        company_uscc=uscc,
        company_name="内蒙古派遣人力资源有限公司",
        region_code=region,
        filing_number="NM-2024-001",
        valid_from=date(2024, 1, 1),
        valid_until=None,
        source="dispatch_filing",
        received_at=timezone.now(),
    )


def other_uscc(n: int) -> str:
    """A valid USCC distinct from the factories'."""
    return make_uscc(f"91150102MB{n:07d}")


PERSON = {
    "name": "张三",
    "household_type": "urban",
    "household_region": "150102",
    "household_address": "内蒙古自治区呼和浩特市新城区新华大街2号",
    "phone": "13900001111",
    "is_graduate": False,
}


def contract_fields(employer, **overrides):
    """A valid non-dispatch two-year labour contract paid entirely by the employer."""
    values = {
        "is_dispatch": False,
        "relation": "own",
        "contract_type": "labour",
        "start": date(2024, 7, 1),
        "end": date(2026, 6, 30),
        "post": "装配工",
        "monthly_wage": "3000",
        "dispatch_company_uscc": "",
        "wage_payer_uscc": employer.uscc,
        "pension_payer_uscc": employer.uscc,
        "medical_payer_uscc": employer.uscc,
    }
    values.update(overrides)
    return values


def ready_draft(employer, user, id_number: str, **contract_overrides):
    """A draft with person, one contract and certificates done: at the verify step (the unit's information
    of the year saved first, as placements require)."""
    unit_info_saved(employer, YEAR)
    placement = services.placement_start(
        employer=employer, actor=user, id_number=id_number, business_year=YEAR, today=TODAY
    )
    services.placement_person_update(
        placement_id=placement.pk, employer=employer, actor=user, today=TODAY, **PERSON
    )
    services.placement_contract_add(
        placement_id=placement.pk,
        employer=employer,
        actor=user,
        today=TODAY,
        contract_upload=upload("劳动合同.pdf"),
        dispatch_agreement_upload=contract_overrides.pop("dispatch_agreement_upload", None),
        **contract_fields(employer, **contract_overrides),
    )
    services.placement_certificates_done(
        placement_id=placement.pk, employer=employer, actor=user, today=TODAY
    )
    services.placement_verify(placement_id=placement.pk, employer=employer, today=TODAY)
    placement.refresh_from_db()
    return placement
