"""Notices and the SMS log in the admin site (the SMS log is read-only; phones shown masked).

Scoped like every admin list: an announcement belongs to its region, a notification to its employer's DPF
region, an SMS to its notice's (an SMS without a notice is national).
"""

from typing import Any

from django.contrib import admin
from django.db.models import Model, Q

from anbili.audit.admin_scope import ScopedAdmin
from anbili.notices.models import Notice, SmsMessage


def _notice_q(prefix: str, path: str = "") -> Q:
    return Q(**{f"{path}region__code__startswith": prefix}) | Q(
        **{f"{path}region__isnull": True, f"{path}employer__dpf_region__code__startswith": prefix}
    )


def _notice_region_code(notice: Notice | None) -> str:
    if notice is None:
        return ""
    if notice.region_id:
        return str(notice.region_id)
    employer = notice.employer if notice.employer_id else None
    return str(employer.dpf_region_id) if employer is not None else ""


@admin.register(Notice)
class NoticeAdmin(ScopedAdmin):
    scope_form_field = "region"
    list_display = ["title", "kind", "region", "employer", "is_published", "published_at"]
    list_filter = ["kind", "is_published"]
    search_fields = ["title", "body"]
    raw_id_fields = ["employer", "published_by"]

    def scope_q(self, prefix: str) -> Q:
        return _notice_q(prefix)

    def row_region_code(self, obj: Model) -> str:
        assert isinstance(obj, Notice)
        return _notice_region_code(obj)


@admin.register(SmsMessage)
class SmsMessageAdmin(ScopedAdmin):
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

    def scope_q(self, prefix: str) -> Q:
        return _notice_q(prefix, "notice__")

    def row_region_code(self, obj: Model) -> str:
        assert isinstance(obj, SmsMessage)
        return _notice_region_code(obj.notice)

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False
