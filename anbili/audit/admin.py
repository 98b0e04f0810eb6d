"""The audit log in /admin/: read-only for everyone (no add, change or delete, even for a superuser), and
scoped by the row's region code like every admin list (rows without one are national)."""

from django.contrib import admin

from anbili.audit.admin_scope import ReadOnlyScopedAdmin
from anbili.audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyScopedAdmin):
    scope_field = "region_code"
    list_display = ["at", "actor_label", "action", "object_type", "object_label", "region_code", "ip"]
    list_filter = ["action"]
    search_fields = ["actor_label", "object_label", "object_id"]
    date_hierarchy = "at"
