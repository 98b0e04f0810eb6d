"""Background work of placements: batch re-verification of a business year, and of the persons a registry
import batch touched (queued by anbili.placements.reverify.on_import_batch_applied)."""

from typing import Any

from django_tasks import task

from anbili.placements.services import placements_verify_batch


@task()
def placements_reverify(business_year: int, employer_ids: list[int] | None = None) -> dict[str, int]:
    """Re-verify every placement of the business year (optionally of some employers) with the newest data;
    returns the placements and months verified and the months written. Safe to run twice."""
    return placements_verify_batch(business_year=business_year, employer_ids=employer_ids)._asdict()


@task()
def placements_reverify_touched_task(batch_id: int, touched: list[list[Any]]) -> dict[str, int]:
    """Re-verify the placements of the persons an import batch touched ([[year, ID numbers or None], …],
    see anbili.placements.reverify); only changed months are written. Safe to run twice."""
    from anbili.placements.reverify import placements_reverify_touched

    pairs = [(int(year), ids) for year, ids in touched]
    return placements_reverify_touched(batch_id=batch_id, touched=pairs)._asdict()
