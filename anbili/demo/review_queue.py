"""Demo data of the review queue (安置登记审核): about forty placements waiting for review at
青城电子 (新城区, 内蒙古) and 赣江食品 (东湖区, 江西), ten or so of each kind (month evidence, a
historical certificate, a dispatch agreement, a contract not covering every month), some with risk
signals (wage at the minimum, insurance without wage, one person at both units, a first certificate in
the year, near retirement, hired in the fourth quarter for the whole year, the same file twice).

Every placement is made the way an employer makes it: registry rows for the person (written here, demo
data only), then the registration services (添加残疾人 … 勾选安置月份 with one file per failed check), so
the verdicts, claims, events and signals are the real ones. Idempotent: a person already registered at
the unit is skipped. Submission times are spread over the last six weeks.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.db import transaction
from django.utils import timezone

from anbili.accounts.models import MembershipRole, User
from anbili.core.identifiers import make_id_number, make_uscc
from anbili.employers.models import Employer
from anbili.placements import services
from anbili.placements.models import Placement
from anbili.regions.selectors import minimum_wages_on
from anbili.registry.models import (
    Certificate,
    CertificateOrigin,
    CertificateStatus,
    DispatchFiling,
    MedicalMonth,
    PensionMonth,
    WageMonth,
)

QINGCHENG = make_uscc("91150102MA0N4QCD0")
GANJIANG = make_uscc("91360102MA38GJHP2")
DISPATCH = make_uscc("91360100MA35LWPQ4")
WAGE = Decimal("4200.00")
LOW_WAGE = Decimal("1200.00")
SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜戚谢邹喻柏水窦章"
GIVEN = ["建华", "秀兰", "志强", "丽娟", "海涛", "春梅", "国庆", "晓燕", "永刚", "桂芳"]


@dataclass(frozen=True)
class DemoPerson:
    """One placement of the demo queue: who, where, what makes it wait, which signal it should raise."""

    serial: int
    unit: str  # USCC
    kind: str  # evidence | certificate | contract | agreement
    birth: date = date(1986, 4, 12)
    variant: str = ""  # minimum_wage | no_wage | late_hire | shared | retiring | both_units
    months: tuple[int, ...] = tuple(range(1, 13))
    days_ago: int = 3
    payer: str = ""  # wage/insurance payer when not the unit
    extra: dict = field(default_factory=dict)


def _plan() -> list[DemoPerson]:
    people: list[DemoPerson] = []
    serial = 0

    def add(unit: str, kind: str, count: int, variants: dict[int, str]) -> None:
        nonlocal serial
        for i in range(count):
            serial += 1
            variant = variants.get(i, "")
            birth = (
                date(1965, 11, 10) if variant == "retiring" else date(1975 + serial % 20, 1 + serial % 12, 5)
            )
            people.append(
                DemoPerson(
                    serial=serial,
                    unit=unit,
                    kind=kind,
                    birth=birth,
                    variant=variant,
                    days_ago=2 + (serial * 7) % 41,
                    payer=DISPATCH if kind == "agreement" else "",
                )
            )

    add(QINGCHENG, "evidence", 5, {1: "no_wage", 2: "shared", 3: "shared", 4: "retiring"})
    add(QINGCHENG, "certificate", 5, {})
    add(QINGCHENG, "contract", 5, {0: "minimum_wage", 1: "late_hire"})
    add(GANJIANG, "evidence", 5, {0: "no_wage", 2: "retiring"})
    add(GANJIANG, "certificate", 5, {})
    add(GANJIANG, "contract", 5, {0: "late_hire", 3: "minimum_wage"})
    add(GANJIANG, "agreement", 10, {})
    # One person declared by both units: 青城电子 January to June, 赣江食品 July to December.
    serial += 1
    people.append(DemoPerson(serial, QINGCHENG, "evidence", variant="both_units", months=tuple(range(1, 7))))
    people.append(
        DemoPerson(serial, GANJIANG, "evidence", variant="both_units", months=tuple(range(7, 13)), days_ago=1)
    )
    return people


def _id_number(person: DemoPerson) -> str:
    region = "150105" if person.unit == QINGCHENG or person.variant == "both_units" else "360111"
    return make_id_number(region, person.birth, 600 + person.serial * 2 + 1)


def _category(person: DemoPerson) -> int:
    return 1 + person.serial % 7


def _level(person: DemoPerson) -> int:
    return 2 + person.serial % 3


def _earlier_level(person: DemoPerson) -> int:
    """The level of the certificate held before the current one (another level: a reassessment)."""
    return 4 if _level(person) == 3 else 3


def _pdf(label: str) -> SimpleUploadedFile:
    """A one-page PDF whose bytes depend on `label` only: the same label twice is the same file."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": label})
    buffer = io.BytesIO()
    writer.write(buffer)
    return SimpleUploadedFile(f"{label}.pdf", buffer.getvalue(), content_type="application/pdf")


