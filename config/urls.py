from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView

from anbili.api.main import api
from anbili.portal.views_calculator import calculator_view

admin.site.site_header = "按比例联网认证 系统管理"
admin.site.site_title = "系统管理"

urlpatterns = [
    path("", TemplateView.as_view(template_name="entry.html"), name="entry"),
    path("calculator/", calculator_view, name="calculator"),
    path("portal/", include("anbili.portal.urls")),
    path("backoffice/", include("anbili.backoffice.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

if settings.OIDC_ENABLED:
    urlpatterns.append(path("oidc/", include("mozilla_django_oidc.urls")))
