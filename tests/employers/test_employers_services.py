"""Unit information and related units: the services, through the real ORM (issue "Employer portal I" 1-2)."""

import io
from dataclasses import replace
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfWriter

from anbili.core.errors import ApplicationError
from anbili.core.identifiers import make_id_number, make_uscc
from anbili.employers.models import Employer, RelatedUnit, RelationKind, UnitYearProfile
from anbili.employers.selectors import declaration_window_state, unit_year_profile_for
from anbili.employers.services import (
    UnitInfo,
    employer_profile_update,
    related_unit_create,
    related_unit_delete,
    related_unit_update,
    unit_year_profile_confirm,
)
from anbili.evidence.models import EvidenceFile, EvidencePurpose
from tests.factories import EmployerFactory, LegalPersonFactory, UnitYearProfileFactory

IN_WINDOW = date(2026, 5, 6)  # 内蒙古's seeded window: 2026-03-01 … 2026-10-31, declaring 2025
BEFORE_WINDOW = date(2026, 2, 1)
AFTER_WINDOW = date(2026, 11, 24)
DISPATCH_USCC = make_uscc("91150102MA0DPQ001")


def pdf_upload(name: str = "劳务派遣协议.pdf") -> SimpleUploadedFile:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/pdf")


def unit_info(**changes) -> UnitInfo:
    data = UnitInfo(
        nature="enterprise",
        economic_type="30",
        industry="I",
        dpf_region_code="150102",
        tax_region_code="150102",
        admin_region_code="150102",
        legal_person_name="张文磊",
        legal_person_id_number=make_id_number("150102", date(1978, 5, 12), 13),
        legal_person_phone="13800000000",
        tax_registration_number="",
        organization_code="M000100Y4",
        phone="0471-5103279",
        employee_count=388,
        agent_name="刘芳",
        agent_phone="13900000000",
        business_address="呼和浩特市新城区新华大街1号",
        registered_address="呼和浩特市新城区新华大街1号",
    )
    return replace(data, **changes)


@pytest.fixture
def employer(regions):
    return EmployerFactory()


@pytest.fixture
def person(regions):
    return LegalPersonFactory()


def test_saving_the_unit_information_writes_both_parts_and_confirms_the_year(employer, person):
    profile = employer_profile_update(
        employer_id=employer.pk, data=unit_info(), actor=person, today=IN_WINDOW
    )
    employer.refresh_from_db()
    assert (employer.economic_type, employer.industry, employer.organization_code) == ("30", "I", "M000100Y4")
    assert employer.legal_person_phone == "13800000000"
    assert profile.business_year == 2025
    assert profile.employee_count == 388
    assert profile.confirmed_by == person and profile.confirmed_at is not None
    assert UnitYearProfile.objects.filter(employer=employer).count() == 1


def test_changing_the_dpf_authority_moves_the_unit_to_other_staff(employer, person):
    employer_profile_update(
        employer_id=employer.pk, data=unit_info(dpf_region_code="150924"), actor=person, today=IN_WINDOW
    )
    assert Employer.objects.get(pk=employer.pk).dpf_region_id == "150924"
    from anbili.regions.models import Region

    assert Employer.objects.filter(
        Region.objects.get(code="150900").descendant_q("dpf_region__code")
    ).exists()
    assert not Employer.objects.filter(
        Region.objects.get(code="150100").descendant_q("dpf_region__code")
    ).exists()


@pytest.mark.parametrize(
    ("changes", "field", "text"),
    [
        ({"economic_type": ""}, "economic_type", "请选择「经济性质」"),
        ({"industry": "Z"}, "industry", "选项无效"),
        ({"dpf_region_code": "159999"}, "dpf_region_code", "不是有效的行政区划"),
        ({"admin_region_code": "150100"}, "admin_region_code", "请选择到区县一级"),
        ({"legal_person_id_number": "150102197805120001"}, "legal_person_id_number", "校验"),
        ({"legal_person_phone": "12345"}, "legal_person_phone", "「法人电话」格式不正确"),
        ({"organization_code": "M000100Y5"}, "organization_code", "校验码错误，应为 4"),
        ({"tax_registration_number": "12"}, "tax_registration_number", "15、18 或 20 位"),
        ({"agent_name": "  "}, "agent_name", "请填写「经办人姓名」"),
        ({"business_address": "路" * 201}, "business_address", "不能超过 200 个字"),
        ({"employee_count": -1}, "employee_count", "0 至"),
    ],
)
def test_bad_unit_information_names_the_field_and_saves_nothing(employer, person, changes, field, text):
    before = Employer.objects.get(pk=employer.pk)
    with pytest.raises(ApplicationError) as refused:
        employer_profile_update(
            employer_id=employer.pk, data=unit_info(**changes), actor=person, today=IN_WINDOW
        )
    assert refused.value.field == field
    assert text in refused.value.message
    after = Employer.objects.get(pk=employer.pk)
    assert (after.economic_type, after.dpf_region_id, after.updated_at) == (
        before.economic_type,
        before.dpf_region_id,
        before.updated_at,
    )
    assert not UnitYearProfile.objects.filter(employer=employer).exists()


