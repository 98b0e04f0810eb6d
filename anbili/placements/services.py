"""Writes about placements (安置登记): the wizard steps, verification, month selection, the one workflow
transition service, deletion, re-registration and the bulk paths.

Every employer write checks, inside its transaction, that the business year is the one the declaration
window accepts today and that no hook (the declaration issue's 完成申报) has locked it.
See docs/placements.md.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from anbili.core.errors import ApplicationError
from anbili.core.identifiers import (
    id_number_birth_date,
    id_number_sex,
    validate_certificate_number,
    validate_id_number,
    validate_uscc,
)
from anbili.core.month import months_of_year
from anbili.employers.models import Employer, RelatedUnit, RelationKind, UnitNature
from anbili.employers.selectors import declaration_window_state
from anbili.employers.validation import validate_phone
from anbili.evidence.models import EvidenceFile, EvidencePurpose
from anbili.evidence.services import evidence_store
from anbili.placements.bulk import (  # bulk_template_xlsx is part of this module's interface
    LABELS,
    BulkImportReport,
    BulkRow,
    RowOutcome,
    bulk_template_xlsx,  # noqa: F401
    read_rows,
)
from anbili.placements.models import (
    ConfirmedBy,
    ContractRelation,
    ContractType,
    Degree,
    Education,
    HouseholdType,
    MonthEvidence,
    MonthOutcomeChoice,
    PersonMonthClaim,
    Placement,
    PlacementCertificate,
    PlacementContract,
    PlacementEvent,
    PlacementMonth,
    PlacementStatus,
    PlacementStep,
)
from anbili.placements.verification import (
    BatchContext,
    BatchPlacement,
    BatchResult,
    filed_companies,
    verify_batch,
    verify_one,
    yyyymm,
)
from anbili.placements.workers import worker_start
from anbili.regions.models import Region
from anbili.registry.models import (
    SOURCE_EMPLOYER,
    Certificate,
    CertificateOrigin,
    CertificateStatus,
    CertificateType,
)
from anbili.registry.selectors import registry_person_lookup
from anbili.rules.checks import (
    EVIDENCE_LABELS,
    CheckCode,
    ContractFact,
    contract_is_long_enough,
    contract_payers_problem,
)

logger = logging.getLogger(__name__)

# --- the workflow ---------------------------------------------------------------------------------------

S = PlacementStatus
# The one transition table: from → the statuses it may move to.
TRANSITIONS: dict[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.PENDING, S.CONFIRMED}),
    S.PENDING: frozenset({S.CONFIRMED, S.PARTLY_REJECTED, S.REJECTED, S.DRAFT}),
    S.CONFIRMED: frozenset({S.DRAFT}),
    S.PARTLY_REJECTED: frozenset({S.DRAFT}),
    S.REJECTED: frozenset({S.DRAFT}),
}

# Hook for the declaration issue: each predicate(employer, business_year) returns a Chinese reason when the
# year is locked (完成申报), else None/"" — every placement write then refuses with that reason.
_YEAR_LOCKS: list[Callable[[Any, int], str | None]] = []

STEP_ORDER = [step.value for step in PlacementStep]


def placement_year_lock_register(
    predicate: Callable[[Any, int], str | None],
) -> Callable[[Any, int], str | None]:
    """Register a predicate that locks all placement writes of an employer's business year (usable as a
    decorator); it returns the Chinese reason when locked."""
    if predicate not in _YEAR_LOCKS:
        _YEAR_LOCKS.append(predicate)
    return predicate


def placement_year_lock_unregister(predicate: Callable[[Any, int], str | None]) -> None:
    """Remove a lock predicate (tests)."""
    if predicate in _YEAR_LOCKS:
        _YEAR_LOCKS.remove(predicate)


def placement_year_locked(employer: Any, business_year: int) -> str:
    """The reason the year is locked, or "" when it is writable as far as the hooks are concerned."""
    for predicate in _YEAR_LOCKS:
        reason = predicate(employer, business_year)
        if reason:
            return str(reason)
    return ""


def _check_lock(employer: Any, business_year: int) -> None:
    reason = placement_year_locked(employer, business_year)
    if reason:
        raise ApplicationError(f"{business_year} 业务年度已锁定：{reason}", code="locked")


def _check_writable(employer: Employer, business_year: int, today: date) -> None:
    window = declaration_window_state(employer, today=today)
    if not window.is_open:
        raise ApplicationError(f"{window.closed_message}申报期外安置登记只能查看，不能修改。", code="closed")
    if business_year != window.business_year:
        raise ApplicationError(
            f"当前申报期只能办理 {window.business_year} 业务年度的安置登记",
            field="business_year",
            code="year",
        )
    _check_lock(employer, business_year)


def placement_transition(*, placement_id: int, to: str, actor: Any, reason: str = "") -> Placement:
    """Move a placement along the one transition table, writing its event row (who, when, from, to, why)."""
    with transaction.atomic():
        placement = (
            Placement.objects.select_for_update(of=("self",))
            .select_related("employer")
            .filter(pk=placement_id)
            .first()
        )
        if placement is None:
            raise ApplicationError("未找到该安置登记", code="not_found")
        _check_lock(placement.employer, placement.business_year)
        return _transition(placement, to, actor, reason)


def _transition(placement: Placement, to: str, actor: Any, reason: str) -> Placement:
    source = placement.status
    if to not in TRANSITIONS.get(source, frozenset()):
        raise ApplicationError(
            f"安置登记不能从“{S(source).label}”变为“{S(to).label if to in S.values else to}”",
            field="status",
            code="transition",
        )
    now = timezone.now()
    placement.status = to
    if to == S.DRAFT:
        placement.confirmed_by = ""
        placement.confirmed_at = None
        placement.registered_at = None
        PersonMonthClaim.objects.filter(placement=placement).delete()
    elif source == S.DRAFT:
        placement.registered_at = now
    if to == S.CONFIRMED:
        # From a draft only the system confirms (every selected month auto-passed); after review, a person.
        placement.confirmed_by = ConfirmedBy.SYSTEM if source == S.DRAFT else ConfirmedBy.REVIEWER
        placement.confirmed_at = now
    elif to in (S.PARTLY_REJECTED, S.REJECTED):
        placement.confirmed_at = now
        rejected = PlacementMonth.objects.filter(placement=placement, outcome=MonthOutcomeChoice.REJECTED)
        PersonMonthClaim.objects.filter(
            placement=placement, month__in=rejected.values_list("month", flat=True)
        ).delete()
    placement.save()
    _event(placement, actor, from_status=source, to_status=to, reason=reason)
    return placement


def _event(
    placement: Placement, actor: Any, *, from_status: str, to_status: str, reason: str
) -> PlacementEvent:
    """The one writer of event rows: they keep the placement's id, employer, year and masked label, so they
    outlive it."""
    return PlacementEvent.objects.create(
        placement=placement,
        placement_ref=placement.pk,
        employer_id=placement.employer_id,
        business_year=placement.business_year,
        label=str(placement)[:80],
        actor=actor,
        from_status=from_status,
        to_status=to_status,
        reason=reason,
    )


# --- helpers --------------------------------------------------------------------------------------------


def _locked_placement(placement_id: int, employer: Employer) -> Placement:
    placement = (
        Placement.objects.select_for_update(of=("self",))
        .select_related("employer", "employer__admin_region")
        .filter(pk=placement_id, employer=employer)
        .first()
    )
    if placement is None:
        raise ApplicationError("未找到该安置登记", code="not_found")
    return placement


def _editable(placement_id: int, employer: Employer, today: date) -> Placement:
    placement = _locked_placement(placement_id, employer)
    _check_writable(employer, placement.business_year, today)
    if placement.status != S.DRAFT:
        raise ApplicationError(
            f"该人员已提交（{placement.get_status_display()}），如需修改请先点击“重新登记”", code="not_draft"
        )
    return placement


def _advance(placement: Placement, step: str) -> None:
    if STEP_ORDER.index(step) > STEP_ORDER.index(placement.step):
        placement.step = step


def _text(value: Any, field: str, label: str, *, required: bool = True, limit: int = 200) -> str:
    text = " ".join(str(value or "").split())
    if required and not text:
        raise ApplicationError(f"请填写「{label}」", field=field, code="required")
    if len(text) > limit:
        raise ApplicationError(f"「{label}」不能超过 {limit} 个字", field=field, code="too_long")
    return text


def _choice(value: Any, choices: list[str], field: str, label: str, *, required: bool = True) -> str:
    if not value:
        if required:
            raise ApplicationError(f"请选择「{label}」", field=field, code="required")
        return ""
    if value not in choices:
        raise ApplicationError(f"「{label}」的选项无效，请重新选择", field=field, code="invalid_choice")
    return str(value)


def _store(employer: Employer, actor: Any, upload: UploadedFile, purpose: str, field: str) -> EvidenceFile:
    try:
        return evidence_store(employer=employer, uploaded_by=actor, upload=upload, purpose=purpose)
    except ApplicationError as exc:
        # The pipeline names its own field "file"; here each upload has its own form field.
        raise ApplicationError(exc.message, field=field, code=exc.code) from exc


def _date(value: Any, field: str, label: str, *, required: bool = True) -> date | None:
    if value in (None, ""):
        if required:
            raise ApplicationError(f"请填写「{label}」", field=field, code="required")
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise ApplicationError(
            f"「{label}」不是有效日期（例如 2025-01-01）", field=field, code="date"
        ) from None


# --- step 1: the person ---------------------------------------------------------------------------------


def placement_start(
    *, employer: Employer, actor: Any, id_number: str, business_year: int, today: date
) -> Placement:
    """添加残疾人: create a draft for the ID number, prefilled from the disability registry."""
    number = validate_id_number(id_number, today=today, field="id_number")
    with transaction.atomic():
        _check_writable(employer, business_year, today)
        existing = Placement.objects.filter(
            employer=employer, business_year=business_year, id_number=number
        ).first()
        if existing is not None:
            raise ApplicationError(
                f"该残疾人已在 {business_year} 业务年度登记（{existing.get_status_display()}），"
                "请在安置人员列表中查看、继续填写或重新登记",
                field="id_number",
                code="duplicate",
            )
        person = registry_person_lookup(number, on=date(business_year, 12, 31))
        region = None
        if person is not None and person.household_region:
            region = Region.objects.filter(code=person.household_region).first()
        try:
            # A double submit passed the check above too: the unique constraint decides, in a savepoint.
            with transaction.atomic():
                placement = Placement.objects.create(
                    employer=employer,
                    business_year=business_year,
                    id_number=number,
                    name=person.name if person else "",
                    sex=id_number_sex(number).value,
                    birth_date=id_number_birth_date(number),
                    household_region=region,
                    in_registry=person is not None,
                    step=PlacementStep.PERSON,
                    status=S.DRAFT,
                    created_by=actor,
                )
        except IntegrityError as exc:
            raise ApplicationError(
                f"该残疾人已在 {business_year} 业务年度登记，请在安置人员列表中查看、继续填写或重新登记",
                field="id_number",
                code="duplicate",
            ) from exc
        _event(placement, actor, from_status="", to_status=S.DRAFT, reason="添加残疾人")
        return placement


def placement_person_update(
    *,
    placement_id: int,
    employer: Employer,
    actor: Any,
    today: date,
    name: str = "",
    household_type: str = "",
    household_region: str = "",
    household_address: str = "",
    phone: str = "",
    education: str = "",
    guardian_name: str = "",
    guardian_phone: str = "",
    is_graduate: bool | None = None,
    school: str = "",
    degree: str = "",
    graduation_date: date | str | None = None,
    female_base_age: int | None = None,
    diploma_upload: UploadedFile | None = None,
) -> Placement:
    """基本信息 (+ 学历信息管理): save the starred fields; sex and birth date stay derived from the ID
    number."""
    with transaction.atomic():
        placement = _editable(placement_id, employer, today)
        # The registry's name wins: an employer cannot rename a registered person.
        if not placement.in_registry:
            placement.name = _text(name, "name", "姓名", limit=50)
        placement.household_type = _choice(
            household_type, HouseholdType.values, "household_type", "户籍地类型"
        )
        code = _text(household_region, "household_region", "户籍地", limit=6)
        region = Region.objects.filter(code=code).first()
        if region is None:
            raise ApplicationError(
                "「户籍地」不是有效的行政区划（GB/T 2260）", field="household_region", code="region"
            )
        placement.household_region = region
        placement.household_address = _text(household_address, "household_address", "户籍地址")
        placement.phone = validate_phone(
            _text(phone, "phone", "联系电话", limit=30), field="phone", label="联系电话"
        )
        placement.education = _choice(education, Education.values, "education", "文化程度", required=False)
        placement.guardian_name = _text(
            guardian_name, "guardian_name", "监护人姓名", required=False, limit=50
        )
        guardian = _text(guardian_phone, "guardian_phone", "监护人电话", required=False, limit=30)
        placement.guardian_phone = (
            validate_phone(guardian, field="guardian_phone", label="监护人电话") if guardian else ""
        )
        if female_base_age not in (None, 50, 55):
            raise ApplicationError(
                "「女性退休基准年龄」只能是 50 或 55", field="female_base_age", code="invalid"
            )
        placement.female_base_age = female_base_age
        if is_graduate is None:
            raise ApplicationError("请选择「是否高校毕业生」", field="is_graduate", code="required")
        placement.is_graduate = is_graduate
        if is_graduate:
            placement.school = _text(school, "school", "毕业院校", limit=100)
            placement.degree = _choice(degree, Degree.values, "degree", "学历")
            graduated = _date(graduation_date, "graduation_date", "毕业时间")
            if graduated is not None and graduated > today:
                raise ApplicationError("「毕业时间」不能晚于今天", field="graduation_date", code="future")
            placement.graduation_date = graduated
            if diploma_upload is not None:
                placement.diploma = _store(
                    employer, actor, diploma_upload, EvidencePurpose.DIPLOMA, "diploma_upload"
                )
            elif placement.diploma_id is None:
                raise ApplicationError("请上传学历学位证明", field="diploma_upload", code="required")
        else:
            placement.school, placement.degree, placement.graduation_date = "", "", None
        _advance(placement, PlacementStep.CONTRACTS)
        placement.save()
        return placement


# --- step 2: contracts ----------------------------------------------------------------------------------

PAYER_FIELDS = (
    ("wage_payer_uscc", "工资发放单位"),
    ("pension_payer_uscc", "社保参保单位"),
    ("medical_payer_uscc", "医保参保单位"),
)


def _checked_contract(placement: Placement, employer: Employer, data: dict[str, Any]) -> dict[str, Any]:
    """Validate one contract's fields (seed 003 rules); returns the values to store."""
    year = placement.business_year
    is_dispatch = bool(data.get("is_dispatch"))
    contract_type = _choice(data.get("contract_type"), ContractType.values, "contract_type", "合同类型")
    if is_dispatch and contract_type != ContractType.DISPATCH:
        raise ApplicationError(
            "劳务派遣人员的「合同类型」应为“劳务派遣劳动合同”", field="contract_type", code="dispatch_type"
        )
    if not is_dispatch and contract_type == ContractType.DISPATCH:
        raise ApplicationError(
            "「合同类型」为劳务派遣劳动合同时，「是否为劳务派遣」应选“是”",
            field="is_dispatch",
            code="dispatch_type",
        )
    if contract_type == ContractType.STAFFING and employer.nature not in (
        UnitNature.GOVERNMENT,
        UnitNature.INSTITUTION,
    ):
        raise ApplicationError(
            "只有党政机关、事业单位的在编人员可选择“编制（在编证明）”", field="contract_type", code="staffing"
        )
    relation = _choice(
        data.get("relation") or ContractRelation.OWN, ContractRelation.values, "relation", "关联单位关系"
    )
    start = _date(data.get("start"), "start", "合同开始日期")
    assert start is not None
    open_ended = contract_type in (ContractType.OPEN_ENDED, ContractType.STAFFING)
    end = None if open_ended else _date(data.get("end"), "end", "合同结束日期")
    if end is not None and end < start:
        raise ApplicationError("「合同结束日期」不能早于「合同开始日期」", field="end", code="order")
    if start > date(year, 12, 31) or (end is not None and end < date(year, 1, 1)):
        raise ApplicationError(
            f"合同期限与 {year} 业务年度没有重叠，请核实「合同开始日期」「合同结束日期」",
            field="start",
            code="year",
        )
    probe = ContractFact(
        start=start,
        end=end,
        wage_payer_uscc="",
        pension_payer_uscc="",
        medical_payer_uscc="",
        staffing_roster=contract_type == ContractType.STAFFING,
    )
    if not contract_is_long_enough(probe):
        raise ApplicationError(
            f"合同期限（{start:%Y-%m-%d}至{end:%Y-%m-%d}）不足1年：用工合同必须不少于1年，否则无效",
            field="end",
            code="too_short",
        )
    post = _text(data.get("post"), "post", "岗位工种", limit=100)
    try:
        wage = Decimal(str(data.get("monthly_wage") or "").strip())
    except InvalidOperation:
        raise ApplicationError("「合同月薪」应为金额（元）", field="monthly_wage", code="invalid") from None
    if not wage.is_finite() or wage <= 0 or wage >= Decimal("10000000"):
        raise ApplicationError("「合同月薪」应大于 0 且小于 1000 万元", field="monthly_wage", code="range")
    payers = {}
    for field, label in PAYER_FIELDS:
        value = _text(data.get(field), field, label, limit=18)
        payers[field] = validate_uscc(value, field=field)
    units = {u.uscc: u for u in RelatedUnit.objects.filter(employer=employer, business_year=year)}
    dispatch_company = ""
    if is_dispatch:
        dispatch_company = validate_uscc(
            _text(data.get("dispatch_company_uscc"), "dispatch_company_uscc", "劳务派遣单位", limit=18),
            field="dispatch_company_uscc",
        )
        unit = units.get(dispatch_company)
        if unit is None or unit.relation != RelationKind.DISPATCH:
            raise ApplicationError(
                f"劳务派遣单位 {dispatch_company} 须先在“单位信息维护管理”中添加为 {year} 业务年度的"
                "关联单位（劳务派遣）",
                field="dispatch_company_uscc",
                code="not_related",
            )
        if dispatch_company not in filed_companies([dispatch_company], employer.dpf_region_id, year):
            raise ApplicationError(
                f"劳务派遣单位 {dispatch_company} 未在本省办理劳务派遣备案，请派遣单位先完成备案",
                field="dispatch_company_uscc",
                code="not_filed",
            )
        for field, label in PAYER_FIELDS:
            if payers[field] not in (employer.uscc, dispatch_company) and payers[field] not in units:
                raise ApplicationError(
                    f"「{label}」应为本单位、劳务派遣单位或已登记的关联单位", field=field, code="payer"
                )
    else:
        for field, label in PAYER_FIELDS:
            if payers[field] != employer.uscc and payers[field] not in units:
                raise ApplicationError(
                    f"「{label}」{payers[field]} 不是本单位，也不是 {year} 业务年度已登记的关联单位，"
                    "请先在“单位信息维护管理”中添加关联单位",
                    field=field,
                    code="payer",
                )
        problem = contract_payers_problem(
            employer.uscc,
            payers["wage_payer_uscc"],
            payers["pension_payer_uscc"],
            payers["medical_payer_uscc"],
            dispatch=False,
        )
        if problem:
            raise ApplicationError(problem, field="wage_payer_uscc", code="payers")
        related = [f for f, _ in PAYER_FIELDS if payers[f] != employer.uscc]
        if relation == ContractRelation.OWN and related:
            raise ApplicationError(
                "「关联单位关系」为“本单位”时，工资、社保、医保发放单位均应为本单位；有关联单位发放的请选择“其他关联关系”",
                field="relation",
                code="relation",
            )
        if relation == ContractRelation.RELATED and not related:
            raise ApplicationError(
                "工资、社保、医保均由本单位发放时，「关联单位关系」应选“本单位”",
                field="relation",
                code="relation",
            )
    return {
        "is_dispatch": is_dispatch,
        "relation": relation,
        "contract_type": contract_type,
        "start": start,
        "end": end,
        "post": post,
        "monthly_wage": wage,
        "dispatch_company_uscc": dispatch_company,
        **payers,
    }


