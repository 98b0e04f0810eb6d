"""Writes about employers: the unit information (单位信息维护管理) and the related units (关联单位).

Every write checks the declaration window first: outside it the portal is read-only (rules.md §6), and the
check lives here so that no path (page, htmx fragment, a later import or API) can skip it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from anbili.core.errors import ApplicationError, ErrorCollector, FieldError
from anbili.core.identifiers import validate_id_number, validate_uscc
from anbili.core.inputs import choice_value, text_value
from anbili.employers.models import (
    EconomicType,
    Employer,
    Industry,
    RelatedUnit,
    RelationKind,
    UnitNature,
    UnitYearProfile,
)
from anbili.employers.selectors import declaration_window_state, unit_year_profile_for
from anbili.employers.validation import (
    validate_organization_code,
    validate_phone,
    validate_tax_registration_number,
)
from anbili.evidence.models import EvidencePurpose
from anbili.evidence.services import evidence_store
from anbili.regions.models import Region

# Bound on what a person types in a name or address, matching the columns.
_MAX = {
    "name": 200,
    "legal_person_name": 50,
    "agent_name": 50,
    "business_address": 200,
    "registered_address": 200,
}
MAX_EMPLOYEES = 10_000_000


@dataclass(frozen=True, kw_only=True)
class UnitInfo:
    """What the unit-information form submits: the stable facts and the business year's values."""

    nature: str
    economic_type: str
    industry: str
    dpf_region_code: str
    tax_region_code: str
    admin_region_code: str
    legal_person_name: str
    legal_person_id_number: str
    legal_person_phone: str
    tax_registration_number: str = ""
    organization_code: str = ""
    phone: str = ""
    employee_count: int | None = None
    agent_name: str
    agent_phone: str
    business_address: str
    registered_address: str


def _writable_year(employer: Employer, today: date) -> int:
    """The business year the portal may write today; refuses outside the declaration window."""
    window = declaration_window_state(employer, today=today)
    if not window.is_open:
        raise ApplicationError(
            f"{window.closed_message}申报期外单位信息和关联单位只能查看，不能修改。", code="closed"
        )
    return window.business_year


def _locked_employer(employer_id: int) -> Employer:
    # One writer at a time per unit: the row lock orders concurrent saves of the same unit.
    employer = Employer.objects.select_for_update().filter(pk=employer_id).first()
    if employer is None:
        raise ApplicationError("单位不存在", code="not_found")
    return employer


def _text(value: str, field: str, label: str, *, required: bool = True) -> str:
    return text_value(value, field, label, required=required, limit=_MAX.get(field))


def _choice(value: str, choices: list[str], field: str, label: str) -> str:
    return choice_value(value, choices, field, label)


def _region(code: str, field: str, label: str, *, leaf: bool = False) -> Region:
    if not code:
        raise ApplicationError(f"请选择「{label}」", field=field, code="required")
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise ApplicationError(f"「{label}」不是有效的行政区划（GB/T 2260）", field=field, code="region")
    # The minimum-wage tier is set per county: the unit's own region must be as specific as the table is.
    if leaf and Region.objects.filter(parent=region).exists():
        raise ApplicationError(f"「{label}」请选择到区县一级", field=field, code="region_level")
    return region


def _phone(value: str, field: str, label: str, *, required: bool = True) -> str:
    text = _text(value, field, label, required=required)
    return validate_phone(text, field=field, label=label) if text else ""


def _employee_count(value: int | None) -> int | None:
    if value is not None and not 0 <= value <= MAX_EMPLOYEES:
        raise ApplicationError(
            f"「上年度职工数」应在 0 至 {MAX_EMPLOYEES} 之间", field="employee_count", code="out_of_range"
        )
    return value


def _id_number(value: str, today: date) -> str:
    text = _text(value, "legal_person_id_number", "法人身份证号")
    return validate_id_number(text, today=today, field="legal_person_id_number")


def _optional(value: str, field: str, label: str, validate: Any) -> str:
    text = _text(value, field, label, required=False)
    return validate(text) if text else ""