def _registry(person: DemoPerson, id_number: str, year: int, minimum: Decimal) -> None:
    """The person's certificate and monthly rows as the partners would send them (demo data)."""
    now = timezone.now()
    region = "150102" if person.unit == QINGCHENG else "360102"
    certificate_from = date(year, 3, 1) if person.kind == "certificate" else date(2016, 6, 1)
    Certificate.objects.get_or_create(
        number=f"{id_number}{_category(person)}{_level(person)}",
        valid_from=certificate_from,
        defaults={
            "id_number": id_number,
            "kind": "残疾人证",
            "category": _category(person),
            "level": _level(person),
            "valid_until": None,
            "status": CertificateStatus.VALID,
            "region_code": region,
            "origin": CertificateOrigin.REGISTRY,
            "source": "disability_registry",
            "received_at": now,
        },
    )
    payer = person.payer or person.unit
    for m in person.months:
        month = year * 100 + m
        common = {"id_number": id_number, "month": month, "payer_uscc": payer}
        fields = {"region_code": region, "received_at": now}
        wage = minimum if person.variant == "minimum_wage" else WAGE
        if person.kind == "evidence" and m == person.months[-1]:
            wage = LOW_WAGE  # the last month below the minimum wage: the employer uploads 工资发放证明
        skip_wage = person.variant == "no_wage" and m >= 11
        if not skip_wage:
            WageMonth.objects.get_or_create(**common, defaults={"amount": wage, "source": "wage", **fields})
        PensionMonth.objects.get_or_create(
            **common, defaults={"amount": Decimal("560"), "source": "social_insurance", **fields}
        )
        MedicalMonth.objects.get_or_create(
            **common, defaults={"amount": Decimal("210"), "source": "medical_insurance", **fields}
        )


def _contract(person: DemoPerson, year: int, unit: Employer) -> dict:
    start = date(year - 1, 7, 1)
    if person.variant == "both_units":
        start = date(year - 1, 1, 1) if person.unit == QINGCHENG else date(year, 7, 1)
    if person.kind == "contract":
        start = date(year, 10, 8) if person.variant == "late_hire" else date(year, 4, 1)
    end = date(start.year + 2, start.month, 1) - timedelta(days=1)
    dispatch = person.kind == "agreement"
    payer = DISPATCH if dispatch else unit.uscc
    return {
        "is_dispatch": dispatch,
        "relation": "related" if dispatch else "own",
        "contract_type": "dispatch" if dispatch else "labour",
        "start": start,
        "end": end,
        "post": ["包装工", "质检员", "仓库管理员", "客服专员", "装配工"][person.serial % 5],
        "monthly_wage": str(WAGE),
        "dispatch_company_uscc": DISPATCH if dispatch else "",
        "wage_payer_uscc": payer,
        "pension_payer_uscc": payer,
        "medical_payer_uscc": payer,
    }


