"""用户中心 of a legal person: the units held with their agents, 新增单位 with the registration's checks,
设置默认; agents and other legal persons get 404."""

import pytest
from django.urls import reverse

from anbili.accounts.models import Membership, MembershipRole
from anbili.core.identifiers import make_uscc
from anbili.employers.models import Employer
from anbili.web.decorators import NOTICE_SESSION_KEY
from tests.factories import AgentMembershipFactory, EmployerFactory, MembershipFactory

pytestmark = pytest.mark.django_db

CENTER = "/portal/account/units/"
PREFIX = "91150102MA0N9XXX8"
NEW_USCC = make_uscc(PREFIX)
WRONG_CHECK = PREFIX + ("1" if NEW_USCC[-1] != "1" else "2")


def _portal_login(client, membership):
    client.force_login(membership.user, backend="anbili.accounts.backends.AccountBackend")
    session = client.session
    session["current_employer_id"] = membership.employer_id
    session[NOTICE_SESSION_KEY] = True
    session.save()


def _unit(**changes):
    data = {"uscc": NEW_USCC, "unit_name": "呼和浩特市新城区第二分公司", "nature": "enterprise"}
    data["region_code"] = "150102"
    data.update(changes)
    return data


def test_lists_the_units_held_with_their_agents(client, regions):
    first = MembershipFactory()
    second = MembershipFactory(user=first.user, is_default=False)
    agent = AgentMembershipFactory(employer=second.employer)
    other = MembershipFactory()  # another legal person's unit
    _portal_login(client, first)
    response = client.get(CENTER)
    assert response.status_code == 200
    html = response.content.decode()
    assert first.employer.name in html and second.employer.name in html
    assert other.employer.name not in html and other.employer.uscc not in html
    assert agent.user.full_name in html and agent.user.username in html
    assert "名下单位（共 2 个）" in html
    assert 'href="/portal/account/units/"' in client.get("/portal/").content.decode()  # the header link


def test_add_a_unit_with_the_registration_checks(client, regions):
    membership = MembershipFactory()
    _portal_login(client, membership)
    blank = client.post(CENTER, _unit(uscc="", unit_name="", nature="", region_code=""))
    assert blank.status_code == 400
    assert set(blank.context["form"].errors) == {"uscc", "unit_name", "nature", "region_code"}
    wrong = client.post(CENTER, _unit(uscc=WRONG_CHECK))
    assert wrong.status_code == 400 and wrong.context["form"].errors["uscc"]
    duplicate = client.post(CENTER, _unit(uscc=membership.employer.uscc))
    assert "已注册" in duplicate.context["form"].errors["uscc"][0]
    assert Employer.objects.count() == 1

    added = client.post(CENTER, _unit())
    assert added.status_code == 302
    employer = Employer.objects.get(uscc=NEW_USCC)
    assert employer.dpf_region_id == "150102" and employer.legal_person_name == membership.user.full_name
    new = Membership.objects.get(user=membership.user, employer=employer)
    assert new.role == MembershipRole.LEGAL_PERSON and not new.is_default
    assert "已新增单位：呼和浩特市新城区第二分公司" in client.get(CENTER).content.decode()


def test_set_the_default_unit(client, regions):
    first = MembershipFactory()
    second = MembershipFactory(user=first.user, is_default=False)
    _portal_login(client, first)
    assert client.post(reverse("portal:unit_default"), {"employer_id": second.employer_id}).status_code == 302
    defaults = dict(Membership.objects.filter(user=first.user).values_list("employer_id", "is_default"))
    assert defaults == {first.employer_id: False, second.employer_id: True}
    # Another legal person's unit cannot be made one's default.
    other = MembershipFactory(employer=EmployerFactory())
    assert client.post(reverse("portal:unit_default"), {"employer_id": other.employer_id}).status_code == 404
    assert Membership.objects.get(pk=other.pk).is_default


def test_agents_do_not_reach_the_user_center(client, regions):
    agent = AgentMembershipFactory()
    _portal_login(client, agent)
    assert client.get(CENTER).status_code == 404
    assert client.post(CENTER, _unit()).status_code == 404
    assert not Employer.objects.filter(uscc=NEW_USCC).exists()