def _checked_values(data: UnitInfo, today: date) -> tuple[dict[str, Any], dict[str, Any]]:
    """The stable facts and the business year's values, each input checked in the form's order; raises one
    ApplicationError carrying every problem, so that the page marks every faulty field at once."""
    check = ErrorCollector()
    tax_number = check(
        _optional,
        data.tax_registration_number,
        "tax_registration_number",
        "税务登记证号",
        validate_tax_registration_number,
    )
    stable: dict[str, Any] = {
        "tax_registration_number": tax_number,
        "nature": check(_choice, data.nature, UnitNature.values, "nature", "单位性质"),
        "economic_type": check(_choice, data.economic_type, EconomicType.values, "economic_type", "经济性质"),
        "industry": check(_choice, data.industry, Industry.values, "industry", "行业类别"),
        "dpf_region": check(_region, data.dpf_region_code, "dpf_region_code", "残联主管部门"),
        "tax_region": check(_region, data.tax_region_code, "tax_region_code", "税务主管部门"),
        "admin_region": check(
            _region, data.admin_region_code, "admin_region_code", "单位所属行政区", leaf=True
        ),
        "legal_person_name": check(_text, data.legal_person_name, "legal_person_name", "法人姓名"),
        "legal_person_id_number": check(_id_number, data.legal_person_id_number, today),
        "legal_person_phone": check(_phone, data.legal_person_phone, "legal_person_phone", "法人电话"),
        "organization_code": check(
            _optional, data.organization_code, "organization_code", "组织机构代码", validate_organization_code
        ),
        "phone": check(_phone, data.phone, "phone", "单位电话", required=False),
    }
    yearly: dict[str, Any] = {
        "employee_count": check(_employee_count, data.employee_count),
        "agent_name": check(_text, data.agent_name, "agent_name", "经办人姓名"),
        "agent_phone": check(_phone, data.agent_phone, "agent_phone", "经办人电话"),
        "business_address": check(_text, data.business_address, "business_address", "单位经营地址"),
        "registered_address": check(_text, data.registered_address, "registered_address", "单位注册地址"),
    }
    check.raise_if_any()
    return stable, yearly


def employer_profile_check(*, employer_id: int, data: UnitInfo, today: date) -> None:
    """Check the unit information as employer_profile_update would, writing nothing: the page asks it when
    its own form already refused some fields, so that the format problems of the others show at once too."""
    employer = Employer.objects.filter(pk=employer_id).first()
    if employer is None:
        raise ApplicationError("单位不存在", code="not_found")
    _writable_year(employer, today)
    _checked_values(data, today)


def employer_profile_update(*, employer_id: int, data: UnitInfo, actor: Any, today: date) -> UnitYearProfile:
    """Save the unit information: the stable facts on the employer and the business year's values, which
    saving confirms (seed 003: "填写完毕点击“保存”按钮即可")."""
    with transaction.atomic():
        employer = _locked_employer(employer_id)
        business_year = _writable_year(employer, today)
        stable, yearly = _checked_values(data, today)
        for name, value in stable.items():
            setattr(employer, name, value)
        employer.save(update_fields=[*stable, "updated_at"])
        previous = unit_year_profile_for(employer, business_year)
        profile, _ = UnitYearProfile.objects.update_or_create(
            employer=employer,
            business_year=business_year,
            defaults={
                **yearly,
                "copied_from_year": previous.copied_from_year if previous else None,
                "confirmed_at": timezone.now(),
                "confirmed_by": actor,
            },
        )
        return profile


def unit_year_profile_confirm(*, employer_id: int, actor: Any, today: date) -> UnitYearProfile:
    """Confirm the business year's unit information as shown: the previous year's copy, or the saved row."""
    with transaction.atomic():
        employer = _locked_employer(employer_id)
        business_year = _writable_year(employer, today)
        profile = unit_year_profile_for(employer, business_year)
        if profile is None:
            raise ApplicationError("本业务年度尚无单位信息，请填写后点击“保存”", code="nothing_to_confirm")
        # Facts added to the form after a unit registered: each named at its own field.
        missing = [
            FieldError(f"请{verb}「{label}」后点击“保存”", field, "incomplete")
            for field, verb, label in (
                ("economic_type", "选择", "经济性质"),
                ("industry", "选择", "行业类别"),
                ("legal_person_id_number", "填写", "法人身份证号"),
                ("legal_person_phone", "填写", "法人电话"),
            )
            if not getattr(employer, field)
        ]
        if missing:
            raise ApplicationError.of(missing)
        profile.confirmed_at = timezone.now()
        profile.confirmed_by = actor
        profile.save()
        return profile


