"""The two verification paths, each loader → engine → store: one placement (the portal's 重新核验 and every
workflow step that verifies) and a chunk of placements of a business year (batch re-verification)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.utils import timezone

from anbili.core.collector import collector_paused
from anbili.placements.models import Placement, PlacementMonth
from anbili.placements.verification.encoding import SourceEntries, verdicts_digest
from anbili.placements.verification.engine import month_verdicts
from anbili.placements.verification.loaders import (
    BatchContext,
    BatchPlacement,
    BatchResult,
    EngineInputs,
    batch_inputs,
    placement_inputs,
)
from anbili.placements.verification.store import MonthStore, Row, month_store


def _verdicts(inputs: EngineInputs, entries: SourceEntries) -> list:
    return month_verdicts(
        inputs.facts,
        contracts=inputs.contracts,
        policy=inputs.policy,
        claimed_elsewhere=inputs.claimed_elsewhere,
        female_base_age=inputs.female_base_age,
        entries=entries,
    )


def verify_one(
    placement: Placement,
    *,
    now: datetime | None = None,
    also_save: Sequence[str] = (),
    store: MonthStore | None = None,
) -> list[PlacementMonth]:
    """Verify one placement with the newest data and store its twelve months (only those that changed are
    written); the placement's fields named in `also_save` are written with its verification stamp."""
    verdicts = _verdicts(placement_inputs(placement), SourceEntries())
    return (store or month_store()).placement_store(
        placement, verdicts, now=now or timezone.now(), also_save=also_save
    )


def verify_batch(
    placements: Sequence[BatchPlacement],
    context: BatchContext,
    *,
    now: datetime | None = None,
    store: MonthStore | None = None,
) -> BatchResult:
    """Verify many placements of one business year with set-based loading and the one rules path.

    `context.employers` holds every placement's employer. The months of a placement are handed to the store
    only when its verdicts' digest differs from the stored one (Placement.verdicts_digest), and the store
    writes only the months whose verdict differs.
    """
    now = now or timezone.now()
    if not placements:
        return BatchResult()
    store = store or month_store()
    with collector_paused():
        changed: list[Row] = []
        digests: list[tuple[int, int]] = []
        months = 0
        for placement, inputs in zip(placements, batch_inputs(placements, context), strict=True):
            verdicts = _verdicts(inputs, context.entries)
            months += len(verdicts)
            digest = verdicts_digest(verdicts)
            digests.append((placement.pk, digest))
            if digest != placement.verdicts_digest:
                changed.extend((placement.pk, verdict) for verdict in verdicts)
        written = store.months_write(changed, now)
        store.placements_stamp(digests, now)
    return BatchResult(placements=len(placements), months=months, written=written)
