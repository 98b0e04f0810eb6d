"""The data-exchange API (数据交换接口) under /api/v1: one NinjaAPI, one router per area.

The OpenAPI document is at /api/v1/openapi.json and the docs page at /api/v1/docs, both served from our own
static files (django-ninja ships Swagger UI; no CDN).
"""

from ninja import NinjaAPI

from anbili.api.levy import router as levy_router
from anbili.api.registry import router as registry_router

api = NinjaAPI(
    title="全国残疾人按比例就业情况联网认证 数据交换接口",
    version="1.0.0",
    description="税务、人社、医保、残疾人人口基础库与劳务派遣备案等合作方的数据交换接口。",
    urls_namespace="api",
)
api.add_router("/registry", registry_router)
api.add_router("/levy", levy_router)