def _contract_files(
    contract: PlacementContract,
    employer: Employer,
    actor: Any,
    contract_upload: UploadedFile | None,
    dispatch_agreement_upload: UploadedFile | None,
) -> None:
    if contract_upload is not None:
        purpose = (
            EvidencePurpose.STAFFING_ROSTER
            if contract.contract_type == ContractType.STAFFING
            else EvidencePurpose.CONTRACT
        )
        contract.contract_file = _store(employer, actor, contract_upload, purpose, "contract_upload")
    elif contract.contract_file_id is None:
        raise ApplicationError("请上传劳动合同（或编制证明）附件", field="contract_upload", code="required")
    if contract.is_dispatch:
        if dispatch_agreement_upload is not None:
            contract.dispatch_agreement_file = _store(
                employer,
                actor,
                dispatch_agreement_upload,
                EvidencePurpose.DISPATCH_AGREEMENT,
                "dispatch_agreement_upload",
            )
        elif contract.dispatch_agreement_file_id is None:
            raise ApplicationError(
                "劳务派遣人员须上传申报单位与劳务派遣单位签订的劳务派遣协议（协议中应明确该人员计入申报单位）",
                field="dispatch_agreement_upload",
                code="required",
            )
    else:
        contract.dispatch_agreement_file = None


