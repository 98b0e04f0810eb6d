"""The start of a batch worker process: moved to `anbili.placements.verification.pool` (kept here for the
services until they import it from there)."""

from anbili.placements.verification.pool import worker_start

__all__ = ["worker_start"]
