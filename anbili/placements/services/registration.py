"""Registration steps 1 (添加残疾人) and 基本信息 (+ 学历信息管理): the draft and the person's details."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction

from anbili.core.errors import ApplicationError, ErrorCollector
from anbili.core.identifiers import id_number_birth_date, id_number_sex, validate_id_number
from anbili.core.inputs import choice_value, date_value, text_value
from anbili.core.phone import validate_phone
from anbili.employers.models import Employer
from anbili.evidence.models import EvidencePurpose
from anbili.placements.models import Degree, Education, HouseholdType, Placement, PlacementStep
from anbili.placements.services.guards import advance, check_unit_info, check_writable, editable, store
from anbili.placements.services.workflow import placement_created
from anbili.regions.models import Region
from anbili.registry.selectors import registry_person_lookup


def placement_start(
    *, employer: Employer, actor: Any, id_number: str, business_year: int, today: date
) -> Placement:
    """添加残疾人: create a draft for the ID number, prefilled from the disability registry."""
    number = validate_id_number(id_number, today=today, field="id_number")
    with transaction.atomic():
        check_writable(employer, business_year, today)
        check_unit_info(employer, business_year)
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
                    created_by=actor,
                )
        except IntegrityError as exc:
            raise ApplicationError(
                f"该残疾人已在 {business_year} 业务年度登记，请在安置人员列表中查看、继续填写或重新登记",
                field="id_number",
                code="duplicate",
            ) from exc
        placement_created(placement, actor)
        return placement


_PERSON_FIELDS = frozenset(
    {
        "name",
        "household_type",
        "household_region",
        "household_address",
        "phone",
        "education",
        "guardian_name",
        "guardian_phone",
        "is_graduate",
        "school",
        "degree",
        "graduation_date",
        "female_base_age",
    }
)


def _household_region(value: Any) -> Region:
    code = text_value(value, "household_region", "户籍地", limit=6)
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise ApplicationError(
            "「户籍地」不是有效的行政区划（GB/T 2260）", field="household_region", code="region"
        )
    return region


def _graduation_date(value: Any, born: date, today: date) -> date | None:
    graduated = date_value(value, "graduation_date", "毕业时间")
    if graduated is not None and graduated > today:
        raise ApplicationError("「毕业时间」不能晚于今天", field="graduation_date", code="future")
    if graduated is not None and graduated <= born:
        raise ApplicationError(
            f"「毕业时间」{graduated:%Y-%m-%d} 应晚于出生日期 {born:%Y-%m-%d}"
            "（由身份证号得出），请核实毕业时间",
            field="graduation_date",
            code="before_birth",
        )
    return graduated


def _person_inputs(placement: Placement, today: date, fields: dict[str, Any], check: ErrorCollector) -> None:
    """Set the 基本信息 inputs on the placement (in memory), each checked, every problem kept in `check`."""
    # The registry's name wins: an employer cannot rename a registered person.
    if not placement.in_registry:
        placement.name = check(text_value, fields.get("name", ""), "name", "姓名", limit=50) or ""
    placement.household_type = (
        check(
            choice_value,
            fields.get("household_type", ""),
            HouseholdType.values,
            "household_type",
            "户籍地类型",
        )
        or ""
    )
    placement.household_region = check(_household_region, fields.get("household_region", ""))
    placement.household_address = (
        check(text_value, fields.get("household_address", ""), "household_address", "户籍地址") or ""
    )
    placement.phone = check(validate_phone, fields.get("phone", ""), field="phone", label="联系电话") or ""
    placement.education = (
        check(
            choice_value,
            fields.get("education", ""),
            Education.values,
            "education",
            "文化程度",
            required=False,
        )
        or ""
    )
    placement.guardian_name = (
        check(
            text_value,
            fields.get("guardian_name", ""),
            "guardian_name",
            "监护人姓名",
            required=False,
            limit=50,
        )
        or ""
    )
    placement.guardian_phone = (
        check(
            validate_phone,
            fields.get("guardian_phone", ""),
            field="guardian_phone",
            label="监护人电话",
            required=False,
        )
        or ""
    )
    female_base_age = fields.get("female_base_age")
    if female_base_age not in (None, 50, 55):
        check.add("「女性退休基准年龄」只能是 50 或 55", "female_base_age")
    placement.female_base_age = female_base_age
    is_graduate = fields.get("is_graduate")
    if is_graduate is None:
        check.add("请选择「是否高校毕业生」", "is_graduate", "required")
    placement.is_graduate = bool(is_graduate)
    if is_graduate:
        placement.school = check(text_value, fields.get("school", ""), "school", "毕业院校", limit=100) or ""
        placement.degree = (
            check(choice_value, fields.get("degree", ""), Degree.values, "degree", "学历") or ""
        )
        placement.graduation_date = check(
            _graduation_date, fields.get("graduation_date"), placement.birth_date, today
        )
        if fields.get("diploma_upload") is None and placement.diploma_id is None:
            check.add("请上传学历学位证明", "diploma_upload", "required")
    else:
        placement.school, placement.degree, placement.graduation_date = "", "", None


def placement_person_check(*, placement_id: int, employer: Employer, today: date, **fields: Any) -> None:
    """Check 基本信息 as placement_person_update would, writing nothing: the page asks it when its own form
    already refused some fields, so that the problems of the others show in the same answer."""
    placement = Placement.objects.filter(pk=placement_id, employer=employer).first()
    if placement is None:
        raise ApplicationError("未找到该安置登记", code="not_found")
    check = ErrorCollector()
    _person_inputs(placement, today, fields, check)
    check.raise_if_any()


def placement_person_update(
    *,
    placement_id: int,
    employer: Employer,
    actor: Any,
    today: date,
    diploma_upload: UploadedFile | None = None,
    **fields: Any,
) -> Placement:
    """基本信息 (+ 学历信息管理): save the starred fields (name, household_type, household_region,
    household_address, phone, education, guardian_name, guardian_phone, is_graduate, school, degree,
    graduation_date, female_base_age); sex and birth date stay derived from the ID number. Every input is
    checked before anything is stored, and every problem is reported at once."""
    unknown = set(fields) - _PERSON_FIELDS
    if unknown:
        raise TypeError(f"placement_person_update() got unexpected fields {sorted(unknown)}")
    with transaction.atomic():
        placement = editable(placement_id, employer, today)
        check = ErrorCollector()
        _person_inputs(placement, today, {**fields, "diploma_upload": diploma_upload}, check)
        check.raise_if_any()
        # The file is stored last, once every input passed.
        if placement.is_graduate and diploma_upload is not None:
            placement.diploma = store(
                employer, actor, diploma_upload, EvidencePurpose.DIPLOMA, "diploma_upload"
            )
        advance(placement, PlacementStep.CONTRACTS)
        placement.save()
        return placement
