"""The audit log in /admin/: read-only for everyone (no add, change or delete, even for a superuser)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from anbili.audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "actor_label", "action", "object_type", "object_label", "region_code", "ip"]
    list_filter = ["action"]
    search_fields = ["actor_label", "object_label", "object_id"]
    date_hierarchy = "at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
