"""Employers in the admin site, for superusers; anyone else granted them sees its own region's units only."""

from django.contrib import admin

from anbili.audit.admin_scope import ScopedAdmin
from anbili.employers.models import Employer, RelatedUnit, UnitYearProfile


@admin.register(Employer)
class EmployerAdmin(ScopedAdmin):
    scope_field = "dpf_region_id"
    list_display = ("uscc", "name", "nature", "dpf_region", "tax_region")
    list_filter = ("nature",)
    search_fields = ("uscc", "name")
    raw_id_fields = ("dpf_region", "tax_region", "admin_region")


@admin.register(RelatedUnit)
class RelatedUnitAdmin(ScopedAdmin):
    scope_field = "employer__dpf_region_id"
    list_display = ("employer", "business_year", "relation", "uscc", "name")
    list_filter = ("relation", "business_year")
    search_fields = ("uscc", "name", "employer__uscc", "employer__name")
    raw_id_fields = ("employer", "agreement")


@admin.register(UnitYearProfile)
class UnitYearProfileAdmin(ScopedAdmin):
    scope_field = "employer__dpf_region_id"
    list_display = ("employer", "business_year", "employee_count", "agent_name", "confirmed_at")
    list_filter = ("business_year",)
    search_fields = ("employer__uscc", "employer__name", "agent_name")
    raw_id_fields = ("employer", "confirmed_by")