def placement_contract_add(
    *,
    placement_id: int,
    employer: Employer,
    actor: Any,
    today: date,
    contract_upload: UploadedFile | None,
    dispatch_agreement_upload: UploadedFile | None = None,
    **contract_fields: Any,
) -> PlacementContract:
    """合同管理 + 添加: validate the contract (≥ 1 year, payers, dispatch rules) and store it with its
    files."""
    with transaction.atomic():
        placement = _editable(placement_id, employer, today)
        values = _checked_contract(placement, employer, contract_fields)
        contract = PlacementContract(placement=placement, **values)
        _contract_files(contract, employer, actor, contract_upload, dispatch_agreement_upload)
        contract.save()
        _advance(placement, PlacementStep.CERTIFICATES)
        placement.save()
        return contract


def placement_contract_update(
    *,
    placement_id: int,
    contract_id: int,
    employer: Employer,
    actor: Any,
    today: date,
    contract_upload: UploadedFile | None = None,
    dispatch_agreement_upload: UploadedFile | None = None,
    **contract_fields: Any,
) -> PlacementContract:
    """Change a contract; new files replace the old ones, otherwise the stored files stay."""
    with transaction.atomic():
        placement = _editable(placement_id, employer, today)
        contract = PlacementContract.objects.filter(pk=contract_id, placement=placement).first()
        if contract is None:
            raise ApplicationError("未找到该合同", code="not_found")
        for name, value in _checked_contract(placement, employer, contract_fields).items():
            setattr(contract, name, value)
        _contract_files(contract, employer, actor, contract_upload, dispatch_agreement_upload)
        contract.save()
        placement.save()
        return contract


