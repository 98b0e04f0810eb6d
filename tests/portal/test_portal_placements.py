"""残疾人安置管理 pages: the list and counters, the wizard (基本信息, 合同管理, 残疾证管理,
人员信息校验 with month selection and evidence upload), 查看, 重新登记, 删除, 导入上一年申报名单,
refusals outside the window or in a locked year, another unit's placement (404) and the list's
constant query count."""

import io
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from pypdf import PdfWriter

from anbili.core.identifiers import make_id_number, make_uscc
from anbili.placements import services
from anbili.placements.models import (
    ConfirmedBy,
    MonthEvidence,
    Placement,
    PlacementContract,
    PlacementMonth,
    PlacementStatus,
    PlacementStep,
)
from anbili.regions.models import DeclarationWindow
from anbili.registry.models import (
    Certificate,
    CertificateStatus,
    CertificateType,
    MedicalMonth,
    PensionMonth,
    RegistryPerson,
    WageMonth,
)
from anbili.web.decorators import NOTICE_SESSION_KEY
from tests.factories import MembershipFactory, unit_info_saved

YEAR = timezone.localdate().year - 1
LIST = "/portal/placements/"


def portal_login(client, membership) -> None:
    client.force_login(membership.user, backend="anbili.accounts.backends.AccountBackend")
    session = client.session
    session["current_employer_id"] = membership.employer_id
    session[NOTICE_SESSION_KEY] = True
    session.save()


def set_window(open_today: bool) -> None:
    today = timezone.localdate()
    if open_today:
        opens, closes = today.replace(month=1, day=1), today.replace(month=12, day=31)
    else:
        opens, closes = today + timedelta(days=1), today.replace(month=12, day=31)
        if opens.year != today.year:
            opens = closes = today.replace(month=1, day=1)
    DeclarationWindow.objects.filter(year=today.year).update(opens=opens, closes=closes)


def pdf(name: str = "材料.pdf") -> SimpleUploadedFile:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/pdf")


def registry_person(
    id_number: str, name: str, payer_uscc: str, paid_months: range = range(1, 9), *, year: int = YEAR
) -> None:
    """A registry person with a 残疾人证 (肢体四级) in force all year and wage, pension and medical records
    paid by `payer_uscc` in `paid_months` only: the other months fail three checks."""
    now = timezone.now()
    RegistryPerson.objects.create(
        id_number=id_number,
        name=name,
        sex="男" if int(id_number[16]) % 2 else "女",
        birth_date=date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14])),
        household_region="150102",
        source="disability_registry",
        received_at=now,
    )
    Certificate.objects.create(
        number=f"{id_number}44",
        id_number=id_number,
        kind=CertificateType.DISABLED_PERSON,
        category=4,
        level=4,
        valid_from=date(year - 3, 1, 20),
        valid_until=date(year + 7, 1, 20),
        status=CertificateStatus.VALID,
        region_code="150102",
        source="disability_registry",
        received_at=now,
    )
    for model, source in (
        (WageMonth, "wage"),
        (PensionMonth, "social_insurance"),
        (MedicalMonth, "medical_insurance"),
    ):
        model.objects.bulk_create(
            model(
                id_number=id_number,
                payer_uscc=payer_uscc,
                month=year * 100 + m,
                amount=Decimal("5000.00"),
                region_code="150102",
                source=source,
                received_at=now,
            )
            for m in paid_months
        )


def contract_post(employer, **overrides) -> dict:
    data = {
        "is_dispatch": "0",
        "relation": "own",
        "contract_type": "labour",
        "start": f"{YEAR - 1}-01-01",
        "end": f"{YEAR + 2}-12-31",
        "post": "装配工",
        "monthly_wage": "5000",
        "dispatch_company_uscc": "",
        "pension_payer_uscc": employer.uscc,
        "medical_payer_uscc": employer.uscc,
        "wage_payer_uscc": employer.uscc,
        "contract_upload": pdf("劳动合同.pdf"),
    }
    data.update(overrides)
    return data


def person_post(**overrides) -> dict:
    data = {
        "name": "李安置",
        "household_type": "urban",
        "household_region": "150102",
        "phone": "13800001111",
        "household_address": "呼和浩特市新城区新华大街1号",
        "education": "high_school",
        "guardian_name": "",
        "guardian_phone": "",
        "is_graduate": "0",
    }
    data.update(overrides)
    return data


def ready_placement(membership, id_number: str, *, name: str = "李安置") -> Placement:
    """A draft through the services up to 人员信息校验 (person, one full-year contract, verified)."""
    employer, user, today = membership.employer, membership.user, timezone.localdate()
    unit_info_saved(employer)  # placements start once the year's unit information is saved
    placement = services.placement_start(
        employer=employer, actor=user, id_number=id_number, business_year=YEAR, today=today
    )
    fields = person_post(name=name)
    fields["is_graduate"] = False
    services.placement_person_update(
        placement_id=placement.pk, employer=employer, actor=user, today=today, **fields
    )
    data = contract_post(employer)
    data["is_dispatch"] = False
    services.placement_contract_add(
        placement_id=placement.pk, employer=employer, actor=user, today=today, **data
    )
    services.placement_certificates_done(
        placement_id=placement.pk, employer=employer, actor=user, today=today
    )
    services.placement_verify(placement_id=placement.pk, employer=employer, today=today)
    return Placement.objects.get(pk=placement.pk)


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


