"""Menus of the two front ends. An entry appears only when its page exists (its URL name resolves) and the
user's role may open it."""

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from anbili.accounts.models import SYSTEM_ADMIN_ROLES


@dataclass(frozen=True)
class MenuEntry:
    label: str
    url_name: str
    # The staff roles the entry is shown to; empty: everyone who sees the menu.
    staff_roles: tuple[str, ...] = ()


@dataclass(frozen=True)
class MenuItem:
    label: str
    url: str
    current: bool


# The order and names of seed 004's portal menu (domain.md "Employer portal menu").
PORTAL_MENU = [
    MenuEntry("首页", "portal:home"),
    MenuEntry("残疾人安置管理", "portal:placements"),
    MenuEntry("单位信息维护管理", "portal:unit_info"),
    MenuEntry("残保金计算器", "portal:calculator"),
    MenuEntry("通知公告", "portal:notices"),
    MenuEntry("超比例奖励申请", "portal:rewards"),
    MenuEntry("安置残疾大学生申请", "portal:graduates"),
    MenuEntry("历史安置信息查询", "portal:history"),
    MenuEntry("政策法规", "portal:policies"),
]

# The staff review system's menu (domain.md "Staff review system").
BACKOFFICE_MENU = [
    MenuEntry("首页", "backoffice:home"),
    MenuEntry("安置登记审核", "backoffice:placement_review"),
    MenuEntry("年审认证审核", "backoffice:declaration_review"),
    MenuEntry("认证反馈审核", "backoffice:withdrawal_review"),
    MenuEntry("发送税务", "backoffice:tax_send"),
    MenuEntry("单位注销安置登记", "backoffice:deregistration"),
    MenuEntry("超比例奖励审核", "backoffice:reward_review"),
    MenuEntry("残疾人安置管理", "backoffice:placements"),
    MenuEntry("通知公告", "backoffice:notices"),
    MenuEntry("统计", "backoffice:statistics"),
    MenuEntry("系统管理", "backoffice:system", staff_roles=SYSTEM_ADMIN_ROLES),
]


def menu_items(entries: list[MenuEntry], request: HttpRequest) -> list[MenuItem]:
    """Resolve a menu for this request, leaving out the pages that do not exist yet and those the user's role
    may not open (their views answer 404 as well)."""
    items = []
    role = getattr(getattr(request, "user", None), "staff_role", None)
    for entry in entries:
        if entry.staff_roles and role not in entry.staff_roles:
            continue
        try:
            url = reverse(entry.url_name)
        except NoReverseMatch:
            continue
        current = request.path == url or (url.count("/") > 2 and request.path.startswith(url))
        items.append(MenuItem(entry.label, url, current))
    return items