def _one(person: DemoPerson, unit: Employer, actor: User, year: int, today: date, minimum: Decimal) -> bool:
    id_number = _id_number(person)
    if Placement.objects.filter(employer=unit, business_year=year, id_number=id_number).exists():
        return False
    _registry(person, id_number, year, minimum)
    name = SURNAMES[person.serial % len(SURNAMES)] + GIVEN[person.serial % len(GIVEN)]
    placement = services.placement_start(
        employer=unit, actor=actor, id_number=id_number, business_year=year, today=today
    )
    services.placement_person_update(
        placement_id=placement.pk,
        employer=unit,
        actor=actor,
        today=today,
        name=name,
        household_type="urban",
        household_region=unit.dpf_region_id,
        household_address=f"{unit.dpf_region.full_name}民主路{person.serial}号",
        phone=f"139{person.serial:08d}",
        is_graduate=False,
    )
    dispatch = person.kind == "agreement"
    services.placement_contract_add(
        placement_id=placement.pk,
        employer=unit,
        actor=actor,
        today=today,
        contract_upload=_pdf(f"劳动合同-{unit.uscc}-{person.serial}"),
        dispatch_agreement_upload=_pdf(f"劳务派遣协议-{person.serial}") if dispatch else None,
        **_contract(person, year, unit),
    )
    if person.kind == "certificate":
        services.placement_certificate_add(
            placement_id=placement.pk,
            employer=unit,
            actor=actor,
            today=today,
            number=f"{id_number}{_category(person)}{_earlier_level(person)}",
            certificate_type="残疾人证",
            category=_category(person),
            level=_earlier_level(person),
            valid_from=date(2019, 3, 1),
            valid_until=date(year, 2, 28),
            image_upload=_pdf(f"历史残疾证-{person.serial}"),
        )
    services.placement_certificates_done(placement_id=placement.pk, employer=unit, actor=actor, today=today)
    months = services.placement_verify(placement_id=placement.pk, employer=unit, today=today)
    chosen = [year * 100 + m for m in person.months]
    evidence: dict[tuple[int, str], UploadedFile] = {}
    for month in months:
        if month.month in chosen and not month.auto_passed:
            for code in month.failed_checks:
                label = "工资发放证明-共用" if person.variant == "shared" and code == "wage" else None
                evidence[month.month, code] = _pdf(label or f"证明材料-{person.serial}-{month.month}-{code}")
    services.placement_months_save(
        placement_id=placement.pk, employer=unit, actor=actor, today=today, months=chosen, evidence=evidence
    )
    # Spread the submission times over the last weeks, so that the queue's ages and filters show something.
    Placement.objects.filter(pk=placement.pk, registered_at__isnull=False).update(
        registered_at=timezone.now() - timedelta(days=person.days_ago, hours=person.serial % 9)
    )
    return True


@transaction.atomic
def demo_review_queue_seed(*, today: date | None = None) -> list[str]:
    """Create the demo queue (the units, their unit information and the declaration window must exist)."""
    today = today or timezone.localdate()
    year = today.year - 1
    units = {
        e.uscc: e
        for e in Employer.objects.select_related("dpf_region").filter(uscc__in=[QINGCHENG, GANJIANG])
    }
    created = {uscc: 0 for uscc in units}
    if not DispatchFiling.objects.filter(company_uscc=DISPATCH, region_code__startswith="36").exists():
        # The registry's demo data files it (demo_registry_seed); without them, the queue still needs it.
        DispatchFiling.objects.create(
            company_uscc=DISPATCH,
            company_name="江西赣才劳务派遣有限公司",
            region_code="360000",
            filing_number="赣人社派备〔2023〕018号",
            valid_from=date(2023, 1, 1),
            valid_until=None,
            source="dispatch_filing",
            received_at=timezone.now(),
        )
    for person in _plan():
        unit = units.get(person.unit)
        if unit is None:
            continue
        actor = User.objects.filter(
            memberships__employer=unit, memberships__role=MembershipRole.LEGAL_PERSON
        ).first()
        if actor is None:
            continue
        minimum = minimum_wages_on(unit.admin_region, [date(year, 6, 1)])[date(year, 6, 1)] or WAGE
        if _one(person, unit, actor, year, today, minimum):
            created[person.unit] += 1
    return [f"{units[uscc].name}：新增待审核安置登记 {count} 条" for uscc, count in created.items() if count]