@pytest.fixture
def membership(regions):
    set_window(True)
    membership = MembershipFactory()
    unit_info_saved(membership.employer)  # placements start only once the unit information is saved
    return membership


@pytest.fixture
def client_a(client, membership):
    portal_login(client, membership)
    return client


ID_A = make_id_number("150102", date(1985, 6, 15), 31)
OTHER_USCC = make_uscc("91150102MA0000777")


# --- list --------------------


def test_list_shows_year_counters_explanations_and_actions(client_a):
    page = text(client_a.get(LIST))
    assert f"业务年度：{YEAR}年" in page
    assert "本次累计安置确认 0 个月，累计安置核定 0 个月" in page
    counters = (
        "已登记 0 人，审核通过(系统) 0 人，审核通过(人工) 0 人，待审核 0 人，资料待完善 0 人，"
        "部分审核不通过 0 人，审核不通过 0 人"
    )
    assert counters in page
    for words in (
        "资料待完善",
        "待审核",
        "已审核确认",
        "重新登记",
        "删除",
        "+ 导入上一年申报名单",
        "+ 添加残疾人",
        "批量登记",
    ):
        assert words in page
    assert "暂无数据" in page


def test_menu_entry_appears(client_a):
    assert 'href="/portal/placements/"' in client_a.get("/portal/").content.decode()


# --- add and 基本信息 --------------------


def test_add_by_id_number_prefills_from_the_registry(client_a, membership):
    registry_person(ID_A, "王安置", membership.employer.uscc)
    response = client_a.post("/portal/placements/add/", {"id_number": ID_A})
    placement = Placement.objects.get(employer=membership.employer, id_number=ID_A)
    assert response.status_code == 302
    assert response["Location"] == f"/portal/placements/{placement.pk}/person/"
    assert (placement.name, placement.in_registry, placement.household_region_id) == (
        "王安置",
        True,
        "150102",
    )
    page = text(client_a.get(response["Location"]))
    assert "已从残疾人人口基础库带出" in page
    assert "男（由身份证号确定）" in page
    assert f"{ID_A}44" in page  # the registry certificate
    assert "姓名以残疾人人口基础库为准" in page


@pytest.mark.parametrize(
    ("value", "message"),
    [("", "请填写「身份证号」"), ("150102198506150", "身份证号"), ("15010219850615003X", "校验")],
)
def test_add_bad_id_number_is_named(client_a, value, message):
    response = client_a.post("/portal/placements/add/", {"id_number": value})
    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="id_id_number_error"' in body and message in text(response)
    assert Placement.objects.count() == 0


def test_add_twice_points_to_the_existing_placement(client_a, membership):
    client_a.post("/portal/placements/add/", {"id_number": ID_A})
    response = client_a.post("/portal/placements/add/", {"id_number": ID_A})
    assert response.status_code == 400
    assert "已在" in text(response) and "业务年度登记" in text(response)


def test_unknown_person_requires_the_starred_fields(client_a, membership):
    client_a.post("/portal/placements/add/", {"id_number": ID_A})
    placement = Placement.objects.get(id_number=ID_A)
    assert not placement.in_registry
    page = text(client_a.get(f"/portal/placements/{placement.pk}/person/"))
    assert "残疾人人口基础库中无此人信息" in page
    response = client_a.post(f"/portal/placements/{placement.pk}/person/", {})
    assert response.status_code == 400
    page = text(response)
    for message in (
        "请填写「姓名」",
        "请选择「户籍地类型」",
        "请选择「户籍地」",
        "请填写「联系电话」",
        "请填写「户籍地址」",
        "请选择「是否高校毕业生」",
    ):
        assert message in page
    assert 'aria-describedby="id_name_error"' in response.content.decode()


def test_person_saved_then_contracts_step(client_a, membership):
    client_a.post("/portal/placements/add/", {"id_number": ID_A})
    placement = Placement.objects.get(id_number=ID_A)
    response = client_a.post(f"/portal/placements/{placement.pk}/person/", person_post())
    assert response.status_code == 302
    assert response["Location"] == f"/portal/placements/{placement.pk}/contracts/"
    placement.refresh_from_db()
    assert (placement.name, placement.phone, placement.step) == (
        "李安置",
        "13800001111",
        PlacementStep.CONTRACTS,
    )


def test_graduate_needs_education_details_and_diploma(client_a, membership):
    client_a.post("/portal/placements/add/", {"id_number": ID_A})
    placement = Placement.objects.get(id_number=ID_A)
    url = f"/portal/placements/{placement.pk}/person/"
    response = client_a.post(url, person_post(is_graduate="1"))
    assert response.status_code == 400
    page = text(response)
    for message in (
        "高校毕业生请填写「毕业院校」",
        "高校毕业生请填写「学历」",
        "高校毕业生请上传「学历学位证明」",
    ):
        assert message in page
    data = person_post(
        is_graduate="1", school="内蒙古大学", degree="bachelor", graduation_date=f"{YEAR - 2}-07-01"
    )
    data["diploma_upload"] = pdf("毕业证书.pdf")
    assert client_a.post(url, data).status_code == 302
    placement.refresh_from_db()
    assert placement.is_graduate and placement.school == "内蒙古大学" and placement.diploma_id is not None


