"""Placements in the admin site: the canned review reasons (常用审核意见) of 安置登记审核.

ReviewReason rows without a region are national (offered everywhere, edited by national admins only); a
province's rows are its admins'. ScopedAdmin applies that scope to lists, pickers, saves and deletes, and
writes the audit rows."""

from django.contrib import admin

from anbili.audit.admin_scope import ScopedAdmin
from anbili.placements.models_review import ReviewReason


@admin.register(ReviewReason)
class ReviewReasonAdmin(ScopedAdmin):
    scope_field = "region_id"
    list_display = ("text", "kind", "region", "ordering", "active")
    list_filter = ("kind", "active")
    list_editable = ("ordering", "active")
    search_fields = ("text",)
    raw_id_fields = ("region",)
    ordering = ("kind", "ordering", "pk")
