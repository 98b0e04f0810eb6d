"""The data-exchange API (数据交换接口) under /api/v1: one NinjaAPI, one router per area.

The OpenAPI document is at /api/v1/openapi.json and the docs page at /api/v1/docs, both served from our own
static files (django-ninja ships Swagger UI; no CDN).

Every error is JSON in Chinese (anbili.api.errors, and anbili.api.middleware for what happens outside a view);
the OpenAPI document declares each error response an operation can give.
"""

from typing import Any

from ninja import NinjaAPI

from anbili.api.errors import document_errors, install_error_handlers
from anbili.api.levy import router as levy_router
from anbili.api.registry import router as registry_router


class DataExchangeAPI(NinjaAPI):
    def set_default_exception_handlers(self) -> None:
        super().set_default_exception_handlers()
        install_error_handlers(self)

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        return document_errors(super().get_openapi_schema(*args, **kwargs))


api = DataExchangeAPI(
    title="全国残疾人按比例就业情况联网认证 数据交换接口",
    version="1.0.0",
    description="税务、人社、医保、残疾人人口基础库与劳务派遣备案等合作方的数据交换接口。",
    urls_namespace="api",
)
api.add_router("/registry", registry_router)
api.add_router("/levy", levy_router)