def test_bad_phone_is_named_by_the_service(client_a, membership):
    client_a.post("/portal/placements/add/", {"id_number": ID_A})
    placement = Placement.objects.get(id_number=ID_A)
    response = client_a.post(f"/portal/placements/{placement.pk}/person/", person_post(phone="12"))
    assert response.status_code == 400
    assert 'id="id_phone_error"' in response.content.decode()


# --- 合同管理 --------------------


@pytest.fixture
def at_contracts(client_a, membership):
    client_a.post("/portal/placements/add/", {"id_number": ID_A})
    placement = Placement.objects.get(id_number=ID_A)
    client_a.post(f"/portal/placements/{placement.pk}/person/", person_post())
    return placement


def test_contract_added_and_listed(client_a, membership, at_contracts):
    url = f"/portal/placements/{at_contracts.pk}/contracts/"
    response = client_a.post(url, contract_post(membership.employer))
    assert response.status_code == 302
    contract = PlacementContract.objects.get(placement=at_contracts)
    assert (contract.post, contract.wage_payer_uscc) == ("装配工", membership.employer.uscc)
    page = text(client_a.get(url))
    for column in (
        "序号",
        "是否为劳务派遣",
        "关联单位关系",
        "合同类型",
        "合同开始日期",
        "合同月薪",
        "社保参保单位",
        "医保参保单位",
    ):
        assert column in page
    assert "装配工" in page and "温馨提示" in page


def test_contract_shorter_than_a_year_is_refused_with_the_reason(client_a, membership, at_contracts):
    url = f"/portal/placements/{at_contracts.pk}/contracts/"
    response = client_a.post(
        url, contract_post(membership.employer, start=f"{YEAR}-01-01", end=f"{YEAR}-06-30")
    )
    assert response.status_code == 400
    assert "不足1年" in text(response)
    assert 'id="id_end_error"' in response.content.decode()
    assert not PlacementContract.objects.exists()


def test_contract_missing_fields_are_all_named(client_a, at_contracts):
    response = client_a.post(f"/portal/placements/{at_contracts.pk}/contracts/", {"action": "add"})
    assert response.status_code == 400
    page = text(response)
    for message in (
        "请选择「是否为劳务派遣」",
        "请填写「合同开始日期」",
        "请填写「岗位工种」",
        "请上传「合同文件」",
    ):
        assert message in page


def test_dispatch_contract_needs_company_and_agreement(client_a, membership, at_contracts):
    data = contract_post(membership.employer, is_dispatch="1", contract_type="dispatch")
    response = client_a.post(f"/portal/placements/{at_contracts.pk}/contracts/", data)
    assert response.status_code == 400
    page = text(response)
    assert "劳务派遣人员请选择「劳务派遣单位」" in page and "劳务派遣人员请上传「劳务派遣协议」" in page


def test_contract_edited_keeps_its_file(client_a, membership, at_contracts):
    url = f"/portal/placements/{at_contracts.pk}/contracts/"
    client_a.post(url, contract_post(membership.employer))
    contract = PlacementContract.objects.get()
    page = text(client_a.get(url, {"edit": contract.pk}))
    assert "修改合同" in page and "保存修改" in page and "不上传则保留原文件" in page
    data = contract_post(membership.employer, post="质检员", contract_upload="")
    data.update(action="update", contract_id=contract.pk)
    del data["contract_upload"]
    assert client_a.post(url, data).status_code == 302
    updated = PlacementContract.objects.get()
    assert (updated.pk, updated.post, updated.contract_file_id) == (
        contract.pk,
        "质检员",
        contract.contract_file_id,
    )
    # A wrong value is named and nothing changes.
    data.update(end=f"{YEAR}-03-01", start=f"{YEAR}-01-01")
    response = client_a.post(url, data)
    assert response.status_code == 400 and "不足1年" in text(response)
    assert PlacementContract.objects.get().end == date(YEAR + 2, 12, 31)


def test_contract_deleted(client_a, membership, at_contracts):
    url = f"/portal/placements/{at_contracts.pk}/contracts/"
    client_a.post(url, contract_post(membership.employer))
    contract = PlacementContract.objects.get()
    assert client_a.post(url, {"action": "delete", "contract_id": contract.pk}).status_code == 302
    assert not PlacementContract.objects.exists()


# --- 残疾证管理 --------------------


def _current_certificate(id_number: str, valid_from: date) -> None:
    """The registry's certificate of the person, newly issued on `valid_from` (seed 002's case)."""
    Certificate.objects.create(
        number=f"{id_number}42",
        id_number=id_number,
        kind=CertificateType.DISABLED_PERSON,
        category=4,
        level=2,
        valid_from=valid_from,
        status=CertificateStatus.VALID,
        region_code="150102",
        source="disability_registry",
        received_at=timezone.now(),
    )


def test_certificates_listed_and_historical_one_added_for_review(client_a, membership, at_contracts):
    _current_certificate(ID_A, date(YEAR, 4, 10))
    url = f"/portal/placements/{at_contracts.pk}/certificates/"
    page = text(client_a.get(url))
    for column in ("残疾证号", "证件类型", "残疾证有效期", "残疾等级", "残疾类别", "操作"):
        assert column in page
    number = f"{ID_A}42"
    data = {
        "number": number,
        "certificate_type": "残疾人证",
        "category": "4",
        "level": "2",
        "valid_from": f"{YEAR - 9}-04-10",
        "valid_until": f"{YEAR}-04-09",
        "image_upload": pdf("残疾证.pdf"),
    }
    assert client_a.post(url, data).status_code == 302
    page = text(client_a.get(url))
    assert number in page and "单位补充（待审核）" in page and "肢体残疾" in page and "二级" in page


