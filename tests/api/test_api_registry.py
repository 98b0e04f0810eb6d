"""The registry API: partner tokens and scope, pushes, batch status, rate limits, person look-up, docs."""

import json
import re
from datetime import date

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from anbili.core.identifiers import make_id_number, make_uscc
from anbili.registry.models import (
    BatchStatus,
    Certificate,
    ImportBatch,
    PartnerKind,
    PartnerToken,
    PensionMonth,
    RegistryPerson,
)
from anbili.registry.services import partner_token_issue, token_digest

# Dates ("today", the business year) come from a frozen clock, not from when the suite runs.
pytestmark = pytest.mark.usefixtures("frozen_clock")

PERSON = make_id_number("150102", date(1980, 5, 1), 11)
EMPLOYER = make_uscc("91150102MA0000001")


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


@pytest.fixture
def social(regions):
    return partner_token_issue(
        name="内蒙古自治区人社厅", kind=PartnerKind.SOCIAL_INSURANCE, province_code="15"
    )


@pytest.fixture
def registry_partner(regions):
    return partner_token_issue(
        name="内蒙古残联人口库", kind=PartnerKind.DISABILITY_REGISTRY, province_code="150000"
    )


def bearer(issued) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {issued.token}"}


def push(client, issued, kind: str, rows: list[dict], capture) -> tuple[int, dict]:
    with capture(execute=True):
        response = client.post(
            f"/api/v1/registry/{kind}/batches",
            json.dumps({"rows": rows}),
            content_type="application/json",
            **bearer(issued),
        )
    return response.status_code, response.json()


def pension_row(
    month: str = "202501", amount: object = "600.00", region: str = "150102", id_number: str = PERSON
):
    return {
        "id_number": id_number,
        "payer_uscc": EMPLOYER,
        "month": month,
        "amount": amount,
        "region_code": region,
    }


def test_only_the_hash_of_a_token_is_stored(social):
    stored = PartnerToken.objects.get(partner=social.partner)
    assert stored.token_hash == token_digest(social.token) and social.token not in stored.token_hash
    assert social.token.startswith(stored.hint) and len(social.token) > 40


def test_push_creates_a_batch_that_imports_in_the_background(
    client, social, django_capture_on_commit_callbacks
):
    status, body = push(
        client,
        social,
        "pension",
        [
            pension_row(),
            pension_row("202502", 610),
            pension_row("202503", -5),
            pension_row("202504", region="360102"),
        ],
        django_capture_on_commit_callbacks,
    )
    assert status == 202
    batch = ImportBatch.objects.get(pk=body["id"])
    assert (batch.partner, batch.channel, batch.status) == (social.partner, "api_rows", BatchStatus.DONE)
    assert PensionMonth.objects.filter(id_number=PERSON).count() == 2
    detail = client.get(body["status_url"], **bearer(social)).json()
    assert (detail["status"], detail["status_label"], detail["rows_total"], detail["rows_failed"]) == (
        "done",
        "已完成",
        4,
        2,
    )
    assert detail["rows_created"] == 2 and detail["errors_total"] == 2
    assert detail["errors"] == [
        {"row": 3, "column": "缴费金额", "message": "缴费金额不能为负数（当前为 -5）"},
        {
            "row": 4,
            "column": "参保地行政区划代码",
            "message": "参保地行政区划代码360102属于江西省，本合作方只能提交内蒙古自治区的数据",
        },
    ]
    # Pushing the same rows again changes nothing.
    _, again = push(
        client,
        social,
        "pension",
        [pension_row(), pension_row("202502", 610)],
        django_capture_on_commit_callbacks,
    )
    again = client.get(again["status_url"], **bearer(social)).json()
    assert (again["rows_created"], again["rows_updated"], again["rows_unchanged"]) == (0, 0, 2)


def test_a_partner_pushes_only_its_own_kind(client, social, django_capture_on_commit_callbacks):
    status, body = push(client, social, "medical", [pension_row()], django_capture_on_commit_callbacks)
    assert status == 403
    assert body == {"detail": "合作方类型“人社（职工养老保险）”无权推送“职工医保缴费”数据"}
    assert ImportBatch.objects.count() == 0


