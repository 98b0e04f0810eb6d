"""Notices and the SMS log in the admin site (the SMS log is read-only; phones shown masked)."""

from django.contrib import admin

from anbili.notices.models import Notice, SmsMessage


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "region", "employer", "is_published", "published_at"]
    list_filter = ["kind", "is_published"]
    search_fields = ["title", "body"]
    raw_id_fields = ["employer", "published_by"]


@admin.register(SmsMessage)
class SmsMessageAdmin(admin.ModelAdmin):
    list_display = ["id", "masked_phone", "status", "attempts", "backend", "created_at", "sent_at"]
    list_filter = ["status"]
    exclude = ["phone"]
    readonly_fields = [
        "masked_phone",
        "text",
        "notice",
        "status",
        "backend",
        "attempts",
        "provider_id",
        "last_error",
        "sent_at",
    ]

    def has_add_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False