def test_certificate_from_another_person_is_refused(client_a, at_contracts):
    _current_certificate(ID_A, date(YEAR, 4, 10))
    other = make_id_number("150102", date(1980, 1, 1), 11)
    data = {
        "number": f"{other}42",
        "certificate_type": "残疾人证",
        "category": "4",
        "level": "2",
        "valid_from": f"{YEAR - 9}-04-10",
        "valid_until": f"{YEAR}-04-09",
        "image_upload": pdf("残疾证.pdf"),
    }
    response = client_a.post(f"/portal/placements/{at_contracts.pk}/certificates/", data)
    assert response.status_code == 400
    assert 'id="id_number_error"' in response.content.decode()


def test_certificates_next_step_needs_a_contract(client_a, at_contracts):
    url = f"/portal/placements/{at_contracts.pk}/certificates/"
    response = client_a.post(url, {"action": "done"}, follow=True)
    assert "请先在“合同管理”中添加至少一份合同" in text(response)


# --- 人员信息校验, selection, upload, save --------------------


def test_verification_table_with_text_equivalents_reasons_and_sources(client_a, membership):
    registry_person(ID_A, "王安置", membership.employer.uscc)
    placement = ready_placement(membership, ID_A)
    response = client_a.get(f"/portal/placements/{placement.pk}/verify/")
    body, page = response.content.decode(), text(response)
    for column in (
        "勾选",
        "年月",
        "工资信息",
        "社保参保状态",
        "医保参保状态",
        "残疾证状态",
        "是否就业年龄段",
        "合同状态",
        "无其他单位安置",
        "残疾证类型",
        "残疾证等级",
    ):
        assert column in page
    assert "请在“第一列”勾选残疾人安置登记月份" in page
    assert page.count("不通过") >= 12  # months 9-12: wage, pension, medical ✗ with their text
    assert "接收时间" in page and "工资发放数据" in page
    # Auto-passed months of a non-dispatch person: checked, disabled, explained, and still submitted.
    assert f'id="month-{YEAR}01" checked disabled' in body
    assert f'<input type="hidden" name="months" value="{YEAR}01">' in body
    assert "（系统核验通过，必须申报）" in page
    assert f'<label for="month-{YEAR}09" class="visually-hidden">勾选 {YEAR}09</label>' in body
    assert "重新核验" in page and "上一步" in page and "保存，下一步" in page


def test_only_auto_passed_months_confirms_by_the_system(client_a, membership):
    registry_person(ID_A, "王安置", membership.employer.uscc)
    placement = ready_placement(membership, ID_A)
    url = f"/portal/placements/{placement.pk}/verify/"
    # The request leaves the locked months out: they are registered anyway.
    response = client_a.post(url, {"stage": "select", "months": []})
    assert response.status_code == 302 and response["Location"] == f"/portal/placements/{placement.pk}/"
    placement.refresh_from_db()
    assert (placement.status, placement.confirmed_by) == (PlacementStatus.CONFIRMED, ConfirmedBy.SYSTEM)
    assert PlacementMonth.objects.filter(placement=placement, selected=True).count() == 8
    page = text(client_a.get(LIST))
    assert "已登记 1 人，审核通过(系统) 1 人" in page
    assert "本次累计安置确认 8 个月，累计安置核定 8 个月" in page


def test_failed_month_leads_to_the_upload_step_and_pending(client_a, membership):
    registry_person(ID_A, "王安置", membership.employer.uscc)
    placement = ready_placement(membership, ID_A)
    url = f"/portal/placements/{placement.pk}/verify/"
    months = [f"{YEAR}{m:02d}" for m in range(1, 11)]
    response = client_a.post(url, {"stage": "select", "months": months})
    assert response.status_code == 200
    page = text(response)
    for words in (
        "材料名称",
        "已上传附件数量",
        "说明",
        "工资发放证明",
        "社会保险缴费凭证",
        "医疗保险缴费凭证",
        "温馨提示",
    ):
        assert words in page
    assert f"{YEAR}09、{YEAR}10" in page
    # Missing files: refused with the material named, nothing saved.
    response = client_a.post(url, {"stage": "save", "months": months})
    assert response.status_code == 400
    assert "请上传「工资发放证明」" in text(response)
    assert Placement.objects.get(pk=placement.pk).status == PlacementStatus.DRAFT
    data = {
        "stage": "save",
        "months": months,
        "evidence_wage": pdf("工资.pdf"),
        "evidence_pension": pdf("社保.pdf"),
        "evidence_medical": pdf("医保.pdf"),
    }
    response = client_a.post(url, data, follow=True)
    page = text(response)
    assert "您的相关资料已保存成功，请留意残联主管部门的审核进度。" in page
    placement.refresh_from_db()
    assert placement.status == PlacementStatus.PENDING
    assert MonthEvidence.objects.filter(placement_month__placement=placement).count() == 6
    page = text(client_a.get(LIST))
    assert "待审核 1 人" in page
    assert "王*置" in page and ID_A not in page and f"{ID_A[:6]}********{ID_A[-4:]}" in page


