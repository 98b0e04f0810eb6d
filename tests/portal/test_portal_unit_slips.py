"""Slips lose nothing (issue 11, item 2): every error of 单位信息维护管理 and 经办人管理 at once, and no
placement before the year's unit information is saved (seed 001: 首次使用系统…需先对本单位信息进行维护
管理)."""

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone

from anbili.accounts.models import User
from anbili.core.errors import ApplicationError
from anbili.core.identifiers import make_id_number
from anbili.employers.models import Employer, UnitYearProfile
from anbili.employers.services import employer_profile_update
from anbili.placements import services
from anbili.placements.models import Placement
from tests.employers.test_employers_services import unit_info
from tests.factories import MembershipFactory, UnitYearProfileFactory, unit_info_saved
from tests.portal.test_portal_placements import portal_login, set_window, text
from tests.portal.test_portal_unit import _form

pytestmark = pytest.mark.usefixtures("frozen_clock")

URL = "/portal/unit/info/"
YEAR = 2025  # the frozen clock's business year
ID_A = make_id_number("150102", date(1985, 6, 15), 31)


@pytest.fixture
def membership(regions):
    set_window(True)
    return MembershipFactory()


@pytest.fixture
def client_a(client, membership):
    portal_login(client, membership)
    return client


# --- every error at once --------------------


def test_the_unit_information_service_reports_every_problem_at_once(membership):
    employer = membership.employer
    data = unit_info(
        legal_person_phone="12345",
        organization_code="M000100Y5",
        agent_name=" ",
        agent_phone="110",
        employee_count=-1,
    )
    with pytest.raises(ApplicationError) as refused:
        employer_profile_update(
            employer_id=employer.pk, data=data, actor=membership.user, today=timezone.localdate()
        )
    fields = [error.field for error in refused.value.errors]
    assert fields == [
        "legal_person_phone",
        "organization_code",
        "employee_count",
        "agent_name",
        "agent_phone",
    ]
    assert refused.value.field == "legal_person_phone"  # the topmost field first
    assert not UnitYearProfile.objects.exists()
    assert Employer.objects.get(pk=employer.pk).legal_person_phone == employer.legal_person_phone


def test_the_page_marks_every_faulty_field_in_one_answer(client_a):
    response = client_a.post(
        URL, _form(legal_person_phone="110", organization_code="M000100Y5", agent_phone="1")
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert set(errors) == {"legal_person_phone", "organization_code", "agent_phone"}
    assert "「经办人电话」格式不正确" in errors["agent_phone"][0]
    assert not UnitYearProfile.objects.exists()


def test_missing_and_malformed_fields_are_named_together(client_a):
    # The form refuses the empty field itself; the service's format problems of the others come in the same
    # answer, not on the next submit.
    response = client_a.post(URL, _form(agent_name="", legal_person_phone="110", employee_count="abc"))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["agent_name"] == ["请填写「经办人姓名」"]
    assert "「法人电话」格式不正确" in errors["legal_person_phone"][0]
    assert errors["employee_count"] == ["「上年度职工数」应为整数"]  # one message per field, the form's
    html = response.content.decode()
    assert 'id="id_legal_person_phone_error"' in html and 'id="id_agent_name_error"' in html
    assert not UnitYearProfile.objects.exists()


def test_confirming_an_incomplete_unit_marks_each_missing_fact(client_a, membership):
    employer = membership.employer
    Employer.objects.filter(pk=employer.pk).update(economic_type="", industry="", legal_person_phone="")
    UnitYearProfileFactory(employer=employer, business_year=YEAR - 1)
    response = client_a.post("/portal/unit/info/confirm/")
    assert response.status_code == 400
    errors = response.context["form"].errors
    for field in ("economic_type", "industry", "legal_person_phone"):
        assert field in errors, field
    assert 'aria-invalid="true"' in response.content.decode()
    assert not UnitYearProfile.objects.filter(business_year=YEAR).exists()


def test_agent_form_reports_every_problem_at_once(client_a):
    today = timezone.localdate()
    response = client_a.post(
        "/portal/account/agents/",
        {
            "username": "ab",
            "full_name": "人事专员",
            "phone": "123",
            "valid_from": today.isoformat(),
            "valid_until": (today - timedelta(days=1)).isoformat(),
            "password": "12345678",
        },
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert set(errors) == {"username", "phone", "valid_until", "password"}
    assert "至少4个字符" in errors["username"][0]
    assert "「经办人手机号」格式不正确" in errors["phone"][0]
    assert "不能早于授权开始日期" in errors["valid_until"][0]
    assert not User.objects.filter(username="ab").exists()


# --- no placement before the unit information --------------------


def test_every_way_to_start_placements_waits_for_the_unit_information(membership):
    employer, user, today = membership.employer, membership.user, timezone.localdate()
    starts = {
        "add": lambda: services.placement_start(
            employer=employer, actor=user, id_number=ID_A, business_year=YEAR, today=today
        ),
        "import": lambda: services.placements_import_last_year(
            employer=employer, actor=user, business_year=YEAR, today=today
        ),
        "bulk": lambda: services.placements_bulk_import(
            employer=employer, actor=user, business_year=YEAR, today=today, content=b"", file_name="名单.xlsx"
        ),
    }
    for name, start in starts.items():
        with pytest.raises(ApplicationError) as refused:
            start()
        assert refused.value.code == "unit_info_required", name
        assert "需先对本单位信息进行维护管理" in refused.value.message
        assert "单位信息维护管理" in refused.value.message
    # Last year's copy is not enough: it must be checked and saved for this year.
    UnitYearProfileFactory(employer=employer, business_year=YEAR - 1)
    with pytest.raises(ApplicationError) as refused:
        starts["add"]()
    assert refused.value.code == "unit_info_required" and "按 2024 年度预填" in refused.value.message
    assert not Placement.objects.exists()
    unit_info_saved(employer)
    assert starts["add"]().id_number == ID_A


def test_the_pages_say_so_and_link_to_the_unit_information(client_a, membership):
    page = client_a.get("/portal/placements/").content.decode()
    missing = page.split('data-testid="unit-info-missing"')[1].split("</div>")[0]
    assert "需先对本单位信息进行维护管理" in missing and 'href="/portal/unit/info/"' in missing
    assert "+ 添加残疾人</a>" not in page and "导入上一年申报名单</button>" not in page
    add = client_a.get("/portal/placements/add/").content.decode()
    assert 'data-testid="unit-info-missing"' in add and 'name="id_number"' not in add
    response = client_a.post("/portal/placements/add/", {"id_number": ID_A})
    assert response.status_code == 400 and "需先对本单位信息进行维护管理" in text(response)
    bulk = client_a.get("/portal/placements/bulk/").content.decode()
    assert 'data-testid="unit-info-missing"' in bulk and "上传并登记" not in bulk
    response = client_a.post("/portal/placements/import-last-year/", follow=True)
    assert "需先对本单位信息进行维护管理" in text(response)
    assert not Placement.objects.exists()
    # Saved: the start buttons are back.
    assert client_a.post(URL, _form()).status_code == 302
    page = client_a.get("/portal/placements/").content.decode()
    assert 'data-testid="unit-info-missing"' not in page and "+ 添加残疾人</a>" in page
    assert re.search(r'name="id_number"', client_a.get("/portal/placements/add/").content.decode())
