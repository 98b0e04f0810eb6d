"""The project's own error pages (issue #10 item 7): Chinese, accessible, never Django's debug page or URL
list, and rendered even when the request never got through the middleware that adds the user."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.test import Client, RequestFactory
from django.urls import path
from django.views import defaults

from config.urls import urlpatterns as project_urlpatterns

ROOT = Path(__file__).resolve().parents[2]
DEBUG_MARKS = ("Using the URLconf", "Traceback", "Django tried these URL patterns", "DEBUG = True")


def _raises(request: HttpRequest):
    raise RuntimeError("boom")


def _forbidden(request: HttpRequest):
    raise PermissionDenied


urlpatterns = [*project_urlpatterns, path("test-error/", _raises), path("test-forbidden/", _forbidden)]


def assert_project_page(html: str, heading: str) -> None:
    assert '<html lang="zh-CN">' in html and f">{heading}</h1>" in html
    assert html.count("<h1") == 1 and '<main id="main"' in html and 'class="skip-link"' in html
    assert "全国残疾人按比例就业情况联网认证" in html
    for mark in DEBUG_MARKS:
        assert mark not in html


@pytest.mark.django_db
def test_404_is_the_project_page(client: Client):
    response = client.get("/portal/no-such-page/")
    assert response.status_code == 404
    assert_project_page(response.content.decode(), "页面不存在")


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_403_and_500_are_the_project_pages():
    client = Client(raise_request_exception=False)
    forbidden = client.get("/test-forbidden/")
    assert forbidden.status_code == 403
    assert_project_page(forbidden.content.decode(), "无权访问")
    error = client.get("/test-error/")
    assert error.status_code == 500
    assert_project_page(error.content.decode(), "系统繁忙，请稍后再试")


def test_a_foreign_host_gets_the_project_400_page(client: Client):
    """DisallowedHost is raised before the authentication middleware: the page must not need request.user."""
    response = client.get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert_project_page(response.content.decode(), "请求无效")


@pytest.mark.parametrize(
    ("view", "status", "heading"),
    [
        (defaults.bad_request, 400, "请求无效"),
        (defaults.permission_denied, 403, "无权访问"),
        (defaults.page_not_found, 404, "页面不存在"),
    ],
)
def test_error_pages_render_for_a_bare_request(view, status, heading):
    """A request the middleware never saw (no user, no session, no employer) still gets the page."""
    request = RequestFactory().get("/portal/anything/")
    response = view(request, Exception())
    assert response.status_code == status
    assert_project_page(response.content.decode(), heading)


def test_500_page_needs_no_request():
    response = defaults.server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert_project_page(response.content.decode(), "系统繁忙，请稍后再试")


def _dev_request(path: str, **env: str) -> str:
    """GET `path` with `make run`'s settings (config.settings.dev) in a fresh process."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    environ.update(DJANGO_SETTINGS_MODULE="config.settings.dev", **env)
    code = (
        "import django; django.setup(); from django.test import Client; "
        f"r = Client(raise_request_exception=False).get({path!r}, HTTP_HOST='127.0.0.1'); "
        "print(r.status_code); print(r.content.decode())"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environ, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_make_run_settings_show_the_project_404_not_the_url_list():
    output = _dev_request("/portal/no-such-page/")
    assert output.startswith("404\n")
    assert_project_page(output.split("\n", 1)[1], "页面不存在")