def test_bad_month_value_is_refused(client_a, membership):
    registry_person(ID_A, "王安置", membership.employer.uscc)
    placement = ready_placement(membership, ID_A)
    response = client_a.post(
        f"/portal/placements/{placement.pk}/verify/", {"stage": "save", "months": ["2099ab"]}
    )
    assert response.status_code == 400
    assert "安置月份" in text(response)


def test_reverify_refreshes_with_new_data(client_a, membership):
    registry_person(ID_A, "王安置", membership.employer.uscc)
    placement = ready_placement(membership, ID_A)
    for model in (WageMonth, PensionMonth, MedicalMonth):
        model.objects.create(
            id_number=ID_A,
            payer_uscc=membership.employer.uscc,
            month=YEAR * 100 + 9,
            amount=Decimal("5000"),
            region_code="150102",
            source="wage",
            received_at=timezone.now(),
        )
    response = client_a.post(f"/portal/placements/{placement.pk}/reverify/", follow=True)
    assert "已按最新数据重新核验" in text(response)
    assert PlacementMonth.objects.get(placement=placement, month=YEAR * 100 + 9).auto_passed


# --- 查看, 重新登记, 删除, search --------------------


def test_view_reregister_and_delete(client_a, membership):
    registry_person(ID_A, "王安置", membership.employer.uscc)
    placement = ready_placement(membership, ID_A)
    client_a.post(f"/portal/placements/{placement.pk}/verify/", {"stage": "select"})
    page = text(client_a.get(f"/portal/placements/{placement.pk}/"))
    assert "已审核确认" in page and "审核通过(系统)" in page
    response = client_a.post(f"/portal/placements/{placement.pk}/reregister/")
    assert response["Location"] == f"/portal/placements/{placement.pk}/person/"
    placement.refresh_from_db()
    assert placement.status == PlacementStatus.DRAFT and not placement.claims.exists()
    page = text(client_a.get(LIST))
    assert "继续登记" in page and "资料待完善 1 人" in page
    confirm = text(client_a.get(f"/portal/placements/{placement.pk}/delete/"))
    assert "确定要删除安置人员" in confirm and "王*置" in confirm
    assert client_a.post(f"/portal/placements/{placement.pk}/delete/").status_code == 302
    assert not Placement.objects.filter(pk=placement.pk).exists()


def test_search_by_id_or_name(client_a, membership):
    other = make_id_number("150102", date(1990, 2, 2), 51)
    for number, name in ((ID_A, "王安置"), (other, "赵登记")):
        Placement.objects.create(
            employer=membership.employer,
            business_year=YEAR,
            id_number=number,
            name=name,
            sex="男",
            birth_date=date(1990, 1, 1),
        )
    page = text(client_a.get(LIST, {"q": "赵登记"}))
    assert "赵*记" in page and "王*置" not in page
    page = text(client_a.get(LIST, {"q": ID_A}))
    assert "王*置" in page and "赵*记" not in page
    assert "没有找到" in text(client_a.get(LIST, {"q": "无此人"}))


def test_draft_resumes_at_its_step(client_a, membership, at_contracts):
    page = client_a.get(LIST).content.decode()
    assert f'href="/portal/placements/{at_contracts.pk}/contracts/">继续登记' in page


# --- 导入上一年申报名单 --------------------


def test_import_last_year_creates_drafts(client_a, membership):
    Placement.objects.create(
        employer=membership.employer,
        business_year=YEAR - 1,
        id_number=ID_A,
        name="王安置",
        sex="男",
        birth_date=date(1985, 6, 15),
        status=PlacementStatus.CONFIRMED,
    )
    response = client_a.post("/portal/placements/import-last-year/", follow=True)
    assert f"已从 {YEAR - 1} 年申报名单导入 1 人" in text(response)
    assert Placement.objects.get(business_year=YEAR).status == PlacementStatus.DRAFT
    response = client_a.post("/portal/placements/import-last-year/", follow=True)
    assert "没有可导入" in text(response)


def test_import_last_year_without_list_says_so(client_a):
    response = client_a.post("/portal/placements/import-last-year/", follow=True)
    assert "无可导入名单" in text(response)


# --- window and lock --------------------


def test_closed_window_hides_actions_and_refuses_writes(client_a, membership):
    placement = Placement.objects.create(
        employer=membership.employer,
        business_year=YEAR,
        id_number=ID_A,
        name="王安置",
        sex="男",
        birth_date=date(1985, 6, 15),
    )
    set_window(False)
    page = text(client_a.get(LIST))
    assert "当前不在申报期内" in page and "+ 添加残疾人" not in page and "继续登记" not in page
    response = client_a.post(
        "/portal/placements/add/", {"id_number": make_id_number("150102", date(1991, 1, 1), 13)}
    )
    assert response.status_code == 400 and "申报期外" in text(response)
    response = client_a.post(f"/portal/placements/{placement.pk}/person/", person_post())
    assert response.status_code == 400 and "申报期外" in text(response)
    response = client_a.post(
        f"/portal/placements/{placement.pk}/contracts/", contract_post(membership.employer)
    )
    assert response.status_code == 400 and "申报期外" in text(response)
    response = client_a.post(f"/portal/placements/{placement.pk}/verify/", {"stage": "select", "months": []})
    assert response.status_code == 400 and "申报期外" in text(response)
    response = client_a.post(f"/portal/placements/{placement.pk}/reverify/", follow=True)
    assert "申报期外" in text(response)
    response = client_a.post("/portal/placements/import-last-year/", follow=True)
    assert "申报期外" in text(response)
    response = client_a.post(f"/portal/placements/{placement.pk}/delete/", follow=True)
    assert "申报期外" in text(response)
    assert Placement.objects.filter(pk=placement.pk).exists()
    assert not PlacementContract.objects.exists()