def _checked_related_unit(employer: Employer, relation: str, uscc: str, name: str) -> tuple[str, str, str]:
    relation = _choice(relation, RelationKind.values, "relation", "关联关系")
    uscc = validate_uscc(_text(uscc, "uscc", "统一社会信用代码"), field="uscc")
    if uscc == employer.uscc:
        raise ApplicationError("关联单位不能是本单位", field="uscc", code="self")
    return relation, uscc, _text(name, "name", "单位名称")


def _refuse_duplicate(
    employer: Employer, business_year: int, uscc: str, *, exclude: int | None = None
) -> None:
    others = RelatedUnit.objects.filter(employer=employer, business_year=business_year, uscc=uscc)
    if exclude is not None:
        others = others.exclude(pk=exclude)
    if others.exists():
        raise ApplicationError(
            f"统一社会信用代码 {uscc} 已在 {business_year} 业务年度的关联单位中",
            field="uscc",
            code="duplicate",
        )


def related_unit_create(
    *,
    employer_id: int,
    actor: Any,
    today: date,
    relation: str,
    uscc: str,
    name: str,
    agreement: UploadedFile | None,
) -> RelatedUnit:
    """Add a related unit to the business year with its agreement file, stored in the same transaction."""
    with transaction.atomic():
        employer = _locked_employer(employer_id)
        business_year = _writable_year(employer, today)
        relation, uscc, name = _checked_related_unit(employer, relation, uscc, name)
        _refuse_duplicate(employer, business_year, uscc)
        if agreement is None:
            raise ApplicationError("请上传劳务派遣协议或关联证明材料", field="agreement", code="required")
        evidence = _store_agreement(employer, actor, agreement)
        return RelatedUnit.objects.create(
            employer=employer,
            business_year=business_year,
            relation=relation,
            uscc=uscc,
            name=name,
            agreement=evidence,
        )


def _store_agreement(employer: Employer, actor: Any, upload: UploadedFile) -> Any:
    try:
        return evidence_store(
            employer=employer,
            uploaded_by=actor,
            upload=upload,
            purpose=EvidencePurpose.RELATED_UNIT_AGREEMENT,
        )
    except ApplicationError as exc:
        # The pipeline names its own field "file"; on these forms the file field is "agreement".
        raise ApplicationError(exc.message, field="agreement", code=exc.code) from exc


def _locked_related_unit(employer: Employer, related_unit_id: int, business_year: int) -> RelatedUnit:
    unit = (
        RelatedUnit.objects.select_for_update()
        .filter(pk=related_unit_id, employer=employer, business_year=business_year)
        .first()
    )
    if unit is None:
        raise ApplicationError(f"未找到 {business_year} 业务年度的该关联单位", code="not_found")
    return unit


def related_unit_update(
    *,
    employer_id: int,
    related_unit_id: int,
    actor: Any,
    today: date,
    relation: str,
    uscc: str,
    name: str,
    agreement: UploadedFile | None = None,
) -> RelatedUnit:
    """Change a related unit of the business year; a new agreement file replaces the old one."""
    with transaction.atomic():
        employer = _locked_employer(employer_id)
        business_year = _writable_year(employer, today)
        unit = _locked_related_unit(employer, related_unit_id, business_year)
        relation, uscc, name = _checked_related_unit(employer, relation, uscc, name)
        _refuse_duplicate(employer, business_year, uscc, exclude=unit.pk)
        if agreement is not None:
            unit.agreement = _store_agreement(employer, actor, agreement)
        elif unit.agreement_id is None:
            raise ApplicationError("请上传劳务派遣协议或关联证明材料", field="agreement", code="required")
        unit.relation, unit.uscc, unit.name = relation, uscc, name
        unit.save()
        return unit


def related_unit_delete(*, employer_id: int, related_unit_id: int, today: date) -> None:
    """Remove a related unit from the business year (its agreement file stays with the unit's evidence)."""
    with transaction.atomic():
        employer = _locked_employer(employer_id)
        business_year = _writable_year(employer, today)
        _locked_related_unit(employer, related_unit_id, business_year).delete()
