"""Error responses under /api/ are JSON in Chinese even where ninja never sees the request.

Ninja's own exception handlers (anbili.api.errors) cover what happens inside an API view. What this
middleware catches is produced outside one: an unknown /api/ URL (Django's 404 page), a method the path does
not have (ninja answers 405 with a plain text body), and whatever Django's error handlers render as HTML (a
400 from a middleware that read the body, a 500). The status and headers (Allow, Retry-After) stay as they
are; only the body is replaced. A body declared larger than any upload may be is refused (413) before it is
read.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase

API_PREFIX = "/api/"

STATUS_MESSAGES = {
    400: "请求无法解析，请检查请求格式",
    401: "未登录或缺少访问令牌",
    403: "无权访问",
    404: "没有这个接口：{path}",
    408: "请求超时，请重试",
    413: "请求内容过大",
    415: "不支持的请求内容类型",
    429: "请求过于频繁，请稍后重试",
    500: "服务器内部错误，请稍后重试；如持续出现请联系系统管理员",
    502: "服务暂时不可用，请稍后重试",
    503: "服务暂时不可用，请稍后重试",
}


def _message(request: HttpRequest, response: HttpResponseBase) -> str:
    status = response.status_code
    if status == 405:
        allowed = "、".join(part.strip() for part in response.get("Allow", "").split(",") if part.strip())
        return f"该接口不支持 {request.method} 方法" + (f"，可用：{allowed}" if allowed else "")
    default = "服务器内部错误，请稍后重试" if status >= 500 else "请求无法处理"
    return STATUS_MESSAGES.get(status, default).format(path=request.path)


# Room for the multipart framing around the largest file a partner may upload.
MULTIPART_OVERHEAD = 64 * 1024


def _declared_too_large(request: HttpRequest) -> str:
    """Refuse, before a byte of it is read, a body that declares itself larger than the largest upload:
    Django streams file parts to disk without a limit, so the upload route's own check would come only
    after the whole file had been written."""
    if not request.path.startswith(API_PREFIX):
        return ""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return ""
    limit = settings.REGISTRY_IMPORT_MAX_BYTES
    if length <= limit + MULTIPART_OVERHEAD:
        return ""
    return f"请求内容过大：单个文件最多 {limit / (1024 * 1024):g} MB"


def _json(status: int, detail: str) -> HttpResponse:
    return HttpResponse(
        json.dumps({"detail": detail}, ensure_ascii=False),
        status=status,
        content_type="application/json; charset=utf-8",
    )


class ApiJsonErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        too_large = _declared_too_large(request)
        if too_large:
            return _json(413, too_large)
        response = self.get_response(request)
        if (
            response.status_code < 400
            or not request.path.startswith(API_PREFIX)
            or response.get("Content-Type", "").startswith("application/json")
            or getattr(response, "streaming", False)
        ):
            return response
        replacement = _json(response.status_code, _message(request, response))
        for header, value in response.items():
            if header.lower() not in {"content-type", "content-length"}:
                replacement[header] = value
        for cookie in response.cookies.values():
            replacement.cookies[cookie.key] = cookie
        return replacement