def placement_contract_delete(
    *, placement_id: int, contract_id: int, employer: Employer, actor: Any, today: date
) -> None:
    """Remove a contract from a draft (its files stay with the unit's evidence)."""
    with transaction.atomic():
        placement = _editable(placement_id, employer, today)
        deleted, _ = PlacementContract.objects.filter(pk=contract_id, placement=placement).delete()
        if not deleted:
            raise ApplicationError("未找到该合同", code="not_found")
        placement.save()


# --- step 3: certificates -------------------------------------------------------------------------------


def placement_certificate_add(
    *,
    placement_id: int,
    employer: Employer,
    actor: Any,
    today: date,
    number: str,
    certificate_type: str,
    category: int | str | None,
    level: int | str,
    valid_from: date | str,
    valid_until: date | str | None,
    image_upload: UploadedFile | None,
) -> PlacementCertificate:
    """补充历史残疾证: issued within the business year with no earlier registry certificate; it waits for DPF
    review (origin manual_pending) and does not count until approved."""
    with transaction.atomic():
        placement = _editable(placement_id, employer, today)
        year = placement.business_year
        kind = _choice(certificate_type, CertificateType.values, "certificate_type", "证件类型")
        try:
            level_value = int(str(level).strip())
        except ValueError:
            raise ApplicationError("「残疾等级」应为数字", field="level", code="invalid") from None
        category_value: int | None = None
        if kind == CertificateType.DISABLED_PERSON:
            parsed = validate_certificate_number(number, placement.id_number, today=today, field="number")
            number_text = parsed.number
            category_value = parsed.category
            if str(category or "").strip() and int(str(category).strip()) != parsed.category:
                raise ApplicationError(
                    "「残疾类别」与残疾证号第19位不一致", field="category", code="mismatch"
                )
            if level_value != parsed.level:
                raise ApplicationError("「残疾等级」与残疾证号第20位不一致", field="level", code="mismatch")
        else:
            number_text = _text(number, "number", "残疾证号", limit=32).upper()
            if not 1 <= level_value <= 10:
                raise ApplicationError("残疾军人证「残疾等级」应为1-10级", field="level", code="range")
        start = _date(valid_from, "valid_from", "残疾证有效期起")
        assert start is not None
        end = _date(valid_until, "valid_until", "残疾证有效期止", required=False)
        if end is not None and end < start:
            raise ApplicationError("「残疾证有效期止」不能早于有效期起", field="valid_until", code="order")
        if start.year != year:
            raise ApplicationError(
                f"只能补充在 {year} 业务年度内发证的历史残疾证（有效期起应在 {year} 年内）",
                field="valid_from",
                code="year",
            )
        earlier = Certificate.objects.filter(
            id_number=placement.id_number, origin=CertificateOrigin.REGISTRY, valid_from__lt=start
        ).exclude(status=CertificateStatus.REVOKED)
        if earlier.exists():
            raise ApplicationError(
                "残疾人人口基础库中已有更早的残疾证，无需补充历史残疾证", field="valid_from", code="earlier"
            )
        if Certificate.objects.filter(number=number_text, valid_from=start).exists():
            raise ApplicationError("该残疾证（证号和有效期起）已存在", field="number", code="duplicate")
        if image_upload is None:
            raise ApplicationError("请上传残疾证影像", field="image_upload", code="required")
        image = _store(employer, actor, image_upload, EvidencePurpose.CERTIFICATE_IMAGE, "image_upload")
        certificate = Certificate.objects.create(
            number=number_text,
            id_number=placement.id_number,
            kind=kind,
            category=category_value,
            level=level_value,
            valid_from=start,
            valid_until=end,
            status=CertificateStatus.VALID,
            region_code=employer.dpf_region_id,
            origin=CertificateOrigin.MANUAL_PENDING,
            source=SOURCE_EMPLOYER,
            received_at=timezone.now(),
        )
        link = PlacementCertificate.objects.create(placement=placement, certificate=certificate, image=image)
        placement.save()
        return link