def test_locked_year_hides_actions_and_refuses_writes(client_a, membership):
    placement = Placement.objects.create(
        employer=membership.employer,
        business_year=YEAR,
        id_number=ID_A,
        name="王安置",
        sex="男",
        birth_date=date(1985, 6, 15),
    )

    def lock(employer, business_year):
        return "已完成申报" if employer.pk == membership.employer_id else None

    services.placement_year_lock_register(lock)
    try:
        page = text(client_a.get(LIST))
        assert "本业务年度已完成申报" in page and "+ 添加残疾人" not in page
        response = client_a.post(f"/portal/placements/{placement.pk}/delete/", follow=True)
        assert "已锁定" in text(response)
        response = client_a.post(f"/portal/placements/{placement.pk}/person/", person_post())
        assert response.status_code == 400 and "已锁定" in text(response)
    finally:
        services.placement_year_lock_unregister(lock)
    assert Placement.objects.filter(pk=placement.pk).exists()


# --- another unit, query count --------------------


def test_another_units_placement_is_404(client, membership):
    placement = Placement.objects.create(
        employer=membership.employer,
        business_year=YEAR,
        id_number=ID_A,
        name="王安置",
        sex="男",
        birth_date=date(1985, 6, 15),
    )
    other = MembershipFactory()
    portal_login(client, other)
    for suffix in ("", "person/", "contracts/", "certificates/", "verify/", "delete/"):
        assert client.get(f"/portal/placements/{placement.pk}/{suffix}").status_code == 404
    for suffix in ("reregister/", "reverify/", "delete/", "verify/"):
        assert client.post(f"/portal/placements/{placement.pk}/{suffix}").status_code == 404
    assert Placement.objects.filter(pk=placement.pk).exists()


def _many(employer, count: int) -> None:
    for i in range(count):
        placement = Placement.objects.create(
            employer=employer,
            business_year=YEAR,
            id_number=make_id_number("150102", date(1980, 1, 1) + timedelta(days=i), 21),
            name=f"人员{i}",
            sex="男",
            birth_date=date(1980, 1, 1) + timedelta(days=i),
            status=PlacementStatus.CONFIRMED,
        )
        PlacementMonth.objects.bulk_create(
            PlacementMonth(
                placement=placement,
                month=YEAR * 100 + m,
                selected=True,
                auto_passed=True,
                outcome="auto_confirmed",
            )
            for m in range(1, 13)
        )


@pytest.mark.parametrize("count", [5, 50])
def test_list_query_count_does_not_grow_with_rows(client_a, membership, django_assert_max_num_queries, count):
    _many(membership.employer, count)
    with django_assert_max_num_queries(12):  # 12: whether the year's unit information is saved
        response = client_a.get(LIST)
    assert text(response).count("已审核确认") >= count
    assert f"本次累计安置确认 {12 * count} 个月" in text(response)


# --- 批量登记 (Excel) --------------------


