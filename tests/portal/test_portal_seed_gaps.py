"""What the seeds show around the portal (issue 11, item 9): the entry page's 我要服务 link and only what
exists, the 特别提示 as an alertdialog that only 确认 ends, 发布单位, read marks per unit, 系统管理 for
admins only."""

import re

import pytest
from django.urls import reverse

from anbili.accounts.models import StaffRole
from anbili.notices.services import notice_publish
from anbili.web.decorators import NOTICE_SESSION_KEY
from tests.factories import EmployerFactory, MembershipFactory, StaffFactory, region

pytestmark = pytest.mark.django_db

SERVICE_PLATFORM = "https://www.cjrjob.cn/"


def _portal_login(client, membership, *, confirmed=True):
    client.force_login(membership.user, backend="anbili.accounts.backends.AccountBackend")
    session = client.session
    session["current_employer_id"] = membership.employer_id
    if confirmed:
        session[NOTICE_SESSION_KEY] = True
    session.save()


def test_entry_page_links_the_national_service_platform_as_an_external_link(client):
    html = client.get("/").content.decode()
    assert '<h2 id="entry-service" class="h5">我要服务</h2>' in html
    link = re.search(r'<a [^>]*data-testid="service-link"[^>]*>.*?</a>', html, re.S)
    assert link, "the 我要服务 link"
    tag = link.group(0)
    assert f'href="{SERVICE_PLATFORM}"' in tag
    assert 'rel="external noopener noreferrer"' in tag
    assert '<span class="visually-hidden">（外部链接）</span>' in tag  # said to screen readers
    assert "外部网站，不属于本系统" in html  # and to everyone


def test_entry_page_promises_only_what_exists(client):
    html = client.get("/").content.decode()
    # No declaration (年审申报), confirmation letter or review/tax screens exist yet.
    for missing in ("年审申报", "审核认定书", "发送税务", "办理审核"):
        assert missing not in html, missing
    for url_name in ("portal:login", "portal:register", "backoffice:login", "calculator"):
        assert f'href="{reverse(url_name)}"' in html


def test_special_notice_is_an_alertdialog_that_only_confirm_ends(client, regions):
    _portal_login(client, MembershipFactory(), confirmed=False)
    html = client.get("/portal/").content.decode()
    dialog = re.search(r"<dialog [^>]*>", html).group(0)
    assert 'role="alertdialog"' in dialog
    assert 'closedby="none"' in dialog  # no Esc, no backdrop click (the script covers older browsers)
    assert 'aria-labelledby="special-notice-title"' in dialog
    assert 'aria-describedby="special-notice-text"' in dialog
    assert 'id="special-notice-title"' in html and 'id="special-notice-text"' in html
    # One way out: the 确认 form, the only control in the dialog.
    body = html[html.index("<dialog") : html.index("</dialog>")]
    assert body.count("<button") == 1 and ">确认</button>" in body
    assert "<a " not in body


def test_publisher_column_shows_the_publishing_dpf(client, regions):
    membership = MembershipFactory(employer=EmployerFactory(dpf_region=region("150102")))
    province = StaffFactory(region=region("150000"), staff_role=StaffRole.ADMIN)
    notice = notice_publish(
        staff=province, title="自治区残联致新城区单位的通知", body="内容", region_code="150102"
    )
    _portal_login(client, membership)
    listing = client.get(reverse("portal:notices")).content.decode()
    row = re.search(r"<tr>(?:(?!</tr>).)*自治区残联致新城区单位的通知.*?</tr>", listing, re.S).group(0)
    assert "<td>内蒙古自治区残联</td>" in row
    assert "新城区残联" not in listing
    detail = client.get(reverse("portal:notice_detail", args=[notice.pk])).content.decode()
    assert "发布单位：内蒙古自治区残联" in detail


def test_reading_as_one_unit_leaves_the_notice_unread_for_the_other(client, regions):
    first = MembershipFactory(employer=EmployerFactory(dpf_region=region("150102")))
    second = MembershipFactory(
        user=first.user, employer=EmployerFactory(dpf_region=region("150102")), is_default=False
    )
    supervisor = StaffFactory(region=region("150100"), staff_role=StaffRole.SUPERVISOR)
    notice = notice_publish(staff=supervisor, title="呼和浩特市通知", body="内容", region_code="150100")
    _portal_login(client, first)
    client.get(reverse("portal:notice_detail", args=[notice.pk]))
    assert ">已读<" in client.get(reverse("portal:notices")).content.decode()
    client.post(reverse("portal:unit_switch"), {"employer_id": second.employer_id})
    assert client.session["current_employer_id"] == second.employer_id
    listing = client.get(reverse("portal:notices")).content.decode()
    assert ">未读<" in listing and ">已读<" not in listing


@pytest.mark.parametrize(
    ("role", "code", "sees"),
    [
        (StaffRole.REVIEWER, "150102", False),
        (StaffRole.SUPERVISOR, "150100", False),
        (StaffRole.ADMIN, "150000", True),
        (StaffRole.NATIONAL_ADMIN, None, True),
    ],
)
def test_only_system_admins_see_and_open_system_management(client, regions, role, code, sees):
    staff = StaffFactory(staff_role=role, region=region(code) if code else None)
    client.force_login(staff, backend="anbili.accounts.backends.AccountBackend")
    home = client.get(reverse("backoffice:home")).content.decode()
    assert (f'href="{reverse("backoffice:system")}"' in home) is sees
    assert ("系统管理" in home) is sees
    assert client.get(reverse("backoffice:system")).status_code == (200 if sees else 404)