def placement_certificates_done(
    *, placement_id: int, employer: Employer, actor: Any, today: date
) -> Placement:
    """残疾证管理 → 保存, 下一步: move the draft on to verification."""
    with transaction.atomic():
        placement = _editable(placement_id, employer, today)
        if not placement.contracts.exists():
            raise ApplicationError("请先在“合同管理”中添加至少一份合同", field="contracts", code="required")
        _advance(placement, PlacementStep.VERIFY)
        placement.save()
        return placement


# --- step 4: verification -------------------------------------------------------------------------------


def placement_verify(
    *, placement_id: int, employer: Employer | None = None, today: date
) -> list[PlacementMonth]:
    """重新核验: re-run the seven checks of all twelve months with the newest registry data and store them.

    With `employer` (the portal) the window and the lock are checked; without (batch/system) only the lock.
    Selections and outcomes are left as they are: they change only through months_save and review.
    """
    with transaction.atomic():
        if employer is not None:
            placement = _locked_placement(placement_id, employer)
            _check_writable(employer, placement.business_year, today)
        else:
            found = (
                Placement.objects.select_for_update(of=("self",))
                .select_related("employer", "employer__admin_region")
                .filter(pk=placement_id)
                .first()
            )
            if found is None:
                raise ApplicationError("未找到该安置登记", code="not_found")
            placement = found
            _check_lock(placement.employer, placement.business_year)
        if placement.status == S.DRAFT and placement.step == PlacementStep.VERIFY:
            placement.step = PlacementStep.SELECT  # written with the verification stamp
        return verify_one(placement, also_save=["step"])


