"""The placement steps: add by ID, person, contracts, certificates, verification, months, save."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from anbili.core.errors import ApplicationError
from anbili.employers.models import RelatedUnit, RelationKind, UnitNature
from anbili.evidence.models import EvidenceFile
from anbili.placements import services
from anbili.placements.models import (
    ConfirmedBy,
    MonthEvidence,
    MonthOutcomeChoice,
    PersonMonthClaim,
    Placement,
    PlacementContract,
    PlacementEvent,
    PlacementMonth,
    PlacementStatus,
    PlacementStep,
)
from anbili.placements.selectors import placement_detail, verification_rows
from anbili.registry.models import WageMonth
from tests.placements.placement_data import (
    PERSON,
    TODAY,
    YEAR,
    contract_fields,
    dispatch_filing,
    new_id_number,
    other_uscc,
    payments,
    ready_draft,
    registry_person,
    upload,
)

pytestmark = pytest.mark.django_db


def _start(employer, user, id_number):
    return services.placement_start(
        employer=employer, actor=user, id_number=id_number, business_year=YEAR, today=TODAY
    )


# --- 1. add by ID number ------------------------------------------------------------------------------


def test_start_prefills_from_the_registry_and_derives_sex_and_birth_date(employer, user):
    number = new_id_number(date(1984, 2, 29), female=True)
    registry_person(number, name="李丽", payer=employer.uscc)
    placement = _start(employer, user, number)
    assert placement.in_registry is True
    assert placement.name == "李丽"
    assert placement.sex == "女"
    assert placement.birth_date == date(1984, 2, 29)
    assert placement.household_region_id == "150102"
    assert placement.status == PlacementStatus.DRAFT and placement.step == PlacementStep.PERSON
    event = PlacementEvent.objects.get(placement=placement)
    assert (event.from_status, event.to_status, event.actor) == ("", "draft", user)


def test_start_without_registry_record_needs_the_starred_fields(employer, user):
    number = new_id_number()
    placement = _start(employer, user, number)
    assert placement.in_registry is False and placement.name == ""
    with pytest.raises(ApplicationError) as error:
        services.placement_person_update(
            placement_id=placement.pk, employer=employer, actor=user, today=TODAY, **{**PERSON, "name": ""}
        )
    assert error.value.field == "name" and "姓名" in error.value.message
    services.placement_person_update(
        placement_id=placement.pk, employer=employer, actor=user, today=TODAY, **{**PERSON, "name": "王五"}
    )
    placement.refresh_from_db()
    assert placement.name == "王五" and placement.step == PlacementStep.CONTRACTS


def test_start_refuses_an_invalid_id_number_and_a_second_placement(employer, user):
    with pytest.raises(ApplicationError) as error:
        _start(employer, user, "150102198503010010")
    assert error.value.field == "id_number"
    number = new_id_number()
    _start(employer, user, number)
    with pytest.raises(ApplicationError) as error:
        _start(employer, user, number)
    assert error.value.field == "id_number" and "已在 2025 业务年度登记" in error.value.message
    assert Placement.objects.filter(id_number=number).count() == 1


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("household_type", "", "户籍地类型"),
        ("household_region", "999999", "户籍地"),
        ("household_address", "", "户籍地址"),
        ("phone", "12", "联系电话"),
        ("is_graduate", None, "是否高校毕业生"),
    ],
)
def test_person_update_names_the_field_at_fault(employer, user, field, value, words):
    placement = _start(employer, user, new_id_number())
    with pytest.raises(ApplicationError) as error:
        services.placement_person_update(
            placement_id=placement.pk,
            employer=employer,
            actor=user,
            today=TODAY,
            **{**PERSON, "name": "王五", field: value},
        )
    assert error.value.field == field and words in error.value.message


def test_graduate_needs_education_details_and_a_diploma(employer, user):
    placement = _start(employer, user, new_id_number())
    graduate = {**PERSON, "name": "王五", "is_graduate": True, "school": "内蒙古大学", "degree": "bachelor"}
    with pytest.raises(ApplicationError) as error:
        services.placement_person_update(
            placement_id=placement.pk, employer=employer, actor=user, today=TODAY, **graduate
        )
    assert error.value.field == "graduation_date"
    with pytest.raises(ApplicationError) as error:
        services.placement_person_update(
            placement_id=placement.pk,
            employer=employer,
            actor=user,
            today=TODAY,
            graduation_date=date(2023, 6, 30),
            **graduate,
        )
    assert error.value.field == "diploma_upload"
    services.placement_person_update(
        placement_id=placement.pk,
        employer=employer,
        actor=user,
        today=TODAY,
        graduation_date=date(2023, 6, 30),
        diploma_upload=upload("毕业证.png"),
        **graduate,
    )
    placement.refresh_from_db()
    assert placement.diploma.purpose == "diploma" and placement.school == "内蒙古大学"


# --- 2. contracts -------------------------------------------------------------------------------------


def _contract(placement, employer, user, upload_file=None, agreement=None, **overrides):
    return services.placement_contract_add(
        placement_id=placement.pk,
        employer=employer,
        actor=user,
        today=TODAY,
        contract_upload=upload_file if upload_file is not None else upload("劳动合同.pdf"),
        dispatch_agreement_upload=agreement,
        **contract_fields(employer, **overrides),
    )


@pytest.fixture
def person_done(employer, user):
    placement = _start(employer, user, new_id_number())
    services.placement_person_update(
        placement_id=placement.pk, employer=employer, actor=user, today=TODAY, **{**PERSON, "name": "王五"}
    )
    return placement


def test_contract_under_one_year_is_refused_with_the_reason(employer, user, person_done):
    with pytest.raises(ApplicationError) as error:
        _contract(person_done, employer, user, start=date(2025, 1, 1), end=date(2025, 12, 30))
    assert error.value.field == "end"
    assert "不足1年" in error.value.message and "2025-01-01至2025-12-30" in error.value.message
    contract = _contract(person_done, employer, user, start=date(2025, 1, 1), end=date(2025, 12, 31))
    assert contract.pk and contract.contract_file.purpose == "contract"
    person_done.refresh_from_db()
    assert person_done.step == PlacementStep.CERTIFICATES


def test_contract_needs_its_file(employer, user, person_done):
    with pytest.raises(ApplicationError) as error:
        services.placement_contract_add(
            placement_id=person_done.pk,
            employer=employer,
            actor=user,
            today=TODAY,
            contract_upload=None,
            **contract_fields(employer),
        )
    assert error.value.field == "contract_upload"


def _related(employer, relation=RelationKind.PARENT_SUBSIDIARY, n=1):
    return RelatedUnit.objects.create(
        employer=employer, business_year=YEAR, relation=relation, uscc=other_uscc(n), name=f"关联单位{n}"
    )


def test_non_dispatch_payers_at_most_two_related_at_least_one_employer(employer, user, person_done):
    a, b = _related(employer, n=1), _related(employer, n=2)
    with pytest.raises(ApplicationError) as error:
        _contract(
            person_done,
            employer,
            user,
            relation="related",
            wage_payer_uscc=a.uscc,
            pension_payer_uscc=b.uscc,
            medical_payer_uscc=a.uscc,
        )
    assert "至少有一个应为本单位" in error.value.message
    with pytest.raises(ApplicationError) as error:
        _contract(person_done, employer, user, relation="related", pension_payer_uscc=other_uscc(77))
    assert error.value.field == "pension_payer_uscc" and "关联单位" in error.value.message
    with pytest.raises(ApplicationError) as error:
        _contract(person_done, employer, user, relation="own", pension_payer_uscc=a.uscc)
    assert error.value.field == "relation"
    contract = _contract(
        person_done, employer, user, relation="related", wage_payer_uscc=a.uscc, pension_payer_uscc=b.uscc
    )
    assert contract.medical_payer_uscc == employer.uscc


def test_dispatch_needs_agreement_and_a_filed_related_dispatch_company(employer, user, person_done):
    company = other_uscc(9)
    dispatch = {
        "is_dispatch": True,
        "relation": "related",
        "contract_type": "dispatch",
        "dispatch_company_uscc": company,
        "wage_payer_uscc": company,
        "pension_payer_uscc": company,
        "medical_payer_uscc": company,
    }
    with pytest.raises(ApplicationError) as error:
        _contract(person_done, employer, user, agreement=upload("协议.pdf"), **dispatch)
    assert error.value.field == "dispatch_company_uscc" and "关联单位（劳务派遣）" in error.value.message
    RelatedUnit.objects.create(
        employer=employer, business_year=YEAR, relation=RelationKind.DISPATCH, uscc=company, name="派遣公司"
    )
    with pytest.raises(ApplicationError) as error:
        _contract(person_done, employer, user, agreement=upload("协议.pdf"), **dispatch)
    assert error.value.field == "dispatch_company_uscc" and "劳务派遣备案" in error.value.message
    dispatch_filing(company)
    with pytest.raises(ApplicationError) as error:
        _contract(person_done, employer, user, **dispatch)
    assert error.value.field == "dispatch_agreement_upload" and "派遣协议" in error.value.message
    contract = _contract(person_done, employer, user, agreement=upload("协议.pdf"), **dispatch)
    assert contract.dispatch_agreement_file.purpose == "dispatch_agreement"


def test_staffing_proof_only_for_public_institutions(employer, user, person_done):
    with pytest.raises(ApplicationError) as error:
        _contract(person_done, employer, user, contract_type="staffing")
    assert error.value.field == "contract_type"
    employer.nature = UnitNature.INSTITUTION
    employer.save()
    contract = _contract(person_done, employer, user, contract_type="staffing", end=date(2025, 3, 1))
    assert contract.end is None and contract.contract_file.purpose == "staffing_roster"


def test_nothing_half_saved_when_an_upload_is_refused(employer, user, person_done):
    files_before = EvidenceFile.objects.count()
    bad = upload("劳动合同.pdf")
    bad.file.write(b"")  # keep a valid file object but give it non-PDF content
    from django.core.files.uploadedfile import SimpleUploadedFile

    with pytest.raises(ApplicationError) as error:
        _contract(
            person_done, employer, user, upload_file=SimpleUploadedFile("合同.pdf", b"not a pdf at all")
        )
    assert error.value.field == "contract_upload"
    assert PlacementContract.objects.count() == 0
    assert EvidenceFile.objects.count() == files_before
    person_done.refresh_from_db()
    assert person_done.step == PlacementStep.CONTRACTS


# --- 3. certificates ----------------------------------------------------------------------------------


# The historical certificate (补充历史残疾证): tests/placements/test_placements_certificates.py.


# --- 4. verification ----------------------------------------------------------------------------------


def test_verification_table_states_reasons_sources_and_text_equivalents(employer, user):
    number = new_id_number()
    registry_person(number, payer=employer.uscc, months=range(1, 11))
    WageMonth.objects.filter(id_number=number, month=202503).update(amount=Decimal("2000"))
    placement = ready_draft(employer, user, number)
    rows = verification_rows(placement_detail(placement.pk, employer))
    assert [row.label for row in rows] == [f"2025{m:02d}" for m in range(1, 13)]
    assert [cell.label for cell in rows[0].cells] == [
        "工资信息",
        "社保参保状态",
        "医保参保状态",
        "残疾证状态",
        "是否就业年龄段",
        "合同状态",
        "无其他单位安置",
    ]
    january = rows[0]
    assert january.auto_passed and all(cell.text == "通过" and cell.symbol == "✓" for cell in january.cells)
    assert january.certificate_type == "残疾人证" and january.certificate_level == "四级"
    assert "工资发放数据" in january.cells[0].source_text and "接收时间" in january.cells[0].source_text
    march_wage = rows[2].cells[0]
    assert march_wage.text == "不通过" and march_wage.symbol == "✗"
    assert "低于当月最低工资标准 2270.00" in march_wage.message
    november = rows[10]
    assert [c.code for c in november.cells if not c.passed] == ["wage", "pension", "medical"]
    assert november.required_evidence == [
        ("wage", "工资发放证明"),
        ("pension", "社会保险缴费凭证"),
        ("medical", "医疗保险缴费凭证"),
    ]
    assert january.locked_selected and not january.selectable and november.selectable


def test_reverify_picks_up_new_registry_data(employer, user):
    number = new_id_number()
    registry_person(number, payer=employer.uscc, months=range(1, 12))
    placement = ready_draft(employer, user, number)
    december = placement_detail(placement.pk, employer).months.get(month=202512)
    assert not december.auto_passed
    payments(number, payer=employer.uscc, months=[12])
    months = services.placement_verify(placement_id=placement.pk, employer=employer, today=TODAY)
    assert months[11].auto_passed and months[11].checks["wage"]["passed"]
    assert PlacementMonth.objects.get(placement=placement, month=202512).auto_passed


def test_reverify_with_nothing_changed_writes_no_month(employer, user):
    number = new_id_number()
    registry_person(number, payer=employer.uscc, months=range(1, 12))
    placement = ready_draft(employer, user, number)
    stamped = Placement.objects.get(pk=placement.pk).verified_at
    with CaptureQueriesContext(connection) as queries:
        months = services.placement_verify(placement_id=placement.pk, employer=employer, today=TODAY)
    month_writes = [
        q["sql"]
        for q in queries
        if "placements_placementmonth" in q["sql"] and not q["sql"].startswith("SELECT")
    ]
    assert month_writes == []
    assert [m.month for m in months] == [202500 + m for m in range(1, 13)]
    # Read back from the database: the failed checks come in column order whatever order jsonb keeps.
    assert months[11].failed_checks == ["wage", "pension", "medical"]
    assert Placement.objects.get(pk=placement.pk).verified_at > stamped


def _month_columns(rows):
    fields = ("pk", "placement_id", "month", "selected", "auto_passed", "checks", "weight")
    fields += ("certificate_type", "certificate_level", "outcome")
    return [tuple(getattr(r, name) for name in fields) for r in rows]


def test_reverify_writes_only_the_months_whose_verdict_changed(employer, user):
    number = new_id_number()
    registry_person(number, payer=employer.uscc, months=range(1, 12))
    placement = ready_draft(employer, user, number)
    payments(number, payer=employer.uscc, months=[12])  # December's wage, pension and medical arrive
    written: list[tuple[str, list]] = []

    def capture(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if sql.replace('"', "").startswith(
            ("INSERT INTO placements_placementmonth", "UPDATE placements_placementmonth")
        ):
            written.append((sql, context["cursor"].rowcount))
        return result

    with connection.execute_wrapper(capture):
        months = services.placement_verify(placement_id=placement.pk, employer=employer, today=TODAY)
    # One statement writing one month, December (the month store: upsert or bulk update).
    assert [rowcount for _, rowcount in written] == [1]
    assert months[11].auto_passed and months[11].failed_checks == []
    # What verification returns is what is stored, without reading it back.
    stored = PlacementMonth.objects.filter(placement=placement).order_by("month")
    assert _month_columns(months) == _month_columns(stored)


def test_first_verification_returns_the_new_months_with_their_ids(employer, user):
    number = new_id_number()
    registry_person(number, payer=employer.uscc, months=range(1, 13))
    placement = ready_draft(employer, user, number)
    PlacementMonth.objects.filter(placement=placement).delete()
    Placement.objects.filter(pk=placement.pk).update(verdicts_digest=None)
    months = services.placement_verify(placement_id=placement.pk, employer=employer, today=TODAY)
    assert [m.pk for m in months] == sorted(m.pk for m in months) and None not in [m.pk for m in months]
    assert all(not m.selected and m.outcome == MonthOutcomeChoice.NOT_SELECTED for m in months)
    stored = PlacementMonth.objects.filter(placement=placement).order_by("month")
    assert _month_columns(months) == _month_columns(stored)


def test_a_pension_record_under_another_unit_fails_without_naming_it(employer, user):
    # The unit may be another employer: neither the message nor the sources name it (privacy).
    number = new_id_number()
    stranger = other_uscc(55)
    registry_person(number, payer=employer.uscc, pension_payer=stranger)
    placement = ready_draft(employer, user, number)
    months = services.placement_verify(placement_id=placement.pk, employer=employer, today=TODAY)
    pension = months[0].checks["pension"]
    assert not pension["passed"] and pension["reason_code"] == "pension_other_payer"
    assert stranger not in pension["message"] and "关联单位" in pension["message"]
    assert pension["sources"] == []


# --- 5. months, evidence, save -------------------------------------------------------------------------


def _save(placement, employer, user, months, evidence=None):
    return services.placement_months_save(
        placement_id=placement.pk,
        employer=employer,
        actor=user,
        today=TODAY,
        months=months,
        evidence=evidence,
    )


def test_only_auto_passed_months_confirm_at_once_by_the_system(employer, user):
    number = new_id_number()
    registry_person(number, payer=employer.uscc, level=2)
    placement = ready_draft(employer, user, number)
    saved = _save(placement, employer, user, months=[])  # forced: all twelve auto-passed
    assert saved.status == PlacementStatus.CONFIRMED and saved.confirmed_by == ConfirmedBy.SYSTEM
    assert saved.registered_at and saved.confirmed_at and saved.step == PlacementStep.DONE
    assert PersonMonthClaim.objects.filter(placement=saved).count() == 12
    outcomes = set(saved.months.values_list("outcome", flat=True))
    assert outcomes == {MonthOutcomeChoice.AUTO_CONFIRMED}
    event = saved.events.last()
    assert (event.from_status, event.to_status) == ("draft", "confirmed") and event.actor == user


def test_non_dispatch_auto_passed_months_cannot_be_removed(employer, user):
    number = new_id_number()
    registry_person(number, payer=employer.uscc, months=range(1, 7))
    placement = ready_draft(employer, user, number)
    saved = _save(placement, employer, user, months=[202501])
    selected = sorted(saved.months.filter(selected=True).values_list("month", flat=True))
    assert selected == [202501, 202502, 202503, 202504, 202505, 202506]
    assert saved.status == PlacementStatus.CONFIRMED


def test_selected_failed_month_needs_one_file_per_failed_check(employer, user):
    number = new_id_number()
    registry_person(number, payer=employer.uscc, months=range(1, 12))
    placement = ready_draft(employer, user, number)
    with pytest.raises(ApplicationError) as error:
        _save(placement, employer, user, months=[202512], evidence={(202512, "wage"): upload("工资.pdf")})
    assert error.value.field == "evidence_pension" and "社会保险缴费凭证" in error.value.message
    assert "202512" in error.value.message
    placement.refresh_from_db()
    assert placement.status == PlacementStatus.DRAFT
    assert not PersonMonthClaim.objects.filter(placement=placement).exists()
    assert not MonthEvidence.objects.exists()
    saved = _save(
        placement,
        employer,
        user,
        months=[202512],
        evidence={
            (202512, "wage"): upload("工资.pdf"),
            (202512, "pension"): upload("社保.pdf"),
            (0, "medical"): upload("医保.pdf"),
        },
    )
    assert saved.status == PlacementStatus.PENDING and saved.confirmed_by == ""
    december = saved.months.get(month=202512)
    assert december.outcome == MonthOutcomeChoice.PENDING_REVIEW
    assert sorted(december.evidence.values_list("check_code", flat=True)) == ["medical", "pension", "wage"]
    assert saved.months.get(month=202501).outcome == MonthOutcomeChoice.AUTO_CONFIRMED
    assert PersonMonthClaim.objects.filter(placement=saved).count() == 12


def test_dispatch_person_chooses_months_freely(employer, user):
    company = other_uscc(12)
    RelatedUnit.objects.create(
        employer=employer, business_year=YEAR, relation=RelationKind.DISPATCH, uscc=company, name="派遣公司"
    )
    dispatch_filing(company)
    number = new_id_number()
    registry_person(number, payer=company)
    placement = ready_draft(
        employer,
        user,
        number,
        is_dispatch=True,
        relation="related",
        contract_type="dispatch",
        dispatch_company_uscc=company,
        wage_payer_uscc=company,
        pension_payer_uscc=company,
        medical_payer_uscc=company,
        dispatch_agreement_upload=upload("派遣协议.pdf"),
    )
    rows = verification_rows(placement_detail(placement.pk, employer))
    assert all(row.selectable and not row.locked_selected for row in rows)
    # The agreement counts once the DPF approves it (seed 004: 待审核 lists 劳务派遣协议): every month waits
    # for that review, and no further file is asked, the agreement itself being the evidence.
    assert not any(row.auto_passed for row in rows)
    assert {c.reason_code for row in rows for c in row.cells if not c.passed} == {
        "dispatch_agreement_pending_review"
    }
    assert all(row.required_evidence == [] for row in rows)
    saved = _save(placement, employer, user, months=[202501, 202502, 202503])
    assert sorted(saved.months.filter(selected=True).values_list("month", flat=True)) == [
        202501,
        202502,
        202503,
    ]
    assert saved.status == PlacementStatus.PENDING
    assert set(saved.months.filter(selected=True).values_list("outcome", flat=True)) == {"pending_review"}
    assert PersonMonthClaim.objects.filter(placement=saved).count() == 3


def test_month_outside_the_year_and_empty_selection_are_refused(employer, user):
    company = other_uscc(13)
    number = new_id_number()
    placement = ready_draft(employer, user, number)
    with pytest.raises(ApplicationError) as error:
        _save(placement, employer, user, months=[202401])
    assert error.value.field == "months" and "不在 2025 业务年度内" in error.value.message
    with pytest.raises(ApplicationError) as error:
        _save(placement, employer, user, months=[])
    assert error.value.field == "months"
    assert company


def test_month_placed_elsewhere_is_not_selectable_and_the_message_hides_the_other_employer(employer, user):
    from tests.factories import EmployerFactory

    number = new_id_number()
    registry_person(number, payer=employer.uscc)
    other = EmployerFactory(name="另一家公司")
    payments(number, payer=other.uscc, months=range(1, 13))  # paid by both (the two_employers case)
    rival = ready_draft(other, user, number)
    _save(rival, other, user, months=[])
    placement = ready_draft(employer, user, number)
    months = services.placement_verify(placement_id=placement.pk, employer=employer, today=TODAY)
    exclusive = months[0].checks["exclusive"]
    assert not exclusive["passed"] and "其他单位" in exclusive["message"]
    assert other.name not in exclusive["message"] and other.uscc not in exclusive["message"]
    with pytest.raises(ApplicationError) as error:
        _save(placement, employer, user, months=[202501], evidence={(0, "exclusive"): upload()})
    assert error.value.field == "months" and other.name not in error.value.message


# --- resume, delete, re-register, import --------------------------------------------------------------


def test_draft_resumes_at_the_step_where_it_stopped(employer, user):
    placement = _start(employer, user, new_id_number())
    assert placement.step == "person"
    services.placement_person_update(
        placement_id=placement.pk, employer=employer, actor=user, today=TODAY, **{**PERSON, "name": "王五"}
    )
    placement.refresh_from_db()
    assert placement.step == "contracts"
    _contract(placement, employer, user)
    placement.refresh_from_db()
    assert placement.step == "certificates"
    services.placement_certificates_done(
        placement_id=placement.pk, employer=employer, actor=user, today=TODAY
    )
    services.placement_verify(placement_id=placement.pk, employer=employer, today=TODAY)
    placement.refresh_from_db()
    assert placement.step == "select"
    # Editing an earlier step does not move the draft back.
    services.placement_person_update(
        placement_id=placement.pk, employer=employer, actor=user, today=TODAY, **{**PERSON, "name": "王六"}
    )
    placement.refresh_from_db()
    assert placement.step == "select"


def test_reregister_returns_to_draft_and_releases_the_months(employer, user):
    number = new_id_number()
    registry_person(number, payer=employer.uscc)
    placement = ready_draft(employer, user, number)
    _save(placement, employer, user, months=[])
    with pytest.raises(ApplicationError) as error:
        services.placement_person_update(
            placement_id=placement.pk, employer=employer, actor=user, today=TODAY, **PERSON
        )
    assert "重新登记" in error.value.message
    again = services.placement_reregister(
        placement_id=placement.pk, employer=employer, actor=user, today=TODAY
    )
    assert again.status == PlacementStatus.DRAFT and again.step == PlacementStep.PERSON
    assert again.confirmed_by == "" and again.confirmed_at is None
    assert not PersonMonthClaim.objects.filter(placement=again).exists()
    assert not again.months.filter(selected=True).exists()
    event = again.events.last()
    assert (event.from_status, event.to_status, event.reason) == ("confirmed", "draft", "重新登记")


def test_delete_releases_claims(employer, user):
    number = new_id_number()
    registry_person(number, payer=employer.uscc)
    placement = ready_draft(employer, user, number)
    _save(placement, employer, user, months=[])
    services.placement_delete(placement_id=placement.pk, employer=employer, actor=user, today=TODAY)
    assert not Placement.objects.filter(pk=placement.pk).exists()
    assert not PersonMonthClaim.objects.exists()


def test_another_employers_placement_is_not_found(employer, user):
    from tests.factories import EmployerFactory

    placement = _start(employer, user, new_id_number())
    other = EmployerFactory()
    with pytest.raises(ApplicationError) as error:
        services.placement_delete(placement_id=placement.pk, employer=other, actor=user, today=TODAY)
    assert error.value.code == "not_found"


def test_import_last_year_creates_drafts_with_running_contracts(employer, user):
    number = new_id_number()
    previous = Placement.objects.create(
        employer=employer,
        business_year=YEAR - 1,
        id_number=number,
        name="旧人员",
        sex="男",
        birth_date=date(1985, 3, 1),
        household_type="urban",
        phone="13900001111",
        status=PlacementStatus.CONFIRMED,
        step=PlacementStep.DONE,
    )
    ended = Placement.objects.create(
        employer=employer,
        business_year=YEAR - 1,
        id_number=new_id_number(),
        sex="男",
        birth_date=date(1985, 3, 1),
        status=PlacementStatus.DRAFT,
    )
    PlacementContract.objects.create(
        placement=previous,
        contract_type="labour",
        start=date(2024, 1, 1),
        end=date(2026, 12, 31),
        post="装配工",
        monthly_wage=Decimal("3000"),
        wage_payer_uscc=employer.uscc,
        pension_payer_uscc=employer.uscc,
        medical_payer_uscc=employer.uscc,
    )
    created = services.placements_import_last_year(
        employer=employer, actor=user, business_year=YEAR, today=TODAY
    )
    assert [p.id_number for p in created] == [number]
    assert created[0].status == PlacementStatus.DRAFT and created[0].name == "旧人员"
    assert created[0].contracts.count() == 1
    assert not Placement.objects.filter(business_year=YEAR, id_number=ended.id_number).exists()
    again = services.placements_import_last_year(
        employer=employer, actor=user, business_year=YEAR, today=TODAY
    )
    assert again == []


def test_import_last_year_with_nothing_to_import(employer, user):
    with pytest.raises(ApplicationError) as error:
        services.placements_import_last_year(employer=employer, actor=user, business_year=YEAR, today=TODAY)
    assert "无可导入名单" in error.value.message


def test_a_minimum_wage_raised_mid_year_applies_from_its_month(employer, user):
    from anbili.regions.models import MinimumWage

    MinimumWage.objects.create(
        province_id="150000",
        tier=1,
        effective_from=date(2025, 7, 15),
        amount=Decimal("3500"),
        source_document="测试",
    )
    number = new_id_number()
    registry_person(number, payer=employer.uscc)
    placement = ready_draft(employer, user, number)
    months = services.placement_verify(placement_id=placement.pk, employer=employer, today=TODAY)
    assert [m.checks["wage"]["passed"] for m in months] == [True] * 7 + [False] * 5
    assert "最低工资标准 3500.00" in months[7].checks["wage"]["message"]
