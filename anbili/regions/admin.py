"""Admin site for regions and policy tables: where a system admin maintains every dated policy value.

Every registration is a ScopedAdmin: a staff admin sees and edits the rows of its own region and below; the
provinces themselves and the nationwide levy periods are national tables (national admins only).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from anbili.audit.admin_scope import ScopedAdmin, jurisdiction_of
from anbili.regions.models import (
    DeclarationWindow,
    LevyPeriod,
    MinimumWage,
    QuotaRatio,
    Region,
    RegionLevel,
    RetirementSetting,
    RewardRule,
    SocialAverageWage,
)


class ProvinceFilter(admin.SimpleListFilter):
    """Filter policy rows by province, listing only provinces rather than every division."""

    title = "省份"
    parameter_name = "province"
    field_name = "province"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        """The provinces in the admin's jurisdiction, by code (none for a prefecture or county admin)."""
        prefix = jurisdiction_of(request)
        if prefix is None:
            return []
        provinces = Region.objects.filter(level=RegionLevel.PROVINCE, code__startswith=prefix)
        return list(provinces.values_list("code", "name"))

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        """Rows of the chosen province."""
        if self.value():
            return queryset.filter(**{f"{self.field_name}_id": self.value()})
        return queryset


class SocialRegionProvinceFilter(ProvinceFilter):
    """Social average wages of a province, its own row and its prefectures' rows."""

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        """Rows whose region lies in the chosen province."""
        value = self.value()
        if value:
            return queryset.filter(region_id__startswith=value[:2])
        return queryset


class PolicyAdmin(ScopedAdmin):
    """Shared behaviour: search by province name or code and by source document; a row is its province's."""

    scope_field = "province_id"

    search_fields = ["province__name", "province__code", "source_document"]
    list_select_related = ["province"]
    readonly_fields = ["updated_at"]
    save_on_top = True


@admin.register(Region)
class RegionAdmin(ScopedAdmin):
    scope_field = "code"
    list_display = ["code", "name", "level", "parent", "wage_tier"]
    list_filter = ["level", "wage_tier"]
    search_fields = ["code", "name"]
    list_select_related = ["parent"]
    autocomplete_fields = ["parent"]
    ordering = ["code"]

    def is_national_row(self, obj: Model) -> bool:
        """The provinces are national: renaming one or adding a new one is for a national admin."""
        return super().is_national_row(obj) or getattr(obj, "level", None) == RegionLevel.PROVINCE

    def scope_error_field(self, obj: Any) -> str:
        return "level" if getattr(obj, "level", None) == RegionLevel.PROVINCE else "code"


@admin.register(QuotaRatio)
class QuotaRatioAdmin(PolicyAdmin):
    list_display = ["province", "year", "ratio", "confirmed", "updated_at"]
    list_filter = [ProvinceFilter, "year", "confirmed"]
    fields = ["province", "year", "ratio", "source_document", "confirmed", "updated_at"]


@admin.register(MinimumWage)
class MinimumWageAdmin(PolicyAdmin):
    list_display = ["province", "tier", "effective_from", "amount", "confirmed", "updated_at"]
    list_filter = [ProvinceFilter, "tier", "confirmed"]
    date_hierarchy = "effective_from"
    fields = ["province", "tier", "effective_from", "amount", "source_document", "confirmed", "updated_at"]


@admin.register(SocialAverageWage)
class SocialAverageWageAdmin(PolicyAdmin):
    list_display = ["region", "year", "amount", "confirmed", "updated_at"]
    list_filter = [SocialRegionProvinceFilter, "year", "confirmed"]
    scope_field = "region_id"
    search_fields = ["region__name", "region__code", "source_document"]
    list_select_related = ["region"]
    autocomplete_fields = ["region"]
    fields = ["region", "year", "amount", "source_document", "confirmed", "updated_at"]


@admin.register(DeclarationWindow)
class DeclarationWindowAdmin(PolicyAdmin):
    list_display = ["province", "year", "opens", "closes", "confirmed", "updated_at"]
    list_filter = [ProvinceFilter, "year", "confirmed"]
    fields = ["province", "year", "opens", "closes", "source_document", "confirmed", "updated_at"]


@admin.register(LevyPeriod)
class LevyPeriodAdmin(PolicyAdmin):
    list_display = ["kind", "province", "valid_from", "valid_to", "confirmed", "updated_at"]
    list_filter = ["kind", ProvinceFilter, "confirmed"]
    fieldsets = [
        (None, {"fields": ["kind", "province", "valid_from", "valid_to"]}),
        ("分档征收参数", {"fields": ["staged_threshold", "factor_at_or_above", "factor_below"]}),
        ("小微企业免征参数", {"fields": ["max_headcount", "exempt_nature"]}),
        ("依据", {"fields": ["source_document", "confirmed", "updated_at"]}),
    ]


@admin.register(RewardRule)
class RewardRuleAdmin(PolicyAdmin):
    list_display = [
        "province",
        "effective_from",
        "multiplier",
        "per_person_amount",
        "whole_persons",
        "severe_weight",
        "cap",
        "application_deadline",
        "confirmed",
    ]
    list_filter = [ProvinceFilter, "whole_persons", "severe_weight", "confirmed"]
    fieldsets = [
        (None, {"fields": ["province", "effective_from"]}),
        ("奖励金额", {"fields": ["multiplier", "per_person_amount", "cap", "max_years"]}),
        ("人数计算", {"fields": ["whole_persons", "severe_weight", "min_whole_excess"]}),
        ("申请", {"fields": ["application_deadline"]}),
        ("依据", {"fields": ["source_document", "confirmed", "updated_at"]}),
    ]


@admin.register(RetirementSetting)
class RetirementSettingAdmin(PolicyAdmin):
    list_display = ["province", "effective_from", "female_base_age", "confirmed", "updated_at"]
    list_filter = [ProvinceFilter, "female_base_age", "confirmed"]
    fields = ["province", "effective_from", "female_base_age", "source_document", "confirmed", "updated_at"]
