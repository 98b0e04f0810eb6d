"""One error format for the whole data-exchange API, in Chinese: every refusal is JSON with a `detail` text.

- 4xx from our own routes (`HttpError`) and from Django while it reads the request (too large, broken
  multipart, unreadable body) become `{"detail": "…"}`.
- Request-format errors (ninja's pydantic validation, 422) become `{"detail": "…", "errors": [{"loc", "type",
  "message"}]}`: `message` names the field (and the row of a pushed batch) in Chinese, `loc` and `type` are
  pydantic's, for partners' programs.
- `document_errors` declares these responses in the OpenAPI document for every operation that can return
  them, in one place, so that a new route cannot forget one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from django.conf import settings
from django.core.exceptions import (
    BadRequest,
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.http import Http404, HttpRequest, HttpResponse, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, Throttled, ValidationError
from pydantic import BeforeValidator, Field
from pydantic_core import PydanticCustomError


class ErrorOut(Schema):
    detail: str = Field(description="错误说明（中文）")


class FieldErrorOut(Schema):
    loc: list[str | int] = Field(description="出错位置：来源（body / query / path / file）及字段路径")
    type: str = Field(description="错误类型（机器可读，如 missing、int_parsing）")
    message: str = Field(description="中文说明，写明字段（批量推送时写明第几行）")


class ValidationErrorOut(Schema):
    detail: str = Field(description="错误汇总（中文）")
    errors: list[FieldErrorOut]


def _scalar(value: Any) -> Any:
    # Without this, pydantic's lax mode reads true/false as 1/0 and reports a list once per union member.
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise PydanticCustomError("scalar_type", "Input should be a string or a number")
    return value


# A pushed value that may come as text or as a number (a month 202501 or "202501"); checked row by row later.
Scalar = Annotated[str | int | float, BeforeValidator(_scalar)]


# --- messages ----------------------------------------------------------------------------------------

# ninja's own English texts, raised as HttpError where we cannot pass a message of our own.
NINJA_MESSAGES = {
    "Cannot parse request body": "请求内容不是有效的 JSON",
    "Unauthorized": "未登录或缺少访问令牌",
    "Forbidden": "无权访问",
    "Too many requests.": "请求过于频繁，请稍后重试",
    "CSRF check Failed": "页面已过期（CSRF 校验失败），请刷新后重试",
}

SOURCE_LABELS = {
    "body": "请求体",
    "query": "查询参数",
    "path": "路径参数",
    "file": "上传文件",
    "form": "表单",
}

# pydantic error type → sentence; {f} is the field, the other names come from the error's ctx.
TYPE_MESSAGES = {
    "missing": "{f}为必填项",
    "string_type": "{f}应为字符串",
    "string_too_short": "{f}至少 {min_length} 个字符",
    "string_too_long": "{f}最多 {max_length} 个字符",
    "string_pattern_mismatch": "{f}格式不正确",
    "string_unicode": "{f}应为有效的 Unicode 文本",
    "int_type": "{f}应为整数",
    "int_parsing": "{f}应为整数",
    "int_from_float": "{f}应为整数（不能有小数）",
    "int_parsing_size": "{f}超出整数范围",
    "float_type": "{f}应为数字",
    "float_parsing": "{f}应为数字",
    "finite_number": "{f}应为有限的数字",
    "decimal_type": "{f}应为数字",
    "decimal_parsing": "{f}应为数字",
    "bool_type": "{f}应为布尔值（true 或 false）",
    "bool_parsing": "{f}应为布尔值（true 或 false）",
    "greater_than": "{f}应大于 {gt}",
    "greater_than_equal": "{f}应不小于 {ge}",
    "less_than": "{f}应小于 {lt}",
    "less_than_equal": "{f}应不大于 {le}",
    "multiple_of": "{f}应为 {multiple_of} 的倍数",
    "list_type": "{f}应为数组",
    "tuple_type": "{f}应为数组",
    "set_type": "{f}应为数组",
    "too_short": "{f}至少 {min_length} 项",
    "too_long": "{f}最多 {max_length} 项",
    "dict_type": "{f}应为对象",
    "model_type": "{f}应为对象",
    "model_attributes_type": "{f}应为对象",
    "dataclass_type": "{f}应为对象",
    "extra_forbidden": "{f}不是可接受的字段",
    "literal_error": "{f}应为以下之一：{expected}",
    "enum": "{f}应为以下之一：{expected}",
    "date_type": "{f}应为日期（如 2025-01-31）",
    "date_parsing": "{f}应为日期（如 2025-01-31）",
    "date_from_datetime_parsing": "{f}应为日期（如 2025-01-31）",
    "date_from_datetime_inexact": "{f}应为日期（如 2025-01-31），不带时间",
    "datetime_type": "{f}应为日期时间（如 2025-01-31T08:00:00+08:00）",
    "datetime_parsing": "{f}应为日期时间（如 2025-01-31T08:00:00+08:00）",
    "datetime_from_date_parsing": "{f}应为日期时间（如 2025-01-31T08:00:00+08:00）",
    "json_invalid": "{f}不是有效的 JSON",
    "json_type": "{f}应为 JSON 文本",
    "none_required": "{f}应为空（null）",
    "uuid_type": "{f}应为 UUID",
    "uuid_parsing": "{f}应为 UUID",
    "url_type": "{f}应为网址",
    "url_parsing": "{f}应为网址",
    "scalar_type": "{f}应为字符串或数字",
}
FALLBACK_MESSAGE = "{f}的值无效"


def _field_path(loc: tuple[Any, ...] | list[Any]) -> tuple[str, list[Any]]:
    """The source and the field path a person reads: ninja prefixes the source and, for a body, the view's
    parameter name (`payload`), which means nothing to a partner."""
    if not loc:
        return "body", []
    source, rest = str(loc[0]), list(loc[1:])
    if source == "body" and rest:
        rest = rest[1:]
    return source, rest


def field_label(loc: tuple[Any, ...] | list[Any]) -> str:
    """「rows」第 3 行「id_number」, 「limit」, or 请求体 when the whole body is at fault."""
    source, path = _field_path(loc)
    if not path:
        return SOURCE_LABELS.get(source, source)
    parts: list[str] = []
    for index, part in enumerate(path):
        if isinstance(part, int):
            # Rows are numbered from 1, as in the batch status's row errors.
            parts.append(f"第 {part + 1} 行" if index == 1 and path[0] == "rows" else f"第 {part + 1} 项")
        else:
            parts.append(f"「{part}」")
    return "".join(parts)


def error_message(error: dict[str, Any]) -> str:
    """One pydantic error as a Chinese sentence naming its field."""
    kind = str(error.get("type", ""))
    template = TYPE_MESSAGES.get(kind, FALLBACK_MESSAGE)
    values = {key: _plain(value) for key, value in (error.get("ctx") or {}).items()}
    try:
        return template.format(f=field_label(error.get("loc", ())), **values)
    except (KeyError, IndexError, ValueError):
        return FALLBACK_MESSAGE.format(f=field_label(error.get("loc", ())))


def _plain(value: Any) -> str:
    # pydantic quotes literals as "'a', 'b' or 'c'"; Chinese text lists them with 、.
    text = str(value)
    return text.replace("' or '", "、").replace("', '", "、").strip("'")


def validation_errors(errors: list[dict[str, Any]]) -> dict[str, Any]:
    """The 422 body. One message per field: pydantic reports a value refused by a union once per member."""
    seen: set[tuple[str, str]] = set()
    items: list[dict[str, Any]] = []
    for error in errors:
        loc = [part if isinstance(part, int) else str(part) for part in error.get("loc", ())]
        message = error_message(error)
        key = (message, str(loc))
        if key in seen:
            continue
        seen.add(key)
        items.append({"loc": loc, "type": str(error.get("type", "")), "message": message})
    shown = "；".join(item["message"] for item in items[:5])
    more = f"等 {len(items)} 处" if len(items) > 5 else ""
    return {"detail": f"请求格式有误：{shown}{more}", "errors": items}


def too_large_message() -> str:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    size = f"{limit / (1024 * 1024):g} MB" if limit and limit >= 1024 * 1024 else f"{limit} 字节"
    return f"请求内容过大：JSON 请求体最多 {size}；更大的数据请分批推送或以文件上传"


BAD_BODY_MESSAGE = "请求内容无法解析：multipart/form-data 须带 boundary 且格式完整"
UNREADABLE_MESSAGE = "请求内容未能完整接收，请重试"
UNPARSABLE_MESSAGE = "请求无法解析，请检查请求格式"


# --- handlers ----------------------------------------------------------------------------------------


def install_error_handlers(api: NinjaAPI) -> None:
    """Replace ninja's English handlers; errors Django raises while reading the body are caught here too,
    because ninja reads the body inside the view. (Handlers take `Any`: ninja types them per class.)"""

    def respond(request: HttpRequest, body: dict[str, Any], status: int) -> HttpResponse:
        return api.create_response(request, body, status=status)

    def on_http_error(request: HttpRequest, exc: Any) -> HttpResponse:
        message = str(exc)
        return respond(request, {"detail": NINJA_MESSAGES.get(message, message)}, exc.status_code)

    def on_validation(request: HttpRequest, exc: Any) -> HttpResponse:
        return respond(request, validation_errors(exc.errors), 422)

    def fixed(status: int, message: str | Callable[[], str]) -> Callable[[HttpRequest, Any], HttpResponse]:
        def handler(request: HttpRequest, exc: Any) -> HttpResponse:
            return respond(request, {"detail": message() if callable(message) else message}, status)

        return handler

    # Subclasses (AuthenticationError, AuthorizationError, Throttled) have ninja handlers of their own.
    for http_error in (HttpError, AuthenticationError, AuthorizationError, Throttled):
        api.add_exception_handler(http_error, on_http_error)
    api.add_exception_handler(ValidationError, on_validation)
    api.add_exception_handler(Http404, fixed(404, "没有找到请求的记录"))
    api.add_exception_handler(RequestDataTooBig, fixed(413, too_large_message))
    api.add_exception_handler(MultiPartParserError, fixed(400, BAD_BODY_MESSAGE))
    api.add_exception_handler(UnreadablePostError, fixed(400, UNREADABLE_MESSAGE))
    api.add_exception_handler(
        TooManyFieldsSent,
        fixed(400, lambda: f"请求字段过多：最多 {settings.DATA_UPLOAD_MAX_NUMBER_FIELDS} 个"),
    )
    api.add_exception_handler(
        TooManyFilesSent, fixed(400, lambda: f"上传文件过多：最多 {settings.DATA_UPLOAD_MAX_NUMBER_FILES} 个")
    )
    # The other refusals Django raises while parsing a request.
    api.add_exception_handler(SuspiciousOperation, fixed(400, UNPARSABLE_MESSAGE))
    api.add_exception_handler(BadRequest, fixed(400, UNPARSABLE_MESSAGE))


# --- OpenAPI -----------------------------------------------------------------------------------------

ERROR_DESCRIPTIONS = {
    400: "请求无法解析（如 multipart 缺少 boundary）或取值不符合业务规则",
    401: "未登录，或缺少、无效的访问令牌",
    413: "请求内容过大",
    422: "请求格式校验失败：errors 逐项列出字段与原因",
    429: "请求过于频繁",
}


def document_errors(schema: dict[str, Any]) -> dict[str, Any]:
    """Add the API-wide error responses to every operation that can return them and does not declare its
    own: 400/413 where there is a body, 422 where ninja validates parameters or a body, 401/429 where a
    login or token is required."""
    _require_non_empty_files(schema)
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    for model in (ErrorOut, FieldErrorOut, ValidationErrorOut):
        model_schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
        for name, definition in model_schema.pop("$defs", {}).items():
            components.setdefault(name, definition)
        components.setdefault(model.__name__, model_schema)

    def ref(model: type[Schema]) -> dict[str, Any]:
        return {"$ref": f"#/components/schemas/{model.__name__}"}

    for path_item in schema.get("paths", {}).values():
        for operation in path_item.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            codes: dict[int, type[ErrorOut] | type[ValidationErrorOut]] = {}
            if "requestBody" in operation:
                codes |= {400: ErrorOut, 413: ErrorOut}
            if operation.get("parameters") or "requestBody" in operation:
                codes[422] = ValidationErrorOut
            if operation.get("security"):
                codes |= {401: ErrorOut, 429: ErrorOut}
            responses = operation["responses"]
            declared = {str(code) for code in responses}
            for code, model in sorted(codes.items()):
                if str(code) not in declared:
                    # ninja keys responses by int; the JSON document has strings either way.
                    responses[code] = {
                        "description": ERROR_DESCRIPTIONS[code],
                        "content": {"application/json": {"schema": ref(model)}},
                    }
    return schema


def _require_non_empty_files(schema: dict[str, Any]) -> None:
    """Every upload refuses an empty file (400 文件为空); the document says so, so that a client (and a
    fuzzer) knows that an empty file is invalid in form rather than refused by a rule it cannot see."""
    for path_item in schema.get("paths", {}).values():
        for operation in path_item.values():
            content = (
                operation.get("requestBody", {}).get("content", {}) if isinstance(operation, dict) else {}
            )
            body = content.get("multipart/form-data", {}).get("schema", {})
            for prop in body.get("properties", {}).values():
                if prop.get("type") == "string" and prop.get("format") == "binary":
                    prop.setdefault("minLength", 1)
