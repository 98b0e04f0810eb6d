"""Demo data for `make run`: employers of 内蒙古 and 江西, their accounts, DPF staff at three levels, and the
registry mirrors (disabled employees of the demo employers with a year of monthly records, edge cases too).

Idempotent: every row is found by its natural key first, so a second run changes nothing.
"""

import hashlib
import io
import tempfile
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from anbili.accounts.models import (
    SYSTEM_ADMIN_ROLES,
    AccountKind,
    Membership,
    MembershipRole,
    StaffRole,
    User,
)
from anbili.accounts.permissions import system_admin_group
from anbili.core.identifiers import make_id_number, make_uscc
from anbili.employers.models import (
    EconomicType,
    Employer,
    Industry,
    RelatedUnit,
    RelationKind,
    UnitNature,
    UnitYearProfile,
)
from anbili.evidence.models import EvidencePurpose
from anbili.evidence.services import evidence_store
from anbili.notices.models import Notice
from anbili.notices.services import notice_publish
from anbili.regions.models import DeclarationWindow, Region
from anbili.registry.generator import FILES, Unit, generate_dataset, options_for_province
from anbili.registry.services import import_batch_applied_before, import_batch_create, import_batch_run

DEMO_PASSWORD = "Demo@2026pass"


@dataclass(frozen=True)
class DemoLogin:
    front_end: str
    account: str
    who: str


@dataclass(frozen=True)
class UnitSpec:
    prefix17: str
    name: str
    nature: str
    region: str


# (legal person name, ID-number region, birth date, sequence, units)
LEGAL_PERSONS = [
    (
        "张文磊",
        "150102",
        date(1978, 5, 12),
        13,
        [
            UnitSpec("91150102MA0N4QCD0", "呼和浩特市青城电子科技有限公司", UnitNature.ENTERPRISE, "150102"),
            UnitSpec("91150203MA0N7BTW1", "包头市鹿城物流有限公司", UnitNature.ENTERPRISE, "150203"),
        ],
    ),
    (
        "李秀英",
        "360102",
        date(1982, 9, 3),
        24,
        [UnitSpec("91360102MA38GJHP2", "南昌市赣江食品有限公司", UnitNature.ENTERPRISE, "360102")],
    ),
    (
        "王建国",
        "150924",
        date(1970, 1, 20),
        35,
        [UnitSpec("12150924MB1K2XHY3", "兴和县人民医院", UnitNature.INSTITUTION, "150924")],
    ),
]

DISPATCH_COMPANY = UnitSpec("91360100MA35LWPQ4", "江西赣才劳务派遣有限公司", UnitNature.ENTERPRISE, "360102")

# (username, full name, role, region code; none for the national admin)
STAFF: list[tuple[str, str, StaffRole, str | None]] = [
    ("national_admin", "钱卫国", StaffRole.NATIONAL_ADMIN, None),
    ("nmg_admin", "赵敏", StaffRole.ADMIN, "150000"),
    ("hhht_supervisor", "孙立", StaffRole.SUPERVISOR, "150100"),
    ("xincheng_reviewer", "周红", StaffRole.REVIEWER, "150102"),
    ("jx_reviewer", "吴刚", StaffRole.REVIEWER, "360000"),
    ("nanchang_supervisor", "郑洁", StaffRole.SUPERVISOR, "360100"),
    # A reviewer at each level for the review queue (安置登记审核, anbili/demo/review_queue.py).
    ("nmg_reviewer", "高峰", StaffRole.REVIEWER, "150000"),
    ("hhht_reviewer", "马丽", StaffRole.REVIEWER, "150100"),
    ("nanchang_reviewer", "黄涛", StaffRole.REVIEWER, "360100"),
    ("donghu_reviewer", "林静", StaffRole.REVIEWER, "360102"),
]


def _employer(spec: UnitSpec, legal_person_name: str, legal_person_id_number: str = "") -> Employer:
    region = Region.objects.get(code=spec.region)
    employer, _ = Employer.objects.get_or_create(
        uscc=make_uscc(spec.prefix17),
        defaults={
            "name": spec.name,
            "nature": spec.nature,
            "dpf_region": region,
            "tax_region": region,
            "admin_region": region,
            "legal_person_name": legal_person_name,
            "legal_person_id_number": legal_person_id_number,
            "legal_person_phone": "13800000000" if legal_person_id_number else "",
            "economic_type": EconomicType.PRIVATE
            if spec.nature == UnitNature.ENTERPRISE
            else EconomicType.STATE_OWNED,
            "industry": Industry.Q if spec.nature == UnitNature.INSTITUTION else Industry.C,
            "phone": "0471-5100000" if spec.region.startswith("15") else "0791-86000000",
        },
    )
    return employer


