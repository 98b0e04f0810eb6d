"""Registration steps 1 (添加残疾人) and 基本信息 (+ 学历信息管理): the draft and the person's details."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction

from anbili.core.errors import ApplicationError
from anbili.core.identifiers import id_number_birth_date, id_number_sex, validate_id_number
from anbili.core.inputs import choice_value, date_value, text_value
from anbili.employers.models import Employer
from anbili.employers.validation import validate_phone
from anbili.evidence.models import EvidencePurpose
from anbili.placements.models import Degree, Education, HouseholdType, Placement, PlacementStep
from anbili.placements.services.guards import advance, check_writable, editable, store
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
        placement = editable(placement_id, employer, today)
        # The registry's name wins: an employer cannot rename a registered person.
        if not placement.in_registry:
            placement.name = text_value(name, "name", "姓名", limit=50)
        placement.household_type = choice_value(
            household_type, HouseholdType.values, "household_type", "户籍地类型"
        )
        code = text_value(household_region, "household_region", "户籍地", limit=6)
        region = Region.objects.filter(code=code).first()
        if region is None:
            raise ApplicationError(
                "「户籍地」不是有效的行政区划（GB/T 2260）", field="household_region", code="region"
            )
        placement.household_region = region
        placement.household_address = text_value(household_address, "household_address", "户籍地址")
        placement.phone = validate_phone(
            text_value(phone, "phone", "联系电话", limit=30), field="phone", label="联系电话"
        )
        placement.education = choice_value(
            education, Education.values, "education", "文化程度", required=False
        )
        placement.guardian_name = text_value(
            guardian_name, "guardian_name", "监护人姓名", required=False, limit=50
        )
        guardian = text_value(guardian_phone, "guardian_phone", "监护人电话", required=False, limit=30)
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
            placement.school = text_value(school, "school", "毕业院校", limit=100)
            placement.degree = choice_value(degree, Degree.values, "degree", "学历")
            graduated = date_value(graduation_date, "graduation_date", "毕业时间")
            if graduated is not None and graduated > today:
                raise ApplicationError("「毕业时间」不能晚于今天", field="graduation_date", code="future")
            if graduated is not None and graduated <= placement.birth_date:
                raise ApplicationError(
                    f"「毕业时间」{graduated:%Y-%m-%d} 应晚于出生日期 {placement.birth_date:%Y-%m-%d}"
                    "（由身份证号得出），请核实毕业时间",
                    field="graduation_date",
                    code="before_birth",
                )
            placement.graduation_date = graduated
            if diploma_upload is not None:
                placement.diploma = store(
                    employer, actor, diploma_upload, EvidencePurpose.DIPLOMA, "diploma_upload"
                )
            elif placement.diploma_id is None:
                raise ApplicationError("请上传学历学位证明", field="diploma_upload", code="required")
        else:
            placement.school, placement.degree, placement.graduation_date = "", "", None
        advance(placement, PlacementStep.CONTRACTS)
        placement.save()
        return placement
