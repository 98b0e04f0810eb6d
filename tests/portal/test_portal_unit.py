"""单位信息维护管理 pages: the form, the per-year confirmation, related units, the window lock, access."""

import io
import re
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from pypdf import PdfWriter

from anbili.core.identifiers import make_id_number, make_uscc
from anbili.employers.models import Employer, RelatedUnit, UnitYearProfile
from anbili.evidence.models import EvidenceFile
from anbili.regions.models import DeclarationWindow
from anbili.registry.models import DispatchFiling, PartnerKind
from anbili.web.decorators import NOTICE_SESSION_KEY
from tests.factories import (
    AgentMembershipFactory,
    EmployerFactory,
    MembershipFactory,
    StaffFactory,
    UnitYearProfileFactory,
)

# Dates ("today", the business year) come from a frozen clock, not from when the suite runs.
pytestmark = pytest.mark.usefixtures("frozen_clock")

URL = "/portal/unit/info/"
DISPATCH_USCC = make_uscc("91150102MA0DPQ001")


def _portal_login(client, membership):
    client.force_login(membership.user, backend="anbili.accounts.backends.AccountBackend")
    session = client.session
    session["current_employer_id"] = membership.employer_id
    session[NOTICE_SESSION_KEY] = True
    session.save()


def _pdf(name="劳务派遣协议.pdf"):
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/pdf")


def _set_window(open_today: bool) -> None:
    today = timezone.localdate()
    if open_today:
        opens, closes = today.replace(month=1, day=1), today.replace(month=12, day=31)
    else:
        opens, closes = today + timedelta(days=1), today.replace(month=12, day=31)
        if opens.year != today.year:
            opens = closes = today.replace(month=1, day=1)
    DeclarationWindow.objects.filter(year=today.year).update(opens=opens, closes=closes)


@pytest.fixture
def membership(regions):
    _set_window(True)
    return MembershipFactory()


@pytest.fixture
def logged_in(client, membership):
    _portal_login(client, membership)
    return membership


def _form(**changes):
    data = {
        "tax_registration_number": "",
        "nature": "enterprise",
        "economic_type": "30",
        "industry": "I",
        "dpf_region_code": "150102",
        "tax_region_code": "150102",
        "admin_region_code": "150102",
        "legal_person_name": "张文磊",
        "legal_person_id_number": make_id_number("150102", date(1978, 5, 12), 13),
        "legal_person_phone": "13800000000",
        "organization_code": "",
        "phone": "",
        "employee_count": "388",
        "agent_name": "刘芳",
        "agent_phone": "13900000000",
        "business_address": "呼和浩特市新城区新华大街1号",
        "registered_address": "呼和浩特市新城区新华大街1号",
    }
    data.update(changes)
    return data


def test_the_page_shows_every_field_of_seed_004_with_stars_and_region_groups(client, logged_in):
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    for label in [
        "单位名称", "统一社会信用代码", "税务登记证号", "单位性质", "经济性质", "行业类别", "残联主管部门",
        "税务主管部门", "单位所属行政区", "法人姓名", "法人身份证号", "法人电话", "组织机构代码", "单位电话",
        "上年度职工数", "经办人姓名", "经办人电话", "单位经营地址", "单位注册地址",
    ]:  # fmt: skip
        assert label in html, label
    assert logged_in.employer.name in html
    assert '<optgroup label="内蒙古自治区">' in html
    assert "内蒙古自治区 / 呼和浩特市 / 新城区" in html
    assert '<option value="I">I 信息传输、软件和信息技术服务业</option>' in html
    # Required fields carry the star and aria-required; the optional ones do not.
    assert re.search(r'<select name="economic_type"[^>]*aria-required="true"', html)
    assert re.search(r'<label for="id_agent_phone"[^>]*>经办人电话<span class="required-mark"', html)
    assert not re.search(r'<input[^>]*name="employee_count"[^>]*aria-required', html)
    assert "本业务年度单位信息尚未填写" in html


def test_menu_entry_appears(client, logged_in):
    html = client.get("/portal/").content.decode()
    assert '<a class="nav-link" href="/portal/unit/info/">单位信息维护管理</a>' in html
    assert '<a class="nav-link" href="/portal/calculator/">残保金计算器</a>' in html


def test_saving_confirms_the_business_year(client, logged_in):
    response = client.post(URL, _form())
    assert response.status_code == 302
    employer = Employer.objects.get(pk=logged_in.employer_id)
    assert employer.economic_type == "30"
    profile = UnitYearProfile.objects.get(employer=employer)
    assert profile.business_year == timezone.localdate().year - 1 and profile.employee_count == 388
    page = client.get(URL).content.decode()
    assert "单位信息已保存" in page and "本业务年度单位信息已确认" in page


def test_missing_fields_are_all_named_at_once(client, logged_in):
    response = client.post(URL, _form(economic_type="", agent_name="", legal_person_phone=""))
    assert response.status_code == 400
    html = response.content.decode()
    for message in ("请选择「经济性质」", "请填写「经办人姓名」", "请填写「法人电话」"):
        assert message in html
    assert 'aria-invalid="true"' in html
    assert not UnitYearProfile.objects.exists()


def test_a_service_refusal_is_shown_at_its_field(client, logged_in):
    response = client.post(URL, _form(legal_person_phone="110"))
    assert response.status_code == 400
    form = response.context["form"]
    assert "「法人电话」格式不正确" in form.errors["legal_person_phone"][0]


