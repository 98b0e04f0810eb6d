"""Partner security through the API: the stored row decides a push's province (JSON rows and file uploads),
and expired or revoked tokens get 401 in Chinese."""

import json
from datetime import date, timedelta

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from anbili.core.identifiers import make_id_number, make_uscc
from anbili.registry.models import (
    Certificate,
    MarketUnit,
    PartnerKind,
    PartnerToken,
    PensionMonth,
    RegistryPerson,
)
from anbili.registry.services import partner_token_issue, partner_token_revoke

# Dates ("today", the business year) come from a frozen clock, not from when the suite runs.
pytestmark = pytest.mark.usefixtures("frozen_clock")

JIANGXI_PERSON = make_id_number("360102", date(1985, 3, 4), 31)
JIANGXI_UNIT = make_uscc("91360102MA0000009")


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


def bearer(issued) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {issued.token}"}


def push(client, issued, kind: str, rows: list[dict], capture) -> dict:
    with capture(execute=True):
        response = client.post(
            f"/api/v1/registry/{kind}/batches",
            json.dumps({"rows": rows}),
            content_type="application/json",
            **bearer(issued),
        )
    assert response.status_code == 202, response.content
    return client.get(response.json()["status_url"], **bearer(issued)).json()


def upload(client, issued, kind: str, content: bytes, name: str, capture) -> dict:
    with capture(execute=True):
        response = client.post(
            f"/api/v1/registry/{kind}/files",
            {"file": SimpleUploadedFile(name, content, content_type="text/csv")},
            **bearer(issued),
        )
    assert response.status_code == 202, response.content
    return client.get(response.json()["status_url"], **bearer(issued)).json()


def issue(kind: str, province: str):
    return partner_token_issue(name=f"{province}{kind}", kind=kind, province_code=province)


@pytest.fixture
def jiangxi_rows(regions, client, django_capture_on_commit_callbacks):
    """江西's own partners push a person, a certificate, a pension month and a market unit."""
    capture = django_capture_on_commit_callbacks
    registry = issue(PartnerKind.DISABILITY_REGISTRY, "36")
    push(client, registry, "person", [_person("刘小红", "360102")], capture)
    push(client, registry, "certificate", [_certificate("正常", "360102")], capture)
    push(
        client, issue(PartnerKind.SOCIAL_INSURANCE, "36"), "pension", [_pension("800.00", "360102")], capture
    )
    push(
        client,
        issue(PartnerKind.MARKET_REGISTRY, "36"),
        "market_unit",
        [_unit("江西赣江食品有限公司", "360102")],
        capture,
    )


def _person(name: str, region: str) -> dict:
    return {"id_number": JIANGXI_PERSON, "name": name, "household_region": region}


def _certificate(status: str, region: str) -> dict:
    return {
        "number": f"{JIANGXI_PERSON}14",
        "id_number": JIANGXI_PERSON,
        "kind": "残疾人证",
        "category": 1,
        "level": 4,
        "valid_from": "2020-01-01",
        "valid_until": "2030-12-31",
        "status": status,
        "region_code": region,
    }


def _pension(amount: str, region: str) -> dict:
    return {
        "id_number": JIANGXI_PERSON,
        "payer_uscc": JIANGXI_UNIT,
        "month": "202501",
        "amount": amount,
        "region_code": region,
    }


def _unit(name: str, region: str) -> dict:
    return {"uscc": JIANGXI_UNIT, "name": name, "nature": "企业", "region_code": region}


def test_the_probe_of_issue_10_is_refused_row_by_row(
    client, jiangxi_rows, django_capture_on_commit_callbacks
):
    """The four changes the attack made with a 内蒙古 token: pension amount, person's name, certificate
    revoked, market unit renamed."""
    capture = django_capture_on_commit_callbacks
    registry = issue(PartnerKind.DISABILITY_REGISTRY, "15")
    attempts = [
        (registry, "person", _person("冒名顶替", "150102"), "户籍地行政区划代码"),
        (registry, "certificate", _certificate("已注销", "150102"), "发证地行政区划代码"),
        (
            issue(PartnerKind.SOCIAL_INSURANCE, "15"),
            "pension",
            _pension("1.00", "150102"),
            "参保地行政区划代码",
        ),
        (
            issue(PartnerKind.MARKET_REGISTRY, "15"),
            "market_unit",
            _unit("改名", "150102"),
            "登记地行政区划代码",
        ),
    ]
    for issued, kind, row, column in attempts:
        detail = push(client, issued, kind, [row], capture)
        assert (detail["status"], detail["rows_failed"], detail["rows_updated"]) == ("done", 1, 0), kind
        [error] = detail["errors"]
        assert (error["row"], error["column"]) == (1, column)
        assert "属于江西省" in error["message"] and error["message"].endswith("本行未导入")
    assert RegistryPerson.objects.get().name == "刘小红"
    assert Certificate.objects.get().status == "valid"
    assert str(PensionMonth.objects.get().amount) == "800.00"
    assert MarketUnit.objects.get().name == "江西赣江食品有限公司"


def test_a_file_upload_is_held_to_the_stored_row_too(
    client, jiangxi_rows, django_capture_on_commit_callbacks
):
    content = "身份证号,缴费单位统一社会信用代码,所属年月,缴费金额,参保地行政区划代码\n"
    content += f"{JIANGXI_PERSON},{JIANGXI_UNIT},202502,600,150102\n"
    content += f"{JIANGXI_PERSON},{JIANGXI_UNIT},202501,1,150102\n"
    detail = upload(
        client,
        issue(PartnerKind.SOCIAL_INSURANCE, "15"),
        "pension",
        content.encode("gbk"),
        "养老.csv",
        django_capture_on_commit_callbacks,
    )
    assert (detail["rows_created"], detail["rows_updated"], detail["rows_failed"]) == (1, 0, 1)
    assert [error["row"] for error in detail["errors"]] == [3]  # the header is row 1
    assert str(PensionMonth.objects.get(month=202501).amount) == "800.00"


# --- expiry and revocation -----------------------------------------------------------------------------

URL = "/api/v1/registry/batches"


def test_an_expired_token_gets_401_in_chinese(client, regions):
    issued = partner_token_issue(
        name="内蒙古人社厅",
        kind=PartnerKind.SOCIAL_INSURANCE,
        province_code="15",
        expires_at=timezone.now() + timedelta(minutes=5),
    )
    assert client.get(URL, **bearer(issued)).status_code == 200
    PartnerToken.objects.filter(pk=issued.record.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.get(URL, **bearer(issued))
    assert response.status_code == 401
    assert response.json()["detail"].startswith("访问令牌已于")
    assert "过期" in response.json()["detail"] and "重新签发" in response.json()["detail"]


def test_a_revoked_token_gets_401_in_chinese(client, regions):
    issued = issue(PartnerKind.SOCIAL_INSURANCE, "15")
    assert client.get(URL, **bearer(issued)).status_code == 200
    partner_token_revoke(token_id=issued.record.pk, reason="令牌泄露")
    response = client.get(URL, **bearer(issued))
    assert response.status_code == 401
    assert "吊销" in response.json()["detail"]
    # The partner's other tokens keep working.
    other = partner_token_issue(name=issued.partner.name, kind=issued.partner.kind, province_code="15")
    assert client.get(URL, **bearer(other)).status_code == 200
