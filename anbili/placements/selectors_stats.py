"""Reads for the statistics page (申办系统 → 统计): live counts of one business year inside a staff member's
jurisdiction. Every figure starts from placements_in_jurisdiction (or, for decisions, the same prefix on the
event's employer), so another region's placements are never counted.

Each function is one grouped query whatever the number of placements; the check pass rates, which would
have to read the verdict JSON of every month, are precomputed by anbili.stats (decision 0007)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, Min, Q
from django.db.models.functions import Substr
from django.utils import timezone

from anbili.placements.models import PlacementEvent, PlacementStatus
from anbili.placements.selectors import placements_in_jurisdiction
from anbili.regions.models import Region, RegionLevel

# The reviewer's decisions (PLACEMENT_TRANSITIONS rows by Actor.REVIEWER), in the order shown.
DECISION_TRANSITIONS = {
    "approve": "审核通过",
    "partly_reject": "部分审核不通过",
    "reject": "审核不通过",
    "send_back": "退回补正",
}

# Age buckets of the backlog (待审核, counted from 单位申报时间): (label, lowest days, highest days or None).
BACKLOG_BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("3天以内", 0, 3),
    ("4至7天", 4, 7),
    ("8至15天", 8, 15),
    ("16至30天", 16, 30),
    ("30天以上", 31, None),
)


def sub_region_length(prefix: str) -> int:
    """The code length that names the regions one level below a jurisdiction prefix: provinces (2) for the
    whole country, cities (4) for a province, counties (6) for a city and for a county itself."""
    return {0: 2, 2: 4}.get(len(prefix), 6)


@dataclass(frozen=True)
class StatusRegionCounts:
    """Placements by status, by sub-region, and by both (region code prefix → {status: count})."""

    by_status: dict[str, int]
    by_region: dict[str, dict[str, int]]

    @property
    def total(self) -> int:
        return sum(self.by_status.values())


def placement_status_region_counts(staff: Any, business_year: int) -> StatusRegionCounts:
    """One grouped query: the year's placements of the jurisdiction by (sub-region, status)."""
    prefix = staff.jurisdiction_prefix or ""
    length = sub_region_length(prefix)
    rows = (
        placements_in_jurisdiction(staff)
        .filter(business_year=business_year)
        .annotate(sub_region=Substr("employer__dpf_region_id", 1, length))
        .values("sub_region", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    by_status = dict.fromkeys(PlacementStatus.values, 0)
    by_region: dict[str, dict[str, int]] = {}
    for row in rows:
        by_status[row["status"]] = by_status.get(row["status"], 0) + row["n"]
        cells = by_region.setdefault(row["sub_region"], dict.fromkeys(PlacementStatus.values, 0))
        cells[row["status"]] = cells.get(row["status"], 0) + row["n"]
    return StatusRegionCounts(by_status=by_status, by_region=by_region)


@dataclass(frozen=True)
class Backlog:
    """Pending placements (待审核) by how long they have waited, and the oldest one's wait in days."""

    buckets: list[tuple[str, int]]
    oldest_days: int | None

    @property
    def total(self) -> int:
        return sum(n for _, n in self.buckets)


def _bucket_filter(now: datetime, low: int, high: int | None) -> Q:
    # Waited `low` to `high` whole days: registered in (now - high - 1 days, now - low days].
    condition = Q(registered_at__lte=now - timedelta(days=low)) if low else Q()
    if high is not None:
        condition &= Q(registered_at__gt=now - timedelta(days=high + 1))
    return condition


def placement_backlog(staff: Any, business_year: int, *, now: datetime | None = None) -> Backlog:
    """One query: the year's pending placements of the jurisdiction in the age buckets (a pending placement
    without 单位申报时间 counts as new)."""
    now = now or timezone.now()
    aggregates: dict[str, Any] = {
        f"b{i}": Count("pk", filter=_bucket_filter(now, low, high) | Q(registered_at__isnull=True))
        if low == 0
        else Count("pk", filter=_bucket_filter(now, low, high))
        for i, (_, low, high) in enumerate(BACKLOG_BUCKETS)
    }
    aggregates["oldest"] = Min("registered_at")
    figures = (
        placements_in_jurisdiction(staff)
        .filter(business_year=business_year, status=PlacementStatus.PENDING)
        .aggregate(**aggregates)
    )
    oldest = figures.pop("oldest")
    buckets = [(label, figures[f"b{i}"] or 0) for i, (label, _, _) in enumerate(BACKLOG_BUCKETS)]
    return Backlog(buckets=buckets, oldest_days=(now - oldest).days if oldest else None)


@dataclass(frozen=True)
class ReviewerDecisions:
    """One reviewer's decisions of the year in the jurisdiction."""

    reviewer: str
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def reviewer_decisions(staff: Any, business_year: int) -> list[ReviewerDecisions]:
    """One grouped query over PlacementEvent: each reviewer's approve / partly_reject / reject / send_back
    events on placements of the year whose employer lies in the jurisdiction (events outlive a deleted
    placement, so its decisions still count), most decisions first."""
    prefix = staff.jurisdiction_prefix
    if prefix is None:
        return []
    rows = (
        PlacementEvent.objects.filter(
            business_year=business_year,
            transition__in=DECISION_TRANSITIONS,
            employer__dpf_region__code__startswith=prefix,
        )
        .values("actor_id", "actor__full_name", "actor__username", "transition")
        .annotate(n=Count("pk"))
        .order_by()
    )
    people: dict[int | None, tuple[str, dict[str, int]]] = {}
    for row in rows:
        name = row["actor__full_name"] or row["actor__username"] or "（账号已删除）"
        if row["actor__full_name"] and row["actor__username"]:
            name = f"{row['actor__full_name']}（{row['actor__username']}）"
        _, counts = people.setdefault(row["actor_id"], (name, dict.fromkeys(DECISION_TRANSITIONS, 0)))
        counts[row["transition"]] += row["n"]
    result = [ReviewerDecisions(reviewer=name, counts=counts) for name, counts in people.values()]
    return sorted(result, key=lambda r: (-r.total, r.reviewer))


def sub_region_names(staff: Any) -> dict[str, str]:
    """The names of the regions one level below the jurisdiction, keyed by their significant code head (as
    placement_status_region_counts groups them); the staff member's own region as 本级."""
    prefix = staff.jurisdiction_prefix or ""
    length = sub_region_length(prefix)
    if not prefix:
        regions = Region.objects.filter(level=RegionLevel.PROVINCE)
    else:
        regions = (
            Region.objects.filter(parent_id=staff.region_id) if len(prefix) < 6 else Region.objects.none()
        )
    names = {region.code[:length]: region.name for region in regions.only("code", "name")}
    if staff.region is not None:
        names.setdefault(staff.region.code[:length], f"{staff.region.name}（本级）")
    return names