def _workbook(rows: list[list[str]]) -> SimpleUploadedFile:
    from openpyxl import load_workbook

    client_template = services.bulk_template_xlsx()
    book = load_workbook(io.BytesIO(client_template))
    sheet = book.active
    # Typed into the first rows under the hint row, as a user does (the template formats 2000 rows as text).
    for r, row in enumerate(rows, start=3):
        for c, value in enumerate(row, start=1):
            sheet.cell(row=r, column=c, value=value)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(
        "批量登记.xlsx",
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def _bulk_row(id_number: str, name: str = "") -> list[str]:
    return [
        id_number,
        name,
        "城镇",
        "150102",
        "呼和浩特市新城区新华大街1号",
        "13800001111",
        "否",
        "劳动合同",
        f"{YEAR - 1}-01-01",
        f"{YEAR + 2}-12-31",
        "装配工",
        "5000",
        "",
        "",
        "",
    ]


def test_bulk_template_download(client_a):
    from openpyxl import load_workbook

    response = client_a.get("/portal/placements/bulk/", {"template": "1"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.cell(row=1, column=1).value == "*身份证号"


def test_bulk_upload_reports_each_row(client_a, membership):
    full = make_id_number("150102", date(1984, 3, 3), 41)
    partial = make_id_number("150102", date(1987, 5, 5), 43)
    registry_person(full, "全年通过", membership.employer.uscc, range(1, 13))
    registry_person(partial, "部分通过", membership.employer.uscc, range(1, 7))
    upload = _workbook([_bulk_row(full), _bulk_row(partial), _bulk_row("15010219870505004X", "错号")])
    files = [pdf(f"{full}.pdf"), pdf(f"{partial}.pdf")]
    response = client_a.post("/portal/placements/bulk/", {"file": upload, "contract_files": files})
    assert response.status_code == 200
    page = text(response)
    assert "共 3 行：系统核验通过并确认 1 人，需补充材料 1 人，待上传合同附件 0 人，数据有误 1 行" in page
    assert "第5行「身份证号」" in page
    assert "全**过" in page and full not in page
    assert Placement.objects.get(id_number=full).status == PlacementStatus.CONFIRMED
    assert Placement.objects.get(id_number=partial).status == PlacementStatus.DRAFT
    assert Placement.objects.count() == 2


def test_bulk_upload_refuses_a_non_excel_file(client_a):
    response = client_a.post("/portal/placements/bulk/", {"file": pdf("名单.pdf")})
    assert response.status_code == 400
    assert "请上传 .xlsx 格式的 Excel 模板文件" in text(response)
    assert 'id="id_file_error"' in response.content.decode()


def test_bulk_upload_outside_the_window_is_refused(client_a):
    set_window(False)
    page = text(client_a.get("/portal/placements/bulk/"))
    assert "不能批量登记" in page
    response = client_a.post("/portal/placements/bulk/", {"file": _workbook([_bulk_row(ID_A)])})
    assert response.status_code == 400 and "申报期外" in text(response)
    assert not Placement.objects.exists()


def test_month_held_by_another_unit_is_refused_without_naming_it(client_a, membership):
    # The registry knows only this unit's payments; the other unit sends its months to review with files.
    registry_person(ID_A, "王安置", membership.employer.uscc, range(1, 13))
    other = MembershipFactory()
    first = ready_placement(other, ID_A)
    months = [YEAR * 100 + m for m in range(1, 13)]
    services.placement_months_save(
        placement_id=first.pk,
        employer=other.employer,
        actor=other.user,
        today=timezone.localdate(),
        months=months,
        evidence={(months[0], code): pdf(f"{code}.pdf") for code in ("wage", "pension", "medical")},
    )
    assert Placement.objects.get(pk=first.pk).status == PlacementStatus.PENDING
    mine = ready_placement(membership, ID_A)
    response = client_a.get(f"/portal/placements/{mine.pk}/verify/")
    page = text(response)
    assert "已被其他单位安置登记" in page
    assert other.employer.name not in page and other.employer.uscc not in page
    assert f'id="month-{YEAR}03" name="months" value="{YEAR}03" disabled' in response.content.decode()
    response = client_a.post(
        f"/portal/placements/{mine.pk}/verify/", {"stage": "save", "months": [f"{YEAR}03"]}
    )
    assert response.status_code == 400
    assert "已被其他单位安置登记" in text(response)
    assert other.employer.name not in text(response) and other.employer.uscc not in text(response)
    assert Placement.objects.get(pk=mine.pk).status == PlacementStatus.DRAFT


# --- issue #14: reads only on GET, every problem at once --------------------


def _domain_writes(queries) -> list[str]:
    """The statements that change data, leaving out the session middleware's own bookkeeping row."""
    return [
        q["sql"]
        for q in queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
        and "django_session" not in q["sql"]
    ]


def test_verify_page_get_only_reads_the_verdicts_stored_when_certificates_were_done(client_a, membership):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    registry_person(ID_A, "王安置", membership.employer.uscc)
    employer, user, today = membership.employer, membership.user, timezone.localdate()
    placement = services.placement_start(
        employer=employer, actor=user, id_number=ID_A, business_year=YEAR, today=today
    )
    fields = person_post(name="王安置")
    fields["is_graduate"] = False
    services.placement_person_update(
        placement_id=placement.pk, employer=employer, actor=user, today=today, **fields
    )
    data = contract_post(employer)
    data["is_dispatch"] = False
    services.placement_contract_add(
        placement_id=placement.pk, employer=employer, actor=user, today=today, **data
    )
    services.placement_certificates_done(
        placement_id=placement.pk, employer=employer, actor=user, today=today
    )
    stored = Placement.objects.get(pk=placement.pk)
    assert stored.verified_at is not None and stored.step == "select"  # verified by 保存，下一步
    url = f"/portal/placements/{placement.pk}/verify/"
    with CaptureQueriesContext(connection) as queries:
        response = client_a.get(url)
    assert response.status_code == 200
    assert _domain_writes(queries) == []
    page = text(response)
    assert page.count("不通过") >= 12  # the stored verdicts: months 9-12 fail wage, pension, medical
    assert Placement.objects.get(pk=placement.pk).verified_at == stored.verified_at


def test_verify_page_of_an_unverified_draft_writes_nothing_either(client_a, membership, at_contracts):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client_a.get(f"/portal/placements/{at_contracts.pk}/verify/")
    assert response.status_code == 200 and "尚未核验" in text(response)
    assert _domain_writes(queries) == []
    assert Placement.objects.get(pk=at_contracts.pk).verified_at is None


def test_contract_form_shows_every_problem_at_its_field(client_a, membership, at_contracts):
    from anbili.employers.models import RelatedUnit

    other = RelatedUnit.objects.create(
        employer=membership.employer,
        business_year=YEAR,
        relation="parent_subsidiary",
        uscc=OTHER_USCC,
        name="上级公司",
    )
    data = contract_post(
        membership.employer, start=f"{YEAR}-01-01", end=f"{YEAR}-06-30", pension_payer_uscc=other.uscc
    )
    response = client_a.post(f"/portal/placements/{at_contracts.pk}/contracts/", data)
    assert response.status_code == 400
    body, page = response.content.decode(), text(response)
    assert "不足1年" in page and "「关联单位关系」为“本单位”时" in page
    assert 'id="id_end_error"' in body and 'id="id_relation_error"' in body
    assert not PlacementContract.objects.exists()


def test_bulk_row_reports_all_its_problems(client_a, membership):
    number = make_id_number("150102", date(1984, 3, 3), 41)
    registry_person(number, "两处错误", membership.employer.uscc, range(1, 13))
    row = _bulk_row(number)
    row[8], row[9] = f"{YEAR - 1}-01-01", f"{YEAR - 1}-06-30"  # before the year and under one year
    response = client_a.post("/portal/placements/bulk/", {"file": _workbook([row])})
    page = text(response)
    assert "第3行「合同开始日期」：合同期限与" in page
    assert "；「合同结束日期」：合同期限" in page and "不足1年" in page
    assert not Placement.objects.exists()


# --- slips lose nothing (issue 11, item 2) --------------------


def test_reregister_asks_first_and_says_what_is_reset(client_a, membership):
    registry_person(ID_A, "王安置", membership.employer.uscc)
    placement = ready_placement(membership, ID_A)
    client_a.post(f"/portal/placements/{placement.pk}/verify/", {"stage": "select"})
    placement.refresh_from_db()
    assert placement.status == PlacementStatus.CONFIRMED
    # The list links to a confirmation page; opening it changes nothing.
    assert f'href="/portal/placements/{placement.pk}/reregister/"' in client_a.get(LIST).content.decode()
    response = client_a.get(f"/portal/placements/{placement.pk}/reregister/")
    assert response.status_code == 200
    page = text(response)
    assert "确定要重新登记安置人员" in page and "王*置" in page and ID_A not in page
    for reset in ("资料待完善", "安置月份", "释放", "核验", "审核结果"):
        assert reset in page, reset
    assert "确认重新登记" in page and "取消" in page
    placement.refresh_from_db()
    assert placement.status == PlacementStatus.CONFIRMED and placement.claims.exists()
    # Confirmed (POST): done.
    response = client_a.post(f"/portal/placements/{placement.pk}/reregister/")
    assert response["Location"] == f"/portal/placements/{placement.pk}/person/"
    placement.refresh_from_db()
    assert placement.status == PlacementStatus.DRAFT and not placement.claims.exists()
    # A draft needs no re-registration: the page says so and offers no button.
    page = text(client_a.get(f"/portal/placements/{placement.pk}/reregister/"))
    assert "无需重新登记" in page and "确认重新登记" not in page


def test_contracts_save_and_next_saves_a_filled_form(client_a, membership, at_contracts):
    url = f"/portal/placements/{at_contracts.pk}/contracts/"
    assert 'form="contract-form" name="next"' in client_a.get(url).content.decode()
    response = client_a.post(url, {**contract_post(membership.employer), "action": "add", "next": "1"})
    assert response.status_code == 302
    assert response["Location"] == f"/portal/placements/{at_contracts.pk}/certificates/"
    assert PlacementContract.objects.get(placement=at_contracts).post == "装配工"


def test_contracts_save_and_next_with_errors_stays_and_saves_nothing(client_a, membership, at_contracts):
    url = f"/portal/placements/{at_contracts.pk}/contracts/"
    short = {"start": f"{YEAR}-01-01", "end": f"{YEAR}-06-30"}  # 不足1年
    data = {**contract_post(membership.employer, post="", **short), "action": "add", "next": "1"}
    response = client_a.post(url, data)
    assert response.status_code == 400
    page = text(response)
    # The form's own refusal and the contract rule's, in one answer.
    assert "请填写「岗位工种」" in page and "不足1年" in page
    assert 'id="id_end_error"' in response.content.decode()
    assert response.context["form"].data["monthly_wage"] == "5000"  # what was typed is still there
    assert not PlacementContract.objects.exists()


def test_contracts_save_and_next_with_an_untouched_form_moves_on(client_a, membership, at_contracts):
    url = f"/portal/placements/{at_contracts.pk}/contracts/"
    client_a.post(url, contract_post(membership.employer))
    blank = {"action": "add", "next": "1", "is_dispatch": "0", "relation": "own", "contract_type": ""}
    response = client_a.post(url, blank)
    assert response["Location"] == f"/portal/placements/{at_contracts.pk}/certificates/"
    assert PlacementContract.objects.filter(placement=at_contracts).count() == 1


def test_contracts_save_and_next_saves_an_edited_contract(client_a, membership, at_contracts):
    url = f"/portal/placements/{at_contracts.pk}/contracts/"
    client_a.post(url, contract_post(membership.employer))
    contract = PlacementContract.objects.get()
    data = contract_post(membership.employer, post="质检员")
    data.pop("contract_upload")
    data.update(action="update", contract_id=str(contract.pk), next="1")
    response = client_a.post(url, data)
    assert response["Location"] == f"/portal/placements/{at_contracts.pk}/certificates/"
    contract.refresh_from_db()
    assert contract.post == "质检员"


def test_person_form_reports_every_problem_at_once(client_a, membership):
    client_a.post("/portal/placements/add/", {"id_number": ID_A})
    placement = Placement.objects.get(id_number=ID_A)
    data = person_post(phone="12", household_region="159999", guardian_phone="110")
    response = client_a.post(f"/portal/placements/{placement.pk}/person/", data)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert {"phone", "household_region", "guardian_phone"} <= set(errors)
    placement.refresh_from_db()
    assert placement.phone == "" and placement.step == PlacementStep.PERSON
