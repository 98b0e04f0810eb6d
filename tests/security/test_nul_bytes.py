"""NUL bytes (\\x00) in any field or query: a field error in Chinese, never a 500. PostgreSQL text cannot
hold \\x00, so a value that reaches a query or an INSERT fails there; run these on PostgreSQL
(DATABASE_URL=postgres://…) as well as SQLite."""

import json
from datetime import date, timedelta

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from anbili.accounts.models import StaffRole, User
from anbili.core.identifiers import make_id_number
from anbili.employers.models import Employer
from anbili.placements.models import Placement
from anbili.registry.models import ImportBatch, PartnerKind, RegistryPerson
from anbili.registry.services import partner_token_issue
from anbili.web.decorators import NOTICE_SESSION_KEY
from tests.factories import MembershipFactory, StaffFactory, region

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]
NUL = "\x00"
# Django's own zh-hans text ("不允许是用空字符串。") is garbled; locale/ overrides it.
NUL_MESSAGE = "不能包含空字符"


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()


@pytest.fixture
def employer_client(client, regions):
    from tests.factories import unit_info_saved
    from tests.portal.test_portal_placements import set_window

    set_window(True)
    membership = MembershipFactory()
    unit_info_saved(membership.employer)  # so that 添加残疾人 offers its form
    client.force_login(membership.user, backend="anbili.accounts.backends.AccountBackend")
    session = client.session
    session["current_employer_id"] = membership.employer_id
    session[NOTICE_SESSION_KEY] = True
    session.save()
    return client


@pytest.fixture
def staff_client(client, regions):
    # A province admin: the audit search is for national and province admins.
    staff = StaffFactory(staff_role=StaffRole.ADMIN, region=region("150000"))
    client.force_login(staff, backend="anbili.accounts.backends.AccountBackend")
    return client


def _body(response) -> str:
    return response.content.decode()


def test_placement_search_box(employer_client):
    response = employer_client.get("/portal/placements/", {"q": f"张{NUL}三"})
    assert response.status_code == 400
    assert 'id="id_q_error"' in _body(response) and NUL_MESSAGE in _body(response)


@pytest.mark.parametrize(
    ("url", "params", "field"),
    [
        ("/portal/notices/", {"q": NUL, "page": NUL}, "q"),
        ("/portal/calculator/", {"year": "2025", "employees": f"1{NUL}"}, "employees"),
    ],
)
def test_queries_of_employer_pages(employer_client, url, params, field):
    response = employer_client.get(url, params)
    assert response.status_code in (200, 400)
    assert f'id="id_{field}_error"' in _body(response)


@pytest.mark.parametrize("params", [{"next": f"/portal/{NUL}"}, {f"x{NUL}": "1"}, {"page": NUL}])
def test_other_query_parameters_are_harmless(employer_client, params):
    assert employer_client.get("/portal/placements/", params).status_code == 200
    assert employer_client.get("/portal/login/", params).status_code in (200, 302)


@pytest.mark.parametrize(
    ("url", "params"),
    [
        ("/backoffice/notices/", {"q": NUL, "page": NUL}),
        ("/backoffice/system/audit/", {"actor": NUL, "target": f"a{NUL}", "page": "1"}),
    ],
)
def test_queries_of_staff_pages(staff_client, url, params):
    response = staff_client.get(url, params)
    assert response.status_code in (200, 400)
    assert NUL_MESSAGE in _body(response)


def test_placement_add_field(employer_client):
    response = employer_client.post("/portal/placements/add/", {"id_number": f"150102{NUL}"})
    assert response.status_code == 400
    assert 'id="id_id_number_error"' in _body(response) and NUL_MESSAGE in _body(response)
    assert not Placement.objects.exists()