def test_missing_bad_and_revoked_tokens_get_401_in_chinese(client, social):
    url = "/api/v1/registry/batches"
    assert client.get(url).json() == {"detail": "缺少访问令牌：请在请求头 Authorization 中提供“Bearer 令牌”"}
    wrong = client.get(url, HTTP_AUTHORIZATION="Bearer nope")
    assert (wrong.status_code, wrong.json()) == (401, {"detail": "访问令牌无效或已停用"})
    PartnerToken.objects.update(active=False)
    assert client.get(url, **bearer(social)).status_code == 401
    PartnerToken.objects.update(active=True)
    social.partner.active = False
    social.partner.save()
    assert client.get(url, **bearer(social)).status_code == 401


def test_a_partner_sees_only_its_own_batches(client, social, regions, django_capture_on_commit_callbacks):
    other = partner_token_issue(name="内蒙古医保局", kind=PartnerKind.MEDICAL_INSURANCE, province_code="15")
    _, body = push(client, social, "pension", [pension_row()], django_capture_on_commit_callbacks)
    assert client.get(f"/api/v1/registry/batches/{body['id']}", **bearer(other)).status_code == 404
    assert client.get("/api/v1/registry/batches", **bearer(other)).json() == []
    assert [b["id"] for b in client.get("/api/v1/registry/batches", **bearer(social)).json()] == [body["id"]]


