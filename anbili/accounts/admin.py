"""Accounts in the admin site. Superusers see every account. A staff admin (the 系统管理员 group may view and
change accounts) sees the accounts of its region and below, never a superuser, and changes no one's role,
kind or privileges here: staff are created on the 用户管理 page, whose service checks the jurisdiction."""

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from anbili.accounts.models import Membership, User
from anbili.audit.admin_scope import ScopedAdmin

# Fields whose change would widen what an account may do; only superusers edit them in /admin/.
PRIVILEGE_FIELDS = (
    "kind",
    "staff_role",
    "is_staff",
    "is_superuser",
    "groups",
    "user_permissions",
    "last_login",
    "date_joined",
)


@admin.register(User)
class AccountAdmin(ScopedAdmin, UserAdmin):
    scope_field = "region_id"
    list_display = ("username", "full_name", "kind", "staff_role", "region", "is_active")
    list_filter = ("kind", "staff_role", "is_active")
    search_fields = ("username", "full_name", "phone")
    fieldsets = (
        *UserAdmin.fieldsets,  # type: ignore[misc]
        ("业务身份", {"fields": ("kind", "full_name", "id_number", "phone", "staff_role", "region")}),
    )
    raw_id_fields = ("region",)

    def scoped(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        queryset = super().scoped(request, queryset)
        return queryset if request.user.is_superuser else queryset.exclude(is_superuser=True)

    def may_see_row(self, request: HttpRequest, obj: Model) -> bool:
        if getattr(obj, "is_superuser", False) and not request.user.is_superuser:
            return False
        return super().may_see_row(request, obj)

    def may_edit_row(self, request: HttpRequest, obj: Model) -> bool:
        if getattr(obj, "is_superuser", False) and not request.user.is_superuser:
            return False
        return super().may_edit_row(request, obj)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        readonly = tuple(super().get_readonly_fields(request, obj))
        return readonly if request.user.is_superuser else (*readonly, *PRIVILEGE_FIELDS)


@admin.register(Membership)
class MembershipAdmin(ScopedAdmin):
    scope_field = "employer__dpf_region_id"
    list_display = ("user", "employer", "role", "valid_from", "valid_until", "is_default")
    list_filter = ("role",)
    search_fields = ("user__username", "user__full_name", "employer__uscc", "employer__name")
    raw_id_fields = ("user", "employer", "created_by")