def test_agent_add_fields(employer_client):
    today = timezone.localdate()
    data = {
        "username": f"hr{NUL}clerk",
        "full_name": f"人事{NUL}",
        "phone": "13700000000",
        "valid_from": today.isoformat(),
        "valid_until": (today + timedelta(days=90)).isoformat(),
        "password": f"Agent@Pass{NUL}2026",
    }
    response = employer_client.post("/portal/account/agents/", data)
    assert response.status_code == 400
    assert 'id="id_username_error"' in _body(response) and NUL_MESSAGE in _body(response)
    assert not User.objects.filter(username__startswith="hr").exists()


def test_bulk_upload_file_name(employer_client):
    upload = SimpleUploadedFile(f"名单{NUL}.xlsx", b"PK\x03\x04")
    response = employer_client.post("/portal/placements/bulk/", {"file": upload})
    assert response.status_code == 400
    assert 'id="id_file_error"' in _body(response)


def test_registration_fields(client, regions):
    data = {
        "uscc": f"91150102MA0XYK123{NUL}",
        "unit_name": f"测试{NUL}公司",
        "nature": "enterprise",
        "region_code": f"150102{NUL}",
        "legal_person_name": NUL,
        "legal_person_id_number": make_id_number("150102", date(1985, 3, 4), 11) + NUL,
        "phone": NUL,
        "password": f"Good@Pass2026{NUL}",
        "password2": f"Good@Pass2026{NUL}",
    }
    response = client.post("/portal/register/", data)
    assert response.status_code == 400
    assert 'id="id_unit_name_error"' in _body(response) and NUL_MESSAGE in _body(response)
    assert not Employer.objects.exists()


def test_admin_login_username(client, regions):
    response = client.post("/admin/login/", {"username": f"admin{NUL}", "password": f"x{NUL}"})
    assert response.status_code in (200, 400)
    assert NUL_MESSAGE in _body(response)


@pytest.mark.parametrize("url", ["/portal/login/", "/backoffice/login/"])
def test_login_account(client, regions, url):
    response = client.post(url, {"account": f"91150102{NUL}", "password": f"x{NUL}"})
    assert response.status_code == 400
    assert 'id="id_account_error"' in _body(response) and NUL_MESSAGE in _body(response)


def test_api_levy_estimate_body(client, regions):
    body = {"region_code": f"150102{NUL}", "year": 2025, "employees": f"1{NUL}", "payroll": NUL}
    response = client.post("/api/v1/levy/estimate", json.dumps(body), content_type="application/json")
    assert response.status_code in (400, 422), response.status_code


def test_api_person_lookup_path_and_query(employer_client):
    response = employer_client.get(f"/api/v1/registry/persons/150102{NUL}1985", {"x": NUL})
    assert 400 <= response.status_code < 500, response.status_code


def test_api_registry_push_row_and_query(client, regions, django_capture_on_commit_callbacks):
    issued = partner_token_issue(
        name="内蒙古残联人口库", kind=PartnerKind.DISABILITY_REGISTRY, province_code="150000"
    )
    headers = {"HTTP_AUTHORIZATION": f"Bearer {issued.token}"}
    row = {
        "id_number": make_id_number("150102", date(1985, 3, 4), 11),
        "name": f"张{NUL}三",
        "household_region": "150102",
    }
    with django_capture_on_commit_callbacks(execute=True):  # the import runs once the batch is committed
        response = client.post(
            "/api/v1/registry/person/batches",
            json.dumps({"rows": [row]}),
            content_type="application/json",
            **headers,
        )
    # The row is refused with its reason (the batch goes on), and nothing with the NUL is stored.
    assert response.status_code == 202, response.status_code
    batch = ImportBatch.objects.get(pk=response.json()["id"])
    assert (batch.rows_failed, batch.rows_created) == (1, 0)
    assert "姓名含有控制字符" in batch.row_errors.get().message
    assert not RegistryPerson.objects.filter(id_number=row["id_number"]).exists()
    response = client.get("/api/v1/registry/batches", {"offset": NUL}, **headers)
    assert 400 <= response.status_code < 500, response.status_code
