from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView

from anbili.api.main import api
from anbili.portal.views_calculator import calculator_view
from anbili.web.admin_login import LOGIN_TEMPLATE as ADMIN_LOGIN_TEMPLATE
from anbili.web.admin_login import AdminLoginForm

admin.site.site_header = "按比例联网认证 系统管理"
admin.site.site_title = "系统管理"
# The admin login asks the same captcha and goes through the same lock-out as the two front ends.
admin.site.login_form = AdminLoginForm
admin.site.login_template = ADMIN_LOGIN_TEMPLATE

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
