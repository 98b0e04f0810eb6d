"""Staff admins for /admin/ tests: made the way the 用户管理 page and seed_demo make them."""

from anbili.accounts.models import StaffRole, User
from anbili.accounts.permissions import system_admin_group
from tests.factories import StaffFactory, region


def admin_staff(code: str | None, *, role: str = StaffRole.ADMIN, **kwargs: object) -> User:
    """A system admin of region `code` (None with role NATIONAL_ADMIN), with the admin group's permissions."""
    staff = StaffFactory(staff_role=role, region=region(code) if code else None, is_staff=True, **kwargs)
    staff.groups.add(system_admin_group())
    return staff


def national_admin(**kwargs: object) -> User:
    return admin_staff(None, role=StaffRole.NATIONAL_ADMIN, **kwargs)


def admin_login(client, user: User) -> None:
    client.force_login(user, backend="anbili.accounts.backends.AccountBackend")
