"""Role permissions: who may do what. Object-level tenancy lives in the access_* gates."""

import rules
from django.contrib.auth.models import Group, Permission

from anbili.accounts.models import SYSTEM_ADMIN_ROLES, AccountKind, StaffRole

SYSTEM_ADMIN_GROUP = "系统管理员"


@rules.predicate
def is_dpf_staff(user: object) -> bool:
    return getattr(user, "kind", None) == AccountKind.STAFF


@rules.predicate
def is_supervisor(user: object) -> bool:
    return is_dpf_staff(user) and getattr(user, "staff_role", None) in (
        StaffRole.SUPERVISOR,
        *SYSTEM_ADMIN_ROLES,
    )


@rules.predicate
def is_system_admin(user: object) -> bool:
    return is_dpf_staff(user) and getattr(user, "staff_role", None) in SYSTEM_ADMIN_ROLES


@rules.predicate
def is_employer_user(user: object) -> bool:
    return getattr(user, "kind", None) in (AccountKind.LEGAL_PERSON, AccountKind.AGENT)


@rules.predicate
def is_legal_person(user: object) -> bool:
    return getattr(user, "kind", None) == AccountKind.LEGAL_PERSON


rules.add_perm("accounts.use_backoffice", is_dpf_staff)
rules.add_perm("accounts.manage_system", is_system_admin)
rules.add_perm("accounts.use_portal", is_employer_user)
rules.add_perm("accounts.manage_agents", is_legal_person)


def system_admin_group() -> Group:
    """The group through which system admins edit regions and policy tables in the admin site, and view and
    change the accounts of their jurisdiction (the admin site scopes both: anbili.audit.admin_scope)."""
    group, _ = Group.objects.get_or_create(name=SYSTEM_ADMIN_GROUP)
    perms = Permission.objects.filter(content_type__app_label="regions") | Permission.objects.filter(
        content_type__app_label="accounts", codename__in=["view_user", "change_user"]
    )
    group.permissions.add(*perms)
    return group