def placements_verify_batch(
    *,
    business_year: int,
    employer_ids: list[int] | None = None,
    chunk: int = 2000,
    workers: int | None = None,
) -> BatchResult:
    """Batch re-verification of all placements of a business year (set-based loading, the same rules path,
    only changed verdicts written), one transaction per chunk of `chunk` placements. Locked years are
    skipped.

    On PostgreSQL, outside any transaction, the chunks are shared among `workers` worker processes (default:
    one per core, at most 4): the work is Python-bound and each process holds its own connection
    (docs/performance.md, P1). Elsewhere, or with workers=1, the chunks run here one after the other.

    The workers are spawned: a script that calls this needs the `if __name__ == "__main__":` guard
    (docs/decisions/0005-batch-reverification.md).
    """
    queryset = Placement.objects.filter(business_year=business_year)
    if employer_ids is not None:
        queryset = queryset.filter(employer_id__in=employer_ids)
    pks = list(queryset.order_by("pk").values_list("pk", flat=True))
    ranges = [(pks[i], pks[min(i + chunk, len(pks)) - 1]) for i in range(0, len(pks), chunk)]
    if workers is None:
        workers = min(os.cpu_count() or 1, 4)
    workers = min(workers, len(ranges))
    if workers <= 1 or connection.vendor != "postgresql" or connection.in_atomic_block:
        context = BatchContext(business_year)
        return _results_sum(_verify_range(context, employer_ids, low, high) for low, high in ranges)
    jobs = [(business_year, employer_ids, low, high) for low, high in ranges]
    # Spawned, not forked: a fork copies whatever other threads hold at that instant (open connections,
    # locks of a web server or task runner in the same process), which can hang or break the child.
    # Each worker starts a fresh interpreter on this process's settings and databases.
    with ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=worker_start,
        initargs=(settings.DATABASES,),
    ) as pool:
        done = list(pool.map(_verify_range_job, jobs))
    logger.info(
        "batch verification of %s: %d chunks in worker processes %s",
        business_year,
        len(jobs),
        sorted({pid for pid, _ in done}),
    )
    return _results_sum(result for _, result in done)


def _results_sum(results: Iterable[BatchResult]) -> BatchResult:
    totals = [0, 0, 0]
    for result in results:
        totals = [a + b for a, b in zip(totals, result, strict=True)]
    return BatchResult(*totals)


_CHILD_CONTEXTS: dict[int, BatchContext] = {}


def _verify_range_job(job: tuple[int, list[int] | None, int, int]) -> tuple[int, BatchResult]:
    # In a worker process: its context (employers, policies, provenance texts) serves all its chunks.
    business_year, employer_ids, low, high = job
    context = _CHILD_CONTEXTS.setdefault(business_year, BatchContext(business_year))
    return os.getpid(), _verify_range(context, employer_ids, low, high)


def _verify_range(context: BatchContext, employer_ids: list[int] | None, low: int, high: int) -> BatchResult:
    """Verify the placements of the business year with low <= pk <= high in one transaction."""
    business_year = context.business_year
    queryset = Placement.objects.filter(business_year=business_year, pk__gte=low, pk__lte=high)
    if employer_ids is not None:
        queryset = queryset.filter(employer_id__in=employer_ids)
    batch = [
        BatchPlacement(*row)
        for row in queryset.order_by("pk").values_list(
            "pk", "employer_id", "id_number", "female_base_age", "verdicts_digest"
        )
    ]
    missing = {p.employer_id for p in batch} - context.employers.keys()
    for employer in Employer.objects.filter(pk__in=missing).select_related("admin_region"):
        context.employers[employer.pk] = employer
        context.locked[employer.pk] = bool(placement_year_locked(employer, business_year))
    batch = [p for p in batch if not context.locked[p.employer_id]]
    with transaction.atomic():
        return verify_batch(batch, context)


# --- step 5: months and evidence ------------------------------------------------------------------------

EVIDENCE_PURPOSES = {
    CheckCode.WAGE: EvidencePurpose.WAGE_PROOF,
    CheckCode.PENSION: EvidencePurpose.PENSION_PROOF,
    CheckCode.MEDICAL: EvidencePurpose.MEDICAL_PROOF,
    CheckCode.CERTIFICATE: EvidencePurpose.CERTIFICATE_IMAGE,
    CheckCode.AGE: EvidencePurpose.OTHER,
    CheckCode.CONTRACT: EvidencePurpose.CONTRACT,
    CheckCode.EXCLUSIVE: EvidencePurpose.OTHER,
}


def placement_is_dispatch(placement: Placement) -> bool:
    """A dispatch person (劳务派遣): the employer chooses its months freely."""
    return placement.contracts.filter(is_dispatch=True).exists()


def _exclusive_lost(row: PlacementMonth) -> None:
    checks = dict(row.checks)
    checks[CheckCode.EXCLUSIVE.value] = {
        "passed": False,
        "reason_code": "placed_elsewhere",
        "message": "该月已被其他单位安置登记（已确认或待审核），同一人同一月份不能重复计入",
        "sources": [{"source": "placements", "received_at": timezone.now().isoformat()}],
    }
    row.checks = checks
    row.auto_passed = False


