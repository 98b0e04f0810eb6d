"""The national admin role: no region, the whole country as its jurisdiction, never created on 用户管理."""

import pytest
from django.db import IntegrityError, transaction

from anbili.accounts.models import AccountKind, StaffRole, User
from anbili.accounts.selectors import regions_in_jurisdiction, staff_list_in_jurisdiction
from anbili.accounts.services import staff_create
from anbili.core.errors import ApplicationError
from tests.factories import LegalPersonFactory, StaffFactory, region

pytestmark = pytest.mark.django_db


def test_jurisdiction_prefix_by_role(regions):
    national = StaffFactory(staff_role=StaffRole.NATIONAL_ADMIN, region=None)
    province = StaffFactory(staff_role=StaffRole.ADMIN, region=region("150000"))
    county = StaffFactory(staff_role=StaffRole.ADMIN, region=region("150102"))
    assert national.jurisdiction_prefix == ""
    assert province.jurisdiction_prefix == "15"
    assert county.jurisdiction_prefix == "150102"
    assert LegalPersonFactory().jurisdiction_prefix is None
    assert national.oversees_code("360102") and province.oversees_code("150102")
    assert not province.oversees_code("360102") and not county.oversees_code("150000")
    assert not national.oversees_code(None) and not national.oversees_code("")


def test_only_a_national_admin_may_lack_a_region_and_it_has_none(regions):
    with transaction.atomic(), pytest.raises(IntegrityError):
        User.objects.create(username="noregion", kind=AccountKind.STAFF, staff_role=StaffRole.ADMIN)
    with transaction.atomic(), pytest.raises(IntegrityError):
        User.objects.create(
            username="natregion",
            kind=AccountKind.STAFF,
            staff_role=StaffRole.NATIONAL_ADMIN,
            region=region("150000"),
        )
    User.objects.create(username="nat", kind=AccountKind.STAFF, staff_role=StaffRole.NATIONAL_ADMIN)


def test_national_admin_jurisdiction_is_the_whole_country(regions):
    national = StaffFactory(staff_role=StaffRole.NATIONAL_ADMIN, region=None)
    jiangxi = StaffFactory(staff_role=StaffRole.REVIEWER, region=region("360102"))
    assert jiangxi in staff_list_in_jurisdiction(national)
    assert national in staff_list_in_jurisdiction(national)
    assert regions_in_jurisdiction(national).filter(code="360000").exists()
    created = staff_create(
        username="jx_rev",
        full_name="江西审核",
        role=StaffRole.REVIEWER,
        region_code="360102",
        password="Passw0rd!x",
        created_by=national,
    )
    assert created.region_id == "360102"


def test_national_admin_is_not_created_on_the_staff_page(regions):
    province = StaffFactory(staff_role=StaffRole.ADMIN, region=region("150000"))
    with pytest.raises(ApplicationError) as exc:
        staff_create(
            username="nat2",
            full_name="全国",
            role=StaffRole.NATIONAL_ADMIN,
            region_code="150000",
            password="Passw0rd!x",
            created_by=province,
        )
    assert exc.value.field == "role"


def test_demo_has_a_national_admin_for_the_admin_site(client, regions):
    from django.urls import reverse

    from anbili.demo.seed import demo_seed

    logins = demo_seed()
    national = User.objects.get(username="national_admin")
    assert national.staff_role == StaffRole.NATIONAL_ADMIN and national.region is None and national.is_staff
    assert any(login.account == "national_admin" and "全国" in login.who for login in logins)
    client.force_login(national, backend="anbili.accounts.backends.AccountBackend")
    response = client.get(reverse("admin:regions_region_change", args=["360000"]))
    assert response.status_code == 200 and response.context["has_change_permission"]


def test_national_admin_pages_name_the_whole_country(client, regions):
    from django.urls import reverse

    national = StaffFactory(staff_role=StaffRole.NATIONAL_ADMIN, region=None, is_staff=True)
    client.force_login(national, backend="anbili.accounts.backends.AccountBackend")
    for name in ("backoffice:home", "backoffice:staff", "backoffice:notices", "backoffice:system"):
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        assert "（全国）" in response.content.decode(), name
    assert "全国</td>" in client.get(reverse("backoffice:staff")).content.decode()
