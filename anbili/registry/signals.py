"""What the registry tells the layers above it: a batch's rows were written.

The registry sits below placements (import-linter), so it cannot call placement verification itself; it
sends `import_batch_applied` once the batch's transaction has committed, and placements connects a receiver
(anbili/placements/apps.py) that queues the re-verification of the persons the batch touched.

Arguments sent with the signal (keyword): `batch_id`, `kind` (ImportKind value) and `touched`, a dict
{year: frozenset of ID numbers} of the persons whose rows the batch created or changed, by the calendar
year of the changed months (a business year is a calendar year); year 0 holds the persons touched by rows
without a month (persons and certificates), whose every business year may be affected. Rows the batch
sent unchanged are not in it, so re-sending a file touches nobody.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from django.dispatch import Signal

logger = logging.getLogger(__name__)

# Rows without a month (person and certificate rows) are filed under this year: every year of the person.
ANY_YEAR = 0

import_batch_applied = Signal()


def import_batch_applied_send(*, batch_id: int, kind: str, touched: Mapping[int, frozenset[str]]) -> None:
    """Send `import_batch_applied` to every receiver; a receiver's failure is logged, never raised: the
    batch is committed already and must stay so whatever happens downstream."""
    if not any(touched.values()):
        return
    for receiver, outcome in import_batch_applied.send_robust(
        sender=None, batch_id=batch_id, kind=kind, touched=dict(touched)
    ):
        if isinstance(outcome, Exception):
            logger.error(
                "import batch %s: receiver %r of import_batch_applied failed",
                batch_id,
                receiver,
                exc_info=outcome,
            )
