"""The targeted re-verification (anbili/placements/reverify.py) in spawned worker processes: chunks of named
placements shared among one process per core, as `placements_verify_batch` shares pk ranges
(docs/decisions/0005-batch-reverification.md).

Importing this module must not need the app registry: a spawned worker imports it to unpickle the job
function before Django is set up (`worker_start`), so the models are imported inside the functions.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from typing import TYPE_CHECKING

from django.conf import settings

from anbili.placements.verification.pool import worker_start

if TYPE_CHECKING:
    from anbili.placements.verification.loaders import BatchContext, BatchResult

_CHILD_CONTEXTS: dict[int, BatchContext] = {}


def verify_placements(context: BatchContext, pks: list[int]) -> BatchResult:
    """Verify the named placements of the context's business year in one transaction; employers of a
    locked year are skipped (placement_year_locked)."""
    from django.db import transaction

    from anbili.employers.models import Employer
    from anbili.placements.locks import placement_year_locked
    from anbili.placements.models import Placement
    from anbili.placements.verification import BatchPlacement, verify_batch

    year = context.business_year
    rows = Placement.objects.filter(pk__in=pks, business_year=year).order_by("pk")
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


def _job(job: tuple[int, list[int]]) -> BatchResult:
    # In a worker process: one context (employers, policies, provenance entries) serves all its chunks.
    from anbili.placements.verification import BatchContext

    year, pks = job
    return verify_placements(_CHILD_CONTEXTS.setdefault(year, BatchContext(year)), pks)


def verify_in_workers(business_year: int, pks: list[int], *, chunk: int, workers: int) -> list[BatchResult]:
    """Share the placements among `workers` spawned processes, in chunks small enough that each worker
    gets about three (an even finish) and at most `chunk` placements per transaction."""
    size = min(chunk, max(200, -(-len(pks) // (workers * 3))))
    jobs = [(business_year, pks[i : i + size]) for i in range(0, len(pks), size)]
    with ProcessPoolExecutor(
        max_workers=min(workers, len(jobs)),
        mp_context=multiprocessing.get_context("spawn"),
        initializer=worker_start,
        initargs=(settings.DATABASES,),
    ) as pool:
        return list(pool.map(_job, jobs))


def default_workers() -> int:
    """One process per core, at most 4 (as placements_verify_batch)."""
    return min(os.cpu_count() or 1, 4)
