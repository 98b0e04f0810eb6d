"""Refreshing the precomputed check tallies (decision 0007).

`check_tallies_refresh` recounts one business year (optionally only the regions under a prefix) in one
grouped query over the selected months and replaces that year's rows in one transaction, so the page never
sees half a refresh. It runs in the background: `stats_refresh` (task) after every re-verification task
finishes (`on_task_finished`, connected in StatsConfig.ready), from the `stats_refresh` management command
(cron), and when the page finds no tally yet for a year."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django_tasks import task
from django_tasks.base import TaskResultStatus

from anbili.placements.models import PlacementMonth
from anbili.rules.checks import CheckCode
from anbili.stats.models import CheckTally, TallyRun

logger = logging.getLogger(__name__)

# The tasks after which a business year's tallies are stale: batch and targeted re-verification.
VERIFICATION_TASKS = {
    "anbili.placements.tasks.placements_reverify",
    "anbili.placements.tasks.placements_reverify_touched_task",
}


def _tally_counts(business_year: int, region_prefix: str) -> list[dict[str, Any]]:
    """Per 残联主管部门 region: the selected months, and for each check the months that have it and that
    passed it, read from PlacementMonth.checks ({code: {"passed": …}}) in one grouped query."""
    months = PlacementMonth.objects.filter(selected=True, placement__business_year=business_year)
    if region_prefix:
        months = months.filter(placement__employer__dpf_region__code__startswith=region_prefix)
    aggregates: dict[str, Any] = {}
    for code in CheckCode:
        aggregates[f"{code.value}_months"] = Count("pk", filter=Q(checks__has_key=code.value))
        aggregates[f"{code.value}_passed"] = Count("pk", filter=Q(**{f"checks__{code.value}__passed": True}))
    return list(
        months.values(region=F("placement__employer__dpf_region_id"))
        .annotate(**aggregates)
        .order_by("region")
    )


def check_tallies_refresh(business_year: int, region_prefix: str = "") -> datetime:
    """Recount the check tallies of `business_year` for the regions under `region_prefix` ("" every
    region); returns the 统计时间 written. Safe to run twice and concurrently (the last one wins)."""
    counts = _tally_counts(business_year, region_prefix)
    now = timezone.now()
    rows = [
        CheckTally(
            region_code=row["region"],
            business_year=business_year,
            check_code=code.value,
            months=row[f"{code.value}_months"],
            passed=row[f"{code.value}_passed"],
            computed_at=now,
        )
        for row in counts
        for code in CheckCode
    ]
    with transaction.atomic():
        stale = CheckTally.objects.filter(business_year=business_year)
        if region_prefix:
            stale = stale.filter(region_code__startswith=region_prefix)
        stale.delete()
        CheckTally.objects.bulk_create(rows, batch_size=2000)
        TallyRun.objects.create(business_year=business_year, region_prefix=region_prefix, computed_at=now)
    return now


@task()
def stats_refresh(business_year: int, region_prefix: str = "") -> str:
    """Background refresh of one business year's check tallies; returns the 统计时间 (ISO text)."""
    return check_tallies_refresh(business_year, region_prefix).isoformat()


def stats_refresh_enqueue(business_year: int) -> None:
    """Queue a refresh of the year once the current transaction commits; a failure to queue is logged (the
    page still shows the previous figures with their time)."""

    def enqueue() -> None:
        try:
            stats_refresh.enqueue(business_year)
        except Exception:  # the figures may lag; the caller's work must not fail
            logger.exception("could not queue the statistics refresh of %s", business_year)

    transaction.on_commit(enqueue)


def _years_of(module_path: str, args: list[Any], kwargs: dict[str, Any]) -> set[int]:
    """The business years a finished verification task worked on."""
    if module_path.endswith("placements_reverify"):
        year = kwargs.get("business_year", args[0] if args else None)
        return {int(year)} if year is not None else set()
    touched = kwargs.get("touched", args[1] if len(args) > 1 else [])
    return {int(year) for year, _ in touched if int(year) > 0}


def on_task_finished(sender: Any, task_result: Any = None, **kwargs: Any) -> None:
    """After a successful re-verification task, queue the refresh of the years it verified."""
    if task_result is None or task_result.status != TaskResultStatus.SUCCESSFUL:
        return
    module_path = task_result.task.module_path
    if module_path not in VERIFICATION_TASKS:
        return
    try:
        years = _years_of(module_path, list(task_result.args), dict(task_result.kwargs))
    except (TypeError, ValueError):
        logger.warning("statistics: could not read the years of task %s", task_result.id)
        return
    for year in sorted(years):
        stats_refresh_enqueue(year)
