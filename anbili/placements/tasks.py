"""Background work of placements: batch re-verification of a business year (e.g. after a registry import)."""

from django_tasks import task

from anbili.placements.services import placements_verify_batch


@task()
def placements_reverify(business_year: int, employer_ids: list[int] | None = None) -> dict[str, int]:
    """Re-verify every placement of the business year (optionally of some employers) with the newest data;
    returns the placements and months verified and the months written. Safe to run twice."""
    return placements_verify_batch(business_year=business_year, employer_ids=employer_ids)._asdict()
