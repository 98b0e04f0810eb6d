"""The review system's header and menu as in seed 004: "您好{name}，欢迎登录按比例联网认证申办系统。",
高拍仪插件, 修改密码, the role and region; the menu as tabs with the current page marked, by role."""

import re

import pytest
from django.urls import reverse

from anbili.accounts.models import StaffRole
from tests.factories import MembershipFactory, StaffFactory, region

pytestmark = pytest.mark.django_db
BACKEND = "anbili.accounts.backends.AccountBackend"


def _page(client, user, name: str = "backoffice:home") -> str:
    client.force_login(user, backend=BACKEND)
    response = client.get(reverse(name))
    assert response.status_code == 200
    return response.content.decode()


def _menu(page: str) -> list[str]:
    nav = page.split('aria-label="主菜单"', 1)[1].split("</nav>", 1)[0]
    return re.findall(r'class="nav-link"[^>]*>([^<]+)</a>', nav)


def test_header_reads_as_in_seed_004(client, regions):
    admin = StaffFactory(staff_role=StaffRole.ADMIN, region=region("150000"), full_name="管理员")
    page = _page(client, admin)
    assert "您好管理员，欢迎登录按比例联网认证申办系统。" in page
    assert f'href="{reverse("backoffice:scanner_help")}">高拍仪插件</a>' in page
    assert f'href="{reverse("backoffice:password")}">修改密码</a>' in page
    assert "系统管理员（内蒙古自治区）" in page


def test_a_county_reviewer_sees_their_role_and_county(client, regions):
    reviewer = StaffFactory(staff_role=StaffRole.REVIEWER, region=region("150102"), full_name="李审核")
    page = _page(client, reviewer)
    assert "您好李审核，欢迎登录按比例联网认证申办系统。" in page
    assert "审核员（新城区）" in page


def test_menu_is_tabs_with_the_current_page_marked(client, regions):
    page = _page(client, StaffFactory(staff_role=StaffRole.SUPERVISOR, region=region("150100")))
    assert 'class="nav nav-tabs' in page
    current = re.findall(r'<a class="nav-link" href="([^"]+)" aria-current="page">', page)
    assert current == [reverse("backoffice:home")]
    statistics = _page(client, StaffFactory(staff_role=StaffRole.REVIEWER), "backoffice:statistics")
    current = re.findall(r'<a class="nav-link" href="([^"]+)" aria-current="page">', statistics)
    assert current == [reverse("backoffice:statistics")]


@pytest.mark.parametrize(
    ("role", "code", "system"),
    [
        (StaffRole.REVIEWER, "150102", False),
        (StaffRole.SUPERVISOR, "150100", False),
        (StaffRole.ADMIN, "150000", True),
    ],
)
def test_menu_by_role(client, regions, role, code, system):
    menu = _menu(_page(client, StaffFactory(staff_role=role, region=region(code))))
    assert menu[0] == "首页"
    assert "统计" in menu and "通知公告" in menu
    assert ("系统管理" in menu) is system


def test_scanner_help_page(client, regions):
    page = _page(client, StaffFactory(), "backoffice:scanner_help")
    assert "<h1" in page and "高拍仪插件" in page and "PDF" in page
    client.logout()
    client.force_login(MembershipFactory().user, backend=BACKEND)
    assert client.get(reverse("backoffice:scanner_help")).status_code == 404
