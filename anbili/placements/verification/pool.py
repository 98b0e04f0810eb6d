"""Verification of many placements in spawned worker processes: the batch re-verification of a business year
(`placements_verify_batch`, pk ranges) and the targeted re-verification of named placements after a registry
import (`verify_in_workers`, used by anbili/placements/reverify.py). On PostgreSQL outside a transaction the
chunks are shared among one process per core (the work is Python-bound, each process holds its own
connection); elsewhere they run here one after the other (docs/decisions/0005-batch-reverification.md).

Importing this module must not need the app registry: a spawned worker unpickles `worker_start` (and the
job function) before Django is set up, so the models are imported inside the functions, and the package
`anbili.placements.verification` loads its modules on first use. Locked years are asked of
`anbili.placements.locks`, not of the services (which call this module).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import TYPE_CHECKING, Any, TypeVar

import django
from django.conf import settings

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from anbili.placements.models import Placement
    from anbili.placements.verification.loaders import BatchContext, BatchResult

logger = logging.getLogger(__name__)

Job = TypeVar("Job")


def worker_start(databases: dict[str, Any]) -> None:
    """Set up Django in a new worker process on the parent's databases (under tests, the test database),
    before anything connects. The settings module comes with the inherited environment
    (DJANGO_SETTINGS_MODULE, which manage.py, the WSGI module and pytest set)."""
    settings.DATABASES = databases
    django.setup()


def default_workers() -> int:
    """One process per core, at most 4."""
    return min(os.cpu_count() or 1, 4)


def pool_available(workers: int) -> bool:
    """Whether `workers` processes can share the work: the month store must take concurrent writers (a
    fork would share this connection; SQLite has one writer), and children could not see the rows of an
    open transaction."""
    from django.db import connection

    from anbili.placements.verification.store import month_store

    return workers > 1 and month_store().takes_concurrent_writers and not connection.in_atomic_block


def results_total(results: Iterable[BatchResult]) -> BatchResult:
    """The sum of several chunks' results."""
    from anbili.placements.verification.loaders import BatchResult

    placements = months = written = 0
    for result in results:
        placements += result.placements
        months += result.months
        written += result.written
    return BatchResult(placements=placements, months=months, written=written)


def _in_workers(
    job: Callable[[Job], tuple[int, BatchResult]], jobs: Sequence[Job], workers: int
) -> BatchResult:
    # Spawned, not forked: a fork copies whatever other threads hold at that instant (open connections,
    # locks of a web server or task runner in the same process), which can hang or break the child.
    # Each worker starts a fresh interpreter on this process's settings and databases.
    with ProcessPoolExecutor(
        max_workers=min(workers, len(jobs)),
        mp_context=multiprocessing.get_context("spawn"),
        initializer=worker_start,
        initargs=(settings.DATABASES,),
    ) as pool:
        done = list(pool.map(job, jobs))
    logger.info("verification: %d chunks in worker processes %s", len(jobs), sorted({pid for pid, _ in done}))
    return results_total(result for _, result in done)


_CHILD_CONTEXTS: dict[int, BatchContext] = {}


def _child_context(business_year: int) -> BatchContext:
    # In a worker process: one context (employers, policies, provenance entries) serves all its chunks.
    from anbili.placements.verification.loaders import BatchContext

    return _CHILD_CONTEXTS.setdefault(business_year, BatchContext(business_year))


def _verify_rows(context: BatchContext, queryset: QuerySet[Placement]) -> BatchResult:
    """Verify these placements of the context's business year in one transaction; employers of a locked
    year are skipped (placement_year_locked)."""
    from django.db import transaction

    from anbili.employers.models import Employer
    from anbili.placements.locks import placement_year_locked
    from anbili.placements.verification.loaders import BatchPlacement
    from anbili.placements.verification.verify import verify_batch

    year = context.business_year
    rows = queryset.filter(business_year=year).order_by("pk")
    batch = [
        BatchPlacement(*row)
        for row in rows.values_list("pk", "employer_id", "id_number", "female_base_age", "verdicts_digest")
    ]
    missing = {p.employer_id for p in batch} - context.employers.keys()
    for employer in Employer.objects.filter(pk__in=missing).select_related("admin_region"):
        context.employers[employer.pk] = employer
        context.locked[employer.pk] = bool(placement_year_locked(employer, year))
    batch = [p for p in batch if not context.locked[p.employer_id]]
    with transaction.atomic():
        return verify_batch(batch, context)


# --- named placements (re-verification after an import) ---------------------------------------------------


def verify_placements(context: BatchContext, pks: list[int]) -> BatchResult:
    """Verify the named placements of the context's business year in one transaction."""
    from anbili.placements.models import Placement

    return _verify_rows(context, Placement.objects.filter(pk__in=pks))


def _named_job(job: tuple[int, list[int]]) -> tuple[int, BatchResult]:
    year, pks = job
    return os.getpid(), verify_placements(_child_context(year), pks)


def verify_in_workers(business_year: int, pks: list[int], *, chunk: int, workers: int) -> BatchResult:
    """Share the named placements among `workers` spawned processes, in chunks small enough that each worker
    gets about three (an even finish) and at most `chunk` placements per transaction."""
    size = min(chunk, max(200, -(-len(pks) // (workers * 3))))
    return _in_workers(
        _named_job, [(business_year, pks[i : i + size]) for i in range(0, len(pks), size)], workers
    )


# --- a whole business year ---------------------------------------------------------------------------------


def _range_rows(employer_ids: list[int] | None, low: int, high: int) -> QuerySet[Placement]:
    from anbili.placements.models import Placement

    queryset = Placement.objects.filter(pk__gte=low, pk__lte=high)
    return queryset if employer_ids is None else queryset.filter(employer_id__in=employer_ids)


def _range_job(job: tuple[int, list[int] | None, int, int]) -> tuple[int, BatchResult]:
    year, employer_ids, low, high = job
    return os.getpid(), _verify_rows(_child_context(year), _range_rows(employer_ids, low, high))


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

    Where `pool_available`, the chunks are shared among `workers` worker processes (default: one per core,
    at most 4; docs/performance.md, P1); otherwise, or with workers=1, they run here one after the other.

    The workers are spawned: a script that calls this needs the `if __name__ == "__main__":` guard
    (docs/decisions/0005-batch-reverification.md).
    """
    from anbili.placements.models import Placement
    from anbili.placements.verification.loaders import BatchContext

    queryset = Placement.objects.filter(business_year=business_year)
    if employer_ids is not None:
        queryset = queryset.filter(employer_id__in=employer_ids)
    pks = list(queryset.order_by("pk").values_list("pk", flat=True))
    ranges = [(pks[i], pks[min(i + chunk, len(pks)) - 1]) for i in range(0, len(pks), chunk)]
    workers = min(default_workers() if workers is None else workers, len(ranges))
    if not pool_available(workers):
        context = BatchContext(business_year)
        return results_total(
            _verify_rows(context, _range_rows(employer_ids, low, high)) for low, high in ranges
        )
    return _in_workers(
        _range_job, [(business_year, employer_ids, low, high) for low, high in ranges], workers
    )