@pytest.mark.parametrize(
    ("today", "text"), [(BEFORE_WINDOW, "将于 2026年3月1日 开放"), (AFTER_WINDOW, "2027年3月1日")]
)
def test_outside_the_window_every_write_is_refused_with_the_opening_day(employer, person, today, text):
    unit = RelatedUnit.objects.create(
        employer=employer,
        business_year=today.year - 1,
        relation="dispatch",
        uscc=DISPATCH_USCC,
        name="派遣公司",
    )
    attempts = [
        lambda: employer_profile_update(employer_id=employer.pk, data=unit_info(), actor=person, today=today),
        lambda: unit_year_profile_confirm(employer_id=employer.pk, actor=person, today=today),
        lambda: related_unit_create(
            employer_id=employer.pk,
            actor=person,
            today=today,
            relation="third_party_payer",
            uscc=make_uscc("91150102MA0PAY001"),
            name="代发公司",
            agreement=pdf_upload(),
        ),
        lambda: related_unit_update(
            employer_id=employer.pk,
            related_unit_id=unit.pk,
            actor=person,
            today=today,
            relation="dispatch",
            uscc=DISPATCH_USCC,
            name="改名",
        ),
        lambda: related_unit_delete(employer_id=employer.pk, related_unit_id=unit.pk, today=today),
    ]
    for attempt in attempts:
        with pytest.raises(ApplicationError) as refused:
            attempt()
        assert refused.value.code == "closed"
        assert "当前不在申报期内" in refused.value.message and text in refused.value.message
    assert RelatedUnit.objects.get(pk=unit.pk).name == "派遣公司"
    assert RelatedUnit.objects.count() == 1 and not EvidenceFile.objects.exists()
    assert not UnitYearProfile.objects.exists()


def test_window_state_days(employer):
    state = declaration_window_state(employer, today=date(2026, 10, 30))
    assert state.is_open and state.days_left == 1
    assert declaration_window_state(employer, today=date(2026, 10, 31)).days_left == 0
    closed = declaration_window_state(employer, today=BEFORE_WINDOW)
    assert not closed.is_open and closed.next_opens == date(2026, 3, 1) and closed.days_until_open == 28
    after = declaration_window_state(employer, today=AFTER_WINDOW)
    assert after.next_opens == date(2027, 3, 1) and "已结束" in after.closed_message
    beyond = declaration_window_state(employer, today=date(2027, 11, 1))  # windows are seeded up to 2027
    assert beyond.next_opens is None and "下一申报期尚未公布" in beyond.closed_message
    unknown = declaration_window_state(employer, today=date(2028, 5, 1))
    assert not unknown.is_open and "未配置 内蒙古自治区 2028年 的申报期" in unknown.closed_message


def test_a_new_business_year_starts_as_an_unconfirmed_copy_of_the_last(employer, person):
    UnitYearProfileFactory(employer=employer, business_year=2024, employee_count=100, agent_name="陈亮")
    copy = unit_year_profile_for(employer, 2025)
    assert copy is not None and copy.pk is None
    assert (copy.copied_from_year, copy.agent_name, copy.employee_count, copy.confirmed_at) == (
        2024,
        "陈亮",
        None,
        None,
    )
    # Confirming needs the stable fields the older record may lack.
    with pytest.raises(ApplicationError) as refused:
        unit_year_profile_confirm(employer_id=employer.pk, actor=person, today=IN_WINDOW)
    assert "经济性质" in refused.value.message
    Employer.objects.filter(pk=employer.pk).update(
        economic_type="30",
        industry="I",
        legal_person_id_number=make_id_number("150102", date(1978, 5, 12), 13),
        legal_person_phone="13800000000",
    )
    confirmed = unit_year_profile_confirm(employer_id=employer.pk, actor=person, today=IN_WINDOW)
    assert (confirmed.business_year, confirmed.agent_name, confirmed.copied_from_year) == (2025, "陈亮", 2024)
    assert confirmed.confirmed_by == person
    assert UnitYearProfile.objects.filter(employer=employer).count() == 2


def test_confirm_without_any_information(employer, person):
    with pytest.raises(ApplicationError, match="请填写后点击“保存”"):
        unit_year_profile_confirm(employer_id=employer.pk, actor=person, today=IN_WINDOW)