def _unit_year_profile(employer: Employer, business_year: int, agent_name: str) -> None:
    UnitYearProfile.objects.get_or_create(
        employer=employer,
        business_year=business_year,
        defaults={
            "employee_count": 388,
            "agent_name": agent_name,
            "agent_phone": "13900000000",
            "business_address": f"{employer.dpf_region.full_name}演示路1号",
            "registered_address": f"{employer.dpf_region.full_name}演示路1号",
            "confirmed_at": timezone.now(),
        },
    )


def _user(username: str, **fields: object) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, **fields)
        user.set_password(DEMO_PASSWORD)
        user.save()
    return user


def _agent(employer: Employer, legal_person: User, username: str, name: str, until: date) -> None:
    agent = _user(username, kind=AccountKind.AGENT, full_name=name, phone="13900000000")
    Membership.objects.get_or_create(
        user=agent,
        employer=employer,
        defaults={
            "role": MembershipRole.AGENT,
            "valid_from": until - timedelta(days=365),
            "valid_until": until,
            "created_by": legal_person,
        },
    )


@transaction.atomic
def demo_seed(*, today: date | None = None) -> list[DemoLogin]:
    """Create the demo employers, accounts and staff (regions and policies must already be seeded)."""
    today = today or timezone.localdate()
    logins: list[DemoLogin] = []
    first_units: list[Employer] = []
    for name, id_region, birth, seq, units in LEGAL_PERSONS:
        id_number = make_id_number(id_region, birth, seq)
        person = _user(
            id_number, kind=AccountKind.LEGAL_PERSON, full_name=name, id_number=id_number, phone="13800000000"
        )
        for i, spec in enumerate(units):
            employer = _employer(spec, name, id_number)
            Membership.objects.get_or_create(
                user=person,
                employer=employer,
                defaults={"role": MembershipRole.LEGAL_PERSON, "is_default": i == 0},
            )
            note = "（法人，名下两家单位可切换）" if len(units) > 1 else "（法人）"
            logins.append(DemoLogin("网报系统", employer.uscc, f"{employer.name} {name}{note}"))
        first_units.append(_employer(units[0], name, id_number))

    qingcheng, ganjiang, _hospital = first_units
    # 青城电子 and 赣江食品 have saved this year's unit information, so placements can start at once;
    # 鹿城物流 and 兴和县人民医院 show a first use (seed 001: 首次使用系统…需先对本单位信息进行维护管理).
    for unit, agent_name in ((qingcheng, "刘芳"), (ganjiang, "李秀英")):
        _unit_year_profile(unit, today.year - 1, agent_name)
    legal_qc = User.objects.get(
        memberships__employer=qingcheng, memberships__role=MembershipRole.LEGAL_PERSON
    )
    _agent(qingcheng, legal_qc, "qingcheng_agent", "刘芳", today.replace(month=12, day=31))
    _agent(qingcheng, legal_qc, "qingcheng_expired", "陈亮", date(today.year - 1, 6, 30))
    logins.append(DemoLogin("网报系统", "qingcheng_agent", "青城电子 经办人 刘芳（授权有效）"))
    logins.append(
        DemoLogin("网报系统", "qingcheng_expired", "青城电子 经办人 陈亮（授权已到期，登录会被拒绝）")
    )

    dispatch = _employer(DISPATCH_COMPANY, "黄志强")
    if not RelatedUnit.objects.filter(
        employer=ganjiang, business_year=today.year - 1, uscc=dispatch.uscc
    ).exists():
        agreement = evidence_store(
            employer=ganjiang,
            uploaded_by=None,
            upload=SimpleUploadedFile(
                "劳务派遣协议（演示）.pdf", _demo_pdf(), content_type="application/pdf"
            ),
            purpose=EvidencePurpose.RELATED_UNIT_AGREEMENT,
        )
        RelatedUnit.objects.create(
            employer=ganjiang,
            business_year=today.year - 1,
            uscc=dispatch.uscc,
            relation=RelationKind.DISPATCH,
            name=dispatch.name,
            agreement=agreement,
        )

    for username, full_name, role, region_code in STAFF:
        staff = _user(
            username,
            kind=AccountKind.STAFF,
            full_name=full_name,
            staff_role=role,
            region=Region.objects.get(code=region_code) if region_code else None,
            is_staff=role in SYSTEM_ADMIN_ROLES,
        )
        if role in SYSTEM_ADMIN_ROLES:
            staff.groups.add(system_admin_group())
        logins.append(
            DemoLogin("申办系统", username, f"{full_name} {role.label}（{staff.region or '全国'}）")
        )
    _demo_notices()
    return logins


