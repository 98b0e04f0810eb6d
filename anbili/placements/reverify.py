"""Re-verification on new data (重新核验): when a registry import batch is applied, the placements of the
persons it touched are verified again in the background, and only theirs.

The registry cannot call this layer (it sits below placements), so it sends `import_batch_applied` after
the batch commits (anbili/registry/signals.py) with the touched ID numbers by calendar year;
`on_import_batch_applied` (connected in PlacementsConfig.ready) queues the task `placements_reverify_touched`,
which re-verifies the placements of those persons whose business year holds a touched month, through the one
batch path `verify_batch` (the months written are only those whose verdict changed). Locked years are
skipped. A failure anywhere here is logged and never reaches the import: the signal is sent after commit
with `send_robust`, and the work runs in the task.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from anbili.placements.models import Placement, PlacementStatus
from anbili.placements.signals import pending_signals_refresh
from anbili.placements.verification import BatchContext, BatchResult
from anbili.placements.verification.pool import (
    default_workers,
    pool_available,
    results_total,
    verify_in_workers,
    verify_placements,
)
from anbili.registry.signals import ANY_YEAR

logger = logging.getLogger(__name__)

# Placements verified per transaction, as placements_verify_batch does.
REVERIFY_CHUNK = 2000
# ID numbers per look-up of their placements (well under SQLite's 32,766 parameters).
LOOKUP_CHUNK = 5000
# Above this many touched persons in one year the task is sent no list (a task's arguments are stored as
# JSON) and the whole business year is re-verified by placements_verify_batch instead: by then most of the
# year's placements are touched anyway.
REVERIFY_PERSONS_MAX = 200_000

# Below this many placements the targeted pass runs in this process: spawning the workers (a fresh
# interpreter and Django each) costs more than it saves.
POOL_FROM = 4000


def _placements_of(id_numbers: Sequence[str], business_year: int | None) -> dict[int, list[int]]:
    """The placement ids of the persons by business year (every year when `business_year` is None)."""
    by_year: dict[int, list[int]] = defaultdict(list)
    for start in range(0, len(id_numbers), LOOKUP_CHUNK):
        queryset = Placement.objects.filter(id_number__in=id_numbers[start : start + LOOKUP_CHUNK])
        if business_year is not None:
            queryset = queryset.filter(business_year=business_year)
        for pk, year in queryset.values_list("pk", "business_year"):
            by_year[year].append(pk)
    return by_year


def _year_verify(business_year: int, pks: list[int], chunk: int, workers: int | None) -> BatchResult:
    """Many placements are shared among worker processes where the pool is available, as the full batch
    does (the work is Python-bound); otherwise the chunks run here, one transaction each."""
    pks = sorted(pks)
    workers = default_workers() if workers is None else workers
    if len(pks) >= POOL_FROM and pool_available(workers):
        return verify_in_workers(business_year, pks, chunk=chunk, workers=workers)
    context = BatchContext(business_year)
    return results_total(verify_placements(context, pks[i : i + chunk]) for i in range(0, len(pks), chunk))


def placements_reverify_persons(
    *,
    id_numbers: Iterable[str],
    business_year: int | None = None,
    chunk: int = REVERIFY_CHUNK,
    workers: int | None = None,
) -> BatchResult:
    """Re-verify the placements of these persons in `business_year` (every year when None) with the newest
    registry data, one transaction per chunk (shared among `workers` processes when there are many, on
    PostgreSQL); placements of other persons are not read or written. Years locked for an employer
    (placement_year_locked) are skipped for it."""
    ids = sorted(set(id_numbers))
    if not ids:
        return BatchResult()
    by_year = _placements_of(ids, business_year)
    result = results_total(_year_verify(year, pks, chunk, workers) for year, pks in sorted(by_year.items()))
    # The review queue's risk signals of those still waiting for review (anbili/placements/signals.py).
    pending_signals_refresh(pk for pks in by_year.values() for pk in pks)
    return result


def _whole_years(year: int) -> list[int]:
    if year != ANY_YEAR:
        return [year]
    return sorted(set(Placement.objects.values_list("business_year", flat=True).distinct()))


def placements_reverify_touched(
    *, batch_id: int, touched: Sequence[tuple[int, Sequence[str] | None]]
) -> BatchResult:
    """The task's work: `touched` as `on_import_batch_applied` queued it, [(year, ID numbers or None)];
    year ANY_YEAR means every business year of those persons, None every placement of the year."""
    from anbili.placements.services import placements_verify_batch

    everywhere = {id_number for year, ids in touched if year == ANY_YEAR for id_number in ids or ()}
    results: list[BatchResult] = []
    for year, ids in touched:
        if ids is None:
            results.extend(placements_verify_batch(business_year=y) for y in _whole_years(year))
            pending_signals_refresh(
                Placement.objects.filter(
                    business_year__in=_whole_years(year), status=PlacementStatus.PENDING
                ).values_list("pk", flat=True)
            )
            continue
        # A person touched in every year is verified once, under ANY_YEAR.
        wanted = ids if year == ANY_YEAR else [i for i in ids if i not in everywhere]
        results.append(
            placements_reverify_persons(id_numbers=wanted, business_year=None if year == ANY_YEAR else year)
        )
    result = results_total(results)
    logger.info(
        "re-verification after import batch %s: %d placements, %d months verified, %d written",
        batch_id,
        result.placements,
        result.months,
        result.written,
    )
    return result


def reverify_payload(touched: Mapping[int, frozenset[str]]) -> list[list[Any]]:
    """The task's JSON arguments: [[year, sorted ID numbers or None (too many: the whole year)], …]."""
    return [
        [year, sorted(ids) if len(ids) <= REVERIFY_PERSONS_MAX else None]
        for year, ids in sorted(touched.items())
        if ids
    ]


def on_import_batch_applied(
    sender: Any, *, batch_id: int, kind: str, touched: Mapping[int, frozenset[str]], **kwargs: Any
) -> None:
    """Receiver of `import_batch_applied` (sent after the batch committed): queue the re-verification."""
    from anbili.placements.tasks import placements_reverify_touched_task

    payload = reverify_payload(touched)
    if payload:
        placements_reverify_touched_task.enqueue(batch_id=batch_id, touched=payload)
