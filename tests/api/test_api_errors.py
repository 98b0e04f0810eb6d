"""Every refusal of the data-exchange API is JSON in Chinese and never a 500: bodies too large (413),
broken multipart (400), request-format errors (422 naming the field and row), unknown URLs (404), wrong
methods (405), missing credentials (401); and the OpenAPI document declares each of these responses."""

import json

import pytest
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseServerError
from django.test import RequestFactory
from django.urls import resolve

from anbili.api.middleware import ApiJsonErrorMiddleware
from anbili.registry.models import PartnerKind
from anbili.registry.services import partner_token_issue

PUSH = "/api/v1/registry/person/batches"
UPLOAD = "/api/v1/registry/person/files"
LEVY = "/api/v1/levy/estimate"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


@pytest.fixture
def auth(regions) -> dict[str, str]:
    issued = partner_token_issue(
        name="内蒙古残联人口库", kind=PartnerKind.DISABILITY_REGISTRY, province_code="15"
    )
    return {"HTTP_AUTHORIZATION": f"Bearer {issued.token}"}


def chinese_json(response) -> dict:
    assert response["Content-Type"].startswith("application/json"), response.content[:200]
    body = response.json()
    assert any("\u4e00" <= char <= "\u9fff" for char in body["detail"]), body
    return body


