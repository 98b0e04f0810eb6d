"""Refreshing the precomputed statistics (decision 0007).

`stats_figures_refresh` recounts one business year (optionally only the regions under a prefix) with one
grouped query per figure (placements by status, the backlog by day, the reviewers' decisions, the check
tallies over the selected months' verdicts) and replaces that year's rows in one transaction, so the page
never sees half a refresh. It runs in the background as the task `stats_refresh`:
- shortly after placements change status (every change writes a PlacementEvent: `on_event_saved` queues
  the refresh of the employer's province, one per province, year and DEBOUNCE_SECONDS);
- after every re-verification task finishes (`on_task_finished`: the verdicts changed);
- from the `stats_refresh` management command (cron, nightly), and when the page finds a year never counted.
Both receivers are connected in StatsConfig.ready."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone
from django_tasks import task
from django_tasks.base import TaskResultStatus

from anbili.employers.models import Employer
from anbili.placements.selectors_stats import (
    check_tallies_by_region,
    decisions_by_region,
    pending_by_region_and_day,
    placement_status_by_region,
)
from anbili.registry.signals import ANY_YEAR
from anbili.rules.checks import CheckCode
from anbili.stats.models import CheckTally, FigureKind, PlacementFigure, TallyRun

logger = logging.getLogger(__name__)

# The tasks after which a business year's check tallies are stale: batch and targeted re-verification.
VERIFICATION_TASKS = {
    "anbili.placements.tasks.placements_reverify",
    "anbili.placements.tasks.placements_reverify_touched_task",
}
# Status changes within this many seconds share one refresh (queued to run when the window ends).
DEBOUNCE_SECONDS = 60


def _figures(business_year: int, region_prefix: str) -> list[PlacementFigure]:
    def figure(region: str, kind: str, key: str, n: int) -> PlacementFigure:
        return PlacementFigure(business_year=business_year, region_code=region, kind=kind, key=key, n=n)

    rows = [
        figure(region, FigureKind.STATUS, status, n)
        for region, status, n in placement_status_by_region(business_year, region_prefix)
    ]
    rows += [
        figure(region, FigureKind.PENDING_DAY, day.isoformat() if day else "", n)
        for region, day, n in pending_by_region_and_day(business_year, region_prefix)
    ]
    rows += [
        figure(region, FigureKind.DECISION, f"{actor if actor is not None else '-'}:{transition}", n)
        for region, actor, transition, n in decisions_by_region(business_year, region_prefix)
    ]
    return rows


def _tallies(business_year: int, region_prefix: str, now: datetime) -> list[CheckTally]:
    return [
        CheckTally(
            region_code=row["region"],
            business_year=business_year,
            check_code=code.value,
            months=row[f"{code.value}_months"],
            passed=row[f"{code.value}_passed"],
            computed_at=now,
        )
        for row in check_tallies_by_region(business_year, region_prefix)
        for code in CheckCode
    ]


def _refresh_lock() -> None:
    """One refresh at a time: on PostgreSQL two overlapping refreshes would each delete only the rows their
    snapshot saw and both insert, doubling the figures. SHARE ROW EXCLUSIVE conflicts with itself and with
    writers, not with the page's reads; the counts are then made after the lock, so the later refresh also
    holds the newer data. SQLite serialises writing transactions itself."""
    if connection.vendor == "postgresql":
        tables = f"{CheckTally._meta.db_table}, {PlacementFigure._meta.db_table}"
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {tables} IN SHARE ROW EXCLUSIVE MODE")


def stats_figures_refresh(business_year: int, region_prefix: str = "") -> datetime:
    """Recount the statistics of `business_year` for the regions under `region_prefix` ("" every region);
    returns the 统计时间 written. Safe to run twice and concurrently (the last one wins)."""
    with transaction.atomic():
        _refresh_lock()
        now = timezone.now()
        figures = _figures(business_year, region_prefix)
        tallies = _tallies(business_year, region_prefix, now)
        for model in (CheckTally, PlacementFigure):
            stale = model.objects.filter(business_year=business_year)
            if region_prefix:
                stale = stale.filter(region_code__startswith=region_prefix)
            stale.delete()
        CheckTally.objects.bulk_create(tallies, batch_size=2000)
        PlacementFigure.objects.bulk_create(figures, batch_size=2000)
        TallyRun.objects.create(business_year=business_year, region_prefix=region_prefix, computed_at=now)
    return now


@task()
def stats_refresh(business_year: int, region_prefix: str = "") -> str:
    """Background refresh of one business year's statistics; returns the 统计时间 (ISO text)."""
    return stats_figures_refresh(business_year, region_prefix).isoformat()


def _enqueue(business_year: int, region_prefix: str = "", *, delay_seconds: int = 0) -> None:
    try:
        queued = stats_refresh
        if delay_seconds and queued.get_backend().supports_defer:
            queued = queued.using(run_after=timezone.now() + timedelta(seconds=delay_seconds))
        queued.enqueue(business_year, region_prefix)
    except Exception:  # the figures may lag; the caller's work must not fail
        logger.exception("could not queue the statistics refresh of %s %s", business_year, region_prefix)


def stats_refresh_enqueue(business_year: int, region_prefix: str = "") -> None:
    """Queue a refresh of the year (of the regions under `region_prefix`) once the current transaction
    commits; a failure to queue is logged: the page keeps the previous figures and their time."""
    transaction.on_commit(lambda: _enqueue(business_year, region_prefix))


def _province_soon(business_year: int, employer_id: int) -> None:
    """After commit: refresh the employer's province in that year once the debounce window ends (one queued
    refresh per province, year and window). A province, not the whole country: a refresh reads the year's
    placements of every region it covers."""
    region = Employer.objects.filter(pk=employer_id).values_list("dpf_region_id", flat=True).first()
    if not region:
        return
    province = region[:2]
    if cache.add(f"stats-refresh-soon:{business_year}:{province}", 1, DEBOUNCE_SECONDS):
        _enqueue(business_year, province, delay_seconds=DEBOUNCE_SECONDS)


def on_event_saved(sender: Any, instance: Any = None, created: bool = False, **kwargs: Any) -> None:
    """A placement changed status (or was decided): its province's figures are refreshed soon."""
    if not created or instance is None:
        return
    year, employer_id = instance.business_year, instance.employer_id
    transaction.on_commit(lambda: _province_soon(year, employer_id))


def _years_of(module_path: str, args: list[Any], kwargs: dict[str, Any]) -> set[int]:
    """The business years a finished verification task worked on."""
    if module_path.endswith("placements_reverify"):
        year = kwargs.get("business_year", args[0] if args else None)
        return {int(year)} if year is not None else set()
    touched = kwargs.get("touched", args[1] if len(args) > 1 else [])
    years = {int(year) for year, _ in touched}
    if ANY_YEAR in years:  # persons and certificates: every year of theirs, the open ones at least
        this_year = timezone.localdate().year
        years |= {this_year - 1, this_year}
    return years - {ANY_YEAR}


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
