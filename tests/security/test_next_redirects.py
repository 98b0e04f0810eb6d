"""Every `next` parameter accepts only a path of this site (issue #10 item 10): both logins, both logouts and
the 特别提示 confirmation. Hostile values fall back to the page's usual target, never to another site and
never to a 500; a safe `next` survives the round trip guard → login → 特别提示 → page, query string
included."""

from urllib.parse import quote, urlencode

import pytest
from django.test import RequestFactory

from anbili.web.decorators import NOTICE_SESSION_KEY
from anbili.web.redirects import safe_next
from tests.factories import PASSWORD, MembershipFactory, StaffFactory

pytestmark = pytest.mark.django_db

HOSTILE = [
    "https://evil.example/",
    "http://evil.example",
    "//evil.example/",
    "///evil.example/",
    "/\\evil.example/",
    "\\\\evil.example/",
    "/\\/evil.example/",
    "\\/evil.example/",
    "/\t/evil.example/",
    "/\n/evil.example/",
    "/\r\n/evil.example/",
    " //evil.example/",
    "/\x00/evil.example/",
    "/portal/\x7f",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(document.cookie)",
    " javascript:alert(1)",
    "x:y",
    "portal:home",
    "data:text/html,<script>alert(1)</script>",
    "http:/evil.example",
    "https:evil.example",
    "evil.example/portal/",
    "http://testserver/portal/account/agents/",  # even this site's host: only paths are taken
    "/portal/" + "a" * 3000,
    "/portal/\\..\\..\\evil",
]


def _hostile_id(value: str) -> str:
    return value.encode("unicode_escape").decode()[:40]


def _portal_session(client, membership, *, confirmed=True):
    client.force_login(membership.user, backend="anbili.accounts.backends.AccountBackend")
    session = client.session
    session["current_employer_id"] = membership.employer_id
    session[NOTICE_SESSION_KEY] = confirmed
    session.save()


@pytest.mark.parametrize("value", HOSTILE, ids=_hostile_id)
def test_safe_next_refuses_hostile_values(rf: RequestFactory, value):
    request = rf.post("/portal/login/", {"next": value})
    assert safe_next(request, "portal:home") == "/portal/"
    assert safe_next(rf.get("/portal/login/", {"next": value}), "/fallback/") == "/fallback/"


@pytest.mark.parametrize(
    "value",
    [
        "/portal/account/agents/",
        "/portal/placements/?year=2024&page=2",
        "/portal/%E5%90%88%E5%90%8C/",
        "/portal/合同/",
    ],
)
def test_safe_next_keeps_same_site_paths_with_their_query(rf: RequestFactory, value):
    assert safe_next(rf.get("/portal/login/", {"next": value}), "portal:home") == value
    assert safe_next(rf.post("/x/", {"next": value}), "portal:home") == value


def test_safe_next_without_next_is_the_default(rf: RequestFactory):
    assert safe_next(rf.get("/portal/login/"), "backoffice:home") == "/backoffice/"
    assert safe_next(rf.get("/portal/login/", {"next": ""}), "/x/") == "/x/"


@pytest.mark.parametrize("value", HOSTILE, ids=_hostile_id)
def test_portal_login_refuses_a_hostile_next(client, regions, value):
    membership = MembershipFactory()
    response = client.post(
        f"/portal/login/?{urlencode({'next': value})}",
        {"account": membership.employer.uscc, "password": PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == "/portal/"


@pytest.mark.parametrize("value", HOSTILE, ids=_hostile_id)
def test_backoffice_login_refuses_a_hostile_next(client, regions, value):
    staff = StaffFactory()
    response = client.post(
        "/backoffice/login/", {"account": staff.username, "password": PASSWORD, "next": value}
    )
    assert response.status_code == 302
    assert response["Location"] == "/backoffice/"


@pytest.mark.parametrize("value", HOSTILE, ids=_hostile_id)
def test_logouts_refuse_a_hostile_next(client, regions, value):
    _portal_session(client, MembershipFactory())
    response = client.post("/portal/logout/", {"next": value})
    assert (response.status_code, response["Location"]) == (302, "/portal/login/")
    client.force_login(StaffFactory(), backend="anbili.accounts.backends.AccountBackend")
    response = client.post(f"/backoffice/logout/?{urlencode({'next': value})}")
    assert (response.status_code, response["Location"]) == (302, "/backoffice/login/")


@pytest.mark.parametrize("value", HOSTILE, ids=_hostile_id)
def test_special_notice_confirmation_refuses_a_hostile_next(client, regions, value):
    _portal_session(client, MembershipFactory(), confirmed=False)
    response = client.post("/portal/special-notice/", {"next": value})
    assert (response.status_code, response["Location"]) == (302, "/portal/")
    assert client.session[NOTICE_SESSION_KEY] is True


def test_backoffice_login_honours_a_safe_next_with_its_query(client, regions):
    staff = StaffFactory()
    response = client.get("/backoffice/system/?tab=staff&q=%E5%BC%A0")
    assert response.status_code == 302
    login_url = response["Location"]
    assert login_url == "/backoffice/login/?next=" + quote(
        "/backoffice/system/?tab=staff&q=%E5%BC%A0", safe="/"
    )
    response = client.post(login_url, {"account": staff.username, "password": PASSWORD})
    assert (response.status_code, response["Location"]) == (302, "/backoffice/system/?tab=staff&q=%E5%BC%A0")


def test_portal_round_trip_guard_login_notice_page(client, regions):
    membership = MembershipFactory()
    page = "/portal/account/agents/?page=1&q=%E5%BC%A0"

    to_login = client.get(page)
    assert to_login.status_code == 302
    assert to_login["Location"] == "/portal/login/?next=" + quote(page, safe="/")

    after_login = client.post(
        to_login["Location"], {"account": membership.employer.uscc, "password": PASSWORD}
    )
    assert (after_login.status_code, after_login["Location"]) == (302, page)

    to_notice = client.get(page)  # the 特别提示 is not confirmed yet this session
    assert to_notice.status_code == 302
    assert to_notice["Location"] == "/portal/?next=" + quote(page, safe="/")
    home = client.get(to_notice["Location"])
    assert home.status_code == 200
    assert f'name="next" value="{page.replace("&", "&amp;")}"' in home.content.decode()

    confirmed = client.post("/portal/special-notice/", {"next": page})
    assert (confirmed.status_code, confirmed["Location"]) == (302, page)
    assert client.get(page).status_code == 200


def test_the_home_page_does_not_carry_a_hostile_next_into_the_notice_form(client, regions):
    _portal_session(client, MembershipFactory(), confirmed=False)
    body = client.get("/portal/", {"next": "//evil.example/"}).content.decode()
    assert "evil.example" not in body


def test_a_safe_next_on_logout_is_honoured(client, regions):
    _portal_session(client, MembershipFactory())
    response = client.post("/portal/logout/", {"next": "/portal/register/"})
    assert (response.status_code, response["Location"]) == (302, "/portal/register/")