def test_a_json_body_beyond_the_upload_limit_is_413(client, auth, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    rows = [{"id_number": "150102198005010011", "name": "张三" * 20, "household_region": "150102"}] * 20
    response = client.post(PUSH, json.dumps({"rows": rows}), content_type="application/json", **auth)
    assert response.status_code == 413
    assert chinese_json(response)["detail"].startswith("请求内容过大")


def test_the_public_levy_estimate_refuses_a_large_body_with_413(client, regions, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    response = client.post(LEVY, json.dumps({"province": "15" * 1000}), content_type="application/json")
    assert response.status_code == 413
    assert chinese_json(response)["detail"].startswith("请求内容过大")


class Unreadable:
    """A request body that fails when read: what a client that stops sending looks like to Django."""

    def read(self, *args):
        raise OSError("connection reset")

    def close(self):
        pass


def test_an_upload_declared_larger_than_allowed_is_413_before_it_is_read(auth, settings):
    settings.REGISTRY_IMPORT_MAX_BYTES = 1024 * 1024
    request = RequestFactory().post(
        UPLOAD,
        b"",
        content_type="multipart/form-data; boundary=XyZ",
        CONTENT_LENGTH=str(2 * 1024 * 1024),
        **auth,
    )
    request._stream = Unreadable()

    def upload_view(request):
        raise AssertionError("the view ran: Django would have streamed the whole body to disk")

    response = ApiJsonErrorMiddleware(upload_view)(request)
    assert response.status_code == 413
    assert json.loads(response.content) == {"detail": "请求内容过大：单个文件最多 1 MB"}


def test_multipart_without_a_boundary_is_400(client, auth):
    response = client.generic("POST", UPLOAD, b"file=abc", content_type="multipart/form-data", **auth)
    assert response.status_code == 400
    assert "boundary" in chinese_json(response)["detail"]


def test_a_broken_multipart_body_is_400(client, auth):
    # A part header that never ends: Django refuses the body while parsing it.
    body = b'--XyZ\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n' + b"x" * 10
    response = client.generic(
        "POST", UPLOAD, body, content_type="multipart/form-data; boundary=XyZ\x00", **auth
    )
    assert response.status_code == 400
    chinese_json(response)


def test_too_many_multipart_fields_are_400(client, auth, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5
    response = client.post(UPLOAD, {f"field{n}": "x" for n in range(10)}, **auth)
    assert response.status_code == 400
    assert chinese_json(response) == {"detail": "请求字段过多：最多 5 个"}


def test_a_body_the_client_stops_sending_is_400(auth):
    request = RequestFactory().post(PUSH, b"{}", content_type="application/json", **auth)
    request._stream = Unreadable()  # what Django reads the body from; an OSError there is UnreadablePostError
    match = resolve(PUSH)
    response = match.func(request, **match.kwargs)
    assert response.status_code == 400
    assert json.loads(response.content) == {"detail": "请求内容未能完整接收，请重试"}


def test_a_body_that_is_not_json_is_400_in_chinese(client, auth):
    response = client.post(PUSH, "not json", content_type="application/json", **auth)
    assert response.status_code == 400
    assert chinese_json(response) == {"detail": "请求内容不是有效的 JSON"}


def test_validation_errors_name_the_field_and_row_in_chinese(client, auth):
    rows = [
        {"id_number": "150102198005010011", "name": "张三", "household_region": "150102"},
        {"name": ["张三"], "household_region": "150102"},
    ]
    response = client.post(PUSH, json.dumps({"rows": rows}), content_type="application/json", **auth)
    assert response.status_code == 422
    body = chinese_json(response)
    assert body["errors"] == [
        {
            "loc": ["body", "payload", "rows", 1, "id_number"],
            "type": "missing",
            "message": "「rows」第 2 行「id_number」为必填项",
        },
        {
            "loc": ["body", "payload", "rows", 1, "name"],
            "type": "string_type",
            "message": "「rows」第 2 行「name」应为字符串",
        },
    ]
    assert (
        body["detail"]
        == "请求格式有误：「rows」第 2 行「id_number」为必填项；「rows」第 2 行「name」应为字符串"
    )


def test_a_boolean_or_a_list_where_text_or_a_number_belongs_is_one_422(client, regions):
    issued = partner_token_issue(name="人社", kind=PartnerKind.SOCIAL_INSURANCE, province_code="15")
    row = {"id_number": "1", "payer_uscc": "2", "month": [202501], "amount": False, "region_code": "150102"}
    response = client.post(
        "/api/v1/registry/pension/batches",
        json.dumps({"rows": [row]}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {issued.token}",
    )
    assert response.status_code == 422
    assert [error["message"] for error in response.json()["errors"]] == [
        "「rows」第 1 行「month」应为字符串或数字",
        "「rows」第 1 行「amount」应为字符串或数字",
    ]


def test_an_empty_body_and_query_errors_are_chinese(client, auth):
    empty = client.post(PUSH, b"", content_type="application/json", **auth)
    assert (empty.status_code, empty.json()["errors"][0]["message"]) == (422, "请求体为必填项")
    rows = client.post(PUSH, json.dumps({"rows": []}), content_type="application/json", **auth)
    assert rows.json()["errors"][0]["message"] == "「rows」至少 1 项"
    text = client.get("/api/v1/registry/batches?limit=abc", **auth)
    assert (text.status_code, text.json()["errors"][0]["message"]) == (422, "「limit」应为整数")
    big = client.get("/api/v1/registry/batches?limit=999", **auth)
    assert big.json()["errors"][0] == {
        "loc": ["query", "limit"],
        "type": "less_than_equal",
        "message": "「limit」应不大于 200",
    }


def test_unknown_api_urls_and_wrong_methods_are_json(client, auth):
    unknown = client.get("/api/v1/registry/nothing-here", **auth)
    assert unknown.status_code == 404
    assert chinese_json(unknown) == {"detail": "没有这个接口：/api/v1/registry/nothing-here"}
    wrong = client.delete(PUSH, **auth)
    assert wrong.status_code == 405 and wrong["Allow"] == "POST"
    assert chinese_json(wrong) == {"detail": "该接口不支持 DELETE 方法，可用：POST"}


def test_missing_credentials_are_401_in_chinese(client, regions):
    for url in ("/api/v1/registry/batches", "/api/v1/registry/persons/150102198005010011"):
        response = client.get(url)
        assert response.status_code == 401
        chinese_json(response)


def test_pages_outside_the_api_keep_their_html_errors(client, db):
    response = client.get("/portal/nothing-here/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_an_html_server_error_under_api_becomes_json_with_its_headers():
    # What Django's handler500 renders when a view fails; the middleware only swaps the body.
    def failing_view(request):
        response = HttpResponseServerError("<h1>Server Error</h1>")
        response["Retry-After"] = "30"
        return response

    response = ApiJsonErrorMiddleware(failing_view)(RequestFactory().get("/api/v1/levy/estimate"))
    assert (response.status_code, response["Retry-After"]) == (500, "30")
    assert json.loads(response.content) == {
        "detail": "服务器内部错误，请稍后重试；如持续出现请联系系统管理员"
    }
    page = ApiJsonErrorMiddleware(lambda request: HttpResponse("<p>", status=500))(
        RequestFactory().get("/portal/")
    )
    assert page.content == b"<p>"


def test_the_openapi_document_declares_every_error_response(client, db):
    spec = client.get("/api/v1/openapi.json").json()
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            codes = set(operation["responses"])
            if "requestBody" in operation:
                assert {"400", "413", "422"} <= codes, (method, path)
            if operation.get("parameters"):
                assert "422" in codes, (method, path)
            if operation.get("security"):
                assert {"401", "429"} <= codes, (method, path)
    push = spec["paths"][PUSH]["post"]["responses"]
    assert push["422"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ValidationErrorOut"
    }
    assert spec["components"]["schemas"]["FieldErrorOut"]["required"] == ["loc", "type", "message"]