def test_file_upload_goes_through_the_same_importer(client, social, django_capture_on_commit_callbacks):
    content = "身份证号,缴费单位统一社会信用代码,所属年月,缴费金额,参保地行政区划代码\n"
    content += f"{PERSON},{EMPLOYER},202501,600,150102\n"
    upload = SimpleUploadedFile("养老.csv", content.encode("gbk"), content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/v1/registry/pension/files", {"file": upload}, **bearer(social))
    assert response.status_code == 202
    body = client.get(response.json()["status_url"], **bearer(social)).json()
    assert (body["status"], body["rows_created"]) == ("done", 1)
    batch = ImportBatch.objects.get(pk=body["id"])
    assert batch.file_name == "养老.csv" and "养老" not in batch.payload  # the name is never a path


def test_a_wrong_file_is_rejected_with_a_clear_message(client, social, django_capture_on_commit_callbacks):
    upload = SimpleUploadedFile("pension.csv", b"%PDF-1.5 ...", content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        accepted = client.post("/api/v1/registry/pension/files", {"file": upload}, **bearer(social)).json()
    body = client.get(accepted["status_url"], **bearer(social)).json()
    assert (body["status"], body["status_label"]) == ("rejected", "已拒绝")
    assert body["message"].startswith("文件类型不支持（检测到：PDF 文档）")


def test_push_validation_errors_are_4xx(client, social, settings, django_capture_on_commit_callbacks):
    status, _ = push(client, social, "pension", [], django_capture_on_commit_callbacks)
    assert status == 422
    response = client.post(
        "/api/v1/registry/pension/batches", "not json", content_type="application/json", **bearer(social)
    )
    assert 400 <= response.status_code < 500


def test_rate_limit_per_token_answers_429_in_chinese(client, social, registry_partner, settings):
    settings.API_RATE_LIMIT_PER_MINUTE = 2
    url = "/api/v1/registry/batches"
    assert [client.get(url, **bearer(social)).status_code for _ in range(2)] == [200, 200]
    third = client.get(url, **bearer(social))
    assert third.status_code == 429
    assert re.fullmatch(r"请求过于频繁：每分钟最多 2 次请求，请 \d+ 秒后重试", third.json()["detail"])
    # Another token has its own allowance.
    assert client.get(url, **bearer(registry_partner)).status_code == 200


def _registry_person(db_batch_kind="person"):
    batch = ImportBatch.objects.create(kind=db_batch_kind, channel="command", sha256="0" * 64)
    stamp = {"source": "disability_registry", "batch": batch, "received_at": batch.received_at}
    RegistryPerson.objects.create(
        id_number=PERSON,
        name="王建军",
        sex="男",
        birth_date=date(1980, 5, 1),
        household_region="150102",
        **stamp,
    )
    Certificate.objects.create(
        number=f"{PERSON}42",
        id_number=PERSON,
        kind="残疾人证",
        category=4,
        level=2,
        valid_from=date(2020, 1, 1),
        valid_until=date(2029, 12, 31),
        status="valid",
        region_code="150102",
        **stamp,
    )


def test_person_lookup_for_the_portal_session(client, regions):
    from django.utils import timezone

    from anbili.placements.models import Placement
    from tests.factories import MembershipFactory, StaffFactory

    _registry_person()
    url = f"/api/v1/registry/persons/{PERSON}"
    assert client.get(url).status_code == 401
    membership = MembershipFactory()
    client.force_login(membership.user, backend="anbili.accounts.backends.AccountBackend")
    session = client.session
    session["current_employer_id"] = membership.employer_id
    session.save()
    # An employer only for a person it is registering (tests/api/test_api_person_lookup.py has the rest).
    assert client.get(url).status_code == 404
    Placement.objects.create(
        employer=membership.employer,
        business_year=timezone.localdate().year - 1,
        id_number=PERSON,
        sex="男",
        birth_date=date(1980, 5, 1),
    )
    body = client.get(url).json()
    assert (body["id_number"], body["current_certificate"]["number"]) == (PERSON, f"{PERSON}42")
    client.logout()
    client.force_login(StaffFactory(), backend="anbili.accounts.backends.AccountBackend")
    assert client.get(url).json()["name"] == "王建军"


def test_person_lookup_by_partner_scope(client, registry_partner, social, regions):
    _registry_person()
    url = f"/api/v1/registry/persons/{PERSON}"
    body = client.get(url, **bearer(registry_partner)).json()
    assert (body["name"], body["sex"], body["household_region_name"]) == (
        "王建军",
        "男",
        "内蒙古自治区 / 呼和浩特市 / 新城区",
    )
    assert (
        body["current_certificate"]["category_label"] == "肢体残疾"
        and body["current_certificate"]["in_force"]
    )
    assert client.get(url, **bearer(social)).json() == {"detail": "本合作方无权查询残疾人信息"}
    jiangxi = partner_token_issue(
        name="江西残联人口库", kind=PartnerKind.DISABILITY_REGISTRY, province_code="36"
    )
    assert client.get(url, **bearer(jiangxi)).status_code == 404
    bad = client.get(f"/api/v1/registry/persons/{PERSON[:17]}0", **bearer(registry_partner))
    assert bad.status_code == 400 and "校验码错误" in bad.json()["detail"]
    unknown = client.get(
        f"/api/v1/registry/persons/{make_id_number('150102', date(1999, 1, 1), 5)}",
        **bearer(registry_partner),
    )
    assert unknown.status_code == 404 and "请手工填写带*的信息" in unknown.json()["detail"]


def test_docs_page_uses_bundled_swagger_ui_and_no_cdn(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    external = re.findall(r"""(?:src|href)=["'](https?:)?//""", html)
    assert external == [], "the docs page must not load anything from another host"
    assert not re.search(r"cdn|jsdelivr|unpkg", html, re.IGNORECASE)


def test_every_operation_declares_its_4xx_responses(client):
    schema = client.get("/api/v1/openapi.json").json()
    registry_ops = [
        (path, method, op)
        for path, methods in schema["paths"].items()
        for method, op in methods.items()
        if path.startswith("/api/v1/registry/")
    ]
    assert len(registry_ops) == 17
    for path, method, op in registry_ops:
        codes = {int(code) for code in op["responses"]}
        assert {401, 429} <= codes, (path, method, codes)
        assert any(400 <= code < 500 for code in codes - {401, 429}), (path, method)
