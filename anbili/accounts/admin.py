"""Accounts in the admin site, for superusers; DPF admins manage staff on the 用户管理 page instead."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from anbili.accounts.models import Membership, User


@admin.register(User)
class AccountAdmin(UserAdmin):
    list_display = ("username", "full_name", "kind", "staff_role", "region", "is_active")
    list_filter = ("kind", "staff_role", "is_active")
    search_fields = ("username", "full_name", "phone")
    fieldsets = (
        *UserAdmin.fieldsets,  # type: ignore[misc]
        ("业务身份", {"fields": ("kind", "full_name", "id_number", "phone", "staff_role", "region")}),
    )
    raw_id_fields = ("region",)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "employer", "role", "valid_from", "valid_until", "is_default")
    list_filter = ("role",)
    search_fields = ("user__username", "user__full_name", "employer__uscc", "employer__name")
    raw_id_fields = ("user", "employer", "created_by")