def test_related_unit_lifecycle_with_its_agreement(employer, person):
    unit = related_unit_create(
        employer_id=employer.pk,
        actor=person,
        today=IN_WINDOW,
        relation=RelationKind.DISPATCH,
        uscc=DISPATCH_USCC.lower(),
        name=" 呼和浩特 劳务派遣有限公司 ",
        agreement=pdf_upload(),
    )
    assert (unit.business_year, unit.uscc, unit.name) == (2025, DISPATCH_USCC, "呼和浩特 劳务派遣有限公司")
    assert unit.agreement.purpose == EvidencePurpose.RELATED_UNIT_AGREEMENT
    assert unit.agreement.employer_id == employer.pk and unit.agreement.original_name == "劳务派遣协议.pdf"
    assert len(unit.agreement.sha256) == 64

    first_file = unit.agreement_id
    same = related_unit_update(
        employer_id=employer.pk,
        related_unit_id=unit.pk,
        actor=person,
        today=IN_WINDOW,
        relation=RelationKind.PARENT_SUBSIDIARY,
        uscc=DISPATCH_USCC,
        name="上级公司",
    )
    assert (same.relation, same.name, same.agreement_id) == ("parent_subsidiary", "上级公司", first_file)
    replaced = related_unit_update(
        employer_id=employer.pk,
        related_unit_id=unit.pk,
        actor=person,
        today=IN_WINDOW,
        relation=RelationKind.PARENT_SUBSIDIARY,
        uscc=DISPATCH_USCC,
        name="上级公司",
        agreement=pdf_upload("关联证明.pdf"),
    )
    assert replaced.agreement_id != first_file and replaced.agreement.original_name == "关联证明.pdf"

    related_unit_delete(employer_id=employer.pk, related_unit_id=unit.pk, today=IN_WINDOW)
    assert not RelatedUnit.objects.filter(pk=unit.pk).exists()
    assert EvidenceFile.objects.filter(employer=employer).count() == 2  # files stay with the unit's evidence


@pytest.mark.parametrize(
    ("changes", "field", "text"),
    [
        ({"uscc": DISPATCH_USCC[:17] + ("0" if DISPATCH_USCC[17] != "0" else "1")}, "uscc", "校验码错误"),
        ({"uscc": "123"}, "uscc", "应为18位"),
        ({"relation": "friend"}, "relation", "选项无效"),
        ({"name": ""}, "name", "请填写「单位名称」"),
        ({"agreement": None}, "agreement", "请上传劳务派遣协议或关联证明材料"),
        ({"agreement": SimpleUploadedFile("协议.pdf", b"MZ\x90\x00not a pdf")}, "agreement", "格式仅限"),
        ({"agreement": SimpleUploadedFile("../../etc/协议.pdf", b"%PDF-1.4\n%%EOF")}, "agreement", ""),
    ],
)
def test_bad_related_units_are_refused_and_nothing_is_kept(employer, person, changes, field, text):
    arguments = {
        "relation": RelationKind.DISPATCH,
        "uscc": DISPATCH_USCC,
        "name": "派遣公司",
        "agreement": pdf_upload(),
        **changes,
    }
    with pytest.raises(ApplicationError) as refused:
        related_unit_create(employer_id=employer.pk, actor=person, today=IN_WINDOW, **arguments)
    assert refused.value.field == field and text in refused.value.message
    assert not RelatedUnit.objects.exists() and not EvidenceFile.objects.exists()


def test_self_and_duplicates_are_refused(employer, person):
    with pytest.raises(ApplicationError, match="不能是本单位"):
        related_unit_create(
            employer_id=employer.pk,
            actor=person,
            today=IN_WINDOW,
            relation="dispatch",
            uscc=employer.uscc,
            name="本单位",
            agreement=pdf_upload(),
        )
    related_unit_create(
        employer_id=employer.pk,
        actor=person,
        today=IN_WINDOW,
        relation="dispatch",
        uscc=DISPATCH_USCC,
        name="派遣公司",
        agreement=pdf_upload(),
    )
    with pytest.raises(ApplicationError, match="已在 2025 业务年度的关联单位中"):
        related_unit_create(
            employer_id=employer.pk,
            actor=person,
            today=IN_WINDOW,
            relation="third_party_payer",
            uscc=DISPATCH_USCC,
            name="同一家",
            agreement=pdf_upload(),
        )
    assert EvidenceFile.objects.count() == 1  # the refused second upload was never stored


def test_another_employers_or_another_years_related_unit_cannot_be_touched(employer, person):
    other = RelatedUnit.objects.create(
        employer=EmployerFactory(), business_year=2025, relation="dispatch", uscc=DISPATCH_USCC, name="别家的"
    )
    old = RelatedUnit.objects.create(
        employer=employer, business_year=2024, relation="dispatch", uscc=DISPATCH_USCC, name="去年的"
    )
    for unit in (other, old):
        with pytest.raises(ApplicationError, match="未找到 2025 业务年度的该关联单位"):
            related_unit_delete(employer_id=employer.pk, related_unit_id=unit.pk, today=IN_WINDOW)
    assert RelatedUnit.objects.count() == 2
