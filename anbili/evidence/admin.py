"""Evidence in the admin site: read-only metadata for system admins (the blob itself is downloaded only
through the access-checked views)."""

from django.contrib import admin

from anbili.audit.admin_scope import ScopedAdmin
from anbili.evidence.models import EvidenceFile


@admin.register(EvidenceFile)
class EvidenceFileAdmin(ScopedAdmin):
    scope_field = "employer__dpf_region_id"
    list_display = ["id", "employer", "purpose", "original_name", "content_type", "size", "uploaded_at"]
    list_filter = ["purpose", "content_type"]
    search_fields = ["employer__name", "employer__uscc", "sha256"]
    readonly_fields = [f.name for f in EvidenceFile._meta.fields]

    def has_add_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False
