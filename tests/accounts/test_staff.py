"""Staff accounts: roles, regions and the jurisdiction of the admin who creates them."""

import pytest

from anbili.accounts.models import AccountKind, StaffRole, User
from anbili.accounts.services import staff_create
from anbili.core.errors import ApplicationError
from tests.factories import StaffFactory, region

pytestmark = pytest.mark.django_db


def _admin(code="150100"):
    return staff_create(
        username=f"admin{code}", full_name="管理员", role="admin", region_code=code, password="Admin@Pass2026"
    )


def _data(**overrides):
    data = {
        "username": "new_reviewer",
        "full_name": "新审核员",
        "phone": "",
        "role": "reviewer",
        "region_code": "150102",
        "password": "Review@Pass2026",
    }
    data.update(overrides)
    return data


def test_admin_creates_staff_in_own_region_and_below(client, regions):
    admin = _admin("150100")
    client.force_login(admin, backend="anbili.accounts.backends.AccountBackend")
    response = client.post("/backoffice/system/staff/", _data())
    assert response.status_code == 302
    created = User.objects.get(username="new_reviewer")
    assert created.kind == AccountKind.STAFF and created.staff_role == StaffRole.REVIEWER
    assert created.region_id == "150102" and not created.is_staff
    page = client.get("/backoffice/system/staff/").content.decode()
    assert "new_reviewer" in page


def test_admin_cannot_create_staff_outside_jurisdiction(client, regions):
    admin = _admin("150100")
    client.force_login(admin, backend="anbili.accounts.backends.AccountBackend")
    # 包头 is not offered in the list, and posting it anyway is refused without saving.
    page = client.get("/backoffice/system/staff/").content.decode()
    assert 'value="150203"' not in page and 'value="150102"' in page
    response = client.post("/backoffice/system/staff/", _data(region_code="150203"))
    assert response.status_code == 400
    assert not User.objects.filter(username="new_reviewer").exists()
    with pytest.raises(ApplicationError, match="只能在本级及下级区划内"):
        staff_create(created_by=admin, **_data(region_code="360102"))


def test_staff_list_shows_only_the_jurisdiction(client, regions):
    admin = _admin("150100")
    StaffFactory(username="in_hohhot", region=region("150102"))
    StaffFactory(username="in_baotou", region=region("150203"))
    client.force_login(admin, backend="anbili.accounts.backends.AccountBackend")
    page = client.get("/backoffice/system/staff/").content.decode()
    assert "in_hohhot" in page and "in_baotou" not in page


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"username": "ab"}, "用户名至少3个字符"),
        ({"role": "boss"}, "选择"),
        ({"password": "123"}, "密码"),
        ({"username": "admin150100"}, "该用户名已存在"),
    ],
)
def test_bad_staff_input_is_refused_with_a_message(client, regions, overrides, message):
    admin = _admin("150100")
    client.force_login(admin, backend="anbili.accounts.backends.AccountBackend")
    response = client.post("/backoffice/system/staff/", _data(**overrides))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert User.objects.filter(kind=AccountKind.STAFF).count() == 1


def test_reviewers_and_supervisors_get_404_on_user_management(client, regions):
    for role in (StaffRole.REVIEWER, StaffRole.SUPERVISOR):
        client.force_login(StaffFactory(staff_role=role), backend="anbili.accounts.backends.AccountBackend")
        assert client.get("/backoffice/system/staff/").status_code == 404


def test_new_admin_gets_the_policy_admin_group(regions):
    admin = _admin("150000")
    assert admin.is_staff
    assert admin.has_perm("regions.change_minimumwage")
    assert not StaffFactory().has_perm("regions.change_minimumwage")
