"""Batch re-verification of a business year: chunks of placements shared among spawned worker processes on
PostgreSQL, run one after the other elsewhere (docs/decisions/0005-batch-reverification.md).

Importing this module must not need the app registry: a spawned worker unpickles `worker_start` (and the
job function) before Django is set up, so the models are imported inside the functions, and the package
`anbili.placements.verification` loads its modules on first use. Locked years are asked of
`anbili.placements.locks`, not of the services (which call this module).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from typing import TYPE_CHECKING, Any

import django
from django.conf import settings

if TYPE_CHECKING:
    from anbili.placements.verification.loaders import BatchContext, BatchResult

logger = logging.getLogger(__name__)


def worker_start(databases: dict[str, Any]) -> None:
    """Set up Django in a new worker process on the parent's databases (under tests, the test database),
    before anything connects. The settings module comes with the inherited environment
    (DJANGO_SETTINGS_MODULE, which manage.py, the WSGI module and pytest set)."""
    settings.DATABASES = databases
    django.setup()


def placements_verify_batch(
    *,
    business_year: int,
    employer_ids: list[int] | None = None,
    chunk: int = 2000,
    workers: int | None = None,
) -> BatchResult:
    """Batch re-verification of all placements of a business year (set-based loading, the same rules path,
    only changed verdicts written), one transaction per chunk of `chunk` placements. Locked years are
    skipped.

    On PostgreSQL, outside any transaction, the chunks are shared among `workers` worker processes (default:
    one per core, at most 4): the work is Python-bound and each process holds its own connection
    (docs/performance.md, P1). Elsewhere, or with workers=1, the chunks run here one after the other.

    The workers are spawned: a script that calls this needs the `if __name__ == "__main__":` guard
    (docs/decisions/0005-batch-reverification.md).
    """
    from django.db import connection

    from anbili.placements.models import Placement
    from anbili.placements.verification.loaders import BatchContext

    queryset = Placement.objects.filter(business_year=business_year)
    if employer_ids is not None:
        queryset = queryset.filter(employer_id__in=employer_ids)
    pks = list(queryset.order_by("pk").values_list("pk", flat=True))
    ranges = [(pks[i], pks[min(i + chunk, len(pks)) - 1]) for i in range(0, len(pks), chunk)]
    if workers is None:
        workers = min(os.cpu_count() or 1, 4)
    workers = min(workers, len(ranges))
    # The pool needs its own connections (a fork would share this one; SQLite has one writer), and children
    # could not see the rows of an open transaction: in those cases the chunks run here.
    if workers <= 1 or connection.vendor != "postgresql" or connection.in_atomic_block:
        context = BatchContext(business_year)
        return _results_sum(_verify_range(context, employer_ids, low, high) for low, high in ranges)
    jobs = [(business_year, employer_ids, low, high) for low, high in ranges]
    # Spawned, not forked: a fork copies whatever other threads hold at that instant (open connections,
    # locks of a web server or task runner in the same process), which can hang or break the child.
    # Each worker starts a fresh interpreter on this process's settings and databases.
    with ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=worker_start,
        initargs=(settings.DATABASES,),
    ) as pool:
        done = list(pool.map(_verify_range_job, jobs))
    logger.info(
        "batch verification of %s: %d chunks in worker processes %s",
        business_year,
        len(jobs),
        sorted({pid for pid, _ in done}),
    )
    return _results_sum(result for _, result in done)


def _results_sum(results: Iterable[BatchResult]) -> BatchResult:
    from anbili.placements.verification.loaders import BatchResult

    placements = months = written = 0
    for result in results:
        placements += result.placements
        months += result.months
        written += result.written
    return BatchResult(placements=placements, months=months, written=written)


_CHILD_CONTEXTS: dict[int, BatchContext] = {}


def _verify_range_job(job: tuple[int, list[int] | None, int, int]) -> tuple[int, BatchResult]:
    # In a worker process: its context (employers, policies, provenance entries) serves all its chunks.
    from anbili.placements.verification.loaders import BatchContext

    business_year, employer_ids, low, high = job
    context = _CHILD_CONTEXTS.setdefault(business_year, BatchContext(business_year))
    return os.getpid(), _verify_range(context, employer_ids, low, high)


def _verify_range(context: BatchContext, employer_ids: list[int] | None, low: int, high: int) -> BatchResult:
    """Verify the placements of the business year with low <= pk <= high in one transaction."""
    from django.db import transaction

    from anbili.employers.models import Employer
    from anbili.placements.locks import placement_year_locked
    from anbili.placements.models import Placement
    from anbili.placements.verification.loaders import BatchPlacement
    from anbili.placements.verification.verify import verify_batch

    business_year = context.business_year
    queryset = Placement.objects.filter(business_year=business_year, pk__gte=low, pk__lte=high)
    if employer_ids is not None:
        queryset = queryset.filter(employer_id__in=employer_ids)
    batch = [
        BatchPlacement(*row)
        for row in queryset.order_by("pk").values_list(
            "pk", "employer_id", "id_number", "female_base_age", "verdicts_digest"
        )
    ]
    missing = {p.employer_id for p in batch} - context.employers.keys()
    for employer in Employer.objects.filter(pk__in=missing).select_related("admin_region"):
        context.employers[employer.pk] = employer
        context.locked[employer.pk] = bool(placement_year_locked(employer, business_year))
    batch = [p for p in batch if not context.locked[p.employer_id]]
    with transaction.atomic():
        return verify_batch(batch, context)
