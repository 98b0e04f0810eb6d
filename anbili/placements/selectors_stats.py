"""Reads for the statistics (申办系统 → 统计): one business year's figures per 残联主管部门 region, for the
background refresh of anbili.stats (decision 0007). Each function is one grouped query over the whole year
(or the regions under a code prefix), whatever the number of placements; anbili.stats stores the rows and
the page sums them inside the staff member's jurisdiction, by the same prefix as
placements_in_jurisdiction (the employer's dpf_region code)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import TruncDate

from anbili.placements.models import Placement, PlacementEvent, PlacementMonth, PlacementStatus
from anbili.rules.checks import CheckCode

# The reviewer's decisions (PLACEMENT_TRANSITIONS rows by Actor.REVIEWER), in the order shown.
DECISION_TRANSITIONS = {
    "approve": "审核通过",
    "partly_reject": "部分审核不通过",
    "reject": "审核不通过",
    "send_back": "退回补正",
}


def _placements(business_year: int, region_prefix: str) -> QuerySet[Placement]:
    rows = Placement.objects.filter(business_year=business_year)
    if region_prefix:
        rows = rows.filter(employer__dpf_region__code__startswith=region_prefix)
    return rows


def placement_status_by_region(business_year: int, region_prefix: str = "") -> list[tuple[str, str, int]]:
    """(region code, status, placements) of the year."""
    rows = (
        _placements(business_year, region_prefix)
        .values_list(F("employer__dpf_region_id"), "status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return [(region, status, n) for region, status, n in rows]


def pending_by_region_and_day(
    business_year: int, region_prefix: str = ""
) -> list[tuple[str, date | None, int]]:
    """(region code, local date of 单位申报时间 or None, pending placements) of the year: the review backlog,
    whose age the page works out on the day it is shown."""
    rows = (
        _placements(business_year, region_prefix)
        .filter(status=PlacementStatus.PENDING)
        .annotate(day=TruncDate("registered_at"))
        .values_list(F("employer__dpf_region_id"), "day")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return [(region, day, n) for region, day, n in rows]


def decisions_by_region(
    business_year: int, region_prefix: str = ""
) -> list[tuple[str, int | None, str, int]]:
    """(region code, reviewer's user id, transition, events): the reviewers' decisions on placements of the
    year (PlacementEvent rows approve / partly_reject / reject / send_back; events outlive a deleted
    placement, so its decisions still count)."""
    rows = PlacementEvent.objects.filter(business_year=business_year, transition__in=DECISION_TRANSITIONS)
    if region_prefix:
        rows = rows.filter(employer__dpf_region__code__startswith=region_prefix)
    grouped = rows.values_list(F("employer__dpf_region_id"), "actor_id", "transition").annotate(n=Count("pk"))
    return [(region, actor, transition, n) for region, actor, transition, n in grouped.order_by()]


def check_tallies_by_region(business_year: int, region_prefix: str = "") -> list[dict[str, Any]]:
    """Per region: for each check, the selected months that have it (`<code>_months`) and that passed it
    (`<code>_passed`), read from PlacementMonth.checks ({code: {"passed": …}}) by the database."""
    months = PlacementMonth.objects.filter(selected=True, placement__business_year=business_year)
    if region_prefix:
        months = months.filter(placement__employer__dpf_region__code__startswith=region_prefix)
    aggregates: dict[str, Any] = {}
    for code in CheckCode:
        aggregates[f"{code.value}_months"] = Count("pk", filter=Q(checks__has_key=code.value))
        aggregates[f"{code.value}_passed"] = Count("pk", filter=Q(**{f"checks__{code.value}__passed": True}))
    rows = months.values(region=F("placement__employer__dpf_region_id")).annotate(**aggregates)
    return [dict(row) for row in rows.order_by("region")]
