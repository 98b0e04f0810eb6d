"""Staff reads of placements (残疾人安置管理 in the review system, its export, 窗口申报's register of one
unit): every one starts from `placements_in_jurisdiction(staff)`, so another region's placement never
appears, whatever the filters."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from anbili.core.inputs import search_text
from anbili.employers.models import Employer
from anbili.placements.models import Placement, PlacementMonth, PlacementStatus
from anbili.placements.selectors import _search_condition, placements_in_jurisdiction
from anbili.regions.models import Region


@dataclass(frozen=True)
class StaffPlacementFilters:
    """The filters of the staff search (already checked by the form): `person` is the ID number (full, its
    start, its last digits or as shown masked) or the name, as on the portal's list; `employer` the unit's
    name or USCC (its start); `region` a region inside the jurisdiction (its employers' 残联主管部门 at or
    under it)."""

    person: str = ""
    employer: str = ""
    status: str = ""
    business_year: int | None = None
    region: Region | None = None

    def description(self) -> str:
        """The filters in words, for the export's audit row (the ID number masked by the audit writer)."""
        parts = [
            f"身份证号或姓名：{self.person}" if self.person else "",
            f"用人单位：{self.employer}" if self.employer else "",
            f"审核状态：{PlacementStatus(self.status).label}" if self.status else "",
            f"业务年度：{self.business_year}" if self.business_year else "",
            f"地区：{self.region.name}（{self.region.code}）" if self.region else "",
        ]
        return "；".join(part for part in parts if part) or "无（辖区内全部）"


def staff_placement_search(staff: Any, filters: StaffPlacementFilters) -> QuerySet[Placement]:
    """The placements of the staff member's jurisdiction matching `filters`, newest registration first,
    with the employer and its region joined and the selected months counted."""
    queryset = placements_in_jurisdiction(staff)
    condition = _search_condition(search_text(filters.person))
    if condition is not None:
        queryset = queryset.filter(condition)
    unit = search_text(filters.employer)
    if unit:
        queryset = queryset.filter(
            Q(employer__name__icontains=unit) | Q(employer__uscc__startswith=unit.replace(" ", "").upper())
        )
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.business_year:
        queryset = queryset.filter(business_year=filters.business_year)
    if filters.region is not None:
        queryset = queryset.filter(employer__dpf_region__code__startswith=filters.region.code_prefix)
    return (
        queryset.select_related("employer", "employer__dpf_region")
        .annotate(registered_months=_selected_months())
        .order_by("-business_year", "-registered_at", "-pk")
    )


def _selected_months() -> Coalesce:
    """The placement's selected months as a correlated subquery: computed for the rows of the page only,
    and left out of the paginator's count (no GROUP BY over the jurisdiction's months)."""
    months = (
        PlacementMonth.objects.filter(placement=OuterRef("pk"), selected=True)
        .order_by()
        .values("placement")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(months, output_field=IntegerField()), Value(0))


# The export's columns: (heading, value path in `values()`).
EXPORT_COLUMNS = [
    ("业务年度", "business_year"),
    ("姓名", "name"),
    ("身份证号", "id_number"),
    ("性别", "sex"),
    ("用人单位", "employer__name"),
    ("统一社会信用代码", "employer__uscc"),
    ("残联主管部门", "employer__dpf_region__name"),
    ("审核状态", "status"),
    ("登记月份数", "registered_months"),
    ("单位申报时间", "registered_at"),
]


def staff_placement_export_rows(staff: Any, filters: StaffPlacementFilters) -> Iterator[dict[str, Any]]:
    """The search's rows as plain values for the export, read in chunks (no model instances)."""
    fields = [path for _, path in EXPORT_COLUMNS]
    rows = staff_placement_search(staff, filters).values(*fields)
    return rows.iterator(chunk_size=2000)


def window_employer_search(staff: Any, text: str, *, limit: int = 50) -> list[Employer]:
    """窗口申报's unit picker: the employers of the jurisdiction whose name contains `text` or whose USCC
    starts with it (nothing for an empty text)."""
    prefix = getattr(staff, "jurisdiction_prefix", None)
    term = search_text(text)
    if prefix is None or not term:
        return []
    return list(
        Employer.objects.filter(dpf_region__code__startswith=prefix)
        .filter(Q(name__icontains=term) | Q(uscc__startswith=term.replace(" ", "").upper()))
        .select_related("dpf_region")
        .order_by("name", "pk")[:limit]
    )


def window_employer_placements(employer: Employer, business_year: int) -> QuerySet[Placement]:
    """The unit's placements of the business year for the window's register, newest first."""
    return (
        Placement.objects.filter(employer=employer, business_year=business_year)
        .annotate(registered_months=_selected_months())
        .order_by("-registered_at", "-pk")
    )