def _demo_pdf() -> bytes:
    """A one-page PDF standing in for a scanned agreement."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


DEMO_NOTICES = [
    (
        "nmg_admin",
        "150000",
        "关于开展2025年度残疾人按比例就业情况联网认证工作的通知",
        "各用人单位：请于申报期内登录网报系统，维护单位信息，逐人办理残疾人安置登记，"
        "全部人员审核确认后点击“完成申报”。申报期外系统仅供查询。",
    ),
    (
        "nanchang_supervisor",
        "360100",
        "南昌市残联关于劳务派遣人员安置登记的提示",
        "劳务派遣人员须由劳务派遣单位在江西省完成劳务派遣备案，并上传明确计入用人单位的劳务派遣协议。",
    ),
]


def _demo_notices() -> None:
    for username, region_code, title, body in DEMO_NOTICES:
        if not Notice.objects.filter(title=title, region_id=region_code).exists():
            notice_publish(
                staff=User.objects.get(username=username), title=title, body=body, region_code=region_code
            )


DEMO_WINDOW_SOURCE = "演示数据：为便于演示，本年度申报期延长至12月31日（非政策依据）"


def demo_window_open(*, today: date | None = None) -> list[str]:
    """Keep the demo provinces' declaration window open today, so that `make run` can be tried any day.

    Only the demo database is touched; the row says it is demo data and stays unconfirmed.
    """
    today = today or timezone.localdate()
    changed = []
    for window in DeclarationWindow.objects.filter(province_id__in=["150000", "360000"], year=today.year):
        if window.opens <= today <= window.closes:
            continue
        window.opens, window.closes = min(window.opens, today), max(window.closes, date(today.year, 12, 31))
        window.source_document, window.confirmed = DEMO_WINDOW_SOURCE, False
        window.save(update_fields=["opens", "closes", "source_document", "confirmed"])
        changed.append(f"{window.province.name} {window.opens} 至 {window.closes}")
    return changed


@dataclass(frozen=True)
class RegistryDataset:
    """One generated province dataset for the demo employers."""

    province: str
    employers: list[UnitSpec]
    dispatch_companies: list[UnitSpec]
    persons: int


# Small enough to seed in a few seconds, large enough that every planted case appears at least once per
# province (the first persons of a dataset take one case each, spread over the demo employers).
REGISTRY_DATASETS = [
    RegistryDataset("15", [LEGAL_PERSONS[0][4][0], LEGAL_PERSONS[0][4][1], LEGAL_PERSONS[2][4][0]], [], 30),
    RegistryDataset("36", [LEGAL_PERSONS[1][4][0]], [DISPATCH_COMPANY], 16),
]
REGISTRY_SEED = 2025


def _unit(spec: UnitSpec) -> Unit:
    return Unit(make_uscc(spec.prefix17), spec.name, str(spec.nature), spec.region)


def demo_registry_seed(*, today: date | None = None) -> list[str]:
    """Fill the registry mirrors for the previous business year with generated data around the demo
    employers, through the importer; a file already imported unchanged is skipped, so a rerun adds nothing."""
    today = today or timezone.localdate()
    year = today.year - 1
    report: list[str] = []
    with tempfile.TemporaryDirectory(prefix="anbili-demo-") as tmp:
        for dataset in REGISTRY_DATASETS:
            options = options_for_province(
                province=dataset.province,
                year=year,
                persons=dataset.persons,
                employers=len(dataset.employers),
                seed=REGISTRY_SEED,
                fixed_employers=[_unit(spec) for spec in dataset.employers],
                fixed_dispatch_companies=[_unit(spec) for spec in dataset.dispatch_companies],
            )
            result = generate_dataset(options, Path(tmp) / dataset.province)
            for kind in FILES:
                data = result.path(kind).read_bytes()
                if import_batch_applied_before(kind=kind, sha256=hashlib.sha256(data).hexdigest()):
                    continue
                batch = import_batch_create(kind=kind, content=data, file_name=FILES[kind], enqueue=False)
                batch = import_batch_run(batch_id=batch.pk)
                report.append(f"{dataset.province} {batch.get_kind_display()}：新增 {batch.rows_created} 行")
    return report