def placement_months_save(
    *,
    placement_id: int,
    employer: Employer,
    actor: Any,
    today: date,
    months: list[int],
    evidence: dict[tuple[int, str], UploadedFile] | None = None,
) -> Placement:
    """勾选安置月份 + 上传材料 + 保存: re-verify, force auto-passed non-dispatch months, require one file per
    failed check of each selected ✗ month, claim the months, then confirm (system) or send to review."""
    evidence = evidence or {}
    with transaction.atomic():
        placement = _editable(placement_id, employer, today)
        if STEP_ORDER.index(placement.step) < STEP_ORDER.index(PlacementStep.VERIFY):
            raise ApplicationError("请先完成基本信息和合同管理，再勾选安置月份", field="months", code="step")
        rows = {row.month: row for row in verify_one(placement)}
        valid = {yyyymm(m) for m in months_of_year(placement.business_year)}
        chosen: set[int] = set()
        for value in months:
            try:
                month = int(value)
            except (TypeError, ValueError):
                raise ApplicationError(f"安置月份“{value}”无效", field="months", code="invalid") from None
            if month not in valid:
                raise ApplicationError(
                    f"安置月份 {month} 不在 {placement.business_year} 业务年度内",
                    field="months",
                    code="invalid",
                )
            chosen.add(month)
        if not placement_is_dispatch(placement):
            # Auto-passed months of a non-dispatch person are always registered, whatever the request says.
            chosen |= {m for m, row in rows.items() if row.auto_passed}
        if not chosen:
            if all(
                not row.checks.get(CheckCode.EXCLUSIVE.value, {}).get("passed", True) for row in rows.values()
            ):
                raise ApplicationError(
                    "该人员本业务年度各月均已被其他单位安置登记（已确认或待审核），没有可勾选的安置月份",
                    field="months",
                    code="placed_elsewhere",
                )
            raise ApplicationError("请至少勾选一个安置月份", field="months", code="required")
        elsewhere = sorted(
            m for m in chosen if not rows[m].checks.get(CheckCode.EXCLUSIVE.value, {}).get("passed", True)
        )
        if elsewhere:
            raise ApplicationError(
                f"{'、'.join(map(str, elsewhere))} 已被其他单位安置登记（已确认或待审核），不能勾选",
                field="months",
                code="placed_elsewhere",
            )
        # One file per failed check: a file given for a check serves every selected month failing that check
        # (the seed's upload screen lists one row per 材料名称); a file stored earlier for the month is kept.
        by_code: dict[str, UploadedFile] = {}
        for (month, code), upload in evidence.items():
            # Month 0 means "for every selected month failing this check".
            if upload is not None and (int(month) in chosen or int(month) == 0):
                by_code.setdefault(code, upload)
        stored_before = {
            (item.placement_month.month, item.check_code)
            for item in MonthEvidence.objects.filter(placement_month__placement=placement).select_related(
                "placement_month"
            )
        }
        missing: dict[str, list[int]] = {}
        for month in sorted(chosen):
            for code in rows[month].failed_checks:
                if code not in by_code and (month, code) not in stored_before:
                    missing.setdefault(code, []).append(month)
        if missing:
            code, months_missing = next(iter(missing.items()))
            label = EVIDENCE_LABELS[CheckCode(code)]
            raise ApplicationError(
                f"请上传「{label}」：{'、'.join(map(str, months_missing))} 月"
                f"{CheckCode(code).label}核验不通过",
                field=f"evidence_{code}",
                code="evidence_required",
            )
        stored: dict[str, EvidenceFile] = {}
        for code, upload in by_code.items():
            if code not in CheckCode.__members__.values():
                raise ApplicationError("材料类型无效", field="evidence", code="invalid")
            if any(code in rows[m].failed_checks for m in chosen):
                stored[code] = _store(
                    employer, actor, upload, EVIDENCE_PURPOSES[CheckCode(code)], f"evidence_{code}"
                )
        # Claim the months; a concurrent claim by another employer turns the month into ✗ 无其他单位安置.
        PersonMonthClaim.objects.filter(placement=placement).delete()
        lost: list[int] = []
        for month in sorted(chosen):
            try:
                with transaction.atomic():
                    PersonMonthClaim.objects.create(
                        id_number=placement.id_number, month=month, placement=placement
                    )
            except IntegrityError:
                lost.append(month)
        for month in lost:
            _exclusive_lost(rows[month])
            chosen.discard(month)
            # No longer the verification's verdict: the next batch re-verification rewrites the months.
            placement.verdicts_digest = None
        pending = False
        for month, row in rows.items():
            row.selected = month in chosen
            if not row.selected:
                row.outcome = MonthOutcomeChoice.NOT_SELECTED
            elif row.auto_passed:
                row.outcome = MonthOutcomeChoice.AUTO_CONFIRMED
            else:
                row.outcome = MonthOutcomeChoice.PENDING_REVIEW
                pending = True
                for code in row.failed_checks:
                    if code in stored:
                        MonthEvidence.objects.update_or_create(
                            placement_month=row, check_code=code, defaults={"evidence": stored[code]}
                        )
        PlacementMonth.objects.bulk_update(
            list(rows.values()), ["selected", "outcome", "checks", "auto_passed"]
        )
        if not chosen:
            # Every chosen month went to another employer meanwhile: the draft stays at month selection.
            placement.step = PlacementStep.SELECT
            placement.save()
            return placement
        placement.step = PlacementStep.DONE
        placement.save()
        reason = "勾选安置月份并提交材料，等待残联审核" if pending else "所选月份均系统核验通过，系统自动确认"
        return _transition(placement, S.PENDING if pending else S.CONFIRMED, actor, reason)


# --- list actions ---------------------------------------------------------------------------------------


def placement_delete(*, placement_id: int, employer: Employer, actor: Any, today: date) -> None:
    """删除: remove a placement before the declaration is completed; its months are released."""
    with transaction.atomic():
        placement = _locked_placement(placement_id, employer)
        _check_writable(employer, placement.business_year, today)
        PersonMonthClaim.objects.filter(placement=placement).delete()
        placement.delete()


def placement_reregister(
    *, placement_id: int, employer: Employer, actor: Any, today: date, reason: str = ""
) -> Placement:
    """重新登记: back to a draft (资料待完善) at the first step; its month claims are released."""
    with transaction.atomic():
        placement = _locked_placement(placement_id, employer)
        _check_writable(employer, placement.business_year, today)
        if placement.status == S.DRAFT:
            raise ApplicationError("该人员尚未提交，可直接继续填写", code="already_draft")
        placement = _transition(placement, S.DRAFT, actor, reason or "重新登记")
        PlacementMonth.objects.filter(placement=placement).update(
            selected=False, outcome=MonthOutcomeChoice.NOT_SELECTED
        )
        placement.step = PlacementStep.PERSON
        placement.save()
        return placement


PERSON_COPY_FIELDS = [
    "name",
    "sex",
    "birth_date",
    "household_type",
    "household_region_id",
    "household_address",
    "phone",
    "education",
    "guardian_name",
    "guardian_phone",
    "is_graduate",
    "school",
    "degree",
    "graduation_date",
    "diploma_id",
    "in_registry",
    "female_base_age",
]
CONTRACT_COPY_FIELDS = [
    "is_dispatch",
    "relation",
    "contract_type",
    "start",
    "end",
    "post",
    "monthly_wage",
    "dispatch_company_uscc",
    "wage_payer_uscc",
    "pension_payer_uscc",
    "medical_payer_uscc",
    "contract_file_id",
    "dispatch_agreement_file_id",
]