def test_last_years_copy_is_offered_and_confirmed(client, logged_in):
    employer = logged_in.employer
    Employer.objects.filter(pk=employer.pk).update(
        economic_type="30",
        industry="I",
        legal_person_id_number=make_id_number("150102", date(1978, 5, 12), 13),
        legal_person_phone="13800000000",
    )
    year = timezone.localdate().year - 1
    UnitYearProfileFactory(employer=employer, business_year=year - 1, agent_name="陈亮", employee_count=90)
    html = client.get(URL).content.decode()
    assert f"已按 {year - 1} 业务年度的信息预填" in html and 'value="陈亮"' in html
    assert client.post("/portal/unit/info/confirm/").status_code == 302
    profile = UnitYearProfile.objects.get(employer=employer, business_year=year)
    assert (
        profile.agent_name == "陈亮"
        and profile.employee_count is None
        and profile.confirmed_by == logged_in.user
    )


def test_outside_the_window_the_page_is_read_only_and_writes_are_refused(client, logged_in):
    _set_window(False)
    html = client.get(URL).content.decode()
    assert "当前不在申报期内" in html and 'data-testid="unit-readonly"' in html
    assert '<form method="post" novalidate' not in html and "添加关联单位</a>" not in html
    response = client.post(URL, _form())
    assert response.status_code == 400
    assert "申报期外单位信息和关联单位只能查看" in response.content.decode()
    assert not UnitYearProfile.objects.exists()
    response = client.post(
        "/portal/unit/info/related/add/",
        {"relation": "dispatch", "uscc": DISPATCH_USCC, "name": "派遣", "agreement": _pdf()},
    )
    assert response.status_code == 400 and "当前不在申报期内" in response.content.decode()
    assert not RelatedUnit.objects.exists() and not EvidenceFile.objects.exists()


def test_related_unit_add_edit_delete_and_the_dispatch_filing(client, logged_in):
    today = timezone.localdate()
    DispatchFiling.objects.create(
        company_uscc=DISPATCH_USCC,
        company_name="派遣公司",
        region_code="150000",
        filing_number="NMG-2025-001",
        valid_from=today - timedelta(days=100),
        valid_until=None,
        source=PartnerKind.DISPATCH_FILING,
        received_at=timezone.now(),
    )
    response = client.post(
        "/portal/unit/info/related/add/",
        {"relation": "dispatch", "uscc": DISPATCH_USCC, "name": "呼和浩特派遣有限公司", "agreement": _pdf()},
    )
    assert response.status_code == 302, response.content.decode()
    unit = RelatedUnit.objects.get()
    assert unit.employer_id == logged_in.employer_id and unit.agreement is not None
    html = client.get(URL).content.decode()
    assert "呼和浩特派遣有限公司" in html and "劳务派遣协议.pdf" in html
    assert "已备案（备案编号 NMG-2025-001" in html and "长期" in html
    assert f'href="/portal/evidence/{unit.agreement_id}/download/"' in html
    download = client.get(f"/portal/evidence/{unit.agreement_id}/download/")
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"

    response = client.post(
        f"/portal/unit/info/related/{unit.pk}/edit/",
        {"relation": "third_party_payer", "uscc": DISPATCH_USCC, "name": "代发代缴公司"},
    )
    assert response.status_code == 302
    unit.refresh_from_db()
    assert (unit.relation, unit.name) == ("third_party_payer", "代发代缴公司")
    assert "不适用" in client.get(URL).content.decode()

    confirm = client.get(f"/portal/unit/info/related/{unit.pk}/delete/")
    assert "确定删除" in confirm.content.decode() and "代发代缴公司" in confirm.content.decode()
    assert client.post(f"/portal/unit/info/related/{unit.pk}/delete/").status_code == 302
    assert not RelatedUnit.objects.exists()


def test_a_dispatch_company_without_filing_is_flagged(client, logged_in):
    client.post(
        "/portal/unit/info/related/add/",
        {"relation": "dispatch", "uscc": DISPATCH_USCC, "name": "未备案派遣公司", "agreement": _pdf()},
    )
    assert "未查询到在本省有效的劳务派遣备案" in client.get(URL).content.decode()


def test_related_unit_form_errors(client, logged_in):
    response = client.post(
        "/portal/unit/info/related/add/", {"relation": "dispatch", "uscc": "91150102MA0DPQ00", "name": ""}
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["name"] == ["请填写「单位名称」"] and errors["agreement"] == [
        "请上传劳务派遣协议或关联证明材料"
    ]
    bad_file = SimpleUploadedFile("协议.png", b"%PDF-1.4 not really")
    response = client.post(
        "/portal/unit/info/related/add/",
        {"relation": "dispatch", "uscc": DISPATCH_USCC, "name": "派遣", "agreement": bad_file},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["agreement"]
    assert not RelatedUnit.objects.exists() and not EvidenceFile.objects.exists()


def test_another_units_related_unit_is_404(client, logged_in):
    other = RelatedUnit.objects.create(
        employer=EmployerFactory(),
        business_year=timezone.localdate().year - 1,
        relation="dispatch",
        uscc=DISPATCH_USCC,
        name="别家的",
    )
    assert client.get(f"/portal/unit/info/related/{other.pk}/edit/").status_code == 404
    assert client.post(f"/portal/unit/info/related/{other.pk}/delete/").status_code == 404
    assert RelatedUnit.objects.filter(pk=other.pk).exists()


def test_an_agent_may_maintain_the_unit(client, membership):
    agent = AgentMembershipFactory(employer=membership.employer)
    _portal_login(client, agent)
    assert client.post(URL, _form()).status_code == 302
    assert UnitYearProfile.objects.get().confirmed_by == agent.user


def test_anonymous_and_staff_are_kept_out(client, regions):
    assert client.get(URL)["Location"] == f"/portal/login/?next={URL}"
    client.force_login(StaffFactory(), backend="anbili.accounts.backends.AccountBackend")
    assert client.get(URL)["Location"] == "/backoffice/"
    assert client.post("/portal/unit/info/related/add/", {})["Location"] == "/backoffice/"
