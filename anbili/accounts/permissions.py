"""Role permissions in the admin site: the system admins' group. Who may use the portal or the back office is
decided by the account kind (User.is_employer_user / is_dpf_staff) and object-level tenancy by the access_*
gates."""

from django.contrib.auth.models import Group, Permission

SYSTEM_ADMIN_GROUP = "系统管理员"


def system_admin_group() -> Group:
    """The group through which system admins edit regions, policy tables and canned review reasons in the
    admin site, and view and change the accounts of their jurisdiction (the admin site scopes them all:
    anbili.audit.admin_scope)."""
    group, _ = Group.objects.get_or_create(name=SYSTEM_ADMIN_GROUP)
    perms = (
        Permission.objects.filter(content_type__app_label="regions")
        | Permission.objects.filter(
            content_type__app_label="accounts", codename__in=["view_user", "change_user"]
        )
        # 常用审核意见: a province's admins keep their own canned review reasons (national rows are the
        # national admins'; the admin site scopes both).
        | Permission.objects.filter(content_type__app_label="placements", content_type__model="reviewreason")
    )
    group.permissions.add(*perms)
    return group