def placements_import_last_year(
    *, employer: Employer, actor: Any, business_year: int, today: date
) -> list[Placement]:
    """导入上一年申报名单: drafts for last year's registered persons not yet on this year's list, with their
    person details and the contracts still running into this year."""
    with transaction.atomic():
        _check_writable(employer, business_year, today)
        previous = list(
            Placement.objects.filter(employer=employer, business_year=business_year - 1)
            .exclude(status=S.DRAFT)
            .prefetch_related("contracts")
            .order_by("pk")
        )
        if not previous:
            raise ApplicationError(
                f"{business_year - 1} 业务年度没有已申报的安置人员，无可导入名单", code="empty"
            )
        present = set(
            Placement.objects.filter(employer=employer, business_year=business_year).values_list(
                "id_number", flat=True
            )
        )
        created: list[Placement] = []
        first_day = date(business_year, 1, 1)
        for old in previous:
            if old.id_number in present:
                continue
            placement = Placement(
                employer=employer,
                business_year=business_year,
                id_number=old.id_number,
                status=S.DRAFT,
                step=PlacementStep.PERSON,
                created_by=actor,
                **{name: getattr(old, name) for name in PERSON_COPY_FIELDS},
            )
            placement.save()
            running = [c for c in old.contracts.all() if c.end is None or c.end >= first_day]
            for contract in running:
                PlacementContract.objects.create(
                    placement=placement, **{name: getattr(contract, name) for name in CONTRACT_COPY_FIELDS}
                )
            _event(
                placement,
                actor,
                from_status="",
                to_status=S.DRAFT,
                reason=f"导入{business_year - 1}年申报名单",
            )
            created.append(placement)
        return created


# --- Excel bulk registration ----------------------------------------------------------------------------

_HOUSEHOLD_WORDS = {label: value for value, label in HouseholdType.choices}
_CONTRACT_WORDS = {label: value for value, label in ContractType.choices} | {"编制": ContractType.STAFFING}
_YES_NO = {"是": True, "否": False}


def _bulk_row(
    employer: Employer, actor: Any, business_year: int, today: date, data: dict[str, str]
) -> tuple[str, str, Placement]:
    """Register one template row through the same services as the pages; returns (outcome, message)."""
    graduate = _YES_NO.get(data["is_graduate"])
    if graduate is None:
        raise ApplicationError("请填写“是”或“否”", field="is_graduate")
    if graduate:
        raise ApplicationError(
            "高校毕业生须上传学历学位证明，请通过“添加残疾人”逐个登记", field="is_graduate"
        )
    contract_type = _CONTRACT_WORDS.get(data["contract_type"])
    if contract_type is None:
        raise ApplicationError(
            "应为 劳动合同 / 无固定期限劳动合同 / 编制（在编证明）；劳务派遣人员须上传派遣协议，请逐个登记",
            field="contract_type",
        )
    placement = placement_start(
        employer=employer, actor=actor, id_number=data["id_number"], business_year=business_year, today=today
    )
    placement_person_update(
        placement_id=placement.pk,
        employer=employer,
        actor=actor,
        today=today,
        name=data["name"],
        household_type=_HOUSEHOLD_WORDS.get(data["household_type"], data["household_type"]),
        household_region=data["household_region"],
        household_address=data["household_address"],
        phone=data["phone"],
        is_graduate=False,
    )
    payers = {key: data[key] or employer.uscc for key, _ in PAYER_FIELDS}
    fields = {
        "is_dispatch": False,
        "relation": ContractRelation.OWN
        if set(payers.values()) == {employer.uscc}
        else ContractRelation.RELATED,
        "contract_type": contract_type,
        "start": data["start"],
        "end": data["end"] or None,
        "post": data["post"],
        "monthly_wage": data["monthly_wage"],
        **payers,
    }
    with transaction.atomic():
        locked = _editable(placement.pk, employer, today)
        # The template carries no files: the contract is stored without one (合同附件待上传).
        PlacementContract.objects.create(placement=locked, **_checked_contract(locked, employer, fields))
        _advance(locked, PlacementStep.VERIFY)
        locked.save()
    months = placement_verify(placement_id=placement.pk, employer=employer, today=today)
    failed = [row for row in months if not row.auto_passed]
    if failed:
        detail = "；".join(
            f"{row.month}：{'、'.join(CheckCode(c).label for c in row.failed_checks)}" for row in failed
        )
        return (
            RowOutcome.NEEDS_EVIDENCE,
            f"以下月份核验不通过，请在列表中继续填写并上传材料：{detail}",
            placement,
        )
    saved = placement_months_save(
        placement_id=placement.pk, employer=employer, actor=actor, today=today, months=[]
    )
    return RowOutcome.CONFIRMED, "12 个月均系统核验通过，已由系统确认", saved


def placements_bulk_import(
    *, employer: Employer, actor: Any, business_year: int, today: date, content: bytes, file_name: str
) -> BulkImportReport:
    """Excel bulk registration: each row is registered and verified on its own (a wrong row changes
    nothing); the report says per row confirmed / needs evidence / wrong and why."""
    with transaction.atomic():
        _check_writable(employer, business_year, today)
    rows = read_rows(content, file_name)
    if not rows:
        raise ApplicationError("模板中没有填写任何人员", field="file", code="empty")
    report = BulkImportReport(file_name=file_name)
    seen: dict[str, int] = {}
    for number, data in rows:
        id_number = data["id_number"].upper()
        if id_number in seen:
            report.rows.append(
                BulkRow(
                    number, id_number, data["name"], RowOutcome.WRONG, f"身份证号与第{seen[id_number]}行重复"
                )
            )
            continue
        seen[id_number] = number
        try:
            with transaction.atomic():
                outcome, message, placement = _bulk_row(employer, actor, business_year, today, data)
        except ApplicationError as exc:
            column = LABELS.get(exc.field or "", "")
            where = f"第{number}行「{column}」" if column else f"第{number}行"
            report.rows.append(
                BulkRow(number, id_number, data["name"], RowOutcome.WRONG, f"{where}：{exc.message}")
            )
            continue
        report.rows.append(BulkRow(number, id_number, placement.name, outcome, message, placement.pk))
    return report
