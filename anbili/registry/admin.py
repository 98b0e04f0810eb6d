"""Registry mirrors in the admin: read-only lists with filters and search for superusers (the data comes from
partners; corrections go through a new import, never through the admin). The scope fields say whose rows they
are, should a staff admin ever be given these lists."""

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from anbili.audit.admin_scope import ScopedAdmin
from anbili.core.errors import ApplicationError
from anbili.core.masking import mask
from anbili.registry.models import (
    Certificate,
    DispatchFiling,
    ImportBatch,
    ImportBatchEvent,
    ImportRowError,
    MarketUnit,
    MedicalMonth,
    Partner,
    PartnerToken,
    PensionMonth,
    RegistryPerson,
    WageMonth,
)
from anbili.registry.services import partner_token_revoke


class ReadOnlyAdmin(ScopedAdmin):
    """Visible to superusers only, never editable; lists are paged without a full count (12M-row tables)."""

    scope_field = "region_code"

    show_full_result_count = False
    list_per_page = 50

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


PROVENANCE = ("source", "batch_id", "received_at")


# Lists show ID and certificate numbers masked (6 + 4), as everywhere else; the exact-match search still
# takes the whole number, and the read-only detail page (superusers only) shows it whole.
@admin.display(description="身份证号", ordering="id_number")
def masked_id_number(row: Any) -> str:
    return mask(row.id_number)


@admin.display(description="残疾证号", ordering="number")
def masked_certificate_number(row: Any) -> str:
    return mask(row.number)


@admin.register(RegistryPerson)
class RegistryPersonAdmin(ReadOnlyAdmin):
    scope_field = "household_region"
    list_display = (masked_id_number, "name", "sex", "birth_date", "household_region", *PROVENANCE)
    list_filter = ("sex",)
    search_fields = ("=id_number", "name")


@admin.register(Certificate)
class CertificateAdmin(ReadOnlyAdmin):
    list_display = (
        masked_certificate_number,
        "kind",
        "category",
        "level",
        "valid_from",
        "valid_until",
        "status",
        "origin",
        "batch_id",
    )
    list_filter = ("kind", "status", "origin", "level")
    search_fields = ("=id_number", "=number")


class MonthlyAdmin(ReadOnlyAdmin):
    list_display = (masked_id_number, "month", "payer_uscc", "amount", "region_code", *PROVENANCE)
    # Exact searches only: a LIKE over 12M rows would be a heavy page.
    search_fields = ("=id_number", "=payer_uscc")
    list_filter = ("source",)
    ordering = ()


admin.site.register(PensionMonth, MonthlyAdmin)
admin.site.register(MedicalMonth, MonthlyAdmin)
admin.site.register(WageMonth, MonthlyAdmin)


@admin.register(DispatchFiling)
class DispatchFilingAdmin(ReadOnlyAdmin):
    list_display = (
        "company_uscc",
        "company_name",
        "region_code",
        "filing_number",
        "valid_from",
        "valid_until",
    )
    search_fields = ("=company_uscc", "company_name")


@admin.register(MarketUnit)
class MarketUnitAdmin(ReadOnlyAdmin):
    list_display = ("uscc", "name", "nature", "region_code", *PROVENANCE)
    list_filter = ("nature",)
    search_fields = ("=uscc", "name")


class EventInline(admin.TabularInline):
    model = ImportBatchEvent
    fields = ("at", "from_status", "to_status", "note")
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False


@admin.register(ImportBatch)
class ImportBatchAdmin(ReadOnlyAdmin):
    scope_field = "partner__province_id"
    list_display = (
        "id",
        "kind",
        "partner",
        "channel",
        "status",
        "rows_total",
        "rows_failed",
        "rows_created",
        "rows_updated",
        "received_at",
    )
    list_filter = ("status", "kind", "channel")
    search_fields = ("=id", "file_name", "=sha256")
    list_select_related = ("partner",)
    inlines = (EventInline,)


@admin.register(Partner)
class PartnerAdmin(ReadOnlyAdmin):
    scope_field = "province_id"
    list_display = ("name", "kind", "province", "active", "created_at")
    list_filter = ("kind", "active")
    search_fields = ("name",)


@admin.register(PartnerToken)
class PartnerTokenAdmin(ReadOnlyAdmin):
    """Tokens are issued on the command line (shown once); the admin lists them and revokes them."""

    scope_field = "partner__province_id"
    list_display = ("partner", "hint", "active", "created_at", "expires_at", "revoked_at", "last_used_at")
    list_filter = ("active",)
    list_select_related = ("partner",)
    actions = ("revoke_tokens",)

    def has_revoke_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    @admin.action(description="吊销所选令牌（立即失效）", permissions=["revoke"])
    def revoke_tokens(self, request: HttpRequest, queryset: QuerySet[PartnerToken]) -> None:
        revoked = 0
        for token_id in queryset.filter(revoked_at=None).values_list("pk", flat=True):
            try:
                partner_token_revoke(
                    token_id=token_id, reason="系统管理后台吊销", actor=request.user, request=request
                )
            except ApplicationError as error:
                self.message_user(request, error.message, messages.WARNING)
            else:
                revoked += 1
        self.message_user(request, f"已吊销{revoked}个令牌", messages.SUCCESS)


@admin.register(ImportRowError)
class ImportRowErrorAdmin(ReadOnlyAdmin):
    scope_field = "batch__partner__province_id"
    list_display = ("batch_id", "row_number", "column", "message")
    search_fields = ("=batch__id",)
